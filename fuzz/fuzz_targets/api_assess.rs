//! Fuzz target: the body of `POST /api/v1/assess`, through the same pure steps the
//! handler (`qonys_web::api::assess_json`) takes after HTTP — UTF-8 check,
//! `CaseFile::parse_json`, binding to the bundled pack, assessment and the JSON report in
//! the requested language — without the HTTP stack. Must never panic, and every report
//! must serialise.
//!
//! Input: the first byte picks the language (en / ru / kk / the case's own) and nudges
//! the as-of date; the rest is the body.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use qonys_i18n::Messages;
use qonys_i18n::report::assessment_report;
use qonys_law::{CaseFile, Date, Lang, Pack};

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| qonys_law::bundled::load().expect("the bundled pack loads"))
}

fn messages() -> &'static Messages {
    static M: OnceLock<Messages> = OnceLock::new();
    M.get_or_init(Messages::new)
}

fuzz_target!(|data: &[u8]| {
    let Some((&head, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let Ok(case) = CaseFile::parse_json(text) else {
        return;
    };
    let pack = pack();
    let Ok(facts) = case.bind(pack) else {
        return;
    };
    let lang = match head % 4 {
        0 => Some(Lang::En),
        1 => Some(Lang::Ru),
        2 => Some(Lang::Kk),
        _ => None,
    }
    .or(case.meta.language)
    .unwrap_or(Lang::En);
    let Some(base) = Date::from_ymd(2024, 1, 1) else {
        return;
    };
    let as_of = Date::from_day_number(base.day_number() + i32::from(head) * 11);
    let a = qonys_law::assess(pack, &facts, as_of);
    let report = assessment_report(pack, &a, messages(), lang);
    serde_json::to_string(&report).expect("a report serialises");
});
