//! The README's worked example ("Operations and actions"), run against a real HTTPS server on
//! 127.0.0.1: the five changes a platform team makes to a namespace, done once with the typed
//! API (`platform_changes`) and once with the `k8s-pack` command line (`CLI`). Both must send
//! the same requests, and the README's Rust and shell blocks must be the code run here.

mod support;

// README begins: the Rust block of "Operations and actions" is this text, verbatim.
use k8s_pack::actions::apps::v1::deployments;
use k8s_pack::actions::autoscaling::v2::horizontal_pod_autoscalers;
use k8s_pack::actions::core::v1::secrets;
use k8s_pack::actions::networking::v1::network_policies;
use k8s_pack::actions::rbac::v1::role_bindings;
use k8s_pack::actions::{CreateUpdateQuery, PatchQuery};
use k8s_pack::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use k8s_pack::api::core::v1::Secret;
use k8s_pack::api::networking::v1::{
    NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_pack::api::rbac::v1::{RoleBinding, RoleRef, Subject};
use k8s_pack::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_pack::runtime::client::Client;
use k8s_pack::runtime::request::Patch;
use k8s_pack::IntOrString;
use serde_json::json;
use std::collections::BTreeMap;

async fn platform_changes(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let meta = |name: &str| Some(ObjectMeta { name: Some(name.into()), ..Default::default() });
    let labels = |key: &str, value: &str| LabelSelector {
        match_labels: Some(BTreeMap::from([(key.to_string(), value.to_string())])),
        ..Default::default()
    };

    // 1. A Secret from plain strings (the API server stores them base64-encoded in `data`).
    let secret = Secret {
        metadata: meta("db-credentials"),
        type_: Some("Opaque".into()),
        string_data: Some(BTreeMap::from([
            ("username".to_string(), "app".to_string()),
            ("password".to_string(), "s3cr3t".to_string()),
        ])),
        ..Default::default()
    };
    secrets::create_core_v1_namespaced_secret("team-a", &secret, &CreateUpdateQuery::default())?.send(client).await?;

    // 2. Scale the Deployment `web` to 3 replicas with a merge patch.
    let replicas = Patch::Merge(json!({"spec": {"replicas": 3}}));
    deployments::patch_apps_v1_namespaced_deployment("team-a", "web", &replicas, &PatchQuery::default())?
        .send(client)
        .await?;

    // 3. Let the ServiceAccount `ci` read the namespace: bind it to the ClusterRole `view`.
    let binding = RoleBinding {
        metadata: meta("ci-view"),
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: "ci".into(),
            namespace: Some("team-a".into()),
            ..Default::default()
        }]),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "ClusterRole".into(),
            name: "view".into(),
        },
        ..Default::default()
    };
    role_bindings::create_rbac_authorization_v1_namespaced_role_binding(
        "team-a",
        &binding,
        &CreateUpdateQuery::default(),
    )?
    .send(client)
    .await?;

    // 4. Autoscale `web` between 2 and 10 replicas, aiming at 70% CPU utilization.
    let hpa = HorizontalPodAutoscaler {
        metadata: meta("web"),
        spec: HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: "Deployment".into(),
                name: "web".into(),
            },
            min_replicas: Some(2),
            max_replicas: 10,
            metrics: Some(vec![MetricSpec {
                type_: "Resource".into(),
                resource: Some(ResourceMetricSource {
                    name: "cpu".into(),
                    target: MetricTarget {
                        type_: "Utilization".into(),
                        average_utilization: Some(70),
                        ..Default::default()
                    },
                }),
                ..Default::default()
            }]),
            ..Default::default()
        },
        ..Default::default()
    };
    horizontal_pod_autoscalers::create_autoscaling_v2_namespaced_horizontal_pod_autoscaler(
        "team-a",
        &hpa,
        &CreateUpdateQuery::default(),
    )?
    .send(client)
    .await?;

    // 5. Server-side apply of a NetworkPolicy, as the field manager `platform-team`, taking over
    //    fields other managers own (force): only pods labelled app=frontend reach web on TCP 8080.
    let policy = NetworkPolicy {
        metadata: meta("web-allow-frontend"),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(labels("app", "web")),
            policy_types: Some(vec!["Ingress".into()]),
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: Some(vec![NetworkPolicyPeer {
                    pod_selector: Some(labels("app", "frontend")),
                    ..Default::default()
                }]),
                ports: Some(vec![NetworkPolicyPort {
                    protocol: Some("TCP".into()),
                    port: Some(IntOrString::Int(8080)),
                    ..Default::default()
                }]),
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let apply = PatchQuery { field_manager: Some("platform-team".into()), force: Some(true), ..Default::default() };
    network_policies::patch_networking_v1_namespaced_network_policy(
        "team-a",
        "web-allow-frontend",
        &Patch::apply(&policy)?,
        &apply,
    )?
    .send(client)
    .await?;
    Ok(())
}
// README ends.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use support::*;

