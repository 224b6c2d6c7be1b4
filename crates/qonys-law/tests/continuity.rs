//! Continuity through the public API on the bundled pack, with fixed as-of dates: each
//! deadline rule on both sides of its effective date, the Nauryz 2026 holidays, the 90-in-180
//! counter, each loss-of-ground event, the path planner, case-history parsing with named
//! field errors, and located load errors for bad calendar and deadline data.

use qonys_law::case::{EventKind, History};
use qonys_law::continuity::{ItemState, Plan, StepKind, plan};
use qonys_law::pack::RouteKind;
use qonys_law::{CaseFile, Date, Pack, bundled};
use qonys_time::{SkipReason, Step};

fn pack() -> &'static Pack {
    static PACK: std::sync::OnceLock<Pack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| match bundled::load() {
        Ok(p) => p,
        Err(e) => panic!("the bundled pack must load:\n{e}"),
    })
}

fn d(s: &str) -> Date {
    Date::parse(s).expect("test date")
}

fn plan_of(case: &str, as_of: &str) -> Plan {
    let p = pack();
    let c = CaseFile::parse(case).unwrap_or_else(|e| panic!("case parses: {e}"));
    let facts = c.bind(p).unwrap_or_else(|e| panic!("case binds: {e}"));
    plan(p, &facts, &c.history, d(as_of))
}

/// Items of one rule: (anchor, due, state).
fn items(p: &Plan, rule: &str) -> Vec<(Date, Date, ItemState)> {
    p.items
        .iter()
        .filter(|i| pack().deadlines[i.rule].id == rule)
        .map(|i| (i.anchor, i.due, i.state))
        .collect()
}

const GERMAN: &str =
    "[facts]\ncitizenship = \"DE\"\nstay_goal = \"temporary\"\npurposes = [\"work\"]\n";

fn with_events(facts: &str, events: &[(&str, &str)]) -> String {
    let mut s = facts.to_string();
    for (k, date) in events {
        s.push_str(&format!("\n[[event]]\nkind = \"{k}\"\ndate = {date}\n"));
    }
    s
}

#[test]
fn calendar_loads_from_the_pack_with_names() {
    let p = pack();
    assert!(p.calendar.covers(2025) && p.calendar.covers(2026));
    assert!(!p.calendar.covers(2027));
    // Nauryz 2026: Sat 21 – Mon 23 holidays, Tue 24 and Wed 25 substitutes.
    for day in ["2026-03-21", "2026-03-23", "2026-03-24", "2026-03-25"] {
        assert!(!p.calendar.is_working_day(d(day)).working, "{day}");
    }
    assert!(p.calendar.is_working_day(d("2026-03-26")).working);
    let (_, e) = p
        .calendar
        .entry_on(d("2026-03-24"))
        .expect("substitute row");
    assert_eq!(
        p.calendar_names
            .get(&e.name_key)
            .map(|t| t.get(qonys_law::Lang::En)),
        Some("Nauryz meiramy")
    );
    // 2025 has 246 working days, as published.
    assert_eq!(
        p.calendar.working_days_in(d("2025-01-01"), d("2025-12-31")),
        246
    );
}

#[test]
fn host_notification_before_july_2026_skips_the_weekend_and_nauryz() {
    let p = plan_of(
        &with_events(GERMAN, &[("arrival", "2026-03-20")]),
        "2026-03-25",
    );
    assert_eq!(
        items(&p, "registration.host_notification"),
        vec![(d("2026-03-20"), d("2026-03-30"), ItemState::DueSoon)]
    );
    assert!(items(&p, "registration.self_registration").is_empty());
    let item = p
        .items
        .iter()
        .find(|i| pack().deadlines[i.rule].id == "registration.host_notification")
        .expect("item");
    let steps = &item.computation.as_ref().expect("computed").steps;
    assert!(steps.contains(&Step::Skipped {
        from: d("2026-03-21"),
        to: d("2026-03-22"),
        reason: SkipReason::Weekend
    }));
    assert!(steps.iter().any(|s| matches!(s,
        Step::Skipped { from, to, reason: SkipReason::DayOff { name_key, .. } }
            if *from == d("2026-03-23") && *to == d("2026-03-25") && name_key == "calendar.nauryz_meiramy")));
    // The arrival day itself is not counted: the first counted day is 26 March.
    assert!(
        steps
            .iter()
            .any(|s| matches!(s, Step::Counted { from, .. } if *from == d("2026-03-26")))
    );
}

