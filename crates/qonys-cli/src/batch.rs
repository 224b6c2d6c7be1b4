//! `qonys batch`: what-if over many profiles. Streams a file of profiles (JSON Lines or CSV)
//! in chunks — memory stays bounded by the chunk size, never the file — evaluates each chunk
//! on all cores with the allocation-free `Evaluator::verdicts`, and reports how many profiles
//! each route fits. With `--compare-as-of DATE` or `--compare-pack PATH` it evaluates every
//! profile a second time and reports which profiles change verdict and which clauses flipped
//! (per route and clause, how many profiles saw the clause's outcome change); `--out` writes
//! the changed profiles as JSON Lines. `--generate N --out FILE` writes N synthetic profiles.
//!
//! Input formats:
//! - JSON Lines (`.jsonl`, `.ndjson`, or anything whose first byte is `{`): one profile per
//!   line, either `{"id": "p1", "facts": {...}}` or a flat object of facts (an `id` key is
//!   taken as the profile's name). Blank lines are skipped.
//! - CSV (`.csv`): a header of fact ids (and optionally `id`); one profile per row; an empty
//!   cell is "not answered", `unknown` is "I don't know", options of a set fact are separated
//!   by `;` (`work;study`).
//!
//! Bad lines: with `--on-error stop` (the default) the first bad line stops the run with its
//! line number and the exit code 2; with `--on-error skip` bad lines are reported on stderr
//! (the first 20 in full), counted in the summary, and the run goes on (exit code 0).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use qonys_law::Facts;
use qonys_law::case::{RawValue, bind_table, parse_answer};
use qonys_law::engine::{Evaluator, Outcome, Verdict, clause_outcomes};
use qonys_law::{Date, Pack};
use rayon::prelude::*;

use crate::pack_files::load_pack;

mod scan;

/// Profiles read and evaluated together (memory is bounded by this many lines).
pub const DEFAULT_CHUNK: usize = 16_384;

/// Flags of `qonys batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// The profiles: JSON Lines (`{"id": …, "facts": {…}}` per line) or CSV (a header of fact ids).
    #[arg(required_unless_present = "generate")]
    profiles: Option<PathBuf>,
    /// Apply the rules in force on this date (YYYY-MM-DD); default: today in Kazakhstan.
    #[arg(long)]
    as_of: Option<String>,
    /// Compare with the rules in force on this date: which profiles change verdict, which clauses flip.
    #[arg(long, conflicts_with = "compare_pack")]
    compare_as_of: Option<String>,
    /// Compare with the rule pack in this folder (on the same date).
    #[arg(long)]
    compare_pack: Option<PathBuf>,
    /// Where to write: the changed profiles (with a comparison), every profile's verdicts
    /// (without), or the generated profiles (with --generate). JSON Lines.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Use the rule pack in this folder instead of the bundled one.
    #[arg(long)]
    pack: Option<PathBuf>,
    /// Write this many synthetic profiles to --out instead of evaluating a file.
    #[arg(long, requires = "out", conflicts_with_all = ["compare_as_of", "compare_pack"])]
    generate: Option<u64>,
    /// Seed of the generator (the same seed gives the same file).
    #[arg(long, default_value_t = 20_260_901)]
    seed: u64,
    /// What to do with a bad line: stop the run, or report it and go on.
    #[arg(long, value_enum, default_value = "stop")]
    on_error: OnError,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value = "text")]
    format: SummaryFormat,
    /// Profiles per chunk.
    #[arg(long, default_value_t = DEFAULT_CHUNK)]
    chunk: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnError {
    Stop,
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SummaryFormat {
    Text,
    Json,
}

/// Today in Kazakhstan (UTC+5).
fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_day_number(((secs + 5 * 3600).div_euclid(86_400)) as i32)
}

fn date_flag(s: &str, flag: &str) -> Result<Date> {
    Date::parse(s).map_err(|e| anyhow!("{flag}: {e}"))
}

/// Runs `qonys batch`.
pub fn run(args: BatchArgs) -> Result<ExitCode> {
    let pack = load_pack(args.pack.as_deref())?;
    if let Some(n) = args.generate {
        let out = args
            .out
            .as_deref()
            .ok_or_else(|| anyhow!("--generate needs --out FILE"))?;
        let as_of = match &args.as_of {
            Some(s) => date_flag(s, "--as-of")?,
            None => today(),
        };
        let t = Instant::now();
        generate(&pack, n, args.seed, as_of, out)?;
        eprintln!(
            "wrote {n} synthetic profiles to {} in {:.2} s (seed {})",
            out.display(),
            t.elapsed().as_secs_f64(),
            args.seed
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(path) = args.profiles.as_deref() else {
        bail!("give a file of profiles, or --generate N --out FILE");
    };
    let as_of = match &args.as_of {
        Some(s) => date_flag(s, "--as-of")?,
        None => today(),
    };
    let other_pack = match &args.compare_pack {
        Some(p) => Some(load_pack(Some(p))?),
        None => None,
    };
    let compare = match (&args.compare_as_of, &other_pack) {
        (Some(d), _) => Some(Side {
            pack: &pack,
            binder: Binder::new(&pack),
            as_of: date_flag(d, "--compare-as-of")?,
            label: d.clone(),
        }),
        (None, Some(p)) => Some(Side {
            pack: p,
            binder: Binder::new(p),
            as_of,
            label: args
                .compare_pack
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        }),
        _ => None,
    };
    let base = Side {
        pack: &pack,
        binder: Binder::new(&pack),
        as_of,
        label: args.as_of.clone().unwrap_or_else(|| as_of.to_string()),
    };
    let summary = evaluate_file(path, &base, compare.as_ref(), &args)?;
    match args.format {
        SummaryFormat::Text => print!("{}", summary.text(&base, compare.as_ref())),
        SummaryFormat::Json => println!("{}", summary.json(&base, compare.as_ref())),
    }
    Ok(ExitCode::SUCCESS)
}

/// One side of an evaluation: a pack on a date.
struct Side<'p> {
    pack: &'p Pack,
    binder: Binder<'p>,
    as_of: Date,
    label: String,
}

/// The format of the profiles file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputFormat {
    Jsonl,
    Csv,
}

fn input_format(path: &Path) -> Result<InputFormat> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "jsonl" | "ndjson" | "json" => InputFormat::Jsonl,
        "csv" => InputFormat::Csv,
        _ => {
            let mut first = [0u8; 1];
            let n = File::open(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .read(&mut first)?;
            if n == 1 && first[0] == b'{' {
                InputFormat::Jsonl
            } else {
                InputFormat::Csv
            }
        }
    })
}

/// A profile as read: its name and raw answers.
struct Profile {
    line: u64,
    id: Option<String>,
    facts: BTreeMap<String, RawValue>,
}

/// One entry of a chunk.
enum Item {
    /// A JSON line: its number and its bytes in the chunk buffer.
    Json(u64, std::ops::Range<usize>),
    /// A CSV row, split into raw answers.
    Csv(Profile),
    /// A line that could not be read.
    Bad(u64, String),
}

/// A JSON profile bound straight to the pack's facts (no intermediate JSON tree or map):
/// the hot path of `qonys batch` on JSON Lines.
struct Bound {
    id: Option<String>,
    facts: Facts,
}

/// One JSON answer as a raw value (`None` for `null`: not answered).
struct RawOpt(Option<RawValue>);

/// Reads any JSON value as a [`RawOpt`] (lists of single values only).
struct RawVis;

