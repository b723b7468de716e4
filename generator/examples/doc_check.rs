//! Checks `doc_lines` against the real rustdoc and clippy.
//!
//! Usage: `doc_check SPEC.json OUT_DIR`. Writes a scratch library crate to `OUT_DIR` with one
//! `pub struct DocN;` per distinct description found anywhere in the spec (definitions,
//! properties, operations, parameters, responses), documented the way the emitter documents
//! items: `/// line` comments in `src/lib.rs` (what prettyplease prints) and the raw
//! `#[doc = " line"]` attributes in `src/attr.rs`. Then run in `OUT_DIR`:
//! `RUSTDOCFLAGS="-D warnings" cargo doc --no-deps`, `cargo clippy -- -D warnings` and
//! `cargo test --doc`.

#[path = "../src/emit/docs.rs"]
mod docs;

use serde_json::Value;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: doc_check SPEC.json OUT_DIR");
        return ExitCode::from(2);
    };
    match run(Path::new(spec), Path::new(out)) {
        Ok(count) => {
            println!("wrote {count} descriptions to {out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("doc_check: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(spec: &Path, out: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut found = Vec::new();
    collect(&value, &mut String::new(), &mut HashSet::new(), &mut found);

    let mut sugared = String::from("//! One item per distinct description of the spec.\n\npub mod attr;\n");
    let mut attr = String::from("//! The same items, documented with raw `#[doc]` attributes.\n");
    for (n, (pointer, description)) in found.iter().enumerate() {
        let lines = docs::doc_lines(description);
        let _ = writeln!(sugared, "\n// {pointer}");
        let _ = writeln!(attr, "\n// {pointer}");
        for line in &lines {
            if line.is_empty() {
                sugared.push_str("///\n");
                attr.push_str("#[doc = \"\"]\n");
            } else {
                let _ = writeln!(sugared, "/// {line}");
                let _ = writeln!(attr, "#[doc = {:?}]", format!(" {line}"));
            }
        }
        let _ = writeln!(sugared, "pub struct Doc{n};");
        let _ = writeln!(attr, "pub struct Doc{n};");
    }

    let manifest =
        "[package]\nname = \"doc-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n";
    let src = out.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    for (path, contents) in
        [(out.join("Cargo.toml"), manifest.to_string()), (src.join("lib.rs"), sugared), (src.join("attr.rs"), attr)]
    {
        std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(found.len())
}

/// Every string under a `description` key, with the JSON pointer where it first occurs.
/// Objects that merely have a property called `description` are walked into, not collected.
fn collect(value: &Value, pointer: &mut String, seen: &mut HashSet<String>, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match child {
                    Value::String(text) if key == "description" => {
                        if seen.insert(text.clone()) {
                            found.push((pointer.escape_debug().to_string(), text.clone()));
                        }
                    }
                    _ => collect(child, pointer, seen, found),
                }
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                let _ = write!(pointer, "/{i}");
                collect(item, pointer, seen, found);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}
