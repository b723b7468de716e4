//! `--crd FILE`: CustomResourceDefinitions come out as if a cluster served them (types named
//! like the API server names them, nested objects as their own types, the operations and
//! actions of a real resource), in every file layout kubectl accepts; bad CRDs are refused
//! with the file and the place, exit 2, and nothing written.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_k8s-packgen");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn mysqldb() -> PathBuf {
    repo().join("specs/crd/mysqldb.yaml")
}

fn v1_36() -> PathBuf {
    repo().join("../shared/specs/kubernetes/v1.36.0.json")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(BIN).current_dir(cwd).args(args).output().expect("run k8s-packgen");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn generated_crate_has_the_custom_resource_types_and_actions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pack");
    let r = run(tmp.path(), &["generate", "--spec", s(&v1_36()), "--crd", s(&mysqldb()), "--out", s(&out)]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    let v1 = fs::read_to_string(out.join("src/com/example/v1.rs")).unwrap();
    for item in [
        "pub struct MysqlDb {",
        "pub struct MysqlDbList {",
        "pub struct MysqlDbSpec {",
        "pub struct MysqlDbSpecBackup {",
        "pub struct MysqlDbSpecBackupTargets {",
        "pub struct MysqlDbSpecExporter {",
        "pub struct MysqlDbStatusConditions {",
        // Required in the schema: not an Option.
        "pub spec: MysqlDbSpec,",
        "pub storage_size: crate::IntOrString,",
        "pub type_: ::core::option::Option<::std::string::String>,",
        // x-kubernetes-preserve-unknown-fields and an embedded resource that keeps unknown fields.
        "pub config: ::core::option::Option<::serde_json::Value>,",
        "pub pod_template: ::core::option::Option<::serde_json::Value>,",
        "pub retention: ::core::option::Option<crate::IntOrString>,",
        "pub last_transition_time: ::core::option::Option<crate::Time>,",
    ] {
        assert!(v1.contains(item), "com/example/v1.rs lacks {item:?}");
    }
    // An embedded resource without preserve-unknown-fields gets ObjectMeta, as the server adds it.
    let exporter = &v1[v1.find("pub struct MysqlDbSpecExporter {").unwrap()..];
    let exporter = &exporter[..exporter.find("\n}\n").unwrap()];
    assert!(exporter.contains("ObjectMeta"), "{exporter}");
    // Type metadata and resource constants as for built-in kinds.
    assert!(v1.contains("\"example.com/v1\""), "no apiVersion constant");
    assert!(v1.contains("\"mysqldbs\""), "no plural constant");
    assert!(fs::read_to_string(out.join("src/com/example/v1beta1.rs")).unwrap().contains("pub struct MysqlDb {"));

    let actions = fs::read_to_string(out.join("src/actions/example_com/v1/mysql_dbs.rs")).unwrap();
    for f in [
        "list_example_com_v1_namespaced_mysql_db",
        "list_example_com_v1_mysql_db_for_all_namespaces",
        "create_example_com_v1_namespaced_mysql_db",
        "read_example_com_v1_namespaced_mysql_db",
        "replace_example_com_v1_namespaced_mysql_db",
        "patch_example_com_v1_namespaced_mysql_db",
        "delete_example_com_v1_namespaced_mysql_db",
        "delete_example_com_v1_collection_namespaced_mysql_db",
        "read_example_com_v1_namespaced_mysql_db_status",
        "replace_example_com_v1_namespaced_mysql_db_status",
        "patch_example_com_v1_namespaced_mysql_db_status",
        "read_example_com_v1_namespaced_mysql_db_scale",
    ] {
        assert!(actions.contains(&format!("pub fn {f}(")), "actions lack {f}");
    }
    assert!(actions.contains("/apis/example.com/v1/namespaces/"), "paths");
    // The same shared query structs as built-in resources (the parameters come from the spec).
    assert!(actions.contains("ListWatchQuery") && actions.contains("PatchQuery"), "query structs");
    let beta = fs::read_to_string(out.join("src/actions/example_com/v1beta1/mysql_dbs.rs")).unwrap();
    assert!(beta.contains("pub fn read_example_com_v1beta1_namespaced_mysql_db_status("));
    assert!(!beta.contains("_scale("), "v1beta1 has no scale subresource");

    let registry = fs::read_to_string(out.join("src/actions/mod.rs")).unwrap();
    assert!(registry.contains("mysql_dbs::LIST_EXAMPLE_COM_V1_NAMESPACED_MYSQL_DB,"), "registry lacks the action");
    assert!(actions.contains("name: \"listExampleComV1NamespacedMysqlDb\""), "action name");
    // Watchable like any resource: a sensor per served version, in the registry.
    let sensors = fs::read_to_string(out.join("src/sensors/mod.rs")).unwrap();
    assert!(sensors.contains("example_com::v1::mysql_dbs::SENSOR"), "no sensor for MysqlDb");
    let sensor = fs::read_to_string(out.join("src/sensors/example_com/v1.rs")).unwrap();
    assert!(sensor.contains("SensorSpec::of::<") && sensor.contains("\"example.com/v1/mysqldbs\","), "sensor name");
    assert!(
        sensor.contains("\"/apis/example.com/v1/namespaces/{namespace}/mysqldbs\""),
        "watched through the list path"
    );
    // The CRD is an input: named in the crate's files next to the spec.
    let lib = fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("mysqldb.yaml"), "the header does not name the CRD file");
}

