//! The facts of a case as an editable form — one field per fact the pack declares, typed by
//! the fact's definition (yes/no, options, several options, country, date, number, money),
//! each with "not answered" and "I don't know" — and `POST /cases/{id}/facts`, which checks
//! every answer against the pack, writes the facts with the version the form was made from
//! (a stale form gets 409 and nothing is written), stores the new assessment and the new
//! urgency. The history of the facts (who changed what, when) comes from the store.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, RawForm, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qonys_law::Pack;
use qonys_law::case::{RawValue, parse_answer};
use qonys_law::pack::{Fact, FactType};
use qonys_store::{CaseChange, FactChange, StoreError};
use serde_json::Value;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Staff;
use crate::lang::Tr;
use crate::pages::field;
use crate::workbench::case_page::{self, Extras};
use crate::workbench::case_post;
use crate::workbench::{actor, assessment, bind_case, residence, store_failed, urgency, when};

/// One choice of a select or checkbox group.
#[derive(Debug, Clone)]
pub struct FactChoice {
    /// Value sent.
    pub value: String,
    /// Label.
    pub label: String,
    /// Chosen.
    pub selected: bool,
}

/// One fact's field.
#[derive(Debug, Clone)]
pub struct FactField {
    /// The fact id.
    pub id: String,
    /// The form field's name (`f-<id>`).
    pub name: String,
    /// The question.
    pub label: String,
    /// `select`, `checkbox`, `date`, `number` or `text` (money).
    pub kind: &'static str,
    /// Choices of select and checkbox fields.
    pub choices: Vec<FactChoice>,
    /// The text in a box.
    pub value: String,
    /// `step` of a number box.
    pub step: &'static str,
    /// A hint (currency, several answers).
    pub hint: String,
    /// The error next to the field.
    pub error: String,
}

fn plain_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// A stored answer as the field's submitted values.
fn submitted(v: &Value) -> Vec<String> {
    match v {
        Value::Bool(b) => vec![if *b { "yes" } else { "no" }.to_string()],
        Value::Number(n) => vec![n.as_f64().map(plain_number).unwrap_or_default()],
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(submitted).collect(),
        _ => Vec::new(),
    }
}

