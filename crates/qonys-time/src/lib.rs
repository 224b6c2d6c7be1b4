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
    Computation, DeadlineError, Direction, Roll, SkipReason, Span, Step, Unit, compute,
};
pub use ics::{
    Alarm, AllDayEvent, IcsCalendar, IcsError, UtcTimestamp, escape_text, write_calendar,
};
pub use stay::{
    LimitKind, Stay, StayError, StayLimits, StayStatus, days_available_from, stay_status,
};
