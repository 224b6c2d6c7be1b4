//! Fuzz target: name parsing, comparison and transliteration must not panic on any text.
//! The first byte chooses where the input is split into the passport's name and the other
//! document's name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qonys_identity::names::{PersonName, compare, compare_strings};
use qonys_identity::translit::{self, System};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    for system in System::ALL {
        let _ = translit::transliterate(&text, system);
    }
    let _ = translit::variants(&text);
    let _ = translit::script_of(&text);
    let at = text
        .char_indices()
        .map(|(i, _)| i)
        .nth(usize::from(split))
        .unwrap_or(text.len());
    let (a, b) = text.split_at(at);
    let _ = compare_strings(a, b);
    if let Ok(name) = PersonName::parse(a) {
        let same = compare(&name, &name);
        assert!(
            same.findings
                .iter()
                .all(|f| f.kind == qonys_identity::names::FindingKind::MixedScript),
            "{name:?}"
        );
    }
});
