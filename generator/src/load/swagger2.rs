//! Swagger 2.0 (what Kubernetes publishes as `api/openapi-spec/swagger.json` and serves at
//! `/openapi/v2`) read into the neutral model. Walked by hand over `serde_json::Value` so
//! every error can name the JSON pointer of the node at fault.

use super::extensions;
use super::model::*;
use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const DEF_PREFIX: &str = "#/definitions/";
const PARAM_PREFIX: &str = "#/parameters/";
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

pub fn load(file: &str, doc: &Value) -> Result<Spec> {
    let root = Origin::new(file, "");
    let doc = as_object(doc, &root)?;
    let mut spec = Spec::default();

    let definitions_origin = root.child("definitions");
    let definitions = match doc.get("definitions") {
        Some(d) => as_object(d, &definitions_origin)?.clone(),
        None => Map::new(),
    };
    let reader = Reader { definitions: &definitions, parameters: doc.get("parameters") };
    for (name, schema) in &definitions {
        let schema = reader.schema(schema, &definitions_origin.child(name))?;
        spec.definitions.insert(name.clone(), schema);
    }

    if let Some(paths) = doc.get("paths") {
        let paths_origin = root.child("paths");
        for (path, item) in as_object(paths, &paths_origin)? {
            let item_origin = paths_origin.child(path);
            let item = as_object(item, &item_origin)?;
            let shared = match item.get("parameters") {
                Some(p) => reader.parameters(p, &item_origin.child("parameters"))?,
                None => Vec::new(),
            };
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    let op = reader.operation(path, method, op, &shared, &item_origin.child(method))?;
                    spec.operations.push(op);
                }
            }
        }
    }
    Ok(spec)
}

fn as_object<'a>(value: &'a Value, origin: &Origin) -> Result<&'a Map<String, Value>> {
    value.as_object().ok_or_else(|| Error::Unsupported {
        origin: origin.clone(),
        message: format!("expected an object, found {}", kind_of(value)),
    })
}

/// What a JSON value is, for messages ("found a string").
pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn string(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

fn flag(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The JSON types of a schema's `type` (a string or, as JSON Schema allows and third-party
/// swaggers write, an array such as `["string", "null"]`): the non-null ones, sorted, and
/// whether `null` is among them.
fn types<'v>(map: &'v Map<String, Value>, origin: &Origin) -> Result<(Vec<&'v str>, bool)> {
    const KNOWN: [&str; 7] = ["array", "boolean", "integer", "null", "number", "object", "string"];
    let at = origin.child("type");
    let unknown = |t: &str, at: &Origin| Error::Unsupported {
        origin: at.clone(),
        message: format!("unknown type {} (expected one of {})", extensions::quoted(t), KNOWN.join(", ")),
    };
    let mut types: Vec<&str> = match map.get("type") {
        None => Vec::new(),
        Some(Value::String(t)) if KNOWN.contains(&t.as_str()) => vec![t.as_str()],
        Some(Value::String(t)) => return Err(unknown(t, &at)),
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(t) if KNOWN.contains(&t) => out.push(t),
                    Some(t) => return Err(unknown(t, &at.child(&i.to_string()))),
                    None => {
                        return Err(Error::Unsupported {
                            origin: at.child(&i.to_string()),
                            message: format!("a `type` array holds type names, found {}", kind_of(item)),
                        })
                    }
                }
            }
            out
        }
        Some(other) => {
            return Err(Error::Unsupported {
                origin: at,
                message: format!("`type` must be a string or an array of strings, found {}", kind_of(other)),
            })
        }
    };
    let nullable = types.contains(&"null");
    types.retain(|t| *t != "null");
    types.sort_unstable();
    types.dedup();
    Ok((types, nullable))
}

struct Reader<'a> {
    definitions: &'a Map<String, Value>,
    parameters: Option<&'a Value>,
}

