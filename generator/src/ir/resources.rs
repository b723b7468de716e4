//! Resources: the REST collections the paths serve, each with its kind, scope, list kind,
//! verbs and subresources, from the operations' paths, actions and group/version/kinds.

use super::types::operation_type;
use super::*;
use crate::load::model::{self, Action, Spec};
use std::collections::BTreeMap;

/// Adds a verb once, keeping the canonical order.
fn push_verb(verbs: &mut Vec<Verb>, verb: Verb) {
    if !verbs.contains(&verb) {
        verbs.push(verb);
        verbs.sort();
    }
}

/// A list operation that says it streams a watch: what a spec without `x-kubernetes-action`
/// offers as evidence of the watch verb (with it, only watch actions are: the `watch` query
/// parameter is on every list, also where the server does not serve watches).
fn streams_watch(op: &model::Operation) -> bool {
    op.inferred
        && op.parameters.iter().any(|p| p.name == "watch" && p.location == ParamLocation::Query)
        && op.produces.iter().any(|m| m.replace(' ', "") == "application/json;stream=watch")
}

pub fn resources(spec: &Spec, types: &BTreeMap<String, TypeDef>) -> Vec<Resource> {
    let mut found: BTreeMap<ResourceKey, Resource> = BTreeMap::new();
    // A kind is an object type: one that is a string or an alias of another type is no
    // resource anyone could send (and the traits would be implemented for a foreign type).
    let objects = || types.values().filter(|t| matches!(t.shape, Shape::Struct { .. }));
    let def_of = |gvk: &Gvk| {
        objects().find(|t| t.gvks.len() == 1 && &t.gvks[0] == gvk).or_else(|| objects().find(|t| t.gvks.contains(gvk)))
    };
    let paths: Vec<Option<ResourcePath>> =
        spec.operations.iter().map(|op| ResourcePath::parse(&op.path).ok()).collect();
    // The kind of a resource comes from its own (non-subresource) operations.
    for (op, path) in spec.operations.iter().zip(&paths) {
        let (Some(path), Some(gvk)) = (path, &op.gvk) else { continue };
        if path.subresource.is_some() || op.action == Some(Action::Connect) {
            continue;
        }
        let Some(def) = def_of(gvk) else { continue };
        let entry = found.entry(ResourceKey::of(path)).or_insert_with(|| Resource {
            gvk: gvk.clone(),
            plural: path.plural.clone(),
            scope: Scope::Cluster,
            type_def: def.def_name.clone(),
            list_def: None,
            list_page: None,
            verbs: Vec::new(),
            subresources: Vec::new(),
            inferred: false,
        });
        entry.inferred |= op.inferred;
        if path.namespaced {
            entry.scope = Scope::Namespaced;
        }
    }
    for (op, path) in spec.operations.iter().zip(&paths) {
        let (Some(path), Some(action)) = (path, op.action) else { continue };
        let Some(resource) = found.get_mut(&ResourceKey::of(path)) else { continue };
        let Some(verb) = action.verb(path.is_named(), &op.method) else { continue };
        match &path.subresource {
            Some(sub) => push_verb(&mut subresource(resource, sub, op).verbs, verb),
            // A connect handler on the object itself is no verb of the resource.
            None if action == Action::Connect => {}
            None => {
                push_verb(&mut resource.verbs, verb);
                if action == Action::List {
                    if streams_watch(op) {
                        push_verb(&mut resource.verbs, Verb::Watch);
                    }
                    if let Some(TypeRef::Named(list)) = ok_response_type(spec, op) {
                        resource.list_def = Some(list);
                    }
                }
            }
        }
    }
    let mut out: Vec<Resource> = found.into_values().collect();
    for resource in &mut out {
        resource.list_page = resource.list_def.as_ref().and_then(|list| list_page(types, list, &resource.type_def));
    }
    out
}

/// How a list kind of `item` pages, if it is shaped as Kubernetes lists are.
fn list_page(types: &BTreeMap<String, TypeDef>, list: &str, item: &str) -> Option<ListPage> {
    let Shape::Struct { fields } = &types.get(list)?.shape else { return None };
    let items = fields.iter().find(|f| f.wire == "items" && f.required)?;
    let metadata = fields.iter().find(|f| f.wire == "metadata" && !f.required)?;
    let (TypeRef::Vec(inner), TypeRef::Named(meta_def)) = (&items.ty, &metadata.ty) else { return None };
    if **inner != TypeRef::Named(item.to_string()) {
        return None;
    }
    let Shape::Struct { fields: meta_fields } = &types.get(meta_def)?.shape else { return None };
    let continue_field = meta_fields.iter().find(|f| f.wire == "continue" && !f.required && f.ty == TypeRef::String)?;
    Some(ListPage {
        items: items.ident.clone(),
        metadata: metadata.ident.clone(),
        continue_field: continue_field.ident.clone(),
    })
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

fn ok_response_type(spec: &Spec, op: &model::Operation) -> Option<TypeRef> {
    let schema = op.responses.iter().find(|r| r.status == "200")?.schema.as_ref()?;
    operation_type(spec, schema).ok()
}
