//! OpenAPI 3.0 (what a cluster serves per group-version at `/openapi/v3/<group-version>`) read
//! into the neutral model.
//!
//! The document is parsed with `openapiv3`; the raw JSON is kept beside it for two things that
//! crate normalises away: `enum` values exactly as written (it turns numbers into `f64`), and a
//! `description` next to a bare `$ref` (older Kubernetes releases emitted those before they
//! switched to `allOf` wrappers, and Swagger 2.0 documents keep them too).

use super::model::{Body, Operation, Origin, ParamLocation, Parameter, Response, Schema, SchemaKind, Spec};
use crate::error::{Error, Result};
use openapiv3::{
    AdditionalProperties, AnySchema, Components, Content, OpenAPI, ParameterSchemaOrContent, ReferenceOr, RequestBody,
    Responses, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::borrow::Borrow;
use std::collections::BTreeMap;

use super::extensions::{self, quoted, ACTION, GVK};

const JSON: &str = "application/json";

/// Reads one OpenAPI 3.0 document. `file` names it in errors; every error carries the JSON
/// pointer of the node at fault.
pub fn load(file: &str, doc: Value) -> Result<Spec> {
    let root = Origin::new(file, "");
    // Checked on the raw value first so a Swagger 2.0 or 3.1 document gets a plain answer
    // instead of a serde message about some field deep inside.
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => {}
        found => {
            return Err(Error::InvalidOpenApi {
                origin: root.child("openapi"),
                message: format!(
                    "expected \"openapi\": \"3.0.x\", found {}",
                    found.map_or_else(|| "none".to_string(), quoted)
                ),
            })
        }
    }
    // serde_path_to_error tracks where in the document deserialization failed, so the error
    // names the node (`/paths/~1x/get`), not the whole document.
    let api: OpenAPI = serde_path_to_error::deserialize(&doc).map_err(|e| {
        let origin = refine(&doc, pointer_of(&root, e.path()));
        Error::InvalidOpenApi { origin, message: super::extensions::cut_quotes(&e.into_inner().to_string()) }
    })?;
    let reader = Reader { api: &api, raw: &doc };

    let mut spec = Spec::default();
    if let Some(components) = reader.components() {
        let schemas_origin = root.child("components").child("schemas");
        for (name, node) in &components.schemas {
            let schema = reader.schema_or_ref(node, &schemas_origin.child(name))?;
            spec.definitions.insert(name.clone(), schema);
        }
    }
    spec.operations = reader.operations(&root.child("paths"))?;
    Ok(spec)
}

fn pointer_of(base: &Origin, path: &serde_path_to_error::Path) -> Origin {
    path.iter().fold(base.clone(), |origin, segment| match segment {
        serde_path_to_error::Segment::Map { key } => origin.child(key),
        serde_path_to_error::Segment::Seq { index } => origin.child(&index.to_string()),
        _ => origin,
    })
}

/// openapiv3 flattens extensions into paths, path items and schemas, and serde cannot track
/// the path through a flattened map; so an error reported at such a map is narrowed by reading
/// each of its entries on its own.
fn refine(doc: &Value, origin: Origin) -> Origin {
    fn first_failing<T: serde::de::DeserializeOwned>(map: Option<&Value>, at: &Origin) -> Option<Origin> {
        map?.as_object()?.iter().filter(|(k, _)| !k.starts_with("x-")).find_map(|(key, value)| {
            serde_path_to_error::deserialize::<_, T>(value).err().map(|e| pointer_of(&at.child(key), e.path()))
        })
    }
    let node = |pointer: &str| doc.pointer(pointer);
    match origin.pointer.as_str() {
        "/paths" => match first_failing::<ReferenceOr<openapiv3::PathItem>>(node("/paths"), &origin) {
            Some(item) => {
                let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
                let ops = node(&item.pointer).and_then(Value::as_object);
                let failing = ops.into_iter().flatten().find(|(k, v)| {
                    methods.contains(&k.as_str())
                        && serde_path_to_error::deserialize::<_, openapiv3::Operation>(*v).is_err()
                });
                failing.map(|(k, _)| item.child(k)).unwrap_or(item)
            }
            None => origin,
        },
        "/components" => {
            first_failing::<ReferenceOr<openapiv3::Schema>>(node("/components/schemas"), &origin.child("schemas"))
                .unwrap_or(origin)
        }
        _ => origin,
    }
}

struct Reader<'a> {
    api: &'a OpenAPI,
    raw: &'a Value,
}

