//! A CRD version's `openAPIV3Schema` into the neutral schema model, with the type metadata
//! (`apiVersion`, `kind`, `metadata`) the API server publishes for every kind.

use super::{crd_error, METADATA_DOC, OBJECT_META};
use crate::error::{Error, Result};
use crate::load::extensions::{self, quoted};
use crate::load::model::*;
use crate::load::swagger2::kind_of;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/// Sets `apiVersion`, `kind` and `metadata` as the API server publishes them for every kind.
pub(super) fn add_type_meta(properties: &mut BTreeMap<String, Schema>, origin: &Origin, meta: &str, meta_doc: &str) {
    let string = |doc: &str, key: &str| {
        let mut s = Schema::new(origin.child("properties").child(key), SchemaKind::String { format: None });
        s.description = Some(doc.to_string());
        s
    };
    properties.insert("apiVersion".to_string(), string(API_VERSION_DOC, "apiVersion"));
    properties.insert("kind".to_string(), string(KIND_DOC, "kind"));
    let mut metadata = Schema::new(origin.child("properties").child("metadata"), SchemaKind::Ref(meta.to_string()));
    metadata.description = Some(meta_doc.to_string());
    properties.insert("metadata".to_string(), metadata);
}

/// A CRD schema node (a structural schema: no `$ref`; `allOf`, `anyOf`, `oneOf` and `not` only
/// validate values and say nothing about the shape, so they are skipped).
pub(super) fn schema(value: &Value, origin: &Origin) -> Result<Schema> {
    let Some(map) = value.as_object() else {
        return Err(crd_error(origin, format!("a schema must be an object, found {}", kind_of(value))));
    };
    if map.contains_key("$ref") {
        return Err(crd_error(&origin.child("$ref"), "`$ref` is not allowed in a CRD schema"));
    }
    // The extensions' one reader; its errors are this CRD's.
    let flag = |key: &str| {
        extensions::flag(map.get(key), &origin.child(key)).map_err(|e| match e {
            Error::Unsupported { origin, message } => Error::Crd { origin, message },
            other => other,
        })
    };
    let int_or_string = flag(extensions::INT_OR_STRING)?;
    let preserve = flag(extensions::PRESERVE_UNKNOWN_FIELDS)?;
    let embedded = flag(extensions::EMBEDDED_RESOURCE)?;
    let format = match map.get("format") {
        None => None,
        Some(Value::String(f)) => Some(f.clone()),
        Some(other) => {
            return Err(crd_error(&origin.child("format"), format!("must be a string, found {}", kind_of(other))))
        }
    };
    let ty = match map.get("type") {
        None => None,
        Some(Value::String(t)) => Some(t.as_str()),
        Some(other) => {
            return Err(crd_error(&origin.child("type"), format!("must be a string, found {}", kind_of(other))))
        }
    };
    let kind = match ty {
        _ if int_or_string => SchemaKind::Any,
        Some("string") => SchemaKind::String { format },
        Some("integer") => SchemaKind::Integer { format },
        Some("number") => SchemaKind::Number { format },
        Some("boolean") => SchemaKind::Boolean,
        Some("array") => {
            let Some(items) = map.get("items") else {
                return Err(crd_error(origin, "an array schema needs `items`"));
            };
            SchemaKind::Array { items: Box::new(schema(items, &origin.child("items"))?) }
        }
        Some("object") => object(map, origin, embedded && !preserve)?,
        None if map.contains_key("properties") || map.contains_key("additionalProperties") => {
            object(map, origin, embedded && !preserve)?
        }
        None if embedded && !preserve => object(map, origin, true)?,
        None => SchemaKind::Any,
        Some(other) => {
            return Err(crd_error(
                &origin.child("type"),
                format!("unknown type {} (expected string, integer, number, boolean, array or object)", quoted(other)),
            ))
        }
    };
    let mut out = Schema::new(origin.clone(), kind);
    out.description = map.get("description").and_then(Value::as_str).map(str::to_string);
    out.int_or_string = int_or_string;
    out.preserve_unknown_fields = preserve;
    out.embedded_resource = embedded;
    if let Some(values) = map.get("enum") {
        match values {
            Value::Array(values) => out.enum_values = values.clone(),
            other => {
                return Err(crd_error(&origin.child("enum"), format!("must be an array, found {}", kind_of(other))))
            }
        }
    }
    Ok(out)
}

/// An object node. An embedded resource (`x-kubernetes-embedded-resource` without
/// `x-kubernetes-preserve-unknown-fields`) gets `apiVersion`, `kind` and `metadata` as the API
/// server adds them; one that preserves unknown fields stays free-form JSON so nothing is lost.
fn object(map: &Map<String, Value>, origin: &Origin, embedded: bool) -> Result<SchemaKind> {
    let mut properties = BTreeMap::new();
    if let Some(props) = map.get("properties") {
        let props_origin = origin.child("properties");
        let Some(props) = props.as_object() else {
            return Err(crd_error(&props_origin, format!("must be an object, found {}", kind_of(props))));
        };
        for (name, prop) in props {
            properties.insert(name.clone(), schema(prop, &props_origin.child(name))?);
        }
    }
    let required = match map.get("required") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            let mut required = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(name) => required.push(name.to_string()),
                    None => return Err(crd_error(&origin.child("required").child(&i.to_string()), "must be a string")),
                }
            }
            required
        }
        Some(other) => {
            return Err(crd_error(&origin.child("required"), format!("must be an array, found {}", kind_of(other))))
        }
    };
    let ap_origin = origin.child("additionalProperties");
    let additional_properties = match map.get("additionalProperties") {
        None | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(Box::new(Schema::new(ap_origin, SchemaKind::Any))),
        Some(schema_value) => Some(Box::new(schema(schema_value, &ap_origin)?)),
    };
    if additional_properties.is_some() && !properties.is_empty() {
        return Err(crd_error(
            origin,
            "`properties` and `additionalProperties` are mutually exclusive in a CRD schema",
        ));
    }
    if embedded {
        for (key, doc) in [("apiVersion", API_VERSION_DOC), ("kind", KIND_DOC)] {
            properties.entry(key.to_string()).or_insert_with(|| {
                let mut s = Schema::new(origin.child("properties").child(key), SchemaKind::String { format: None });
                s.description = Some(doc.to_string());
                s
            });
        }
        properties.entry("metadata".to_string()).or_insert_with(|| {
            let mut s =
                Schema::new(origin.child("properties").child("metadata"), SchemaKind::Ref(OBJECT_META.to_string()));
            s.description = Some(METADATA_DOC.to_string());
            s
        });
    }
    Ok(SchemaKind::Object { properties, required, additional_properties })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Extensions go through the one reader; a malformed one is this CRD's error, at its key.
    #[test]
    fn extension_flags_are_read_by_the_shared_reader() {
        let origin = Origin::new("crd.yaml", "/spec/versions/0/schema/openAPIV3Schema");
        let raw = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
        assert!(schema(&raw, &origin).is_ok());
        let bad = json!({"type": "string", "x-kubernetes-int-or-string": "yes"});
        let err = schema(&bad, &origin).unwrap_err();
        assert!(matches!(err, Error::Crd { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("openAPIV3Schema/x-kubernetes-int-or-string"), "{text}");
        assert!(text.contains("invalid CustomResourceDefinition: must be a boolean"), "{text}");
    }
}
