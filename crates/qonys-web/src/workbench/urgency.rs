//! The urgency key of a case, stored on the case so the list is one indexed query: higher is
//! more urgent. The key is made of tiers (what kind of trouble the case is in) and, inside a
//! tier, how close the nearest date is:
//!
//! - overdue deadlines (most urgent), then a lost ground (an event ended the status's
//!   ground), then new cases nobody has reviewed yet (a fresh consultation request), then
//!   deadlines due soon, then red document findings (a document an adviser rejected), then
//!   later deadlines; closed cases are never urgent.
//!
//! Everything is computed from `qonys_law::continuity::plan` on the stored facts and history
//! — no reasoning here beyond ordering. [`refresh_urgency`] recomputes and stores the key
//! and the nearest deadline (through the store, so the change is audited).

use qonys_law::Date;
use qonys_law::continuity::{ItemState, Plan};
use qonys_store::{Actor, Case, CaseChange, DocumentStatus, StoreError};
use uuid::Uuid;

use crate::AppState;
use crate::workbench::{bind_case, to_civil};

/// One tier's width: the part under it orders cases inside the tier by closeness.
pub const TIER: i64 = 1_000_000;

/// The tiers, most urgent last (the key is `tier * TIER + closeness`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Closed, or nothing pending.
    Calm = 0,
    /// Deadlines ahead, none soon.
    Later = 1,
    /// A document was rejected.
    RedDocument = 2,
    /// A deadline is due soon.
    DueSoon = 3,
    /// A new case nobody has reviewed yet.
    New = 4,
    /// The ground of the status ended.
    LostGround = 5,
    /// A deadline has passed.
    Overdue = 6,
}

impl Tier {
    /// The tier of a stored key.
    pub fn of_key(key: i64) -> Tier {
        match key.div_euclid(TIER) {
            i64::MIN..=0 => Tier::Calm,
            1 => Tier::Later,
            2 => Tier::RedDocument,
            3 => Tier::DueSoon,
            4 => Tier::New,
            5 => Tier::LostGround,
            _ => Tier::Overdue,
        }
    }

    /// The message id of the tier's badge.
    pub fn message_id(self) -> &'static str {
        match self {
            Tier::Calm => "wb-urgency-calm",
            Tier::Later => "wb-urgency-later",
            Tier::RedDocument => "wb-urgency-red-document",
            Tier::DueSoon => "wb-urgency-due-soon",
            Tier::New => "wb-urgency-new",
            Tier::LostGround => "wb-urgency-lost-ground",
            Tier::Overdue => "wb-urgency-overdue",
        }
    }

    /// The CSS class of the tier's badge.
    pub fn class(self) -> &'static str {
        match self {
            Tier::Calm | Tier::Later => "calm",
            Tier::RedDocument | Tier::DueSoon | Tier::New => "soon",
            Tier::LostGround | Tier::Overdue => "late",
        }
    }
}

/// What the key is computed from, beyond the plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals {
    /// The case's workflow status is `new`.
    pub is_new: bool,
    /// The case is closed.
    pub closed: bool,
    /// How many of its documents were rejected.
    pub rejected_documents: usize,
}

/// The urgency key and the nearest open deadline of a plan.
pub fn key(plan: &Plan, signals: Signals) -> (i64, Option<Date>) {
    let open: Vec<_> = plan
        .items
        .iter()
        .filter(|i| {
            matches!(
                i.state,
                ItemState::Overdue | ItemState::DueSoon | ItemState::Later
            )
        })
        .collect();
    let mut next = open.iter().map(|i| i.due).min();
    for g in &plan.ground_losses {
        next = Some(next.map_or(g.due, |n| n.min(g.due)));
    }
    if signals.closed {
        return (0, next);
    }
    let mut tier = Tier::Calm;
    let mut bump = |t: Tier| tier = tier.max(t);
    if open.iter().any(|i| i.state == ItemState::Overdue) {
        bump(Tier::Overdue);
    }
    if !plan.ground_losses.is_empty() {
        bump(Tier::LostGround);
    }
    if signals.is_new {
        bump(Tier::New);
    }
    if open.iter().any(|i| i.state == ItemState::DueSoon) {
        bump(Tier::DueSoon);
    }
    if signals.rejected_documents > 0 {
        bump(Tier::RedDocument);
    }
    if !open.is_empty() {
        bump(Tier::Later);
    }
    // Inside a tier: the nearer (or the longer overdue) the next date, the higher.
    let closeness = next.map_or(0, |d| {
        let days = i64::from(plan.as_of.days_until(d));
        (TIER / 2 - days).clamp(0, TIER - 1)
    });
    (tier as i64 * TIER + closeness, next)
}

