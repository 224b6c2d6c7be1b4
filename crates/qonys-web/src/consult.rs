//! "Request a consultation": the form under the finder's result (name, contact, preferred
//! language, message) that turns the finder's answers into a new case in the store, so the
//! visitor never types anything twice.
//!
//! The form carries an idempotency key made when the result page is rendered: a double
//! click or a retried POST with the same key creates one request and one case
//! ([`qonys_store::Store::submit_consultation`]), and shows the same confirmation. Fields are
//! checked here and refused with the message next to the field; nothing personal is logged.
//! The form is only shown when the server has a store.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qonys_law::Lang;
use qonys_store::{Actor, NewConsultation};

use crate::AppState;
use crate::finder::{rebuild, result_page_with};
use crate::lang::{self, Tr};
use crate::pages::{Layout, error_page, field, form_pairs};

/// The longest name or contact accepted, in characters.
pub const MAX_SHORT: usize = 200;
/// The longest message accepted, in characters.
pub const MAX_MESSAGE: usize = 4000;

/// The consultation form's values and errors (one message id per wrong field).
#[derive(Debug, Clone, Default)]
pub struct ConsultForm {
    /// The idempotency key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Contact (e-mail or phone).
    pub contact: String,
    /// Preferred language code.
    pub language: String,
    /// Message.
    pub message: String,
    /// Error text for the name.
    pub name_error: String,
    /// Error text for the contact.
    pub contact_error: String,
    /// Error text for the message.
    pub message_error: String,
}

impl ConsultForm {
    /// An empty form with a fresh idempotency key, in the page's language.
    pub fn fresh(lang: Lang) -> ConsultForm {
        ConsultForm {
            key: uuid::Uuid::new_v4().simple().to_string(),
            language: lang.code().to_string(),
            ..ConsultForm::default()
        }
    }

    /// Whether any field was refused.
    pub fn has_errors(&self) -> bool {
        !(self.name_error.is_empty()
            && self.contact_error.is_empty()
            && self.message_error.is_empty())
    }

    /// The language choices with the chosen one marked.
    pub fn languages(&self) -> Vec<lang::LangChoice> {
        let current = lang::parse(&self.language).unwrap_or(Lang::En);
        lang::choices(current)
    }
}

fn valid_key(k: &str) -> bool {
    (16..=64).contains(&k.len()) && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Reads and checks the posted form.
fn read(t: Tr<'_>, form: &[(String, String)]) -> ConsultForm {
    let get = |n: &str| field(form, n).unwrap_or("").trim().to_string();
    let mut f = ConsultForm {
        key: get("key"),
        name: get("name"),
        contact: get("contact"),
        language: get("language"),
        message: get("message"),
        ..ConsultForm::default()
    };
    if f.name.is_empty() || f.name.chars().count() > MAX_SHORT {
        f.name_error = t.get("web-consult-error-name");
    }
    if f.contact.chars().count() < 5 || f.contact.chars().count() > MAX_SHORT {
        f.contact_error = t.get("web-consult-error-contact");
    }
    if f.message.chars().count() > MAX_MESSAGE {
        f.message_error = t.get("web-consult-error-message");
    }
    if lang::parse(&f.language).is_none() {
        f.language = t.lang.code().to_string();
    }
    f
}

#[derive(Template, WebTemplate)]
#[template(path = "consult_done.html")]
struct DonePage<'a> {
    page: Layout<'a>,
    text: String,
    reference: String,
}

/// `POST /consultation`.
pub async fn submit(
    State(st): State<AppState>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let lang = lang::from_headers(&headers);
    let Some(store) = st.store() else {
        return error_page(
            &st,
            lang,
            StatusCode::NOT_FOUND,
            "web-not-found-title",
            "web-not-found-text",
        );
    };
    let form = form_pairs(&body);
    let pack = st.pack();
    let iv = match rebuild(pack, st.as_of(), field(&form, "answers").unwrap_or("")) {
        Ok(iv) => iv,
        Err(_) => {
            return error_page(
                &st,
                lang,
                StatusCode::BAD_REQUEST,
                "web-bad-state-title",
                "web-bad-state-text",
            );
        }
    };
    let t = Tr {
        m: st.messages(),
        lang,
    };
    let mut consult = read(t, &form);
    if !valid_key(&consult.key) {
        // A form without a usable key cannot be made idempotent: ask again with a new one.
        consult.key = ConsultForm::fresh(lang).key;
        return result_page_with(&st, lang, &iv, Some(consult));
    }
    if consult.has_errors() {
        return result_page_with(&st, lang, &iv, Some(consult));
    }
    let case = iv.to_case_file();
    let answers: serde_json::Map<String, serde_json::Value> = case
        .facts
        .iter()
        .map(|(k, v)| (k.clone(), v.to_json()))
        .collect();
    let new = NewConsultation {
        idempotency_key: consult.key.clone(),
        name: consult.name.clone(),
        contact: consult.contact.clone(),
        language: consult.language.clone(),
        message: consult.message.clone(),
        answers: serde_json::Value::Object(answers),
        case_title: consult.name.clone(),
        case_status: "new".into(),
        urgency: crate::workbench::urgency::NEW_CASE,
    };
    match store
        .submit_consultation(&Actor::system("public-finder"), new)
        .await
    {
        Ok(outcome) => {
            let reference = outcome.case.id.simple().to_string();
            let reference = reference
                .get(reference.len().saturating_sub(8)..)
                .unwrap_or(&reference)
                .to_uppercase();
            DonePage {
                page: Layout::plain(&st, lang, t.get("web-consult-done-title")),
                text: t.get("web-consult-done-text"),
                reference,
            }
            .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "storing a consultation request failed");
            error_page(
                &st,
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "web-error-title",
                "web-consult-failed",
            )
        }
    }
}
