//! The StackStorm pack: the API of the emitted crate as a StackStorm 3.x pack whose actions and
//! sensors run the crate's `k8s-pack` binary. One function per kind of emitted file (pack.yaml,
//! config.schema.yaml, README.md, action and sensor metadata, sensor classes, the example rule;
//! the shared Python runner and sensor base are templates copied in). It reads only the IR,
//! through [`view`].

mod actions;
mod pack_files;
mod rule;
mod sensors;
pub mod view;
pub mod yaml;

use crate::emit::FileContent;
use crate::error::{Error, Result};
use crate::ir::Api;
use std::collections::BTreeMap;

/// Python files copied as they are: (path in the pack, text). The command-line helper is in
/// both places because StackStorm puts `actions/lib` on the path of actions and a sensor's own
/// directory on the path of sensors.
pub const PYTHON: &[(&str, &str)] = &[
    ("actions/lib/k8s_pack_action.py", include_str!("../../../templates/st2/actions/lib/k8s_pack_action.py")),
    ("actions/lib/k8s_pack_cli.py", include_str!("../../../templates/st2/k8s_pack_cli.py")),
    ("sensors/k8s_pack_cli.py", include_str!("../../../templates/st2/k8s_pack_cli.py")),
    ("sensors/k8s_pack_sensor.py", include_str!("../../../templates/st2/sensors/k8s_pack_sensor.py")),
];

/// The pack's default reference.
pub const DEFAULT_PACK_NAME: &str = "kubernetes_pack";

/// What the pack is called and what it was generated from.
#[derive(Clone, Debug)]
pub struct PackInfo {
    /// The pack's reference: lowercase letters, digits and `_`.
    pub name: String,
    pub generator_version: String,
    pub spec_hash: String,
    pub spec_names: Vec<String>,
    /// The emitted crate whose `k8s-pack` binary the pack runs.
    pub crate_name: String,
}

impl PackInfo {
    /// A semantic version, as StackStorm requires: the generator's, with the spec's hash as
    /// build metadata (two specs give two versions of one generator's pack).
    pub fn version(&self) -> String {
        let hash: String = self.spec_hash.chars().take(12).collect();
        format!("{}+spec.{hash}", self.generator_version)
    }
}

/// Every file of the pack, by path relative to the pack's root, before headers are added.
pub fn emit(api: &Api, info: &PackInfo) -> Result<BTreeMap<String, FileContent>> {
    check_pack_name(&info.name)?;
    let actions = view::actions(api);
    let sensors = view::sensors(api);
    let names = sensors::names(&sensors);
    let mut files = BTreeMap::new();
    let yaml_file = |value: yaml::Yaml| FileContent::Text { text: value.render(), comment: Some("#") };
    files.insert("pack.yaml".to_string(), yaml_file(pack_files::pack_yaml(info, actions.len(), sensors.len())));
    files.insert("config.schema.yaml".to_string(), yaml_file(pack_files::config_schema()));
    let stems = actions::file_stems(&actions);
    for (action, stem) in actions.iter().zip(&stems) {
        files.insert(format!("actions/{stem}.yaml"), yaml_file(actions::action_yaml(action)?));
    }
    for (sensor, names) in sensors.iter().map(Some).chain([None]).zip(&names) {
        files.insert(format!("sensors/{}.yaml", names.trigger), yaml_file(sensors::sensor_yaml(info, sensor, names)));
        files.insert(
            format!("sensors/{}.py", names.trigger),
            FileContent::Text { text: sensors::sensor_class(info, sensor, names), comment: Some("#") },
        );
    }
    let example = rule::example_rule(info, &actions);
    files.insert(format!("rules/{}.yaml", rule::EXAMPLE_RULE), yaml_file(example));
    for (path, text) in PYTHON {
        files.insert(path.to_string(), FileContent::Text { text: text.to_string(), comment: Some("#") });
    }
    let readme = pack_files::readme(info, &actions, &sensors, &names);
    files.insert("README.md".to_string(), FileContent::Text { text: readme, comment: None });
    Ok(files)
}

/// StackStorm's pattern for a pack reference.
fn check_pack_name(name: &str) -> Result<()> {
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        return Ok(());
    }
    Err(Error::St2 {
        what: "--pack-name".into(),
        message: format!("{name:?} is not a StackStorm pack reference: use lowercase letters, digits and _"),
    })
}

/// A Python string literal of any text: ASCII only, so the file's encoding cannot matter.
fn py_str(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_names_follow_stackstorm() {
        assert!(check_pack_name("kubernetes_pack").is_ok());
        for bad in ["", "Kubernetes", "k8s-pack", "a.b", "ü"] {
            let message = check_pack_name(bad).unwrap_err().to_string();
            assert!(message.starts_with("--pack-name: "), "{message}");
        }
    }

    #[test]
    fn python_literals_escape_everything_but_printable_ascii() {
        assert_eq!(py_str("a \"b\" \\ c\n"), r#""a \"b\" \\ c\n""#);
        assert_eq!(py_str("é\u{7}😀"), r#""\xe9\x07\U0001f600""#);
    }
}
