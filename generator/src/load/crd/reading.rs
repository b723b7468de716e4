//! Reading CRD files: JSON, or YAML with one or more documents, each a
//! CustomResourceDefinition or a `List` of them; deep flow nesting refused before parsing.

use super::crd_error;
use crate::error::{Error, Result};
use crate::load::model::Origin;
use crate::load::Document;
use serde::Deserialize;
use serde_json::Value;

/// One CustomResourceDefinition object and where it is: the file (with the document number
/// when the file holds several) and its JSON pointer (`/items/2` inside a `List`).
#[derive(Clone, Debug)]
pub struct Crd {
    pub origin: Origin,
    pub value: Value,
}

/// Reads the CRD objects of a file: JSON, or YAML with one or more `---` documents, each a
/// CustomResourceDefinition or a `List` of them.
pub fn read(doc: &Document) -> Result<Vec<Crd>> {
    let values: Vec<Value> = if doc.text.trim_start().starts_with('{') {
        vec![serde_json::from_str(&doc.text).map_err(|e| Error::InvalidJson {
            file: doc.name.clone(),
            line: e.line(),
            column: e.column(),
            message: crate::load::strip_position(&e.to_string()),
        })?]
    } else {
        if let Some((line, column)) = too_deep(&doc.text) {
            return Err(Error::InvalidYaml {
                file: doc.name.clone(),
                line,
                column,
                message: format!("flow collections nested deeper than {MAX_FLOW_DEPTH} levels"),
            });
        }
        let mut values = Vec::new();
        for document in yaml_serde::Deserializer::from_str(&doc.text) {
            let value = Value::deserialize(document).map_err(|e| {
                let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
                let message = crate::load::strip_position(&e.to_string());
                Error::InvalidYaml { file: doc.name.clone(), line, column, message }
            })?;
            values.push(value);
        }
        values
    };
    let several = values.len() > 1;
    let mut crds = Vec::new();
    for (i, value) in values.into_iter().enumerate() {
        // An empty document (a trailing `---`) holds nothing.
        if value.is_null() {
            continue;
        }
        let file = if several { format!("{} (document {})", doc.name, i + 1) } else { doc.name.clone() };
        let root = Origin::new(&file, "");
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
        if kind == "List" || kind == "CustomResourceDefinitionList" {
            let items_origin = root.child("items");
            let Some(items) = value.get("items").and_then(Value::as_array) else {
                return Err(crd_error(&items_origin, "a List needs an `items` array"));
            };
            for (j, item) in items.iter().enumerate() {
                crds.push(Crd { origin: items_origin.child(&j.to_string()), value: item.clone() });
            }
        } else {
            crds.push(Crd { origin: root, value });
        }
    }
    if crds.is_empty() {
        return Err(crd_error(&Origin::new(&doc.name, ""), "the file holds no CustomResourceDefinition"));
    }
    Ok(crds)
}

/// The YAML deserializer gives up at this depth anyway, but only after a parse whose cost grows
/// with the square of the depth; a linear scan refuses such files first.
const MAX_FLOW_DEPTH: usize = 128;

/// Where (line, column, from 1) flow collections (`[...]`, `{...}`) first nest deeper than
/// [`MAX_FLOW_DEPTH`], skipping quoted scalars and comments. Brackets inside plain text only
/// count while unbalanced, which real descriptions never are this deeply.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1, 0);
    let mut chars = text.chars().peekable();
    let mut previous = '\n';
    while let Some(c) = chars.next() {
        column += 1;
        let at_scalar_start = previous.is_whitespace() || matches!(previous, '[' | '{' | ',' | ':');
        match c {
            '\n' => {
                line += 1;
                column = 0;
            }
            '#' if previous.is_whitespace() => while chars.next_if(|&c| c != '\n').is_some() {},
            '"' | '\'' if at_scalar_start => {
                while let Some(q) = chars.next() {
                    match q {
                        '\n' => {
                            line += 1;
                            column = 0;
                        }
                        '\\' if c == '"' => {
                            chars.next();
                        }
                        '\'' if c == '\'' && chars.peek() == Some(&'\'') => {
                            chars.next();
                        }
                        q if q == c => break,
                        _ => column += 1,
                    }
                }
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, column));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_found_in_one_pass() {
        let deep = format!("spec: {}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(too_deep(&deep), Some((1, 6 + MAX_FLOW_DEPTH + 1)));
        let fine = format!("spec: {}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(too_deep(&fine), None);
        // Brackets in quoted scalars and comments are text.
        let quoted = format!("a: \"{0}\"\nb: '{0}'' {0}'\nc: 1 # {0}\n", "[".repeat(300));
        assert_eq!(too_deep(&quoted), None);
        // Balanced brackets in plain text never add up.
        assert_eq!(too_deep(&"description: see [1] and {x}\n".repeat(1000)), None);
        assert_eq!(too_deep(&format!("a: b\nc: {}", "{d: ".repeat(129))), Some((2, 4 + 4 * 128)));
    }
}
