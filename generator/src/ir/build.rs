//! Builds the IR from the loaded spec: Rust names and shapes for every definition, the
//! resources the paths serve, and typed operations.

use super::names::{dedupe, definition_path, snake_ident, type_ident};
use super::special::{integer_format, special_definition, string_format, Special};
use super::*;
use crate::error::{Error, Result};
use crate::load::model::{self, Schema, SchemaKind, Spec};
use heck::ToUpperCamelCase;
use std::collections::{BTreeMap, BTreeSet};

/// Builds the IR. `spec` has had its fixups applied.
pub fn build(spec: &Spec) -> Result<Api> {
    let mut builder = Builder { spec, types: BTreeMap::new() };
    for (name, schema) in &spec.definitions {
        builder.definition(name, schema)?;
    }
    let mut types = builder.types;
    reject_alias_cycles(spec, &types)?;
    name_types(&mut types);
    box_recursive_fields(&mut types);
    let resources = resources(spec, &types);
    let mut operations = operations(spec, &types)?;
    super::actions::assign_modules(&mut operations, &resources);
    let query_sets = super::actions::query_sets(&mut operations);
    Ok(Api { types, resources, operations, fixups_applied: Vec::new(), query_sets })
}

struct Builder<'a> {
    spec: &'a Spec,
    types: BTreeMap<String, TypeDef>,
}

impl Builder<'_> {
    fn definition(&mut self, name: &str, schema: &Schema) -> Result<()> {
        if name.split('.').any(str::is_empty) {
            return Err(Error::Unsupported {
                origin: schema.origin.clone(),
                message: format!("definition name {name:?} has an empty segment"),
            });
        }
        let (module, type_name) = definition_path(name);
        let path = RustPath { module, name: type_name };
        self.add_type(name.to_string(), path, schema)
    }

    fn add_type(&mut self, def_name: String, path: RustPath, schema: &Schema) -> Result<()> {
        let shape = match special_definition(&def_name, schema) {
            Some(Special::Runtime(ty)) => Shape::Special(ty),
            Some(Special::Json) => Shape::Alias(TypeRef::Json),
            None => match &schema.kind {
                SchemaKind::Object { properties, required, additional_properties }
                    if !properties.is_empty() || additional_properties.is_none() =>
                {
                    if additional_properties.is_some() {
                        return Err(Error::Unsupported {
                            origin: schema.origin.child("additionalProperties"),
                            message: "an object with both `properties` and `additionalProperties`".to_string(),
                        });
                    }
                    let fields = self.fields(&def_name, &path, properties, required)?;
                    Shape::Struct { fields }
                }
                _ => Shape::Alias(self.type_ref(&def_name, &path, "", schema)?),
            },
        };
        let type_meta = match (&shape, schema.gvks.as_slice()) {
            (Shape::Struct { fields }, [gvk])
                if fields.iter().any(|f| f.wire == "apiVersion") && fields.iter().any(|f| f.wire == "kind") =>
            {
                Some(gvk.clone())
            }
            _ => None,
        };
        let shape = match (shape, &type_meta) {
            (Shape::Struct { fields }, Some(_)) => Shape::Struct {
                fields: fields
                    .into_iter()
                    .map(|f| {
                        let role = match f.wire.as_str() {
                            "apiVersion" => FieldRole::ApiVersion,
                            "kind" => FieldRole::Kind,
                            _ => FieldRole::Data,
                        };
                        Field { role, ..f }
                    })
                    .collect(),
            },
            (shape, _) => shape,
        };
        self.types.insert(
            def_name.clone(),
            TypeDef { def_name, path, doc: schema.description.clone(), shape, gvks: schema.gvks.clone(), type_meta },
        );
        Ok(())
    }

    fn fields(
        &mut self,
        def_name: &str,
        path: &RustPath,
        properties: &BTreeMap<String, Schema>,
        required: &[String],
    ) -> Result<Vec<Field>> {
        let candidates: Vec<(String, String)> = properties.keys().map(|w| (w.clone(), snake_ident(w))).collect();
        let idents = dedupe(&candidates, "_");
        let mut fields = Vec::new();
        for ((wire, schema), ident) in properties.iter().zip(idents) {
            let ty = self.type_ref(def_name, path, wire, schema)?;
            fields.push(Field {
                wire: wire.clone(),
                ident,
                doc: schema.description.clone(),
                ty,
                required: required.contains(wire),
                boxed: false,
                role: FieldRole::Data,
                sensitive: super::special::is_sensitive(def_name, wire),
            });
        }
        Ok(fields)
    }

    /// The type of a schema used by a field (`wire`) of `owner`. Inline objects with
    /// properties become their own types, named after the owner and the field.
    fn type_ref(&mut self, owner: &str, owner_path: &RustPath, wire: &str, schema: &Schema) -> Result<TypeRef> {
        if schema.int_or_string {
            return Ok(TypeRef::IntOrString);
        }
        Ok(match &schema.kind {
            SchemaKind::Ref(name) => self.named(name, schema)?,
            SchemaKind::String { format } => string_format(format.as_deref()),
            SchemaKind::Integer { format } => integer_format(format.as_deref()),
            SchemaKind::Number { .. } => TypeRef::F64,
            SchemaKind::Boolean => TypeRef::Bool,
            SchemaKind::Any => TypeRef::Json,
            SchemaKind::Array { items } => {
                TypeRef::Vec(Box::new(nullable_time(self.type_ref(owner, owner_path, wire, items)?)))
            }
            SchemaKind::Object { properties, additional_properties, .. } => {
                match (properties.is_empty(), additional_properties) {
                    (true, Some(values)) => {
                        TypeRef::Map(Box::new(nullable_time(self.type_ref(owner, owner_path, wire, values)?)))
                    }
                    (true, None) => TypeRef::Json,
                    (false, _) => {
                        let def_name = format!("{owner}/{wire}");
                        let name = format!("{}{}", owner_path.name, type_ident(&wire.to_upper_camel_case()));
                        let path = RustPath { module: owner_path.module.clone(), name };
                        self.add_type(def_name.clone(), path, schema)?;
                        TypeRef::Named(def_name)
                    }
                }
            }
        })
    }

    fn named(&self, name: &str, schema: &Schema) -> Result<TypeRef> {
        let target = self
            .spec
            .definitions
            .get(name)
            .ok_or_else(|| Error::DanglingRef { origin: schema.origin.clone(), reference: name.to_string() })?;
        Ok(match special_definition(name, target) {
            Some(Special::Runtime(ty)) => ty,
            _ => TypeRef::Named(name.to_string()),
        })
    }
}