#[test]
fn registration_rule_switches_on_1_july_2026() {
    // Arrival on the last day of the old rule: 3 working days (Wed 1, Thu 2, Fri 3 July).
    let old = plan_of(
        &with_events(GERMAN, &[("arrival", "2026-06-30")]),
        "2026-06-30",
    );
    assert_eq!(
        items(&old, "registration.host_notification"),
        vec![(d("2026-06-30"), d("2026-07-03"), ItemState::DueSoon)]
    );
    assert!(items(&old, "registration.self_registration").is_empty());
    // Arrival on the first day of the new rule: 30 calendar days.
    let new = plan_of(
        &with_events(GERMAN, &[("arrival", "2026-07-01")]),
        "2026-07-01",
    );
    assert!(items(&new, "registration.host_notification").is_empty());
    assert_eq!(
        items(&new, "registration.self_registration"),
        vec![(d("2026-07-01"), d("2026-07-31"), ItemState::Later)]
    );
    // Overdue when not recorded, done when the registration is recorded.
    let late = plan_of(
        &with_events(GERMAN, &[("arrival", "2026-07-01")]),
        "2026-08-05",
    );
    assert_eq!(
        items(&late, "registration.self_registration")[0].2,
        ItemState::Overdue
    );
    let done = plan_of(
        &with_events(
            GERMAN,
            &[("arrival", "2026-07-01"), ("registered", "2026-07-03")],
        ),
        "2026-08-05",
    );
    assert_eq!(
        items(&done, "registration.self_registration")[0].2,
        ItemState::Done
    );
    let by_fact = plan_of(
        &with_events(
            &format!("{GERMAN}arrival_registered = true\n"),
            &[("arrival", "2026-07-01")],
        ),
        "2026-08-05",
    );
    assert_eq!(
        items(&by_fact, "registration.self_registration")[0].2,
        ItemState::Done
    );
}

#[test]
fn address_change_reregistration_only_from_july_2026() {
    let before = plan_of(
        &with_events(GERMAN, &[("address_change", "2026-06-15")]),
        "2026-06-16",
    );
    assert!(items(&before, "registration.address_change").is_empty());
    // Thu 2, Fri 3, (weekend, Mon 6 July Capital Day skipped), Tue 7, Wed 8, Thu 9.
    let after = plan_of(
        &with_events(GERMAN, &[("address_change", "2026-07-01")]),
        "2026-07-02",
    );
    assert_eq!(
        items(&after, "registration.address_change"),
        vec![(d("2026-07-01"), d("2026-07-09"), ItemState::DueSoon)]
    );
}

#[test]
fn a_later_arrival_supersedes_an_earlier_one() {
    let p = plan_of(
        &with_events(
            GERMAN,
            &[
                ("arrival", "2026-02-02"),
                ("departure", "2026-02-20"),
                ("arrival", "2026-03-20"),
            ],
        ),
        "2026-03-25",
    );
    assert_eq!(items(&p, "registration.host_notification").len(), 1);
}

#[test]
fn visa_free_counter_90_in_180_binds_before_the_30_day_cap() {
    let case = with_events(
        GERMAN,
        &[
            ("arrival", "2026-01-01"),
            ("departure", "2026-01-30"),
            ("arrival", "2026-02-10"),
            ("departure", "2026-03-01"),
            ("arrival", "2026-03-10"),
            ("departure", "2026-03-29"),
            ("arrival", "2026-04-05"),
        ],
    );
    let p = plan_of(&case, "2026-04-10");
    // 30 + 20 + 20 = 70 days used: 20 left, so the last day is 24 April (not 4 May).
    assert_eq!(
        items(&p, "visa_free.stay_limit"),
        vec![(d("2026-04-05"), d("2026-04-24"), ItemState::DueSoon)]
    );
    let item = p
        .items
        .iter()
        .find(|i| i.stay.is_some())
        .expect("stay item");
    let s = item.stay.expect("stay");
    assert_eq!(s.days_in_window, 76);
    assert_eq!(s.binding_limit, Some(qonys_time::LimitKind::Rolling));
    assert!(items(&p, "visa_free.eaeu_stay_limit").is_empty());
    // A first stay is capped at 30 days.
    let single = plan_of(
        &with_events(GERMAN, &[("arrival", "2026-04-05")]),
        "2026-04-10",
    );
    assert_eq!(items(&single, "visa_free.stay_limit")[0].1, d("2026-05-04"));
    // EAEU citizens: 90 days, no 30-day cap.
    let ru = "[facts]\ncitizenship = \"RU\"\n";
    let eaeu = plan_of(&with_events(ru, &[("arrival", "2026-04-05")]), "2026-04-10");
    assert!(items(&eaeu, "visa_free.stay_limit").is_empty());
    assert_eq!(
        items(&eaeu, "visa_free.eaeu_stay_limit")[0].1,
        d("2026-07-03")
    );
    // A visa holder is not on the visa-free counter.
    let visa = format!(
        "{}\n[[status]]\nkind = \"visa\"\ncategory = \"C3\"\nground = \"work\"\nvalid_from = 2026-04-01\nvalid_to = 2026-12-31\n",
        with_events(GERMAN, &[("arrival", "2026-04-05")])
    );
    assert!(items(&plan_of(&visa, "2026-04-10"), "visa_free.stay_limit").is_empty());
}

