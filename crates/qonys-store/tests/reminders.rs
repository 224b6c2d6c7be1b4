//! Replacing and cancelling a case's pending reminders, on SQLite always and on PostgreSQL
//! when it is reachable (required when `QONYS_REQUIRE_POSTGRES=1`): pending reminders are
//! replaced, claimed and sent ones are kept and not scheduled again, the change is audited,
//! and concurrent replacements from two store handles ("processes") leave exactly one set.
//!
//! PostgreSQL: `QONYS_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! each run gets its own fresh schema, dropped afterwards.

use jiff::{SignedDuration, Timestamp};
use qonys_store::*;
use serde_json::json;
use sqlx::{AssertSqlSafe, Connection, Executor};
use uuid::Uuid;

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Two handles on one fresh database, and what to clean up.
struct Db {
    a: SqlStore,
    b: SqlStore,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl Db {
    async fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let a = SqlStore::open(StoreOptions::sqlite_in(dir.path()))
            .await
            .unwrap();
        let b = SqlStore::open(StoreOptions::sqlite_in(dir.path()))
            .await
            .unwrap();
        Db {
            a,
            b,
            _dir: dir,
            pg: None,
        }
    }

    /// `None` (with a notice) when PostgreSQL is unreachable and not required.
    async fn postgres() -> Option<Db> {
        let url =
            std::env::var("QONYS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string());
        let required = std::env::var("QONYS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        sqlx::any::install_default_drivers();
        let probe = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            sqlx::AnyConnection::connect(&url),
        )
        .await;
        let mut conn = match probe {
            Ok(Ok(c)) => c,
            Ok(Err(e)) if !required => {
                eprintln!(
                    "NOTICE: PostgreSQL unreachable ({e}); PostgreSQL reminder tests skipped. Set QONYS_REQUIRE_POSTGRES=1 to fail instead."
                );
                return None;
            }
            Err(_) if !required => {
                eprintln!(
                    "NOTICE: PostgreSQL connection timed out; PostgreSQL reminder tests skipped. Set QONYS_REQUIRE_POSTGRES=1 to fail instead."
                );
                return None;
            }
            Ok(Err(e)) => panic!("QONYS_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {e}"),
            Err(_) => panic!("QONYS_REQUIRE_POSTGRES=1 but connecting to PostgreSQL timed out"),
        };
        let schema = format!("qonys_remt_{}", Uuid::new_v4().simple());
        conn.execute(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .await
            .unwrap();
        let _ = conn.close().await;
        let dir = tempfile::tempdir().unwrap();
        let open = || {
            let mut o = StoreOptions::postgres(&url, &dir.path().join("documents"));
            o.pg_schema = Some(schema.clone());
            SqlStore::open(o)
        };
        let a = open().await.unwrap();
        let b = open().await.unwrap();
        Some(Db {
            a,
            b,
            _dir: dir,
            pg: Some((url, schema)),
        })
    }

    async fn finish(self) {
        self.a.close().await;
        self.b.close().await;
        if let Some((url, schema)) = &self.pg
            && let Ok(mut conn) = sqlx::AnyConnection::connect(url).await
        {
            let _ = conn
                .execute(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .await;
        }
    }
}

fn actor() -> Actor {
    Actor::system("scheduler")
}

async fn new_case(store: &SqlStore) -> Case {
    store
        .create_case(
            &actor(),
            NewCase {
                title: "reminder test".into(),
                status: "open".into(),
                language: "en".into(),
                ..NewCase::default()
            },
        )
        .await
        .unwrap()
}

fn reminder(case_id: Uuid, rule: &str, before: i64, hours: i64) -> NewReminder {
    NewReminder {
        case_id: Some(case_id),
        kind: "deadline".into(),
        payload: json!({"case_id": case_id.to_string(), "rule": rule, "due": "2027-01-10", "before_days": before}),
        due_at: Timestamp::now() + SignedDuration::from_hours(hours),
    }
}

fn pending(list: &[Reminder]) -> Vec<&Reminder> {
    list.iter().filter(|r| r.claimed_by.is_none()).collect()
}

async fn replace_keeps_what_was_sent(store: &SqlStore) {
    let case = new_case(store).await;
    let other = new_case(store).await;
    // Another case's and another kind's reminders are never touched.
    store
        .schedule_reminder(&actor(), reminder(other.id, "x", 7, -1))
        .await
        .unwrap();
    let mut other_kind = reminder(case.id, "x", 7, 5);
    other_kind.kind = "document_missing".into();
    store.schedule_reminder(&actor(), other_kind).await.unwrap();

    let first = store
        .replace_pending_reminders(
            &actor(),
            case.id,
            "deadline",
            vec![
                reminder(case.id, "a", 30, -2),
                reminder(case.id, "a", 7, 48),
                reminder(case.id, "a", 1, 96),
            ],
        )
        .await
        .unwrap();
    assert_eq!(first.len(), 3);
    assert_eq!(store.reminders(case.id).await.unwrap().len(), 4);

    // A worker claims and sends the due one (30 days before).
    let claimed = store
        .claim_due_reminders(Timestamp::now(), "w1", 100)
        .await
        .unwrap();
    let mine: Vec<_> = claimed
        .iter()
        .filter(|r| r.case_id == Some(case.id))
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].payload["before_days"], 30);
    store
        .complete_reminder(mine[0].id, "w1", Timestamp::now())
        .await
        .unwrap();

    // The case changes: the same three are offered again, plus one for another deadline.
    let second = store
        .replace_pending_reminders(
            &actor(),
            case.id,
            "deadline",
            vec![
                reminder(case.id, "a", 30, -2),
                reminder(case.id, "a", 7, 48),
                reminder(case.id, "a", 1, 96),
                reminder(case.id, "b", 7, 200),
                reminder(case.id, "b", 7, 200),
            ],
        )
        .await
        .unwrap();
    // The sent one is not scheduled again; the duplicate in the list is created once.
    assert_eq!(second.len(), 3, "{second:?}");
    let all = store.reminders(case.id).await.unwrap();
    let deadline: Vec<_> = all.iter().filter(|r| r.kind == "deadline").collect();
    assert_eq!(deadline.len(), 4, "1 sent + 3 pending");
    assert_eq!(deadline.iter().filter(|r| r.done_at.is_some()).count(), 1);
    // The first set's pending reminders are gone (new ids).
    for r in &first[1..] {
        assert!(
            all.iter().all(|x| x.id != r.id),
            "old pending reminder kept"
        );
    }
    assert!(all.iter().any(|r| r.kind == "document_missing"));

    // Cancelling deletes the pending ones only.
    let n = store
        .cancel_pending_reminders(&actor(), case.id, "deadline")
        .await
        .unwrap();
    assert_eq!(n, 3);
    let all = store.reminders(case.id).await.unwrap();
    assert_eq!(pending(&all).len(), 1, "only the other kind is pending");
    assert_eq!(all.len(), 2);
    assert_eq!(store.reminders(other.id).await.unwrap().len(), 1);

    // Audited, and the chain still verifies.
    let audit = store.audit_for_case(case.id).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "reminder.replace"));
    assert!(audit.iter().any(|a| a.action == "reminder.cancel"));
    store.verify_audit().await.unwrap();

    // Wrong case or kind in the list, or an unknown case: refused, nothing written.
    let err = store
        .replace_pending_reminders(
            &actor(),
            case.id,
            "deadline",
            vec![reminder(other.id, "a", 7, 5)],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unsupported { .. }), "{err:?}");
    let err = store
        .replace_pending_reminders(&actor(), Uuid::now_v7(), "deadline", vec![])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert_eq!(store.reminders(case.id).await.unwrap().len(), 2);
}

