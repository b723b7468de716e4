//! Errors of the generator. Each says what is wrong and where (file and JSON pointer).

use crate::load::extensions::quoted;
use crate::load::model::Origin;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },

    #[error("{file}: invalid JSON at line {line}, column {column}: {message}")]
    InvalidJson { file: String, line: usize, column: usize, message: String },

    #[error("{file}: not a Swagger 2.0 or OpenAPI 3.0 document (expected a top-level \"swagger\": \"2.0\" or \"openapi\": \"3.0.x\" field)")]
    UnknownFormat { file: String },

    #[error("{origin}: invalid OpenAPI 3.0 document: {message}")]
    InvalidOpenApi { origin: Origin, message: String },

    #[error("{origin}: dangling $ref {}: no such definition", quoted(.reference))]
    DanglingRef { origin: Origin, reference: String },

    #[error("{origin}: unsupported schema: {message}")]
    Unsupported { origin: Origin, message: String },

    #[error("{origin}: definition {} differs between documents in a way that cannot be merged: {message}", quoted(.name))]
    Conflict { origin: Origin, name: String, message: String },

    #[error("{path}: the directory holds no .json spec documents")]
    EmptyDirectory { path: PathBuf },

    #[error("{origin}: definition {} is an alias of itself (through {})", quoted(.name), quoted(.cycle))]
    AliasCycle { origin: Origin, name: String, cycle: String },

    #[error("no spec given and the default {path} was not found; pass --spec PATH")]
    NoSpec { path: PathBuf },

    #[error("{file}: invalid YAML at line {line}, column {column}: {message}")]
    InvalidYaml { file: String, line: usize, column: usize, message: String },

    #[error("{origin}: invalid CustomResourceDefinition: {message}")]
    Crd { origin: Origin, message: String },

    #[error("{option}: {message}")]
    Selection { option: &'static str, message: String },

    #[error("{0}")]
    Cluster(String),

    #[error("{what}: {message}")]
    St2 { what: String, message: String },

    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("internal error: generated code for {file} did not parse: {message}")]
    Format { file: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
