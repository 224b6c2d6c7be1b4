//! Fuzz target: reading document dates must not panic, and an accepted date must be a real
//! day whose ISO spelling reads back as the same day.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qonys_identity::dates::{likely_day_month_swap, parse_document_date};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(d) = parse_document_date(&text) {
        let iso = d.date.to_string();
        if let Ok(back) = parse_document_date(&iso) {
            assert_eq!(back.date, d.date, "{text:?}");
        }
        if let Some(alt) = d.alternative {
            let _ = likely_day_month_swap(d.date, alt);
        }
    }
});
