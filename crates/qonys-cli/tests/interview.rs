//! `qonys interview` end to end with answers piped on standard input, in English, Russian and
//! Kazakh: answers typed the way people type them (labels, yes/no words, country names,
//! dates with dots, amounts with spaces, "I don't know"), a refused answer re-asked with the
//! reason in the chosen language, `?why` and `?back`, progress lines, a case file that
//! `qonys assess` reads with the verdicts of the full scenario, and resuming from a file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use qonys_i18n::Messages;
use qonys_law::interview::{Interview, read_answer};
use qonys_law::pack::{FactIdx, FactType, V};
use qonys_law::{CaseFile, Date, Lang, Pack, bundled};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs qonys with `input` on standard input.
fn qonys_with_input(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qonys"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qonys starts");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("input written");
    }
    let out = child.wait_with_output().expect("qonys runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn pack() -> Pack {
    bundled::load().unwrap_or_else(|e| panic!("the bundled pack loads:\n{e}"))
}

/// Groups digits by three with spaces: 5000000 → "5 000 000".
fn spaced(n: f64) -> String {
    let digits = format!("{}", n.round() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// How a person would type `v` in `lang`.
fn typed(p: &Pack, fact: FactIdx, v: V, lang: Lang) -> String {
    let f = &p.facts[usize::from(fact)];
    match (v, &f.kind) {
        (V::Unknown, _) => match lang {
            Lang::En => "?",
            Lang::Ru => "не знаю",
            Lang::Kk => "білмеймін",
        }
        .to_string(),
        (V::Bool(b), _) => match (lang, b) {
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
            (Lang::Ru, true) => "да",
            (Lang::Ru, false) => "нет",
            (Lang::Kk, true) => "иә",
            (Lang::Kk, false) => "жоқ",
        }
        .to_string(),
        (V::Sym(i), FactType::Country) => p.countries[usize::from(i)].name.get(lang).to_string(),
        (V::Sym(i), _) => f.options[usize::from(i)].label.get(lang).to_string(),
        (V::Set(mask), _) => {
            let items: Vec<String> = (0..f.options.len())
                .filter(|i| mask & (1u64 << i) != 0)
                .map(|i| (i + 1).to_string())
                .collect();
            if items.is_empty() {
                "-".into()
            } else {
                items.join(", ")
            }
        }
        (V::Date(d), _) => match lang {
            Lang::En => d.to_string(),
            _ => {
                let (y, m, dd) = d.ymd();
                format!("{dd:02}.{m:02}.{y}")
            }
        },
        (V::Num(n), FactType::Money(c)) => match lang {
            Lang::En => format!("{} {c}", n.round() as i64),
            _ => spaced(n),
        },
        (V::Num(n), _) => format!("{n}"),
    }
}

struct Script {
    lines: Vec<String>,
    expected: qonys_law::Facts,
    first_remaining: usize,
    questions: usize,
}

/// The lines a person answering from `truth` would type, with a refused answer first, a
/// `?why` before the second answer and a `?back` after it; and the facts that result.
fn script(p: &Pack, truth: &qonys_law::Facts, as_of: Date, lang: Lang) -> Script {
    let mut iv = Interview::start(p, as_of);
    let mut lines = Vec::new();
    let mut first_remaining = 0;
    let mut questions = 0;
    while let Some(q) = iv.next_question() {
        let v = if truth.is_answered(q.fact) {
            truth.get(q.fact)
        } else {
            V::Unknown
        };
        let text = typed(p, q.fact, v, lang);
        if questions == 0 {
            first_remaining = q.remaining;
            lines.push("@@".to_string());
        }
        if questions == 1 {
            lines.push("?why".to_string());
        }
        lines.push(text.clone());
        if questions == 1 {
            lines.push("?back".to_string());
            lines.push(text.clone());
        }
        iv.answer_text(q.fact, &text).unwrap_or_else(|e| {
            panic!(
                "{lang:?}: `{text}` for {}: {e}",
                p.facts[usize::from(q.fact)].id
            )
        });
        questions += 1;
    }
    Script {
        lines,
        expected: iv.facts().clone(),
        first_remaining,
        questions,
    }
}

fn verdicts_from_json(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("assess prints JSON");
    let mut out: Vec<(String, String)> = v["routes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default().to_string(),
                r["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn expected_verdicts(p: &Pack, facts: &qonys_law::Facts, as_of: Date) -> Vec<(String, String)> {
    let a = qonys_law::assess(p, facts, as_of);
    let mut out: Vec<(String, String)> = a
        .routes
        .iter()
        .map(|r| {
            (
                p.routes[usize::from(r.route)].id.clone(),
                r.verdict.as_str().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn piped_interviews_in_three_languages_write_a_case_file_assess_reads() {
    let p = pack();
    let m = Messages::new();
    let mut scenarios: Vec<_> = p.scenarios.iter().collect();
    scenarios.sort_by_key(|s| std::cmp::Reverse(s.raw_facts.len()));
    let dir = tempfile::tempdir().expect("temp dir");
    for (lang, s) in Lang::ALL.into_iter().zip(scenarios) {
        let sc = script(&p, &s.facts, s.as_of, lang);
        let case_path = dir.path().join(format!("{}.toml", lang.code()));
        let case_arg = case_path.to_string_lossy().into_owned();
        let as_of = s.as_of.to_string();
        let input = sc.lines.join("\n") + "\n";
        let (code, out, err) = qonys_with_input(
            &[
                "interview",
                "--lang",
                lang.code(),
                "--as-of",
                &as_of,
                "--out",
                &case_arg,
            ],
            &input,
        );
        let label = format!(
            "{} ({}):\n{input}\n--- output ---\n{out}\n--- stderr ---\n{err}",
            lang.code(),
            s.id
        );
        assert_eq!(code, 0, "{label}");
        // Progress in the chosen language.
        let progress = m.fmt(
            lang,
            "interview-progress",
            &[
                ("number", "1"),
                ("remaining", &sc.first_remaining.to_string()),
            ],
        );
        assert!(out.contains(&progress), "no `{progress}` in {label}");
        let last = m.fmt(
            lang,
            "interview-progress",
            &[("number", &sc.questions.to_string())],
        );
        let last = last.split(',').next().unwrap_or_default().to_string();
        assert!(out.contains(&last), "no `{last}` in {label}");
        // The refused answer is explained in the chosen language, then asked again.
        let first_fact = qonys_law::interview::next_fact(&p, &qonys_law::Facts::empty(&p), s.as_of)
            .expect("a first question");
        let bad =
            read_answer(&p, &p.facts[usize::from(first_fact)], "@@").expect_err("@@ is refused");
        let args = bad.args();
        let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let message = m.fmt(lang, bad.message_id(), &refs);
        assert!(out.contains(&message), "no `{message}` in {label}");
        if sc.questions > 1 {
            assert!(
                out.contains(&m.get(lang, "interview-why")),
                "no why in {label}"
            );
        }
        assert!(
            out.contains(&m.get(lang, "interview-done")),
            "not finished: {label}"
        );
        // The question texts are in the chosen language.
        let q1 = p.facts[usize::from(first_fact)].question.get(lang);
        assert!(out.contains(q1), "no question text in {label}");
        // The case file holds exactly the answers, and assess reads it.
        let text = std::fs::read_to_string(&case_path).expect("case file written");
        let case = CaseFile::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(case.meta.language, Some(lang));
        assert_eq!(
            case.bind(&p).expect("binds"),
            sc.expected,
            "{label}\n{text}"
        );
        let (code, json, err) = qonys_with_input(
            &["assess", &case_arg, "--as-of", &as_of, "--format", "json"],
            "",
        );
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            verdicts_from_json(&json),
            expected_verdicts(&p, &s.facts, s.as_of),
            "{label}"
        );
        // The session ends with the assessment, in the chosen language.
        let verdict_label = m.get(lang, "verdict-does_not_fit");
        assert!(out.contains(&verdict_label), "no assessment in {label}");
    }
}

#[test]
fn an_interview_resumes_from_its_case_file() {
    let p = pack();
    let Some(s) = p.scenarios.iter().max_by_key(|s| s.raw_facts.len()) else {
        return;
    };
    let sc = script(&p, &s.facts, s.as_of, Lang::En);
    // Answers without the refused line, ?why and ?back.
    let answers: Vec<&String> = sc
        .lines
        .iter()
        .filter(|l| !l.starts_with('?') || l.as_str() == "?")
        .skip(1)
        .collect();
    let mut plain: Vec<&String> = Vec::new();
    for (i, a) in answers.iter().enumerate() {
        if i == 2 {
            continue; // the second answer was typed twice around ?back
        }
        plain.push(a);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let case_path = dir.path().join("case.toml");
    let case_arg = case_path.to_string_lossy().into_owned();
    let as_of = s.as_of.to_string();
    let half = plain.len() / 2;
    let first: String = plain[..half].iter().map(|l| format!("{l}\n")).collect();
    let (code, out, err) = qonys_with_input(
        &["interview", "--as-of", &as_of, "--out", &case_arg],
        &first,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains(&Messages::new().get(Lang::En, "interview-ended")) || half == plain.len());
    let rest: String = plain[half..].iter().map(|l| format!("{l}\n")).collect();
    let (code, out, err) = qonys_with_input(
        &["interview", "--as-of", &as_of, "--resume", &case_arg],
        &rest,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains(&format!("(answers: {half})")), "{out}");
    let text = std::fs::read_to_string(&case_path).expect("case file kept");
    let facts = CaseFile::parse(&text)
        .expect("reads")
        .bind(&p)
        .expect("binds");
    assert_eq!(facts, sc.expected, "{text}");
}

#[test]
fn an_interview_with_no_input_ends_with_the_assessment() {
    let (code, out, err) =
        qonys_with_input(&["interview", "--as-of", "2026-09-01", "--lang", "kk"], "");
    assert_eq!(code, 0, "{err}");
    let m = Messages::new();
    assert!(out.contains(&m.get(Lang::Kk, "interview-ended")), "{out}");
    assert!(
        out.contains(&m.get(Lang::Kk, "verdict-needs_information")),
        "{out}"
    );
}

#[test]
fn changing_an_answer_sets_aside_the_answers_that_stopped_mattering() {
    let p = pack();
    let m = Messages::new();
    let Some(purposes) = p.fact_idx("purposes") else {
        return;
    };
    let option = |id: &str| {
        p.facts[usize::from(purposes)]
            .option_index(id)
            .map(|i| (usize::from(i) + 1).to_string())
            .unwrap_or_else(|| panic!("purposes has no option {id}"))
    };
    let (study, investment) = (option("study"), option("investment"));
    let as_of = Date::from_ymd(2026, 9, 1).expect("date");
    // The same session in the library: study, up to eleven "I don't know"s (the study route's
    // questions among them), then investment.
    let mut iv = Interview::start(&p, as_of);
    let mut lines = Vec::new();
    while iv.answers().len() < 12 {
        let Some(q) = iv.next_question() else { break };
        let text = if q.fact == purposes {
            study.clone()
        } else {
            "?".to_string()
        };
        iv.answer_text(q.fact, &text).expect("valid");
        lines.push(text);
    }
    let position = iv
        .answers()
        .iter()
        .position(|a| a.fact == purposes)
        .expect("purposes was asked");
    lines.push("?answers".into());
    lines.push(format!("?change {}", position + 1));
    lines.push(investment.clone());
    iv.answer_text(purposes, &investment).expect("valid");
    assert!(
        !iv.history().is_empty(),
        "changing study to investment sets aside the study answers"
    );
    while let Some(q) = iv.next_question() {
        iv.answer_text(q.fact, "?").expect("valid");
        lines.push("?".into());
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let case_path = dir.path().join("case.toml");
    let case_arg = case_path.to_string_lossy().into_owned();
    let input = lines.join("\n") + "\n";
    let (code, out, err) = qonys_with_input(
        &["interview", "--as-of", "2026-09-01", "--out", &case_arg],
        &input,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&m.get(Lang::En, "interview-answers")), "{out}");
    for s in iv.history() {
        let label = p.facts[usize::from(s.answer.fact)].label.get(Lang::En);
        let line = m.fmt(Lang::En, "interview-set-aside", &[("fact", label)]);
        assert!(out.contains(&line), "no `{line}` in:\n{out}");
    }
    assert!(out.contains(&m.get(Lang::En, "interview-done")), "{out}");
    let text = std::fs::read_to_string(&case_path).expect("case file written");
    let facts = CaseFile::parse(&text)
        .expect("reads")
        .bind(&p)
        .expect("binds");
    assert_eq!(&facts, iv.facts(), "{text}");
    for s in iv.history() {
        assert!(
            !facts.is_answered(s.answer.fact),
            "a set-aside answer is not in the case file"
        );
    }
}
