//! The operations commands as an operator runs them, on SQLite always and on PostgreSQL when
//! it is reachable (required when `QONYS_REQUIRE_POSTGRES=1`):
//!
//! - `qonys audit verify` passes on an intact chain and fails, naming the record, after a
//!   record was edited or deleted behind the store's back (the append-only triggers
//!   dropped or disabled first, as an attacker with database access would);
//! - `qonys backup` of a live store (open, and on SQLite written to while the backup runs)
//!   and `qonys restore` into a fresh place give back every row and every document byte,
//!   with a verifying audit chain; restore refuses a non-empty target and a damaged backup.
//!
//! PostgreSQL: `QONYS_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! every test schema is fresh and dropped afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use qonys_store::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Connection, Executor};
use uuid::Uuid;

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `qonys` with these arguments (no database settings inherited from the caller).
fn qonys<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args(args)
        .env_remove("QONYS_DATABASE_URL")
        .env_remove("QONYS_DATABASE_SCHEMA")
        .output()
        .expect("qonys runs")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

// ------------------------------------------------------------------ targets

/// Where a store lives, as command-line flags and as store options.
struct Place {
    dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl Place {
    fn sqlite() -> Place {
        Place {
            dir: tempfile::tempdir().expect("temp dir"),
            pg: None,
        }
    }

    /// A fresh schema name (not created: `--database-schema` creates it).
    fn postgres(url: &str) -> Place {
        Place {
            dir: tempfile::tempdir().expect("temp dir"),
            pg: Some((
                url.to_string(),
                format!("qonys_t_{}", Uuid::new_v4().simple()),
            )),
        }
    }

    fn args(&self) -> Vec<String> {
        let mut a = vec![
            "--data-dir".to_string(),
            self.dir.path().display().to_string(),
        ];
        if let Some((url, schema)) = &self.pg {
            a.extend([
                "--database".into(),
                url.clone(),
                "--database-schema".into(),
                schema.clone(),
            ]);
        }
        a
    }

    fn options(&self) -> StoreOptions {
        match &self.pg {
            Some((url, schema)) => {
                let mut o = StoreOptions::postgres(url, &self.dir.path().join("documents"));
                o.pg_schema = Some(schema.clone());
                o
            }
            None => StoreOptions::sqlite_in(self.dir.path()),
        }
    }

    async fn open(&self) -> SqlStore {
        SqlStore::open(self.options()).await.expect("store opens")
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Some((url, schema)) = &self.pg {
            let (url, schema) = (url.clone(), schema.clone());
            let _ = std::thread::spawn(move || {
                rt().block_on(async {
                    if let Ok(mut c) = sqlx::AnyConnection::connect(&url).await {
                        let _ = c
                            .execute(AssertSqlSafe(format!(
                                "DROP SCHEMA IF EXISTS {schema} CASCADE"
                            )))
                            .await;
                    }
                })
            })
            .join();
        }
    }
}

/// The PostgreSQL URL, or `None` with a notice when unreachable and not required.
fn postgres_url() -> Option<String> {
    let url =
        std::env::var("QONYS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string());
    let required = std::env::var("QONYS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    sqlx::any::install_default_drivers();
    let probe = rt().block_on(async {
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            sqlx::AnyConnection::connect(&url),
        )
        .await
    });
    match probe {
        Ok(Ok(_)) => Some(url),
        _ if required => panic!("QONYS_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable"),
        _ => {
            eprintln!(
                "NOTICE: PostgreSQL unreachable; PostgreSQL part skipped. Set QONYS_REQUIRE_POSTGRES=1 to fail instead."
            );
            None
        }
    }
}

// ------------------------------------------------------------------ data

fn upload(bytes: &[u8]) -> FileUpload {
    FileUpload {
        content_type: "application/pdf".into(),
        size: bytes.len() as i64,
        sha256: hex::encode(Sha256::digest(bytes)),
    }
}

/// Bytes that differ per call and are not valid UTF-8 (as ciphertext is not).
fn blob(tag: u32, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).wrapping_add(tag) as u8 | 0x80)
        .collect()
}

