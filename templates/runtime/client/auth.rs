//! The credentials each request carries, kept fresh: a token file is read again every minute,
//! an exec plugin's output is cached until its `expirationTimestamp`, and both are refreshed
//! after a 401.

use super::config::{Auth, Config, ExecConfig};
use super::error::Error;
use super::exec;
use super::tls::Identity;
use base64::Engine as _;
use http::HeaderValue;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// How often a token file is read again: kubelet rotates service account tokens well before
/// they expire, and client-go reads the file every minute as well.
const TOKEN_FILE_PERIOD: Duration = Duration::from_secs(60);

/// The credentials of one attempt of a request.
#[derive(Clone)]
pub(crate) struct Applied {
    /// The `Authorization` header, marked sensitive.
    pub(crate) header: Option<HeaderValue>,
    /// A client certificate from an exec plugin, with the run that produced it.
    pub(crate) identity: Option<(u64, Arc<Identity>)>,
    /// Which exec run these came from, so that concurrent 401s run the plugin only once.
    generation: u64,
}

pub(crate) struct Authenticator {
    kind: Kind,
}

enum Kind {
    None,
    /// A fixed `Authorization` header, and what kind it is for `Debug`.
    Header(HeaderValue, &'static str),
    TokenFile {
        path: PathBuf,
        cache: Mutex<Option<(HeaderValue, Instant)>>,
    },
    Exec(Box<ExecAuth>),
}

struct ExecAuth {
    config: ExecConfig,
    /// The `KUBERNETES_EXEC_INFO` value, the same for every run.
    exec_info: String,
    state: tokio::sync::Mutex<ExecState>,
}

#[derive(Default)]
struct ExecState {
    generation: u64,
    cached: Option<(Applied, Option<SystemTime>)>,
}

fn bearer(token: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.trim()))
        .map_err(|_| Error::auth("the bearer token contains characters not allowed in a header"))?;
    value.set_sensitive(true);
    Ok(value)
}

impl Authenticator {
    pub(crate) fn new(config: &Config) -> Result<Authenticator, Error> {
        let kind = match &config.auth {
            Auth::None => Kind::None,
            Auth::Token(token) => Kind::Header(bearer(token.expose())?, "bearer token"),
            Auth::Basic { username, password } => {
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()));
                let mut value =
                    HeaderValue::from_str(&format!("Basic {encoded}")).expect("base64 is a valid header value");
                value.set_sensitive(true);
                Kind::Header(value, "basic")
            }
            Auth::TokenFile(path) => Kind::TokenFile { path: path.clone(), cache: Mutex::new(None) },
            Auth::Exec(exec) => {
                exec::validate(exec)?;
                let exec_info = exec::exec_info(exec, Some(&cluster_info(config)));
                Kind::Exec(Box::new(ExecAuth {
                    config: exec.clone(),
                    exec_info,
                    state: tokio::sync::Mutex::new(ExecState::default()),
                }))
            }
        };
        Ok(Authenticator { kind })
    }

    /// What `Debug` of a client shows: the kind of credential, never the credential.
    pub(crate) fn describe(&self) -> String {
        match &self.kind {
            Kind::None => "none".to_string(),
            Kind::Header(_, kind) => format!("{kind} <redacted>"),
            Kind::TokenFile { path, .. } => format!("token file {}", path.display()),
            Kind::Exec(exec) => format!("exec plugin {}", exec.config.command),
        }
    }

    /// The credentials for the next request.
    pub(crate) async fn current(&self) -> Result<Applied, Error> {
        match &self.kind {
            Kind::None => Ok(Applied { header: None, identity: None, generation: 0 }),
            Kind::Header(value, _) => Ok(Applied { header: Some(value.clone()), identity: None, generation: 0 }),
            Kind::TokenFile { path, cache } => {
                let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
                let header = match &*cache {
                    Some((header, read_at)) if read_at.elapsed() < TOKEN_FILE_PERIOD => header.clone(),
                    _ => match read_token_file(path) {
                        Ok(header) => {
                            *cache = Some((header.clone(), Instant::now()));
                            header
                        }
                        // A token read before stays usable while the file is being replaced.
                        Err(e) => cache.as_ref().map(|(h, _)| h.clone()).ok_or(e)?,
                    },
                };
                Ok(Applied { header: Some(header), identity: None, generation: 0 })
            }
            Kind::Exec(exec) => {
                let mut state = exec.state.lock().await;
                if let Some((applied, expiry)) = &state.cached {
                    if expiry.is_none_or(|e| SystemTime::now() < e) {
                        return Ok(applied.clone());
                    }
                }
                run_exec(exec, &mut state).await
            }
        }
    }

    /// New credentials after `used` got a 401, or `None` when there are none to try.
    pub(crate) async fn refresh(&self, used: &Applied) -> Result<Option<Applied>, Error> {
        match &self.kind {
            Kind::None | Kind::Header(..) => Ok(None),
            Kind::TokenFile { path, cache } => {
                let header = read_token_file(path)?;
                *cache.lock().unwrap_or_else(PoisonError::into_inner) = Some((header.clone(), Instant::now()));
                if used.header.as_ref() == Some(&header) {
                    return Ok(None);
                }
                Ok(Some(Applied { header: Some(header), identity: None, generation: 0 }))
            }
            Kind::Exec(exec) => {
                let mut state = exec.state.lock().await;
                // Another request already ran the plugin again after its own 401.
                if state.generation != used.generation {
                    if let Some((applied, _)) = &state.cached {
                        return Ok(Some(applied.clone()));
                    }
                }
                run_exec(exec, &mut state).await.map(Some)
            }
        }
    }
}

async fn run_exec(exec: &ExecAuth, state: &mut ExecState) -> Result<Applied, Error> {
    let credential = exec::run(&exec.config, exec.exec_info.clone()).await?;
    state.generation += 1;
    let identity = match &credential.client_certificate {
        Some((cert, key)) => Some((state.generation, Arc::new(Identity::from_pem(cert, key.expose())?))),
        None => None,
    };
    let header = credential.token.as_ref().map(|t| bearer(t.expose())).transpose()?;
    let applied = Applied { header, identity, generation: state.generation };
    state.cached = Some((applied.clone(), credential.expiry));
    Ok(applied)
}

fn read_token_file(path: &PathBuf) -> Result<HeaderValue, Error> {
    let token = std::fs::read_to_string(path)
        .map_err(|e| Error::auth(format!("cannot read token file {}: {e}", path.display())))?;
    if token.trim().is_empty() {
        return Err(Error::auth(format!("token file {} is empty", path.display())));
    }
    bearer(&token)
}

/// The cluster as an exec plugin sees it in `KUBERNETES_EXEC_INFO` (`provideClusterInfo`).
fn cluster_info(config: &Config) -> serde_json::Value {
    let mut cluster = serde_json::json!({ "server": config.server.to_string() });
    if let Some(ca) = &config.certificate_authority {
        cluster["certificate-authority-data"] = base64::engine::general_purpose::STANDARD.encode(ca).into();
    }
    if let Some(name) = &config.tls_server_name {
        cluster["tls-server-name"] = name.clone().into();
    }
    if config.insecure_skip_tls_verify {
        cluster["insecure-skip-tls-verify"] = true.into();
    }
    cluster
}
