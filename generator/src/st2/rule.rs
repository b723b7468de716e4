//! The example rule: when a `MysqlDb` custom resource is added, run an action with what the
//! trigger says of it. The workflow the pack exists for: react to a custom resource, call out.

use super::sensors::CUSTOM_RESOURCE_TRIGGER;
use super::view::ActionView;
use super::yaml::{map, s, Yaml};
use super::PackInfo;

/// The rule's name and file name.
pub const EXAMPLE_RULE: &str = "mysqldb_added";

/// The pack's own action the rule runs, when the spec has it.
const CONFIG_MAP_ACTION: &str = "createCoreV1NamespacedConfigMap";

/// `rules/mysqldb_added.yaml`, disabled: it acts on the cluster once enabled. It records each
/// new database in a ConfigMap beside it, or without ConfigMaps in the spec echoes it with
/// StackStorm's `core.echo`; a real rule would call the provisioning service instead.
pub fn example_rule(info: &PackInfo, actions: &[ActionView]) -> Yaml {
    let criterion = |pattern: &str| map([("type", s("equals")), ("pattern", s(pattern))]);
    let has_config_maps = actions.iter().any(|a| a.name == CONFIG_MAP_ACTION);
    let (description, action) = if has_config_maps {
        let body = map([
            ("apiVersion", s("v1")),
            ("kind", s("ConfigMap")),
            (
                "metadata",
                map([
                    ("name", s("mysqldb-{{ trigger.name }}")),
                    ("labels", map([("app.kubernetes.io/managed-by", s("stackstorm"))])),
                ]),
            ),
            (
                "data",
                map([("database", s("{{ trigger.namespace }}/{{ trigger.name }}")), ("uid", s("{{ trigger.uid }}"))]),
            ),
        ]);
        let action = map([
            ("ref", s(format!("{}.{CONFIG_MAP_ACTION}", info.name))),
            ("parameters", map([("namespace", s("{{ trigger.namespace }}")), ("body", body)])),
        ]);
        ("When a MysqlDb custom resource is added, record it in a ConfigMap beside it.", action)
    } else {
        let message = "MysqlDb {{ trigger.namespace }}/{{ trigger.name }} was added";
        let action = map([("ref", s("core.echo")), ("parameters", map([("message", s(message))]))]);
        ("When a MysqlDb custom resource is added, say so (the spec has no ConfigMaps to record it in).", action)
    };
    map([
        ("name", s(EXAMPLE_RULE)),
        ("pack", s(&info.name)),
        ("description", s(description)),
        ("enabled", Yaml::Bool(false)),
        ("trigger", map([("type", s(format!("{}.{CUSTOM_RESOURCE_TRIGGER}", info.name)))])),
        ("criteria", map([("trigger.event", criterion("ADDED")), ("trigger.object_kind", criterion("MysqlDb"))])),
        ("action", action),
    ])
}
