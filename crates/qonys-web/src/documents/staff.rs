//! The adviser's documents section of the case page ([`staff_section`]): the checklist of
//! the case's best route with each document's stored status (requested / received /
//! verified / rejected with the reason), the forms to request, verify, reject (with a
//! reason) and delete, upload and download links, and the core's document findings when
//! the case has document details. The POST routes here are for staff only and check the
//! session's CSRF token.

use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use qonys_law::Lang;
use qonys_law::documents::check::check as run_check;
use qonys_store::{Actor, Case, DocumentStatus, StoreError};
use uuid::Uuid;

use super::{DocLine, after_change, back_to, case_file, document_lines, problem, see_other};
use crate::AppState;
use crate::auth::pages::ClientAddr;
use crate::auth::{Staff, Viewer, load_case};
use crate::lang::Tr;
use crate::pages::{field, form_pairs, plain_status};

/// One finding of the document check, for the section.
#[derive(Debug, Clone)]
pub struct FindingLine {
    /// `error`, `warning`, `info`.
    pub severity: String,
    /// The severity in words.
    pub severity_label: String,
    /// The finding in words.
    pub message: String,
}

#[derive(Template)]
#[template(path = "documents/staff.html")]
struct Section<'a> {
    t: Tr<'a>,
    case_id: String,
    csrf: String,
    route_name: String,
    lines: Vec<DocLine>,
    kinds: Vec<(String, String)>,
    findings: Vec<FindingLine>,
    findings_summary: String,
}

/// The documents section of a case page, as HTML (empty when the store fails).
pub async fn staff_section(st: &AppState, viewer: &Viewer, lang: Lang, case: &Case) -> String {
    let Some(store) = st.store() else {
        return String::new();
    };
    let stored = match store.documents(case.id).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(case = %case.id, error = %e, "reading documents failed");
            Vec::new()
        }
    };
    let pack = st.pack();
    let t = Tr {
        m: st.messages(),
        lang,
    };
    let (report, lines) = document_lines(st, lang, case, &stored);
    let (cf, facts) = case_file(pack, case);
    let mut findings = Vec::new();
    let mut findings_summary = String::new();
    if !cf.documents.is_empty() {
        let route = report.as_ref().and_then(|r| pack.route_idx(&r.route));
        let as_of = st.as_of();
        let found = run_check(pack, &facts, &cf.documents, as_of, route);
        let r = qonys_i18n::check::check_report(
            pack,
            &cf.documents,
            &found,
            as_of,
            st.messages(),
            lang,
        );
        findings_summary = r.summary.clone();
        findings = r
            .findings
            .into_iter()
            .map(|f| FindingLine {
                severity: f.severity,
                severity_label: f.severity_label,
                message: f.message,
            })
            .collect();
    }
    let mut kinds: Vec<(String, String)> = pack
        .documents
        .kinds
        .iter()
        .map(|k| (k.id.clone(), k.label.get(lang).to_string()))
        .collect();
    kinds.sort_by_cached_key(|(_, l)| l.to_lowercase());
    let section = Section {
        t,
        case_id: case.id.to_string(),
        csrf: viewer.csrf().to_string(),
        route_name: report.map(|r| r.route_name).unwrap_or_default(),
        lines,
        kinds,
        findings,
        findings_summary,
    };
    section.render().unwrap_or_default()
}

/// What a staff POST needs: the case (access checked), the form (CSRF checked), the actor.
async fn prepare(
    st: &AppState,
    v: &Viewer,
    client: String,
    headers: &HeaderMap,
    id: &str,
    body: &[u8],
) -> Result<(Case, Vec<(String, String)>, Actor), Response> {
    let case = load_case(st, v, id).await?;
    let form = form_pairs(body);
    v.check_csrf(headers, &form)?;
    Ok((case, form, Actor::user(v.user.id, client)))
}

