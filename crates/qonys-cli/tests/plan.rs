//! `qonys plan` end to end: the timeline reads in English, Russian and Kazakh (computed dates,
//! the Nauryz holidays named, the urgent ground warning, the path), the JSON carries the
//! structured steps, and the `.ics` output parses back (a strict RFC 5545 reader below:
//! CRLF, folding at 75 octets, BEGIN/END nesting, text unescaping) to the same events.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn qonys(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("qonys runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

const WORK: &str = "examples/history-work-contract-ended.toml";
const VISA_FREE: &str = "examples/history-visa-free-90-in-180.toml";
const PR: &str = "examples/history-permanent-resident-to-citizenship.toml";

#[test]
fn english_timeline_with_ground_warning_and_nauryz() {
    let (out, err, code) = qonys(&["plan", WORK, "--as-of", "2026-10-02", "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "URGENT: the ground “Work for an employer in Kazakhstan” ended on 30 September 2026"
        ),
        "{out}"
    );
    assert!(
        out.contains("Routes that fit the facts as they now stand:"),
        "{out}"
    );
    assert!(out.contains("arrival date 2026-03-20 + 3 working days (the day itself is not counted), skipping the weekend (21–22 Mar), Nauryz meiramy (23–25 Mar) and the weekend (28–29 Mar) → 2026-03-30"), "{out}");
    assert!(out.contains("DUE SOON"), "{out}");
    assert!(
        out.contains("5 October 2026 — Re-register after moving (in 3 days)"),
        "{out}"
    );
    assert!(out.contains("[to confirm]"), "{out}");
    assert!(
        out.contains("PATHS TO PERMANENT RESIDENCE AND CITIZENSHIP"),
        "{out}"
    );
}

