//! A CRD's names, checked as the API server checks them when the CRD is created
//! (apiextensions' `ValidateCustomResourceDefinition`), so a file a cluster would refuse is refused
//! here too, at the offending field. Two rules are k8s-packgen's own and say so: a kind and a list
//! kind name a Rust type and operationIds, so they are letters and digits only.

use super::crd_error;
use crate::error::Result;
use crate::load::extensions::quoted;
use crate::load::model::Origin;
use crate::load::swagger2::kind_of;
use serde_json::Value;

/// The names of a CRD, read and checked.
pub struct Names {
    pub group: String,
    pub kind: String,
    pub plural: String,
    pub list_kind: String,
    pub namespaced: bool,
}

pub(super) fn str_at<'v>(value: &'v Value, origin: &Origin, pointer: &str) -> Result<&'v str> {
    let at = at(origin, pointer);
    match value.pointer(pointer) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(crd_error(&at, "must not be empty")),
        Some(other) => Err(crd_error(&at, format!("must be a string, found {}", kind_of(other)))),
        None => Err(crd_error(&at, "is missing")),
    }
}

/// An optional string field: absent or null is `None`, anything but a string an error.
fn optional_str_at<'v>(value: &'v Value, origin: &Origin, pointer: &str) -> Result<Option<&'v str>> {
    match value.pointer(pointer) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => str_at(value, origin, pointer).map(Some),
    }
}

fn at(origin: &Origin, pointer: &str) -> Origin {
    pointer.trim_start_matches('/').split('/').fold(origin.clone(), |o, k| o.child(k))
}

/// What is wrong with `s` as a DNS-1035 label (`[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63
/// characters): plurals, singulars, short names, categories and versions.
pub fn dns1035_label(s: &str) -> Option<&'static str> {
    if s.len() > 63 {
        return Some("must be at most 63 characters");
    }
    if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Some("must consist of lowercase letters, digits and '-'");
    }
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("must start with a lowercase letter");
    }
    if s.ends_with('-') {
        return Some("must end with a letter or digit");
    }
    None
}

/// What is wrong with `s` as a DNS-1123 subdomain (lowercase labels of letters, digits and '-'
/// joined by dots, at most 253 characters): the group.
fn dns1123_subdomain(s: &str) -> Option<&'static str> {
    if s.len() > 253 {
        return Some("must be at most 253 characters");
    }
    for label in s.split('.') {
        if label.is_empty() {
            return Some("must not have empty parts between dots");
        }
        if !label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Some("must consist of lowercase letters, digits, '-' and '.'");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("must start and end every part with a letter or digit");
        }
    }
    None
}

/// A kind or list kind: the API server wants its lowercase form to be a DNS-1035 label;
/// k8s-packgen names a type after it, so it is letters and digits starting with a letter.
fn kind_problem(s: &str) -> Option<String> {
    if let Some(problem) = dns1035_label(&s.to_ascii_lowercase()) {
        return Some(format!("may have mixed case, but otherwise {problem}"));
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some("must be letters and digits only (k8s-packgen names a Rust type after it)".to_string());
    }
    None
}

fn check(origin: &Origin, pointer: &str, value: &str, problem: Option<impl Into<String>>) -> Result<()> {
    match problem {
        Some(problem) => Err(crd_error(&at(origin, pointer), format!("{} {}", quoted(value), problem.into()))),
        None => Ok(()),
    }
}

/// Reads and checks `metadata.name`, `spec.group`, `spec.scope` and `spec.names`.
pub fn read(value: &Value, origin: &Origin) -> Result<Names> {
    let group = str_at(value, origin, "/spec/group")?;
    check(origin, "/spec/group", group, dns1123_subdomain(group))?;
    check(
        origin,
        "/spec/group",
        group,
        (!group.contains('.')).then_some("must have a dot (a DNS subdomain, e.g. example.com)"),
    )?;
    let namespaced = match str_at(value, origin, "/spec/scope")? {
        "Namespaced" => true,
        "Cluster" => false,
        other => {
            return Err(crd_error(
                &at(origin, "/spec/scope"),
                format!("must be Namespaced or Cluster, found {}", quoted(other)),
            ))
        }
    };
    let plural = str_at(value, origin, "/spec/names/plural")?;
    check(origin, "/spec/names/plural", plural, dns1035_label(plural))?;
    if let Some(singular) = optional_str_at(value, origin, "/spec/names/singular")? {
        check(origin, "/spec/names/singular", singular, dns1035_label(singular))?;
    }
    let kind = str_at(value, origin, "/spec/names/kind")?;
    check(origin, "/spec/names/kind", kind, kind_problem(kind))?;
    let list_kind = match optional_str_at(value, origin, "/spec/names/listKind")? {
        None => format!("{kind}List"),
        Some(list_kind) => {
            check(origin, "/spec/names/listKind", list_kind, kind_problem(list_kind))?;
            check(
                origin,
                "/spec/names/listKind",
                list_kind,
                (list_kind == kind).then_some("must differ from the kind (a list and its items cannot share a kind)"),
            )?;
            list_kind.to_string()
        }
    };
    for key in ["shortNames", "categories"] {
        let pointer = format!("/spec/names/{key}");
        match value.pointer(&pointer) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for i in 0..items.len() {
                    let item_pointer = format!("{pointer}/{i}");
                    let text = str_at(value, origin, &item_pointer)?;
                    check(origin, &item_pointer, text, dns1035_label(text))?;
                }
            }
            Some(other) => {
                return Err(crd_error(&at(origin, &pointer), format!("must be an array, found {}", kind_of(other))))
            }
        }
    }
    let name = str_at(value, origin, "/metadata/name")?;
    let expected = format!("{plural}.{group}");
    if name != expected {
        return Err(crd_error(
            &at(origin, "/metadata/name"),
            format!("{} must be spec.names.plural + \".\" + spec.group: {expected:?}", quoted(name)),
        ));
    }
    Ok(Names { group: group.to_string(), kind: kind.to_string(), plural: plural.to_string(), list_kind, namespaced })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_subdomains_follow_the_api_server() {
        assert_eq!(dns1035_label("widgets"), None);
        assert_eq!(dns1035_label("my-widgets2"), None);
        assert!(dns1035_label("2widgets").is_some());
        assert!(dns1035_label("Widgets").is_some());
        assert!(dns1035_label("widgets-").is_some());
        assert!(dns1035_label(&"a".repeat(64)).is_some());
        assert_eq!(dns1123_subdomain("my-app.io"), None);
        assert_eq!(dns1123_subdomain("0.example.com"), None);
        assert!(dns1123_subdomain("Example.com").is_some());
        assert!(dns1123_subdomain("example..com").is_some());
        assert!(dns1123_subdomain("-example.com").is_some());
        assert!(kind_problem("MysqlDb").is_none());
        assert!(kind_problem("mysqlDb").is_none());
        assert!(kind_problem("My-Db").is_some());
        assert!(kind_problem("2Db").is_some());
    }
}
