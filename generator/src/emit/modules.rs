//! The module tree: one file per module that holds types (`src/api/core/v1.rs`), a `mod.rs`
//! for each module with children, and the `pub mod` lines that join them.

use super::FileContent;
use crate::ir::features::Features;
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// The modules holding model types, with their ancestors and children.
pub fn module_tree(api: &Api) -> BTreeMap<Vec<String>, BTreeSet<String>> {
    tree_of(api.modules().keys())
}

/// The given module paths, their ancestors, and each one's children; the root (`[]`) is always
/// present.
pub fn tree_of<'a>(modules: impl IntoIterator<Item = &'a Vec<String>>) -> BTreeMap<Vec<String>, BTreeSet<String>> {
    let mut tree: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    tree.entry(Vec::new()).or_default();
    for module in modules {
        for depth in 0..module.len() {
            tree.entry(module[..depth].to_vec()).or_default().insert(module[depth].clone());
        }
        tree.entry(module.clone()).or_default();
    }
    tree
}

/// The file a module lives in, relative to the crate root.
pub fn module_file(module: &[String], has_children: bool) -> String {
    match (module, has_children) {
        ([], _) => "src/lib.rs".to_string(),
        (_, true) => format!("src/{}/mod.rs", module.join("/")),
        (_, false) => format!("src/{}.rs", module.join("/")),
    }
}

/// `pub mod` lines for the children of a module; `gate` names the cargo feature a child needs.
pub fn child_decls<'a>(children: &'a BTreeSet<String>, gate: impl Fn(&str) -> Option<&'a str>) -> TokenStream {
    let decls = children.iter().map(|c| {
        let ident = format_ident!("{}", c);
        let cfg = gate(c).map(|feature| quote!(#[cfg(feature = #feature)]));
        quote!(#cfg pub mod #ident;)
    });
    quote!(#(#decls)*)
}

/// Every module file except the crate root, which [`super::crate_files`] writes.
pub fn emit(api: &Api, features: &Features, files: &mut BTreeMap<String, FileContent>) {
    let modules = api.modules();
    for (module, children) in module_tree(api) {
        if module.is_empty() {
            continue;
        }
        let decls = child_decls(&children, |c| model_gate(features, &module, c));
        let items = modules.get(&module).into_iter().flatten().map(|t| super::type_items(api, t));
        let tokens = quote!(#decls #(#items)*);
        files.insert(module_file(&module, !children.is_empty()), FileContent::Rust(tokens));
    }
}

/// The feature a model module's child needs.
pub fn model_gate<'a>(features: &'a Features, module: &[String], child: &str) -> Option<&'a str> {
    let mut path = module.to_vec();
    path.push(child.to_string());
    features.models.get(&path).map(String::as_str)
}

/// The feature an `actions` or `sensors` module's child needs (its group-version's).
pub fn group_version_gate<'a>(features: &'a Features, module: &[String], child: &str) -> Option<&'a str> {
    let mut path = module.to_vec();
    path.push(child.to_string());
    (path.len() == 2).then(|| features.of_module(&path)).flatten()
}

/// One file per module of a resource tree below `prefix` (`actions`, `sensors`): the child
/// declarations, gated by their group-version's feature, then `items(module)`. The tree's root
/// is always a `mod.rs`.
pub fn emit_resource_tree<'a>(
    prefix: &str,
    modules: impl IntoIterator<Item = &'a Vec<String>>,
    features: &Features,
    files: &mut BTreeMap<String, FileContent>,
    mut items: impl FnMut(&[String]) -> TokenStream,
) {
    for (module, children) in tree_of(modules) {
        let decls = child_decls(&children, |c| group_version_gate(features, &module, c));
        let items = items(&module);
        let mut path = vec![prefix.to_string()];
        path.extend(module.iter().cloned());
        let file = module_file(&path, !children.is_empty() || module.is_empty());
        files.insert(file, FileContent::Rust(quote!(#decls #items)));
    }
}