/// Go writes a zero `metav1.Time` as `null`; in a map or list nothing omits it, so such
/// elements may be null (PodDisruptionBudget `status.disruptedPods`).
fn nullable_time(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Time | TypeRef::MicroTime => TypeRef::Nullable(Box::new(ty)),
        other => other,
    }
}

/// `Foo = Foo` or `A = Vec<B>`, `B = A` cannot be Rust type aliases.
fn reject_alias_cycles(spec: &Spec, types: &BTreeMap<String, TypeDef>) -> Result<()> {
    let alias_targets = |name: &str| -> Vec<String> {
        match types.get(name) {
            Some(TypeDef { shape: Shape::Alias(ty), .. }) => ty.definition().map(str::to_string).into_iter().collect(),
            _ => Vec::new(),
        }
    };
    for start in types.keys() {
        let mut path: Vec<String> = Vec::new();
        let mut stack = vec![(start.clone(), 0usize)];
        let mut seen = BTreeSet::new();
        while let Some((node, depth)) = stack.pop() {
            path.truncate(depth);
            path.push(node.clone());
            for next in alias_targets(&node) {
                if &next == start {
                    let origin = spec.definitions.get(start).map(|s| s.origin.clone()).unwrap_or_default();
                    path.push(next);
                    return Err(Error::AliasCycle { origin, name: start.clone(), cycle: path.join(" -> ") });
                }
                if seen.insert(next.clone()) {
                    stack.push((next, depth + 1));
                }
            }
        }
    }
    Ok(())
}

