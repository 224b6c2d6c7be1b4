//! Continuity: from the facts, the history and the as-of date, what the person must do and by
//! when, whether the ground of their status still holds, and how they get to permanent
//! residence and citizenship.
//!
//! - [`timeline`]: every deadline rule of the pack applied to the history — one item per
//!   trigger (an event, a status's start or end), its due date with the structured
//!   computation (`qonys_time` steps), and its state (overdue, due soon, later, done);
//! - [`ground`]: events that end the ground of the current status (a contract ended, studies
//!   ended, a divorce, capital not transferred in time), the urgent warning, and the route
//!   engine re-run on the facts as they now stand;
//! - [`path`]: the sequences of routes that lead to permanent residence and then citizenship,
//!   with the earliest date of each step and what it needs.
//!
//! Pure: the as-of date is a parameter; no clock, no IO.

pub mod ground;
pub mod path;
pub mod timeline;

use qonys_time::Date;

use crate::case::{Facts, History, StatusPeriod};
use crate::engine::{Assessment, assess};
use crate::pack::Pack;

pub use ground::{GroundLossWarning, Suggestion};
pub use path::{PathPlan, PathStep, StepKind};
pub use timeline::{DUE_SOON_DAYS, Item, ItemState, TriggerRef};

/// The continuity plan of one case on one date.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The date the plan is made for.
    pub as_of: Date,
    /// The status held on the as-of date (or the latest one that started before it).
    pub current: Option<StatusPeriod>,
    /// Deadlines and milestones, by due date.
    pub items: Vec<Item>,
    /// Grounds that ended, with what to do and the routes that now fit.
    pub ground_losses: Vec<GroundLossWarning>,
    /// Paths to permanent residence and citizenship, best first.
    pub paths: Vec<PathPlan>,
    /// Years whose holiday data the computations needed but the pack does not hold.
    pub uncovered_years: Vec<i32>,
    /// The route assessment on the as-of date (the facts as given).
    pub assessment: Assessment,
}

/// The status held on `as_of`, or else the latest one that started on or before it.
pub fn current_status(history: &History, as_of: Date) -> Option<&StatusPeriod> {
    history
        .status_on(as_of)
        .or_else(|| history.statuses.iter().rfind(|s| s.valid_from <= as_of))
}

/// Makes the plan.
pub fn plan(pack: &Pack, facts: &Facts, history: &History, as_of: Date) -> Plan {
    let assessment = assess(pack, facts, as_of);
    let items = timeline::items(pack, &assessment, history, as_of);
    let current = current_status(history, as_of).cloned();
    let ground_losses = ground::losses(pack, facts, history, &items, current.as_ref(), as_of);
    // A status whose ground ended is no longer a step the person holds on the way.
    let held = current.as_ref().filter(|_| ground_losses.is_empty());
    let paths = path::paths(pack, &assessment, held, as_of);
    let mut uncovered_years: Vec<i32> = items
        .iter()
        .filter_map(|i| i.computation.as_ref())
        .flat_map(|c| c.uncovered_years())
        .collect();
    uncovered_years.sort_unstable();
    uncovered_years.dedup();
    Plan {
        as_of,
        current,
        items,
        ground_losses,
        paths,
        uncovered_years,
        assessment,
    }
}
