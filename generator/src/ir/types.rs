//! Types: a Rust name and shape for every definition (and for the inline objects inside them),
//! the type of every schema use, boxing of recursive fields and names unique per module.

use super::names::{dedupe, dedupe_in, definition_path, snake_ident, type_ident, Scope};
use super::special::{scalar, special_definition, Special};
use super::*;
use crate::error::{Error, Result};
use crate::load::extensions::quoted;
use crate::load::model::{Schema, SchemaKind, Spec};
use heck::ToUpperCamelCase;
use std::collections::{BTreeMap, BTreeSet};

/// Every definition of the spec as a named, sized type.
pub fn types(spec: &Spec) -> Result<BTreeMap<String, TypeDef>> {
    let mut builder = Builder { spec, types: BTreeMap::new() };
    for (name, schema) in &spec.definitions {
        builder.definition(name, schema)?;
    }
    let mut types = builder.types;
    reject_alias_cycles(spec, &types)?;
    name_types(&mut types);
    box_recursive_fields(&mut types);
    Ok(types)
}

/// The type of a parameter, body or response schema: a scalar, a definition or a container
/// of those (an inline object has no field to be named after there).
pub fn operation_type(spec: &Spec, schema: &Schema) -> Result<TypeRef> {
    Builder { spec, types: BTreeMap::new() }.type_ref(&Owner::Operation, schema)
}

/// Who uses a schema.
enum Owner<'a> {
    /// The field `wire` of the definition `def` (at `path`).
    Field { def: &'a str, path: &'a RustPath, wire: &'a str },
    /// An operation's parameter, body or response.
    Operation,
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
                message: format!("definition name {} has an empty segment", quoted(name)),
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
                _ => Shape::Alias(self.type_ref(&Owner::Field { def: &def_name, path: &path, wire: "" }, schema)?),
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
            let ty = self.type_ref(&Owner::Field { def: def_name, path, wire }, schema)?;
            let redaction = match (super::special::is_sensitive(def_name, wire), &ty, required.contains(wire)) {
                (false, ..) => Redaction::None,
                (true, TypeRef::Map(_), false) => Redaction::Keys,
                (true, ..) => Redaction::Whole,
            };
            fields.push(Field {
                wire: wire.clone(),
                ident,
                doc: schema.description.clone(),
                ty,
                required: required.contains(wire),
                boxed: false,
                role: FieldRole::Data,
                sensitive: super::special::is_sensitive(def_name, wire),
                redaction,
            });
        }
        Ok(fields)
    }

    /// The type of a schema where `owner` uses it. Inline objects with properties become
    /// their own types, named after the field that holds them.
    fn type_ref(&mut self, owner: &Owner, schema: &Schema) -> Result<TypeRef> {
        Ok(match &schema.kind {
            SchemaKind::Ref(name) if !schema.int_or_string => self.named(name, schema)?,
            SchemaKind::Any if !schema.int_or_string => TypeRef::Json,
            SchemaKind::Array { items } => TypeRef::Vec(Box::new(element(self.type_ref(owner, items)?, items))),
            SchemaKind::Object { properties, additional_properties, .. } if !schema.int_or_string => {
                match (properties.is_empty(), additional_properties, owner) {
                    (true, Some(values), _) => TypeRef::Map(Box::new(element(self.type_ref(owner, values)?, values))),
                    (true, None, _) => TypeRef::Json,
                    (false, _, Owner::Field { def, path, wire }) => {
                        let def_name = format!("{def}/{wire}");
                        let name = format!("{}{}", path.name, type_ident(&wire.to_upper_camel_case()));
                        let path = RustPath { module: path.module.clone(), name };
                        self.add_type(def_name.clone(), path, schema)?;
                        TypeRef::Named(def_name)
                    }
                    (false, _, Owner::Operation) => {
                        return Err(Error::Unsupported {
                            origin: schema.origin.clone(),
                            message: "an inline object with properties in a parameter, body or response; use a \
                                      definition"
                                .to_string(),
                        })
                    }
                }
            }
            // Every other kind is one scalar value (or int-or-string whatever the kind says).
            _ => scalar(schema).unwrap_or(TypeRef::Json),
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

/// The type of a list item or map value. Go writes a zero `metav1.Time` as `null`, and in a map
/// or list nothing omits it, so such elements may be null (PodDisruptionBudget
/// `status.disruptedPods`); so may elements whose schema says `nullable`.
fn element(ty: TypeRef, schema: &Schema) -> TypeRef {
    match ty {
        TypeRef::Time | TypeRef::MicroTime => TypeRef::Nullable(Box::new(ty)),
        TypeRef::Json | TypeRef::Nullable(_) => ty,
        other if schema.nullable => TypeRef::Nullable(Box::new(other)),
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

/// What the emitted crate's root holds besides the model modules: its own modules (and the
/// files cargo would take for targets: `src/bin/`, `src/main.rs`, `src/lib.rs`) and the
/// runtime's types re-exported there. Model modules and root-level definitions avoid them.
pub const ROOT_MODULES: &[&str] = &["actions", "bin", "lib", "main", "runtime", "sensors"];
pub const ROOT_TYPES: &[&str] = &[
    "ApiVersion",
    "ByteString",
    "IntOrString",
    "Kind",
    "ListableResource",
    "MicroTime",
    "Quantity",
    "Resource",
    "Scope",
    "Time",
    "TypeMeta",
];

/// A model module at the crate root named like one of the crate's own (`actions.v1.Thing`)
/// moves to `actions_`.
fn avoid_root_modules(types: &mut BTreeMap<String, TypeDef>) {
    let tops: BTreeSet<String> = types.values().filter_map(|t| t.path.module.first().cloned()).collect();
    let mut scope = Scope::reserving(tops.iter().map(String::as_str).chain(ROOT_MODULES.iter().copied()));
    let renamed: BTreeMap<String, String> = tops
        .iter()
        .filter(|top| ROOT_MODULES.contains(&top.as_str()))
        .map(|top| (top.clone(), scope.claim(&format!("{top}_"), "_")))
        .collect();
    for t in types.values_mut() {
        if let Some(new) = t.path.module.first().and_then(|top| renamed.get(top)) {
            t.path.module[0] = new.clone();
        }
    }
}

/// Two definitions may map to one Rust name in a module (`a-b` and `a_b`); the later key gets a
/// numeric suffix. At the crate root, the runtime's re-exported types keep their names.
fn name_types(types: &mut BTreeMap<String, TypeDef>) {
    avoid_root_modules(types);
    let mut by_module: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (key, t) in types.iter() {
        by_module.entry(t.path.module.clone()).or_default().push(key.clone());
    }
    for (module, keys) in &by_module {
        let candidates: Vec<(String, String)> = keys.iter().map(|k| (k.clone(), types[k].path.name.clone())).collect();
        let scope = if module.is_empty() { Scope::reserving(ROOT_TYPES.iter().copied()) } else { Scope::default() };
        for (key, name) in keys.iter().zip(dedupe_in(scope, &candidates, "")) {
            if let Some(t) = types.get_mut(key) {
                t.path.name = name;
            }
        }
    }
}

/// A struct that contains itself by value (JSONSchemaProps.not), directly or through an alias
/// of itself, cannot be sized; such fields are boxed. Vec and map fields are already indirect.
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
            Shape::Alias(TypeRef::Named(n)) => vec![n.clone()],
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
