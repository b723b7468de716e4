//! `--resources` and `--groups`: narrows the IR to some resources, their operations and every
//! type those reach (fields, bodies, responses, parameters, list types), before emission, so
//! the emitters see a smaller but complete API and need not know about selection.

use super::{Api, Resource, ResourceKey, TypeRef};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};

/// What to keep. Empty lists keep everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Plurals or kinds, case-insensitive, optionally qualified: `deployments`, `Deployment`,
    /// `deployments.apps`, `apps/v1/deployments`, `Deployment.apps/v1`, `v1/secrets`.
    pub resources: Vec<String>,
    /// API groups; `core` or the empty string is the core group.
    pub groups: Vec<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.groups.is_empty()
    }
}

/// A `--resources` entry taken apart.
#[derive(Debug, PartialEq)]
struct Wanted {
    name: String,
    group: Option<String>,
    version: Option<String>,
}

fn is_version(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else { return false };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    rest.is_empty()
        || ["alpha", "beta"]
            .iter()
            .any(|p| rest.strip_prefix(p).is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())))
}

fn group_name(group: &str) -> String {
    if group.eq_ignore_ascii_case("core") {
        String::new()
    } else {
        group.to_ascii_lowercase()
    }
}

/// `name[.group][/version]`, `group/version/name`, `version/name` (core) or `group/name`.
fn parse(entry: &str) -> Option<Wanted> {
    let dotted = |s: &str, version: Option<String>| {
        let (name, group) = match s.split_once('.') {
            Some((n, g)) => (n, Some(group_name(g))),
            None => (s, None),
        };
        Wanted { name: name.to_ascii_lowercase(), group, version }
    };
    let segments: Vec<&str> = entry.split('/').collect();
    let wanted = match segments.as_slice() {
        [one] => dotted(one, None),
        [first, second] if is_version(second) => {
            let mut w = dotted(first, Some(second.to_string()));
            w.group.get_or_insert_with(String::new);
            w
        }
        [first, name] if is_version(first) => {
            Wanted { name: name.to_ascii_lowercase(), group: Some(String::new()), version: Some(first.to_string()) }
        }
        [group, name] => Wanted { name: name.to_ascii_lowercase(), group: Some(group_name(group)), version: None },
        [group, version, name] => Wanted {
            name: name.to_ascii_lowercase(),
            group: Some(group_name(group)),
            version: Some(version.to_string()),
        },
        _ => return None,
    };
    (!wanted.name.is_empty()).then_some(wanted)
}

/// How a resource is named back to the user: `deployments.apps (apps/v1)`.
fn describe(r: &Resource) -> String {
    let gv = r.gvk.api_version();
    if r.gvk.group.is_empty() {
        format!("{} ({gv})", r.plural)
    } else {
        format!("{}.{} ({gv})", r.plural, r.gvk.group)
    }
}

/// Up to three suggestions whose names are close to `name`, best first. `known` pairs a name
/// to compare with the suggestion it stands for (a kind suggests its plural).
fn close_matches<'a>(name: &str, known: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut best: BTreeMap<&str, f64> = BTreeMap::new();
    for (compared, suggestion) in known {
        let score = strsim::jaro_winkler(name, &compared.to_ascii_lowercase());
        let entry = best.entry(suggestion).or_insert(score);
        *entry = entry.max(score);
    }
    let mut scored: Vec<(f64, &str)> = best.into_iter().filter(|(_, s)| *s >= 0.8).map(|(k, s)| (s, k)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, k)| k.to_string()).collect()
}

fn did_you_mean(matches: &[String]) -> String {
    match matches {
        [] => String::new(),
        _ => format!("; did you mean {}?", matches.join(", ")),
    }
}

/// The resources `selection` names, by key. Errors name the entry and the candidates.
fn select(api: &Api, selection: &Selection) -> Result<BTreeSet<ResourceKey>> {
    let known_groups: BTreeSet<&str> = api.resources.iter().map(|r| r.gvk.group.as_str()).collect();
    let mut groups = BTreeSet::new();
    for g in &selection.groups {
        let g = group_name(g.trim());
        if !known_groups.contains(g.as_str()) {
            let names = known_groups.iter().map(|g| if g.is_empty() { "core" } else { g }).map(|g| (g, g));
            return Err(Error::Selection {
                option: "--groups",
                message: format!("no API group {g:?} in the spec{}", did_you_mean(&close_matches(&g, names))),
            });
        }
        groups.insert(g);
    }
    let in_groups = |r: &&Resource| groups.is_empty() || groups.contains(&r.gvk.group);
    let candidates: Vec<&Resource> = api.resources.iter().filter(in_groups).collect();
    if selection.resources.is_empty() {
        return Ok(candidates.iter().map(|r| key(r)).collect());
    }
    let mut keys = BTreeSet::new();
    for entry in &selection.resources {
        let entry = entry.trim();
        let wanted = parse(entry).ok_or_else(|| Error::Selection {
            option: "--resources",
            message: format!("{entry:?} is not a resource name (plural, Kind, plural.group or group/version/plural)"),
        })?;
        let matches: Vec<&Resource> = candidates
            .iter()
            .copied()
            .filter(|r| r.plural == wanted.name || r.gvk.kind.to_ascii_lowercase() == wanted.name)
            .filter(|r| wanted.group.as_ref().is_none_or(|g| *g == r.gvk.group))
            .filter(|r| wanted.version.as_ref().is_none_or(|v| *v == r.gvk.version))
            .collect();
        if matches.is_empty() {
            // Plurals are the canonical names; a kind close to the entry suggests its plural.
            let names = candidates
                .iter()
                .flat_map(|r| [(r.plural.as_str(), r.plural.as_str()), (r.gvk.kind.as_str(), r.plural.as_str())]);
            let scope = if groups.is_empty() { String::new() } else { " in the selected --groups".to_string() };
            return Err(Error::Selection {
                option: "--resources",
                message: format!("no resource {entry:?}{scope}{}", did_you_mean(&close_matches(&wanted.name, names))),
            });
        }
        let match_groups: BTreeSet<&str> = matches.iter().map(|r| r.gvk.group.as_str()).collect();
        if match_groups.len() > 1 {
            let listed: Vec<String> = matches.iter().map(|r| describe(r)).collect();
            return Err(Error::Selection {
                option: "--resources",
                message: format!(
                    "{entry:?} is ambiguous: {}; qualify it with its group (plural.group, or group/version/plural; core for the core group)",
                    listed.join(", ")
                ),
            });
        }
        // One group, maybe several versions (autoscaling v1 and v2): all of them.
        keys.extend(matches.iter().map(|r| key(r)));
    }
    Ok(keys)
}

