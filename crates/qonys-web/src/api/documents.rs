//! The stateless document and continuity endpoints of the JSON API: a case file as JSON in,
//! the same JSON report the CLI prints out.
//!
//! - `POST /api/v1/checklist?route=ID[&lang][&filing_date]` — the documents a route needs
//!   (`qonys checklist --format json`);
//! - `POST /api/v1/check[?route][&lang][&filing_date]` — the findings across the case's
//!   documents (`qonys check --json`);
//! - `POST /api/v1/plan[?lang][&as_of]` — the residence timeline, deadlines, ground and path
//!   (`qonys plan --format json`).
//!
//! Errors are the API's JSON errors ([`super::ApiError`]): 400 for an unreadable body or
//! query, 422 for wrong fields (documents named as `document[N].field`), 404 for an unknown
//! route id.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qonys_law::case::FieldError;
use qonys_law::documents::check::check as run_check;
use qonys_law::documents::checklist::checklist as build_checklist;
use qonys_law::{CaseFile, Date, Facts, Lang, Pack};

use super::{ApiError, error, parse_case_json, pretty, query_lang};
use crate::AppState;

/// The query of the document and plan endpoints.
#[derive(Debug, serde::Deserialize)]
pub struct DocQuery {
    route: Option<String>,
    lang: Option<String>,
    filing_date: Option<String>,
    as_of: Option<String>,
}

fn date_param(name: &str, v: Option<&str>, default: Date) -> Result<Date, ApiError> {
    match v {
        None => Ok(default),
        Some(s) => Date::parse(s).map_err(|e| {
            error(
                StatusCode::BAD_REQUEST,
                &format!("bad {name} date"),
                &[FieldError {
                    field: name.into(),
                    message: e.to_string(),
                }],
            )
        }),
    }
}

fn route_param(pack: &Pack, id: Option<&str>) -> Result<Option<usize>, ApiError> {
    let Some(id) = id else { return Ok(None) };
    pack.route_idx(id).map(Some).ok_or_else(|| {
        let ids: Vec<&str> = pack.routes.iter().map(|r| r.id.as_str()).collect();
        error(
            StatusCode::NOT_FOUND,
            "no such route",
            &[FieldError {
                field: "route".into(),
                message: format!("expected one of: {}", ids.join(", ")),
            }],
        )
    })
}

/// Reads a case with its documents; every wrong document field is named.
fn case_with_documents(st: &AppState, body: &[u8]) -> Result<(CaseFile, Facts), ApiError> {
    let (case, facts) = parse_case_json(st, body)?;
    let errors: Vec<FieldError> = case
        .documents
        .iter()
        .enumerate()
        .flat_map(|(i, d)| d.bind(st.pack(), i + 1))
        .map(|e| FieldError {
            field: "document".into(),
            message: e.to_string(),
        })
        .collect();
    if errors.is_empty() {
        Ok((case, facts))
    } else {
        Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "some documents of the case are wrong",
            &errors,
        ))
    }
}

fn lang_of(q: Option<Lang>, case: &CaseFile) -> Lang {
    q.or(case.meta.language).unwrap_or(Lang::En)
}

/// `POST /api/v1/checklist`.
pub async fn checklist(
    State(st): State<AppState>,
    Query(q): Query<DocQuery>,
    body: Bytes,
) -> Response {
    let run = || -> Result<Response, ApiError> {
        let lang = query_lang(q.lang.as_deref())?;
        let pack = st.pack();
        let route = route_param(pack, q.route.as_deref())?.ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "the route is missing",
                &[FieldError {
                    field: "route".into(),
                    message: "give ?route=<route id> (see /api/v1/rules)".into(),
                }],
            )
        })?;
        let filing = date_param("filing_date", q.filing_date.as_deref(), st.as_of())?;
        let (case, facts) = case_with_documents(&st, &body)?;
        let list = build_checklist(pack, &facts, &case.documents, route, filing);
        let report = qonys_i18n::checklist::checklist_report(
            pack,
            &list,
            st.messages(),
            lang_of(lang, &case),
        );
        Ok(pretty(&report))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// `POST /api/v1/check`.
pub async fn check(State(st): State<AppState>, Query(q): Query<DocQuery>, body: Bytes) -> Response {
    let run = || -> Result<Response, ApiError> {
        let lang = query_lang(q.lang.as_deref())?;
        let pack = st.pack();
        let route = route_param(pack, q.route.as_deref())?;
        let filing = date_param("filing_date", q.filing_date.as_deref(), st.as_of())?;
        let (case, facts) = case_with_documents(&st, &body)?;
        let findings = run_check(pack, &facts, &case.documents, filing, route);
        let report = qonys_i18n::check::check_report(
            pack,
            &case.documents,
            &findings,
            filing,
            st.messages(),
            lang_of(lang, &case),
        );
        Ok(pretty(&report))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// `POST /api/v1/plan`.
pub async fn plan(State(st): State<AppState>, Query(q): Query<DocQuery>, body: Bytes) -> Response {
    let run = || -> Result<Response, ApiError> {
        let lang = query_lang(q.lang.as_deref())?;
        let as_of = date_param("as_of", q.as_of.as_deref(), st.as_of())?;
        let (case, facts) = parse_case_json(&st, &body)?;
        let pack = st.pack();
        let plan = qonys_law::continuity::plan(pack, &facts, &case.history, as_of);
        let report = qonys_i18n::plan::plan_report(
            pack,
            &case.history,
            &plan,
            st.messages(),
            lang_of(lang, &case),
        );
        Ok(pretty(&report))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}
