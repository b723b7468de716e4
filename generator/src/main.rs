//! The `k8s-packgen` command line.

use clap::{Parser, Subcommand};
use k8s_packgen::{default_spec, generate, read_documents, write, Options};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "k8s-packgen", version, about = "Generate a typed Rust crate from a Kubernetes OpenAPI spec")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the crate (or check that it is in sync with --check).
    Generate {
        /// A Swagger 2.0 or OpenAPI 3.0 document, or a directory of OpenAPI 3.0 documents;
        /// repeat for several. Default: ../shared/specs/kubernetes/v1.36.0.json.
        #[arg(long = "spec", value_name = "PATH")]
        specs: Vec<PathBuf>,
        /// The directory of the emitted crate.
        #[arg(long, default_value = "generated/k8s-pack")]
        out: PathBuf,
        /// The emitted crate's package name.
        #[arg(long, default_value = "k8s-pack")]
        crate_name: String,
        /// The emitted crate's version (default: the generator's).
        #[arg(long)]
        crate_version: Option<String>,
        /// Do not write: exit 1 and list the files that differ if --out is not in sync.
        #[arg(long)]
        check: bool,
        /// Print the time of each phase to stderr.
        #[arg(long)]
        timings: bool,
    },
    /// Show what a spec holds: group-versions, resources (kind, plural, scope, verbs,
    /// subresources) and operation counts.
    Inspect {
        /// As for `generate`. Default: ../shared/specs/kubernetes/v1.36.0.json.
        #[arg(long = "spec", value_name = "PATH")]
        specs: Vec<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
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
fn specs_or_default(specs: Vec<PathBuf>) -> Result<Vec<PathBuf>, k8s_packgen::error::Error> {
    if !specs.is_empty() {
        return Ok(specs);
    }
    let default = default_spec();
    if !default.exists() {
        return Err(k8s_packgen::error::Error::NoSpec { path: default });
    }
    Ok(vec![default])
}

fn run(cli: Cli) -> Result<ExitCode, k8s_packgen::error::Error> {
    match cli.command {
        Command::Inspect { specs, json } => {
            let docs = read_documents(&specs_or_default(specs)?)?;
            let api = k8s_packgen::build_api(&docs)?;
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
        Command::Generate { specs, out, crate_name, crate_version, check, timings } => {
            let specs = specs_or_default(specs)?;
            let start = Instant::now();
            let docs = read_documents(&specs)?;
            let read = start.elapsed();
            let mut options = Options { crate_name, ..Options::default() };
            if let Some(v) = crate_version {
                options.crate_version = v;
            }
            let output = generate(&docs, &options)?;
            if check {
                let diffs = write::check(&out, &output.files)?;
                if diffs.is_empty() {
                    eprintln!("{} is in sync ({} files)", out.display(), output.files.len());
                    return Ok(ExitCode::SUCCESS);
                }
                eprintln!("{} is out of sync with the spec; regenerate it:", out.display());
                for d in &diffs {
                    eprintln!("  {d}");
                }
                return Ok(ExitCode::from(1));
            }
            let write_start = Instant::now();
            write::write(&out, &output.files)?;
            let t = &output.timings;
            if timings {
                eprintln!(
                    "read {:?}, load {:?}, ir {:?}, emit {:?}, format {:?}, write {:?}, total {:?}",
                    read,
                    t.load,
                    t.ir,
                    t.emit,
                    t.format,
                    write_start.elapsed(),
                    start.elapsed()
                );
            }
            eprintln!(
                "wrote {} ({} files, {} types, {} resources, {} operations)",
                out.display(),
                output.files.len(),
                output.api.types.len(),
                output.api.resources.len(),
                output.api.operations.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
