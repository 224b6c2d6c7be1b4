//! The storage story, run against SQLite always and against PostgreSQL when it is
//! reachable (required when `QONYS_REQUIRE_POSTGRES=1`), plus SQLite-only checks of the
//! connection settings and of the case-list query plan.
//!
//! PostgreSQL: `QONYS_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! every store opened by a test gets its own fresh schema, dropped afterwards.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use qonys_store::*;
use serde_json::json;
use sqlx::{AssertSqlSafe, Executor};
use uuid::Uuid;

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

// ------------------------------------------------------------------ harness

/// A store plus whatever must be cleaned up after it.
struct Harness {
    backend: Backend,
    dirs: Vec<tempfile::TempDir>,
    schemas: Vec<String>,
    pg_url: String,
}

impl Harness {
    fn sqlite() -> Self {
        Harness {
            backend: Backend::Sqlite,
            dirs: Vec::new(),
            schemas: Vec::new(),
            pg_url: String::new(),
        }
    }

    /// `None` (with a notice) when PostgreSQL is unreachable and not required.
    async fn postgres() -> Option<Self> {
        let url =
            std::env::var("QONYS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string());
        let required = std::env::var("QONYS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        sqlx::any::install_default_drivers();
        let probe = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            sqlx::AnyConnection::connect_with_url(&url),
        )
        .await;
        match probe {
            Ok(Ok(_)) => Some(Harness {
                backend: Backend::Postgres,
                dirs: Vec::new(),
                schemas: Vec::new(),
                pg_url: url,
            }),
            Ok(Err(e)) if !required => {
                eprintln!(
                    "NOTICE: PostgreSQL unreachable ({e}); PostgreSQL story skipped. Set QONYS_REQUIRE_POSTGRES=1 to fail instead."
                );
                None
            }
            Err(_) if !required => {
                eprintln!(
                    "NOTICE: PostgreSQL connection timed out; PostgreSQL story skipped. Set QONYS_REQUIRE_POSTGRES=1 to fail instead."
                );
                None
            }
            Ok(Err(e)) => panic!("QONYS_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {e}"),
            Err(_) => panic!("QONYS_REQUIRE_POSTGRES=1 but connecting to PostgreSQL timed out"),
        }
    }

    /// A fresh, empty store of this harness's backend.
    async fn store(&mut self) -> SqlStore {
        let dir = tempfile::tempdir().unwrap();
        let opts = match self.backend {
            Backend::Sqlite => StoreOptions::sqlite_in(dir.path()),
            Backend::Postgres => {
                let schema = format!("qonys_test_{}", Uuid::new_v4().simple());
                let mut conn = sqlx::AnyConnection::connect_with_url(&self.pg_url)
                    .await
                    .unwrap();
                conn.execute(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .await
                    .unwrap();
                self.schemas.push(schema.clone());
                let mut o = StoreOptions::postgres(&self.pg_url, &dir.path().join("documents"));
                o.pg_schema = Some(schema);
                o
            }
        };
        let store = SqlStore::open(opts).await.unwrap();
        self.dirs.push(dir);
        store
    }

    /// A second store on the same database as `of` (a second "process").
    async fn second_handle(&self, of: &SqlStore) -> SqlStore {
        let opts = match self.backend {
            Backend::Sqlite => StoreOptions::sqlite_in(of.files_dir().parent().unwrap()),
            Backend::Postgres => {
                let mut o = StoreOptions::postgres(&self.pg_url, of.files_dir());
                o.pg_schema = Some(self.schemas.last().unwrap().clone());
                o
            }
        };
        SqlStore::open(opts).await.unwrap()
    }

    /// Runs SQL directly (to tamper with rows behind the store's back).
    async fn raw(store: &SqlStore, sql: &str) -> Result<u64, sqlx::Error> {
        Ok(store
            .pool()
            .execute(AssertSqlSafe(sql.to_string()))
            .await?
            .rows_affected())
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if self.schemas.is_empty() {
            return;
        }
        let url = self.pg_url.clone();
        let schemas = std::mem::take(&mut self.schemas);
        // Drop runs inside the test's runtime: clean up on a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::AnyConnection::connect_with_url(&url).await {
                    for s in schemas {
                        let _ = conn
                            .execute(AssertSqlSafe(format!("DROP SCHEMA {s} CASCADE")))
                            .await;
                    }
                }
            });
        })
        .join();
    }
}

trait ConnectUrl: Sized {
    async fn connect_with_url(url: &str) -> Result<Self, sqlx::Error>;
}

impl ConnectUrl for sqlx::AnyConnection {
    async fn connect_with_url(url: &str) -> Result<Self, sqlx::Error> {
        use sqlx::Connection;
        sqlx::AnyConnection::connect(url).await
    }
}

