//! The guided interview through its public API, on the bundled Kazakhstan pack: for every
//! scenario a simulated respondent who answers from the scenario's facts (and "I don't know"
//! to anything else) reaches the same verdicts as assessing the full facts, and no question
//! ever asked is irrelevant to the open routes; the same holds for random cases; changing an
//! answer mid-way gives the same result as starting over with the changed facts; back undoes
//! exactly; typed replies are read in three languages and refused with clear reasons.

use proptest::prelude::*;
use qonys_law::case::RawValue;
use qonys_law::engine::explain::route_deciding_facts;
use qonys_law::engine::{Evaluator, Verdict};
use qonys_law::interview::session::raw_of;
use qonys_law::interview::{BadAnswer, Interview, Selector, read_answer, why};
use qonys_law::pack::{FactIdx, FactType, V};
use qonys_law::{Date, Facts, Pack, bundled};

/// The bundled pack, loaded once for all tests and property cases.
fn pack() -> &'static Pack {
    static PACK: std::sync::OnceLock<Pack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| match bundled::load() {
        Ok(p) => p,
        Err(e) => panic!("the bundled pack must load:\n{e}"),
    })
}

fn as_of() -> Date {
    Date::from_ymd(2026, 9, 1).expect("date")
}

/// Verdicts by route index (pack order).
fn verdicts(pack: &Pack, facts: &Facts, as_of: Date) -> Vec<Verdict> {
    let a = Evaluator::new().assess(pack, facts, as_of);
    let mut out = vec![Verdict::DoesNotFit; pack.routes.len()];
    for r in &a.routes {
        out[usize::from(r.route)] = r.verdict;
    }
    out
}

/// Whether `fact` is among the deciding facts of a `needs_information` route, by the
/// engine's own explanation (independent of the interview's selection code).
fn decides_an_open_route(pack: &Pack, facts: &Facts, as_of: Date, fact: FactIdx) -> bool {
    let a = qonys_law::assess(pack, facts, as_of);
    a.routes.iter().any(|r| {
        r.verdict == Verdict::NeedsInformation && route_deciding_facts(pack, &a, r).contains(&fact)
    })
}

/// The respondent's answer: the value in `truth`, or "I don't know".
fn reply(pack: &Pack, truth: &Facts, fact: FactIdx) -> RawValue {
    if truth.is_answered(fact) {
        raw_of(pack, fact, truth.get(fact))
    } else {
        RawValue::Str("unknown".into())
    }
}

/// Answers every question from `truth`, checking each question is relevant; returns the
/// number of questions asked.
fn run_to_end(iv: &mut Interview<'_>, truth: &Facts, label: &str) -> usize {
    let pack = iv.pack();
    let mut asked = 0;
    while let Some(q) = iv.next_question() {
        assert!(
            !iv.facts().is_answered(q.fact),
            "{label}: `{}` asked again",
            pack.facts[usize::from(q.fact)].id
        );
        assert!(
            decides_an_open_route(pack, iv.facts(), iv.as_of(), q.fact),
            "{label}: `{}` decides no open route",
            pack.facts[usize::from(q.fact)].id
        );
        assert!(q.remaining >= 1 && q.routes >= 1, "{label}: {q:?}");
        assert!(
            !iv.why(q.fact).is_empty(),
            "{label}: no reason to ask {q:?}"
        );
        iv.answer(q.fact, reply(pack, truth, q.fact))
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        asked += 1;
        assert!(
            asked <= pack.facts.len(),
            "{label}: the interview does not end"
        );
    }
    asked
}

