//! The emitted code compiles for other Kubernetes versions and for every project-written spec,
//! and is clean under clippy and rustdoc with warnings denied. All crates go into one
//! temporary workspace so their dependencies build once.

use k8s_packgen::ir::filter::Selection;
use k8s_packgen::{generate, read_documents, write, Options};
use k8s_packgen_tests::{repo_root, shared};
use std::path::PathBuf;
use std::process::Command;

fn emit_into(dir: &std::path::Path, name: &str, specs: &[PathBuf]) {
    emit_with(dir, name, specs, Options::default());
}

fn emit_with(dir: &std::path::Path, name: &str, specs: &[PathBuf], options: Options) {
    let docs = read_documents(specs).unwrap();
    let options = Options { crate_name: name.to_string(), ..options };
    let output = generate(&docs, &options).unwrap();
    write::write(&dir.join(name), &output.files).unwrap();
}

fn cargo(workspace: &std::path::Path, args: &[&str], rustdocflags: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(workspace)
        // A target dir of its own: the outer `cargo test` holds the workspace's lock.
        .env("CARGO_TARGET_DIR", repo_root().join("target/other-specs"))
        .env_remove("RUSTFLAGS");
    if let Some(flags) = rustdocflags {
        cmd.env("RUSTDOCFLAGS", flags);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "cargo {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn other_versions_and_mapping_specs_compile_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    let mut members = Vec::new();
    for version in ["v1.30.1", "v1.33.1"] {
        let name = format!("k8s-pack-{}", version.replace('.', "-"));
        emit_into(ws, &name, &[shared().join("specs/kubernetes").join(format!("{version}.json"))]);
        members.push(name);
    }
    let mut mapping: Vec<PathBuf> = std::fs::read_dir(repo_root().join("specs/mapping"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    mapping.sort();
    assert!(mapping.len() >= 5);
    let mut small = Vec::new();
    for spec in &mapping {
        let name = format!("mapping-{}", spec.file_stem().unwrap().to_string_lossy());
        emit_into(ws, &name, std::slice::from_ref(spec));
        small.push(name);
    }
    emit_into(ws, "equivalence-v3", &[repo_root().join("specs/equivalence/v3")]);
    small.push("equivalence-v3".to_string());
    // Real inputs: the OpenAPI 3.0 documents a 1.27 API server serves, alone and together; a
    // swagger without Kubernetes' extensions; an aggregated API server's older shared schemas.
    let v3 = shared().join("specs/kubernetes-v3");
    for (name, docs) in [
        ("real-v3-core", vec![v3.join("api__v1_openapi.json")]),
        ("real-v3-autoscaling", vec![v3.join("apis__autoscaling__v2_openapi.json")]),
        ("real-v3-both", vec![v3.clone()]),
        ("real-inputs-no-extensions", vec![repo_root().join("specs/real-inputs/no-extensions.json")]),
        ("real-inputs-aggregated", vec![repo_root().join("specs/real-inputs/aggregated")]),
    ] {
        emit_into(ws, name, &docs);
        small.push(name.to_string());
    }
    // A custom resource from a CRD file (both served versions), on the newest spec; and the
    // mission's subset of that spec (--resources): only what those resources reach.
    let newest = shared().join("specs/kubernetes/v1.36.0.json");
    let crd = k8s_packgen::load::Document::read(&repo_root().join("specs/crd/mysqldb.yaml")).unwrap();
    let groups = Selection { groups: vec!["example.com".into()], ..Selection::default() };
    emit_with(
        ws,
        "crd-mysqldb",
        std::slice::from_ref(&newest),
        Options { crds: vec![crd], selection: groups, ..Options::default() },
    );
    small.push("crd-mysqldb".to_string());
    let mission = "secrets,deployments,roles,rolebindings,clusterroles,clusterrolebindings,horizontalpodautoscalers,networkpolicies";
    let resources = Selection { resources: mission.split(',').map(str::to_string).collect(), ..Selection::default() };
    emit_with(
        ws,
        "subset-mission",
        std::slice::from_ref(&newest),
        Options { selection: resources, ..Options::default() },
    );
    small.push("subset-mission".to_string());
    // Adversarial inputs (specs/adversarial, each case described in specs/README.md): names,
    // operations and resources that were once accepted and then did not compile; CRDs of groups
    // spelled alike in operationIds and modules; a kind starting with a lowercase letter.
    for name in ["names", "operations", "resources"] {
        let member = format!("adversarial-{name}");
        emit_into(ws, &member, &[repo_root().join(format!("specs/adversarial/{name}.json"))]);
        small.push(member);
    }
    for (file, groups) in [
        ("same-kind-dashed-and-dotted-groups", "my-app.io,my.app.io"),
        ("other-kinds-dashed-and-dotted-groups", "my-app.io,my.app.io"),
        ("kind-lowercase-start", "example.com"),
    ] {
        let path = repo_root().join(format!("specs/adversarial/crds/{file}.yaml"));
        let crd = k8s_packgen::load::Document::read(&path).unwrap();
        let selection = Selection { groups: groups.split(',').map(str::to_string).collect(), ..Selection::default() };
        let member = format!("adversarial-crd-{file}");
        emit_with(
            ws,
            &member,
            std::slice::from_ref(&newest),
            Options { crds: vec![crd], selection, ..Options::default() },
        );
        small.push(member);
    }
    members.extend(small.iter().cloned());

    let quoted: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        ws.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", quoted.join(", ")),
    )
    .unwrap();
    // The versions this repository is tested with.
    std::fs::copy(repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();

    cargo(ws, &["clippy", "--quiet", "--workspace", "--", "-D", "warnings"], None);
    // Libraries only: every emitted crate has a `k8s-pack` binary, and rustdoc refuses two
    // outputs of one name in a workspace.
    let mut doc_args = vec!["doc", "--quiet", "--no-deps", "--lib"];
    for m in &small {
        doc_args.extend(["-p", m.as_str()]);
    }
    cargo(ws, &doc_args, Some("-D warnings"));
}

/// One kind served under two plurals (specs/adversarial/resources.json, `Widget` as `widgets`
/// and `gadgets`): the kind's `Resource` impl is the first resource's, so only that sensor
/// reads its metadata from the kind; the other spells out its own plural.
#[test]
fn a_kind_served_under_two_plurals_gives_each_sensor_its_own_plural() {
    let docs = read_documents(&[repo_root().join("specs/adversarial/resources.json")]).unwrap();
    let api = k8s_packgen::build_api(&docs).unwrap();
    let from_kind = |name: &str| api.sensors.defs.iter().find(|d| d.name == name).map(|d| d.from_kind);
    assert_eq!(from_kind("example.com/v1/gadgets"), Some(true));
    assert_eq!(from_kind("example.com/v1/widgets"), Some(false));
    let output = generate(&docs, &Options::default()).unwrap();
    let sensors = &output.files["src/sensors/example_com/v1.rs"];
    let (gadgets, widgets) = sensors.split_once("pub mod widgets").unwrap();
    assert!(gadgets.contains("SensorSpec::of::<") && !gadgets.contains("plural:"), "{sensors}");
    assert!(widgets.contains("plural: \"widgets\"") && widgets.contains("kind: \"Widget\""), "{sensors}");
    // Actions alike: each module's target.
    let gadget_actions = &output.files["src/actions/example_com/v1/gadgets.rs"];
    assert!(gadget_actions.contains("Target::of::<"), "{gadget_actions}");
    let widget_actions = &output.files["src/actions/example_com/v1/widgets.rs"];
    assert!(widget_actions.contains("resource: \"widgets\""), "{widget_actions}");
    let kind = &output.files["src/com/example/v1.rs"];
    assert!(kind.contains("const PLURAL: &'static str = \"gadgets\";"), "{kind}");
}
