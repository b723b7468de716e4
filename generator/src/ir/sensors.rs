//! Sensors: which resources can be watched, through which list paths, and how their objects'
//! metadata is read. A resource gets a sensor when it has `list` and `watch` verbs and a list
//! operation (`x-kubernetes-action: list`, not under the deprecated `/watch/` prefix) that takes
//! the `watch` parameter, and when its kind has an `ObjectMeta`-shaped `metadata` field.
//! Decided here, in full, when the IR is built: emission and the StackStorm pack only render.

use super::{Action, Api, Resource, Shape, TypeRef, Verb};
use std::collections::BTreeSet;

/// Every sensor of the API and what the `sensors` root module implements for them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sensors {
    /// Every watchable resource, sorted by name.
    pub defs: Vec<SensorDef>,
    /// The metadata types the root module implements `Metadata` for, sorted by definition:
    /// each with its fields' Rust names (name, namespace, uid, resourceVersion).
    pub metas: Vec<(String, [String; 4])>,
    /// The metadata of custom resources: the spec's standard `ObjectMeta` when it has one
    /// (else custom resources' metadata is untyped JSON).
    pub dynamic_meta: Option<String>,
}

/// One watchable resource.
#[derive(Clone, Debug, PartialEq)]
pub struct SensorDef {
    /// `core/v1/secrets`, `apps/v1/deployments`: unique across groups.
    pub name: String,
    pub resource: Resource,
    /// This sensor's module implements `Object` for the kind: the first of the resources that
    /// share one kind.
    pub object_impl: bool,
    /// The kind's `TypeMeta` and `Resource` impls describe this resource, so the sensor reads
    /// its apiVersion, kind and plural from them (false only where one kind serves two
    /// resources and the impls are the other's).
    pub from_kind: bool,
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

/// Every watchable resource of `api`, and the metadata impls they need.
pub fn sensors(api: &Api) -> Sensors {
    let mut defs: Vec<SensorDef> = api.resources.iter().filter_map(|r| sensor(api, r)).collect();
    defs.sort_by(|a, b| a.name.cmp(&b.name));
    // In the order emitted (by group-version module, then name), the first sensor of a kind
    // implements its `Object`.
    let mut order: Vec<&mut SensorDef> = defs.iter_mut().collect();
    order.sort_by(|a, b| {
        a.module[..a.module.len().saturating_sub(1)].cmp(&b.module[..b.module.len().saturating_sub(1)])
    });
    let mut kinds = BTreeSet::new();
    for def in order {
        def.object_impl = kinds.insert(def.resource.type_def.clone());
    }
    let mut metas: BTreeSet<&str> = defs.iter().map(|d| d.meta_def.as_str()).collect();
    let dynamic_meta = api.object_meta().filter(|meta| is_object_meta(api, meta)).map(str::to_string);
    metas.extend(dynamic_meta.as_deref());
    let metas = metas.into_iter().filter_map(|def| Some((def.to_string(), meta_idents(api, def)?))).collect();
    Sensors { defs, metas, dynamic_meta }
}

fn sensor(api: &Api, resource: &Resource) -> Option<SensorDef> {
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
        resource: resource.clone(),
        object_impl: false,
        from_kind: api.kind_describes(resource),
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
fn meta_idents(api: &Api, def: &str) -> Option<[String; 4]> {
    let Shape::Struct { fields } = &api.type_def(def)?.shape else { return None };
    let ident = |wire: &str| fields.iter().find(|f| f.wire == wire).map(|f| f.ident.clone());
    Some([ident("name")?, ident("namespace")?, ident("uid")?, ident("resourceVersion")?])
}