#[test]
fn russian_timeline_counts_the_visa_free_days() {
    let (out, err, code) = qonys(&["plan", VISA_FREE, "--as-of", "2026-03-25"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("План на 2026-03-25"), "{out}");
    assert!(
        out.contains(
            "Текущий статус: безвизовое пребывание, действует с 1 декабря 2025 г., бессрочно."
        ),
        "{out}"
    );
    assert!(out.contains("прибытие: 2026-03-20 + 3 рабочих дня (сам этот день не считается), без учёта: выходные (21–22 мар.), Наурыз мейрамы (23–25 мар.) и выходные (28–29 мар.) → 2026-03-30"), "{out}");
    // 30 + 30 days used before: the rolling limit leaves 30, so 18 April.
    assert!(
        out.contains("18 апреля 2026 г. — Выезд до истечения безвизового срока (через 24 дня)"),
        "{out}"
    );
    assert!(out.contains("[уточнить]"), "{out}");
}

#[test]
fn kazakh_timeline_for_a_permanent_resident() {
    let (out, err, code) = qonys(&["plan", PR, "--as-of", "2026-06-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("2026-06-01 күнгі жоспар"), "{out}");
    assert!(
        out.contains("2026 жылғы 1 қазан — Осы жылы шетелде 183 күн болғанға дейін оралыңыз"),
        "{out}"
    );
    assert!(out.contains("ҚАЗІР МҮМКІН"), "{out}");
    assert!(
        out.contains("азаматтық (2026 жылғы 10 мамыр бастап)"),
        "{out}"
    );
    // Registration rules do not bind a permanent resident; the C2 visa was followed by PR.
    assert!(!out.contains("МЕРЗІМІ ӨТТІ"), "{out}");
}

#[test]
fn json_has_structured_steps() {
    let (out, err, code) = qonys(&["plan", WORK, "--as-of", "2026-10-02", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let items = v["items"].as_array().expect("items");
    let host = items
        .iter()
        .find(|i| i["rule"] == "registration.host_notification")
        .expect("host notification");
    assert_eq!(host["due"], "2026-03-30");
    assert_eq!(host["state"], "overdue");
    assert!(host["steps"].as_array().is_some_and(|s| s.len() >= 4));
    assert_eq!(v["ground_losses"][0]["route"], "work");
    assert!(v["paths"].as_array().is_some_and(|p| !p.is_empty()));
}

#[test]
fn bad_history_is_reported_by_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("case.toml");
    std::fs::write(&f, "[[event]]\nkind = \"arrival\"\ndate = \"soon\"\n").expect("write");
    let (_, err, code) = qonys(&["plan", f.to_str().expect("path"), "--as-of", "2026-01-01"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("event[0].date: expected a date such as 2026-03-20, found \"soon\""),
        "{err}"
    );
}

// --- A strict reader of the iCalendar subset qonys writes --------------------------------

#[derive(Debug, Default)]
struct Component {
    name: String,
    props: Vec<(String, String)>,
    children: Vec<Component>,
}

impl Component {
    fn get(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(n, _)| n == name || n.starts_with(&format!("{name};")))
            .map(|(_, v)| v.as_str())
    }
}

fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut it = v.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(x) => out.push(x),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_ics(text: &str) -> Result<Component, String> {
    if !text.ends_with("\r\n") {
        return Err("no final CRLF".into());
    }
    let mut logical: Vec<String> = Vec::new();
    for phys in text[..text.len() - 2].split("\r\n") {
        if phys.contains('\n') || phys.contains('\r') {
            return Err("bare CR or LF".into());
        }
        if phys.len() > 75 {
            return Err(format!("line of {} octets", phys.len()));
        }
        match phys.strip_prefix(' ') {
            Some(rest) => logical.last_mut().ok_or("starts folded")?.push_str(rest),
            None => logical.push(phys.to_string()),
        }
    }
    let mut stack: Vec<Component> = Vec::new();
    let mut done = None;
    for l in logical {
        let (head, value) = l.split_once(':').ok_or(format!("no colon: {l}"))?;
        match head {
            "BEGIN" => stack.push(Component {
                name: value.into(),
                ..Component::default()
            }),
            "END" => {
                let c = stack.pop().ok_or("END without BEGIN")?;
                if c.name != value {
                    return Err(format!("END:{value} closes {}", c.name));
                }
                match stack.last_mut() {
                    Some(p) => p.children.push(c),
                    None => done = Some(c),
                }
            }
            _ => stack
                .last_mut()
                .ok_or("property outside a component")?
                .props
                .push((head.to_string(), value.to_string())),
        }
    }
    done.ok_or_else(|| "no VCALENDAR".into())
}

#[test]
fn ics_parses_and_round_trips_the_json_plan() {
    for lang in ["en", "ru", "kk"] {
        let args = ["plan", WORK, "--as-of", "2026-10-02", "--lang", lang];
        let (ics, err, code) = qonys(&[&args[..], &["--format", "ics"]].concat());
        assert_eq!(code, 0, "{err}");
        let cal = parse_ics(&ics).unwrap_or_else(|e| panic!("{lang}: {e}\n{ics}"));
        assert_eq!(cal.name, "VCALENDAR");
        assert_eq!(cal.get("VERSION"), Some("2.0"));
        let (json, _, _) = qonys(&[&args[..], &["--format", "json"]].concat());
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        let open: Vec<&serde_json::Value> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["state"] != "done")
            .collect();
        assert_eq!(cal.children.len(), open.len(), "{lang}");
        for (event, item) in cal.children.iter().zip(&open) {
            assert_eq!(event.name, "VEVENT");
            assert_eq!(
                event.get("UID").map(unescape).as_deref(),
                item["uid"].as_str()
            );
            assert_eq!(
                event.get("DTSTART;VALUE=DATE"),
                Some(item["due"].as_str().expect("due").replace('-', "").as_str())
            );
            assert_eq!(
                event.get("SUMMARY").map(unescape).as_deref(),
                item["title"].as_str()
            );
            let description = unescape(event.get("DESCRIPTION").expect("description"));
            assert!(description.starts_with(item["action"].as_str().expect("action")));
            assert!(description.contains(item["how"].as_str().expect("how")));
            // DTSTAMP comes from the as-of date, not the clock.
            assert_eq!(event.get("DTSTAMP"), Some("20261002T000000Z"));
            assert_eq!(
                event.children.first().map(|a| a.name.as_str()),
                Some("VALARM")
            );
        }
    }
}