/// Users, a firm, cases with documents (one replaced, one deleted), notes, an assessment,
/// a consultation request and a reminder: every table gets rows and the audit chain grows.
async fn populate(s: &SqlStore, tag: u32) {
    let admin = Actor::system("ops-test");
    let firm = s.create_firm(&admin, "Firm").await.expect("firm");
    let adviser = s
        .create_user(
            &admin,
            NewUser {
                email: format!("adviser{tag}@example.kz"),
                display_name: "Adviser".into(),
                role: Role::Adviser,
                password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$x$y".into()),
                language: "ru".into(),
                firm_id: Some(firm.id),
            },
        )
        .await
        .expect("user");
    let actor = Actor::user(adviser.id, "ops-test");
    for i in 0..3u32 {
        let case = s
            .create_case(
                &actor,
                NewCase {
                    title: format!("Case {tag}-{i} Әлия"),
                    status: "new".into(),
                    adviser_id: Some(adviser.id),
                    firm_id: Some(firm.id),
                    language: "kk".into(),
                    facts: json!({"citizenship": "DE", "purposes": ["work"]}),
                    ..Default::default()
                },
            )
            .await
            .expect("case");
        s.update_case(
            &actor,
            case.id,
            case.version,
            CaseChange {
                facts: Some(json!({"citizenship": "DE", "purposes": ["work"], "i": i})),
                ..Default::default()
            },
        )
        .await
        .expect("update");
        for k in 0..3u32 {
            let d = s
                .request_document(&actor, case.id, "passport")
                .await
                .expect("document");
            let bytes = blob(tag * 100 + i * 10 + k, 3000 + (k as usize) * 777);
            s.attach_document_file(&actor, case.id, d.id, upload(&bytes), &bytes)
                .await
                .expect("attach");
            if k == 1 {
                let again = blob(tag * 100 + i * 10 + k + 50, 1234);
                s.attach_document_file(&actor, case.id, d.id, upload(&again), &again)
                    .await
                    .expect("replace");
            }
            if k == 2 {
                s.delete_document(&actor, case.id, d.id)
                    .await
                    .expect("delete");
            }
        }
        s.add_note(&actor, case.id, &format!("note {i}: позвонить"))
            .await
            .expect("note");
        s.store_assessment(
            &actor,
            NewAssessment {
                case_id: case.id,
                pack_id: "kz".into(),
                pack_version: "1".into(),
                as_of: jiff::civil::date(2026, 6, 1),
                facts: json!({"citizenship": "DE"}),
                report: json!({"routes": []}),
            },
        )
        .await
        .expect("assessment");
        s.schedule_reminder(
            &actor,
            NewReminder {
                case_id: Some(case.id),
                kind: "deadline".into(),
                payload: json!({"i": i}),
                due_at: jiff::Timestamp::from_second(1_800_000_000).expect("ts"),
            },
        )
        .await
        .expect("reminder");
    }
    s.submit_consultation(
        &Actor::system("public-finder"),
        NewConsultation {
            idempotency_key: format!("key{tag}0123456789abcdef"),
            name: "Aigerim".into(),
            contact: "+7 700 000 00 00".into(),
            language: "ru".into(),
            message: "hello".into(),
            answers: json!({"stay_goal": "temporary"}),
            case_title: "Aigerim".into(),
            case_status: "new".into(),
            urgency: 0,
        },
    )
    .await
    .expect("consultation");
}

/// The store's logical export without its header line, sorted: every row of every table
/// and every document file's bytes (base64), comparable across backends.
async fn contents(s: &SqlStore) -> Vec<String> {
    let mut out = Vec::new();
    s.export(&mut out).await.expect("export");
    let mut lines: Vec<String> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

fn count_files(lines: &[String]) -> usize {
    lines
        .iter()
        .filter(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .is_ok_and(|v| v.get("file").is_some_and(|f| f.is_string()))
        })
        .count()
}

// ------------------------------------------------------------------ audit verify

/// Tampers with one audit record (`edit` or `delete` of `seq`) behind the store's back.
async fn tamper(s: &SqlStore, delete: bool, seq: i64) {
    let pg = s.backend() == Backend::Postgres;
    let sql = match (pg, delete) {
        (false, false) => vec![
            "DROP TRIGGER audit_log_no_update".to_string(),
            format!("UPDATE audit_log SET action = 'case.read' WHERE seq = {seq}"),
        ],
        (false, true) => vec![
            "DROP TRIGGER audit_log_no_delete".to_string(),
            format!("DELETE FROM audit_log WHERE seq = {seq}"),
        ],
        (true, false) => vec![
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update".to_string(),
            format!("UPDATE audit_log SET origin = 'elsewhere' WHERE seq = {seq}"),
        ],
        (true, true) => vec![
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update".to_string(),
            format!("DELETE FROM audit_log WHERE seq = {seq}"),
        ],
    };
    for q in sql {
        let r = s.pool().execute(AssertSqlSafe(q.clone())).await;
        assert!(r.is_ok(), "{q}: {r:?}");
    }
}

