//! Kubernetes' own serialization fixtures round-trip through the emitted types.

use k8s_packgen_tests::{json_diff, round_trip_gvk, shared, SPEC_GVKS};

/// Splits `apps.v1.Deployment.json` into (group, version, kind); `core` is the core group.
fn gvk_of(file: &str) -> Option<(String, String, String)> {
    let stem = file.strip_suffix(".json")?;
    let mut parts: Vec<&str> = stem.split('.').collect();
    let kind = parts.pop()?.to_string();
    let version = parts.pop()?.to_string();
    let group = parts.join(".");
    let group = if group == "core" { String::new() } else { group };
    Some((group, version, kind))
}

#[test]
fn every_declared_fixture_round_trips() {
    let dir = shared().join("fixtures/api-testdata/v1.36.0");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 185, "the fixture directory changed");

    let mut checked = 0;
    let mut failures = Vec::new();
    for file in &files {
        let (group, version, kind) = gvk_of(file).unwrap();
        if !SPEC_GVKS.contains(&(group.as_str(), version.as_str(), kind.as_str())) {
            continue;
        }
        checked += 1;
        let json = std::fs::read_to_string(dir.join(file)).unwrap();
        match round_trip_gvk(&group, &version, &kind, &json) {
            Some(Ok((input, output))) if input == output => {}
            Some(Ok((input, output))) => failures
                .push(format!("{file}: input vs output differ at\n    {}", json_diff(&input, &output).join("\n    "))),
            Some(Err(e)) => failures.push(format!("{file}: {e}")),
            None => failures.push(format!("{file}: no emitted type for it")),
        }
    }
    assert!(failures.is_empty(), "{} of {checked} fixtures failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, 101, "the spec declares a different number of the fixtures' kinds");
}
