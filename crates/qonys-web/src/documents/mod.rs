//! A case's documents on the web: the encrypted file vault ([`vault`]), uploads and
//! downloads with their size and type limits ([`upload`]), and the adviser's documents
//! section of the case page with its request / verify / reject / delete forms ([`staff`]).
//!
//! The checklist comes from the core (`qonys_law::documents::checklist` for the case's best
//! route, worded by `qonys_i18n::checklist`), each required document joined with the status
//! stored for it (`qonys_store::Document`). Every route goes through
//! [`crate::auth::load_case`], so an applicant reaches only their own case's documents.

pub mod staff;
pub mod upload;
pub mod vault;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use qonys_i18n::checklist::{ChecklistReport, capitalise, checklist_report};
use qonys_law::case::{RawValue, bind_table};
use qonys_law::documents::checklist::checklist as build_checklist;
use qonys_law::{CaseFile, Date, Facts, Lang, Pack, Verdict};
use qonys_store::{Case, Document, DocumentStatus};
use uuid::Uuid;

use crate::AppState;
use crate::auth::Viewer;
use crate::lang::Tr;
use crate::pages::Layout;

/// The document routes (uploads with their own body limit).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/documents", post(staff::request))
        .route(
            "/cases/{id}/documents/{doc}/file",
            axum::routing::get(upload::download)
                .post(upload::upload)
                .layer(DefaultBodyLimit::max(upload::UPLOAD_BODY_LIMIT)),
        )
        .route("/cases/{id}/documents/{doc}/verify", post(staff::verify))
        .route("/cases/{id}/documents/{doc}/reject", post(staff::reject))
        .route("/cases/{id}/documents/{doc}/delete", post(staff::delete))
}

/// A stored case read as a case file: its facts (answers that no longer bind to the pack
/// are left out, one by one, rather than losing the rest) and, when the stored history is
/// an object, its `status`, `event` and `document` sections.
pub fn case_file(pack: &Pack, case: &Case) -> (CaseFile, Facts) {
    let mut cf = CaseFile::default();
    if let serde_json::Value::Object(h) = &case.history {
        let mut obj = serde_json::Map::new();
        for k in ["status", "event", "document"] {
            if let Some(v) = h.get(k) {
                obj.insert(k.to_string(), v.clone());
            }
        }
        if let Ok(parsed) = CaseFile::parse_json(&serde_json::Value::Object(obj).to_string()) {
            cf.history = parsed.history;
            cf.documents = parsed
                .documents
                .into_iter()
                .enumerate()
                .filter(|(i, d)| d.bind(pack, i + 1).is_empty())
                .map(|(_, d)| d)
                .collect();
        }
    }
    if let serde_json::Value::Object(f) = &case.facts {
        for (k, v) in f {
            if let Ok(Some(raw)) = RawValue::from_json(v.clone()) {
                cf.facts.insert(k.clone(), raw);
            }
        }
    }
    let facts = match cf.bind(pack) {
        Ok(f) => f,
        Err(_) => {
            let mut facts = Facts::empty(pack);
            let mut kept = BTreeMap::new();
            for (k, raw) in &cf.facts {
                let one = BTreeMap::from([(k.clone(), raw.clone())]);
                if let (Ok(b), Some(idx)) = (bind_table(pack, &one, "facts"), pack.fact_idx(k)) {
                    facts.set(idx, b.get(idx));
                    kept.insert(k.clone(), raw.clone());
                }
            }
            cf.facts = kept;
            facts
        }
    };
    (cf, facts)
}

/// The route the checklist is made for: the best-ranked route in force that is not ruled
/// out (the first of the ranking otherwise).
pub fn best_route(pack: &Pack, facts: &Facts, as_of: Date) -> Option<usize> {
    let a = qonys_law::assess(pack, facts, as_of);
    a.routes
        .iter()
        .find(|r| r.in_force && r.verdict != Verdict::DoesNotFit)
        .or_else(|| a.routes.first())
        .map(|r| usize::from(r.route))
}

/// One document line of a checklist, with what is stored for it.
#[derive(Debug, Clone)]
pub struct DocLine {
    /// The document kind id.
    pub kind: String,
    /// Its name.
    pub label: String,
    /// Needed / may be needed, in words (empty for a document outside the checklist).
    pub need: String,
    /// Why the route asks for it.
    pub why: String,
    /// Formalities, translation and validity, in words.
    pub notes: Vec<String>,
    /// The stored document, when one was requested or uploaded.
    pub stored: Option<StoredLine>,
}

/// What is stored for a document line.
#[derive(Debug, Clone)]
pub struct StoredLine {
    /// The document id.
    pub id: String,
    /// `requested`, `received`, `verified`, `rejected`.
    pub status: &'static str,
    /// The status in words.
    pub status_text: String,
    /// The rejection reason.
    pub reason: String,
    /// The uploaded file's size in words, when there is a file.
    pub file: Option<String>,
}

