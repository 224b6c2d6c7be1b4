//! Who may open what: the one place that decides whether a signed-in user may see or change
//! a case. Applicants only their own case; advisers the cases assigned to them, their firm's,
//! and the not-yet-taken intake (no adviser, no firm); admins everything. Every case route
//! goes through [`load_case`], so the access-matrix test covers them all.

use axum::response::Response;
use qonys_store::{Case, CaseQuery, Role, StoreError, User};
use uuid::Uuid;

use crate::AppState;
use crate::auth::session::Viewer;

/// Whether `user` may open `case`.
pub fn may_open(user: &User, case: &Case) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Adviser => {
            case.adviser_id == Some(user.id)
                || (case.firm_id.is_some() && case.firm_id == user.firm_id)
                || (case.adviser_id.is_none() && case.firm_id.is_none())
        }
        Role::Applicant => case.applicant_id == Some(user.id),
    }
}

/// Narrows a case-list query to what `user` may see.
pub fn restrict(user: &User, mut q: CaseQuery) -> CaseQuery {
    match user.role {
        Role::Admin => {}
        Role::Adviser => q.visible_to_adviser = Some((user.id, user.firm_id)),
        Role::Applicant => q.applicant_id = Some(user.id),
    }
    q
}

/// The case `id` if the viewer may open it; otherwise the answer to send: 403 for someone
/// else's case, 404 for a case that does not exist (ids are random UUIDv7s, so this tells
/// nothing useful), 503 when the store fails.
pub async fn load_case(st: &AppState, viewer: &Viewer, id: &str) -> Result<Case, Response> {
    let Some(store) = st.store() else {
        return Err(crate::pages::plain_status(
            axum::http::StatusCode::NOT_FOUND,
        ));
    };
    let Ok(id) = Uuid::parse_str(id) else {
        return Err(crate::pages::plain_status(
            axum::http::StatusCode::NOT_FOUND,
        ));
    };
    match store.case(id).await {
        Ok(case) if may_open(&viewer.user, &case) => Ok(case),
        Ok(_) => Err(crate::pages::forbidden_page(
            st,
            viewer,
            &axum::http::HeaderMap::new(),
        )),
        Err(StoreError::NotFound { .. }) => Err(crate::pages::plain_status(
            axum::http::StatusCode::NOT_FOUND,
        )),
        Err(_) => Err(crate::pages::plain_status(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
        )),
    }
}