/// Two definitions may map to one Rust name in a module (`a-b` and `a_b`); the later key gets a
/// numeric suffix.
fn name_types(types: &mut BTreeMap<String, TypeDef>) {
    let mut by_module: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (key, t) in types.iter() {
        by_module.entry(t.path.module.clone()).or_default().push(key.clone());
    }
    for keys in by_module.values() {
        let candidates: Vec<(String, String)> = keys.iter().map(|k| (k.clone(), types[k].path.name.clone())).collect();
        for (key, name) in keys.iter().zip(dedupe(&candidates, "")) {
            if let Some(t) = types.get_mut(key) {
                t.path.name = name;
            }
        }
    }
}

/// A struct that contains itself by value (JSONSchemaProps.not) cannot be sized; such fields
/// are boxed. Vec and map fields are already indirect.
fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let direct = |t: &TypeDef| -> Vec<String> {
        match &t.shape {
            Shape::Struct { fields } => fields
                .iter()
                .filter_map(|f| match &f.ty {
                    TypeRef::Named(n) => Some(n.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    let edges: BTreeMap<String, Vec<String>> = types.iter().map(|(k, t)| (k.clone(), direct(t))).collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut to_box = Vec::new();
    for (key, t) in types.iter() {
        if let Shape::Struct { fields } = &t.shape {
            for (i, f) in fields.iter().enumerate() {
                if let TypeRef::Named(target) = &f.ty {
                    if reaches(target, key) {
                        to_box.push((key.clone(), i));
                    }
                }
            }
        }
    }
    for (key, i) in to_box {
        if let Some(TypeDef { shape: Shape::Struct { fields }, .. }) = types.get_mut(&key) {
            fields[i].boxed = true;
        }
    }
}

/// A resource path split into its parts.
struct PathParts {
    key: ResourceKey,
    namespaced: bool,
    has_name: bool,
    subresource: Option<String>,
    legacy_watch: bool,
}

/// Reads `/api/v1[/watch][/namespaces/{namespace}]/PLURAL[/{name}[/SUB...]]` and the same
/// under `/apis/GROUP/VERSION`.
fn parse_path(path: &str) -> Option<PathParts> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (group, version, mut rest) = match segments.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let legacy_watch = rest.first() == Some(&"watch");
    if legacy_watch {
        rest = &rest[1..];
    }
    let namespaced = rest.len() >= 3 && rest[0] == "namespaces" && rest[1] == "{namespace}";
    if namespaced {
        rest = &rest[2..];
    }
    let plural = rest.first().filter(|p| !p.is_empty() && !p.starts_with('{'))?;
    let has_name = rest.get(1).is_some_and(|s| s.starts_with('{'));
    let subresource = if has_name { rest.get(2).map(|s| s.to_string()) } else { None };
    if !has_name && rest.len() > 1 {
        return None;
    }
    Some(PathParts {
        key: ResourceKey { group: group.to_string(), version: version.to_string(), plural: plural.to_string() },
        namespaced,
        has_name,
        subresource,
        legacy_watch,
    })
}

/// The Kubernetes verb an operation performs.
fn verb(op: &model::Operation, has_name: bool) -> Option<&'static str> {
    Some(match op.action.as_deref()? {
        "get" => "get",
        "list" => "list",
        "watch" | "watchlist" => "watch",
        "post" => "create",
        "put" => "update",
        "patch" => "patch",
        "delete" if has_name => "delete",
        "delete" => "deletecollection",
        "deletecollection" => "deletecollection",
        _ => return None,
    })
}

/// Connect subresources (exec, attach, proxy, ...) are listed by discovery with the verbs of
/// their HTTP methods.
fn connect_verb(op: &model::Operation) -> Option<&'static str> {
    if op.action.as_deref() != Some("connect") {
        return None;
    }
    Some(match op.method.as_str() {
        "get" => "get",
        "post" => "create",
        "put" => "update",
        "patch" => "patch",
        "delete" => "delete",
        _ => return None,
    })
}

fn push_verb(verbs: &mut Vec<String>, verb: &str) {
    if !verbs.iter().any(|v| v == verb) {
        verbs.push(verb.to_string());
        verbs.sort_by_key(|v| VERBS.iter().position(|x| x == v));
    }
}

fn resources(spec: &Spec, types: &BTreeMap<String, TypeDef>) -> Vec<Resource> {
    let mut found: BTreeMap<ResourceKey, Resource> = BTreeMap::new();
    let def_of = |gvk: &Gvk| {
        types
            .values()
            .find(|t| t.gvks.len() == 1 && &t.gvks[0] == gvk)
            .or_else(|| types.values().find(|t| t.gvks.contains(gvk)))
    };
    // The kind of a resource comes from its own (non-subresource) operations.
    for op in &spec.operations {
        let (Some(parts), Some(gvk)) = (parse_path(&op.path), &op.gvk) else { continue };
        if parts.subresource.is_some() || op.action.as_deref() == Some("connect") {
            continue;
        }
        let Some(def) = def_of(gvk) else { continue };
        let entry = found.entry(parts.key.clone()).or_insert_with(|| Resource {
            gvk: gvk.clone(),
            plural: parts.key.plural.clone(),
            scope: Scope::Cluster,
            type_def: def.def_name.clone(),
            list_def: None,
            verbs: Vec::new(),
            subresources: Vec::new(),
        });
        if parts.namespaced {
            entry.scope = Scope::Namespaced;
        }
    }
    for op in &spec.operations {
        let Some(parts) = parse_path(&op.path) else { continue };
        let Some(resource) = found.get_mut(&parts.key) else { continue };
        let Some(verb) = verb(op, parts.has_name) else {
            if let (Some(sub), Some(verb)) = (&parts.subresource, connect_verb(op)) {
                push_verb(&mut subresource(resource, sub, op).verbs, verb);
            }
            continue;
        };
        match &parts.subresource {
            Some(sub) => push_verb(&mut subresource(resource, sub, op).verbs, verb),
            None => {
                push_verb(&mut resource.verbs, verb);
                let has_watch_param = op.parameters.iter().any(|p| p.name == "watch");
                if verb == "list" {
                    if has_watch_param {
                        push_verb(&mut resource.verbs, "watch");
                    }
                    if let Some(TypeRef::Named(list)) = ok_response_type(op, types) {
                        resource.list_def = Some(list);
                    }
                }
            }
        }
    }
    found.into_values().collect()
}

fn subresource<'r>(resource: &'r mut Resource, name: &str, op: &model::Operation) -> &'r mut Subresource {
    let index = match resource.subresources.iter().position(|s| s.name == name) {
        Some(i) => i,
        None => {
            resource.subresources.push(Subresource { name: name.to_string(), verbs: Vec::new(), gvk: op.gvk.clone() });
            resource.subresources.sort_by(|a, b| a.name.cmp(&b.name));
            resource.subresources.iter().position(|s| s.name == name).unwrap_or_default()
        }
    };
    &mut resource.subresources[index]
}