/// One command of the README's shell block.
struct CliStep {
    /// The comment above it.
    comment: &'static str,
    /// A parameters file it reads (`--params @FILE`), written first: its name and text.
    file: Option<(&'static str, &'static str)>,
    /// The arguments after `k8s-pack` as the README shows them, one string per line.
    lines: &'static [&'static str],
}

const SECRET_PARAMS: &str = r#"{
  "body": {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {"name": "db-credentials"},
    "type": "Opaque",
    "stringData": {"username": "app", "password": "s3cr3t"}
  }
}"#;

const ROLE_BINDING_PARAMS: &str = r#"{
  "body": {
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "kind": "RoleBinding",
    "metadata": {"name": "ci-view"},
    "subjects": [{"kind": "ServiceAccount", "name": "ci", "namespace": "team-a"}],
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}
  }
}"#;

const HPA_PARAMS: &str = r#"{
  "body": {
    "apiVersion": "autoscaling/v2",
    "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "web"},
    "spec": {
      "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
      "minReplicas": 2,
      "maxReplicas": 10,
      "metrics": [{
        "type": "Resource",
        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}
      }]
    }
  }
}"#;

const NETWORK_POLICY_PARAMS: &str = r#"{
  "body": {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {"name": "web-allow-frontend"},
    "spec": {
      "podSelector": {"matchLabels": {"app": "web"}},
      "policyTypes": ["Ingress"],
      "ingress": [{
        "from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}],
        "ports": [{"protocol": "TCP", "port": 8080}]
      }]
    }
  }
}"#;

/// The same five changes with the command line, in the README's order.
const CLI: [CliStep; 5] = [
    CliStep {
        comment: "1. A Secret from plain strings",
        file: Some(("secret.json", SECRET_PARAMS)),
        lines: &["run createCoreV1NamespacedSecret -n team-a --params @secret.json"],
    },
    CliStep {
        comment: "2. Scale the Deployment `web` to 3 replicas with a merge patch",
        file: None,
        lines: &[
            "run patchAppsV1NamespacedDeployment -n team-a -p name=web -p patchType=merge",
            r#"-p 'body={"spec":{"replicas":3}}'"#,
        ],
    },
    CliStep {
        comment: "3. Bind the ServiceAccount `ci` to the ClusterRole `view`",
        file: Some(("role-binding.json", ROLE_BINDING_PARAMS)),
        lines: &["run createRbacAuthorizationV1NamespacedRoleBinding -n team-a --params @role-binding.json"],
    },
    CliStep {
        comment: "4. Autoscale `web` between 2 and 10 replicas at 70% CPU",
        file: Some(("hpa.json", HPA_PARAMS)),
        lines: &["run createAutoscalingV2NamespacedHorizontalPodAutoscaler -n team-a --params @hpa.json"],
    },
    CliStep {
        comment: "5. Server-side apply of a NetworkPolicy as `platform-team`, taking over conflicting fields",
        file: Some(("network-policy.json", NETWORK_POLICY_PARAMS)),
        lines: &[
            "run patchNetworkingV1NamespacedNetworkPolicy -n team-a --params @network-policy.json",
            "-p name=web-allow-frontend -p patchType=apply -p fieldManager=platform-team -p force=true",
        ],
    },
];

