//! Behaviour of the emitted models under what real servers and users send.

use k8s_pack::api::apps::v1::{DaemonSet, Deployment};
use k8s_pack::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_pack::api::core::v1::{Pod, PodList, ResourceRequirements, Secret};
use k8s_pack::api::networking::v1::NetworkPolicy;
use k8s_pack::api::rbac::v1::{ClusterRole, Role};
use k8s_pack::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaProps;
use k8s_pack::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_pack::{ByteString, IntOrString, ListableResource, MicroTime, Quantity, Resource, Scope, Time, TypeMeta};
use serde_json::json;

#[test]
fn timestamps_round_trip_to_the_same_text() {
    for text in ["2008-01-01T01:01:01Z", "1970-01-01T00:00:00Z", "2026-11-23T23:59:59Z"] {
        let t: Time = serde_json::from_value(json!(text)).unwrap();
        assert_eq!(serde_json::to_value(t).unwrap(), json!(text));
    }
    for text in ["2002-01-01T01:01:01.000002Z", "2026-11-23T10:00:00.123456Z", "2026-11-23T10:00:00.000000Z"] {
        let t: MicroTime = serde_json::from_value(json!(text)).unwrap();
        assert_eq!(serde_json::to_value(t).unwrap(), json!(text));
    }
    // Other RFC 3339 spellings are read and written in Kubernetes' canonical form.
    let t: Time = serde_json::from_value(json!("2008-01-01T03:01:01+02:00")).unwrap();
    assert_eq!(t.to_string(), "2008-01-01T01:01:01Z");
    let err = serde_json::from_value::<Time>(json!("yesterday")).unwrap_err().to_string();
    assert!(err.contains("invalid RFC 3339 timestamp"), "{err}");
}

#[test]
fn quantity_accepts_numbers_and_serializes_strings() {
    let r: ResourceRequirements = serde_json::from_value(json!({
        "limits": {"nvidia.com/gpu": 1, "cpu": "500m", "memory": 1.5, "big": 10000000000u64}
    }))
    .unwrap();
    let limits = r.limits.as_ref().unwrap();
    assert_eq!(limits["nvidia.com/gpu"], Quantity::from("1"));
    assert_eq!(limits["memory"], Quantity::from("1.5"));
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        json!({"limits": {"nvidia.com/gpu": "1", "cpu": "500m", "memory": "1.5", "big": "10000000000"}})
    );
}

#[test]
fn int_or_string_reads_both_and_rejects_out_of_range() {
    assert_eq!(serde_json::from_value::<IntOrString>(json!(8080)).unwrap(), IntOrString::Int(8080));
    assert_eq!(serde_json::from_value::<IntOrString>(json!("25%")).unwrap(), IntOrString::String("25%".into()));
    assert_eq!(serde_json::to_value(IntOrString::Int(3)).unwrap(), json!(3));
    assert!(serde_json::from_value::<IntOrString>(json!(4294967296u64)).is_err());
}

#[test]
fn byte_strings_are_base64_and_redacted_in_debug() {
    let secret: Secret = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
        "data": {"password": "aHVudGVyMg=="}
    }))
    .unwrap();
    let data = secret.data.as_ref().unwrap();
    assert_eq!(data["password"], ByteString(b"hunter2".to_vec()));
    // Secret data shows its keys only; a ByteString alone shows its length only.
    let debug = format!("{secret:?}");
    assert!(!debug.contains("hunter2") && !debug.contains("aHVudGVyMg"), "{debug}");
    assert!(debug.contains("\"password\": <redacted>") && debug.contains("\"db\""), "{debug}");
    assert_eq!(format!("{:?}", data["password"]), "ByteString(<7 bytes>)");
    let with_string_data: Secret =
        serde_json::from_value(json!({"stringData": {"password": "hunter2"}, "type": "Opaque"})).unwrap();
    let debug = format!("{with_string_data:?}");
    assert!(
        !debug.contains("hunter2") && debug.contains("\"password\": <redacted>") && debug.contains("Opaque"),
        "{debug}"
    );
    let err = serde_json::from_value::<ByteString>(json!("hunter2!")).unwrap_err().to_string();
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn required_fields_accept_missing_and_null_and_serialize_faithfully() {
    // DaemonSet pods with `containers: null`, as some servers send.
    let ds: DaemonSet = serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "x"},
        "spec": {"selector": null, "template": {"spec": {"containers": null}}}
    }))
    .unwrap();
    let spec = ds.spec.as_ref().unwrap();
    assert!(spec.template.spec.as_ref().unwrap().containers.is_empty());
    // Required fields are written even when empty; optional ones only when set.
    let out = serde_json::to_value(&ds).unwrap();
    assert_eq!(out["spec"]["template"]["spec"]["containers"], json!([]));
    assert_eq!(out["spec"]["selector"], json!({}));
    assert!(out["spec"].get("minReadySeconds").is_none());
    // A list whose metadata is null, as aggregated APIs send.
    let list: PodList =
        serde_json::from_value(json!({"apiVersion": "v1", "kind": "PodList", "metadata": null, "items": null}))
            .unwrap();
    assert!(list.items.is_empty() && list.metadata.is_none());
}

