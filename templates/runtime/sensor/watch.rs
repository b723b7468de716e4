//! The sensor itself: list, watch, resume, re-list and back off, one step at a time.

use super::backoff::random_unit;
use super::decode::{Lines, ListPage, WatchEvent};
use super::{
    Backoff, InitialState, Metadata, Object, ObjectKey, ResourceInfo, SensorError, SensorOptions, SensorSpec, Store,
    Trigger, TriggerKind,
};
use crate::runtime::client::{decode, BodyStream, Client, Error};
use crate::runtime::request::segment;
use crate::runtime::status::Status;
use serde::de::DeserializeOwned;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// A watch on one resource that yields every change once, in order: see the module docs.
///
/// Call [`Sensor::next`] in a loop (it does the listing, watching and waiting); it returns
/// `None` after a shutdown or a terminal error. Every call is cancel-safe: dropping its future
/// loses no change, the sensor resumes from the last one it processed.
pub struct Sensor<K> {
    client: Client,
    info: Arc<ResourceInfo>,
    options: SensorOptions,
    /// The list path, or why the options do not fit the resource.
    path: Result<String, String>,
    store: Store<K>,
    /// The last resourceVersion processed: a list's, an event's or a bookmark's.
    resource_version: Option<String>,
    pending: VecDeque<Trigger<K>>,
    stream: Option<WatchStream>,
    /// The current state must be learnt again (at start, after a 410, after a bad event).
    needs_resync: bool,
    initial: InitialState,
    /// Objects of a `sendInitialEvents` watch, gathered until its end bookmark.
    gathering: Option<HashMap<ObjectKey, Arc<K>>>,
    wait: Option<Duration>,
    backoff: Backoff,
    done: bool,
}

struct WatchStream {
    body: BodyStream,
    lines: Lines,
    /// Events and bookmarks read from this stream.
    events: u64,
    /// When to give up on a stream that went silent past its timeout.
    deadline: Instant,
}

impl<K: Object + DeserializeOwned> Sensor<K> {
    /// A sensor for a resource of the spec (the `SENSOR` of a `sensors` module).
    pub fn new(spec: &SensorSpec, client: Client, options: SensorOptions) -> Self {
        Sensor::for_resource(ResourceInfo::from(spec), client, options)
    }

    /// A sensor for any resource, e.g. a custom resource found at run time.
    pub fn for_resource(info: ResourceInfo, client: Client, options: SensorOptions) -> Self {
        let path = list_path(&info, options.namespace.as_deref());
        let resume = options.resume_from.clone().filter(|rv| !rv.is_empty());
        Sensor {
            client,
            info: Arc::new(info),
            path,
            store: Store::default(),
            needs_resync: resume.is_none(),
            resource_version: resume,
            pending: VecDeque::new(),
            stream: None,
            initial: options.initial,
            gathering: None,
            wait: None,
            backoff: options.backoff.clone(),
            done: false,
            options,
        }
    }

    /// The last resourceVersion the sensor processed (bookmarks included): save it to resume
    /// with [`SensorOptions::resume_from`].
    pub fn resource_version(&self) -> Option<&str> {
        self.resource_version.as_deref()
    }

    /// [`Sensor::resource_version`] once every trigger up to it has been returned by
    /// [`Sensor::next`]; `None` while triggers of a list or of one watch chunk are still to come.
    /// A consumer that saves it after handling each trigger resumes without losing any: saving
    /// the version of a listed object instead would skip the objects listed after it.
    pub fn resume_point(&self) -> Option<&str> {
        self.resource_version.as_deref().filter(|_| self.pending.is_empty())
    }

    /// The objects the sensor has seen; the handle stays valid while the sensor runs.
    pub fn store(&self) -> Store<K> {
        self.store.clone()
    }

    pub fn resource(&self) -> &ResourceInfo {
        &self.info
    }

