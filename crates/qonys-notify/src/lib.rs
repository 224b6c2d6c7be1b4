//! Deadline reminders for qonys cases, by e-mail.
//!
//! - [`schedule`]: from a stored case's continuity plan (`qonys_law::continuity::plan`), the
//!   reminders 30, 7 and 1 day(s) before each upcoming deadline ([`schedule_for_case`]),
//!   replacing the case's earlier pending ones in one store transaction; and the start-up
//!   pass that schedules cases without pending reminders ([`schedule_missing`]).
//! - [`mailer`]: [`Mailer`], SMTP through `lettre` (plain SMTP to a configurable host and
//!   port; no TLS in this build — put an SMTP relay on the same host or network).
//! - [`render`]: subject and body of a reminder in the recipient's language, from the
//!   `mail.ftl` Fluent messages (CLDR plurals for "in N days").
//! - [`worker`]: [`run`], the loop that claims due reminders (each claimed by exactly one
//!   worker across processes, see `Store::claim_due_reminders`), looks the recipients up at
//!   send time, sends, and completes — or gives the reminder back when SMTP fails.
//!
//! Reminder payloads hold ids, the deadline rule id and dates only; logs name reminder, case
//! and user ids, never addresses or names.

pub mod case_input;
pub mod mailer;
pub mod render;
pub mod schedule;
pub mod worker;

pub use mailer::{MailError, Mailer, MailerConfig, OutgoingMail};
pub use render::{RecipientRole, Rendered, render_deadline};
pub use schedule::{
    DEADLINE_KIND, DeadlinePayload, REMIND_DAYS_BEFORE, Upcoming, schedule_for_case,
    schedule_missing, upcoming_deadlines,
};
pub use worker::{Delivery, run, worker_id};

/// What can go wrong while scheduling or sending reminders.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The store refused or failed.
    #[error("store: {0}")]
    Store(#[from] qonys_store::StoreError),
    /// The mailer could not be set up.
    #[error("mail: {0}")]
    Mail(#[from] MailError),
}

/// Today's date in Kazakhstan (UTC+5, the single national time zone since 1 March 2024) at
/// the instant `at`.
pub fn kazakhstan_date(at: jiff::Timestamp) -> qonys_law::Date {
    let secs = at.as_second() + 5 * 3600;
    qonys_law::Date::from_day_number(secs.div_euclid(86_400) as i32)
}

/// The instant of `hour`:00 in Kazakhstan (UTC+5) on `date`.
pub fn kazakhstan_time(date: qonys_law::Date, hour: i64) -> jiff::Timestamp {
    let secs = i64::from(date.day_number()) * 86_400 + (hour - 5) * 3600;
    jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kazakhstan_dates_and_times() {
        let d = qonys_law::Date::from_ymd(2026, 12, 6).unwrap();
        let t = kazakhstan_time(d, 9);
        assert_eq!(t.to_string(), "2026-12-06T04:00:00Z");
        assert_eq!(kazakhstan_date(t), d);
        // 20:00 UTC is already the next day in Kazakhstan.
        let late: jiff::Timestamp = "2026-12-06T20:00:00Z".parse().unwrap();
        assert_eq!(kazakhstan_date(late), d.add_days(1));
        let early: jiff::Timestamp = "2026-12-06T18:59:59Z".parse().unwrap();
        assert_eq!(kazakhstan_date(early), d);
    }
}
