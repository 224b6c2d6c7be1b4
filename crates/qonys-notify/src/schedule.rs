//! Scheduling: which reminders a case should have, from its continuity plan.
//!
//! For every upcoming deadline of the plan (a deadline, not a milestone; not met; due on or
//! after the as-of date) there is one reminder [`REMIND_DAYS_BEFORE`] 30, 7 and 1 day(s)
//! before, at 09:00 in Kazakhstan. A reminder whose date has already passed is dropped,
//! except the latest passed one of a deadline, which is sent at once (so a deadline entered
//! five days ahead still gets a reminder now, and another the day before). The whole set
//! replaces the case's pending `deadline` reminders in one store transaction; reminders
//! already claimed or sent are not scheduled again (their payload is the identity).

use jiff::Timestamp;
use qonys_law::continuity::ItemState;
use qonys_law::pack::deadline::DeadlineKind;
use qonys_law::{Date, Pack};
use qonys_store::{Actor, Case, CaseQuery, NewReminder, Reminder, Store};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{NotifyError, case_input, kazakhstan_time};

/// The reminder kind used for deadlines.
pub const DEADLINE_KIND: &str = "deadline";

/// Days before a deadline on which a reminder is sent.
pub const REMIND_DAYS_BEFORE: [i32; 3] = [30, 7, 1];

/// The workbench's status of a closed case: no reminders.
const CLOSED: &str = "closed";

/// Local hour (Kazakhstan) at which a reminder becomes due.
const SEND_HOUR: i64 = 9;

/// An upcoming deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    /// The deadline rule's id (`status.expiry`).
    pub rule: String,
    /// The due date.
    pub due: Date,
}

/// The payload of a deadline reminder: ids and dates only, never personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlinePayload {
    /// The case.
    pub case_id: Uuid,
    /// The deadline rule's id.
    pub rule: String,
    /// The deadline's due date.
    pub due: Date,
    /// How many days before the deadline this reminder was planned for.
    pub before_days: i32,
    /// Only this recipient (a retry after the others were already sent).
    pub only: Option<Uuid>,
}

impl DeadlinePayload {
    /// As stored.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "case_id": self.case_id.to_string(),
            "rule": self.rule,
            "due": self.due.to_string(),
            "before_days": self.before_days,
        });
        if let Some(only) = self.only {
            v["only"] = json!(only.to_string());
        }
        v
    }

    /// Reads a stored payload; `None` when it is not a deadline payload.
    pub fn from_json(v: &Value) -> Option<DeadlinePayload> {
        Some(DeadlinePayload {
            case_id: v.get("case_id")?.as_str()?.parse().ok()?,
            rule: v.get("rule")?.as_str()?.to_string(),
            due: Date::parse(v.get("due")?.as_str()?).ok()?,
            before_days: i32::try_from(v.get("before_days")?.as_i64()?).ok()?,
            only: match v.get("only") {
                Some(o) => Some(o.as_str()?.parse().ok()?),
                None => None,
            },
        })
    }
}

