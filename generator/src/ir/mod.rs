//! The intermediate representation: the API as Kubernetes sees it (types with Rust names,
//! resources with their group/version/kind/plural/scope/verbs, operations with typed
//! parameters). Built from the loaded spec by [`build`]; emission reads only this.

pub mod actions;
pub mod build;
pub mod features;
pub mod filter;
pub mod names;
pub mod operations;
pub mod resources;
pub mod sensors;
pub mod special;
pub mod types;

use std::collections::BTreeMap;

pub use crate::load::model::Gvk;
pub use crate::vocabulary::{Action, ResourcePath, Verb};

/// The whole API.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Api {
    /// Every type by definition name (`io.k8s.api.core.v1.Secret`).
    pub types: BTreeMap<String, TypeDef>,
    /// Every REST resource, sorted by group, version and plural.
    pub resources: Vec<Resource>,
    /// Every operation, sorted by operationId.
    pub operations: Vec<Operation>,
    /// The upstream-bug fixups that changed something, by name.
    pub fixups_applied: Vec<String>,
    /// What loading, inference and the fixups chose or changed, one line each (shown by `-v`).
    pub notes: Vec<String>,
    /// Query parameter sets shared by operations, by struct name (`ListWatchQuery`).
    pub query_sets: BTreeMap<String, Vec<Param>>,
    /// The module of each API group in the `actions` and `sensors` trees and in feature
    /// names (`""` -> `core`, `rbac.authorization.k8s.io` -> `rbac`).
    pub group_modules: BTreeMap<String, String>,
    /// The parameter descriptors the actions share, sorted by what they describe.
    pub param_specs: Vec<actions::ParamSpec>,
    /// The `TARGET` of each actions module whose actions act on one resource.
    pub targets: BTreeMap<Vec<String>, actions::Target>,
    /// The emitted crate's cargo features: which module each gates, what each enables.
    pub features: features::Features,
    /// Every sensor, and the metadata impls they need.
    pub sensors: sensors::Sensors,
}

/// A Rust path: the module segments below the crate root and the item's name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustPath {
    pub module: Vec<String>,
    pub name: String,
}

/// One emitted type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    pub def_name: String,
    pub path: RustPath,
    pub doc: Option<String>,
    pub shape: Shape,
    /// Every `x-kubernetes-group-version-kind` the definition declares.
    pub gvks: Vec<Gvk>,
    /// Set when the type has exactly one group/version/kind and `apiVersion`/`kind` fields:
    /// those fields then hold no value but are written from constants on serialization.
    pub type_meta: Option<Gvk>,
}

/// What a type is.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A struct with named fields (possibly none).
    Struct { fields: Vec<Field> },
    /// A Kubernetes special type implemented by the runtime; the definition's module
    /// re-exports it so its spec path still names it.
    Special(TypeRef),
    /// A definition that is only another type, e.g. arbitrary JSON (`RawExtension`).
    Alias(TypeRef),
}

/// One struct field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The JSON name.
    pub wire: String,
    /// The Rust identifier (no `r#`).
    pub ident: String,
    pub doc: Option<String>,
    pub ty: TypeRef,
    /// Marked required by the spec: always serialized; a missing or null value
    /// deserializes as the default, as real servers do omit them.
    pub required: bool,
    /// Stored behind a `Box` because the type contains itself through this field.
    pub boxed: bool,
    pub role: FieldRole,
    /// Holds secret values: `Debug` prints `<redacted>` instead.
    pub sensitive: bool,
    /// How `Debug` shows it when it is sensitive.
    pub redaction: Redaction,
}

/// What `Debug` shows of a sensitive field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redaction {
    /// Not sensitive: the value.
    None,
    /// An optional map of secret values (Secret `data`): the keys it holds, no values.
    Keys,
    /// Any other shape: `<redacted>` alone.
    Whole,
}

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldRole {
    Data,
    /// The `apiVersion` of a type with fixed type metadata: written from a constant.
    ApiVersion,
    /// The `kind` of a type with fixed type metadata: written from a constant.
    Kind,
}

