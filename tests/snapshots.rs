//! Snapshots of emitted code: one per project-written spec in `specs/`, and the types of the
//! five mission resources from the real v1.36.0 spec. A reviewer sees exactly what changed.

use k8s_packgen::{generate, generate_st2_pack, read_documents, Options};
use k8s_packgen_tests::repo_root;
use std::path::PathBuf;

/// The emitted Rust files of a spec (the runtime, copied verbatim, is left out), concatenated.
fn emitted_code(specs: &[PathBuf]) -> String {
    let docs = read_documents(specs).unwrap();
    let output = generate(&docs, &Options::default()).unwrap();
    let mut out = String::new();
    for (path, text) in &output.files {
        if path.ends_with(".rs") && !path.starts_with("src/runtime/") {
            out.push_str(&format!("// ===== {path}\n{text}\n"));
        }
    }
    out
}

fn snapshot_spec(name: &str) {
    let spec = repo_root().join("specs/mapping").join(format!("{name}.json"));
    insta::assert_snapshot!(name, emitted_code(&[spec]));
}

#[test]
fn names() {
    snapshot_spec("names");
}

#[test]
fn special_types() {
    snapshot_spec("special-types");
}

#[test]
fn required() {
    snapshot_spec("required");
}

#[test]
fn docs() {
    snapshot_spec("docs");
}

#[test]
fn resources() {
    snapshot_spec("resources");
}

/// A swagger without Kubernetes' extensions, in KubeVirt's style: resources, scope, verbs,
/// actions and sensors inferred from the paths; type arrays; apimachinery types named `k8s.io.`.
#[test]
fn no_extensions() {
    let spec = repo_root().join("specs/real-inputs/no-extensions.json");
    insta::assert_snapshot!("no-extensions", emitted_code(&[spec]));
}

/// The core API and an aggregated API server whose shared definitions are older copies.
#[test]
fn aggregated_api() {
    let spec = repo_root().join("specs/real-inputs/aggregated");
    insta::assert_snapshot!("aggregated", emitted_code(&[spec]));
}

#[test]
fn equivalence_api() {
    let spec = repo_root().join("specs/equivalence/swagger.json");
    insta::assert_snapshot!("equivalence", emitted_code(&[spec]));
}

/// A spec's StackStorm pack, its files concatenated; the Python copied as it is from
/// `templates/st2/` is left out.
fn emitted_pack(spec: &str) -> String {
    let docs = read_documents(&[repo_root().join("specs/mapping").join(spec)]).unwrap();
    let output = generate_st2_pack(&docs, &Options::default(), "kubernetes_pack").unwrap();
    let copied: Vec<&str> = k8s_packgen::st2::PYTHON.iter().map(|(path, _)| *path).collect();
    let mut out = String::new();
    for (path, text) in output.files.iter().filter(|(path, _)| !copied.contains(&path.as_str())) {
        out.push_str(&format!("# ===== {path}\n{text}\n"));
    }
    out
}

/// The pack of the resources spec: pods with subresources (connect ones left out), a
/// cluster-scoped kind, the legacy watch path, and no ConfigMaps for the example rule.
#[test]
fn st2_pack_resources() {
    insta::assert_snapshot!("st2-pack-resources", emitted_pack("resources.json"));
}

/// The pack of its own spec: Secret and token bodies (`secret: true`), a patch, cluster scope,
/// the example rule's ConfigMap action, descriptions YAML readers misread.
#[test]
fn st2_pack() {
    insta::assert_snapshot!("st2-pack", emitted_pack("st2-pack.json"));
}

/// The mission resources as emitted from the real spec.
#[test]
fn mission_types() {
    let docs = read_documents(&[k8s_packgen::default_spec()]).unwrap();
    let api = k8s_packgen::build_api(&docs).unwrap();
    for def in [
        "io.k8s.api.core.v1.Secret",
        "io.k8s.api.apps.v1.Deployment",
        "io.k8s.api.rbac.v1.Role",
        "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
        "io.k8s.api.networking.v1.NetworkPolicy",
    ] {
        let t = api.type_def(def).unwrap();
        let code = k8s_packgen::format::format_tokens(k8s_packgen::emit::type_items(&api, t), def).unwrap();
        insta::assert_snapshot!(def, code);
    }
}

/// Older specs name a non-existent `PodExecOptions` kind on connect operations; the fixup
/// layer corrects it (the shared specs are already patched, so there it changes nothing).
#[test]
fn connect_options_fixup() {
    let build = |spec: PathBuf| {
        let docs = read_documents(&[spec]).unwrap();
        generate(&docs, &Options::default()).unwrap().api
    };
    let api = build(repo_root().join("specs/mapping/resources.json"));
    assert_eq!(api.fixups_applied, vec!["connect-options-gvk".to_string()]);
    let exec = api.operations.iter().find(|o| o.id == "connectCoreV1GetNamespacedPodExec").unwrap();
    assert_eq!(exec.gvk.as_ref().unwrap().kind, "Pod");
    let pods = api.resources.iter().find(|r| r.plural == "pods").unwrap();
    assert!(pods.subresources.iter().any(|s| s.name == "exec" && s.verbs == [k8s_packgen::ir::Verb::Get]));

    let patched = build(k8s_packgen::default_spec());
    assert!(patched.fixups_applied.is_empty());
}
