//! The timeline: each deadline rule applied to each of its triggers in the history.
//!
//! A rule is applied to a trigger when the trigger date lies in the rule's effective period
//! (so an arrival on 2026-06-30 follows the host-notification rule and one on 2026-07-01 the
//! self-registration rule) and the rule's `when` condition is not false for the case (when it
//! is unknown the item is kept and marked conditional). A trigger is **superseded** when the
//! same trigger happened again on or before the as-of date (a later arrival, a later status
//! end); a superseded item is left out unless it lies in the future. States: `done` (every
//! `done_by` event happened on or after the trigger, or `done_when` holds for the latest
//! trigger), `overdue`, `due_soon` (within [`DUE_SOON_DAYS`]), `later`; a milestone is
//! `available` once its date has come.

use qonys_time::{
    Computation, Date, Direction, Span, Stay, StayLimits, StayStatus, Unit, compute, stay_status,
};

use crate::case::{EventKind, History, StatusKind};
use crate::engine::Assessment;
use crate::engine::eval::truth;
use crate::pack::deadline::{Amount, DeadlineKind, DeadlineRule, Method, Trigger};
use crate::pack::{Pack, V};

/// A deadline within this many days of the as-of date is "due soon".
pub const DUE_SOON_DAYS: i32 = 14;

/// What triggered an item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum TriggerRef {
    /// An event of the history (its index in `History::events`).
    Event {
        /// The event kind.
        kind: EventKind,
        /// Index in the history's events.
        index: usize,
    },
    /// The start of a status (its index in `History::statuses`).
    StatusStart {
        /// The status kind.
        kind: StatusKind,
        /// Index in the history's statuses.
        index: usize,
    },
    /// The end of a status.
    StatusEnd {
        /// The status kind.
        kind: StatusKind,
        /// Index in the history's statuses.
        index: usize,
    },
}

/// Where an item stands on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// The date has passed and the obligation is not recorded as met.
    Overdue,
    /// Due within [`DUE_SOON_DAYS`] days.
    DueSoon,
    /// Due later.
    Later,
    /// A milestone whose date has come: possible now.
    Available,
    /// Met (recorded by an event or a fact).
    Done,
}

/// One deadline or milestone.
#[derive(Debug, Clone)]
pub struct Item {
    /// Index of the rule in `Pack::deadlines`.
    pub rule: usize,
    /// What triggered it.
    pub trigger: TriggerRef,
    /// The trigger date.
    pub anchor: Date,
    /// The due date (for a milestone: the date from which it is possible).
    pub due: Date,
    /// Where it stands.
    pub state: ItemState,
    /// Days from the as-of date to the due date (negative when past).
    pub days_left: i32,
    /// How a span deadline was computed.
    pub computation: Option<Computation>,
    /// The stay counter behind a stay-limit deadline.
    pub stay: Option<StayStatus>,
    /// Days abroad this calendar year and the limit, behind an absence-limit deadline.
    pub absence: Option<(u32, u32)>,
    /// The rule's `when` condition could not be decided on the facts given.
    pub conditional: bool,
}

struct Occurrence {
    trigger: TriggerRef,
    anchor: Date,
    /// Identity for supersession: the same trigger happening again.
    key: (u8, u8, Option<String>),
}

