//! Spec loading: read documents from disk, detect their format, and read each into the
//! format-neutral [`model::Spec`]; several documents (OpenAPI 3.0 serves one per
//! group-version) merge into one.

pub mod crd;
pub mod extensions;
pub mod model;
pub mod openapi3;
pub mod swagger2;

use crate::error::{Error, Result};
use model::{Schema, SchemaKind, Spec};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A spec document's bytes, read once so the same text is hashed and parsed.
#[derive(Clone, Debug)]
pub struct Document {
    /// How errors name it (the path as given).
    pub name: String,
    pub text: String,
}

impl Document {
    pub fn read(path: &Path) -> Result<Document> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
        Ok(Document { name: path.display().to_string(), text })
    }
}

/// Expands directories into the `.json` files they hold (sorted, so the merge order and the
/// hash do not depend on the file system).
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| Error::Read { path: path.clone(), source })?;
            let mut files = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|source| Error::Read { path: path.clone(), source })?;
                let p = entry.path();
                if p.extension().is_some_and(|e| e == "json") && p.is_file() {
                    files.push(p);
                }
            }
            if files.is_empty() {
                return Err(Error::EmptyDirectory { path: path.clone() });
            }
            files.sort();
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The sha256 of the documents, in order, as lowercase hex: names the input in the header.
pub fn spec_hash(docs: &[Document]) -> String {
    let mut hasher = Sha256::new();
    for doc in docs {
        hasher.update(doc.text.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses every document and merges them into one spec. The core documents go first, so
/// their copies of shared definitions are the ones kept ([`merge`]).
pub fn load(docs: &[Document]) -> Result<Spec> {
    let mut order: Vec<&Document> = docs.iter().collect();
    order.sort_by_key(|d| !is_core_document(&d.name));
    let mut merged = Spec::default();
    for doc in order {
        let spec = load_one(doc)?;
        merge(&mut merged, spec, &display_name(&doc.name))?;
    }
    merged
        .operations
        .sort_by(|a, b| (a.path.as_str(), method_rank(&a.method)).cmp(&(b.path.as_str(), method_rank(&b.method))));
    Ok(merged)
}

/// A document of the core API (`/openapi/v3/api/v1`, saved as `api__v1.json` or
/// `api__v1_openapi.json`) or of the meta types: the authoritative copy of `ObjectMeta`,
/// `Status` and the other shared definitions. Aggregated API servers publish their own
/// copies, built against older libraries.
fn is_core_document(name: &str) -> bool {
    let stem = display_name(name);
    let stem = stem.strip_suffix(".json").unwrap_or(&stem);
    let served = stem.strip_suffix("_openapi").unwrap_or(stem).replace("__", "/");
    served == "api/v1" || served == "api" || served.starts_with("apis/meta")
}

/// A document's file name, for messages about which copy came from where.
fn display_name(name: &str) -> String {
    Path::new(name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| name.to_string())
}

/// Like [`load`], then adds the custom resources of the CRD files (`--crd`), modelled on the
/// spec loaded from `docs`.
pub fn load_with_crds(docs: &[Document], crd_files: &[Document]) -> Result<Spec> {
    let mut spec = load(docs)?;
    if crd_files.is_empty() {
        return Ok(spec);
    }
    let mut crds = Vec::new();
    for file in crd_files {
        crds.extend(crd::read(file)?);
    }
    crd::add(&mut spec, &crds)?;
    Ok(spec)
}

fn load_one(doc: &Document) -> Result<Spec> {
    let value: serde_json::Value = serde_json::from_str(&doc.text).map_err(|e| Error::InvalidJson {
        file: doc.name.clone(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let version = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
    match (version("swagger"), version("openapi")) {
        (Some(v), _) if v == "2.0" => swagger2::load(&doc.name, &value),
        // The OpenAPI loader says which version it found if it is not 3.0.
        (_, Some(_)) => openapi3::load(&doc.name, value),
        _ => Err(Error::UnknownFormat { file: doc.name.clone() }),
    }
}

/// serde_json appends " at line L column C"; the error already says where.
/// A parser's message without its trailing position (the error carries it) and with long quoted
/// input cut.
fn strip_position(message: &str) -> String {
    extensions::cut_quotes(match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    })
}

/// The order operations of one path are listed in.
pub fn method_rank(method: &str) -> usize {
    ["get", "put", "post", "delete", "options", "head", "patch"].iter().position(|m| *m == method).unwrap_or(usize::MAX)
}

/// Adds `other` (read from `file`) to `into`. A definition present in both is shared (every
/// OpenAPI 3.0 document repeats ObjectMeta, Status...): the copy already there wins, and the
/// new one may only add fields to it ([`merge_schema`]); each difference is noted for `-v`.
/// An operation is kept once per (path, method).
fn merge(into: &mut Spec, other: Spec, file: &str) -> Result<()> {
    for (name, schema) in other.definitions {
        match into.definitions.get_mut(&name) {
            Some(existing) if !same_shape(existing, &schema) => {
                let kept = display_name(&existing.origin.file);
                let mut added = Vec::new();
                merge_schema(existing, &schema, &mut added, &name)?;
                let what = if added.is_empty() {
                    "differs; nothing added".to_string()
                } else {
                    format!("adds {}", added.join(", "))
                };
                into.notes.push(format!("definition {name}: the copy in {file} {what} (kept the copy in {kept})"));
            }
            Some(_) => {}
            None => {
                into.definitions.insert(name, schema);
            }
        }
    }
    let mut known: std::collections::HashSet<(String, String)> =
        into.operations.iter().map(|o| (o.path.clone(), o.method.clone())).collect();
    for op in other.operations {
        if known.insert((op.path.clone(), op.method.clone())) {
            into.operations.push(op);
        }
    }
    into.notes.extend(other.notes);
    Ok(())
}

/// What JSON a schema describes, as far as two copies of a definition must agree: an object
/// and a string copy of one definition cannot both be right. References, unions and untyped
/// schemas may stand for anything.
fn json_class(kind: &SchemaKind) -> Option<&'static str> {
    Some(match kind {
        SchemaKind::Object { .. } => "an object",
        SchemaKind::Array { .. } => "an array",
        SchemaKind::String { .. } => "a string",
        SchemaKind::Integer { .. } | SchemaKind::Number { .. } => "a number",
        SchemaKind::Boolean => "a boolean",
        SchemaKind::Ref(_) | SchemaKind::Union { .. } | SchemaKind::Any => return None,
    })
}

/// Merges a later copy of a schema into the kept one: properties only the later copy has are
/// added (recorded in `added` as dotted paths below `at`), everything else stays as kept.
fn merge_schema(kept: &mut Schema, later: &Schema, added: &mut Vec<String>, at: &str) -> Result<()> {
    if let (Some(a), Some(b)) = (json_class(&kept.kind), json_class(&later.kind)) {
        if a != b {
            return Err(Error::Conflict {
                origin: later.origin.clone(),
                name: at.to_string(),
                message: format!("it is {b} here and {a} in {}", kept.origin),
            });
        }
    }
    match (&mut kept.kind, &later.kind) {
        (SchemaKind::Object { properties, .. }, SchemaKind::Object { properties: more, .. }) => {
            for (wire, schema) in more {
                match properties.get_mut(wire) {
                    Some(existing) => merge_schema(existing, schema, added, &format!("{at}.{wire}"))?,
                    None => {
                        properties.insert(wire.clone(), schema.clone());
                        added.push(wire.clone());
                    }
                }
            }
        }
        (SchemaKind::Array { items }, SchemaKind::Array { items: more }) => {
            merge_schema(items, more, added, &format!("{at}[]"))?
        }
        _ => {}
    }
    Ok(())
}
/// Equality that ignores where the nodes came from.
fn same_shape(a: &model::Schema, b: &model::Schema) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    clear_origins(&mut a);
    clear_origins(&mut b);
    a == b
}

fn clear_origins(schema: &mut model::Schema) {
    schema.origin = model::Origin::default();
    match &mut schema.kind {
        model::SchemaKind::Array { items } => clear_origins(items),
        model::SchemaKind::Object { properties, additional_properties, .. } => {
            properties.values_mut().for_each(clear_origins);
            if let Some(ap) = additional_properties {
                clear_origins(ap);
            }
        }
        _ => {}
    }
}
