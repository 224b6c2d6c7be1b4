//! `schedule_for_case` against a real store (SQLite): a case's reminders are created before
//! each upcoming deadline, replaced rather than duplicated when scheduled again, follow a
//! change of the residence history, and stop when the case is closed or nobody is left to
//! write to; `schedule_missing` picks up cases without pending reminders only.

use qonys_law::Date;
use qonys_notify::{DEADLINE_KIND, REMIND_DAYS_BEFORE, schedule_for_case, schedule_missing};
use qonys_store::{Actor, CaseChange, NewCase, NewUser, Role, SqlStore, Store, StoreOptions};
use serde_json::json;

fn history(valid_to: &str) -> serde_json::Value {
    json!({"status": [{"kind": "temporary_residence_permit", "ground": "work", "valid_from": "2026-03-20", "valid_to": valid_to}]})
}

#[tokio::test]
async fn schedule_replace_and_stop() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open(StoreOptions::sqlite_in(dir.path()))
        .await
        .unwrap();
    let pack = qonys_law::bundled::load().unwrap();
    let actor = Actor::system("test");
    let as_of = Date::from_ymd(2026, 12, 6).unwrap();
    let adviser = store
        .create_user(
            &actor,
            NewUser {
                email: "adviser@firm.test".into(),
                display_name: "A".into(),
                role: Role::Adviser,
                password_hash: None,
                language: "ru".into(),
                firm_id: None,
            },
        )
        .await
        .unwrap();
    let case = store
        .create_case(
            &actor,
            NewCase {
                title: "t".into(),
                status: "open".into(),
                adviser_id: Some(adviser.id),
                language: "en".into(),
                facts: json!({"citizenship": "DE"}),
                history: history("2027-03-19"),
                ..NewCase::default()
            },
        )
        .await
        .unwrap();
    let nobody = store
        .create_case(
            &actor,
            NewCase {
                title: "t".into(),
                status: "open".into(),
                language: "en".into(),
                history: history("2027-03-19"),
                ..NewCase::default()
            },
        )
        .await
        .unwrap();

    let made = schedule_for_case(&store, &actor, &pack, &case, as_of)
        .await
        .unwrap();
    let deadlines = qonys_notify::upcoming_deadlines(&pack, &case, as_of);
    assert!(deadlines.len() >= 2, "{deadlines:?}");
    assert_eq!(made.len(), REMIND_DAYS_BEFORE.len() * deadlines.len());
    assert!(made.iter().all(|r| r.kind == DEADLINE_KIND));
    // Scheduling again replaces: the same number, no duplicates.
    schedule_for_case(&store, &actor, &pack, &case, as_of)
        .await
        .unwrap();
    let stored = store.reminders(case.id).await.unwrap();
    assert_eq!(stored.len(), made.len());
    assert!(stored.iter().all(|r| made.iter().all(|m| m.id != r.id)));

    // The permit is renewed to a later date: the reminders follow.
    let case = store
        .update_case(
            &actor,
            case.id,
            case.version,
            CaseChange {
                history: Some(history("2027-09-30")),
                ..CaseChange::default()
            },
        )
        .await
        .unwrap();
    schedule_for_case(&store, &actor, &pack, &case, as_of)
        .await
        .unwrap();
    let stored = store.reminders(case.id).await.unwrap();
    let expiry: Vec<_> = stored
        .iter()
        .filter(|r| r.payload["rule"] == "status.expiry")
        .map(|r| r.payload["due"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(expiry, vec!["2027-09-30"; REMIND_DAYS_BEFORE.len()]);

    // Nobody to write to: nothing. The start-up pass also leaves that case alone, and the
    // first case, which has pending reminders.
    assert!(
        schedule_for_case(&store, &actor, &pack, &nobody, as_of)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        schedule_missing(&store, &actor, &pack, as_of)
            .await
            .unwrap(),
        0
    );
    assert!(store.reminders(nobody.id).await.unwrap().is_empty());

    // Closed: pending reminders are gone; the start-up pass does not bring them back...
    let closed = store
        .update_case(
            &actor,
            case.id,
            case.version,
            CaseChange {
                status: Some("closed".into()),
                ..CaseChange::default()
            },
        )
        .await
        .unwrap();
    schedule_for_case(&store, &actor, &pack, &closed, as_of)
        .await
        .unwrap();
    assert!(store.reminders(case.id).await.unwrap().is_empty());
    assert_eq!(
        schedule_missing(&store, &actor, &pack, as_of)
            .await
            .unwrap(),
        0
    );
    // ...but does schedule a reopened case that has none.
    store
        .update_case(
            &actor,
            case.id,
            closed.version,
            CaseChange {
                status: Some("open".into()),
                ..CaseChange::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        schedule_missing(&store, &actor, &pack, as_of)
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.reminders(case.id).await.unwrap().len(), made.len());
}
