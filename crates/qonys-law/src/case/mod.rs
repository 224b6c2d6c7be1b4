//! A person's case as qonys reads it: the case file format (TOML written by hand, or JSON with
//! the same shape), and the binding of its raw answers to the pack's typed facts. Every error
//! names the field and says what was expected; "unknown" is a valid answer ("I don't know").

pub mod documents;
pub mod history;
mod input;
mod json;

use std::collections::BTreeMap;

pub use documents::CaseDocument;
pub use history::{Event, EventKind, History, StatusKind, StatusPeriod};
pub use input::{AnswerError, RawValue, check_numbers, parse_amount, parse_answer};

use crate::pack::{FactIdx, Lang, Pack, V};

/// What is known about the person: one value per declared fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    values: Vec<V>,
    answered: Vec<bool>,
}

impl Facts {
    /// Nothing known.
    pub fn empty(pack: &Pack) -> Facts {
        Facts {
            values: vec![V::Unknown; pack.facts.len()],
            answered: vec![false; pack.facts.len()],
        }
    }

    /// The values, indexed by fact.
    pub fn values(&self) -> &[V] {
        &self.values
    }

    /// The value of a fact.
    pub fn get(&self, f: FactIdx) -> V {
        self.values
            .get(usize::from(f))
            .copied()
            .unwrap_or(V::Unknown)
    }

    /// Whether the fact was answered (possibly with "I don't know").
    pub fn is_answered(&self, f: FactIdx) -> bool {
        self.answered.get(usize::from(f)).copied().unwrap_or(false)
    }

    /// Records an answer (`V::Unknown` records "I don't know").
    pub fn set(&mut self, f: FactIdx, v: V) {
        if let Some(slot) = self.values.get_mut(usize::from(f)) {
            *slot = v;
            self.answered[usize::from(f)] = true;
        }
    }

    /// Forgets an answer entirely (not even "I don't know").
    pub fn clear(&mut self, f: FactIdx) {
        if let Some(slot) = self.values.get_mut(usize::from(f)) {
            *slot = V::Unknown;
            self.answered[usize::from(f)] = false;
        }
    }
}

/// An error in one field of a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field, as a path (`facts.savings_kzt`).
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Why a case file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// The text is not valid TOML / JSON.
    #[error("{0}")]
    Syntax(String),
    /// Some fields are wrong (all of them are listed).
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Fields(Vec<FieldError>),
}

/// The `[case]` table of a case file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseMeta {
    /// A title for the adviser's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Preferred language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Lang>,
}

/// A case file as written: metadata and raw answers keyed by fact id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseFile {
    /// Metadata.
    pub meta: CaseMeta,
    /// Raw answers.
    pub facts: BTreeMap<String, RawValue>,
    /// Status periods and dated events (`[[status]]`, `[[event]]`).
    pub history: History,
    /// Documents (`[[document]]`).
    pub documents: Vec<CaseDocument>,
}

const TOP_LEVEL: &[&str] = &["case", "facts", "status", "event", "document"];

impl CaseFile {
    /// Reads a case file, choosing TOML or JSON by its first non-blank character.
    pub fn parse(text: &str) -> Result<CaseFile, CaseError> {
        if text.trim_start().starts_with('{') {
            CaseFile::parse_json(text)
        } else {
            CaseFile::parse_toml(text)
        }
    }