    /// The next change, or an error (the sensor carries on after it unless it is terminal);
    /// `None` once stopped.
    pub async fn next(&mut self) -> Option<Result<Trigger<K>, SensorError>> {
        loop {
            if let Some(trigger) = self.pending.pop_front() {
                return Some(Ok(trigger));
            }
            let shutdown = self.options.shutdown.clone();
            if self.done || shutdown.as_ref().is_some_and(|s| s.is_shutdown()) {
                self.done = true;
                return None;
            }
            let result = match shutdown {
                None => self.step().await,
                Some(shutdown) => tokio::select! {
                    result = self.step() => result,
                    _ = shutdown.wait() => {
                        self.done = true;
                        return None;
                    }
                },
            };
            if let Err(e) = result {
                if e.is_terminal() {
                    self.done = true;
                    self.stream = None;
                }
                return Some(Err(e));
            }
        }
    }

    /// One unit of work: a wait, a full (re-)list, opening a watch, or reading one chunk.
    async fn step(&mut self) -> Result<(), SensorError> {
        if let Some(delay) = self.wait {
            tokio::time::sleep(delay).await;
            self.wait = None;
            return Ok(());
        }
        let path = self.path.clone().map_err(SensorError::Options)?;
        match self.stream.take() {
            Some(stream) => self.read(stream).await,
            None if self.needs_resync && self.initial == InitialState::List => self.relist(&path).await,
            None => self.open_watch(&path).await,
        }
    }

    /// Lists every object, page by page, and reports the difference against the store.
    async fn relist(&mut self, path: &str) -> Result<(), SensorError> {
        let mut objects = HashMap::new();
        let mut token = String::new();
        let mut restarted = false;
        loop {
            let limit = self.options.page_size.to_string();
            let mut query = vec![("limit", limit.as_str())];
            if !token.is_empty() {
                query.push(("continue", token.as_str()));
            }
            let request = self.request(path, query);
            let response = match self.client.send(request).await {
                Ok(response) => response,
                // The continue token expired: start the list again, once.
                Err(e) if is_gone(&e) && !token.is_empty() && !restarted => {
                    restarted = true;
                    objects.clear();
                    token.clear();
                    continue;
                }
                Err(e) => return Err(self.fail(e)),
            };
            let page: ListPage<K> = match parse(response.body()) {
                Ok(page) => page,
                Err(e) => return Err(self.fail(e)),
            };
            for item in page.items {
                if let Some(key) = ObjectKey::of(&item) {
                    objects.insert(key, Arc::new(item));
                }
            }
            if page.metadata.continue_.is_empty() {
                self.apply_state(objects, page.metadata.resource_version);
                return Ok(());
            }
            token = page.metadata.continue_;
        }
    }

    /// Replaces the store with a full state and queues the difference: objects gone are
    /// `Deleted` (with their last state), new ones `Added`, changed ones `Modified`; an object
    /// recreated under the same name (another uid) is `Deleted` then `Added`.
    fn apply_state(&mut self, objects: HashMap<ObjectKey, Arc<K>>, resource_version: String) {
        let old = self.store.snapshot();
        let keys: BTreeSet<&ObjectKey> = old.keys().chain(objects.keys()).collect();
        let time = now();
        for key in keys {
            match (old.get(key), objects.get(key)) {
                (Some(before), None) => self.queue(TriggerKind::Deleted, Arc::clone(before), time),
                (None, Some(now)) => self.queue(TriggerKind::Added, Arc::clone(now), time),
                (Some(before), Some(now)) => {
                    if uid(&**before) != uid(&**now) {
                        self.queue(TriggerKind::Deleted, Arc::clone(before), time);
                        self.queue(TriggerKind::Added, Arc::clone(now), time);
                    } else if version(&**before) != version(&**now) {
                        self.queue(TriggerKind::Modified, Arc::clone(now), time);
                    }
                }
                (None, None) => {}
            }
        }
        self.store.replace(objects);
        if !resource_version.is_empty() {
            self.resource_version = Some(resource_version);
        }
        self.needs_resync = false;
        self.backoff.reset();
    }

    fn queue(&mut self, event: TriggerKind, object: Arc<K>, time: chrono::DateTime<chrono::Utc>) {
        let resource_version = version(&*object).unwrap_or_default().to_string();
        self.pending.push_back(Trigger { event, object, resource_version, time, resource: Arc::clone(&self.info) });
    }