#[test]
fn every_scenario_is_reached_by_a_simulated_respondent() {
    let p = pack();
    let mut counts = Vec::new();
    for s in &p.scenarios {
        let mut iv = Interview::start(p, s.as_of);
        let asked = run_to_end(&mut iv, &s.facts, &s.id);
        let got = verdicts(p, iv.facts(), s.as_of);
        let want = verdicts(p, &s.facts, s.as_of);
        for (ri, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(
                g, w,
                "scenario {}: route {} after {asked} questions",
                s.id, p.routes[ri].id
            );
        }
        // The assessment the interview returns is the same.
        let r = iv.result();
        for rr in &r.routes {
            assert_eq!(rr.verdict, want[usize::from(rr.route)], "scenario {}", s.id);
        }
        counts.push((asked, s.id.clone()));
    }
    counts.sort();
    if let (Some(max), false) = (counts.last(), counts.is_empty()) {
        let median = counts[counts.len() / 2].0;
        let lines: Vec<String> = counts
            .iter()
            .map(|(n, id)| format!("{n:3}  {id}"))
            .collect();
        println!(
            "interview: {} scenarios, questions asked: median {median}, maximum {} ({})\n{}",
            counts.len(),
            max.0,
            max.1,
            lines.join("\n")
        );
    }
}

#[test]
fn the_first_question_is_the_highest_scoring_and_nothing_is_asked_twice() {
    let p = pack();
    let mut iv = Interview::start(p, as_of());
    let q = iv.next_question().expect("an empty case has questions");
    assert_eq!(q.number, 1);
    let mut sel = Selector::new();
    let open = sel.open_facts(p, &Facts::empty(p), as_of());
    let best = open
        .iter()
        .map(|&(f, n)| u64::from(n) * u64::from(p.facts[usize::from(f)].ask_weight))
        .max();
    let score = u64::from(q.routes) * u64::from(p.facts[usize::from(q.fact)].ask_weight);
    assert_eq!(Some(score), best);
    // The estimate is the widest open route's unanswered facts: never more than every
    // fact that still decides something, never zero while there is a question.
    assert!(
        q.remaining >= 1 && q.remaining <= open.len(),
        "{} of {}",
        q.remaining,
        open.len()
    );
    // "I don't know" is a valid answer and is never asked again.
    iv.answer(q.fact, RawValue::Str("unknown".into()))
        .expect("unknown is accepted");
    assert!(iv.facts().is_answered(q.fact));
    let q2 = iv.next_question().expect("more questions");
    assert_ne!(q2.fact, q.fact);
    assert_eq!(q2.number, 2);
}

#[test]
fn why_names_the_routes_and_clauses_a_question_decides() {
    let p = pack();
    let empty = Facts::empty(p);
    let q = qonys_law::interview::next_fact(p, &empty, as_of()).expect("a question");
    let reasons = why(p, &empty, as_of(), q);
    assert!(!reasons.is_empty());
    let a = qonys_law::assess(p, &empty, as_of());
    for &(ri, ci) in &reasons {
        let r = a.routes.iter().find(|r| r.route == ri).expect("route");
        assert_eq!(r.verdict, Verdict::NeedsInformation);
        let cr = a
            .clauses(r)
            .iter()
            .find(|c| c.clause == ci)
            .expect("clause");
        assert_eq!(cr.outcome, qonys_law::engine::Outcome::Unknown);
    }
    // A fact that is known decides nothing.
    let mut facts = empty.clone();
    let f = &p.facts[usize::from(q)];
    let raw = match f.kind {
        FactType::Bool => RawValue::Bool(true),
        FactType::Country => RawValue::Str("DE".into()),
        _ => RawValue::List(vec![RawValue::Str(f.options[0].id.clone())]),
    };
    if let Ok(v) = qonys_law::case::parse_answer(p, f, &raw) {
        facts.set(q, v);
        assert!(why(p, &facts, as_of(), q).is_empty());
    }
}

#[test]
fn back_undoes_the_last_answer_exactly() {
    let p = pack();
    let mut iv = Interview::start(p, as_of());
    assert!(!iv.back(), "nothing to undo at the start");
    let truth = p
        .scenarios
        .first()
        .map_or_else(|| Facts::empty(p), |s| s.facts.clone());
    let mut states = Vec::new();
    for _ in 0..4 {
        let Some(q) = iv.next_question() else { break };
        states.push((iv.answers().to_vec(), q.clone()));
        iv.answer(q.fact, reply(p, &truth, q.fact)).expect("valid");
    }
    while let Some((answers, q)) = states.pop() {
        assert!(iv.back());
        assert_eq!(iv.answers(), &answers[..]);
        assert_eq!(iv.next_question(), Some(q));
    }
    assert!(!iv.back());
}

