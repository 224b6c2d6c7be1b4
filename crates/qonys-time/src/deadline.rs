//! Deadline arithmetic with explicit rules, and a structured record of how each due date was
//! reached.
//!
//! A deadline is an anchor date (arrival, address change, permit expiry), a [`Span`] counted
//! [`Direction::After`] or [`Direction::Before`] it, and a [`Roll`] rule for a calendar-day,
//! month or year deadline that lands on a non-working day. [`compute`] returns the due date and
//! the [`Step`]s that explain it — structured values, not English sentences, so that a renderer
//! can say "arrival date 2026-03-20 + 3 working days, skipping the weekend (21–22 Mar) and Nauryz
//! (23–25 Mar) …" in any language. [`Computation::describe_en`] is a plain English rendering
//! for logs and tests.
//!
//! # Conventions
//!
//! - **Working days.** The anchor day itself is never counted; day 1 is the first working day
//!   after the anchor (for `Before`, the last working day before it). This is the usual reading
//!   of "within N working days of arrival". The due date of a working-day span is therefore
//!   always a working day and the [`Roll`] rule has nothing to do.
//! - **Calendar days.** `anchor ± N` days; the anchor day is day 0.
//! - **Months and years.** The anchor's day of the month is kept; when the target month is
//!   shorter the date is **clamped to that month's last day** (31 Jan + 1 month = 28 Feb, or
//!   29 Feb in a leap year; 29 Feb + 1 year = 28 Feb). The step says when clamping happened.
//! - **Non-working days** come from the [`WorkCalendar`]; for a year without holiday data only
//!   weekends count, and the steps include [`Step::CalendarNotCovered`] for that year.
//! - **Explained skips.** Consecutive skipped days with the same reason are grouped. A Saturday
//!   or Sunday is reported as [`SkipReason::Weekend`] even when a holiday falls on it (the day
//!   would be off anyway); a weekday off is reported with its calendar row's name key, so a
//!   Nauryz holiday and the Nauryz substitute days group as one "Nauryz" run.

use std::collections::BTreeSet;

use crate::Date;
use crate::calendar::{DayReason, WorkCalendar, WorkingDay};

/// The unit a [`Span`] is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Calendar days (every day counts).
    CalendarDays,
    /// Working days on the five-day week, per the [`WorkCalendar`].
    WorkingDays,
    /// Whole months, clamped to the month end.
    Months,
    /// Whole years, clamped to the month end (29 Feb → 28 Feb).
    Years,
}

/// A length of time in one unit ("3 working days", "2 months").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: Unit,
}

impl Span {
    /// `amount` calendar days.
    pub fn calendar_days(amount: u32) -> Span {
        Span {
            amount,
            unit: Unit::CalendarDays,
        }
    }

    /// `amount` working days.
    pub fn working_days(amount: u32) -> Span {
        Span {
            amount,
            unit: Unit::WorkingDays,
        }
    }

    /// `amount` months.
    pub fn months(amount: u32) -> Span {
        Span {
            amount,
            unit: Unit::Months,
        }
    }

    /// `amount` years.
    pub fn years(amount: u32) -> Span {
        Span {
            amount,
            unit: Unit::Years,
        }
    }
}

/// Whether the span is counted forward or backward from the anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The due date is after the anchor ("within 30 days of arrival").
    After,
    /// The due date is before the anchor ("at least 15 days before expiry").
    Before,
}

impl Direction {
    fn sign(self) -> i32 {
        match self {
            Direction::After => 1,
            Direction::Before => -1,
        }
    }
}

/// What to do when a calendar-day, month or year deadline lands on a non-working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Roll {
    /// Keep the date even if it is a non-working day.
    None,
    /// Move to the next working day (the usual rule for a period ending on a day off).
    NextWorkingDay,
    /// Move to the previous working day (for "no later than" dates counted backwards).
    PreviousWorkingDay,
}

/// Why a day was skipped or rolled over.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SkipReason {
    /// A Saturday or Sunday (including a holiday that falls on one).
    Weekend,
    /// A weekday off named by a calendar row (holiday, substitute, religious day off,
    /// transfer).
    DayOff {
        /// The row's name key (a substitute day carries its holiday's key).
        name_key: String,
        /// At least one grouped day rests on uncertain data.
        uncertain: bool,
    },
}

