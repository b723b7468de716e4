//! Spec loading: read documents from disk, detect their format, and read each into the
//! format-neutral [`model::Spec`]; several documents (OpenAPI 3.0 serves one per
//! group-version) merge into one.

pub mod crd;
pub mod model;
pub mod openapi3;
pub mod swagger2;

use crate::error::{Error, Result};
use model::Spec;
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

/// Parses every document and merges them into one spec.
pub fn load(docs: &[Document]) -> Result<Spec> {
    let mut merged = Spec::default();
    for doc in docs {
        let spec = load_one(doc)?;
        merge(&mut merged, spec)?;
    }
    merged
        .operations
        .sort_by(|a, b| (a.path.as_str(), method_rank(&a.method)).cmp(&(b.path.as_str(), method_rank(&b.method))));
    Ok(merged)
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
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The order operations of one path are listed in.
pub fn method_rank(method: &str) -> usize {
    ["get", "put", "post", "delete", "options", "head", "patch"].iter().position(|m| *m == method).unwrap_or(usize::MAX)
}

/// Adds `other` to `into`. A definition present in both must have the same shape (shared
/// schemas such as ObjectMeta are repeated in every OpenAPI 3.0 document); an operation is
/// kept once per (path, method).
fn merge(into: &mut Spec, other: Spec) -> Result<()> {
    for (name, schema) in other.definitions {
        match into.definitions.get(&name) {
            Some(existing) if !same_shape(existing, &schema) => {
                return Err(Error::Conflict {
                    origin: schema.origin.clone(),
                    name,
                    other: existing.origin.file.clone(),
                });
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
