//! Builds the IR from the loaded spec, in three steps with a module each: [`super::types`]
//! (definitions), [`super::resources`] (what the paths serve) and [`super::operations`]; then
//! where operations are emitted and which query parameter sets they share.

use super::*;
use crate::error::Result;
use crate::load::model::Spec;

/// Builds the IR of the resources `selection` names (all when empty). `spec` has had its
/// fixups applied.
pub fn build(spec: &Spec, selection: &super::filter::Selection) -> Result<Api> {
    let types = super::types::types(spec)?;
    let resources = super::resources::resources(spec, &types);
    let mut operations = super::operations::operations(spec)?;
    // One module name per API group, for actions, sensors and features alike.
    let path_groups = operations.iter().filter_map(|o| crate::vocabulary::api_prefix(&o.path)).map(|(g, _)| g);
    let kind_groups = types.values().flat_map(|t| t.gvks.iter().map(|g| g.group.as_str()));
    let group_modules = super::actions::group_modules(path_groups.chain(kind_groups));
    super::actions::assign_modules(&mut operations, &resources, &group_modules);
    let query_sets = super::actions::query_sets(&mut operations);
    let mut api = Api {
        types,
        resources,
        operations,
        fixups_applied: spec.fixups_applied.clone(),
        notes: spec.notes.clone(),
        query_sets,
        group_modules,
        param_specs: Vec::new(),
        targets: Default::default(),
        features: Default::default(),
        sensors: Default::default(),
    };
    super::filter::apply(&mut api, selection)?;
    // Names of what is emitted, among what is left; then what is decided from those names.
    api.param_specs = super::actions::name_actions(&mut api.operations);
    super::actions::targets(&mut api);
    super::operations::delete_answers_with_the_kind(&mut api);
    api.features = super::features::features(&api);
    api.sensors = super::sensors::sensors(&api);
    Ok(api)
}