fn occurrences(history: &History, t: Trigger, ground: Option<&str>) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let grounded =
        |s: &crate::case::StatusPeriod| ground.is_none_or(|g| s.ground.as_deref() == Some(g));
    match t {
        Trigger::Event(k) => {
            for (i, e) in history.events.iter().enumerate() {
                if e.kind == k {
                    // Certificates of different kinds (named in the note) run side by side.
                    let note = (k == EventKind::CertificateIssued)
                        .then(|| e.note.clone())
                        .flatten();
                    out.push(Occurrence {
                        trigger: TriggerRef::Event { kind: k, index: i },
                        anchor: e.date,
                        key: (0, k as u8, note),
                    });
                }
            }
        }
        Trigger::StatusStart(kind) => {
            for (i, s) in history.statuses.iter().enumerate() {
                if kind.is_none_or(|k| k == s.kind) && grounded(s) {
                    out.push(Occurrence {
                        trigger: TriggerRef::StatusStart {
                            kind: s.kind,
                            index: i,
                        },
                        anchor: s.valid_from,
                        key: (1, kind.map_or(255, |k| k as u8), None),
                    });
                }
            }
        }
        Trigger::StatusEnd(kind) => {
            for (i, s) in history.statuses.iter().enumerate() {
                if let Some(end) = s.valid_to
                    && kind.is_none_or(|k| k == s.kind)
                    && grounded(s)
                {
                    out.push(Occurrence {
                        trigger: TriggerRef::StatusEnd {
                            kind: s.kind,
                            index: i,
                        },
                        anchor: end,
                        key: (2, kind.map_or(255, |k| k as u8), None),
                    });
                }
            }
            out.sort_by_key(|o| o.anchor);
        }
    }
    out
}

/// The parameter value of an amount on `d`, as a whole number of units.
pub(crate) fn amount_on(pack: &Pack, a: Amount, d: Date) -> Option<u32> {
    match a {
        Amount::Literal(n) => Some(n),
        Amount::Param(i) => match pack.params.get(usize::from(i))?.value_at(d) {
            V::Num(x) if x >= 0.0 && x.fract() == 0.0 && x < 1e6 => Some(x as u32),
            _ => None,
        },
    }
}

/// The due date of a span rule for a trigger on `anchor`. A deadline's length is the one in
/// force on the trigger date; a milestone's (years of residence before citizenship) the one
/// in force when it is reached, read as the one in force on the later of the trigger and the
/// as-of date.
pub(crate) fn span_due(
    pack: &Pack,
    rule: &DeadlineRule,
    anchor: Date,
    as_of: Date,
) -> Option<Computation> {
    let Method::Span { amount, unit } = rule.method else {
        return None;
    };
    let on = if rule.kind == DeadlineKind::Milestone {
        anchor.max(as_of)
    } else {
        anchor
    };
    let n = amount_on(pack, amount, on)?;
    compute(
        anchor,
        Span { amount: n, unit },
        rule.direction,
        rule.roll,
        &pack.calendar,
    )
    .ok()
}

fn state(rule: &DeadlineRule, done: bool, due: Date, as_of: Date) -> ItemState {
    let left = as_of.days_until(due);
    if rule.kind == DeadlineKind::Milestone {
        return if left <= 0 {
            ItemState::Available
        } else if left <= DUE_SOON_DAYS {
            ItemState::DueSoon
        } else {
            ItemState::Later
        };
    }
    if done {
        ItemState::Done
    } else if left < 0 {
        ItemState::Overdue
    } else if left <= DUE_SOON_DAYS {
        ItemState::DueSoon
    } else {
        ItemState::Later
    }
}

/// The stays on the visa-free regime: arrivals not covered by a visa or permit, each with the
/// next departure. Only history up to `as_of` is used.
fn visa_free_stays(history: &History, as_of: Date) -> Vec<Stay> {
    let mut stays: Vec<Stay> = Vec::new();
    let mut open: Option<Date> = None;
    for e in history.events.iter().filter(|e| e.date <= as_of) {
        match e.kind {
            EventKind::Arrival => {
                let covered = history
                    .statuses
                    .iter()
                    .any(|s| s.kind != StatusKind::VisaFree && s.covers(e.date));
                if let Some(entry) = open.take() {
                    // An arrival without a recorded departure: close the earlier stay the
                    // day before, the reading that counts the fewest days.
                    stays.push(Stay {
                        entry,
                        exit: Some(e.date.add_days(-1).max(entry)),
                    });
                }
                if !covered {
                    open = Some(e.date);
                }
            }
            EventKind::Departure => {
                if let Some(entry) = open.take() {
                    stays.push(Stay {
                        entry,
                        exit: Some(e.date),
                    });
                }
            }
            _ => {}
        }
    }
    if let Some(entry) = open {
        stays.push(Stay { entry, exit: None });
    }
    stays
}

