//! Objects of kinds the crate has no type for (custom resources found at run time): typed
//! metadata, everything else as JSON.

use super::{Metadata, Object};
use serde::{Deserialize, Serialize};

/// Any Kubernetes object: `apiVersion`, `kind` and `metadata` (of the crate's `ObjectMeta`
/// type, `M`), and the other fields as they came.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DynamicObject<M> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub metadata: Option<M>,
    /// `spec`, `status`, `data`...
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl<M: Metadata> Object for DynamicObject<M> {
    type Meta = M;

    fn metadata(&self) -> Option<&M> {
        self.metadata.as_ref()
    }
}

/// Metadata read from untyped JSON, for specs without an `ObjectMeta` type.
impl Metadata for serde_json::Value {
    fn name(&self) -> Option<&str> {
        self.get("name")?.as_str()
    }

    fn namespace(&self) -> Option<&str> {
        self.get("namespace")?.as_str()
    }

    fn uid(&self) -> Option<&str> {
        self.get("uid")?.as_str()
    }

    fn resource_version(&self) -> Option<&str> {
        self.get("resourceVersion")?.as_str()
    }
}
