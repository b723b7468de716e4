//! The REST path grammar of Kubernetes resources, parsed and rendered in one place:
//! `/api/{version}` for the core group, `/apis/{group}/{version}` otherwise, then
//! `[/watch][/namespaces/{namespace}]/{plural}[/{name}[/{subresource}[/{rest...}]]]`.
//! The generator reads specs' paths with it and the sensors build custom resources' paths
//! with it (k8s-packgen compiles this same file).

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
    /// Reads a path template; says why when it is no resource path.
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

    /// The collection of `plural` in `group`/`version`, in one namespace (`{namespace}`) or
    /// across the cluster.
    pub fn of_collection(group: &str, version: &str, namespaced: bool, plural: &str) -> ResourcePath {
        ResourcePath {
            group: group.to_string(),
            version: version.to_string(),
            legacy_watch: false,
            namespaced,
            plural: plural.to_string(),
            name_param: None,
            subresource: None,
            rest: Vec::new(),
        }
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
