//! Snapshots of the requests the operations build, without any I/O: method, path, query
//! encoding, headers and body for every verb of the mission resources.

use k8s_pack::actions::{CreateUpdateQuery, DeleteCollectionQuery, DeleteQuery, GetQuery, ListWatchQuery, PatchQuery};
use k8s_pack::runtime::request::{Patch, Request, RequestError};
use serde_json::json;
use std::fmt::Write as _;

/// The request as text: method and URI, headers, and the body (pretty JSON).
fn render<T>(label: &str, built: Result<Request<T>, RequestError>, out: &mut String) {
    let request = built.unwrap().into_inner();
    writeln!(out, "## {label}\n{} {}", request.method(), request.uri()).unwrap();
    for (name, value) in request.headers() {
        writeln!(out, "{name}: {}", value.to_str().unwrap()).unwrap();
    }
    if !request.body().is_empty() {
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        writeln!(out, "\n{}", serde_json::to_string_pretty(&body).unwrap()).unwrap();
    }
    out.push('\n');
}

/// A selector with every character that needs care: `=`, `,`, `!` and spaces.
fn selectors() -> ListWatchQuery {
    ListWatchQuery {
        label_selector: Some("app=web,tier!=cache,env in (prod, staging),!canary".into()),
        field_selector: Some("metadata.name!=x,status.phase=Running".into()),
        limit: Some(50),
        ..Default::default()
    }
}

fn watch() -> ListWatchQuery {
    ListWatchQuery {
        watch: Some(true),
        allow_watch_bookmarks: Some(true),
        resource_version: Some("12345".into()),
        timeout_seconds: Some(290),
        ..Default::default()
    }
}

