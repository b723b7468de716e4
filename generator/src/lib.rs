//! k8s-packgen: generates a typed Rust crate from a Kubernetes cluster's OpenAPI spec.
//!
//! The pipeline, one module per step: [`load`] (Swagger 2.0 or OpenAPI 3.0 documents into one
//! neutral model) -> [`fixups`] (known upstream spec bugs) -> [`ir`] (Kubernetes meaning and
//! Rust names) -> [`emit`] (token streams from the IR only) -> [`format`] (prettyplease and
//! headers) -> [`write`] (aside, then swap; or compare for `--check`).

pub mod emit;
pub mod error;
pub mod fixups;
pub mod format;
pub mod inspect;
pub mod ir;
pub mod load;
pub mod write;

use error::Result;
use load::Document;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The generator's own version, written into every emitted file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Options of one generation.
#[derive(Clone, Debug)]
pub struct Options {
    pub crate_name: String,
    pub crate_version: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { crate_name: "k8s-pack".to_string(), crate_version: VERSION.to_string() }
    }
}

/// Time spent in each phase.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub load: Duration,
    pub ir: Duration,
    pub emit: Duration,
    pub format: Duration,
}

/// The emitted crate in memory.
#[derive(Debug)]
pub struct Output {
    /// Relative path -> file text.
    pub files: BTreeMap<String, String>,
    pub api: ir::Api,
    pub timings: Timings,
}

/// The spec used when none is given: the newest Kubernetes spec in `../shared`, looked up
/// from the working directory and then from the source tree.
pub fn default_spec() -> PathBuf {
    let relative = Path::new("../shared/specs/kubernetes/v1.36.0.json");
    let from_source = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative);
    if relative.exists() || !from_source.exists() {
        relative.to_path_buf()
    } else {
        from_source
    }
}

/// Reads the spec files (directories expand to their `.json` files).
pub fn read_documents(paths: &[PathBuf]) -> Result<Vec<Document>> {
    load::expand_paths(paths)?.iter().map(|p| Document::read(p)).collect()
}

/// Loads the documents, applies the fixups and builds the IR: what every entry point
/// (generate, inspect, tests) starts from.
pub fn build_api(docs: &[Document]) -> Result<ir::Api> {
    build_api_timed(docs, &mut Timings::default())
}

fn build_api_timed(docs: &[Document], timings: &mut Timings) -> Result<ir::Api> {
    let start = Instant::now();
    let mut spec = load::load(docs)?;
    timings.load = start.elapsed();
    let start = Instant::now();
    let fixups_applied = fixups::apply(&mut spec);
    let mut api = ir::build::build(&spec)?;
    api.fixups_applied = fixups_applied;
    timings.ir = start.elapsed();
    Ok(api)
}

/// Runs the whole pipeline in memory.
pub fn generate(docs: &[Document], options: &Options) -> Result<Output> {
    let mut timings = Timings::default();
    let api = build_api_timed(docs, &mut timings)?;

    let info = emit::CrateInfo {
        name: options.crate_name.clone(),
        version: options.crate_version.clone(),
        generator_version: VERSION.to_string(),
        spec_hash: load::spec_hash(docs),
        spec_names: docs.iter().map(|d| display_name(&d.name)).collect(),
    };
    let start = Instant::now();
    let files = emit::emit(&api, &info);
    timings.emit = start.elapsed();

    let start = Instant::now();
    let files = format::format_files(files, &info)?;
    timings.format = start.elapsed();
    Ok(Output { files, api, timings })
}

/// A spec's file name, so emitted files do not depend on where the spec was read from.
fn display_name(path: &str) -> String {
    Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string())
}
