//! Sensors (feature `sensors`): a watch per resource that turns cluster changes into
//! [`Trigger`]s, with no change lost or reported twice under real server behaviour.
//!
//! ```no_run
//! # async fn run() -> Result<(), k8s_pack::runtime::client::Error> {
//! use k8s_pack::runtime::sensor::SensorOptions;
//! use k8s_pack::sensors::core::v1::config_maps;
//!
//! let client = k8s_pack::runtime::Client::try_default()?;
//! let options = SensorOptions::default().namespace("default").label_selector("app=web");
//! let mut sensor = config_maps::sensor(client, options);
//! while let Some(item) = sensor.next().await {
//!     match item {
//!         Ok(trigger) => println!("{} {:?} at {}", trigger.event, trigger.name(), trigger.resource_version),
//!         Err(e) if e.is_terminal() => eprintln!("stopped: {e}"),
//!         Err(e) => eprintln!("{e}"),
//!     }
//!     // Persist `sensor.resource_version()` to resume from it after a restart.
//! }
//! # Ok(()) }
//! ```
//!
//! What a sensor does, in order: list every object (page by page) and report each as `Added`;
//! watch from the list's resourceVersion through the list path with `watch=true` and
//! `allowWatchBookmarks=true`, rotating the watch with `timeoutSeconds`; resume from the last
//! resourceVersion seen (bookmarks included) when a watch ends or breaks; re-list when the server
//! says that version is gone (HTTP 410 or an `Expired` ERROR event) and report the difference
//! against what it had seen; wait with capped exponential backoff and jitter between failures,
//! honour `Retry-After`, and stop with an error on 401 and 403 and on a refused certificate.

mod backoff;
mod crd;
mod decode;
mod dynamic;
mod payload;
mod shutdown;
mod store;
mod watch;

pub use backoff::Backoff;
pub use crd::{CrdEvent, CrdFilter, CrdSensor};
pub use decode::{Bookmark, Lines, ListPage, WatchEvent};
pub use dynamic::DynamicObject;
pub use shutdown::{Shutdown, ShutdownHandle};
pub use store::{ObjectKey, Store};
pub use watch::Sensor;

use super::client::Error;
use super::status::Status;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Object metadata as a sensor reads it: implemented for the crate's `ObjectMeta`.
pub trait Metadata {
    fn name(&self) -> Option<&str>;
    fn namespace(&self) -> Option<&str>;
    fn uid(&self) -> Option<&str>;
    fn resource_version(&self) -> Option<&str>;
}

/// An object a sensor can watch: one with object metadata.
pub trait Object {
    type Meta: Metadata;
    fn metadata(&self) -> Option<&Self::Meta>;
}

/// A watchable resource as the spec describes it: where its list path is and what it holds.
#[derive(Debug)]
pub struct SensorSpec {
    /// `core/v1/secrets`, `apps/v1/deployments`: unique across groups.
    pub name: &'static str,
    /// `v1`, `apps/v1`.
    pub api_version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    /// The list path in one namespace, with `{namespace}` in it; `None` for cluster-scoped kinds.
    pub namespaced_path: Option<&'static str>,
    /// The list path across the cluster (every namespace, or the cluster-scoped collection).
    pub cluster_path: Option<&'static str>,
    /// Top-level fields holding secret values (`data`, `stringData` of a Secret): left out
    /// of payloads unless asked for.
    pub sensitive: &'static [&'static str],
}

impl SensorSpec {
    /// The sensor of `K`: its apiVersion, kind and plural are `K`'s own constants (the type is
    /// where a resource's metadata lives); the rest says where its lists are and what it hides.
    pub const fn of<K: super::Resource>(
        name: &'static str,
        namespaced_path: Option<&'static str>,
        cluster_path: Option<&'static str>,
        sensitive: &'static [&'static str],
    ) -> SensorSpec {
        SensorSpec { name, api_version: K::API_VERSION, kind: K::KIND, plural: K::PLURAL, namespaced_path, cluster_path, sensitive }
    }
}

/// The same, owned: for the specs and for custom resources found at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    pub name: String,
    pub api_version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced_path: Option<String>,
    pub cluster_path: Option<String>,
    pub sensitive: Vec<String>,
}

impl From<&SensorSpec> for ResourceInfo {
    fn from(spec: &SensorSpec) -> Self {
        ResourceInfo {
            name: spec.name.to_string(),
            api_version: spec.api_version.to_string(),
            kind: spec.kind.to_string(),
            plural: spec.plural.to_string(),
            namespaced_path: spec.namespaced_path.map(str::to_string),
            cluster_path: spec.cluster_path.map(str::to_string),
            sensitive: spec.sensitive.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// How a sensor learns the current state before it watches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InitialState {
    /// A paginated list (every server).
    #[default]
    List,
    /// A watch with `sendInitialEvents=true`, complete at the `k8s.io/initial-events-end`
    /// bookmark (servers with the WatchList feature, 1.27+); falls back to a list when refused.
    Stream,
}

/// What to watch and how.
#[derive(Clone, Debug)]
pub struct SensorOptions {
    /// One namespace; `None` watches every namespace (or the cluster-scoped collection).
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// Start by watching from this resourceVersion (saved from [`Sensor::resource_version`]
    /// before a restart) instead of listing. If the server no longer has it, the sensor lists
    /// and reports every object as `Added`: what changed while it was down is then known only
    /// from the objects themselves.
    pub resume_from: Option<String>,
    pub initial: InitialState,
    /// Objects per list page.
    pub page_size: u32,
    /// How long one watch request lasts before the server ends it and the sensor resumes;
    /// up to a tenth more is added at random so many sensors do not reconnect together.
    pub watch_timeout: Duration,
    pub backoff: Backoff,
    /// Stops the sensor: [`Sensor::next`] returns `None` once it fires.
    pub shutdown: Option<Shutdown>,
}

impl Default for SensorOptions {
    fn default() -> Self {
        SensorOptions {
            namespace: None,
            label_selector: None,
            field_selector: None,
            resume_from: None,
            initial: InitialState::List,
            page_size: 500,
            watch_timeout: Duration::from_secs(290),
            backoff: Backoff::default(),
            shutdown: None,
        }
    }
}

impl SensorOptions {
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    pub fn label_selector(mut self, selector: impl Into<String>) -> Self {
        self.label_selector = Some(selector.into());
        self
    }

    pub fn field_selector(mut self, selector: impl Into<String>) -> Self {
        self.field_selector = Some(selector.into());
        self
    }

    pub fn resume_from(mut self, resource_version: impl Into<String>) -> Self {
        self.resume_from = Some(resource_version.into());
        self
    }

    pub fn initial(mut self, initial: InitialState) -> Self {
        self.initial = initial;
        self
    }

    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }

    pub fn watch_timeout(mut self, timeout: Duration) -> Self {
        self.watch_timeout = timeout;
        self
    }

    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    pub fn shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = Some(shutdown);
        self
    }
}

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TriggerKind {
    Added,
    Modified,
    Deleted,
}

