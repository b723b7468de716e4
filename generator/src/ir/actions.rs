//! Where operations go: one `actions` module per resource (`actions::core::v1::secrets`), named
//! after the group, version and plural; and the query parameter sets they share.

use super::names::{dedupe, module_ident, snake_ident, Scope};
use super::{Action, Api, Operation, Param, ParamLocation, Resource, ResourceKey, TypeRef};
use crate::vocabulary::api_prefix;
use heck::ToUpperCamelCase;
use std::collections::{BTreeMap, BTreeSet};

/// The module of a group: `core` for the core group, the first label of a Kubernetes group
/// (`rbac.authorization.k8s.io` -> `rbac`) or of a one-label group (`apps`), and the whole group
/// otherwise (`example.com` -> `example_com`). Kubernetes groups whose first labels collide
/// fall back to their whole name; groups whose whole names still collide (`my-app.io`,
/// `my.app.io`) are told apart by a suffix, given to the group that sorts later.
pub fn group_modules<'a>(groups: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let short = |g: &str| -> String {
        if g.is_empty() {
            "core".to_string()
        } else if !g.contains('.') || g.ends_with(".k8s.io") {
            module_ident(g.split('.').next().unwrap_or(g))
        } else {
            module_ident(g)
        }
    };
    let groups: std::collections::BTreeSet<&str> = groups.into_iter().collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for g in &groups {
        *count.entry(short(g)).or_default() += 1;
    }
    let candidates: Vec<(String, String)> = groups
        .iter()
        .map(|g| {
            let name = short(g);
            let name = if count[&name] > 1 { module_ident(g) } else { name };
            (g.to_string(), name)
        })
        .collect();
    let names = dedupe(&candidates, "_");
    candidates.into_iter().map(|(g, _)| g).zip(names).collect()
}

/// A plural split into words by its kind's words: `networkpolicies` + `NetworkPolicy` ->
/// `network_policies`; as it is when they do not line up.
pub fn plural_module(plural: &str, kind: &str) -> String {
    let words: Vec<String> = snake_ident(kind).split('_').map(str::to_string).collect();
    let mut rest = plural;
    let mut parts = Vec::new();
    for word in &words[..words.len().saturating_sub(1)] {
        match rest.strip_prefix(word.as_str()) {
            Some(r) if !r.is_empty() => {
                parts.push(word.clone());
                rest = r;
            }
            _ => return module_ident(plural),
        }
    }
    parts.push(rest.to_string());
    module_ident(&parts.join("_"))
}

/// Sets `Operation::module` for every operation: its resource's module, or for discovery
/// operations the group-version, group or root module their path names. `groups` holds every
/// group's module ([`group_modules`]); versions are unique within a group, plurals within a
/// group-version (`Widgets` and `widgets` are two resources).
pub fn assign_modules(operations: &mut [Operation], resources: &[Resource], groups: &BTreeMap<String, String>) {
    let mut versions: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut version_scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let group_versions: BTreeSet<(String, String)> = operations
        .iter()
        .filter_map(|o| api_prefix(&o.path))
        .filter_map(|(g, v)| Some((g.to_string(), v?.to_string())))
        .collect();
    for (group, version) in group_versions {
        let name = version_scopes.entry(group.clone()).or_default().claim(&module_ident(&version), "_");
        versions.insert((group, version), name);
    }
    let mut plurals: BTreeMap<ResourceKey, String> = BTreeMap::new();
    let mut plural_scopes: BTreeMap<(String, String), Scope> = BTreeMap::new();
    let keys: BTreeSet<ResourceKey> = operations.iter().filter_map(|o| o.resource.clone()).collect();
    for key in keys {
        let kind = resources.iter().find(|r| r.is(&key)).map(|r| r.gvk.kind.as_str());
        let base = match kind {
            Some(kind) => plural_module(&key.plural, kind),
            None => module_ident(&key.plural),
        };
        let scope = plural_scopes.entry((key.group.clone(), key.version.clone())).or_default();
        let name = scope.claim(&base, "_");
        plurals.insert(key, name);
    }
    for op in operations.iter_mut() {
        let mut module = Vec::new();
        if let Some((group, version)) = api_prefix(&op.path) {
            module.extend(groups.get(group).cloned());
            module.extend(version.and_then(|v| versions.get(&(group.to_string(), v.to_string()))).cloned());
        }
        if let Some(key) = &op.resource {
            module.extend(plurals.get(key).cloned());
        }
        op.module = module;
    }
}

