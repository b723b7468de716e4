//! Kubernetes metadata of a type: `TypeMeta` (group/version/kind) and `Resource` (plural,
//! scope, verbs, subresources), as constants.

use crate::ir::{Api, Gvk, ListPage, Scope, TypeDef, TypeRef};
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
    let api_version = gvk.api_version();
    quote! {
        impl crate::TypeMeta for #name {
            const API_VERSION: &'static str = #api_version;
            const GROUP: &'static str = #group;
            const VERSION: &'static str = #version;
            const KIND: &'static str = #kind;
        }
    }
}

/// `List` for a list kind that pages as Kubernetes lists do, so pagination can be followed
/// generically; emitted beside the item's type, so paths are relative to its module.
fn emit_list_page(api: &Api, list: &TypeDef, item: &TypeDef, page: &ListPage) -> TokenStream {
    let list_name = super::types::type_tokens(api, &TypeRef::Named(list.def_name.clone()), &item.path.module);
    let item_ty = super::types::type_tokens(api, &TypeRef::Named(item.def_name.clone()), &item.path.module);
    let (items_ident, metadata_ident, continue_ident) =
        (format_ident!("{}", page.items), format_ident!("{}", page.metadata), format_ident!("{}", page.continue_field));
    quote! {
        impl crate::runtime::request::List for #list_name {
            type Item = #item_ty;
            fn into_page(self) -> (::std::vec::Vec<#item_ty>, ::core::option::Option<::std::string::String>) {
                (self.#items_ident, self.#metadata_ident.and_then(|metadata| metadata.#continue_ident))
            }
        }
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
    let verbs = resource.verbs.iter().map(|v| v.as_str());
    let listable = resource.list_def.as_ref().and_then(|list| api.type_def(list)).map(|list| {
        let page = resource.list_page.as_ref().map(|page| emit_list_page(api, list, t, page));
        let list = super::types::type_tokens(api, &crate::ir::TypeRef::Named(list.def_name.clone()), &t.path.module);
        quote! {
            impl crate::ListableResource for #name {
                type List = #list;
            }
            #page
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
