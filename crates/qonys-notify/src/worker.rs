//! The reminder worker: every `interval` it claims due reminders (each is claimed by exactly
//! one worker, whichever process it runs in), delivers them, and completes them; when the
//! SMTP server cannot be reached it gives the reminder back and tries again next round.
//!
//! Delivery of a `deadline` reminder looks everything up at send time: the case (gone →
//! nothing to send), its plan today (the deadline met, moved or past → nothing to send; a
//! later reminder of the same deadline also due → this one is left out), and the recipients
//! — the case's adviser and applicant, each in their own language, disabled accounts
//! skipped. If some recipients got the mail and another's failed transiently, the reminder
//! is completed and a new one, due at once, scheduled for that recipient only (it is tried
//! again in this round or the next), so nobody gets it twice.
//!
//! Logs name reminder, case and user ids only.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use qonys_i18n::Messages;
use qonys_law::continuity::ItemState;
use qonys_law::{Date, Lang, Pack};
use qonys_store::{Actor, NewReminder, Reminder, Store, StoreError, User};
use uuid::Uuid;

use crate::mailer::{MailError, Mailer, OutgoingMail};
use crate::render::{RecipientRole, render_deadline};
use crate::schedule::{DEADLINE_KIND, DeadlinePayload, REMIND_DAYS_BEFORE};
use crate::{case_input, kazakhstan_date};

/// Reminders claimed per batch.
const BATCH: i64 = 20;

/// Claims older than this are taken as left by a worker that died, and given back. Sending
/// takes seconds, so a live worker never holds a claim this long; a worker that died after
/// sending but before completing will have that reminder sent again (at-least-once on a
/// crash, exactly-once otherwise).
const STALE_CLAIM: SignedDuration = SignedDuration::from_hours(1);

/// A worker id unique across processes and hosts: host name, process id and a random part.
pub fn worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "qonys".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// What became of one reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Sent to this many recipients.
    Sent(usize),
    /// Nothing to send (the reason is an id-free word: `case_gone`, `obsolete`, …).
    Nothing(&'static str),
    /// Sending failed for now; the reminder was given back.
    Retry,
}

/// Everything a worker needs.
struct Ctx {
    store: Arc<dyn Store>,
    mailer: Arc<Mailer>,
    messages: Arc<Messages>,
    pack: Arc<Pack>,
    worker: String,
}

/// Runs the worker until `shutdown` completes: a round at once, then one every `interval`.
pub async fn run(
    store: Arc<dyn Store>,
    mailer: Arc<Mailer>,
    messages: Arc<Messages>,
    pack: Arc<Pack>,
    worker_id: String,
    interval: Duration,
    shutdown: impl Future<Output = ()> + Send,
) {
    let ctx = Ctx {
        store,
        mailer,
        messages,
        pack,
        worker: worker_id,
    };
    tracing::info!(worker = %ctx.worker, server = %ctx.mailer.server(), "reminder worker started");
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = round(&ctx) => {}
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(interval) => {}
        }
    }
    tracing::info!(worker = %ctx.worker, "reminder worker stopped");
}

/// One round: give back stale claims, then claim and deliver until nothing is due (or the
/// SMTP server fails, then wait for the next round).
async fn round(ctx: &Ctx) {
    match ctx
        .store
        .release_stale_claims(Timestamp::now() - STALE_CLAIM)
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::warn!(count = n, "gave back reminders claimed by a stopped worker"),
        Err(e) => tracing::warn!(error = %e, "cannot release stale reminder claims"),
    }
    loop {
        let batch = match ctx
            .store
            .claim_due_reminders(Timestamp::now(), &ctx.worker, BATCH)
            .await
        {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim reminders");
                return;
            }
        };
        let mut batch = batch;
        tracing::debug!(worker = %ctx.worker, claimed = batch.len(), "claimed due reminders");
        if batch.is_empty() {
            return;
        }
        // The store may hand out more than asked (PostgreSQL can run the claim's limited
        // sub-select more than once); keep a batch and give the rest back for other workers.
        let keep = usize::try_from(BATCH).unwrap_or(20);
        for extra in batch.split_off(batch.len().min(keep)) {
            give_back(ctx, &extra).await;
        }
        let mut failed = false;
        for r in batch {
            if failed {
                // The server is failing: give the rest back untried.
                give_back(ctx, &r).await;
                continue;
            }
            match deliver(ctx, &r).await {
                Delivery::Retry => {
                    give_back(ctx, &r).await;
                    failed = true;
                }
                d => {
                    match ctx
                        .store
                        .complete_reminder(r.id, &ctx.worker, Timestamp::now())
                        .await
                    {
                        Ok(()) => match d {
                            Delivery::Sent(n) => {
                                tracing::info!(reminder = %r.id, case = ?r.case_id, recipients = n, "reminder sent")
                            }
                            Delivery::Nothing(why) => {
                                tracing::info!(reminder = %r.id, case = ?r.case_id, reason = why, "reminder needs no mail")
                            }
                            Delivery::Retry => {}
                        },
                        // The case (and so the reminder) was deleted meanwhile.
                        Err(StoreError::NotFound { .. }) => {}
                        Err(e) => {
                            tracing::error!(reminder = %r.id, error = %e, "cannot mark a reminder sent")
                        }
                    }
                }
            }
        }
        if failed {
            return;
        }
    }
}

