//! Model types: one item per definition.

use super::doc_attrs;
use super::types::{runtime_name, type_tokens};
use crate::ir::{Api, Field, FieldRole, Redaction, Shape, TypeDef, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The item(s) for one definition: a struct, an alias, or a re-export of a runtime type.
pub fn emit_type(api: &Api, t: &TypeDef) -> TokenStream {
    match &t.shape {
        Shape::Struct { fields } => emit_struct(api, t, fields),
        Shape::Alias(ty) => emit_alias(api, t, ty),
        Shape::Special(ty) => emit_special(api, t, ty),
    }
}

fn emit_struct(api: &Api, t: &TypeDef, fields: &[Field]) -> TokenStream {
    let doc = doc_attrs(t.doc.as_deref());
    let name = format_ident!("{}", t.path.name);
    let field_items = fields.iter().map(|f| emit_field(api, t, f));
    if fields.iter().any(|f| f.sensitive) {
        let debug = emit_redacting_debug(&name, fields);
        return quote! {
            #doc
            #[derive(Clone, Default, PartialEq, ::serde::Deserialize, ::serde::Serialize)]
            pub struct #name {
                #(#field_items)*
            }
            #debug
        };
    }
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Deserialize, ::serde::Serialize)]
        pub struct #name {
            #(#field_items)*
        }
    }
}

/// `Debug` that shows which keys a secret field holds, never their values.
fn emit_redacting_debug(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let entries = fields.iter().map(|f| {
        let ident = format_ident!("{}", f.ident);
        let label = &f.ident;
        match f.redaction {
            Redaction::Keys => quote!(.field(#label, &self.#ident.as_ref().map(|values| crate::runtime::Redacted(values.keys().collect())))),
            Redaction::Whole => quote!(.field(#label, &crate::runtime::Redacted(::std::vec::Vec::new()))),
            Redaction::None => quote!(.field(#label, &self.#ident)),
        }
    });
    let label = name.to_string();
    quote! {
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

fn emit_field(api: &Api, owner: &TypeDef, f: &Field) -> TokenStream {
    let doc = doc_attrs(f.doc.as_deref());
    let ident = format_ident!("{}", f.ident);
    let mut ty = type_tokens(api, &f.ty, &owner.path.module);
    if f.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    let wire = &f.wire;
    let rename = (f.wire != f.ident).then(|| quote!(rename = #wire,));
    let owner_name = format_ident!("{}", owner.path.name);
    let marker = match f.role {
        FieldRole::Data => None,
        FieldRole::ApiVersion => {
            Some((quote!(crate::ApiVersion), "The `apiVersion`, written from `TypeMeta::API_VERSION`."))
        }
        FieldRole::Kind => Some((quote!(crate::Kind), "The `kind`, written from `TypeMeta::KIND`.")),
    };
    if let Some((marker, what)) = marker {
        let absent = format!("{marker}::absent").replace(' ', "");
        let is_absent = format!("{marker}::is_absent").replace(' ', "");
        let doc = format!(" {what} Absent only if it was absent in the JSON this was read from.");
        return quote! {
            #[doc = #doc]
            #[serde(#rename default = #absent, skip_serializing_if = #is_absent)]
            pub #ident: #marker<#owner_name>,
        };
    }
    if f.required {
        quote! {
            #doc
            #[serde(#rename default, deserialize_with = "crate::runtime::serde_helpers::null_as_default")]
            pub #ident: #ty,
        }
    } else {
        quote! {
            #doc
            #[serde(#rename skip_serializing_if = "::core::option::Option::is_none")]
            pub #ident: ::core::option::Option<#ty>,
        }
    }
}

fn emit_alias(api: &Api, t: &TypeDef, ty: &TypeRef) -> TokenStream {
    let doc = doc_attrs(t.doc.as_deref());
    let name = format_ident!("{}", t.path.name);
    let ty = type_tokens(api, ty, &t.path.module);
    quote! {
        #doc
        pub type #name = #ty;
    }
}

/// The runtime implements the type; the definition's path re-exports it under its own name.
fn emit_special(api: &Api, t: &TypeDef, ty: &TypeRef) -> TokenStream {
    let name = format_ident!("{}", t.path.name);
    let target = type_tokens(api, ty, &t.path.module);
    if runtime_name(ty) == Some(t.path.name.as_str()) {
        quote!(pub use #target;)
    } else {
        quote!(pub use #target as #name;)
    }
}
