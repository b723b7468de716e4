//! `k8s-pack`: list, describe and run the crate's actions from the command line, printing
//! `{status_code, data}` as JSON; list sensors and run one, printing a JSON trigger per line.
//! Exit codes: 0 success (or a sensor stopped by a signal, or standard output closed by its
//! reader, as `| head` does), 1 the API refused or the request failed, 2 invalid parameters or
//! configuration (nothing was sent). Nothing but results goes to standard output; errors and
//! warnings go to standard error.

use clap::{Parser, Subcommand};
use {{crate_ident}}::actions::REGISTRY;
use {{crate_ident}}::runtime::actions::{close_matches, find, parse_json, Action, ActionError};
use {{crate_ident}}::runtime::client::{parse_timeout, Client, Config, Error, KubeconfigOptions};
use {{crate_ident}}::runtime::request::check_segment;
use {{crate_ident}}::runtime::sensor::{CrdEvent, CrdFilter, Sensor, SensorOptions, SensorSpec, Shutdown};
use {{crate_ident}}::sensors::DynamicObject;
use serde_json::{Map, Value};
use std::io::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

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
    /// The longest opening a connection may take, TCP connect and TLS handshake (default 30; 0: none).
    #[arg(long, global = true, value_name = "SECONDS", env = "K8S_PACK_CONNECT_TIMEOUT", value_parser = timeout)]
    connect_timeout: Option<Timeout>,
    /// The longest the server may take to start answering (default 90; 0: none).
    #[arg(long, global = true, value_name = "SECONDS", env = "K8S_PACK_RESPONSE_TIMEOUT", value_parser = timeout)]
    response_timeout: Option<Timeout>,
    /// The longest a response body may pause, watches excepted (default 90; 0: none).
    #[arg(long, global = true, value_name = "SECONDS", env = "K8S_PACK_IDLE_TIMEOUT", value_parser = timeout)]
    idle_timeout: Option<Timeout>,
    #[command(subcommand)]
    command: Command,
}

/// A timeout from the command line; `None` for `0`.
#[derive(Clone, Copy)]
struct Timeout(Option<Duration>);

fn timeout(text: &str) -> Result<Timeout, String> {
    parse_timeout(text).map(Timeout)
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
        #[arg(required_unless_present = "custom_resources")]
        sensor: Option<String>,
        /// Follow custom resources instead: every kind whose CustomResourceDefinition passes
        /// --group/--kind, as definitions appear and go.
        #[arg(long, conflicts_with_all = ["sensor", "resume_from"])]
        custom_resources: bool,
        /// With --custom-resources: only this API group (repeatable).
        #[arg(long = "group", value_name = "GROUP", requires = "custom_resources")]
        groups: Vec<String>,
        /// With --custom-resources: only this kind or plural (repeatable).
        #[arg(long = "kind", value_name = "KIND", requires = "custom_resources")]
        kinds: Vec<String>,
        /// With --custom-resources: resume this custom resource (`example.com/v1/mysqldbs`)
        /// from a saved resourceVersion instead of listing it (repeatable).
        #[arg(long = "resume-resource", value_name = "RESOURCE=RV", requires = "custom_resources")]
        resume_resources: Vec<String>,
        /// Also print `{"checkpoint": RV, "resource": NAME}` after a trigger once every change of
        /// the resource up to RV is printed: the resourceVersion to resume from.
        #[arg(long)]
        checkpoints: bool,
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
            let mut out = io::BufWriter::new(io::stdout().lock());
            let written = REGISTRY.iter().filter(|a| matches(a, &filter)).try_for_each(|action| {
                let target = action.target;
                let resource = [target.group, target.version, target.resource]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("/");
                writeln!(out, "{:<64} {:<18} {}", action.name, action.verb, resource)
            });
            finish(written.and_then(|()| out.flush()), ExitCode::SUCCESS)
        }
        Command::Describe { ref action } => match lookup(action) {
            Ok(action) => {
                let schema = serde_json::to_string_pretty(&action.schema()).unwrap_or_default();
                finish(print(&schema), ExitCode::SUCCESS)
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
            let mut out = io::BufWriter::new(io::stdout().lock());
            let written = SENSORS
                .iter()
                .filter(|s| {
                    s.name.to_ascii_lowercase().contains(&filter) || s.kind.to_ascii_lowercase().contains(&filter)
                })
                .try_for_each(|spec| {
                    let scope = if spec.namespaced_path.is_some() { "namespaced" } else { "cluster" };
                    writeln!(out, "{:<64} {:<40} {}", spec.name, spec.kind, scope)
                });
            finish(written.and_then(|()| out.flush()), ExitCode::SUCCESS)
        }
        Command::Sense {
            ref sensor,
            custom_resources,
            ref groups,
            ref kinds,
            ref resume_resources,
            checkpoints,
            ref selector,
            ref field_selector,
            ref resume_from,
            include_secrets,
        } => {
            if let Some(Err(e)) = cli.namespace.as_deref().map(|ns| check_segment("namespace", ns)) {
                return usage_error(&e.to_string());
            }
            let options = SensorOptions {
                namespace: cli.namespace.clone(),
                label_selector: selector.clone(),
                field_selector: field_selector.clone(),
                resume_from: resume_from.clone(),
                ..SensorOptions::default()
            };
            let output = Output { include_secrets, checkpoints };
            let sensor = match sensor {
                Some(sensor) if !custom_resources => sensor,
                _ => {
                    let filter = CrdFilter { groups: groups.clone(), kinds: kinds.clone() };
                    let mut resume = std::collections::HashMap::new();
                    for entry in resume_resources {
                        let Some((resource, rv)) = entry.split_once('=') else {
                            return usage_error(&format!("--resume-resource takes RESOURCE=RV, not `{entry}`"));
                        };
                        resume.insert(resource.to_string(), rv.to_string());
                    }
                    return sense_custom_resources(&cli, options, filter, resume, output);
                }
            };
            let Some(spec) = {{crate_ident}}::runtime::sensor::find(SENSORS, sensor) else {
                return usage_error(&unknown_sensor(sensor));
            };
            if spec.namespaced_path.is_none() && cli.namespace.is_some() {
                return usage_error(&format!("{} is cluster-scoped: it takes no --namespace", spec.name));
            }
            sense(&cli, spec, options, output)
        }
    }
}