async fn give_back(ctx: &Ctx, r: &Reminder) {
    if let Err(e) = ctx.store.release_reminder(r.id, &ctx.worker).await {
        tracing::error!(reminder = %r.id, error = %e, "cannot give a reminder back");
    }
}

/// Delivers one claimed reminder (does not complete or release it).
async fn deliver(ctx: &Ctx, r: &Reminder) -> Delivery {
    if r.kind != DEADLINE_KIND {
        tracing::warn!(reminder = %r.id, kind = %r.kind, "no sender for this reminder kind");
        return Delivery::Nothing("unknown_kind");
    }
    let Some(p) = DeadlinePayload::from_json(&r.payload) else {
        tracing::warn!(reminder = %r.id, "unreadable reminder payload");
        return Delivery::Nothing("bad_payload");
    };
    let case = match ctx.store.case(p.case_id).await {
        Ok(c) => c,
        Err(StoreError::NotFound { .. }) => return Delivery::Nothing("case_gone"),
        Err(e) => {
            tracing::warn!(reminder = %r.id, error = %e, "cannot read the case");
            return Delivery::Retry;
        }
    };
    let today = kazakhstan_date(Timestamp::now());
    if let Some(why) = obsolete(&ctx.pack, &case, &p, today) {
        return Delivery::Nothing(why);
    }

    // Recipients, looked up now.
    let mut recipients: Vec<(User, RecipientRole)> = Vec::new();
    for (id, role) in [
        (case.adviser_id, RecipientRole::Adviser),
        (case.applicant_id, RecipientRole::Applicant),
    ] {
        let Some(id) = id else { continue };
        if p.only.is_some_and(|o| o != id) || recipients.iter().any(|(u, _)| u.id == id) {
            continue;
        }
        match ctx.store.user(id).await {
            Ok(u) if !u.disabled => recipients.push((u, role)),
            Ok(_) | Err(StoreError::NotFound { .. }) => {}
            Err(e) => {
                tracing::warn!(reminder = %r.id, error = %e, "cannot read a recipient");
                return Delivery::Retry;
            }
        }
    }
    if recipients.is_empty() {
        return Delivery::Nothing("no_recipient");
    }

    let mut sent = 0;
    let mut pending: Vec<Uuid> = Vec::new();
    for (i, (user, role)) in recipients.iter().enumerate() {
        let lang = Lang::parse(&user.language)
            .or_else(|| Lang::parse(&case.language))
            .unwrap_or(Lang::En);
        let Some(text) = render_deadline(
            &ctx.messages,
            &ctx.pack,
            lang,
            *role,
            &user.display_name,
            &case.title,
            &p.rule,
            p.due,
            today,
        ) else {
            return Delivery::Nothing("unknown_rule");
        };
        let mail = OutgoingMail {
            to: user.email.clone(),
            subject: text.subject,
            body: text.body,
            reminder_id: r.id,
            language: lang.code().to_string(),
        };
        match ctx.mailer.send(&mail).await {
            Ok(()) => sent += 1,
            Err(e @ MailError::Transient(_)) => {
                tracing::warn!(reminder = %r.id, user = %user.id, error = %e, "sending a reminder failed");
                if sent == 0 && i == 0 {
                    return Delivery::Retry;
                }
                pending.push(user.id);
            }
            Err(e) => {
                tracing::warn!(reminder = %r.id, user = %user.id, error = %e, "reminder not deliverable to this recipient");
            }
        }
    }
    // Some were sent and some failed for now: a reminder for those alone, sent later.
    for user in pending {
        let again = DeadlinePayload {
            only: Some(user),
            ..p.clone()
        };
        let new = NewReminder {
            case_id: Some(case.id),
            kind: DEADLINE_KIND.to_string(),
            payload: again.to_json(),
            due_at: Timestamp::now(),
        };
        if let Err(e) = ctx
            .store
            .schedule_reminder(&Actor::system("reminders"), new)
            .await
        {
            tracing::error!(reminder = %r.id, user = %user, error = %e, "cannot schedule the retry");
        }
    }
    Delivery::Sent(sent)
}

