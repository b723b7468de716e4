//! Derives, from the default spec, every group/version/kind it declares and the emitted type
//! that serves it, and writes a dispatch function for the round-trip test: the set of kinds
//! comes from the spec itself, never from a hand-written list.

use std::fmt::Write as _;

fn main() {
    let spec = k8s_packgen::default_spec();
    println!("cargo:rerun-if-changed={}", spec.display());
    println!("cargo:rerun-if-changed=build.rs");
    let docs = k8s_packgen::read_documents(&[spec]).expect("read the default spec");
    let api = k8s_packgen::build_api(&docs).expect("build the IR of the default spec");

    let mut arms = String::new();
    let mut gvks = Vec::new();
    for t in api.types.values() {
        for gvk in &t.gvks {
            let path = format!("k8s_pack::{}::{}", t.path.module.join("::"), t.path.name);
            gvks.push((gvk.group.clone(), gvk.version.clone(), gvk.kind.clone(), path));
        }
    }
    gvks.sort();
    gvks.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2 == b.2);
    for (group, version, kind, path) in &gvks {
        writeln!(arms, "        ({group:?}, {version:?}, {kind:?}) => Some(crate::round_trip::<{path}>(json)),")
            .unwrap();
    }
    let list: Vec<String> = gvks.iter().map(|(g, v, k, _)| format!("({g:?}, {v:?}, {k:?})")).collect();
    let code = format!(
        "/// Every group/version/kind the default spec declares.\npub const SPEC_GVKS: &[(&str, &str, &str)] = &[{}];\n\n\
         /// Round-trips `json` through the emitted type of a group/version/kind.\n\
         pub fn round_trip_gvk(group: &str, version: &str, kind: &str, json: &str) -> Option<Result<(serde_json::Value, serde_json::Value), String>> {{\n\
         \x20   match (group, version, kind) {{\n{arms}        _ => None,\n    }}\n}}\n",
        list.join(", ")
    );
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("dispatch.rs");
    std::fs::write(out, code).unwrap();
}
