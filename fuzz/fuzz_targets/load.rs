//! The loader on raw bytes: a spec document (JSON, Swagger 2.0 or OpenAPI 3.0) and, from the
//! same bytes, a CRD file (YAML or JSON) on the project's small spec. Either loads or is refused
//! with the file and a place; never a panic.
#![no_main]

use k8s_packgen::load::Document;
use k8s_packgen_mutate::{check_message, Case};
use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!("../../specs/equivalence/swagger.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let doc = |name: &str, text: &str| Document { name: name.to_string(), text: text.to_string() };
    let as_spec = Case { seed: "bytes", spec: vec![doc("fuzz.json", text)], crds: Vec::new() };
    if let Err(error) = k8s_packgen::build_api(&as_spec.spec) {
        if let Err(violation) = check_message(&error.to_string(), &as_spec) {
            panic!("{violation}");
        }
    }
    let as_crd = Case { seed: "bytes", spec: vec![doc("base.json", BASE)], crds: vec![doc("fuzz.yaml", text)] };
    if let Err(violation) = k8s_packgen_mutate::run(&as_crd, "mutated") {
        panic!("{violation}");
    }
});