/// The type of a field, parameter, body or response.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Bool,
    I32,
    I64,
    F64,
    String,
    /// `format: byte`: base64 on the wire, bytes in Rust.
    Bytes,
    IntOrString,
    Quantity,
    /// RFC 3339 with seconds.
    Time,
    /// RFC 3339 with microseconds.
    MicroTime,
    /// Any JSON value.
    Json,
    Vec(Box<TypeRef>),
    /// `additionalProperties`: a map with string keys.
    Map(Box<TypeRef>),
    /// A definition, by name.
    Named(String),
    /// May be `null` where it appears (map values and list items of Time: Go writes a zero
    /// `metav1.Time` as `null`).
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// The definition this type names, through `Vec`, `Map` and `Nullable`.
    pub fn definition(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.definition(),
            _ => None,
        }
    }
}

impl Shape {
    /// The definitions a type refers to directly (its fields', or what it stands for).
    pub fn references(&self) -> Vec<&str> {
        match self {
            Shape::Struct { fields } => fields.iter().filter_map(|f| f.ty.definition()).collect(),
            Shape::Special(ty) | Shape::Alias(ty) => ty.definition().into_iter().collect(),
        }
    }
}

/// Namespaced or cluster-wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Namespaced,
    Cluster,
}

/// A REST resource: a plural URL segment in a group-version, served for one kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub gvk: Gvk,
    pub plural: String,
    pub scope: Scope,
    /// The definition of its kind.
    pub type_def: String,
    /// The definition of its list kind, if it can be listed.
    pub list_def: Option<String>,
    /// How the list kind pages, when it is shaped as Kubernetes lists are.
    pub list_page: Option<ListPage>,
    /// Kubernetes verbs, in the canonical order of [`Verb::ALL`].
    pub verbs: Vec<Verb>,
    pub subresources: Vec<Subresource>,
    /// Found by [`crate::infer`] (the spec has no Kubernetes extensions for it), not read
    /// from `x-kubernetes-group-version-kind` and `x-kubernetes-action`.
    pub inferred: bool,
}

/// A list kind shaped as Kubernetes lists are (required `items` of the kind, optional
/// `metadata` with an optional string `continue`): the Rust names of those fields, so that
/// pagination can be followed generically.
#[derive(Clone, Debug, PartialEq)]
pub struct ListPage {
    pub items: String,
    pub metadata: String,
    pub continue_field: String,
}

/// A subresource such as `status`, `scale`, `log`.
#[derive(Clone, Debug, PartialEq)]
pub struct Subresource {
    pub name: String,
    pub verbs: Vec<Verb>,
    /// The kind the subresource speaks, if the spec says (`Scale`, `Eviction`, ...).
    pub gvk: Option<Gvk>,
}

/// Where a parameter goes.
pub use crate::load::model::ParamLocation;

/// One operation parameter (not the body).
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub wire: String,
    pub ident: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    /// The shared descriptor static an action lists it by (`PARAM_LABEL_SELECTOR`); path and
    /// query parameters of emitted operations have one.
    pub spec: Option<String>,
}

/// A piece of an operation's path: literal text, or a path parameter by its Rust name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPiece {
    Literal(String),
    /// A parameter: its wire name (for messages) and Rust name.
    Param {
        wire: String,
        ident: String,
    },
}

/// The query fields a patch request builder checks the patch against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchCheck {
    pub force: Option<String>,
    pub field_manager: Option<String>,
}

/// The request body.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyDef {
    pub ty: TypeRef,
    pub required: bool,
    pub media_types: Vec<String>,
}

