//! The REST path grammar of Kubernetes resources, parsed and rendered in one place:
//! `/api/{version}` for the core group, `/apis/{group}/{version}` otherwise, then
//! `[/watch][/namespaces/{namespace}]/{plural}[/{name}[/{subresource}[/{rest...}]]]`.

use std::fmt;

/// A resource path template as specs write it (`{namespace}`, `{name}` placeholders).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourcePath {
    /// Empty for the core group (`/api/...`).
    pub group: String,
    pub version: String,
    /// Under the deprecated `/watch/` prefix.
    pub legacy_watch: bool,
    /// `/namespaces/{namespace}/` before the plural.
    pub namespaced: bool,
    pub plural: String,
    /// The placeholder naming one object (`name` in `{name}`); `None` for the collection.
    pub name_param: Option<String>,
    pub subresource: Option<String>,
    /// Segments after the subresource, as written (`{path}` of the proxy subresources).
    pub rest: Vec<String>,
}

/// Why a path is not a resource path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotAResource {
    /// Not under `/api/` or `/apis/`.
    NotAnApiPath,
    /// `/api/`, `/apis/{group}/`, `/apis/{group}/{version}/`: discovery documents.
    Discovery,
    /// Under an API prefix but not of the resource shape (empty segments, a placeholder
    /// where the plural belongs, a literal where the name belongs).
    Malformed(&'static str),
}

impl fmt::Display for NotAResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotAResource::NotAnApiPath => f.write_str("not under /api/ or /apis/"),
            NotAResource::Discovery => f.write_str("a discovery path, not a resource"),
            NotAResource::Malformed(why) => f.write_str(why),
        }
    }
}

