//! The `x-kubernetes-*` extensions, read the same way from Swagger 2.0, OpenAPI 3.0 and CRD
//! schemas: every reader hands over the raw JSON value of the extension.

use super::model::{Action, Gvk, Origin, Schema};
use super::swagger2::kind_of;
use crate::error::{Error, Result};
use serde_json::Value;

pub const GVK: &str = "x-kubernetes-group-version-kind";
pub const ACTION: &str = "x-kubernetes-action";
pub const INT_OR_STRING: &str = "x-kubernetes-int-or-string";
pub const PRESERVE_UNKNOWN_FIELDS: &str = "x-kubernetes-preserve-unknown-fields";
pub const EMBEDDED_RESOURCE: &str = "x-kubernetes-embedded-resource";

fn unsupported(origin: &Origin, message: String) -> Error {
    Error::Unsupported { origin: origin.clone(), message }
}

/// A boolean extension: absent is `false`; anything but a boolean is an error.
pub fn flag(value: Option<&Value>, origin: &Origin) -> Result<bool> {
    match value {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(unsupported(origin, format!("must be a boolean, found {}", kind_of(other)))),
    }
}

/// `x-kubernetes-group-version-kind`: a list on definitions, one object on operations.
pub fn gvks(value: Option<&Value>, origin: &Origin) -> Result<Vec<Gvk>> {
    let items: Vec<(Origin, &Value)> = match value {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => {
            items.iter().enumerate().map(|(i, item)| (origin.child(&i.to_string()), item)).collect()
        }
        Some(item) => vec![(origin.clone(), item)],
    };
    items
        .into_iter()
        .map(|(origin, item)| {
            let get = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_string);
            match (get("group"), get("version"), get("kind")) {
                (Some(group), Some(version), Some(kind)) => Ok(Gvk { group, version, kind }),
                _ => Err(unsupported(&origin, format!("{GVK} needs string group, version and kind"))),
            }
        })
        .collect()
}

/// `x-kubernetes-action` of an operation.
pub fn action(value: Option<&Value>, origin: &Origin) -> Result<Option<Action>> {
    let Some(value) = value else { return Ok(None) };
    let known = || Action::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ");
    match value.as_str() {
        Some(text) => Action::parse(text)
            .map(Some)
            .ok_or_else(|| unsupported(origin, format!("unknown {ACTION} {} (known: {})", quoted(text), known()))),
        None => Err(unsupported(origin, format!("{ACTION} must be a string, found {}", kind_of(value)))),
    }
}

/// Sets the schema-level extensions of `schema` from its raw JSON object; `origin` is the
/// schema's own.
pub fn apply_to_schema(map: &serde_json::Map<String, Value>, schema: &mut Schema, origin: &Origin) -> Result<()> {
    schema.gvks = gvks(map.get(GVK), &origin.child(GVK))?;
    schema.int_or_string = flag(map.get(INT_OR_STRING), &origin.child(INT_OR_STRING))?;
    schema.preserve_unknown_fields = flag(map.get(PRESERVE_UNKNOWN_FIELDS), &origin.child(PRESERVE_UNKNOWN_FIELDS))?;
    schema.embedded_resource = flag(map.get(EMBEDDED_RESOURCE), &origin.child(EMBEDDED_RESOURCE))?;
    Ok(())
}

/// Quotes input for a message, cut to a readable length: a spec value can be megabytes.
pub fn quoted(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}... ({} bytes)", &text[..cut], text.len()),
        None => format!("{text:?}"),
    }
}

/// A message from a parser (serde's `invalid type: string "..."`) with each quoted input cut
/// to 80 characters, as [`quoted`] cuts it; short quotes stay as they are.
pub fn cut_quotes(message: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let body = &rest[open + 1..];
        // The closing quote: the first one not escaped by a backslash (else the end).
        let mut close = body.len();
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    close = i;
                    break;
                }
                _ => escaped = false,
            }
        }
        let quote = &body[..close];
        match quote.char_indices().nth(MAX) {
            Some((cut, _)) => out.push_str(&format!("{}\"... ({} bytes)", &quote[..cut], quote.len())),
            None => {
                out.push_str(quote);
                out.push_str(if close < body.len() { "\"" } else { "" });
            }
        }
        rest = body.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_quotes_in_parser_messages_are_cut() {
        let short = r#"invalid type: string "a\"b", expected a map"#;
        assert_eq!(cut_quotes(short), short);
        let long = format!("invalid type: string \"{}\", expected a map", "x".repeat(10_000));
        assert_eq!(
            cut_quotes(&long),
            format!("invalid type: string \"{}\"... (10000 bytes), expected a map", "x".repeat(80))
        );
        assert_eq!(cut_quotes("unclosed \"abc"), "unclosed \"abc");
        assert_eq!(cut_quotes("no quotes"), "no quotes");
    }

    #[test]
    fn actions_are_parsed_or_named_in_the_error() {
        let at = Origin::new("s.json", "/paths/~1x/get/x-kubernetes-action");
        assert_eq!(action(Some(&json!("watchlist")), &at).unwrap(), Some(Action::WatchList));
        assert_eq!(action(None, &at).unwrap(), None);
        let err = action(Some(&json!("frobnicate")), &at).unwrap_err().to_string();
        assert!(err.contains("/paths/~1x/get/x-kubernetes-action") && err.contains("\"frobnicate\""), "{err}");
        assert!(action(Some(&json!(3)), &at).unwrap_err().to_string().contains("a number"));
    }

    #[test]
    fn long_input_is_cut_in_messages() {
        let long = "x".repeat(5_000_000);
        let q = quoted(&long);
        assert!(q.len() < 120 && q.ends_with("(5000000 bytes)"), "{q}");
        assert_eq!(quoted("list"), "\"list\"");
        assert_eq!(quoted(&"é".repeat(100)).chars().filter(|c| *c == 'é').count(), 80);
    }

    #[test]
    fn flags_must_be_booleans() {
        let at = Origin::new("s.json", "/definitions/A/x-kubernetes-int-or-string");
        assert!(flag(Some(&json!(true)), &at).unwrap());
        assert!(!flag(None, &at).unwrap());
        let err = flag(Some(&json!("yes")), &at).unwrap_err().to_string();
        assert!(err.contains("/definitions/A/x-kubernetes-int-or-string") && err.contains("a string"), "{err}");
    }
}
