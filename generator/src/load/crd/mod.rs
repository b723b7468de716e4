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

mod names;

use super::extensions::quoted;
use super::model::*;
use super::swagger2::kind_of;
use super::Document;
use crate::error::{Error, Result};
use crate::vocabulary::ResourcePath;
use names::{dns1035_label, str_at, Names};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const METADATA_DOC: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/// One CustomResourceDefinition object and where it is: the file (with the document number
/// when the file holds several) and its JSON pointer (`/items/2` inside a `List`).
#[derive(Clone, Debug)]
pub struct Crd {
    pub origin: Origin,
    pub value: Value,
}

/// Reads the CRD objects of a file: JSON, or YAML with one or more `---` documents, each a
/// CustomResourceDefinition or a `List` of them.
pub fn read(doc: &Document) -> Result<Vec<Crd>> {
    let values: Vec<Value> = if doc.text.trim_start().starts_with('{') {
        vec![serde_json::from_str(&doc.text).map_err(|e| Error::InvalidJson {
            file: doc.name.clone(),
            line: e.line(),
            column: e.column(),
            message: super::strip_position(&e.to_string()),
        })?]
    } else {
        if let Some((line, column)) = too_deep(&doc.text) {
            return Err(Error::InvalidYaml {
                file: doc.name.clone(),
                line,
                column,
                message: format!("flow collections nested deeper than {MAX_FLOW_DEPTH} levels"),
            });
        }
        let mut values = Vec::new();
        for document in yaml_serde::Deserializer::from_str(&doc.text) {
            let value = Value::deserialize(document).map_err(|e| {
                let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
                let message = super::strip_position(&e.to_string());
                Error::InvalidYaml { file: doc.name.clone(), line, column, message }
            })?;
            values.push(value);
        }
        values
    };
    let several = values.len() > 1;
    let mut crds = Vec::new();
    for (i, value) in values.into_iter().enumerate() {
        // An empty document (a trailing `---`) holds nothing.
        if value.is_null() {
            continue;
        }
        let file = if several { format!("{} (document {})", doc.name, i + 1) } else { doc.name.clone() };
        let root = Origin::new(&file, "");
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
        if kind == "List" || kind == "CustomResourceDefinitionList" {
            let items_origin = root.child("items");
            let Some(items) = value.get("items").and_then(Value::as_array) else {
                return Err(crd_error(&items_origin, "a List needs an `items` array"));
            };
            for (j, item) in items.iter().enumerate() {
                crds.push(Crd { origin: items_origin.child(&j.to_string()), value: item.clone() });
            }
        } else {
            crds.push(Crd { origin: root, value });
        }
    }
    if crds.is_empty() {
        return Err(crd_error(&Origin::new(&doc.name, ""), "the file holds no CustomResourceDefinition"));
    }
    Ok(crds)
}

/// The YAML deserializer gives up at this depth anyway, but only after a parse whose cost grows
/// with the square of the depth; a linear scan refuses such files first.
const MAX_FLOW_DEPTH: usize = 128;

