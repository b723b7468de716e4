//! Creates a Secret and reads a few Deployment changes through the module that build.rs
//! generated: `build-rs-example [--kubeconfig PATH] [--namespace NAME]`.

use build_rs_example::actions::core::v1::secrets;
use build_rs_example::actions::CreateUpdateQuery;
use build_rs_example::api::core::v1::Secret;
use build_rs_example::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use build_rs_example::runtime::client::{Client, KubeconfigOptions};
use build_rs_example::runtime::sensor::SensorOptions;
use build_rs_example::sensors::apps::v1::deployments;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: build-rs-example [--kubeconfig PATH] [--namespace NAME]";

/// The command line: which cluster and which namespace.
#[derive(Debug, Default, PartialEq)]
struct Args {
    kubeconfig: Option<PathBuf>,
    namespace: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args::default();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (arg, None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).ok_or(format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--kubeconfig" => parsed.kubeconfig = Some(PathBuf::from(value()?)),
            "--namespace" | "-n" => parsed.namespace = Some(value()?),
            "--help" | "-h" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(parsed)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_kubeconfig(KubeconfigOptions { path: args.kubeconfig, context: None })?;
    let namespace = args.namespace.unwrap_or_else(|| client.default_namespace().to_string());

    // A typed request: the body is a `Secret`, the answer is decoded as one.
    let secret = Secret {
        metadata: Some(ObjectMeta { name: Some("db-credentials".into()), ..Default::default() }),
        type_: Some("Opaque".into()),
        string_data: Some(BTreeMap::from([("password".to_string(), "s3cr3t".to_string())])),
        ..Default::default()
    };
    let created = secrets::create_core_v1_namespaced_secret(&namespace, &secret, &CreateUpdateQuery::default())?
        .send(&client)
        .await?;
    let name = created.metadata.and_then(|m| m.name).unwrap_or_default();
    println!("created secret {namespace}/{name}");

    // The first changes to Deployments in the namespace (the initial list reports each as Added).
    let mut sensor = deployments::sensor(client, SensorOptions::default().namespace(namespace));
    for _ in 0..3 {
        match sensor.next().await {
            Some(Ok(trigger)) => println!("{} deployment {}", trigger.event, trigger.name().unwrap_or("?")),
            Some(Err(e)) if e.is_terminal() => return Err(e.into()),
            Some(Err(e)) => eprintln!("{e}"),
            None => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn arguments() {
        assert_eq!(parse(&[]), Ok(Args::default()));
        let expected = Args { kubeconfig: Some("kc".into()), namespace: Some("team-a".into()) };
        assert_eq!(parse(&["--kubeconfig", "kc", "-n", "team-a"]), Ok(expected));
        assert_eq!(parse(&["--kubeconfig=kc"]).unwrap().kubeconfig, Some(PathBuf::from("kc")));
        assert!(parse(&["--kubeconfig"]).unwrap_err().starts_with("--kubeconfig needs a value"));
        assert!(parse(&["--bogus"]).unwrap_err().contains("unknown argument"));
    }
}
