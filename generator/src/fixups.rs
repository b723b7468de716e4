//! Corrections of known upstream spec bugs, applied to the loaded spec before the IR is built.
//! The input file and the emitted code are never edited by hand; each fixup here names the
//! bug, matches it precisely, and reports whether it changed anything.

use crate::load::model::{Gvk, Spec};

/// A fixup: its name (reported when applied) and the function that applies it.
struct Fixup {
    name: &'static str,
    apply: fn(&mut Spec) -> bool,
}

const FIXUPS: &[Fixup] = &[Fixup { name: "connect-options-gvk", apply: connect_options_gvk }];

/// Applies every fixup; returns the names of those that changed the spec.
pub fn apply(spec: &mut Spec) -> Vec<String> {
    FIXUPS.iter().filter(|f| (f.apply)(spec)).map(|f| f.name.to_string()).collect()
}

/// Kubernetes before the k8s-pb patch (kubernetes/kubernetes#104386 era specs) names
/// non-existent kinds such as `PodExecOptions` in the `x-kubernetes-group-version-kind` of the
/// `connect` operations of pods, nodes and services. They address the Pod, Node and Service
/// resources, so the kind is corrected to those.
fn connect_options_gvk(spec: &mut Spec) -> bool {
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
        if op.action.as_deref() != Some("connect") || declared(gvk, spec) {
            continue;
        }
        if let Some((_, kind)) = REAL_KIND.iter().find(|(wrong, _)| *wrong == gvk.kind) {
            changed.push((i, Gvk { kind: kind.to_string(), ..gvk.clone() }));
        }
    }
    for (i, gvk) in &changed {
        spec.operations[*i].gvk = Some(gvk.clone());
    }
    !changed.is_empty()
}