#[test]
fn inspect_lists_the_custom_resource_without_a_spec() {
    let tmp = tempfile::tempdir().unwrap();
    // No --spec: the default Kubernetes spec supplies ObjectMeta and the operations' shape.
    let r = run(tmp.path(), &["inspect", "--crd", s(&mysqldb()), "--groups", "example.com"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("example.com/")).collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert!(rows[0].contains("MysqlDb") && rows[0].contains("mysqldbs") && rows[0].contains("Namespaced"));
    assert!(rows[0].contains("create,delete,deletecollection,get,list,patch,update,watch"), "{}", rows[0]);
    assert!(rows[0].contains("scale,status") && rows[0].ends_with(" 17   extensions"), "{}", rows[0]);
    assert!(rows[1].starts_with("example.com/v1beta1") && rows[1].contains(" status "), "{}", rows[1]);
}

/// JSON, a List, several YAML documents: all the same custom resources.
#[test]
fn every_file_layout_reads_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let crd = |kind: &str, plural: &str| {
        serde_json::json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": format!("{plural}.widgets.example.org")},
            "spec": {
                "group": "widgets.example.org",
                "scope": "Cluster",
                "names": {"kind": kind, "plural": plural},
                "versions": [{"name": "v1alpha1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object",
                        "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]
            }
        })
    };
    let json = tmp.path().join("widget.json");
    fs::write(&json, serde_json::to_string_pretty(&crd("Widget", "widgets")).unwrap()).unwrap();
    let list = tmp.path().join("list.json");
    fs::write(
        &list,
        serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [crd("Widget", "widgets"), crd("Gadget", "gadgets")]})
            .to_string(),
    )
    .unwrap();
    let multi = tmp.path().join("multi.yaml");
    fs::write(&multi, format!("---\n{}\n---\n{}\n---\n", crd("Widget", "widgets"), crd("Gadget", "gadgets"))).unwrap();

    let rows = |file: &Path| {
        let r = run(tmp.path(), &["inspect", "--crd", s(file), "--groups", "widgets.example.org"]);
        assert_eq!(r.code, Some(0), "{}: {}", file.display(), r.stderr);
        r.stdout.lines().filter(|l| l.starts_with("widgets.example.org/")).map(str::to_string).collect::<Vec<_>>()
    };
    let single = rows(&json);
    assert_eq!(single.len(), 1);
    assert!(single[0].contains("Widget") && single[0].contains("Cluster"), "{single:?}");
    let from_list = rows(&list);
    assert_eq!(from_list.len(), 2, "{from_list:?}");
    assert_eq!(rows(&multi), from_list);
    // And both files together, plus the YAML fixture.
    let r = run(tmp.path(), &["inspect", "--crd", s(&json), "--crd", s(&mysqldb()), "--json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("\"widgets.example.org/v1alpha1\"") && r.stdout.contains("\"example.com/v1\""));
}

/// Runs `generate` into an existing output with a bad CRD: exit 2, one `error:` line with
/// every fragment, the output untouched.
fn expect_error(file_name: &str, text: &str, fragments: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("marker"), "previous").unwrap();
    let crd = tmp.path().join(file_name);
    fs::write(&crd, text).unwrap();
    let r = run(tmp.path(), &["generate", "--crd", s(&crd), "--out", s(&out)]);
    assert_eq!(r.code, Some(2), "{file_name}: {}", r.stderr);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    for f in fragments {
        let f = f.replace("FILE", s(&crd));
        assert!(r.stderr.contains(&f), "stderr lacks {f:?}: {}", r.stderr);
    }
    let entries: Vec<_> = fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("marker")], "the output was touched");
}

