//! Operations: one function per API operation (connect operations excepted: they need
//! streaming protocols) that builds its request without I/O, in one `actions` module per
//! resource, and the query structs they share.

use super::modules::{child_decls, module_file};
use super::types::type_tokens;
use super::{doc_attrs, FileContent};
use crate::ir::{Api, Operation, Param, ParamLocation, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Every `actions` module file.
pub fn emit(api: &Api, files: &mut BTreeMap<String, FileContent>) {
    let mut modules: BTreeMap<Vec<String>, Vec<&Operation>> = BTreeMap::new();
    for op in api.operations.iter().filter(|o| emitted(o)) {
        modules.entry(op.module.clone()).or_default().push(op);
    }
    let mut tree: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    tree.entry(Vec::new()).or_default();
    for module in modules.keys() {
        for depth in 0..module.len() {
            tree.entry(module[..depth].to_vec()).or_default().insert(module[depth].clone());
        }
        tree.entry(module.clone()).or_default();
    }
    for (module, children) in &tree {
        let decls = child_decls(children);
        let ops = modules.get(module).into_iter().flatten().map(|op| emit_operation(api, op));
        let queries = module.is_empty().then(|| emit_query_sets(api));
        let tokens = quote!(#decls #queries #(#ops)*);
        let mut path = vec!["actions".to_string()];
        path.extend(module.iter().cloned());
        files.insert(module_file(&path, !children.is_empty() || module.is_empty()), FileContent::Rust(tokens));
    }
}

/// Connect operations (exec, attach, port-forward, proxy) need streaming protocols.
pub fn emitted(op: &Operation) -> bool {
    op.action.as_deref() != Some("connect")
}

fn emit_query_sets(api: &Api) -> TokenStream {
    let structs = api.query_sets.iter().map(|(name, params)| {
        let name = format_ident!("{}", name);
        let fields = params.iter().map(|p| query_field(api, p));
        let doc = format!(" Optional query parameters of the operations that take `{name}`.");
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize)]
            pub struct #name {
                #(#fields)*
            }
        }
    });
    quote!(#(#structs)*)
}

fn query_field(api: &Api, p: &Param) -> TokenStream {
    let doc = doc_attrs(p.doc.as_deref());
    let ident = format_ident!("{}", p.ident);
    let ty = type_tokens(api, &p.ty, &[]);
    let wire = &p.wire;
    let rename = (p.wire != p.ident).then(|| quote!(rename = #wire,));
    quote! {
        #doc
        #[serde(#rename skip_serializing_if = "::core::option::Option::is_none")]
        pub #ident: ::core::option::Option<#ty>,
    }
}

/// The type a successful response decodes to: the first 2xx response with a schema.
fn response_type(op: &Operation) -> Option<&TypeRef> {
    ["200", "201", "202"].iter().find_map(|s| op.responses.iter().find(|(status, _)| status == s)?.1.as_ref())
}

fn is_patch(op: &Operation) -> bool {
    op.method == "patch"
}

fn emit_operation(api: &Api, op: &Operation) -> TokenStream {
    let ident = format_ident!("{}", op.ident);
    let mut doc = op.doc.clone().unwrap_or_default();
    doc.push_str(&format!("\n\n`{} {}` (operationId `{}`)", op.method.to_uppercase(), op.path, op.id));
    let doc = doc_attrs(Some(&doc));

    // Path parameters in the order the path names them; the path is the concatenation of
    // literal pieces and encoded parameters.
    let mut pieces = Vec::new();
    let mut path_params = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map(|e| start + e).unwrap_or(rest.len());
        let literal = &rest[..start];
        if !literal.is_empty() {
            pieces.push(quote!(#literal));
        }
        let wire = &rest[start + 1..end];
        let ident = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire == wire)
            .map(|p| p.ident.clone())
            .unwrap_or_else(|| crate::ir::names::snake_ident(wire));
        let ident = format_ident!("{}", ident);
        pieces.push(quote!(&crate::runtime::request::segment(#ident)));
        path_params.push(quote!(#ident: &str,));
        rest = &rest[(end + 1).min(rest.len())..];
    }
    if !rest.is_empty() {
        pieces.push(quote!(#rest));
    }

    let response = match response_type(op) {
        Some(ty) => type_tokens(api, ty, &[]),
        None => quote!(()),
    };
    let method = format_ident!("{}", op.method.to_uppercase());
    let (query_param, query_arg) = match &op.query {
        Some(q) => {
            let q = format_ident!("{}", q);
            (quote!(query: &crate::actions::#q,), quote!(query))
        }
        None => (TokenStream::new(), quote!(&crate::runtime::request::NoQuery {})),
    };
    let (body_param, body_arg, check) = match &op.body {
        Some(_) if is_patch(op) => {
            let check = if op.query.is_some() {
                quote!(crate::runtime::request::check_patch(body, query.force, query.field_manager.as_deref())?;)
            } else {
                TokenStream::new()
            };
            (
                quote!(body: &crate::runtime::request::Patch,),
                quote!(crate::runtime::request::Body::<()>::Patch(body)),
                check,
            )
        }
        Some(body) => {
            let ty = type_tokens(api, &body.ty, &[]);
            if body.required {
                (quote!(body: &#ty,), quote!(crate::runtime::request::Body::Json(body)), TokenStream::new())
            } else {
                (
                    quote!(body: ::core::option::Option<&#ty>,),
                    quote!(match body {
                        ::core::option::Option::Some(body) => crate::runtime::request::Body::Json(body),
                        ::core::option::Option::None => crate::runtime::request::Body::None,
                    }),
                    TokenStream::new(),
                )
            }
        }
        None => (TokenStream::new(), quote!(crate::runtime::request::Body::<()>::None), TokenStream::new()),
    };
    let path_expr = match pieces.as_slice() {
        [only] => quote!(::std::string::String::from(#only)),
        _ => quote!([#(#pieces),*].concat()),
    };
    quote! {
        #doc
        pub fn #ident(#(#path_params)* #body_param #query_param)
            -> ::core::result::Result<crate::runtime::request::Request<#response>, crate::runtime::request::RequestError>
        {
            #check
            crate::runtime::request::build(::http::Method::#method, #path_expr, #query_arg, #body_arg)
        }
    }
}
