//! Running a pack's scenario tests: each scenario's facts are assessed on its as-of date and
//! compared with the expected verdicts, reasons, deciding facts and warnings. Used by
//! `qonys rules test` and by `cargo test`.

use crate::engine::explain::{decisive_ids, route_deciding_facts};
use crate::engine::{Evaluator, Outcome};
use crate::pack::{ClauseKind, Pack, Scenario};

/// The result of one scenario.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// Scenario id.
    pub id: String,
    /// Where it is defined (`tests/work.toml:12:1`).
    pub loc: String,
    /// Every mismatch, in words; empty when the scenario passed.
    pub failures: Vec<String>,
}

impl ScenarioResult {
    /// Whether everything matched.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The ids of the warnings an assessment raised: case warnings and triggered route warnings.
pub fn raised_warnings<'p>(pack: &'p Pack, a: &crate::Assessment) -> Vec<&'p str> {
    let mut out: Vec<&str> = a
        .warnings
        .iter()
        .map(|&w| pack.warnings[usize::from(w)].id.as_str())
        .collect();
    for r in &a.routes {
        let route = &pack.routes[usize::from(r.route)];
        for cr in a.clauses(r) {
            let c = &route.clauses[usize::from(cr.clause)];
            if c.kind == ClauseKind::Warning && cr.outcome == Outcome::Triggered {
                out.push(c.id.as_str());
            }
        }
    }
    out
}

/// Runs one scenario.
pub fn run(pack: &Pack, s: &Scenario, ev: &mut Evaluator) -> ScenarioResult {
    let a = ev.assess(pack, &s.facts, s.as_of);
    let mut failures = Vec::new();
    let result_for = |ri: usize| a.routes.iter().find(|r| usize::from(r.route) == ri);
    for &(ri, want) in &s.expect {
        if let Some(r) = result_for(ri)
            && r.verdict != want
        {
            failures.push(format!(
                "route `{}`: expected {}, got {} (decided by: {})",
                pack.routes[ri].id,
                want.as_str(),
                r.verdict.as_str(),
                decisive_ids(pack, &a, r).join(", ")
            ));
        }
    }
    for (ri, ids) in &s.expect_reasons {
        if let Some(r) = result_for(*ri) {
            let got = decisive_ids(pack, &a, r);
            for id in ids {
                if !got.contains(&id.as_str()) {
                    failures.push(format!(
                        "route `{}`: expected `{id}` among the reasons, got: {}",
                        pack.routes[*ri].id,
                        got.join(", ")
                    ));
                }
            }
        }
    }
    for (ri, fids) in &s.expect_missing {
        if let Some(r) = result_for(*ri) {
            let got = route_deciding_facts(pack, &a, r);
            for f in fids {
                if !got.contains(f) {
                    let names: Vec<&str> = got
                        .iter()
                        .map(|&g| pack.facts[usize::from(g)].id.as_str())
                        .collect();
                    failures.push(format!(
                        "route `{}`: expected `{}` among the deciding facts, got: {}",
                        pack.routes[*ri].id,
                        pack.facts[usize::from(*f)].id,
                        names.join(", ")
                    ));
                }
            }
        }
    }
    let raised = raised_warnings(pack, &a);
    for w in &s.expect_warnings {
        if !raised.contains(&w.as_str()) {
            failures.push(format!(
                "expected warning `{w}`, raised: {}",
                raised.join(", ")
            ));
        }
    }
    for w in &s.expect_no_warnings {
        if raised.contains(&w.as_str()) {
            failures.push(format!("warning `{w}` was raised but should not be"));
        }
    }
    ScenarioResult {
        id: s.id.clone(),
        loc: s.loc.to_string(),
        failures,
    }
}

/// Runs every scenario of the pack.
pub fn run_all(pack: &Pack) -> Vec<ScenarioResult> {
    let mut ev = Evaluator::new();
    pack.scenarios
        .iter()
        .map(|s| run(pack, s, &mut ev))
        .collect()
}
