//! The account pages: sign in (`/login`), sign out (`POST /logout`), create the first
//! administrator from the one-time setup link (`/setup/{token}`) and create an account from
//! an invitation link (`/invite/{token}`; an applicant invitation links the new account to
//! its case). After signing in, staff land on the case list and applicants on their case.
//!
//! Failed sign-ins are counted per account and per client address ([`super::limit`]); a
//! wrong e-mail and a wrong password get the same answer in the same time.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, Path, Query, RawForm, State};
use axum::http::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qonys_law::Lang;
use qonys_store::{Actor, NewUser, Role, StoreError, TokenPurpose};

use super::password::{self, Verdict};
use super::session::{self, Viewer};
use crate::AppState;
use crate::lang;
use crate::pages::{LangQuery, Layout, field, form_pairs, get_lang};

/// The client address of a request (`local` when unknown, e.g. in-process tests); used for
/// the rate limit and as the audit records' origin.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<ClientAddr, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "local".to_string(), |c| c.0.ip().to_string()),
        ))
    }
}

/// Where a user lands after signing in.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Applicant => "/my",
        Role::Adviser | Role::Admin => "/cases",
    }
}

/// A safe place to go back to: a local path, never another site.
fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    (n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() < 512)
        .then(|| n.to_string())
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    page: Layout<'a>,
    email: String,
    next: String,
    error: String,
}

/// `?next=` of the sign-in page.
#[derive(Debug, serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    lang: Option<String>,
}

/// `GET /login`.
pub async fn login_form(
    State(st): State<AppState>,
    Query(q): Query<LoginQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = q
        .lang
        .as_deref()
        .and_then(lang::parse)
        .unwrap_or_else(|| lang::from_headers(&headers));
    login_page(
        &st,
        lang,
        StatusCode::OK,
        String::new(),
        safe_next(q.next.as_deref()).unwrap_or_default(),
        String::new(),
    )
}

fn login_page(
    st: &AppState,
    lang: Lang,
    status: StatusCode,
    email: String,
    next: String,
    error: String,
) -> Response {
    let title = st.messages().get(lang, "web-auth-login-title");
    let mut page = Layout::plain(st, lang, title);
    // The language switch comes back here (with where to go after signing in).
    let back = if next.is_empty() {
        "/login".to_string()
    } else {
        format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        )
    };
    page.switch_hidden = vec![("back".to_string(), back)];
    (
        status,
        LoginPage {
            page,
            email,
            next,
            error,
        },
    )
        .into_response()
}

/// `POST /login` (`email`, `password`, `next`).
pub async fn login(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let lang = lang::from_headers(&headers);
    let form = form_pairs(&body);
    let email = field(&form, "email").unwrap_or("").trim().to_string();
    let pw = field(&form, "password").unwrap_or("");
    let next = safe_next(field(&form, "next"));
    let m = st.messages();
    let Some(store) = st.store() else {
        return crate::pages::plain_status(StatusCode::NOT_FOUND);
    };
    let now = std::time::Instant::now();
    if let Some(wait) = st.limiter().blocked(&email, &client, now) {
        let mut res = login_page(
            &st,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            email,
            next.unwrap_or_default(),
            m.get(lang, "web-auth-error-too-many"),
        );
        if let Ok(v) = wait.as_secs().max(1).to_string().parse() {
            res.headers_mut().insert(RETRY_AFTER, v);
        }
        return res;
    }
    let user = match store.user_by_email(&email).await {
        Ok(u) => Some(u),
        Err(StoreError::NotFound { .. }) => None,
        Err(_) => {
            return login_page(
                &st,
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                email,
                next.unwrap_or_default(),
                m.get(lang, "web-auth-error-unavailable"),
            );
        }
    };
    let verdict = match user.as_ref().and_then(|u| u.password_hash.as_deref()) {
        Some(h) if !user.as_ref().is_some_and(|u| u.disabled) => password::verify(pw, h),
        _ => {
            password::verify_nothing(pw);
            Verdict::Wrong
        }
    };
    let Some(user) = user.filter(|_| verdict != Verdict::Wrong) else {
        st.limiter().failed(&email, &client, now);
        tracing::info!(client = %client, "sign-in refused");
        return login_page(
            &st,
            lang,
            StatusCode::UNAUTHORIZED,
            email,
            next.unwrap_or_default(),
            m.get(lang, "web-auth-error-wrong"),
        );
    };
    st.limiter().succeeded(&email);
    let actor = Actor::user(user.id, client.clone());
    if verdict == Verdict::RightButUpgrade
        && let Ok(h) = password::hash(pw)
        && store.set_password_hash(&actor, user.id, &h).await.is_ok()
    {
        tracing::info!(user = %user.id, "password hash upgraded to the current parameters");
    }
    start_session(&st, &user, next.as_deref()).await
}

