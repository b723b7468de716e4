//! Sensor metadata and classes: one sensor per watchable resource, each with its own trigger,
//! and one following custom resources as their definitions appear (trigger `custom_resource`).
//! Each class is a few lines over the shared base, `sensors/k8s_pack_sensor.py`.

use super::view::SensorView;
use super::yaml::{map, s, strings, Yaml};
use super::{py_str, PackInfo};
use heck::ToUpperCamelCase;

/// The trigger of the custom resource sensor.
pub const CUSTOM_RESOURCE_TRIGGER: &str = "custom_resource";

const CLASS_TEMPLATE: &str = include_str!("../../../templates/st2/sensors/sensor.py.in");

/// A sensor's names in the pack: its trigger (also its files' name) and its class.
pub struct SensorNames {
    pub trigger: String,
    pub class_name: String,
}

/// The names of every sensor, then of the custom resource sensor: `core/v1/secrets` is
/// `core_v1_secrets` and `CoreV1SecretsSensor`, unique across groups; a name two sensors would
/// share is numbered for the one that sorts later.
pub fn names(sensors: &[SensorView]) -> Vec<SensorNames> {
    // The custom resource trigger's key sorts first, so it always keeps its name.
    let mut items = vec![(String::new(), CUSTOM_RESOURCE_TRIGGER.to_string())];
    items.extend(sensors.iter().map(|v| (v.name.clone(), crate::ir::names::module_ident(&v.name))));
    let mut triggers = crate::ir::names::dedupe(&items, "_");
    let custom = triggers.remove(0);
    triggers.push(custom);
    // Distinct triggers can still meet as classes (`a_b` and `ab` are both `AB`).
    let classes: Vec<(String, String)> =
        triggers.iter().map(|t| (t.clone(), format!("{}Sensor", t.to_upper_camel_case()))).collect();
    let classes = crate::ir::names::dedupe(&classes, "");
    triggers.into_iter().zip(classes).map(|(trigger, class_name)| SensorNames { trigger, class_name }).collect()
}

/// `sensors/<trigger>.yaml`: the class, its trigger and the trigger's payload. `sensor` is
/// `None` for the custom resource sensor. Disabled until enabled: each runs a process and a
/// watch, and a cluster has a hundred resources.
pub fn sensor_yaml(info: &PackInfo, sensor: Option<&SensorView>, names: &SensorNames) -> Yaml {
    let (description, trigger_description) = match sensor {
        Some(v) => (
            format!(
                "Watches {} {} objects ({}; `k8s-pack sense {}`).",
                v.api_version,
                v.kind,
                if v.namespaced { "every namespace, or sensor_namespace" } else { "cluster-scoped" },
                v.name
            ),
            format!("A {} was added, modified or deleted.", v.kind),
        ),
        None => (
            "Follows custom resources: watches CustomResourceDefinitions and every custom resource kind they \
             define (custom_resource_groups and custom_resource_kinds narrow it), as they appear and go \
             (`k8s-pack sense --custom-resources`)."
                .to_string(),
            "A custom resource was added, modified or deleted.".to_string(),
        ),
    };
    map([
        ("class_name", s(&names.class_name)),
        ("entry_point", s(format!("{}.py", names.trigger))),
        ("description", s(description)),
        ("enabled", Yaml::Bool(false)),
        (
            "trigger_types",
            Yaml::Seq(vec![map([
                ("name", s(&names.trigger)),
                ("pack", s(&info.name)),
                ("description", s(trigger_description)),
                ("payload_schema", payload_schema(sensor)),
            ])]),
        ),
    ])
}

/// The schema of what `k8s-pack sense` prints for a change (`Trigger::payload` in the crate's
/// runtime), with StackStorm's `required: true`.
fn payload_schema(sensor: Option<&SensorView>) -> Yaml {
    let field = |json_type: Yaml, required: bool, description: &str| {
        map([("type", json_type), ("required", Yaml::Bool(required)), ("description", s(description))])
    };
    let text = |required, description: &str| field(s("string"), required, description);
    let text_or_null = |description: &str| field(strings(["string", "null"]), true, description);
    let (resource, kind, object) = match sensor {
        Some(v) => (
            format!("The sensor: {}.", v.name),
            format!("The object's kind: {}.", v.kind),
            if v.secret {
                "The whole object; its secret values (data, stringData, the last-applied annotation) only with \
                 the config's include_secrets."
            } else {
                "The whole object."
            },
        ),
        None => (
            "The custom resource: group/version/plural, e.g. example.com/v1/mysqldbs.".to_string(),
            "The object's kind, e.g. MysqlDb.".to_string(),
            "The whole object.",
        ),
    };
    let event = map([
        ("type", s("string")),
        ("required", Yaml::Bool(true)),
        ("enum", strings(["ADDED", "MODIFIED", "DELETED"])),
        ("description", s("What happened: a DELETED trigger carries the object's last known state.")),
    ]);
    map([
        ("type", s("object")),
        (
            "properties",
            map([
                ("event", event),
                ("resource", text(true, &resource)),
                ("name", text_or_null("metadata.name.")),
                ("namespace", text_or_null("metadata.namespace; null for cluster-scoped objects.")),
                ("uid", text_or_null("metadata.uid: another uid under the same name is another object.")),
                ("resource_version", text(true, "metadata.resourceVersion of this state of the object.")),
                ("labels", field(s("object"), true, "metadata.labels ({} when there are none).")),
                ("object_kind", text(true, &kind)),
                ("spec", map([("required", Yaml::Bool(true)), ("description", s("The object's spec, or null."))])),
                ("object", field(s("object"), true, object)),
            ]),
        ),
    ])
}

/// `sensors/<trigger>.py`: the class StackStorm loads, over the shared base.
pub fn sensor_class(info: &PackInfo, sensor: Option<&SensorView>, names: &SensorNames) -> String {
    let trigger = format!("{}.{}", info.name, names.trigger);
    let (doc, sense, namespaced) = match sensor {
        Some(v) => (
            format!("Dispatches {trigger} for every change of a {} (`k8s-pack sense {}`).", v.kind, v.name),
            py_str(&v.name),
            v.namespaced,
        ),
        None => (format!("Dispatches {trigger} for every change of a custom resource."), "None".to_string(), true),
    };
    CLASS_TEMPLATE
        .replace("{{class_name}}", &names.class_name)
        .replace("{{doc}}", &py_str(&doc))
        .replace("{{sensor}}", &sense)
        .replace("{{trigger}}", &py_str(&trigger))
        .replace("{{namespaced}}", if namespaced { "True" } else { "False" })
}
