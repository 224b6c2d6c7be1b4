//! Crash safety through the server: `qonys serve` on a SQLite data folder is driven with
//! consultation requests over HTTP by several clients and killed with SIGKILL at random
//! moments, many times, restarting on the same folder each time. Afterwards every request
//! the server acknowledged (its "received" page with a reference) is stored exactly once
//! with that reference, every stored request has its case and audit record (nothing
//! half-written), SQLite's integrity check is `ok` and the audit chain verifies.
//!
//! Clients also resend keys that were acknowledged in earlier rounds (a retry after a
//! crash): the answer must name the first reference, never a second case.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod support;

use qonys_store::{SqlStore, Store, StoreOptions};
use sqlx::Row;
use support::form;

const ROUNDS: usize = 15;
const CLIENTS: usize = 3;
const ANSWERS: &str = r#"[["stay_goal","temporary"],["purposes",["work"]],["citizenship","DE"]]"#;

/// A small xorshift generator seeded from the clock (the seed is printed for replay).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn start(data_dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--as-of",
            "2026-06-01",
            "--data-dir",
        ])
        .arg(data_dir)
        .env_remove("QONYS_DATABASE_URL")
        .env_remove("QONYS_DATABASE_SCHEMA")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("qonys serve starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("the address line");
    // Keep reading what the server prints later (the setup link): a closed pipe would
    // make its next line fail.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let addr = line
        .trim()
        .strip_prefix("qonys listening on http://")
        .unwrap_or_else(|| panic!("the server did not start after a crash: {line:?}"))
        .to_string();
    (child, addr)
}

