//! Reading kubeconfig files with kubectl's rules: several files merge, the first to name a
//! cluster, user or context (or to set `current-context`) wins; relative paths are relative to
//! the file that holds them; values that are present but empty count as unset.

use super::config::{Auth, ClientCertificate, Config, ExecConfig, Sensitive};
use super::error::Error;
use base64::Engine as _;
use serde::{Deserialize, Deserializer};
use std::path::{Path, PathBuf};

/// Which kubeconfig and context to use, like kubectl's `--kubeconfig` and `--context`.
#[derive(Clone, Debug, Default)]
pub struct KubeconfigOptions {
    /// This file alone; `KUBECONFIG`, else `~/.kube/config`, if `None`.
    pub path: Option<PathBuf>,
    /// This context; the current context if `None`.
    pub context: Option<String>,
}

/// The files kubectl would read: those `KUBECONFIG` lists, else `~/.kube/config`.
pub(crate) fn default_paths() -> Vec<PathBuf> {
    match std::env::var_os("KUBECONFIG") {
        Some(list) if !list.is_empty() => std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()).collect(),
        _ => home().map(|h| vec![h.join(".kube").join("config")]).unwrap_or_default(),
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// Reads and merges `paths`, then builds the configuration of `context` (else the current one).
/// A missing file is an error only when `required` (an explicit path, like `--kubeconfig`).
pub(crate) fn load(paths: &[PathBuf], required: bool, context: Option<&str>) -> Result<Config, Error> {
    let mut merged = File::default();
    let mut seen: Vec<&PathBuf> = Vec::new();
    for path in paths {
        if seen.contains(&path) || (!required && !path.exists()) {
            continue;
        }
        seen.push(path);
        merged.merge(read(path)?);
    }
    if seen.is_empty() {
        let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::config(format!("no kubeconfig file found (looked for: {})", list.join(", "))));
    }
    merged.config(context)
}

fn read(path: &Path) -> Result<File, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::config_with(format!("cannot read kubeconfig {}", path.display()), e))?;
    let mut file: File = if text.trim().is_empty() {
        File::default()
    } else {
        yaml_serde::from_str(&text)
            .map_err(|e| Error::config_with(format!("invalid kubeconfig {}", path.display()), e))?
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    file.resolve_paths(&dir);
    Ok(file)
}

/// `Some` only for a non-empty string: `token: ""` must not shadow a working credential.
fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

#[derive(Default, Deserialize)]
struct File {
    #[serde(rename = "current-context", default, deserialize_with = "non_empty")]
    current_context: Option<String>,
    #[serde(default)]
    clusters: Option<Vec<NamedCluster>>,
    #[serde(default)]
    users: Option<Vec<NamedUser>>,
    #[serde(default)]
    contexts: Option<Vec<NamedContext>>,
}

#[derive(Deserialize)]
struct NamedCluster {
    name: String,
    #[serde(default)]
    cluster: Option<Cluster>,
}

#[derive(Deserialize)]
struct NamedUser {
    name: String,
    #[serde(default)]
    user: Option<User>,
}

