//! The generator as a library, for build scripts (in the style of prost-build): the same
//! pipeline as `k8s-packgen generate`, writing either the whole crate or one module file for
//! `include!`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), k8s_packgen::error::Error> {
//!     k8s_packgen::Builder::new()
//!         .spec("../shared/specs/kubernetes/v1.36.0.json")
//!         .resources(["secrets", "apps/v1/deployments"])
//!         .write_module_to_out_dir("k8s.rs")?;
//!     Ok(())
//! }
//! // src/lib.rs (at the crate root: the generated paths are `crate::...`)
//! // include!(concat!(env!("OUT_DIR"), "/k8s.rs"));
//! ```

use crate::error::{Error, Result};
use crate::ir::filter::Selection;
use crate::load::Document;
use crate::single_file::Parts;
use crate::{default_spec, generate, read_documents, write, Options, Output};
use std::path::{Path, PathBuf};

/// What to generate from which inputs. Relative paths are relative to the working directory,
/// which for a build script is the package's directory.
#[derive(Clone, Debug)]
pub struct Builder {
    specs: Vec<PathBuf>,
    crds: Vec<PathBuf>,
    selection: Selection,
    parts: Parts,
    crate_name: Option<String>,
    crate_version: Option<String>,
    rerun_if_changed: Option<bool>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// The default spec, every resource, and client, actions and sensors in a module file.
    pub fn new() -> Builder {
        Builder {
            specs: Vec::new(),
            crds: Vec::new(),
            selection: Selection::default(),
            parts: Parts::default(),
            crate_name: None,
            crate_version: None,
            rerun_if_changed: None,
        }
    }

    /// A Swagger 2.0 or OpenAPI 3.0 document, or a directory of OpenAPI 3.0 documents
    /// (`--spec`); repeat for several. Without any: `../shared/specs/kubernetes/v1.36.0.json`.
    pub fn spec(mut self, path: impl AsRef<Path>) -> Builder {
        self.specs.push(path.as_ref().to_path_buf());
        self
    }

    /// A CustomResourceDefinition file (`--crd`); repeat for several.
    pub fn crd(mut self, path: impl AsRef<Path>) -> Builder {
        self.crds.push(path.as_ref().to_path_buf());
        self
    }

    /// Only these resources (`--resources`): plurals or kinds, optionally qualified
    /// (`apps/v1/deployments`, `roles.rbac.authorization.k8s.io`); an entry may hold several
    /// separated by commas, as on the command line. Adds to earlier calls.
    pub fn resources<I, S>(mut self, names: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names = split(names).into_iter().filter(|n| !n.is_empty());
        self.selection.resources.extend(names);
        self
    }

