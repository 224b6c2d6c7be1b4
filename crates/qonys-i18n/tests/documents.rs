//! Document checklists for every route in English, Russian and Kazakh, as text and as
//! printable HTML, and the consistency-check messages: every sentence comes from the
//! catalogue (no raw message ids), the HTML is standalone (no script, nothing fetched, a
//! language attribute, print rules, one box to tick per document).

use qonys_i18n::Messages;
use qonys_i18n::check::check_report;
use qonys_i18n::checklist::{checklist_report, render_html, render_text};
use qonys_law::documents::{check::check, checklist::checklist};
use qonys_law::{CaseFile, Date, Lang, bundled};

const PLANTED: &str = include_str!("../../../examples/documents-planted-defects.toml");

fn filing() -> Date {
    Date::from_ymd(2026, 7, 1).expect("date")
}

#[test]
fn checklists_for_every_route_in_every_language_read_well() {
    let pack = bundled::load().expect("pack");
    let m = Messages::new();
    let case = CaseFile::parse(PLANTED).expect("case");
    let facts = case.bind(&pack).expect("facts");
    for (ri, route) in pack.routes.iter().enumerate() {
        let list = checklist(&pack, &facts, &case.documents, ri, filing());
        assert!(!list.items.is_empty(), "{} has documents", route.id);
        for lang in Lang::ALL {
            let r = checklist_report(&pack, &list, &m, lang);
            let text = render_text(&r, &m, lang);
            let html = render_html(&r, &m, lang);
            assert!(text.contains(route.name.get(lang)), "{} {lang:?}", route.id);
            for it in &r.items {
                assert!(
                    text.contains(&it.why),
                    "{}: why of {}",
                    route.id,
                    it.document
                );
                assert!(html.contains(&qonys_i18n::checklist::escape(&it.why)));
            }
            for out in [&text, &html] {
                for raw in ["checklist-", "treaty-", "formality-reason-", "{ $", "{$"] {
                    assert!(
                        !out.contains(raw),
                        "{} {lang:?}: raw {raw:?} in output",
                        route.id
                    );
                }
            }
            assert!(html.starts_with("<!DOCTYPE html>"));
            assert!(html.contains(&format!("<html lang=\"{}\">", lang.code())));
            assert!(html.contains("@media print"));
            assert_eq!(
                html.matches("type=\"checkbox\"").count(),
                r.items.len(),
                "one box per document"
            );
            for banned in ["<script", "<link", "<img", "@import", "url(", "src="] {
                assert!(!html.contains(banned), "{banned} in the HTML");
            }
        }
    }
}

#[test]
fn russian_and_kazakh_checklists_are_in_their_language() {
    let pack = bundled::load().expect("pack");
    let m = Messages::new();
    let case = CaseFile::parse("[facts]\ncitizenship = \"DE\"\n").expect("case");
    let facts = case.bind(&pack).expect("facts");
    let pr = pack.route_idx("permanent_residence").expect("route");
    let list = checklist(&pack, &facts, &case.documents, pr, filing());
    let ru = render_text(&checklist_report(&pack, &list, &m, Lang::Ru), &m, Lang::Ru);
    assert!(ru.contains("Справка о несудимости — обязательно"), "{ru}");
    assert!(
        ru.contains("из страны «Германия»: апостиль (конвенция действует с 30 января 2001 г.)"),
        "{ru}"
    );
    assert!(ru.contains("выдан не ранее 2 января 2026 г."), "{ru}");
    let kk = render_text(&checklist_report(&pack, &list, &m, Lang::Kk), &m, Lang::Kk);
    assert!(
        kk.contains("Соттылығының жоқтығы туралы анықтама — қажет"),
        "{kk}"
    );
    assert!(kk.contains("«Германия» елінен: апостиль"), "{kk}");
    let en = render_text(&checklist_report(&pack, &list, &m, Lang::En), &m, Lang::En);
    assert!(en.contains("from Germany: apostille (the Convention applies since 30 January 2001) (presumed from your citizenship)"), "{en}");
    assert!(
        en.contains("Bank certificate of solvency — may be needed — tell us: ethnic Kazakh"),
        "{en}"
    );
    assert!(
        en.contains(
            "Notarised consent of a child aged 14–18 — may be needed — tell us: date of birth"
        ),
        "{en}"
    );
}

#[test]
fn every_finding_code_has_a_message_in_every_language() {
    let m = Messages::new();
    let codes = [
        "name.case",
        "name.diacritics",
        "name.hyphen_apostrophe",
        "name.transliteration",
        "name.cyrillic_spelling",
        "name.gendered_surname",
        "name.order_swapped",
        "name.patronymic_missing",
        "name.patronymic_extra",
        "name.given_name_missing",
        "name.given_name_extra",
        "name.initials",
        "name.mixed_script",
        "name.typo",
        "name.different",
        "name.unreadable",
        "mrz.unreadable",
        "mrz.check_digit",
        "mrz.field_invalid",
        "mrz.mismatch",
        "date.dob_ambiguous",
        "date.dob_swap",
        "date.dob_mismatch",
        "date.issued_after_filing",
        "date.issue_after_expiry",
        "date.event_after_filing",
        "date.issued_before_event",
        "date.event_before_birth",
        "date.issued_before_birth",
        "date.expired",
        "date.stale",
        "date.validity_too_short",
        "formality.country_unknown",
        "formality.apostille_missing",
        "formality.legalisation_missing",
        "formality.unverified",
        "formality.translation_missing",
        "formality.language_unknown",
    ];
    let source = include_str!("../../qonys-law/src/documents/check.rs");
    for code in codes {
        for lang in Lang::ALL {
            let id = format!("check-{}", code.replace('.', "-"));
            assert!(m.has(lang, &id), "{id} in {}", lang.code());
        }
        if !code.starts_with("name.") || code == "name.unreadable" {
            assert!(
                source.contains(&format!("\"{code}\"")),
                "{code} is produced by the check"
            );
        }
    }
}

#[test]
fn planted_defects_render_in_three_languages() {
    let pack = bundled::load().expect("pack");
    let m = Messages::new();
    let case = CaseFile::parse(PLANTED).expect("case");
    let facts = case.bind(&pack).expect("facts");
    let pr = pack.route_idx("permanent_residence");
    let findings = check(&pack, &facts, &case.documents, filing(), pr);
    for lang in Lang::ALL {
        let r = check_report(&pack, &case.documents, &findings, filing(), &m, lang);
        assert_eq!((r.errors, r.warnings, r.infos), (4, 2, 0));
        for f in &r.findings {
            assert!(!f.message.starts_with("check-"), "{}", f.message);
            assert!(!f.message.contains("{ $"), "{}", f.message);
        }
        let text = qonys_i18n::check::render_text(&r, &m, lang);
        assert!(text.contains("document[2].issue_date"));
    }
    let ru = check_report(&pack, &case.documents, &findings, filing(), &m, Lang::Ru);
    let stale = ru
        .findings
        .iter()
        .find(|f| f.code == "date.stale")
        .expect("stale");
    assert_eq!(
        stale.message,
        "Выдан 20 ноября 2025 г.: на дату подачи ему 223 дн., а для основания «Постоянное проживание (ПМЖ)» допускается не более 180; нужен документ, выданный не ранее 2 января 2026 г."
    );
}
