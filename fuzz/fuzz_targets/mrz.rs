//! Fuzz target: `Mrz::parse` on arbitrary text must not panic, and any zone it accepts
//! must render back (`to_lines`) into a zone that parses to the same fields with every
//! check digit valid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qonys_identity::mrz::{Mrz, StatedIdentity};
use qonys_time::Date;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(reference) = Date::from_ymd(2026, 11, 25) else {
        return;
    };
    let Ok(mrz) = Mrz::parse(text, reference) else {
        return;
    };
    let _ = mrz.compare(&StatedIdentity {
        surname: Some(text.chars().take(20).collect()),
        given_names: Some("Иван".into()),
        birth_date: Some(reference),
        ..StatedIdentity::default()
    });
    let rendered = mrz.to_lines().join("\n");
    let again = Mrz::parse(&rendered, reference).expect("a rendered MRZ parses");
    assert!(
        again.checks_ok(),
        "rendered MRZ has bad check digits: {rendered}"
    );
    assert_eq!(again.surname, mrz.surname, "{rendered}");
    assert_eq!(again.given_names, mrz.given_names, "{rendered}");
    assert_eq!(again.document_number, mrz.document_number, "{rendered}");
    assert_eq!(again.birth_date, mrz.birth_date, "{rendered}");
    assert_eq!(again.expiry_date, mrz.expiry_date, "{rendered}");
});
