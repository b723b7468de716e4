//! Custom resources as they come and go: a sensor on CustomResourceDefinitions that starts an
//! untyped sensor for each custom resource kind when its definition appears and stops it when
//! the definition is deleted.

use super::{DynamicObject, Metadata, ResourceInfo, Sensor, SensorError, SensorOptions, ShutdownHandle, Trigger};
use crate::runtime::client::Client;
use crate::runtime::path::{api_version, ResourcePath};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Which custom resources to watch; empty lists accept all.
#[derive(Clone, Debug, Default)]
pub struct CrdFilter {
    /// API groups, e.g. `example.com`.
    pub groups: Vec<String>,
    /// Kinds or plurals, any case, e.g. `MysqlDb`.
    pub kinds: Vec<String>,
}

impl CrdFilter {
    fn accepts(&self, group: &str, kind: &str, plural: &str) -> bool {
        (self.groups.is_empty() || self.groups.iter().any(|g| g == group))
            && (self.kinds.is_empty()
                || self.kinds.iter().any(|k| k.eq_ignore_ascii_case(kind) || k.eq_ignore_ascii_case(plural)))
    }
}

/// What the custom resource sensor reports. For each custom resource: `Started`, its
/// triggers and errors, then `Stopped`.
#[derive(Debug)]
pub enum CrdEvent<M> {
    /// A definition appeared (or changed its served version): its resource is now watched.
    Started(Arc<ResourceInfo>),
    /// A change of a custom resource object.
    Trigger(Trigger<DynamicObject<M>>),
    /// Every change of the resource up to `resource_version` has been reported: where its
    /// sensor resumes from after a restart (see [`CrdSensor::resuming`]).
    Checkpoint { resource: Arc<ResourceInfo>, resource_version: String },
    /// An error of one resource's sensor, or (`resource` `None`) of the definitions' sensor.
    Error { resource: Option<Arc<ResourceInfo>>, error: SensorError },
    /// The definition was deleted (or changed): its resource is no longer watched.
    Stopped(Arc<ResourceInfo>),
}

/// Watches CustomResourceDefinitions and, through them, every custom resource that passes
/// the filter. Dropping it stops every sensor it started.
pub struct CrdSensor<M> {
    events: mpsc::Receiver<CrdEvent<M>>,
    _stop: ShutdownHandle,
}

impl<M> CrdSensor<M>
where
    M: Metadata + DeserializeOwned + Send + Sync + 'static,
{
    /// `options` applies to the custom resources' sensors (namespace, selectors, backoff) but
    /// for `resume_from`, which is each resource's own (see [`CrdSensor::resuming`]); the
    /// definitions are watched across the cluster. Must be called within a tokio runtime.
    pub fn new(client: Client, options: SensorOptions, filter: CrdFilter) -> Self {
        CrdSensor::resuming(client, options, filter, HashMap::new())
    }

    /// [`CrdSensor::new`], with the sensor of each resource named in `resume` (by
    /// [`ResourceInfo::name`], `example.com/v1/mysqldbs`) resuming from the resourceVersion
    /// given instead of listing, the first time its definition appears: the versions of the
    /// last [`CrdEvent::Checkpoint`]s before a restart.
    pub fn resuming(client: Client, options: SensorOptions, filter: CrdFilter, resume: HashMap<String, String>) -> Self {
        let (stop, token) = ShutdownHandle::pair();
        let (sender, events) = mpsc::channel(1024);
        let outer = options.shutdown.clone();
        let definitions = SensorOptions {
            namespace: None,
            label_selector: None,
            field_selector: None,
            resume_from: None,
            shutdown: Some(token),
            ..options.clone()
        };
        let manager = Manager { client, options, filter, resume, sender, children: HashMap::new() };
        tokio::spawn(async move {
            match outer {
                Some(outer) => {
                    tokio::select! {
                        _ = manager.run(definitions) => {}
                        _ = outer.wait() => {}
                    }
                }
                None => manager.run(definitions).await,
            }
        });
        CrdSensor { events, _stop: stop }
    }

    /// The next event; `None` once stopped.
    pub async fn next(&mut self) -> Option<CrdEvent<M>> {
        self.events.recv().await
    }
}

struct Manager<M> {
    client: Client,
    options: SensorOptions,
    filter: CrdFilter,
    /// Where resources not yet started resume from, by resource name.
    resume: HashMap<String, String>,
    sender: mpsc::Sender<CrdEvent<M>>,
    /// Running sensors by definition name, with what they watch.
    children: HashMap<String, (Arc<ResourceInfo>, ShutdownHandle)>,
}

