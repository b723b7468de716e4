//! Emission: turns the IR into the files of the emitted crate. One function per kind of
//! emitted item (model struct, alias, special re-export, type metadata, resource metadata,
//! module tree, crate files). Reads only the IR; formatting happens in [`crate::format`].

pub mod crate_files;
pub mod docs;
pub mod model;
pub mod modules;
pub mod operations;
pub mod resource;
pub mod sensors;
pub mod types;

use crate::ir::Api;
use proc_macro2::TokenStream;
use std::collections::BTreeMap;

/// One emitted file before formatting.
pub enum FileContent {
    /// Rust code, formatted by prettyplease later.
    Rust(TokenStream),
    /// Text copied or filled in from a template; `comment` starts a header comment line in it
    /// (`//`, `#`), or is `None` where the format has no comments we want to add.
    Text { text: String, comment: Option<&'static str> },
}

/// What the emitted crate is called and described as.
#[derive(Clone, Debug)]
pub struct CrateInfo {
    pub name: String,
    pub version: String,
    /// The generator's version and the spec's hash, for the header of every file.
    pub generator_version: String,
    pub spec_hash: String,
    /// Human-readable names of the spec documents (file names, not full paths).
    pub spec_names: Vec<String>,
}

/// All files of the emitted crate, by path relative to the crate root.
pub fn emit(api: &Api, info: &CrateInfo) -> BTreeMap<String, FileContent> {
    let mut files = BTreeMap::new();
    let features = crate::ir::features::features(api);
    crate_files::emit(api, info, &features, &mut files);
    modules::emit(api, &features, &mut files);
    operations::emit(api, &features, &mut files);
    sensors::emit(api, &features, &mut files);
    files
}

/// Everything emitted for one type: the item and its `TypeMeta` and `Resource` impls.
pub fn type_items(api: &Api, t: &crate::ir::TypeDef) -> TokenStream {
    let item = model::emit_type(api, t);
    let type_meta = resource::emit_type_meta(api, t);
    let resource = resource::emit_resource(api, t);
    quote::quote!(#item #type_meta #resource)
}

/// `#[doc = "..."]` attributes for a description, one per line.
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let lines = text.map(docs::doc_lines).unwrap_or_default();
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote::quote! { #(#[doc = #lines])* }
}