/// The key and nearest deadline of a stored case on `as_of`.
pub fn compute(
    st: &AppState,
    case: &Case,
    rejected_documents: usize,
    as_of: Date,
) -> (i64, Option<Date>) {
    let pack = st.pack();
    let b = bind_case(pack, case);
    let plan = qonys_law::continuity::plan(pack, &b.facts, &b.history, as_of);
    key(
        &plan,
        Signals {
            is_new: case.status == "new",
            closed: case.status == "closed",
            rejected_documents,
        },
    )
}

/// The urgency key a new consultation request's case starts with (new, unreviewed, nothing
/// known of its deadlines yet).
pub const NEW_CASE: i64 = Tier::New as i64 * TIER;

/// A change that stores the urgency key and nearest deadline of `case` as it will be after
/// `change` (call before `update_case`, so the key is written with the change itself).
pub async fn with_urgency(
    st: &AppState,
    case: &Case,
    mut change: CaseChange,
) -> Result<CaseChange, StoreError> {
    let store = st.store().ok_or(StoreError::NotFound { what: "store" })?;
    let mut after = case.clone();
    if let Some(f) = &change.facts {
        after.facts = f.clone();
    }
    if let Some(h) = &change.history {
        after.history = h.clone();
    }
    if let Some(s) = &change.status {
        after.status = s.clone();
    }
    let rejected = rejected_count(store.as_ref(), case.id).await?;
    let (key, next) = compute(st, &after, rejected, st.as_of());
    if key != case.urgency {
        change.urgency = Some(key);
    }
    let next = next.and_then(to_civil);
    if next != case.next_deadline {
        change.next_deadline = Some(next);
    }
    Ok(change)
}

async fn rejected_count(
    store: &dyn qonys_store::Store,
    case_id: Uuid,
) -> Result<usize, StoreError> {
    Ok(store
        .documents(case_id)
        .await?
        .iter()
        .filter(|d| d.status == DocumentStatus::Rejected)
        .count())
}

/// Recomputes a case's urgency key and nearest deadline from its facts, history, status
/// and documents, and stores them when they changed (an audited change; retried once when
/// someone else changed the case in between). Returns the case as stored.
pub async fn refresh_urgency(
    st: &AppState,
    actor: &Actor,
    case_id: Uuid,
) -> Result<Case, StoreError> {
    let store = st.store().ok_or(StoreError::NotFound { what: "store" })?;
    let mut attempts = 0;
    loop {
        let case = store.case(case_id).await?;
        let change = with_urgency(st, &case, CaseChange::default()).await?;
        if change.urgency.is_none() && change.next_deadline.is_none() {
            return Ok(case);
        }
        match store
            .update_case(actor, case_id, case.version, change)
            .await
        {
            Err(StoreError::Conflict { .. }) if attempts < 3 => attempts += 1,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_round_trip_and_order() {
        for t in [
            Tier::Calm,
            Tier::Later,
            Tier::RedDocument,
            Tier::DueSoon,
            Tier::New,
            Tier::LostGround,
            Tier::Overdue,
        ] {
            assert_eq!(Tier::of_key(t as i64 * TIER + 17), t);
        }
        assert!(Tier::Overdue > Tier::New && Tier::New > Tier::DueSoon);
        assert_eq!(Tier::of_key(NEW_CASE), Tier::New);
    }
}
