//! Sensors: which resources can be watched, through which list paths, and how their objects'
//! metadata is read. A resource gets a sensor when it has `list` and `watch` verbs and a list
//! operation (`x-kubernetes-action: list`, not under the deprecated `/watch/` prefix) that takes
//! the `watch` parameter, and when its kind has an `ObjectMeta`-shaped `metadata` field.

use super::{Action, Api, Resource, Shape, TypeRef, Verb};

/// One watchable resource.
#[derive(Clone, Debug, PartialEq)]
pub struct SensorDef<'a> {
    /// `core/v1/secrets`, `apps/v1/deployments`: unique across groups.
    pub name: String,
    pub resource: &'a Resource,
    /// The module below `sensors` (`["core", "v1", "secrets"]`), as for actions.
    pub module: Vec<String>,
    /// The list path in one namespace, with `{namespace}`.
    pub namespaced_path: Option<String>,
    /// The list path across the cluster.
    pub cluster_path: Option<String>,
    /// The definition of the kind's metadata type (`...meta.v1.ObjectMeta`).
    pub meta_def: String,
    /// The kind's `metadata` field is required (not an `Option`).
    pub meta_required: bool,
    /// The Rust name of the `metadata` field.
    pub meta_ident: String,
    /// Top-level fields holding secret values (wire names).
    pub sensitive: Vec<String>,
}

/// Every watchable resource, sorted by name.
pub fn sensors(api: &Api) -> Vec<SensorDef<'_>> {
    let mut out: Vec<SensorDef> = api.resources.iter().filter_map(|r| sensor(api, r)).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn sensor<'a>(api: &Api, resource: &'a Resource) -> Option<SensorDef<'a>> {
    if ![Verb::List, Verb::Watch].iter().all(|v| resource.verbs.contains(v)) {
        return None;
    }
    let lists: Vec<_> = api
        .operations
        .iter()
        .filter(|op| {
            op.action == Some(Action::List)
                && !op.legacy_watch_path
                && op.subresource.is_none()
                && op.params.iter().any(|p| p.wire == "watch")
                && op.resource.as_ref().is_some_and(|k| resource.is(k))
        })
        .collect();
    let namespaced = lists.iter().find(|op| op.path.contains("{namespace}"));
    let cluster = lists.iter().find(|op| !op.path.contains("{namespace}"));
    let module = namespaced.or(cluster)?.module.clone();
    let Shape::Struct { fields } = &api.type_def(&resource.type_def)?.shape else { return None };
    let meta = fields.iter().find(|f| f.wire == "metadata")?;
    let TypeRef::Named(meta_def) = &meta.ty else { return None };
    if !is_object_meta(api, meta_def) {
        return None;
    }
    let group = if resource.gvk.group.is_empty() { "core" } else { resource.gvk.group.as_str() };
    Some(SensorDef {
        name: format!("{group}/{}/{}", resource.gvk.version, resource.plural),
        resource,
        module,
        namespaced_path: namespaced.map(|op| op.path.clone()),
        cluster_path: cluster.map(|op| op.path.clone()),
        meta_def: meta_def.clone(),
        meta_required: meta.required,
        meta_ident: meta.ident.clone(),
        sensitive: fields.iter().filter(|f| f.sensitive).map(|f| f.wire.clone()).collect(),
    })
}

/// A metadata type a sensor can read: optional string `name`, `namespace`, `uid` and
/// `resourceVersion`.
pub fn is_object_meta(api: &Api, def: &str) -> bool {
    let Some(Shape::Struct { fields }) = api.type_def(def).map(|t| &t.shape) else { return false };
    ["name", "namespace", "uid", "resourceVersion"]
        .iter()
        .all(|wire| fields.iter().any(|f| f.wire == *wire && f.ty == TypeRef::String && !f.required))
}

/// The metadata fields' Rust names, in the order name, namespace, uid, resourceVersion.
pub fn meta_idents(api: &Api, def: &str) -> Vec<String> {
    let Some(Shape::Struct { fields }) = api.type_def(def).map(|t| &t.shape) else { return Vec::new() };
    ["name", "namespace", "uid", "resourceVersion"]
        .iter()
        .filter_map(|wire| fields.iter().find(|f| f.wire == *wire).map(|f| f.ident.clone()))
        .collect()
}