/// Days abroad in `year` before the current absence (departure day counted abroad, return
/// day not), and the start of the current absence in that year (`None` when in the country).
fn absence_in_year(history: &History, year: i32, since: Date, as_of: Date) -> (u32, Option<Date>) {
    let start = Date::from_ymd(year, 1, 1).map_or(since, |d| d.max(since));
    let mut days = 0i32;
    let mut out: Option<Date> = None;
    for e in history.events.iter().filter(|e| e.date <= as_of) {
        match e.kind {
            EventKind::Departure => out = Some(e.date),
            EventKind::Arrival => {
                if let Some(d) = out.take() {
                    let from = d.max(start);
                    if e.date > from {
                        days += from.days_until(e.date);
                    }
                }
            }
            _ => {}
        }
    }
    (days.max(0) as u32, out.map(|d| d.max(start)))
}

/// Applies every deadline rule to the history.
pub fn items(pack: &Pack, a: &Assessment, history: &History, as_of: Date) -> Vec<Item> {
    let env = a.env();
    let mut out = Vec::new();
    for (ri, rule) in pack.deadlines.iter().enumerate() {
        let applies = rule.when.map(|n| truth(pack, n, &env));
        if applies == Some(Some(false)) {
            continue;
        }
        let conditional = applies == Some(None);
        // Supersession looks at every occurrence; the rule applies to those outside the
        // statuses it excludes.
        let all = occurrences(history, rule.trigger, rule.trigger_ground.as_deref());
        let latest_past = |o: &Occurrence| {
            !all.iter()
                .any(|p| p.key == o.key && p.anchor > o.anchor && p.anchor <= as_of)
        };
        let mut occ = occurrences(history, rule.trigger, rule.trigger_ground.as_deref());
        occ.retain(|o| {
            !history
                .statuses
                .iter()
                .any(|s| rule.unless_status.contains(&s.kind) && s.covers(o.anchor))
        });
        match rule.method {
            Method::Span { .. } => {
                for o in occ.iter().filter(|o| rule.effective.contains(o.anchor)) {
                    let latest = latest_past(o);
                    let Some(c) = span_due(pack, rule, o.anchor, as_of) else {
                        continue;
                    };
                    if !latest && c.due < as_of {
                        continue;
                    }
                    // What counts: events from the trigger on — or, for a deadline that
                    // falls before a status ends (file the extension N days before expiry),
                    // events from the start of that status on.
                    let counts_from = match o.trigger {
                        TriggerRef::StatusEnd { index, .. } => history
                            .statuses
                            .get(index)
                            .map_or(o.anchor, |s| s.valid_from.min(o.anchor)),
                        _ => o.anchor,
                    };
                    let done_by_events = !rule.done_by.is_empty()
                        && rule.done_by.iter().all(|k| {
                            history
                                .events_of(*k)
                                .any(|e| e.date >= counts_from && e.date <= as_of)
                        });
                    // A status that ends is "done" with when another status carries on from
                    // the next day, or the person left by then.
                    let continued = match o.trigger {
                        TriggerRef::StatusEnd { index, .. } => {
                            let next = o.anchor.add_days(1);
                            history
                                .statuses
                                .iter()
                                .enumerate()
                                .any(|(i, s)| i != index && s.covers(next))
                                || history.events_of(EventKind::Departure).any(|e| {
                                    e.date <= o.anchor
                                        && e.date >= history.statuses[index].valid_from
                                        && !history
                                            .events_of(EventKind::Arrival)
                                            .any(|a| a.date > e.date && a.date <= o.anchor)
                                })
                        }
                        _ => false,
                    };
                    let done_by_fact = latest
                        && rule
                            .done_when
                            .is_some_and(|n| truth(pack, n, &env) == Some(true));
                    let st = state(
                        rule,
                        done_by_events || done_by_fact || continued,
                        c.due,
                        as_of,
                    );
                    out.push(Item {
                        rule: ri,
                        trigger: o.trigger.clone(),
                        anchor: o.anchor,
                        due: c.due,
                        state: st,
                        days_left: as_of.days_until(c.due),
                        computation: Some(c),
                        stay: None,
                        absence: None,
                        conditional,
                    });
                }
            }
            Method::StayLimit {
                per_stay,
                max_days,
                window_days,
            } => {
                let current = crate::continuity::current_status(history, as_of);
                if current.is_some_and(|s| s.kind != StatusKind::VisaFree && s.covers(as_of)) {
                    continue;
                }
                let stays = visa_free_stays(history, as_of);
                let Some(last) = stays.last().filter(|s| s.exit.is_none()) else {
                    continue;
                };
                if !rule.effective.contains(last.entry) {
                    continue;
                }
                let Some(o) = occ.iter().rev().find(|o| o.anchor == last.entry) else {
                    continue;
                };
                let p = |i: u16| amount_on(pack, Amount::Param(i), last.entry);
                let limits = StayLimits {
                    per_stay: match per_stay {
                        Some(i) => match p(i) {
                            Some(v) => Some(v),
                            None => continue,
                        },
                        None => None,
                    },
                    max_days: match p(max_days) {
                        Some(v) => v,
                        None => continue,
                    },
                    window_days: match p(window_days) {
                        Some(v) => v,
                        None => continue,
                    },
                };
                let Ok(s) = stay_status(&stays, as_of, limits) else {
                    continue;
                };
                let Some(due) = s.must_leave_by else { continue };
                out.push(Item {
                    rule: ri,
                    trigger: o.trigger.clone(),
                    anchor: o.anchor,
                    due,
                    state: state(rule, false, due, as_of),
                    days_left: as_of.days_until(due),
                    computation: None,
                    stay: Some(s),
                    absence: None,
                    conditional,
                });
            }
            Method::AbsenceLimit { max_days } => {
                let Some(o) = occ.iter().rev().find(|o| {
                    o.anchor <= as_of && rule.effective.contains(o.anchor) && {
                        let TriggerRef::StatusStart { index, .. } = o.trigger else {
                            return false;
                        };
                        history.statuses[index].covers(as_of)
                    }
                }) else {
                    continue;
                };
                let Some(max) = amount_on(pack, max_days, as_of) else {
                    continue;
                };
                let (closed, abroad_since) =
                    absence_in_year(history, as_of.year(), o.anchor, as_of);
                let Some(from) = abroad_since else { continue };
                let used = closed + (from.days_until(as_of) + 1).max(0) as u32;
                // Back by the day that keeps the year's days abroad within the limit; the
                // count restarts on 1 January.
                let allowed = max.saturating_sub(closed);
                let mut due = from.add_days(allowed as i32);
                let year_end = Date::from_ymd(as_of.year(), 12, 31).unwrap_or(due);
                if due > year_end {
                    due = year_end.add_days(1 + max as i32);
                }
                let computation = Some(Computation {
                    anchor: from,
                    span: Span {
                        amount: allowed,
                        unit: Unit::CalendarDays,
                    },
                    direction: Direction::After,
                    roll: qonys_time::Roll::None,
                    due,
                    steps: vec![qonys_time::Step::Start(from), qonys_time::Step::Due(due)],
                });
                out.push(Item {
                    rule: ri,
                    trigger: o.trigger.clone(),
                    anchor: o.anchor,
                    due,
                    state: state(rule, false, due, as_of),
                    days_left: as_of.days_until(due),
                    computation,
                    stay: None,
                    absence: Some((used, max)),
                    conditional,
                });
            }
        }
    }
    out.sort_by(|x, y| {
        (x.due, pack.deadlines[x.rule].severity, x.rule).cmp(&(
            y.due,
            pack.deadlines[y.rule].severity,
            y.rule,
        ))
    });
    out
}