/// Where (line, column, from 1) flow collections (`[...]`, `{...}`) first nest deeper than
/// [`MAX_FLOW_DEPTH`], skipping quoted scalars and comments. Brackets inside plain text only
/// count while unbalanced, which real descriptions never are this deeply.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1, 0);
    let mut chars = text.chars().peekable();
    let mut previous = '\n';
    while let Some(c) = chars.next() {
        column += 1;
        let at_scalar_start = previous.is_whitespace() || matches!(previous, '[' | '{' | ',' | ':');
        match c {
            '\n' => {
                line += 1;
                column = 0;
            }
            '#' if previous.is_whitespace() => while chars.next_if(|&c| c != '\n').is_some() {},
            '"' | '\'' if at_scalar_start => {
                while let Some(q) = chars.next() {
                    match q {
                        '\n' => {
                            line += 1;
                            column = 0;
                        }
                        '\\' if c == '"' => {
                            chars.next();
                        }
                        '\'' if c == '\'' && chars.peek() == Some(&'\'') => {
                            chars.next();
                        }
                        q if q == c => break,
                        _ => column += 1,
                    }
                }
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, column));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

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

/// Sets `apiVersion`, `kind` and `metadata` as the API server publishes them for every kind.
fn add_type_meta(properties: &mut BTreeMap<String, Schema>, origin: &Origin, meta: &str, meta_doc: &str) {
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
fn schema(value: &Value, origin: &Origin) -> Result<Schema> {
    let Some(map) = value.as_object() else {
        return Err(crd_error(origin, format!("a schema must be an object, found {}", kind_of(value))));
    };
    if map.contains_key("$ref") {
        return Err(crd_error(&origin.child("$ref"), "`$ref` is not allowed in a CRD schema"));
    }
    let flag = |key: &str| -> Result<bool> {
        match map.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(crd_error(&origin.child(key), format!("must be a boolean, found {}", kind_of(other)))),
        }
    };
    let int_or_string = flag("x-kubernetes-int-or-string")?;
    let preserve = flag("x-kubernetes-preserve-unknown-fields")?;
    let embedded = flag("x-kubernetes-embedded-resource")?;
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

/// The custom resource one version's operations are built for.
struct Target<'a> {
    names: &'a Names,
    /// The group as operationIds spell it.
    spelling: &'a str,
    version: &'a str,
    gvk: Gvk,
    def_name: String,
    list_name: String,
    origin: Origin,
}

/// One operation to build: which base operation it is modelled on and what it is called.
struct OpShape {
    action: Action,
    method: &'static str,
    has_name: bool,
    subresource: Option<&'static str>,
    watch_prefix: bool,
    /// The all-namespaces list of a namespaced resource.
    all_namespaces: bool,
    /// operationId: verb, then what goes between the group-version and `Namespaced`, then the suffix.
    verb: &'static str,
    infix: &'static str,
    suffix: &'static str,
    /// Left out when the base spec has no such operation (deprecated `/watch/` paths).
    optional: bool,
}

const fn shape(
    action: Action,
    method: &'static str,
    has_name: bool,
    verb: &'static str,
    infix: &'static str,
    suffix: &'static str,
) -> OpShape {
    OpShape {
        action,
        method,
        has_name,
        subresource: None,
        watch_prefix: false,
        all_namespaces: false,
        verb,
        infix,
        suffix,
        optional: false,
    }
}

fn operations(target: &Target, status: bool, scale: bool, base: &Spec) -> Result<Vec<Operation>> {
    let mut shapes = vec![
        shape(Action::List, "get", false, "list", "", ""),
        shape(Action::Post, "post", false, "create", "", ""),
        shape(Action::DeleteCollection, "delete", false, "delete", "Collection", ""),
        shape(Action::Get, "get", true, "read", "", ""),
        shape(Action::Put, "put", true, "replace", "", ""),
        shape(Action::Patch, "patch", true, "patch", "", ""),
        shape(Action::Delete, "delete", true, "delete", "", ""),
        OpShape { watch_prefix: true, optional: true, ..shape(Action::WatchList, "get", false, "watch", "", "List") },
        OpShape { watch_prefix: true, optional: true, ..shape(Action::Watch, "get", true, "watch", "", "") },
    ];
    if target.names.namespaced {
        shapes.push(OpShape {
            all_namespaces: true,
            ..shape(Action::List, "get", false, "list", "", "ForAllNamespaces")
        });
        shapes.push(OpShape {
            all_namespaces: true,
            watch_prefix: true,
            optional: true,
            ..shape(Action::WatchList, "get", false, "watch", "", "ListForAllNamespaces")
        });
    }
    for (sub, suffix) in [(status.then_some("status"), "Status"), (scale.then_some("scale"), "Scale")] {
        let Some(sub) = sub else { continue };
        for (action, method, verb) in
            [(Action::Get, "get", "read"), (Action::Put, "put", "replace"), (Action::Patch, "patch", "patch")]
        {
            shapes.push(OpShape { subresource: Some(sub), ..shape(action, method, true, verb, "", suffix) });
        }
    }
    let mut ops = Vec::new();
    for s in &shapes {
        match template(base, s) {
            Some(t) => ops.push(build_op(target, s, t)),
            None if s.optional => {}
            None => {
                return Err(crd_error(
                    &target.origin,
                    format!(
                        "the base spec has no {} operation{} to model the custom resource's on; pass a Kubernetes cluster's spec with --spec",
                        s.action,
                        s.subresource.map(|r| format!(" of a /{r} subresource")).unwrap_or_default()
                    ),
                ))
            }
        }
    }
    Ok(ops)
}

/// The first base operation of the same shape (operations are sorted by path).
fn template<'b>(base: &'b Spec, s: &OpShape) -> Option<&'b Operation> {
    base.operations.iter().find(|op| {
        op.action == Some(s.action)
            && op.method == s.method
            && op.gvk.is_some()
            && ResourcePath::parse(&op.path).is_ok_and(|p| {
                p.is_named() == s.has_name
                    && p.subresource.as_deref() == s.subresource
                    && p.legacy_watch == s.watch_prefix
                    && p.rest.is_empty()
            })
    })
}

