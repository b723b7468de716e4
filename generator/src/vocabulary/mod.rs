//! Kubernetes' own vocabulary, defined once: what an operation does ([`Action`], [`Verb`]) and
//! the REST path grammar of resources ([`ResourcePath`]). Loaders parse specs into these
//! types at the edge; the IR, the fixups and emission only ever compare them.

pub mod path;
pub mod verb;

pub use path::{api_prefix, api_version, NotAResource, ResourcePath};
pub use verb::{Action, Verb};
