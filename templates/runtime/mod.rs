//! Runtime support for the generated models: Kubernetes' special types, the resource traits and
//! serde helpers. Copied verbatim from k8s-packgen's `templates/runtime/`.

#[cfg(feature = "client")]
pub mod client;
mod byte_string;
mod int_or_string;
mod quantity;
pub mod request;
#[doc(hidden)]
pub mod serde_helpers;
mod time;
mod type_meta;

pub use byte_string::ByteString;
pub use int_or_string::IntOrString;
pub use quantity::Quantity;
pub use time::{MicroTime, Time};
pub use type_meta::{ApiVersion, Kind, ListableResource, Resource, Scope, TypeMeta};
