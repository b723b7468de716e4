//! Writing the emitted crate: files go to a sibling directory first and replace the output
//! directory only once all are written, so a failed run never leaves a half-written or
//! clobbered output. `check` compares instead of writing.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Entries in the output directory that are not the generator's and are left alone by
/// `check` (build output of a standalone build).
const NOT_OURS: &[&str] = &["target", "Cargo.lock"];

/// Writes `files` (relative path -> text) as the whole content of `out`.
pub fn write(out: &Path, files: &BTreeMap<String, String>) -> Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|source| Error::Write { path: parent.clone(), source })?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let previous = parent.join(format!(".{name}.old-{}", std::process::id()));

    let result = write_tree(&staging, files).and_then(|()| swap(&staging, out, &previous));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(root: &Path, files: &BTreeMap<String, String>) -> Result<()> {
    if root.exists() {
        fs::remove_dir_all(root).map_err(|source| Error::Write { path: root.to_path_buf(), source })?;
    }
    for (rel, text) in files {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
        }
        fs::write(&path, text).map_err(|source| Error::Write { path: path.clone(), source })?;
    }
    Ok(())
}

/// Puts `staging` in the place of `out`, keeping the old tree until the new one is in place.
fn swap(staging: &Path, out: &Path, previous: &Path) -> Result<()> {
    let had_previous = out.exists();
    if had_previous {
        fs::rename(out, previous).map_err(|source| Error::Write { path: out.to_path_buf(), source })?;
    }
    if let Err(source) = fs::rename(staging, out) {
        if had_previous {
            let _ = fs::rename(previous, out);
        }
        return Err(Error::Write { path: out.to_path_buf(), source });
    }
    if had_previous {
        // The new tree is in place; a leftover old tree is untidy, not wrong.
        let _ = fs::remove_dir_all(previous);
    }
    Ok(())
}

/// How the output directory differs from what would be generated.
#[derive(Debug, PartialEq, Eq)]
pub enum Difference {
    Missing(String),
    Changed(String),
    Extra(String),
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing(p) => write!(f, "missing: {p}"),
            Difference::Changed(p) => write!(f, "differs: {p}"),
            Difference::Extra(p) => write!(f, "not generated: {p}"),
        }
    }
}

/// Compares `out` with `files` without writing anything.
pub fn check(out: &Path, files: &BTreeMap<String, String>) -> Result<Vec<Difference>> {
    let mut diffs = Vec::new();
    for (rel, text) in files {
        match fs::read(out.join(rel)) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => diffs.push(Difference::Changed(rel.clone())),
            Err(_) => diffs.push(Difference::Missing(rel.clone())),
        }
    }
    let mut present = Vec::new();
    list_files(out, out, &mut present)?;
    present.sort();
    for rel in present {
        if !files.contains_key(&rel) {
            diffs.push(Difference::Extra(rel));
        }
    }
    Ok(diffs)
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read { path: dir.to_path_buf(), source })?;
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        if dir == root && NOT_OURS.contains(&rel.as_str()) {
            continue;
        }
        if path.is_dir() {
            list_files(root, &path, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}