const WORK_TRP: &str = "\n[[status]]\nkind = \"temporary_residence_permit\"\nground = \"work\"\nvalid_from = 2026-01-15\nvalid_to = 2027-01-14\n";

#[test]
fn extension_filing_rolls_back_from_independence_day_and_is_uncertain() {
    let case = format!(
        "{GERMAN}\n[[status]]\nkind = \"temporary_residence_permit\"\nground = \"work\"\nvalid_from = 2026-01-01\nvalid_to = 2026-12-31\n"
    );
    let p = plan_of(&case, "2026-12-01");
    // 31 Dec − 15 days = Wed 16 Dec, Independence Day → Tue 15 Dec.
    assert_eq!(
        items(&p, "status.permit_extension_filing"),
        vec![(d("2026-12-31"), d("2026-12-15"), ItemState::DueSoon)]
    );
    let rule = pack()
        .deadlines
        .iter()
        .find(|r| r.id == "status.permit_extension_filing")
        .expect("rule");
    assert!(rule.provenance.is_uncertain());
    assert_eq!(
        items(&p, "status.expiry"),
        vec![(d("2026-12-31"), d("2026-12-31"), ItemState::Later)]
    );
    // A renewed permit carries on: the old end is done.
    let renewed = format!(
        "{case}\n[[status]]\nkind = \"temporary_residence_permit\"\nground = \"work\"\nvalid_from = 2027-01-01\nvalid_to = 2027-12-31\n"
    );
    let p = plan_of(&renewed, "2027-01-10");
    assert!(
        items(&p, "status.expiry")
            .iter()
            .all(|i| i.2 != ItemState::Overdue)
    );
}

#[test]
fn an_extension_filed_before_the_permit_ends_counts_as_filed() {
    let case = format!(
        "{GERMAN}\n[[status]]\nkind = \"temporary_residence_permit\"\nground = \"work\"\nvalid_from = 2026-01-01\nvalid_to = 2026-12-31\n"
    );
    // Filed on 1 December, before the permit ends (the normal case): done.
    let filed = with_events(&case, &[("extension_filed", "2026-12-01")]);
    let p = plan_of(&filed, "2026-12-05");
    assert_eq!(
        items(&p, "status.permit_extension_filing"),
        vec![(d("2026-12-31"), d("2026-12-15"), ItemState::Done)]
    );
    // An extension filed for an earlier permit does not count for this one.
    let earlier = with_events(&case, &[("extension_filed", "2025-11-20")]);
    let p = plan_of(&earlier, "2026-12-05");
    assert_eq!(
        items(&p, "status.permit_extension_filing"),
        vec![(d("2026-12-31"), d("2026-12-15"), ItemState::DueSoon)]
    );
}

#[test]
fn employment_end_ends_the_work_ground_and_suggests_other_routes() {
    let case = format!(
        "{}{WORK_TRP}",
        with_events(
            "[facts]\ncitizenship = \"DE\"\nstay_goal = \"temporary\"\npurposes = [\"work\", \"study\"]\nhas_employment_offer = true\nwork_permit_status = \"issued\"\nenrolled_full_time = true\ninstitution_application_filed = true\n",
            &[("arrival", "2026-01-10"), ("employment_end", "2026-09-30")]
        )
    );
    let p = plan_of(&case, "2026-10-02");
    assert_eq!(p.ground_losses.len(), 1);
    let g = &p.ground_losses[0];
    let pk = pack();
    assert_eq!(pk.routes[g.route].id, "work");
    assert_eq!(pk.deadlines[g.rule].id, "ground.employment_ended");
    assert_eq!((g.since, g.due), (d("2026-09-30"), d("2026-09-30")));
    assert!(
        g.suggestions
            .iter()
            .all(|s| pk.routes[s.route].id != "work")
    );
    assert!(
        g.suggestions
            .iter()
            .any(|s| pk.routes[s.route].id == "study")
    );
    // The lost ground is no longer held on the way to permanent residence.
    assert!(p.paths.iter().all(|path| !path.steps[0].held));
    // Before the contract ends there is no warning.
    assert!(plan_of(&case, "2026-09-29").ground_losses.is_empty());
}