    /// Starts a watch from the last resourceVersion, or one that streams the current state
    /// first when that is what is needed and wanted.
    async fn open_watch(&mut self, path: &str) -> Result<(), SensorError> {
        let gather = self.needs_resync;
        let seconds = self.options.watch_timeout.as_secs().max(1);
        let timeout = (seconds + (seconds as f64 * 0.1 * random_unit()) as u64).to_string();
        let version = if gather { String::new() } else { self.resource_version.clone().unwrap_or_default() };
        let mut query = vec![("watch", "true"), ("allowWatchBookmarks", "true"), ("timeoutSeconds", timeout.as_str())];
        if gather {
            query.extend([("sendInitialEvents", "true"), ("resourceVersionMatch", "NotOlderThan")]);
        }
        query.push(("resourceVersion", version.as_str()));
        let request = self.request(path, query);
        match self.client.send_streaming(request).await {
            Ok(response) => {
                let deadline = Instant::now() + self.options.watch_timeout.mul_f64(1.1) + Duration::from_secs(30);
                self.stream =
                    Some(WatchStream { body: response.into_body(), lines: Lines::new(), events: 0, deadline });
                self.gathering = gather.then(HashMap::new);
                Ok(())
            }
            // Too old to resume from: learn the state again, quietly.
            Err(e) if is_gone(&e) => {
                self.needs_resync = true;
                Ok(())
            }
            // A server without streamed initial state refuses the parameters: list instead.
            Err(Error::Api(e)) if gather && matches!(e.code().as_u16(), 400 | 422) => {
                self.initial = InitialState::List;
                Ok(())
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Reads one chunk of the watch and handles the events it completes.
    async fn read(&mut self, mut stream: WatchStream) -> Result<(), SensorError> {
        let chunk = match tokio::time::timeout_at(stream.deadline, stream.body.next_chunk()).await {
            Ok(Some(Ok(chunk))) => chunk,
            Ok(Some(Err(e))) => return Err(self.fail(e)),
            // The server ended the watch (its timeout, a restart) or went silent: resume.
            Ok(None) | Err(_) => {
                if stream.events == 0 {
                    self.wait = Some(self.backoff.next_delay());
                }
                if self.gathering.take().is_some() {
                    self.needs_resync = true;
                }
                return Ok(());
            }
        };
        stream.lines.push(&chunk);
        while let Some(line) = stream.lines.next_line() {
            let event = match parse::<WatchEvent<K>>(line) {
                Ok(event) => event,
                Err(e) => {
                    // What follows cannot be trusted either: learn the state again.
                    self.gathering = None;
                    self.needs_resync = true;
                    return Err(SensorError::Decode(e));
                }
            };
            stream.events += 1;
            if let Some(status) = self.handle(event) {
                self.gathering = None;
                if is_expired(&status) {
                    self.needs_resync = true;
                    return Ok(());
                }
                self.wait = Some(self.backoff.next_delay());
                return Err(SensorError::Watch(status));
            }
        }
        self.stream = Some(stream);
        Ok(())
    }

    /// Applies one event to the store and queues its trigger; returns the status of an ERROR.
    fn handle(&mut self, event: WatchEvent<K>) -> Option<Status> {
        let (kind, object) = match event {
            WatchEvent::Added(o) => (TriggerKind::Added, o),
            WatchEvent::Modified(o) => (TriggerKind::Modified, o),
            WatchEvent::Deleted(o) => (TriggerKind::Deleted, o),
            WatchEvent::Bookmark(bookmark) => {
                let version = bookmark.metadata.resource_version.clone();
                if let Some(objects) = self.gathering.take_if(|_| bookmark.ends_initial_events()) {
                    self.apply_state(objects, version);
                } else if !version.is_empty() && self.gathering.is_none() {
                    self.resource_version = Some(version);
                }
                self.backoff.reset();
                return None;
            }
            WatchEvent::Error(status) => return Some(status),
        };
        self.backoff.reset();
        let key = ObjectKey::of(&object)?;
        let object = Arc::new(object);
        if let Some(objects) = &mut self.gathering {
            match kind {
                TriggerKind::Deleted => objects.remove(&key),
                _ => objects.insert(key, object),
            };
            return None;
        }
        if let Some(version) = version(&*object).filter(|v| !v.is_empty()) {
            self.resource_version = Some(version.to_string());
        }
        let time = now();
        if kind == TriggerKind::Deleted {
            self.store.remove(&key);
            self.queue(TriggerKind::Deleted, object, time);
            return None;
        }
        match self.store.insert(key, Arc::clone(&object)) {
            // Seen already (the same version again): nothing happened.
            Some(before) if uid(&*before) == uid(&*object) && version(&*before) == version(&*object) => {}
            // Another object under a known name: the old one went while we were not looking.
            Some(before) if uid(&*before) != uid(&*object) => {
                self.queue(TriggerKind::Deleted, before, time);
                self.queue(TriggerKind::Added, object, time);
            }
            Some(_) => self.queue(TriggerKind::Modified, object, time),
            None => self.queue(kind, object, time),
        }
        None
    }

    fn request<'a>(&'a self, path: &str, mut query: Vec<(&'a str, &'a str)>) -> http::Request<Vec<u8>> {
        if let Some(selector) = &self.options.label_selector {
            query.push(("labelSelector", selector));
        }
        if let Some(selector) = &self.options.field_selector {
            query.push(("fieldSelector", selector));
        }
        let query = serde_urlencoded::to_string(&query).unwrap_or_default();
        let mut request = http::Request::new(Vec::new());
        // The path comes from the spec and the query is encoded: the URI is always valid.
        *request.uri_mut() = format!("{path}?{query}").parse().unwrap_or_default();
        request
    }

    /// Turns a failed request into the error yielded, and sets the wait before the next try.
    fn fail(&mut self, error: Error) -> SensorError {
        if error.is_certificate_rejected() {
            return SensorError::Certificate(error);
        }
        match error.as_api() {
            Some(api) if api.is_unauthorized() || api.is_forbidden() => SensorError::Denied(error),
            Some(api) if api.is_too_many_requests() => {
                let backoff = self.backoff.next_delay();
                self.wait = Some(api.retry_after().unwrap_or(backoff));
                SensorError::Client(error)
            }
            _ => {
                self.wait = Some(self.backoff.next_delay());
                SensorError::Client(error)
            }
        }
    }
}

impl<K> std::fmt::Debug for Sensor<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sensor")
            .field("resource", &self.info.name)
            .field("namespace", &self.options.namespace)
            .field("resource_version", &self.resource_version)
            .field("objects", &self.store.len())
            .finish_non_exhaustive()
    }
}