const HEAD: &str =
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: foos.example.com\n";

fn with_versions(versions: &str) -> String {
    format!(
        "{HEAD}spec:\n  group: example.com\n  scope: Namespaced\n  names:\n    kind: Foo\n    plural: foos\n  versions:\n{versions}"
    )
}

#[test]
fn bad_crds_name_the_file_and_the_place() {
    expect_error("bad.yaml", "apiVersion: v1\nkind: [unclosed\n", &["error: FILE: invalid YAML at line "]);
    expect_error("bad.json", "{\"kind\": }", &["error: FILE: invalid JSON at line 1, column 10"]);
    expect_error(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\n",
        &["error: FILE at /kind: invalid CustomResourceDefinition: expected kind CustomResourceDefinition"],
    );
    expect_error(
        "beta.yaml",
        "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\n",
        &["FILE at /apiVersion: invalid CustomResourceDefinition: expected apiVersion apiextensions.k8s.io/v1"],
    );
    expect_error(
        "nogroup.yaml",
        &format!("{HEAD}spec:\n  scope: Namespaced\n  names: {{kind: Foo, plural: foos}}\n  versions: []\n"),
        &["FILE at /spec/group: invalid CustomResourceDefinition: is missing"],
    );
    expect_error(
        "scope.yaml",
        &format!(
            "{HEAD}spec:\n  group: example.com\n  scope: Everywhere\n  names: {{kind: Foo, plural: foos}}\n  versions: []\n"
        ),
        &["FILE at /spec/scope: invalid CustomResourceDefinition: must be Namespaced or Cluster"],
    );
    let schema = |body: &str| {
        with_versions(&format!(
            "  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n{body}"
        ))
    };
    expect_error(
        "type.yaml",
        &schema("        type: object\n        properties:\n          spec:\n            type: obj\n"),
        &["FILE at /spec/versions/0/schema/openAPIV3Schema/properties/spec/type: invalid CustomResourceDefinition: unknown type \"obj\""],
    );
    expect_error(
        "ref.yaml",
        &schema("        type: object\n        properties:\n          spec:\n            $ref: '#/definitions/x'\n"),
        &["FILE at /spec/versions/0/schema/openAPIV3Schema/properties/spec/$ref: invalid CustomResourceDefinition: `$ref` is not allowed"],
    );
    expect_error(
        "array.yaml",
        &schema("        type: object\n        properties:\n          items:\n            type: array\n"),
        &["FILE at /spec/versions/0/schema/openAPIV3Schema/properties/items: invalid CustomResourceDefinition: an array schema needs `items`"],
    );
    expect_error(
        "noschema.yaml",
        &with_versions("  - name: v1\n    served: true\n    storage: true\n"),
        &["FILE at /spec/versions/0/schema/openAPIV3Schema: invalid CustomResourceDefinition: a served version needs"],
    );
    // The second document of a file is named by its number.
    let good = fs::read_to_string(mysqldb()).unwrap();
    expect_error(
        "multi.yaml",
        &format!("{good}\n---\n{HEAD}spec:\n  group: nodot\n  scope: Cluster\n  names: {{kind: Foo, plural: foos}}\n  versions: []\n"),
        &["FILE (document 2) at /spec/group: invalid CustomResourceDefinition: \"nodot\" must have a dot"],
    );
    // An item of a List by its index.
    expect_error(
        "list.json",
        r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "apiextensions.k8s.io/v1", "kind": "Secret"}]}"#,
        &["FILE at /items/0/kind: invalid CustomResourceDefinition"],
    );
    expect_error(
        "empty.yaml",
        "# nothing\n",
        &["FILE at /: invalid CustomResourceDefinition: the file holds no CustomResourceDefinition"],
    );
}

