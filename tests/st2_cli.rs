//! `k8s-packgen st2-pack` as a real process: the same inputs and filters as `generate`, written
//! aside then swapped, `--check` for drift, bad input as a clear error with exit 2 that leaves
//! the previous pack untouched; and the builder writing the same bytes. StackStorm's own checks
//! of the pack are in `tests/st2_pack.rs`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_k8s-packgen");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture() -> PathBuf {
    repo().join("specs/mapping/st2-pack.json")
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

fn st2_pack(args: &[&str]) -> Run {
    let output = Command::new(BIN).arg("st2-pack").args(args).current_dir(repo()).output().unwrap();
    Run { code: output.status.code(), stderr: String::from_utf8_lossy(&output.stderr).into_owned() }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Every file under `root` with its bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                into.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if root.exists() {
        walk(root, root, &mut out);
    }
    out
}

#[test]
fn writes_the_pack_and_check_detects_drift() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("kubernetes_pack");
    let run = st2_pack(&["--spec", s(&fixture()), "--out", s(&out)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("(30 files, 14 actions, 4 sensors)"), "{}", run.stderr);
    let written = tree(&out);
    for file in
        ["pack.yaml", "config.schema.yaml", "README.md", "actions/lib/k8s_pack_action.py", "rules/mysqldb_added.yaml"]
    {
        assert!(written.contains_key(file), "{file} missing");
    }

    let run = st2_pack(&["--spec", s(&fixture()), "--out", s(&out), "--check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("is in sync (30 files)"), "{}", run.stderr);

    let edited = out.join("actions/createCoreV1NamespacedSecret.yaml");
    let mut text = fs::read_to_string(&edited).unwrap();
    text.push_str("# edited by hand\n");
    fs::write(&edited, text).unwrap();
    fs::remove_file(out.join("sensors/core_v1_secrets.py")).unwrap();
    fs::write(out.join("actions/stray.yaml"), "name: stray\n").unwrap();
    let before = tree(&out);
    let run = st2_pack(&["--spec", s(&fixture()), "--out", s(&out), "--check"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let listed: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("  ")).map(str::trim).collect();
    assert_eq!(
        listed,
        [
            "differs: actions/createCoreV1NamespacedSecret.yaml",
            "missing: sensors/core_v1_secrets.py",
            "not generated: actions/stray.yaml"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(tree(&out), before, "--check wrote");

    // Writing again replaces the whole pack: the stray file goes, the edits are undone.
    let run = st2_pack(&["--spec", s(&fixture()), "--out", s(&out), "-q"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    assert_eq!(tree(&out), written);
}

#[test]
fn bad_input_exits_2_and_leaves_the_previous_pack_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pack");
    assert_eq!(st2_pack(&["--spec", s(&fixture()), "--out", s(&out), "-q"]).code, Some(0));
    let before = tree(&out);

    let run = st2_pack(&["--spec", s(&fixture()), "--out", s(&out), "--pack-name", "Kubernetes-Pack"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "error: --pack-name: \"Kubernetes-Pack\" is not a StackStorm pack reference: use lowercase letters, digits and _"
    );
    let broken = dir.path().join("broken.json");
    fs::write(&broken, "{\"swagger\": \"2.0\",\n  \"paths\": [}").unwrap();
    let run = st2_pack(&["--spec", s(&broken), "--out", s(&out)]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.starts_with(&format!("error: {}: invalid JSON at line 2", broken.display())), "{}", run.stderr);
    let run = st2_pack(&["--spec", s(&fixture()), "--out", s(&out), "--resources", "secretz"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("secrets"), "close matches: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(tree(&out), before, "a failed run changed the pack");
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "staging directories left: {leftovers:?}");
}

#[test]
fn resources_narrow_the_pack_like_the_crate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pack");
    let run =
        st2_pack(&["--spec", s(&fixture()), "--out", s(&out), "--resources", "secrets", "--pack-name", "k8s_secrets"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let files = tree(&out);
    let actions: Vec<&str> =
        files.keys().filter_map(|k| k.strip_prefix("actions/").and_then(|k| k.strip_suffix(".yaml"))).collect();
    assert_eq!(
        actions,
        [
            "createCoreV1NamespacedSecret",
            "deleteCoreV1NamespacedSecret",
            "listCoreV1NamespacedSecret",
            "listCoreV1SecretForAllNamespaces",
            "patchCoreV1NamespacedSecret",
            "readCoreV1NamespacedSecret",
            "replaceCoreV1NamespacedSecret",
            "watchCoreV1SecretListForAllNamespaces"
        ]
    );
    let sensors: Vec<&str> =
        files.keys().filter(|k| k.starts_with("sensors/") && k.ends_with(".yaml")).map(String::as_str).collect();
    assert_eq!(sensors, ["sensors/core_v1_secrets.yaml", "sensors/custom_resource.yaml"]);
    // Without ConfigMaps the example rule falls back to StackStorm's core.echo.
    let rule = String::from_utf8(files["rules/mysqldb_added.yaml"].clone()).unwrap();
    assert!(rule.contains("ref: \"core.echo\""), "{rule}");
    assert!(rule.contains("type: \"k8s_secrets.custom_resource\""), "{rule}");
}

#[test]
fn the_builder_writes_what_the_cli_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cli");
    assert_eq!(st2_pack(&["--spec", s(&fixture()), "--out", s(&out), "-q"]).code, Some(0));
    let built = dir.path().join("builder");
    let output = k8s_packgen::Builder::new()
        .spec(fixture())
        .rerun_if_changed(false)
        .write_st2_pack(k8s_packgen::st2::DEFAULT_PACK_NAME, &built)
        .unwrap();
    assert_eq!(tree(&built), tree(&out));
    assert_eq!(output.files.len(), 30);
}

/// The fenced `sh` blocks of the README's section "Use from StackStorm", their commands with
/// backslash continuations joined.
fn readme_blocks() -> Vec<Vec<String>> {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("\n## Use from StackStorm\n").expect("the README has the section");
    let section = &readme[start + 1..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |e| e + 1)];
    let mut blocks = Vec::new();
    for block in section.split("```sh\n").skip(1) {
        let block = block.split("```").next().unwrap().replace("\\\n", " ");
        blocks
            .push(block.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(str::to_string).collect());
    }
    blocks
}

#[test]
fn the_readme_commands_run_and_name_what_the_pack_has() {
    let blocks = readme_blocks();
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    // The generator's commands, from a directory with the repository's specs, as written; a
    // live cluster and `cargo install` (a release build of the whole crate) excepted.
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(repo().join("specs"), dir.path().join("specs")).unwrap();
    let mut ran = 0;
    for command in &blocks[0] {
        if let Some(args) = command.strip_prefix("cargo run --release -p k8s-packgen -- ") {
            let args: Vec<&str> = args.split_whitespace().collect();
            if args.contains(&"--from-cluster") {
                continue;
            }
            let output = Command::new(BIN).args(&args).current_dir(dir.path()).output().unwrap();
            assert!(output.status.success(), "{command}: {}", String::from_utf8_lossy(&output.stderr));
            ran += 1;
        } else if let Some(rest) = command.strip_prefix("cargo install --path ") {
            let path = rest.split_whitespace().next().unwrap();
            assert!(repo().join(path).join("src/bin/k8s-pack.rs").exists(), "{command}");
        } else {
            panic!("a README command the test does not know: {command}");
        }
    }
    assert_eq!(ran, 4);
    let mysql = dir.path().join("k8s_mysql");
    assert!(mysql.join("actions/readExampleComV1NamespacedMysqlDb.yaml").exists());
    assert!(mysql.join("sensors/example_com_v1_mysqldbs.yaml").exists());
    assert!(dir.path().join("k8s-mysql/src/bin/k8s-pack.rs").exists());

    // The StackStorm commands name a pack, sensors, a rule and an action with parameters the
    // pack has.
    let pack = dir.path().join("kubernetes_pack");
    let text = |rel: &str| fs::read_to_string(pack.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    for command in &blocks[1] {
        let words: Vec<&str> = command.split_whitespace().take_while(|w| *w != "#").collect();
        match words.as_slice() {
            ["st2", "pack", "install", url] => {
                assert_eq!(url.strip_prefix("file://$PWD/"), Some("kubernetes_pack"));
                assert!(text("pack.yaml").contains("ref: \"kubernetes_pack\""));
            }
            ["st2", "pack", "config", name] => assert_eq!(*name, "kubernetes_pack"),
            ["st2", "sensor", "enable", reference] => {
                let class = reference.strip_prefix("kubernetes_pack.").unwrap();
                let sensors = fs::read_dir(pack.join("sensors")).unwrap().map(|e| e.unwrap().path());
                let found = sensors
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                    .any(|p| fs::read_to_string(p).unwrap().contains(&format!("class_name: \"{class}\"")));
                assert!(found, "{command}");
            }
            ["st2", "rule", "enable", reference] => {
                let rule = reference.strip_prefix("kubernetes_pack.").unwrap();
                assert!(text(&format!("rules/{rule}.yaml")).contains(&format!("name: \"{rule}\"")));
            }
            ["st2", "run", reference, params @ ..] => {
                let action = text(&format!("actions/{}.yaml", reference.strip_prefix("kubernetes_pack.").unwrap()));
                for param in params {
                    let name = param.split('=').next().unwrap();
                    assert!(action.contains(&format!("\n  {name}:\n")), "{command}: no parameter {name}");
                }
            }
            _ => panic!("a README command the test does not know: {command}"),
        }
    }
}