/// One HTTP operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub id: String,
    /// The snake_case function name, unique in its module.
    pub ident: String,
    /// The name of its action descriptor static, unique in its module.
    pub static_name: String,
    /// The path as literals and parameters (a placeholder repeated in the path is one parameter).
    pub path_pieces: Vec<PathPiece>,
    /// The path parameters' Rust names, each once, in the order the path first names them:
    /// the request builder's arguments.
    pub path_params: Vec<String>,
    /// Patch operations with a body: what the request builder checks.
    pub patch_check: Option<PatchCheck>,
    pub method: String,
    pub path: String,
    pub doc: Option<String>,
    /// `x-kubernetes-action` (or inferred).
    pub action: Option<Action>,
    /// The Kubernetes verb it is authorized as (`kubectl auth can-i`): from its action on a
    /// resource path, from its method elsewhere (discovery is `get`); `None` for methods
    /// Kubernetes authorizes under no verb.
    pub verb: Option<Verb>,
    /// The API group and version its path is under (`""` for the core group; `version` empty
    /// for `/apis/{group}/` and outside `/api` and `/apis`).
    pub group: String,
    pub version: String,
    pub gvk: Option<Gvk>,
    /// The resource the path addresses: (group, version, plural), if it is a resource path.
    pub resource: Option<ResourceKey>,
    pub subresource: Option<String>,
    /// Served through the deprecated `/watch/` path prefix.
    pub legacy_watch_path: bool,
    pub params: Vec<Param>,
    pub body: Option<BodyDef>,
    /// (status, type) pairs; `None` for responses without a schema.
    pub responses: Vec<(String, Option<TypeRef>)>,
    /// What a successful response decodes to: the first 2xx response with a schema; for the
    /// delete of a resource itself, its kind (a server answers with the object or a Status,
    /// whatever the spec declares: most core resources declare Status).
    pub success: Option<TypeRef>,
    pub produces: Vec<String>,
    pub deprecated: bool,
    /// The `actions` module it is emitted in (`["core", "v1", "secrets"]`).
    pub module: Vec<String>,
    /// Its query struct in [`Api::query_sets`], if it takes query parameters.
    pub query: Option<String>,
    /// Its action refers to its module's `TARGET` ([`Api::targets`]) for what it acts on.
    pub shared_target: bool,
}

/// (group, version, plural).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceKey {
    pub group: String,
    pub version: String,
    pub plural: String,
}

impl Resource {
    /// This resource is the one `key` names.
    pub fn is(&self, key: &ResourceKey) -> bool {
        self.gvk.group == key.group && self.gvk.version == key.version && self.plural == key.plural
    }
}

impl ResourceKey {
    /// The resource a path addresses.
    pub fn of(path: &ResourcePath) -> ResourceKey {
        ResourceKey { group: path.group.clone(), version: path.version.clone(), plural: path.plural.clone() }
    }
}

impl Operation {
    /// Emitted as a request builder and an action: every operation but connect ones (exec,
    /// attach, port-forward, proxy), which need streaming protocols.
    pub fn has_action(&self) -> bool {
        self.action != Some(Action::Connect)
    }
}

impl Api {
    pub fn type_def(&self, def_name: &str) -> Option<&TypeDef> {
        self.types.get(def_name)
    }

    /// The definition of the standard `ObjectMeta` (by its canonical name, whichever prefix
    /// the spec writes), if the spec has one.
    pub fn object_meta(&self) -> Option<&str> {
        self.types
            .keys()
            .find(|name| special::canonical(name) == Some(special::Canonical::ObjectMeta))
            .map(String::as_str)
    }

    /// The resource `key` names.
    pub fn resource(&self, key: &ResourceKey) -> Option<&Resource> {
        self.resources.iter().find(|r| r.is(key))
    }

    /// The kind's `TypeMeta` and `Resource` impls describe `resource`, so its metadata can be
    /// read from the kind's constants: not so where one kind serves two resources (the impls
    /// are the first's) or the kind's own group/version/kind is another.
    pub fn kind_describes(&self, resource: &Resource) -> bool {
        self.resource_of(&resource.type_def) == Some(resource)
            && self
                .type_def(&resource.type_def)
                .is_some_and(|t| t.type_meta.as_ref().is_none_or(|gvk| *gvk == resource.gvk))
    }

    /// The resource whose kind is this definition.
    pub fn resource_of(&self, def_name: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.type_def == def_name)
    }

    /// Leaf modules (those holding types) with their types, in path order.
    pub fn modules(&self) -> BTreeMap<Vec<String>, Vec<&TypeDef>> {
        let mut out: BTreeMap<Vec<String>, Vec<&TypeDef>> = BTreeMap::new();
        for t in self.types.values() {
            out.entry(t.path.module.clone()).or_default().push(t);
        }
        for types in out.values_mut() {
            types.sort_by(|a, b| a.path.name.cmp(&b.path.name));
        }
        out
    }
}