/// An answer in words (option labels, yes/no, dates and amounts as written).
pub fn display_value(pack: &Pack, t: Tr<'_>, fact_id: &str, v: &Value) -> String {
    let fact = pack.fact_idx(fact_id).map(|i| &pack.facts[usize::from(i)]);
    let one = |s: &str| -> String {
        if s == "unknown" {
            return t.get("wb-fact-unknown");
        }
        match fact {
            Some(f) if matches!(f.kind, FactType::Enum | FactType::Set) => f
                .options
                .iter()
                .find(|o| o.id == s)
                .map_or_else(|| s.to_string(), |o| o.label.get(t.lang).to_string()),
            Some(f) if f.kind == FactType::Country => pack
                .countries
                .iter()
                .find(|c| c.code.eq_ignore_ascii_case(s))
                .map_or_else(|| s.to_string(), |c| c.name.get(t.lang).to_string()),
            Some(f) if f.kind == FactType::Bool => match s {
                "yes" => t.get("value-yes"),
                "no" => t.get("value-no"),
                _ => s.to_string(),
            },
            _ => s.to_string(),
        }
    };
    match v {
        Value::Null => t.get("wb-fact-not-answered"),
        Value::Array(items) if items.is_empty() => t.get("wb-fact-none"),
        _ => submitted(v)
            .iter()
            .map(|s| one(s))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The fields of the facts form, filled from `values` (fact id → submitted strings).
pub fn fields(
    pack: &Pack,
    t: Tr<'_>,
    values: &HashMap<String, Vec<String>>,
    errors: &HashMap<String, String>,
) -> Vec<FactField> {
    let lang = t.lang;
    pack.facts
        .iter()
        .map(|fact| {
            let got = values.get(&fact.id).cloned().unwrap_or_default();
            let first = got.first().cloned().unwrap_or_default();
            let mut f = FactField {
                id: fact.id.clone(),
                name: format!("f-{}", fact.id),
                label: fact.question.get(lang).to_string(),
                kind: "select",
                choices: Vec::new(),
                value: String::new(),
                step: "any",
                hint: String::new(),
                error: errors.get(&fact.id).cloned().unwrap_or_default(),
            };
            let base = |first: &str| {
                vec![
                    FactChoice {
                        value: String::new(),
                        label: t.get("wb-fact-not-answered"),
                        selected: first.is_empty(),
                    },
                    FactChoice {
                        value: "unknown".into(),
                        label: t.get("wb-fact-unknown"),
                        selected: first == "unknown",
                    },
                ]
            };
            match &fact.kind {
                FactType::Bool => {
                    f.choices = base(&first);
                    for (v, id) in [("yes", "value-yes"), ("no", "value-no")] {
                        f.choices.push(FactChoice {
                            value: v.into(),
                            label: t.get(id),
                            selected: first == v,
                        });
                    }
                }
                FactType::Enum => {
                    f.choices = base(&first);
                    f.choices.extend(fact.options.iter().map(|o| FactChoice {
                        value: o.id.clone(),
                        label: o.label.get(lang).to_string(),
                        selected: first == o.id,
                    }));
                }
                FactType::Set => {
                    f.kind = "checkbox";
                    f.hint = t.get("wb-fact-several");
                    f.choices = fact
                        .options
                        .iter()
                        .map(|o| FactChoice {
                            value: o.id.clone(),
                            label: o.label.get(lang).to_string(),
                            selected: got.iter().any(|g| g == &o.id),
                        })
                        .collect();
                    f.choices.push(FactChoice {
                        value: "unknown".into(),
                        label: t.get("wb-fact-unknown"),
                        selected: got.iter().any(|g| g == "unknown"),
                    });
                }
                FactType::Country => {
                    let mut cs: Vec<FactChoice> = pack
                        .countries
                        .iter()
                        .map(|c| FactChoice {
                            value: c.code.clone(),
                            label: c.name.get(lang).to_string(),
                            selected: c.code.eq_ignore_ascii_case(&first),
                        })
                        .collect();
                    cs.sort_by_cached_key(|c| c.label.to_lowercase());
                    f.choices = base(&first);
                    f.choices.extend(cs);
                }
                FactType::Date => {
                    f.kind = "date";
                    f.value = first;
                }
                FactType::Integer | FactType::Number => {
                    f.kind = "number";
                    f.value = first;
                    if fact.kind == FactType::Integer {
                        f.step = "1";
                    }
                }
                FactType::Money(c) => {
                    f.kind = "text";
                    f.value = first;
                    f.hint = t.fmt("interview-hint-money", &[("currency", c)]);
                }
            }
            f
        })
        .collect()
}

/// The stored answers of a case as the form's values.
pub fn stored_values(facts: &Value) -> HashMap<String, Vec<String>> {
    facts
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), submitted(v))).collect())
        .unwrap_or_default()
}

/// One entry of the facts' history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// The case version it made.
    pub version: i64,
    /// When.
    pub when: String,
    /// Who (a name, or "the public finder").
    pub who: String,
    /// What changed: (question label, before, after).
    pub changes: Vec<(String, String, String)>,
}

/// The history of a case's facts, newest first, as (label, before, after) per fact.
pub async fn history(st: &AppState, t: Tr<'_>, entries: &[FactChange]) -> Vec<HistoryEntry> {
    let pack = st.pack();
    let mut names: HashMap<Uuid, String> = HashMap::new();
    let mut out = Vec::new();
    let empty = serde_json::Map::new();
    for (i, e) in entries.iter().enumerate() {
        let before = i
            .checked_sub(1)
            .and_then(|j| entries[j].facts.as_object())
            .unwrap_or(&empty);
        let after = e.facts.as_object().unwrap_or(&empty);
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort_by_key(|k| pack.fact_idx(k).map_or(usize::MAX, usize::from));
        keys.dedup();
        let changes = keys
            .into_iter()
            .filter(|k| before.get(*k) != after.get(*k))
            .map(|k| {
                let label = pack.fact_idx(k).map_or_else(
                    || k.clone(),
                    |i| pack.facts[usize::from(i)].label.get(t.lang).to_string(),
                );
                let b = before.get(k).unwrap_or(&Value::Null);
                let a = after.get(k).unwrap_or(&Value::Null);
                (
                    label,
                    display_value(pack, t, k, b),
                    display_value(pack, t, k, a),
                )
            })
            .collect::<Vec<_>>();
        let who = match e.changed_by {
            None => t.get("wb-by-public"),
            Some(id) => {
                if let Some(n) = names.get(&id) {
                    n.clone()
                } else {
                    let n = match st.store() {
                        Some(s) => s.user(id).await.map(|u| u.display_name).unwrap_or_default(),
                        None => String::new(),
                    };
                    names.insert(id, n.clone());
                    n
                }
            }
        };
        out.push(HistoryEntry {
            version: e.version,
            when: when(e.changed_at),
            who,
            changes,
        });
    }
    out.reverse();
    out
}