impl<'a> Reader<'a> {
    fn components(&self) -> Option<&'a Components> {
        self.api.components.as_ref()
    }

    /// The raw JSON node an origin points at.
    fn raw_at(&self, origin: &Origin) -> Option<&'a Value> {
        self.raw.pointer(&origin.pointer)
    }

    /// Follows `$ref: #/components/<section>/NAME` one hop and returns the target with its own
    /// origin; an inline item comes back with the origin it was found at.
    fn resolve<T>(
        &self,
        node: &'a ReferenceOr<T>,
        origin: &Origin,
        section: &str,
        lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
    ) -> Result<(&'a T, Origin)> {
        let reference = match node {
            ReferenceOr::Item(item) => return Ok((item, origin.clone())),
            ReferenceOr::Reference { reference } => reference,
        };
        let name = local_name(reference, section, origin)?;
        let target_origin = Origin::new(&origin.file, "").child("components").child(section).child(&name);
        match lookup(&name) {
            Some(ReferenceOr::Item(item)) => Ok((item, target_origin)),
            Some(ReferenceOr::Reference { .. }) => Err(unsupported(
                &target_origin,
                format!("{} points at another $ref; chained references are not supported", quoted(reference)),
            )),
            None => Err(Error::DanglingRef { origin: origin.clone(), reference: reference.clone() }),
        }
    }

    /// Checks a schema `$ref` and returns the definition name it names.
    fn schema_name(&self, reference: &str, origin: &Origin) -> Result<String> {
        let name = local_name(reference, "schemas", origin)?;
        match self.components() {
            Some(c) if c.schemas.contains_key(&name) => Ok(name),
            _ => Err(Error::DanglingRef { origin: origin.clone(), reference: reference.to_string() }),
        }
    }

    fn schema_or_ref<S: Borrow<openapiv3::Schema>>(&self, node: &ReferenceOr<S>, origin: &Origin) -> Result<Schema> {
        match node {
            ReferenceOr::Item(schema) => self.schema(schema.borrow(), origin),
            ReferenceOr::Reference { reference } => {
                let mut schema = Schema::new(origin.clone(), SchemaKind::Ref(self.schema_name(reference, origin)?));
                schema.description = self
                    .raw_at(origin)
                    .and_then(|node| node.get("description"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                Ok(schema)
            }
        }
    }

    fn schema(&self, node: &openapiv3::Schema, origin: &Origin) -> Result<Schema> {
        let kind = self.kind(&node.schema_kind, origin)?;
        let mut schema = Schema::new(origin.clone(), kind);
        schema.description = node.schema_data.description.clone();
        schema.nullable = node.schema_data.nullable;
        let extensions: serde_json::Map<String, Value> =
            node.schema_data.extensions.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        extensions::apply_to_schema(&extensions, &mut schema, origin)?;
        if let Some(Value::Array(values)) = self.raw_at(origin).and_then(|node| node.get("enum")) {
            schema.enum_values = values.clone();
        }
        Ok(schema)
    }

    fn kind(&self, kind: &openapiv3::SchemaKind, origin: &Origin) -> Result<SchemaKind> {
        use openapiv3::SchemaKind as K;
        Ok(match kind {
            K::Type(Type::String(t)) => SchemaKind::String { format: format(&t.format) },
            K::Type(Type::Integer(t)) => SchemaKind::Integer { format: format(&t.format) },
            K::Type(Type::Number(t)) => SchemaKind::Number { format: format(&t.format) },
            K::Type(Type::Boolean(_)) => SchemaKind::Boolean,
            K::Type(Type::Array(a)) => self.array(a.items.as_ref(), origin)?,
            K::Type(Type::Object(o)) => {
                self.object(&o.properties, &o.required, o.additional_properties.as_ref(), origin)?
            }
            K::AllOf { all_of } => self.all_of(all_of, origin)?,
            K::OneOf { one_of } => alternatives("oneOf", one_of, origin)?,
            K::AnyOf { any_of } => alternatives("anyOf", any_of, origin)?,
            K::Not { .. } => return Err(unsupported(&origin.child("not"), "`not` is not supported")),
            K::Any(any) => self.any(any, origin)?,
        })
    }

    /// `openapiv3` puts every schema whose keywords do not fit one of its typed shapes here
    /// (e.g. Kubernetes' `{"type": "string", "uniqueItems": true}` parameter schemas), so
    /// the type is read from `typ` by hand.
    fn any(&self, any: &AnySchema, origin: &Origin) -> Result<SchemaKind> {
        let structural = !any.properties.is_empty() || any.additional_properties.is_some() || any.items.is_some();
        if !any.all_of.is_empty() {
            if structural {
                return Err(unsupported(
                    &origin.child("allOf"),
                    "`allOf` next to properties, additionalProperties or items is not supported",
                ));
            }
            return self.all_of(&any.all_of, origin);
        }
        for (keyword, parts) in [("oneOf", &any.one_of), ("anyOf", &any.any_of)] {
            if !parts.is_empty() {
                return alternatives(keyword, parts, origin);
            }
        }
        if any.not.is_some() {
            return Err(unsupported(&origin.child("not"), "`not` is not supported"));
        }
        Ok(match any.typ.as_deref() {
            Some("string") => SchemaKind::String { format: any.format.clone() },
            Some("integer") => SchemaKind::Integer { format: any.format.clone() },
            Some("number") => SchemaKind::Number { format: any.format.clone() },
            Some("boolean") => SchemaKind::Boolean,
            Some("array") => self.array(any.items.as_ref(), origin)?,
            Some("object") => {
                self.object(&any.properties, &any.required, any.additional_properties.as_ref(), origin)?
            }
            None if !any.properties.is_empty() || any.additional_properties.is_some() => {
                self.object(&any.properties, &any.required, any.additional_properties.as_ref(), origin)?
            }
            None => SchemaKind::Any,
            Some(other) => return Err(unsupported(&origin.child("type"), format!("unknown type {}", quoted(other)))),
        })
    }

    /// Kubernetes wraps a `$ref` that has a description or default in a one-element `allOf`
    /// (OpenAPI 3.0 ignores siblings of `$ref`); that is the only `allOf` read.
    fn all_of(&self, parts: &[ReferenceOr<openapiv3::Schema>], origin: &Origin) -> Result<SchemaKind> {
        let at = origin.child("allOf");
        match parts {
            [ReferenceOr::Reference { reference }] => Ok(SchemaKind::Ref(self.schema_name(reference, &at.child("0"))?)),
            _ => Err(unsupported(&at, "`allOf` is only supported as a wrapper around a single $ref")),
        }
    }

    fn array(&self, items: Option<&ReferenceOr<Box<openapiv3::Schema>>>, origin: &Origin) -> Result<SchemaKind> {
        let items = items.ok_or_else(|| unsupported(origin, "an array schema needs `items`"))?;
        Ok(SchemaKind::Array { items: Box::new(self.schema_or_ref(items, &origin.child("items"))?) })
    }

    fn object<'p>(
        &self,
        properties: impl IntoIterator<Item = (&'p String, &'p ReferenceOr<Box<openapiv3::Schema>>)>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        origin: &Origin,
    ) -> Result<SchemaKind> {
        let properties_origin = origin.child("properties");
        let mut out = BTreeMap::new();
        for (name, node) in properties {
            out.insert(name.clone(), self.schema_or_ref(node, &properties_origin.child(name))?);
        }
        let ap_origin = origin.child("additionalProperties");
        let additional_properties = match additional {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) => Some(Box::new(Schema::new(ap_origin, SchemaKind::Any))),
            Some(AdditionalProperties::Schema(node)) => Some(Box::new(self.schema_or_ref(node.as_ref(), &ap_origin)?)),
        };
        Ok(SchemaKind::Object { properties: out, required: required.to_vec(), additional_properties })
    }

    fn operations(&self, paths_origin: &Origin) -> Result<Vec<Operation>> {
        let mut operations = Vec::new();
        for (path, item) in self.api.paths.iter() {
            let item_origin = paths_origin.child(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(unsupported(&item_origin, "a path item `$ref` is not supported"))
                }
            };
            let shared = self.parameters(&item.parameters, &item_origin.child("parameters"))?;
            let methods = [
                ("get", &item.get),
                ("put", &item.put),
                ("post", &item.post),
                ("delete", &item.delete),
                ("options", &item.options),
                ("head", &item.head),
                ("patch", &item.patch),
            ];
            for (method, op) in methods {
                if let Some(op) = op {
                    operations.push(self.operation(path, method, op, &shared, &item_origin.child(method))?);
                }
            }
        }
        // Stable, so the methods of one path keep the order they were pushed in.
        operations.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(operations)
    }

    fn operation(
        &self,
        path: &str,
        method: &str,
        op: &'a openapiv3::Operation,
        shared: &[Parameter],
        origin: &Origin,
    ) -> Result<Operation> {
        let own = self.parameters(&op.parameters, &origin.child("parameters"))?;
        let mut parameters: Vec<Parameter> = shared
            .iter()
            .filter(|s| !own.iter().any(|o| o.name == s.name && o.location == s.location))
            .cloned()
            .collect();
        parameters.extend(own);
        parameters.sort_by(|a, b| (a.location, &a.name).cmp(&(b.location, &b.name)));

        let body = match &op.request_body {
            Some(node) => Some(self.body(node, &origin.child("requestBody"))?),
            None => None,
        };
        let (responses, produces) = self.responses(&op.responses, &origin.child("responses"))?;
        let id = op.operation_id.clone().ok_or_else(|| unsupported(origin, "an operation needs an `operationId`"))?;
        Ok(Operation {
            origin: origin.clone(),
            id,
            method: method.to_string(),
            path: path.to_string(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            action: extensions::action(op.extensions.get(ACTION), &origin.child(ACTION))?,
            gvk: extensions::gvks(op.extensions.get(GVK), &origin.child(GVK))?.into_iter().next(),
            inferred: false,
            parameters,
            body,
            responses,
            produces,
        })
    }

    fn parameters(&self, nodes: &'a [ReferenceOr<openapiv3::Parameter>], origin: &Origin) -> Result<Vec<Parameter>> {
        nodes.iter().enumerate().map(|(i, node)| self.parameter(node, &origin.child(&i.to_string()))).collect()
    }

    fn parameter(&self, node: &'a ReferenceOr<openapiv3::Parameter>, origin: &Origin) -> Result<Parameter> {
        let (param, origin) =
            self.resolve(node, origin, "parameters", |name| self.components()?.parameters.get(name))?;
        let location = match param {
            openapiv3::Parameter::Path { .. } => ParamLocation::Path,
            openapiv3::Parameter::Query { .. } => ParamLocation::Query,
            openapiv3::Parameter::Header { .. } => ParamLocation::Header,
            openapiv3::Parameter::Cookie { .. } => {
                return Err(unsupported(&origin.child("in"), "cookie parameters are not supported"))
            }
        };
        let data = param.parameter_data_ref();
        let node = match &data.format {
            ParameterSchemaOrContent::Schema(node) => node,
            ParameterSchemaOrContent::Content(_) => {
                return Err(unsupported(
                    &origin.child("content"),
                    "a parameter described by `content` is not supported; only `schema`",
                ))
            }
        };
        Ok(Parameter {
            name: data.name.clone(),
            location,
            required: data.required,
            description: data.description.clone(),
            schema: self.schema_or_ref(node, &origin.child("schema"))?,
            unique_items: unique_items(node),
        })
    }

    fn body(&self, node: &'a ReferenceOr<RequestBody>, origin: &Origin) -> Result<Body> {
        let (body, origin) =
            self.resolve(node, origin, "requestBodies", |name| self.components()?.request_bodies.get(name))?;
        let content_origin = origin.child("content");
        // A body whose media types carry no schema accepts anything.
        let schema = self
            .content_schema(&body.content, &content_origin)?
            .unwrap_or_else(|| Schema::new(content_origin, SchemaKind::Any));
        Ok(Body {
            required: body.required,
            description: body.description.clone(),
            schema,
            media_types: body.content.keys().cloned().collect(),
        })
    }

    /// Responses sorted by status, and the union of their media types in that order.
    fn responses(&self, responses: &'a Responses, origin: &Origin) -> Result<(Vec<Response>, Vec<String>)> {
        let mut entries: Vec<(String, &'a ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(status, node)| (status.to_string(), node))
            .chain(responses.default.as_ref().map(|node| ("default".to_string(), node)))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));

        let mut out = Vec::new();
        let mut produces: Vec<String> = Vec::new();
        for (status, node) in entries {
            let (response, response_origin) =
                self.resolve(node, &origin.child(&status), "responses", |name| self.components()?.responses.get(name))?;
            let schema = self.content_schema(&response.content, &response_origin.child("content"))?;
            for media_type in response.content.keys() {
                if !produces.contains(media_type) {
                    produces.push(media_type.clone());
                }
            }
            out.push(Response { status, description: Some(response.description.clone()), schema });
        }
        Ok((out, produces))
    }

    /// The schema of `application/json` if it has one, else of the first media type that has one.
    fn content_schema(&self, content: &'a Content, origin: &Origin) -> Result<Option<Schema>> {
        let with_schema = |(media_type, entry): (&'a String, &'a openapiv3::MediaType)| {
            entry.schema.as_ref().map(|schema| (media_type, schema))
        };
        let chosen = content.get_key_value(JSON).and_then(with_schema).or_else(|| content.iter().find_map(with_schema));
        match chosen {
            Some((media_type, node)) => Ok(Some(self.schema_or_ref(node, &origin.child(media_type).child("schema"))?)),
            None => Ok(None),
        }
    }
}

