//! Fuzz target: the rule-pack loader (`qonys_law::load`) on arbitrary files must never
//! panic, and every problem it reports must name a file it was given or a required one.
//!
//! Input: segments separated by NUL bytes, each `path\ntext`. The bundled Kazakhstan pack
//! is the starting point; a segment whose path is one of its files replaces that file's
//! text, any other path adds a file. An input starting with `!` starts from no files at
//! all. Seeds (fuzz/seeds/rulepack_loader) are real pack files, so the fuzzer mutates
//! valid TOML and expressions rather than noise. A pack that loads is also assessed with
//! no facts known, which must not panic either.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn bundled() -> &'static [(String, String)] {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(qonys_law::bundled::files)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (mut files, text) = match text.strip_prefix('!') {
        Some(rest) => (Vec::new(), rest),
        None => (bundled().to_vec(), text),
    };
    for segment in text.split('\0') {
        let (path, body) = segment.split_once('\n').unwrap_or((segment, ""));
        match files.iter_mut().find(|(p, _)| p == path) {
            Some(f) => f.1 = body.to_string(),
            None => files.push((path.to_string(), body.to_string())),
        }
    }
    match qonys_law::load(&files) {
        Ok(pack) => {
            if let Some(day) = qonys_law::Date::from_ymd(2026, 6, 1) {
                let facts = qonys_law::Facts::empty(&pack);
                let _ = qonys_law::assess(&pack, &facts, day);
            }
        }
        Err(errors) => {
            let shown = errors.to_string();
            assert!(!shown.is_empty(), "a refused pack must say why");
        }
    }
});
