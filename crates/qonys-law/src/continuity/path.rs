//! Path planning: from the current status, the sequences of routes that lead to permanent
//! residence and then citizenship. A route whose status is itself a ground for permanent
//! residence (`path_to_permanent = "direct"`) leads there in two steps; an `indirect` route
//! needs a ground from elsewhere (the permanent-residence route's open clauses say which);
//! citizenship follows permanent residence after the years the pack's milestone rules give
//! (`citizenship_residence_years`, or the spouse's shorter term when their condition holds).
//! Each step carries the earliest date it becomes possible and the clauses it still needs.

use qonys_time::Date;

use super::timeline::span_due;
use crate::case::{StatusKind, StatusPeriod};
use crate::engine::eval::truth;
use crate::engine::explain::decisive_ids;
use crate::engine::{Assessment, Verdict};
use crate::pack::deadline::{DeadlineKind, Trigger};
use crate::pack::{Pack, PathToPermanent, RouteKind};

/// What a step is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum StepKind {
    /// Obtain (or keep) the status of a route.
    Route {
        /// Index of the route.
        route: usize,
    },
    /// Apply for citizenship (the milestone rule that dates it).
    Citizenship {
        /// Index of the deadline rule.
        rule: usize,
    },
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PathStep {
    /// What the step is.
    pub kind: StepKind,
    /// The earliest date it becomes possible (`None` when it cannot be dated yet).
    pub earliest: Option<Date>,
    /// The route's verdict on the as-of date (route steps).
    pub verdict: Option<Verdict>,
    /// The person already holds this status.
    pub held: bool,
    /// Clauses and exceptions the step still rests on (failed, undecided, open steps).
    pub needs: Vec<String>,
    /// The citizenship term rests on a condition the facts do not decide.
    pub conditional: bool,
}

/// A sequence of steps towards permanent residence and citizenship.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PathPlan {
    /// The steps, in order.
    pub steps: Vec<PathStep>,
}

fn route_step(
    pack: &Pack,
    a: &Assessment,
    route: usize,
    earliest: Option<Date>,
    held: bool,
) -> PathStep {
    let r = a.routes.iter().find(|r| usize::from(r.route) == route);
    PathStep {
        kind: StepKind::Route { route },
        earliest,
        verdict: r.map(|r| r.verdict),
        held,
        needs: if held {
            Vec::new()
        } else {
            r.map(|r| {
                decisive_ids(pack, a, r)
                    .into_iter()
                    .filter(|id| {
                        // Warnings never block a step; they are shown with the assessment.
                        pack.find_clause(id).is_some_and(|(ri, ci, _)| {
                            pack.routes[ri].clauses[ci].kind != crate::pack::ClauseKind::Warning
                        })
                    })
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
        },
        conditional: false,
    }
}

/// Citizenship steps after permanent residence from `pr_from` (one per milestone rule whose
/// condition is not false; the earliest first).
fn citizenship_steps(pack: &Pack, a: &Assessment, pr_from: Option<Date>) -> Vec<PathStep> {
    let env = a.env();
    let mut out: Vec<PathStep> = Vec::new();
    for (i, rule) in pack.deadlines.iter().enumerate() {
        if rule.kind != DeadlineKind::Milestone
            || rule.trigger != Trigger::StatusStart(Some(StatusKind::PermanentResidence))
        {
            continue;
        }
        let t = rule.when.map(|n| truth(pack, n, &env));
        if t == Some(Some(false)) {
            continue;
        }
        let earliest = pr_from
            .filter(|d| rule.effective.contains(*d))
            .and_then(|d| span_due(pack, rule, d, a.as_of))
            .map(|c| c.due);
        if pr_from.is_some() && earliest.is_none() {
            continue;
        }
        out.push(PathStep {
            kind: StepKind::Citizenship { rule: i },
            earliest,
            verdict: None,
            held: false,
            needs: Vec::new(),
            conditional: t == Some(None),
        });
    }
    // Decided terms first; among undecided ones the longer (the general rule) first.
    out.sort_by_key(|s| (s.conditional, std::cmp::Reverse(s.earliest)));
    // A decided term makes the conditional ones moot; otherwise keep both readings.
    if out.iter().any(|s| !s.conditional) {
        out.retain(|s| !s.conditional);
        out.truncate(1);
    } else {
        // Undecided: the general (longer) term, marked conditional.
        out.truncate(1);
    }
    out
}

/// The paths to permanent residence and citizenship, best first (at most four).
pub fn paths(
    pack: &Pack,
    a: &Assessment,
    current: Option<&StatusPeriod>,
    as_of: Date,
) -> Vec<PathPlan> {
    // The permanent-residence route: the permanent route ranked first by the pack.
    let Some(pr) = pack
        .routes
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == RouteKind::Permanent)
        .max_by_key(|(i, r)| (r.priority, std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
    else {
        return Vec::new();
    };
    if let Some(c) = current
        && c.kind == StatusKind::PermanentResidence
    {
        let mut steps = vec![route_step(pack, a, pr, Some(c.valid_from), true)];
        steps.extend(citizenship_steps(pack, a, Some(c.valid_from)));
        return vec![PathPlan { steps }];
    }
    let held = current
        .filter(|c| c.covers(as_of))
        .and_then(|c| c.ground.as_deref())
        .and_then(|g| pack.route_idx(g));
    let pr_verdict = a
        .routes
        .iter()
        .find(|r| usize::from(r.route) == pr)
        .map_or(Verdict::DoesNotFit, |r| r.verdict);
    let mut candidates: Vec<(usize, bool)> = Vec::new();
    if let Some(h) = held {
        candidates.push((h, true));
    }
    for r in &a.routes {
        let ri = usize::from(r.route);
        let route = &pack.routes[ri];
        if Some(ri) == held
            || route.kind == RouteKind::ShortStay
            || r.verdict == Verdict::DoesNotFit
            || route.path_to_permanent == PathToPermanent::No
        {
            continue;
        }
        candidates.push((ri, false));
    }
    let mut out = Vec::new();
    for (ri, is_held) in candidates {
        let mut steps = Vec::new();
        let start = if is_held {
            current.map(|c| c.valid_from)
        } else {
            Some(as_of)
        };
        if ri != pr {
            steps.push(route_step(pack, a, ri, start, is_held));
        }
        let direct = pack.routes[ri].path_to_permanent == PathToPermanent::Direct;
        // Permanent residence: possible now when its route is open on the facts (or the
        // status held is itself a ground); otherwise it waits for the ground named in needs.
        let pr_open = pr_verdict != Verdict::DoesNotFit || (direct && ri != pr);
        let pr_date = pr_open.then_some(as_of);
        let mut pr_step = route_step(pack, a, pr, pr_date, false);
        if direct && ri != pr {
            // The status of a direct route is itself the ground (by the pack's convention,
            // the permanent-residence route's `<id>.ground` clause).
            let ground = format!("{}.ground", pack.routes[pr].id);
            pr_step.needs.retain(|id| !id.starts_with(&ground));
        }
        steps.push(pr_step);
        steps.extend(citizenship_steps(pack, a, pr_date));
        out.push(PathPlan { steps });
        if out.len() == 4 {
            break;
        }
    }
    out
}
