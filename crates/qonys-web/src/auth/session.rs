//! Who is signed in: the session cookie, the [`Viewer`] extractor that turns it into a user
//! (or sends the browser to the sign-in page, or answers 401 on the API), the CSRF token of a
//! session, and the cookies that start and end one.
//!
//! Sessions live in the store (hashed 256-bit tokens) with an idle and an absolute timeout;
//! logging out deletes the row, so a copied cookie stops working at once. The CSRF token is
//! derived from the session token (`sha256("qonys-csrf" ‖ token)`), so it needs no storage,
//! changes with every session and cannot be computed without the cookie; every
//! state-changing request of a signed-in user must carry it (form field `csrf` or header
//! `X-CSRF-Token`), on top of the cross-origin check every POST passes.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use qonys_law::Lang;
use qonys_store::{Role, Session, User};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::lang::{self, Tr};

/// The name of the session cookie.
pub const COOKIE_NAME: &str = "qonys_session";

/// A session ends after this long without a request.
pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_mins(30);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: SignedDuration = SignedDuration::from_hours(12);

/// The value of a cookie in a request.
pub fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|s| s.split(';'))
        .filter_map(|part| part.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The CSRF token of a session token.
pub fn csrf_token(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"qonys-csrf\0");
    h.update(session_token.as_bytes());
    hex::encode(h.finalize())
}

/// Compares two strings in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        ABSOLUTE_TIMEOUT.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The signed-in user of a request.
#[derive(Clone)]
pub struct Viewer {
    /// The account.
    pub user: User,
    /// The session.
    pub session: Session,
    token: String,
    csrf: String,
}

impl std::fmt::Debug for Viewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Viewer")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl Viewer {
    /// The CSRF token to put in every form of this session.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The session token (for logging out).
    pub fn session_token(&self) -> &str {
        &self.token
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Whether this user works on cases (adviser or admin).
    pub fn is_staff(&self) -> bool {
        matches!(self.user.role, Role::Adviser | Role::Admin)
    }

    /// The user's language: a `?lang=` or the switch's cookie of this request wins, else the
    /// language stored with the account.
    pub fn lang(&self, headers: &HeaderMap) -> Lang {
        if lang::cookie_lang(headers).is_some() {
            return lang::from_headers(headers);
        }
        lang::parse(&self.user.language).unwrap_or_else(|| lang::from_headers(headers))
    }

    /// Catalogue lookups in the user's language.
    pub fn tr<'a>(&self, st: &'a AppState, headers: &HeaderMap) -> Tr<'a> {
        Tr {
            m: st.messages(),
            lang: self.lang(headers),
        }
    }

    /// Whether a submitted CSRF token is this session's.
    pub fn csrf_ok(&self, submitted: Option<&str>) -> bool {
        submitted.is_some_and(|s| same_secret(s, &self.csrf))
    }

    /// `Ok` when the form's `csrf` field (or the `X-CSRF-Token` header) is this session's;
    /// otherwise the 403 answer to return.
    pub fn check_csrf(
        &self,
        headers: &HeaderMap,
        form: &[(String, String)],
    ) -> Result<(), Response> {
        let submitted = crate::pages::field(form, "csrf")
            .or_else(|| headers.get("x-csrf-token").and_then(|v| v.to_str().ok()));
        if self.csrf_ok(submitted) {
            Ok(())
        } else {
            Err((
                StatusCode::FORBIDDEN,
                [("content-type", "text/plain; charset=utf-8")],
                "the form has expired or did not come from this site: reload the page and try again\n",
            )
                .into_response())
        }
    }
}

/// Looks the session cookie up; `None` when there is none or it is no longer valid.
pub async fn viewer(st: &AppState, headers: &HeaderMap) -> Option<Viewer> {
    let store = st.store()?;
    let token = cookie_value(headers, COOKIE_NAME)?;
    if token.is_empty() || token.len() > 128 {
        return None;
    }
    let (session, user) = store
        .touch_session(token, qonys_store::now(), IDLE_TIMEOUT)
        .await
        .ok()??;
    Some(Viewer {
        user,
        session,
        token: token.to_string(),
        csrf: csrf_token(token),
    })
}

/// Where an unsigned browser is sent: the sign-in page, coming back to `path` afterwards.
pub fn to_login(path: &str) -> Response {
    let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, format!("/login?next={next}"))],
    )
        .into_response()
}

/// The answer to an API request without a valid session.
pub fn api_unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(serde_json::json!({"error": "unauthorized", "message": "sign in first"})),
    )
        .into_response()
}

/// The answer when the signed-in user may not do or see this: for pages, a page in the
/// user's language with the way back to their own pages; for the API, a JSON error.
pub fn refuse(st: &AppState, viewer: &Viewer, parts_path: &str, headers: &HeaderMap) -> Response {
    if parts_path.starts_with("/api/") {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({"error": {"status": 403, "message": "you do not have access to this", "errors": []}})),
        )
            .into_response();
    }
    crate::pages::forbidden_page(st, viewer, headers)
}

/// A plain-text 403, for answers that have no page (the API uses JSON errors).
pub fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        [("content-type", "text/plain; charset=utf-8")],
        "you do not have access to this\n",
    )
        .into_response()
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Viewer, Response> {
        match viewer(st, &parts.headers).await {
            Some(v) => Ok(v),
            None if parts.uri.path().starts_with("/api/") => Err(api_unauthorized()),
            None => Err(to_login(
                parts.uri.path_and_query().map_or("/", |p| p.as_str()),
            )),
        }
    }
}

/// A signed-in adviser or admin; an applicant gets 403.
#[derive(Debug, Clone)]
pub struct Staff(pub Viewer);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Staff, Response> {
        let v = Viewer::from_request_parts(parts, st).await?;
        if v.is_staff() {
            Ok(Staff(v))
        } else {
            Err(refuse(st, &v, parts.uri.path(), &parts.headers))
        }
    }
}

/// A signed-in admin; anyone else gets 403.
#[derive(Debug, Clone)]
pub struct Admin(pub Viewer);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Admin, Response> {
        let v = Viewer::from_request_parts(parts, st).await?;
        if v.role() == Role::Admin {
            Ok(Admin(v))
        } else {
            Err(refuse(st, &v, parts.uri.path(), &parts.headers))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_differ_per_session_and_compare_exactly() {
        let a = csrf_token("one");
        assert_eq!(a.len(), 64);
        assert_ne!(a, csrf_token("two"));
        assert!(same_secret(&a, &csrf_token("one")));
        assert!(!same_secret(&a, &a[..63]));
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        let c = session_cookie("abc", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.ends_with("Secure"));
        assert!(!session_cookie("abc", false).contains("Secure"));
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            "a=1; qonys_session=xyz; b=2".parse().expect("header"),
        );
        assert_eq!(cookie_value(&h, COOKIE_NAME), Some("xyz"));
    }
}
