//! Actions: the static registry, parameter schemas, and requests built from JSON parameters,
//! checked against the typed operation functions. Nothing is sent here.

use k8s_pack::actions::REGISTRY;
use k8s_pack::runtime::actions::{find, parse_json, ParamsError};
use k8s_pack::runtime::request::{RequestError, SegmentError, SegmentProblem};
use serde_json::json;

#[test]
fn registry_holds_every_operation_but_connect_sorted() {
    let docs = k8s_packgen::read_documents(&[k8s_packgen::default_spec()]).unwrap();
    let api = k8s_packgen::generate(&docs, &k8s_packgen::Options::default()).unwrap().api;
    let expected: Vec<&str> = api
        .operations
        .iter()
        .filter(|o| o.action != Some(k8s_packgen::ir::Action::Connect))
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(REGISTRY.len(), expected.len());
    assert!(REGISTRY.windows(2).all(|w| w[0].name < w[1].name), "registry not sorted");
    for name in expected {
        assert_eq!(find(REGISTRY, name).map(|a| a.name), Some(name));
    }
    assert!(find(REGISTRY, "connectCoreV1GetNamespacedPodExec").is_none());
}

/// Every action names the Kubernetes verb it is authorized as and the API group, version and
/// resource its path is under (through its module's shared target); the expected values are
/// read from the spec's own paths and `x-kubernetes-action`.
#[test]
fn every_action_carries_the_kubernetes_verb_and_group() {
    let text = std::fs::read_to_string(k8s_packgen::default_spec()).unwrap();
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let kubernetes_verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(id) = op["operationId"].as_str() else { continue };
            let Some(action) = find(REGISTRY, id) else { continue };
            let expected = match (op["x-kubernetes-action"].as_str(), method.as_str()) {
                (Some("post"), _) => "create",
                (Some("put"), _) => "update",
                (Some("watch" | "watchlist"), _) => "watch",
                (Some("delete"), _) if !path.ends_with('}') => "deletecollection",
                (Some(other), _) => other,
                (None, "get") => "get",
                (None, other) => panic!("{id}: {other} without an action"),
            };
            assert_eq!(action.verb, expected, "{id} at {path}");
            assert!(kubernetes_verbs.contains(&action.verb), "{id}: {}", action.verb);
            // Group, version and plural as the path spells them, skipping `/watch/` and the
            // namespace: what the action's (shared) target must say.
            let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
            let (group, version, rest) = match segments.as_slice() {
                ["apis", group, version, rest @ ..] => (*group, *version, rest),
                ["apis", group] => (*group, "", &[][..]),
                ["api", version, rest @ ..] => ("", *version, rest),
                _ => ("", "", &[][..]),
            };
            let rest = rest.strip_prefix(&["watch"][..]).unwrap_or(rest);
            let rest = rest.strip_prefix(&["namespaces", "{namespace}"][..]).filter(|r| !r.is_empty()).unwrap_or(rest);
            let plural = rest.first().copied().unwrap_or("");
            let target = action.target;
            assert_eq!((target.group, target.version, target.resource), (group, version, plural), "{id} at {path}");
            checked += 1;
        }
    }
    assert_eq!(checked, REGISTRY.len());
    let create = find(REGISTRY, "createCoreV1NamespacedSecret").unwrap();
    let target = create.target;
    assert_eq!((create.verb, target.group, target.version, target.resource), ("create", "", "v1", "secrets"));
    let discovery = find(REGISTRY, "getAppsAPIGroup").unwrap();
    assert_eq!((discovery.verb, discovery.target.group, discovery.target.resource), ("get", "apps", ""));
    assert_eq!(find(REGISTRY, "watchAppsV1DeploymentListForAllNamespaces").unwrap().verb, "watch");
    assert_eq!(create.schema()["x-kubernetes"]["verb"], "create");
}

