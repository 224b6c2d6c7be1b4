//! Time for qonys, without a clock: civil dates ([`Date`]), the Kazakhstan working-day
//! calendar ([`WorkCalendar`]), deadline arithmetic with explained steps, the visa-free stay
//! counter and an iCalendar writer. Nothing here reads the system time or does IO — "today" is
//! always a parameter passed in by the caller, and holiday data comes from the rule pack.
//!
//! Modules:
//!
//! - [`calendar`]: which days are working days (weekends, holidays, substitutes, transfers);
//! - [`deadline`]: due dates counted in calendar days, working days, months or years, with a
//!   structured explanation of every step;
//! - [`stay`]: the visa-free stay counter (days per stay and in a rolling window);
//! - [`ics`]: an RFC 5545 writer for all-day events (deadlines in calendar apps);
//! - `date`: the civil [`Date`] every layer shares.
//!
//! # Example
//!
//! ```
//! use qonys_time::{
//!     CalendarEntry, Date, DayKind, Direction, Roll, Span, Stay, StayLimits, WorkCalendar,
//!     compute, stay_status,
//! };
//!
//! let d = |s: &str| Date::parse(s).unwrap();
//! // Rows as the rule pack supplies them (here only Nauryz 2026).
//! let nauryz = |date, kind| CalendarEntry::new(d(date), kind, "holiday.nauryz");
//! let calendar = WorkCalendar::new(
//!     [2026],
//!     [
//!         nauryz("2026-03-21", DayKind::Holiday),
//!         nauryz("2026-03-22", DayKind::Holiday),
//!         nauryz("2026-03-23", DayKind::Holiday),
//!         nauryz("2026-03-24", DayKind::Substitute),
//!         nauryz("2026-03-25", DayKind::Substitute),
//!     ],
//! )
//! .unwrap();
//!
//! // The host notifies within 3 working days of arrival; the arrival day is not counted.
//! let notice = compute(d("2026-03-20"), Span::working_days(3), Direction::After, Roll::None, &calendar)
//!     .unwrap();
//! assert_eq!(notice.due, d("2026-03-30"));
//! assert!(notice.describe_en(|_| "Nauryz".into()).contains("skipped Nauryz 2026-03-23..2026-03-25"));
//!
//! // A visa-free visitor who arrived on 1 March (30 days per stay, 90 in 180).
//! let limits = StayLimits { per_stay: Some(30), max_days: 90, window_days: 180 };
//! let stay = Stay { entry: d("2026-03-01"), exit: None };
//! let status = stay_status(&[stay], d("2026-03-10"), limits).unwrap();
//! assert_eq!(status.must_leave_by, Some(d("2026-03-30")));
//! ```

#![deny(missing_docs)]

pub mod calendar;
mod date;
pub mod deadline;
pub mod ics;
pub mod stay;

pub use calendar::{
    CalendarEntry, CalendarError, DayKind, DayReason, SubstituteDay, WorkCalendar, WorkingDay,
    substitute_days_for,
};
pub use date::{Date, DateError, Weekday};
pub use deadline::{
    Computation, DeadlineError, Direction, MAX_WORKING_DAYS, Roll, SkipReason, Span, Step, Unit,
    compute,
};
pub use ics::{
    Alarm, AllDayEvent, IcsCalendar, IcsError, UtcTimestamp, escape_text, write_calendar,
};
pub use stay::{
    LimitKind, Stay, StayError, StayLimits, StayStatus, days_available_from, stay_status,
};