#[test]
fn enrolment_end_and_divorce_end_their_grounds() {
    let study = "[facts]\ncitizenship = \"CN\"\n\n[[status]]\nkind = \"temporary_residence_permit\"\nground = \"study\"\nvalid_from = 2025-09-01\nvalid_to = 2026-08-31\n\n[[event]]\nkind = \"enrolment_end\"\ndate = 2026-06-20\n";
    let p = plan_of(study, "2026-06-22");
    assert_eq!(p.ground_losses.len(), 1);
    assert_eq!(pack().routes[p.ground_losses[0].route].id, "study");

    let family = "[facts]\ncitizenship = \"TR\"\nsponsor_relationship = \"spouse\"\nsponsor_status = \"citizen\"\n\n[[status]]\nkind = \"temporary_residence_permit\"\nground = \"family_reunification\"\nvalid_from = 2026-02-01\nvalid_to = 2027-01-31\n\n[[event]]\nkind = \"divorce\"\ndate = 2026-10-01\n";
    let p = plan_of(family, "2026-10-05");
    assert_eq!(p.ground_losses.len(), 1);
    assert_eq!(
        pack().routes[p.ground_losses[0].route].id,
        "family_reunification"
    );
    // A divorce does not touch a ground that rests on a parent.
    let parent = family.replace("\"spouse\"", "\"parent\"");
    assert!(plan_of(&parent, "2026-10-05").ground_losses.is_empty());
}

#[test]
fn business_immigrant_loses_the_ground_when_capital_is_late() {
    let base = "[facts]\ncitizenship = \"IN\"\nstay_goal = \"temporary\"\npurposes = [\"business\"]\n\n[[status]]\nkind = \"visa\"\ncategory = \"C5\"\nground = \"business_immigrant\"\nvalid_from = 2026-03-01\nvalid_to = 2026-05-29\n";
    let on_time = plan_of(base, "2026-04-10");
    assert_eq!(
        items(&on_time, "business_immigrant.company_and_capital"),
        vec![(d("2026-03-01"), d("2026-05-01"), ItemState::Later)]
    );
    assert!(on_time.ground_losses.is_empty());
    let late = plan_of(base, "2026-05-05");
    assert_eq!(late.ground_losses.len(), 1);
    assert_eq!(late.ground_losses[0].since, d("2026-05-01"));
    let done = format!(
        "{base}\n[[event]]\nkind = \"company_registered\"\ndate = 2026-03-20\n\n[[event]]\nkind = \"capital_transferred\"\ndate = 2026-04-02\n"
    );
    let p = plan_of(&done, "2026-05-05");
    assert!(p.ground_losses.is_empty());
    assert_eq!(
        items(&p, "business_immigrant.company_and_capital")[0].2,
        ItemState::Done
    );
}

#[test]
fn path_from_permanent_residence_to_citizenship() {
    let pr = "[facts]\ncitizenship = \"RU\"\n\n[[status]]\nkind = \"permanent_residence\"\nvalid_from = 2022-03-01\n";
    let p = plan_of(pr, "2026-11-25");
    assert_eq!(p.paths.len(), 1);
    let steps = &p.paths[0].steps;
    assert!(steps[0].held);
    assert!(matches!(steps[1].kind, StepKind::Citizenship { .. }));
    assert_eq!(steps[1].earliest, Some(d("2027-03-01")));
    assert_eq!(
        items(&p, "citizenship.general"),
        vec![(d("2022-03-01"), d("2027-03-01"), ItemState::Later)]
    );
    // The spouse of a citizen: 3 years, possible now.
    let spouse = pr.replace(
        "[facts]\n",
        "[facts]\nsponsor_relationship = \"spouse\"\nsponsor_status = \"citizen\"\n",
    );
    let p = plan_of(&spouse, "2026-11-25");
    assert_eq!(p.paths[0].steps[1].earliest, Some(d("2025-03-01")));
    assert_eq!(
        items(&p, "citizenship.spouse_of_citizen")[0].2,
        ItemState::Available
    );
    assert!(items(&p, "citizenship.general").is_empty());
}