/// Why a reminder no longer needs sending, judged by the case's plan today: the deadline is
/// met, has passed, is no longer in the plan (the history changed), or a later reminder of
/// the same deadline is also due now (only the latest one is sent).
pub(crate) fn obsolete(
    pack: &Pack,
    case: &qonys_store::Case,
    p: &DeadlinePayload,
    today: Date,
) -> Option<&'static str> {
    if p.due < today {
        return Some("passed");
    }
    let days_left = today.days_until(p.due);
    if REMIND_DAYS_BEFORE
        .iter()
        .any(|&o| o < p.before_days && o >= days_left)
    {
        return Some("superseded");
    }
    let facts = case_input::facts(pack, case);
    let history = case_input::history(case);
    let plan = qonys_law::continuity::plan(pack, &facts, &history, today);
    let item = plan
        .items
        .iter()
        .find(|i| i.due == p.due && pack.deadlines.get(i.rule).is_some_and(|r| r.id == p.rule));
    match item {
        None => Some("obsolete"),
        Some(i) if i.state == ItemState::Done => Some("done"),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(valid_to: &str, events: serde_json::Value) -> qonys_store::Case {
        qonys_store::Case {
            id: Uuid::now_v7(),
            title: String::new(),
            status: "open".into(),
            adviser_id: None,
            applicant_id: None,
            firm_id: None,
            language: "en".into(),
            facts: json!({}),
            history: json!({"status": [{"kind": "temporary_residence_permit", "ground": "work", "valid_from": "2026-03-20", "valid_to": valid_to}], "event": events}),
            urgency: 0,
            next_deadline: None,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            version: 1,
        }
    }

    #[test]
    fn judged_at_send_time() {
        let pack = qonys_law::bundled::load().unwrap();
        let today = Date::from_ymd(2026, 12, 6).unwrap();
        let c = case("2027-01-05", json!([]));
        let p = |rule: &str, due: Date, before| DeadlinePayload {
            case_id: c.id,
            rule: rule.into(),
            due,
            before_days: before,
            only: None,
        };
        let expiry = Date::from_ymd(2027, 1, 5).unwrap();
        assert_eq!(
            obsolete(&pack, &c, &p("status.expiry", expiry, 30), today),
            None
        );
        // The permit was extended meanwhile: that date is no longer a deadline.
        let moved = case("2028-01-05", json!([]));
        assert_eq!(
            obsolete(&pack, &moved, &p("status.expiry", expiry, 30), today),
            Some("obsolete")
        );
        // Past, and superseded by the 7-day reminder when only 5 days are left.
        assert_eq!(
            obsolete(
                &pack,
                &c,
                &p("status.expiry", expiry, 30),
                expiry.add_days(1)
            ),
            Some("passed")
        );
        assert_eq!(
            obsolete(
                &pack,
                &c,
                &p("status.expiry", expiry, 30),
                expiry.add_days(-5)
            ),
            Some("superseded")
        );
        assert_eq!(
            obsolete(
                &pack,
                &c,
                &p("status.expiry", expiry, 7),
                expiry.add_days(-5)
            ),
            None
        );
        // A new permit carries on from the next day: the status's end is met.
        let mut renewed = case("2027-01-05", json!([]));
        renewed.history["status"]
            .as_array_mut()
            .unwrap()
            .push(json!({"kind": "temporary_residence_permit", "ground": "work", "valid_from": "2027-01-06", "valid_to": "2028-01-05"}));
        assert_eq!(
            obsolete(&pack, &renewed, &p("status.expiry", expiry, 30), today),
            Some("done")
        );
        let filing = qonys_notify_upcoming(&pack, &c, today, "status.permit_extension_filing");
        assert_eq!(
            obsolete(
                &pack,
                &c,
                &p("status.permit_extension_filing", filing, 30),
                today
            ),
            None
        );
    }

    fn qonys_notify_upcoming(pack: &Pack, c: &qonys_store::Case, today: Date, rule: &str) -> Date {
        crate::upcoming_deadlines(pack, c, today)
            .into_iter()
            .find(|u| u.rule == rule)
            .unwrap()
            .due
    }

    #[test]
    fn worker_ids_differ() {
        let a = worker_id();
        let b = worker_id();
        assert_ne!(a, b);
        assert!(a.contains(&format!("-{}-", std::process::id())), "{a}");
    }
}
