//! YAML as StackStorm reads it: PyYAML, a YAML 1.1 parser, where `yes`, `on`, `1:20` or
//! `2001-12-14` written plain are not strings. So every string is written double-quoted with
//! escapes for what PyYAML refuses raw (control characters, line separators), keys plain only
//! when no YAML reader can take them for anything else, and collections in block style with
//! their keys in the order given.

use std::fmt::Write as _;

/// A YAML value; mappings keep their keys in the order they were built.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

/// A string value.
pub fn s(text: impl Into<String>) -> Yaml {
    Yaml::Str(text.into())
}

/// A mapping from (key, value) pairs, in order.
pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Yaml)>) -> Yaml {
    Yaml::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

/// A sequence of strings.
pub fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Yaml {
    Yaml::Seq(items.into_iter().map(|i| s(i)).collect())
}

impl Yaml {
    /// The document text: a mapping or sequence in block style, ending with a newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match self {
            Yaml::Map(entries) if !entries.is_empty() => write_map(entries, 0, &mut out),
            Yaml::Seq(items) if !items.is_empty() => write_seq(items, 0, &mut out),
            scalar => {
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
        out
    }

    /// The same value as JSON, for comparing with what a YAML parser reads back.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(*b),
            Yaml::Int(i) => Value::from(*i),
            Yaml::Str(s) => Value::String(s.clone()),
            Yaml::Seq(items) => Value::Array(items.iter().map(Yaml::to_json).collect()),
            Yaml::Map(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

fn write_map(entries: &[(String, Yaml)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&plain_key(key).map(str::to_string).unwrap_or_else(|| quote(key)));
        out.push(':');
        match value {
            Yaml::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(inner, indent + 2, out);
            }
            Yaml::Seq(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(items, indent + 2, out);
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

fn write_seq(items: &[Yaml], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        // A collection item starts on the dash's line, its other lines indented past the dash.
        let mut nested = String::new();
        match item {
            Yaml::Map(inner) if !inner.is_empty() => write_map(inner, indent + 2, &mut nested),
            Yaml::Seq(inner) if !inner.is_empty() => write_seq(inner, indent + 2, &mut nested),
            scalar => {
                nested.push_str(&inline(scalar));
                nested.push('\n');
            }
        }
        out.push_str(nested.strip_prefix(&" ".repeat(indent + 2)).unwrap_or(&nested));
    }
}

/// A scalar or an empty collection on one line.
fn inline(value: &Yaml) -> String {
    match value {
        Yaml::Null => "null".to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Int(i) => i.to_string(),
        Yaml::Str(s) => quote(s),
        Yaml::Seq(_) => "[]".to_string(),
        Yaml::Map(_) => "{}".to_string(),
    }
}

/// Words YAML 1.1 or 1.2 reads as booleans or null when written plain (in any case).
const SPECIAL_WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

/// The key as it is, when that cannot be read as anything but this string: a letter or `_`,
/// then letters, digits, `_`, `.` and `-`, and not one of [`SPECIAL_WORDS`].
fn plain_key(key: &str) -> Option<&str> {
    let mut chars = key.chars();
    let first = chars.next()?;
    let plain = (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !SPECIAL_WORDS.contains(&key.to_ascii_lowercase().as_str());
    plain.then_some(key)
}

/// A double-quoted scalar. PyYAML takes printable Unicode raw but refuses other characters in
/// a document, and folds raw line breaks inside quotes into spaces: those are escaped.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings a plain or single-quoted writer gets wrong for PyYAML or for YAML 1.2 readers.
    const TRICKY: &[&str] = &[
        "",
        " ",
        "  leading and trailing  ",
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "~",
        "null",
        "Null",
        "true",
        "1:20",
        "0o17",
        "012",
        "1_000",
        "0x1F",
        ".inf",
        "-.NaN",
        "2001-12-14",
        "- item",
        "* star",
        "& anchor",
        "! tag",
        "%directive",
        "@at",
        "`tick",
        "key: value",
        "a # comment",
        "#hash",
        "{flow}",
        "[seq]",
        "'single'",
        "\"double\"",
        "back\\slash",
        "multi\nline\n",
        "\ttab",
        "crlf\r\n",
        "nul\u{0}",
        "bell\u{7}",
        "del\u{7f}",
        "nel\u{85}",
        "c1\u{9f}",
        "line\u{2028}para\u{2029}",
        "bom\u{feff}",
        "nonchar\u{fffe}\u{ffff}",
        "emoji 😀 and ünïcödé",
        "{{ jinja }}",
        "|",
        ">",
        "---",
        "...",
        "<<",
        "=",
    ];

    #[test]
    fn every_string_reads_back_the_same() {
        let value = map([
            ("strings", strings(TRICKY.iter().copied())),
            ("as_keys", map(TRICKY.iter().map(|t| (*t, s(*t))))),
            ("nested", Yaml::Seq(vec![map([("a", Yaml::Int(-3)), ("b", Yaml::Seq(vec![s("x"), Yaml::Null]))])])),
            ("empty", map([("m", map(Vec::<(String, Yaml)>::new())), ("s", Yaml::Seq(Vec::new()))])),
            ("flags", Yaml::Seq(vec![Yaml::Bool(true), Yaml::Bool(false), Yaml::Seq(vec![s("deep")])])),
        ]);
        let text = value.render();
        let back: serde_json::Value = yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, value.to_json(), "{text}");
    }

    #[test]
    fn keys_and_layout() {
        let value = map([
            ("name", s("x")),
            ("trigger.event", s("ADDED")),
            ("yes", Yaml::Bool(true)),
            ("items", Yaml::Seq(vec![map([("a", Yaml::Int(1)), ("b", Yaml::Int(2))])])),
        ]);
        assert_eq!(
            value.render(),
            "name: \"x\"\ntrigger.event: \"ADDED\"\n\"yes\": true\nitems:\n  - a: 1\n    b: 2\n"
        );
    }
}
