//! Sensors: one module per watchable resource (`sensors::core::v1::secrets`) with its
//! `SENSOR` descriptor, a typed `sensor()` constructor and the kind's `Object` impl; and at
//! `sensors` the registry, the untyped `DynamicObject` and custom-resource sensor.

use super::modules::emit_resource_tree;
use super::types::type_tokens;
use super::FileContent;
use crate::ir::features::Features;
use crate::ir::sensors::SensorDef;
use crate::ir::{Api, Scope, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Every `sensors` module file.
pub fn emit(api: &Api, features: &Features, files: &mut BTreeMap<String, FileContent>) {
    let defs = &api.sensors.defs;
    // Resource modules are inline in their group-version's file.
    let mut by_version: BTreeMap<Vec<String>, Vec<&SensorDef>> = BTreeMap::new();
    for def in defs {
        let parent = def.module[..def.module.len().saturating_sub(1)].to_vec();
        by_version.entry(parent).or_default().push(def);
    }
    emit_resource_tree("sensors", by_version.keys(), features, files, |module| {
        let resources = by_version.get(module).into_iter().flatten().map(|def| emit_sensor(api, def));
        let resources: Vec<TokenStream> = resources.collect();
        let root = module.is_empty().then(|| emit_root(api, features, defs));
        quote!(#root #(#resources)*)
    });
}

/// The module of one resource's sensor, with its kind's `Object` impl where the IR says so
/// (once per kind, should two resources share one).
fn emit_sensor(api: &Api, def: &SensorDef) -> TokenStream {
    let resource = &def.resource;
    let module = format_ident!("{}", def.module.last().map(String::as_str).unwrap_or("resource"));
    let object = type_tokens(api, &TypeRef::Named(resource.type_def.clone()), &here());
    let meta = type_tokens(api, &TypeRef::Named(def.meta_def.clone()), &here());
    let name = &def.name;
    let api_version = resource.gvk.api_version();
    let kind = &resource.gvk.kind;
    let plural = &resource.plural;
    let option = |path: &Option<String>| match path {
        Some(p) => quote!(::core::option::Option::Some(#p)),
        None => quote!(::core::option::Option::None),
    };
    let (namespaced_path, cluster_path) = (option(&def.namespaced_path), option(&def.cluster_path));
    let sensitive = &def.sensitive;
    let spec = if def.from_kind {
        quote! {
            crate::runtime::sensor::SensorSpec::of::<#object>(#name, #namespaced_path, #cluster_path, &[#(#sensitive),*])
        }
    } else {
        quote! {
            crate::runtime::sensor::SensorSpec {
                name: #name,
                api_version: #api_version,
                kind: #kind,
                plural: #plural,
                namespaced_path: #namespaced_path,
                cluster_path: #cluster_path,
                sensitive: &[#(#sensitive),*],
            }
        }
    };
    let scope = match resource.scope {
        Scope::Namespaced => "namespaced: in one namespace or across all of them",
        Scope::Cluster => "cluster-scoped",
    };
    let doc = format!(" The sensor of `{api_version}` `{kind}` objects (`{name}`, {scope}).");
    let fn_doc = format!(" A sensor of `{kind}` objects: see [`crate::runtime::sensor::Sensor`].");
    let meta_field = format_ident!("{}", def.meta_ident);
    let metadata = if def.meta_required {
        quote!(::core::option::Option::Some(&self.#meta_field))
    } else {
        quote!(self.#meta_field.as_ref())
    };
    let object_impl = def.object_impl.then(|| {
        quote! {
            impl crate::runtime::sensor::Object for #object {
                type Meta = #meta;
                fn metadata(&self) -> ::core::option::Option<&#meta> {
                    #metadata
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub mod #module {
            #[doc = #doc]
            pub static SENSOR: crate::runtime::sensor::SensorSpec = #spec;
            #[doc = #fn_doc]
            pub fn sensor(
                client: crate::runtime::Client,
                options: crate::runtime::sensor::SensorOptions,
            ) -> crate::runtime::sensor::Sensor<#object> {
                crate::runtime::sensor::Sensor::new(&SENSOR, client, options)
            }
            #object_impl
        }
    }
}

/// The registry, the metadata impls, `DynamicObject` and the custom-resource sensor.
fn emit_root(api: &Api, features: &Features, defs: &[SensorDef]) -> TokenStream {
    let entries = defs.iter().map(|def| {
        let path = def.module.iter().map(|m| format_ident!("{}", m));
        let cfg = features.of_module(&def.module).map(|f| quote!(#[cfg(feature = #f)]));
        quote!(#cfg &#(#path::)*SENSOR)
    });
    // Custom resources carry the standard ObjectMeta when the spec has it.
    let dynamic_meta = match &api.sensors.dynamic_meta {
        Some(standard) => type_tokens(api, &TypeRef::Named(standard.clone()), &here()),
        None => quote!(::serde_json::Value),
    };
    let meta_impls = api.sensors.metas.iter().map(|(def, idents)| emit_metadata_impl(api, def, idents));
    quote! {
        /// Every sensor, sorted by name: for [`crate::runtime::sensor::find`] and the CLI.
        pub static REGISTRY: &[&crate::runtime::sensor::SensorSpec] = &[#(#entries),*];

        /// An object of any kind, with typed metadata: what custom resource sensors yield.
        pub type DynamicObject = crate::runtime::sensor::DynamicObject<#dynamic_meta>;

        /// The custom resource sensor, with this crate's metadata: [`custom_resources`], or
        /// `CustomResourceSensor::resuming` to resume each resource where it was.
        pub type CustomResourceSensor = crate::runtime::sensor::CrdSensor<#dynamic_meta>;

        /// A sensor of custom resources: it watches CustomResourceDefinitions and starts an
        /// untyped sensor for each kind that passes `filter` as its definition appears, and
        /// stops it when the definition is deleted. Must be called within a tokio runtime.
        pub fn custom_resources(
            client: crate::runtime::Client,
            options: crate::runtime::sensor::SensorOptions,
            filter: crate::runtime::sensor::CrdFilter,
        ) -> CustomResourceSensor {
            crate::runtime::sensor::CrdSensor::new(client, options, filter)
        }

        #(#meta_impls)*
    }
}

/// `Metadata` for an `ObjectMeta` type.
fn emit_metadata_impl(api: &Api, def: &str, idents: &[String; 4]) -> TokenStream {
    let ty = type_tokens(api, &TypeRef::Named(def.to_string()), &here());
    let [name, namespace, uid, resource_version] = idents.each_ref().map(|i| format_ident!("{}", i));
    quote! {
        impl crate::runtime::sensor::Metadata for #ty {
            fn name(&self) -> ::core::option::Option<&str> {
                self.#name.as_deref()
            }
            fn namespace(&self) -> ::core::option::Option<&str> {
                self.#namespace.as_deref()
            }
            fn uid(&self) -> ::core::option::Option<&str> {
                self.#uid.as_deref()
            }
            fn resource_version(&self) -> ::core::option::Option<&str> {
                self.#resource_version.as_deref()
            }
        }
    }
}

/// Where sensor code is, for type paths: never a model module, so types are named by full path.
fn here() -> Vec<String> {
    vec!["sensors".to_string()]
}
