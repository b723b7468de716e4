//! The `k8s-packgen` binary run as a process: exit codes, what stderr says about bad input
//! (file, JSON pointer or line/column, and what is wrong), and that a failed or `--check` run
//! never touches an output directory generated before it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_k8s-packgen");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn swagger() -> PathBuf {
    repo().join("specs/equivalence/swagger.json")
}

fn v3_dir() -> PathBuf {
    repo().join("specs/equivalence/v3")
}

/// What one run of the binary left behind.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `k8s-packgen generate` in `cwd`, so nothing relative can land in the source tree.
fn generate(cwd: &Path, specs: &[&Path], out: &Path, extra: &[&str]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(cwd).arg("generate");
    for spec in specs {
        cmd.arg("--spec").arg(spec);
    }
    cmd.arg("--out").arg(out).args(extra);
    let output = cmd.output().expect("run k8s-packgen");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Relative path -> file bytes, or `None` for a directory (so added empty directories count).
type Snapshot = BTreeMap<String, Option<Vec<u8>>>;

fn snapshot(root: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, into: &mut Snapshot) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                into.insert(rel, None);
                walk(root, &path, into);
            } else {
                into.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    let mut snap = Snapshot::new();
    walk(root, root, &mut snap);
    snap
}

/// The paths on which two snapshots disagree, so a failure names files instead of dumping bytes.
fn snapshot_diff(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let mut diffs = Vec::new();
    for (path, bytes) in before {
        match after.get(path) {
            None => diffs.push(format!("removed: {path}")),
            Some(now) if now != bytes => diffs.push(format!("changed: {path}")),
            Some(_) => {}
        }
    }
    diffs.extend(after.keys().filter(|p| !before.contains_key(*p)).map(|p| format!("added: {p}")));
    diffs
}

fn file_count(snap: &Snapshot) -> usize {
    snap.values().filter(|v| v.is_some()).count()
}

/// Staging and backup directories the writer puts next to `out` while it swaps.
fn assert_no_staging_leftovers(dir: &Path) {
    let leftovers: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.new-") || n.starts_with(".out.old-"))
        .collect();
    assert!(leftovers.is_empty(), "writer leftovers next to out: {leftovers:?}");
}

