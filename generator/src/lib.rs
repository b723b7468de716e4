//! k8s-packgen: generates a typed Rust crate from a Kubernetes cluster's OpenAPI spec.
//!
//! The pipeline, one module per step: [`load`] (Swagger 2.0 or OpenAPI 3.0 documents into one
//! neutral model, with the extensions parsed into the [`vocabulary`]) -> [`infer`] (Kubernetes
//! meaning where a spec lacks the extensions) -> [`fixups`] (known upstream spec bugs) -> [`ir`] (Kubernetes meaning and
//! Rust names) -> [`emit`] (token streams from the IR only) -> [`format`] (prettyplease and
//! headers) -> [`write`] (aside, then swap; or compare for `--check`).
//!
//! [`st2`] emits a StackStorm pack of the same API from the same IR, whose actions and sensors
//! run the emitted crate's `k8s-pack` binary.
//!
//! Inputs besides spec files: CRD files ([`load::crd`], merged into the loaded spec as a cluster
//! would serve them) and a live cluster ([`cluster`], through the emitted crate's own client);
//! `--resources`/`--groups` narrow the IR ([`ir::filter`]) before emission.

pub mod builder;
#[cfg(not(doctest))]
#[cfg(feature = "cluster")]
pub mod cluster;
pub mod emit;
pub mod error;
pub mod fixups;
pub mod format;
pub mod infer;
pub mod inspect;
pub mod ir;
pub mod load;
pub mod package;
pub mod progress;
// The emitted crate's client, compiled in for `cluster`: its doc examples name `k8s_pack` and
// are tested in the emitted crate, so neither module takes part in this crate's doctests.
#[doc(hidden)]
#[cfg(all(feature = "cluster", not(doctest)))]
pub mod runtime;
pub mod single_file;
pub mod st2;
pub mod vocabulary;
pub mod write;

pub use builder::Builder;

use error::Result;
use load::Document;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The generator's own version, written into every emitted file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Options of one generation.
#[derive(Clone, Debug)]
pub struct Options {
    pub crate_name: String,
    pub crate_version: String,
    /// CRD files (`--crd`), added to the spec as a cluster serving them would.
    pub crds: Vec<Document>,
    /// The resources and groups to emit (`--resources`, `--groups`); empty: all.
    pub selection: ir::filter::Selection,
    /// The emitted crate's crates.io metadata.
    pub package: emit::Package,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "k8s-pack".to_string(),
            crate_version: VERSION.to_string(),
            crds: Vec::new(),
            selection: ir::filter::Selection::default(),
            package: emit::Package::default(),
        }
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
    build_api_with(docs, &Options::default())
}

/// [`build_api`] with the CRDs and the selection of `options`.
pub fn build_api_with(docs: &[Document], options: &Options) -> Result<ir::Api> {
    on_own_stack(|| build_api_timed(docs, options, &mut progress::Progress::hidden()))
}

/// The stack the pipeline runs on: loading, the IR and emission recurse once per level of a
/// schema, and the deepest document the JSON parser accepts (128 levels) needs more than the
/// 2 MiB a test or worker thread has in a debug build. Only the pages used are ever committed.
const STACK_SIZE: usize = 256 << 20;

/// Runs `f` on a thread with a stack of [`STACK_SIZE`], whatever the caller's thread; where no
/// thread can be started, on the caller's. A panic inside stays a panic.
fn on_own_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let f = std::sync::Mutex::new(Some(f));
    let take = || f.lock().unwrap_or_else(|e| e.into_inner()).take();
    let spawned = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(scope, || take().map(|f| f()));
        handle.ok().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    match spawned.flatten() {
        Some(result) => result,
        None => take().map(|f| f()).expect("the pipeline ran on neither thread"),
    }
}

