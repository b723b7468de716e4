//! The crate around the modules: `Cargo.toml`, `README.md`, `src/lib.rs` and the runtime
//! support files, from the templates embedded at build time.

use super::modules::{child_decls, model_gate, module_tree};
use super::{CrateInfo, FileContent};
use crate::ir::features::Features;
use crate::ir::Api;
use quote::quote;
use std::collections::BTreeMap;
use toml_edit::{value, Array, DocumentMut};

/// Runtime files, copied as they are: (path in the emitted crate, text).
const RUNTIME: &[(&str, &str)] = &[
    ("src/runtime/mod.rs", include_str!("../../../templates/runtime/mod.rs")),
    ("src/runtime/client/auth.rs", include_str!("../../../templates/runtime/client/auth.rs")),
    ("src/runtime/client/config.rs", include_str!("../../../templates/runtime/client/config.rs")),
    ("src/runtime/client/connect.rs", include_str!("../../../templates/runtime/client/connect.rs")),
    ("src/runtime/client/error.rs", include_str!("../../../templates/runtime/client/error.rs")),
    ("src/runtime/client/exec.rs", include_str!("../../../templates/runtime/client/exec.rs")),
    ("src/runtime/client/kubeconfig.rs", include_str!("../../../templates/runtime/client/kubeconfig.rs")),
    ("src/runtime/client/mod.rs", include_str!("../../../templates/runtime/client/mod.rs")),
    ("src/runtime/client/tls.rs", include_str!("../../../templates/runtime/client/tls.rs")),
    ("src/runtime/actions.rs", include_str!("../../../templates/runtime/actions.rs")),
    ("src/runtime/byte_string.rs", include_str!("../../../templates/runtime/byte_string.rs")),
    ("src/runtime/int_or_string.rs", include_str!("../../../templates/runtime/int_or_string.rs")),
    ("src/runtime/path.rs", include_str!("../../../templates/runtime/path.rs")),
    ("src/runtime/quantity.rs", include_str!("../../../templates/runtime/quantity.rs")),
    ("src/runtime/request.rs", include_str!("../../../templates/runtime/request.rs")),
    ("src/runtime/sensor/mod.rs", include_str!("../../../templates/runtime/sensor/mod.rs")),
    ("src/runtime/sensor/backoff.rs", include_str!("../../../templates/runtime/sensor/backoff.rs")),
    ("src/runtime/sensor/crd.rs", include_str!("../../../templates/runtime/sensor/crd.rs")),
    ("src/runtime/sensor/decode.rs", include_str!("../../../templates/runtime/sensor/decode.rs")),
    ("src/runtime/sensor/dynamic.rs", include_str!("../../../templates/runtime/sensor/dynamic.rs")),
    ("src/runtime/sensor/payload.rs", include_str!("../../../templates/runtime/sensor/payload.rs")),
    ("src/runtime/sensor/shutdown.rs", include_str!("../../../templates/runtime/sensor/shutdown.rs")),
    ("src/runtime/sensor/store.rs", include_str!("../../../templates/runtime/sensor/store.rs")),
    ("src/runtime/sensor/watch.rs", include_str!("../../../templates/runtime/sensor/watch.rs")),
    ("src/runtime/status.rs", include_str!("../../../templates/runtime/status.rs")),
    ("src/runtime/serde_helpers.rs", include_str!("../../../templates/runtime/serde_helpers.rs")),
    ("src/runtime/time.rs", include_str!("../../../templates/runtime/time.rs")),
    ("src/runtime/type_meta.rs", include_str!("../../../templates/runtime/type_meta.rs")),
];

/// The `k8s-pack` command line; `{{crate_ident}}` is the crate's name as a Rust path.
const CLI: &str = include_str!("../../../templates/bin/k8s-pack.rs");

const CARGO_TOML: &str = include_str!("../../../templates/Cargo.toml.in");
const README: &str = include_str!("../../../templates/README.md.in");

pub fn emit(api: &Api, info: &CrateInfo, features: &Features, files: &mut BTreeMap<String, FileContent>) {
    for (path, text) in RUNTIME {
        files.insert(path.to_string(), FileContent::Text { text: text.to_string(), comment: Some("//") });
    }
    let fill = |template: &str| {
        template
            .replace("{{crate_name}}", &info.name)
            .replace("{{crate_version}}", &info.version)
            .replace("{{generator_version}}", &info.generator_version)
            .replace("{{spec_hash}}", &info.spec_hash)
            .replace("{{spec_names}}", &info.spec_names.join(", "))
            .replace("{{type_count}}", &api.types.len().to_string())
            .replace("{{resource_count}}", &api.resources.len().to_string())
    };
    let crate_ident = info.name.replace('-', "_");
    files.insert(
        "src/bin/k8s-pack.rs".to_string(),
        FileContent::Text { text: CLI.replace("{{crate_ident}}", &crate_ident), comment: Some("//") },
    );
    files.insert("Cargo.toml".to_string(), FileContent::Text { text: cargo_toml(info, features), comment: Some("#") });
    files.insert("README.md".to_string(), FileContent::Text { text: fill(README), comment: None });

    let tree = module_tree(api);
    let decls = tree.get(&Vec::new()).map(|c| child_decls(c, |c| model_gate(features, &[], c))).unwrap_or_default();
    // Definitions without a dotted namespace live at the crate root.
    let root_types = api.modules().remove(&Vec::new()).unwrap_or_default();
    let root_items = root_types.iter().map(|t| super::type_items(api, t));
    let doc = format!(
        " Typed Kubernetes API models generated by k8s-packgen {} from {} (sha256 {}).",
        info.generator_version,
        info.spec_names.join(", "),
        info.spec_hash
    );
    let lib = quote! {
        #![doc = #doc]
        #![doc = ""]
        #![doc = " Types live in modules named after their definitions: `api::core::v1::Secret` is"]
        #![doc = " `io.k8s.api.core.v1.Secret`. Kubernetes' special types are at the crate root."]
        pub mod runtime;
        pub use runtime::{
            ApiVersion, ByteString, IntOrString, Kind, ListableResource, MicroTime, Quantity, Resource, Scope, Time, TypeMeta,
        };
        #decls
        pub mod actions;
        #[cfg(feature = "sensors")]
        pub mod sensors;
        #(#root_items)*
    };
    files.insert("src/lib.rs".to_string(), FileContent::Rust(lib));
}