/// A temp directory holding `out`, generated from the equivalence swagger.json, and the
/// snapshot of `out` taken right after; bad documents are written beside it.
struct Fixture {
    dir: TempDir,
    out: PathBuf,
    before: Snapshot,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let run = generate(dir.path(), &[&swagger()], &out, &[]);
        assert_eq!(run.code, Some(0), "baseline generate failed: {}", run.stderr);
        let before = snapshot(&out);
        assert!(file_count(&before) > 0);
        Fixture { dir, out, before }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        path
    }

    fn run(&self, specs: &[&Path], extra: &[&str]) -> Run {
        generate(self.path(), specs, &self.out, extra)
    }

    fn assert_untouched(&self) {
        let diffs = snapshot_diff(&self.before, &snapshot(&self.out));
        assert!(diffs.is_empty(), "the previous output was modified: {diffs:?}");
        assert_no_staging_leftovers(self.path());
    }

    /// Runs on `specs` and checks the run failed as a usage error (exit 2, one `error:` line
    /// holding every expected fragment, no panic) without touching `out`. Returns stderr.
    fn expect_error(&self, specs: &[&Path], expected: &[&str]) -> String {
        let run = self.run(specs, &[]);
        assert_eq!(run.code, Some(2), "stderr: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
        assert!(run.stderr.starts_with("error: "), "stderr: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "one error line expected: {}", run.stderr);
        for fragment in expected {
            assert!(run.stderr.contains(fragment), "stderr lacks {fragment:?}: {}", run.stderr);
        }
        assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
        self.assert_untouched();
        run.stderr
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

const V3_HEAD: &str = r#""openapi": "3.0.0", "info": {"title": "t", "version": "v1"}, "paths": {}"#;

#[test]
fn invalid_json_names_file_line_and_column() {
    let fx = Fixture::new();
    let bad = fx.write("bad.json", "{\n  \"swagger\": \"2.0\",\n  \"definitions\": {\n    \"x\": 1,,\n  }\n}\n");
    fx.expect_error(&[&bad], &[&format!("error: {}: invalid JSON at line 4, column 12: ", display(&bad))]);

    let truncated = fx.write("truncated.json", "{\"swagger\": \"2.0\",\n\"definitions\": {");
    fx.expect_error(
        &[&truncated],
        &[&format!("{}: invalid JSON at line 2, column 16: ", display(&truncated)), "EOF while parsing"],
    );
}

#[test]
fn invalid_json_inside_a_spec_directory_names_that_file() {
    let fx = Fixture::new();
    let dir = fx.path().join("v3");
    fs::create_dir_all(&dir).unwrap();
    for entry in fs::read_dir(v3_dir()).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let bad = fx.write("v3/zz_broken.json", "{\"openapi\": \"3.0.0\" \"info\": {}}");
    fx.expect_error(&[&dir], &[&format!("error: {}: invalid JSON at line 1, column 21: ", display(&bad))]);
}

#[test]
fn documents_of_other_formats_are_refused() {
    let fx = Fixture::new();
    for (name, text) in [
        ("swagger12.json", r#"{"swagger": "1.2"}"#),
        ("numeric.json", r#"{"swagger": 2.0}"#),
        ("neither.json", r#"{"definitions": {}}"#),
    ] {
        let path = fx.write(name, text);
        fx.expect_error(
            &[&path],
            &[&format!(
                "error: {}: not a Swagger 2.0 or OpenAPI 3.0 document (expected a top-level \"swagger\": \"2.0\" or \"openapi\": \"3.0.x\" field)",
                display(&path)
            )],
        );
    }
}

/// OpenAPI 3.1 is recognised as OpenAPI and refused with the version found.
#[test]
fn openapi_31_is_refused_with_its_version() {
    let fx = Fixture::new();
    let path =
        fx.write("openapi31.json", r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "v1"}, "paths": {}}"#);
    fx.expect_error(
        &[&path],
        &[&format!(
            "error: {} at /openapi: invalid OpenAPI 3.0 document: expected \"openapi\": \"3.0.x\", found \"3.1.0\"",
            display(&path)
        )],
    );
}

/// A structural error deep in an OpenAPI 3.0 document names the node.
#[test]
fn openapi3_structure_errors_name_the_node() {
    let fx = Fixture::new();
    let path = fx.write(
        "badop.json",
        r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "v1"}, "paths": {"/x": {"get": "nope"}}}"#,
    );
    fx.expect_error(&[&path], &[&format!("error: {} at /paths/~1x/get: invalid OpenAPI 3.0 document", display(&path))]);
}

/// Huge values are quoted cut, with their size: a 5 MB `type`, a 1 MB property name (in the
/// pointer) and a 1 MB string where OpenAPI 3.0 wants an object each give a short message.
#[test]
fn huge_values_are_cut_in_messages() {
    let fx = Fixture::new();
    let huge = "x".repeat(5_000_000);
    let ty = fx.write(
        "type.json",
        format!(r#"{{"swagger": "2.0", "definitions": {{"io.example.v1.Foo": {{"type": "{huge}"}}}}}}"#),
    );
    let stderr = fx.expect_error(&[&ty], &[&format!("{}\"... (5000000 bytes)", "x".repeat(80))]);
    assert!(stderr.len() < 1000, "{} bytes", stderr.len());
    let name = "n".repeat(1_000_000);
    let property = fx.write(
        "property.json",
        format!(r#"{{"swagger": "2.0", "definitions": {{"io.example.v1.Foo": {{"type": "object", "properties": {{"{name}": {{"type": "strange"}}}}}}}}}}"#),
    );
    let stderr = fx.expect_error(&[&property], &[&format!("/properties/{}... (1000000 bytes)/type", "n".repeat(80))]);
    assert!(stderr.len() < 1000, "{} bytes", stderr.len());
    let v3 = fx.write(
        "v3.json",
        format!(r#"{{{V3_HEAD}, "components": {{"schemas": {{"io.example.v1.Foo": "{}"}}}}}}"#, "s".repeat(1_000_000)),
    );
    let stderr = fx.expect_error(&[&v3], &[&format!("{}\"... (1000000 bytes)", "s".repeat(80))]);
    assert!(stderr.len() < 1000, "{} bytes", stderr.len());
}

#[test]
fn dangling_ref_in_swagger2_names_the_node_and_the_ref() {
    let fx = Fixture::new();
    let doc = fx.write(
        "dangling.json",
        r##"{"swagger": "2.0", "definitions": {"io.example.v1.Foo": {"type": "object",
            "properties": {"bar": {"$ref": "#/definitions/io.example.v1.Missing"}}}}}"##,
    );
    fx.expect_error(
        &[&doc],
        &[&format!(
            "error: {} at /definitions/io.example.v1.Foo/properties/bar: dangling $ref \"#/definitions/io.example.v1.Missing\": no such definition",
            display(&doc)
        )],
    );

    let param = fx.write(
        "dangling-param.json",
        r##"{"swagger": "2.0", "paths": {"/api/v1/things": {"get": {"operationId": "listThings",
            "parameters": [{"$ref": "#/parameters/missing"}], "responses": {}}}}}"##,
    );
    fx.expect_error(
        &[&param],
        &[&format!(
            "error: {} at /paths/~1api~1v1~1things/get/parameters/0: dangling $ref \"#/parameters/missing\"",
            display(&param)
        )],
    );
}

