//! What an operation does, in the two words Kubernetes has for it: the spec's
//! `x-kubernetes-action` ([`Action`]) and the authorization verb `kubectl auth can-i` and
//! discovery use ([`Verb`]). Parsed once when a spec is read; nothing else matches the strings.

use std::fmt;

/// An `x-kubernetes-action` value: how the API server's OpenAPI builder names the handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Get,
    List,
    /// A watch of one object through the deprecated `/watch/.../{name}` path.
    Watch,
    /// A watch of a collection through the deprecated `/watch/...` path.
    WatchList,
    /// Create (`POST`).
    Post,
    /// Replace (`PUT`).
    Put,
    Patch,
    /// Delete one object, or (on a collection path in older specs) all of them.
    Delete,
    DeleteCollection,
    /// exec, attach, port-forward, proxy: streaming protocols.
    Connect,
}

impl Action {
    /// Every action, for parsing and messages.
    pub const ALL: [Action; 10] = [
        Action::Get,
        Action::List,
        Action::Watch,
        Action::WatchList,
        Action::Post,
        Action::Put,
        Action::Patch,
        Action::Delete,
        Action::DeleteCollection,
        Action::Connect,
    ];

    /// The spelling in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Get => "get",
            Action::List => "list",
            Action::Watch => "watch",
            Action::WatchList => "watchlist",
            Action::Post => "post",
            Action::Put => "put",
            Action::Patch => "patch",
            Action::Delete => "delete",
            Action::DeleteCollection => "deletecollection",
            Action::Connect => "connect",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// A watch, through either deprecated path.
    pub fn is_watch(self) -> bool {
        matches!(self, Action::Watch | Action::WatchList)
    }

    /// The action of a handler on a resource path that carries no `x-kubernetes-action`,
    /// from its method and whether the path names one object (the API server's own mapping).
    pub fn infer(method: &str, named: bool, legacy_watch: bool) -> Option<Action> {
        Some(match (method, named, legacy_watch) {
            ("get", true, true) => Action::Watch,
            ("get", false, true) => Action::WatchList,
            (_, _, true) => return None,
            ("get", true, _) => Action::Get,
            ("get", false, _) => Action::List,
            ("post", _, _) => Action::Post,
            ("put", _, _) => Action::Put,
            ("patch", _, _) => Action::Patch,
            ("delete", true, _) => Action::Delete,
            ("delete", false, _) => Action::DeleteCollection,
            _ => return None,
        })
    }

    /// The Kubernetes verb this handler is authorized as, on a path that names one object
    /// (`named`) or a collection. Connect handlers are authorized by their HTTP method.
    pub fn verb(self, named: bool, method: &str) -> Option<Verb> {
        Some(match self {
            Action::Get => Verb::Get,
            Action::List => Verb::List,
            Action::Watch | Action::WatchList => Verb::Watch,
            Action::Post => Verb::Create,
            Action::Put => Verb::Update,
            Action::Patch => Verb::Patch,
            Action::Delete if named => Verb::Delete,
            Action::Delete | Action::DeleteCollection => Verb::DeleteCollection,
            Action::Connect => return Verb::of_method(method),
        })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Kubernetes authorization verb, as `kubectl auth can-i` and API discovery name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    Create,
    Delete,
    DeleteCollection,
    Get,
    List,
    Patch,
    Update,
    Watch,
}

impl Verb {
    /// Every verb, in the order resources list them (alphabetical, as discovery does).
    pub const ALL: [Verb; 8] = [
        Verb::Create,
        Verb::Delete,
        Verb::DeleteCollection,
        Verb::Get,
        Verb::List,
        Verb::Patch,
        Verb::Update,
        Verb::Watch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Delete => "delete",
            Verb::DeleteCollection => "deletecollection",
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Patch => "patch",
            Verb::Update => "update",
            Verb::Watch => "watch",
        }
    }

    pub fn parse(text: &str) -> Option<Verb> {
        Verb::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// The verb of a request authorized by its HTTP method alone: connect handlers, and
    /// discovery and other non-resource paths (`GET /apis/apps/` is `get`).
    pub fn of_method(method: &str) -> Option<Verb> {
        Some(match method {
            "get" => Verb::Get,
            "post" => Verb::Create,
            "put" => Verb::Update,
            "patch" => Verb::Patch,
            "delete" => Verb::Delete,
            _ => return None,
        })
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_and_reject_the_unknown() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("create"), None, "the spec says post");
        assert_eq!(Action::parse("LIST"), None);
        assert_eq!(Action::parse(""), None);
    }

    #[test]
    fn verbs_round_trip_in_discovery_order() {
        let names: Vec<&str> = Verb::ALL.iter().map(|v| v.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        for verb in Verb::ALL {
            assert_eq!(Verb::parse(verb.as_str()), Some(verb));
        }
        assert_eq!(Verb::parse("post"), None);
    }

    #[test]
    fn actions_map_to_the_verbs_kubernetes_authorizes() {
        assert_eq!(Action::Post.verb(false, "post"), Some(Verb::Create));
        assert_eq!(Action::Put.verb(true, "put"), Some(Verb::Update));
        assert_eq!(Action::WatchList.verb(false, "get"), Some(Verb::Watch));
        assert_eq!(Action::Watch.verb(true, "get"), Some(Verb::Watch));
        assert_eq!(Action::Delete.verb(true, "delete"), Some(Verb::Delete));
        assert_eq!(Action::Delete.verb(false, "delete"), Some(Verb::DeleteCollection));
        assert_eq!(Action::DeleteCollection.verb(false, "delete"), Some(Verb::DeleteCollection));
        assert_eq!(Action::Connect.verb(true, "post"), Some(Verb::Create));
        assert_eq!(Action::Connect.verb(true, "options"), None);
        assert_eq!(Verb::of_method("get"), Some(Verb::Get));
        assert_eq!(Verb::of_method("head"), None);
    }

    #[test]
    fn inferred_actions_follow_method_and_path() {
        assert_eq!(Action::infer("get", false, false), Some(Action::List));
        assert_eq!(Action::infer("get", true, false), Some(Action::Get));
        assert_eq!(Action::infer("get", false, true), Some(Action::WatchList));
        assert_eq!(Action::infer("get", true, true), Some(Action::Watch));
        assert_eq!(Action::infer("post", false, true), None);
        assert_eq!(Action::infer("delete", false, false), Some(Action::DeleteCollection));
        assert_eq!(Action::infer("head", true, false), None);
    }
}
