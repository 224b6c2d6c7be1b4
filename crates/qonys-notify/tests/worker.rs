//! The worker on a SQLite store against a local SMTP sink: the adviser and the applicant
//! each get the reminder once, in their own language (the Russian subject decoded from the
//! message); when the applicant's address is refused for now after the adviser's mail went
//! out, a reminder for the applicant alone is sent next, so the adviser is not written to
//! twice; a disabled account gets nothing; the worker stops on shutdown.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use qonys_notify::{DeadlinePayload, Mailer, MailerConfig, kazakhstan_date, upcoming_deadlines};
use qonys_store::{Actor, NewCase, NewReminder, NewUser, Role, SqlStore, Store, StoreOptions, now};
use serde_json::json;

#[derive(Default)]
struct Sink {
    /// (recipient, raw message)
    messages: Vec<(String, String)>,
    /// Recipients to refuse once with 451.
    refuse_once: Vec<String>,
}

fn start_sink(state: Arc<Mutex<Sink>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().map_while(Result::ok) {
            let st = state.clone();
            std::thread::spawn(move || {
                let _ = session(s, &st);
            });
        }
    });
    port
}

fn session(stream: TcpStream, state: &Mutex<Sink>) -> std::io::Result<()> {
    let mut r = BufReader::new(stream.try_clone()?);
    let mut w = stream;
    w.write_all(b"220 sink ESMTP\r\n")?;
    let mut rcpt = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let up = line.trim_end().to_ascii_uppercase();
        if up.starts_with("EHLO") || up.starts_with("HELO") {
            w.write_all(b"250 sink\r\n")?;
        } else if up.starts_with("MAIL") || up == "RSET" || up == "NOOP" {
            w.write_all(b"250 ok\r\n")?;
        } else if up.starts_with("RCPT") {
            let addr = line
                .split_once('<')
                .and_then(|(_, x)| x.split_once('>'))
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
            let mut s = state.lock().unwrap();
            if let Some(i) = s.refuse_once.iter().position(|a| *a == addr) {
                s.refuse_once.remove(i);
                w.write_all(b"451 4.2.0 mailbox busy\r\n")?;
            } else {
                rcpt = addr;
                w.write_all(b"250 ok\r\n")?;
            }
        } else if up == "DATA" {
            w.write_all(b"354 go\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            state
                .lock()
                .unwrap()
                .messages
                .push((std::mem::take(&mut rcpt), data));
            w.write_all(b"250 queued\r\n")?;
        } else if up == "QUIT" {
            w.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            w.write_all(b"500 ?\r\n")?;
        }
    }
}

/// The decoded `Subject:` of a raw message (RFC 2047, UTF-8, base64, possibly folded).
fn subject(raw: &str) -> String {
    let head = raw.split("\r\n\r\n").next().unwrap();
    let mut lines = head.split("\r\n");
    let mut value = String::new();
    while let Some(l) = lines.next() {
        if let Some(v) = l.strip_prefix("Subject: ") {
            value.push_str(v);
            for cont in lines.by_ref() {
                if cont.starts_with(' ') || cont.starts_with('\t') {
                    value.push_str(cont);
                } else {
                    break;
                }
            }
            break;
        }
    }
    // Whitespace between two encoded words is not part of the text; elsewhere it is.
    let mut out = String::new();
    let mut prev_encoded = None;
    for w in value.split_whitespace() {
        let decoded = w
            .strip_prefix("=?utf-8?b?")
            .and_then(|x| x.strip_suffix("?="))
            .map(|b64| {
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .unwrap(),
                )
                .unwrap()
            });
        let encoded = decoded.is_some();
        if prev_encoded.is_some() && !(prev_encoded == Some(true) && encoded) {
            out.push(' ');
        }
        out.push_str(&decoded.unwrap_or_else(|| w.to_string()));
        prev_encoded = Some(encoded);
    }
    out
}