#[test]
fn path_from_a_work_permit_leads_through_permanent_residence() {
    let case = format!(
        "[facts]\ncitizenship = \"DE\"\nstay_goal = \"permanent\"\npurposes = [\"work\"]\nhas_employment_offer = true\nwork_permit_status = \"issued\"\n{WORK_TRP}"
    );
    let p = plan_of(&case, "2026-06-01");
    assert!(!p.paths.is_empty());
    let pk = pack();
    let first = &p.paths[0];
    assert!(
        matches!(first.steps[0].kind, StepKind::Route { route } if pk.routes[route].id == "work")
    );
    assert!(first.steps[0].held);
    let pr_step = first
        .steps
        .iter()
        .find(|s| matches!(s.kind, StepKind::Route { route } if pk.routes[route].kind == RouteKind::Permanent))
        .expect("a permanent-residence step");
    // DE has no ground under art. 7 on these facts: the step names what it needs.
    assert!(
        pr_step
            .needs
            .iter()
            .any(|n| n.starts_with("permanent_residence.")),
        "{:?}",
        first
    );
    let last = first.steps.last().expect("steps");
    assert!(matches!(last.kind, StepKind::Citizenship { .. }));
}

#[test]
fn absence_limit_for_permanent_residents() {
    let case = "[facts]\ncitizenship = \"UZ\"\n\n[[status]]\nkind = \"permanent_residence\"\nvalid_from = 2023-05-01\n\n[[event]]\nkind = \"departure\"\ndate = 2026-01-10\n\n[[event]]\nkind = \"arrival\"\ndate = 2026-02-09\n\n[[event]]\nkind = \"departure\"\ndate = 2026-05-01\n";
    let p = plan_of(case, "2026-06-01");
    // 30 days abroad in January–February; 153 more from 1 May: back by 1 October.
    assert_eq!(
        items(&p, "permanent_residence.absence_limit"),
        vec![(d("2023-05-01"), d("2026-10-01"), ItemState::Later)]
    );
    assert_eq!(p.items.iter().find_map(|i| i.absence), Some((30 + 32, 183)));
    // Back home: no deadline.
    let home = format!("{case}\n[[event]]\nkind = \"arrival\"\ndate = 2026-05-20\n");
    assert!(
        items(
            &plan_of(&home, "2026-06-01"),
            "permanent_residence.absence_limit"
        )
        .is_empty()
    );
}

#[test]
fn certificate_freshness_window() {
    let case = with_events(GERMAN, &[("certificate_issued", "2026-01-10")]);
    let p = plan_of(&case, "2026-06-01");
    assert_eq!(
        items(&p, "documents.certificate_freshness"),
        vec![(d("2026-01-10"), d("2026-07-09"), ItemState::Later)]
    );
    // Before the rule's first dated source there is no window.
    let old = with_events(GERMAN, &[("certificate_issued", "2025-06-10")]);
    assert!(
        items(
            &plan_of(&old, "2025-07-01"),
            "documents.certificate_freshness"
        )
        .is_empty()
    );
}

#[test]
fn history_parses_from_toml_and_json_and_round_trips() {
    let text = format!(
        "{GERMAN}{WORK_TRP}\n[[event]]\nkind = \"arrival\"\ndate = 2026-01-10\nnote = \"Almaty\"\n"
    );
    let c = CaseFile::parse(&text).expect("parses");
    assert_eq!(c.history.statuses.len(), 1);
    assert_eq!(c.history.events[0].kind, EventKind::Arrival);
    let again = CaseFile::parse(&c.to_toml(pack())).expect("round trip");
    assert_eq!(again.history, c.history);
    let json = r#"{"facts": {"citizenship": "DE"},
        "status": [{"kind": "visa", "category": "C3", "valid_from": "2026-02-01"}],
        "event": [{"kind": "arrival", "date": "2026-02-03"}]}"#;
    let j = CaseFile::parse(json).expect("json parses");
    assert_eq!(j.history.statuses[0].category.as_deref(), Some("C3"));
    assert_eq!(j.history.events[0].date, d("2026-02-03"));
}