/// The case's upcoming deadlines on `as_of`, by due date.
pub fn upcoming_deadlines(pack: &Pack, case: &Case, as_of: Date) -> Vec<Upcoming> {
    let facts = case_input::facts(pack, case);
    let history = case_input::history(case);
    if history.is_empty() {
        return Vec::new();
    }
    let plan = qonys_law::continuity::plan(pack, &facts, &history, as_of);
    let mut out: Vec<Upcoming> = plan
        .items
        .iter()
        .filter(|i| matches!(i.state, ItemState::DueSoon | ItemState::Later))
        .filter(|i| i.due >= as_of)
        .filter_map(|i| {
            let rule = pack.deadlines.get(i.rule)?;
            (rule.kind == DeadlineKind::Deadline).then(|| Upcoming {
                rule: rule.id.clone(),
                due: i.due,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.due, &a.rule).cmp(&(b.due, &b.rule)));
    out.dedup();
    out
}

/// The reminders a case should have on `as_of` (before de-duplication against what was
/// already sent); `now` is when a reminder whose date has passed is sent.
pub fn planned_reminders(
    pack: &Pack,
    case: &Case,
    as_of: Date,
    now: Timestamp,
) -> Vec<NewReminder> {
    let mut out = Vec::new();
    for d in upcoming_deadlines(pack, case, as_of) {
        let mut times = Vec::new();
        let mut latest_passed: Option<i32> = None;
        for before in REMIND_DAYS_BEFORE {
            let on = d.due.add_days(-before);
            if on >= as_of {
                times.push((before, kazakhstan_time(on, SEND_HOUR)));
            } else if latest_passed.is_none_or(|b| before < b) {
                latest_passed = Some(before);
            }
        }
        if let Some(before) = latest_passed {
            times.push((before, now));
        }
        for (before, due_at) in times {
            let payload = DeadlinePayload {
                case_id: case.id,
                rule: d.rule.clone(),
                due: d.due,
                before_days: before,
                only: None,
            };
            out.push(NewReminder {
                case_id: Some(case.id),
                kind: DEADLINE_KIND.to_string(),
                payload: payload.to_json(),
                due_at,
            });
        }
    }
    out.sort_by_key(|r| r.due_at);
    out
}

/// Schedules a case's deadline reminders on `as_of`, replacing its pending ones (call it
/// after every change to a case's facts, history, status, adviser or applicant). A case
/// without an adviser or applicant gets none (there is nobody to write to), and a closed
/// case (status `closed`) loses its pending ones. Returns the reminders created.
pub async fn schedule_for_case(
    store: &dyn Store,
    actor: &Actor,
    pack: &Pack,
    case: &Case,
    as_of: Date,
) -> Result<Vec<Reminder>, NotifyError> {
    let has_recipient = case.adviser_id.is_some() || case.applicant_id.is_some();
    let planned = if has_recipient && case.status != CLOSED {
        planned_reminders(pack, case, as_of, Timestamp::now())
    } else {
        Vec::new()
    };
    Ok(store
        .replace_pending_reminders(actor, case.id, DEADLINE_KIND, planned)
        .await?)
}

/// Schedules the cases that have an adviser or applicant but no pending deadline reminder
/// (run once at server start, in the background). Returns how many cases got reminders.
pub async fn schedule_missing(
    store: &dyn Store,
    actor: &Actor,
    pack: &Pack,
    as_of: Date,
) -> Result<usize, NotifyError> {
    let mut query = CaseQuery {
        limit: 200,
        ..CaseQuery::default()
    };
    let mut scheduled = 0;
    loop {
        let page = store.list_cases(&query).await?;
        for summary in &page.cases {
            if summary.adviser_id.is_none() && summary.applicant_id.is_none() {
                continue;
            }
            let pending = store
                .reminders(summary.id)
                .await?
                .iter()
                .any(|r| r.kind == DEADLINE_KIND && r.claimed_by.is_none());
            if pending {
                continue;
            }
            let case = match store.case(summary.id).await {
                Ok(c) => c,
                Err(qonys_store::StoreError::NotFound { .. }) => continue,
                Err(e) => return Err(e.into()),
            };
            match schedule_for_case(store, actor, pack, &case, as_of).await {
                Ok(made) if !made.is_empty() => scheduled += 1,
                Ok(_) | Err(NotifyError::Store(qonys_store::StoreError::NotFound { .. })) => {}
                Err(e) => return Err(e),
            }
        }
        if !page.has_more {
            return Ok(scheduled);
        }
        query.offset += query.limit;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case_with_permit(valid_to: &str) -> Case {
        Case {
            id: Uuid::now_v7(),
            title: String::new(),
            status: "open".into(),
            adviser_id: Some(Uuid::now_v7()),
            applicant_id: None,
            firm_id: None,
            language: "en".into(),
            facts: json!({"citizenship": "DE"}),
            history: json!({"status": [{"kind": "temporary_residence_permit", "ground": "work", "valid_from": "2026-03-20", "valid_to": valid_to}]}),
            urgency: 0,
            next_deadline: None,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            version: 1,
        }
    }

    #[test]
    fn payload_round_trip() {
        let p = DeadlinePayload {
            case_id: Uuid::now_v7(),
            rule: "status.expiry".into(),
            due: Date::from_ymd(2027, 3, 19).unwrap(),
            before_days: 7,
            only: Some(Uuid::now_v7()),
        };
        assert_eq!(DeadlinePayload::from_json(&p.to_json()), Some(p.clone()));
        let mut no_only = p;
        no_only.only = None;
        assert!(no_only.to_json().get("only").is_none());
        assert_eq!(DeadlinePayload::from_json(&json!({"rule": "x"})), None);
    }

    #[test]
    fn reminders_before_each_upcoming_deadline() {
        let pack = qonys_law::bundled::load().unwrap();
        let as_of = Date::from_ymd(2026, 12, 6).unwrap();
        let now = kazakhstan_time(as_of, 11);
        // Far ahead: 30, 7 and 1 day before each deadline, at 09:00 in Kazakhstan.
        let case = case_with_permit("2027-03-19");
        let up = upcoming_deadlines(&pack, &case, as_of);
        let rules: Vec<_> = up.iter().map(|u| u.rule.as_str()).collect();
        assert!(rules.contains(&"status.expiry"), "{up:?}");
        assert!(rules.contains(&"status.permit_extension_filing"), "{up:?}");
        let expiry = up.iter().find(|u| u.rule == "status.expiry").unwrap();
        assert_eq!(expiry.due, Date::from_ymd(2027, 3, 19).unwrap());
        let planned = planned_reminders(&pack, &case, as_of, now);
        assert_eq!(planned.len(), 3 * up.len());
        let for_expiry: Vec<_> = planned
            .iter()
            .filter(|r| r.payload["rule"] == "status.expiry")
            .map(|r| {
                (
                    r.payload["before_days"].as_i64().unwrap(),
                    r.due_at.to_string(),
                )
            })
            .collect();
        assert_eq!(
            for_expiry,
            vec![
                (30, "2027-02-17T04:00:00Z".to_string()),
                (7, "2027-03-12T04:00:00Z".to_string()),
                (1, "2027-03-18T04:00:00Z".to_string()),
            ]
        );
        for r in &planned {
            assert_eq!(r.kind, DEADLINE_KIND);
            assert_eq!(r.case_id, Some(case.id));
            // Ids and dates only.
            let keys: Vec<_> = r.payload.as_object().unwrap().keys().cloned().collect();
            assert_eq!(keys.len(), 4, "{keys:?}");
        }

        // Five days ahead: the 7-day reminder has passed and is sent now; the 1-day one waits.
        let soon = case_with_permit("2026-12-11");
        let planned = planned_reminders(&pack, &soon, as_of, now);
        let for_expiry: Vec<_> = planned
            .iter()
            .filter(|r| r.payload["rule"] == "status.expiry")
            .map(|r| (r.payload["before_days"].as_i64().unwrap(), r.due_at))
            .collect();
        assert_eq!(
            for_expiry,
            vec![(7, now), (1, "2026-12-10T04:00:00Z".parse().unwrap())]
        );

        // Past deadlines and cases without a history get nothing.
        assert!(
            planned_reminders(&pack, &case_with_permit("2026-11-01"), as_of, now)
                .iter()
                .all(|r| r.payload["rule"] != "status.expiry")
        );
        let mut bare = case_with_permit("2027-03-19");
        bare.history = json!([]);
        assert!(planned_reminders(&pack, &bare, as_of, now).is_empty());
    }
}
