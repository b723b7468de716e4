//! Operations: every HTTP operation with its Rust name, typed parameters, body and responses,
//! and the resource, subresource and verb its path and action say it works on.

use super::names::{dedupe_in, snake_ident, Scope};
use super::types::operation_type;
use super::*;
use crate::error::{Error, Result};
use crate::load::extensions::quoted;
use crate::load::model::{self, Spec};
use crate::vocabulary::api_prefix;
use std::collections::BTreeMap;

pub fn operations(spec: &Spec) -> Result<Vec<Operation>> {
    let mut ops = Vec::new();
    let mut seen: BTreeMap<&str, &model::Origin> = BTreeMap::new();
    for op in &spec.operations {
        if let Some(first) = seen.insert(op.id.as_str(), &op.origin) {
            return Err(Error::Unsupported {
                origin: op.origin.clone(),
                message: format!("operationId {} is used twice (first at {first})", quoted(&op.id)),
            });
        }
        let path = ResourcePath::parse(&op.path).ok();
        let (group, version) = api_prefix(&op.path).unwrap_or_default();
        let mut params = op
            .parameters
            .iter()
            .map(|p| {
                Ok(Param {
                    wire: p.name.clone(),
                    ident: String::new(),
                    location: p.location,
                    ty: operation_type(spec, &p.schema)?,
                    required: p.required || p.location == ParamLocation::Path,
                    doc: p.description.clone(),
                    spec: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let pieces = path_pieces(&op.path, &mut params);
        name_params(&mut params);
        let body = match &op.body {
            Some(b) => Some(BodyDef {
                ty: operation_type(spec, &b.schema)?,
                required: b.required,
                media_types: b.media_types.clone(),
            }),
            None => None,
        };
        let responses = op
            .responses
            .iter()
            .map(|r| Ok((r.status.clone(), r.schema.as_ref().map(|s| operation_type(spec, s)).transpose()?)))
            .collect::<Result<Vec<_>>>()?;
        let patch_check = (op.method == "patch" && body.is_some()).then(|| patch_check(&params));
        let pieces = pieces
            .into_iter()
            .map(|piece| match piece {
                Piece::Literal(text) => PathPiece::Literal(text),
                Piece::Param(wire) => {
                    let ident = params.iter().find(|p| p.location == ParamLocation::Path && p.wire == wire);
                    PathPiece::Param { ident: ident.map(|p| p.ident.clone()).unwrap_or_default(), wire }
                }
            })
            .collect::<Vec<_>>();
        let mut path_params: Vec<String> = Vec::new();
        for piece in &pieces {
            if let PathPiece::Param { ident, .. } = piece {
                if !path_params.contains(ident) {
                    path_params.push(ident.clone());
                }
            }
        }
        let success =
            ["200", "201", "202"].iter().find_map(|s| responses.iter().find(|(status, _)| status == s)?.1.clone());
        ops.push(Operation {
            id: op.id.clone(),
            ident: snake_ident(&op.id),
            static_name: String::new(),
            path_pieces: pieces,
            path_params,
            patch_check,
            method: op.method.clone(),
            path: op.path.clone(),
            doc: op.description.clone(),
            action: op.action,
            verb: match (&path, op.action) {
                (Some(path), Some(action)) => action.verb(path.is_named(), &op.method),
                _ => Verb::of_method(&op.method),
            },
            group: group.to_string(),
            version: version.unwrap_or_default().to_string(),
            gvk: op.gvk.clone(),
            resource: path.as_ref().map(ResourceKey::of),
            subresource: path.as_ref().and_then(|p| p.subresource.clone()),
            legacy_watch_path: path.as_ref().is_some_and(|p| p.legacy_watch),
            params,
            body,
            responses,
            success,
            produces: op.produces.clone(),
            deprecated: op.deprecated,
            module: Vec::new(),
            query: None,
            shared_target: false,
        });
    }
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(ops)
}

/// A piece of a path template while its parameters are named.
enum Piece {
    Literal(String),
    /// A placeholder, by wire name.
    Param(String),
}

/// The path template as literals and placeholders. A placeholder the operation declares no
/// parameter for gets one (a required string), so the request builder can still be called.
fn path_pieces(path: &str, params: &mut Vec<Param>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        if start > 0 {
            pieces.push(Piece::Literal(rest[..start].to_string()));
        }
        let wire = rest[start + 1..start + len].to_string();
        if !params.iter().any(|p| p.location == ParamLocation::Path && p.wire == wire) {
            params.push(Param {
                wire: wire.clone(),
                ident: String::new(),
                location: ParamLocation::Path,
                ty: TypeRef::String,
                required: true,
                doc: None,
                spec: None,
            });
        }
        pieces.push(Piece::Param(wire));
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest.to_string()));
    }
    params.sort_by(|a, b| (a.location, &a.wire).cmp(&(b.location, &b.wire)));
    pieces
}

/// Rust names of the parameters. Path parameters become the request builder's arguments, beside
/// its own `body` and `query`; query parameters become fields of its query struct.
fn name_params(params: &mut [Param]) {
    for (location, reserved) in
        [(ParamLocation::Path, &["body", "query"][..]), (ParamLocation::Query, &[]), (ParamLocation::Header, &[])]
    {
        let at: Vec<usize> = (0..params.len()).filter(|&i| params[i].location == location).collect();
        let candidates: Vec<(String, String)> =
            at.iter().map(|&i| (params[i].wire.clone(), snake_ident(&params[i].wire))).collect();
        let idents = dedupe_in(Scope::reserving(reserved.iter().copied()), &candidates, "_");
        for (i, ident) in at.into_iter().zip(idents) {
            params[i].ident = ident;
        }
    }
}

/// What a patch request builder checks before sending: `force` only with apply patches and
/// apply only with a field manager, through the query fields the operation has for them.
fn patch_check(params: &[Param]) -> PatchCheck {
    let field = |wire: &str, ty: TypeRef| {
        params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.wire == wire && p.ty == ty)
            .map(|p| p.ident.clone())
    };
    PatchCheck { force: field("force", TypeRef::Bool), field_manager: field("fieldManager", TypeRef::String) }
}

/// A delete of a resource itself answers with its kind (or a Status), whatever the spec
/// declares.
pub fn delete_answers_with_the_kind(api: &mut Api) {
    let kinds: Vec<Option<String>> = api
        .operations
        .iter()
        .map(|op| {
            let delete = op.action == Some(Action::Delete) && op.subresource.is_none() && op.success.is_some();
            let key = op.resource.as_ref().filter(|_| delete)?;
            Some(api.resource(key)?.type_def.clone())
        })
        .collect();
    for (op, kind) in api.operations.iter_mut().zip(kinds) {
        if let Some(kind) = kind {
            op.success = Some(TypeRef::Named(kind));
        }
    }
}
