//! The `k8s-packgen` command line.

use clap::{Args, Parser, Subcommand, ValueEnum};
use k8s_packgen::cluster::{self, ClusterOptions, OpenApi};
use k8s_packgen::error::Error;
use k8s_packgen::ir::filter::Selection;
use k8s_packgen::load::Document;
use k8s_packgen::progress::Progress;
use k8s_packgen::{default_spec, generate_st2_pack_with, generate_with, read_documents, write, Options, Output};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "k8s-packgen", version, about = "Generate a typed Rust crate from a Kubernetes OpenAPI spec")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the API comes from and which part of it to use: shared by `generate`, `st2-pack` and
/// `inspect`.
#[derive(Args)]
struct Inputs {
    /// A Swagger 2.0 or OpenAPI 3.0 document, or a directory of OpenAPI 3.0 documents;
    /// repeat for several. Default (without --from-cluster): ../shared/specs/kubernetes/v1.36.0.json.
    #[arg(long = "spec", value_name = "PATH", conflicts_with = "from_cluster")]
    specs: Vec<PathBuf>,
    /// A CustomResourceDefinition file (YAML or JSON; several documents or a List allowed);
    /// repeat for several. Its custom resources come out as if the cluster served them; the
    /// spec (or the default one) supplies ObjectMeta and the shape of the operations.
    #[arg(long = "crd", value_name = "FILE")]
    crds: Vec<PathBuf>,
    /// Only these resources (plurals or kinds, case-insensitive; qualify as plural.group,
    /// group/version/plural or Kind.group/version), with their operations and the types they use.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    resources: Vec<String>,
    /// Only these API groups (`core` for the core group).
    #[arg(long, value_name = "GROUPS", value_delimiter = ',')]
    groups: Vec<String>,
    #[command(flatten)]
    cluster: ClusterArgs,
}

#[derive(Args)]
struct ClusterArgs {
    /// Read the spec from the cluster of the kubeconfig (or the pod's service account).
    #[arg(long)]
    from_cluster: bool,
    /// The kubeconfig file (default: KUBECONFIG, else ~/.kube/config).
    #[arg(long, value_name = "PATH", requires = "from_cluster")]
    kubeconfig: Option<PathBuf>,
    /// The kubeconfig context (default: the current one).
    #[arg(long, value_name = "NAME", requires = "from_cluster")]
    context: Option<String>,
    /// Which OpenAPI documents to read from the cluster.
    #[arg(long, value_enum, default_value = "v2", requires = "from_cluster")]
    openapi: OpenApiArg,
    /// The longest opening a connection may take, TCP connect and TLS handshake (default 30; 0: none).
    #[arg(long, value_name = "SECONDS", requires = "from_cluster", value_parser = timeout)]
    connect_timeout: Option<Duration>,
    /// The longest the cluster may take to start answering (default 90; 0: none).
    #[arg(long, value_name = "SECONDS", requires = "from_cluster", value_parser = timeout)]
    response_timeout: Option<Duration>,
    /// The longest a response body may pause (default 90; 0: none).
    #[arg(long, value_name = "SECONDS", requires = "from_cluster", value_parser = timeout)]
    idle_timeout: Option<Duration>,
}

/// A timeout in seconds; zero for none.
fn timeout(text: &str) -> Result<Duration, String> {
    k8s_packgen::runtime::client::parse_timeout(text).map(|t| t.unwrap_or(Duration::ZERO))
}

#[derive(Clone, Copy, ValueEnum)]
enum OpenApiArg {
    V2,
    V3,
}

impl ClusterArgs {
    fn options(&self) -> ClusterOptions {
        ClusterOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            openapi: match self.openapi {
                OpenApiArg::V2 => OpenApi::V2,
                OpenApiArg::V3 => OpenApi::V3,
            },
            connect_timeout: self.connect_timeout,
            response_timeout: self.response_timeout,
            idle_timeout: self.idle_timeout,
        }
    }
}

/// The emitted crate's crates.io metadata.
#[derive(clap::Args)]
struct PackageArgs {
    /// The emitted crate's description (default: what it is and that k8s-packgen made it).
    #[arg(long)]
    description: Option<String>,
    /// The emitted crate's license, an SPDX expression.
    #[arg(long, default_value = "Apache-2.0")]
    license: String,
    /// The emitted crate's repository URL.
    #[arg(long)]
    repository: Option<String>,
    /// The emitted crate's homepage URL.
    #[arg(long)]
    homepage: Option<String>,
    /// The emitted crate's documentation URL (default: its docs.rs page).
    #[arg(long)]
    documentation: Option<String>,
}