fn build_op(target: &Target, s: &OpShape, t: &Operation) -> Operation {
    let names = target.names;
    let namespaced = names.namespaced && !s.all_namespaces;
    let template_kind = t.gvk.as_ref().map(|g| g.kind.clone()).unwrap_or_default();
    // The scale subresource speaks autoscaling/v1 Scale, whatever the resource.
    let speaks_own_kind = s.subresource != Some("scale");

    let path = ResourcePath {
        group: names.group.clone(),
        version: target.version.to_string(),
        legacy_watch: s.watch_prefix,
        namespaced,
        plural: names.plural.clone(),
        name_param: s.has_name.then(|| "name".to_string()),
        subresource: s.subresource.map(str::to_string),
        rest: Vec::new(),
    }
    .to_string();
    let id = format!(
        "{}{}{}{}{}{}{}",
        s.verb,
        target.spelling,
        spell(target.version),
        s.infix,
        if namespaced { "Namespaced" } else { "" },
        names.kind,
        s.suffix
    );
    let rename = |text: &str| replace_word(text, &template_kind, &names.kind);
    let mut parameters: Vec<Parameter> = Vec::new();
    for p in &t.parameters {
        if p.location != ParamLocation::Path {
            parameters.push(p.clone());
        }
    }
    let path_param = |name: &str, doc: &str| {
        let mut p =
            t.parameters.iter().find(|p| p.location == ParamLocation::Path && p.name == name).cloned().unwrap_or(
                Parameter {
                    name: name.to_string(),
                    location: ParamLocation::Path,
                    required: true,
                    description: None,
                    schema: Schema::new(target.origin.clone(), SchemaKind::String { format: None }),
                    unique_items: true,
                },
            );
        p.description = Some(doc.to_string());
        p
    };
    if s.has_name {
        parameters.push(path_param("name", &format!("name of the {}", names.kind)));
    }
    if namespaced {
        parameters.push(path_param("namespace", "object name and auth scope, such as for teams and projects"));
    }
    parameters.sort_by(|a, b| (a.location, &a.name).cmp(&(b.location, &b.name)));

    let template_gvk = t.gvk.clone();
    let swap = |schema: &Schema| -> Schema {
        let mut schema = schema.clone();
        if speaks_own_kind {
            retarget(&mut schema, template_gvk.as_ref(), target);
        }
        schema
    };
    let body = t.body.as_ref().map(|b| Body { schema: swap(&b.schema), ..b.clone() });
    let responses = t
        .responses
        .iter()
        .map(|r| Response {
            schema: r.schema.as_ref().map(&swap),
            description: r.description.clone(),
            status: r.status.clone(),
        })
        .collect();
    let group_tag = target.spelling;
    let mut tag = group_tag[..1].to_ascii_lowercase();
    tag.push_str(&group_tag[1..]);
    Operation {
        origin: target.origin.clone(),
        id,
        method: s.method.to_string(),
        path,
        description: t.description.as_deref().map(rename),
        tags: vec![format!("{tag}_{}", target.version)],
        deprecated: t.deprecated,
        action: t.action,
        inferred: false,
        gvk: if speaks_own_kind { Some(target.gvk.clone()) } else { t.gvk.clone() },
        parameters,
        body,
        responses,
        produces: t.produces.clone(),
    }
}

/// Points a template's references to its own kind and list kind at the custom resource's.
fn retarget(schema: &mut Schema, template: Option<&Gvk>, target: &Target) {
    let Some(template) = template else { return };
    match &mut schema.kind {
        SchemaKind::Ref(name) => {
            let own = format!(".{}.{}", template.version, template.kind);
            if name.ends_with(&own) {
                *name = target.def_name.clone();
            } else if name.ends_with(&format!("{own}List")) {
                *name = target.list_name.clone();
            }
        }
        SchemaKind::Array { items } => retarget(items, Some(template), target),
        _ => {}
    }
}

/// Replaces `from` where it stands as a whole word.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + from.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(&rest[..i]);
        out.push_str(if word(before) || word(after) { from } else { to });
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
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

    #[test]
    fn deep_flow_nesting_is_found_in_one_pass() {
        let deep = format!("spec: {}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(too_deep(&deep), Some((1, 6 + MAX_FLOW_DEPTH + 1)));
        let fine = format!("spec: {}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(too_deep(&fine), None);
        // Brackets in quoted scalars and comments are text.
        let quoted = format!("a: \"{0}\"\nb: '{0}'' {0}'\nc: 1 # {0}\n", "[".repeat(300));
        assert_eq!(too_deep(&quoted), None);
        // Balanced brackets in plain text never add up.
        assert_eq!(too_deep(&"description: see [1] and {x}\n".repeat(1000)), None);
        assert_eq!(too_deep(&format!("a: b\nc: {}", "{d: ".repeat(129))), Some((2, 4 + 4 * 128)));
    }

    #[test]
    fn words_are_replaced_whole() {
        assert_eq!(replace_word("list objects of kind Pod", "Pod", "MysqlDb"), "list objects of kind MysqlDb");
        assert_eq!(replace_word("read the specified PodTemplate", "Pod", "X"), "read the specified PodTemplate");
    }
}
