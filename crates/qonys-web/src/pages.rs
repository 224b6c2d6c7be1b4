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

use crate::AppState;
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
        }
    }
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

/// `POST /lang` (field `lang`): remembers the language in a cookie and goes back to the start
/// page.
pub async fn set_language(RawForm(body): RawForm) -> Response {
    let form = form_pairs(&body);
    match field(&form, "lang").and_then(lang::parse) {
        Some(l) => (
            StatusCode::SEE_OTHER,
            [(SET_COOKIE, lang::cookie(l)), (LOCATION, "/".to_string())],
        )
            .into_response(),
        None => (StatusCode::SEE_OTHER, [(LOCATION, "/".to_string())]).into_response(),
    }
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