fn is_placeholder(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// The group and, if the path names one, the version a path is under: `("", Some("v1"))` for
/// `/api/v1/...`, `("apps", None)` for `/apis/apps/`. `None` outside `/api` and `/apis/{group}`.
pub fn api_prefix(path: &str) -> Option<(&str, Option<&str>)> {
    let mut segments = path.trim_matches('/').split('/');
    match segments.next()? {
        "api" => Some(("", segments.next().filter(|v| !v.is_empty()))),
        "apis" => {
            let group = segments.next().filter(|g| !g.is_empty())?;
            Some((group, segments.next().filter(|v| !v.is_empty())))
        }
        _ => None,
    }
}

/// The `apiVersion` of a group and version: `v1` for the core group, `group/version` otherwise.
pub fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

impl ResourcePath {
    pub fn parse(path: &str) -> Result<ResourcePath, NotAResource> {
        let body = path.strip_prefix('/').ok_or(NotAResource::NotAnApiPath)?;
        let segments: Vec<&str> = body.split('/').collect();
        let (group, version, mut rest) = match segments.as_slice() {
            ["api", version, rest @ ..] => ("", *version, rest),
            ["apis", group, version, rest @ ..] if !group.is_empty() => (*group, *version, rest),
            ["api" | "apis", ..] => return Err(NotAResource::Discovery),
            _ => return Err(NotAResource::NotAnApiPath),
        };
        if version.is_empty() || is_placeholder(version) || matches!(rest, [] | [""]) {
            return Err(NotAResource::Discovery);
        }
        if segments.iter().any(|s| s.is_empty()) {
            return Err(NotAResource::Malformed("an empty path segment"));
        }
        let legacy_watch = rest.first() == Some(&"watch");
        if legacy_watch {
            rest = &rest[1..];
        }
        let namespaced = matches!(rest, ["namespaces", "{namespace}", _, ..]);
        if namespaced {
            rest = &rest[2..];
        }
        let (plural, rest) = match rest {
            [plural, rest @ ..] if !is_placeholder(plural) => (*plural, rest),
            [_, ..] => return Err(NotAResource::Malformed("a placeholder where the resource's plural belongs")),
            [] => return Err(NotAResource::Malformed("no resource after the namespace")),
        };
        let (name_param, subresource, rest) = match rest {
            [] => (None, None, &[][..]),
            [name] if is_placeholder(name) => (Some(name), None, &[][..]),
            [name, sub, rest @ ..] if is_placeholder(name) && !is_placeholder(sub) => (Some(name), Some(*sub), rest),
            [name, ..] if is_placeholder(name) => {
                return Err(NotAResource::Malformed("a placeholder where the subresource belongs"))
            }
            _ => return Err(NotAResource::Malformed("a literal segment where the object's {name} belongs")),
        };
        Ok(ResourcePath {
            group: group.to_string(),
            version: version.to_string(),
            legacy_watch,
            namespaced,
            plural: plural.to_string(),
            name_param: name_param.map(|n| n[1..n.len() - 1].to_string()),
            subresource: subresource.map(str::to_string),
            rest: rest.iter().map(|s| s.to_string()).collect(),
        })
    }

    /// `/api/v1` or `/apis/{group}/{version}`.
    pub fn group_version_prefix(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// Names one object (has a `{name}` placeholder).
    pub fn is_named(&self) -> bool {
        self.name_param.is_some()
    }

    /// The path of the collection this path is in: no name, subresource or `/watch/`.
    pub fn collection(&self) -> ResourcePath {
        ResourcePath { legacy_watch: false, name_param: None, subresource: None, rest: Vec::new(), ..self.clone() }
    }
}

impl fmt::Display for ResourcePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.group_version_prefix())?;
        if self.legacy_watch {
            f.write_str("/watch")?;
        }
        if self.namespaced {
            f.write_str("/namespaces/{namespace}")?;
        }
        write!(f, "/{}", self.plural)?;
        if let Some(name) = &self.name_param {
            write!(f, "/{{{name}}}")?;
        }
        if let Some(sub) = &self.subresource {
            write!(f, "/{sub}")?;
        }
        for segment in &self.rest {
            write!(f, "/{segment}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str) -> ResourcePath {
        ResourcePath::parse(path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn resource_paths_parse() {
        let p = parse("/api/v1/namespaces/{namespace}/secrets/{name}");
        assert_eq!((p.group.as_str(), p.plural.as_str(), p.namespaced, p.is_named()), ("", "secrets", true, true));
        let p = parse("/api/v1/namespaces/{name}/status");
        assert_eq!((p.plural.as_str(), p.namespaced, p.subresource.as_deref()), ("namespaces", false, Some("status")));
        let p = parse("/api/v1/namespaces");
        assert_eq!((p.plural.as_str(), p.namespaced, p.is_named()), ("namespaces", false, false));
        let p = parse("/apis/apps/v1/watch/namespaces/{namespace}/deployments");
        assert!(p.legacy_watch && p.namespaced && !p.is_named());
        let p = parse("/apis/rbac.authorization.k8s.io/v1/clusterroles");
        assert_eq!((p.group.as_str(), p.namespaced), ("rbac.authorization.k8s.io", false));
        let p = parse("/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}");
        assert_eq!((p.subresource.as_deref(), p.rest.as_slice()), (Some("proxy"), &["{path}".to_string()][..]));
        assert_eq!(p.collection().to_string(), "/api/v1/namespaces/{namespace}/pods");
    }

    #[test]
    fn everything_else_is_rejected_with_a_reason() {
        for discovery in ["/api/", "/api/v1/", "/apis/", "/apis/apps/", "/apis/apps/v1/", "/apis/apps/v1"] {
            assert_eq!(ResourcePath::parse(discovery), Err(NotAResource::Discovery), "{discovery}");
        }
        for other in ["/version/", "/logs/{logpath}", "/.well-known/openid-configuration/", "api/v1/pods"] {
            assert_eq!(ResourcePath::parse(other), Err(NotAResource::NotAnApiPath), "{other}");
        }
        for malformed in [
            "/api/v1/pods//status",
            "/api/v1/pods/",
            "/api/v1/{plural}",
            "/api/v1/namespaces/{namespace}/{plural}",
            "/api/v1/pods/literal",
            "/api/v1/pods/{name}/{sub}",
        ] {
            assert!(matches!(ResourcePath::parse(malformed), Err(NotAResource::Malformed(_))), "{malformed}");
        }
    }

    #[test]
    fn prefixes_of_discovery_paths() {
        assert_eq!(api_prefix("/api/"), Some(("", None)));
        assert_eq!(api_prefix("/api/v1/"), Some(("", Some("v1"))));
        assert_eq!(api_prefix("/apis/apps/"), Some(("apps", None)));
        assert_eq!(api_prefix("/apis/apps/v1/deployments"), Some(("apps", Some("v1"))));
        assert_eq!(api_prefix("/apis/"), None);
        assert_eq!(api_prefix("/version/"), None);
    }

    /// Every path of the real Kubernetes specs in ../shared: a resource path renders back to
    /// exactly its text; the others are discovery or non-API paths.
    #[test]
    fn every_path_of_the_real_specs_round_trips() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/specs/kubernetes");
        let mut resources = 0;
        for release in ["v1.30.1", "v1.33.1", "v1.36.0"] {
            let text = std::fs::read_to_string(format!("{dir}/{release}.json")).unwrap();
            let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
            for path in spec["paths"].as_object().unwrap().keys() {
                match ResourcePath::parse(path) {
                    Ok(parsed) => {
                        assert_eq!(&parsed.to_string(), path, "{release}");
                        resources += 1;
                    }
                    Err(NotAResource::Malformed(why)) => panic!("{release} {path}: {why}"),
                    // `/api/`, `/apis/apps/v1/`..., or `/version/`, `/logs/{logpath}`...
                    Err(NotAResource::Discovery) => assert!(path.ends_with('/'), "{path}"),
                    Err(NotAResource::NotAnApiPath) => assert!(!path.starts_with("/api"), "{path}"),
                }
            }
        }
        assert_eq!(resources, 1371, "resource paths of the three releases");
    }
}
