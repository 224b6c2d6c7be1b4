//! Reading a rule pack folder from disk (the core never reads files itself), or taking the
//! bundled pack when no `--pack` is given.

use std::path::Path;

use anyhow::{Context, Result, bail};
use qonys_law::Pack;

fn collect(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    for e in entries {
        let p = e?.path();
        if p.is_dir() {
            collect(&p, base, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            let rel = p
                .strip_prefix(base)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            out.push((rel, text));
        }
    }
    Ok(())
}

/// The files of a pack folder as `(relative path, text)` pairs.
pub fn read_pack_dir(dir: &Path) -> Result<Vec<(String, String)>> {
    if !dir.is_dir() {
        bail!(
            "{} is not a folder; --pack takes the folder of a rule pack (it holds pack.toml)",
            dir.display()
        );
    }
    let mut files = Vec::new();
    collect(dir, dir, &mut files)?;
    files.sort();
    Ok(files)
}

/// Loads the pack at `path`, or the bundled one.
pub fn load_pack(path: Option<&Path>) -> Result<Pack> {
    let (files, name) = match path {
        Some(p) => (read_pack_dir(p)?, p.display().to_string()),
        None => (
            qonys_law::bundled::files(),
            "the bundled rule pack".to_string(),
        ),
    };
    match qonys_law::load(&files) {
        Ok(p) => Ok(p),
        Err(errors) => {
            let prefix = path
                .map(|p| format!("{}/", p.display()))
                .unwrap_or_default();
            let mut msg = format!("{name} is invalid ({} problem(s)):", errors.0.len());
            for e in &errors.0 {
                msg.push_str(&format!("\n  {prefix}{e}"));
            }
            bail!(msg)
        }
    }
}
