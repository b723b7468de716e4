//! Runtime support for the generated models: Kubernetes' special types, the resource traits and
//! serde helpers. Copied verbatim from k8s-packgen's `templates/runtime/`.

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "actions")]
pub mod actions;
#[cfg(feature = "sensors")]
pub mod sensor;
mod byte_string;
mod int_or_string;
pub mod path;
mod quantity;
pub mod request;
#[doc(hidden)]
pub mod serde_helpers;
pub mod status;
mod time;
mod type_meta;

pub use byte_string::ByteString;

/// The keys of a map of secret values, shown by `Debug` in place of the map.
pub struct Redacted<'a>(pub Vec<&'a String>);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.0.iter().map(|k| (k, format_args!("<redacted>")))).finish()
    }
}
#[cfg(feature = "client")]
pub use client::{Client, Config, KubeconfigOptions};
pub use int_or_string::IntOrString;
pub use quantity::Quantity;
pub use time::{MicroTime, Time};
pub use type_meta::{ApiVersion, Kind, ListableResource, Resource, Scope, TypeMeta};