#[test]
fn schema_lists_types_required_and_descriptions() {
    let action = find(REGISTRY, "createCoreV1NamespacedSecret").unwrap();
    let target = action.target;
    assert_eq!((action.verb, target.resource, target.group, target.version), ("create", "secrets", "", "v1"));
    let schema = action.schema();
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["namespace"]["type"], "string");
    assert_eq!(schema["properties"]["body"]["x-kubernetes-type"], "io.k8s.api.core.v1.Secret");
    assert!(schema["properties"]["dryRun"]["description"].as_str().unwrap().contains("dry run"));
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(required, ["namespace", "body"]);
    let patch = find(REGISTRY, "patchAppsV1NamespacedDeployment").unwrap().schema();
    assert_eq!(patch["properties"]["patchType"]["enum"], json!(["json", "merge", "strategic", "apply"]));
    assert_eq!(find(REGISTRY, "listCoreV1NamespacedPod").unwrap().schema()["properties"]["limit"]["type"], "integer");
}

#[test]
fn invalid_parameters_are_refused_with_a_clear_message() {
    let create = find(REGISTRY, "createCoreV1NamespacedSecret").unwrap();
    let err = create.request(&json!({"body": {}})).unwrap_err();
    assert_eq!(err, ParamsError::Missing("namespace".into()));
    assert_eq!(err.to_string(), "missing required parameter `namespace`");
    let err = create.request(&json!({"namespace": 5, "body": {}})).unwrap_err();
    assert_eq!(err.to_string(), "parameter `namespace` must be a string");
    let err = create.request(&json!({"namespace": "a", "body": {}, "namespce": "b"})).unwrap_err();
    assert_eq!(err.to_string(), "unknown parameter `namespce`; did you mean `namespace`?");
    let err = create.request(&json!({"namespace": "a", "body": {"metadata": {"labels": {"a": 5}}}})).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("metadata.labels.a"), "{message}");
    let err = create.request(&json!({"namespace": "a", "body": {"data": {"k": "not base64 hunter2"}}})).unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert_eq!(create.request(&json!([])).unwrap_err(), ParamsError::NotAnObject);

    let patch = find(REGISTRY, "patchAppsV1NamespacedDeployment").unwrap();
    let base = json!({"namespace": "a", "name": "web", "body": {"spec": {"replicas": 3}}});
    assert_eq!(patch.request(&base).unwrap_err(), ParamsError::Missing("patchType".into()));
    let mut forced = base.clone();
    forced["patchType"] = json!("merge");
    forced["force"] = json!(true);
    assert_eq!(patch.request(&forced).unwrap_err().to_string(), "force is only valid with an apply patch");
    let mut apply = base.clone();
    apply["patchType"] = json!("apply");
    assert_eq!(patch.request(&apply).unwrap_err().to_string(), "an apply patch needs fieldManager");
}

/// The generic runner and the typed function agree on method, URI, headers and body.
#[test]
fn actions_build_the_same_requests_as_the_typed_functions() {
    use k8s_pack::actions::{ListWatchQuery, PatchQuery};
    use k8s_pack::runtime::request::Patch;

    let list = find(REGISTRY, "listCoreV1NamespacedSecret").unwrap();
    let from_action = list
        .request(&json!({"namespace": "team a", "labelSelector": "app=web,tier!=cache", "limit": 5, "watch": true}))
        .unwrap();
    let typed = k8s_pack::actions::core::v1::secrets::list_core_v1_namespaced_secret(
        "team a",
        &ListWatchQuery {
            label_selector: Some("app=web,tier!=cache".into()),
            limit: Some(5),
            watch: Some(true),
            ..Default::default()
        },
    )
    .unwrap()
    .into_inner();
    assert_eq!(from_action.method(), typed.method());
    assert_eq!(from_action.uri(), typed.uri());

    let patch = find(REGISTRY, "patchAppsV1NamespacedDeployment").unwrap();
    let from_action = patch
        .request(&json!({"namespace": "a", "name": "web", "patchType": "merge", "body": {"spec": {"replicas": 3}}}))
        .unwrap();
    let typed = k8s_pack::actions::apps::v1::deployments::patch_apps_v1_namespaced_deployment(
        "a",
        "web",
        &Patch::Merge(json!({"spec": {"replicas": 3}})),
        &PatchQuery::default(),
    )
    .unwrap()
    .into_inner();
    assert_eq!((from_action.method(), from_action.uri()), (typed.method(), typed.uri()));
    assert_eq!(from_action.headers(), typed.headers());
    assert_eq!(from_action.body(), typed.body());
}