    /// Only these API groups (`--groups`; `core` or `""` for the core group), commas allowed.
    /// Adds to earlier calls.
    pub fn groups<I, S>(mut self, groups: I) -> Builder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.selection.groups.extend(split(groups));
        self
    }

    /// Keep the HTTP client in the module file (feature `client`; actions and sensors need it,
    /// so they keep it too). A whole crate always has every part, behind its features.
    pub fn client(mut self, on: bool) -> Builder {
        self.parts.client = on;
        self
    }

    /// Keep the action registry and descriptors in the module file (feature `actions`).
    pub fn actions(mut self, on: bool) -> Builder {
        self.parts.actions = on;
        self
    }

    /// Keep the sensors in the module file (feature `sensors`).
    pub fn sensors(mut self, on: bool) -> Builder {
        self.parts.sensors = on;
        self
    }

    /// The emitted crate's package name (`--crate-name`; default `k8s-pack`).
    pub fn crate_name(mut self, name: impl Into<String>) -> Builder {
        self.crate_name = Some(name.into());
        self
    }

    /// The emitted crate's version (`--crate-version`; default the generator's).
    pub fn crate_version(mut self, version: impl Into<String>) -> Builder {
        self.crate_version = Some(version.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` for each input file; by default only when
    /// run by Cargo as a build script (`OUT_DIR` set), and always by
    /// [`Builder::write_module_to_out_dir`].
    pub fn rerun_if_changed(mut self, on: bool) -> Builder {
        self.rerun_if_changed = Some(on);
        self
    }

    /// Runs the generator in memory: the crate's files, as `generate` would write them.
    pub fn generate(&self) -> Result<Output> {
        let (docs, options) = self.inputs()?;
        generate(&docs, &options)
    }

    /// The StackStorm pack named `pack_name` in memory, as `st2-pack --pack-name` would write it
    /// (see [`crate::st2`]); its actions and sensors run the crate's `k8s-pack` binary.
    pub fn st2_pack(&self, pack_name: &str) -> Result<Output> {
        let (docs, options) = self.inputs()?;
        crate::generate_st2_pack(&docs, &options, pack_name)
    }

    /// Writes the StackStorm pack to `out`, as `k8s-packgen st2-pack --out` does (the previous
    /// content is replaced only once every file is written).
    pub fn write_st2_pack(&self, pack_name: &str, out: impl AsRef<Path>) -> Result<Output> {
        let output = self.st2_pack(pack_name)?;
        write::write(out.as_ref(), &output.files)?;
        Ok(output)
    }

    /// The spec documents and options, printing `cargo:rerun-if-changed` as configured.
    fn inputs(&self) -> Result<(Vec<Document>, Options)> {
        let specs = if self.specs.is_empty() {
            let default = default_spec();
            if !default.exists() {
                return Err(Error::NoSpec { path: default });
            }
            vec![default]
        } else {
            self.specs.clone()
        };
        // Printed before reading, so a fix to a broken spec also reruns the build script.
        if self.rerun_if_changed.unwrap_or_else(|| std::env::var_os("OUT_DIR").is_some()) {
            for path in specs.iter().chain(&self.crds) {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        let docs = read_documents(&specs)?;
        let crds = self.crds.iter().map(|p| Document::read(p)).collect::<Result<Vec<_>>>()?;
        let mut options = Options { crds, selection: self.selection.clone(), ..Options::default() };
        if let Some(name) = &self.crate_name {
            options.crate_name = name.clone();
        }
        if let Some(version) = &self.crate_version {
            options.crate_version = version.clone();
        }
        Ok((docs, options))
    }

    /// Writes the whole crate to `out`, as `k8s-packgen generate --out` does (the previous
    /// content is replaced only once every file is written).
    pub fn write_crate(&self, out: impl AsRef<Path>) -> Result<Output> {
        let output = self.generate()?;
        write::write(out.as_ref(), &output.files)?;
        Ok(output)
    }

    /// The crate as one module file (see [`crate::single_file`]), with the chosen parts.
    pub fn module(&self) -> Result<String> {
        let output = self.generate()?;
        crate::single_file::assemble(&output.files, &self.parts)
    }

    /// Writes [`Builder::module`] to `path`, leaving the file untouched when its text is the
    /// same (so nothing downstream rebuilds for nothing). Returns the text written.
    pub fn write_module(&self, path: impl AsRef<Path>) -> Result<String> {
        let text = self.module()?;
        write_if_changed(path.as_ref(), &text)?;
        Ok(text)
    }

    /// From a build script: writes the module file as `$OUT_DIR/file_name` and tells Cargo to
    /// rerun the script only when an input file changes. Include it at the crate root with
    /// `include!(concat!(env!("OUT_DIR"), "/k8s.rs"));`. Returns the path written.
    pub fn write_module_to_out_dir(&self, file_name: impl AsRef<Path>) -> Result<PathBuf> {
        let file_name = file_name.as_ref();
        let Some(out_dir) = std::env::var_os("OUT_DIR") else {
            let source = std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "OUT_DIR is not set: call write_module_to_out_dir from a build script, or use write_module",
            );
            return Err(Error::Write { path: file_name.to_path_buf(), source });
        };
        let path = Path::new(&out_dir).join(file_name);
        let builder = Builder { rerun_if_changed: Some(self.rerun_if_changed.unwrap_or(true)), ..self.clone() };
        builder.write_module(&path)?;
        Ok(path)
    }
}

/// Comma-separated lists, as `--resources a,b` takes them.
fn split<S: Into<String>>(entries: impl IntoIterator<Item = S>) -> Vec<String> {
    let entries: Vec<String> = entries.into_iter().map(Into::into).collect();
    entries.iter().flat_map(|e| e.split(',')).map(|e| e.trim().to_string()).collect()
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
    }
    std::fs::write(path, text).map_err(|source| Error::Write { path: path.to_path_buf(), source })
}
