//! Uploading and downloading a document's file.
//!
//! `POST /cases/{id}/documents/{doc}/file` (multipart: `csrf`, optional `kind` when `doc`
//! is `new`, and `file`), by the case's applicant or staff who may open the case: at most
//! [`FILE_LIMIT`] bytes (larger → 413, nothing stored), PDF, JPEG or PNG recognised by the
//! content's magic bytes, not by the name or the browser's claimed type (anything else →
//! 415); the plaintext's size and SHA-256 are recorded, the bytes encrypted with the
//! configured key ([`super::vault`]) and the document becomes *received*. Without a key the
//! answer is 503. An applicant cannot replace the file of a *verified* document (409).
//!
//! `GET /cases/{id}/documents/{doc}/file` decrypts and sends the file as an attachment
//! under a server-made name, never cached.
//!
//! The app-wide body limit ([`crate::BODY_LIMIT`]) stays on every other route;
//! [`body_limits`] gives the upload route its own.

use axum::body::Body;
use axum::extract::{Multipart, Path, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qonys_store::{Actor, DocumentStatus, FileUpload, StoreError};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::limit::RequestBodyLimitLayer;
use uuid::Uuid;

use super::{after_change, back_to, problem, see_other};
use crate::AppState;
use crate::auth::pages::ClientAddr;
use crate::auth::{Viewer, load_case};
use crate::pages::plain_status;

/// The largest document file accepted: 10 MiB.
pub const FILE_LIMIT: usize = 10 * 1024 * 1024;

/// The upload route's body limit: the file plus room for the form's other fields.
pub const UPLOAD_BODY_LIMIT: usize = FILE_LIMIT + 64 * 1024;

/// Whether `path` is the upload route (`/cases/{id}/documents/{doc}/file`).
pub fn is_upload_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts.as_slice(), ["", "cases", _, "documents", _, "file"])
}

/// The body limit of every request: [`UPLOAD_BODY_LIMIT`] for a POST to the upload route,
/// [`crate::BODY_LIMIT`] for everything else. A declared length above the limit is refused
/// at once with 413; a longer streamed body fails when read (on the upload route through
/// its `DefaultBodyLimit`, so the multipart reader can tell "too large" from "malformed").
pub async fn body_limits(req: Request, next: Next) -> Response {
    let upload = req.method() == Method::POST && is_upload_path(req.uri().path());
    let limit = if upload {
        UPLOAD_BODY_LIMIT
    } else {
        crate::BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if upload {
        if declared.is_some_and(|n| n > limit as u64) {
            return too_large_text(req.headers());
        }
        // A streamed body is bounded by the route's `DefaultBodyLimit`, which the multipart
        // reader reports as "too large" (see `read_form`).
        return next.run(req).await;
    }
    let svc = tower::ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(limit))
        .map_request(|r: axum::http::Request<_>| r.map(Body::new))
        .service(next);
    match svc.oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    }
}

/// The 413 answer to an upload whose declared length is over the limit, in the language the
/// request asks for (the body is not read, so the account's language is not looked up).
fn too_large_text(headers: &HeaderMap) -> Response {
    let lang = crate::lang::from_headers(headers);
    let text = qonys_i18n::Messages::new().get(lang, "doc-error-too-large");
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

/// The type of a file by its first bytes: PDF, JPEG or PNG; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(("image/png", "png"))
    } else {
        None
    }
}

/// The file name extension of a stored content type.
fn extension(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    }
}

fn not_found() -> Response {
    plain_status(StatusCode::NOT_FOUND)
}

fn unavailable(e: &StoreError, case_id: Uuid) -> Response {
    tracing::error!(case = %case_id, error = %e, "document store operation failed");
    plain_status(StatusCode::SERVICE_UNAVAILABLE)
}

/// What the upload form sent.
struct Sent {
    csrf: Option<String>,
    kind: Option<String>,
    file: Option<Vec<u8>>,
}

enum ReadError {
    TooLarge,
    Malformed,
}

