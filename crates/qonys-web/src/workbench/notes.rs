//! `POST /cases/{id}/notes`: an adviser's note on a case (kept by the store with its author
//! and time; listed on the case page, oldest first).

use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::AppState;
use crate::auth::Staff;
use crate::pages::field;
use crate::workbench::case_page::{self, Extras};
use crate::workbench::case_post;
use crate::workbench::facts::see_case;
use crate::workbench::{actor, store_failed};

/// The longest note accepted, in characters.
pub const MAX_NOTE: usize = 10_000;

/// `POST /cases/{id}/notes` (field `body`).
pub async fn add(
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
    let text = field(&form, "body").unwrap_or("").trim().to_string();
    if text.is_empty() || text.chars().count() > MAX_NOTE {
        let t = viewer.tr(&st, &headers);
        return case_page::render(
            &st,
            &viewer,
            &headers,
            case,
            Extras {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                note_error: t.get("wb-note-error"),
                ..Extras::default()
            },
        )
        .await;
    }
    match store.add_note(&actor(&viewer), case.id, &text).await {
        Ok(_) => see_case(case.id, "notes"),
        Err(e) => store_failed(&e, Some(case.id)),
    }
}
