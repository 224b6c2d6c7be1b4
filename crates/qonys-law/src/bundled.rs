//! The Kazakhstan rule pack, embedded at build time from `rulepacks/kz/` (see `build.rs`).
//! Loading it is still a real load: it is validated like any pack given with `--pack`.

mod files {
    include!(concat!(env!("OUT_DIR"), "/bundled_pack.rs"));
}

/// The bundled pack's files as owned `(path, text)` pairs.
pub fn files() -> Vec<(String, String)> {
    files::FILES
        .iter()
        .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
        .collect()
}

/// Loads the bundled pack.
pub fn load() -> Result<crate::Pack, crate::pack::LoadErrors> {
    crate::pack::load(&files())
}