#[test]
fn a_case_file_round_trips_and_resumes() {
    let p = pack();
    let Some(s) = p.scenarios.iter().max_by_key(|s| s.raw_facts.len()) else {
        return;
    };
    let mut iv = Interview::start(p, s.as_of);
    for _ in 0..3 {
        let Some(q) = iv.next_question() else { break };
        iv.answer(q.fact, reply(p, &s.facts, q.fact))
            .expect("valid");
    }
    let text = iv.to_case_file().to_toml(p);
    let case = qonys_law::CaseFile::parse(&text).expect("the written case file reads back");
    let facts = case.bind(p).expect("and binds");
    assert_eq!(&facts, iv.facts());
    let mut resumed = Interview::from_case_file(p, &case, s.as_of).expect("resumes");
    // A resumed case lists its answers in declaration order.
    let mut given = iv.answers().to_vec();
    given.sort_by_key(|a| a.fact);
    assert_eq!(resumed.answers(), &given[..]);
    assert_eq!(
        resumed.next_question().map(|q| q.fact),
        iv.next_question().map(|q| q.fact)
    );
}

#[test]
fn changing_an_answer_sets_aside_answers_that_stopped_mattering() {
    let p = pack();
    let (Some(goal), Some(purposes)) = (p.fact_idx("stay_goal"), p.fact_idx("purposes")) else {
        return;
    };
    let mut iv = Interview::start(p, as_of());
    iv.answer(goal, RawValue::Str("temporary".into()))
        .expect("valid");
    iv.answer(
        purposes,
        RawValue::List(vec![RawValue::Str("study".into())]),
    )
    .expect("valid");
    // Answer the questions the study route raises with "I don't know"…
    let mut asked = Vec::new();
    while let Some(q) = iv.next_question() {
        if asked.len() == 3 {
            break;
        }
        iv.answer(q.fact, RawValue::Str("unknown".into()))
            .expect("valid");
        asked.push(q.fact);
    }
    // …then change the purpose: answers that only decided the study route are set aside.
    iv.answer(
        purposes,
        RawValue::List(vec![RawValue::Str("investment".into())]),
    )
    .expect("valid");
    for a in iv.answers() {
        if a.fact != goal && a.fact != purposes {
            // Whatever is kept still decided an open route when it was replayed.
            assert!(asked.contains(&a.fact));
        }
    }
    for s in iv.history() {
        assert_eq!(s.because_of, purposes);
        assert!(
            !iv.facts().is_answered(s.answer.fact),
            "set-aside answers are not used"
        );
    }
    assert_eq!(iv.answers().len() + iv.history().len(), 2 + asked.len());
    // And back restores everything.
    assert!(iv.back());
    assert!(iv.history().is_empty());
    assert_eq!(iv.answers().len(), 2 + asked.len());
}

