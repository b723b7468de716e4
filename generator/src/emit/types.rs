//! The Rust spelling of an IR type reference.

use crate::ir::{Api, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The tokens of `ty` as used from inside `from_module`: a type in the same module is named
/// bare, others by their `crate::` path; std and serde types by absolute paths, so a custom
/// resource named `Option` or a module named `std` cannot shadow them.
pub fn type_tokens(api: &Api, ty: &TypeRef, from_module: &[String]) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Bytes | TypeRef::IntOrString | TypeRef::Quantity | TypeRef::Time | TypeRef::MicroTime => {
            let name = format_ident!("{}", runtime_name(ty).unwrap_or_default());
            quote!(crate::#name)
        }
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(api, inner, from_module);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(api, inner, from_module);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(api, inner, from_module);
            quote!(::core::option::Option<#inner>)
        }
        TypeRef::Named(def) => match api.type_def(def) {
            Some(t) => {
                let name = format_ident!("{}", t.path.name);
                if t.path.module == from_module {
                    quote!(#name)
                } else {
                    let module = t.path.module.iter().map(|m| format_ident!("{}", m));
                    quote!(crate::#(#module::)*#name)
                }
            }
            // The IR builder resolves every reference; an unknown one cannot reach here.
            None => quote!(::serde_json::Value),
        },
    }
}

/// The runtime's name for the special types it implements.
pub fn runtime_name(ty: &TypeRef) -> Option<&'static str> {
    Some(match ty {
        TypeRef::Bytes => "ByteString",
        TypeRef::IntOrString => "IntOrString",
        TypeRef::Quantity => "Quantity",
        TypeRef::Time => "Time",
        TypeRef::MicroTime => "MicroTime",
        _ => return None,
    })
}