impl<M> Manager<M>
where
    M: Metadata + DeserializeOwned + Send + Sync + 'static,
{
    async fn run(mut self, options: SensorOptions) {
        let info = ResourceInfo {
            name: "apiextensions.k8s.io/v1/customresourcedefinitions".into(),
            api_version: "apiextensions.k8s.io/v1".into(),
            kind: "CustomResourceDefinition".into(),
            plural: "customresourcedefinitions".into(),
            namespaced_path: None,
            cluster_path: Some("/apis/apiextensions.k8s.io/v1/customresourcedefinitions".into()),
            sensitive: Vec::new(),
        };
        let mut definitions = Sensor::<DynamicObject<M>>::for_resource(info, self.client.clone(), options);
        while let Some(item) = definitions.next().await {
            match item {
                Ok(trigger) => self.update(&trigger).await,
                Err(error) => {
                    if self.sender.send(CrdEvent::Error { resource: None, error }).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Starts, stops or restarts the sensor of one definition.
    async fn update(&mut self, trigger: &Trigger<DynamicObject<M>>) {
        let Some(name) = trigger.name().map(str::to_string) else { return };
        let wanted = match trigger.event {
            super::TriggerKind::Deleted => None,
            _ => custom_resource(&trigger.object.fields)
                .filter(|(info, group)| self.filter.accepts(group, &info.kind, &info.plural)),
        };
        let current = self.children.get(&name).map(|(info, _)| info);
        if current.map(|c| &**c) == wanted.as_ref().map(|(info, _)| info) {
            return;
        }
        // Dropping the handle stops the sensor, which then reports `Stopped` itself.
        self.children.remove(&name);
        let Some((info, _)) = wanted else { return };
        let info = Arc::new(info);
        if self.sender.send(CrdEvent::Started(Arc::clone(&info))).await.is_err() {
            return;
        }
        let (handle, token) = ShutdownHandle::pair();
        let resume_from = self.resume.remove(&info.name);
        let mut options = SensorOptions { shutdown: Some(token), resume_from, ..self.options.clone() };
        if info.namespaced_path.is_none() {
            options.namespace = None;
        }
        let sensor = Sensor::<DynamicObject<M>>::for_resource((*info).clone(), self.client.clone(), options);
        tokio::spawn(forward(sensor, Arc::clone(&info), self.sender.clone()));
        self.children.insert(name, (info, handle));
    }
}

/// Runs one custom resource's sensor into the shared channel, each trigger followed by a
/// checkpoint when its resume point moved, then reports it stopped.
async fn forward<M>(mut sensor: Sensor<DynamicObject<M>>, info: Arc<ResourceInfo>, sender: mpsc::Sender<CrdEvent<M>>)
where
    M: Metadata + DeserializeOwned + Send + Sync + 'static,
{
    let mut saved: Option<String> = None;
    while let Some(item) = sensor.next().await {
        let event = match item {
            Ok(trigger) => CrdEvent::Trigger(trigger),
            Err(error) => CrdEvent::Error { resource: Some(Arc::clone(&info)), error },
        };
        if sender.send(event).await.is_err() {
            return;
        }
        let Some(point) = sensor.resume_point().filter(|rv| saved.as_deref() != Some(*rv)).map(str::to_string) else {
            continue;
        };
        saved = Some(point.clone());
        let checkpoint = CrdEvent::Checkpoint { resource: Arc::clone(&info), resource_version: point };
        if sender.send(checkpoint).await.is_err() {
            return;
        }
    }
    let _ = sender.send(CrdEvent::Stopped(info)).await;
}

/// The resource a definition serves, and its group: the storage version if it is served,
/// else the first served version.
fn custom_resource(fields: &serde_json::Map<String, Value>) -> Option<(ResourceInfo, String)> {
    let spec = fields.get("spec")?;
    let group = spec.get("group")?.as_str()?;
    let names = spec.get("names")?;
    let kind = names.get("kind")?.as_str()?;
    let plural = names.get("plural")?.as_str()?;
    let versions = spec.get("versions")?.as_array()?;
    let flag = |v: &Value, name: &str| v.get(name).and_then(Value::as_bool).unwrap_or(false);
    let served = versions.iter().filter(|v| flag(v, "served"));
    let version = served.clone().find(|v| flag(v, "storage")).or_else(|| served.clone().next())?;
    let version = version.get("name")?.as_str()?;
    let namespaced = spec.get("scope").and_then(Value::as_str) != Some("Cluster");
    let list = |namespaced: bool| ResourcePath::of_collection(group, version, namespaced, plural).to_string();
    let info = ResourceInfo {
        name: format!("{group}/{version}/{plural}"),
        api_version: api_version(group, version),
        kind: kind.to_string(),
        plural: plural.to_string(),
        namespaced_path: namespaced.then(|| list(true)),
        cluster_path: Some(list(false)),
        sensitive: Vec::new(),
    };
    Some((info, group.to_string()))
}