#[test]
fn typed_replies_in_three_languages() {
    let p = pack();
    let fact = |id: &str| p.fact(id).unwrap_or_else(|| panic!("fact {id}"));
    let bools: Vec<&str> = p
        .facts
        .iter()
        .filter(|f| f.kind == FactType::Bool)
        .map(|f| f.id.as_str())
        .collect();
    let b = fact(bools[0]);
    for (t, v) in [
        ("yes", true),
        ("Y", true),
        ("да", true),
        ("иә", true),
        ("1", true),
        ("no", false),
        ("нет", false),
        ("жоқ", false),
        ("2", false),
    ] {
        assert_eq!(read_answer(p, b, t), Ok(RawValue::Bool(v)), "{t}");
    }
    for t in ["?", "unknown", "I don't know", "не знаю", "Білмеймін"] {
        assert_eq!(
            read_answer(p, b, t),
            Ok(RawValue::Str("unknown".into())),
            "{t}"
        );
    }
    assert_eq!(read_answer(p, b, "maybe"), Err(BadAnswer::YesNo));
    assert_eq!(read_answer(p, b, "  "), Err(BadAnswer::Empty));

    let goal = fact("stay_goal");
    let first = goal.options[0].id.clone();
    assert_eq!(read_answer(p, goal, "1"), Ok(RawValue::Str(first.clone())));
    assert_eq!(
        read_answer(p, goal, &first),
        Ok(RawValue::Str(first.clone()))
    );
    for l in qonys_law::Lang::ALL {
        let label = goal.options[0].label.get(l).to_uppercase();
        assert_eq!(
            read_answer(p, goal, &label),
            Ok(RawValue::Str(first.clone()))
        );
    }
    let n = goal.options.len();
    assert_eq!(
        read_answer(p, goal, &(n + 1).to_string()),
        Err(BadAnswer::Choice { count: n })
    );

    let purposes = fact("purposes");
    let ids = |v: &[usize]| {
        RawValue::List(
            v.iter()
                .map(|&i| RawValue::Str(purposes.options[i].id.clone()))
                .collect(),
        )
    };
    assert_eq!(read_answer(p, purposes, "1, 3"), Ok(ids(&[0, 2])));
    assert_eq!(read_answer(p, purposes, "3 1 3"), Ok(ids(&[0, 2])));
    assert_eq!(
        read_answer(
            p,
            purposes,
            purposes.options[2].label.get(qonys_law::Lang::En)
        ),
        Ok(ids(&[2]))
    );
    assert!(matches!(
        read_answer(p, purposes, "1, 99"),
        Err(BadAnswer::Choices { .. })
    ));

    let dates: Vec<&str> = p
        .facts
        .iter()
        .filter(|f| f.kind == FactType::Date)
        .map(|f| f.id.as_str())
        .collect();
    let d = fact(dates[0]);
    let may1 = RawValue::Date(Date::from_ymd(1990, 5, 1).expect("date"));
    assert_eq!(read_answer(p, d, "1990-05-01"), Ok(may1.clone()));
    assert_eq!(read_answer(p, d, "01.05.1990"), Ok(may1.clone()));
    assert_eq!(read_answer(p, d, "1.5.1990"), Ok(may1));
    assert_eq!(read_answer(p, d, "31.02.1990"), Err(BadAnswer::Date));
    assert_eq!(read_answer(p, d, "yesterday"), Err(BadAnswer::Date));

    let savings = fact("savings_kzt");
    assert_eq!(
        read_answer(p, savings, "5 000 000"),
        Ok(RawValue::Num(5_000_000.0))
    );
    assert_eq!(
        read_answer(p, savings, "5000000 KZT"),
        Ok(RawValue::Num(5_000_000.0))
    );
    assert_eq!(
        read_answer(p, savings, "5 000 000 тенге"),
        Ok(RawValue::Num(5_000_000.0))
    );
    assert_eq!(
        read_answer(p, savings, "3000 USD"),
        Err(BadAnswer::Currency {
            expected: "KZT".into(),
            found: "USD".into()
        })
    );
    assert_eq!(read_answer(p, savings, "-5"), Err(BadAnswer::Negative));
    assert!(matches!(
        read_answer(p, savings, "a lot"),
        Err(BadAnswer::Amount { .. })
    ));

    if let Some(count) = p.facts.iter().find(|f| f.kind == FactType::Integer) {
        assert_eq!(read_answer(p, count, "2.5"), Err(BadAnswer::WholeNumber));
        assert_eq!(read_answer(p, count, "two"), Err(BadAnswer::Number));
        if let Some(min) = count.min {
            assert_eq!(
                read_answer(p, count, &(min - 1.0).to_string()),
                Err(BadAnswer::TooSmall { min })
            );
        }
        if let Some(max) = count.max {
            assert_eq!(
                read_answer(p, count, &(max + 1.0).to_string()),
                Err(BadAnswer::TooLarge { max })
            );
        }
    }

    let c = fact("citizenship");
    let de = RawValue::Str("DE".into());
    for t in ["DE", "de", "DEU", "Germany", "Германия"] {
        assert_eq!(read_answer(p, c, t), Ok(de.clone()), "{t}");
    }
    if let Some(i) = p.country_idx("DE") {
        let kk = p.countries[usize::from(i)]
            .name
            .get(qonys_law::Lang::Kk)
            .to_string();
        assert_eq!(read_answer(p, c, &kk), Ok(de.clone()), "{kk}");
    }
    assert!(matches!(
        read_answer(p, c, "Atlantis"),
        Err(BadAnswer::Country { .. })
    ));
    // Every refusal has a message id and an English sentence.
    let e = BadAnswer::Country {
        text: "Atlantis".into(),
    };
    assert!(e.message_id().starts_with("answer-invalid-") && e.to_string().contains("Atlantis"));
}