async fn read_form(mut mp: Multipart) -> Result<Sent, ReadError> {
    let mut sent = Sent {
        csrf: None,
        kind: None,
        file: None,
    };
    let fail = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ReadError::TooLarge
        } else {
            ReadError::Malformed
        }
    };
    while let Some(mut field) = mp.next_field().await.map_err(fail)? {
        match field.name().unwrap_or("") {
            "file" => {
                let mut buf = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(fail)? {
                    if buf.len() + chunk.len() > FILE_LIMIT {
                        return Err(ReadError::TooLarge);
                    }
                    buf.extend_from_slice(&chunk);
                }
                sent.file = Some(buf);
            }
            name @ ("csrf" | "kind") => {
                let name = name.to_string();
                let text = field.text().await.map_err(fail)?;
                if text.len() > 200 {
                    return Err(ReadError::Malformed);
                }
                if name == "csrf" {
                    sent.csrf = Some(text);
                } else {
                    sent.kind = Some(text);
                }
            }
            _ => {
                // Unknown fields are read and dropped (bounded by the body limit).
                while field.chunk().await.map_err(fail)?.is_some() {}
            }
        }
    }
    Ok(sent)
}

/// Why an upload was refused: the answer's status and the message id.
struct Refusal {
    status: StatusCode,
    message_id: &'static str,
}

const fn refusal(status: StatusCode, message_id: &'static str) -> Refusal {
    Refusal { status, message_id }
}

/// The answer to a refused upload: for an applicant, their case page with the message next
/// to that document's file field; otherwise (or when the document is not known) a page
/// with the message and a way back.
async fn refuse(
    st: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    case: &qonys_store::Case,
    kind: Option<&str>,
    r: Refusal,
) -> Response {
    let message = viewer.tr(st, headers).get(r.message_id);
    match kind {
        Some(kind) if !viewer.is_staff() => {
            crate::portal::upload_refused(st, viewer, headers, case, r.status, kind, message).await
        }
        _ => problem(
            st,
            viewer,
            headers,
            r.status,
            message,
            back_to(viewer, case.id),
        ),
    }
}

