//! The emitted crate's HTTP client, compiled into the generator from `templates/runtime/` as is,
//! so `--from-cluster` talks to a cluster exactly as the emitted crate does (kubeconfig rules,
//! auth plugins, TLS verification). Not an API of the generator; public so the cluster tests
//! can use it under the name the shared test support expects.

#[path = "../../../templates/runtime/status.rs"]
pub mod status;

#[path = "../../../templates/runtime/client/mod.rs"]
pub mod client;
