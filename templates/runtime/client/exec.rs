//! Running a `client.authentication.k8s.io` exec credential plugin and reading its
//! `ExecCredential`. Error messages never quote the plugin's standard output: it holds the
//! credential.

use super::config::{ExecConfig, Sensitive};
use super::error::{AuthError, Error};
use serde::Deserialize;
use std::process::{Command, Stdio};
use std::time::SystemTime;

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

/// The most of a plugin's standard error kept in an [`AuthError`].
const MAX_STDERR: usize = 4096;

/// What a plugin returned.
pub(crate) struct ExecCredential {
    pub(crate) token: Option<Sensitive<String>>,
    /// PEM certificate chain and key.
    pub(crate) client_certificate: Option<(Vec<u8>, Sensitive<Vec<u8>>)>,
    /// When to run the plugin again; never (until a 401) if `None`.
    pub(crate) expiry: Option<SystemTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Output {
    api_version: Option<String>,
    kind: Option<String>,
    status: Option<OutputStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutputStatus {
    expiration_timestamp: Option<String>,
    token: Option<String>,
    client_certificate_data: Option<String>,
    client_key_data: Option<String>,
}

/// Checks what can be checked before the first request: the API version and interactivity.
pub(crate) fn validate(config: &ExecConfig) -> Result<(), Error> {
    if config.api_version != V1 && config.api_version != V1BETA1 {
        return Err(Error::config(format!(
            "exec plugin {:?}: apiVersion {:?} is not supported (use {V1} or {V1BETA1})",
            config.command, config.api_version
        )));
    }
    if config.interactive_mode.as_deref() == Some("Always") {
        return Err(Error::config(format!(
            "exec plugin {:?} requires interactiveMode Always, but this client has no terminal to give it",
            config.command
        )));
    }
    Ok(())
}

/// The `KUBERNETES_EXEC_INFO` value: the request, and the cluster if the plugin asked for it.
pub(crate) fn exec_info(config: &ExecConfig, cluster: Option<&serde_json::Value>) -> String {
    let mut spec = serde_json::json!({ "interactive": false });
    if let (true, Some(cluster)) = (config.provide_cluster_info, cluster) {
        spec["cluster"] = cluster.clone();
    }
    serde_json::json!({ "apiVersion": config.api_version, "kind": "ExecCredential", "spec": spec }).to_string()
}

/// Runs the plugin on a blocking thread and parses its output.
pub(crate) async fn run(config: &ExecConfig, exec_info: String) -> Result<ExecCredential, Error> {
    let mut command = Command::new(&config.command);
    command
        .args(&config.args)
        .envs(config.env.iter().map(|(name, value)| (name, value.expose())))
        .env("KUBERNETES_EXEC_INFO", exec_info)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let name = config.command.clone();
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| Error::auth(format!("exec plugin {name:?} did not finish: {e}")))?;
    let output = match output {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let hint = config.install_hint.as_deref().map(|h| format!("; {}", h.trim())).unwrap_or_default();
            return Err(Error::auth(format!("exec plugin {:?} not found{hint}", config.command)));
        }
        Err(e) => return Err(Error::auth(format!("exec plugin {:?} could not be run: {e}", config.command))),
    };
    let stderr = stderr_text(&output.stderr);
    if !output.status.success() {
        return Err(Error::Auth(AuthError {
            message: format!("exec plugin {:?} failed ({})", config.command, output.status),
            stderr: Some(stderr),
        }));
    }
    let fail = |message: String| Error::Auth(AuthError { message, stderr: Some(stderr.clone()) });
    let parsed: Output = serde_json::from_slice(&output.stdout).map_err(|e| {
        fail(format!(
            "exec plugin {:?} wrote no valid ExecCredential JSON (line {}, column {})",
            config.command,
            e.line(),
            e.column()
        ))
    })?;
    if parsed.kind.as_deref() != Some("ExecCredential") {
        return Err(fail(format!(
            "exec plugin {:?} returned kind {:?}, not ExecCredential",
            config.command, parsed.kind
        )));
    }
    if parsed.api_version.as_deref() != Some(config.api_version.as_str()) {
        return Err(fail(format!(
            "exec plugin {:?} is configured for {} but returned {:?}",
            config.command, config.api_version, parsed.api_version
        )));
    }
    let status = parsed.status.ok_or_else(|| fail(format!("exec plugin {:?} returned no status", config.command)))?;
    let expiry =
        match status.expiration_timestamp.as_deref().filter(|t| !t.is_empty()) {
            Some(t) => Some(chrono::DateTime::parse_from_rfc3339(t).map(SystemTime::from).map_err(|_| {
                fail(format!("exec plugin {:?} returned an invalid expirationTimestamp", config.command))
            })?),
            None => None,
        };
    let token = status.token.filter(|t| !t.is_empty()).map(Sensitive::new);
    let cert = status.client_certificate_data.filter(|c| !c.is_empty());
    let key = status.client_key_data.filter(|k| !k.is_empty());
    let client_certificate = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert.into_bytes(), Sensitive::new(key.into_bytes()))),
        (None, None) => None,
        _ => {
            return Err(fail(format!(
                "exec plugin {:?} returned only one of clientCertificateData and clientKeyData",
                config.command
            )))
        }
    };
    if token.is_none() && client_certificate.is_none() {
        return Err(fail(format!(
            "exec plugin {:?} returned neither a token nor a client certificate",
            config.command
        )));
    }
    Ok(ExecCredential { token, client_certificate, expiry })
}

fn stderr_text(stderr: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(stderr).trim().to_string();
    if text.len() > MAX_STDERR {
        let mut cut = MAX_STDERR;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("...");
    }
    text
}