/// The names rules of the API server (apiextensions' validation), each broken by one file of
/// specs/adversarial/crds, refused at the offending field.
#[test]
fn crds_a_cluster_would_refuse_are_refused_at_the_field() {
    let cases = [
        ("list-kind-is-kind", "/spec/names/listKind", "\"Widget\" must differ from the kind"),
        ("list-kind-not-an-identifier", "/spec/names/listKind", "\"Widget List\" may have mixed case, but otherwise"),
        (
            "name-is-not-plural-dot-group",
            "/metadata/name",
            "\"widget.example.com\" must be spec.names.plural + \".\" + spec.group: \"widgets.example.com\"",
        ),
        ("plural-uppercase", "/spec/names/plural", "\"Widgets\" must consist of lowercase letters"),
        ("singular-not-a-label", "/spec/names/singular", "\"Widget!\" must consist of lowercase letters"),
        ("short-name-not-a-label", "/spec/names/shortNames/0", "\"w w\" must consist of lowercase letters"),
        ("group-uppercase", "/spec/group", "\"Example.com\" must consist of lowercase letters, digits, '-' and '.'"),
    ];
    for (file, pointer, message) in cases {
        let text = fs::read_to_string(repo().join(format!("specs/adversarial/crds/{file}.yaml"))).unwrap();
        expect_error(
            &format!("{file}.yaml"),
            &text,
            &[&format!("error: FILE at {pointer}: invalid CustomResourceDefinition: {message}")],
        );
    }
    let kind = |kind: &str| {
        format!("{HEAD}spec:\n  group: example.com\n  scope: Cluster\n  names: {{kind: {kind}, plural: foos}}\n  versions: []\n")
    };
    expect_error(
        "dash.yaml",
        &kind("My-Foo"),
        &["FILE at /spec/names/kind: invalid CustomResourceDefinition: \"My-Foo\" must be letters and digits only"],
    );
    expect_error("digit.yaml", &kind("'2Foo'"), &["FILE at /spec/names/kind: invalid CustomResourceDefinition: \"2Foo\" may have mixed case, but otherwise must start with a lowercase letter"]);
    expect_error(
        "long.yaml",
        &kind(&"F".repeat(5000)),
        &["\"FFFFFFFFFF", "... (5000 bytes) may have mixed case, but otherwise must be at most 63 characters"],
    );
}

/// Groups that spell alike in operationIds (`my-app.io`, `my.app.io`) are both legal in one
/// cluster: the group sorting first keeps Kubernetes' spelling, the other is numbered, whatever
/// the order of the files. (tests/other_specs.rs compiles both files' crates.)
#[test]
fn groups_spelled_alike_get_distinct_operation_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let file = repo().join("specs/adversarial/crds/same-kind-dashed-and-dotted-groups.yaml");
    let ids = |file: &Path| {
        let out = tmp.path().join(file.file_stem().unwrap());
        let r = run(tmp.path(), &["generate", "--crd", s(file), "--groups", "my-app.io,my.app.io", "--out", s(&out)]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let mut ids = Vec::new();
        for module in ["my_app_io", "my_app_io_2"] {
            let text = fs::read_to_string(out.join(format!("src/actions/{module}/v1/widgets.rs"))).unwrap();
            ids.extend(text.split('"').filter(|w| w.starts_with("listMyAppIo")).map(str::to_string));
        }
        ids.sort();
        ids.dedup();
        ids
    };
    let forward = ids(&file);
    assert_eq!(
        forward,
        [
            "listMyAppIo2V1NamespacedWidget",
            "listMyAppIo2V1WidgetForAllNamespaces",
            "listMyAppIoV1NamespacedWidget",
            "listMyAppIoV1WidgetForAllNamespaces"
        ]
    );
    // The same names with the documents in the other order.
    let text = fs::read_to_string(&file).unwrap();
    let mut docs: Vec<&str> = text.split("\n---\n").collect();
    docs.reverse();
    let reversed = tmp.path().join("reversed.yaml");
    fs::write(&reversed, docs.join("\n---\n")).unwrap();
    assert_eq!(ids(&reversed), forward);
}

/// Deeply nested flow-style YAML fails fast with its place, instead of a parse whose cost grows
/// with the square of the depth.
#[test]
fn deep_flow_yaml_fails_fast() {
    let depth = 40_000;
    let text = format!("{HEAD}spec: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let started = std::time::Instant::now();
    expect_error(
        "deep.yaml",
        &text,
        &["error: FILE: invalid YAML at line 5, column 135: flow collections nested deeper than 128 levels"],
    );
    // Not a timing threshold: a record in the test's output of how fast "fast" was.
    eprintln!("40k-level YAML refused in {:?}", started.elapsed());
}
