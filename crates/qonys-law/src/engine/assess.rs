//! The assessment of every route for one person on one date. For each clause the engine
//! records how it came out (met, met by an exception, not met, unknown, not applicable, not
//! in force); from the clauses it derives the route's verdict; routes are then ranked. An
//! [`Evaluator`] keeps its buffers between calls, so assessing many people allocates only
//! for the results themselves.

use qonys_time::Date;

use super::eval::{Env, eval, truth};
use crate::case::Facts;
use crate::pack::{Clause, ClauseKind, Pack, Route, RouteKind, V};

/// A route's verdict, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every requirement is met.
    Fits,
    /// Requirements are met, but named steps (a sponsor's, a document) remain to be done.
    FitsWithConditions,
    /// Named facts are needed to decide.
    NeedsInformation,
    /// A requirement is not met.
    DoesNotFit,
}

impl Verdict {
    /// The verdict's identifier (`fits_with_conditions`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fits => "fits",
            Verdict::FitsWithConditions => "fits_with_conditions",
            Verdict::NeedsInformation => "needs_information",
            Verdict::DoesNotFit => "does_not_fit",
        }
    }

    /// Reads a verdict identifier.
    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "fits" => Some(Verdict::Fits),
            "fits_with_conditions" => Some(Verdict::FitsWithConditions),
            "needs_information" => Some(Verdict::NeedsInformation),
            "does_not_fit" => Some(Verdict::DoesNotFit),
            _ => None,
        }
    }

    /// All verdicts, best first.
    pub const ALL: [Verdict; 4] = [
        Verdict::Fits,
        Verdict::FitsWithConditions,
        Verdict::NeedsInformation,
        Verdict::DoesNotFit,
    ];
}

/// How one clause came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "exception")]
pub enum Outcome {
    /// The clause is not in force on the as-of date.
    NotInForce,
    /// Its `applies_when` condition is false.
    NotApplicable,
    /// The rule holds.
    Met,
    /// An exception holds (its index in the clause).
    MetByException(u16),
    /// The rule does not hold and no exception applies.
    NotMet,
    /// Not enough is known to decide.
    Unknown,
    /// A warning whose trigger holds.
    Triggered,
    /// A warning whose trigger does not hold.
    NotTriggered,
    /// A warning whose trigger cannot be decided yet.
    TriggerUnknown,
}

impl Outcome {
    /// The three-valued truth of a requirement (eligibility or step) with this outcome.
    pub fn satisfied(self) -> Option<bool> {
        match self {
            Outcome::NotInForce
            | Outcome::NotApplicable
            | Outcome::Met
            | Outcome::MetByException(_) => Some(true),
            Outcome::NotMet => Some(false),
            _ => None,
        }
    }
}

/// One clause's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClauseResult {
    /// Index of the clause within its route.
    pub clause: u16,
    /// How it came out.
    pub outcome: Outcome,
}

/// One route's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteResult {
    /// Index of the route in the pack.
    pub route: u16,
    /// Verdict.
    pub verdict: Verdict,
    /// Whether the route exists on the as-of date.
    pub in_force: bool,
    clauses: (u32, u32),
}

/// The assessment of every route for one person on one date.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Date the rules were applied at.
    pub as_of: Date,
    /// Routes, best first (short-stay rules last).
    pub routes: Vec<RouteResult>,
    /// Case-level warnings raised (indices into `Pack::warnings`).
    pub warnings: Vec<u16>,
    clause_results: Vec<ClauseResult>,
    /// Facts, derived facts and parameters used (for explanations).
    pub(crate) facts: Vec<V>,
    pub(crate) derived: Vec<V>,
    pub(crate) params: Vec<V>,
}

impl Assessment {
    /// The clause results of a route, in the route's clause order.
    pub fn clauses(&self, r: &RouteResult) -> &[ClauseResult] {
        &self.clause_results[r.clauses.0 as usize..r.clauses.1 as usize]
    }

