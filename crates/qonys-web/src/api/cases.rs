//! The cases of the JSON API, for signed-in users (session cookie; state-changing requests
//! also carry the session's CSRF token in `X-CSRF-Token`):
//!
//! - `GET /api/v1/cases[?status][&q][&offset][&limit]` — the cases the user may see, most
//!   urgent first (applicants: their own; advisers: assigned, their firm's and the intake);
//! - `POST /api/v1/cases` (staff) — a new case `{title, language?, facts?}` → 201;
//! - `GET /api/v1/cases/{id}` — the case with its facts, history and the assessment now;
//! - `PATCH /api/v1/cases/{id}` (staff) — `{version, title?, status?, facts?}`: facts replace
//!   the stored ones and are checked against the pack first (422 naming each wrong field);
//!   a stale `version` gets 409 with the current version, and nothing is written.
//!
//! Access is decided by [`crate::auth::access`] like for the pages: 401 without a session,
//! 403 for someone else's case or a role without the right.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qonys_law::case::FieldError;
use qonys_store::{Actor, Case, CaseChange, CaseQuery, NewCase, StoreError};
use serde_json::{Value, json};

use super::{ApiError, case_error, error, pretty};
use crate::AppState;
use crate::auth::pages::ClientAddr;
use crate::auth::session::{Viewer, forbidden};
use crate::auth::{access, load_case};

/// The query of the case list.
#[derive(Debug, serde::Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    q: Option<String>,
    offset: Option<i64>,
    limit: Option<i64>,
}

/// A stored case as a case file (the shape `/api/v1/assess` reads): its title, language,
/// facts and residence history.
pub fn case_file_json(case: &Case) -> Value {
    let mut v = json!({
        "case": {"title": case.title, "language": case.language},
        "facts": case.facts,
    });
    if let (Some(o), Some(h)) = (v.as_object_mut(), case.history.as_object()) {
        for key in ["status", "event"] {
            if let Some(x) = h.get(key) {
                o.insert(key.to_string(), x.clone());
            }
        }
    }
    v
}

fn case_json(case: &Case) -> Value {
    json!({
        "id": case.id,
        "title": case.title,
        "status": case.status,
        "version": case.version,
        "language": case.language,
        "adviser_id": case.adviser_id,
        "applicant_id": case.applicant_id,
        "urgency": case.urgency,
        "next_deadline": case.next_deadline.map(|d| d.to_string()),
        "created_at": case.created_at.to_string(),
        "updated_at": case.updated_at.to_string(),
        "facts": case.facts,
        "history": case.history,
    })
}

/// A refusal from the shared access check, as a JSON error.
fn api_refusal(r: Response) -> Response {
    let status = r.status();
    let message = match status {
        StatusCode::FORBIDDEN => "you do not have access to this case",
        StatusCode::NOT_FOUND => "case not found",
        _ => "the case cannot be read now",
    };
    error(status, message, &[]).into_response()
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::NotFound { what } => {
            error(StatusCode::NOT_FOUND, &format!("{what} not found"), &[]).into_response()
        }
        StoreError::Conflict { current_version } => (
            StatusCode::CONFLICT,
            Json(json!({
                "error": {
                    "status": 409,
                    "message": "the case was changed by someone else: reload it and apply your change again",
                    "errors": [{"field": "version", "message": format!("the case is now at version {current_version}")}],
                },
                "current_version": current_version,
            })),
        )
            .into_response(),
        e => {
            tracing::error!(error = %e, "case API: store failure");
            error(StatusCode::SERVICE_UNAVAILABLE, "the database is unavailable", &[])
                .into_response()
        }
    }
}

fn body_json(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "expected a JSON object",
            &[],
        )),
        Err(e) => Err(error(
            StatusCode::BAD_REQUEST,
            "the body is not JSON",
            &[FieldError {
                field: "body".into(),
                message: e.to_string(),
            }],
        )),
    }
}

fn string_field(
    o: &serde_json::Map<String, Value>,
    name: &str,
    max: usize,
) -> Result<Option<String>, ApiError> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= max => {
            Ok(Some(s.trim().to_string()))
        }
        Some(_) => Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a field is wrong",
            &[FieldError {
                field: name.into(),
                message: format!("expected a non-empty string of at most {max} characters"),
            }],
        )),
    }
}

/// Checks facts against the pack (every wrong one named as `facts.<id>`).
fn checked_facts(st: &AppState, facts: &Value) -> Result<Value, ApiError> {
    if !facts.is_object() {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "facts must be an object of fact id → answer",
            &[FieldError {
                field: "facts".into(),
                message: "expected an object".into(),
            }],
        ));
    }
    let text = json!({"facts": facts}).to_string();
    let case = qonys_law::CaseFile::parse_json(&text).map_err(case_error)?;
    case.bind(st.pack()).map_err(case_error)?;
    Ok(facts.clone())
}

