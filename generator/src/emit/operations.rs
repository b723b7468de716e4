//! Operations: one function per API operation (connect operations excepted: they need
//! streaming protocols) that builds its request without I/O, in one `actions` module per
//! resource, and the query structs they share.

use super::modules::emit_resource_tree;
use super::types::type_tokens;
use super::{doc_attrs, FileContent};
use crate::ir::actions::{ParamSpec, Target};
use crate::ir::features::Features;
use crate::ir::{Api, Operation, Param, PatchCheck, PathPiece, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Every `actions` module file.
pub fn emit(api: &Api, features: &Features, files: &mut BTreeMap<String, FileContent>) {
    let mut modules: BTreeMap<Vec<String>, Vec<&Operation>> = BTreeMap::new();
    for op in api.operations.iter().filter(|o| o.has_action()) {
        modules.entry(op.module.clone()).or_default().push(op);
    }
    emit_resource_tree("actions", modules.keys(), features, files, |module| {
        let target = api.targets.get(module).map(|t| emit_target(api, t));
        let ops = modules.get(module).into_iter().flatten().map(|op| {
            let function = emit_operation(api, op);
            let action = emit_action(api, op);
            quote!(#function #action)
        });
        let root = module.is_empty().then(|| {
            let queries = emit_query_sets(api);
            let registry = emit_registry(api, features);
            let params = emit_param_specs(&api.param_specs);
            quote!(#queries #registry #params)
        });
        quote!(#root #target #(#ops)*)
    });
}

/// The module's `TARGET`: what its actions act on, from the kind's constants where they
/// describe the resource.
fn emit_target(api: &Api, target: &Target) -> TokenStream {
    let value = match &target.kind {
        Some(kind) => {
            let kind = type_tokens(api, &TypeRef::Named(kind.clone()), &[]);
            quote!(crate::runtime::actions::Target::of::<#kind>())
        }
        None => target_literal(&target.group, &target.version, &target.resource),
    };
    let doc = format!(" What the actions of `{}` act on.", target.resource);
    quote! {
        #[doc = #doc]
        #[cfg(feature = "actions")]
        pub static TARGET: crate::runtime::actions::Target = #value;
    }
}

fn target_literal(group: &str, version: &str, resource: &str) -> TokenStream {
    quote!(crate::runtime::actions::Target { group: #group, version: #version, resource: #resource })
}

/// The static descriptor the generic action runner works from.
fn emit_action(api: &Api, op: &Operation) -> TokenStream {
    let name = &op.id;
    let static_name = format_ident!("{}", op.static_name);
    let target = if op.shared_target {
        quote!(&TARGET)
    } else {
        let literal =
            target_literal(&op.group, &op.version, op.resource.as_ref().map_or("", |key| key.plural.as_str()));
        quote!(&#literal)
    };
    let verb = op.verb.map_or("", crate::ir::Verb::as_str);
    let description = op.doc.as_deref().unwrap_or("");
    let method = op.method.to_uppercase();
    let path = &op.path;
    let params = op.params.iter().filter_map(|p| p.spec.as_ref()).map(|spec| {
        let name = format_ident!("{}", spec);
        quote!(&crate::actions::#name,)
    });
    let body = match &op.body {
        None => quote!(::core::option::Option::None),
        Some(body) => {
            let required = body.required;
            let kind = if op.patch_check.is_some() {
                quote!(crate::runtime::actions::BodyKind::Patch)
            } else {
                let ty = type_tokens(api, &body.ty, &[]);
                let type_name = match &body.ty {
                    TypeRef::Named(def) => def.clone(),
                    other => format!("{other:?}"),
                };
                quote!(crate::runtime::actions::BodyKind::Json {
                    type_name: #type_name,
                    check: crate::runtime::actions::check::<#ty>,
                })
            };
            let description = match &body.ty {
                TypeRef::Named(def) => format!("The request body: a `{def}`."),
                _ => "The request body.".to_string(),
            };
            quote!(::core::option::Option::Some(crate::runtime::actions::BodySpec {
                required: #required,
                kind: #kind,
                description: #description,
            }))
        }
    };
    let doc = format!(" The `{name}` action: [`{}`] with JSON parameters.", op.ident);
    quote! {
        #[doc = #doc]
        #[cfg(feature = "actions")]
        pub static #static_name: crate::runtime::actions::Action = crate::runtime::actions::Action {
            name: #name,
            target: #target,
            verb: #verb,
            description: #description,
            method: #method,
            path: #path,
            params: &[#(#params)*],
            body: #body,
        };
    }
}

fn emit_param_specs(specs: &[ParamSpec]) -> TokenStream {
    let statics = specs.iter().map(|ParamSpec { wire, location, kind, required, description, name }| {
        let name = format_ident!("{}", name);
        let (location, kind) = (format_ident!("{}", location), format_ident!("{}", kind));
        quote! {
            #[doc(hidden)]
            #[cfg(feature = "actions")]
            pub static #name: crate::runtime::actions::ParamSpec = crate::runtime::actions::ParamSpec {
                name: #wire,
                location: crate::runtime::actions::Location::#location,
                kind: crate::runtime::actions::ParamKind::#kind,
                required: #required,
                description: #description,
            };
        }
    });
    quote!(#(#statics)*)
}

/// Every action, sorted by name, so lookups are a binary search over a static slice.
fn emit_registry(api: &Api, features: &Features) -> TokenStream {
    let mut ops: Vec<&Operation> = api.operations.iter().filter(|o| o.has_action()).collect();
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    let entries = ops.iter().map(|op| {
        let module = op.module.iter().map(|m| format_ident!("{}", m));
        let static_name = format_ident!("{}", op.static_name);
        let cfg = features.of_module(&op.module).map(|f| quote!(#[cfg(feature = #f)]));
        quote!(#cfg &crate::actions::#(#module::)*#static_name)
    });
    quote! {
        /// Every action, sorted by name: find one with [`crate::runtime::actions::find`].
        #[cfg(feature = "actions")]
        pub static REGISTRY: &[&crate::runtime::actions::Action] = &[#(#entries),*];
    }
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

fn emit_operation(api: &Api, op: &Operation) -> TokenStream {
    let ident = format_ident!("{}", op.ident);
    let mut doc = op.doc.clone().unwrap_or_default();
    doc.push_str(&format!("\n\n`{} {}` (operationId `{}`)", op.method.to_uppercase(), op.path, op.id));
    let doc = doc_attrs(Some(&doc));

    // The path is the concatenation of literal pieces and encoded parameters; the builder
    // takes each parameter once, as the IR lists them.
    let pieces: Vec<TokenStream> = op
        .path_pieces
        .iter()
        .map(|piece| match piece {
            PathPiece::Literal(text) => quote!(#text),
            PathPiece::Param { wire, ident } => {
                let ident = format_ident!("{}", ident);
                quote!(&crate::runtime::request::segment(#wire, #ident)?)
            }
        })
        .collect();
    let path_params = op.path_params.iter().map(|ident| format_ident!("{}", ident));
    let path_params = path_params.map(|ident| quote!(#ident: &str,));

    let response = match &op.success {
        // A delete answers with the object or with a Status.
        Some(ty) if op.action == Some(crate::ir::Action::Delete) => {
            let ty = type_tokens(api, ty, &[]);
            quote!(crate::runtime::request::DeleteResult<#ty>)
        }
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
        Some(_) if op.patch_check.is_some() => {
            let check = op
                .patch_check
                .as_ref()
                .map(|PatchCheck { force, field_manager }| {
                    let none = quote!(::core::option::Option::None);
                    let force = force.as_ref().map(|f| {
                        let f = format_ident!("{}", f);
                        quote!(query.#f)
                    });
                    let field_manager = field_manager.as_ref().map(|f| {
                        let f = format_ident!("{}", f);
                        quote!(query.#f.as_deref())
                    });
                    let (force, field_manager) = (force.unwrap_or(none.clone()), field_manager.unwrap_or(none));
                    quote!(crate::runtime::request::check_patch(body, #force, #field_manager)?;)
                })
                .unwrap_or_default();
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