    /// The result for a route id.
    pub fn route<'a>(&'a self, pack: &Pack, id: &str) -> Option<&'a RouteResult> {
        let idx = pack.route_idx(id)? as u16;
        self.routes.iter().find(|r| r.route == idx)
    }

    /// The evaluation environment this assessment was made in.
    pub fn env(&self) -> Env<'_> {
        Env {
            facts: &self.facts,
            derived: &self.derived,
            params: &self.params,
            as_of: self.as_of,
        }
    }

    /// The fact values the assessment used.
    pub fn fact_values(&self) -> &[V] {
        &self.facts
    }
}

/// Reusable evaluation buffers (derived values and parameters for the as-of date).
#[derive(Debug, Default, Clone)]
pub struct Evaluator {
    derived: Vec<V>,
    params: Vec<V>,
    params_for: Option<Date>,
}

impl Evaluator {
    /// A new evaluator.
    pub fn new() -> Evaluator {
        Evaluator::default()
    }

    /// Resolves parameters (cached per date) and derived facts for `facts` on `as_of`.
    pub fn prepare(&mut self, pack: &Pack, facts: &[V], as_of: Date) {
        if self.params_for != Some(as_of) || self.params.len() != pack.params.len() {
            self.params.clear();
            self.params
                .extend(pack.params.iter().map(|p| p.value_at(as_of)));
            self.params_for = Some(as_of);
        }
        self.derived.clear();
        self.derived.resize(pack.derived.len(), V::Unknown);
        for (i, d) in pack.derived.iter().enumerate() {
            let env = Env {
                facts,
                derived: &self.derived,
                params: &self.params,
                as_of,
            };
            self.derived[i] = eval(pack, d.node, &env);
        }
    }

    /// The environment after [`Evaluator::prepare`].
    pub fn env<'a>(&'a self, facts: &'a [V], as_of: Date) -> Env<'a> {
        Env {
            facts,
            derived: &self.derived,
            params: &self.params,
            as_of,
        }
    }

    /// Assesses every route.
    pub fn assess(&mut self, pack: &Pack, facts: &Facts, as_of: Date) -> Assessment {
        self.prepare(pack, facts.values(), as_of);
        let env = self.env(facts.values(), as_of);
        let total: usize = pack.routes.iter().map(|r| r.clauses.len()).sum();
        let mut clause_results = Vec::with_capacity(total);
        let mut routes = Vec::with_capacity(pack.routes.len());
        for (ri, route) in pack.routes.iter().enumerate() {
            let start = clause_results.len() as u32;
            let (verdict, in_force) = route_verdict(pack, route, &env, &mut clause_results);
            routes.push(RouteResult {
                route: ri as u16,
                verdict,
                in_force,
                clauses: (start, clause_results.len() as u32),
            });
        }
        routes.sort_by(|a, b| {
            let ra = &pack.routes[usize::from(a.route)];
            let rb = &pack.routes[usize::from(b.route)];
            (ra.kind == RouteKind::ShortStay)
                .cmp(&(rb.kind == RouteKind::ShortStay))
                .then(a.verdict.cmp(&b.verdict))
                .then(rb.priority.cmp(&ra.priority))
                .then(a.route.cmp(&b.route))
        });
        let warnings = pack
            .warnings
            .iter()
            .enumerate()
            .filter(|(_, w)| {
                w.effective.contains(as_of) && truth(pack, w.triggers, &env) == Some(true)
            })
            .map(|(i, _)| i as u16)
            .collect();
        Assessment {
            as_of,
            routes,
            warnings,
            clause_results,
            facts: facts.values().to_vec(),
            derived: self.derived.clone(),
            params: self.params.clone(),
        }
    }

    /// Only the verdicts, written into `out` (one per route, in pack order): the fast path
    /// for batch evaluation, with no allocation.
    pub fn verdicts(&mut self, pack: &Pack, facts: &[V], as_of: Date, out: &mut [Verdict]) {
        self.prepare(pack, facts, as_of);
        let env = self.env(facts, as_of);
        for (route, slot) in pack.routes.iter().zip(out.iter_mut()) {
            *slot = verdict_only(pack, route, &env);
        }
    }
}

