//! Nothing but the dependencies: `cargo build` of this crate measures the cost of kube + k8s-openapi.
pub use k8s_openapi;
pub use kube;
