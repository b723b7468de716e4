//! `--from-cluster` and `fetch-spec`: reads a live cluster's OpenAPI documents through the
//! emitted crate's own client ([`crate::runtime::client`]), so the generator connects and
//! authenticates exactly as the crate it emits will (kubeconfig rules, exec plugins, TLS).
//!
//! Swagger 2.0 is one document (`/openapi/v2`); OpenAPI 3.0 is one document per
//! group-version, listed by the discovery document `/openapi/v3`. Documents are named like the
//! files `fetch-spec` writes (`openapi-v2.json`, `apis__apps__v1.json`), so generating from the
//! cluster and from the fetched files gives the same output.

use crate::error::{Error, Result};
use crate::load::Document;
use crate::runtime::client::{self, Client, KubeconfigOptions};
use std::path::PathBuf;
use std::time::Duration;

/// Which OpenAPI version to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OpenApi {
    #[default]
    V2,
    V3,
}

/// Which cluster, like kubectl's `--kubeconfig` and `--context`, and how long to wait for it.
#[derive(Clone, Debug, Default)]
pub struct ClusterOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub openapi: OpenApi,
    /// The client's timeouts ([`client::Config`]) when set; `Duration::ZERO` waits forever.
    pub connect_timeout: Option<Duration>,
    pub response_timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
}

/// The name of the Swagger 2.0 document, and the file `fetch-spec` writes it to by default.
pub const V2_NAME: &str = "openapi-v2.json";

/// Fetches the cluster's OpenAPI documents, named like the files `fetch-spec` writes, sorted
/// by name (the order a `--spec DIR` reads them in).
pub fn fetch(options: &ClusterOptions) -> Result<Vec<Document>> {
    let client = connect(options)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Cluster(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        match options.openapi {
            OpenApi::V2 => Ok(vec![Document { name: V2_NAME.to_string(), text: get(&client, "/openapi/v2").await? }]),
            OpenApi::V3 => fetch_v3(&client).await,
        }
    })
}

fn connect(options: &ClusterOptions) -> Result<Client> {
    let config = if options.kubeconfig.is_none() && options.context.is_none() {
        client::Config::infer()
    } else {
        client::Config::from_kubeconfig(&KubeconfigOptions {
            path: options.kubeconfig.clone(),
            context: options.context.clone(),
        })
    };
    let mut config = config.map_err(|e| Error::Cluster(format!("cannot use the cluster configuration: {e}")))?;
    for (timeout, given) in [
        (&mut config.connect_timeout, options.connect_timeout),
        (&mut config.response_timeout, options.response_timeout),
        (&mut config.idle_timeout, options.idle_timeout),
    ] {
        if let Some(given) = given {
            *timeout = (!given.is_zero()).then_some(given);
        }
    }
    let client =
        Client::new(config).map_err(|e| Error::Cluster(format!("cannot use the cluster configuration: {e}")))?;
    // Shown once, before anything is sent; never with a credential.
    for warning in client.warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(client)
}

async fn fetch_v3(client: &Client) -> Result<Vec<Document>> {
    let discovery = get(client, "/openapi/v3").await?;
    let url = |path: &str| format!("{}{path}", client.server().to_string().trim_end_matches('/'));
    let value: serde_json::Value = serde_json::from_str(&discovery).map_err(|e| {
        Error::Cluster(format!("{}: the OpenAPI v3 discovery document is not JSON: {e}", url("/openapi/v3")))
    })?;
    let Some(paths) = value.get("paths").and_then(|p| p.as_object()) else {
        return Err(Error::Cluster(format!(
            "{}: the OpenAPI v3 discovery document has no `paths`",
            url("/openapi/v3")
        )));
    };
    let mut docs = Vec::new();
    for (group_version, entry) in paths {
        let Some(relative) = entry.get("serverRelativeURL").and_then(|u| u.as_str()) else {
            return Err(Error::Cluster(format!(
                "{}: paths.{group_version} has no serverRelativeURL",
                url("/openapi/v3")
            )));
        };
        if !relative.starts_with('/') {
            return Err(Error::Cluster(format!(
                "{}: paths.{group_version}.serverRelativeURL {relative:?} is not a path on the server",
                url("/openapi/v3")
            )));
        }
        docs.push(Document { name: v3_file_name(group_version), text: get(client, relative).await? });
    }
    if docs.is_empty() {
        return Err(Error::Cluster(format!("{}: the cluster lists no OpenAPI v3 documents", url("/openapi/v3"))));
    }
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(docs)
}

/// `apis/apps/v1` -> `apis__apps__v1.json`; anything but letters, digits, `.`, `-` and `_`
/// becomes `_`, so a name can never leave the output directory.
pub fn v3_file_name(group_version: &str) -> String {
    let name: String = group_version
        .trim_matches('/')
        .split('/')
        .map(|segment| {
            segment
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("__");
    let name = if name.is_empty() || name.starts_with('.') { format!("_{name}") } else { name };
    format!("{name}.json")
}

/// GETs `path` and returns the body as text. Errors say what failed and at which URL, never
/// with the credentials.
async fn get(client: &Client, path: &str) -> Result<String> {
    let url =
        format!("{}{}", client.server().to_string().trim_end_matches('/'), path.split('?').next().unwrap_or(path));
    let request = http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| Error::Cluster(format!("invalid request path {path:?}: {e}")))?;
    let response = client.send(request).await.map_err(|e| describe(e, &url))?;
    String::from_utf8(response.into_body().to_vec())
        .map_err(|_| Error::Cluster(format!("{url}: the response is not UTF-8 text")))
}

fn describe(error: client::Error, url: &str) -> Error {
    let message = match &error {
        client::Error::Api(e) if e.is_unauthorized() => format!(
            "unauthorized (HTTP 401) fetching {url}: the cluster did not accept the kubeconfig's credentials{}",
            e.message().map(|m| format!(" ({m})")).unwrap_or_default()
        ),
        client::Error::Api(e) if e.is_forbidden() => format!(
            "forbidden (HTTP 403) fetching {url}: the credentials may not read the OpenAPI spec{}",
            e.message().map(|m| format!(" ({m})")).unwrap_or_default()
        ),
        client::Error::Api(e) => format!("fetching {url} failed: HTTP {e}"),
        client::Error::Tls(_) => {
            format!("TLS failure talking to {url}: {error} (is the cluster's CA the one in the kubeconfig?)")
        }
        client::Error::Transport(_) => format!("cannot reach the cluster at {url}: {error}"),
        client::Error::Timeout(_) => format!("no answer in time from the cluster at {url}: {error}"),
        _ => format!("fetching {url} failed: {error}"),
    };
    Error::Cluster(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_names_stay_inside_the_directory() {
        assert_eq!(v3_file_name("apis/apps/v1"), "apis__apps__v1.json");
        assert_eq!(v3_file_name("api/v1"), "api__v1.json");
        assert_eq!(v3_file_name(".well-known/openid-configuration"), "_.well-known__openid-configuration.json");
        assert_eq!(v3_file_name("../../etc"), "_..__..__etc.json");
        assert_eq!(v3_file_name("a b"), "a_b.json");
    }
}
