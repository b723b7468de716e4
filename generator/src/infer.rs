//! Inference of Kubernetes meaning for specs that do not carry Kubernetes' extensions.
//!
//! The API server writes `x-kubernetes-action` on every operation and
//! `x-kubernetes-group-version-kind` on operations and definitions; swaggers published by
//! projects that build their own API servers (KubeVirt's `api/openapi-spec/swagger.json`, ...)
//! often write neither, and without them no resource, sensor or `TypeMeta` would come out.
//! This step fills in what is missing, from what Kubernetes' REST conventions fix, and only
//! where the extensions are absent (an operation or definition that has them is never changed):
//!
//! - the action of an operation on a resource path: from its method and whether the path
//!   names one object ([`Action::infer`]); `GET` under the deprecated `/watch/` prefix is a watch;
//! - the group and version: from the path (`/apis/{group}/{version}`, `/api/{version}`);
//! - the kind of a collection: from the definition its read operation returns, else its create
//!   operation's body, else its list operation's `items`; named by that definition's `kind`
//!   enum if it has one value, else the definition's last name segment (`v1.VirtualMachine`);
//! - the list kind: the definition the list operation returns, with `kind` + `List`.
//!
//! Operations changed here are marked `inferred`, so `inspect` can say where a resource came from.

use crate::load::model::{Action, Gvk, Operation, Schema, SchemaKind, Spec};
use crate::vocabulary::ResourcePath;
use std::collections::{BTreeMap, BTreeSet};

/// Fills in actions and group/version/kinds where the spec has none; returns how many
/// operations it changed.
pub fn apply(spec: &mut Spec) -> usize {
    for op in &mut spec.operations {
        let Ok(path) = ResourcePath::parse(&op.path) else { continue };
        if op.action.is_none() {
            if let Some(action) = Action::infer(&op.method, path.is_named(), path.legacy_watch) {
                op.action = Some(action);
                op.inferred = true;
            }
        }
    }
    let kinds = collection_kinds(spec);
    let declared: BTreeSet<String> =
        spec.definitions.iter().filter(|(_, s)| !s.gvks.is_empty()).map(|(name, _)| name.clone()).collect();
    for (def, gvk) in kinds.values().flat_map(CollectionKind::definitions) {
        match spec.definitions.get_mut(&def) {
            Some(schema) if !declared.contains(&def) && !schema.gvks.contains(&gvk) => {
                schema.gvks.push(gvk);
                schema.gvks.sort();
            }
            _ => {}
        }
    }
    for op in &mut spec.operations {
        let Ok(path) = ResourcePath::parse(&op.path) else { continue };
        if op.gvk.is_some() || op.action == Some(Action::Connect) {
            continue;
        }
        let Some(kind) = kinds.get(&path.collection()) else { continue };
        op.gvk = match &path.subresource {
            None => Some(kind.object.clone()),
            // A subresource speaks the resource's own kind when it answers with it (status);
            // others (scale, eviction) speak the kind their definition declares, if any.
            Some(_) => response_ref(op).and_then(|def| {
                if def == kind.object_def {
                    Some(kind.object.clone())
                } else {
                    spec.definitions.get(&def).and_then(|d| (d.gvks.len() == 1).then(|| d.gvks[0].clone()))
                }
            }),
        };
        op.inferred |= op.gvk.is_some();
    }
    spec.operations.iter().filter(|o| o.inferred).count()
}

/// What a collection serves, as inferred.
struct CollectionKind {
    object_def: String,
    object: Gvk,
    list: Option<(String, Gvk)>,
}

impl CollectionKind {
    fn definitions(&self) -> Vec<(String, Gvk)> {
        let mut out = vec![(self.object_def.clone(), self.object.clone())];
        out.extend(self.list.clone());
        out
    }
}

/// The kind of every collection whose operations carry no group/version/kind.
fn collection_kinds(spec: &Spec) -> BTreeMap<ResourcePath, CollectionKind> {
    #[derive(Default)]
    struct Evidence {
        read: Option<String>,
        create: Option<String>,
        list: Option<String>,
    }
    let mut evidence: BTreeMap<ResourcePath, Evidence> = BTreeMap::new();
    for op in &spec.operations {
        let Ok(path) = ResourcePath::parse(&op.path) else { continue };
        if path.subresource.is_some() || path.legacy_watch || op.gvk.is_some() {
            continue;
        }
        let entry = evidence.entry(path.collection()).or_default();
        match op.action {
            Some(Action::Get) => entry.read = entry.read.take().or_else(|| response_ref(op)),
            Some(Action::Post) => entry.create = entry.create.take().or_else(|| body_ref(op)),
            Some(Action::List) => entry.list = entry.list.take().or_else(|| response_ref(op)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for (path, e) in evidence {
        let items = e.list.as_deref().and_then(|list| list_items(spec, list));
        let Some(object_def) = e.read.or(e.create).or(items) else { continue };
        let Some(schema) = spec.definitions.get(&object_def) else { continue };
        let kind = kind_enum(schema).unwrap_or_else(|| last_segment(&object_def).to_string());
        let gvk = |kind: String| Gvk { group: path.group.clone(), version: path.version.clone(), kind };
        // A definition that declares its kind for this group-version is taken at its word.
        let declared = schema.gvks.iter().find(|g| g.group == path.group && g.version == path.version).cloned();
        let object = declared.unwrap_or_else(|| gvk(kind.clone()));
        let list = e.list.filter(|l| l != &object_def).map(|l| {
            let list_kind = spec.definitions.get(&l).and_then(kind_enum).unwrap_or_else(|| format!("{kind}List"));
            (l, gvk(list_kind))
        });
        out.insert(path, CollectionKind { object_def, object, list });
    }
    out
}

fn last_segment(def: &str) -> &str {
    def.rsplit('.').next().unwrap_or(def)
}

/// The single value of a definition's `kind` enum.
fn kind_enum(schema: &Schema) -> Option<String> {
    let SchemaKind::Object { properties, .. } = &schema.kind else { return None };
    match properties.get("kind")?.enum_values.as_slice() {
        [serde_json::Value::String(kind)] => Some(kind.clone()),
        _ => None,
    }
}

fn as_ref(schema: &Schema) -> Option<String> {
    match &schema.kind {
        SchemaKind::Ref(name) => Some(name.clone()),
        _ => None,
    }
}

/// The definition of the first successful response.
fn response_ref(op: &Operation) -> Option<String> {
    ["200", "201", "202"]
        .iter()
        .find_map(|status| op.responses.iter().find(|r| r.status == *status)?.schema.as_ref().and_then(as_ref))
}

fn body_ref(op: &Operation) -> Option<String> {
    op.body.as_ref().and_then(|b| as_ref(&b.schema))
}

/// The definition a list type's `items` hold.
fn list_items(spec: &Spec, list: &str) -> Option<String> {
    let SchemaKind::Object { properties, .. } = &spec.definitions.get(list)?.kind else { return None };
    match &properties.get("items")?.kind {
        SchemaKind::Array { items } => as_ref(items),
        _ => None,
    }
}
