//! Next-question selection. For every route whose verdict is `needs_information`, the
//! unknown facts that decide its open clauses (the same facts
//! [`route_deciding_facts`](crate::engine::explain::route_deciding_facts) names) are
//! candidates, except facts already answered — an "I don't know" answer is never asked again.
//! A candidate's score is the number of open routes it decides times its `ask_weight`; ties go
//! to the fact declared first. Routes that are settled (`fits`, `fits_with_conditions`,
//! `does_not_fit`) contribute nothing, so a fact that cannot change any verdict is never asked.
//!
//! A [`Selector`] keeps its buffers between calls: after the first call, choosing the next
//! question allocates nothing.

use qonys_time::Date;

use crate::case::Facts;
use crate::engine::eval::{Env, truth};
use crate::engine::explain::clause_deciding_facts;
use crate::engine::{Evaluator, Verdict};
use crate::pack::{Clause, ClauseKind, FactIdx, Pack};

/// The chosen question and what is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    /// The fact to ask.
    pub fact: FactIdx,
    /// How many open routes it decides.
    pub routes: u16,
    /// An estimate of the questions to go (this one included): the unanswered facts that
    /// decide the open route needing the most answers. Asking every fact that decides any
    /// open route is the worst case; answers usually settle several routes at once.
    pub remaining: usize,
}

/// Reusable buffers for choosing questions.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    ev: Evaluator,
    verdicts: Vec<Verdict>,
    deciding: Vec<FactIdx>,
    counts: Vec<u16>,
    widest: usize,
}

/// Whether a requirement clause's outcome is unknown (exactly when the engine's outcome is
/// `Outcome::Unknown`): in force, applicable or possibly so, no exception known to hold, and
/// the rule not known to hold, with something left undecided.
fn clause_open(pack: &Pack, clause: &Clause, env: &Env<'_>) -> bool {
    if clause.kind == ClauseKind::Warning || !clause.effective.contains(env.as_of) {
        return false;
    }
    let applies = match clause.applies_when {
        Some(a) => truth(pack, a, env),
        None => Some(true),
    };
    if applies == Some(false) {
        return false;
    }
    let mut unknown = applies.is_none();
    for e in &clause.exceptions {
        if !e.effective.contains(env.as_of) {
            continue;
        }
        match truth(pack, e.when, env) {
            Some(true) => return false,
            Some(false) => {}
            None => unknown = true,
        }
    }
    match truth(pack, clause.rule, env) {
        Some(true) => false,
        Some(false) => unknown,
        None => true,
    }
}

impl Selector {
    /// A new selector.
    pub fn new() -> Selector {
        Selector::default()
    }

    /// Counts, for every fact, the open routes it decides (answered facts count zero).
    fn scan(&mut self, pack: &Pack, facts: &Facts, as_of: Date) {
        let Selector {
            ev,
            verdicts,
            deciding,
            counts,
            widest,
        } = self;
        *widest = 0;
        verdicts.clear();
        verdicts.resize(pack.routes.len(), Verdict::DoesNotFit);
        ev.verdicts(pack, facts.values(), as_of, verdicts);
        counts.clear();
        counts.resize(pack.facts.len(), 0);
        let env = ev.env(facts.values(), as_of);
        for (route, verdict) in pack.routes.iter().zip(verdicts.iter()) {
            if *verdict != Verdict::NeedsInformation {
                continue;
            }
            deciding.clear();
            for clause in &route.clauses {
                if clause_open(pack, clause, &env) {
                    clause_deciding_facts(pack, clause, &env, deciding);
                }
            }
            let mut open_here = 0;
            for &f in deciding.iter() {
                if !facts.is_answered(f)
                    && let Some(c) = counts.get_mut(usize::from(f))
                {
                    *c = c.saturating_add(1);
                    open_here += 1;
                }
            }
            *widest = (*widest).max(open_here);
        }
    }

    /// The next question: the unanswered fact with the highest score, or `None` when no
    /// answer could change any verdict any more.
    pub fn next(&mut self, pack: &Pack, facts: &Facts, as_of: Date) -> Option<Pick> {
        self.scan(pack, facts, as_of);
        let mut best: Option<(u64, usize)> = None;
        for (i, (&c, fact)) in self.counts.iter().zip(&pack.facts).enumerate() {
            if c == 0 {
                continue;
            }
            let score = u64::from(c) * u64::from(fact.ask_weight.max(1));
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, i));
            }
        }
        best.map(|(_, i)| Pick {
            fact: i as FactIdx,
            routes: self.counts[i],
            remaining: self.widest.max(1),
        })
    }

    /// Whether `fact`, were it unanswered, would decide at least one open route given the
    /// other answers in `facts`. (An answered fact is judged as if it were not answered.)
    pub fn decides_open_route(
        &mut self,
        pack: &Pack,
        facts: &Facts,
        as_of: Date,
        fact: FactIdx,
    ) -> bool {
        if usize::from(fact) >= pack.facts.len() {
            return false;
        }
        if facts.is_answered(fact) {
            let mut without = facts.clone();
            without.clear(fact);
            self.scan(pack, &without, as_of);
        } else {
            self.scan(pack, facts, as_of);
        }
        self.counts[usize::from(fact)] > 0
    }

    /// The unanswered facts that decide open routes, each with the number of open routes it
    /// decides, in declaration order.
    pub fn open_facts(&mut self, pack: &Pack, facts: &Facts, as_of: Date) -> Vec<(FactIdx, u16)> {
        self.scan(pack, facts, as_of);
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (i as FactIdx, *c))
            .collect()
    }

    /// "Why are you asking this?": the open routes and their undecided clauses that `fact`
    /// decides, as `(route index, clause index)` pairs in pack order. Empty when the fact is
    /// known or decides nothing.
    pub fn why(
        &mut self,
        pack: &Pack,
        facts: &Facts,
        as_of: Date,
        fact: FactIdx,
    ) -> Vec<(u16, u16)> {
        let Selector {
            ev,
            verdicts,
            deciding,
            ..
        } = self;
        verdicts.clear();
        verdicts.resize(pack.routes.len(), Verdict::DoesNotFit);
        ev.verdicts(pack, facts.values(), as_of, verdicts);
        let env = ev.env(facts.values(), as_of);
        let mut out = Vec::new();
        for (ri, (route, verdict)) in pack.routes.iter().zip(verdicts.iter()).enumerate() {
            if *verdict != Verdict::NeedsInformation {
                continue;
            }
            for (ci, clause) in route.clauses.iter().enumerate() {
                if !clause_open(pack, clause, &env) {
                    continue;
                }
                deciding.clear();
                clause_deciding_facts(pack, clause, &env, deciding);
                if deciding.contains(&fact) {
                    out.push((ri as u16, ci as u16));
                }
            }
        }
        out
    }
}

/// The next fact to ask about, or `None` when nothing left could change a verdict.
pub fn next_fact(pack: &Pack, facts: &Facts, as_of: Date) -> Option<FactIdx> {
    Selector::new().next(pack, facts, as_of).map(|p| p.fact)
}

/// "Why are you asking this?": the `(route index, clause index)` pairs of the open routes'
/// undecided clauses that `fact` decides.
pub fn why(pack: &Pack, facts: &Facts, as_of: Date, fact: FactIdx) -> Vec<(u16, u16)> {
    Selector::new().why(pack, facts, as_of, fact)
}
