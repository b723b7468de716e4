//! CustomResourceDefinitions (`--crd FILE`) turned into what a cluster serving them would put in
//! its spec: a definition per served version named like the API server names it
//! (`com.example.v1.MysqlDb`, with `x-kubernetes-group-version-kind`), its list type, and the
//! REST operations with Kubernetes' operationIds (`listExampleComV1NamespacedMysqlDb`). The rest
//! of the pipeline then cannot tell a CRD file from a live cluster's spec.
//!
//! The operations are modelled on the base spec's own operations of the same shape (its list,
//! create, status, scale... operations): a custom resource is served by the same generic API
//! server code, so it takes exactly the parameters, media types and responses that version of
//! Kubernetes gives every resource, and the emitted query structs stay shared.

//! In this order: [`reading`] the files, [`names`] checked as the API server checks them,
//! [`schema`] of each served version, [`operations`] built on the base spec's.

mod names;
mod operations;
mod reading;
mod schema;

use super::extensions::quoted;
use super::model::*;
use super::swagger2::kind_of;
use crate::error::{Error, Result};
use names::{dns1035_label, str_at, Names};
use operations::{operations, Target};
pub use reading::{read, Crd};
use schema::{add_type_meta, schema};
use serde_json::Value;
use std::collections::BTreeMap;

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
const METADATA_DOC: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

fn crd_error(origin: &Origin, message: impl Into<String>) -> Error {
    Error::Crd { origin: origin.clone(), message: message.into() }
}

/// Adds the CRDs' definitions and operations to `spec` (the base spec the operations are
/// modelled on). A definition or operation the base already has (the cluster serves the CRD
/// too) is replaced: the file given explicitly wins.
pub fn add(spec: &mut Spec, crds: &[Crd]) -> Result<()> {
    let mut read = Vec::new();
    for crd in crds {
        read.push((crd, header(crd, spec)?));
    }
    let spellings = group_spellings(spec, read.iter().map(|(_, names)| names.group.as_str()));
    let mut converted = Vec::new();
    for (crd, names) in &read {
        converted.extend(convert(crd, names, &spellings[&names.group], spec)?);
    }
    for version in converted {
        for (name, schema) in version.definitions {
            spec.definitions.insert(name, schema);
        }
        spec.operations.retain(|o| !version.operations.iter().any(|n| n.path == o.path && n.method == o.method));
        spec.operations.extend(version.operations);
    }
    spec.operations.sort_by(|a, b| {
        (a.path.as_str(), super::method_rank(&a.method)).cmp(&(b.path.as_str(), super::method_rank(&b.method)))
    });
    Ok(())
}

/// How each CRD group is spelled in operationIds and tags. Kubernetes' spelling drops the dots
/// and dashes (`my-app.io` and `my.app.io` are both `MyAppIo`), yet both groups are legal in one
/// cluster; a group whose spelling is taken, by a group of the base spec or by a CRD group that
/// sorts before it, gets the first free numbered spelling (`MyAppIo2`). Sorting first makes the
/// choice independent of the order of the files, and a group alone keeps Kubernetes' spelling.
fn group_spellings<'g>(base: &Spec, groups: impl Iterator<Item = &'g str>) -> BTreeMap<String, String> {
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for gvk in base.operations.iter().filter_map(|o| o.gvk.as_ref()) {
        taken.entry(group_spelling(&gvk.group)).or_insert_with(|| gvk.group.clone());
    }
    let groups: std::collections::BTreeSet<&str> = groups.collect();
    let mut out = BTreeMap::new();
    for group in groups {
        let plain = group_spelling(group);
        let mut spelling = plain.clone();
        let mut n = 2;
        while taken.get(&spelling).is_some_and(|owner| owner != group) {
            spelling = format!("{plain}{n}");
            n += 1;
        }
        taken.insert(spelling.clone(), group.to_string());
        out.insert(group.to_string(), spelling);
    }
    out
}

/// What one served version contributes.
struct Converted {
    definitions: Vec<(String, Schema)>,
    operations: Vec<Operation>,
}

/// Checks what a CRD is and reads its names.
fn header(crd: &Crd, base: &Spec) -> Result<Names> {
    let value = &crd.value;
    let origin = &crd.origin;
    if !value.is_object() {
        return Err(crd_error(origin, format!("expected an object, found {}", kind_of(value))));
    }
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind != "CustomResourceDefinition" {
        return Err(crd_error(
            &origin.child("kind"),
            format!("expected kind CustomResourceDefinition (or a List of them), found {}", quoted(kind)),
        ));
    }
    let api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    if api_version != "apiextensions.k8s.io/v1" {
        return Err(crd_error(
            &origin.child("apiVersion"),
            format!(
                "expected apiVersion apiextensions.k8s.io/v1, found {} (v1beta1 CRDs were removed in Kubernetes 1.22)",
                quoted(api_version)
            ),
        ));
    }
    for needed in [OBJECT_META, LIST_META] {
        if !base.definitions.contains_key(needed) {
            return Err(crd_error(
                origin,
                format!("a custom resource needs {needed} from a Kubernetes spec; pass a cluster's spec with --spec"),
            ));
        }
    }
    names::read(value, origin)
}

