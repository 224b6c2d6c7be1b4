//! Fuzz target: case files (TOML and JSON) — `CaseFile::parse`, `parse_toml`,
//! `parse_json`, then binding the facts and documents to the bundled pack — must never
//! panic. A case file that parses and binds is assessed, and its TOML rendering
//! (`to_toml`) must parse again to the same answers.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use qonys_law::{CaseFile, Pack};

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| qonys_law::bundled::load().expect("the bundled pack loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let pack = pack();
    let parsed = [
        CaseFile::parse(text),
        CaseFile::parse_toml(text),
        CaseFile::parse_json(text),
    ];
    for case in parsed.into_iter().flatten() {
        for (i, d) in case.documents.iter().enumerate() {
            let _ = d.bind(pack, i);
        }
        let Ok(facts) = case.bind(pack) else {
            continue;
        };
        if let Some(day) = qonys_law::Date::from_ymd(2026, 6, 1) {
            let _ = qonys_law::assess(pack, &facts, day);
        }
        let rendered = case.to_toml(pack);
        let again = CaseFile::parse_toml(&rendered)
            .unwrap_or_else(|e| panic!("to_toml output does not parse: {e}\n{rendered}"));
        assert_eq!(again.facts, case.facts, "{rendered}");
    }
});