fn audit_verify_story(make: &dyn Fn() -> Place) {
    for (delete, seq) in [(false, 5), (true, 7)] {
        let place = make();
        let records = rt().block_on(async {
            let s = place.open().await;
            populate(&s, 1).await;
            let n = s.verify_audit().await.expect("intact").records;
            s.close().await;
            n
        });
        assert!(records > 20, "{records}");
        let mut args = vec!["audit".to_string(), "verify".to_string()];
        args.extend(place.args());
        let ok = qonys(&args);
        assert!(ok.status.success(), "{}", text(&ok));
        let out = String::from_utf8_lossy(&ok.stdout).into_owned();
        assert!(out.contains(&format!("{records} records checked")), "{out}");
        assert!(out.contains("head hash "), "{out}");

        rt().block_on(async {
            let s = place.open().await;
            tamper(&s, delete, seq).await;
            s.close().await;
        });
        let broken = qonys(&args);
        assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
        let out = String::from_utf8_lossy(&broken.stdout).into_owned();
        assert!(out.contains("BROKEN"), "{out}");
        assert!(out.contains(&format!("audit record {seq}")), "{out}");
        let why = if delete { "deleted" } else { "edited" };
        assert!(out.contains(why), "{out}");
    }
}

#[test]
fn audit_verify_detects_an_edited_or_deleted_record_on_sqlite() {
    audit_verify_story(&Place::sqlite);
}

#[test]
fn audit_verify_detects_an_edited_or_deleted_record_on_postgres() {
    let Some(url) = postgres_url() else { return };
    audit_verify_story(&|| Place::postgres(&url));
}

// ------------------------------------------------------------------ backup and restore

fn backup(from: &Place, out: &Path) -> Output {
    let mut args = vec![
        "backup".to_string(),
        "--out".to_string(),
        out.display().to_string(),
    ];
    args.extend(from.args());
    qonys(&args)
}

fn restore(backup: &Path, into: &Place, force: bool) -> Output {
    let mut args = vec!["restore".to_string(), backup.display().to_string()];
    args.extend(into.args());
    if force {
        args.push("--force".into());
    }
    qonys(&args)
}

/// Backs up `source` while a store handle on it is open, writes more afterwards, restores
/// into `target`, and expects exactly the contents at backup time.
fn round_trip(source: &Place, target: &Place, backups: &Path) -> PathBuf {
    let runtime = rt();
    let store = runtime.block_on(async {
        let s = source.open().await;
        populate(&s, 7).await;
        s
    });
    let before = runtime.block_on(contents(&store));
    assert_eq!(count_files(&before), 6, "two live files per case");
    let head = runtime.block_on(store.verify_audit()).expect("intact");

    let out = backups.join(format!("backup-{}", Uuid::new_v4().simple()));
    let made = backup(source, &out);
    assert!(made.status.success(), "{}", text(&made));
    assert!(out.join("MANIFEST.json").is_file());
    // Writes after the backup are not in it.
    runtime.block_on(populate(&store, 8));

    let done = restore(&out, target, false);
    assert!(done.status.success(), "{}", text(&done));
    let said = String::from_utf8_lossy(&done.stdout).into_owned();
    assert!(said.contains(&head.head_hash), "{said}");
    runtime.block_on(async {
        let r = target.open().await;
        assert_eq!(contents(&r).await, before, "restored rows and files differ");
        let audit = r.verify_audit().await.expect("restored chain verifies");
        assert_eq!(audit, head);
        r.check_integrity().await.expect("integrity");
        r.close().await;
        store.close().await;
    });
    out
}

