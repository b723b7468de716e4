//! Action metadata: one `actions/<operationId>.yaml` per action of the registry, run by the
//! shared Python runner with the action's parameter table as StackStorm parameters.

use super::view::{ActionView, Kind};
use super::yaml::{map, s, strings, Yaml};
use crate::error::{Error, Result};

/// The runner's module, relative to `actions/`.
pub const ENTRY_POINT: &str = "lib/k8s_pack_action.py";

/// The immutable parameter that names the k8s-pack action to run.
pub const ACTION_PARAM: &str = "k8s_action";

/// Parameters of the python-script runner itself: an action parameter of the same name would
/// change how StackStorm runs the action.
const RUNNER_PARAMS: &[&str] = &["debug", "content_version", "env", "log_level", "timeout"];

/// The patch kinds of `patchType`, as the crate's actions take them.
const PATCH_TYPES: &[&str] = &["json", "merge", "strategic", "apply"];

/// The metadata of one action.
pub fn action_yaml(action: &ActionView) -> Result<Yaml> {
    let mut params = vec![(
        ACTION_PARAM.to_string(),
        map([
            ("type", s("string")),
            ("description", s("The k8s-pack action this runs.")),
            ("default", s(action.name)),
            ("immutable", Yaml::Bool(true)),
        ]),
    )];
    for p in &action.params {
        check_param_name(action.name, p.name)?;
        let kind = match p.kind {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Boolean => "boolean",
        };
        // The namespace defaults to the pack config's or the kubeconfig context's, as with
        // `k8s-pack run -n`.
        let (required, description) = if p.name == "namespace" {
            let default = "Default: the pack config's `namespace`, else the kubeconfig context's.";
            (false, join(p.description, default))
        } else {
            (p.required, p.description.unwrap_or("").to_string())
        };
        params.push((p.name.to_string(), parameter(("type", s(kind)), &description, required, [])));
    }
    if let Some(body) = &action.body {
        if body.patch {
            let description = "The patch kind: JSON patch, merge patch, strategic merge patch or server-side apply.";
            let kinds = ("enum", strings(PATCH_TYPES.iter().copied()));
            params.push(("patchType".to_string(), parameter(("type", s("string")), description, true, [kinds])));
        }
        let (json_type, description) = match (&body.type_name, body.patch) {
            // A JSON patch is an array: either JSON type goes (StackStorm takes no list of types).
            (_, true) => (
                ("anyOf", Yaml::Seq(vec![type_of("object"), type_of("array")])),
                "The patch: an array of operations for a JSON patch, an object otherwise.".to_string(),
            ),
            (Some(def), false) => (("type", s("object")), format!("The request body ({def}).")),
            (None, false) => (("type", s("object")), "The request body.".to_string()),
        };
        let secret = body.secret.then_some(("secret", Yaml::Bool(true)));
        params.push(("body".to_string(), parameter(json_type, &description, body.required, secret)));
    }
    let description = match action.description.filter(|d| !d.trim().is_empty()) {
        Some(doc) => format!("{doc} ({} {})", action.method, action.path),
        None => format!("{} {}", action.method, action.path),
    };
    Ok(map([
        ("name", s(action.name)),
        ("description", s(description)),
        ("runner_type", s("python-script")),
        ("entry_point", s(ENTRY_POINT)),
        ("enabled", Yaml::Bool(true)),
        ("parameters", Yaml::Map(params)),
    ]))
}

/// One parameter: its JSON type (`type` or `anyOf`), description, required, then `extra`.
fn parameter<'a>(
    json_type: (&'a str, Yaml),
    description: &str,
    required: bool,
    extra: impl IntoIterator<Item = (&'a str, Yaml)>,
) -> Yaml {
    let entries = [json_type, ("description", s(description)), ("required", Yaml::Bool(required))];
    map(entries.into_iter().chain(extra))
}

fn type_of(kind: &str) -> Yaml {
    map([("type", s(kind))])
}

/// Two sentences: the first ends with a full stop if it had none.
fn join(first: Option<&str>, then: &str) -> String {
    match first.map(str::trim_end).filter(|f| !f.is_empty()) {
        Some(first) if first.ends_with(['.', '!', '?']) => format!("{first} {then}"),
        Some(first) => format!("{first}. {then}"),
        None => then.to_string(),
    }
}

/// StackStorm parameter names are `\w+`, and some are taken by the pack or the runner.
fn check_param_name(action: &str, name: &str) -> Result<()> {
    let problem = if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        "is not a StackStorm parameter name (letters, digits and _ only)"
    } else if name == ACTION_PARAM || RUNNER_PARAMS.contains(&name) {
        "is a parameter StackStorm's python-script runner or the pack's runner uses itself"
    } else {
        return Ok(());
    };
    Err(Error::St2 { what: format!("operation {action}"), message: format!("parameter `{name}` {problem}") })
}

/// Each action's file name: its name where that is a plain file name, otherwise its name with
/// the other characters as `_` (numbered should two then meet).
pub fn file_stems(actions: &[ActionView]) -> Vec<String> {
    let items: Vec<(String, String)> = actions
        .iter()
        .map(|a| {
            let stem: String = a
                .name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
                .collect();
            (a.name.to_string(), if stem.is_empty() { "action".to_string() } else { stem })
        })
        .collect();
    crate::ir::names::dedupe(&items, "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_names_stackstorm_cannot_take_are_errors() {
        assert!(check_param_name("listX", "labelSelector").is_ok());
        let message = check_param_name("listX", "x-foo").unwrap_err().to_string();
        assert_eq!(
            message,
            "operation listX: parameter `x-foo` is not a StackStorm parameter name (letters, digits and _ only)"
        );
        assert!(check_param_name("listX", "timeout").unwrap_err().to_string().contains("runner"));
        assert!(check_param_name("listX", ACTION_PARAM).is_err());
    }
}