impl CliStep {
    /// The arguments, split as a shell would split these lines (words, and 'quoted' words).
    fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for line in self.lines {
            let (mut word, mut quoted, mut started) = (String::new(), false, false);
            for c in line.chars() {
                match c {
                    '\'' => (quoted, started) = (!quoted, true),
                    ' ' if !quoted => {
                        if started {
                            args.push(std::mem::take(&mut word));
                        }
                        started = false;
                    }
                    c => {
                        word.push(c);
                        started = true;
                    }
                }
            }
            assert!(!quoted, "unbalanced quote in {line}");
            if started {
                args.push(word);
            }
        }
        args
    }
}

/// The README's shell block: each step's parameters file as a here-document, then its command.
fn cli_script() -> String {
    let steps: Vec<String> = CLI
        .iter()
        .map(|step| {
            let mut text = format!("# {}\n", step.comment);
            if let Some((name, params)) = step.file {
                text += &format!("cat > {name} <<'EOF'\n{params}\nEOF\n");
            }
            text + &format!("k8s-pack {}\n", step.lines.join(" \\\n    "))
        })
        .collect();
    steps.join("\n")
}

/// Runs the binary off the async runtime (so the server keeps answering) as the README's
/// commands run: in `dir`, which holds the parameters files, with `KUBECONFIG` set.
async fn k8s_pack(dir: &Path, kubeconfig: &Path, args: Vec<String>) -> Output {
    let (dir, kubeconfig) = (dir.to_path_buf(), kubeconfig.to_path_buf());
    tokio::task::spawn_blocking(move || {
        Command::new(binary()).args(args).current_dir(dir).env("KUBECONFIG", kubeconfig).output().unwrap()
    })
    .await
    .unwrap()
}

/// Answers like the API server: creates echo the object, the merge patch returns the scaled
/// Deployment, the apply returns the applied object.
async fn platform_server() -> Server {
    let responder: Responder = Arc::new(|seen: &Seen| {
        let body: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
        match (seen.method.as_str(), seen.path.as_str()) {
            ("POST", _) => Reply::json(201, body),
            ("PATCH", "/apis/apps/v1/namespaces/team-a/deployments/web") => Reply::json(
                200,
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": "web", "namespace": "team-a"},
                       "spec": {"replicas": body["spec"]["replicas"]}}),
            ),
            ("PATCH", "/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/web-allow-frontend") => {
                Reply::json(200, body)
            }
            _ => Reply::json(404, status_body(404, "NotFound", "not found")),
        }
    });
    serve(ServerOptions { responder: Some(responder), ..Default::default() }).await
}

fn body(seen: &Seen) -> Value {
    serde_json::from_slice(&seen.body).expect("a JSON body")
}

