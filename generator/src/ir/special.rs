//! Kubernetes types that the spec describes only loosely and the runtime implements by hand,
//! found by definition name or by format.

use super::TypeRef;
use crate::load::model::{Schema, SchemaKind};

/// What a definition is replaced by, if it is one of Kubernetes' special types.
pub fn special_definition(def_name: &str, schema: &Schema) -> Option<Special> {
    let short = def_name.rsplit('.').next().unwrap_or(def_name);
    let apimachinery = def_name.starts_with("io.k8s.apimachinery.");
    let apiextensions = def_name.starts_with("io.k8s.apiextensions-apiserver.");
    match (short, apimachinery, apiextensions) {
        ("IntOrString", true, _) => Some(Special::Runtime(TypeRef::IntOrString)),
        ("Quantity", true, _) => Some(Special::Runtime(TypeRef::Quantity)),
        ("Time", true, _) => Some(Special::Runtime(TypeRef::Time)),
        ("MicroTime", true, _) => Some(Special::Runtime(TypeRef::MicroTime)),
        // Free-form JSON whose schema says only "object".
        ("RawExtension" | "FieldsV1", true, _) => Some(Special::Json),
        // apiextensions' JSON and the JSONSchemaPropsOr* unions have no type at all.
        ("JSON" | "JSONSchemaPropsOrArray" | "JSONSchemaPropsOrBool" | "JSONSchemaPropsOrStringArray", _, true) => {
            Some(Special::Json)
        }
        _ if schema.int_or_string => Some(Special::Runtime(TypeRef::IntOrString)),
        _ if matches!(schema.kind, SchemaKind::Any) || schema.preserve_unknown_fields && is_bare_object(schema) => {
            Some(Special::Json)
        }
        _ => None,
    }
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
        _ => TypeRef::String,
    }
}

pub fn integer_format(format: Option<&str>) -> TypeRef {
    match format {
        Some("int32") => TypeRef::I32,
        _ => TypeRef::I64,
    }
}