fn store_failure(e: StoreError, case_id: Uuid) -> Response {
    match e {
        StoreError::NotFound { .. } => plain_status(StatusCode::NOT_FOUND),
        e => {
            tracing::error!(case = %case_id, error = %e, "document change failed");
            plain_status(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// `POST /cases/{id}/documents` (`kind`): asks the applicant for a document.
pub async fn request(
    State(st): State<AppState>,
    Staff(v): Staff,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawForm(body): RawForm,
) -> Response {
    let (case, form, actor) = match prepare(&st, &v, client, &headers, &id, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(store) = st.store() else {
        return plain_status(StatusCode::NOT_FOUND);
    };
    let Some(kind) = field(&form, "kind").filter(|k| st.pack().documents.kind(k).is_some()) else {
        let t = v.tr(&st, &headers);
        return problem(
            &st,
            &v,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            t.get("doc-error-kind"),
            back_to(&v, case.id),
        );
    };
    match store.request_document(&actor, case.id, kind).await {
        Ok(_) => {
            after_change(&st, &actor, case.id).await;
            see_other(&back_to(&v, case.id))
        }
        Err(e) => store_failure(e, case.id),
    }
}

async fn set_status(
    st: &AppState,
    v: &Viewer,
    actor: &Actor,
    case: &Case,
    doc: &str,
    status: DocumentStatus,
    reason: Option<&str>,
) -> Response {
    let Some(store) = st.store() else {
        return plain_status(StatusCode::NOT_FOUND);
    };
    let Ok(doc_id) = Uuid::parse_str(doc) else {
        return plain_status(StatusCode::NOT_FOUND);
    };
    match store
        .set_document_status(actor, case.id, doc_id, status, reason)
        .await
    {
        Ok(_) => {
            after_change(st, actor, case.id).await;
            see_other(&back_to(v, case.id))
        }
        Err(e) => store_failure(e, case.id),
    }
}

/// `POST /cases/{id}/documents/{doc}/verify`: the adviser checked the document.
pub async fn verify(
    State(st): State<AppState>,
    Staff(v): Staff,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path((id, doc)): Path<(String, String)>,
    RawForm(body): RawForm,
) -> Response {
    let (case, _, actor) = match prepare(&st, &v, client, &headers, &id, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    set_status(&st, &v, &actor, &case, &doc, DocumentStatus::Verified, None).await
}

/// `POST /cases/{id}/documents/{doc}/reject` (`reason`, required): the adviser refuses the
/// document; the applicant sees the reason.
pub async fn reject(
    State(st): State<AppState>,
    Staff(v): Staff,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path((id, doc)): Path<(String, String)>,
    RawForm(body): RawForm,
) -> Response {
    let (case, form, actor) = match prepare(&st, &v, client, &headers, &id, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let reason = field(&form, "reason").map(str::trim).unwrap_or("");
    if reason.is_empty() || reason.chars().count() > 1000 {
        let t = v.tr(&st, &headers);
        return problem(
            &st,
            &v,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            t.get("doc-error-reason"),
            back_to(&v, case.id),
        );
    }
    set_status(
        &st,
        &v,
        &actor,
        &case,
        &doc,
        DocumentStatus::Rejected,
        Some(reason),
    )
    .await
}

/// `POST /cases/{id}/documents/{doc}/delete`: removes the document and its stored file.
pub async fn delete(
    State(st): State<AppState>,
    Staff(v): Staff,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path((id, doc)): Path<(String, String)>,
    RawForm(body): RawForm,
) -> Response {
    let (case, _, actor) = match prepare(&st, &v, client, &headers, &id, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(store) = st.store() else {
        return plain_status(StatusCode::NOT_FOUND);
    };
    let Ok(doc_id) = Uuid::parse_str(&doc) else {
        return plain_status(StatusCode::NOT_FOUND);
    };
    match store.delete_document(&actor, case.id, doc_id).await {
        Ok(()) => {
            tracing::info!(case = %case.id, document = %doc_id, "document deleted");
            after_change(&st, &actor, case.id).await;
            see_other(&back_to(&v, case.id))
        }
        Err(e) => store_failure(e, case.id),
    }
}