impl Reader<'_> {
    fn schema(&self, value: &Value, origin: &Origin) -> Result<Schema> {
        let map = as_object(value, origin)?;
        let (types, nullable) = types(map, origin)?;
        let kind = self.schema_kind(map, &types, origin)?;
        let mut schema = Schema::new(origin.clone(), kind);
        schema.description = string(map.get("description"));
        schema.nullable = nullable || flag(map, "x-nullable");
        extensions::apply_to_schema(map, &mut schema, origin)?;
        if let Some(Value::Array(values)) = map.get("enum") {
            schema.enum_values = values.clone();
        }
        Ok(schema)
    }

    fn schema_kind(&self, map: &Map<String, Value>, types: &[&str], origin: &Origin) -> Result<SchemaKind> {
        if let Some(reference) = map.get("$ref") {
            return self.reference(reference, origin);
        }
        for unsupported in ["allOf", "oneOf", "anyOf", "not"] {
            if map.contains_key(unsupported) {
                return Err(Error::Unsupported {
                    origin: origin.child(unsupported),
                    message: format!("`{unsupported}` is not supported in Swagger 2.0 schemas"),
                });
            }
        }
        let format = string(map.get("format"));
        Ok(match types {
            ["string"] => SchemaKind::String { format },
            ["integer"] => SchemaKind::Integer { format },
            ["number"] => SchemaKind::Number { format },
            ["boolean"] => SchemaKind::Boolean,
            ["array"] => {
                let items = map.get("items").ok_or_else(|| Error::Unsupported {
                    origin: origin.clone(),
                    message: "an array schema needs `items`".to_string(),
                })?;
                SchemaKind::Array { items: Box::new(self.schema(items, &origin.child("items"))?) }
            }
            ["object"] => self.object(map, origin)?,
            [] if map.contains_key("properties") || map.contains_key("additionalProperties") => {
                self.object(map, origin)?
            }
            [] => SchemaKind::Any,
            several => SchemaKind::Union { types: several.iter().map(|t| t.to_string()).collect() },
        })
    }

    fn object(&self, map: &Map<String, Value>, origin: &Origin) -> Result<SchemaKind> {
        let mut properties = BTreeMap::new();
        if let Some(props) = map.get("properties") {
            let props_origin = origin.child("properties");
            for (name, prop) in as_object(props, &props_origin)? {
                properties.insert(name.clone(), self.schema(prop, &props_origin.child(name))?);
            }
        }
        let required = match map.get("required") {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        };
        let ap_origin = origin.child("additionalProperties");
        let additional_properties = match map.get("additionalProperties") {
            None | Some(Value::Bool(false)) => None,
            Some(Value::Bool(true)) => Some(Box::new(Schema::new(ap_origin, SchemaKind::Any))),
            Some(schema) => Some(Box::new(self.schema(schema, &ap_origin)?)),
        };
        Ok(SchemaKind::Object { properties, required, additional_properties })
    }

    fn reference(&self, value: &Value, origin: &Origin) -> Result<SchemaKind> {
        let reference = value.as_str().unwrap_or_default();
        match reference.strip_prefix(DEF_PREFIX) {
            Some(name) if self.definitions.contains_key(name) => Ok(SchemaKind::Ref(name.to_string())),
            _ => Err(Error::DanglingRef { origin: origin.clone(), reference: reference.to_string() }),
        }
    }

    fn parameters(&self, value: &Value, origin: &Origin) -> Result<Vec<RawParam>> {
        let items = value.as_array().ok_or_else(|| Error::Unsupported {
            origin: origin.clone(),
            message: format!("`parameters` must be an array, found {}", kind_of(value)),
        })?;
        items.iter().enumerate().map(|(i, item)| self.parameter(item, &origin.child(&i.to_string()))).collect()
    }

    /// Resolves `$ref: #/parameters/NAME` and returns the parameter with its origin.
    fn parameter(&self, value: &Value, origin: &Origin) -> Result<RawParam> {
        let map = as_object(value, origin)?;
        if let Some(reference) = map.get("$ref") {
            let reference = reference.as_str().unwrap_or_default();
            let target =
                reference.strip_prefix(PARAM_PREFIX).and_then(|name| self.parameters?.get(name).map(|v| (name, v)));
            return match target {
                Some((name, target)) => {
                    let target_origin = Origin::new(&origin.file, "/parameters").child(name);
                    Ok(RawParam { value: as_object(target, &target_origin)?.clone(), origin: target_origin })
                }
                None => Err(Error::DanglingRef { origin: origin.clone(), reference: reference.to_string() }),
            };
        }
        Ok(RawParam { value: map.clone(), origin: origin.clone() })
    }

    fn operation(
        &self,
        path: &str,
        method: &str,
        value: &Value,
        shared: &[RawParam],
        origin: &Origin,
    ) -> Result<Operation> {
        let map = as_object(value, origin)?;
        let own = match map.get("parameters") {
            Some(p) => self.parameters(p, &origin.child("parameters"))?,
            None => Vec::new(),
        };
        let key = |p: &RawParam| (string(p.value.get("name")), string(p.value.get("in")));
        let mut raw: Vec<RawParam> = shared.iter().filter(|s| !own.iter().any(|o| key(o) == key(s))).cloned().collect();
        raw.extend(own);

        let consumes: Vec<String> = string_list(map.get("consumes"));
        let mut parameters = Vec::new();
        let mut body = None;
        for p in &raw {
            let name = string(p.value.get("name")).ok_or_else(|| Error::Unsupported {
                origin: p.origin.clone(),
                message: "a parameter needs a `name`".to_string(),
            })?;
            let required = flag(&p.value, "required");
            let description = string(p.value.get("description"));
            let location = match p.value.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let schema_value = p.value.get("schema").ok_or_else(|| Error::Unsupported {
                        origin: p.origin.clone(),
                        message: "a body parameter needs a `schema`".to_string(),
                    })?;
                    let schema = self.schema(schema_value, &p.origin.child("schema"))?;
                    body = Some(Body { required, description, schema, media_types: consumes.clone() });
                    continue;
                }
                Some("path") => ParamLocation::Path,
                Some("query") => ParamLocation::Query,
                Some("header") => ParamLocation::Header,
                other => {
                    return Err(Error::Unsupported {
                        origin: p.origin.child("in"),
                        message: format!(
                            "parameter location {} is not supported",
                            extensions::quoted(other.unwrap_or(""))
                        ),
                    })
                }
            };
            // A non-body parameter carries its schema inline (type, format, items).
            let mut schema = self.schema(&Value::Object(p.value.clone()), &p.origin)?;
            // The description belongs to the parameter (OpenAPI 3.0 has it there only).
            schema.description = None;
            let unique_items = flag(&p.value, "uniqueItems");
            parameters.push(Parameter { name, location, required, description, schema, unique_items });
        }
        parameters.sort_by(|a, b| (a.location, &a.name).cmp(&(b.location, &b.name)));

        let mut responses = Vec::new();
        if let Some(resps) = map.get("responses") {
            let resps_origin = origin.child("responses");
            for (status, resp) in as_object(resps, &resps_origin)? {
                let resp_origin = resps_origin.child(status);
                let resp = as_object(resp, &resp_origin)?;
                let schema = match resp.get("schema") {
                    Some(s) => Some(self.schema(s, &resp_origin.child("schema"))?),
                    None => None,
                };
                responses.push(Response {
                    status: status.clone(),
                    description: string(resp.get("description")),
                    schema,
                });
            }
        }
        responses.sort_by(|a, b| a.status.cmp(&b.status));

        Ok(Operation {
            origin: origin.clone(),
            id: string(map.get("operationId")).ok_or_else(|| Error::Unsupported {
                origin: origin.clone(),
                message: "an operation needs an `operationId`".to_string(),
            })?,
            method: method.to_string(),
            path: path.to_string(),
            description: string(map.get("description")),
            tags: string_list(map.get("tags")),
            deprecated: flag(map, "deprecated"),
            action: extensions::action(map.get(extensions::ACTION), &origin.child(extensions::ACTION))?,
            gvk: extensions::gvks(map.get(extensions::GVK), &origin.child(extensions::GVK))?.into_iter().next(),
            inferred: false,
            parameters,
            body,
            responses,
            produces: string_list(map.get("produces")),
        })
    }
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

#[derive(Clone)]
struct RawParam {
    value: Map<String, Value>,
    origin: Origin,
}