/// `Cargo.toml`: the template with the crate's names and the group-version features set
/// through a TOML library, so no name, description or link can add keys of its own.
fn cargo_toml(info: &CrateInfo, features: &Features) -> String {
    let mut doc: DocumentMut = CARGO_TOML.parse().expect("templates/Cargo.toml.in is TOML (unit-tested)");
    let p = &info.package;
    let docs = p.documentation.clone().unwrap_or_else(|| format!("https://docs.rs/{}", info.name));
    let package = &mut doc["package"];
    package["name"] = value(info.name.as_str());
    package["version"] = value(info.version.as_str());
    package["description"] = value(p.description.as_str());
    package["license"] = value(p.license.as_str());
    package["documentation"] = value(docs);
    if let Some(table) = package.as_table_mut() {
        // The comment about the defaults is for readers of the template only.
        if let Some(mut key) = table.key_mut("name") {
            key.leaf_decor_mut().set_prefix("");
        }
        for (key, link) in [("repository", &p.repository), ("homepage", &p.homepage)] {
            if let Some(link) = link {
                table.insert(key, value(link.as_str()));
            }
        }
    }
    if let Some(table) = doc["features"].as_table_mut() {
        let mut all: Array = features.enables.keys().map(String::as_str).collect();
        if !all.is_empty() {
            for name in all.iter_mut() {
                name.decor_mut().set_prefix("\n    ");
            }
            all.set_trailing("\n");
            all.set_trailing_comma(true);
        }
        table.insert("all-apis", value(all));
        if let Some(mut key) = table.key_mut("all-apis") {
            key.leaf_decor_mut().set_prefix(
                "\n# One feature per API group-version: its models, actions and sensors, and the group-versions\n\
                 # its types refer to. `all-apis` enables them all; models shared by all (`meta/v1`) are always in.\n",
            );
        }
        for (name, enables) in &features.enables {
            table.insert(name, value(enables.iter().map(String::as_str).collect::<Array>()));
        }
    }
    doc.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::Package;

    fn info(package: Package) -> CrateInfo {
        CrateInfo {
            name: "my-pack".to_string(),
            version: "1.2.3-rc.1".to_string(),
            generator_version: "0".to_string(),
            spec_hash: "0".to_string(),
            spec_names: Vec::new(),
            package,
        }
    }

    fn features() -> Features {
        let mut features = Features::default();
        features.enables.insert("apps-v1".to_string(), ["core-v1".to_string()].into());
        features.enables.insert("core-v1".to_string(), Default::default());
        features
    }

    /// Whatever a description or link holds, it stays one value: no key, table or line of its own.
    #[test]
    fn values_cannot_add_keys() {
        let evil = "x\"\nbuild = \"evil.rs\"\n[lib]\npath = \"evil.rs\"\n#";
        let package = Package {
            description: evil.to_string(),
            license: evil.to_string(),
            repository: Some(evil.to_string()),
            homepage: Some("https://example.com/'''".to_string()),
            documentation: None,
        };
        let text = cargo_toml(&info(package), &features());
        let doc: DocumentMut = text.parse().unwrap();
        let package = doc["package"].as_table().unwrap();
        assert_eq!(package["name"].as_str(), Some("my-pack"));
        assert_eq!(package["version"].as_str(), Some("1.2.3-rc.1"));
        assert_eq!(package["description"].as_str(), Some(evil));
        assert_eq!(package["repository"].as_str(), Some(evil));
        assert_eq!(package["homepage"].as_str(), Some("https://example.com/'''"));
        assert_eq!(package["documentation"].as_str(), Some("https://docs.rs/my-pack"));
        assert!(package.get("build").is_none() && doc.get("lib").is_none(), "{text}");
        let apps: Vec<_> = doc["features"]["apps-v1"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        assert_eq!(apps, ["core-v1"]);
        assert!(text.contains("all-apis = [\n    \"apps-v1\",\n    \"core-v1\",\n]\n"), "{text}");
        assert!(!text.contains("set by\n"), "the template's own comment is left out: {text}");
    }
}
