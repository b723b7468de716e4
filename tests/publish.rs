//! The emitted crate as published: `cargo package` accepts it, with crates.io metadata, no
//! path dependencies, and dependency versions equal to those it was built and tested with here.

use k8s_packgen_tests::repo_root;
use std::collections::BTreeMap;
use std::process::Command;

fn manifest() -> String {
    std::fs::read_to_string(repo_root().join("generated/k8s-pack/Cargo.toml")).unwrap()
}

/// `name = "..."` of a TOML section's lines.
fn field<'a>(toml: &'a str, name: &str) -> Option<&'a str> {
    toml.lines().find_map(|l| l.strip_prefix(&format!("{name} = ")))
}

#[test]
fn cargo_package_lists_the_crate() {
    let output = Command::new(env!("CARGO"))
        .args(["package", "-p", "k8s-pack", "--no-verify", "--list", "--allow-dirty"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "cargo package warns: {stderr}");
    let files = String::from_utf8(output.stdout).unwrap();
    for file in ["Cargo.toml", "README.md", "src/lib.rs", "src/bin/k8s-pack.rs", "src/runtime/sensor/watch.rs"] {
        assert!(files.lines().any(|l| l == file), "{file} is not packaged");
    }
}

#[test]
fn the_manifest_has_crates_io_metadata_and_no_path_dependencies() {
    let toml = manifest();
    for name in ["description", "license", "documentation", "readme", "keywords", "categories"] {
        assert!(field(&toml, name).is_some_and(|v| v.len() > 2), "{name} missing");
    }
    assert!(toml.contains("[package.metadata.docs.rs]"));
    assert!(!toml.contains("path = \"..") && !toml.contains("{ path"), "path dependency");
}

#[test]
fn dependency_versions_are_the_ones_tested() {
    let lock = std::fs::read_to_string(repo_root().join("Cargo.lock")).unwrap();
    let mut locked: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if let Some(name) = line.strip_prefix("name = \"").and_then(|n| n.strip_suffix('"')) {
            let version = lines.next().and_then(|v| v.strip_prefix("version = \"")?.strip_suffix('"'));
            locked.entry(name).or_default().extend(version);
        }
    }
    let toml = manifest();
    let deps = toml.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    let mut checked = 0;
    for line in deps.lines().filter(|l| !l.starts_with('#') && l.contains('=')) {
        let name = line.split('=').next().unwrap().trim();
        let version = line.split('"').find(|p| p.starts_with(|c: char| c.is_ascii_digit())).unwrap();
        let tested = locked.get(name).cloned().unwrap_or_default();
        assert!(tested.contains(&version), "{name} {version} in the emitted Cargo.toml, {tested:?} tested here");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} dependencies found");
}
