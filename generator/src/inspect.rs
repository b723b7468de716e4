//! `inspect`: what a spec holds, from the IR: group-versions, their resources (kind, plural,
//! scope, verbs, subresources) and operation counts; as a table or as JSON.

use crate::ir::{Api, Scope};
use serde::Serialize;
use std::collections::BTreeMap;

/// One group-version.
#[derive(Debug, Serialize, PartialEq)]
pub struct GroupVersion {
    /// `v1` for the core group, `group/version` otherwise.
    pub group_version: String,
    pub operations: usize,
    pub resources: Vec<ResourceSummary>,
}

/// One resource of a group-version.
#[derive(Debug, Serialize, PartialEq)]
pub struct ResourceSummary {
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
    pub verbs: Vec<String>,
    pub subresources: Vec<String>,
    pub operations: usize,
    /// `extensions` when the spec's `x-kubernetes-*` extensions declare it, `inferred` when
    /// [`crate::infer`] found it from the paths of a spec without them.
    pub source: &'static str,
}

/// The summary, sorted by group-version and plural.
pub fn summarize(api: &Api) -> Vec<GroupVersion> {
    let gv = crate::vocabulary::api_version;
    let mut out: BTreeMap<String, GroupVersion> = BTreeMap::new();
    for op in &api.operations {
        if let Some(key) = &op.resource {
            let name = gv(&key.group, &key.version);
            out.entry(name.clone())
                .or_insert_with(|| GroupVersion { group_version: name, operations: 0, resources: Vec::new() })
                .operations += 1;
        }
    }
    for r in &api.resources {
        let name = gv(&r.gvk.group, &r.gvk.version);
        let operations = api.operations.iter().filter(|o| o.resource.as_ref().is_some_and(|k| r.is(k))).count();
        out.entry(name.clone())
            .or_insert_with(|| GroupVersion { group_version: name, operations: 0, resources: Vec::new() })
            .resources
            .push(ResourceSummary {
                kind: r.gvk.kind.clone(),
                plural: r.plural.clone(),
                namespaced: r.scope == Scope::Namespaced,
                verbs: r.verbs.iter().map(|v| v.as_str().to_string()).collect(),
                subresources: r.subresources.iter().map(|s| s.name.clone()).collect(),
                operations,
                source: if r.inferred { "inferred" } else { "extensions" },
            });
    }
    out.into_values().collect()
}

/// The summary as an aligned text table.
pub fn table(summary: &[GroupVersion]) -> String {
    let mut rows = vec![[
        "GROUP-VERSION".to_string(),
        "KIND".into(),
        "PLURAL".into(),
        "SCOPE".into(),
        "VERBS".into(),
        "SUBRESOURCES".into(),
        "OPS".into(),
        "SOURCE".into(),
    ]];
    for gv in summary {
        for r in &gv.resources {
            rows.push([
                gv.group_version.clone(),
                r.kind.clone(),
                r.plural.clone(),
                if r.namespaced { "Namespaced" } else { "Cluster" }.into(),
                r.verbs.join(","),
                r.subresources.join(","),
                r.operations.to_string(),
                r.source.to_string(),
            ]);
        }
    }
    let widths: Vec<usize> = (0..8).map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0)).collect();
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    let resources: usize = summary.iter().map(|g| g.resources.len()).sum();
    let operations: usize = summary.iter().map(|g| g.operations).sum();
    text.push_str(&format!(
        "\n{} group-versions, {resources} resources, {operations} resource operations\n",
        summary.len()
    ));
    text
}