/// Assesses every route for `facts` on `as_of`.
pub fn assess(pack: &Pack, facts: &Facts, as_of: Date) -> Assessment {
    Evaluator::new().assess(pack, facts, as_of)
}

/// The outcome of one clause.
pub fn clause_outcome(pack: &Pack, clause: &Clause, env: &Env<'_>) -> Outcome {
    if !clause.effective.contains(env.as_of) {
        return Outcome::NotInForce;
    }
    if clause.kind == ClauseKind::Warning {
        let applies = clause
            .applies_when
            .map_or(Some(true), |a| truth(pack, a, env));
        return match (applies, truth(pack, clause.rule, env)) {
            (Some(false), _) => Outcome::NotApplicable,
            (Some(true), Some(true)) => Outcome::Triggered,
            (_, Some(false)) => Outcome::NotTriggered,
            _ => Outcome::TriggerUnknown,
        };
    }
    let applies = match clause.applies_when {
        Some(a) => truth(pack, a, env),
        None => Some(true),
    };
    if applies == Some(false) {
        return Outcome::NotApplicable;
    }
    let mut unknown = applies.is_none();
    for (i, e) in clause.exceptions.iter().enumerate() {
        if !e.effective.contains(env.as_of) {
            continue;
        }
        match truth(pack, e.when, env) {
            Some(true) => return Outcome::MetByException(i as u16),
            Some(false) => {}
            None => unknown = true,
        }
    }
    match truth(pack, clause.rule, env) {
        Some(true) => Outcome::Met,
        Some(false) if !unknown => Outcome::NotMet,
        _ => Outcome::Unknown,
    }
}

fn combine(verdict_parts: (bool, bool, bool, bool)) -> Verdict {
    let (elig_false, elig_unknown, step_unknown, step_false) = verdict_parts;
    if elig_false {
        Verdict::DoesNotFit
    } else if elig_unknown || step_unknown {
        Verdict::NeedsInformation
    } else if step_false {
        Verdict::FitsWithConditions
    } else {
        Verdict::Fits
    }
}

fn route_verdict(
    pack: &Pack,
    route: &Route,
    env: &Env<'_>,
    out: &mut Vec<ClauseResult>,
) -> (Verdict, bool) {
    let in_force = route.effective.contains(env.as_of);
    let mut parts = (!in_force, false, false, false);
    for (ci, clause) in route.clauses.iter().enumerate() {
        let outcome = if in_force {
            clause_outcome(pack, clause, env)
        } else {
            Outcome::NotInForce
        };
        out.push(ClauseResult {
            clause: ci as u16,
            outcome,
        });
        match (clause.kind, outcome.satisfied()) {
            (ClauseKind::Eligibility, Some(false)) => parts.0 = true,
            (ClauseKind::Eligibility, None) => parts.1 = true,
            (ClauseKind::Step, None) => parts.2 = true,
            (ClauseKind::Step, Some(false)) => parts.3 = true,
            _ => {}
        }
    }
    (combine(parts), in_force)
}

fn verdict_only(pack: &Pack, route: &Route, env: &Env<'_>) -> Verdict {
    if !route.effective.contains(env.as_of) {
        return Verdict::DoesNotFit;
    }
    let mut parts = (false, false, false, false);
    for clause in &route.clauses {
        if clause.kind == ClauseKind::Warning {
            continue;
        }
        match (clause.kind, clause_outcome(pack, clause, env).satisfied()) {
            (ClauseKind::Eligibility, Some(false)) => return Verdict::DoesNotFit,
            (ClauseKind::Eligibility, None) => parts.1 = true,
            (ClauseKind::Step, None) => parts.2 = true,
            (ClauseKind::Step, Some(false)) => parts.3 = true,
            _ => {}
        }
    }
    combine(parts)
}
