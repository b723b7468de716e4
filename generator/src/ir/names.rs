//! Identifier mapping: wire names and definition names to Rust identifiers. Pure functions of
//! their input (plus collision resolution within one scope), so names stay stable as the spec
//! grows.

use heck::ToUpperCamelCase;

/// Rust keywords, strict and reserved (2021 and 2024 editions), that cannot be identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

pub fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

/// Spells every non-ASCII character as a word of its own, `u` and its code point in hex
/// (`é` -> ` u00e9 `): identifiers stay ASCII, and distinct names stay distinct.
fn fold_ascii(name: &str) -> std::borrow::Cow<'_, str> {
    if name.is_ascii() {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!(" u{:04x} ", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Keeps ASCII letters and digits, turns everything else into word separators.
fn ascii_words(name: &str) -> String {
    fold_ascii(name).chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// Makes `ident` usable: not empty (nor only underscores: `_` is no identifier), not starting
/// with a digit, not a keyword.
fn finish(ident: String, empty: &str, digit_prefix: &str) -> String {
    let ident = if ident.chars().all(|c| c == '_') { empty.to_string() } else { ident };
    let ident = if ident.starts_with(|c: char| c.is_ascii_digit()) { format!("{digit_prefix}{ident}") } else { ident };
    if is_keyword(&ident) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// A field, parameter or function name: `camelCase`, `x-kubernetes-foo`, `a.b` all become
/// snake_case; keywords get a trailing `_` (`type` -> `type_`); a leading `$` is spelled out
/// (`$ref` -> `dollar_ref`) so it cannot collide with the plain name beside it.
pub fn snake_ident(wire: &str) -> String {
    let (prefix, rest) = match wire.strip_prefix('$') {
        Some(rest) => ("dollar_", rest),
        None => ("", wire),
    };
    finish(format!("{prefix}{}", words(&fold_ascii(rest)).join("_")), "value", "field_")
}

/// Splits a wire name into lowercase words. Unlike a generic snake-caser it keeps Kubernetes'
/// plural acronyms whole: `podIPs` is `pod ips`, `targetWWNs` is `target wwns`, and an acronym
/// before a word splits before that word's capital: `HTTPGet` is `http get`.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]).filter(|p| p.is_ascii_alphanumeric());
        let next = chars.get(i + 1).copied();
        let after_next = chars.get(i + 2).copied();
        let boundary = match prev {
            Some(p) if c.is_ascii_uppercase() => {
                let starts_word = next.is_some_and(|n| n.is_ascii_lowercase());
                let acronym_plural = next == Some('s') && !after_next.is_some_and(|a| a.is_ascii_lowercase());
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && starts_word && !acronym_plural)
            }
            _ => false,
        };
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A type name. Definition names are already UpperCamelCase in Kubernetes (`APIService`), so a
/// valid name is kept as it is; anything else is converted.
pub fn type_ident(name: &str) -> String {
    let valid = name.starts_with(|c: char| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    let ident = if valid { name.to_string() } else { ascii_words(name).to_upper_camel_case() };
    finish(ident, "Type", "T")
}

/// A module name from one segment of a definition name or group (`kube-aggregator`,
/// `apiextensions-apiserver`, `v1beta1`).
pub fn module_ident(segment: &str) -> String {
    let folded = fold_ascii(segment);
    let ident: String =
        folded.trim().chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    finish(ident, "module", "m")
}

/// The module path and type name of a definition: `io.k8s.api.core.v1.Secret` ->
/// (`api::core::v1`, `Secret`). The `io.k8s.` prefix every built-in definition shares is
/// dropped (and the `k8s.io.` other projects' generators write for the same packages);
/// custom resources keep their full reversed-domain path (`com.example.v1.MysqlDb`).
pub fn definition_path(def_name: &str) -> (Vec<String>, String) {
    let trimmed = def_name.strip_prefix("io.k8s.").or_else(|| def_name.strip_prefix("k8s.io.")).unwrap_or(def_name);
    let mut segments: Vec<&str> = trimmed.split('.').collect();
    let last = segments.pop().unwrap_or_default();
    (segments.into_iter().map(module_ident).collect(), type_ident(last))
}

/// The names taken in one Rust namespace (a module's types, its functions, a crate's features):
/// every emitted name is claimed from the scope it lives in, so two items can never share one.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    taken: std::collections::HashSet<String>,
}

impl Scope {
    /// A scope in which `reserved` (the names the crate's own items already have there) are taken.
    pub fn reserving<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Scope {
        Scope { taken: reserved.into_iter().map(str::to_string).collect() }
    }

    /// `base` if free, else `base{separator}2`, `base{separator}3`...; the separator is left
    /// out after a trailing `_` (`type_` -> `type_2`).
    pub fn claim(&mut self, base: &str, separator: &str) -> String {
        let separator = if base.ends_with('_') { "" } else { separator };
        let mut name = base.to_string();
        let mut n = 2;
        while !self.taken.insert(name.clone()) {
            name = format!("{base}{separator}{n}");
            n += 1;
        }
        name
    }
}

/// Makes the names in one scope unique. `items` are (key, candidate) pairs; the result is in
/// the same order. Candidates are resolved in key order: the first keeps the name, later ones
/// get `{separator}2`, `{separator}3`, ... So a collision only ever renames the item whose key sorts later.
pub fn dedupe(items: &[(String, String)], separator: &str) -> Vec<String> {
    dedupe_in(Scope::default(), items, separator)
}

/// [`dedupe`] in a scope where some names are already taken.
pub fn dedupe_in(mut scope: Scope, items: &[(String, String)], separator: &str) -> Vec<String> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[a].0.cmp(&items[b].0));
    let mut out = vec![String::new(); items.len()];
    for i in order {
        out[i] = scope.claim(&items[i].1, separator);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(snake_ident("apiVersion"), "api_version");
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("continue"), "continue_");
        assert_eq!(snake_ident("override"), "override_");
        assert_eq!(snake_ident("$ref"), "dollar_ref");
        assert_eq!(snake_ident("$schema"), "dollar_schema");
        assert_eq!(snake_ident("x-kubernetes-int-or-string"), "x_kubernetes_int_or_string");
        assert_eq!(snake_ident("a.b"), "a_b");
        assert_eq!(snake_ident("3d"), "field_3d");
        assert_eq!(snake_ident("-"), "value");
        assert_eq!(snake_ident("podIPs"), "pod_ips");
        assert_eq!(snake_ident("nodeInfo"), "node_info");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("externalIPs"), "external_ips");
        assert_eq!(snake_ident("targetWWNs"), "target_wwns");
        assert_eq!(snake_ident("volumeID"), "volume_id");
        assert_eq!(snake_ident("hostIPC"), "host_ipc");
        assert_eq!(snake_ident("setHostnameAsFQDN"), "set_hostname_as_fqdn");
        assert_eq!(snake_ident("HTTPGet"), "http_get");
        assert_eq!(snake_ident("IPsFoo"), "ips_foo");
        assert_eq!(snake_ident("int32Value"), "int32_value");
        assert_eq!(snake_ident("v1beta1"), "v1beta1");
        assert_eq!(snake_ident("createCoreV1NamespacedSecret"), "create_core_v1_namespaced_secret");
        assert_eq!(snake_ident("AWSElasticBlockStore"), "aws_elastic_block_store");
        assert_eq!(snake_ident("é"), "u00e9");
        assert_eq!(snake_ident("naïve"), "na_u00ef_ve");
        assert_eq!(snake_ident("_"), "value");
        assert_eq!(snake_ident("1xQuery"), "field_1x_query");
    }

    #[test]
    fn non_identifiers_become_identifiers() {
        for (segment, module) in
            [("é", "u00e9"), ("_", "module"), ("-", "module"), ("__", "module"), ("ü-x", "u00fc__x")]
        {
            assert_eq!(module_ident(segment), module, "{segment:?}");
        }
        assert_eq!(type_ident("Été"), "U00c9TU00e9");
        assert_eq!(type_ident("_"), "Type");
        assert_eq!(type_ident("1xQuery"), "T1xQuery");
        for name in ["é", "_", "-", "Été", "9", "self", "Self", "crate", "ü"] {
            let idents = [module_ident(name), snake_ident(name), type_ident(name)];
            for ident in idents {
                assert!(syn::parse_str::<syn::Ident>(&ident).is_ok(), "{name:?} -> {ident:?}");
            }
        }
    }

    #[test]
    fn scopes_never_give_a_name_twice() {
        let mut scope = Scope::reserving(["REGISTRY", "type_"]);
        assert_eq!(scope.claim("REGISTRY", "_"), "REGISTRY_2");
        assert_eq!(scope.claim("type_", "_"), "type_2");
        assert_eq!(scope.claim("list", "_"), "list");
        assert_eq!(scope.claim("list", "_"), "list_2");
    }

    #[test]
    fn types_and_modules() {
        assert_eq!(type_ident("APIService"), "APIService");
        assert_eq!(type_ident("mysql-db"), "MysqlDb");
        assert_eq!(type_ident("Self"), "Self_");
        assert_eq!(type_ident("9lives"), "T9lives");
        assert_eq!(module_ident("kube-aggregator"), "kube_aggregator");
        assert_eq!(module_ident("v1beta1"), "v1beta1");
        assert_eq!(module_ident("type"), "type_");
        assert_eq!(
            definition_path("io.k8s.api.core.v1.Secret"),
            (vec!["api".to_string(), "core".to_string(), "v1".to_string()], "Secret".to_string())
        );
        assert_eq!(definition_path("com.example.v1.MysqlDb").0, vec!["com", "example", "v1"]);
        assert_eq!(
            definition_path("k8s.io.apimachinery.pkg.api.resource.Quantity"),
            definition_path("io.k8s.apimachinery.pkg.api.resource.Quantity")
        );
    }

    #[test]
    fn collisions_rename_the_later_key() {
        let items = vec![
            ("x_foo".to_string(), "x_foo".to_string()),
            ("x-foo".to_string(), "x_foo".to_string()),
            ("xFoo".to_string(), "x_foo".to_string()),
        ];
        // Key order: "x-foo" < "xFoo" < "x_foo".
        assert_eq!(dedupe(&items, "_"), vec!["x_foo_3", "x_foo", "x_foo_2"]);
    }
}