#[test]
fn dangling_ref_in_openapi3_names_the_node_and_the_ref() {
    let fx = Fixture::new();
    let doc = fx.write(
        "dangling.json",
        format!(
            r##"{{{V3_HEAD}, "components": {{"schemas": {{"io.example.v1.Foo": {{"type": "object",
                "properties": {{"bar": {{"$ref": "#/components/schemas/io.example.v1.Missing"}}}}}}}}}}}}"##
        ),
    );
    fx.expect_error(
        &[&doc],
        &[&format!(
            "error: {} at /components/schemas/io.example.v1.Foo/properties/bar: dangling $ref \"#/components/schemas/io.example.v1.Missing\": no such definition",
            display(&doc)
        )],
    );

    let wrapped = fx.write(
        "dangling-allof.json",
        format!(
            r##"{{{V3_HEAD}, "components": {{"schemas": {{"io.example.v1.Foo": {{"type": "object",
                "properties": {{"bar": {{"allOf": [{{"$ref": "#/components/schemas/io.example.v1.Missing"}}]}}}}}}}}}}}}"##
        ),
    );
    fx.expect_error(
        &[&wrapped],
        &[&format!(
            "error: {} at /components/schemas/io.example.v1.Foo/properties/bar/allOf/0: dangling $ref \"#/components/schemas/io.example.v1.Missing\"",
            display(&wrapped)
        )],
    );
}

#[test]
fn unsupported_schema_shapes_name_the_pointer() {
    let fx = Fixture::new();
    let all_of = fx.write(
        "allof.json",
        r#"{"swagger": "2.0", "definitions": {"io.example.v1.Foo":
            {"allOf": [{"type": "object"}, {"type": "object", "properties": {"a": {"type": "string"}}}]}}}"#,
    );
    fx.expect_error(
        &[&all_of],
        &[&format!(
            "error: {} at /definitions/io.example.v1.Foo/allOf: unsupported schema: `allOf` is not supported in Swagger 2.0 schemas",
            display(&all_of)
        )],
    );

    let one_of = fx.write(
        "oneof.json",
        format!(
            r#"{{{V3_HEAD}, "components": {{"schemas": {{"io.example.v1.Foo": {{"type": "object",
                "properties": {{"bar": {{"oneOf": [{{"type": "string"}}, {{"type": "object"}}]}}}}}}}}}}}}"#
        ),
    );
    fx.expect_error(
        &[&one_of],
        &[
            &format!(
                "error: {} at /components/schemas/io.example.v1.Foo/properties/bar/oneOf/1: unsupported schema: ",
                display(&one_of)
            ),
            "`oneOf` is only supported over plain string, integer, number and boolean schemas",
        ],
    );

    let v3_all_of = fx.write(
        "allof-v3.json",
        format!(
            r#"{{{V3_HEAD}, "components": {{"schemas": {{"io.example.v1.Foo":
                {{"allOf": [{{"type": "string"}}, {{"type": "object"}}]}}}}}}}}"#
        ),
    );
    fx.expect_error(
        &[&v3_all_of],
        &[
            &format!(
                "error: {} at /components/schemas/io.example.v1.Foo/allOf: unsupported schema: ",
                display(&v3_all_of)
            ),
            "`allOf` is only supported as a wrapper around a single $ref",
        ],
    );
}

/// `type` arrays are read (`["string", "null"]`); a name in one that is not a JSON type is an
/// error at its index.
#[test]
fn type_arrays_name_the_bad_entry() {
    let fx = Fixture::new();
    let doc = fx.write(
        "type-array.json",
        r#"{"swagger": "2.0", "definitions": {"io.example.v1.Foo": {"type": "object",
            "properties": {"bar": {"type": ["string", "nil"]}, "ok": {"type": ["string", "null"]}}}}}"#,
    );
    fx.expect_error(
        &[&doc],
        &[&format!(
            "error: {} at /definitions/io.example.v1.Foo/properties/bar/type/1: unsupported schema: unknown type \"nil\"",
            display(&doc)
        )],
    );
    let number = fx.write(
        "type-array-number.json",
        r#"{"swagger": "2.0", "definitions": {"io.example.v1.Foo": {"type": ["string", 5]}}}"#,
    );
    fx.expect_error(
        &[&number],
        &[&format!("{} at /definitions/io.example.v1.Foo/type/1: ", display(&number)), "a number"],
    );
}