/// One step of the explanation of a due date. Date ranges (`from`, `to`) are always
/// chronological (`from <= to`), also when counting backwards.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The anchor date.
    Start(Date),
    /// Holiday data for this year is not loaded; only weekends were taken into account.
    CalendarNotCovered(i32),
    /// Calendar, month or year arithmetic: the anchor moved by the span lands on `lands_on`.
    Moved {
        /// The span applied.
        span: Span,
        /// Forward or backward.
        direction: Direction,
        /// The raw result, before any roll.
        lands_on: Date,
        /// The anchor's day does not exist in the target month, so the month's last day was
        /// taken.
        clamped_to_month_end: bool,
    },
    /// A run of consecutive working days that were counted.
    Counted {
        /// First day of the run.
        from: Date,
        /// Last day of the run.
        to: Date,
        /// Working days in this run.
        days: u32,
        /// Working days counted so far, this run included.
        total: u32,
    },
    /// A run of consecutive non-working days that were passed over, with one reason.
    Skipped {
        /// First day of the run.
        from: Date,
        /// Last day of the run.
        to: Date,
        /// Why these days do not count.
        reason: SkipReason,
    },
    /// The raw date was a non-working day and was moved by the [`Roll`] rule.
    Rolled {
        /// The raw date.
        from: Date,
        /// The working day it was moved to.
        to: Date,
        /// Why the raw date was not a working day.
        reason: SkipReason,
    },
    /// The due date.
    Due(Date),
}

/// A computed deadline: the due date and how it was reached.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Computation {
    /// The anchor date.
    pub anchor: Date,
    /// The span applied.
    pub span: Span,
    /// Forward or backward.
    pub direction: Direction,
    /// The roll rule applied.
    pub roll: Roll,
    /// The due date.
    pub due: Date,
    /// The explanation, in order: `Start`, any `CalendarNotCovered`, the arithmetic, `Due`.
    pub steps: Vec<Step>,
}

/// Longest working-day span [`compute`] accepts (about 40 years of working days). Statutory
/// working-day periods are a few days or weeks; the bound keeps the day-by-day walk and its
/// explanation small whatever the input.
pub const MAX_WORKING_DAYS: u32 = 10_000;

/// Why a deadline could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The result would fall outside the supported date range (years -9999 to 9999).
    #[error("{amount} {unit:?} {direction:?} {anchor} falls outside the supported date range")]
    OutOfRange {
        /// The anchor date.
        anchor: Date,
        /// The span's amount.
        amount: u32,
        /// The span's unit.
        unit: Unit,
        /// Forward or backward.
        direction: Direction,
    },
    /// A working-day span longer than [`MAX_WORKING_DAYS`].
    #[error("{0} working days is longer than the {MAX_WORKING_DAYS} working days supported")]
    TooManyWorkingDays(u32),
}

