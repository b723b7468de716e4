//! Triggers as JSON in the StackStorm Kubernetes pack's shape, for automation engines.

use super::{ResourceInfo, Trigger};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// The annotation `kubectl apply` keeps the whole applied object in: Secret data included.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

impl<K: Serialize> Trigger<K> {
    /// The trigger as JSON: `event` (`ADDED`/`MODIFIED`/`DELETED`), `resource` (the sensor's
    /// name, `core/v1/secrets`), `name`, `namespace`, `spec`, `labels`, `object_kind`, `uid`,
    /// `resource_version` and `object` (the whole object). Secret values (the resource's
    /// sensitive fields, and the last-applied annotation that repeats them) are left out unless
    /// `include_secrets`.
    pub fn payload(&self, include_secrets: bool) -> Value {
        let object = serde_json::to_value(&*self.object).unwrap_or(Value::Null);
        payload(self.event.as_str(), &self.resource, &self.resource_version, object, include_secrets)
    }
}

fn payload(event: &str, resource: &ResourceInfo, resource_version: &str, mut object: Value, include: bool) -> Value {
    if !include && !resource.sensitive.is_empty() {
        if let Some(fields) = object.as_object_mut() {
            for field in &resource.sensitive {
                fields.remove(field);
            }
            let annotations = fields.get_mut("metadata").and_then(|m| m.get_mut("annotations"));
            if let Some(annotations) = annotations.and_then(Value::as_object_mut) {
                annotations.remove(LAST_APPLIED);
            }
        }
    }
    let metadata = object.get("metadata").cloned().unwrap_or(Value::Null);
    let field = |name: &str| metadata.get(name).cloned().unwrap_or(Value::Null);
    let labels = match metadata.get("labels") {
        Some(Value::Object(labels)) => Value::Object(labels.clone()),
        _ => Value::Object(Map::new()),
    };
    let kind = object.get("kind").cloned().unwrap_or_else(|| Value::String(resource.kind.clone()));
    json!({
        "event": event,
        "resource": resource.name,
        "name": field("name"),
        "namespace": field("namespace"),
        "spec": object.get("spec").cloned().unwrap_or(Value::Null),
        "labels": labels,
        "object_kind": kind,
        "uid": field("uid"),
        "resource_version": resource_version,
        "object": object,
    })
}