/// Starts a session for `user` and sends them on (to `next`, or their home page).
async fn start_session(st: &AppState, user: &qonys_store::User, next: Option<&str>) -> Response {
    let Some(store) = st.store() else {
        return crate::pages::plain_status(StatusCode::NOT_FOUND);
    };
    let now = qonys_store::now();
    let expires = now.checked_add(session::ABSOLUTE_TIMEOUT).unwrap_or(now);
    match store.create_session(user.id, now, expires).await {
        Ok(token) => {
            tracing::info!(user = %user.id, role = %user.role, "signed in");
            let to = next.map_or_else(|| home_of(user.role).to_string(), str::to_string);
            (
                StatusCode::SEE_OTHER,
                [
                    (
                        SET_COOKIE,
                        session::session_cookie(token.expose(), st.secure_cookies()),
                    ),
                    (LOCATION, to),
                ],
            )
                .into_response()
        }
        Err(_) => crate::pages::plain_status(StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// `POST /logout`: deletes the session on the server and the cookie in the browser.
pub async fn logout(
    State(st): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = form_pairs(&body);
    if let Err(r) = viewer.check_csrf(&headers, &form) {
        return r;
    }
    if let Some(store) = st.store() {
        let _ = store.delete_session(viewer.session_token()).await;
    }
    (
        StatusCode::SEE_OTHER,
        [
            (SET_COOKIE, session::clear_cookie(st.secure_cookies())),
            (LOCATION, "/login".to_string()),
        ],
    )
        .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    page: Layout<'a>,
    lead: String,
    action: String,
    name: String,
    email: String,
    error: String,
}

#[allow(clippy::too_many_arguments)]
fn account_page(
    st: &AppState,
    lang: Lang,
    purpose: TokenPurpose,
    token: &str,
    status: StatusCode,
    name: String,
    email: String,
    error: String,
) -> Response {
    let m = st.messages();
    let (title, lead, base) = match purpose {
        TokenPurpose::Setup => ("web-auth-setup-title", "web-auth-setup-lead", "/setup/"),
        _ => ("web-auth-invite-title", "web-auth-invite-lead", "/invite/"),
    };
    let mut page = Layout::plain(st, lang, m.get(lang, title));
    page.switch_hidden = vec![("back".to_string(), format!("{base}{token}"))];
    (
        status,
        AccountPage {
            page,
            lead: m.get(lang, lead),
            action: format!("{base}{token}"),
            name,
            email,
            error,
        },
    )
        .into_response()
}

fn valid_token_text(t: &str) -> bool {
    (16..=128).contains(&t.len())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `GET /setup/{token}`: the form that creates the first administrator.
pub async fn setup_form(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    account_form(st, token, q, headers, TokenPurpose::Setup)
}

/// `GET /invite/{token}`: the form that creates an invited account.
pub async fn invite_form(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    account_form(st, token, q, headers, TokenPurpose::Invitation)
}

fn account_form(
    st: AppState,
    token: String,
    q: LangQuery,
    headers: HeaderMap,
    purpose: TokenPurpose,
) -> Response {
    let lang = get_lang(&q, &headers);
    if !valid_token_text(&token) {
        return bad_link(&st, lang);
    }
    account_page(
        &st,
        lang,
        purpose,
        &token,
        StatusCode::OK,
        String::new(),
        String::new(),
        String::new(),
    )
}

fn bad_link(st: &AppState, lang: Lang) -> Response {
    crate::pages::error_page(
        st,
        lang,
        StatusCode::GONE,
        "web-auth-link-title",
        "web-auth-link-text",
    )
}

/// `POST /setup/{token}`.
pub async fn setup(
    State(st): State<AppState>,
    Path(token): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    redeem(st, token, client, headers, body, TokenPurpose::Setup).await
}

/// `POST /invite/{token}`.
pub async fn accept_invite(
    State(st): State<AppState>,
    Path(token): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    redeem(st, token, client, headers, body, TokenPurpose::Invitation).await
}

async fn redeem(
    st: AppState,
    token: String,
    client: String,
    headers: HeaderMap,
    body: axum::body::Bytes,
    purpose: TokenPurpose,
) -> Response {
    let lang = lang::from_headers(&headers);
    let Some(store) = st.store() else {
        return crate::pages::plain_status(StatusCode::NOT_FOUND);
    };
    if !valid_token_text(&token) {
        return bad_link(&st, lang);
    }
    let form = form_pairs(&body);
    let name = field(&form, "name").unwrap_or("").trim().to_string();
    let email = field(&form, "email").unwrap_or("").trim().to_string();
    let pw = field(&form, "password").unwrap_or("");
    let confirm = field(&form, "confirm").unwrap_or("");
    let (name2, email2, st2, token2) = (name.clone(), email.clone(), st.clone(), token.clone());
    let again = move |error: &str, status: StatusCode| {
        account_page(
            &st2,
            lang,
            purpose,
            &token2,
            status,
            name2.clone(),
            email2.clone(),
            st2.messages().get(lang, error),
        )
    };
    if name.is_empty() || name.chars().count() > 200 {
        return again("web-auth-error-name", StatusCode::UNPROCESSABLE_ENTITY);
    }
    if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
        return again("web-auth-error-email", StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Err(id) = password::check_new(pw, confirm) {
        return again(id, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let Ok(hash) = password::hash(pw) else {
        return again(
            "web-auth-error-unavailable",
            StatusCode::SERVICE_UNAVAILABLE,
        );
    };
    let new = NewUser {
        email,
        display_name: name.clone(),
        role: match purpose {
            TokenPurpose::Setup => Role::Admin,
            _ => Role::Applicant,
        },
        password_hash: Some(hash),
        language: lang.code().to_string(),
        firm_id: None,
    };
    match store
        .redeem_token_for_user(
            &Actor::system(client),
            &token,
            purpose,
            new,
            qonys_store::now(),
        )
        .await
    {
        Ok((user, t)) => {
            tracing::info!(user = %user.id, role = %user.role, "account created from a link");
            if let Some(case_id) = t.case_id
                && let Ok(case) = store.case(case_id).await
            {
                let actor = Actor::user(user.id, "invitation");
                crate::case_changed::after_case_change(&st, &actor, &case).await;
            }
            start_session(&st, &user, None).await
        }
        Err(StoreError::InvalidToken) => bad_link(&st, lang),
        Err(StoreError::Duplicate { .. }) => {
            again("web-auth-error-email-taken", StatusCode::CONFLICT)
        }
        Err(_) => again(
            "web-auth-error-unavailable",
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    }
}
