//! The plan report rendered in three languages from the library (no CLI): the Nauryz
//! explanation, localized date ranges, plural forms and the iCalendar events.

use qonys_i18n::Messages;
use qonys_i18n::plan::{plan_calendar, plan_report, render_plan_text, short_range};
use qonys_law::{CaseFile, Date, Lang, Pack};

fn pack() -> Pack {
    qonys_law::bundled::load().unwrap_or_else(|e| panic!("pack loads: {e}"))
}

const CASE: &str =
    "[facts]\ncitizenship = \"DE\"\n\n[[event]]\nkind = \"arrival\"\ndate = 2026-03-20\n";

fn text(lang: Lang) -> String {
    let p = pack();
    let c = CaseFile::parse(CASE).expect("case");
    let facts = c.bind(&p).expect("facts");
    let as_of = Date::parse("2026-03-25").expect("date");
    let plan = qonys_law::continuity::plan(&p, &facts, &c.history, as_of);
    let m = Messages::new();
    let r = plan_report(&p, &c.history, &plan, &m, lang);
    let cal = plan_calendar(&r, &m, lang);
    assert_eq!(
        cal.events.len(),
        r.items.iter().filter(|i| i.state != "done").count()
    );
    render_plan_text(&r, &m, lang)
}

#[test]
fn ranges_per_language() {
    let d = |s: &str| Date::parse(s).expect("date");
    assert_eq!(
        short_range(Lang::En, d("2026-03-21"), d("2026-03-22")),
        "21–22 Mar"
    );
    assert_eq!(
        short_range(Lang::Ru, d("2026-03-31"), d("2026-04-02")),
        "31 мар. – 2 апр."
    );
    assert_eq!(
        short_range(Lang::Kk, d("2026-03-23"), d("2026-03-23")),
        "23 нау."
    );
}

#[test]
fn nauryz_explained_in_three_languages() {
    let en = text(Lang::En);
    assert!(en.contains("skipping the weekend (21–22 Mar), Nauryz meiramy (23–25 Mar) and the weekend (28–29 Mar) → 2026-03-30"), "{en}");
    assert!(en.contains("(in 5 days)"), "{en}");
    let ru = text(Lang::Ru);
    assert!(ru.contains("3 рабочих дня"), "{ru}");
    assert!(ru.contains("Наурыз мейрамы (23–25 мар.)"), "{ru}");
    assert!(ru.contains("через 5 дней"), "{ru}");
    let kk = text(Lang::Kk);
    assert!(kk.contains("3 жұмыс күні"), "{kk}");
    assert!(kk.contains("Наурыз мейрамы (23–25 нау.)"), "{kk}");
    assert!(kk.contains("5 күннен кейін"), "{kk}");
}

#[test]
fn same_day_triggers_get_distinct_calendar_uids() {
    let p = pack();
    let text = "[facts]\ncitizenship = \"US\"\n\n[[event]]\nkind = \"arrival\"\ndate = 2026-01-05\n\n[[event]]\nkind = \"arrival\"\ndate = 2026-01-05\n";
    let c = CaseFile::parse(text).expect("case");
    let facts = c.bind(&p).expect("facts");
    let as_of = Date::parse("2026-01-06").expect("date");
    let plan = qonys_law::continuity::plan(&p, &facts, &c.history, as_of);
    let m = Messages::new();
    let r = plan_report(&p, &c.history, &plan, &m, Lang::En);
    let cal = plan_calendar(&r, &m, Lang::En);
    let ics = qonys_time::write_calendar(&cal, qonys_time::UtcTimestamp::midnight(as_of))
        .expect("unique UIDs");
    assert!(
        ics.contains("UID:registration.host_notification.2026-01-05-2@qonys"),
        "{ics}"
    );
}
