//! Ground monitoring: a status rests on a ground (a route: work, study, family, business);
//! when an event ends that ground — or a deadline the ground depends on is missed — the plan
//! raises an urgent warning with what to do and by when (the rule's due date), and re-runs
//! the route engine on the facts as they now stand (the rule's `ends_ground.sets` applied
//! over the case's facts) to suggest the routes that now fit.

use qonys_time::Date;

use super::timeline::{Item, ItemState, TriggerRef};
use crate::case::{Facts, History, StatusPeriod, bind_table};
use crate::engine::{Verdict, assess};
use crate::pack::deadline::GroundLossOn;
use crate::pack::{Pack, RouteKind};

/// A route the re-run engine suggests.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    /// Index of the route.
    pub route: usize,
    /// Its verdict on the facts as they now stand.
    pub verdict: Verdict,
}

/// A ground that ended.
#[derive(Debug, Clone)]
pub struct GroundLossWarning {
    /// Index of the deadline rule that raised it.
    pub rule: usize,
    /// The route whose ground ended.
    pub route: usize,
    /// When the ground ended (the event date, or the missed deadline).
    pub since: Date,
    /// What to do by when: the rule's timeline item.
    pub due: Date,
    /// Days from the as-of date to `due` (negative when past).
    pub days_left: i32,
    /// Routes that fit the facts as they now stand, best first (at most five).
    pub suggestions: Vec<Suggestion>,
}

/// The facts with the rule's changes applied (answers the rule does not name are kept).
pub fn facts_after(pack: &Pack, facts: &Facts, sets: &Facts) -> Facts {
    let mut out = facts.clone();
    for i in 0..pack.facts.len() {
        let f = i as u16;
        if sets.is_answered(f) {
            out.set(f, sets.get(f));
        }
    }
    out
}

/// The grounds that ended for the current status.
pub fn losses(
    pack: &Pack,
    facts: &Facts,
    history: &History,
    items: &[Item],
    current: Option<&StatusPeriod>,
    as_of: Date,
) -> Vec<GroundLossWarning> {
    let Some(cur) = current else {
        return Vec::new();
    };
    let Some(ground) = cur.ground.as_deref().and_then(|g| pack.route_idx(g)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let rule = &pack.deadlines[item.rule];
        let Some(gl) = &rule.ends_ground else {
            continue;
        };
        if gl.route != ground || item.anchor < cur.valid_from || item.anchor > as_of {
            continue;
        }
        let since = match gl.on {
            GroundLossOn::Triggered => item.anchor,
            GroundLossOn::Missed if item.state == ItemState::Overdue => item.due,
            GroundLossOn::Missed => continue,
        };
        if let TriggerRef::Event { index, .. } = item.trigger
            && history.events.get(index).is_none()
        {
            continue;
        }
        let suggestions = match bind_table(pack, &gl.sets, "ends_ground.sets") {
            Ok(sets) => {
                let now = facts_after(pack, facts, &sets);
                let a = assess(pack, &now, as_of);
                a.routes
                    .iter()
                    .filter(|r| {
                        let route = &pack.routes[usize::from(r.route)];
                        usize::from(r.route) != ground
                            && route.kind != RouteKind::ShortStay
                            && r.verdict != Verdict::DoesNotFit
                    })
                    .take(5)
                    .map(|r| Suggestion {
                        route: usize::from(r.route),
                        verdict: r.verdict,
                    })
                    .collect()
            }
            Err(_) => Vec::new(),
        };
        out.push(GroundLossWarning {
            rule: item.rule,
            route: ground,
            since,
            due: item.due,
            days_left: item.days_left,
            suggestions,
        });
    }
    out
}
