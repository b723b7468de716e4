//! Kubernetes metadata of a type: `TypeMeta` (group/version/kind) and `Resource` (plural,
//! scope, verbs, subresources), as constants.

use crate::ir::{Api, Gvk, Scope, TypeDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The `TypeMeta` impl, for a type with a single group/version/kind or a resource's kind.
pub fn emit_type_meta(api: &Api, t: &TypeDef) -> TokenStream {
    let gvk = match (&t.type_meta, api.resource_of(&t.def_name)) {
        (Some(gvk), _) => gvk,
        (None, Some(resource)) => &resource.gvk,
        (None, None) => return TokenStream::new(),
    };
    let name = format_ident!("{}", t.path.name);
    let Gvk { group, version, kind } = gvk;
    let api_version = api_version(gvk);
    quote! {
        impl crate::TypeMeta for #name {
            const API_VERSION: &'static str = #api_version;
            const GROUP: &'static str = #group;
            const VERSION: &'static str = #version;
            const KIND: &'static str = #kind;
        }
    }
}

/// `v1` for the core group, `group/version` otherwise.
pub fn api_version(gvk: &Gvk) -> String {
    if gvk.group.is_empty() {
        gvk.version.clone()
    } else {
        format!("{}/{}", gvk.group, gvk.version)
    }
}

/// The `Resource` impl, for the kind of a REST resource.
pub fn emit_resource(api: &Api, t: &TypeDef) -> TokenStream {
    let Some(resource) = api.resource_of(&t.def_name) else { return TokenStream::new() };
    let name = format_ident!("{}", t.path.name);
    let plural = &resource.plural;
    let scope = match resource.scope {
        Scope::Namespaced => quote!(crate::Scope::Namespaced),
        Scope::Cluster => quote!(crate::Scope::Cluster),
    };
    let verbs = &resource.verbs;
    let listable = resource.list_def.as_ref().and_then(|list| api.type_def(list)).map(|list| {
        let list = super::types::type_tokens(api, &crate::ir::TypeRef::Named(list.def_name.clone()), &t.path.module);
        quote! {
            impl crate::ListableResource for #name {
                type List = #list;
            }
        }
    });
    let subresources = resource.subresources.iter().map(|s| &s.name);
    quote! {
        impl crate::Resource for #name {
            const PLURAL: &'static str = #plural;
            const SCOPE: crate::Scope = #scope;
            const VERBS: &'static [&'static str] = &[#(#verbs),*];
            const SUBRESOURCES: &'static [&'static str] = &[#(#subresources),*];
        }
        #listable
    }
}