impl<'de> serde::de::Visitor<'de> for RawVis {
    type Value = RawOpt;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a single value or a list of values")
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawOpt, E> {
        Ok(RawOpt(Some(RawValue::Bool(v))))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawOpt, E> {
        Ok(RawOpt(Some(RawValue::Num(v as f64))))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawOpt, E> {
        Ok(RawOpt(Some(RawValue::Num(v as f64))))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawOpt, E> {
        Ok(RawOpt(Some(RawValue::Num(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawOpt, E> {
        Ok(RawOpt(Some(RawValue::Str(v.to_string()))))
    }
    fn visit_string<E>(self, v: String) -> Result<RawOpt, E> {
        Ok(RawOpt(Some(RawValue::Str(v))))
    }
    fn visit_unit<E>(self) -> Result<RawOpt, E> {
        Ok(RawOpt(None))
    }
    fn visit_none<E>(self) -> Result<RawOpt, E> {
        Ok(RawOpt(None))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<RawOpt, A::Error> {
        let mut items = Vec::new();
        while let Some(RawOpt(x)) = a.next_element::<RawOpt>()? {
            match x {
                Some(RawValue::List(_)) => {
                    return Err(serde::de::Error::custom("a list inside a list"));
                }
                Some(v) => items.push(v),
                None => return Err(serde::de::Error::custom("null inside a list")),
            }
        }
        Ok(RawOpt(Some(RawValue::List(items))))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<RawOpt, A::Error> {
        Err(serde::de::Error::custom(
            "expected a single value, found an object",
        ))
    }
}

impl<'de> serde::Deserialize<'de> for RawOpt {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawOpt, D::Error> {
        d.deserialize_any(RawVis)
    }
}

/// A fast hasher for the fact-name table (FxHash: one multiply per 8 bytes). The names
/// come from the rule pack, not from the input, so no flooding resistance is needed.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The tail byte by byte: no variable-length copy (a `memcpy` call per name).
            self.add(
                rest.iter()
                    .rev()
                    .fold(0u64, |w, &b| (w << 8) | u64::from(b)),
            );
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// What a pack needs to bind JSON profiles quickly, built once per run: fact names → slots
/// with a fast hash, and two-letter country codes → countries in a table.
struct Binder<'p> {
    pack: &'p Pack,
    names: std::collections::HashMap<&'p str, u16, FxBuild>,
    /// Index `(a - 'A') * 26 + (b - 'A')` of an upper-case alpha-2 code.
    country2: Vec<Option<u16>>,
}

impl<'p> Binder<'p> {
    fn new(pack: &'p Pack) -> Binder<'p> {
        let names = pack
            .facts
            .iter()
            .filter_map(|f| Some((f.id.as_str(), pack.fact_idx(&f.id)?)))
            .collect();
        let mut country2 = vec![None; 26 * 26];
        for c in &pack.countries {
            if let Some(i) = Self::slot(&c.code) {
                country2[i] = pack.country_idx(&c.code);
            }
        }
        Binder {
            pack,
            names,
            country2,
        }
    }

    fn slot(code: &str) -> Option<usize> {
        match code.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => Some(
                usize::from(a.to_ascii_uppercase() - b'A') * 26
                    + usize::from(b.to_ascii_uppercase() - b'A'),
            ),
            _ => None,
        }
    }

    /// The country of a two-letter code in any case (what `country_idx` answers).
    fn country(&self, t: &str) -> Option<u16> {
        Self::slot(t).and_then(|i| self.country2[i])
    }
}

/// An object key of a profile, looked up without allocating.
enum Key {
    Id,
    Facts,
    Fact(u16),
    Other(String),
}

struct KeySeed<'a, 'p>(&'a Binder<'p>);

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Key;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeySeed<'_, '_> {
    type Value = Key;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            "id" => Key::Id,
            "facts" => Key::Facts,
            _ => match self.0.names.get(v) {
                Some(&i) => Key::Fact(i),
                None => Key::Other(v.to_string()),
            },
        })
    }
}

/// One element of a list answer: a borrowed string, or anything else as [`RawOpt`] reads it.
enum Element<'de> {
    Borrowed(&'de str),
    Raw(RawOpt),
}

struct ElementSeed;

impl<'de> serde::de::DeserializeSeed<'de> for ElementSeed {
    type Value = Element<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Element<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ElementSeed {
    type Value = Element<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        RawVis.expecting(f)
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Element<'de>, E> {
        Ok(Element::Borrowed(v))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Element<'de>, E> {
        RawVis.visit_bool(v).map(Element::Raw)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Element<'de>, E> {
        RawVis.visit_i64(v).map(Element::Raw)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Element<'de>, E> {
        RawVis.visit_u64(v).map(Element::Raw)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Element<'de>, E> {
        RawVis.visit_f64(v).map(Element::Raw)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Element<'de>, E> {
        RawVis.visit_str(v).map(Element::Raw)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Element<'de>, E> {
        Ok(Element::Raw(RawOpt(None)))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Element<'de>, E> {
        Ok(Element::Raw(RawOpt(None)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, a: A) -> Result<Element<'de>, A::Error> {
        RawVis.visit_seq(a).map(Element::Raw)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, a: A) -> Result<Element<'de>, A::Error> {
        RawVis.visit_map(a).map(Element::Raw)
    }
}

/// One answer bound straight to its fact's value. The common answers (an option id, a
/// two-letter country code, a date, `unknown`, yes/no, a number) bind without allocating;
/// anything else goes through `parse_answer`, so every value and every error message is
/// the one a case file gets. `None`: `null`, not answered.
struct AnswerSeed<'a, 'p> {
    b: &'a Binder<'p>,
    fact: &'p qonys_law::pack::Fact,
}

type Answer = Option<Result<qonys_law::pack::V, qonys_law::case::AnswerError>>;

impl AnswerSeed<'_, '_> {
    fn slow(&self, raw: &RawValue) -> Answer {
        Some(parse_answer(self.b.pack, self.fact, raw))
    }

    fn text(&self, s: &str) -> Answer {
        use qonys_law::pack::{FactType, V};
        let t = s.trim();
        if t.eq_ignore_ascii_case("unknown") {
            return Some(Ok(V::Unknown));
        }
        let fast = match self.fact.kind {
            FactType::Enum => self.fact.option_index(t).map(V::Sym),
            FactType::Set => self.fact.option_index(t).map(|i| V::Set(1 << i)),
            FactType::Country => self.b.country(t).map(V::Sym),
            FactType::Date => Date::parse(s).ok().map(V::Date),
            _ => None,
        };
        match fast {
            Some(v) => Some(Ok(v)),
            None => self.slow(&RawValue::Str(s.to_string())),
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for AnswerSeed<'_, '_> {
    type Value = Answer;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Answer, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for AnswerSeed<'_, '_> {
    type Value = Answer;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        RawVis.expecting(f)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Answer, E> {
        Ok(self.slow(&RawValue::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Answer, E> {
        Ok(self.slow(&RawValue::Num(v as f64)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Answer, E> {
        Ok(self.slow(&RawValue::Num(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Answer, E> {
        Ok(self.slow(&RawValue::Num(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Answer, E> {
        Ok(self.text(v))
    }
    fn visit_unit<E>(self) -> Result<Answer, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Answer, E> {
        Ok(None)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Answer, A::Error> {
        use qonys_law::pack::{FactType, V};
        // Option ids of a set fact build the mask directly; at the first other element the
        // list is rebuilt (earlier elements as their option ids: `parse_answer` gives the
        // same mask, and its errors name only the element at fault) and bound the slow way.
        let set = self.fact.kind == FactType::Set;
        let mut mask = 0u64;
        let mut slow: Option<Vec<RawValue>> = (!set).then(Vec::new);
        while let Some(el) = a.next_element_seed(ElementSeed)? {
            let v = match el {
                Element::Borrowed(s) => {
                    if slow.is_none()
                        && let Some(i) = self.fact.option_index(s.trim())
                    {
                        mask |= 1 << i;
                        continue;
                    }
                    RawValue::Str(s.to_string())
                }
                Element::Raw(RawOpt(None)) => {
                    return Err(serde::de::Error::custom("null inside a list"));
                }
                Element::Raw(RawOpt(Some(RawValue::List(_)))) => {
                    return Err(serde::de::Error::custom("a list inside a list"));
                }
                Element::Raw(RawOpt(Some(v))) => v,
            };
            slow.get_or_insert_with(|| {
                self.fact
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, o)| RawValue::Str(o.id.clone()))
                    .collect()
            })
            .push(v);
        }
        Ok(match slow {
            None => Some(Ok(V::Set(mask))),
            Some(items) => self.slow(&RawValue::List(items)),
        })
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, a: A) -> Result<Answer, A::Error> {
        RawVis.visit_map(a).map(|_| None)
    }
}

/// Reads the value of the answer under `key` and binds it; errors are collected as text
/// with the field's path.
fn bind_next<'de, A: serde::de::MapAccess<'de>>(
    b: &Binder<'_>,
    facts: &mut Facts,
    errors: &mut Vec<String>,
    key: Key,
    m: &mut A,
) -> Result<(), A::Error> {
    let pack = b.pack;
    let idx = match key {
        Key::Fact(i) => i,
        Key::Id | Key::Facts | Key::Other(_) => {
            let name = match &key {
                Key::Id => "id",
                Key::Facts => "facts",
                Key::Other(k) => k.as_str(),
                Key::Fact(_) => "",
            };
            m.next_value::<RawOpt>()?;
            let hint = qonys_law::pack::closest(name, pack.facts.iter().map(|f| f.id.as_str()))
                .map(|c| format!(" — did you mean `{c}`?"))
                .unwrap_or_default();
            errors.push(format!(
                "facts.{name}: no such fact in rule pack `{}`{hint}",
                pack.meta.id
            ));
            return Ok(());
        }
    };
    let fact = &pack.facts[usize::from(idx)];
    match m.next_value_seed(AnswerSeed { b, fact })? {
        None => {}
        Some(Ok(v)) => facts.set(idx, v),
        Some(Err(e)) => errors.push(format!("facts.{}: {e}", fact.id)),
    }
    Ok(())
}

struct FactsSeed<'a, 'p> {
    b: &'a Binder<'p>,
    facts: &'a mut Facts,
    errors: &'a mut Vec<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for FactsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FactsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of answers")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(k) = m.next_key_seed(KeySeed(self.b))? {
            let k = match k {
                // Inside `facts`, `id` and `facts` are fact names like any other.
                Key::Id => self.b.names.get("id").map_or(Key::Id, |&i| Key::Fact(i)),
                Key::Facts => self
                    .b
                    .names
                    .get("facts")
                    .map_or(Key::Facts, |&i| Key::Fact(i)),
                k => k,
            };
            bind_next(self.b, self.facts, self.errors, k, &mut m)?;
        }
        Ok(())
    }
}

struct ProfileSeed<'a, 'p> {
    b: &'a Binder<'p>,
}

impl<'de> serde::de::DeserializeSeed<'de> for ProfileSeed<'_, '_> {
    type Value = Result<Bound, String>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ProfileSeed<'_, '_> {
    type Value = Result<Bound, String>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object (one profile per line)")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let pack = self.b.pack;
        let mut facts = Facts::empty(pack);
        let mut errors = Vec::new();
        let mut id = None;
        let mut nested = false;
        let mut flat: Option<String> = None;
        while let Some(k) = m.next_key_seed(KeySeed(self.b))? {
            match k {
                Key::Id => {
                    id = match m.next_value::<RawOpt>()?.0 {
                        None => None,
                        Some(RawValue::Str(s)) => Some(s),
                        Some(RawValue::Num(n)) => Some(n.to_string()),
                        Some(_) => {
                            errors.push("`id` must be a string or a number".into());
                            None
                        }
                    }
                }
                Key::Facts => {
                    nested = true;
                    m.next_value_seed(FactsSeed {
                        b: self.b,
                        facts: &mut facts,
                        errors: &mut errors,
                    })?;
                }
                other => {
                    if flat.is_none() {
                        flat = Some(match &other {
                            Key::Fact(i) => pack.facts[usize::from(*i)].id.clone(),
                            Key::Other(k) => k.clone(),
                            Key::Id | Key::Facts => String::new(),
                        });
                    }
                    bind_next(self.b, &mut facts, &mut errors, other, &mut m)?;
                }
            }
        }
        if nested && let Some(k) = flat {
            errors.insert(
                0,
                format!("unknown key `{k}` beside `facts` (a profile has `id` and `facts`)"),
            );
        }
        Ok(if errors.is_empty() {
            Ok(Bound { id, facts })
        } else {
            Err(errors.join("; "))
        })
    }
}

/// Parses and binds one JSON line: by the fast scanner when the line has the common shape,
/// otherwise (and for every error message) by serde.
fn bind_jsonl(b: &Binder<'_>, text: &[u8]) -> Result<Bound, String> {
    match scan::bind_fast(b, text) {
        Some(bound) => Ok(bound),
        None => bind_jsonl_serde(b, text),
    }
}

/// Parses and binds one JSON line with serde (the reference the fast scanner must agree with).
fn bind_jsonl_serde(b: &Binder<'_>, text: &[u8]) -> Result<Bound, String> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_slice(text);
    let r = ProfileSeed { b }
        .deserialize(&mut de)
        .map_err(|e| format!("not a JSON object of answers: {e}"))?;
    de.end().map_err(|e| format!("not JSON: {e}"))?;
    r
}

/// The result of one profile.
struct Evaluated {
    line: u64,
    id: Option<String>,
    before: Vec<Verdict>,
    after: Vec<Verdict>,
    /// (clause index in the base pack, before, after) for clauses whose outcome changed.
    flips: Vec<(u32, Outcome, Outcome)>,
    /// The answers as given (only when they will be written out).
    raw: Option<serde_json::Value>,
}

/// Per-thread buffers.
struct Work {
    ev: Evaluator,
    ev2: Evaluator,
    o1: Vec<Outcome>,
    o2: Vec<Outcome>,
}

/// For a comparison: where each base route and clause is in the other pack.
struct Matching {
    route: Vec<Option<usize>>,
    clause: Vec<Option<usize>>,
}

fn matching(base: &Pack, other: &Pack) -> Matching {
    let mut other_clause = std::collections::HashMap::new();
    let mut i = 0;
    for r in &other.routes {
        for c in &r.clauses {
            other_clause.insert(c.id.as_str(), i);
            i += 1;
        }
    }
    Matching {
        route: base.routes.iter().map(|r| other.route_idx(&r.id)).collect(),
        clause: base
            .routes
            .iter()
            .flat_map(|r| r.clauses.iter())
            .map(|c| other_clause.get(c.id.as_str()).copied())
            .collect(),
    }
}

/// The facts of an item bound to `pack`.
fn bind_item(
    b: &Binder<'_>,
    item: &Item,
    buf: &[u8],
) -> Result<(u64, Option<String>, Facts), (u64, String)> {
    match item {
        Item::Json(line, r) => bind_jsonl(b, &buf[r.clone()])
            .map(|b| (*line, b.id, b.facts))
            .map_err(|e| (*line, e)),
        Item::Csv(p) => bind_table(b.pack, &p.facts, "facts")
            .map(|f| (p.line, p.id.clone(), f))
            .map_err(|e| (p.line, e.to_string().replace('\n', "; "))),
        Item::Bad(line, e) => Err((*line, e.clone())),
    }
}

/// The answers of an item as JSON (for `--out`).
fn item_json(item: &Item, buf: &[u8]) -> serde_json::Value {
    match item {
        Item::Json(_, r) => match serde_json::from_slice::<serde_json::Value>(&buf[r.clone()]) {
            Ok(serde_json::Value::Object(mut m)) => match m.remove("facts") {
                Some(f) => f,
                None => {
                    m.remove("id");
                    serde_json::Value::Object(m)
                }
            },
            _ => serde_json::Value::Null,
        },
        Item::Csv(p) => serde_json::Value::Object(
            p.facts
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect(),
        ),
        Item::Bad(..) => serde_json::Value::Null,
    }
}

fn evaluate(
    w: &mut Work,
    item: &Item,
    buf: &[u8],
    base: &Side<'_>,
    cmp: Option<&Side<'_>>,
    m: Option<&Matching>,
    keep_raw: bool,
) -> Result<Evaluated, (u64, String)> {
    let (line, id, facts) = bind_item(&base.binder, item, buf)?;
    let mut before = vec![Verdict::DoesNotFit; base.pack.routes.len()];
    w.ev.verdicts(base.pack, facts.values(), base.as_of, &mut before);
    let mut after = Vec::new();
    let mut flips = Vec::new();
    if let (Some(cmp), Some(m)) = (cmp, m) {
        let other_facts;
        let facts2 = if std::ptr::eq(cmp.pack, base.pack) {
            &facts
        } else {
            other_facts = bind_item(&cmp.binder, item, buf)
                .map(|x| x.2)
                .map_err(|(l, e)| (l, format!("(compare pack) {e}")))?;
            &other_facts
        };
        let mut v2 = vec![Verdict::DoesNotFit; cmp.pack.routes.len()];
        w.ev2
            .verdicts(cmp.pack, facts2.values(), cmp.as_of, &mut v2);
        after = m
            .route
            .iter()
            .map(|r| r.map_or(Verdict::DoesNotFit, |r| v2[r]))
            .collect();
        clause_outcomes(&mut w.ev, base.pack, facts.values(), base.as_of, &mut w.o1);
        clause_outcomes(&mut w.ev2, cmp.pack, facts2.values(), cmp.as_of, &mut w.o2);
        for (ci, (o1, other)) in w.o1.iter().zip(&m.clause).enumerate() {
            if let Some(oi) = other
                && let Some(o2) = w.o2.get(*oi)
                && outcome_name(*o1) != outcome_name(*o2)
            {
                flips.push((ci as u32, *o1, *o2));
            }
        }
    }
    let changed = !after.is_empty() && after != before;
    Ok(Evaluated {
        line,
        id,
        before,
        after,
        flips,
        raw: (keep_raw && changed).then(|| item_json(item, buf)),
    })
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::NotInForce => "not_in_force",
        Outcome::NotApplicable => "not_applicable",
        Outcome::Met => "met",
        Outcome::MetByException(_) => "met_by_exception",
        Outcome::NotMet => "not_met",
        Outcome::Unknown => "unknown",
        Outcome::Triggered => "triggered",
        Outcome::NotTriggered => "not_triggered",
        Outcome::TriggerUnknown => "trigger_unknown",
    }
}

/// Totals of a run.
struct Summary {
    profiles: u64,
    skipped: u64,
    seconds: f64,
    threads: usize,
    /// [route][verdict] counts, base side.
    before: Vec<[u64; 4]>,
    /// [route][verdict] counts, compared side.
    after: Vec<[u64; 4]>,
    /// [route][before verdict][after verdict].
    transitions: Vec<[[u64; 4]; 4]>,
    changed: u64,
    /// Per base clause: profiles whose outcome of it changed, and the most common change.
    flips: Vec<u64>,
    flip_kinds: Vec<BTreeMap<(&'static str, &'static str), u64>>,
    route_ids: Vec<String>,
    clause_ids: Vec<(usize, String)>,
    compared: bool,
}

fn vidx(v: Verdict) -> usize {
    match v {
        Verdict::Fits => 0,
        Verdict::FitsWithConditions => 1,
        Verdict::NeedsInformation => 2,
        Verdict::DoesNotFit => 3,
    }
}

struct Reader {
    format: InputFormat,
    lines: Option<BufReader<Counting<File>>>,
    csv: Option<(csv::Reader<Counting<File>>, Vec<Column>)>,
    line: u64,
    bytes_read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// A CSV column: an `id` column or a fact (set facts split at `;`).
#[derive(Clone)]
enum Column {
    Id,
    Fact { name: String, set: bool },
}

/// A reader that counts the bytes it has read (for the progress bar).
struct Counting<R> {
    inner: R,
    count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

impl Reader {
    fn open(path: &Path, pack: &Pack) -> Result<Reader> {
        let format = input_format(path)?;
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes_read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counting = Counting {
            inner: file,
            count: bytes_read.clone(),
        };
        match format {
            InputFormat::Jsonl => Ok(Reader {
                format,
                lines: Some(BufReader::with_capacity(1 << 20, counting)),
                csv: None,
                line: 0,
                bytes_read,
            }),
            InputFormat::Csv => {
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(counting);
                let headers = rdr
                    .headers()
                    .with_context(|| format!("{}: cannot read the CSV header", path.display()))?
                    .clone();
                let cols = headers
                    .iter()
                    .map(|h| {
                        let h = h.trim();
                        if h == "id" {
                            Column::Id
                        } else {
                            let set = pack
                                .fact(h)
                                .is_some_and(|f| f.kind == qonys_law::pack::FactType::Set);
                            Column::Fact {
                                name: h.to_string(),
                                set,
                            }
                        }
                    })
                    .collect();
                Ok(Reader {
                    format,
                    lines: None,
                    csv: Some((rdr, cols)),
                    line: 1,
                    bytes_read,
                })
            }
        }
    }

    /// Reads up to `max` profiles into `items` (JSON lines stay bytes in `buf`).
    fn next_chunk(&mut self, max: usize, buf: &mut Vec<u8>, items: &mut Vec<Item>) -> Result<()> {
        buf.clear();
        items.clear();
        match self.format {
            InputFormat::Jsonl => {
                let Some(r) = self.lines.as_mut() else {
                    return Ok(());
                };
                while items.len() < max {
                    let start = buf.len();
                    let n = r
                        .read_until(b'\n', buf)
                        .context("cannot read the profiles")?;
                    if n == 0 {
                        break;
                    }
                    self.line += 1;
                    let mut end = buf.len();
                    while end > start && matches!(buf[end - 1], b'\n' | b'\r') {
                        end -= 1;
                    }
                    if buf[start..end].iter().all(u8::is_ascii_whitespace) {
                        buf.truncate(start);
                        continue;
                    }
                    items.push(Item::Json(self.line, start..end));
                }
            }
            InputFormat::Csv => {
                let Some((rdr, cols)) = self.csv.as_mut() else {
                    return Ok(());
                };
                let mut rec = csv::StringRecord::new();
                while items.len() < max {
                    match rdr.read_record(&mut rec) {
                        Ok(false) => break,
                        Ok(true) => {
                            self.line = rec.position().map_or(self.line + 1, |p| p.line());
                            items.push(match csv_profile(self.line, &rec, cols) {
                                Ok(p) => Item::Csv(p),
                                Err((l, e)) => Item::Bad(l, e),
                            });
                        }
                        Err(e) => {
                            self.line += 1;
                            let line = e.position().map_or(self.line, |p| p.line());
                            items.push(Item::Bad(line, format!("bad CSV: {e}")));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

fn csv_profile(
    line: u64,
    rec: &csv::StringRecord,
    cols: &[Column],
) -> Result<Profile, (u64, String)> {
    if rec.len() != cols.len() {
        return Err((
            line,
            format!("{} fields, the header has {}", rec.len(), cols.len()),
        ));
    }
    let mut id = None;
    let mut facts = BTreeMap::new();
    for (cell, col) in rec.iter().zip(cols) {
        let cell = cell.trim();
        match col {
            Column::Id => id = (!cell.is_empty()).then(|| cell.to_string()),
            Column::Fact { name, set } => {
                if cell.is_empty() {
                    continue;
                }
                let v = if *set && !cell.eq_ignore_ascii_case("unknown") {
                    RawValue::List(
                        cell.split(';')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(|s| RawValue::Str(s.to_string()))
                            .collect(),
                    )
                } else {
                    RawValue::Str(cell.to_string())
                };
                facts.insert(name.clone(), v);
            }
        }
    }
    Ok(Profile { line, id, facts })
}

fn evaluate_file(
    path: &Path,
    base: &Side<'_>,
    cmp: Option<&Side<'_>>,
    args: &BatchArgs,
) -> Result<Summary> {
    let started = Instant::now();
    let total_bytes = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let mut reader = Reader::open(path, base.pack)?;
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(total_bytes);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let m = cmp.map(|c| matching(base.pack, c.pack));
    let mut out = match &args.out {
        Some(p) => Some(BufWriter::new(
            File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => None,
    };
    let nr = base.pack.routes.len();
    let clause_ids: Vec<(usize, String)> = base
        .pack
        .routes
        .iter()
        .enumerate()
        .flat_map(|(ri, r)| r.clauses.iter().map(move |c| (ri, c.id.clone())))
        .collect();
    let mut s = Summary {
        profiles: 0,
        skipped: 0,
        seconds: 0.0,
        threads: rayon::current_num_threads(),
        before: vec![[0; 4]; nr],
        after: vec![[0; 4]; nr],
        transitions: vec![[[0; 4]; 4]; nr],
        changed: 0,
        flips: vec![0; clause_ids.len()],
        flip_kinds: vec![BTreeMap::new(); clause_ids.len()],
        route_ids: base.pack.routes.iter().map(|r| r.id.clone()).collect(),
        clause_ids,
        compared: cmp.is_some(),
    };
    let keep_raw = out.is_some();
    let chunk = args.chunk.max(1);
    let mut results: Vec<Result<Evaluated, (u64, String)>> = Vec::with_capacity(chunk);
    let mut errors_shown = 0;
    let bytes_read = reader.bytes_read.clone();
    std::thread::scope(|sc| -> Result<()> {
        // Reading overlaps evaluation: a reader thread fills the next chunk while the pool
        // evaluates this one (at most three chunks in memory), and buffers are reused.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(Vec<u8>, Vec<Item>)>>(1);
        let (back, spare) = std::sync::mpsc::channel::<(Vec<u8>, Vec<Item>)>();
        sc.spawn(move || {
            loop {
                let (mut buf, mut items) = spare
                    .try_recv()
                    .unwrap_or_else(|_| (Vec::new(), Vec::with_capacity(chunk)));
                let r = reader.next_chunk(chunk, &mut buf, &mut items);
                let last = r.is_err() || items.is_empty();
                if tx.send(r.map(|()| (buf, items))).is_err() || last {
                    break;
                }
            }
        });
        for next in rx {
            let (buf, items) = next?;
            if items.is_empty() {
                break;
            }
            let buf_ref = &buf;
            items
                .par_iter()
                .with_min_len(64)
                .map_init(
                    || Work {
                        ev: Evaluator::new(),
                        ev2: Evaluator::new(),
                        o1: Vec::new(),
                        o2: Vec::new(),
                    },
                    |w, it| evaluate(w, it, buf_ref, base, cmp, m.as_ref(), keep_raw),
                )
                .collect_into_vec(&mut results);
            for r in results.drain(..) {
                let e = match r {
                    Ok(e) => e,
                    Err((line, msg)) => {
                        if args.on_error == OnError::Stop {
                            bar.finish_and_clear();
                            bail!("{}:{line}: {msg}", path.display());
                        }
                        s.skipped += 1;
                        if errors_shown < 20 {
                            bar.suspend(|| eprintln!("{}:{line}: skipped: {msg}", path.display()));
                            errors_shown += 1;
                        }
                        continue;
                    }
                };
                s.profiles += 1;
                for (ri, v) in e.before.iter().enumerate() {
                    s.before[ri][vidx(*v)] += 1;
                }
                if s.compared {
                    let mut changed = false;
                    for (ri, (b, a)) in e.before.iter().zip(&e.after).enumerate() {
                        s.after[ri][vidx(*a)] += 1;
                        s.transitions[ri][vidx(*b)][vidx(*a)] += 1;
                        changed |= a != b;
                    }
                    for &(ci, o1, o2) in &e.flips {
                        s.flips[ci as usize] += 1;
                        *s.flip_kinds[ci as usize]
                            .entry((outcome_name(o1), outcome_name(o2)))
                            .or_insert(0) += 1;
                    }
                    if changed {
                        s.changed += 1;
                        if let Some(w) = out.as_mut() {
                            write_changed(w, &e, &s, base.pack)?;
                        }
                    }
                } else if let Some(w) = out.as_mut() {
                    write_verdicts(w, &e, &s)?;
                }
            }
            bar.set_position(bytes_read.load(std::sync::atomic::Ordering::Relaxed));
            bar.set_message(format!("{} profiles", s.profiles));
            let _ = back.send((buf, items));
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    if let Some(mut w) = out {
        w.flush()?;
    }
    s.seconds = started.elapsed().as_secs_f64();
    Ok(s)
}

fn write_changed(w: &mut impl Write, e: &Evaluated, s: &Summary, pack: &Pack) -> Result<()> {
    let mut routes = serde_json::Map::new();
    for (ri, (b, a)) in e.before.iter().zip(&e.after).enumerate() {
        if a != b {
            routes.insert(
                s.route_ids[ri].clone(),
                serde_json::json!({ "before": b.as_str(), "after": a.as_str() }),
            );
        }
    }
    let flipped: Vec<serde_json::Value> = e
        .flips
        .iter()
        .map(|&(ci, o1, o2)| {
            let (ri, id) = &s.clause_ids[ci as usize];
            let _ = pack;
            serde_json::json!({
                "route": s.route_ids[*ri],
                "clause": id,
                "before": outcome_name(o1),
                "after": outcome_name(o2),
            })
        })
        .collect();
    let line = serde_json::json!({
        "line": e.line,
        "id": e.id,
        "changed": routes,
        "flipped_clauses": flipped,
        "facts": e.raw.clone().unwrap_or(serde_json::Value::Null),
    });
    writeln!(w, "{line}")?;
    Ok(())
}

fn write_verdicts(w: &mut impl Write, e: &Evaluated, s: &Summary) -> Result<()> {
    let verdicts: serde_json::Map<String, serde_json::Value> = e
        .before
        .iter()
        .enumerate()
        .map(|(ri, v)| (s.route_ids[ri].clone(), v.as_str().into()))
        .collect();
    let line = serde_json::json!({ "line": e.line, "id": e.id, "verdicts": verdicts });
    writeln!(w, "{line}")?;
    Ok(())
}

impl Summary {
    fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            (self.profiles + self.skipped) as f64 / self.seconds
        } else {
            0.0
        }
    }

    fn text(&self, base: &Side<'_>, cmp: Option<&Side<'_>>) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{} profiles evaluated ({} skipped) with pack {} {} as of {} in {:.2} s on {} threads: {:.0} profiles/s",
            self.profiles,
            self.skipped,
            base.pack.meta.id,
            base.pack.meta.version,
            base.as_of,
            self.seconds,
            self.threads,
            self.rate()
        );
        let table = |o: &mut String, title: &str, counts: &[[u64; 4]]| {
            let _ = writeln!(o, "\n{title}");
            let _ = writeln!(
                o,
                "  {:<24} {:>10} {:>16} {:>11} {:>13}",
                "route", "fits", "with conditions", "needs info", "does not fit"
            );
            for (ri, c) in counts.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "  {:<24} {:>10} {:>16} {:>11} {:>13}",
                    self.route_ids[ri], c[0], c[1], c[2], c[3]
                );
            }
        };
        table(
            &mut o,
            &format!("as of {} ({}):", base.as_of, base.label),
            &self.before,
        );
        if let Some(c) = cmp {
            table(
                &mut o,
                &format!(
                    "compared: {} as of {} ({}):",
                    c.pack.meta.id, c.as_of, c.label
                ),
                &self.after,
            );
            let pct = if self.profiles > 0 {
                100.0 * self.changed as f64 / self.profiles as f64
            } else {
                0.0
            };
            let _ = writeln!(
                o,
                "\n{} profiles ({pct:.1}%) change verdict on at least one route.",
                self.changed
            );
            let _ = writeln!(o, "\nverdict changes by route:");
            for (ri, t) in self.transitions.iter().enumerate() {
                for (b, row) in t.iter().enumerate() {
                    for (a, &n) in row.iter().enumerate() {
                        if a != b && n > 0 {
                            let _ = writeln!(
                                o,
                                "  {:<24} {:>22} -> {:<22} {n:>10}",
                                self.route_ids[ri],
                                Verdict::ALL[b].as_str(),
                                Verdict::ALL[a].as_str()
                            );
                        }
                    }
                }
            }
            let mut flipped: Vec<(usize, u64)> = self
                .flips
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| (i, *n))
                .collect();
            flipped.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let _ = writeln!(
                o,
                "\nclauses that flipped (profiles whose outcome changed):"
            );
            if flipped.is_empty() {
                let _ = writeln!(o, "  none");
            }
            for (ci, n) in flipped {
                let kinds: Vec<String> = self.flip_kinds[ci]
                    .iter()
                    .map(|((a, b), k)| format!("{a} -> {b}: {k}"))
                    .collect();
                let _ = writeln!(
                    o,
                    "  {:<48} {n:>10}   ({})",
                    self.clause_ids[ci].1,
                    kinds.join(", ")
                );
            }
        }
        o
    }

    fn json(&self, base: &Side<'_>, cmp: Option<&Side<'_>>) -> serde_json::Value {
        let counts = |c: &[[u64; 4]]| -> serde_json::Value {
            c.iter()
                .enumerate()
                .map(|(ri, c)| {
                    (
                        self.route_ids[ri].clone(),
                        serde_json::json!({
                            "fits": c[0], "fits_with_conditions": c[1],
                            "needs_information": c[2], "does_not_fit": c[3],
                        }),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
                .into()
        };
        let mut v = serde_json::json!({
            "profiles": self.profiles,
            "skipped": self.skipped,
            "seconds": self.seconds,
            "profiles_per_second": self.rate(),
            "threads": self.threads,
            "pack": format!("{} {}", base.pack.meta.id, base.pack.meta.version),
            "as_of": base.as_of.to_string(),
            "routes": counts(&self.before),
        });
        if let Some(c) = cmp {
            let flipped: serde_json::Map<String, serde_json::Value> = self
                .flips
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(ci, n)| {
                    let kinds: serde_json::Map<String, serde_json::Value> = self.flip_kinds[ci]
                        .iter()
                        .map(|((a, b), k)| (format!("{a} -> {b}"), (*k).into()))
                        .collect();
                    (
                        self.clause_ids[ci].1.clone(),
                        serde_json::json!({ "route": self.route_ids[self.clause_ids[ci].0], "profiles": n, "changes": kinds }),
                    )
                })
                .collect();
            v["compare"] = serde_json::json!({
                "pack": format!("{} {}", c.pack.meta.id, c.pack.meta.version),
                "as_of": c.as_of.to_string(),
                "routes": counts(&self.after),
                "changed_profiles": self.changed,
                "flipped_clauses": flipped,
            });
        }
        v
    }
}

// ---------------------------------------------------------------------------------------------
// Synthetic profiles

/// SplitMix64: a small, fast, seedable generator (one stream per profile, so the file does
/// not depend on the number of threads).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }

    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1).max(1) as u64)) as i64
    }

    fn pick<'a>(&mut self, items: &[(&'a str, f64)]) -> &'a str {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.f() * total;
        for (s, w) in items {
            if x < *w {
                return s;
            }
            x -= w;
        }
        items.last().map_or("", |(s, _)| s)
    }
}

const CITIZENSHIPS: &[(&str, f64)] = &[
    ("RU", 0.22),
    ("UZ", 0.10),
    ("KG", 0.07),
    ("CN", 0.08),
    ("TJ", 0.04),
    ("TR", 0.05),
    ("IN", 0.05),
    ("DE", 0.04),
    ("US", 0.04),
    ("BY", 0.04),
    ("AM", 0.03),
    ("UA", 0.04),
    ("MN", 0.04),
    ("KR", 0.03),
    ("AZ", 0.03),
    ("GB", 0.02),
    ("PK", 0.02),
    ("IR", 0.02),
    ("KZ", 0.01),
];

/// One synthetic profile's answers (only facts the pack declares are kept).
fn synthetic(
    pack: &Pack,
    rng: &mut Rng,
    as_of: Date,
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value as J;
    let mut f = serde_json::Map::new();
    let purposes_opts = [
        ("work", 0.35),
        ("family", 0.15),
        ("study", 0.12),
        ("business", 0.08),
        ("self_employment", 0.05),
        ("remote_work", 0.12),
        ("investment", 0.04),
        ("repatriation", 0.06),
        ("none_specific", 0.03),
    ];
    let mut purposes = vec![rng.pick(&purposes_opts)];
    if rng.chance(0.25) {
        let p = rng.pick(&purposes_opts);
        if !purposes.contains(&p) {
            purposes.push(p);
        }
    }
    let has = |p: &str| purposes.contains(&p);
    let citizenship = if rng.chance(0.08) && !pack.countries.is_empty() {
        let i = rng.int(0, pack.countries.len() as i64 - 1) as usize;
        pack.countries[i].code.clone()
    } else {
        rng.pick(CITIZENSHIPS).to_string()
    };
    let ethnic_p = if has("repatriation") {
        0.9
    } else if ["CN", "UZ", "MN", "RU", "KG", "TR"].contains(&citizenship.as_str()) {
        0.15
    } else {
        0.02
    };
    let ethnic = rng.chance(ethnic_p);
    // Age 16–70, most between 22 and 45.
    let age = (rng.range(16.0, 45.0) * 0.7 + rng.range(16.0, 70.0) * 0.3).floor() as i32;
    let dob = as_of.add_days(-(age * 365 + rng.int(0, 364) as i32));
    let stay_goal = if has("repatriation") && rng.chance(0.7) {
        "permanent"
    } else {
        rng.pick(&[("temporary", 0.6), ("permanent", 0.3), ("not_sure", 0.1)])
    };
    let offer = rng.chance(if has("work") { 0.7 } else { 0.05 });
    let remote = has("remote_work");
    let family = has("family");
    let spouse = family && rng.chance(0.5);
    let b = |x: bool| J::Bool(x);
    let s = |x: &str| J::String(x.to_string());
    let money = |x: f64| J::from((x * 100.0).round() / 100.0);
    let mut put = |k: &str, v: J, core: bool, rng: &mut Rng| {
        // Most facts are answered; a few are left open (unknown to the engine).
        let skip = if core { 0.02 } else { 0.08 };
        if !rng.chance(skip) {
            f.insert(k.to_string(), v);
        }
    };
    put("stay_goal", s(stay_goal), true, rng);
    put(
        "purposes",
        J::Array(purposes.iter().map(|p| s(p)).collect()),
        true,
        rng,
    );
    put("citizenship", s(&citizenship), true, rng);
    put("date_of_birth", s(&dob.to_string()), true, rng);
    put("is_ethnic_kazakh", b(ethnic), false, rng);
    let former = rng.chance(if ethnic { 0.2 } else { 0.03 });
    put("is_former_citizen", b(former), false, rng);
    put("in_demand_profession", b(rng.chance(0.1)), false, rng);
    let vfe = rng.chance(0.7);
    put("visa_free_entry", b(vfe), false, rng);
    put(
        "visa_free_agreement_country",
        b(rng.chance(0.5)),
        false,
        rng,
    );
    let visa = rng.pick(&[
        ("none", 0.6),
        ("b8_permanent_residency", 0.05),
        ("investor_multiple_entry", 0.03),
        ("in_demand_professions", 0.04),
        ("other", 0.28),
    ]);
    put("current_visa", s(visa), false, rng);
    put("is_refugee", b(rng.chance(0.01)), false, rng);
    let inkz = rng.chance(0.5);
    put("in_kazakhstan", b(inkz), false, rng);
    put("arrival_registered", b(inkz && rng.chance(0.8)), false, rng);
    put("has_employment_offer", b(offer), false, rng);
    if offer {
        let st = rng.pick(&[("issued", 0.3), ("applied", 0.3), ("not_started", 0.4)]);
        put("work_permit_status", s(st), false, rng);
    }
    put("intra_corporate_transfer", b(rng.chance(0.04)), false, rng);
    put(
        "first_head_of_foreign_owned_company",
        b(rng.chance(0.02)),
        false,
        rng,
    );
    let sponsor = if family {
        rng.pick(&[
            ("citizen", 0.5),
            ("permanent_resident", 0.2),
            ("temporary_resident", 0.15),
            ("business_immigrant", 0.05),
            ("visitor", 0.1),
        ])
    } else {
        "none"
    };
    put("sponsor_status", s(sponsor), false, rng);
    if family {
        let rel = if spouse {
            "spouse"
        } else {
            rng.pick(&[("child", 0.4), ("parent", 0.4), ("other_relative", 0.2)])
        };
        put("sponsor_relationship", s(rel), false, rng);
        if spouse {
            let married = as_of.add_days(-(rng.int(30, 20 * 365) as i32));
            put("marriage_date", s(&married.to_string()), false, rng);
        }
        put(
            "household_monthly_income_kzt",
            money(rng.range(120_000.0, 2_000_000.0)),
            false,
            rng,
        );
        put("family_members_count", J::from(rng.int(1, 6)), false, rng);
        put("sponsor_documents_ready", b(rng.chance(0.6)), false, rng);
    }
    if has("study") {
        put("enrolled_full_time", b(rng.chance(0.8)), false, rng);
        put(
            "institution_application_filed",
            b(rng.chance(0.6)),
            false,
            rng,
        );
    } else {
        put("enrolled_full_time", b(false), false, rng);
    }
    if has("business") {
        put("business_activity_genuine", b(rng.chance(0.8)), false, rng);
        put(
            "company_registered_and_capital_transferred",
            b(rng.chance(0.4)),
            false,
            rng,
        );
    }
    if has("self_employment") {
        put(
            "self_employment_profession_listed",
            b(rng.chance(0.5)),
            false,
            rng,
        );
        put(
            "qualification_certificate_issued",
            b(rng.chance(0.4)),
            false,
            rng,
        );
    }
    let income = if remote {
        rng.range(500.0, 10_000.0)
    } else if rng.chance(0.3) {
        rng.range(0.0, 3_000.0)
    } else {
        0.0
    };
    put("monthly_foreign_income_usd", money(income), false, rng);
    put(
        "works_remotely_for_foreign_employer",
        b(remote && rng.chance(0.9)),
        false,
        rng,
    );
    put("income_evidence_ready", b(rng.chance(0.6)), false, rng);
    put(
        "is_it_specialist",
        b(rng.chance(if remote { 0.6 } else { 0.15 })),
        false,
        rng,
    );
    put("astana_hub_confirmation", b(rng.chance(0.25)), false, rng);
    if has("investment") {
        put(
            "planned_investment_usd",
            money(rng.range(50_000.0, 1_000_000.0)),
            false,
            rng,
        );
        put("investment_made", b(rng.chance(0.4)), false, rng);
    }
    put(
        "savings_kzt",
        money(rng.range(0.0, 12_000_000.0)),
        false,
        rng,
    );
    put("criminal_prosecution", b(rng.chance(0.02)), false, rng);
    if ethnic {
        put("kandas_status_granted", b(rng.chance(0.3)), false, rng);
    }
    // Keep only the pack's facts; give other facts of another pack a plain random answer.
    f.retain(|k, _| pack.fact(k).is_some());
    for fact in &pack.facts {
        if f.contains_key(&fact.id) || rng.chance(0.5) {
            continue;
        }
        use qonys_law::pack::FactType as T;
        let v = match &fact.kind {
            T::Bool => b(rng.chance(0.5)),
            T::Enum => match fact
                .options
                .get(rng.int(0, fact.options.len() as i64 - 1) as usize)
            {
                Some(o) => s(&o.id),
                None => continue,
            },
            T::Set => J::Array(
                fact.options
                    .iter()
                    .filter(|_| rng.chance(0.3))
                    .map(|o| s(&o.id))
                    .collect(),
            ),
            T::Integer => J::from(rng.int(
                fact.min.unwrap_or(0.0) as i64,
                fact.max.unwrap_or(10.0) as i64,
            )),
            T::Number | T::Money(_) => {
                money(rng.range(fact.min.unwrap_or(0.0), fact.max.unwrap_or(1_000_000.0)))
            }
            T::Date => s(&as_of.add_days(-(rng.int(0, 20 * 365) as i32)).to_string()),
            T::Country => s(rng.pick(CITIZENSHIPS)),
        };
        f.insert(fact.id.clone(), v);
    }
    f
}

/// Writes `n` synthetic profiles as JSON Lines (deterministic for a seed).
fn generate(pack: &Pack, n: u64, seed: u64, as_of: Date, out: &Path) -> Result<()> {
    let file = File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let width = n.max(1).to_string().len();
    let block = 65_536u64;
    let mut start = 0;
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(n)
    } else {
        ProgressBar::hidden()
    };
    while start < n {
        let end = (start + block).min(n);
        let lines: Vec<String> = (start..end)
            .into_par_iter()
            .map(|i| {
                let mut rng = Rng(seed ^ i.wrapping_mul(0xA076_1D64_78BD_642F));
                rng.next();
                let facts = synthetic(pack, &mut rng, as_of);
                let mut obj = serde_json::Map::new();
                obj.insert("id".into(), format!("p{:0width$}", i + 1).into());
                obj.insert("facts".into(), facts.into());
                serde_json::Value::Object(obj).to_string()
            })
            .collect();
        for l in lines {
            w.write_all(l.as_bytes())?;
            w.write_all(b"\n")?;
        }
        bar.set_position(end);
        start = end;
    }
    bar.finish_and_clear();
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_is_deterministic_and_binds() {
        let pack = qonys_law::bundled::load().expect("bundled pack");
        let as_of = Date::from_ymd(2026, 9, 1).expect("date");
        for i in 0..200u64 {
            let a = synthetic(&pack, &mut Rng(i), as_of);
            let b = synthetic(&pack, &mut Rng(i), as_of);
            assert_eq!(a, b);
            let text = serde_json::json!({ "id": i, "facts": a }).to_string();
            bind_jsonl(&Binder::new(&pack), text.as_bytes()).expect("binds to the pack");
        }
    }

    /// The fast scanner binds exactly what serde binds, or gives up; on generated profiles it
    /// never gives up (so the fast path is the one measured).
    #[test]
    fn fast_scanner_agrees_with_serde() {
        let pack = qonys_law::bundled::load().expect("bundled pack");
        let b = Binder::new(&pack);
        let same = |text: &str| -> bool {
            let Some(fast) = scan::bind_fast(&b, text.as_bytes()) else {
                return false;
            };
            let slow = bind_jsonl_serde(&b, text.as_bytes())
                .unwrap_or_else(|e| panic!("fast path bound a line serde refuses: {text}: {e}"));
            assert_eq!(fast.id, slow.id, "{text}");
            for f in 0..pack.facts.len() {
                let i = u16::try_from(f).expect("fact index");
                let (a, s) = (fast.facts.get(i), slow.facts.get(i));
                let same_value = match (a, s) {
                    (qonys_law::pack::V::Num(x), qonys_law::pack::V::Num(y)) => {
                        x.to_bits() == y.to_bits()
                    }
                    _ => a == s,
                };
                assert!(
                    same_value,
                    "{text}: fact {}: {a:?} vs {s:?}",
                    pack.facts[f].id
                );
                assert_eq!(
                    fast.facts.is_answered(i),
                    slow.facts.is_answered(i),
                    "{text}: fact {}",
                    pack.facts[f].id
                );
            }
            true
        };
        let as_of = Date::from_ymd(2026, 9, 1).expect("date");
        for i in 0..2_000u64 {
            let a = synthetic(&pack, &mut Rng(i), as_of);
            let nested = serde_json::json!({ "id": format!("p{i}"), "facts": a }).to_string();
            assert!(
                same(&nested),
                "fast path gave up on a generated line: {nested}"
            );
            let mut flat = a.clone();
            flat.insert("id".into(), serde_json::json!(i));
            let flat = serde_json::to_string_pretty(&flat).expect("json");
            assert!(same(&flat), "fast path gave up on a generated line: {flat}");
        }
        // Edge cases: each either binds identically or falls back to serde.
        let mut taken = 0;
        for text in [
            r#"{}"#,
            r#" { "facts" : { } } "#,
            r#"{"id": null, "stay_goal": "permanent"}"#,
            r#"{"id": 12.50, "savings_kzt": 0}"#,
            r#"{"savings_kzt": 3000.0}"#,
            r#"{"savings_kzt": 0.1}"#,
            r#"{"savings_kzt": 123456789012345}"#,
            r#"{"savings_kzt": 1234567890123456}"#,
            r#"{"savings_kzt": 1e6}"#,
            r#"{"savings_kzt": 01}"#,
            r#"{"savings_kzt": 1.}"#,
            r#"{"savings_kzt": -0}"#,
            r#"{"savings_kzt": "5 000 000 KZT"}"#,
            r#"{"savings_kzt": "unknown"}"#,
            r#"{"savings_kzt": true}"#,
            r#"{"stay_goal": "permanent"}"#,
            r#"{"stay_goal": " permanent "}"#,
            r#"{"stay_goal": "UNKNOWN"}"#,
            r#"{"stay_goal": "nonsense"}"#,
            r#"{"purposes": []}"#,
            r#"{"purposes": ["work", "work"]}"#,
            r#"{"purposes": "work"}"#,
            r#"{"purposes": ["work", 3]}"#,
            r#"{"purposes": ["unknown"]}"#,
            r#"{"citizenship": "de"}"#,
            r#"{"citizenship": "Germany"}"#,
            r#"{"facts": {"stay_goal": "permanent"}, "stay_goal": "permanent"}"#,
            r#"{"facts": {"id": 3}}"#,
            r#"{"nope": 1}"#,
            r#"{"stay_goal": "permanent",}"#,
            r#"{"stay_goal": "permanent"} x"#,
            r#"{"stay_goal": "permanent"}{}"#,
            "{\"stay_goal\": \"perm\tanent\"}",
            r#"{"id": "a"b"}"#,
            r#"{"stay_goal": null, "stay_goal": "permanent"}"#,
        ] {
            taken += usize::from(same(text));
        }
        assert!(taken >= 10, "the fast path took only {taken} edge cases");
        // Mutated lines (bytes replaced, dropped or doubled at random): the scanner never
        // panics, and whatever it binds, serde binds the same.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        const BYTES: &[u8] = b"{}[]\":,.-+eE0123456789 \t\\ntrufalsenul\xc3\xa9";
        for i in 0..3_000u64 {
            let a = synthetic(&pack, &mut Rng(i), as_of);
            let mut line = serde_json::json!({ "id": i, "facts": a })
                .to_string()
                .into_bytes();
            for _ in 0..(1 + next() % 4) {
                let at = (next() as usize) % line.len();
                match next() % 3 {
                    0 => line[at] = BYTES[(next() as usize) % BYTES.len()],
                    1 => {
                        line.remove(at);
                    }
                    _ => line.insert(at, line[at]),
                }
            }
            if let Ok(text) = std::str::from_utf8(&line) {
                same(text);
            } else {
                assert!(scan::bind_fast(&b, &line).is_none());
            }
        }
    }

    #[test]
    fn bad_lines_are_errors_not_panics() {
        let pack = qonys_law::bundled::load().expect("bundled pack");
        for bad in [
            "",
            "[]",
            "{",
            "{\"facts\": 3}",
            "{\"facts\": {}, \"x\": 1}",
            "{\"id\": []}",
            "{\"stay_goal\": {}}",
            "{\"purposes\": [[\"work\"]]}",
            "{\"savings_kzt\": -1} x",
        ] {
            assert!(
                bind_jsonl(&Binder::new(&pack), bad.as_bytes()).is_err(),
                "{bad}"
            );
        }
        let ok = bind_jsonl(
            &Binder::new(&pack),
            br#"{"id": 5, "stay_goal": "permanent", "purposes": null}"#,
        )
        .expect("flat profile");
        assert_eq!(ok.id.as_deref(), Some("5"));
    }
}