fn ok_response_type(op: &model::Operation, types: &BTreeMap<String, TypeDef>) -> Option<TypeRef> {
    let schema = op.responses.iter().find(|r| r.status == "200")?.schema.as_ref()?;
    simple_type_ref(schema, types).ok()
}

/// The type of a parameter, body or response schema. These are either simple types or refs;
/// an inline object here has no owner to be named after, so it is an error.
fn simple_type_ref(schema: &Schema, types: &BTreeMap<String, TypeDef>) -> Result<TypeRef> {
    if schema.int_or_string {
        return Ok(TypeRef::IntOrString);
    }
    Ok(match &schema.kind {
        SchemaKind::Ref(name) => match types.get(name) {
            Some(TypeDef { shape: Shape::Special(ty), .. }) => ty.clone(),
            Some(_) => TypeRef::Named(name.clone()),
            None => return Err(Error::DanglingRef { origin: schema.origin.clone(), reference: name.clone() }),
        },
        SchemaKind::String { format } => string_format(format.as_deref()),
        SchemaKind::Integer { format } => integer_format(format.as_deref()),
        SchemaKind::Number { .. } => TypeRef::F64,
        SchemaKind::Boolean => TypeRef::Bool,
        SchemaKind::Any => TypeRef::Json,
        SchemaKind::Array { items } => TypeRef::Vec(Box::new(simple_type_ref(items, types)?)),
        SchemaKind::Object { properties, additional_properties, .. } if properties.is_empty() => {
            match additional_properties {
                Some(values) => TypeRef::Map(Box::new(simple_type_ref(values, types)?)),
                None => TypeRef::Json,
            }
        }
        SchemaKind::Object { .. } => {
            return Err(Error::Unsupported {
                origin: schema.origin.clone(),
                message: "an inline object with properties in a parameter, body or response; use a definition"
                    .to_string(),
            })
        }
    })
}