    /// Reads a TOML case file.
    pub fn parse_toml(text: &str) -> Result<CaseFile, CaseError> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| crate::pack::line_col(text, s.start))
                .unwrap_or((0, 0));
            CaseError::Syntax(format!("line {line}, column {col}: {}", e.message()))
        })?;
        let mut errors = Vec::new();
        let mut out = CaseFile::default();
        for (key, value) in table {
            match key.as_str() {
                "case" => match value.try_into::<CaseMeta>() {
                    Ok(m) => out.meta = m,
                    Err(e) => errors.push(FieldError {
                        field: "case".into(),
                        message: e.message().to_string(),
                    }),
                },
                "facts" => match value {
                    toml::Value::Table(t) => {
                        for (k, v) in t {
                            match RawValue::from_toml(v) {
                                Ok(r) => {
                                    out.facts.insert(k, r);
                                }
                                Err(m) => errors.push(FieldError {
                                    field: format!("facts.{k}"),
                                    message: m,
                                }),
                            }
                        }
                    }
                    _ => errors.push(FieldError {
                        field: "facts".into(),
                        message: "expected a table of answers (`[facts]`)".into(),
                    }),
                },
                "status" => out
                    .history
                    .read_statuses(&history::toml_to_json(value), &mut errors),
                "event" => out
                    .history
                    .read_events(&history::toml_to_json(value), &mut errors),
                "document" => match CaseDocument::read_array(value) {
                    Ok(d) => out.documents = d,
                    Err(e) => errors.extend(e),
                },
                other => errors.push(FieldError {
                    field: other.into(),
                    message: format!(
                        "unknown section; a case file has the sections: {}",
                        TOP_LEVEL.join(", ")
                    ),
                }),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(CaseError::Fields(errors))
        }
    }

    /// Reads a JSON case file (`{"case": {...}, "facts": {...}}`). The answers are read
    /// straight from the text into [`CaseFile::facts`] (no intermediate JSON tree); the other
    /// sections as JSON values (see [`json`]).
    pub fn parse_json(text: &str) -> Result<CaseFile, CaseError> {
        json::parse(text)
    }

    /// Reads one top-level section other than `facts` of a JSON case file.
    fn read_json_section(
        &mut self,
        key: &str,
        value: serde_json::Value,
        errors: &mut Vec<FieldError>,
    ) {
        match key {
            "case" => match serde_json::from_value::<CaseMeta>(value) {
                Ok(m) => self.meta = m,
                Err(e) => errors.push(FieldError {
                    field: "case".into(),
                    message: e.to_string(),
                }),
            },
            "status" => self.history.read_statuses(&value, errors),
            "event" => self.history.read_events(&value, errors),
            "document" => match CaseDocument::read_json(value) {
                Ok(d) => self.documents = d,
                Err(e) => errors.extend(e),
            },
            other => errors.push(FieldError {
                field: other.into(),
                message: format!(
                    "unknown section; a case file has the sections: {}",
                    TOP_LEVEL.join(", ")
                ),
            }),
        }
    }

    /// Binds the raw answers to the pack's facts, checking each against its type.
    pub fn bind(&self, pack: &Pack) -> Result<Facts, CaseError> {
        bind_table(pack, &self.facts, "facts")
    }

    /// Writes the case file as TOML (answers in the pack's declaration order).
    pub fn to_toml(&self, pack: &Pack) -> String {
        let mut out = String::from("# qonys case file\n");
        if self.meta.title.is_some() || self.meta.language.is_some() {
            out.push_str("\n[case]\n");
            if let Some(t) = &self.meta.title {
                out.push_str(&format!("title = {}\n", toml_string(t)));
            }
            if let Some(l) = self.meta.language {
                out.push_str(&format!("language = \"{}\"\n", l.code()));
            }
        }
        out.push_str("\n[facts]\n");
        let mut keys: Vec<&String> = self.facts.keys().collect();
        keys.sort_by_key(|k| pack.fact_idx(k).map_or(usize::MAX, usize::from));
        for k in keys {
            out.push_str(&format!("{k} = {}\n", self.facts[k].to_toml()));
        }
        out.push_str(&self.history.to_toml());
        for d in &self.documents {
            out.push_str(&d.to_toml());
        }
        out
    }
}

pub(crate) fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Binds a table of raw answers to the pack's facts; `prefix` names the table in errors.
pub fn bind_table(
    pack: &Pack,
    table: &BTreeMap<String, RawValue>,
    prefix: &str,
) -> Result<Facts, CaseError> {
    let mut facts = Facts::empty(pack);
    let mut errors = Vec::new();
    for (key, raw) in table {
        let Some(idx) = pack.fact_idx(key) else {
            let hint = crate::pack::closest(key, pack.facts.iter().map(|f| f.id.as_str()))
                .map(|c| format!(" — did you mean `{c}`?"))
                .unwrap_or_default();
            errors.push(FieldError {
                field: format!("{prefix}.{key}"),
                message: format!("no such fact in rule pack `{}`{hint}", pack.meta.id),
            });
            continue;
        };
        match parse_answer(pack, &pack.facts[usize::from(idx)], raw) {
            Ok(v) => facts.set(idx, v),
            Err(e) => errors.push(FieldError {
                field: format!("{prefix}.{key}"),
                message: e.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(facts)
    } else {
        Err(CaseError::Fields(errors))
    }
}
