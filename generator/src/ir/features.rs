//! Cargo features of the emitted crate: one per API group-version (`core-v1`, `apps-v1`,
//! `rbac-v1`), gating its model module, its actions and its sensors, and enabling the features
//! of the group-versions its types and operations refer to. Modules whose types belong to no
//! single group-version (`meta/v1`, `util/intstr`) are always compiled.

use super::{Api, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// Which module needs which feature, and what each feature enables.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features {
    /// Gated model modules (`["api", "apps", "v1"]`) and their feature.
    pub models: BTreeMap<Vec<String>, String>,
    /// Gated group-version modules of the `actions` and `sensors` trees (`["apps", "v1"]`).
    pub group_versions: BTreeMap<Vec<String>, String>,
    /// Every feature with the features it enables.
    pub enables: BTreeMap<String, BTreeSet<String>>,
}

impl Features {
    /// The feature gating the group-version of an `actions` or `sensors` module path.
    pub fn of_module(&self, module: &[String]) -> Option<&str> {
        self.group_versions.get(module.get(..2)?).map(String::as_str)
    }
}

/// The emitted crate's own features, which no group-version may be named like.
const OWN_FEATURES: &[&str] = &["actions", "all-apis", "cli", "client", "default", "sensors"];

/// `apps-v1` for the module pair `["apps", "v1"]`, unique among the crate's features.
fn feature_names(pairs: BTreeSet<Vec<String>>) -> BTreeMap<Vec<String>, String> {
    let mut scope = super::names::Scope::reserving(OWN_FEATURES.iter().copied());
    pairs
        .into_iter()
        .map(|pair| {
            let name = scope.claim(&pair.join("-").replace('_', "-"), "-");
            (pair, name)
        })
        .collect()
}

pub fn features(api: &Api) -> Features {
    let mut out = Features::default();
    // Group modules as the actions tree names them; groups without operations by the same rule.
    let groups = &api.group_modules;
    // Model modules: gated when all their kinds are of one group-version.
    let mut model_pairs: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (module, types) in api.modules() {
        let gvs: BTreeSet<(&str, &str)> =
            types.iter().flat_map(|t| t.gvks.iter().map(|g| (g.group.as_str(), g.version.as_str()))).collect();
        if let ([(group, version)], false) = (gvs.iter().copied().collect::<Vec<_>>().as_slice(), module.is_empty()) {
            model_pairs.insert(module, vec![groups[*group].clone(), super::names::module_ident(version)]);
        }
    }
    let op_pairs: BTreeSet<Vec<String>> =
        api.operations.iter().filter(|op| op.module.len() >= 2).map(|op| op.module[..2].to_vec()).collect();
    let names = feature_names(op_pairs.iter().chain(model_pairs.values()).cloned().collect());
    for pair in op_pairs {
        let name = names[&pair].clone();
        out.group_versions.insert(pair, name);
    }
    for (module, pair) in model_pairs {
        out.models.insert(module, names[&pair].clone());
    }
    let module_of: BTreeMap<&str, &Vec<String>> =
        api.types.values().map(|t| (t.def_name.as_str(), &t.path.module)).collect();
    // A module always compiled cannot refer to a gated one: that one is always compiled too.
    let refs: BTreeMap<&Vec<String>, BTreeSet<&Vec<String>>> = api
        .types
        .values()
        .map(|t| (&t.path.module, t.shape.references().into_iter().filter_map(|d| module_of.get(d).copied()).collect()))
        .fold(BTreeMap::new(), |mut acc, (m, r): (_, BTreeSet<_>)| {
            acc.entry(m).or_insert_with(BTreeSet::new).extend(r);
            acc
        });
    loop {
        let ungate: Vec<Vec<String>> = refs
            .iter()
            .filter(|(m, _)| !out.models.contains_key(**m))
            .flat_map(|(_, r)| r.iter().filter(|t| out.models.contains_key(**t)).map(|t| (*t).clone()))
            .collect();
        if ungate.is_empty() {
            break;
        }
        for m in ungate {
            out.models.remove(&m);
        }
    }
    for name in out.group_versions.values().chain(out.models.values()) {
        out.enables.entry(name.clone()).or_default();
    }
    let mut enable = |from: &str, def: &str| {
        if let Some(to) = module_of.get(def).and_then(|m| out.models.get(*m)) {
            if to != from {
                out.enables.entry(from.to_string()).or_default().insert(to.clone());
            }
        }
    };
    for t in api.types.values() {
        if let Some(from) = out.models.get(&t.path.module).cloned() {
            for def in t.shape.references() {
                enable(&from, def);
            }
        }
    }
    for op in &api.operations {
        let Some(from) = op.module.get(..2).and_then(|k| out.group_versions.get(k)).cloned() else { continue };
        let types = op.params.iter().map(|p| &p.ty).chain(op.body.iter().map(|b| &b.ty));
        let mut defs: BTreeSet<&str> =
            types.chain(op.responses.iter().filter_map(|(_, t)| t.as_ref())).filter_map(TypeRef::definition).collect();
        if let Some(resource) = op.resource.as_ref().and_then(|k| api.resource(k)) {
            defs.insert(resource.type_def.as_str());
        }
        for def in defs {
            enable(&from, def);
        }
    }
    out
}
