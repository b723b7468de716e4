//! The crate around the modules: `Cargo.toml`, `README.md`, `src/lib.rs` and the runtime
//! support files, from the templates embedded at build time.

use super::modules::{child_decls, model_gate, module_tree};
use super::{CrateInfo, FileContent};
use crate::ir::features::Features;
use crate::ir::Api;
use quote::quote;
use std::collections::BTreeMap;

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
            .replace("{{api_features}}", &api_features(features))
            .replace("{{package_metadata}}", &package_metadata(info))
    };
    let crate_ident = info.name.replace('-', "_");
    files.insert(
        "src/bin/k8s-pack.rs".to_string(),
        FileContent::Text { text: CLI.replace("{{crate_ident}}", &crate_ident), comment: Some("//") },
    );
    files.insert("Cargo.toml".to_string(), FileContent::Text { text: fill(CARGO_TOML), comment: Some("#") });
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

/// The `[features]` lines of the group-versions: `all-apis`, then one per group-version with
/// the group-versions it enables.
fn api_features(features: &Features) -> String {
    let list = |names: &mut dyn Iterator<Item = &String>| names.map(|n| format!("\"{n}\"")).collect::<Vec<_>>();
    let all = list(&mut features.enables.keys());
    let mut text = match all.is_empty() {
        true => "all-apis = []\n".to_string(),
        false => format!("all-apis = [\n    {},\n]\n", all.join(",\n    ")),
    };
    for (name, enables) in &features.enables {
        text.push_str(&format!("{name} = [{}]\n", list(&mut enables.iter()).join(", ")));
    }
    text
}

/// `description`, `license` and the links, as TOML lines.
fn package_metadata(info: &CrateInfo) -> String {
    let p = &info.package;
    let docs = p.documentation.clone().unwrap_or_else(|| format!("https://docs.rs/{}", info.name));
    let mut lines = vec![
        format!("description = {}", toml_string(&p.description)),
        format!("license = {}", toml_string(&p.license)),
        format!("documentation = {}", toml_string(&docs)),
    ];
    lines.extend(p.repository.iter().map(|r| format!("repository = {}", toml_string(r))));
    lines.extend(p.homepage.iter().map(|h| format!("homepage = {}", toml_string(h))));
    lines.join("\n")
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