/// One shared parameter descriptor of the actions: the same parameter (`labelSelector`,
/// `resourceVersion`, ...) is described once, not per action.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ParamSpec {
    pub wire: String,
    /// `Path` or `Query`, as the runtime's `Location` names them.
    pub location: &'static str,
    /// `Integer`, `Boolean` or `String`, as the runtime's `ParamKind` names them.
    pub kind: &'static str,
    pub required: bool,
    pub description: String,
    /// The static's name (`PARAM_LABEL_SELECTOR`).
    pub name: String,
}

/// The runtime's `ParamKind` of a parameter's type: what JSON value an action takes for it.
pub fn param_kind(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::I32 | TypeRef::I64 => "Integer",
        TypeRef::Bool => "Boolean",
        _ => "String",
    }
}

fn spec_of(p: &Param) -> ParamSpec {
    let location = if p.location == ParamLocation::Path { "Path" } else { "Query" };
    let kind = param_kind(&p.ty);
    ParamSpec {
        wire: p.wire.clone(),
        location,
        kind,
        required: p.required,
        description: p.doc.clone().unwrap_or_default(),
        name: String::new(),
    }
}

/// Names the actions' statics: the parameter descriptors they share (set on each `Param`),
/// and each operation's descriptor (unique in its module; at the `actions` root also beside
/// `REGISTRY` and the parameter descriptors). Function names are made unique per module too
/// (`listWidget` and `list_widget` are both `list_widget`).
pub fn name_actions(operations: &mut [Operation]) -> Vec<ParamSpec> {
    let mut specs: BTreeMap<ParamSpec, String> = BTreeMap::new();
    for op in operations.iter().filter(|o| o.has_action()) {
        for p in op.params.iter().filter(|p| p.location != ParamLocation::Header) {
            specs.entry(spec_of(p)).or_default();
        }
    }
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for (spec, name) in specs.iter_mut() {
        let base = format!("PARAM_{}", snake_ident(&spec.wire).trim_end_matches('_').to_uppercase());
        let n = count.entry(base.clone()).or_default();
        *n += 1;
        *name = if *n == 1 { base } else { format!("{base}_{n}") };
    }
    for op in operations.iter_mut().filter(|o| o.has_action()) {
        for p in op.params.iter_mut().filter(|p| p.location != ParamLocation::Header) {
            p.spec = specs.get(&spec_of(p)).cloned();
        }
    }
    let mut by_module: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (i, op) in operations.iter().enumerate() {
        by_module.entry(op.module.clone()).or_default().push(i);
    }
    for (module, ops) in by_module {
        let candidates: Vec<(String, String)> =
            ops.iter().map(|&i| (operations[i].id.clone(), snake_ident(&operations[i].id))).collect();
        let idents = dedupe(&candidates, "_");
        let mut statics = if module.is_empty() {
            Scope::reserving(specs.values().map(String::as_str).chain(["REGISTRY"]))
        } else {
            Scope::reserving(["TARGET"])
        };
        for (&i, ident) in ops.iter().zip(idents) {
            operations[i].static_name = statics.claim(&ident.to_uppercase(), "_");
            operations[i].ident = ident;
        }
    }
    specs.into_iter().map(|(spec, name)| ParamSpec { name, ..spec }).collect()
}

