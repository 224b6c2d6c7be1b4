//! The adviser workbench: the case list sorted by urgency ([`list`]), the case page
//! ([`case_page`]) with its editable facts and their history ([`facts`]), the stored
//! assessment with re-run and diff ([`assessment`]), the timeline drawn as SVG
//! ([`timeline_svg`]) with the residence history it is drawn from ([`residence`]), notes
//! ([`notes`]), assignment ([`assign`]) and the applicant's
//! invitation link ([`invite`]); the urgency key of every case ([`urgency`]).
//!
//! Every case route opens the case through [`crate::auth::access::load_case`], every list
//! through [`crate::auth::access::restrict`]; every POST checks the session's CSRF token and
//! changes the case only through the store (which writes the audit record). Reasoning stays
//! in `qonys-law`: this module turns a stored case into a case file, binds it to the pack and
//! calls `assess` / `continuity::plan`, and shows `qonys-i18n`'s reports.

pub mod assessment;
pub mod assign;
pub mod case_page;
pub mod facts;
pub mod invite;
pub mod list;
pub mod notes;
pub mod residence;
pub mod timeline_svg;
pub mod urgency;

use std::collections::BTreeMap;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qonys_law::case::{History, RawValue, bind_table, parse_answer};
use qonys_law::{CaseFile, Date, Facts, Pack};
use qonys_store::{Actor, Case, Store, StoreError};

use crate::AppState;
use crate::auth::Viewer;
use crate::pages::plain_status;

pub use urgency::refresh_urgency;

/// A stored case read as the engine reads a case file: the answers that fit the pack bound
/// to typed facts, the residence history, and the stored answers the pack refuses (named,
/// so the page can show them instead of silently dropping them).
pub struct BoundCase {
    /// Raw answers that fit their facts, by fact id.
    pub raw: BTreeMap<String, RawValue>,
    /// The typed facts.
    pub facts: Facts,
    /// Status periods and events.
    pub history: History,
    /// Stored answers the pack refuses: (fact id, reason).
    pub refused: Vec<(String, String)>,
}

/// Reads a stored case's facts and history (pack-independent JSON) against the pack.
pub fn bind_case(pack: &Pack, case: &Case) -> BoundCase {
    let mut refused = Vec::new();
    let mut raw = BTreeMap::new();
    if let Some(map) = case.facts.as_object() {
        for (k, v) in map {
            match RawValue::from_json(v.clone()) {
                Ok(None) => {}
                Ok(Some(r)) => match pack.fact_idx(k) {
                    None => refused.push((k.clone(), "no such fact in the rule pack".into())),
                    Some(idx) => match parse_answer(pack, &pack.facts[usize::from(idx)], &r) {
                        Ok(_) => {
                            raw.insert(k.clone(), r);
                        }
                        Err(e) => refused.push((k.clone(), e.to_string())),
                    },
                },
                Err(e) => refused.push((k.clone(), e)),
            }
        }
    }
    let facts = bind_table(pack, &raw, "facts").unwrap_or_else(|_| Facts::empty(pack));
    BoundCase {
        raw,
        facts,
        history: history_of(case),
        refused,
    }
}

/// The residence history of a stored case: `{"status": [...], "event": [...]}` as in a JSON
/// case file (an empty array or anything unreadable is an empty history).
pub fn history_of(case: &Case) -> History {
    let Some(obj) = case.history.as_object() else {
        return History::default();
    };
    let mut doc = serde_json::Map::new();
    for key in ["status", "event"] {
        if let Some(v) = obj.get(key) {
            doc.insert(key.to_string(), v.clone());
        }
    }
    CaseFile::parse_json(&serde_json::Value::Object(doc).to_string())
        .map(|c| c.history)
        .unwrap_or_default()
}

/// The store of the server (the workbench routes exist only with one).
pub fn store(st: &AppState) -> Result<&std::sync::Arc<dyn Store>, Response> {
    st.store()
        .ok_or_else(|| plain_status(StatusCode::SERVICE_UNAVAILABLE))
}

/// The start of every POST on a case page: the form read, its CSRF token checked, the case
/// loaded through the access check, and the store; or the answer to send instead.
pub async fn case_post(
    st: &AppState,
    viewer: &Viewer,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Vec<(String, String)>, Case, std::sync::Arc<dyn Store>), Response> {
    let form = crate::pages::form_pairs(body);
    viewer.check_csrf(headers, &form)?;
    let case = crate::auth::load_case(st, viewer, id).await?;
    let store = store(st)?.clone();
    Ok((form, case, store))
}

/// The actor of a signed-in user's change (the audit record names them; the origin is the
/// workbench, never an address or anything personal).
pub fn actor(viewer: &Viewer) -> Actor {
    Actor::user(viewer.user.id, "workbench")
}

/// The answer to a store failure (logged by kind and case id only).
pub fn store_failed(e: &StoreError, case_id: Option<uuid::Uuid>) -> Response {
    tracing::error!(error = %e, case_id = ?case_id, "workbench store call failed");
    match e {
        StoreError::NotFound { .. } => plain_status(StatusCode::NOT_FOUND),
        _ => plain_status(StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// A qonys date as the store's calendar date.
pub fn to_civil(d: Date) -> Option<jiff::civil::Date> {
    let (y, m, day) = d.ymd();
    jiff::civil::Date::new(i16::try_from(y).ok()?, m as i8, day as i8).ok()
}

/// The store's calendar date as a qonys date.
pub fn from_civil(d: jiff::civil::Date) -> Option<Date> {
    Date::from_ymd(i32::from(d.year()), d.month() as u32, d.day() as u32)
}

/// A timestamp as `YYYY-MM-DD HH:MM` UTC.
pub fn when(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// The language of the workbench page of a request.
pub fn lang_of(viewer: &Viewer, headers: &HeaderMap) -> qonys_law::Lang {
    viewer.lang(headers)
}

/// The statuses a case can have in the workbench, in workflow order.
pub const STATUSES: [&str; 4] = ["new", "open", "waiting", "closed"];

/// The workbench's and the administrator's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/cases", get(list::cases))
        .route("/cases/{id}", get(case_page::show))
        .route("/cases/{id}/facts", post(facts::save))
        .route("/cases/{id}/assessment", post(assessment::rerun))
        .route("/cases/{id}/notes", post(notes::add))
        .route("/cases/{id}/assign", post(assign::assign))
        .route("/cases/{id}/invite", post(invite::invite))
        .route("/admin/users", get(crate::admin::users))
        .route("/admin/invite", post(crate::admin::invite_adviser))
        .route(
            "/admin/users/{id}/disable",
            post(crate::admin::set_disabled),
        )
}
