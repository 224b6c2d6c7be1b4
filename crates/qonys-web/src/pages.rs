//! The page frame every HTML page shares ([`Layout`]: language, title, the language switch)
//! and the pages that are not part of the finder's steps: the start page, the language
//! switch's POST target, and the error pages (404, unreadable answers).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, RawForm, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qonys_law::Lang;
use qonys_store::Role;

use crate::AppState;
use crate::auth::Viewer;
use crate::lang::{self, LangChoice, Tr};

/// The frame of a page: its language, title and language switch.
pub struct Layout<'a> {
    /// Lookups in the page's language.
    pub t: Tr<'a>,
    /// The `<title>` and the main heading's text.
    pub title: String,
    /// The language switch entries.
    pub langs: Vec<LangChoice>,
    /// Where the switch posts (`/lang`, or `/finder` with the answers so far).
    pub switch_action: &'static str,
    /// Hidden fields the switch sends along.
    pub switch_hidden: Vec<(String, String)>,
    /// The signed-in user's menu, on pages of the workbench and the portal.
    pub account: Option<AccountNav>,
}

/// The signed-in user's part of the page header: their name, their pages, and sign-out.
#[derive(Debug, Clone)]
pub struct AccountNav {
    /// The name shown.
    pub name: String,
    /// The session's CSRF token (for the sign-out and language forms).
    pub csrf: String,
    /// (address, label) of the pages the role has.
    pub links: Vec<(String, String)>,
}

impl<'a> Layout<'a> {
    /// A frame whose language switch posts to `/lang` (pages without answers).
    pub fn plain(st: &'a AppState, lang: Lang, title: String) -> Layout<'a> {
        Layout {
            t: Tr {
                m: st.messages(),
                lang,
            },
            title,
            langs: lang::choices(lang),
            switch_action: "/lang",
            switch_hidden: Vec::new(),
            account: None,
        }
    }

    /// The frame of a signed-in page: the user's language (unless switched for this
    /// request), the account menu, and a language switch that also stores the choice with
    /// the account and comes back to `back`.
    pub fn signed_in(
        st: &'a AppState,
        viewer: &Viewer,
        headers: &HeaderMap,
        title_id: &str,
        back: &str,
    ) -> Layout<'a> {
        let lang = viewer.lang(headers);
        let m = st.messages();
        let mut links = Vec::new();
        match viewer.role() {
            Role::Applicant => links.push(("/my".to_string(), m.get(lang, "web-nav-my-case"))),
            Role::Adviser => links.push(("/cases".to_string(), m.get(lang, "web-nav-cases"))),
            Role::Admin => {
                links.push(("/cases".to_string(), m.get(lang, "web-nav-cases")));
                links.push(("/admin/users".to_string(), m.get(lang, "web-nav-users")));
            }
        }
        let mut l = Layout::plain(st, lang, m.get(lang, title_id));
        l.switch_hidden = vec![("back".to_string(), back.to_string())];
        l.account = Some(AccountNav {
            name: viewer.user.display_name.clone(),
            csrf: viewer.csrf().to_string(),
            links,
        });
        l
    }
}

/// A bare status answer with its reason phrase as text.
pub fn plain_status(status: StatusCode) -> Response {
    (
        status,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        format!("{}\n", status.canonical_reason().unwrap_or("error")),
    )
        .into_response()
}

/// Reads an `application/x-www-form-urlencoded` body into pairs.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The first value of a form field.
pub fn field<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[derive(Template, WebTemplate)]
#[template(path = "start.html")]
struct StartPage<'a> {
    page: Layout<'a>,
}

/// `?lang=` on a GET page shows it in that language without remembering it.
#[derive(Debug, serde::Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The language of a GET page: `?lang=`, else the cookie / `Accept-Language`.
pub fn get_lang(q: &LangQuery, headers: &HeaderMap) -> Lang {
    q.lang
        .as_deref()
        .and_then(lang::parse)
        .unwrap_or_else(|| lang::from_headers(headers))
}

/// `GET /`: what qonys is, the language choice and the way into the finder.
pub async fn start(
    State(st): State<AppState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = get_lang(&q, &headers);
    let title = st.messages().get(lang, "web-start-title");
    StartPage {
        page: Layout::plain(&st, lang, title),
    }
    .into_response()
}

/// `POST /lang` (fields `lang`, optional `back`): remembers the language in a cookie — and,
/// for a signed-in user whose form carries the session's CSRF token, with the account — and
/// goes back to `back` (a local path) or the start page.
pub async fn set_language(
    State(st): State<AppState>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = form_pairs(&body);
    let back = field(&form, "back")
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or("/")
        .to_string();
    let Some(l) = field(&form, "lang").and_then(lang::parse) else {
        return (StatusCode::SEE_OTHER, [(LOCATION, back)]).into_response();
    };
    if let Some(v) = crate::auth::session::viewer(&st, &headers).await
        && v.csrf_ok(field(&form, "csrf"))
        && let Some(store) = st.store()
    {
        let _ = store.set_user_language(v.user.id, l.code()).await;
    }
    (
        StatusCode::SEE_OTHER,
        [(SET_COOKIE, lang::cookie(l)), (LOCATION, back)],
    )
        .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: Layout<'a>,
    message: String,
}

/// An error page with a status, a title id and a message id.
pub fn error_page(
    st: &AppState,
    lang: Lang,
    status: StatusCode,
    title_id: &str,
    message_id: &str,
) -> Response {
    let m = st.messages();
    let page = ErrorPage {
        page: Layout::plain(st, lang, m.get(lang, title_id)),
        message: m.get(lang, message_id),
    };
    (status, page).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "forbidden.html")]
struct ForbiddenPage<'a> {
    page: Layout<'a>,
    message: String,
    home: &'static str,
}

/// 403 for a signed-in user: a page in their language that says so and leads back to their
/// own pages (the case list, or their own case).
pub fn forbidden_page(st: &AppState, viewer: &Viewer, headers: &HeaderMap) -> Response {
    let lang = viewer.lang(headers);
    let page = ForbiddenPage {
        page: Layout::signed_in(st, viewer, headers, "web-forbidden-title", "/"),
        message: st.messages().get(lang, "web-forbidden-text"),
        home: crate::auth::pages::home_of(viewer.role()),
    };
    (StatusCode::FORBIDDEN, page).into_response()
}

/// Any unknown address: 404 with a way back.
pub async fn not_found(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang::from_headers(&headers);
    error_page(
        &st,
        lang,
        StatusCode::NOT_FOUND,
        "web-not-found-title",
        "web-not-found-text",
    )
}
