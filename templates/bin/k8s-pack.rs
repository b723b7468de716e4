//! `k8s-pack`: list, describe and run the crate's actions from the command line, printing
//! `{status_code, data}` as JSON; list sensors and run one, printing a JSON trigger per line.
//! Exit codes: 0 success (or a sensor stopped by a signal), 1 the API refused or the request
//! failed, 2 invalid parameters or configuration (nothing was sent).

use clap::{Parser, Subcommand};
use {{crate_ident}}::actions::REGISTRY;
use {{crate_ident}}::runtime::actions::{close_matches, find, Action, ActionError};
use {{crate_ident}}::runtime::client::{Client, Error, KubeconfigOptions};
use {{crate_ident}}::runtime::sensor::{Sensor, SensorOptions, SensorSpec, Shutdown};
use {{crate_ident}}::sensors::DynamicObject;
use serde_json::{Map, Value};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "k8s-pack", version, about = "Kubernetes API actions with JSON parameters, and sensors")]
struct Cli {
    /// The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).
    #[arg(long, global = true)]
    kubeconfig: Option<PathBuf>,
    /// The kubeconfig context (default: its current context).
    #[arg(long, global = true)]
    context: Option<String>,
    /// The namespace for actions that take one and were not given it; the namespace a sensor
    /// watches (default: all).
    #[arg(long, short = 'n', global = true)]
    namespace: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the actions whose name, resource or group contains FILTER.
    Actions { filter: Option<String> },
    /// Print the JSON Schema of an action's parameters.
    Describe { action: String },
    /// Run an action and print {status_code, data}.
    Run {
        action: String,
        /// The parameters as a JSON object, or @FILE to read them from a file.
        #[arg(long)]
        params: Option<String>,
        /// One parameter as key=value (repeatable; after --params).
        #[arg(short = 'p', value_name = "KEY=VALUE")]
        pairs: Vec<String>,
    },
    /// List the sensors whose name or kind contains FILTER.
    Sensors { filter: Option<String> },
    /// Run a sensor (by name, plural or kind) and print one JSON trigger per line until stopped.
    Sense {
        sensor: String,
        /// A label selector (`app=web,tier!=db`).
        #[arg(long, short = 'l')]
        selector: Option<String>,
        /// A field selector (`metadata.name=web`).
        #[arg(long)]
        field_selector: Option<String>,
        /// Start from this saved resourceVersion instead of listing.
        #[arg(long)]
        resume_from: Option<String>,
        /// Include Secret data in the triggers (left out by default).
        #[arg(long)]
        include_secrets: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Actions { ref filter } => {
            let filter = filter.as_deref().unwrap_or("").to_ascii_lowercase();
            let mut out = std::io::stdout().lock();
            for action in REGISTRY.iter().filter(|a| matches(a, &filter)) {
                let resource = [action.group, action.version, action.resource]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("/");
                // A closed pipe (`| head`) ends the listing; it is not an error.
                if writeln!(out, "{:<64} {:<18} {}", action.name, action.verb, resource).is_err() {
                    break;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Describe { ref action } => match lookup(action) {
            Ok(action) => {
                println!("{}", serde_json::to_string_pretty(&action.schema()).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        Command::Run { ref action, ref params, ref pairs } => {
            let action = match lookup(action) {
                Ok(action) => action,
                Err(code) => return code,
            };
            let params = match parameters(action, params.as_deref(), pairs) {
                Ok(params) => params,
                Err(message) => return usage_error(&message),
            };
            run(&cli, action, params)
        }
        Command::Sensors { ref filter } => {
            let filter = filter.as_deref().unwrap_or("").to_ascii_lowercase();
            let mut out = std::io::stdout().lock();
            for spec in SENSORS.iter().filter(|s| {
                s.name.to_ascii_lowercase().contains(&filter) || s.kind.to_ascii_lowercase().contains(&filter)
            }) {
                let scope = if spec.namespaced_path.is_some() { "namespaced" } else { "cluster" };
                if writeln!(out, "{:<64} {:<40} {}", spec.name, spec.kind, scope).is_err() {
                    break;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Sense { ref sensor, ref selector, ref field_selector, ref resume_from, include_secrets } => {
            let Some(spec) = {{crate_ident}}::runtime::sensor::find(SENSORS, sensor) else {
                return usage_error(&unknown_sensor(sensor));
            };
            if spec.namespaced_path.is_none() && cli.namespace.is_some() {
                return usage_error(&format!("{} is cluster-scoped: it takes no --namespace", spec.name));
            }
            let options = SensorOptions {
                namespace: cli.namespace.clone(),
                label_selector: selector.clone(),
                field_selector: field_selector.clone(),
                resume_from: resume_from.clone(),
                ..SensorOptions::default()
            };
            sense(&cli, spec, options, include_secrets)
        }
    }
}

use {{crate_ident}}::sensors::REGISTRY as SENSORS;

/// Why a sensor name matched none or several, with the names it may have meant.
fn unknown_sensor(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let same: Vec<&str> =
        SENSORS.iter().filter(|s| s.plural == lower || s.kind.eq_ignore_ascii_case(name)).map(|s| s.name).collect();
    if !same.is_empty() {
        return format!("`{name}` is ambiguous: give one of {}", same.join(", "));
    }
    let mut close = close_matches(name, SENSORS.iter().map(|s| s.name));
    for plural in close_matches(name, SENSORS.iter().map(|s| s.plural)) {
        close.extend(SENSORS.iter().filter(|s| s.plural == plural).map(|s| s.name.to_string()));
    }
    close.dedup();
    match close.is_empty() {
        true => format!("unknown sensor `{name}`; `k8s-pack sensors` lists them"),
        false => format!("unknown sensor `{name}`; did you mean {}?", close.join(", ")),
    }
}

/// Prints each trigger as a JSON line; errors go to stderr, and a terminal one ends with 1.
fn sense(cli: &Cli, spec: &SensorSpec, mut options: SensorOptions, include_secrets: bool) -> ExitCode {
    let client = match client(cli) {
        Ok(client) => client,
        Err(e) => return usage_error(&e.to_string()),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return usage_error(&format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async {
        options.shutdown = Some(Shutdown::on_signal());
        let mut sensor = Sensor::<DynamicObject>::new(spec, client, options);
        let mut out = std::io::stdout().lock();
        while let Some(item) = sensor.next().await {
            match item {
                Ok(trigger) => {
                    let line = serde_json::to_string(&trigger.payload(include_secrets)).unwrap_or_default();
                    // A closed pipe ends the sensor; it is not an error.
                    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                        return ExitCode::SUCCESS;
                    }
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    if e.is_terminal() {
                        return ExitCode::from(1);
                    }
                }
            }
        }
        ExitCode::SUCCESS
    })
}

fn matches(action: &Action, filter: &str) -> bool {
    [action.name, action.resource, action.group].iter().any(|s| s.to_ascii_lowercase().contains(filter))
}

fn lookup(name: &str) -> Result<&'static Action, ExitCode> {
    find(REGISTRY, name).ok_or_else(|| {
        let close = close_matches(name, REGISTRY.iter().map(|a| a.name));
        let hint = if close.is_empty() { String::new() } else { format!("; did you mean {}?", close.join(", ")) };
        usage_error(&format!("unknown action `{name}`{hint}"))
    })
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// `--params` (JSON or @file) first, then each `-p key=value`.
fn parameters(action: &Action, params: Option<&str>, pairs: &[String]) -> Result<Map<String, Value>, String> {
    let mut map = match params {
        None => Map::new(),
        Some(text) => {
            let text = match text.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?,
                None => text.to_string(),
            };
            match serde_json::from_str(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err("--params must be a JSON object".into()),
                Err(e) => return Err(format!("--params is not JSON: {e}")),
            }
        }
    };
    for pair in pairs {
        let (key, value) = action.parse_pair(pair).map_err(|e| e.to_string())?;
        map.insert(key, value);
    }
    Ok(map)
}

fn run(cli: &Cli, action: &Action, mut params: Map<String, Value>) -> ExitCode {
    // Validate before any configuration is read or connection made.
    let takes_namespace = action.params.iter().any(|p| p.name == "namespace");
    if takes_namespace && !params.contains_key("namespace") {
        if let Some(ns) = &cli.namespace {
            params.insert("namespace".into(), Value::String(ns.clone()));
        }
    }
    let mut check = params.clone();
    if takes_namespace {
        check.entry("namespace").or_insert_with(|| Value::String("default".into()));
    }
    if let Err(e) = action.request(&Value::Object(check)) {
        return usage_error(&e.to_string());
    }
    let client = match client(cli) {
        Ok(client) => client,
        Err(e) => return usage_error(&e.to_string()),
    };
    if takes_namespace && !params.contains_key("namespace") {
        params.insert("namespace".into(), Value::String(client.default_namespace().to_string()));
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return usage_error(&format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(action.run(&client, &Value::Object(params))) {
        Ok(output) => {
            println!("{}", serde_json::to_string(&output).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(ActionError::Params(e)) => usage_error(&e.to_string()),
        Err(ActionError::Client(Error::Api(e))) => {
            let data = e.status().map(|s| {
                serde_json::json!({"code": s.code, "status": s.status, "reason": s.reason, "message": s.message})
            });
            let data = data.unwrap_or_else(|| Value::String(e.text().unwrap_or_default().to_string()));
            println!("{}", serde_json::json!({"status_code": e.code().as_u16(), "data": data}));
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        Err(ActionError::Client(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn client(cli: &Cli) -> Result<Client, Error> {
    if cli.kubeconfig.is_none() && cli.context.is_none() {
        return Client::try_default();
    }
    Client::from_kubeconfig(KubeconfigOptions { path: cli.kubeconfig.clone(), context: cli.context.clone() })
}