/// Groups the operations' query parameters into shared structs and sets `Operation::query`.
/// A set used by several operations is named after their verbs (`ListWatchQuery`,
/// `CreateUpdateQuery`); a set only one operation uses, after that operation.
pub fn query_sets(operations: &mut [Operation]) -> BTreeMap<String, Vec<Param>> {
    type Key = Vec<(String, TypeRef)>;
    let key_of = |op: &Operation| -> Key {
        let mut key: Key = op
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Query)
            .map(|p| (p.wire.clone(), p.ty.clone()))
            .collect();
        key.sort();
        key
    };
    let mut users: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, op) in operations.iter().enumerate() {
        let key = key_of(op);
        if !key.is_empty() {
            users.entry(key).or_default().push(i);
        }
    }
    let mut candidates: Vec<(Key, String)> = Vec::new();
    for (key, ops) in &users {
        let name = if ops.len() == 1 {
            super::names::type_ident(&format!("{}Query", operations[ops[0]].id.to_upper_camel_case()))
        } else {
            let mut verbs: Vec<&str> = ops.iter().filter_map(|&i| verb_word(&operations[i])).collect();
            verbs.sort();
            verbs.dedup();
            format!("{}Query", verbs.concat())
        };
        candidates.push((key.clone(), name));
    }
    let keyed: Vec<(String, String)> = candidates.iter().map(|(k, n)| (format!("{k:?}"), n.clone())).collect();
    let names = super::names::dedupe(&keyed, "");
    let mut sets = BTreeMap::new();
    for ((key, _), name) in candidates.iter().zip(names) {
        let ops = &users[key];
        let mut params: Vec<Param> =
            operations[ops[0]].params.iter().filter(|p| p.location == ParamLocation::Query).cloned().collect();
        params.sort_by(|a, b| a.wire.cmp(&b.wire));
        for &i in ops {
            operations[i].query = Some(name.clone());
        }
        sets.insert(name, params);
    }
    sets
}

fn verb_word(op: &Operation) -> Option<&'static str> {
    Some(match op.action? {
        Action::Get => "Get",
        Action::List | Action::Watch | Action::WatchList => "ListWatch",
        Action::Post => "Create",
        Action::Put => "Update",
        Action::Patch => "Patch",
        Action::Delete => "Delete",
        Action::DeleteCollection => "DeleteCollection",
        Action::Connect => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_and_plural_modules() {
        let groups = group_modules(["", "apps", "rbac.authorization.k8s.io", "example.com", "networking.k8s.io"]);
        assert_eq!(groups[""], "core");
        assert_eq!(groups["rbac.authorization.k8s.io"], "rbac");
        assert_eq!(groups["example.com"], "example_com");
        let clash = group_modules(["foo.k8s.io", "foo.x.k8s.io"]);
        assert_eq!((clash["foo.k8s.io"].as_str(), clash["foo.x.k8s.io"].as_str()), ("foo_k8s_io", "foo_x_k8s_io"));
        let same = group_modules(["my-app.io", "my.app.io"]);
        assert_eq!((same["my-app.io"].as_str(), same["my.app.io"].as_str()), ("my_app_io", "my_app_io_2"));
        assert_eq!(plural_module("networkpolicies", "NetworkPolicy"), "network_policies");
        assert_eq!(plural_module("rolebindings", "RoleBinding"), "role_bindings");
        assert_eq!(plural_module("horizontalpodautoscalers", "HorizontalPodAutoscaler"), "horizontal_pod_autoscalers");
        assert_eq!(plural_module("endpoints", "Endpoints"), "endpoints");
        assert_eq!(plural_module("mysqldbs", "MysqlDb"), "mysql_dbs");
        assert_eq!(plural_module("odd", "NetworkPolicy"), "odd");
    }
}

/// The `TARGET` static of an actions module whose actions act on one resource: what they act
/// on, written once for all of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub group: String,
    pub version: String,
    pub resource: String,
    /// The definition of the resource's kind when the kind's `TypeMeta` and `Resource` impls
    /// describe this resource, so the target is spelled by them (`Target::of::<Kind>()`).
    pub kind: Option<String>,
}

/// The shared targets, by actions module, and each operation's `shared_target`: a module
/// gets one when its actions act on a single resource.
pub fn targets(api: &mut Api) {
    let mut keys: BTreeMap<Vec<String>, BTreeSet<ResourceKey>> = BTreeMap::new();
    for op in api.operations.iter().filter(|o| o.has_action()) {
        if let Some(key) = &op.resource {
            keys.entry(op.module.clone()).or_default().insert(key.clone());
        }
    }
    let mut targets = BTreeMap::new();
    for (module, keys) in keys {
        let mut keys = keys.into_iter();
        let (Some(key), None) = (keys.next(), keys.next()) else { continue };
        let kind = api.resource(&key).filter(|r| api.kind_describes(r)).map(|r| r.type_def.clone());
        targets.insert(module, Target { group: key.group, version: key.version, resource: key.plural, kind });
    }
    for op in api.operations.iter_mut() {
        op.shared_target = op.has_action() && op.resource.is_some() && targets.contains_key(&op.module);
    }
    api.targets = targets;
}