/// `POST /cases/{id}/documents/{doc}/file`: stores an uploaded file, encrypted (see the
/// module documentation). `doc` = `new` with a `kind` field makes the document first.
pub async fn upload(
    State(st): State<AppState>,
    viewer: Viewer,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Path((id, doc)): Path<(String, String)>,
    mp: Multipart,
) -> Response {
    let case = match load_case(&st, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(store) = st.store() else {
        return not_found();
    };
    // The document being replaced (none for `new`).
    let existing = if doc == "new" {
        None
    } else {
        let Ok(doc_id) = Uuid::parse_str(&doc) else {
            return not_found();
        };
        match store.document(case.id, doc_id).await {
            Ok(d) => Some(d),
            Err(StoreError::NotFound { .. }) => return not_found(),
            Err(e) => return unavailable(&e, case.id),
        }
    };
    let existing_kind = existing.as_ref().map(|d| d.kind.clone());
    let Some(key) = st.document_key() else {
        let r = refusal(StatusCode::SERVICE_UNAVAILABLE, "doc-error-no-key");
        return refuse(&st, &viewer, &headers, &case, None, r).await;
    };
    let sent = match read_form(mp).await {
        Ok(s) => s,
        Err(e) => {
            let r = match e {
                ReadError::TooLarge => {
                    refusal(StatusCode::PAYLOAD_TOO_LARGE, "doc-error-too-large")
                }
                ReadError::Malformed => refusal(StatusCode::BAD_REQUEST, "doc-error-malformed"),
            };
            return refuse(&st, &viewer, &headers, &case, existing_kind.as_deref(), r).await;
        }
    };
    let form: Vec<(String, String)> = sent
        .csrf
        .iter()
        .map(|c| ("csrf".to_string(), c.clone()))
        .collect();
    if let Err(r) = viewer.check_csrf(&headers, &form) {
        return r;
    }
    // A verified document is settled: the applicant cannot replace its file (the portal shows
    // no upload box for it; a form sent anyway is refused). Staff still can, and the document
    // is then received again, to be verified anew.
    if let Some(d) = &existing
        && d.status == DocumentStatus::Verified
        && !viewer.is_staff()
    {
        let r = refusal(StatusCode::CONFLICT, "doc-error-verified");
        return refuse(&st, &viewer, &headers, &case, Some(&d.kind), r).await;
    }
    let kind = match &existing {
        Some(d) => Some(d.kind.clone()),
        None => sent
            .kind
            .clone()
            .filter(|k| st.pack().documents.kind(k).is_some()),
    };
    let Some(kind) = kind else {
        let r = refusal(StatusCode::UNPROCESSABLE_ENTITY, "doc-error-kind");
        return refuse(&st, &viewer, &headers, &case, None, r).await;
    };
    let bytes = match sent.file {
        Some(b) if !b.is_empty() => b,
        _ => {
            let r = refusal(StatusCode::BAD_REQUEST, "doc-error-no-file");
            return refuse(&st, &viewer, &headers, &case, Some(&kind), r).await;
        }
    };
    let Some((content_type, _)) = sniff(&bytes) else {
        let r = refusal(StatusCode::UNSUPPORTED_MEDIA_TYPE, "doc-error-type");
        return refuse(&st, &viewer, &headers, &case, Some(&kind), r).await;
    };
    let actor = Actor::user(viewer.user.id, client);
    let back = back_to(&viewer, case.id);
    let doc_id = match existing {
        Some(d) => d.id,
        None => match store.request_document(&actor, case.id, &kind).await {
            Ok(d) => d.id,
            Err(e) => return unavailable(&e, case.id),
        },
    };
    let meta = FileUpload {
        content_type: content_type.to_string(),
        size: bytes.len() as i64,
        sha256: hex::encode(Sha256::digest(&bytes)),
    };
    let sealed = key.seal(case.id, doc_id, &bytes);
    match store
        .attach_document_file(&actor, case.id, doc_id, meta, &sealed)
        .await
    {
        Ok(_) => {
            tracing::info!(case = %case.id, document = %doc_id, "document file stored");
            after_change(&st, &actor, case.id).await;
            see_other(&back)
        }
        Err(StoreError::NotFound { .. }) => not_found(),
        Err(e) => unavailable(&e, case.id),
    }
}

/// `GET /cases/{id}/documents/{doc}/file`: the decrypted file, as an attachment.
pub async fn download(
    State(st): State<AppState>,
    viewer: Viewer,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let case = match load_case(&st, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(store) = st.store() else {
        return not_found();
    };
    let Ok(doc_id) = Uuid::parse_str(&doc) else {
        return not_found();
    };
    let d = match store.document(case.id, doc_id).await {
        Ok(d) => d,
        Err(StoreError::NotFound { .. }) => return not_found(),
        Err(e) => return unavailable(&e, case.id),
    };
    let Some(file) = d.file else {
        return not_found();
    };
    let Some(key) = st.document_key() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            "no document key is configured on this server: documents cannot be read\n",
        )
            .into_response();
    };
    let stored = match store.read_document_file(case.id, doc_id).await {
        Ok(b) => b,
        Err(StoreError::NotFound { .. }) => return not_found(),
        Err(e) => return unavailable(&e, case.id),
    };
    let plain = match key.open(case.id, doc_id, &stored) {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(case = %case.id, document = %doc_id, error = %e, "document file does not decrypt");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                "the stored file cannot be read: it does not belong to this document or was altered\n",
            )
                .into_response();
        }
    };
    // The stored type was established from the content; re-check it on the way out.
    let content_type = sniff(&plain).map_or("application/octet-stream", |(t, _)| t);
    let short = doc_id.simple().to_string();
    let name = format!(
        "{}-{}.{}",
        d.kind
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>(),
        &short[short.len().saturating_sub(8)..],
        extension(&file.content_type)
    );
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, content_type.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        plain,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content_only() {
        assert_eq!(sniff(b"%PDF-1.4\n"), Some(("application/pdf", "pdf")));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(("image/jpeg", "jpg"))
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(("image/png", "png"))
        );
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>%PDF-"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn upload_path() {
        assert!(is_upload_path("/cases/abc/documents/def/file"));
        assert!(!is_upload_path("/cases/abc/documents/def/verify"));
        assert!(!is_upload_path("/cases/abc/documents/def/file/x"));
        assert!(!is_upload_path("/my"));
    }
}
