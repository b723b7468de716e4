//! Objects of kinds the crate has no type for (custom resources found at run time): typed
//! metadata, everything else as JSON.

use super::{Metadata, Object};
use serde::{Deserialize, Serialize};

/// Any Kubernetes object: `apiVersion`, `kind` and `metadata` (of the crate's `ObjectMeta`
/// type, `M`), and the other fields as they came.
#[derive(Clone, Default, PartialEq, Deserialize, Serialize)]
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

impl<M: Metadata> std::fmt::Debug for DynamicObject<M> {
    /// Kind, name and the names of the other fields: their values may be Secret data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let meta = self.metadata.as_ref();
        f.debug_struct("DynamicObject")
            .field("api_version", &self.api_version)
            .field("kind", &self.kind)
            .field("namespace", &meta.and_then(Metadata::namespace))
            .field("name", &meta.and_then(Metadata::name))
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
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
