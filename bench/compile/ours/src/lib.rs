//! Nothing but the dependency: `cargo build` of this crate measures the cost of k8s-pack.
pub use k8s_pack;
