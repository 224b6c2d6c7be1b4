//! Embeds the bundled Kazakhstan rule pack (`rulepacks/kz/`) into the library, so that a
//! newcomer needs no files: every `.toml` file below the folder becomes a `(path, text)` pair.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            let rel = p
                .strip_prefix(base)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let pack_dir = manifest.join("../../rulepacks/kz");
    println!("cargo:rerun-if-changed={}", pack_dir.display());
    let mut files = Vec::new();
    collect(&pack_dir, &pack_dir, &mut files);
    files.sort();
    for (_, p) in &files {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    for d in ["", "routes", "tests", "data"] {
        println!("cargo:rerun-if-changed={}", pack_dir.join(d).display());
    }
    let mut src = String::from(
        "/// The bundled pack's files as `(path, text)` pairs.\npub const FILES: &[(&str, &str)] = &[\n",
    );
    for (rel, p) in &files {
        src.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            p.canonicalize().unwrap_or(p.clone())
        ));
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("bundled_pack.rs");
    std::fs::write(out, src).unwrap_or_else(|e| panic!("cannot write the bundled pack list: {e}"));
}
