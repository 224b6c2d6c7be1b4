//! Time for qonys, without a clock: civil dates ([`Date`]), and (in later modules) the
//! working-day calendar and deadline arithmetic. Nothing here reads the system time —
//! "today" is always a parameter passed in by the caller.

mod date;

pub use date::{Date, DateError, Weekday};