fn patches() -> [(&'static str, Patch); 4] {
    [
        ("json", Patch::Json(json!([{"op": "replace", "path": "/metadata/labels/app", "value": "web"}]))),
        ("merge", Patch::Merge(json!({"metadata": {"labels": {"app": "web"}}}))),
        ("strategic", Patch::Strategic(json!({"metadata": {"labels": {"app": "web"}}}))),
        ("apply", Patch::Apply(json!({"apiVersion": "v1", "kind": "Thing", "metadata": {"name": "x"}}))),
    ]
}

fn patch_query(kind: &str) -> PatchQuery {
    match kind {
        "apply" => PatchQuery { field_manager: Some("k8s-pack".into()), force: Some(true), ..Default::default() },
        _ => PatchQuery { field_manager: Some("k8s-pack".into()), ..Default::default() },
    }
}

fn create_query() -> CreateUpdateQuery {
    CreateUpdateQuery { dry_run: Some("All".into()), field_validation: Some("Strict".into()), ..Default::default() }
}

fn delete_query() -> DeleteQuery {
    DeleteQuery { propagation_policy: Some("Foreground".into()), grace_period_seconds: Some(0), ..Default::default() }
}

/// Every verb of a namespaced resource, by its operation functions.
macro_rules! namespaced {
    ($module:path, $object:expr, $create:ident, $read:ident, $replace:ident, $patch:ident, $delete:ident,
     $delete_collection:ident, $list:ident, $list_all:ident) => {{
        use $module as ops;
        let object = $object;
        let mut out = String::new();
        render("create", ops::$create("team a", &object, &create_query()), &mut out);
        render("read", ops::$read("team-a", "web 1", &GetQuery::default()), &mut out);
        render("replace", ops::$replace("team-a", "web", &object, &CreateUpdateQuery::default()), &mut out);
        for (kind, patch) in patches() {
            render(&format!("patch ({kind})"), ops::$patch("team-a", "web", &patch, &patch_query(kind)), &mut out);
        }
        render("delete", ops::$delete("team-a", "web", None, &delete_query()), &mut out);
        render(
            "deletecollection",
            ops::$delete_collection(
                "team-a",
                None,
                &DeleteCollectionQuery { label_selector: Some("app=web".into()), ..Default::default() },
            ),
            &mut out,
        );
        render("list", ops::$list("team-a", &selectors()), &mut out);
        render("list for all namespaces", ops::$list_all(&selectors()), &mut out);
        render("watch", ops::$list("team-a", &watch()), &mut out);
        out
    }};
}

fn meta(name: &str) -> Option<k8s_pack::apimachinery::pkg::apis::meta::v1::ObjectMeta> {
    Some(k8s_pack::apimachinery::pkg::apis::meta::v1::ObjectMeta { name: Some(name.into()), ..Default::default() })
}

#[test]
fn secret_requests() {
    use k8s_pack::api::core::v1::Secret;
    let secret = Secret {
        metadata: meta("web"),
        string_data: Some([("k".to_string(), "v".to_string())].into()),
        ..Default::default()
    };
    insta::assert_snapshot!(namespaced!(
        k8s_pack::actions::core::v1::secrets,
        secret,
        create_core_v1_namespaced_secret,
        read_core_v1_namespaced_secret,
        replace_core_v1_namespaced_secret,
        patch_core_v1_namespaced_secret,
        delete_core_v1_namespaced_secret,
        delete_core_v1_collection_namespaced_secret,
        list_core_v1_namespaced_secret,
        list_core_v1_secret_for_all_namespaces
    ));
}

#[test]
fn deployment_requests() {
    use k8s_pack::api::apps::v1::Deployment;
    let deployment = Deployment { metadata: meta("web"), ..Default::default() };
    insta::assert_snapshot!(namespaced!(
        k8s_pack::actions::apps::v1::deployments,
        deployment,
        create_apps_v1_namespaced_deployment,
        read_apps_v1_namespaced_deployment,
        replace_apps_v1_namespaced_deployment,
        patch_apps_v1_namespaced_deployment,
        delete_apps_v1_namespaced_deployment,
        delete_apps_v1_collection_namespaced_deployment,
        list_apps_v1_namespaced_deployment,
        list_apps_v1_deployment_for_all_namespaces
    ));
}

#[test]
fn role_requests() {
    use k8s_pack::api::rbac::v1::Role;
    let role = Role { metadata: meta("web"), ..Default::default() };
    insta::assert_snapshot!(namespaced!(
        k8s_pack::actions::rbac::v1::roles,
        role,
        create_rbac_authorization_v1_namespaced_role,
        read_rbac_authorization_v1_namespaced_role,
        replace_rbac_authorization_v1_namespaced_role,
        patch_rbac_authorization_v1_namespaced_role,
        delete_rbac_authorization_v1_namespaced_role,
        delete_rbac_authorization_v1_collection_namespaced_role,
        list_rbac_authorization_v1_namespaced_role,
        list_rbac_authorization_v1_role_for_all_namespaces
    ));
}

#[test]
fn horizontal_pod_autoscaler_requests() {
    use k8s_pack::api::autoscaling::v2::HorizontalPodAutoscaler;
    let hpa = HorizontalPodAutoscaler { metadata: meta("web"), ..Default::default() };
    insta::assert_snapshot!(namespaced!(
        k8s_pack::actions::autoscaling::v2::horizontal_pod_autoscalers,
        hpa,
        create_autoscaling_v2_namespaced_horizontal_pod_autoscaler,
        read_autoscaling_v2_namespaced_horizontal_pod_autoscaler,
        replace_autoscaling_v2_namespaced_horizontal_pod_autoscaler,
        patch_autoscaling_v2_namespaced_horizontal_pod_autoscaler,
        delete_autoscaling_v2_namespaced_horizontal_pod_autoscaler,
        delete_autoscaling_v2_collection_namespaced_horizontal_pod_autoscaler,
        list_autoscaling_v2_namespaced_horizontal_pod_autoscaler,
        list_autoscaling_v2_horizontal_pod_autoscaler_for_all_namespaces
    ));
}

#[test]
fn network_policy_requests() {
    use k8s_pack::api::networking::v1::NetworkPolicy;
    let policy = NetworkPolicy { metadata: meta("web"), ..Default::default() };
    insta::assert_snapshot!(namespaced!(
        k8s_pack::actions::networking::v1::network_policies,
        policy,
        create_networking_v1_namespaced_network_policy,
        read_networking_v1_namespaced_network_policy,
        replace_networking_v1_namespaced_network_policy,
        patch_networking_v1_namespaced_network_policy,
        delete_networking_v1_namespaced_network_policy,
        delete_networking_v1_collection_namespaced_network_policy,
        list_networking_v1_namespaced_network_policy,
        list_networking_v1_network_policy_for_all_namespaces
    ));
}

#[test]
fn cluster_role_binding_requests() {
    use k8s_pack::actions::rbac::v1::cluster_role_bindings as ops;
    use k8s_pack::api::rbac::v1::ClusterRoleBinding;
    let binding = ClusterRoleBinding { metadata: meta("web"), ..Default::default() };
    let mut out = String::new();
    render("create", ops::create_rbac_authorization_v1_cluster_role_binding(&binding, &create_query()), &mut out);
    render("read", ops::read_rbac_authorization_v1_cluster_role_binding("web", &GetQuery::default()), &mut out);
    render(
        "replace",
        ops::replace_rbac_authorization_v1_cluster_role_binding("web", &binding, &CreateUpdateQuery::default()),
        &mut out,
    );
    for (kind, patch) in patches() {
        render(
            &format!("patch ({kind})"),
            ops::patch_rbac_authorization_v1_cluster_role_binding("web", &patch, &patch_query(kind)),
            &mut out,
        );
    }
    render("delete", ops::delete_rbac_authorization_v1_cluster_role_binding("web", None, &delete_query()), &mut out);
    render(
        "deletecollection",
        ops::delete_rbac_authorization_v1_collection_cluster_role_binding(None, &DeleteCollectionQuery::default()),
        &mut out,
    );
    render("list", ops::list_rbac_authorization_v1_cluster_role_binding(&selectors()), &mut out);
    render("watch", ops::list_rbac_authorization_v1_cluster_role_binding(&watch()), &mut out);
    insta::assert_snapshot!(out);
}

/// What the server would refuse is refused before anything is built.
#[test]
fn contradictory_patch_parameters_are_refused() {
    use k8s_pack::actions::core::v1::secrets::patch_core_v1_namespaced_secret as patch;
    let forced_merge = PatchQuery { force: Some(true), ..Default::default() };
    let err = patch("ns", "x", &Patch::Merge(json!({})), &forced_merge).unwrap_err();
    assert_eq!(err.to_string(), "force is only valid with an apply patch");
    let err = patch("ns", "x", &Patch::Apply(json!({})), &PatchQuery::default()).unwrap_err();
    assert_eq!(err.to_string(), "an apply patch needs fieldManager");
    // Debug of a request or a patch shows no body: it may be a Secret.
    let secret = k8s_pack::api::core::v1::Secret {
        string_data: Some([("password".to_string(), "hunter2".to_string())].into()),
        ..Default::default()
    };
    let request =
        k8s_pack::actions::core::v1::secrets::create_core_v1_namespaced_secret("ns", &secret, &Default::default())
            .unwrap();
    assert!(!format!("{request:?}").contains("hunter2"));
    assert!(!format!("{:?}", Patch::apply(&secret).unwrap()).contains("hunter2"));
}
