//! `qonys interview`: the guided interview in a terminal. On a terminal it prompts with
//! `inquire` (a list for single and multiple choices, a line of text otherwise); when standard
//! input is not a terminal it reads one answer per line and prints each question with its
//! progress ("Question 4, about 5 to go"), so a whole session can be piped and tested.
//! Typing `?why` explains the question, `?back` goes back, `?answers` lists the answers and
//! `?change N` changes one. The case file is saved after every answer (with `--out`, or into
//! the `--resume` file), and the session ends with the assessment.
//!
//! All decisions — which question, what an answer means, which answers stop mattering — are
//! the core's ([`qonys_law::interview`]); this module only prompts, prints and saves.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use qonys_i18n::Messages;
use qonys_i18n::report::{assessment_report, fill, render_text, value};
use qonys_law::case::RawValue;
use qonys_law::engine::explain::clause_values;
use qonys_law::interview::{BadAnswer, Interview, Question};
use qonys_law::pack::{Fact, FactIdx, FactType, Ty};
use qonys_law::{CaseFile, Date, Lang, Pack};

use crate::pack_files::load_pack;

/// The flags of `qonys interview`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Language of the questions (default: the resumed case's, else English).
    pub lang: Option<Lang>,
    /// A case file to go on from.
    pub resume: Option<PathBuf>,
    /// Where to save the case file (default: the resumed file).
    pub out: Option<PathBuf>,
    /// The as-of date, as typed.
    pub as_of: Option<String>,
    /// A rule-pack folder instead of the bundled pack.
    pub pack: Option<PathBuf>,
}

/// What the person did at a prompt.
#[derive(Debug, Clone, PartialEq)]
enum Reply {
    /// Typed text, to be read by the core.
    Text(String),
    /// A value chosen from a list.
    Raw(RawValue),
    /// `?why`.
    Why,
    /// `?back` (or Esc).
    Back,
    /// `?answers`.
    Answers,
    /// `?change N`.
    Change(Option<usize>),
    /// End of input (or Ctrl-C).
    End,
}

/// Reads the meta-commands every text prompt understands.
fn command(text: &str) -> Option<Reply> {
    let t = text.trim().to_lowercase();
    let mut words = t.split_whitespace();
    match words.next()? {
        "?why" => Some(Reply::Why),
        "?back" => Some(Reply::Back),
        "?answers" => Some(Reply::Answers),
        "?change" => Some(Reply::Change(words.next().and_then(|n| n.parse().ok()))),
        _ => None,
    }
}

/// Today in Kazakhstan (UTC+5, the single national time zone since 1 March 2024).
fn today_in_kazakhstan() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_day_number(((secs + 5 * 3600).div_euclid(86_400)) as i32)
}

fn fact_ty(idx: FactIdx, fact: &Fact) -> Ty {
    match &fact.kind {
        FactType::Bool => Ty::Bool,
        FactType::Enum => Ty::Opt(idx),
        FactType::Set => Ty::Set(idx),
        FactType::Integer | FactType::Number => Ty::Num,
        FactType::Money(c) => Ty::Money(c.clone()),
        FactType::Date => Ty::Date,
        FactType::Country => Ty::Country,
    }
}

/// How the person answers: lines from a pipe, or `inquire` prompts on a terminal.
enum Input {
    Piped(Box<dyn BufRead>),
    Terminal,
}

struct Session<'p> {
    pack: &'p Pack,
    m: Messages,
    lang: Lang,
    input: Input,
    out: Option<PathBuf>,
}