impl TriggerKind {
    /// `ADDED`, `MODIFIED`, `DELETED`: the watch event's own spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::Added => "ADDED",
            TriggerKind::Modified => "MODIFIED",
            TriggerKind::Deleted => "DELETED",
        }
    }
}

impl fmt::Display for TriggerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change, reported once.
pub struct Trigger<K> {
    pub event: TriggerKind,
    /// The object after the change; for `Deleted`, its last state.
    pub object: Arc<K>,
    /// The object's resourceVersion in this change.
    pub resource_version: String,
    /// When the sensor received the change.
    pub time: chrono::DateTime<chrono::Utc>,
    /// The resource the sensor watches.
    pub resource: Arc<ResourceInfo>,
}

impl<K> Clone for Trigger<K> {
    fn clone(&self) -> Self {
        Trigger {
            event: self.event,
            object: Arc::clone(&self.object),
            resource_version: self.resource_version.clone(),
            time: self.time,
            resource: Arc::clone(&self.resource),
        }
    }
}

impl<K: Object> Trigger<K> {
    pub fn name(&self) -> Option<&str> {
        self.object.metadata().and_then(Metadata::name)
    }

    pub fn namespace(&self) -> Option<&str> {
        self.object.metadata().and_then(Metadata::namespace)
    }
}

impl<K> fmt::Debug for Trigger<K> {
    /// The event and the object's resourceVersion only: objects may hold Secret data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trigger")
            .field("event", &self.event)
            .field("resource", &self.resource.name)
            .field("resource_version", &self.resource_version)
            .finish_non_exhaustive()
    }
}

/// Why a sensor yielded an error instead of a trigger. After a non-terminal error the sensor
/// carries on by itself (after a backoff, or with a re-list); after a terminal one it ends.
#[derive(Debug)]
#[non_exhaustive]
pub enum SensorError {
    /// The server refused the credentials (401) or the permission (403): retrying will not
    /// help. Terminal.
    Denied(Error),
    /// A certificate was refused in the TLS handshake (the server's is not signed by the
    /// configured CA, or is for another name; or the server refused ours): retrying will not
    /// help. Terminal.
    Certificate(Error),
    /// A request failed (transport, TLS, a 5xx, a 429): retried after a backoff.
    Client(Error),
    /// The watch stream carried an ERROR event other than "expired": re-watched after a backoff.
    Watch(Status),
    /// A watch event did not decode: the sensor re-lists to be sure of its state.
    Decode(Error),
    /// The options do not fit the resource (a namespace for a cluster-scoped kind). Terminal.
    Options(String),
}

impl SensorError {
    /// The sensor has ended: [`Sensor::next`] returns `None` from now on.
    pub fn is_terminal(&self) -> bool {
        matches!(self, SensorError::Denied(_) | SensorError::Certificate(_) | SensorError::Options(_))
    }
}

impl fmt::Display for SensorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SensorError::Denied(e) => write!(f, "access denied, not retrying: {e}"),
            SensorError::Certificate(e) => write!(f, "certificate refused, not retrying: {e}"),
            SensorError::Client(e) => write!(f, "request failed, retrying: {e}"),
            SensorError::Watch(s) => write!(
                f,
                "the watch reported an error ({} {}): {}",
                s.code.unwrap_or_default(),
                s.reason.as_deref().unwrap_or(""),
                s.message.as_deref().unwrap_or("")
            ),
            SensorError::Decode(e) => write!(f, "malformed watch event, re-listing: {e}"),
            SensorError::Options(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for SensorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SensorError::Denied(e) | SensorError::Certificate(e) | SensorError::Client(e) | SensorError::Decode(e) => {
                Some(e)
            }
            _ => None,
        }
    }
}

/// Finds a sensor by name (`apps/v1/deployments`), or by plural or kind when only one
/// resource has it.
pub fn find<'a>(registry: &[&'a SensorSpec], name: &str) -> Option<&'a SensorSpec> {
    if let Some(spec) = registry.iter().find(|s| s.name == name) {
        return Some(spec);
    }
    let lower = name.to_ascii_lowercase();
    let mut candidates = registry.iter().filter(|s| s.plural == lower || s.kind.to_ascii_lowercase() == lower);
    match (candidates.next(), candidates.next()) {
        (Some(spec), None) => Some(spec),
        _ => None,
    }
}
