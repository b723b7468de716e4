//! The operations a cluster serves for a custom resource, modelled on the base spec's
//! operations of the same shape (list, create, get, replace, patch, delete, watch; status and
//! scale subresources) and renamed for the resource.

use super::names::Names;
use super::{crd_error, spell};
use crate::error::Result;
use crate::load::model::*;
use crate::vocabulary::ResourcePath;

/// The custom resource one version's operations are built for.
pub(super) struct Target<'a> {
    pub(super) names: &'a Names,
    /// The group as operationIds spell it.
    pub(super) spelling: &'a str,
    pub(super) version: &'a str,
    pub(super) gvk: Gvk,
    pub(super) def_name: String,
    pub(super) list_name: String,
    pub(super) origin: Origin,
}

/// One operation to build: which base operation it is modelled on and what it is called.
struct OpShape {
    action: Action,
    method: &'static str,
    has_name: bool,
    subresource: Option<&'static str>,
    watch_prefix: bool,
    /// The all-namespaces list of a namespaced resource.
    all_namespaces: bool,
    /// operationId: verb, then what goes between the group-version and `Namespaced`, then the suffix.
    verb: &'static str,
    infix: &'static str,
    suffix: &'static str,
    /// Left out when the base spec has no such operation (deprecated `/watch/` paths).
    optional: bool,
}

const fn shape(
    action: Action,
    method: &'static str,
    has_name: bool,
    verb: &'static str,
    infix: &'static str,
    suffix: &'static str,
) -> OpShape {
    OpShape {
        action,
        method,
        has_name,
        subresource: None,
        watch_prefix: false,
        all_namespaces: false,
        verb,
        infix,
        suffix,
        optional: false,
    }
}

pub(super) fn operations(target: &Target, status: bool, scale: bool, base: &Spec) -> Result<Vec<Operation>> {
    let mut shapes = vec![
        shape(Action::List, "get", false, "list", "", ""),
        shape(Action::Post, "post", false, "create", "", ""),
        shape(Action::DeleteCollection, "delete", false, "delete", "Collection", ""),
        shape(Action::Get, "get", true, "read", "", ""),
        shape(Action::Put, "put", true, "replace", "", ""),
        shape(Action::Patch, "patch", true, "patch", "", ""),
        shape(Action::Delete, "delete", true, "delete", "", ""),
        OpShape { watch_prefix: true, optional: true, ..shape(Action::WatchList, "get", false, "watch", "", "List") },
        OpShape { watch_prefix: true, optional: true, ..shape(Action::Watch, "get", true, "watch", "", "") },
    ];
    if target.names.namespaced {
        shapes.push(OpShape {
            all_namespaces: true,
            ..shape(Action::List, "get", false, "list", "", "ForAllNamespaces")
        });
        shapes.push(OpShape {
            all_namespaces: true,
            watch_prefix: true,
            optional: true,
            ..shape(Action::WatchList, "get", false, "watch", "", "ListForAllNamespaces")
        });
    }
    for (sub, suffix) in [(status.then_some("status"), "Status"), (scale.then_some("scale"), "Scale")] {
        let Some(sub) = sub else { continue };
        for (action, method, verb) in
            [(Action::Get, "get", "read"), (Action::Put, "put", "replace"), (Action::Patch, "patch", "patch")]
        {
            shapes.push(OpShape { subresource: Some(sub), ..shape(action, method, true, verb, "", suffix) });
        }
    }
    let mut ops = Vec::new();
    for s in &shapes {
        match template(base, s) {
            Some(t) => ops.push(build_op(target, s, t)),
            None if s.optional => {}
            None => {
                return Err(crd_error(
                    &target.origin,
                    format!(
                        "the base spec has no {} operation{} to model the custom resource's on; pass a Kubernetes cluster's spec with --spec",
                        s.action,
                        s.subresource.map(|r| format!(" of a /{r} subresource")).unwrap_or_default()
                    ),
                ))
            }
        }
    }
    Ok(ops)
}

/// The first base operation of the same shape (operations are sorted by path).
fn template<'b>(base: &'b Spec, s: &OpShape) -> Option<&'b Operation> {
    base.operations.iter().find(|op| {
        op.action == Some(s.action)
            && op.method == s.method
            && op.gvk.is_some()
            && ResourcePath::parse(&op.path).is_ok_and(|p| {
                p.is_named() == s.has_name
                    && p.subresource.as_deref() == s.subresource
                    && p.legacy_watch == s.watch_prefix
                    && p.rest.is_empty()
            })
    })
}