// ---------------------------------------------------------------------------------------
// Random cases.

/// A random but valid value for fact `i`, from a random number.
fn random_value(pack: &Pack, i: usize, r: u64) -> V {
    let f = &pack.facts[i];
    let pick = |xs: &[f64]| xs[(r as usize) % xs.len()];
    match &f.kind {
        FactType::Bool => V::Bool(r.is_multiple_of(2)),
        FactType::Enum => V::Sym((r % f.options.len().max(1) as u64) as u16),
        FactType::Set => {
            let n = f.options.len().min(63) as u32;
            // Mostly one or two choices, as people answer.
            let a = r % u64::from(n.max(1));
            let b = (r >> 8) % u64::from(n.max(1));
            V::Set(if r & 0x10000 == 0 {
                1 << a
            } else {
                (1 << a) | (1 << b)
            })
        }
        FactType::Integer | FactType::Number => {
            let lo = f.min.unwrap_or(0.0);
            let hi = f.max.unwrap_or(lo + 20.0).min(lo + 1000.0);
            V::Num((lo + (r % ((hi - lo) as u64 + 1)) as f64).min(hi))
        }
        FactType::Money(_) => V::Num(pick(&[
            0.0,
            500.0,
            3_000.0,
            50_000.0,
            300_000.0,
            1_000_000.0,
            6_000_000.0,
            50_000_000.0,
            1_000_000_000.0,
        ])),
        FactType::Date => {
            let base = Date::from_ymd(1950, 1, 1).expect("date");
            V::Date(base.add_days((r % 28_000) as i32))
        }
        FactType::Country => {
            let common = [
                "KZ", "RU", "UZ", "KG", "BY", "AM", "DE", "CN", "US", "TR", "IN",
            ];
            let code = common[(r as usize) % common.len()];
            match pack.country_idx(code) {
                Some(c) if r & 0x100 == 0 => V::Sym(c),
                _ => V::Sym((r % pack.countries.len().max(1) as u64) as u16),
            }
        }
    }
}

