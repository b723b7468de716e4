//! Cargo features of the emitted crate: one per group-version, enabling the group-versions its
//! types and operations refer to; shared models always in.

use k8s_packgen::ir::features::features;
use k8s_packgen_tests::shared;

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn one_feature_per_group_version_with_what_it_refers_to() {
    let docs = k8s_packgen::read_documents(&[shared().join("specs/kubernetes/v1.36.0.json")]).unwrap();
    let api = k8s_packgen::build_api(&docs).unwrap();
    let f = features(&api);
    let enables = |name: &str| f.enables[name].iter().cloned().collect::<Vec<_>>();
    // Deployments' pod templates are core/v1; their scale subresource speaks autoscaling/v1.
    assert_eq!(enables("apps-v1"), v(&["autoscaling-v1", "core-v1"]));
    assert_eq!(enables("rbac-v1"), Vec::<String>::new());
    assert_eq!(enables("networking-v1"), v(&["core-v1"]));
    assert_eq!(f.models[&v(&["api", "core", "v1"])], "core-v1");
    assert_eq!(f.models[&v(&["api", "autoscaling", "v2"])], "autoscaling-v2");
    // ObjectMeta, Status, DeleteOptions: every group-version uses them.
    assert!(!f.models.contains_key(&v(&["apimachinery", "pkg", "apis", "meta", "v1"])));
    assert_eq!(f.of_module(&v(&["rbac", "v1", "roles"])), Some("rbac-v1"));
    // Every feature named anywhere is declared.
    for name in f.models.values().chain(f.group_versions.values()).chain(f.enables.values().flatten()) {
        assert!(f.enables.contains_key(name), "{name} is not declared");
    }
    let cargo_toml =
        std::fs::read_to_string(k8s_packgen_tests::repo_root().join("generated/k8s-pack/Cargo.toml")).unwrap();
    assert!(cargo_toml.contains("default = [\"client\", \"actions\", \"sensors\", \"cli\", \"all-apis\"]"));
    assert!(cargo_toml.contains("apps-v1 = [\"autoscaling-v1\", \"core-v1\"]\n"));
}
