//! Generates the Kubernetes subset this crate uses into `$OUT_DIR/k8s.rs` (included by
//! src/lib.rs). Cargo reruns it only when the spec file changes.

use std::path::Path;
use std::process::ExitCode;

/// The resources of the platform team's five changes (README, "worked example").
const RESOURCES: &[&str] = &[
    "secrets",
    "deployments",
    "roles",
    "rolebindings",
    "clusterroles",
    "clusterrolebindings",
    // `horizontalpodautoscalers` alone is autoscaling v1 and v2: only v2 has metrics.
    "autoscaling/v2/horizontalpodautoscalers",
    "networkpolicies",
];

fn main() -> ExitCode {
    // The spec sits beside the workspace; the build script's own directory is this package's.
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let generated = k8s_packgen::Builder::new()
        .spec(workspace.join("../shared/specs/kubernetes/v1.36.0.json"))
        .resources(RESOURCES.iter().copied())
        .client(true)
        .actions(true)
        .sensors(true)
        .write_module_to_out_dir("k8s.rs");
    match generated {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            // Cargo shows a failed build script's stderr: the generator's error names the file.
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
