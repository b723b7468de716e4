//! Helpers the generated `#[serde(...)]` attributes call.

use serde::{Deserialize, Deserializer};

/// Reads a field the spec marks required: real servers omit some of them or send `null`
/// (Node `images[].names`, DaemonSet `containers: null`), which become the default.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
