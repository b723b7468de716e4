//! What the pack needs from the IR, read in one place: the actions of the crate's registry with
//! their parameter tables, and the watchable resources. The pack's emitters read only these.

use crate::ir::special::is_token;
use crate::ir::{Api, Field, Operation, ParamLocation, Scope, Shape, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// One action of the emitted crate's `actions::REGISTRY`.
pub struct ActionView<'a> {
    /// The operationId: the action's name in the registry and in the pack.
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub method: String,
    pub path: &'a str,
    pub params: Vec<ParamView<'a>>,
    pub body: Option<BodyView>,
}

/// The JSON type of a path or query parameter, as the crate's actions check it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Boolean,
}

/// One path or query parameter of an action.
pub struct ParamView<'a> {
    pub name: &'a str,
    pub kind: Kind,
    pub required: bool,
    pub description: Option<&'a str>,
}

/// An action's body.
pub struct BodyView {
    pub required: bool,
    /// A patch: its kind comes from the `patchType` parameter, a JSON patch is an array.
    pub patch: bool,
    /// The definition the body is, if it is one (`io.k8s.api.core.v1.Secret`).
    pub type_name: Option<String>,
    /// The body can hold secret values (Secret data, bearer tokens), directly or nested.
    pub secret: bool,
}

/// Every action of the registry, sorted by name as the registry is.
pub fn actions(api: &Api) -> Vec<ActionView<'_>> {
    let mut secrets = SecretCache::default();
    let mut out: Vec<ActionView> = api
        .operations
        .iter()
        .filter(|op| op.has_action())
        .map(|op| ActionView {
            name: &op.id,
            description: op.doc.as_deref(),
            method: op.method.to_uppercase(),
            path: &op.path,
            params: op
                .params
                .iter()
                .filter(|p| p.location != ParamLocation::Header)
                .map(|p| ParamView {
                    name: &p.wire,
                    kind: kind(&p.ty),
                    required: p.required,
                    description: p.doc.as_deref(),
                })
                .collect(),
            body: op.body.as_ref().map(|body| BodyView {
                required: body.required,
                patch: op.method == "patch",
                type_name: body.ty.definition().map(str::to_string),
                secret: body_carries_secrets(api, op, &mut secrets),
            }),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(b.name));
    out
}

fn kind(ty: &TypeRef) -> Kind {
    match crate::ir::actions::param_kind(ty) {
        "Integer" => Kind::Integer,
        "Boolean" => Kind::Boolean,
        _ => Kind::String,
    }
}

/// One watchable resource: a sensor of the crate's `sensors::REGISTRY`.
pub struct SensorView {
    /// `core/v1/secrets`: what `k8s-pack sense` takes, unique across groups.
    pub name: String,
    pub kind: String,
    /// `v1`, `apps/v1`.
    pub api_version: String,
    pub namespaced: bool,
    /// Its objects hold secret values, left out of triggers unless asked for.
    pub secret: bool,
}

/// Every sensor of the registry, sorted by name.
pub fn sensors(api: &Api) -> Vec<SensorView> {
    api.sensors
        .defs
        .iter()
        .map(|def| {
            let gvk = &def.resource.gvk;
            SensorView {
                name: def.name.clone(),
                kind: gvk.kind.clone(),
                api_version: gvk.api_version(),
                namespaced: def.resource.scope == Scope::Namespaced,
                secret: !def.sensitive.is_empty(),
            }
        })
        .collect()
}

/// Whether a definition reaches a secret field, by definition: bodies share a few types.
#[derive(Default)]
struct SecretCache(BTreeMap<String, bool>);

/// The body's definition, or for a patch the kind of the resource it patches, reaches a field
/// holding secret values.
fn body_carries_secrets(api: &Api, op: &Operation, cache: &mut SecretCache) -> bool {
    let body = op.body.as_ref().and_then(|b| b.ty.definition()).map(str::to_string);
    let patched =
        op.resource.as_ref().filter(|_| op.method == "patch").and_then(|key| Some(api.resource(key)?.type_def.clone()));
    body.into_iter()
        .chain(patched)
        .any(|def| *cache.0.entry(def.clone()).or_insert_with(|| reaches_secret(api, &def, &mut BTreeSet::new())))
}

/// A depth-first walk over the types a definition refers to, each visited once.
fn reaches_secret(api: &Api, def: &str, seen: &mut BTreeSet<String>) -> bool {
    if !seen.insert(def.to_string()) {
        return false;
    }
    let Some(shape) = api.type_def(def).map(|t| &t.shape) else { return false };
    let secret = |f: &Field| f.sensitive || is_token(def, &f.wire);
    let holds = matches!(shape, Shape::Struct { fields } if fields.iter().any(secret));
    holds || shape.references().into_iter().any(|r| reaches_secret(api, r, seen))
}