#[tokio::test]
async fn typed_api_and_cli_make_the_same_five_changes() {
    let server = platform_server().await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &[]));
    let kubeconfig = dir.path().join("config");

    platform_changes(&client).await.unwrap();
    assert_eq!(server.seen().len(), 5);

    for (i, step) in CLI.iter().enumerate() {
        if let Some((name, params)) = step.file {
            write(dir.path(), name, &format!("{params}\n"));
        }
        let out = k8s_pack(dir.path(), &kubeconfig, step.args()).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "step {}: stderr: {stderr}", i + 1);
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected = if step.args()[1].starts_with("create") { 201 } else { 200 };
        assert_eq!(printed["status_code"], expected, "step {}", i + 1);
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 10);
    let (typed, cli) = seen.split_at(5);

    // What the server saw of each step, from both forms.
    let expected = [
        ("POST", "/api/v1/namespaces/team-a/secrets", None, "application/json"),
        ("PATCH", "/apis/apps/v1/namespaces/team-a/deployments/web", None, "application/merge-patch+json"),
        ("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings", None, "application/json"),
        ("POST", "/apis/autoscaling/v2/namespaces/team-a/horizontalpodautoscalers", None, "application/json"),
        (
            "PATCH",
            "/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/web-allow-frontend",
            Some("fieldManager=platform-team&force=true"),
            "application/apply-patch+yaml",
        ),
    ];
    for (i, ((typed, cli), expected)) in typed.iter().zip(cli).zip(expected).enumerate() {
        for (form, seen) in [("typed", typed), ("cli", cli)] {
            let got =
                (seen.method.as_str(), seen.path.as_str(), seen.query.as_deref(), seen.header("content-type").unwrap());
            assert_eq!(got, expected, "step {} ({form})", i + 1);
        }
        assert_eq!(body(typed), body(cli), "step {}: the typed and CLI bodies differ", i + 1);
    }

    // The key parts of each body (the same for both forms, as checked above).
    let secret = body(&typed[0]);
    assert_eq!((&secret["apiVersion"], &secret["kind"]), (&json!("v1"), &json!("Secret")));
    assert_eq!(secret["metadata"]["name"], "db-credentials");
    assert_eq!(secret["type"], "Opaque");
    assert_eq!(secret["stringData"], json!({"username": "app", "password": "s3cr3t"}));
    assert!(secret.get("data").is_none(), "stringData only: {secret}");

    assert_eq!(body(&typed[1]), json!({"spec": {"replicas": 3}}));

    let binding = body(&typed[2]);
    assert_eq!(binding["apiVersion"], "rbac.authorization.k8s.io/v1");
    assert_eq!(binding["kind"], "RoleBinding");
    assert_eq!(binding["metadata"]["name"], "ci-view");
    assert_eq!(binding["subjects"], json!([{"kind": "ServiceAccount", "name": "ci", "namespace": "team-a"}]));
    assert_eq!(
        binding["roleRef"],
        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"})
    );

    let hpa = body(&typed[3]);
    assert_eq!((&hpa["apiVersion"], &hpa["kind"]), (&json!("autoscaling/v2"), &json!("HorizontalPodAutoscaler")));
    assert_eq!(hpa["spec"]["scaleTargetRef"], json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}));
    assert_eq!((&hpa["spec"]["minReplicas"], &hpa["spec"]["maxReplicas"]), (&json!(2), &json!(10)));
    assert_eq!(
        hpa["spec"]["metrics"],
        json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}])
    );

    let policy = body(&typed[4]);
    assert_eq!((&policy["apiVersion"], &policy["kind"]), (&json!("networking.k8s.io/v1"), &json!("NetworkPolicy")));
    assert_eq!(policy["metadata"]["name"], "web-allow-frontend");
    assert_eq!(policy["spec"]["podSelector"], json!({"matchLabels": {"app": "web"}}));
    assert_eq!(policy["spec"]["policyTypes"], json!(["Ingress"]));
    assert_eq!(
        policy["spec"]["ingress"],
        json!([{"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}], "ports": [{"protocol": "TCP", "port": 8080}]}])
    );
}

/// The README's section "Operations and actions" shows exactly this example: its Rust block is
/// the text between the markers above, its shell block what `cli_script` renders.
#[test]
fn readme_shows_this_example() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme.find("\n## Operations and actions\n").expect("the README has the section");
    let section = &readme[start + 1..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let fenced = |lang: &str| {
        let open = format!("\n```{lang}\n");
        let from = section.find(&open).unwrap_or_else(|| panic!("the section has a ```{lang} block")) + open.len();
        section[from..].split_once("```\n").unwrap().0.to_string()
    };

    let source = include_str!("worked_example.rs");
    let begin = source.find("\n// README begins").unwrap();
    let begin = begin + 1 + source[begin + 1..].find('\n').unwrap() + 1;
    let end = begin + source[begin..].find("\n// README ends.").unwrap() + 1;
    let rust = &source[begin..end];
    assert!(rust.contains("async fn platform_changes") && !rust.contains("assert"), "{rust}");
    assert!(fenced("rust") == rust, "the README's Rust block should be:\n{rust}");

    let script = cli_script();
    assert!(fenced("sh") == script, "the README's shell block should be:\n{script}");
}
