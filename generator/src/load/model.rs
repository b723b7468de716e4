//! The loaded spec: one format-neutral model that both Swagger 2.0 and OpenAPI 3.0 documents
//! are read into, so the IR builder sees the same thing whichever format the cluster served.
//!
//! It is still "spec-shaped" (schemas, paths, parameters); Kubernetes meaning is added by the
//! IR builder. Every node keeps the place it came from so errors can point at it.

pub use crate::vocabulary::Action;
use std::collections::BTreeMap;

/// Where a node came from: the file and the JSON pointer inside it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Origin {
    pub file: String,
    pub pointer: String,
}

impl Origin {
    pub fn new(file: &str, pointer: impl Into<String>) -> Self {
        Origin { file: file.to_string(), pointer: pointer.into() }
    }

    /// The origin of a child node: `key` is appended as one escaped pointer token.
    pub fn child(&self, key: &str) -> Self {
        let token = key.replace('~', "~0").replace('/', "~1");
        Origin { file: self.file.clone(), pointer: format!("{}/{}", self.pointer, token) }
    }
}

/// Pointer segments longer than this are cut in messages (a 1 MB property name stays a name).
const MAX_SEGMENT: usize = 80;

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            return write!(f, "{} at /", self.file);
        }
        write!(f, "{} at ", self.file)?;
        for segment in self.pointer.strip_prefix('/').unwrap_or(&self.pointer).split('/') {
            match segment.char_indices().nth(MAX_SEGMENT) {
                Some((cut, _)) => write!(f, "/{}... ({} bytes)", &segment[..cut], segment.len())?,
                None => write!(f, "/{segment}")?,
            }
        }
        Ok(())
    }
}

/// A whole API: every definition and every operation, merged from one or more documents.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// Definitions by their full name (`io.k8s.api.core.v1.Secret`).
    pub definitions: BTreeMap<String, Schema>,
    /// Operations in document order of their paths (sorted by path, then method).
    pub operations: Vec<Operation>,
    /// What loading, inference and fixups changed or chose, one line each, for `-v`.
    pub notes: Vec<String>,
    /// The names of the fixups that changed something.
    pub fixups_applied: Vec<String>,
}

/// A group/version/kind as named by `x-kubernetes-group-version-kind`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gvk {
    /// Empty for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    /// The `apiVersion` objects of this kind carry: `v1` for the core group, `group/version`.
    pub fn api_version(&self) -> String {
        crate::vocabulary::api_version(&self.group, &self.version)
    }
}

/// One schema node.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub origin: Origin,
    pub description: Option<String>,
    pub kind: SchemaKind,
    /// `x-kubernetes-group-version-kind` (on definitions).
    pub gvks: Vec<Gvk>,
    /// `x-kubernetes-int-or-string: true`.
    pub int_or_string: bool,
    /// `x-kubernetes-preserve-unknown-fields: true`.
    pub preserve_unknown_fields: bool,
    /// `x-kubernetes-embedded-resource: true`.
    pub embedded_resource: bool,
    /// `enum` values, kept as JSON (they are documentation for string fields).
    pub enum_values: Vec<serde_json::Value>,
    /// May be `null` (`nullable: true`, or `"null"` in a `type` array).
    pub nullable: bool,
}

impl Schema {
    pub fn new(origin: Origin, kind: SchemaKind) -> Self {
        Schema {
            origin,
            description: None,
            kind,
            gvks: Vec::new(),
            int_or_string: false,
            preserve_unknown_fields: false,
            embedded_resource: false,
            enum_values: Vec::new(),
            nullable: false,
        }
    }
}

/// The shape of a schema node.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaKind {
    /// A reference to a definition, by its full name (already stripped of
    /// `#/definitions/` or `#/components/schemas/`).
    Ref(String),
    String {
        format: Option<String>,
    },
    Integer {
        format: Option<String>,
    },
    Number {
        format: Option<String>,
    },
    Boolean,
    Array {
        items: Box<Schema>,
    },
    /// An object. Properties are sorted by wire name so both input formats agree.
    Object {
        properties: BTreeMap<String, Schema>,
        required: Vec<String>,
        additional_properties: Option<Box<Schema>>,
    },
    /// Several JSON types (`oneOf`/`anyOf` of plain typed schemas, or a `type` array):
    /// the type names, sorted and without `null` (`["integer", "string"]`).
    Union {
        types: Vec<String>,
    },
    /// No type given: any JSON value.
    Any,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// A non-body parameter. Its schema is a simple one (string, integer, boolean, array of those).
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub description: Option<String>,
    pub schema: Schema,
    /// `uniqueItems: true` on the parameter.
    pub unique_items: bool,
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub required: bool,
    pub description: Option<String>,
    pub schema: Schema,
    /// Media types it may be sent as, in document order (v2 `consumes`, v3 content keys).
    pub media_types: Vec<String>,
}

/// One response of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// `200`, `201`, `default`, ...
    pub status: String,
    pub description: Option<String>,
    pub schema: Option<Schema>,
}

/// One HTTP operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub origin: Origin,
    pub id: String,
    /// Lowercase method: `get`, `put`, `post`, `delete`, `patch`, `head`, `options`.
    pub method: String,
    /// The path template, e.g. `/api/v1/namespaces/{namespace}/secrets/{name}`.
    pub path: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    /// `x-kubernetes-action`, or inferred from the path and method where a spec has none.
    pub action: Option<Action>,
    /// `x-kubernetes-group-version-kind` of the operation, or inferred like `action`.
    pub gvk: Option<Gvk>,
    /// `action` and `gvk` were inferred ([`crate::infer`]), not read from the extensions.
    pub inferred: bool,
    /// Path-level and operation-level parameters merged (operation wins), sorted by
    /// location then name.
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    /// Responses sorted by status.
    pub responses: Vec<Response>,
    /// Media types it may answer with (v2 `produces`, v3 content keys of the responses).
    pub produces: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::Origin;

    #[test]
    fn long_pointer_segments_are_cut_in_messages() {
        assert_eq!(Origin::new("s.json", "").to_string(), "s.json at /");
        assert_eq!(Origin::new("s.json", "/paths/~1api~1v1/get").to_string(), "s.json at /paths/~1api~1v1/get");
        let long = format!("/definitions/{}/type", "x".repeat(100_000));
        let text = Origin::new("s.json", long).to_string();
        assert_eq!(text, format!("s.json at /definitions/{}... (100000 bytes)/type", "x".repeat(80)));
    }
}