#[derive(Deserialize)]
struct NamedContext {
    name: String,
    #[serde(default)]
    context: Option<Context>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Cluster {
    #[serde(default, deserialize_with = "non_empty")]
    server: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    certificate_authority: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    certificate_authority_data: Option<String>,
    #[serde(default)]
    insecure_skip_tls_verify: Option<bool>,
    #[serde(default, deserialize_with = "non_empty")]
    tls_server_name: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    proxy_url: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct User {
    #[serde(default, deserialize_with = "non_empty")]
    client_certificate: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    client_certificate_data: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    client_key: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    client_key_data: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    token: Option<String>,
    #[serde(rename = "tokenFile", default, deserialize_with = "non_empty")]
    token_file: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    username: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    password: Option<String>,
    #[serde(default)]
    exec: Option<Exec>,
    #[serde(default)]
    auth_provider: Option<AuthProvider>,
    #[serde(rename = "as", default, deserialize_with = "non_empty")]
    impersonate: Option<String>,
    #[serde(default)]
    as_groups: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct AuthProvider {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Exec {
    #[serde(default, deserialize_with = "non_empty")]
    api_version: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    command: Option<String>,
    #[serde(default)]
    args: Option<Vec<String>>,
    #[serde(default)]
    env: Option<Vec<ExecEnv>>,
    #[serde(default, deserialize_with = "non_empty")]
    install_hint: Option<String>,
    #[serde(default)]
    provide_cluster_info: bool,
    #[serde(default, deserialize_with = "non_empty")]
    interactive_mode: Option<String>,
}

#[derive(Deserialize)]
struct ExecEnv {
    name: String,
    #[serde(default)]
    value: String,
}

#[derive(Default, Deserialize)]
struct Context {
    #[serde(default, deserialize_with = "non_empty")]
    cluster: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    user: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    namespace: Option<String>,
}

/// `dir.join(path)` for a relative `path`.
fn resolve(dir: &Path, path: &mut Option<String>) {
    if let Some(p) = path {
        if Path::new(p).is_relative() {
            // `components` drops the `.` of `./plugin`.
            *p = dir.join(&*p).components().collect::<PathBuf>().to_string_lossy().into_owned();
        }
    }
}

impl File {
    fn resolve_paths(&mut self, dir: &Path) {
        for c in self.clusters.iter_mut().flatten().filter_map(|c| c.cluster.as_mut()) {
            resolve(dir, &mut c.certificate_authority);
        }
        for u in self.users.iter_mut().flatten().filter_map(|u| u.user.as_mut()) {
            resolve(dir, &mut u.client_certificate);
            resolve(dir, &mut u.client_key);
            resolve(dir, &mut u.token_file);
            // A bare command name is looked up in PATH; only a path is resolved, as kubectl does.
            if let Some(exec) = u.exec.as_mut() {
                if exec.command.as_deref().is_some_and(|c| c.contains('/') || c.contains(std::path::MAIN_SEPARATOR)) {
                    resolve(dir, &mut exec.command);
                }
            }
        }
    }

    /// Adds what `later` defines and `self` does not: the first file to define a name wins.
    fn merge(&mut self, later: File) {
        if self.current_context.is_none() {
            self.current_context = later.current_context;
        }
        fn add<T>(into: &mut Option<Vec<T>>, from: Option<Vec<T>>, name: fn(&T) -> &str) {
            for item in from.into_iter().flatten() {
                let list = into.get_or_insert_with(Vec::new);
                if !list.iter().any(|x| name(x) == name(&item)) {
                    list.push(item);
                }
            }
        }
        add(&mut self.clusters, later.clusters, |c| &c.name);
        add(&mut self.users, later.users, |u| &u.name);
        add(&mut self.contexts, later.contexts, |c| &c.name);
    }

    fn config(self, context: Option<&str>) -> Result<Config, Error> {
        let context_name = context
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .or(self.current_context)
            .ok_or_else(|| Error::config("current-context is not set in the kubeconfig; choose a context"))?;
        let context = self
            .contexts
            .into_iter()
            .flatten()
            .find(|c| c.name == context_name)
            .ok_or_else(|| Error::config(format!("context {context_name:?} not found in the kubeconfig")))?
            .context
            .unwrap_or_default();
        let cluster_name =
            context.cluster.ok_or_else(|| Error::config(format!("context {context_name:?} names no cluster")))?;
        let cluster = self
            .clusters
            .into_iter()
            .flatten()
            .find(|c| c.name == cluster_name)
            .ok_or_else(|| Error::config(format!("cluster {cluster_name:?} of context {context_name:?} not found")))?
            .cluster
            .unwrap_or_default();
        let user = match &context.user {
            Some(user_name) => self
                .users
                .into_iter()
                .flatten()
                .find(|u| &u.name == user_name)
                .ok_or_else(|| Error::config(format!("user {user_name:?} of context {context_name:?} not found")))?
                .user
                .unwrap_or_default(),
            None => User::default(),
        };

        let server = cluster.server.ok_or_else(|| Error::config(format!("cluster {cluster_name:?} has no server")))?;
        let server = if server.contains("://") { server } else { format!("https://{server}") };
        let server = server
            .parse::<http::Uri>()
            .map_err(|e| Error::config_with(format!("server of cluster {cluster_name:?} is not a URL"), e))?;
        if cluster.proxy_url.is_some() {
            return Err(Error::config(format!("cluster {cluster_name:?}: proxy-url is not supported")));
        }
        let mut config = Config::new(server);
        if let Some(namespace) = context.namespace {
            config.default_namespace = namespace;
        }
        config.insecure_skip_tls_verify = cluster.insecure_skip_tls_verify.unwrap_or(false);
        config.tls_server_name = cluster.tls_server_name;
        config.certificate_authority = data_or_file(
            cluster.certificate_authority_data.as_deref(),
            cluster.certificate_authority.as_deref(),
            "certificate-authority",
        )?;

        let certificate = data_or_file(
            user.client_certificate_data.as_deref(),
            user.client_certificate.as_deref(),
            "client-certificate",
        )?;
        let key = data_or_file(user.client_key_data.as_deref(), user.client_key.as_deref(), "client-key")?;
        config.client_certificate = match (certificate, key) {
            (Some(certificate), Some(key)) => Some(ClientCertificate { certificate, key: Sensitive::new(key) }),
            (None, None) => None,
            (Some(_), None) => return Err(Error::config("client-certificate is set without client-key")),
            (None, Some(_)) => return Err(Error::config("client-key is set without client-certificate")),
        };
        if user.impersonate.is_some() || user.as_groups.is_some_and(|g| !g.is_empty()) {
            return Err(Error::config("impersonation (as, as-groups) is not supported"));
        }

        let has_static = user.token.is_some()
            || user.token_file.is_some()
            || user.username.is_some()
            || config.client_certificate.is_some();
        config.auth = if let Some(token) = user.token {
            Auth::Token(Sensitive::new(token))
        } else if let Some(path) = user.token_file {
            Auth::TokenFile(PathBuf::from(path))
        } else if let Some(username) = user.username {
            Auth::Basic { username, password: Sensitive::new(user.password.unwrap_or_default()) }
        } else if let (Some(exec), false) = (user.exec, has_static) {
            Auth::Exec(exec_config(exec)?)
        } else if let (Some(provider), false) = (user.auth_provider, has_static) {
            return Err(Error::config(format!(
                "auth-provider {:?} is not supported; use an exec credential plugin",
                provider.name
            )));
        } else {
            Auth::None
        };
        Ok(config)
    }
}

fn exec_config(exec: Exec) -> Result<ExecConfig, Error> {
    let command = exec.command.ok_or_else(|| Error::config("exec: command is not set"))?;
    let api_version = exec.api_version.ok_or_else(|| Error::config("exec: apiVersion is not set"))?;
    let mut config = ExecConfig::new(command);
    config.api_version = api_version;
    config.args = exec.args.unwrap_or_default();
    config.env = exec.env.unwrap_or_default().into_iter().map(|e| (e.name, Sensitive::new(e.value))).collect();
    config.install_hint = exec.install_hint;
    config.provide_cluster_info = exec.provide_cluster_info;
    config.interactive_mode = exec.interactive_mode;
    Ok(config)
}

/// The inline base64 `*-data` field if set, else the file it names.
fn data_or_file(data: Option<&str>, file: Option<&str>, what: &str) -> Result<Option<Vec<u8>>, Error> {
    if let Some(data) = data {
        let compact: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        return base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map(Some)
            .map_err(|_| Error::config(format!("{what}-data is not valid base64")));
    }
    match file {
        Some(path) => {
            std::fs::read(path).map(Some).map_err(|e| Error::config_with(format!("cannot read {what} {path}"), e))
        }
        None => Ok(None),
    }
}
