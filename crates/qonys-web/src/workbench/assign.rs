//! `POST /cases/{id}/assign`: gives the case to an adviser (or back to the intake) and sets
//! its workflow status, with the version the form was made from (stale → 409). Only an
//! active adviser can be chosen; an adviser of a firm only among the firm's advisers.

use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qonys_store::{CaseChange, Role, StoreError};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Staff;
use crate::pages::{field, plain_status};
use crate::workbench::case_page;
use crate::workbench::case_post;
use crate::workbench::facts::see_case;
use crate::workbench::{STATUSES, actor, store_failed, urgency};

/// `POST /cases/{id}/assign` (fields `version`, `adviser` (empty: nobody), `status`).
pub async fn assign(
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
    let expected: i64 = field(&form, "version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    if expected != case.version {
        return case_page::conflict(&st, &viewer, &headers, &case);
    }
    let adviser = match field(&form, "adviser").unwrap_or("").trim() {
        "" => None,
        text => {
            let Ok(uid) = Uuid::parse_str(text) else {
                return plain_status(StatusCode::UNPROCESSABLE_ENTITY);
            };
            match store.user(uid).await {
                Ok(u)
                    if u.role == Role::Adviser
                        && !u.disabled
                        && (viewer.role() == Role::Admin
                            || viewer.user.firm_id.is_none()
                            || u.firm_id == viewer.user.firm_id) =>
                {
                    Some(u.id)
                }
                Ok(_) | Err(StoreError::NotFound { .. }) => {
                    return plain_status(StatusCode::UNPROCESSABLE_ENTITY);
                }
                Err(e) => return store_failed(&e, Some(case.id)),
            }
        }
    };
    let mut change = CaseChange::default();
    if adviser != case.adviser_id {
        change.adviser_id = Some(adviser);
    }
    let mut status = field(&form, "status")
        .filter(|s| STATUSES.contains(s))
        .unwrap_or(case.status.as_str())
        .to_string();
    // Taking a new case means it has been looked at.
    if status == "new" && adviser.is_some() && case.adviser_id.is_none() {
        status = "open".into();
    }
    if status != case.status {
        change.status = Some(status);
    }
    if change.field_names().is_empty() {
        return see_case(case.id, "assign");
    }
    let change = match urgency::with_urgency(&st, &case, change).await {
        Ok(c) => c,
        Err(e) => return store_failed(&e, Some(case.id)),
    };
    let a = actor(&viewer);
    match store.update_case(&a, case.id, expected, change).await {
        Ok(updated) => {
            crate::case_changed::after_case_change(&st, &a, &updated).await;
            see_case(case.id, "assign")
        }
        Err(StoreError::Conflict { .. }) => case_page::conflict(&st, &viewer, &headers, &case),
        Err(e) => store_failed(&e, Some(case.id)),
    }
}
