//! Kubernetes types that the spec describes only loosely and the runtime implements by hand,
//! found by definition name or by format.

use super::TypeRef;
use crate::load::model::{Schema, SchemaKind};

/// The apimachinery types the pipeline knows by name, with their package paths. Specs name
/// them `io.k8s.apimachinery.pkg...` (Kubernetes), `k8s.io.apimachinery.pkg...` (KubeVirt and
/// other projects' generators) or by the Go package alone; the canonical suffix is what counts.
const CANONICAL: &[(&str, Canonical)] = &[
    ("apimachinery.pkg.util.intstr.IntOrString", Canonical::IntOrString),
    ("apimachinery.pkg.api.resource.Quantity", Canonical::Quantity),
    ("apimachinery.pkg.apis.meta.v1.Time", Canonical::Time),
    ("apimachinery.pkg.apis.meta.v1.MicroTime", Canonical::MicroTime),
    ("apimachinery.pkg.runtime.RawExtension", Canonical::RawExtension),
    ("apimachinery.pkg.apis.meta.v1.FieldsV1", Canonical::FieldsV1),
    ("apimachinery.pkg.apis.meta.v1.ObjectMeta", Canonical::ObjectMeta),
];

/// An apimachinery type recognised by its canonical name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Canonical {
    IntOrString,
    Quantity,
    Time,
    MicroTime,
    RawExtension,
    FieldsV1,
    ObjectMeta,
}

/// Which apimachinery type a definition is, by its canonical suffix (`...apimachinery.pkg.api.resource.Quantity`).
pub fn canonical(def_name: &str) -> Option<Canonical> {
    CANONICAL.iter().find_map(|(suffix, c)| {
        let matches = def_name == *suffix || def_name.strip_suffix(suffix).is_some_and(|head| head.ends_with('.'));
        matches.then_some(*c)
    })
}

/// What a definition is replaced by, if it is one of Kubernetes' special types.
pub fn special_definition(def_name: &str, schema: &Schema) -> Option<Special> {
    let short = def_name.rsplit('.').next().unwrap_or(def_name);
    let apiextensions = def_name.contains("apiextensions-apiserver.pkg.apis.apiextensions.");
    match (canonical(def_name), short, apiextensions) {
        (Some(Canonical::IntOrString), ..) => Some(Special::Runtime(TypeRef::IntOrString)),
        (Some(Canonical::Quantity), ..) => Some(Special::Runtime(TypeRef::Quantity)),
        (Some(Canonical::Time), ..) => Some(Special::Runtime(TypeRef::Time)),
        (Some(Canonical::MicroTime), ..) => Some(Special::Runtime(TypeRef::MicroTime)),
        // Free-form JSON whose schema says only "object".
        (Some(Canonical::RawExtension | Canonical::FieldsV1), ..) => Some(Special::Json),
        // apiextensions' JSON and the JSONSchemaPropsOr* unions have no type at all.
        (_, "JSON" | "JSONSchemaPropsOrArray" | "JSONSchemaPropsOrBool" | "JSONSchemaPropsOrStringArray", true) => {
            Some(Special::Json)
        }
        _ => match scalar(schema) {
            Some(ty @ (TypeRef::IntOrString | TypeRef::Quantity | TypeRef::Time | TypeRef::MicroTime)) => {
                Some(Special::Runtime(ty))
            }
            _ if matches!(schema.kind, SchemaKind::Any) || schema.preserve_unknown_fields && is_bare_object(schema) => {
                Some(Special::Json)
            }
            _ => None,
        },
    }
}

/// The type of a schema whose shape is one scalar value, if its kind and format say so:
/// int-or-string by extension, format or the `[integer, string]` union; times and quantities
/// by format; other unions of JSON types as JSON.
pub fn scalar(schema: &Schema) -> Option<TypeRef> {
    if schema.int_or_string {
        return Some(TypeRef::IntOrString);
    }
    Some(match &schema.kind {
        SchemaKind::String { format } => string_format(format.as_deref()),
        SchemaKind::Integer { format } if format.as_deref() == Some("int-or-string") => TypeRef::IntOrString,
        SchemaKind::Integer { format } => integer_format(format.as_deref()),
        SchemaKind::Number { .. } => TypeRef::F64,
        SchemaKind::Boolean => TypeRef::Bool,
        SchemaKind::Union { types } if types == &["integer", "string"] => TypeRef::IntOrString,
        SchemaKind::Union { .. } => TypeRef::Json,
        _ => return None,
    })
}

fn is_bare_object(schema: &Schema) -> bool {
    matches!(&schema.kind, SchemaKind::Object { properties, additional_properties: None, .. } if properties.is_empty())
}

/// Fields whose values are secrets: never shown by `Debug`.
pub fn is_sensitive(def_name: &str, wire: &str) -> bool {
    matches!((def_name, wire), ("io.k8s.api.core.v1.Secret", "data" | "stringData"))
}

/// Fields holding bearer tokens: the one a TokenReview asks about and the one a TokenRequest is
/// answered with. A request body reaching one carries a secret (the StackStorm pack masks it).
pub fn is_token(def_name: &str, wire: &str) -> bool {
    let token_holder = matches!(
        def_name,
        "io.k8s.api.authentication.v1.TokenReviewSpec"
            | "io.k8s.api.authentication.v1beta1.TokenReviewSpec"
            | "io.k8s.api.authentication.v1.TokenRequestStatus"
    );
    token_holder && wire == "token"
}

/// How a special definition is emitted.
#[derive(Clone, Debug, PartialEq)]
pub enum Special {
    /// Implemented in the runtime and re-exported at the definition's path.
    Runtime(TypeRef),
    /// An alias of `serde_json::Value`.
    Json,
}

/// The type of a schema with a string format.
pub fn string_format(format: Option<&str>) -> TypeRef {
    match format {
        Some("byte") => TypeRef::Bytes,
        Some("int-or-string") => TypeRef::IntOrString,
        Some("date-time") => TypeRef::Time,
        Some("date-time-micro") => TypeRef::MicroTime,
        Some("quantity") => TypeRef::Quantity,
        _ => TypeRef::String,
    }
}

pub fn integer_format(format: Option<&str>) -> TypeRef {
    match format {
        Some("int32") => TypeRef::I32,
        _ => TypeRef::I64,
    }
}
