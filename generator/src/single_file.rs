//! Single-file mode: the emitted crate's files joined into one module file that a build
//! script writes to `OUT_DIR` and the user's crate `include!`s at its root.
//!
//! Works on the syn AST of the formatted files: each `mod name;` becomes `mod name { ... }`
//! holding the child file's items (its `//!` docs as the inline module's inner attributes),
//! `#[cfg(feature = "...")]` is decided here because the including crate has none of the
//! emitted crate's features (left in, they would be false there and warn as unexpected cfgs),
//! and Rust doc examples become `ignore` since their `k8s_pack::` paths do not resolve there.

use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, Item, Lit, LitStr, Meta, Token};

/// The emitted crate's runtime parts kept in the module; `cli` is always off (it is a
/// binary) and every per-group-version feature is on (pick resources with the selection). What
/// else each part turns on (`actions` and `sensors` need `client`) is read from the emitted
/// `Cargo.toml`, the one place the feature graph is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    pub client: bool,
    pub actions: bool,
    pub sensors: bool,
}

impl Default for Parts {
    /// The emitted crate's default features without the command line.
    fn default() -> Self {
        Parts { client: true, actions: true, sensors: true }
    }
}

impl Parts {
    /// The features on in the module: these parts and `all-apis`, with every feature they
    /// enable in the `[features]` table of `manifest` (the emitted `Cargo.toml`), transitively.
    pub fn enabled(&self, manifest: &str) -> Result<Enabled> {
        const MANIFEST: &str = "Cargo.toml";
        let doc: toml_edit::DocumentMut =
            manifest.parse().map_err(|e: toml_edit::TomlError| format_error(MANIFEST, e.message()))?;
        let table = doc.get("features").and_then(|f| f.as_table_like());
        let enables = |feature: &str| -> Vec<String> {
            let list = table.and_then(|t| t.get(feature)).and_then(|v| v.as_array());
            // `dep:x` and `x/feature` entries name dependencies, not features of the crate.
            let names = list.into_iter().flatten().filter_map(|v| v.as_str());
            names.filter(|n| !n.contains(':') && !n.contains('/')).map(str::to_string).collect()
        };
        let chosen =
            [("client", self.client), ("actions", self.actions), ("sensors", self.sensors), ("all-apis", true)];
        let mut todo: Vec<String> = chosen.iter().filter(|(_, on)| *on).map(|(name, _)| name.to_string()).collect();
        let mut on = BTreeSet::new();
        while let Some(feature) = todo.pop() {
            if on.insert(feature.clone()) {
                todo.extend(enables(&feature));
            }
        }
        Ok(Enabled(on))
    }
}

/// The features that hold in the module: `feature = "name"` is true exactly for these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enabled(BTreeSet<String>);

impl Enabled {
    pub fn feature(&self, name: &str) -> bool {
        self.0.contains(name)
    }
}

/// Joins `files` (path -> formatted text, as in [`crate::Output::files`]) into one module
/// file, starting from `src/lib.rs`, with one `@generated` header line on top.
pub fn assemble(files: &BTreeMap<String, String>, parts: &Parts) -> Result<String> {
    const ROOT: &str = "src/lib.rs";
    let root = files.get(ROOT).ok_or_else(|| format_error(ROOT, "the emitted crate has no src/lib.rs"))?;
    let manifest = files.get("Cargo.toml").ok_or_else(|| format_error("Cargo.toml", "the emitted crate has none"))?;
    let parts = &parts.enabled(manifest)?;
    let mut file = parse(ROOT, root)?;
    // include! cannot take inner attributes; the crate-level docs describe the emitted crate anyway.
    file.attrs.clear();
    file.shebang = None;
    inline_modules(&mut file.items, ROOT, &ModuleDir::of_file(ROOT), files, parts)?;
    let mut pass = Resolve { parts: parts.clone(), fence: None };
    pass.visit_file_mut(&mut file);
    let body = prettyplease::unparse(&file);
    match root.lines().next().filter(|l| l.starts_with("// @generated")) {
        Some(header) => Ok(format!("{header}\n\n{body}")),
        None => Ok(body),
    }
}