/// The posted facts: the answers as stored JSON, the submitted strings and the errors by fact
/// id.
type ReadForm = (
    BTreeMap<String, Value>,
    HashMap<String, Vec<String>>,
    HashMap<String, String>,
);

/// Reads the posted facts: every fact of the pack (`f-<id>`), checked against its type.
fn read_form(pack: &Pack, t: Tr<'_>, form: &[(String, String)]) -> ReadForm {
    let mut out = BTreeMap::new();
    let mut values = HashMap::new();
    let mut errors = HashMap::new();
    for fact in &pack.facts {
        let name = format!("f-{}", fact.id);
        let got: Vec<String> = form
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        values.insert(fact.id.clone(), got.clone());
        let Some(raw) = raw_of(fact, &got) else {
            continue;
        };
        match parse_answer(pack, fact, &raw) {
            Ok(_) => {
                out.insert(fact.id.clone(), raw.to_json());
            }
            Err(e) => {
                errors.insert(
                    fact.id.clone(),
                    t.fmt("wb-fact-invalid", &[("reason", &e.to_string())]),
                );
            }
        }
    }
    (out, values, errors)
}

fn raw_of(fact: &Fact, got: &[String]) -> Option<RawValue> {
    let first = got.first()?;
    // "I don't know" wins over anything else ticked with it.
    if got.iter().any(|g| g == "unknown") {
        return Some(RawValue::Str("unknown".into()));
    }
    Some(match fact.kind {
        FactType::Bool => match first.as_str() {
            "yes" => RawValue::Bool(true),
            "no" => RawValue::Bool(false),
            other => RawValue::Str(other.to_string()),
        },
        FactType::Set => RawValue::List(got.iter().map(|s| RawValue::Str(s.clone())).collect()),
        FactType::Integer | FactType::Number => first
            .replace([' ', '\u{a0}'], "")
            .replace(',', ".")
            .parse::<f64>()
            .map_or_else(|_| RawValue::Str(first.clone()), RawValue::Num),
        _ => RawValue::Str(first.clone()),
    })
}

/// `POST /cases/{id}/facts` (fields `version`, `f-<fact id>`…, `csrf`).
pub async fn save(
    State(st): State<AppState>,
    Staff(viewer): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let (form, case, store) = match case_post(&st, &viewer, &id, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let t = viewer.tr(&st, &headers);
    let expected: i64 = field(&form, "version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    if expected != case.version {
        return case_page::conflict(&st, &viewer, &headers, &case);
    }
    if residence::is_history_action(&form) {
        return residence::apply(&st, &viewer, &headers, case, &form).await;
    }
    let pack = st.pack();
    let (mut answers, values, errors) = read_form(pack, t, &form);
    if !errors.is_empty() {
        return case_page::render(
            &st,
            &viewer,
            &headers,
            case,
            Extras {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                fact_values: Some(values),
                fact_errors: errors,
                ..Extras::default()
            },
        )
        .await;
    }
    // Stored answers the pack does not know are kept as they were, never dropped.
    let bound = bind_case(pack, &case);
    if let Some(map) = case.facts.as_object() {
        for (k, _) in &bound.refused {
            if let Some(v) = map.get(k) {
                answers.insert(k.clone(), v.clone());
            }
        }
    }
    let new_facts = Value::Object(answers.into_iter().collect());
    if new_facts == case.facts {
        return see_case(case.id, "facts");
    }
    let a = actor(&viewer);
    let mut change = CaseChange {
        facts: Some(new_facts),
        ..CaseChange::default()
    };
    if case.status == "new" {
        change.status = Some("open".into());
    }
    let change = match urgency::with_urgency(&st, &case, change).await {
        Ok(c) => c,
        Err(e) => return store_failed(&e, Some(case.id)),
    };
    match store.update_case(&a, case.id, expected, change).await {
        Ok(updated) => {
            crate::case_changed::after_case_change(&st, &a, &updated).await;
            if let Err(e) = assessment::store_current(&st, &a, &updated).await {
                return store_failed(&e, Some(case.id));
            }
            see_case(case.id, "assessment")
        }
        Err(StoreError::Conflict { .. }) => case_page::conflict(&st, &viewer, &headers, &case),
        Err(e) => store_failed(&e, Some(case.id)),
    }
}

/// 303 to a section of the case page.
pub fn see_case(id: Uuid, section: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, format!("/cases/{id}#{section}"))],
    )
        .into_response()
}