fn key(r: &Resource) -> ResourceKey {
    ResourceKey { group: r.gvk.group.clone(), version: r.gvk.version.clone(), plural: r.plural.clone() }
}

/// Keeps the selected resources, their operations (with `--groups` alone, also the group's
/// discovery operations) and the types they reach.
pub fn apply(api: &mut Api, selection: &Selection) -> Result<()> {
    if selection.is_empty() {
        return Ok(());
    }
    let keys = select(api, selection)?;
    let whole_groups: Option<BTreeSet<String>> =
        selection.resources.is_empty().then(|| selection.groups.iter().map(|g| group_name(g.trim())).collect());
    api.resources.retain(|r| keys.contains(&key(r)));
    api.operations.retain(|op| match &op.resource {
        Some(k) => keys.contains(k),
        None => whole_groups
            .as_ref()
            .is_some_and(|groups| crate::vocabulary::api_prefix(&op.path).is_some_and(|(g, _)| groups.contains(g))),
    });

    let used: BTreeSet<String> = api.operations.iter().filter_map(|op| op.query.clone()).collect();
    api.query_sets.retain(|name, _| used.contains(name));

    let mut roots: Vec<String> = Vec::new();
    for r in &api.resources {
        roots.push(r.type_def.clone());
        roots.extend(r.list_def.clone());
    }
    let mut refs = Vec::new();
    for op in &api.operations {
        refs.extend(op.params.iter().map(|p| &p.ty));
        refs.extend(op.body.iter().map(|b| &b.ty));
        refs.extend(op.responses.iter().filter_map(|(_, t)| t.as_ref()));
    }
    for set in api.query_sets.values() {
        refs.extend(set.iter().map(|p| &p.ty));
    }
    roots.extend(refs.into_iter().filter_map(TypeRef::definition).map(str::to_string));
    let reached = closure(api, roots);
    api.types.retain(|name, _| reached.contains(name));
    Ok(())
}

/// Every definition reachable from `roots` through fields and aliases.
fn closure(api: &Api, roots: Vec<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(t) = api.types.get(&name) else { continue };
        stack.extend(t.shape.references().into_iter().map(str::to_string));
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(name: &str, group: Option<&str>, version: Option<&str>) -> Option<Wanted> {
        Some(Wanted { name: name.into(), group: group.map(Into::into), version: version.map(Into::into) })
    }

    #[test]
    fn entries_parse_in_every_spelling() {
        assert_eq!(parse("Deployments"), w("deployments", None, None));
        assert_eq!(parse("deployments.apps"), w("deployments", Some("apps"), None));
        assert_eq!(parse("apps/v1/deployments"), w("deployments", Some("apps"), Some("v1")));
        assert_eq!(parse("Deployment.apps/v1"), w("deployment", Some("apps"), Some("v1")));
        assert_eq!(parse("v1/secrets"), w("secrets", Some(""), Some("v1")));
        assert_eq!(parse("core/v1/secrets"), w("secrets", Some(""), Some("v1")));
        assert_eq!(parse("secrets.core"), w("secrets", Some(""), None));
        assert_eq!(parse("Secret/v1"), w("secret", Some(""), Some("v1")));
        assert_eq!(parse("events.events.k8s.io"), w("events", Some("events.k8s.io"), None));
        assert_eq!(
            parse("rbac.authorization.k8s.io/v1/roles"),
            w("roles", Some("rbac.authorization.k8s.io"), Some("v1"))
        );
        assert_eq!(
            parse("autoscaling/horizontalpodautoscalers"),
            w("horizontalpodautoscalers", Some("autoscaling"), None)
        );
        assert_eq!(parse("a/b/c/d"), None);
        assert_eq!(parse(""), None);
        assert!(is_version("v2beta1") && is_version("v1") && !is_version("v") && !is_version("vbeta1"));
    }
}