fn operations(spec: &Spec, types: &BTreeMap<String, TypeDef>) -> Result<Vec<Operation>> {
    let mut ops = Vec::new();
    let mut seen: BTreeMap<&str, &model::Origin> = BTreeMap::new();
    for op in &spec.operations {
        if let Some(first) = seen.insert(op.id.as_str(), &op.origin) {
            return Err(Error::Unsupported {
                origin: op.origin.clone(),
                message: format!("operationId {:?} is used twice (first at {first})", op.id),
            });
        }
        let parts = parse_path(&op.path);
        let candidates: Vec<(String, String)> =
            op.parameters.iter().map(|p| (p.name.clone(), snake_ident(&p.name))).collect();
        let idents = dedupe(&candidates, "_");
        let params = op
            .parameters
            .iter()
            .zip(idents)
            .map(|(p, ident)| {
                Ok(Param {
                    wire: p.name.clone(),
                    ident,
                    location: p.location,
                    ty: simple_type_ref(&p.schema, types)?,
                    required: p.required || p.location == ParamLocation::Path,
                    doc: p.description.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let body = match &op.body {
            Some(b) => Some(BodyDef {
                ty: simple_type_ref(&b.schema, types)?,
                required: b.required,
                media_types: b.media_types.clone(),
            }),
            None => None,
        };
        let responses = op
            .responses
            .iter()
            .map(|r| Ok((r.status.clone(), r.schema.as_ref().map(|s| simple_type_ref(s, types)).transpose()?)))
            .collect::<Result<Vec<_>>>()?;
        ops.push(Operation {
            id: op.id.clone(),
            ident: snake_ident(&op.id),
            method: op.method.clone(),
            path: op.path.clone(),
            doc: op.description.clone(),
            action: op.action.clone(),
            gvk: op.gvk.clone(),
            resource: parts.as_ref().map(|p| p.key.clone()),
            subresource: parts.as_ref().and_then(|p| p.subresource.clone()),
            legacy_watch_path: parts.as_ref().is_some_and(|p| p.legacy_watch),
            params,
            body,
            responses,
            produces: op.produces.clone(),
            deprecated: op.deprecated,
            module: Vec::new(),
            query: None,
        });
    }
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let p = parse_path("/api/v1/namespaces/{namespace}/secrets/{name}").unwrap();
        assert_eq!(
            (p.key.group.as_str(), p.key.plural.as_str(), p.namespaced, p.has_name),
            ("", "secrets", true, true)
        );
        let p = parse_path("/api/v1/namespaces/{name}/status").unwrap();
        assert_eq!(
            (p.key.plural.as_str(), p.namespaced, p.subresource.as_deref()),
            ("namespaces", false, Some("status"))
        );
        let p = parse_path("/apis/apps/v1/watch/namespaces/{namespace}/deployments").unwrap();
        assert!(p.legacy_watch && p.namespaced);
        let p = parse_path("/apis/rbac.authorization.k8s.io/v1/clusterroles").unwrap();
        assert_eq!((p.key.group.as_str(), p.namespaced), ("rbac.authorization.k8s.io", false));
        assert!(parse_path("/apis/apps/").is_none());
        assert!(parse_path("/version/").is_none());
        assert!(parse_path("/api/v1/").is_none());
    }
}
