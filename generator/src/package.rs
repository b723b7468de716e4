//! The emitted crate's package name and version, checked as cargo and crates.io check them
//! before anything is generated: a name cargo would refuse is bad input, not a broken crate.

use crate::error::{Error, Result};

/// Names cargo refuses for packages, or that would clash with the emitted crate's own
/// dependencies (its code names them as `::serde`, `::http`...).
const RESERVED: &[&str] = &[
    "alloc",
    "build",
    "core",
    "deps",
    "examples",
    "incremental",
    "proc_macro",
    "std",
    "test",
    "base64",
    "bytes",
    "chrono",
    "clap",
    "form_urlencoded",
    "futures_core",
    "http",
    "http_body_util",
    "hyper",
    "hyper_rustls",
    "hyper_util",
    "percent_encoding",
    "rustls",
    "rustls_native_certs",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "serde_urlencoded",
    "strsim",
    "tokio",
    "yaml_serde",
];

/// Names Windows cannot have as files.
const WINDOWS: &[&str] = &["con", "prn", "aux", "nul"];

fn invalid(option: &'static str, message: String) -> Error {
    Error::Selection { option, message }
}

/// `--crate-name`: ASCII letters, digits, `-` and `_`, starting with a letter, at most 64
/// characters (crates.io's rule), not a Rust keyword or a reserved name.
pub fn check_name(name: &str) -> Result<()> {
    let option = "--crate-name";
    let shown = crate::load::extensions::quoted(name);
    if name.is_empty() {
        return Err(invalid(option, "the crate name is empty".into()));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(invalid(
            option,
            format!(
                "{shown} is not a valid crate name: {bad:?} is not allowed (use ASCII letters, digits, `-` and `_`)"
            ),
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(invalid(option, format!("{shown} is not a valid crate name: it must start with a letter")));
    }
    if name.len() > 64 {
        return Err(invalid(option, format!("{shown} is not a valid crate name: longer than 64 characters")));
    }
    let ident = name.replace('-', "_");
    let lower = ident.to_ascii_lowercase();
    let windows = WINDOWS.contains(&lower.as_str())
        || ["com", "lpt"].iter().any(|p| lower.strip_prefix(p).is_some_and(|n| n.len() == 1 && n != "0"));
    if crate::ir::names::is_keyword(&ident) || RESERVED.contains(&ident.as_str()) || windows {
        return Err(invalid(option, format!("{shown} cannot be used as a crate name: it is reserved")));
    }
    Ok(())
}

/// `--crate-version`: a semantic version, as cargo requires.
pub fn check_version(version: &str) -> Result<()> {
    semver::Version::parse(version).map(|_| ()).map_err(|e| {
        invalid(
            "--crate-version",
            format!("{} is not a semantic version (like 1.2.3): {e}", crate::load::extensions::quoted(version)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cargo_accepts() {
        for name in ["k8s-pack", "acme_k8s", "a", "Kube2", "my-cluster-v1-28-4"] {
            check_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn names_cargo_refuses() {
        for (name, why) in [
            ("", "empty"),
            ("ho-kubernetes-v1.28.4", "'.' is not allowed"),
            ("my pack", "' ' is not allowed"),
            ("9lives", "start with a letter"),
            ("-x", "start with a letter"),
            ("_x", "start with a letter"),
            ("x\"\nbuild = \"evil.rs", "'\"' is not allowed"),
            ("crate", "reserved"),
            ("self", "reserved"),
            ("std", "reserved"),
            ("serde", "reserved"),
            ("con", "reserved"),
            ("COM1", "reserved"),
            ("test", "reserved"),
            ("é", "'é' is not allowed"),
        ] {
            let err = check_name(name).unwrap_err().to_string();
            assert!(err.starts_with("--crate-name: ") && err.contains(why), "{name:?}: {err}");
        }
        assert!(check_name(&"a".repeat(65)).unwrap_err().to_string().contains("longer than 64"));
    }

    #[test]
    fn versions_are_semver() {
        for ok in ["0.1.0", "1.28.4", "2.0.0-rc.1+build.5"] {
            check_version(ok).unwrap();
        }
        for bad in ["", "1", "1.2", "v1.2.3", "1.2.3 ", "latest"] {
            let err = check_version(bad).unwrap_err().to_string();
            assert!(err.starts_with("--crate-version: ") && err.contains("not a semantic version"), "{bad:?}: {err}");
        }
    }
}