/// Computes the due date `span` [`Direction::After`] or [`Direction::Before`] `anchor`, applying
/// `roll` when a calendar-day, month or year result is not a working day, and records how.
/// See the module documentation for the counting conventions.
pub fn compute(
    anchor: Date,
    span: Span,
    direction: Direction,
    roll: Roll,
    calendar: &WorkCalendar,
) -> Result<Computation, DeadlineError> {
    let out_of_range = || DeadlineError::OutOfRange {
        anchor,
        amount: span.amount,
        unit: span.unit,
        direction,
    };
    let mut walk = Walk::new(calendar);
    let sign = direction.sign();
    let raw = match span.unit {
        Unit::WorkingDays if span.amount > MAX_WORKING_DAYS => {
            return Err(DeadlineError::TooManyWorkingDays(span.amount));
        }
        Unit::WorkingDays => {
            let mut day = anchor;
            let mut counted = 0u32;
            while counted < span.amount {
                let next = day.add_days(sign);
                if next == day {
                    return Err(out_of_range());
                }
                day = next;
                let wd = walk.look(day);
                if wd.working {
                    counted += 1;
                    walk.count(day, counted);
                } else {
                    walk.skip(day, &wd);
                }
            }
            walk.flush();
            day
        }
        Unit::CalendarDays => {
            let target = i64::from(anchor.day_number()) + i64::from(sign) * i64::from(span.amount);
            let date = i32::try_from(target)
                .ok()
                .map(Date::from_day_number)
                .filter(|d| i64::from(d.day_number()) == target)
                .ok_or_else(out_of_range)?;
            walk.steps.push(Step::Moved {
                span,
                direction,
                lands_on: date,
                clamped_to_month_end: false,
            });
            date
        }
        Unit::Months | Unit::Years => {
            let per = if span.unit == Unit::Years { 12 } else { 1 };
            let months = i64::from(span.amount) * per * i64::from(sign);
            let (y, m, d) = anchor.ymd();
            let index = i64::from(y) * 12 + i64::from(m) - 1 + months;
            let (lo, hi) = (-9999i64 * 12, 9999i64 * 12 + 11);
            if !(lo..=hi).contains(&index) {
                return Err(out_of_range());
            }
            let months = i32::try_from(months).map_err(|_| out_of_range())?;
            let date = anchor.add_months(months);
            walk.steps.push(Step::Moved {
                span,
                direction,
                lands_on: date,
                clamped_to_month_end: date.day() != d,
            });
            date
        }
    };

    let due = match roll {
        Roll::None => raw,
        Roll::NextWorkingDay | Roll::PreviousWorkingDay => {
            let first = walk.look(raw);
            if first.working {
                raw
            } else {
                let step = if roll == Roll::NextWorkingDay { 1 } else { -1 };
                let reason = walk.reason(raw, &first);
                walk.skip(raw, &first);
                let mut day = raw;
                loop {
                    let next = day.add_days(step);
                    if next == day {
                        return Err(out_of_range());
                    }
                    day = next;
                    let wd = walk.look(day);
                    if wd.working {
                        break;
                    }
                    walk.skip(day, &wd);
                }
                walk.flush();
                walk.steps.push(Step::Rolled {
                    from: raw,
                    to: day,
                    reason,
                });
                day
            }
        }
    };

    let mut steps = Vec::with_capacity(walk.steps.len() + walk.uncovered.len() + 2);
    steps.push(Step::Start(anchor));
    steps.extend(walk.uncovered.iter().map(|&y| Step::CalendarNotCovered(y)));
    steps.append(&mut walk.steps);
    steps.push(Step::Due(due));
    Ok(Computation {
        anchor,
        span,
        direction,
        roll,
        due,
        steps,
    })
}

/// Collects steps while walking day by day, grouping consecutive days of one kind.
struct Walk<'a> {
    calendar: &'a WorkCalendar,
    steps: Vec<Step>,
    open: Option<Step>,
    uncovered: BTreeSet<i32>,
}