/// Two documents' copies of a shared definition that cannot both be right (an object in one,
/// a string in the other) are refused at the later copy; copies that only differ merge.
#[test]
fn incompatible_copies_of_a_shared_definition_are_refused() {
    let fx = Fixture::new();
    let dir = fx.path().join("cluster");
    fs::create_dir_all(&dir).unwrap();
    let aggregated = repo().join("specs/real-inputs/aggregated");
    fs::copy(aggregated.join("api__v1.json"), dir.join("api__v1.json")).unwrap();
    let metrics = fs::read_to_string(aggregated.join("apis__metrics.k8s.io__v1beta1.json")).unwrap();
    let mut metrics: serde_json::Value = serde_json::from_str(&metrics).unwrap();
    metrics["components"]["schemas"]["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"] =
        serde_json::json!({"type": "string"});
    let bad = fx.write("cluster/apis__metrics.k8s.io__v1beta1.json", metrics.to_string());
    fx.expect_error(
        &[&dir],
        &[&format!(
            "error: {} at /components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta/properties/labels: definition \"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.labels\" differs between documents in a way that cannot be merged: it is a string here and an object in ",
            display(&bad)
        )],
    );
}

/// `--crate-name` and `--crate-version` are checked like cargo checks them, before anything
/// is generated: a dotted name, a name with a quote and a newline (which would have written
/// keys into Cargo.toml), keywords, empty values, versions that are not semver.
#[test]
fn crate_names_and_versions_cargo_refuses_are_refused() {
    let fx = Fixture::new();
    for (args, expected) in [
        (
            vec!["--crate-name", "ho-kubernetes-v1.28.4"],
            "--crate-name: \"ho-kubernetes-v1.28.4\" is not a valid crate name: '.' is not allowed",
        ),
        (vec!["--crate-name", "x\"\nbuild = \"evil.rs"], "is not a valid crate name: '\"' is not allowed"),
        (vec!["--crate-name", "my pack"], "' ' is not allowed"),
        (vec!["--crate-name", "1pack"], "it must start with a letter"),
        (vec!["--crate-name", ""], "--crate-name: the crate name is empty"),
        (vec!["--crate-name", "self"], "cannot be used as a crate name: it is reserved"),
        (vec!["--crate-version", "1.2"], "--crate-version: \"1.2\" is not a semantic version"),
        (vec!["--crate-version", ""], "--crate-version: \"\" is not a semantic version"),
    ] {
        let run = fx.run(&[&swagger()], &args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: ") && run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
    }
    fx.assert_untouched();
}

#[test]
fn missing_spec_file_is_reported() {
    let fx = Fixture::new();
    fx.expect_error(
        &[Path::new("/nonexistent.json")],
        &["error: cannot read /nonexistent.json: ", "No such file or directory"],
    );
    let absent = fx.path().join("absent.json");
    fx.expect_error(&[&swagger(), &absent], &[&format!("error: cannot read {}: ", display(&absent))]);
}

/// A mistyped or emptied spec directory must not replace the output with an empty crate.
#[test]
fn spec_directory_without_json_files_is_an_error() {
    let fx = Fixture::new();
    let dir = fx.path().join("no-specs");
    fx.write("no-specs/notes.txt", "not a spec");
    fx.expect_error(&[&dir], &[&display(&dir)]);
}

/// A definition that is only a `$ref` to itself (directly or in a cycle) has no type to be:
/// emitting `pub type Foo = Foo;` gives a crate that does not compile.
#[test]
fn alias_cycles_are_rejected() {
    let fx = Fixture::new();
    let direct = fx.write(
        "self.json",
        r##"{"swagger": "2.0", "definitions": {"io.example.v1.Foo": {"$ref": "#/definitions/io.example.v1.Foo"}}}"##,
    );
    fx.expect_error(&[&direct], &[&format!("{} at /definitions/io.example.v1.Foo", display(&direct))]);
    let cycle = fx.write(
        "cycle.json",
        r##"{"swagger": "2.0", "definitions": {
            "io.example.v1.A": {"$ref": "#/definitions/io.example.v1.B"},
            "io.example.v1.B": {"$ref": "#/definitions/io.example.v1.A"}}}"##,
    );
    fx.expect_error(&[&cycle], &[&format!("{} at /definitions/io.example.v1.", display(&cycle))]);
}