impl PackageArgs {
    fn apply(self, package: &mut k8s_packgen::emit::Package) {
        if let Some(description) = self.description {
            package.description = description;
        }
        package.license = self.license;
        package.repository = self.repository;
        package.homepage = self.homepage;
        package.documentation = self.documentation;
    }
}

#[derive(Subcommand)]
enum Command {
    /// Generate the crate (or check that it is in sync with --check).
    Generate {
        #[command(flatten)]
        inputs: Inputs,
        /// The directory of the emitted crate.
        #[arg(long, default_value = "generated/k8s-pack")]
        out: PathBuf,
        /// The emitted crate's package name.
        #[arg(long, default_value = "k8s-pack")]
        crate_name: String,
        /// The emitted crate's version (default: the generator's).
        #[arg(long)]
        crate_version: Option<String>,
        #[command(flatten)]
        package: PackageArgs,
        /// Do not write: exit 1 and list the files that differ if --out is not in sync.
        #[arg(long)]
        check: bool,
        /// Print the time of each phase to stderr.
        #[arg(short, long, visible_alias = "timings")]
        verbose: bool,
        /// Print nothing on success (errors are still printed).
        #[arg(short, long, conflicts_with = "verbose")]
        quiet: bool,
    },
    /// Generate the StackStorm pack of the same API, whose actions and sensors run the emitted
    /// crate's `k8s-pack` binary (or check that it is in sync with --check).
    St2Pack {
        #[command(flatten)]
        inputs: Inputs,
        /// The directory of the pack.
        #[arg(long)]
        out: PathBuf,
        /// The pack's reference (lowercase letters, digits and _).
        #[arg(long, default_value = k8s_packgen::st2::DEFAULT_PACK_NAME)]
        pack_name: String,
        /// The emitted crate's package name, whose binary the pack runs (for its README).
        #[arg(long, default_value = "k8s-pack")]
        crate_name: String,
        /// Do not write: exit 1 and list the files that differ if --out is not in sync.
        #[arg(long)]
        check: bool,
        /// Print the time of each phase to stderr.
        #[arg(short, long)]
        verbose: bool,
        /// Print nothing on success (errors are still printed).
        #[arg(short, long, conflicts_with = "verbose")]
        quiet: bool,
    },
    /// Show what a spec holds: group-versions, resources (kind, plural, scope, verbs,
    /// subresources) and operation counts.
    Inspect {
        #[command(flatten)]
        inputs: Inputs,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Save a cluster's OpenAPI spec: v2 as one file, v3 as a directory of documents
    /// (`apis__apps__v1.json`, ...) that `--spec DIR` reads.
    FetchSpec {
        #[command(flatten)]
        cluster: ClusterArgs,
        /// The file (v2) or directory (v3) to write.
        #[arg(short, long, value_name = "PATH")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The given specs, or the default one if there are none.
fn specs_or_default(specs: Vec<PathBuf>) -> Result<Vec<PathBuf>, Error> {
    if !specs.is_empty() {
        return Ok(specs);
    }
    let default = default_spec();
    if !default.exists() {
        return Err(Error::NoSpec { path: default });
    }
    Ok(vec![default])
}

/// The spec documents and the generation options the inputs name.
fn read_inputs(inputs: Inputs) -> Result<(Vec<Document>, Options), Error> {
    let docs = if inputs.cluster.from_cluster {
        cluster::fetch(&inputs.cluster.options())?
    } else {
        read_documents(&specs_or_default(inputs.specs)?)?
    };
    let crds = inputs.crds.iter().map(|p| Document::read(p)).collect::<Result<Vec<_>, _>>()?;
    let selection = Selection {
        resources: inputs.resources.into_iter().filter(|r| !r.trim().is_empty()).collect(),
        groups: inputs.groups,
    };
    Ok((docs, Options { crds, selection, ..Options::default() }))
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Inspect { inputs, json } => {
            let (docs, options) = read_inputs(inputs)?;
            let api = k8s_packgen::build_api_with(&docs, &options)?;
            let summary = k8s_packgen::inspect::summarize(&api);
            let text = if json {
                serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n"
            } else {
                k8s_packgen::inspect::table(&summary)
            };
            // A closed pipe (`| head`) is not an error.
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        Command::FetchSpec { cluster, out } => {
            if !cluster.from_cluster {
                return Err(Error::Cluster("fetch-spec needs --from-cluster (the only source it reads)".into()));
            }
            let options = cluster.options();
            let docs = cluster::fetch(&options)?;
            match options.openapi {
                OpenApi::V2 => write_file(&out, &docs[0].text)?,
                OpenApi::V3 => {
                    let files = docs.iter().map(|d| (d.name.clone(), d.text.clone())).collect();
                    write::write(&out, &files)?;
                }
            }
            eprintln!("wrote {} ({} document{})", out.display(), docs.len(), if docs.len() == 1 { "" } else { "s" });
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { inputs, out, crate_name, crate_version, package, check, verbose, quiet } => {
            let (report, mut progress, docs, mut options) = Report::read(inputs, check, verbose, quiet)?;
            options.crate_name = crate_name;
            if let Some(v) = crate_version {
                options.crate_version = v;
            }
            package.apply(&mut options.package);
            let output = generate_with(&docs, &options, &mut progress)?;
            let api = &output.api;
            let summary = format!(
                "{} types, {} resources, {} operations",
                api.types.len(),
                api.resources.len(),
                api.operations.len()
            );
            report.write_or_check(&out, &output, &summary, &mut progress)
        }
        Command::St2Pack { inputs, out, pack_name, crate_name, check, verbose, quiet } => {
            let (report, mut progress, docs, mut options) = Report::read(inputs, check, verbose, quiet)?;
            options.crate_name = crate_name;
            let output = generate_st2_pack_with(&docs, &options, &pack_name, &mut progress)?;
            let actions = output.files.keys().filter(|p| p.starts_with("actions/") && p.ends_with(".yaml")).count();
            let sensors = output.files.keys().filter(|p| p.starts_with("sensors/") && p.ends_with(".yaml")).count();
            let summary = format!("{actions} actions, {sensors} sensors");
            report.write_or_check(&out, &output, &summary, &mut progress)
        }
    }
}

/// How `generate` and `st2-pack` end: write or check, and say what happened.
struct Report {
    check: bool,
    verbose: bool,
    quiet: bool,
    start: Instant,
    read: std::time::Duration,
}

impl Report {
    /// Starts the clock and the progress line, and reads the inputs.
    fn read(
        inputs: Inputs,
        check: bool,
        verbose: bool,
        quiet: bool,
    ) -> Result<(Report, Progress, Vec<Document>, Options), Error> {
        let start = Instant::now();
        let mut progress = Progress::new(!quiet);
        progress.phase("read");
        let (docs, options) = read_inputs(inputs)?;
        Ok((Report { check, verbose, quiet, start, read: start.elapsed() }, progress, docs, options))
    }

    fn write_or_check(
        &self,
        out: &Path,
        output: &Output,
        summary: &str,
        progress: &mut Progress,
    ) -> Result<ExitCode, Error> {
        if self.check {
            progress.finish();
            let diffs = write::check(out, &output.files)?;
            if diffs.is_empty() {
                if !self.quiet {
                    eprintln!("{} is in sync ({} files)", out.display(), output.files.len());
                }
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!("{} is out of sync with the spec; regenerate it:", out.display());
            for d in &diffs {
                eprintln!("  {d}");
            }
            return Ok(ExitCode::from(1));
        }
        progress.phase("write");
        write::write(out, &output.files)?;
        progress.finish();
        let t = &output.timings;
        if self.verbose {
            for note in &output.api.notes {
                eprintln!("note: {note}");
            }
            eprintln!(
                "read {:?}, load {:?}, ir {:?}, emit {:?}, format {:?}, write {:?}, total {:?}",
                self.read,
                t.load,
                t.ir,
                t.emit,
                t.format,
                progress.time_of("write"),
                self.start.elapsed()
            );
        }
        if !self.quiet {
            eprintln!("wrote {} ({} files, {summary})", out.display(), output.files.len());
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Writes one file aside and renames it into place, so a failure never leaves half a spec.
fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|source| Error::Write { path: parent.clone(), source })?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "spec".into());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let result = std::fs::write(&staging, text).and_then(|()| std::fs::rename(&staging, path));
    if let Err(source) = result {
        let _ = std::fs::remove_file(&staging);
        return Err(Error::Write { path: path.to_path_buf(), source });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// clap checks its argument definitions only when they are used; check them all here.
    #[test]
    fn arguments_are_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