fn build_op(target: &Target, s: &OpShape, t: &Operation) -> Operation {
    let names = target.names;
    let namespaced = names.namespaced && !s.all_namespaces;
    let template_kind = t.gvk.as_ref().map(|g| g.kind.clone()).unwrap_or_default();
    // The scale subresource speaks autoscaling/v1 Scale, whatever the resource.
    let speaks_own_kind = s.subresource != Some("scale");

    let path = ResourcePath {
        legacy_watch: s.watch_prefix,
        name_param: s.has_name.then(|| "name".to_string()),
        subresource: s.subresource.map(str::to_string),
        ..ResourcePath::of_collection(&names.group, target.version, namespaced, &names.plural)
    }
    .to_string();
    let id = format!(
        "{}{}{}{}{}{}{}",
        s.verb,
        target.spelling,
        spell(target.version),
        s.infix,
        if namespaced { "Namespaced" } else { "" },
        names.kind,
        s.suffix
    );
    let rename = |text: &str| replace_word(text, &template_kind, &names.kind);
    let mut parameters: Vec<Parameter> = Vec::new();
    for p in &t.parameters {
        if p.location != ParamLocation::Path {
            parameters.push(p.clone());
        }
    }
    let path_param = |name: &str, doc: &str| {
        let mut p =
            t.parameters.iter().find(|p| p.location == ParamLocation::Path && p.name == name).cloned().unwrap_or(
                Parameter {
                    name: name.to_string(),
                    location: ParamLocation::Path,
                    required: true,
                    description: None,
                    schema: Schema::new(target.origin.clone(), SchemaKind::String { format: None }),
                    unique_items: true,
                },
            );
        p.description = Some(doc.to_string());
        p
    };
    if s.has_name {
        parameters.push(path_param("name", &format!("name of the {}", names.kind)));
    }
    if namespaced {
        parameters.push(path_param("namespace", "object name and auth scope, such as for teams and projects"));
    }
    parameters.sort_by(|a, b| (a.location, &a.name).cmp(&(b.location, &b.name)));

    let template_gvk = t.gvk.clone();
    let swap = |schema: &Schema| -> Schema {
        let mut schema = schema.clone();
        if speaks_own_kind {
            retarget(&mut schema, template_gvk.as_ref(), target);
        }
        schema
    };
    let body = t.body.as_ref().map(|b| Body { schema: swap(&b.schema), ..b.clone() });
    let responses = t
        .responses
        .iter()
        .map(|r| Response {
            schema: r.schema.as_ref().map(&swap),
            description: r.description.clone(),
            status: r.status.clone(),
        })
        .collect();
    let group_tag = target.spelling;
    let mut tag = group_tag[..1].to_ascii_lowercase();
    tag.push_str(&group_tag[1..]);
    Operation {
        origin: target.origin.clone(),
        id,
        method: s.method.to_string(),
        path,
        description: t.description.as_deref().map(rename),
        tags: vec![format!("{tag}_{}", target.version)],
        deprecated: t.deprecated,
        action: t.action,
        inferred: false,
        gvk: if speaks_own_kind { Some(target.gvk.clone()) } else { t.gvk.clone() },
        parameters,
        body,
        responses,
        produces: t.produces.clone(),
    }
}

/// Points a template's references to its own kind and list kind at the custom resource's.
fn retarget(schema: &mut Schema, template: Option<&Gvk>, target: &Target) {
    let Some(template) = template else { return };
    match &mut schema.kind {
        SchemaKind::Ref(name) => {
            let own = format!(".{}.{}", template.version, template.kind);
            if name.ends_with(&own) {
                *name = target.def_name.clone();
            } else if name.ends_with(&format!("{own}List")) {
                *name = target.list_name.clone();
            }
        }
        SchemaKind::Array { items } => retarget(items, Some(template), target),
        _ => {}
    }
}

/// Replaces `from` where it stands as a whole word.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + from.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(&rest[..i]);
        out.push_str(if word(before) || word(after) { from } else { to });
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_replaced_whole() {
        assert_eq!(replace_word("list objects of kind Pod", "Pod", "MysqlDb"), "list objects of kind MysqlDb");
        assert_eq!(replace_word("read the specified PodTemplate", "Pod", "X"), "read the specified PodTemplate");
    }
}