#[test]
fn definition_names_with_empty_segments_are_rejected() {
    let fx = Fixture::new();
    let doc = fx.write("empty.json", r#"{"swagger": "2.0", "definitions": {"io..Foo": {"type": "object"}}}"#);
    fx.expect_error(
        &[&doc],
        &[&format!(
            "error: {} at /definitions/io..Foo: unsupported schema: definition name \"io..Foo\" has an empty segment",
            display(&doc)
        )],
    );
}

#[test]
fn check_reports_each_difference_and_writes_nothing() {
    let fx = Fixture::new();
    let run = fx.run(&[&swagger()], &["--check"]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert!(run.stderr.contains(&format!("is in sync ({} files)", file_count(&fx.before))), "stderr: {}", run.stderr);
    fx.assert_untouched();

    let mut edited = fs::read(fx.out.join("src/lib.rs")).unwrap();
    edited.extend_from_slice(b"// edited by hand\n");
    fs::write(fx.out.join("src/lib.rs"), edited).unwrap();
    fs::remove_file(fx.out.join("README.md")).unwrap();
    fs::write(fx.out.join("src/stray.rs"), "pub fn stray() {}\n").unwrap();
    // Build output of a standalone build of the crate, which --check must not report.
    fs::create_dir_all(fx.out.join("target/debug")).unwrap();
    fs::write(fx.out.join("target/debug/marker"), "x").unwrap();
    fs::write(fx.out.join("Cargo.lock"), "# lock\n").unwrap();
    let edited = snapshot(&fx.out);

    let run = fx.run(&[&swagger()], &["--check"]);
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "stderr: {}", run.stderr);
    assert!(run.stderr.contains("is out of sync with the spec"), "stderr: {}", run.stderr);
    let listed: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("  ")).map(str::trim).collect();
    assert_eq!(
        listed,
        ["missing: README.md", "differs: src/lib.rs", "not generated: src/stray.rs"],
        "stderr: {}",
        run.stderr
    );
    let diffs = snapshot_diff(&edited, &snapshot(&fx.out));
    assert!(diffs.is_empty(), "--check wrote: {diffs:?}");
    assert_no_staging_leftovers(fx.path());
}

#[test]
fn check_against_a_missing_output_lists_everything_and_creates_nothing() {
    let fx = Fixture::new();
    let absent = fx.path().join("absent");
    let run = generate(fx.path(), &[&swagger()], &absent, &["--check"]);
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    let missing = run.stderr.lines().filter(|l| l.trim_start().starts_with("missing: ")).count();
    assert_eq!(missing, file_count(&fx.before), "stderr: {}", run.stderr);
    assert!(!absent.exists(), "--check created {}", absent.display());
}

/// The 64 hex digits after `from spec sha256 ` in the first line of `text`.
fn header_hash(rel: &str, text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("// @generated by k8s-packgen "), "{rel}: header is {first:?}");
    let (_, rest) = first.split_once("from spec sha256 ").unwrap_or_else(|| panic!("{rel}: no hash in {first:?}"));
    let hash: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(hash.len(), 64, "{rel}: hash {hash:?}");
    assert!(hash.chars().all(|c| !c.is_ascii_uppercase()), "{rel}: hash {hash:?} not lowercase");
    hash
}

/// The one spec hash named by the headers of all `.rs` files of a snapshot.
fn spec_hash(snap: &Snapshot) -> String {
    let mut hashes = BTreeMap::new();
    for (rel, bytes) in snap {
        if let (true, Some(bytes)) = (rel.ends_with(".rs"), bytes) {
            let text = std::str::from_utf8(bytes).unwrap();
            hashes.entry(header_hash(rel, text)).or_insert_with(Vec::new).push(rel.clone());
        }
    }
    assert_eq!(hashes.len(), 1, "headers name different hashes: {hashes:?}");
    hashes.into_keys().next().unwrap()
}