/// The list path for the options: in one namespace, or across the cluster.
fn list_path(info: &ResourceInfo, namespace: Option<&str>) -> Result<String, String> {
    match (namespace, &info.namespaced_path, &info.cluster_path) {
        (Some(ns), Some(path), _) => {
            let namespace = segment("namespace", ns).map_err(|e| e.to_string())?;
            Ok(path.replace("{namespace}", &namespace))
        }
        (Some(_), None, _) => Err(format!("{} is cluster-scoped: it cannot be watched in a namespace", info.name)),
        (None, _, Some(path)) => Ok(path.clone()),
        (None, Some(_), None) => Err(format!("{} can only be watched in one namespace: give one", info.name)),
        (None, None, None) => Err(format!("{} has no list path to watch", info.name)),
    }
}

/// Decodes JSON, fast; the slower path-tracking decoder runs only to explain a failure.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).or_else(|_| decode(bytes))
}

fn is_gone(error: &Error) -> bool {
    error.as_api().is_some_and(|e| e.is_gone())
}

/// An ERROR event saying the resourceVersion is too old.
fn is_expired(status: &Status) -> bool {
    status.code == Some(410) || matches!(status.reason.as_deref(), Some("Expired" | "Gone"))
}

fn uid<K: Object>(object: &K) -> Option<&str> {
    object.metadata().and_then(Metadata::uid)
}

fn version<K: Object>(object: &K) -> Option<&str> {
    object.metadata().and_then(Metadata::resource_version)
}

/// The time now, from the system clock (chrono's `clock` feature is not needed for UTC).
fn now() -> chrono::DateTime<chrono::Utc> {
    std::time::SystemTime::now().into()
}
