//! Behaviour of the bundled Kazakhstan pack and of the loader, through the public API:
//! every scenario passes, the scenarios cover every route in every verdict, a malformed pack
//! is refused with located errors, and unknown facts are never read as false.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use qonys_law::engine::{Evaluator, Verdict};
use qonys_law::pack::LoadErrors;
use qonys_law::{bundled, load, scenario};

fn pack() -> &'static qonys_law::Pack {
    static PACK: std::sync::OnceLock<qonys_law::Pack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| match bundled::load() {
        Ok(p) => p,
        Err(e) => panic!("the bundled pack must load:\n{e}"),
    })
}

#[test]
fn bundled_pack_scenarios_all_pass() {
    let p = pack();
    let results = scenario::run_all(p);
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{} ({}):\n  {}", r.id, r.loc, r.failures.join("\n  ")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        results.len() >= 40,
        "the pack needs at least 40 scenarios, has {}",
        results.len()
    );
}

#[test]
fn scenarios_cover_every_route_in_every_verdict() {
    let p = pack();
    let mut seen: BTreeMap<&str, BTreeSet<Verdict>> = BTreeMap::new();
    let mut ev = Evaluator::new();
    for s in &p.scenarios {
        let a = ev.assess(p, &s.facts, s.as_of);
        for &(ri, want) in &s.expect {
            let got = a
                .routes
                .iter()
                .find(|r| usize::from(r.route) == ri)
                .map(|r| r.verdict);
            if got == Some(want) {
                seen.entry(p.routes[ri].id.as_str())
                    .or_default()
                    .insert(want);
            }
        }
    }
    let mut missing = Vec::new();
    for r in &p.routes {
        if r.kind == qonys_law::pack::RouteKind::ShortStay {
            continue;
        }
        for v in Verdict::ALL {
            if !seen.get(r.id.as_str()).is_some_and(|s| s.contains(&v)) {
                missing.push(format!("{} × {}", r.id, v.as_str()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no passing scenario expects: {}",
        missing.join(", ")
    );
}

#[test]
fn the_ten_routes_of_the_issue_exist() {
    let p = pack();
    for id in [
        "work",
        "family_reunification",
        "study",
        "business_immigrant",
        "self_employment",
        "permanent_residence",
        "investor_golden_visa",
        "neo_nomad",
        "digital_nomad",
        "kandas",
        "visa_free_stay",
    ] {
        assert!(p.route_idx(id).is_some(), "route {id} is missing");
    }
}

fn with_file(path: &str, edit: impl Fn(&str) -> String) -> Result<qonys_law::Pack, LoadErrors> {
    let mut files = bundled::files();
    let f = files
        .iter_mut()
        .find(|(p, _)| p == path)
        .expect("file exists");
    f.1 = edit(&f.1);
    load(&files)
}

fn errors(r: Result<qonys_law::Pack, LoadErrors>) -> Vec<String> {
    match r {
        Ok(_) => panic!("the broken pack was accepted"),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn syntax_error_is_located() {
    let errs = errors(with_file("facts.toml", |t| {
        format!("{t}\n[[fact]]\nid = \"broken\nlabel = 1\n")
    }));
    let lines = with_file("facts.toml", |t| t.to_string()).map(|_| ()).ok();
    assert!(lines.is_some());
    let n = bundled::files()
        .iter()
        .find(|(p, _)| p == "facts.toml")
        .map(|(_, t)| t.lines().count())
        .unwrap_or(0);
    assert!(
        errs.iter()
            .any(|e| e.starts_with(&format!("facts.toml:{}:", n + 3))),
        "{errs:?}"
    );
}

#[test]
fn undeclared_fact_is_located_at_its_column() {
    let errs = errors(with_file("routes/work.toml", |t| {
        t.replacen("rule = '", "rule = 'no_such_fact or ", 1)
    }));
    let text = bundled::files()
        .into_iter()
        .find(|(p, _)| p == "routes/work.toml")
        .map(|(_, t)| t)
        .unwrap_or_default();
    let line = text
        .lines()
        .position(|l| l.starts_with("rule = '"))
        .map(|i| i + 1)
        .expect("a rule line");
    let want = format!("routes/work.toml:{line}:9: `no_such_fact` is not a declared fact");
    assert!(
        errs.iter().any(|e| e.starts_with(&want)),
        "expected {want:?} in {errs:#?}"
    );
}

#[test]
fn missing_translation_is_an_error() {
    let errs = errors(with_file("facts.toml", |t| {
        t.replacen("question = { en =", "question = { xx = \"?\", en =", 1)
            .replacen(", kk = \"", ", kz_typo = \"", 1)
    }));
    assert!(
        errs.iter().any(|e| e.contains("no `kk` translation")),
        "{errs:#?}"
    );
}

#[test]
fn parameter_without_value_is_an_error() {
    let errs = errors(with_file("parameters.toml", |t| {
        t.replacen("value = 3450", "", 1)
    }));
    assert!(
        errs.iter()
            .any(|e| e.starts_with("parameters.toml:") && e.contains("no `value`")),
        "{errs:#?}"
    );
}

#[test]
fn uncertain_without_what_to_confirm_is_an_error() {
    let errs = errors(with_file("routes/work.toml", |t| {
        let mut out = String::new();
        let mut dropped = false;
        for l in t.lines() {
            if !dropped && l.starts_with("uncertainty") {
                dropped = true;
                continue;
            }
            out.push_str(l);
            out.push('\n');
        }
        out
    }));
    assert!(
        errs.iter()
            .any(|e| e.contains("is uncertain but says nothing to confirm")),
        "{errs:#?}"
    );
}

#[test]
fn type_errors_are_refused() {
    let errs = errors(with_file("routes/investor_golden_visa.toml", |t| {
        t.replacen(
            "planned_investment_usd >",
            "planned_investment_usd > param.mci or planned_investment_usd >",
            1,
        )
    }));
    assert!(
        errs.iter()
            .any(|e| e.contains("cannot compare an amount in USD with an amount in KZT")),
        "{errs:#?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Kleene soundness: forgetting facts can only turn a verdict into `needs_information`,
    /// never into a different definite verdict — unknown is never read as false or zero.
    #[test]
    fn forgetting_facts_never_changes_a_definite_verdict(seed in any::<u64>(), which in 0usize..1000) {
        let p = pack();
        prop_assume!(!p.scenarios.is_empty());
        let s = &p.scenarios[which % p.scenarios.len()];
        let mut ev = Evaluator::new();
        let full = ev.assess(p, &s.facts, s.as_of);
        let mut partial = s.facts.clone();
        for f in 0..p.facts.len() {
            if (seed >> (f % 64)) & 1 == 1 {
                partial.clear(f as u16);
            }
        }
        let part = ev.assess(p, &partial, s.as_of);
        for r in &part.routes {
            let whole = full.routes.iter().find(|x| x.route == r.route).map(|x| x.verdict);
            if r.verdict != Verdict::NeedsInformation {
                prop_assert_eq!(Some(r.verdict), whole, "route {} changed from {:?} with less information", p.routes[usize::from(r.route)].id, whole);
            }
        }
    }
}