/// Two handles replace the same case's reminders at once, many times: one set is left.
async fn concurrent_replacements_leave_one_set(a: &SqlStore, b: &SqlStore) {
    let case = new_case(a).await;
    let set = |tag: &str| {
        (1..=3)
            .map(|i| reminder(case.id, tag, i, 24 * i))
            .collect::<Vec<_>>()
    };
    let who = actor();
    for round in 0..15 {
        let (x, y) = tokio::join!(
            a.replace_pending_reminders(&who, case.id, "deadline", set(&format!("a{round}"))),
            b.replace_pending_reminders(&who, case.id, "deadline", set(&format!("b{round}"))),
        );
        x.unwrap();
        y.unwrap();
        let all = a.reminders(case.id).await.unwrap();
        assert_eq!(all.len(), 3, "round {round}: {all:?}");
        let tags: std::collections::HashSet<_> =
            all.iter().map(|r| r.payload["rule"].clone()).collect();
        assert_eq!(tags.len(), 1, "round {round}: sets mixed");
    }
    a.verify_audit().await.unwrap();
}

#[tokio::test]
async fn sqlite_replace_and_cancel() {
    let db = Db::sqlite().await;
    replace_keeps_what_was_sent(&db.a).await;
    concurrent_replacements_leave_one_set(&db.a, &db.b).await;
    db.finish().await;
}

#[tokio::test]
async fn postgres_replace_and_cancel() {
    let Some(db) = Db::postgres().await else {
        return;
    };
    replace_keeps_what_was_sent(&db.a).await;
    concurrent_replacements_leave_one_set(&db.a, &db.b).await;
    db.finish().await;
}
