//! Corrections of known upstream spec bugs, applied to the loaded spec before the IR is built.
//! The input file and the emitted code are never edited by hand; each fixup here names the
//! bug, matches it precisely, and reports whether it changed anything.

use crate::load::model::{Action, Gvk, Spec};

/// A fixup: its name (reported when applied) and the function that applies it, returning the
/// operationIds it changed.
struct Fixup {
    name: &'static str,
    apply: fn(&mut Spec) -> Vec<String>,
}

const FIXUPS: &[Fixup] = &[
    Fixup { name: "connect-options-gvk", apply: connect_options_gvk },
    Fixup { name: "request-bodies-required", apply: request_bodies_required },
];

/// Applies every fixup; records in `spec.fixups_applied` the names of those that changed the
/// spec, and in `spec.notes` what they changed.
pub fn apply(spec: &mut Spec) {
    for fixup in FIXUPS {
        let changed = (fixup.apply)(spec);
        if changed.is_empty() {
            continue;
        }
        const SHOWN: usize = 5;
        let more = changed.len().saturating_sub(SHOWN);
        let mut list = changed.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        spec.notes.push(format!("fixup {}: changed {} operations ({list})", fixup.name, changed.len()));
        spec.fixups_applied.push(fixup.name.to_string());
    }
}

/// Kubernetes before the k8s-pb patch (kubernetes/kubernetes#104386 era specs) names
/// non-existent kinds such as `PodExecOptions` in the `x-kubernetes-group-version-kind` of the
/// `connect` operations of pods, nodes and services. They address the Pod, Node and Service
/// resources, so the kind is corrected to those.
fn connect_options_gvk(spec: &mut Spec) -> Vec<String> {
    const REAL_KIND: &[(&str, &str)] = &[
        ("PodAttachOptions", "Pod"),
        ("PodExecOptions", "Pod"),
        ("PodPortForwardOptions", "Pod"),
        ("PodProxyOptions", "Pod"),
        ("NodeProxyOptions", "Node"),
        ("ServiceProxyOptions", "Service"),
    ];
    let declared = |gvk: &Gvk, spec: &Spec| spec.definitions.values().any(|d| d.gvks.contains(gvk));
    let mut changed = Vec::new();
    for (i, op) in spec.operations.iter().enumerate() {
        let Some(gvk) = &op.gvk else { continue };
        if op.action != Some(Action::Connect) || declared(gvk, spec) {
            continue;
        }
        if let Some((_, kind)) = REAL_KIND.iter().find(|(wrong, _)| *wrong == gvk.kind) {
            changed.push((i, Gvk { kind: kind.to_string(), ..gvk.clone() }));
        }
    }
    let mut ids = Vec::new();
    for (i, gvk) in changed {
        spec.operations[i].gvk = Some(gvk);
        ids.push(spec.operations[i].id.clone());
    }
    ids
}

/// The OpenAPI 3.0 documents of Kubernetes releases before 1.28 (and aggregated API servers
/// built on them) leave `required` off every request body, which would make create, replace
/// and patch bodies optional. The API server rejects those requests without a body, so their
/// bodies are required whatever the document says; deletes keep their optional options body.
fn request_bodies_required(spec: &mut Spec) -> Vec<String> {
    let mut ids = Vec::new();
    for op in &mut spec.operations {
        let writes = matches!(op.action, Some(Action::Post | Action::Put | Action::Patch));
        match &mut op.body {
            Some(body) if writes && !body.required => {
                body.required = true;
                ids.push(op.id.clone());
            }
            _ => {}
        }
    }
    ids
}
