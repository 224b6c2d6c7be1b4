//! The administrator's pages: `GET /admin/users` lists every account (name, e-mail, role,
//! whether disabled); `POST /admin/invite` makes a one-time invitation link for a new adviser
//! (valid seven days, shown once); `POST /admin/users/{id}/disable` disables or enables an
//! account (disabling ends its sessions at once). Every change goes through the store.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawForm, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qonys_store::{Actor, NewOneTimeToken, Role, StoreError, TokenPurpose, User};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Admin;
use crate::auth::session::Viewer;
use crate::pages::{Layout, field, form_pairs, plain_status};
use crate::workbench::invite::{INVITATION_VALID, link};
use crate::workbench::{store, store_failed};

/// One account row.
pub struct UserRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Role in words.
    pub role: String,
    /// Disabled.
    pub disabled: bool,
    /// The viewer themself (cannot be disabled here).
    pub is_self: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "workbench/users.html")]
struct UsersPage<'a> {
    page: Layout<'a>,
    csrf: String,
    users: Vec<UserRow>,
    invite_link: String,
}

async fn render(
    st: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    invite_link: String,
) -> Response {
    let store = match store(st) {
        Ok(s) => s.clone(),
        Err(r) => return r,
    };
    let users: Vec<User> = match store.list_users(None).await {
        Ok(u) => u,
        Err(e) => return store_failed(&e, None),
    };
    let t = viewer.tr(st, headers);
    let rows = users
        .into_iter()
        .map(|u| UserRow {
            id: u.id.to_string(),
            is_self: u.id == viewer.user.id,
            name: u.display_name,
            email: u.email,
            role: t.get(&format!("wb-role-{}", u.role.as_str())),
            disabled: u.disabled,
        })
        .collect();
    UsersPage {
        page: Layout::signed_in(st, viewer, headers, "wb-users-title", "/admin/users"),
        csrf: viewer.csrf().to_string(),
        users: rows,
        invite_link,
    }
    .into_response()
}

/// `GET /admin/users`.
pub async fn users(
    State(st): State<AppState>,
    Admin(viewer): Admin,
    headers: HeaderMap,
) -> Response {
    render(&st, &viewer, &headers, String::new()).await
}

/// `POST /admin/invite`: an invitation link for a new adviser, shown once.
pub async fn invite_adviser(
    State(st): State<AppState>,
    Admin(viewer): Admin,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = form_pairs(&body);
    if let Err(r) = viewer.check_csrf(&headers, &form) {
        return r;
    }
    let store = match store(&st) {
        Ok(s) => s.clone(),
        Err(r) => return r,
    };
    let now = qonys_store::now();
    match store
        .create_one_time_token(NewOneTimeToken {
            purpose: TokenPurpose::Invitation,
            user_id: None,
            case_id: None,
            role: Some(Role::Adviser),
            expires_at: now.checked_add(INVITATION_VALID).unwrap_or(now),
        })
        .await
    {
        Ok(token) => {
            tracing::info!(admin = %viewer.user.id, "adviser invitation made");
            let link = st.link(&headers, &link(token.expose()));
            render(&st, &viewer, &headers, link).await
        }
        Err(e) => store_failed(&e, None),
    }
}

/// `POST /admin/users/{id}/disable` (field `disabled`: `1` disables, `0` enables).
pub async fn set_disabled(
    State(st): State<AppState>,
    Admin(viewer): Admin,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = form_pairs(&body);
    if let Err(r) = viewer.check_csrf(&headers, &form) {
        return r;
    }
    let store = match store(&st) {
        Ok(s) => s.clone(),
        Err(r) => return r,
    };
    let Ok(uid) = Uuid::parse_str(&id) else {
        return plain_status(StatusCode::NOT_FOUND);
    };
    if uid == viewer.user.id {
        return plain_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let disabled = field(&form, "disabled") != Some("0");
    match store
        .set_user_disabled(&Actor::user(viewer.user.id, "admin"), uid, disabled)
        .await
    {
        Ok(()) => (StatusCode::SEE_OTHER, [(LOCATION, "/admin/users")]).into_response(),
        Err(StoreError::NotFound { .. }) => plain_status(StatusCode::NOT_FOUND),
        Err(e) => store_failed(&e, None),
    }
}