use {{crate_ident}}::sensors::REGISTRY as SENSORS;

/// Writes one line of results to standard output.
fn print(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush())
}

/// The exit code once the results are written: `code` if they were, or if the reader closed
/// the pipe (`| head` has what it wanted); 1 with a message if they could not be written.
fn finish(written: io::Result<()>, code: ExitCode) -> ExitCode {
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            report("error", &format!("cannot write to standard output: {e}"));
            ExitCode::from(1)
        }
    }
}

/// A line on standard error; if even that is closed, there is no one left to tell.
fn report(level: &str, message: &str) {
    let _ = writeln!(io::stderr(), "{level}: {message}");
}

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

/// What `sense` prints besides the triggers.
#[derive(Clone, Copy)]
struct Output {
    include_secrets: bool,
    checkpoints: bool,
}

/// The client and a runtime for a sensor, or the exit code of why there are none.
fn sensor_setup(cli: &Cli) -> Result<(Client, tokio::runtime::Runtime), ExitCode> {
    let client = client(cli).map_err(|e| usage_error(&e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| usage_error(&format!("cannot start the async runtime: {e}")))?;
    Ok((client, runtime))
}

/// Writes one JSON line and flushes it; false once stdout is closed.
fn print_line(out: &mut impl std::io::Write, value: &Value) -> bool {
    let line = serde_json::to_string(value).unwrap_or_default();
    writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
}

/// Prints each trigger as a JSON line; errors go to stderr, and a terminal one ends with 1.
fn sense(cli: &Cli, spec: &SensorSpec, mut options: SensorOptions, output: Output) -> ExitCode {
    let (client, runtime) = match sensor_setup(cli) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    runtime.block_on(async {
        options.shutdown = Some(Shutdown::on_signal());
        let mut sensor = Sensor::<DynamicObject>::new(spec, client, options);
        let mut out = std::io::stdout().lock();
        let mut saved: Option<String> = None;
        while let Some(item) = sensor.next().await {
            match item {
                Ok(trigger) => {
                    // A closed pipe ends the sensor; it is not an error.
                    if !print_line(&mut out, &trigger.payload(output.include_secrets)) {
                        return ExitCode::SUCCESS;
                    }
                    let point = sensor.resume_point().filter(|rv| output.checkpoints && saved.as_deref() != Some(*rv));
                    if let Some(rv) = point {
                        if !print_line(&mut out, &checkpoint(spec.name, rv)) {
                            return ExitCode::SUCCESS;
                        }
                        saved = Some(rv.to_string());
                    }
                }
                Err(e) => {
                    report("error", &e.to_string());
                    if e.is_terminal() {
                        return ExitCode::from(1);
                    }
                }
            }
        }
        ExitCode::SUCCESS
    })
}

/// The line `--checkpoints` prints: where a sensor of `resource` resumes from.
fn checkpoint(resource: &str, resource_version: &str) -> Value {
    serde_json::json!({ "checkpoint": resource_version, "resource": resource })
}

/// `sense --custom-resources`: the triggers of every custom resource the filter accepts, with
/// the kinds watched and let go reported on stderr.
fn sense_custom_resources(
    cli: &Cli,
    mut options: SensorOptions,
    filter: CrdFilter,
    resume: std::collections::HashMap<String, String>,
    output: Output,
) -> ExitCode {
    let (client, runtime) = match sensor_setup(cli) {
        Ok(setup) => setup,
        Err(code) => return code,
    };
    runtime.block_on(async {
        options.shutdown = Some(Shutdown::on_signal());
        let mut sensor = {{crate_ident}}::sensors::CustomResourceSensor::resuming(client, options, filter, resume);
        let mut out = std::io::stdout().lock();
        while let Some(event) = sensor.next().await {
            match event {
                CrdEvent::Started(info) => report("info", &format!("watching {}", info.name)),
                CrdEvent::Stopped(info) => report("info", &format!("no longer watching {}", info.name)),
                CrdEvent::Trigger(trigger) => {
                    if !print_line(&mut out, &trigger.payload(output.include_secrets)) {
                        return ExitCode::SUCCESS;
                    }
                }
                CrdEvent::Checkpoint { resource, resource_version } => {
                    if output.checkpoints && !print_line(&mut out, &checkpoint(&resource.name, &resource_version)) {
                        return ExitCode::SUCCESS;
                    }
                }
                CrdEvent::Error { resource: Some(info), error } => report("error", &format!("{}: {error}", info.name)),
                CrdEvent::Error { resource: None, error } => {
                    report("error", &error.to_string());
                    if error.is_terminal() {
                        return ExitCode::from(1);
                    }
                }
            }
        }
        ExitCode::SUCCESS
    })
}

fn matches(action: &Action, filter: &str) -> bool {
    [action.name, action.target.resource, action.target.group].iter().any(|s| s.to_ascii_lowercase().contains(filter))
}

fn lookup(name: &str) -> Result<&'static Action, ExitCode> {
    find(REGISTRY, name).ok_or_else(|| {
        let close = close_matches(name, REGISTRY.iter().map(|a| a.name));
        let hint = if close.is_empty() { String::new() } else { format!("; did you mean {}?", close.join(", ")) };
        usage_error(&format!("unknown action `{name}`{hint}"))
    })
}

