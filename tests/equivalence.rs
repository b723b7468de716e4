//! Swagger 2.0 and OpenAPI 3.0 documents of the same API give the same IR and the same code.

use k8s_packgen::{generate, load, read_documents, Options};
use k8s_packgen_tests::repo_root;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn ir_of(specs: &[PathBuf]) -> k8s_packgen::ir::Api {
    let docs = read_documents(specs).unwrap();
    k8s_packgen::build_api(&docs).unwrap()
}

/// The emitted files with what names the input (its hash and file names) taken out.
fn code_of(specs: &[PathBuf]) -> BTreeMap<String, String> {
    let docs = read_documents(specs).unwrap();
    let hash = load::spec_hash(&docs);
    let names: Vec<String> =
        docs.iter().map(|d| PathBuf::from(&d.name).file_name().unwrap().to_string_lossy().into_owned()).collect();
    let output = generate(&docs, &Options::default()).unwrap();
    output
        .files
        .into_iter()
        .map(|(path, text)| (path, text.replace(&hash, "HASH").replace(&names.join(", "), "SPECS")))
        .collect()
}

#[test]
fn swagger_and_openapi3_give_the_same_ir_and_code() {
    let v2 = vec![repo_root().join("specs/equivalence/swagger.json")];
    let v3 = vec![repo_root().join("specs/equivalence/v3")];
    let (ir2, ir3) = (ir_of(&v2), ir_of(&v3));
    assert!(!ir2.resources.is_empty() && !ir2.operations.is_empty());
    assert_eq!(ir2.types, ir3.types);
    assert_eq!(ir2.resources, ir3.resources);
    assert_eq!(ir2.operations, ir3.operations);
    let (code2, code3) = (code_of(&v2), code_of(&v3));
    assert_eq!(code2.keys().collect::<Vec<_>>(), code3.keys().collect::<Vec<_>>());
    for (path, text) in &code2 {
        assert_eq!(text, &code3[path], "{path} differs between the Swagger 2.0 and OpenAPI 3.0 input");
    }
}

/// ObjectMeta is in both v3 documents; merging them must not duplicate or conflict.
#[test]
fn shared_schemas_merge_across_documents() {
    let ir = ir_of(&[repo_root().join("specs/equivalence/v3")]);
    assert!(ir.types.contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    let groups: std::collections::BTreeSet<&str> = ir.resources.iter().map(|r| r.gvk.group.as_str()).collect();
    assert_eq!(groups.into_iter().collect::<Vec<_>>(), vec!["", "example.com"]);
}

/// Names depend only on what they name: a definition, field or operation that exists in an
/// older and a newer Kubernetes spec has the same Rust name in both, however much was added.
#[test]
fn names_are_stable_as_the_spec_grows() {
    let spec = |v: &str| k8s_packgen_tests::shared().join(format!("specs/kubernetes/{v}.json"));
    let old = ir_of(&[spec("v1.30.1")]);
    let new = ir_of(&[spec("v1.36.0")]);
    let mut common = 0;
    for (name, old_type) in &old.types {
        let Some(new_type) = new.types.get(name) else { continue };
        common += 1;
        assert_eq!(old_type.path, new_type.path, "{name} moved");
        if let (k8s_packgen::ir::Shape::Struct { fields: a }, k8s_packgen::ir::Shape::Struct { fields: b }) =
            (&old_type.shape, &new_type.shape)
        {
            for field in a {
                if let Some(same) = b.iter().find(|f| f.wire == field.wire) {
                    assert_eq!(field.ident, same.ident, "{name}.{} renamed", field.wire);
                }
            }
        }
    }
    assert!(common > 500, "only {common} definitions in common");
    for op in &old.operations {
        if let Some(same) = new.operations.iter().find(|o| o.id == op.id) {
            assert_eq!(op.ident, same.ident);
        }
    }
}
