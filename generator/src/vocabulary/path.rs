//! The REST path grammar of Kubernetes resources: defined once, in `templates/runtime/path.rs`,
//! which the emitted crate carries as `runtime::path` and the generator compiles here, so that
//! specs' paths are read and custom resources' paths built by the same code.

#[path = "../../../templates/runtime/path.rs"]
mod grammar;

pub use grammar::*;

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