fn usage_error(message: &str) -> ExitCode {
    report("error", message);
    ExitCode::from(2)
}

/// `--params` (JSON or @file) first, then each `-p key=value`, which may replace a parameter
/// of `--params` but not one given by `-p` before.
fn parameters(action: &Action, params: Option<&str>, pairs: &[String]) -> Result<Map<String, Value>, String> {
    let mut map = match params {
        None => Map::new(),
        Some(text) => {
            let text = match text.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?,
                None => text.to_string(),
            };
            match parse_json(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err("--params must be a JSON object".into()),
                Err(e) => return Err(format!("--params: {e}")),
            }
        }
    };
    let mut given = Vec::new();
    for pair in pairs {
        let (key, value) = action.parse_pair(pair).map_err(|e| e.to_string())?;
        if given.contains(&key) {
            return Err(format!("-p {key} is given twice"));
        }
        map.insert(key.clone(), value);
        given.push(key);
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
        Ok(output) => finish(print(&serde_json::to_string(&output).unwrap_or_default()), ExitCode::SUCCESS),
        Err(ActionError::Params(e)) => usage_error(&e.to_string()),
        Err(e) => {
            // The server's answer, whole, as for a success; then why it failed.
            let written = match e.output() {
                Some(output) => print(&serde_json::to_string(&output).unwrap_or_default()),
                None => Ok(()),
            };
            report("error", &e.to_string());
            finish(written, ExitCode::from(1))
        }
    }
}

/// The client of the kubeconfig (or the pod's service account) with the command line's
/// timeouts; its warnings are shown here, once.
fn client(cli: &Cli) -> Result<Client, Error> {
    let mut config = if cli.kubeconfig.is_none() && cli.context.is_none() {
        Config::infer()?
    } else {
        Config::from_kubeconfig(&KubeconfigOptions { path: cli.kubeconfig.clone(), context: cli.context.clone() })?
    };
    let set = |timeout: &mut Option<Duration>, given: Option<Timeout>| {
        if let Some(Timeout(value)) = given {
            *timeout = value;
        }
    };
    set(&mut config.connect_timeout, cli.connect_timeout);
    set(&mut config.response_timeout, cli.response_timeout);
    set(&mut config.idle_timeout, cli.idle_timeout);
    let client = Client::new(config)?;
    for warning in client.warnings() {
        report("warning", warning);
    }
    Ok(client)
}