fn user(email: &str, role: Role, lang: &str) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: "Name".into(),
        role,
        password_hash: None,
        language: lang.into(),
        firm_id: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_to_each_recipient_once_in_their_language() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        SqlStore::open(StoreOptions::sqlite_in(dir.path()))
            .await
            .unwrap(),
    );
    let pack = qonys_law::bundled::load().unwrap();
    let actor = Actor::system("test");
    let sink = Arc::new(Mutex::new(Sink::default()));
    sink.lock()
        .unwrap()
        .refuse_once
        .push("applicant@mail.test".into());
    let port = start_sink(sink.clone());

    let adviser = store
        .create_user(&actor, user("adviser@firm.test", Role::Adviser, "en"))
        .await
        .unwrap();
    let applicant = store
        .create_user(&actor, user("applicant@mail.test", Role::Applicant, "ru"))
        .await
        .unwrap();
    let today = kazakhstan_date(now());
    let make_case = |applicant_id| NewCase {
        title: "t".into(),
        status: "open".into(),
        adviser_id: Some(adviser.id),
        applicant_id,
        language: "en".into(),
        history: json!({"status": [{"kind": "temporary_residence_permit", "ground": "work", "valid_from": "2026-01-10", "valid_to": today.add_days(3).to_string()}]}),
        ..NewCase::default()
    };
    let case = store
        .create_case(&actor, make_case(Some(applicant.id)))
        .await
        .unwrap();
    // A second case whose applicant account is disabled: only the adviser is written to.
    let disabled = store
        .create_user(&actor, user("off@mail.test", Role::Applicant, "kk"))
        .await
        .unwrap();
    store
        .set_user_disabled(&actor, disabled.id, true)
        .await
        .unwrap();
    let case2 = store
        .create_case(&actor, make_case(Some(disabled.id)))
        .await
        .unwrap();
    for c in [&case, &case2] {
        let d = upcoming_deadlines(&pack, c, today)
            .into_iter()
            .find(|u| u.rule == "status.expiry")
            .unwrap();
        store
            .schedule_reminder(
                &actor,
                NewReminder {
                    case_id: Some(c.id),
                    kind: "deadline".into(),
                    payload: DeadlinePayload {
                        case_id: c.id,
                        rule: d.rule,
                        due: d.due,
                        before_days: 7,
                        only: None,
                    }
                    .to_json(),
                    due_at: now(),
                },
            )
            .await
            .unwrap();
    }

    let mailer =
        Mailer::new(&MailerConfig::parse(&format!("127.0.0.1:{port}"), "noreply@q.test").unwrap())
            .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(qonys_notify::run(
        store.clone(),
        Arc::new(mailer),
        Arc::new(qonys_i18n::Messages::new()),
        Arc::new(pack),
        "w-test".into(),
        Duration::from_millis(200),
        async {
            let _ = stopped.await;
        },
    ));
    // Until both cases' reminders, and the retry for the applicant, are done.
    let mut ok = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut all = store.reminders(case.id).await.unwrap();
        all.extend(store.reminders(case2.id).await.unwrap());
        if all.len() == 3 && all.iter().all(|r| r.done_at.is_some()) {
            ok = true;
            break;
        }
    }
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("the worker stops on shutdown")
        .unwrap();
    assert!(ok, "reminders not all sent");

    let retry: Vec<_> = store
        .reminders(case.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.payload.get("only").is_some())
        .collect();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].payload["only"], applicant.id.to_string());

    let sink = sink.lock().unwrap();
    let to = |a: &str| {
        sink.messages
            .iter()
            .filter(|(r, _)| r == a)
            .map(|(_, m)| m.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(to("adviser@firm.test").len(), 2, "one per case, none twice");
    assert!(
        to("off@mail.test").is_empty(),
        "disabled accounts get nothing"
    );
    let ru = to("applicant@mail.test");
    assert_eq!(ru.len(), 1);
    assert_eq!(
        subject(&ru[0]),
        "Срок через 3 дня: Окончание срока вашего статуса"
    );
    assert_eq!(
        subject(&to("adviser@firm.test")[0]),
        "Due in 3 days: Your status ends"
    );
    assert_eq!(sink.messages.len(), 3);
}
