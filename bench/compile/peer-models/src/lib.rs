//! Nothing but the dependency: `cargo build` of this crate measures the cost of k8s-openapi.
pub use k8s_openapi;
