//! Deadline reminders are mailed exactly once with two `qonys serve` processes on one
//! PostgreSQL schema: a local SMTP sink (a small TcpListener speaking enough SMTP) records
//! every message; 40 cases, each with an adviser and an applicant, get a reminder due now;
//! both servers' workers compete for them while the sink answers slowly and turns the first
//! few transactions away with a temporary failure (so reminders are given back and retried).
//! Every case's adviser and applicant must get exactly one mail each, in their own language,
//! none twice and none lost, both workers must have taken part, and the servers' logs must
//! hold no address or name.
//!
//! PostgreSQL: `QONYS_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! skipped with a notice when unreachable, unless `QONYS_REQUIRE_POSTGRES=1`. The test's
//! schema is dropped afterwards.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use qonys_notify::{DeadlinePayload, kazakhstan_date, upcoming_deadlines};
use qonys_store::{Actor, NewCase, NewReminder, NewUser, Role, SqlStore, Store, StoreOptions, now};
use serde_json::json;
use sqlx::{AssertSqlSafe, Connection, Executor};

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const CASES: usize = 40;
/// Transactions the sink refuses with `451` before it accepts mail.
const REFUSE_FIRST: usize = 5;

// ------------------------------------------------------------------ SMTP sink

/// One message the sink accepted.
#[derive(Debug, Clone)]
struct Received {
    rcpt: Vec<String>,
    data: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .split("\r\n\r\n")
            .next()?
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    }
}

#[derive(Default)]
struct SinkState {
    messages: Vec<Received>,
    refused: usize,
}

/// Starts the sink on a free loopback port; returns the port and what it received.
fn start_sink() -> (u16, Arc<Mutex<SinkState>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = Arc::new(Mutex::new(SinkState::default()));
    let st = state.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let st = st.clone();
            std::thread::spawn(move || {
                let _ = session(stream, &st);
            });
        }
    });
    (port, state)
}

/// One SMTP session: 220, EHLO/HELO 250, MAIL/RCPT 250, DATA 354 … `.` 250, QUIT 221.
fn session(stream: TcpStream, state: &Mutex<SinkState>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut w = stream;
    w.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut rcpt: Vec<String> = Vec::new();
    let mut in_mail = false;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.trim_end().to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            w.write_all(b"250-sink.test\r\n250 8BITMIME\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            let refuse = {
                let mut s = state.lock().unwrap();
                if s.refused < REFUSE_FIRST {
                    s.refused += 1;
                    true
                } else {
                    false
                }
            };
            if refuse {
                w.write_all(b"451 4.3.0 try again later\r\n")?;
            } else {
                in_mail = true;
                rcpt.clear();
                w.write_all(b"250 2.1.0 ok\r\n")?;
            }
        } else if upper.starts_with("RCPT TO:") {
            let addr = line
                .split_once('<')
                .and_then(|(_, r)| r.split_once('>'))
                .map(|(a, _)| a.to_ascii_lowercase())
                .unwrap_or_default();
            rcpt.push(addr);
            w.write_all(b"250 2.1.5 ok\r\n")?;
        } else if upper == "DATA" && in_mail && !rcpt.is_empty() {
            w.write_all(b"354 go ahead\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            // A slow server: both workers get to claim while the other is sending.
            std::thread::sleep(Duration::from_millis(40));
            state.lock().unwrap().messages.push(Received {
                rcpt: std::mem::take(&mut rcpt),
                data,
            });
            in_mail = false;
            w.write_all(b"250 2.0.0 queued\r\n")?;
        } else if upper == "RSET" {
            in_mail = false;
            rcpt.clear();
            w.write_all(b"250 ok\r\n")?;
        } else if upper == "NOOP" {
            w.write_all(b"250 ok\r\n")?;
        } else if upper == "QUIT" {
            w.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            w.write_all(b"500 unknown command\r\n")?;
        }
    }
}

// ------------------------------------------------------------------ servers

/// A running `qonys serve`, killed on drop.
struct Server {
    child: Child,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(dir: &std::path::Path, pg_url: &str, schema: &str, smtp_port: u16) -> Server {
    let log = dir.join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .args(["--database", pg_url, "--database-schema", schema])
        .args(["--smtp", &format!("127.0.0.1:{smtp_port}")])
        .args(["--mail-from", "qonys <noreply@qonys.test>"])
        .args(["--reminder-interval", "1"])
        .env("QONYS_LOG", "info,sqlx=warn,qonys_notify=debug")
        .env_remove("QONYS_SMTP")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // Wait for "qonys listening on http://…".
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(l)) = lines.next() {
            if l.contains("listening on") {
                let _ = tx.send(());
            }
        }
    });
    let server = Server { child, log };
    if rx.recv_timeout(Duration::from_secs(60)).is_err() {
        panic!(
            "qonys serve did not start:\n{}",
            std::fs::read_to_string(&server.log).unwrap_or_default()
        );
    }
    server
}

