//! The typed operations sent through the client to a real HTTPS server on 127.0.0.1:
//! create, read, patch, list (following pagination) and delete, with typed answers.

mod support;

use k8s_pack::actions::core::v1::secrets;
use k8s_pack::actions::{CreateUpdateQuery, DeleteQuery, GetQuery, ListWatchQuery, PatchQuery};
use k8s_pack::api::core::v1::{Secret, SecretList};
use k8s_pack::runtime::request::{list_all, DeleteResult, Patch};
use serde_json::json;
use std::sync::Arc;
use support::*;

fn secret_json(name: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": "team-a"}, "type": "Opaque"})
}

/// Answers like the API server for secrets in `team-a`; lists come in pages of two.
async fn secrets_server() -> Server {
    let responder: Responder = Arc::new(|seen: &Seen| {
        let query = seen.query.clone().unwrap_or_default();
        match (seen.method.as_str(), seen.path.as_str()) {
            ("POST", "/api/v1/namespaces/team-a/secrets") => {
                Reply::json(201, serde_json::from_slice(&seen.body).unwrap())
            }
            ("GET", "/api/v1/namespaces/team-a/secrets/db") => Reply::json(200, secret_json("db")),
            ("PATCH", "/api/v1/namespaces/team-a/secrets/db") => {
                let mut secret = secret_json("db");
                secret["metadata"]["labels"] = json!({"patched": "yes"});
                Reply::json(200, secret)
            }
            ("GET", "/api/v1/namespaces/team-a/secrets") => {
                let (names, next) =
                    if query.contains("continue=page2") { (vec!["c"], None) } else { (vec!["a", "b"], Some("page2")) };
                let items: Vec<_> = names.iter().map(|n| secret_json(n)).collect();
                Reply::json(
                    200,
                    json!({"apiVersion": "v1", "kind": "SecretList", "metadata": {"continue": next}, "items": items}),
                )
            }
            ("DELETE", "/api/v1/namespaces/team-a/secrets/db") => Reply::json(200, secret_json("db")),
            ("DELETE", "/api/v1/namespaces/team-a/secrets/gone") => Reply::json(
                200,
                json!({"kind": "Status", "apiVersion": "v1", "status": "Success", "details": {"name": "gone", "kind": "secrets"}}),
            ),
            _ => Reply::json(404, status_body(404, "NotFound", "not found")),
        }
    });
    serve(ServerOptions { responder: Some(responder), ..Default::default() }).await
}

#[tokio::test]
async fn create_read_patch_list_delete() {
    let server = secrets_server().await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &[]));

    let secret: Secret = serde_json::from_value(secret_json("db")).unwrap();
    let created: Secret = secrets::create_core_v1_namespaced_secret("team-a", &secret, &CreateUpdateQuery::default())
        .unwrap()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(created.metadata.unwrap().name.as_deref(), Some("db"));

    let read = secrets::read_core_v1_namespaced_secret("team-a", "db", &GetQuery::default())
        .unwrap()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(read.type_.as_deref(), Some("Opaque"));

    let patch = Patch::Merge(json!({"metadata": {"labels": {"patched": "yes"}}}));
    let patched = secrets::patch_core_v1_namespaced_secret("team-a", "db", &patch, &PatchQuery::default())
        .unwrap()
        .send(&client)
        .await
        .unwrap();
    assert_eq!(patched.metadata.unwrap().labels.unwrap()["patched"], "yes");
    assert_eq!(server.last().header("content-type"), Some("application/merge-patch+json"));

    let all: Vec<Secret> = list_all::<SecretList, _>(&client, |token| {
        let query = ListWatchQuery { limit: Some(2), continue_: token.map(str::to_string), ..Default::default() };
        secrets::list_core_v1_namespaced_secret("team-a", &query)
    })
    .await
    .unwrap();
    let names: Vec<_> = all.iter().map(|s| s.metadata.as_ref().unwrap().name.clone().unwrap()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(server.last().query.as_deref(), Some("continue=page2&limit=2"));

    let deleted = secrets::delete_core_v1_namespaced_secret("team-a", "db", None, &DeleteQuery::default())
        .unwrap()
        .send(&client)
        .await
        .unwrap();
    assert!(matches!(deleted, DeleteResult::Object(s) if s.metadata.as_ref().unwrap().name.as_deref() == Some("db")));
    let gone = secrets::delete_core_v1_namespaced_secret("team-a", "gone", None, &DeleteQuery::default())
        .unwrap()
        .send(&client)
        .await
        .unwrap();
    match gone {
        DeleteResult::Status(status) => assert_eq!(status.status.as_deref(), Some("Success")),
        other => panic!("expected a Status, got {other:?}"),
    }

    let err = secrets::read_core_v1_namespaced_secret("team-a", "nope", &GetQuery::default())
        .unwrap()
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.as_api().is_some_and(|e| e.is_not_found()), "{err}");
}