/// The NAME of a local `#/components/<section>/NAME` reference, with JSON-pointer escapes undone.
fn local_name(reference: &str, section: &str, origin: &Origin) -> Result<String> {
    let prefix = format!("#/components/{section}/");
    match reference.strip_prefix(&prefix) {
        Some(token) if !token.is_empty() && !token.contains('/') => Ok(token.replace("~1", "/").replace("~0", "~")),
        _ => Err(unsupported(
            origin,
            format!("$ref {}: only local references of the form {prefix}NAME are supported", quoted(reference)),
        )),
    }
}

/// `anyOf`/`oneOf` of plain typed schemas, as Kubernetes writes Quantity (`[string, number]`)
/// and IntOrString (`[integer, string]`): the union of their types. Alternatives that are
/// references or structured schemas say nothing a Rust type could hold, so they are an error.
fn alternatives(keyword: &str, parts: &[ReferenceOr<openapiv3::Schema>], origin: &Origin) -> Result<SchemaKind> {
    let at = origin.child(keyword);
    let mut types = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let ty = match part.as_item().map(|s| &s.schema_kind) {
            Some(openapiv3::SchemaKind::Type(Type::String(_))) => "string",
            Some(openapiv3::SchemaKind::Type(Type::Integer(_))) => "integer",
            Some(openapiv3::SchemaKind::Type(Type::Number(_))) => "number",
            Some(openapiv3::SchemaKind::Type(Type::Boolean(_))) => "boolean",
            _ => {
                return Err(unsupported(
                    &at.child(&i.to_string()),
                    format!("`{keyword}` is only supported over plain string, integer, number and boolean schemas"),
                ))
            }
        };
        types.push(ty.to_string());
    }
    types.sort_unstable();
    types.dedup();
    Ok(match types.as_slice() {
        [] => return Err(unsupported(&at, format!("an empty `{keyword}`"))),
        [one] => match one.as_str() {
            "string" => SchemaKind::String { format: None },
            "integer" => SchemaKind::Integer { format: None },
            "number" => SchemaKind::Number { format: None },
            _ => SchemaKind::Boolean,
        },
        _ => SchemaKind::Union { types },
    })
}