/// A random case: each fact absent, answered "I don't know", or given a random value.
fn random_facts(pack: &Pack, seeds: &[(u8, u64)]) -> Facts {
    let mut facts = Facts::empty(pack);
    for (i, &(sel, r)) in seeds.iter().enumerate().take(pack.facts.len()) {
        match sel % 8 {
            0 | 1 => {}
            2 => facts.set(i as FactIdx, V::Unknown),
            _ => facts.set(i as FactIdx, random_value(pack, i, r)),
        }
    }
    facts
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A respondent answering from any random case reaches the verdicts of the full case,
    /// and every question asked decides an open route.
    #[test]
    fn a_random_respondent_reaches_the_full_verdicts(
        seeds in proptest::collection::vec(any::<(u8, u64)>(), 64),
    ) {
        let p = pack();
        let truth = random_facts(p, &seeds);
        let mut iv = Interview::start(p, as_of());
        run_to_end(&mut iv, &truth, "random case");
        prop_assert_eq!(verdicts(p, iv.facts(), as_of()), verdicts(p, &truth, as_of()));
    }

    /// Changing an answer mid-way gives the same result as starting over with the changed
    /// facts; answers still in force always agree with the changed facts.
    #[test]
    fn changing_an_answer_mid_way_is_like_starting_over(
        seeds in proptest::collection::vec(any::<(u8, u64)>(), 64),
        steps in 1usize..12,
        which in any::<usize>(),
        new_sel in any::<u8>(),
        new_r in any::<u64>(),
    ) {
        let p = pack();
        let truth = random_facts(p, &seeds);
        let mut iv = Interview::start(p, as_of());
        for _ in 0..steps {
            let Some(q) = iv.next_question() else { break };
            iv.answer(q.fact, reply(p, &truth, q.fact)).expect("valid");
        }
        prop_assume!(!iv.answers().is_empty());
        let fact = iv.answers()[which % iv.answers().len()].fact;
        let new_value = if new_sel % 4 == 0 {
            V::Unknown
        } else {
            random_value(p, usize::from(fact), new_r)
        };
        let mut changed = truth.clone();
        changed.set(fact, new_value);
        iv.answer(fact, raw_of(p, fact, new_value)).expect("valid");
        for a in iv.answers() {
            prop_assert!(changed.is_answered(a.fact) || a.value == V::Unknown);
            prop_assert_eq!(a.value, changed.get(a.fact), "stale answer to {}", p.facts[usize::from(a.fact)].id);
        }
        run_to_end(&mut iv, &changed, "after a change");
        let mut fresh = Interview::start(p, as_of());
        run_to_end(&mut fresh, &changed, "starting over");
        let got = verdicts(p, iv.facts(), as_of());
        prop_assert_eq!(&got, &verdicts(p, fresh.facts(), as_of()));
        prop_assert_eq!(&got, &verdicts(p, &changed, as_of()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any typed text for any fact is either refused with a reason or read into an answer the
    /// case-file rules accept; nothing panics.
    #[test]
    fn any_typed_text_is_read_or_refused(
        text in "\\PC{0,24}|[0-9 .,;:-]{0,16}|(yes|да|иә|\\?|[0-9]{1,2})( ?, ?[0-9]{1,3}){0,3}",
    ) {
        let p = pack();
        for (i, f) in p.facts.iter().enumerate() {
            match read_answer(p, f, &text) {
                Ok(raw) => {
                    prop_assert!(qonys_law::case::parse_answer(p, f, &raw).is_ok());
                    let mut iv = Interview::start(p, as_of());
                    prop_assert!(iv.answer(i as FactIdx, raw).is_ok());
                }
                Err(e) => prop_assert!(!e.to_string().is_empty() && !e.message_id().is_empty()),
            }
        }
    }
}

#[test]
fn saving_a_resumed_case_keeps_everything_besides_the_answers() {
    let p = pack();
    let text = "[case]\ntitle = \"Li Wei\"\n\n[facts]\ncitizenship = \"CN\"\n\n[[status]]\nkind = \"temporary_residence_permit\"\nground = \"study\"\nvalid_from = 2025-09-01\nvalid_to = 2026-08-31\n\n[[event]]\nkind = \"enrolment_end\"\ndate = 2026-06-20\n";
    let case = qonys_law::CaseFile::parse(text).unwrap_or_else(|e| panic!("{e}"));
    let mut iv = Interview::from_case_file(p, &case, as_of()).expect("resumes");
    if let Some(q) = iv.next_question() {
        iv.answer(q.fact, RawValue::Str("unknown".into()))
            .expect("valid");
    }
    let saved = iv.to_case_file();
    assert_eq!(saved.meta.title.as_deref(), Some("Li Wei"));
    let reread = qonys_law::CaseFile::parse(&saved.to_toml(p)).unwrap_or_else(|e| panic!("{e}"));
    let mut expected = case.clone();
    expected.facts = saved.facts.clone();
    assert_eq!(reread, expected, "only the answers changed");
    assert_eq!(reread.facts.len(), 2);
}

#[test]
fn the_first_question_is_temporary_stay_or_permanent_residence() {
    let p = pack();
    let mut iv = qonys_law::interview::Interview::start(
        p,
        qonys_law::Date::from_ymd(2026, 9, 1).expect("date"),
    );
    let q = iv.next_question().expect("an empty case has questions");
    assert_eq!(p.facts[usize::from(q.fact)].id, "stay_goal");
}
