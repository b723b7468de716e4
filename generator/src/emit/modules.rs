//! The module tree: one file per module that holds types (`src/api/core/v1.rs`), a `mod.rs`
//! for each module with children, and the `pub mod` lines that join them.

use super::FileContent;
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

/// `pub mod` lines for the children of a module.
pub fn child_decls(children: &BTreeSet<String>) -> TokenStream {
    let children = children.iter().map(|c| format_ident!("{}", c));
    quote!(#(pub mod #children;)*)
}

/// Every module file except the crate root, which [`super::crate_files`] writes.
pub fn emit(api: &Api, files: &mut BTreeMap<String, FileContent>) {
    let modules = api.modules();
    for (module, children) in module_tree(api) {
        if module.is_empty() {
            continue;
        }
        let decls = child_decls(&children);
        let items = modules.get(&module).into_iter().flatten().map(|t| super::type_items(api, t));
        let tokens = quote!(#decls #(#items)*);
        files.insert(module_file(&module, !children.is_empty()), FileContent::Rust(tokens));
    }
}