fn build_api_timed(docs: &[Document], options: &Options, progress: &mut progress::Progress) -> Result<ir::Api> {
    progress.phase("load");
    let mut spec = load::load_with_crds(docs, &options.crds)?;
    progress.phase("ir");
    let inferred = infer::apply(&mut spec);
    if inferred > 0 {
        spec.notes.push(format!(
            "inferred the action or group/version/kind of {inferred} operations from their paths (the spec has no \
             x-kubernetes-action or x-kubernetes-group-version-kind there)"
        ));
    }
    fixups::apply(&mut spec);
    let api = ir::build::build(&spec, &options.selection)?;
    progress.end_phase();
    Ok(api)
}

/// Runs the whole pipeline in memory.
pub fn generate(docs: &[Document], options: &Options) -> Result<Output> {
    generate_with(docs, options, &mut progress::Progress::hidden())
}

/// [`generate`], reporting its phases to `progress`.
pub fn generate_with(docs: &[Document], options: &Options, progress: &mut progress::Progress) -> Result<Output> {
    on_own_stack(|| generate_here(docs, options, progress))
}

fn generate_here(docs: &[Document], options: &Options, progress: &mut progress::Progress) -> Result<Output> {
    package::check_name(&options.crate_name)?;
    package::check_version(&options.crate_version)?;
    let api = build_api_timed(docs, options, progress)?;

    let (spec_hash, spec_names) = input_identity(docs, options);
    let info = emit::CrateInfo {
        name: options.crate_name.clone(),
        version: options.crate_version.clone(),
        generator_version: VERSION.to_string(),
        spec_hash,
        spec_names,
        package: options.package.clone(),
    };
    progress.phase("emit");
    let files = emit::emit(&api, &info);
    progress.phase("format");
    let files = format::format_files(files, &info)?;
    progress.end_phase();
    Ok(Output { files, api, timings: timings(progress) })
}

/// The StackStorm pack of the same API (see [`st2`]) in memory, named `pack_name`; its actions
/// and sensors run the `k8s-pack` binary of the crate [`generate`] emits with the same options.
pub fn generate_st2_pack(docs: &[Document], options: &Options, pack_name: &str) -> Result<Output> {
    generate_st2_pack_with(docs, options, pack_name, &mut progress::Progress::hidden())
}

/// [`generate_st2_pack`], reporting its phases to `progress`.
pub fn generate_st2_pack_with(
    docs: &[Document],
    options: &Options,
    pack_name: &str,
    progress: &mut progress::Progress,
) -> Result<Output> {
    on_own_stack(|| st2_pack_here(docs, options, pack_name, progress))
}

fn st2_pack_here(
    docs: &[Document],
    options: &Options,
    pack_name: &str,
    progress: &mut progress::Progress,
) -> Result<Output> {
    package::check_name(&options.crate_name)?;
    let api = build_api_timed(docs, options, progress)?;
    let (spec_hash, spec_names) = input_identity(docs, options);
    let header = format::header_line(VERSION, &spec_hash);
    let info = st2::PackInfo {
        name: pack_name.to_string(),
        generator_version: VERSION.to_string(),
        spec_hash,
        spec_names,
        crate_name: options.crate_name.clone(),
    };
    progress.phase("emit");
    let files = st2::emit(&api, &info)?;
    progress.phase("format");
    let files = format::format_with_header(files, &header)?;
    progress.end_phase();
    Ok(Output { files, api, timings: timings(progress) })
}

/// The inputs' hash and names: the CRD files are inputs like the spec, named and hashed with it.
fn input_identity(docs: &[Document], options: &Options) -> (String, Vec<String>) {
    let inputs: Vec<Document> = docs.iter().chain(&options.crds).cloned().collect();
    (load::spec_hash(&inputs), inputs.iter().map(|d| display_name(&d.name)).collect())
}

fn timings(progress: &progress::Progress) -> Timings {
    Timings {
        load: progress.time_of("load"),
        ir: progress.time_of("ir"),
        emit: progress.time_of("emit"),
        format: progress.time_of("format"),
    }
}

/// A spec's file name, so emitted files do not depend on where the spec was read from.
fn display_name(path: &str) -> String {
    Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string())
}
