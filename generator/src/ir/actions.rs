//! Where operations go: one `actions` module per resource (`actions::core::v1::secrets`), named
//! after the group, version and plural; and the query parameter sets they share.

use super::names::{module_ident, snake_ident};
use super::{Operation, Param, ParamLocation, Resource, TypeRef};
use heck::ToUpperCamelCase;
use std::collections::BTreeMap;

/// The module of a group: `core` for the core group, the first label of a Kubernetes group
/// (`rbac.authorization.k8s.io` -> `rbac`) or of a one-label group (`apps`), and the whole group
/// otherwise (`example.com` -> `example_com`). Kubernetes groups whose first labels collide
/// fall back to their whole name.
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
    groups
        .into_iter()
        .map(|g| {
            let name = short(g);
            let name = if count[&name] > 1 { module_ident(g) } else { name };
            (g.to_string(), name)
        })
        .collect()
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
/// operations the group-version, group or root module their path names.
pub fn assign_modules(operations: &mut [Operation], resources: &[Resource]) {
    let groups = group_modules(operations.iter().filter_map(|o| path_group(&o.path)));
    for op in operations.iter_mut() {
        let mut module = Vec::new();
        if let Some(group) = path_group(&op.path) {
            module.push(groups[group].clone());
            let segments: Vec<&str> = op.path.trim_matches('/').split('/').collect();
            let version = if group.is_empty() { segments.get(1) } else { segments.get(2) };
            if let Some(version) = version {
                module.push(module_ident(version));
            }
        }
        if let Some(key) = &op.resource {
            let kind = resources
                .iter()
                .find(|r| r.gvk.group == key.group && r.gvk.version == key.version && r.plural == key.plural)
                .map(|r| r.gvk.kind.clone());
            match kind {
                Some(kind) => module.push(plural_module(&key.plural, &kind)),
                None => module.push(module_ident(&key.plural)),
            }
        }
        op.module = module;
    }
}

/// The group a path is under: `""` for `/api/...`, the group for `/apis/GROUP/...`.
fn path_group(path: &str) -> Option<&str> {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next()) {
        (Some("api"), _) => Some(""),
        (Some("apis"), Some(group)) if !group.is_empty() => Some(group),
        _ => None,
    }
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
            format!("{}Query", operations[ops[0]].id.to_upper_camel_case())
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
    Some(match op.action.as_deref()? {
        "get" => "Get",
        "list" | "watch" | "watchlist" => "ListWatch",
        "post" => "Create",
        "put" => "Update",
        "patch" => "Patch",
        "delete" => "Delete",
        "deletecollection" => "DeleteCollection",
        _ => return None,
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
        assert_eq!(plural_module("networkpolicies", "NetworkPolicy"), "network_policies");
        assert_eq!(plural_module("rolebindings", "RoleBinding"), "role_bindings");
        assert_eq!(plural_module("horizontalpodautoscalers", "HorizontalPodAutoscaler"), "horizontal_pod_autoscalers");
        assert_eq!(plural_module("endpoints", "Endpoints"), "endpoints");
        assert_eq!(plural_module("mysqldbs", "MysqlDb"), "mysql_dbs");
        assert_eq!(plural_module("odd", "NetworkPolicy"), "odd");
    }
}
