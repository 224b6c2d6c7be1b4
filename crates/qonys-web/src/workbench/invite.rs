//! `POST /cases/{id}/invite`: makes a one-time invitation for the case's applicant (role
//! applicant, bound to the case, valid seven days) and shows its link once on the case page,
//! as a full address ([`crate::AppState::link`]) — only the token's hash is stored, so it
//! cannot be shown again.

use axum::extract::{Path, RawForm, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiff::SignedDuration;
use qonys_store::{NewOneTimeToken, Role, TokenPurpose};

use crate::AppState;
use crate::auth::Staff;
use crate::workbench::case_page::{self, Extras};
use crate::workbench::case_post;
use crate::workbench::store_failed;

/// How long an invitation is valid.
pub const INVITATION_VALID: SignedDuration = SignedDuration::from_hours(7 * 24);

/// The path of an invitation link.
pub fn link(token: &str) -> String {
    format!("/invite/{token}")
}

/// `POST /cases/{id}/invite`.
pub async fn invite(
    State(st): State<AppState>,
    Staff(viewer): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let (_form, case, store) = match case_post(&st, &viewer, &id, &headers, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let now = qonys_store::now();
    let token = match store
        .create_one_time_token(NewOneTimeToken {
            purpose: TokenPurpose::Invitation,
            user_id: None,
            case_id: Some(case.id),
            role: Some(Role::Applicant),
            expires_at: now.checked_add(INVITATION_VALID).unwrap_or(now),
        })
        .await
    {
        Ok(t) => t,
        Err(e) => return store_failed(&e, Some(case.id)),
    };
    tracing::info!(case_id = %case.id, "applicant invitation made");
    case_page::render(
        &st,
        &viewer,
        &headers,
        case,
        Extras {
            invite_link: Some(st.link(&headers, &link(token.expose()))),
            ..Extras::default()
        },
    )
    .await
}
