//! Compiled deadline rules (`deadlines.toml`) and the working-day calendar
//! (`data/calendar.toml`) as the continuity planner reads them: triggers resolved to event
//! and status kinds, spans to literals or parameter indices, conditions to arena nodes, and
//! every rule with its provenance and its effective period keyed to the trigger date.

use std::collections::BTreeMap;

use qonys_time::{Direction, Roll, Unit};

use super::model::{Loc, NodeIdx, Period, Provenance, Text};
use crate::case::{EventKind, RawValue, StatusKind};

pub use super::source::{
    DeadlineKindSrc as DeadlineKind, GroundLossOnSrc as GroundLossOn, SeveritySrc as Severity,
};

/// What starts a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Each event of this kind.
    Event(EventKind),
    /// The start of each status of this kind (`None`: any kind).
    StatusStart(Option<StatusKind>),
    /// The end of each status of this kind (`None`: any kind).
    StatusEnd(Option<StatusKind>),
}

/// The amount of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    /// A fixed number.
    Literal(u32),
    /// A parameter's value on the trigger date (index into `Pack::params`).
    Param(u16),
}

/// How a rule's date is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Trigger date ± span, with the roll rule.
    Span {
        /// How many units.
        amount: Amount,
        /// Which unit.
        unit: Unit,
    },
    /// The visa-free stay counter; parameters by index.
    StayLimit {
        /// Days per stay (none: no cap).
        per_stay: Option<u16>,
        /// Days in the window.
        max_days: u16,
        /// Window length.
        window_days: u16,
    },
    /// Days abroad per calendar year while a permanent resident (parameter by index).
    AbsenceLimit {
        /// The yearly limit.
        max_days: Amount,
    },
}

/// A ground a rule can take away.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundLoss {
    /// Index of the route whose ground ends.
    pub route: usize,
    /// Trigger or missed deadline.
    pub on: GroundLossOn,
    /// The facts as they now stand (case-file form).
    pub sets: BTreeMap<String, RawValue>,
}

/// A compiled deadline rule.
#[derive(Debug, Clone)]
pub struct DeadlineRule {
    /// Identifier.
    pub id: String,
    /// Deadline or milestone.
    pub kind: DeadlineKind,
    /// Short title.
    pub title: Text,
    /// What must be done.
    pub action: Text,
    /// What starts it.
    pub trigger: Trigger,
    /// For status triggers: only statuses resting on this ground (a route id).
    pub trigger_ground: Option<String>,
    /// How the date is computed.
    pub method: Method,
    /// After or before the trigger.
    pub direction: Direction,
    /// Roll rule.
    pub roll: Roll,
    /// Condition on the facts.
    pub when: Option<NodeIdx>,
    /// Events that, all dated on or after the trigger, mean it was met.
    pub done_by: Vec<EventKind>,
    /// Statuses during which the rule does not apply.
    pub unless_status: Vec<StatusKind>,
    /// A condition on the facts that means the latest occurrence was met.
    pub done_when: Option<NodeIdx>,
    /// The ground it can take away.
    pub ends_ground: Option<GroundLoss>,
    /// Urgency.
    pub severity: Severity,
    /// In force for triggers dated in this period.
    pub effective: Period,
    /// Provenance.
    pub provenance: Provenance,
    /// Where it is defined.
    pub loc: Loc,
}

/// The display names of the calendar's days, by name key (`calendar.nauryz_meiramy`).
pub type CalendarNames = BTreeMap<String, Text>;