impl Session<'_> {
    fn t(&self, id: &str) -> String {
        self.m.get(self.lang, id)
    }

    fn tf(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.m.fmt(self.lang, id, args)
    }

    /// The one-line hint for a fact's type.
    fn type_hint(&self, fact: &Fact) -> String {
        match &fact.kind {
            FactType::Bool => self.t("interview-hint-yes-no"),
            FactType::Enum => self.t("interview-hint-choice"),
            FactType::Set => self.t("interview-hint-choices"),
            FactType::Date => self.t("interview-hint-date"),
            FactType::Money(c) => self.tf("interview-hint-money", &[("currency", c)]),
            FactType::Integer | FactType::Number => self.t("interview-hint-number"),
            FactType::Country => self.t("interview-hint-country"),
        }
    }

    fn shown(&self, fact: FactIdx, raw: &RawValue) -> String {
        let f = &self.pack.facts[usize::from(fact)];
        match qonys_law::case::parse_answer(self.pack, f, raw) {
            Ok(v) => value(self.pack, &self.m, self.lang, v, Some(&fact_ty(fact, f))),
            Err(_) => raw.to_toml(),
        }
    }

    /// Asks one question; returns what the person did.
    fn ask(&mut self, q: &Question) -> Result<Reply> {
        let fact = &self.pack.facts[usize::from(q.fact)];
        let lang = self.lang;
        println!();
        println!(
            "{}",
            self.tf(
                "interview-progress",
                &[
                    ("number", &q.number.to_string()),
                    ("remaining", &q.remaining.to_string())
                ]
            )
        );
        if let Some(e) = &q.earlier {
            println!(
                "{}",
                self.tf("interview-earlier", &[("value", &self.shown(q.fact, e))])
            );
        }
        let hint = self.type_hint(fact);
        let (yes, no) = (self.t("value-yes"), self.t("value-no"));
        match &mut self.input {
            Input::Piped(reader) => {
                println!("{}", fact.question.get(lang));
                if let Some(h) = &fact.help {
                    println!("  {}", h.get(lang));
                }
                if fact.kind == FactType::Bool {
                    println!("  1. {yes}");
                    println!("  2. {no}");
                }
                for (i, o) in fact.options.iter().enumerate() {
                    println!("  {}. {}", i + 1, o.label.get(lang));
                }
                if !matches!(fact.kind, FactType::Bool | FactType::Enum) {
                    println!("  ({hint})");
                }
                let mut buf = Vec::new();
                let n = reader.read_until(b'\n', &mut buf)?;
                if n == 0 {
                    return Ok(Reply::End);
                }
                let line = String::from_utf8_lossy(&buf).trim().to_string();
                println!("> {line}");
                Ok(command(&line).unwrap_or(Reply::Text(line)))
            }
            Input::Terminal => self.ask_terminal(q.fact, q.earlier.as_ref()),
        }
    }

    fn ask_terminal(&self, idx: FactIdx, earlier: Option<&RawValue>) -> Result<Reply> {
        use inquire::InquireError;
        let fact = &self.pack.facts[usize::from(idx)];
        let lang = self.lang;
        let question = fact.question.get(lang);
        let help_line = fact.help.as_ref().map(|h| h.get(lang).to_string());
        let unknown = self.t("interview-unknown");
        let why = self.t("interview-why-option");
        let back = self.t("interview-back-option");
        let interrupted = |e: InquireError| -> Result<Reply> {
            match e {
                InquireError::OperationCanceled => Ok(Reply::Back),
                InquireError::OperationInterrupted => Ok(Reply::End),
                other => Err(other.into()),
            }
        };
        if let Some(h) = &help_line {
            println!("  {h}");
        }
        match fact.kind {
            FactType::Bool | FactType::Enum => {
                let mut labels: Vec<String> = if fact.kind == FactType::Bool {
                    vec![self.t("value-yes"), self.t("value-no")]
                } else {
                    fact.options
                        .iter()
                        .map(|o| o.label.get(lang).to_string())
                        .collect()
                };
                let n = labels.len();
                labels.extend([unknown, why, back, self.t("interview-answers-option")]);
                let help = self.t("interview-help-select");
                let cursor = match earlier {
                    Some(RawValue::Bool(b)) => usize::from(!*b),
                    Some(RawValue::Str(id)) => fact.option_index(id).map_or(n, usize::from),
                    _ => 0,
                };
                match inquire::Select::new(question, labels)
                    .with_help_message(&help)
                    .with_page_size(12)
                    .with_starting_cursor(cursor)
                    .raw_prompt()
                {
                    Ok(choice) => Ok(match choice.index {
                        i if i < n && fact.kind == FactType::Bool => {
                            Reply::Raw(RawValue::Bool(i == 0))
                        }
                        i if i < n => Reply::Raw(RawValue::Str(fact.options[i].id.clone())),
                        i if i == n => Reply::Raw(RawValue::Str("unknown".into())),
                        i if i == n + 1 => Reply::Why,
                        i if i == n + 2 => Reply::Back,
                        _ => Reply::Answers,
                    }),
                    Err(e) => interrupted(e),
                }
            }
            FactType::Set => {
                let mut labels: Vec<String> = fact
                    .options
                    .iter()
                    .map(|o| o.label.get(lang).to_string())
                    .collect();
                let n = labels.len();
                labels.extend([unknown, why]);
                let help = self.t("interview-help-multiselect");
                let ticked: Vec<usize> = match earlier {
                    Some(RawValue::List(items)) => items
                        .iter()
                        .filter_map(|i| match i {
                            RawValue::Str(id) => fact.option_index(id).map(usize::from),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                match inquire::MultiSelect::new(question, labels)
                    .with_help_message(&help)
                    .with_page_size(12)
                    .with_default(&ticked)
                    .raw_prompt()
                {
                    Ok(chosen) => {
                        if chosen.iter().any(|c| c.index == n + 1) {
                            return Ok(Reply::Why);
                        }
                        if chosen.iter().any(|c| c.index == n) {
                            return Ok(Reply::Raw(RawValue::Str("unknown".into())));
                        }
                        Ok(Reply::Raw(RawValue::List(
                            chosen
                                .iter()
                                .filter_map(|c| fact.options.get(c.index))
                                .map(|o| RawValue::Str(o.id.clone()))
                                .collect(),
                        )))
                    }
                    Err(e) => interrupted(e),
                }
            }
            _ => {
                let help = format!("{} {}", self.type_hint(fact), self.t("interview-hint"));
                let initial = match earlier {
                    Some(RawValue::Str(s)) if s != "unknown" => s.clone(),
                    Some(RawValue::Num(n)) => n.to_string(),
                    Some(RawValue::Date(d)) => d.to_string(),
                    _ => String::new(),
                };
                match inquire::Text::new(question)
                    .with_help_message(&help)
                    .with_initial_value(&initial)
                    .prompt()
                {
                    Ok(text) => Ok(command(&text).unwrap_or(Reply::Text(text))),
                    Err(e) => interrupted(e),
                }
            }
        }
    }

    fn bad(&self, e: &BadAnswer) -> String {
        let args = e.args();
        let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.tf(e.message_id(), &refs)
    }

    fn print_why(&self, iv: &mut Interview<'_>, fact: FactIdx) {
        let reasons = iv.why(fact);
        let a = iv.result();
        let env = a.env();
        println!("{}", self.t("interview-why"));
        for (ri, ci) in reasons {
            let Some(route) = self.pack.routes.get(usize::from(ri)) else {
                continue;
            };
            let Some(clause) = route.clauses.get(usize::from(ci)) else {
                continue;
            };
            let vals: Vec<(String, String)> = clause_values(self.pack, clause, &env)
                .into_iter()
                .map(|(k, v, ty)| (k, value(self.pack, &self.m, self.lang, v, Some(&ty))))
                .collect();
            let text = fill(clause.text.get(self.lang), &vals);
            println!(
                "  - {}",
                self.tf(
                    "interview-why-line",
                    &[("route", route.name.get(self.lang)), ("clause", &text)]
                )
            );
        }
    }

    fn print_answers(&self, iv: &Interview<'_>) {
        println!("{}", self.t("interview-answers"));
        for (i, a) in iv.answers().iter().enumerate() {
            let f = &self.pack.facts[usize::from(a.fact)];
            let v = value(
                self.pack,
                &self.m,
                self.lang,
                a.value,
                Some(&fact_ty(a.fact, f)),
            );
            println!("  {}. {}: {v}", i + 1, f.label.get(self.lang));
        }
        if matches!(self.input, Input::Piped(_)) {
            println!("  ({})", self.t("interview-change-usage"));
        }
    }

    /// On a terminal: which answer to change (`None` to go on).
    fn pick_answer(&self, iv: &Interview<'_>) -> Result<Option<usize>> {
        let mut labels: Vec<String> = iv
            .answers()
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let f = &self.pack.facts[usize::from(a.fact)];
                let v = value(
                    self.pack,
                    &self.m,
                    self.lang,
                    a.value,
                    Some(&fact_ty(a.fact, f)),
                );
                format!("{}. {}: {v}", i + 1, f.label.get(self.lang))
            })
            .collect();
        let n = labels.len();
        labels.push(self.t("interview-continue-option"));
        let help = self.t("interview-help-select");
        match inquire::Select::new(&self.t("interview-change-which"), labels)
            .with_help_message(&help)
            .with_page_size(12)
            .raw_prompt()
        {
            Ok(c) if c.index < n => Ok(Some(c.index + 1)),
            Ok(_)
            | Err(
                inquire::InquireError::OperationCanceled
                | inquire::InquireError::OperationInterrupted,
            ) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn save(&self, iv: &Interview<'_>) -> Result<()> {
        let Some(path) = &self.out else {
            return Ok(());
        };
        write_atomically(path, &iv.to_case_file().to_toml(self.pack))
    }
}

/// The question that changes answer `n` (1-based), with the answer as it stands.
fn changing(iv: &mut Interview<'_>, n: usize) -> Option<Question> {
    let a = iv.answers().get(n.checked_sub(1)?)?.clone();
    let remaining = iv.next_question().map_or(0, |q| q.remaining);
    Some(Question {
        fact: a.fact,
        number: n,
        remaining: remaining.max(1),
        routes: 0,
        earlier: Some(a.raw),
    })
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Runs `qonys interview`.
pub fn run(opts: Options) -> Result<ExitCode> {
    let pack = load_pack(opts.pack.as_deref())?;
    let as_of = match &opts.as_of {
        Some(s) => Date::parse(s).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?,
        None => today_in_kazakhstan(),
    };
    let (mut iv, case_lang) = match &opts.resume {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the case file {}", path.display()))?;
            let case =
                CaseFile::parse(&text).map_err(|e| anyhow::anyhow!("{}:\n{e}", path.display()))?;
            let iv = Interview::from_case_file(&pack, &case, as_of)
                .map_err(|e| anyhow::anyhow!("{}:\n{e}", path.display()))?;
            (iv, case.meta.language)
        }
        None => (Interview::start(&pack, as_of), None),
    };
    let lang = opts.lang.or(case_lang).unwrap_or(Lang::En);
    iv.meta_mut().language = Some(lang);
    let input = if std::io::stdin().is_terminal() {
        Input::Terminal
    } else {
        Input::Piped(Box::new(std::io::BufReader::new(std::io::stdin())))
    };
    let mut s = Session {
        pack: &pack,
        m: Messages::new(),
        lang,
        input,
        out: opts.out.clone().or_else(|| opts.resume.clone()),
    };
    println!("{}", s.t("interview-intro"));
    println!("{}", s.t("interview-hint"));
    if let Some(path) = &opts.resume {
        println!(
            "{}",
            s.tf(
                "interview-resumed",
                &[
                    ("path", &path.display().to_string()),
                    ("count", &iv.answers().len().to_string())
                ]
            )
        );
    }
    let mut forced: Option<Question> = None;
    let finished = loop {
        let q = match forced.clone() {
            Some(q) => q,
            None => match iv.next_question() {
                Some(q) => q,
                None => break true,
            },
        };
        match s.ask(&q)? {
            Reply::End => break false,
            Reply::Why => s.print_why(&mut iv, q.fact),
            // Going back from a changed question cancels the change; otherwise it undoes
            // the last answer.
            Reply::Back if forced.is_some() => forced = None,
            Reply::Back => {
                if !iv.back() {
                    println!("{}", s.t("interview-back-none"));
                }
            }
            Reply::Answers => {
                s.print_answers(&iv);
                if matches!(s.input, Input::Terminal)
                    && let Some(n) = s.pick_answer(&iv)?
                {
                    forced = changing(&mut iv, n);
                }
            }
            Reply::Change(n) => {
                match n.and_then(|n| iv.answers().get(n.wrapping_sub(1)).cloned()) {
                    Some(a) => {
                        let remaining = iv.next_question().map_or(0, |q| q.remaining);
                        forced = Some(Question {
                            fact: a.fact,
                            number: n.unwrap_or(1),
                            remaining: remaining.max(1),
                            routes: 0,
                            earlier: Some(a.raw.clone()),
                        });
                    }
                    None => println!("{}", s.t("interview-change-usage")),
                }
            }
            reply @ (Reply::Text(_) | Reply::Raw(_)) => {
                let before = iv.history().len();
                let result = match reply {
                    Reply::Text(t) => iv.answer_text(q.fact, &t),
                    Reply::Raw(r) => iv
                        .answer(q.fact, r)
                        .map_err(|e| BadAnswer::Other(e.message)),
                    _ => Ok(()),
                };
                match result {
                    Ok(()) => {
                        forced = None;
                        for set_aside in iv.history().get(before..).unwrap_or_default() {
                            let f = &pack.facts[usize::from(set_aside.answer.fact)];
                            println!(
                                "{}",
                                s.tf("interview-set-aside", &[("fact", f.label.get(lang))])
                            );
                        }
                        s.save(&iv)?;
                    }
                    Err(e) => println!("{}", s.bad(&e)),
                }
            }
        }
    };
    println!();
    println!(
        "{}",
        s.t(if finished {
            "interview-done"
        } else {
            "interview-ended"
        })
    );
    s.save(&iv)?;
    if let Some(path) = &s.out {
        println!(
            "{}",
            s.tf("interview-saved", &[("path", &path.display().to_string())])
        );
    }
    println!();
    let report = assessment_report(&pack, &iv.result(), &s.m, lang);
    print!("{}", render_text(&report, &s.m, lang, &pack));
    Ok(ExitCode::SUCCESS)
}
