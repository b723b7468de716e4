//! What a sensor has seen: the current objects by namespace and name, readable while it runs.

use super::{Metadata, Object};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

/// Where an object lives: its namespace (none for cluster-scoped kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectKey {
    pub fn new(namespace: Option<&str>, name: &str) -> Self {
        ObjectKey { namespace: namespace.map(str::to_string), name: name.to_string() }
    }

    /// The key of an object; `None` when it has no name.
    pub fn of<K: Object>(object: &K) -> Option<ObjectKey> {
        let meta = object.metadata()?;
        Some(ObjectKey::new(meta.namespace(), meta.name()?))
    }
}

/// The objects a sensor has seen, as of the last trigger it yielded. Cheap to clone: clones
/// share the same map. Writes happen only in the sensor, between triggers.
pub struct Store<K> {
    objects: Arc<RwLock<HashMap<ObjectKey, Arc<K>>>>,
}

impl<K> Clone for Store<K> {
    fn clone(&self) -> Self {
        Store { objects: Arc::clone(&self.objects) }
    }
}

impl<K> Default for Store<K> {
    fn default() -> Self {
        Store { objects: Arc::default() }
    }
}

impl<K> std::fmt::Debug for Store<K> {
    /// The number of objects only: they may hold Secret data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("len", &self.len()).finish()
    }
}

impl<K> Store<K> {
    pub fn get(&self, namespace: Option<&str>, name: &str) -> Option<Arc<K>> {
        self.read().get(&ObjectKey::new(namespace, name)).cloned()
    }

    /// Every object, sorted by namespace and name.
    pub fn list(&self) -> Vec<Arc<K>> {
        let objects = self.read();
        let mut entries: Vec<(&ObjectKey, &Arc<K>)> = objects.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        entries.into_iter().map(|(_, o)| Arc::clone(o)).collect()
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Vec<ObjectKey> {
        let mut keys: Vec<ObjectKey> = self.read().keys().cloned().collect();
        keys.sort();
        keys
    }

    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<ObjectKey, Arc<K>>> {
        self.objects.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn insert(&self, key: ObjectKey, object: Arc<K>) -> Option<Arc<K>> {
        self.objects.write().unwrap_or_else(PoisonError::into_inner).insert(key, object)
    }

    pub(super) fn remove(&self, key: &ObjectKey) -> Option<Arc<K>> {
        self.objects.write().unwrap_or_else(PoisonError::into_inner).remove(key)
    }

    pub(super) fn replace(&self, objects: HashMap<ObjectKey, Arc<K>>) {
        *self.objects.write().unwrap_or_else(PoisonError::into_inner) = objects;
    }

    pub(super) fn snapshot(&self) -> HashMap<ObjectKey, Arc<K>> {
        self.read().clone()
    }
}