#[test]
fn generation_is_deterministic_and_headers_name_the_spec_hash() {
    let fx = Fixture::new();
    let run = fx.run(&[&swagger()], &[]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    fx.assert_untouched();

    let elsewhere = fx.path().join("elsewhere/out");
    let run = generate(fx.path(), &[&swagger()], &elsewhere, &[]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let diffs = snapshot_diff(&fx.before, &snapshot(&elsewhere));
    assert!(diffs.is_empty(), "output depends on where it is written: {diffs:?}");

    assert!(fx.before.keys().any(|k| k.ends_with(".rs")));
    let hash = spec_hash(&fx.before);

    // Same file name, one more byte of whitespace: only the hash may change.
    let mut text = fs::read(swagger()).unwrap();
    text.push(b' ');
    let respaced = fx.write("respaced/swagger.json", text);
    let respaced_out = fx.path().join("respaced-out");
    let run = generate(fx.path(), &[&respaced], &respaced_out, &[]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let after = snapshot(&respaced_out);
    let new_hash = spec_hash(&after);
    assert_ne!(new_hash, hash, "a changed spec must change the header hash");
    let expected: Snapshot = fx
        .before
        .iter()
        .map(|(rel, bytes)| {
            let bytes = bytes.as_ref().map(|b| String::from_utf8_lossy(b).replace(&hash, &new_hash).into_bytes());
            (rel.clone(), bytes)
        })
        .collect();
    let diffs = snapshot_diff(&expected, &after);
    assert!(diffs.is_empty(), "a whitespace change altered more than the hash: {diffs:?}");
}

#[test]
fn openapi3_directory_and_repeated_files_give_identical_output() {
    let fx = Fixture::new();
    let from_dir = fx.path().join("from-dir");
    let run = generate(fx.path(), &[&v3_dir()], &from_dir, &[]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);

    let mut files: Vec<PathBuf> = fs::read_dir(v3_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let from_files = fx.path().join("from-files");
    let run = generate(fx.path(), &refs, &from_files, &[]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);

    let dir_snap = snapshot(&from_dir);
    let diffs = snapshot_diff(&dir_snap, &snapshot(&from_files));
    assert!(diffs.is_empty(), "directory and file list disagree: {diffs:?}");
    spec_hash(&dir_snap);

    let run = generate(fx.path(), &refs, &from_dir, &["--check"]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert_no_staging_leftovers(fx.path());
}

#[test]
fn odd_documents_fail_cleanly_without_panicking() {
    let fx = Fixture::new();
    let deep = "[".repeat(100_000);
    let docs: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("array", b"[]".to_vec()),
        ("null", b"null".to_vec()),
        ("string", b"\"swagger\"".to_vec()),
        ("not-utf8", vec![0xff, 0xfe, b'{', b'}']),
        ("deeply-nested", deep.into_bytes()),
        ("definitions-array", br#"{"swagger":"2.0","definitions":[]}"#.to_vec()),
        ("type-number", br#"{"swagger":"2.0","definitions":{"io.example.v1.Foo":{"type":5}}}"#.to_vec()),
        ("ref-number", br#"{"swagger":"2.0","definitions":{"io.example.v1.Foo":{"$ref":5}}}"#.to_vec()),
        ("array-without-items", br#"{"swagger":"2.0","definitions":{"io.example.v1.Foo":{"type":"array"}}}"#.to_vec()),
        ("operation-string", br#"{"swagger":"2.0","paths":{"/x":{"get":"nope"}}}"#.to_vec()),
        ("paths-array", br#"{"swagger":"2.0","paths":[]}"#.to_vec()),
        ("parameters-object", br#"{"swagger":"2.0","paths":{"/x":{"parameters":{}}}}"#.to_vec()),
        (
            "body-without-schema",
            br#"{"swagger":"2.0","paths":{"/x":{"post":{"operationId":"x","parameters":[{"name":"b","in":"body"}]}}}}"#
                .to_vec(),
        ),
        ("v3-without-info", br#"{"openapi":"3.0.0"}"#.to_vec()),
        (
            "v3-operation-string",
            br#"{"openapi":"3.0.0","info":{"title":"t","version":"v"},"paths":{"/x":{"get":"nope"}}}"#.to_vec(),
        ),
        (
            "v3-type-number",
            br#"{"openapi":"3.0.0","info":{"title":"t","version":"v"},"paths":{},"components":{"schemas":{"Foo":{"type":5}}}}"#
                .to_vec(),
        ),
    ];
    let mut failures = Vec::new();
    for (name, bytes) in docs {
        let path = fx.write(&format!("{name}.json"), bytes);
        let run = fx.run(&[&path], &[]);
        let ok = run.code == Some(2)
            && !run.stderr.contains("panicked")
            && run.stderr.starts_with("error: ")
            && run.stderr.contains(&display(&path));
        if !ok {
            failures.push(format!("{name}: exit {:?}, stderr {:?}", run.code, run.stderr));
        }
    }
    assert!(failures.is_empty(), "odd documents not refused cleanly:\n{}", failures.join("\n"));
    fx.assert_untouched();
}

/// `inspect` lists group-versions and their resources with scope, verbs, subresources and
/// operation counts, as a table and as JSON, and writes nothing.
#[test]
fn inspect_shows_resources_as_a_table_and_as_json() {
    let spec = repo().join("specs/mapping/resources.json");
    let out = Command::new(BIN).args(["inspect", "--spec"]).arg(&spec).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows[0], ["GROUP-VERSION", "KIND", "PLURAL", "SCOPE", "VERBS", "SUBRESOURCES", "OPS", "SOURCE"]);
    // Its list takes `watch`, but the spec has no watch operation for it: not a watch verb.
    assert!(rows.contains(&vec![
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        "clusterroles",
        "Cluster",
        "create,get,list,patch",
        "4",
        "extensions"
    ]));
    assert!(rows.contains(&vec![
        "v1",
        "Pod",
        "pods",
        "Namespaced",
        "create,delete,deletecollection,get,list,update,watch",
        "eviction,exec,status",
        "11",
        "extensions"
    ]));
    assert!(table.ends_with("2 group-versions, 2 resources, 15 resource operations\n"), "{table}");

    let out = Command::new(BIN).args(["inspect", "--json", "--spec"]).arg(&spec).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[1]["group_version"], "v1");
    assert_eq!(json[1]["resources"][0]["subresources"], serde_json::json!(["eviction", "exec", "status"]));
    assert_eq!(json[1]["resources"][0]["namespaced"], true);
    assert_eq!(json[1]["resources"][0]["source"], "extensions");
}

/// A swagger without Kubernetes' extensions: `inspect` says its resources were inferred.
#[test]
fn inspect_says_which_resources_were_inferred() {
    let spec = repo().join("specs/real-inputs/no-extensions.json");
    let out = Command::new(BIN).args(["inspect", "--spec"]).arg(&spec).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split_whitespace().collect()).collect();
    assert!(rows.contains(&vec![
        "kubevirt.io/v1",
        "VirtualMachine",
        "virtualmachines",
        "Namespaced",
        "create,delete,deletecollection,get,list,patch,update,watch",
        "status",
        "11",
        "inferred"
    ]));
    assert!(rows.contains(&vec![
        "migrations.kubevirt.io/v1alpha1",
        "MigrationPolicy",
        "migrationpolicies",
        "Cluster",
        "create,delete,get,list",
        "4",
        "inferred"
    ]));
}

#[test]
fn inspect_reports_bad_input_like_generate() {
    let fx = Fixture::new();
    let bad = fx.write("bad.json", "{");
    let out = Command::new(BIN).args(["inspect", "--spec"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with(&format!("error: {}: invalid JSON", display(&bad))));
}

fn v1_36() -> PathBuf {
    repo().join("../shared/specs/kubernetes/v1.36.0.json")
}

/// `inspect --json` rows as `group-version plural`.
fn inspected(args: &[&str]) -> Result<Vec<String>, String> {
    let out = Command::new(BIN).arg("inspect").arg("--json").arg("--spec").arg(v1_36()).args(args).output().unwrap();
    if out.status.code() != Some(0) {
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        return Err(stderr);
    }
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut rows = Vec::new();
    for gv in summary.as_array().unwrap() {
        for r in gv["resources"].as_array().unwrap() {
            rows.push(format!("{} {}", gv["group_version"].as_str().unwrap(), r["plural"].as_str().unwrap()));
        }
    }
    Ok(rows)
}

const MISSION: &str =
    "secrets,deployments,roles,rolebindings,clusterroles,clusterrolebindings,horizontalpodautoscalers,networkpolicies";

#[test]
fn resources_select_plurals_kinds_and_qualified_names() {
    let rows = inspected(&["--resources", MISSION]).unwrap();
    assert_eq!(
        rows,
        [
            "apps/v1 deployments",
            // One group, two versions: both, unless qualified.
            "autoscaling/v1 horizontalpodautoscalers",
            "autoscaling/v2 horizontalpodautoscalers",
            "networking.k8s.io/v1 networkpolicies",
            "rbac.authorization.k8s.io/v1 clusterrolebindings",
            "rbac.authorization.k8s.io/v1 clusterroles",
            "rbac.authorization.k8s.io/v1 rolebindings",
            "rbac.authorization.k8s.io/v1 roles",
            "v1 secrets",
        ]
    );
    let spellings = ["Deployment", "DEPLOYMENTS", "deployments.apps", "apps/v1/deployments", "Deployment.apps/v1"];
    for name in spellings {
        assert_eq!(inspected(&["--resources", name]).unwrap(), ["apps/v1 deployments"], "{name}");
    }
    assert_eq!(
        inspected(&["--resources", "autoscaling/v2/horizontalpodautoscalers"]).unwrap(),
        ["autoscaling/v2 horizontalpodautoscalers"]
    );
    assert_eq!(inspected(&["--resources", "events.events.k8s.io"]).unwrap(), ["events.k8s.io/v1 events"]);
    for core in ["events.core", "v1/events", "core/v1/events", "Event/v1"] {
        assert_eq!(inspected(&["--resources", core]).unwrap(), ["v1 events"], "{core}");
    }
    // --groups narrows, and qualifies an otherwise ambiguous name.
    assert_eq!(inspected(&["--groups", "core", "--resources", "events"]).unwrap(), ["v1 events"]);
    let apps = inspected(&["--groups", "apps"]).unwrap();
    assert_eq!(
        apps,
        [
            "apps/v1 controllerrevisions",
            "apps/v1 daemonsets",
            "apps/v1 deployments",
            "apps/v1 replicasets",
            "apps/v1 statefulsets"
        ]
    );
}

#[test]
fn bad_selections_list_candidates_and_close_matches() {
    let err = inspected(&["--resources", "secrets,events"]).unwrap_err();
    assert!(
        err.starts_with("error: --resources: \"events\" is ambiguous: events (v1), events.events.k8s.io (events.k8s.io/v1); qualify it"),
        "{err}"
    );
    let err = inspected(&["--resources", "deploymnets"]).unwrap_err();
    assert_eq!(err.trim(), "error: --resources: no resource \"deploymnets\"; did you mean deployments, daemonsets?");
    let err = inspected(&["--resources", "NetworkPolicie"]).unwrap_err();
    assert!(err.contains("did you mean networkpolicies?"), "{err}");
    let err = inspected(&["--groups", "rbac"]).unwrap_err();
    assert_eq!(
        err.trim(),
        "error: --groups: no API group \"rbac\" in the spec; did you mean rbac.authorization.k8s.io?"
    );
    let err = inspected(&["--groups", "apps", "--resources", "secrets"]).unwrap_err();
    assert!(err.contains("no resource \"secrets\" in the selected --groups"), "{err}");
    let err = inspected(&["--resources", "a/b/c/d"]).unwrap_err();
    assert!(err.contains("is not a resource name"), "{err}");
}

/// A subset crate holds the selected resources' types and actions and what they reference,
/// and nothing of the rest.
#[test]
fn generate_with_resources_emits_the_closure_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pack");
    let run = generate(tmp.path(), &[&v1_36()], &out, &["--resources", "deployments"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let snap = snapshot(&out);
    let has = |p: &str| snap.contains_key(p);
    assert!(has("src/api/apps/v1.rs") && has("src/actions/apps/v1/deployments.rs"));
    // Referenced: the pod template's types, meta types, and Scale for the scale subresource.
    let core = String::from_utf8(snap["src/api/core/v1.rs"].clone().unwrap()).unwrap();
    assert!(core.contains("pub struct PodTemplateSpec {") && core.contains("pub struct Container {"));
    assert!(!core.contains("pub struct Secret {"), "unreferenced types are left out");
    assert!(has("src/api/autoscaling/v1.rs"), "Scale is used by the scale subresource");
    let apps = String::from_utf8(snap["src/api/apps/v1.rs"].clone().unwrap()).unwrap();
    assert!(apps.contains("pub struct DeploymentList {") && !apps.contains("pub struct StatefulSet {"));
    assert!(!has("src/actions/core/v1/secrets.rs") && !has("src/api/batch/v1.rs"));
}

#[test]
fn quiet_prints_nothing_and_verbose_prints_timings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = generate(tmp.path(), &[&swagger()], &out, &["--quiet"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "", "--quiet printed something");
    assert_eq!(run.stdout, "");
    let run = generate(tmp.path(), &[&swagger()], &out, &["--check", "-q"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));

    for flag in ["-v", "--verbose", "--timings"] {
        let run = generate(tmp.path(), &[&swagger()], &out, &[flag]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{}", run.stderr);
        assert!(lines[0].starts_with("read ") && lines[0].contains(", format ") && lines[0].contains(", total "));
        assert!(lines[1].starts_with("wrote "), "{}", run.stderr);
    }
}

/// Progress is for terminals: redirected stderr holds no escape codes or carriage returns.
#[test]
fn no_progress_escape_codes_when_stderr_is_not_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = generate(tmp.path(), &[&swagger()], &out, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains('\x1b') && !run.stderr.contains('\r'), "{:?}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("wrote "), "{}", run.stderr);
}

#[test]
fn package_metadata_options_reach_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pack");
    let spec = repo().join("specs/mapping/resources.json");
    let run = generate(
        dir.path(),
        &[&spec],
        &out,
        &[
            "--crate-name",
            "acme-k8s",
            "--license",
            "MIT OR Apache-2.0",
            "--repository",
            "https://git.example.com/acme/k8s",
            "--description",
            "Acme's \"cluster\" API",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let toml = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let manifest: toml_edit::DocumentMut = toml.parse().unwrap();
    for (key, value) in [
        ("name", "acme-k8s"),
        ("license", "MIT OR Apache-2.0"),
        ("repository", "https://git.example.com/acme/k8s"),
        ("description", "Acme's \"cluster\" API"),
        ("documentation", "https://docs.rs/acme-k8s"),
    ] {
        assert_eq!(manifest["package"][key].as_str(), Some(value), "{key}:\n{toml}");
    }
}