fn later(minutes: i64) -> Timestamp {
    Timestamp::now() + SignedDuration::from_mins(minutes)
}

// ------------------------------------------------------------------ the story

async fn story(h: &mut Harness) {
    let store = h.store().await;
    let backend = store.backend();
    let public = Actor::system("public");

    // First start: no users; a one-time setup token creates the first admin.
    assert_eq!(store.count_users().await.unwrap(), 0);
    let setup = store
        .create_one_time_token(NewOneTimeToken {
            purpose: TokenPurpose::Setup,
            user_id: None,
            case_id: None,
            role: Some(Role::Admin),
            expires_at: later(60),
        })
        .await
        .unwrap();
    let new_admin = NewUser {
        email: " Admin@Example.KZ ".into(),
        display_name: "Admin".into(),
        role: Role::Applicant, // the token's role wins
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        language: "kk".into(),
        firm_id: None,
    };
    let (admin, _) = store
        .redeem_token_for_user(
            &Actor::system("127.0.0.1"),
            setup.expose(),
            TokenPurpose::Setup,
            new_admin.clone(),
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(admin.email, "admin@example.kz");
    // Used once.
    assert!(matches!(
        store
            .redeem_token_for_user(
                &public,
                setup.expose(),
                TokenPurpose::Setup,
                new_admin,
                Timestamp::now()
            )
            .await,
        Err(StoreError::InvalidToken)
    ));
    let by_admin = Actor::user(admin.id, "127.0.0.1");

    // Sessions: hashed, expiring, deletable.
    let sess = store
        .create_session(admin.id, Timestamp::now(), later(60))
        .await
        .unwrap();
    let (s, u) = store
        .touch_session(
            sess.expose(),
            Timestamp::now(),
            SignedDuration::from_mins(30),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!((s.user_id, u.id), (admin.id, admin.id));
    assert!(
        store
            .touch_session(sess.expose(), later(45), SignedDuration::from_mins(30))
            .await
            .unwrap()
            .is_none(),
        "idle"
    );
    assert!(
        store
            .touch_session(
                sess.expose(),
                Timestamp::now(),
                SignedDuration::from_mins(30)
            )
            .await
            .unwrap()
            .is_none(),
        "deleted"
    );
    let stored_hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert!(stored_hashes.iter().all(|h| h != sess.expose()));

    // The admin creates an adviser; e-mail addresses are unique.
    let firm = store
        .create_firm(&by_admin, "Qonys Advisers")
        .await
        .unwrap();
    let adviser_new = NewUser {
        email: "adviser@example.kz".into(),
        display_name: "Adviser".into(),
        role: Role::Adviser,
        password_hash: None,
        language: "ru".into(),
        firm_id: Some(firm.id),
    };
    let adviser = store
        .create_user(&by_admin, adviser_new.clone())
        .await
        .unwrap();
    assert!(matches!(
        store.create_user(&by_admin, adviser_new).await,
        Err(StoreError::Duplicate { what: "email" })
    ));
    assert_eq!(
        store.user_by_email("ADVISER@example.kz").await.unwrap().id,
        adviser.id
    );
    let by_adviser = Actor::user(adviser.id, "10.0.0.7");
    let adviser_session = store
        .create_session(adviser.id, Timestamp::now(), later(60))
        .await
        .unwrap();
    let renamed = store
        .update_user(
            &by_admin,
            adviser.id,
            UserChange {
                display_name: Some("Adviser One".into()),
                role: Some(Role::Adviser),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (renamed.display_name.as_str(), renamed.role),
        ("Adviser One", Role::Adviser)
    );
    assert!(
        store
            .touch_session(
                adviser_session.expose(),
                Timestamp::now(),
                SignedDuration::from_mins(30)
            )
            .await
            .unwrap()
            .is_none(),
        "a role change ends the user's sessions"
    );
    assert!(matches!(
        store
            .update_user(&by_admin, Uuid::now_v7(), UserChange::default())
            .await,
        Err(StoreError::NotFound { what: "user" })
    ));

    // A consultation request from the finder, submitted twice with the same key (and
    // twice concurrently with another key): each takes effect once.
    let consult = |key: &str| NewConsultation {
        idempotency_key: key.into(),
        name: "Aigerim".into(),
        contact: "+7 700 000 0000".into(),
        language: "ru".into(),
        message: "Need a residence permit".into(),
        answers: json!({"citizenship": "UZ", "purpose": "work"}),
        case_title: "Work permit — UZ".into(),
        case_status: "new".into(),
        urgency: 10,
    };
    let first = store
        .submit_consultation(&public, consult("form-1"))
        .await
        .unwrap();
    let again = store
        .submit_consultation(&public, consult("form-1"))
        .await
        .unwrap();
    assert!(first.created && !again.created);
    assert_eq!(first.case.id, again.case.id);
    let (a, b) = tokio::join!(
        store.submit_consultation(&public, consult("form-2")),
        store.submit_consultation(&public, consult("form-2"))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.case.id, b.case.id);
    assert_eq!(u8::from(a.created) + u8::from(b.created), 1);
    let all = store.list_cases(&CaseQuery::default()).await.unwrap();
    assert_eq!(all.cases.len(), 2, "two keys, two cases");
    let case = first.case;
    assert_eq!(case.facts, json!({"citizenship": "UZ", "purpose": "work"}));
    assert_eq!(
        store
            .consultation_for_case(case.id)
            .await
            .unwrap()
            .unwrap()
            .id,
        first.request.id
    );

    // Assignment, then two editors with the same version: the stale one gets Conflict.
    let case = store
        .update_case(
            &by_admin,
            case.id,
            case.version,
            CaseChange {
                adviser_id: Some(Some(adviser.id)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let seen = case.version;
    let edit = |facts| CaseChange {
        facts: Some(facts),
        urgency: Some(50),
        ..Default::default()
    };
    let case = store
        .update_case(
            &by_adviser,
            case.id,
            seen,
            edit(json!({"citizenship": "UZ", "purpose": "study"})),
        )
        .await
        .unwrap();
    assert_eq!(case.version, seen + 1);
    match store
        .update_case(&by_admin, case.id, seen, edit(json!({"citizenship": "KG"})))
        .await
    {
        Err(StoreError::Conflict { current_version }) => assert_eq!(current_version, seen + 1),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let reloaded = store.case(case.id).await.unwrap();
    assert_eq!(reloaded.facts["purpose"], "study", "no silent overwrite");
    // Concurrent editors of the same version: exactly one wins, the rest get Conflict.
    let current = store.case(case.id).await.unwrap();
    let shared = Arc::new(store.clone());
    let editors: Vec<_> = (0..6)
        .map(|i| {
            let s = shared.clone();
            let actor = by_adviser.clone();
            tokio::spawn(async move {
                s.update_case(
                    &actor,
                    current.id,
                    current.version,
                    CaseChange {
                        urgency: Some(50 + i),
                        ..Default::default()
                    },
                )
                .await
            })
        })
        .collect();
    let mut wins = 0;
    for e in editors {
        match e.await.unwrap() {
            Ok(c) => {
                wins += 1;
                assert_eq!(c.version, current.version + 1);
            }
            Err(StoreError::Conflict { current_version }) => {
                assert_eq!(current_version, current.version + 1)
            }
            Err(other) => panic!("unexpected {other}"),
        }
    }
    assert_eq!(wins, 1, "exactly one concurrent edit wins");
    let case = store
        .update_case(
            &by_adviser,
            case.id,
            current.version + 1,
            CaseChange {
                urgency: Some(50),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let history = store.fact_history(case.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].facts["purpose"], "work");
    assert_eq!(history[1].facts["purpose"], "study");
    assert!(matches!(
        store
            .update_case(&by_admin, Uuid::now_v7(), 1, edit(json!({})))
            .await,
        Err(StoreError::NotFound { what: "case" })
    ));

    // Case list: the edited case is now the most urgent; filters.
    let page = store
        .list_cases(&CaseQuery {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.cases[0].id, case.id);
    assert!(page.has_more);
    let mine = store
        .list_cases(&CaseQuery {
            adviser_id: Some(adviser.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mine.cases.len(), 1);
    let found = store
        .list_cases(&CaseQuery {
            title_contains: Some("work PERMIT".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.cases.len(), 2);
    let none = store
        .list_cases(&CaseQuery {
            title_contains: Some("100%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.cases.is_empty());

    // Documents: requested → received (file stored under a server name) → rejected →
    // verified; rows are bound to their case.
    let passport = store
        .request_document(&by_adviser, case.id, "passport")
        .await
        .unwrap();
    let ciphertext = b"\x00encrypted-bytes\xff".to_vec();
    let meta = FileUpload {
        content_type: "application/pdf".into(),
        size: 12345,
        sha256: "ab".repeat(32),
    };
    let doc = store
        .attach_document_file(&by_adviser, case.id, passport.id, meta.clone(), &ciphertext)
        .await
        .unwrap();
    assert_eq!(doc.status, DocumentStatus::Received);
    let file = doc.file.clone().unwrap();
    assert!(file.stored_name.ends_with(".bin") && !file.stored_name.contains("passport"));
    assert_eq!(
        store
            .read_document_file(case.id, passport.id)
            .await
            .unwrap(),
        ciphertext
    );
    assert!(matches!(
        store.read_document_file(a.case.id, passport.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let doc = store
        .set_document_status(
            &by_adviser,
            case.id,
            passport.id,
            DocumentStatus::Rejected,
            Some("expired"),
        )
        .await
        .unwrap();
    assert_eq!(
        (doc.status, doc.reason.as_deref()),
        (DocumentStatus::Rejected, Some("expired"))
    );
    let doc = store
        .attach_document_file(&by_adviser, case.id, passport.id, meta, b"second upload")
        .await
        .unwrap();
    assert!(
        !store.files_dir().join(&file.stored_name).exists(),
        "replaced file deleted"
    );
    let doc = store
        .set_document_status(&by_adviser, case.id, doc.id, DocumentStatus::Verified, None)
        .await
        .unwrap();
    assert_eq!(doc.status, DocumentStatus::Verified);
    let scratch = store
        .request_document(&by_adviser, case.id, "photo")
        .await
        .unwrap();
    let scratch = store
        .attach_document_file(
            &by_adviser,
            case.id,
            scratch.id,
            FileUpload {
                content_type: "image/jpeg".into(),
                size: 3,
                sha256: "cd".repeat(32),
            },
            b"jpg",
        )
        .await
        .unwrap();
    store
        .delete_document(&by_adviser, case.id, scratch.id)
        .await
        .unwrap();
    assert!(
        !store
            .files_dir()
            .join(scratch.file.unwrap().stored_name)
            .exists(),
        "deletion deletes the file"
    );
    assert_eq!(store.documents(case.id).await.unwrap().len(), 1);

    // Notes and an assessment, stored with pack version, as-of date and facts.
    store
        .add_note(&by_adviser, case.id, "Called the client")
        .await
        .unwrap();
    assert_eq!(store.notes(case.id).await.unwrap().len(), 1);
    let current = store.case(case.id).await.unwrap();
    let assessment = store
        .store_assessment(
            &by_adviser,
            NewAssessment {
                case_id: case.id,
                pack_id: "kz".into(),
                pack_version: "2026.1".into(),
                as_of: "2026-11-25".parse().unwrap(),
                facts: current.facts.clone(),
                report: json!({"routes": [{"id": "work", "verdict": "fits"}]}),
            },
        )
        .await
        .unwrap();
    let stored = store.assessments(case.id).await.unwrap();
    assert_eq!(stored, vec![assessment]);
    assert!(
        store.case(case.id).await.unwrap().version > current.version,
        "changes on a case bump its version"
    );

    // Applicant invitation bound to the case.
    let invite = store
        .create_one_time_token(NewOneTimeToken {
            purpose: TokenPurpose::Invitation,
            user_id: None,
            case_id: Some(case.id),
            role: Some(Role::Applicant),
            expires_at: later(60 * 24),
        })
        .await
        .unwrap();
    assert!(matches!(
        store
            .consume_one_time_token(invite.expose(), TokenPurpose::Setup, Timestamp::now())
            .await,
        Err(StoreError::InvalidToken)
    ));
    let (applicant, _) = store
        .redeem_token_for_user(
            &Actor::system("192.0.2.1"),
            invite.expose(),
            TokenPurpose::Invitation,
            NewUser {
                email: "aigerim@example.kz".into(),
                display_name: "Aigerim".into(),
                role: Role::Adviser,
                password_hash: None,
                language: "ru".into(),
                firm_id: None,
            },
            Timestamp::now(),
        )
        .await
        .unwrap();
    assert_eq!(applicant.role, Role::Applicant);
    assert_eq!(
        store.case(case.id).await.unwrap().applicant_id,
        Some(applicant.id)
    );
    let own = store
        .list_cases(&CaseQuery {
            applicant_id: Some(applicant.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(own.cases.len(), 1);

    // Reminders: two "processes" claim concurrently; each reminder goes to exactly one.
    let other_process = Arc::new(h.second_handle(&store).await);
    let due = Timestamp::now() - SignedDuration::from_mins(1);
    let mut scheduled = HashSet::new();
    for i in 0..40 {
        let r = store
            .schedule_reminder(
                &by_adviser,
                NewReminder {
                    case_id: Some(case.id),
                    kind: "deadline".into(),
                    payload: json!({"n": i}),
                    due_at: due,
                },
            )
            .await
            .unwrap();
        scheduled.insert(r.id);
    }
    store
        .schedule_reminder(
            &by_adviser,
            NewReminder {
                case_id: Some(case.id),
                kind: "future".into(),
                payload: json!({}),
                due_at: later(600),
            },
        )
        .await
        .unwrap();
    let this_process = Arc::new(store.clone());
    let claimer = |s: Arc<SqlStore>, worker: &'static str| {
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = s
                    .claim_due_reminders(Timestamp::now(), worker, 3)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    break got;
                }
                assert!(
                    batch.len() <= 3,
                    "a claim never returns more than its limit"
                );
                for r in batch {
                    assert_eq!(r.claimed_by.as_deref(), Some(worker));
                    s.complete_reminder(r.id, worker, Timestamp::now())
                        .await
                        .unwrap();
                    got.push(r.id);
                }
            }
        })
    };
    let (x, y) = tokio::join!(
        claimer(this_process.clone(), "worker-a"),
        claimer(other_process.clone(), "worker-b")
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    let claimed: HashSet<Uuid> = x.iter().chain(y.iter()).copied().collect();
    assert_eq!(
        x.len() + y.len(),
        scheduled.len(),
        "no reminder claimed twice"
    );
    assert_eq!(claimed, scheduled, "every due reminder claimed");
    assert!(
        store
            .claim_due_reminders(Timestamp::now(), "worker-c", 10)
            .await
            .unwrap()
            .is_empty(),
        "future one not due"
    );
    assert!(matches!(
        store
            .complete_reminder(
                *scheduled.iter().next().unwrap(),
                "worker-c",
                Timestamp::now()
            )
            .await,
        Err(StoreError::NotFound { .. })
    ));
    // A worker that died after claiming: its claim can be given back.
    let orphan = store
        .schedule_reminder(
            &by_adviser,
            NewReminder {
                case_id: Some(case.id),
                kind: "deadline".into(),
                payload: json!({}),
                due_at: due,
            },
        )
        .await
        .unwrap();
    let claimed = other_process
        .claim_due_reminders(Timestamp::now(), "worker-dead", 10)
        .await
        .unwrap();
    assert_eq!(
        claimed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![orphan.id]
    );
    assert_eq!(
        store
            .release_stale_claims(Timestamp::now() - SignedDuration::from_mins(5))
            .await
            .unwrap(),
        0
    );
    assert_eq!(store.release_stale_claims(later(1)).await.unwrap(), 1);
    let again = store
        .claim_due_reminders(Timestamp::now(), "worker-a", 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    store
        .complete_reminder(orphan.id, "worker-a", Timestamp::now())
        .await
        .unwrap();
    other_process.close().await;

    // The audit log: every change recorded, ids and field names only; the chain verifies.
    let summary = store.verify_audit().await.unwrap();
    let records = store.audit_for_case(case.id).await.unwrap();
    let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
    for expected in [
        "case.create",
        "consultation.submit",
        "case.update",
        "document.request",
        "document.upload",
        "document.status",
        "document.delete",
        "note.add",
        "assessment.store",
        "reminder.schedule",
    ] {
        assert!(actions.contains(&expected), "{expected} audited");
    }
    let facts_edit = records
        .iter()
        .find(|r| r.fields.contains(&"facts".to_string()))
        .unwrap();
    assert_eq!(facts_edit.actor_id, Some(adviser.id));
    assert_eq!(facts_edit.origin, "10.0.0.7");
    let dump = serde_json::to_string(&records).unwrap();
    for secret in ["Aigerim", "study", "UZ", "expired", "Called", "+7 700"] {
        assert!(
            !dump.contains(secret),
            "personal value {secret:?} in the audit log"
        );
    }
    for r in &records {
        assert_eq!(audit::record_hash(r), r.hash);
    }

    // The log is append-only in the database itself…
    assert!(
        Harness::raw(&store, "UPDATE audit_log SET origin = 'x' WHERE seq = 3")
            .await
            .is_err()
    );
    assert!(
        Harness::raw(&store, "DELETE FROM audit_log WHERE seq = 3")
            .await
            .is_err()
    );
    // …and with the triggers dropped (someone with database access), tampering is detected.
    match backend {
        Backend::Sqlite => {
            Harness::raw(&store, "DROP TRIGGER audit_log_no_update")
                .await
                .unwrap();
            Harness::raw(&store, "DROP TRIGGER audit_log_no_delete")
                .await
                .unwrap();
        }
        Backend::Postgres => {
            Harness::raw(&store, "DROP TRIGGER audit_log_no_update ON audit_log")
                .await
                .unwrap();
        }
    }
    let original: String = sqlx::query_scalar("SELECT fields FROM audit_log WHERE seq = 5")
        .fetch_one(store.pool())
        .await
        .unwrap();
    Harness::raw(
        &store,
        "UPDATE audit_log SET fields = 'nothing' WHERE seq = 5",
    )
    .await
    .unwrap();
    let err = store.verify_audit().await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Integrity(m) if m.contains("record 5")),
        "{err}"
    );
    // Recomputing the edited record's own hash does not help: the next link breaks.
    Harness::raw(&store, "UPDATE audit_log SET hash = 'f00d' WHERE seq = 5")
        .await
        .unwrap();
    assert!(matches!(
        store.verify_audit().await,
        Err(StoreError::Integrity(_))
    ));
    let good_hash = records_hash(&store, 5).await;
    Harness::raw(
        &store,
        &format!("UPDATE audit_log SET fields = '{original}', hash = '{good_hash}' WHERE seq = 5"),
    )
    .await
    .unwrap();
    assert_eq!(store.verify_audit().await.unwrap(), summary, "restored");
    // A deleted record is detected too.
    let row = store
        .audit_for_case(case.id)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.seq > 3)
        .unwrap();
    Harness::raw(
        &store,
        &format!("DELETE FROM audit_log WHERE seq = {}", row.seq),
    )
    .await
    .unwrap();
    let err = store.verify_audit().await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Integrity(m) if m.contains("deleted")),
        "{err}"
    );
    reinsert_audit(&store, &row).await;
    assert_eq!(store.verify_audit().await.unwrap(), summary, "restored");

    // Backup and restore: logical export into a fresh store of the same backend…
    let mut dump = Vec::new();
    let exported = store.export(&mut dump).await.unwrap();
    assert_eq!(exported.files, 1);
    let restored = h.store().await;
    let imported = restored.import(&mut dump.as_slice()).await.unwrap();
    assert_eq!(imported, exported);
    assert_restored(&store, &restored, case.id, passport.id).await;
    assert!(
        restored.import(&mut dump.as_slice()).await.is_err(),
        "import only into an empty store"
    );
    let mut truncated = dump.clone();
    truncated.truncate(dump.len() / 2);
    let truncated_end = truncated.iter().rposition(|b| *b == b'\n').unwrap() + 1;
    truncated.truncate(truncated_end);
    let empty = h.store().await;
    assert!(
        empty.import(&mut truncated.as_slice()).await.is_err(),
        "truncated export refused"
    );
    assert_eq!(
        empty.count_users().await.unwrap(),
        0,
        "nothing half-imported"
    );
    // …and the export loads into the other backend as well (SQLite → SQLite here when
    // PostgreSQL is the main backend, and vice versa when a second harness is given).
    let mut sqlite_side = Harness::sqlite();
    let cross = sqlite_side.store().await;
    cross.import(&mut dump.as_slice()).await.unwrap();
    assert_restored(&store, &cross, case.id, passport.id).await;
    // SQLite online backup: the copy is a complete database.
    if backend == Backend::Sqlite {
        let target = h.dirs[0].path().join("backup").join("qonys.db");
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        store.backup_to(&target).await.unwrap();
        assert!(store.backup_to(&target).await.is_err(), "never overwrites");
        let restore_dir = h.dirs[0].path().join("restored");
        let copy = SqlStore::restore_sqlite_backup(&target, &restore_dir)
            .await
            .unwrap();
        assert_eq!(
            copy.verify_audit().await.unwrap(),
            store.verify_audit().await.unwrap()
        );
        assert_eq!(
            copy.case(case.id).await.unwrap(),
            store.case(case.id).await.unwrap()
        );
        assert!(
            SqlStore::restore_sqlite_backup(&target, &restore_dir)
                .await
                .is_err(),
            "never restores over a database"
        );
        copy.close().await;
    } else {
        assert!(matches!(
            store.backup_to(std::path::Path::new("/tmp/x")).await,
            Err(StoreError::Unsupported { .. })
        ));
    }

    // Deleting a case deletes its files and is audited.
    store.delete_case(&by_admin, case.id).await.unwrap();
    assert!(
        !store
            .files_dir()
            .join(doc.file.unwrap().stored_name)
            .exists()
    );
    assert!(matches!(
        store.case(case.id).await,
        Err(StoreError::NotFound { .. })
    ));
    store.verify_audit().await.unwrap();
    store.check_integrity().await.unwrap();
    store.close().await;
}

async fn records_hash(store: &SqlStore, seq: i64) -> String {
    // The hash the record had: the next record's prev_hash.
    sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT prev_hash FROM audit_log WHERE seq = {}",
        seq + 1
    )))
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn reinsert_audit(store: &SqlStore, r: &AuditRecord) {
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, origin, action, case_id, object_id, fields, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(r.seq)
    .bind(ts_text(r.at))
    .bind(r.actor_id.map(|u| u.to_string()))
    .bind(r.origin.clone())
    .bind(r.action.clone())
    .bind(r.case_id.map(|u| u.to_string()))
    .bind(r.object_id.map(|u| u.to_string()))
    .bind(r.fields.join(","))
    .bind(r.prev_hash.clone())
    .bind(r.hash.clone())
    .execute(store.pool())
    .await
    .unwrap();
}

async fn assert_restored(
    original: &SqlStore,
    restored: &SqlStore,
    case_id: Uuid,
    document_id: Uuid,
) {
    assert_eq!(
        restored.case(case_id).await.unwrap(),
        original.case(case_id).await.unwrap()
    );
    assert_eq!(
        restored.documents(case_id).await.unwrap(),
        original.documents(case_id).await.unwrap()
    );
    assert_eq!(
        restored
            .read_document_file(case_id, document_id)
            .await
            .unwrap(),
        original
            .read_document_file(case_id, document_id)
            .await
            .unwrap()
    );
    assert_eq!(
        restored.fact_history(case_id).await.unwrap(),
        original.fact_history(case_id).await.unwrap()
    );
    assert_eq!(
        restored.assessments(case_id).await.unwrap(),
        original.assessments(case_id).await.unwrap()
    );
    assert_eq!(
        restored.notes(case_id).await.unwrap(),
        original.notes(case_id).await.unwrap()
    );
    assert_eq!(
        restored.reminders(case_id).await.unwrap(),
        original.reminders(case_id).await.unwrap()
    );
    assert_eq!(
        restored.list_users(None).await.unwrap(),
        original.list_users(None).await.unwrap()
    );
    assert_eq!(
        restored.verify_audit().await.unwrap(),
        original.verify_audit().await.unwrap()
    );
    // The restored store keeps working: the chain continues.
    let admin = restored
        .list_users(Some(Role::Admin))
        .await
        .unwrap()
        .remove(0);
    restored
        .add_note(&Actor::user(admin.id, "cli"), case_id, "after restore")
        .await
        .unwrap();
    restored.verify_audit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn story_sqlite() {
    story(&mut Harness::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn story_postgres() {
    if let Some(mut h) = Harness::postgres().await {
        story(&mut h).await;
    }
}

// ------------------------------------------------------------------ SQLite only

#[tokio::test]
async fn sqlite_settings_are_read_back_and_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open(StoreOptions::sqlite_in(dir.path()))
        .await
        .unwrap();
    let s = store.sqlite_settings().await.unwrap();
    assert_eq!(s.journal_mode, "wal");
    assert_eq!(s.synchronous, 2, "FULL");
    assert_eq!(s.foreign_keys, 1);
    assert!(s.busy_timeout_ms >= 1000);
    store.close().await;

    // An in-memory database cannot be in WAL mode: refused, not silently accepted.
    let mem = StoreOptions {
        url: "sqlite::memory:".into(),
        files_dir: dir.path().join("m"),
        max_connections: 1,
        pg_schema: None,
    };
    match SqlStore::open(mem).await {
        Err(StoreError::Integrity(m)) => assert!(m.contains("journal_mode"), "{m}"),
        other => panic!("expected refusal, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
async fn case_list_uses_the_urgency_indexes_with_20000_cases() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open(StoreOptions::sqlite_in(dir.path()))
        .await
        .unwrap();
    let adviser = store
        .create_user(
            &Actor::system("cli"),
            NewUser {
                email: "a@example.kz".into(),
                display_name: "A".into(),
                role: Role::Adviser,
                password_hash: None,
                language: "en".into(),
                firm_id: None,
            },
        )
        .await
        .unwrap();
    let mut tx = store.pool().begin().await.unwrap();
    for i in 0..20_000i64 {
        let id = Uuid::now_v7().to_string();
        let deadline = if i % 3 == 0 {
            "9999-12-31".to_string()
        } else {
            format!("2027-{:02}-{:02}", i % 12 + 1, i % 28 + 1)
        };
        sqlx::query(
            "INSERT INTO cases (id, title, title_search, status, adviser_id, language, facts, history, urgency, next_deadline, \
             created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, 'en', '{}', '[]', $6, $7, $8, $8, 1)",
        )
        .bind(id)
        .bind(format!("Case {i}"))
        .bind(format!("case {i}"))
        .bind(["new", "open", "waiting", "closed"][(i % 4) as usize])
        .bind(if i % 10 == 0 { Some(adviser.id.to_string()) } else { None })
        .bind(i % 97)
        .bind(deadline)
        .bind("2026-11-25T00:00:00.000000Z")
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();

    let queries = [
        (CaseQuery::default(), "cases_by_urgency"),
        (
            CaseQuery {
                offset: 5000,
                ..Default::default()
            },
            "cases_by_urgency",
        ),
        (
            CaseQuery {
                status: Some("open".into()),
                ..Default::default()
            },
            "cases_by_status_urgency",
        ),
        (
            CaseQuery {
                adviser_id: Some(adviser.id),
                ..Default::default()
            },
            "cases_by_adviser_urgency",
        ),
        (
            CaseQuery {
                title_contains: Some("case 19".into()),
                ..Default::default()
            },
            "cases_by_urgency",
        ),
    ];
    for (q, index) in queries {
        let plan = store.explain_case_list(&q).await.unwrap().join(" | ");
        assert!(plan.contains(index), "{q:?} should use {index}: {plan}");
        assert!(
            !plan.contains("TEMP B-TREE"),
            "{q:?} sorts without an index: {plan}"
        );
        let start = std::time::Instant::now();
        let page = store.list_cases(&q).await.unwrap();
        eprintln!(
            "{index}: {} rows in {:?} — {plan}",
            page.cases.len(),
            start.elapsed()
        );
        assert!(!page.cases.is_empty());
        assert!(page.cases.windows(2).all(|w| w[0].urgency >= w[1].urgency));
    }
    let top = store.list_cases(&CaseQuery::default()).await.unwrap();
    assert_eq!(top.cases[0].urgency, 96);
    assert!(top.has_more);
}

#[tokio::test]
async fn audit_chain_survives_concurrent_writers() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqlStore::open(StoreOptions::sqlite_in(dir.path()))
            .await
            .unwrap(),
    );
    let mut tasks = Vec::new();
    for w in 0..4 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let actor = Actor::system(format!("w{w}"));
            for i in 0..10 {
                let c = s
                    .create_case(
                        &actor,
                        NewCase {
                            title: format!("t{i}"),
                            status: "new".into(),
                            language: "en".into(),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                s.add_note(&actor, c.id, "n").await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(store.verify_audit().await.unwrap().records, 80);
}

// ------------------------------------------------------------------ crash safety

const CRASH_CHILD_ENV: &str = "QONYS_STORE_CRASH_CHILD_DIR";

/// Child side of `sqlite_survives_sigkill_during_writes`: does nothing unless started by
/// it. Writes cases (create, then a facts edit, then a note) and prints `ACK <id>
/// <version>` after each acknowledged write, until it is killed.
#[tokio::test]
async fn crash_writer_child() {
    let Ok(dir) = std::env::var(CRASH_CHILD_ENV) else {
        return;
    };
    use std::io::Write;
    let store = SqlStore::open(StoreOptions::sqlite_in(std::path::Path::new(&dir)))
        .await
        .unwrap();
    let actor = Actor::system("crash-test");
    let mut out = std::io::stdout();
    for i in 0.. {
        let case = store
            .create_case(
                &actor,
                NewCase {
                    title: format!("crash {i}"),
                    status: "new".into(),
                    language: "en".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        writeln!(out, "ACK {} 1", case.id).unwrap();
        out.flush().unwrap();
        let case = store
            .update_case(
                &actor,
                case.id,
                1,
                CaseChange {
                    facts: Some(json!({"i": i})),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        writeln!(out, "ACK {} {}", case.id, case.version).unwrap();
        out.flush().unwrap();
        store.add_note(&actor, case.id, "n").await.unwrap();
        writeln!(out, "ACK {} {}", case.id, case.version + 1).unwrap();
        out.flush().unwrap();
    }
}

/// Kills a writing process with SIGKILL at random moments, restarts, and checks that
/// every acknowledged write is there, nothing is half-written, and the database and the
/// audit chain check out.
#[tokio::test]
async fn sqlite_survives_sigkill_during_writes() {
    use rand::Rng;
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut acked: std::collections::HashMap<Uuid, i64> = Default::default();
    let rounds = 6;
    for round in 0..rounds {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_writer_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CRASH_CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("ACK ") {
                    lines.push(rest.to_string());
                }
            }
            lines
        });
        // Wait for the first acknowledgement, then a random moment, then SIGKILL.
        let wait = rand::rng().random_range(150..700);
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            let mut parts = line.split(' ');
            let id: Uuid = parts.next().unwrap().parse().unwrap();
            let version: i64 = parts.next().unwrap().parse().unwrap();
            let e = acked.entry(id).or_default();
            *e = (*e).max(version);
        }

        let store = SqlStore::open(StoreOptions::sqlite_in(dir.path()))
            .await
            .unwrap();
        store.check_integrity().await.unwrap();
        store.verify_audit().await.unwrap();
        for (id, version) in &acked {
            let case = store
                .case(*id)
                .await
                .unwrap_or_else(|e| panic!("round {round}: acknowledged case lost: {e}"));
            assert!(
                case.version >= *version,
                "round {round}: acknowledged version lost"
            );
        }
        // Nothing half-written: every stored case has its whole history and audit trail.
        let page = store
            .list_cases(&CaseQuery {
                limit: 500,
                ..Default::default()
            })
            .await
            .unwrap();
        for c in &page.cases {
            let case = store.case(c.id).await.unwrap();
            let facts = store.fact_history(c.id).await.unwrap();
            let notes = store.notes(c.id).await.unwrap();
            let audit = store.audit_for_case(c.id).await.unwrap();
            assert_eq!(
                facts.last().unwrap().version,
                case.version - notes.len() as i64
            );
            assert_eq!(
                audit.len() as i64,
                case.version,
                "one audit record per change"
            );
        }
        store.close().await;
    }
    assert!(
        acked.len() >= rounds,
        "the writer made progress ({} cases acknowledged)",
        acked.len()
    );
    eprintln!("{} acknowledged cases over {rounds} kills", acked.len());
}
