//! The residence history of a case — status periods (`[[status]]`) and dated events
//! (`[[event]]`), what the timeline and the continuity plan are made from — edited on the
//! case page: add a period or an event, remove one. Posted to the facts form's address with
//! an `action` (`history-add-status`, `history-add-event`, `history-remove-status`,
//! `history-remove-event`) and the version the page was made from; the result is read back
//! with the case-file reader of `qonys-law`, so a wrong date or kind is refused with 422 and
//! nothing is written.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qonys_law::CaseFile;
use qonys_law::case::{EventKind, StatusKind};
use qonys_store::{Case, CaseChange, StoreError};
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::auth::Viewer;
use crate::lang::Tr;
use crate::pages::field;
use crate::workbench::case_page::{self, Extras, Opt};
use crate::workbench::facts::see_case;
use crate::workbench::{actor, store, store_failed, urgency};

/// One listed period or event with its index (for removal).
pub struct Entry {
    /// Index in its list.
    pub index: usize,
    /// In words.
    pub text: String,
}

/// The residence-history part of the case page.
#[derive(Default)]
pub struct ResidenceView {
    /// Status periods.
    pub statuses: Vec<Entry>,
    /// Events.
    pub events: Vec<Entry>,
    /// Status kinds to choose.
    pub status_kinds: Vec<Opt>,
    /// Event kinds to choose.
    pub event_kinds: Vec<Opt>,
    /// Routes a status can rest on.
    pub grounds: Vec<Opt>,
}

fn lists(history: &Value) -> (Vec<Value>, Vec<Value>) {
    let get = |k: &str| {
        history
            .get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    (get("status"), get("event"))
}

/// The view of a stored history, in the page's language.
pub fn view(st: &AppState, t: Tr<'_>, case: &Case) -> ResidenceView {
    let pack = st.pack();
    let (statuses, events) = lists(&case.history);
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let status_name = |k: &str| t.get(&format!("plan-status-{}", k.replace('_', "-")));
    let event_name = |k: &str| t.get(&format!("plan-event-{}", k.replace('_', "-")));
    ResidenceView {
        statuses: statuses
            .iter()
            .enumerate()
            .map(|(index, v)| {
                let mut text = status_name(&s(v, "kind"));
                for extra in [s(v, "category"), {
                    let g = s(v, "ground");
                    pack.route_idx(&g)
                        .map(|i| pack.routes[i].name.get(t.lang).to_string())
                        .unwrap_or(g)
                }] {
                    if !extra.is_empty() {
                        text.push_str(&format!(" · {extra}"));
                    }
                }
                let to = s(v, "valid_to");
                text.push_str(&format!(": {} – {}", s(v, "valid_from"), to));
                Entry { index, text }
            })
            .collect(),
        events: events
            .iter()
            .enumerate()
            .map(|(index, v)| {
                let mut text = format!("{}: {}", s(v, "date"), event_name(&s(v, "kind")));
                let note = s(v, "note");
                if !note.is_empty() {
                    text.push_str(&format!(" ({note})"));
                }
                Entry { index, text }
            })
            .collect(),
        status_kinds: StatusKind::ALL
            .iter()
            .map(|k| Opt {
                value: k.as_str().to_string(),
                label: status_name(k.as_str()),
                selected: false,
            })
            .collect(),
        event_kinds: EventKind::ALL
            .iter()
            .map(|k| Opt {
                value: k.as_str().to_string(),
                label: event_name(k.as_str()),
                selected: false,
            })
            .collect(),
        grounds: std::iter::once(Opt {
            value: String::new(),
            label: t.get("wb-res-no-ground"),
            selected: true,
        })
        .chain(pack.routes.iter().map(|r| Opt {
            value: r.id.clone(),
            label: r.name.get(t.lang).to_string(),
            selected: false,
        }))
        .collect(),
    }
}

/// Whether a facts-form POST is a history action.
pub fn is_history_action(form: &[(String, String)]) -> bool {
    field(form, "action").is_some_and(|a| a.starts_with("history-"))
}

/// Applies a history action (the CSRF token, access and version were checked by the caller).
pub async fn apply(
    st: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    case: Case,
    form: &[(String, String)],
) -> Response {
    let store = match store(st) {
        Ok(s) => s.clone(),
        Err(r) => return r,
    };
    let t = viewer.tr(st, headers);
    let (mut statuses, mut events) = lists(&case.history);
    let get = |n: &str| field(form, n).unwrap_or("").trim().to_string();
    let index: Option<usize> = field(form, "index").and_then(|i| i.parse().ok());
    match field(form, "action").unwrap_or("") {
        "history-add-status" => {
            let mut o = Map::new();
            o.insert("kind".into(), json!(get("kind")));
            for k in ["category", "ground", "valid_to"] {
                let v = get(k);
                if !v.is_empty() {
                    o.insert(k.into(), json!(v));
                }
            }
            o.insert("valid_from".into(), json!(get("valid_from")));
            statuses.push(Value::Object(o));
        }
        "history-add-event" => {
            let mut o = Map::new();
            o.insert("kind".into(), json!(get("kind")));
            o.insert("date".into(), json!(get("date")));
            let note = get("note");
            if !note.is_empty() {
                o.insert(
                    "note".into(),
                    json!(note.chars().take(200).collect::<String>()),
                );
            }
            events.push(Value::Object(o));
        }
        "history-remove-status" if index.is_some_and(|i| i < statuses.len()) => {
            statuses.remove(index.unwrap_or_default());
        }
        "history-remove-event" if index.is_some_and(|i| i < events.len()) => {
            events.remove(index.unwrap_or_default());
        }
        _ => return crate::pages::plain_status(StatusCode::UNPROCESSABLE_ENTITY),
    }
    let history = json!({"status": statuses, "event": events});
    // Read back as a case file reads it: every wrong field is named.
    if let Err(e) = CaseFile::parse_json(&history.to_string()) {
        return case_page::render(
            st,
            viewer,
            headers,
            case,
            Extras {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                history_error: t.fmt("wb-res-error", &[("reason", &e.to_string())]),
                ..Extras::default()
            },
        )
        .await;
    }
    let change = CaseChange {
        history: Some(history),
        ..CaseChange::default()
    };
    let change = match urgency::with_urgency(st, &case, change).await {
        Ok(c) => c,
        Err(e) => return store_failed(&e, Some(case.id)),
    };
    let a = actor(viewer);
    match store.update_case(&a, case.id, case.version, change).await {
        Ok(updated) => {
            crate::case_changed::after_case_change(st, &a, &updated).await;
            see_case(case.id, "timeline")
        }
        Err(StoreError::Conflict { .. }) => case_page::conflict(st, viewer, headers, &case),
        Err(e) => store_failed(&e, Some(case.id)),
    }
}