#[test]
fn absent_and_empty_lists_stay_distinct() {
    let with_empty: ObjectMeta = serde_json::from_value(json!({"finalizers": []})).unwrap();
    let without: ObjectMeta = serde_json::from_value(json!({})).unwrap();
    assert_eq!(with_empty.finalizers, Some(vec![]));
    assert_eq!(without.finalizers, None);
    assert_eq!(serde_json::to_value(&with_empty).unwrap(), json!({"finalizers": []}));
    assert_eq!(serde_json::to_value(&without).unwrap(), json!({}));
}

#[test]
fn unknown_enum_values_are_accepted() {
    let pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Pod",
        "status": {"phase": "SomethingFromTheFuture", "qosClass": "Platinum"},
        "someFieldFromTheFuture": {"x": 1}
    }))
    .unwrap();
    assert_eq!(pod.status.unwrap().phase.as_deref(), Some("SomethingFromTheFuture"));
}

#[test]
fn api_version_and_kind_are_written_from_constants() {
    let secret =
        Secret { metadata: Some(ObjectMeta { name: Some("db".into()), ..Default::default() }), ..Default::default() };
    assert_eq!(
        serde_json::to_value(&secret).unwrap(),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}})
    );
    let deployment = Deployment::default();
    let out = serde_json::to_value(&deployment).unwrap();
    assert_eq!((out["apiVersion"].as_str(), out["kind"].as_str()), (Some("apps/v1"), Some("Deployment")));
    assert_eq!(deployment.api_version.as_str(), "apps/v1");
    // An embedded object read without them is written back without them.
    let embedded: Secret = serde_json::from_value(json!({"metadata": {"name": "db"}})).unwrap();
    assert_eq!(serde_json::to_value(&embedded).unwrap(), json!({"metadata": {"name": "db"}}));
}

#[test]
fn resource_metadata_is_constant() {
    assert_eq!((Secret::API_VERSION, Secret::PLURAL, Secret::SCOPE), ("v1", "secrets", Scope::Namespaced));
    assert_eq!(Deployment::SUBRESOURCES, &["scale", "status"]);
    assert_eq!(Deployment::VERBS, &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]);
    assert_eq!((Role::GROUP, Role::PLURAL), ("rbac.authorization.k8s.io", "roles"));
    assert_eq!((ClusterRole::PLURAL, ClusterRole::SCOPE), ("clusterroles", Scope::Cluster));
    assert_eq!(
        (HorizontalPodAutoscaler::API_VERSION, HorizontalPodAutoscaler::PLURAL),
        ("autoscaling/v2", "horizontalpodautoscalers")
    );
    assert_eq!((NetworkPolicy::KIND, NetworkPolicy::SCOPE), ("NetworkPolicy", Scope::Namespaced));
    assert!(
        Pod::SUBRESOURCES.contains(&"log")
            && Pod::SUBRESOURCES.contains(&"eviction")
            && Pod::SUBRESOURCES.contains(&"exec")
    );
    // The list type is an associated type: a wrong one would not compile.
    fn list_of<R: ListableResource>(list: R::List) -> R::List {
        list
    }
    let list: PodList = list_of::<Pod>(PodList::default());
    assert!(list.items.is_empty());
    let _: k8s_pack::api::rbac::v1::ClusterRoleList = list_of::<ClusterRole>(Default::default());
}

#[test]
fn recursive_schemas_nest() {
    let schema: JSONSchemaProps = serde_json::from_value(json!({
        "type": "object",
        "not": {"not": {"type": "string"}},
        "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
    }))
    .unwrap();
    assert_eq!(schema.not.as_ref().unwrap().not.as_ref().unwrap().type_.as_deref(), Some("string"));
    assert_eq!(schema.properties.as_ref().unwrap()["spec"].x_kubernetes_preserve_unknown_fields, Some(true));
}