/// The served versions of a CRD, `spelling` being its group's spelling in operationIds.
fn convert(crd: &Crd, names: &Names, spelling: &str, base: &Spec) -> Result<Vec<Converted>> {
    let value = &crd.value;
    let origin = &crd.origin;
    let versions_origin = origin.child("spec").child("versions");
    let Some(versions) = value.pointer("/spec/versions").and_then(Value::as_array) else {
        return Err(crd_error(&versions_origin, "spec.versions must be a non-empty array"));
    };
    let mut out = Vec::new();
    for (i, version) in versions.iter().enumerate() {
        let at = versions_origin.child(&i.to_string());
        let name = str_at(version, &at, "/name")?;
        // A DNS label, as the API server requires (it becomes a path segment and a module).
        if let Some(problem) = dns1035_label(name) {
            return Err(crd_error(
                &at.child("name"),
                format!("{} is not a version name (v1, v1beta1, ...): it {problem}", quoted(name)),
            ));
        }
        match version.get("served") {
            Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => continue,
            _ => return Err(crd_error(&at.child("served"), "must be a boolean")),
        }
        out.push(convert_version(names, spelling, name, version, &at, base)?);
    }
    if out.is_empty() {
        return Err(crd_error(&versions_origin, "no version is served"));
    }
    Ok(out)
}

/// `example.com` -> `com.example`: how the API server names a custom resource's definitions.
fn reversed_group(group: &str) -> String {
    group.split('.').rev().collect::<Vec<_>>().join(".")
}

/// The group and version as operationIds spell them: `example.com`, `v1` -> `ExampleComV1`
/// (built-in groups drop `.k8s.io`: `rbac.authorization.k8s.io` -> `RbacAuthorization`).
pub fn operation_group_version(group: &str, version: &str) -> String {
    format!("{}{}", group_spelling(group), spell(version))
}

/// A group as operationIds spell it (the core group is `Core`).
fn group_spelling(group: &str) -> String {
    match group {
        "" => "Core".to_string(),
        group => spell(group.strip_suffix(".k8s.io").unwrap_or(group)),
    }
}

/// Each part between dots and dashes capitalised, the separators dropped.
fn spell(text: &str) -> String {
    let mut out = String::new();
    for part in text.split(['.', '-']) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

fn convert_version(
    names: &Names,
    spelling: &str,
    version: &str,
    value: &Value,
    at: &Origin,
    base: &Spec,
) -> Result<Converted> {
    let schema_origin = at.child("schema").child("openAPIV3Schema");
    let Some(raw) = value.pointer("/schema/openAPIV3Schema") else {
        return Err(crd_error(&schema_origin, "a served version needs schema.openAPIV3Schema"));
    };
    let mut root = schema(raw, &schema_origin)?;
    let def_name = format!("{}.{version}.{}", reversed_group(&names.group), names.kind);
    let list_name = format!("{}.{version}.{}", reversed_group(&names.group), names.list_kind);
    let gvk = Gvk { group: names.group.clone(), version: version.to_string(), kind: names.kind.clone() };
    match &mut root.kind {
        SchemaKind::Object { properties, .. } => add_type_meta(properties, &schema_origin, OBJECT_META, METADATA_DOC),
        _ => return Err(crd_error(&schema_origin, "the root schema must be of type object")),
    }
    root.gvks = vec![gvk.clone()];

    let mut list_properties = BTreeMap::new();
    add_type_meta(&mut list_properties, &schema_origin, LIST_META, "Standard list metadata.");
    let mut item = Schema::new(schema_origin.clone(), SchemaKind::Ref(def_name.clone()));
    item.description = None;
    let mut items = Schema::new(schema_origin.clone(), SchemaKind::Array { items: Box::new(item) });
    items.description = Some(format!(
        "List of {}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md",
        names.plural
    ));
    list_properties.insert("items".to_string(), items);
    let mut list = Schema::new(
        schema_origin.clone(),
        SchemaKind::Object {
            properties: list_properties,
            required: vec!["items".to_string()],
            additional_properties: None,
        },
    );
    list.description = Some(format!("{} is a list of {}", names.list_kind, names.kind));
    list.gvks = vec![Gvk { kind: names.list_kind.clone(), ..gvk.clone() }];

    let subresources = value.get("subresources");
    let has = |name: &str| subresources.and_then(|s| s.get(name)).is_some_and(|v| !v.is_null());
    let target = Target {
        names,
        spelling,
        version,
        gvk,
        def_name: def_name.clone(),
        list_name: list_name.clone(),
        origin: at.clone(),
    };
    let operations = operations(&target, has("status"), has("scale"), base)?;
    Ok(Converted { definitions: vec![(def_name, root), (list_name, list)], operations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_spell_groups_like_kubernetes() {
        assert_eq!(operation_group_version("example.com", "v1"), "ExampleComV1");
        assert_eq!(operation_group_version("rbac.authorization.k8s.io", "v1"), "RbacAuthorizationV1");
        assert_eq!(operation_group_version("stable.example.com", "v1beta1"), "StableExampleComV1beta1");
        assert_eq!(operation_group_version("my-org.io", "v2"), "MyOrgIoV2");
        assert_eq!(reversed_group("example.com"), "com.example");
    }

    #[test]
    fn groups_spelled_alike_get_distinct_spellings_whatever_the_order() {
        let base = Spec::default();
        let spellings = group_spellings(&base, ["my.app.io", "my-app.io", "example.com"].into_iter());
        assert_eq!(spellings["my-app.io"], "MyAppIo");
        assert_eq!(spellings["my.app.io"], "MyAppIo2");
        assert_eq!(spellings["example.com"], "ExampleCom");
        assert_eq!(
            group_spellings(&base, ["my-app.io", "my.app.io"].into_iter()),
            spellings.into_iter().filter(|(g, _)| g != "example.com").collect()
        );
        assert_eq!(group_spellings(&base, ["my.app.io"].into_iter())["my.app.io"], "MyAppIo");
    }
}
