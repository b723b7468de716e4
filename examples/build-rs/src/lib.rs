//! The part of the Kubernetes API this crate uses, generated at build time by build.rs with
//! k8s-packgen: `api::core::v1::Secret`, `actions::core::v1::secrets`, `sensors::...`,
//! `runtime::client::Client`. Included at the crate root: the generated paths are `crate::...`.

include!(concat!(env!("OUT_DIR"), "/k8s.rs"));