#[test]
fn backup_and_restore_round_trip_on_sqlite() {
    let backups = tempfile::tempdir().expect("temp dir");
    let source = Place::sqlite();
    let target = Place::sqlite();
    let out = round_trip(&source, &target, backups.path());
    assert!(out.join("qonys.db").is_file());
    assert!(out.join("documents").is_dir());

    // A second restore into the same folder is refused and changes nothing…
    let again = restore(&out, &target, false);
    assert!(!again.status.success(), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("--force"),
        "{}",
        text(&again)
    );
    // …and with --force moves the old data aside rather than deleting it.
    let forced = restore(&out, &target, true);
    assert!(forced.status.success(), "{}", text(&forced));
    let aside: Vec<PathBuf> = std::fs::read_dir(target.dir.path())
        .expect("read")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("replaced-"))
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(aside[0].join("qonys.db").is_file());
    assert!(aside[0].join("documents").is_dir());

    // A damaged document file in the backup is found before anything is written.
    let doc = std::fs::read_dir(out.join("documents"))
        .expect("documents")
        .flatten()
        .next()
        .expect("a document file")
        .path();
    let mut bytes = std::fs::read(&doc).expect("read");
    bytes[10] ^= 1;
    std::fs::write(&doc, bytes).expect("write");
    let fresh = Place::sqlite();
    let refused = restore(&out, &fresh, false);
    assert!(!refused.status.success(), "{}", text(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("damaged"),
        "{}",
        text(&refused)
    );
    assert!(!fresh.dir.path().join("qonys.db").exists());

    // An existing backup folder is never overwritten.
    let over = backup(&source, &out);
    assert!(!over.status.success(), "{}", text(&over));
}

#[test]
fn backup_while_the_store_is_written_to_is_consistent_on_sqlite() {
    let backups = tempfile::tempdir().expect("temp dir");
    let source = Place::sqlite();
    let runtime = rt();
    let store = runtime.block_on(async {
        let s = source.open().await;
        populate(&s, 3).await;
        s
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        let handle = runtime.handle().clone();
        std::thread::spawn(move || {
            handle.block_on(async {
                let mut n = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // Replacing files makes the store delete the old ones while the
                    // backup copies: the backup must still hold every file it names.
                    populate(&store, 1000 + n).await;
                    n += 1;
                }
                n
            })
        })
    };
    let mut outs = Vec::new();
    for i in 0..3 {
        let out = backups.path().join(format!("live-{i}"));
        let made = backup(&source, &out);
        assert!(made.status.success(), "{}", text(&made));
        outs.push(out);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = writer.join().expect("writer");
    assert!(rounds >= 1);
    for out in outs {
        let target = Place::sqlite();
        let done = restore(&out, &target, false);
        assert!(done.status.success(), "{}", text(&done));
        runtime.block_on(async {
            let r = target.open().await;
            r.verify_audit().await.expect("chain verifies");
            let lines = contents(&r).await;
            let rows = lines
                .iter()
                .filter(|l| l.contains("\"table\":\"documents\""))
                .filter(|l| l.contains("\"stored_name\":\""))
                .count();
            assert_eq!(rows, count_files(&lines), "every document row has its file");
            r.close().await;
        });
    }
    runtime.block_on(store.close());
}

#[test]
fn backup_and_restore_round_trip_on_postgres() {
    let Some(url) = postgres_url() else { return };
    let backups = tempfile::tempdir().expect("temp dir");
    let source = Place::postgres(&url);
    let target = Place::postgres(&url);
    let out = round_trip(&source, &target, backups.path());
    assert!(out.join("export.jsonl").is_file());

    // The target is no longer empty: refused, and --force is refused on PostgreSQL.
    let again = restore(&out, &target, false);
    assert!(!again.status.success(), "{}", text(&again));
    let forced = restore(&out, &target, true);
    assert!(!forced.status.success(), "{}", text(&forced));
    assert!(
        String::from_utf8_lossy(&forced.stderr).contains("new, empty schema"),
        "{}",
        text(&forced)
    );

    // A PostgreSQL backup restores into a SQLite data folder with the same contents.
    let sqlite = Place::sqlite();
    let done = restore(&out, &sqlite, false);
    assert!(done.status.success(), "{}", text(&done));
    rt().block_on(async {
        let (a, b) = (target.open().await, sqlite.open().await);
        assert_eq!(contents(&a).await, contents(&b).await);
        a.close().await;
        b.close().await;
    });
}

#[test]
fn a_sqlite_backup_restores_into_postgres() {
    let Some(url) = postgres_url() else { return };
    let backups = tempfile::tempdir().expect("temp dir");
    let source = Place::sqlite();
    let target = Place::postgres(&url);
    round_trip(&source, &target, backups.path());
}