// ------------------------------------------------------------------ test

/// The schema is dropped however the test ends.
struct Schema {
    url: String,
    name: String,
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::AnyConnection::connect(&url).await {
                    let _ = conn
                        .execute(AssertSqlSafe(format!("DROP SCHEMA {name} CASCADE")))
                        .await;
                }
            });
        })
        .join();
    }
}

async fn postgres_url() -> Option<String> {
    let url =
        std::env::var("QONYS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string());
    let required = std::env::var("QONYS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    sqlx::any::install_default_drivers();
    match tokio::time::timeout(Duration::from_secs(10), sqlx::AnyConnection::connect(&url)).await {
        Ok(Ok(c)) => {
            let _ = c.close().await;
            Some(url)
        }
        Ok(Err(e)) if !required => {
            eprintln!(
                "NOTICE: PostgreSQL unreachable ({e}); reminder test skipped. Set QONYS_REQUIRE_POSTGRES=1 to fail instead."
            );
            None
        }
        Err(_) if !required => {
            eprintln!(
                "NOTICE: PostgreSQL connection timed out; reminder test skipped. Set QONYS_REQUIRE_POSTGRES=1 to fail instead."
            );
            None
        }
        Ok(Err(e)) => panic!("QONYS_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {e}"),
        Err(_) => panic!("QONYS_REQUIRE_POSTGRES=1 but connecting to PostgreSQL timed out"),
    }
}

fn user(email: &str, name: &str, role: Role, language: &str) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: name.into(),
        role,
        password_hash: None,
        language: language.into(),
        firm_id: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_mail_each_reminder_exactly_once() {
    let Some(url) = postgres_url().await else {
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let schema = Schema {
        url: url.clone(),
        name: format!("qonys_rem_{}_{nanos}", std::process::id()),
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = StoreOptions::postgres(&url, &tmp.path().join("documents"));
    opts.pg_schema = Some(schema.name.clone());
    let store = SqlStore::open(opts).await.unwrap();
    let pack = qonys_law::bundled::load().unwrap();
    let actor = Actor::system("test");

    // Both servers up (and migrated) before anything is due.
    let (port, sink) = start_sink();
    let dirs = [tmp.path().join("a"), tmp.path().join("b")];
    let servers: Vec<Server> = dirs
        .iter()
        .map(|d| {
            std::fs::create_dir_all(d).unwrap();
            start_server(d, &url, &schema.name, port)
        })
        .collect();

    // An adviser writing in Kazakh, and 40 applicants in the three languages, each with a
    // case whose residence permit ends in 100 days.
    let adviser = store
        .create_user(
            &actor,
            user("adviser@firm.test", "Adviser Marker", Role::Adviser, "kk"),
        )
        .await
        .unwrap();
    let today = kazakhstan_date(now());
    let valid_to = today.add_days(100);
    let mut expected: HashMap<String, (String, String)> = HashMap::new(); // case → (applicant email, language)
    let mut personal = vec![adviser.email.clone(), adviser.display_name.clone()];
    let mut new_reminders = Vec::new();
    for i in 0..CASES {
        let lang = ["en", "ru", "kk"][i % 3];
        let email = format!("applicant{i}@mail.test");
        let name = format!("Applicant Marker{i}");
        let applicant = store
            .create_user(&actor, user(&email, &name, Role::Applicant, lang))
            .await
            .unwrap();
        personal.extend([email.clone(), name]);
        let case = store
            .create_case(
                &actor,
                NewCase {
                    title: format!("Case Title Marker{i}"),
                    status: "open".into(),
                    adviser_id: Some(adviser.id),
                    applicant_id: Some(applicant.id),
                    language: lang.into(),
                    facts: json!({"citizenship": "DE"}),
                    history: json!({"status": [{"kind": "temporary_residence_permit", "ground": "work", "valid_from": "2026-01-10", "valid_to": valid_to.to_string()}]}),
                    ..NewCase::default()
                },
            )
            .await
            .unwrap();
        personal.push(case.title.clone());
        let deadline = upcoming_deadlines(&pack, &case, today)
            .into_iter()
            .find(|u| u.rule == "status.expiry")
            .expect("the permit's end is a deadline");
        assert_eq!(deadline.due, valid_to);
        new_reminders.push(NewReminder {
            case_id: Some(case.id),
            kind: "deadline".into(),
            payload: DeadlinePayload {
                case_id: case.id,
                rule: deadline.rule,
                due: deadline.due,
                before_days: 30,
                only: None,
            }
            .to_json(),
            due_at: now(),
        });
        expected.insert(case.id.to_string(), (email, lang.to_string()));
    }
    let mut reminder_case: HashMap<String, String> = HashMap::new();
    for r in new_reminders {
        let r = store.schedule_reminder(&actor, r).await.unwrap();
        reminder_case.insert(r.id.to_string(), r.case_id.unwrap().to_string());
    }

    // Wait until every reminder of every case is done (retries included), at most 60 s.
    let started = Instant::now();
    let mut done = false;
    while started.elapsed() < Duration::from_secs(60) {
        let mut all_done = true;
        for case_id in expected.keys() {
            let list = store.reminders(case_id.parse().unwrap()).await.unwrap();
            if list
                .iter()
                .any(|r| r.due_at <= now() && r.done_at.is_none())
            {
                all_done = false;
                break;
            }
        }
        if all_done {
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // A little longer, so that a duplicate send would be seen.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let logs: Vec<String> = servers
        .iter()
        .map(|s| std::fs::read_to_string(&s.log).unwrap_or_default())
        .collect();
    drop(servers);
    assert!(
        done,
        "not every reminder was sent within 60 s; logs:\n{}",
        logs.join("\n----\n")
    );

    // Which worker claimed each reminder, and the reminders created as retries.
    let mut workers = HashSet::new();
    for case_id in expected.keys() {
        for r in store.reminders(case_id.parse().unwrap()).await.unwrap() {
            if let Some(w) = &r.claimed_by {
                workers.insert(w.clone());
            }
            reminder_case.insert(r.id.to_string(), case_id.clone());
        }
    }
    assert!(
        workers.len() >= 2,
        "both servers' workers should have sent reminders: {workers:?}; logs:\n{}",
        logs.join("\n----\n")
    );

    // Exactly one mail per case and recipient, in the recipient's language.
    let sink = {
        let s = sink.lock().unwrap();
        SinkState {
            messages: s.messages.clone(),
            refused: s.refused,
        }
    };
    assert_eq!(
        sink.refused, REFUSE_FIRST,
        "the sink's refusals were retried"
    );
    let mut per_case: BTreeMap<(String, String), usize> = BTreeMap::new();
    for m in &sink.messages {
        let id = m.header("X-Qonys-Reminder").expect("reminder header");
        let case_id = reminder_case
            .get(&id)
            .unwrap_or_else(|| panic!("mail for an unknown reminder {id}"));
        assert_eq!(m.rcpt.len(), 1, "one recipient per message");
        let to = m.rcpt[0].clone();
        let (applicant, lang) = &expected[case_id];
        let want_lang = if &to == applicant {
            lang.as_str()
        } else {
            assert_eq!(to, "adviser@firm.test", "mail to a stranger");
            "kk"
        };
        assert_eq!(
            m.header("Content-Language").as_deref(),
            Some(want_lang),
            "language of the mail to {to}"
        );
        *per_case.entry((case_id.clone(), to)).or_default() += 1;
    }
    let twice: Vec<_> = per_case.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "mailed more than once: {twice:?}");
    for (case_id, (applicant, _)) in &expected {
        for to in [applicant.as_str(), "adviser@firm.test"] {
            assert_eq!(
                per_case.get(&(case_id.clone(), to.to_string())),
                Some(&1),
                "case {case_id}: the mail to {to} was lost"
            );
        }
    }
    assert_eq!(sink.messages.len(), 2 * CASES);

    // Logs name ids only.
    let all_logs = logs.join("\n");
    assert!(all_logs.contains("reminder sent"), "{all_logs}");
    for p in &personal {
        assert!(
            !all_logs.contains(p.as_str()),
            "a log holds personal data: {p}"
        );
    }
    store.close().await;
}

/// Without `--smtp` no worker runs, and serve says so once on stderr.
#[test]
fn without_smtp_serve_says_no_reminders_are_sent() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(tmp.path().join("data"))
        .env_remove("QONYS_SMTP")
        .env_remove("QONYS_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            if l.contains("listening on") {
                let _ = tx.send(());
            }
        }
    });
    let server = Server { child, log };
    rx.recv_timeout(Duration::from_secs(60))
        .expect("qonys serve did not start");
    std::thread::sleep(Duration::from_millis(1500));
    let text = std::fs::read_to_string(&server.log).unwrap();
    drop(server);
    assert_eq!(
        text.matches("deadline reminders are not sent by e-mail")
            .count(),
        1,
        "{text}"
    );
    assert!(!text.contains("reminder worker started"), "{text}");
}