#[test]
fn history_errors_name_their_fields() {
    let text = "[[event]]\nkind = \"arrival\"\ndate = 2026-01-10\n\n[[event]]\nkind = \"arival\"\ndate = \"20.03\"\n\n[[status]]\nkind = \"visa\"\nvalid_from = 2026-05-01\nvalid_to = 2026-04-01\ncolour = \"red\"\n";
    let e = CaseFile::parse(text).expect_err("errors").to_string();
    assert!(
        e.contains("event[1].kind: `arival` is not an event kind"),
        "{e}"
    );
    assert!(
        e.contains("event[1].date: expected a date such as 2026-03-20, found \"20.03\""),
        "{e}"
    );
    assert!(
        e.contains("status[0].valid_to: the status cannot end"),
        "{e}"
    );
    assert!(e.contains("status[0].colour: unknown field"), "{e}");
    let json = r#"{"event": [{"kind": "arrival"}]}"#;
    let e = CaseFile::parse(json).expect_err("errors").to_string();
    assert!(e.contains("event[0].date: expected a date"), "{e}");
    assert_eq!(History::default().status_on(d("2026-01-01")), None);
}

fn replaced(path: &str, f: impl Fn(&str) -> String) -> Vec<(String, String)> {
    bundled::files()
        .into_iter()
        .map(|(p, t)| if p == path { (p, f(&t)) } else { (p, t) })
        .collect()
}

#[test]
fn bad_deadline_and_calendar_data_is_refused_with_located_errors() {
    let files = replaced("deadlines.toml", |t| {
        t.replacen(
            "trigger = { event = \"address_change\" }",
            "trigger = { event = \"adress_change\" }",
            1,
        )
        .replacen(
            "param = \"host_notification_working_days\"",
            "param = \"mci\"",
            1,
        )
        .replacen("when = 'not eaeu_citizen'", "when = 'not eaeu_citizn'", 1)
    });
    let e = qonys_law::load(&files).expect_err("refused").to_string();
    assert!(
        e.contains("deadlines.toml:")
            && e.contains("`adress_change` is not an event kind — did you mean `address_change`?"),
        "{e}"
    );
    assert!(
        e.contains("parameter `mci` is in money, expected days"),
        "{e}"
    );
    assert!(e.contains("eaeu_citizn"), "{e}");
    let files = replaced("data/calendar.toml", |t| {
        t.replacen(
            "date = 2026-03-25  # Wed\nkind = \"substitute\"",
            "date = 2026-03-28  # Sat\nkind = \"substitute\"",
            1,
        )
    });
    let e = qonys_law::load(&files).expect_err("refused").to_string();
    assert!(e.contains("data/calendar.toml:"), "{e}");
    assert!(e.contains("cannot fall on a Sat (2026-03-28)"), "{e}");
}

mod property {
    use proptest::prelude::*;
    use qonys_law::case::{Event, EventKind, History, StatusKind, StatusPeriod};
    use qonys_law::{Date, Facts};

    fn day(n: i32) -> Date {
        Date::from_ymd(2024, 1, 1).expect("date").add_days(n)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any history — unordered trips, overlapping statuses, events far from the as-of
        /// date — gives a plan without panicking, with items in due-date order and every
        /// overdue item's date before the as-of date.
        #[test]
        fn any_history_plans(
            events in proptest::collection::vec((0usize..17, 0i32..1500), 0..40),
            statuses in proptest::collection::vec((0usize..4, 0i32..1500, proptest::option::of(0i32..800)), 0..6),
            as_of in 0i32..1800,
        ) {
            let p = super::pack();
            let mut h = History::default();
            for (k, d) in events {
                h.push_event(Event { kind: EventKind::ALL[k], date: day(d), note: None });
            }
            for (k, from, len) in statuses {
                h.push_status(StatusPeriod {
                    kind: StatusKind::ALL[k],
                    category: None,
                    ground: Some(["work", "study", "business_immigrant", "family_reunification"][k].into()),
                    valid_from: day(from),
                    valid_to: len.map(|l| day(from + l)),
                });
            }
            let as_of = day(as_of);
            let plan = qonys_law::continuity::plan(p, &Facts::empty(p), &h, as_of);
            prop_assert!(plan.items.windows(2).all(|w| w[0].due <= w[1].due));
            for i in &plan.items {
                if i.state == qonys_law::continuity::ItemState::Overdue {
                    prop_assert!(i.due < as_of);
                }
            }
        }
    }
}