fn parse(path: &str, text: &str) -> Result<syn::File> {
    syn::parse_file(text).map_err(|e| format_error(path, &e.to_string()))
}

fn format_error(file: &str, message: &str) -> Error {
    Error::Format { file: file.to_string(), message: message.to_string() }
}

/// Where the files of a module's `mod child;` declarations live (`src/runtime/` for
/// `src/runtime/mod.rs`, `src/api/core/` for `src/api/core.rs`), as rustc looks them up.
struct ModuleDir(String);

impl ModuleDir {
    fn of_file(path: &str) -> ModuleDir {
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        match file {
            "lib.rs" | "main.rs" | "mod.rs" => ModuleDir(dir.to_string()),
            _ => ModuleDir(format!("{dir}/{}", file.trim_end_matches(".rs"))),
        }
    }

    fn child(&self, name: &str) -> ModuleDir {
        ModuleDir(format!("{}/{name}", self.0))
    }
}

/// Drops the items whose cfg is false and replaces each remaining `mod name;` by the inline
/// module of its file, recursively; `file` names the enclosing file in errors.
fn inline_modules(
    items: &mut Vec<Item>,
    file: &str,
    dir: &ModuleDir,
    files: &BTreeMap<String, String>,
    parts: &Enabled,
) -> Result<()> {
    items.retain_mut(|item| keep(item_attrs(item), parts));
    for item in items.iter_mut() {
        let Item::Mod(module) = item else { continue };
        let name = module.ident.to_string();
        if module.attrs.iter().any(|a| a.path().is_ident("path")) {
            return Err(format_error(file, &format!("mod {name}: #[path] modules are not supported")));
        }
        let child_dir = dir.child(&name);
        if let Some((_, content)) = &mut module.content {
            inline_modules(content, file, &child_dir, files, parts)?;
            continue;
        }
        let flat = format!("{}.rs", child_dir.0);
        let nested = format!("{}/mod.rs", child_dir.0);
        let (path, text) = match (files.get(&flat), files.get(&nested)) {
            (Some(text), None) => (flat, text),
            (None, Some(text)) => (nested, text),
            (Some(_), Some(_)) => {
                return Err(format_error(file, &format!("mod {name}: both {flat} and {nested} exist")));
            }
            (None, None) => {
                return Err(format_error(file, &format!("mod {name}: neither {flat} nor {nested} was emitted")));
            }
        };
        let child = parse(&path, text)?;
        // The child's `//!` docs and other inner attributes follow the declaration's own attributes.
        module.attrs.extend(child.attrs);
        let mut content = child.items;
        inline_modules(&mut content, &path, &ModuleDir::of_file(&path), files, parts)?;
        module.content = Some((Default::default(), content));
        module.semi = None;
    }
    Ok(())
}

fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// Resolves the feature cfgs of `attrs` in place; false if the node they belong to goes.
fn keep(attrs: Option<&mut Vec<Attribute>>, parts: &Enabled) -> bool {
    let Some(attrs) = attrs else { return true };
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        if attr.path().is_ident("cfg") {
            let Ok(predicate) = attr.parse_args::<Meta>() else {
                kept.push(attr);
                continue;
            };
            match simplify(&predicate, parts) {
                Cfg::Known(true) => {}
                Cfg::Known(false) => return false,
                Cfg::Other(meta) => kept.push(syn::parse_quote!(#[cfg(#meta)])),
            }
        } else if attr.path().is_ident("cfg_attr") {
            let Ok(args) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else {
                kept.push(attr);
                continue;
            };
            let mut args = args.into_iter();
            let Some(predicate) = args.next() else { continue };
            let rest: Vec<Meta> = args.collect();
            match simplify(&predicate, parts) {
                Cfg::Known(true) => kept.extend(rest.iter().map(|m| -> Attribute { syn::parse_quote!(#[#m]) })),
                Cfg::Known(false) => {}
                Cfg::Other(meta) => kept.push(syn::parse_quote!(#[cfg_attr(#meta, #(#rest),*)])),
            }
        } else {
            kept.push(attr);
        }
    }
    *attrs = kept;
    true
}

/// A cfg predicate with the feature tests decided.
enum Cfg {
    Known(bool),
    /// Depends on the including build (`unix`, `test`): kept, simplified.
    Other(Box<Meta>),
}

fn simplify(meta: &Meta, parts: &Enabled) -> Cfg {
    match meta {
        Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
            Expr::Lit(syn::ExprLit { lit: Lit::Str(name), .. }) => Cfg::Known(parts.feature(&name.value())),
            _ => Cfg::Other(Box::new(meta.clone())),
        },
        Meta::List(list) if ["any", "all", "not"].iter().any(|op| list.path.is_ident(op)) => {
            let Ok(args) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else {
                return Cfg::Other(Box::new(meta.clone()));
            };
            let args: Vec<Cfg> = args.iter().map(|m| simplify(m, parts)).collect();
            if list.path.is_ident("not") {
                return match args.as_slice() {
                    [Cfg::Known(b)] => Cfg::Known(!b),
                    _ => Cfg::Other(Box::new(meta.clone())),
                };
            }
            // any: a true argument decides, false ones drop out; all: the other way round.
            let decisive = list.path.is_ident("any");
            if args.iter().any(|a| matches!(a, Cfg::Known(b) if *b == decisive)) {
                return Cfg::Known(decisive);
            }
            let open: Vec<Meta> = args
                .into_iter()
                .filter_map(|a| match a {
                    Cfg::Other(m) => Some(*m),
                    Cfg::Known(_) => None,
                })
                .collect();
            match open.as_slice() {
                [] => Cfg::Known(!decisive),
                [one] => Cfg::Other(Box::new(one.clone())),
                _ => {
                    let op = &list.path;
                    Cfg::Other(Box::new(syn::parse_quote!(#op(#(#open),*))))
                }
            }
        }
        _ => Cfg::Other(Box::new(meta.clone())),
    }
}

/// The pass over the whole tree once the modules are inline: cfgs on nested nodes (impl and
/// trait items, fields, variants, match arms, statements, array elements) and doc examples.
struct Resolve {
    parts: Enabled,
    /// The opening fence of the doc code block we are in, if any (blocks span attributes).
    fence: Option<String>,
}

impl VisitMut for Resolve {
    fn visit_item_mod_mut(&mut self, node: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut node.content {
            items.retain_mut(|i| keep(item_attrs(i), &self.parts));
        }
        syn::visit_mut::visit_item_mod_mut(self, node);
    }

    fn visit_file_mut(&mut self, node: &mut syn::File) {
        node.items.retain_mut(|i| keep(item_attrs(i), &self.parts));
        syn::visit_mut::visit_file_mut(self, node);
    }

    fn visit_item_impl_mut(&mut self, node: &mut syn::ItemImpl) {
        node.items.retain_mut(|i| {
            keep(
                match i {
                    syn::ImplItem::Const(c) => Some(&mut c.attrs),
                    syn::ImplItem::Fn(f) => Some(&mut f.attrs),
                    syn::ImplItem::Type(t) => Some(&mut t.attrs),
                    syn::ImplItem::Macro(m) => Some(&mut m.attrs),
                    _ => None,
                },
                &self.parts,
            )
        });
        syn::visit_mut::visit_item_impl_mut(self, node);
    }

    fn visit_item_trait_mut(&mut self, node: &mut syn::ItemTrait) {
        node.items.retain_mut(|i| {
            keep(
                match i {
                    syn::TraitItem::Const(c) => Some(&mut c.attrs),
                    syn::TraitItem::Fn(f) => Some(&mut f.attrs),
                    syn::TraitItem::Type(t) => Some(&mut t.attrs),
                    syn::TraitItem::Macro(m) => Some(&mut m.attrs),
                    _ => None,
                },
                &self.parts,
            )
        });
        syn::visit_mut::visit_item_trait_mut(self, node);
    }

    fn visit_fields_named_mut(&mut self, node: &mut syn::FieldsNamed) {
        node.named = retain_punctuated(std::mem::take(&mut node.named), |f| keep(Some(&mut f.attrs), &self.parts));
        syn::visit_mut::visit_fields_named_mut(self, node);
    }

    fn visit_fields_unnamed_mut(&mut self, node: &mut syn::FieldsUnnamed) {
        node.unnamed = retain_punctuated(std::mem::take(&mut node.unnamed), |f| keep(Some(&mut f.attrs), &self.parts));
        syn::visit_mut::visit_fields_unnamed_mut(self, node);
    }

    fn visit_item_enum_mut(&mut self, node: &mut syn::ItemEnum) {
        node.variants =
            retain_punctuated(std::mem::take(&mut node.variants), |v| keep(Some(&mut v.attrs), &self.parts));
        syn::visit_mut::visit_item_enum_mut(self, node);
    }

    fn visit_expr_match_mut(&mut self, node: &mut syn::ExprMatch) {
        node.arms.retain_mut(|a| keep(Some(&mut a.attrs), &self.parts));
        syn::visit_mut::visit_expr_match_mut(self, node);
    }

    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        node.fields = retain_punctuated(std::mem::take(&mut node.fields), |f| keep(Some(&mut f.attrs), &self.parts));
        syn::visit_mut::visit_expr_struct_mut(self, node);
    }

    fn visit_expr_array_mut(&mut self, node: &mut syn::ExprArray) {
        node.elems = retain_punctuated(std::mem::take(&mut node.elems), |e| keep(expr_attrs(e), &self.parts));
        syn::visit_mut::visit_expr_array_mut(self, node);
    }

    fn visit_block_mut(&mut self, node: &mut syn::Block) {
        node.stmts.retain_mut(|s| {
            keep(
                match s {
                    syn::Stmt::Local(l) => Some(&mut l.attrs),
                    syn::Stmt::Item(i) => item_attrs(i),
                    syn::Stmt::Expr(e, _) => expr_attrs(e),
                    syn::Stmt::Macro(m) => Some(&mut m.attrs),
                },
                &self.parts,
            )
        });
        syn::visit_mut::visit_block_mut(self, node);
    }

    fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
        if !attr.path().is_ident("doc") {
            return;
        }
        let Meta::NameValue(nv) = &mut attr.meta else { return };
        let Expr::Lit(syn::ExprLit { lit: Lit::Str(text), .. }) = &mut nv.value else { return };
        let old = text.value();
        let new = ignore_rust_examples(&old, &mut self.fence);
        if new != old {
            *text = LitStr::new(&new, text.span());
        }
    }
}

fn expr_attrs(expr: &mut Expr) -> Option<&mut Vec<Attribute>> {
    Some(match expr {
        Expr::Array(e) => &mut e.attrs,
        Expr::Call(e) => &mut e.attrs,
        Expr::Lit(e) => &mut e.attrs,
        Expr::Macro(e) => &mut e.attrs,
        Expr::Path(e) => &mut e.attrs,
        Expr::Reference(e) => &mut e.attrs,
        Expr::Struct(e) => &mut e.attrs,
        Expr::Tuple(e) => &mut e.attrs,
        _ => return None,
    })
}

fn retain_punctuated<T, P: Default>(list: Punctuated<T, P>, mut keep: impl FnMut(&mut T) -> bool) -> Punctuated<T, P> {
    list.into_iter().filter_map(|mut x| keep(&mut x).then_some(x)).collect()
}

/// Rewrites the opening fences of Rust code blocks in doc text (a bare fence, or only rustdoc
/// attributes such as `no_run`) as `ignore` ones. `fence` carries an open block from one doc
/// attribute to the next, since a block spans several `///` lines.
fn ignore_rust_examples(text: &str, fence: &mut Option<String>) -> String {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        let marker_len = trimmed.chars().take_while(|&c| c == '`').count();
        let marker_len = if marker_len >= 3 { marker_len } else { trimmed.chars().take_while(|&c| c == '~').count() };
        if marker_len < 3 {
            out.push(line.to_string());
            continue;
        }
        let (marker, info) = trimmed.split_at(marker_len);
        match fence {
            Some(open) => {
                // A closing fence: the same character, at least as long, nothing after it.
                if marker.starts_with(&open[..1]) && marker.len() >= open.len() && info.trim().is_empty() {
                    *fence = None;
                }
                out.push(line.to_string());
            }
            None => {
                *fence = Some(marker.to_string());
                if is_rust(info) {
                    let indent = &line[..line.len() - trimmed.len()];
                    out.push(format!("{indent}{marker}ignore"));
                } else {
                    out.push(line.to_string());
                }
            }
        }
    }
    out.join("\n")
}

/// Whether rustdoc would run a code block with this info string as a Rust doctest.
fn is_rust(info: &str) -> bool {
    const RUSTDOC: &[&str] =
        &["rust", "no_run", "should_panic", "compile_fail", "test_harness", "standalone_crate", "allow_fail"];
    let words: Vec<&str> = info.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()).collect();
    if words.contains(&"ignore") || words.iter().any(|w| w.starts_with("ignore-")) {
        return false;
    }
    words.contains(&"rust") || words.iter().all(|w| RUSTDOC.contains(w) || w.starts_with("edition"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The emitted crate's manifest template, with the `all-apis` feature of one group-version.
    fn manifest() -> String {
        let template = include_str!("../../templates/Cargo.toml.in");
        template.replace("[features]\n", "[features]\nall-apis = [\"apps-v1\"]\napps-v1 = []\n")
    }

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut files: BTreeMap<String, String> = entries.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
        files.entry("Cargo.toml".to_string()).or_insert_with(manifest);
        files
    }

    fn models_only() -> Parts {
        Parts { client: false, actions: false, sensors: false }
    }

    #[test]
    fn modules_are_inlined_with_their_inner_docs() {
        let files = files(&[
            ("src/lib.rs", "// @generated by test\n\n//! Crate docs.\npub mod a;\nmod b;\n"),
            ("src/a/mod.rs", "// @generated by test\n\n//! Module a.\npub mod c;\npub struct A;\n"),
            ("src/a/c.rs", "pub struct C;\n"),
            ("src/b.rs", "pub mod inner { pub mod d; }\n"),
            ("src/b/inner/d.rs", "pub struct D;\n"),
        ]);
        let text = assemble(&files, &Parts::default()).unwrap();
        assert!(text.starts_with("// @generated by test\n\n"), "{text}");
        assert_eq!(text.matches("@generated").count(), 1, "{text}");
        assert!(!text.contains("Crate docs"), "{text}");
        let file = syn::parse_file(&text).unwrap();
        assert!(file.attrs.is_empty());
        let expected = "pub mod a {\n    //! Module a.\n    pub mod c {\n        pub struct C;\n    }\n    pub struct A;\n}\n\
                        mod b {\n    pub mod inner {\n        pub mod d {\n            pub struct D;\n        }\n    }\n}\n";
        assert!(text.ends_with(expected), "{text}");
    }

    #[test]
    fn feature_cfgs_are_decided_and_others_kept() {
        let lib = r#"
            #[cfg(feature = "client")] pub mod client;
            #[cfg(feature = "cli")] pub struct Cli;
            #[cfg(feature = "apps-v1")] pub struct Apps;
            #[cfg(all(feature = "sensors", unix))] pub struct SensorsUnix;
            #[cfg(any(feature = "cli", not(feature = "client")))] pub struct NoClient;
            #[cfg_attr(feature = "client", derive(Debug))] pub struct Derived;
            #[cfg(test)] mod tests {}
            pub struct S { #[cfg(feature = "client")] pub c: u8, pub d: u8 }
            impl S { #[cfg(feature = "actions")] pub fn act() {} pub fn always() {} }
            pub static R: &[u8] = &[#[cfg(feature = "client")] 1, 2];
            pub fn f(x: u8) -> u8 { match x { #[cfg(feature = "client")] 0 => 1, _ => 2 } }
        "#;
        let files = files(&[("src/lib.rs", lib), ("src/client.rs", "pub struct Client;")]);

        let on = assemble(&files, &Parts { client: true, actions: false, sensors: true }).unwrap();
        for present in
            ["pub mod client {", "pub struct Client;", "pub struct Apps;", "#[cfg(unix)]", "#[derive(Debug)]"]
        {
            assert!(on.contains(present), "{present} missing:\n{on}");
        }
        for absent in ["feature", "struct Cli;", "NoClient", "fn act"] {
            assert!(!on.contains(absent), "{absent} present:\n{on}");
        }
        assert!(on.contains("#[cfg(test)]") && on.contains("pub c: u8") && on.contains("0 => 1"), "{on}");

        let off = assemble(&files, &models_only()).unwrap();
        for absent in ["feature", "mod client", "SensorsUnix", "pub c: u8", "Debug", "0 => 1", "&[1, 2]"] {
            assert!(!off.contains(absent), "{absent} present:\n{off}");
        }
        assert!(off.contains("pub struct NoClient;") && off.contains("&[2]") && off.contains("fn always"), "{off}");
    }

    /// What else a part turns on comes from the manifest's `[features]`, not from here.
    #[test]
    fn actions_and_sensors_imply_the_client() {
        let on = Parts { client: false, actions: true, sensors: false }.enabled(&manifest()).unwrap();
        assert!(on.feature("client") && on.feature("actions") && !on.feature("sensors"));
        assert!(!on.feature("cli") && on.feature("apps-v1") && !on.feature("default"));
        assert!(!models_only().enabled(&manifest()).unwrap().feature("client"));
        let other = "[features]\nactions = [\"sensors\", \"dep:x\"]\nsensors = []\nclient = []\n";
        let on = Parts { client: false, actions: true, sensors: false }.enabled(other).unwrap();
        assert!(on.feature("sensors") && !on.feature("client"));
        let err = Parts::default().enabled("[features").unwrap_err();
        assert!(err.to_string().contains("Cargo.toml"), "{err}");
    }

    #[test]
    fn rust_doc_examples_become_ignore() {
        let mut fence = None;
        let rewrite = |text: &str, fence: &mut Option<String>| ignore_rust_examples(text, fence);
        assert_eq!(rewrite(" ```no_run", &mut fence), " ```ignore");
        assert_eq!(rewrite(" let x = k8s_pack::Quantity;", &mut fence), " let x = k8s_pack::Quantity;");
        assert_eq!(rewrite(" ```", &mut fence), " ```");
        assert!(fence.is_none());
        assert_eq!(
            rewrite("```\nx\n```\n```text\ny\n```\n````rust,edition2021\n```\n````", &mut fence),
            "```ignore\nx\n```\n```text\ny\n```\n````ignore\n```\n````"
        );
        assert_eq!(rewrite("```ignore\n```\n```yaml\na: b\n```", &mut fence), "```ignore\n```\n```yaml\na: b\n```");
        assert!(fence.is_none());
    }

    #[test]
    fn missing_module_files_are_errors() {
        let err = assemble(&files(&[("src/lib.rs", "pub mod gone;")]), &Parts::default()).unwrap_err();
        assert!(err.to_string().contains("mod gone: neither src/gone.rs nor src/gone/mod.rs"), "{err}");
        let err = assemble(&files(&[("src/other.rs", "")]), &Parts::default()).unwrap_err();
        assert!(err.to_string().contains("src/lib.rs"), "{err}");
        let err =
            assemble(&files(&[("src/lib.rs", "pub mod a;"), ("src/a.rs", "fn (")]), &Parts::default()).unwrap_err();
        assert!(err.to_string().contains("src/a.rs"), "{err}");
    }
}