/// v3 keeps `uniqueItems` inside the parameter's schema (v2 had it on the parameter).
fn unique_items(node: &ReferenceOr<openapiv3::Schema>) -> bool {
    match node.as_item().map(|s| &s.schema_kind) {
        Some(openapiv3::SchemaKind::Type(Type::Array(a))) => a.unique_items,
        Some(openapiv3::SchemaKind::Any(any)) => any.unique_items == Some(true),
        _ => false,
    }
}

/// `openapiv3` parses known formats into enums; the model keeps the string as written.
fn format<T: serde::Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(known) => {
            serde_json::to_value(known).ok().and_then(|v| v.as_str().map(str::to_string))
        }
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn unsupported(origin: &Origin, message: impl Into<String>) -> Error {
    Error::Unsupported { origin: origin.clone(), message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FILE: &str = "test.json";

    fn doc(schemas: Value, paths: Value) -> Value {
        json!({
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "v1.33.0"},
            "paths": paths,
            "components": {"schemas": schemas}
        })
    }

    fn definitions(schemas: Value) -> BTreeMap<String, Schema> {
        load(FILE, doc(schemas, json!({}))).unwrap().definitions
    }

    fn properties(schema: &Schema) -> &BTreeMap<String, Schema> {
        match &schema.kind {
            SchemaKind::Object { properties, .. } => properties,
            other => panic!("not an object: {other:?}"),
        }
    }

    fn additional(schema: &Schema) -> Option<&Schema> {
        match &schema.kind {
            SchemaKind::Object { additional_properties, .. } => additional_properties.as_deref(),
            other => panic!("not an object: {other:?}"),
        }
    }

    fn ok_response(schema: Value) -> Value {
        json!({"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}})
    }

    #[test]
    fn all_of_wrapped_ref_becomes_ref_with_outer_description() {
        let defs = definitions(json!({
            "A": {"type": "object", "properties": {"metadata": {
                "allOf": [{"$ref": "#/components/schemas/B"}],
                "description": "Standard object's metadata.",
                "default": {}
            }}},
            "B": {"type": "object"}
        }));
        let metadata = &properties(&defs["A"])["metadata"];
        assert_eq!(metadata.kind, SchemaKind::Ref("B".to_string()));
        assert_eq!(metadata.description.as_deref(), Some("Standard object's metadata."));
        assert_eq!(metadata.origin, Origin::new(FILE, "/components/schemas/A/properties/metadata"));
    }

    #[test]
    fn bare_ref_keeps_a_sibling_description() {
        let defs = definitions(json!({
            "A": {"type": "object", "properties": {"spec": {
                "$ref": "#/components/schemas/B", "description": "The spec."
            }}},
            "B": {"type": "object"}
        }));
        let spec = &properties(&defs["A"])["spec"];
        assert_eq!(spec.kind, SchemaKind::Ref("B".to_string()));
        assert_eq!(spec.description.as_deref(), Some("The spec."));
    }

    #[test]
    fn dangling_ref_names_file_pointer_and_ref() {
        let err = load(
            FILE,
            doc(
                json!({"io.k8s.api.apps.v1.Deployment": {"type": "object", "properties": {"spec": {
                    "allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.Missing"}],
                    "description": "spec"
                }}}}),
                json!({}),
            ),
        )
        .unwrap_err();
        assert!(matches!(err, Error::DanglingRef { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(FILE), "{text}");
        assert!(text.contains("/components/schemas/io.k8s.api.apps.v1.Deployment/properties/spec/allOf/0"), "{text}");
        assert!(text.contains("#/components/schemas/io.k8s.api.apps.v1.Missing"), "{text}");
    }

    #[test]
    fn non_local_schema_ref_is_unsupported() {
        let err = load(FILE, doc(json!({"A": {"type": "array", "items": {"$ref": "other.json#/B"}}}), json!({})))
            .unwrap_err();
        match err {
            Error::Unsupported { origin, message } => {
                assert_eq!(origin.pointer, "/components/schemas/A/items");
                assert!(message.contains("other.json#/B"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_documents_that_are_not_openapi_3_0() {
        let swagger = json!({"swagger": "2.0", "info": {"title": "t", "version": "v"}, "paths": {}});
        let mut v31 = doc(json!({}), json!({}));
        v31["openapi"] = json!("3.1.0");
        for input in [swagger, v31] {
            match load(FILE, input).unwrap_err() {
                Error::InvalidOpenApi { origin, .. } => assert_eq!(origin, Origin::new(FILE, "/openapi")),
                other => panic!("{other:?}"),
            }
        }
        // Right version, wrong shape: the serde message, at the document root.
        let missing_info = json!({"openapi": "3.0.0", "paths": {}});
        match load(FILE, missing_info).unwrap_err() {
            Error::InvalidOpenApi { origin, message } => {
                assert_eq!(origin.pointer, "");
                assert!(message.contains("info"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_of_and_any_of_of_plain_types_are_unions() {
        let err = load(
            FILE,
            doc(
                json!({"A": {"type": "object", "properties": {"x": {
                    "oneOf": [{"type": "string"}, {"type": "object"}]
                }}}}),
                json!({}),
            ),
        )
        .unwrap_err();
        match err {
            Error::Unsupported { origin, message } => {
                assert_eq!(origin.pointer, "/components/schemas/A/properties/x/oneOf/1");
                assert!(message.contains("`oneOf` is only supported over plain"), "{message}");
            }
            other => panic!("{other:?}"),
        }

        let defs = definitions(json!({
            "A": {"type": "object", "properties": {
                "port": {
                    "anyOf": [{"type": "integer"}, {"type": "string"}],
                    "x-kubernetes-int-or-string": true
                },
                "target": {
                    "anyOf": [{"type": "integer"}, {"type": "string"}],
                    "pattern": "^[0-9]+%?$",
                    "x-kubernetes-int-or-string": true
                }
            }},
            "Quantity": {"description": "as real servers write it", "oneOf": [{"type": "string"}, {"type": "number"}]},
            "IntOrString": {"format": "int-or-string", "oneOf": [{"type": "integer"}, {"type": "string"}]},
            "Bare": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
            "One": {"oneOf": [{"type": "string"}, {"type": "string"}]}
        }));
        let union = |types: &[&str]| SchemaKind::Union { types: types.iter().map(|t| t.to_string()).collect() };
        for name in ["port", "target"] {
            let port = &properties(&defs["A"])[name];
            assert_eq!(port.kind, union(&["integer", "string"]));
            assert!(port.int_or_string);
        }
        assert_eq!(defs["Quantity"].kind, union(&["number", "string"]));
        assert_eq!(defs["IntOrString"].kind, union(&["integer", "string"]));
        assert_eq!(defs["Bare"].kind, union(&["integer", "string"]));
        assert_eq!(defs["One"].kind, SchemaKind::String { format: None });
    }

    #[test]
    fn nullable_is_kept() {
        let defs = definitions(json!({"A": {"type": "object", "properties": {
            "n": {"type": "string", "nullable": true},
            "s": {"type": "string"}
        }}}));
        assert!(properties(&defs["A"])["n"].nullable);
        assert!(!properties(&defs["A"])["s"].nullable);
    }

    #[test]
    fn types_formats_and_enums() {
        let defs = definitions(json!({"A": {"type": "object", "properties": {
            "i32": {"type": "integer", "format": "int32"},
            "i64": {"type": "integer", "format": "int64"},
            "f64": {"type": "number", "format": "double"},
            "f32": {"type": "number", "format": "float"},
            "bytes": {"type": "string", "format": "byte"},
            "time": {"type": "string", "format": "date-time"},
            "ios": {"type": "string", "format": "int-or-string"},
            "flag": {"type": "boolean"},
            "policy": {"type": "string", "enum": ["Always", "Never"]},
            "ratio": {"type": "number", "enum": [1, 2.5]},
            "anything": {},
            "labels": {"type": "array", "items": {"type": "string", "default": ""}}
        }}}));
        let p = properties(&defs["A"]);
        let fmt = |f: &str| Some(f.to_string());
        assert_eq!(p["i32"].kind, SchemaKind::Integer { format: fmt("int32") });
        assert_eq!(p["i64"].kind, SchemaKind::Integer { format: fmt("int64") });
        assert_eq!(p["f64"].kind, SchemaKind::Number { format: fmt("double") });
        assert_eq!(p["f32"].kind, SchemaKind::Number { format: fmt("float") });
        assert_eq!(p["bytes"].kind, SchemaKind::String { format: fmt("byte") });
        assert_eq!(p["time"].kind, SchemaKind::String { format: fmt("date-time") });
        assert_eq!(p["ios"].kind, SchemaKind::String { format: fmt("int-or-string") });
        assert_eq!(p["flag"].kind, SchemaKind::Boolean);
        assert_eq!(p["policy"].enum_values, vec![json!("Always"), json!("Never")]);
        assert_eq!(p["ratio"].enum_values, vec![json!(1), json!(2.5)], "kept as written");
        assert_eq!(p["anything"].kind, SchemaKind::Any);
        match &p["labels"].kind {
            SchemaKind::Array { items } => {
                assert_eq!(items.kind, SchemaKind::String { format: None });
                assert_eq!(items.origin.pointer, "/components/schemas/A/properties/labels/items");
            }
            other => panic!("{other:?}"),
        }

        let err = load(FILE, doc(json!({"A": {"type": "array"}}), json!({}))).unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "array without items: {err:?}");
    }

    #[test]
    fn additional_properties_true_vs_schema() {
        let defs = definitions(json!({
            "True": {"type": "object", "additionalProperties": true},
            "Empty": {"type": "object", "additionalProperties": {}},
            "False": {"type": "object", "additionalProperties": false},
            "Absent": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            "Strings": {"type": "object", "additionalProperties": {"type": "string", "format": "byte"}},
            "Untyped": {"additionalProperties": {"$ref": "#/components/schemas/Absent"}}
        }));
        for name in ["True", "Empty"] {
            let ap = additional(&defs[name]).unwrap();
            assert_eq!(ap.kind, SchemaKind::Any, "{name}");
            assert_eq!(ap.origin.pointer, format!("/components/schemas/{name}/additionalProperties"));
        }
        assert!(additional(&defs["False"]).is_none());
        assert!(additional(&defs["Absent"]).is_none());
        match &defs["Absent"].kind {
            SchemaKind::Object { required, .. } => assert_eq!(required, &["a".to_string()]),
            other => panic!("{other:?}"),
        }
        assert_eq!(additional(&defs["Strings"]).unwrap().kind, SchemaKind::String { format: Some("byte".to_string()) });
        assert_eq!(additional(&defs["Untyped"]).unwrap().kind, SchemaKind::Ref("Absent".to_string()));
    }

    #[test]
    fn gvk_and_other_kubernetes_extensions() {
        use super::super::model::Gvk;
        let spec = load(
            FILE,
            doc(
                json!({"io.k8s.api.core.v1.ConfigMap": {
                    "type": "object",
                    "description": "ConfigMap holds configuration data.",
                    "properties": {
                        "raw": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "object": {"type": "object", "x-kubernetes-embedded-resource": true}
                    },
                    "x-kubernetes-group-version-kind": [
                        {"group": "", "kind": "ConfigMap", "version": "v1"},
                        {"group": "example.com", "kind": "ConfigMap", "version": "v2"}
                    ],
                    "x-kubernetes-list-type": "atomic"
                }}),
                json!({"/api/v1/configmaps": {"get": {
                    "operationId": "listCoreV1ConfigMapForAllNamespaces",
                    "responses": ok_response(json!({"type": "string"})),
                    "x-kubernetes-action": "list",
                    "x-kubernetes-group-version-kind": {"group": "", "kind": "ConfigMap", "version": "v1"}
                }}}),
            ),
        )
        .unwrap();
        let cm = &spec.definitions["io.k8s.api.core.v1.ConfigMap"];
        assert_eq!(cm.description.as_deref(), Some("ConfigMap holds configuration data."));
        let gvk = |group: &str, version: &str| Gvk {
            group: group.to_string(),
            version: version.to_string(),
            kind: "ConfigMap".to_string(),
        };
        assert_eq!(cm.gvks, vec![gvk("", "v1"), gvk("example.com", "v2")]);
        assert!(properties(cm)["raw"].preserve_unknown_fields);
        assert!(properties(cm)["object"].embedded_resource);
        let op = &spec.operations[0];
        assert_eq!(op.gvk, Some(gvk("", "v1")));
        assert_eq!(op.action, Some(super::super::model::Action::List));

        let err = load(
            FILE,
            doc(json!({"A": {"type": "object", "x-kubernetes-group-version-kind": [{"group": ""}]}}), json!({})),
        )
        .unwrap_err();
        match err {
            Error::Unsupported { origin, .. } => {
                assert_eq!(origin.pointer, "/components/schemas/A/x-kubernetes-group-version-kind/0")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn path_level_parameters_merge_with_operation_parameters() {
        let param = |name: &str, location: &str, description: &str| {
            json!({"name": name, "in": location, "description": description,
                   "required": location == "path", "schema": {"type": "string", "uniqueItems": true}})
        };
        let spec = load(
            FILE,
            doc(
                json!({}),
                json!({"/api/v1/namespaces/{namespace}/configmaps/{name}": {
                    "parameters": [
                        param("pretty", "query", "shared"),
                        param("name", "path", "name of the ConfigMap"),
                        param("namespace", "path", "object name and auth scope")
                    ],
                    "get": {"operationId": "read", "responses": ok_response(json!({"type": "string"}))},
                    "patch": {
                        "operationId": "patch",
                        "parameters": [param("pretty", "query", "own"), param("dryRun", "query", "dry")],
                        "responses": ok_response(json!({"type": "string"}))
                    }
                }}),
            ),
        )
        .unwrap();
        fn names(op: &Operation) -> Vec<(ParamLocation, &str, &str)> {
            op.parameters.iter().map(|p| (p.location, p.name.as_str(), p.description.as_deref().unwrap())).collect()
        }
        let (read, patch) = (&spec.operations[0], &spec.operations[1]);
        assert_eq!((read.method.as_str(), patch.method.as_str()), ("get", "patch"));
        assert_eq!(
            names(read),
            [
                (ParamLocation::Path, "name", "name of the ConfigMap"),
                (ParamLocation::Path, "namespace", "object name and auth scope"),
                (ParamLocation::Query, "pretty", "shared"),
            ]
        );
        assert_eq!(
            names(patch),
            [
                (ParamLocation::Path, "name", "name of the ConfigMap"),
                (ParamLocation::Path, "namespace", "object name and auth scope"),
                (ParamLocation::Query, "dryRun", "dry"),
                (ParamLocation::Query, "pretty", "own"),
            ]
        );
        let name = &read.parameters[0];
        assert!(name.required && name.unique_items);
        assert_eq!(name.schema.kind, SchemaKind::String { format: None });
        assert_eq!(
            name.schema.origin.pointer,
            "/paths/~1api~1v1~1namespaces~1{namespace}~1configmaps~1{name}/parameters/1/schema"
        );
        let own_pretty = &patch.parameters[3];
        assert_eq!(
            own_pretty.schema.origin.pointer,
            "/paths/~1api~1v1~1namespaces~1{namespace}~1configmaps~1{name}/patch/parameters/0/schema"
        );
    }

    #[test]
    fn parameter_refs_resolve_to_components() {
        let mut input = doc(
            json!({}),
            json!({"/api/v1/things": {
                "parameters": [{"$ref": "#/components/parameters/pretty-tJGM1-ng"}],
                "get": {
                    "operationId": "list",
                    "parameters": [{"$ref": "#/components/parameters/limit"}],
                    "responses": ok_response(json!({"type": "string"}))
                }
            }}),
        );
        input["components"]["parameters"] = json!({
            "pretty-tJGM1-ng": {"name": "pretty", "in": "query", "description": "pretty-print",
                                "schema": {"type": "string", "uniqueItems": true}},
            "limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}
        });
        let spec = load(FILE, input.clone()).unwrap();
        let params = &spec.operations[0].parameters;
        assert_eq!(params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["limit", "pretty"]);
        assert_eq!(params[1].description.as_deref(), Some("pretty-print"));
        assert!(params[1].unique_items && !params[0].unique_items);
        assert_eq!(params[1].schema.origin.pointer, "/components/parameters/pretty-tJGM1-ng/schema");
        assert_eq!(params[0].schema.kind, SchemaKind::Integer { format: None });

        let mut dangling = input.clone();
        dangling["paths"]["/api/v1/things"]["get"]["parameters"][0]["$ref"] = json!("#/components/parameters/missing");
        let err = load(FILE, dangling).unwrap_err();
        match &err {
            Error::DanglingRef { origin, reference } => {
                assert_eq!(origin.pointer, "/paths/~1api~1v1~1things/get/parameters/0");
                assert_eq!(reference, "#/components/parameters/missing");
            }
            other => panic!("{other:?}"),
        }

        let mut foreign = input.clone();
        foreign["paths"]["/api/v1/things"]["parameters"][0]["$ref"] = json!("#/parameters/pretty");
        assert!(matches!(load(FILE, foreign).unwrap_err(), Error::Unsupported { .. }));

        let mut cookie = input;
        cookie["components"]["parameters"]["limit"]["in"] = json!("cookie");
        match load(FILE, cookie).unwrap_err() {
            Error::Unsupported { origin, .. } => {
                assert_eq!(origin.pointer, "/components/parameters/limit/in")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bodies_responses_and_media_types() {
        let cm = json!({"$ref": "#/components/schemas/CM"});
        let patch = json!({"$ref": "#/components/schemas/Patch"});
        let content = |types: &[&str], schema: &Value| {
            Value::Object(types.iter().map(|t| (t.to_string(), json!({"schema": schema}))).collect())
        };
        let mut input = doc(
            json!({"CM": {"type": "object"}, "Patch": {"type": "object"}}),
            json!({
                "/b": {"post": {
                    "operationId": "create",
                    "requestBody": {"$ref": "#/components/requestBodies/cm"},
                    "responses": {
                        "default": {"description": "Error", "content": {"text/plain": {}}},
                        "401": {"description": "Unauthorized"},
                        "201": {
                            "description": "Created",
                            "content": content(&["application/yaml", "application/json"], &cm)
                        },
                        "200": {
                            "description": "OK",
                            "content": content(&["application/yaml", "application/vnd.kubernetes.protobuf"], &cm)
                        }
                    }
                }},
                "/a": {"patch": {
                    "operationId": "patch",
                    "requestBody": {
                        "required": true,
                        "description": "the patch",
                        "content": content(&[
                            "application/json-patch+json",
                            "application/merge-patch+json",
                            "application/strategic-merge-patch+json",
                            "application/apply-patch+yaml"
                        ], &patch)
                    },
                    "responses": {"200": {
                        "description": "OK",
                        "content": {"application/json": {}, "application/yaml": {"schema": cm}}
                    }}
                }}
            }),
        );
        input["components"]["requestBodies"] = json!({"cm": {"content": content(&["*/*"], &cm)}});
        // `serde_json::Value` keeps objects in document order only with serde_json's
        // `preserve_order` feature; the loader keeps whatever order its input has.
        let keys = |pointer: &str| -> Vec<String> {
            input.pointer(pointer).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
        };
        let patch_types = keys("/paths/~1a/patch/requestBody/content");
        let mut produced = Vec::new();
        for status in ["200", "201", "401", "default"] {
            for key in keys(&format!("/paths/~1b/post/responses/{status}/content")) {
                if !produced.contains(&key) {
                    produced.push(key);
                }
            }
        }
        let spec = load(FILE, input.clone()).unwrap();
        let (patch_op, create) = (&spec.operations[0], &spec.operations[1]);
        assert_eq!((patch_op.path.as_str(), create.path.as_str()), ("/a", "/b"), "sorted by path");

        let body = patch_op.body.as_ref().unwrap();
        assert!(body.required);
        assert_eq!(body.description.as_deref(), Some("the patch"));
        assert_eq!(body.schema.kind, SchemaKind::Ref("Patch".to_string()));
        assert_eq!(body.media_types, patch_types);
        assert_eq!(patch_types.len(), 4);
        // No application/json entry: the first media type's schema is used.
        assert_eq!(
            body.schema.origin,
            Origin::new(FILE, "/paths/~1a/patch/requestBody/content").child(&patch_types[0]).child("schema")
        );
        // application/json is listed but has no schema: the first entry that has one is used.
        assert_eq!(patch_op.responses[0].schema.as_ref().unwrap().kind, SchemaKind::Ref("CM".to_string()));

        let body = create.body.as_ref().unwrap();
        assert!(!body.required);
        assert_eq!(body.media_types, ["*/*"]);
        assert_eq!(body.schema.origin.pointer, "/components/requestBodies/cm/content/*~1*/schema");

        let statuses: Vec<&str> = create.responses.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(statuses, ["200", "201", "401", "default"]);
        assert_eq!(create.responses[1].description.as_deref(), Some("Created"));
        assert_eq!(
            create.responses[1].schema.as_ref().unwrap().origin.pointer,
            "/paths/~1b/post/responses/201/content/application~1json/schema",
            "application/json preferred"
        );
        assert!(create.responses[2].schema.is_none());
        assert!(create.responses[3].schema.is_none());
        assert_eq!(create.produces, produced);
        assert_eq!(produced.len(), 4, "the union holds each media type once");
    }

    fn equivalence_file(name: &str) -> Spec {
        let path = format!("{}/../specs/equivalence/v3/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        load(&path, serde_json::from_str(&text).unwrap()).unwrap()
    }

    #[test]
    fn equivalence_documents_load() {
        for (name, kind) in
            [("api__v1.json", "io.k8s.api.core.v1.ConfigMap"), ("apis__example.com__v1.json", "com.example.v1.Widget")]
        {
            let spec = equivalence_file(name);
            assert!(spec.definitions.contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), "{name}");
            assert!(spec.definitions.contains_key(kind), "{name}");
            assert!(!spec.operations.is_empty(), "{name}");
        }
    }
}