impl<'a> Walk<'a> {
    fn new(calendar: &'a WorkCalendar) -> Walk<'a> {
        Walk {
            calendar,
            steps: Vec::new(),
            open: None,
            uncovered: BTreeSet::new(),
        }
    }

    fn look(&mut self, day: Date) -> WorkingDay {
        let wd = self.calendar.is_working_day(day);
        if !wd.covered {
            self.uncovered.insert(day.year());
        }
        wd
    }

    fn reason(&self, day: Date, wd: &WorkingDay) -> SkipReason {
        if day.weekday().is_weekend() {
            return SkipReason::Weekend;
        }
        let entry = match wd.reason {
            DayReason::Weekend | DayReason::Ordinary => None,
            other => other.entry_index().and_then(|i| self.calendar.entry(i)),
        };
        match entry {
            Some(e) => SkipReason::DayOff {
                name_key: e.name_key.clone(),
                uncertain: e.uncertain,
            },
            None => SkipReason::Weekend,
        }
    }

    fn count(&mut self, day: Date, total: u32) {
        if let Some(Step::Counted {
            from,
            to,
            days,
            total: t,
        }) = &mut self.open
            && adjacent(*from, *to, day)
        {
            widen(from, to, day);
            *days += 1;
            *t = total;
            return;
        }
        self.flush();
        self.open = Some(Step::Counted {
            from: day,
            to: day,
            days: 1,
            total,
        });
    }

    fn skip(&mut self, day: Date, wd: &WorkingDay) {
        let reason = self.reason(day, wd);
        if let Some(Step::Skipped {
            from,
            to,
            reason: open_reason,
        }) = &mut self.open
            && adjacent(*from, *to, day)
            && same_group(open_reason, &reason)
        {
            widen(from, to, day);
            if let (
                SkipReason::DayOff { uncertain: u, .. },
                SkipReason::DayOff { uncertain: new, .. },
            ) = (open_reason, &reason)
            {
                *u |= *new;
            }
            return;
        }
        self.flush();
        self.open = Some(Step::Skipped {
            from: day,
            to: day,
            reason,
        });
    }

    fn flush(&mut self) {
        if let Some(step) = self.open.take() {
            self.steps.push(step);
        }
    }
}

fn adjacent(from: Date, to: Date, day: Date) -> bool {
    to.days_until(day) == 1 || day.days_until(from) == 1
}

fn widen(from: &mut Date, to: &mut Date, day: Date) {
    if day < *from {
        *from = day;
    }
    if day > *to {
        *to = day;
    }
}

fn same_group(a: &SkipReason, b: &SkipReason) -> bool {
    match (a, b) {
        (SkipReason::Weekend, SkipReason::Weekend) => true,
        (SkipReason::DayOff { name_key: x, .. }, SkipReason::DayOff { name_key: y, .. }) => x == y,
        _ => false,
    }
}

impl Computation {
    /// Holiday-data years that were needed but not loaded (the `CalendarNotCovered` steps).
    pub fn uncovered_years(&self) -> Vec<i32> {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::CalendarNotCovered(y) => Some(*y),
                _ => None,
            })
            .collect()
    }

    /// A plain English rendering for logs and tests; `names` turns a calendar name key into a
    /// display name (for example `holiday.nauryz` → `Nauryz`).
    ///
    /// Example: `2026-03-20 + 3 working days (the start day is not counted): skipped weekend
    /// 2026-03-21..2026-03-22; skipped Nauryz 2026-03-23..2026-03-25; counted
    /// 2026-03-26..2026-03-27 (2, total 2); …; due 2026-03-30`.
    pub fn describe_en(&self, names: impl Fn(&str) -> String) -> String {
        let unit = match (self.span.unit, self.span.amount) {
            (Unit::CalendarDays, 1) => "calendar day",
            (Unit::CalendarDays, _) => "calendar days",
            (Unit::WorkingDays, 1) => "working day",
            (Unit::WorkingDays, _) => "working days",
            (Unit::Months, 1) => "month",
            (Unit::Months, _) => "months",
            (Unit::Years, 1) => "year",
            (Unit::Years, _) => "years",
        };
        let sign = match self.direction {
            Direction::After => '+',
            Direction::Before => '-',
        };
        let range = |from: &Date, to: &Date| {
            if from == to {
                from.to_string()
            } else {
                format!("{from}..{to}")
            }
        };
        let why = |r: &SkipReason| match r {
            SkipReason::Weekend => "weekend".to_string(),
            SkipReason::DayOff {
                name_key,
                uncertain,
            } => {
                let name = names(name_key);
                if *uncertain {
                    format!("{name} (uncertain)")
                } else {
                    name
                }
            }
        };
        let mut out = format!("{} {sign} {} {unit}", self.anchor, self.span.amount);
        if self.span.unit == Unit::WorkingDays {
            out.push_str(" (the start day is not counted)");
        }
        out.push(':');
        let mut parts: Vec<String> = Vec::new();
        for step in &self.steps {
            match step {
                Step::Start(_) => {}
                Step::CalendarNotCovered(y) => {
                    parts.push(format!("no holiday data for {y}, weekends only"))
                }
                Step::Moved {
                    lands_on,
                    clamped_to_month_end,
                    ..
                } => parts.push(if *clamped_to_month_end {
                    format!("lands on {lands_on} (clamped to the month end)")
                } else {
                    format!("lands on {lands_on}")
                }),
                Step::Counted {
                    from,
                    to,
                    days,
                    total,
                } => parts.push(format!(
                    "counted {} ({days}, total {total})",
                    range(from, to)
                )),
                Step::Skipped { from, to, reason } => {
                    parts.push(format!("skipped {} {}", why(reason), range(from, to)))
                }
                Step::Rolled { from, to, reason } => parts.push(format!(
                    "{from} is not a working day ({}), moved to {to}",
                    why(reason)
                )),
                Step::Due(due) => parts.push(format!("due {due}")),
            }
        }
        out.push(' ');
        out.push_str(&parts.join("; "));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::{arb_calendar, kz_calendar};
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn names(key: &str) -> String {
        match key {
            "holiday.nauryz" => "Nauryz".into(),
            "holiday.constitution_day" => "Constitution Day".into(),
            other => other.into(),
        }
    }

    fn nauryz() -> SkipReason {
        SkipReason::DayOff {
            name_key: "holiday.nauryz".into(),
            uncertain: false,
        }
    }

    #[test]
    fn three_working_days_after_arrival_before_nauryz() {
        let cal = kz_calendar();
        let c = compute(
            d("2026-03-20"),
            Span::working_days(3),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert_eq!(c.due, d("2026-03-30"));
        assert_eq!(
            c.steps,
            vec![
                Step::Start(d("2026-03-20")),
                Step::Skipped {
                    from: d("2026-03-21"),
                    to: d("2026-03-22"),
                    reason: SkipReason::Weekend
                },
                Step::Skipped {
                    from: d("2026-03-23"),
                    to: d("2026-03-25"),
                    reason: nauryz()
                },
                Step::Counted {
                    from: d("2026-03-26"),
                    to: d("2026-03-27"),
                    days: 2,
                    total: 2
                },
                Step::Skipped {
                    from: d("2026-03-28"),
                    to: d("2026-03-29"),
                    reason: SkipReason::Weekend
                },
                Step::Counted {
                    from: d("2026-03-30"),
                    to: d("2026-03-30"),
                    days: 1,
                    total: 3
                },
                Step::Due(d("2026-03-30")),
            ]
        );
        assert_eq!(
            c.describe_en(names),
            "2026-03-20 + 3 working days (the start day is not counted): \
             skipped weekend 2026-03-21..2026-03-22; skipped Nauryz 2026-03-23..2026-03-25; \
             counted 2026-03-26..2026-03-27 (2, total 2); skipped weekend 2026-03-28..2026-03-29; \
             counted 2026-03-30 (1, total 3); due 2026-03-30"
        );
        assert!(c.uncovered_years().is_empty());
        let two = compute(
            d("2026-03-20"),
            Span::working_days(2),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert_eq!(two.due, d("2026-03-27"));
    }

    #[test]
    fn computation_serializes_for_renderers() {
        let c = compute(
            d("2026-03-20"),
            Span::working_days(1),
            Direction::After,
            Roll::None,
            &kz_calendar(),
        )
        .unwrap();
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["due"], "2026-03-26");
        assert_eq!(json["span"]["unit"], "working_days");
        assert_eq!(json["steps"][0]["start"], "2026-03-20");
        assert_eq!(json["steps"][1]["skipped"]["reason"]["kind"], "weekend");
        assert_eq!(
            json["steps"][2]["skipped"]["reason"]["name_key"],
            "holiday.nauryz"
        );
        assert_eq!(json["steps"][4]["due"], "2026-03-26");
    }

    #[test]
    fn address_change_five_working_days_over_the_cancelled_constitution_day() {
        let cal = kz_calendar();
        // Fri 28 Aug 2026 + 5 working days: Mon 31 Aug is a working day again (uncertain).
        let c = compute(
            d("2026-08-28"),
            Span::working_days(5),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert_eq!(c.due, d("2026-09-04"));
    }

    #[test]
    fn calendar_days_roll_over_weekend_and_holidays() {
        let cal = kz_calendar();
        let c = compute(
            d("2026-03-20"),
            Span::calendar_days(1),
            Direction::After,
            Roll::NextWorkingDay,
            &cal,
        )
        .unwrap();
        assert_eq!(c.due, d("2026-03-26"));
        assert_eq!(
            c.steps,
            vec![
                Step::Start(d("2026-03-20")),
                Step::Moved {
                    span: Span::calendar_days(1),
                    direction: Direction::After,
                    lands_on: d("2026-03-21"),
                    clamped_to_month_end: false
                },
                Step::Skipped {
                    from: d("2026-03-21"),
                    to: d("2026-03-22"),
                    reason: SkipReason::Weekend
                },
                Step::Skipped {
                    from: d("2026-03-23"),
                    to: d("2026-03-25"),
                    reason: nauryz()
                },
                Step::Rolled {
                    from: d("2026-03-21"),
                    to: d("2026-03-26"),
                    reason: SkipReason::Weekend
                },
                Step::Due(d("2026-03-26")),
            ]
        );
        // Without a roll the raw date stands.
        let raw = compute(
            d("2026-03-20"),
            Span::calendar_days(1),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert_eq!(raw.due, d("2026-03-21"));
        // Online registration within 30 calendar days of arrival (from 2026-07-01).
        let reg = compute(
            d("2026-07-01"),
            Span::calendar_days(30),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert_eq!(reg.due, d("2026-07-31"));
    }

    #[test]
    fn before_with_previous_working_day() {
        let cal = kz_calendar();
        // 15 days before 24 Mar 2026 is Mon 9 Mar, the substitute for Women's Day.
        let c = compute(
            d("2026-03-24"),
            Span::calendar_days(15),
            Direction::Before,
            Roll::PreviousWorkingDay,
            &cal,
        )
        .unwrap();
        assert_eq!(c.due, d("2026-03-06"));
        assert!(c.steps.contains(&Step::Skipped {
            from: d("2026-03-07"),
            to: d("2026-03-08"),
            reason: SkipReason::Weekend
        }));
        assert!(c.describe_en(names).contains("moved to 2026-03-06"));
    }

    #[test]
    fn months_clamp_to_month_end() {
        let cal = kz_calendar();
        let c = compute(
            d("2026-01-31"),
            Span::months(1),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert_eq!(c.due, d("2026-02-28"));
        assert!(matches!(
            c.steps[1],
            Step::Moved {
                clamped_to_month_end: true,
                ..
            }
        ));
        assert!(c.describe_en(names).contains("clamped to the month end"));
        // Business immigrant: 2 months to register the company.
        let c = compute(
            d("2026-06-30"),
            Span::months(2),
            Direction::After,
            Roll::NextWorkingDay,
            &cal,
        )
        .unwrap();
        // 30 Aug 2026 is a Sunday (its holiday cancelled); Mon 31 Aug is working again.
        assert_eq!(c.due, d("2026-08-31"));
        let c = compute(
            d("2024-02-29"),
            Span::years(5),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert_eq!(c.due, d("2029-02-28"));
    }

    #[test]
    fn uncovered_years_are_reported() {
        let cal = kz_calendar();
        let c = compute(
            d("2026-12-30"),
            Span::working_days(3),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert_eq!(c.due, d("2027-01-04"));
        assert_eq!(c.steps[1], Step::CalendarNotCovered(2027));
        assert_eq!(c.uncovered_years(), vec![2027]);
        assert!(c.describe_en(names).contains("no holiday data for 2027"));
        // Pure calendar arithmetic without a roll consults no calendar.
        let c = compute(
            d("2030-01-01"),
            Span::calendar_days(3),
            Direction::After,
            Roll::None,
            &cal,
        )
        .unwrap();
        assert!(c.uncovered_years().is_empty());
    }

    #[test]
    fn extreme_spans_are_errors_not_panics() {
        let cal = kz_calendar();
        let end = Date::from_ymd(9999, 12, 31).unwrap();
        for unit in [
            Unit::CalendarDays,
            Unit::WorkingDays,
            Unit::Months,
            Unit::Years,
        ] {
            let span = Span {
                amount: u32::MAX,
                unit,
            };
            for dir in [Direction::After, Direction::Before] {
                assert!(compute(d("2026-01-01"), span, dir, Roll::NextWorkingDay, &cal).is_err());
            }
            let longest = Span {
                amount: MAX_WORKING_DAYS,
                unit: Unit::WorkingDays,
            };
            assert!(compute(d("2026-01-01"), longest, Direction::After, Roll::None, &cal).is_ok());
            assert_eq!(
                compute(end, longest, Direction::After, Roll::None, &cal),
                Err(DeadlineError::OutOfRange {
                    anchor: end,
                    amount: MAX_WORKING_DAYS,
                    unit: Unit::WorkingDays,
                    direction: Direction::After
                })
            );
            let one = Span { amount: 1, unit };
            assert!(compute(end, one, Direction::After, Roll::None, &cal).is_err());
        }
        // The last day of the range (31 Dec 9999) is a Friday, so zero days with a roll is fine.
        let c = compute(
            end,
            Span::working_days(0),
            Direction::After,
            Roll::NextWorkingDay,
            &cal,
        );
        assert_eq!(c.map(|c| c.due), Ok(end));
    }

    fn tiles(c: &Computation) -> bool {
        // Counted and skipped runs cover the days strictly between anchor and due, plus due.
        let mut days = 0i32;
        for s in &c.steps {
            if let Step::Counted { from, to, .. } | Step::Skipped { from, to, .. } = s {
                days += from.days_until(*to) + 1;
            }
        }
        days == c.anchor.days_until(c.due).abs()
    }

    proptest! {
        #[test]
        fn adding_then_counting_working_days_gives_n(cal in arb_calendar(), a in 20_400i32..20_800, n in 1u32..300) {
            let anchor = Date::from_day_number(a);
            let c = compute(anchor, Span::working_days(n), Direction::After, Roll::None, &cal).unwrap();
            prop_assert!(cal.is_working_day(c.due).working);
            prop_assert_eq!(cal.working_days_in(anchor.add_days(1), c.due), n);
            prop_assert!(tiles(&c));
            let last_total = c.steps.iter().filter_map(|s| match s { Step::Counted { total, .. } => Some(*total), _ => None }).max();
            prop_assert_eq!(last_total, Some(n));
        }

        #[test]
        fn before_inverts_after_on_working_days(cal in arb_calendar(), a in 20_400i32..20_800, n in 0u32..200) {
            let anchor = Date::from_day_number(a);
            let fwd = compute(anchor, Span::working_days(n), Direction::After, Roll::None, &cal).unwrap();
            let back = compute(fwd.due, Span::working_days(n), Direction::Before, Roll::None, &cal).unwrap();
            prop_assert!(tiles(&back));
            if n == 0 || cal.is_working_day(anchor).working {
                prop_assert_eq!(back.due, anchor);
            } else {
                // From a day off, going forward then back lands on the last working day before it.
                prop_assert_eq!(Some(back.due), cal.previous_working_day(anchor));
            }
        }

        #[test]
        fn roll_moves_only_over_non_working_days(cal in arb_calendar(), a in 20_400i32..20_800, n in 0u32..120, fwd in any::<bool>(), next in any::<bool>()) {
            let anchor = Date::from_day_number(a);
            let dir = if fwd { Direction::After } else { Direction::Before };
            let roll = if next { Roll::NextWorkingDay } else { Roll::PreviousWorkingDay };
            let raw = compute(anchor, Span::calendar_days(n), dir, Roll::None, &cal).unwrap().due;
            prop_assert_eq!(raw, anchor.add_days(if fwd { n as i32 } else { -(n as i32) }));
            let c = compute(anchor, Span::calendar_days(n), dir, roll, &cal).unwrap();
            prop_assert!(cal.is_working_day(c.due).working);
            let (lo, hi) = if c.due >= raw { (raw, c.due.add_days(-1)) } else { (c.due.add_days(1), raw) };
            if c.due != raw {
                prop_assert_eq!(cal.working_days_in(lo, hi), 0);
                prop_assert_eq!(c.due >= raw, next);
            }
        }

        #[test]
        fn compute_never_panics(a in -3_700_000i32..3_000_000, amount in any::<u32>(), unit in 0u8..4, fwd in any::<bool>(), roll in 0u8..3) {
            let cal = kz_calendar();
            let unit = [Unit::CalendarDays, Unit::WorkingDays, Unit::Months, Unit::Years][usize::from(unit)];
            let amount = if unit == Unit::WorkingDays && amount % 2 == 0 { amount % (MAX_WORKING_DAYS + 2) } else { amount };
            let roll = [Roll::None, Roll::NextWorkingDay, Roll::PreviousWorkingDay][usize::from(roll)];
            let dir = if fwd { Direction::After } else { Direction::Before };
            if let Ok(c) = compute(Date::from_day_number(a), Span { amount, unit }, dir, roll, &cal) {
                let _ = c.describe_en(|k| k.to_string());
            }
        }
    }
}