impl DocLine {
    /// The stored document's id, or `new` (an upload then makes the document first).
    pub fn target(&self) -> &str {
        self.stored.as_ref().map_or("new", |s| s.id.as_str())
    }

    /// Whether the stored document was verified (nothing more to upload).
    pub fn verified(&self) -> bool {
        self.stored.as_ref().is_some_and(|s| s.status == "verified")
    }
}

/// A document status in words.
pub fn status_text(t: Tr<'_>, s: DocumentStatus) -> String {
    t.get(match s {
        DocumentStatus::Requested => "doc-status-requested",
        DocumentStatus::Received => "doc-status-received",
        DocumentStatus::Verified => "doc-status-verified",
        DocumentStatus::Rejected => "doc-status-rejected",
    })
}

/// A file size in words (`2.4 MB`, `512 KB`).
pub fn size_text(t: Tr<'_>, bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b >= 1024.0 * 1024.0 {
        t.fmt(
            "doc-size-mb",
            &[("size", &format!("{:.1}", b / (1024.0 * 1024.0)))],
        )
    } else {
        t.fmt(
            "doc-size-kb",
            &[("size", &format!("{}", (b / 1024.0).ceil() as i64))],
        )
    }
}

fn stored_line(t: Tr<'_>, d: &Document) -> StoredLine {
    StoredLine {
        id: d.id.to_string(),
        status: d.status.as_str(),
        status_text: status_text(t, d.status),
        reason: d.reason.clone().unwrap_or_default(),
        file: d.file.as_ref().map(|f| size_text(t, f.size)),
    }
}

/// The case's checklist (best route, on `as_of`) joined with its stored documents: the
/// checklist's lines, then the stored documents of kinds the checklist does not list.
pub fn document_lines(
    st: &AppState,
    lang: Lang,
    case: &Case,
    stored: &[Document],
) -> (Option<ChecklistReport>, Vec<DocLine>) {
    let pack = st.pack();
    let t = Tr {
        m: st.messages(),
        lang,
    };
    let as_of = st.as_of();
    let (cf, facts) = case_file(pack, case);
    let report = best_route(pack, &facts, as_of).map(|route| {
        let list = build_checklist(pack, &facts, &cf.documents, route, as_of);
        checklist_report(pack, &list, st.messages(), lang)
    });
    let latest = |kind: &str| stored.iter().rfind(|d| d.kind == kind);
    let mut lines: Vec<DocLine> = Vec::new();
    if let Some(r) = &report {
        for item in &r.items {
            if lines.iter().any(|l| l.kind == item.document) {
                continue;
            }
            let mut notes = item.formalities_text.clone();
            notes.extend(item.validity_text.iter().cloned());
            lines.push(DocLine {
                kind: item.document.clone(),
                label: capitalise(&item.label),
                need: capitalise(&item.need_text),
                why: item.why.clone(),
                notes,
                stored: latest(&item.document).map(|d| stored_line(t, d)),
            });
        }
    }
    for d in stored {
        if lines.iter().any(|l| l.kind == d.kind) {
            continue;
        }
        let label = pack
            .documents
            .kind(&d.kind)
            .map_or_else(|| d.kind.clone(), |k| capitalise(k.label.get(lang)));
        lines.push(DocLine {
            kind: d.kind.clone(),
            label,
            need: String::new(),
            why: String::new(),
            notes: Vec::new(),
            stored: latest(&d.kind).map(|d| stored_line(t, d)),
        });
    }
    (report, lines)
}

/// Where a change to a case's documents goes back to: the portal for the applicant, the
/// case page for staff.
pub fn back_to(viewer: &Viewer, case_id: Uuid) -> String {
    if viewer.is_staff() {
        format!("/cases/{case_id}#documents")
    } else {
        format!("/my/{case_id}#documents")
    }
}

/// `303 See Other` to `to`.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
}

#[derive(Template)]
#[template(path = "documents/problem.html")]
struct ProblemPage<'a> {
    page: Layout<'a>,
    message: String,
    back: String,
}

/// A page that says what went wrong in words, with a way back, under `status`.
pub fn problem(
    st: &AppState,
    viewer: &Viewer,
    headers: &axum::http::HeaderMap,
    status: StatusCode,
    message: String,
    back: String,
) -> Response {
    let page = ProblemPage {
        page: Layout::signed_in(st, viewer, headers, "doc-problem-title", &back),
        message,
        back,
    };
    match page.render() {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => crate::pages::plain_status(status),
    }
}

/// Called after any change to a case's documents: recomputes the case's urgency (a rejected
/// document puts it higher in the adviser's list). A failure is logged, not shown: the
/// document change itself is already stored.
pub async fn after_change(st: &AppState, actor: &qonys_store::Actor, case_id: Uuid) {
    if let Err(e) = crate::workbench::refresh_urgency(st, actor, case_id).await {
        tracing::warn!(case = %case_id, error = %e, "refreshing the urgency after a document change failed");
    }
}