fn csrf(viewer: &Viewer, headers: &HeaderMap) -> Result<(), Response> {
    let h = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    if viewer.csrf_ok(h) {
        Ok(())
    } else {
        Err(error(
            StatusCode::FORBIDDEN,
            "missing or wrong X-CSRF-Token header",
            &[],
        )
        .into_response())
    }
}

/// `GET /api/v1/cases`.
pub async fn list(
    State(st): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Response {
    let Some(store) = st.store() else {
        return error(StatusCode::NOT_FOUND, "no case store", &[]).into_response();
    };
    let query = access::restrict(
        &viewer.user,
        CaseQuery {
            status: q.status.filter(|s| !s.is_empty()),
            title_contains: q.q.filter(|s| !s.trim().is_empty()),
            offset: q.offset.unwrap_or(0).max(0),
            limit: q.limit.unwrap_or(50).clamp(1, 500),
            ..CaseQuery::default()
        },
    );
    match store.list_cases(&query).await {
        Ok(page) => pretty(&json!({"cases": page.cases, "has_more": page.has_more})),
        Err(e) => store_error(e),
    }
}

/// `GET /api/v1/cases/{id}`.
pub async fn get(
    State(st): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let case = match load_case(&st, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return api_refusal(r),
    };
    let lang = viewer.lang(&headers);
    let body = case_file_json(&case).to_string();
    let mut out = case_json(&case);
    match super::assess_json(&st, body.as_bytes(), Some(lang), st.as_of()) {
        Ok(report) => out["assessment"] = serde_json::to_value(report).unwrap_or(Value::Null),
        Err(e) => out["assessment_error"] = json!(e.message),
    }
    pretty(&out)
}

/// `POST /api/v1/cases`.
pub async fn create(
    State(st): State<AppState>,
    viewer: Viewer,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !viewer.is_staff() {
        return api_refusal(forbidden());
    }
    if let Err(r) = csrf(&viewer, &headers) {
        return r;
    }
    let Some(store) = st.store() else {
        return error(StatusCode::NOT_FOUND, "no case store", &[]).into_response();
    };
    let run = || -> Result<NewCase, ApiError> {
        let o = body_json(&body)?;
        let title = string_field(&o, "title", 200)?.ok_or_else(|| {
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "the title is missing",
                &[FieldError {
                    field: "title".into(),
                    message: "required".into(),
                }],
            )
        })?;
        let language = string_field(&o, "language", 2)?.unwrap_or_else(|| "en".into());
        if crate::lang::parse(&language).is_none() {
            return Err(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown language",
                &[FieldError {
                    field: "language".into(),
                    message: "expected en, ru or kk".into(),
                }],
            ));
        }
        let facts = match o.get("facts") {
            None | Some(Value::Null) => json!({}),
            Some(f) => checked_facts(&st, f)?,
        };
        Ok(NewCase {
            title,
            status: "open".into(),
            adviser_id: (viewer.role() == qonys_store::Role::Adviser).then_some(viewer.user.id),
            firm_id: viewer.user.firm_id,
            language,
            facts,
            ..NewCase::default()
        })
    };
    let new = match run() {
        Ok(n) => n,
        Err(e) => return e.into_response(),
    };
    match store
        .create_case(&Actor::user(viewer.user.id, client), new)
        .await
    {
        Ok(case) => (StatusCode::CREATED, Json(case_json(&case))).into_response(),
        Err(e) => store_error(e),
    }
}

/// `PATCH /api/v1/cases/{id}`.
pub async fn patch(
    State(st): State<AppState>,
    viewer: Viewer,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if !viewer.is_staff() {
        return api_refusal(forbidden());
    }
    if let Err(r) = csrf(&viewer, &headers) {
        return r;
    }
    let case = match load_case(&st, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return api_refusal(r),
    };
    let Some(store) = st.store() else {
        return error(StatusCode::NOT_FOUND, "no case store", &[]).into_response();
    };
    let run = || -> Result<(i64, CaseChange), ApiError> {
        let o = body_json(&body)?;
        let version = o.get("version").and_then(Value::as_i64).ok_or_else(|| {
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "the version is missing",
                &[FieldError {
                    field: "version".into(),
                    message: "give the version you read (optimistic concurrency)".into(),
                }],
            )
        })?;
        let facts = match o.get("facts") {
            None | Some(Value::Null) => None,
            Some(f) => Some(checked_facts(&st, f)?),
        };
        Ok((
            version,
            CaseChange {
                title: string_field(&o, "title", 200)?,
                status: string_field(&o, "status", 40)?,
                facts,
                ..CaseChange::default()
            },
        ))
    };
    let (version, change) = match run() {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let actor = Actor::user(viewer.user.id, client);
    match store.update_case(&actor, case.id, version, change).await {
        Ok(case) => {
            crate::case_changed::after_case_change(&st, &actor, &case).await;
            pretty(&case_json(&case))
        }
        Err(e) => store_error(e),
    }
}
