//! Shared helpers of the integration tests.

use std::path::PathBuf;

include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

/// Deserializes `json` as `T` and serializes it back; returns (input, output) as values.
pub fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    json: &str,
) -> Result<(serde_json::Value, serde_json::Value), String> {
    let input: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let typed: T = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let output = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    Ok((input, output))
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `../shared` beside the repository.
pub fn shared() -> PathBuf {
    repo_root().join("../shared")
}

/// The JSON pointers where `a` and `b` differ, with both values (short, for failure messages).
pub fn json_diff(a: &serde_json::Value, b: &serde_json::Value) -> Vec<String> {
    fn walk(a: &serde_json::Value, b: &serde_json::Value, path: String, out: &mut Vec<String>) {
        use serde_json::Value::{Array, Object};
        match (a, b) {
            (Object(x), Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    let (va, vb) =
                        (x.get(k).unwrap_or(&serde_json::Value::Null), y.get(k).unwrap_or(&serde_json::Value::Null));
                    if x.contains_key(k) != y.contains_key(k) {
                        out.push(format!("{path}/{k}: {} vs {}", present(x.get(k)), present(y.get(k))));
                    } else {
                        walk(va, vb, format!("{path}/{k}"), out);
                    }
                }
            }
            (Array(x), Array(y)) if x.len() == y.len() => {
                for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                    walk(va, vb, format!("{path}/{i}"), out);
                }
            }
            _ if a != b => out.push(format!("{path}: {a} vs {b}")),
            _ => {}
        }
    }
    fn present(v: Option<&serde_json::Value>) -> String {
        v.map(|v| v.to_string()).unwrap_or_else(|| "absent".to_string())
    }
    let mut out = Vec::new();
    walk(a, b, String::new(), &mut out);
    out
}