/// `.`, `..`, empty, `/` and `%` can never be a name (the API server's path segment rule): the
/// typed functions and the actions refuse them before anything is built, naming the parameter.
#[test]
fn path_segments_the_server_cannot_serve_are_refused() {
    use k8s_pack::actions::core::v1::secrets;
    use k8s_pack::actions::{DeleteQuery, GetQuery};

    let cases = [
        ("..", SegmentProblem::Dots(".."), "path parameter `name` may not be \"..\""),
        (".", SegmentProblem::Dots("."), "path parameter `name` may not be \".\""),
        ("", SegmentProblem::Empty, "path parameter `name` may not be empty"),
        ("a/b", SegmentProblem::Contains('/'), "path parameter `name` may not contain '/'"),
        ("a%2Fb", SegmentProblem::Contains('%'), "path parameter `name` may not contain '%'"),
    ];
    let delete = find(REGISTRY, "deleteCoreV1NamespacedSecret").unwrap();
    for (name, problem, message) in cases {
        let expected = SegmentError { param: "name", problem };
        match secrets::read_core_v1_namespaced_secret("team-a", name, &GetQuery::default()) {
            Err(RequestError::Segment(e)) => assert_eq!(e, expected, "{name:?}"),
            other => panic!("{name:?}: expected a segment error, got {other:?}"),
        }
        let error =
            secrets::delete_core_v1_namespaced_secret("team-a", name, None, &DeleteQuery::default()).unwrap_err();
        assert_eq!(error.to_string(), message);
        let error = delete.request(&json!({"namespace": "team-a", "name": name})).unwrap_err();
        assert_eq!(error, ParamsError::Segment(expected));
        assert_eq!(error.to_string(), message);
    }
    // Every path parameter, the namespace too.
    let error = secrets::list_core_v1_namespaced_secret("..", &Default::default()).unwrap_err();
    assert_eq!(error.to_string(), "path parameter `namespace` may not be \"..\"");
    let error = delete.request(&json!({"namespace": "", "name": "db"})).unwrap_err();
    assert_eq!(error.to_string(), "path parameter `namespace` may not be empty");
    // Dots inside a name are fine (`my.app`, `...`), and still percent-encoded where needed.
    let request = delete.request(&json!({"namespace": "team-a", "name": "..."})).unwrap();
    assert_eq!(request.uri(), "/api/v1/namespaces/team-a/secrets/...");
    let request = delete.request(&json!({"namespace": "team-a", "name": "a b"})).unwrap();
    assert_eq!(request.uri(), "/api/v1/namespaces/team-a/secrets/a%20b");
}

/// JSON parameters with a key twice are refused, at any depth, naming the key by its path.
#[test]
fn duplicate_keys_in_json_parameters_are_refused() {
    let error = parse_json(r#"{"name": "a", "name": "b"}"#).unwrap_err();
    assert!(error.starts_with("duplicate key `name` at line 1"), "{error}");
    let error = parse_json(r#"{"body": {"metadata": {"name": "a", "labels": {}, "name": "b"}}}"#).unwrap_err();
    assert!(error.starts_with("duplicate key `body.metadata.name`"), "{error}");
    let error = parse_json(r#"{"body": {"items": [{"k": 1}, {"k": 1, "k": 2}]}}"#).unwrap_err();
    assert!(error.starts_with("duplicate key `body.items[1].k`"), "{error}");
    // The same key in different objects is not a duplicate; values come out as serde_json reads them.
    let text = r#"{"a": {"k": 1}, "b": {"k": [1.5, -2, 18446744073709551615, true, null, "s"]}, "k": "x"}"#;
    assert_eq!(parse_json(text).unwrap(), serde_json::from_str::<serde_json::Value>(text).unwrap());
    let error = parse_json(r#"{"a": 1"#).unwrap_err();
    assert!(error.starts_with("not JSON: "), "{error}");
    assert!(parse_json(r#"{"a": 1} {"b": 2}"#).unwrap_err().starts_with("not JSON: trailing characters"));
    // `-p body=...` reads JSON the same way.
    let create = find(REGISTRY, "createCoreV1NamespacedSecret").unwrap();
    let error = create.parse_pair(r#"body={"data": {"k": "YQ=="}, "data": {}}"#).unwrap_err();
    assert!(error.to_string().starts_with("invalid `body`: duplicate key `data`"), "{error}");
}