/// Posts one consultation request; `Some(reference)` only for a complete "received" page.
fn submit(addr: &str, key: &str) -> Option<String> {
    let body = form(&[
        ("answers", ANSWERS),
        ("key", key),
        ("name", &format!("Crash Test {key}")),
        ("contact", "crash@example.kz"),
        ("language", "en"),
        ("message", "kill me"),
    ]);
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let req = format!(
        "POST /consultation HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nsec-fetch-site: same-origin\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let (head, page) = text.split_once("\r\n\r\n")?;
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    if status != 200 && status != 303 {
        return None;
    }
    let at = page.find("id=\"reference\">")? + "id=\"reference\">".len();
    let end = page[at..].find('<')?;
    let reference = page[at..at + end].trim().to_string();
    // A truncated page (killed mid-body) is not an acknowledgement.
    page.contains("</html>").then_some(reference)
}

#[derive(Default)]
struct Ledger {
    /// key → reference, for every acknowledged request.
    acked: BTreeMap<String, String>,
    /// Keys sent without an acknowledgement (the server may or may not have stored them).
    unacked: BTreeSet<String>,
}

#[test]
fn acknowledged_requests_survive_repeated_sigkill() {
    let data = tempfile::tempdir().expect("temp dir");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let counter = Arc::new(AtomicU64::new(0));
    let began = Instant::now();
    let mut retries_checked = 0usize;

    for round in 0..ROUNDS {
        let (mut child, addr) = start(data.path());
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (addr, stop, ledger, counter) =
                    (addr.clone(), stop.clone(), ledger.clone(), counter.clone());
                let mut rng = Rng(seed ^ (((round * CLIENTS + c) as u64 + 1) * 0x9E37_79B9));
                std::thread::spawn(move || {
                    let mut retried = 0usize;
                    while !stop.load(Ordering::Relaxed) {
                        // One in five sends an earlier acknowledged key again.
                        let old = if rng.below(5) == 0 {
                            let l = ledger.lock().expect("ledger");
                            let n = l.acked.len();
                            (n > 0)
                                .then(|| {
                                    let i = rng.below(n as u64) as usize;
                                    l.acked.iter().nth(i).map(|(k, r)| (k.clone(), r.clone()))
                                })
                                .flatten()
                        } else {
                            None
                        };
                        if let Some((key, reference)) = old {
                            if let Some(again) = submit(&addr, &key) {
                                assert_eq!(
                                    again, reference,
                                    "a resent key {key} made a second case"
                                );
                                retried += 1;
                            }
                            continue;
                        }
                        let n = counter.fetch_add(1, Ordering::Relaxed);
                        let key = format!("crash{n:012}x{}", seed % 100_000);
                        let answer = submit(&addr, &key);
                        if answer.is_none() {
                            // Killed (or not yet answering): do not spin.
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        let mut l = ledger.lock().expect("ledger");
                        match answer {
                            Some(reference) => {
                                l.acked.insert(key, reference);
                            }
                            None => {
                                l.unacked.insert(key);
                            }
                        }
                    }
                    retried
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(80 + rng.below(600)));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            retries_checked += c.join().expect("client thread");
        }
    }
    let l = ledger.lock().expect("ledger");
    eprintln!(
        "{ROUNDS} kills in {:?}: {} acknowledged, {} unacknowledged, {retries_checked} retries checked",
        began.elapsed(),
        l.acked.len(),
        l.unacked.len()
    );
    assert!(
        l.acked.len() >= ROUNDS,
        "too few writes were acknowledged to mean anything: {}",
        l.acked.len()
    );

    // The server starts once more on the crashed folder and still answers.
    let (mut child, addr) = start(data.path());
    let (first_key, first_ref) = l.acked.iter().next().expect("one acknowledged");
    assert_eq!(
        submit(&addr, first_key).as_deref(),
        Some(first_ref.as_str())
    );
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let store = SqlStore::open(StoreOptions::sqlite_in(data.path()))
                .await
                .expect("the crashed database opens");
            let settings = store.sqlite_settings().await.expect("settings");
            assert_eq!(settings.journal_mode, "wal");
            assert_eq!(settings.synchronous, 2);
            let check: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(store.pool())
                .await
                .expect("integrity_check runs");
            assert_eq!(check, "ok");
            store
                .check_integrity()
                .await
                .expect("integrity and foreign keys");
            let audit = store
                .verify_audit()
                .await
                .expect("the audit chain verifies");

            let rows = sqlx::query(
                "SELECT r.idempotency_key AS k, r.case_id AS c, \
                 (SELECT COUNT(*) FROM cases WHERE id = r.case_id) AS cases, \
                 (SELECT COUNT(*) FROM audit_log WHERE case_id = r.case_id) AS audits \
                 FROM consultation_requests r",
            )
            .fetch_all(store.pool())
            .await
            .expect("requests");
            let mut stored: BTreeMap<String, String> = BTreeMap::new();
            for r in &rows {
                let key: String = r.get("k");
                let case_id: String = r.get("c");
                let cases: i64 = r.get("cases");
                let audits: i64 = r.get("audits");
                assert_eq!(cases, 1, "request {key} without its case");
                assert!(audits >= 1, "request {key} without its audit record");
                let simple = case_id.replace('-', "");
                let reference = simple[simple.len() - 8..].to_uppercase();
                assert!(
                    stored.insert(key.clone(), reference).is_none(),
                    "key {key} stored twice"
                );
            }
            for (key, reference) in &l.acked {
                assert_eq!(
                    stored.get(key),
                    Some(reference),
                    "acknowledged request {key} lost or changed"
                );
            }
            for key in stored.keys() {
                assert!(
                    l.acked.contains_key(key) || l.unacked.contains(key),
                    "a request nobody sent: {key}"
                );
            }
            let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
                .fetch_one(store.pool())
                .await
                .expect("cases");
            assert_eq!(cases as usize, stored.len(), "a case without its request");
            assert!(audit.records as usize >= stored.len());
            store.close().await;
        });
    let leftovers: Vec<_> = std::fs::read_dir(data.path().join("documents"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(
        leftovers
            .iter()
            .all(|p| p.extension().is_none_or(|x| x != "tmp")),
        "{leftovers:?}"
    );
}
