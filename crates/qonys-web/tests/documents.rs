//! Documents over HTTP on SQLite and PostgreSQL: encrypted uploads (the stored bytes are
//! not the plaintext, a file copied onto another document's record fails to decrypt),
//! size and type limits by content, downloads, the adviser's request / verify / reject /
//! delete (deletion removes the file), CSRF, a missing key, and access: another applicant
//! gets 403 on the case's documents and files.

mod support;

use axum::http::StatusCode;
use qonys_store::{Actor, CaseChange, DocumentStatus, Role, Store};
use qonys_web::documents::vault::DocumentKey;
use support::{Client, Harness};

fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {marker}\n1 0 obj << >> endobj\n%%EOF\n").into_bytes()
}

fn stored_files(h: &Harness) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(h.store.files_dir()) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    }
}

struct World {
    case: qonys_store::Case,
    staff: Client,
    applicant: Client,
    other: Client,
}

/// An adviser, a case linked to an applicant, and a second applicant with a case of their own.
async fn world(h: &mut Harness, with_key: bool) -> World {
    if with_key {
        h.state = h.state.clone().with_document_key(DocumentKey::generate());
    }
    h.user(Role::Admin, "adviser@example.test").await;
    let a = h.user(Role::Applicant, "applicant@example.test").await;
    let o = h.user(Role::Applicant, "other@example.test").await;
    let facts = serde_json::json!({"stay_goal": "temporary", "purposes": ["work"], "citizenship": "DE",
        "has_employment_offer": true, "work_permit_status": "not_started"});
    let c = h.case("Case A", facts.clone()).await;
    // Reviewed already ("open"): a new case would outrank any document trouble.
    let link = |id| CaseChange {
        status: Some("open".to_string()),
        applicant_id: Some(Some(id)),
        ..CaseChange::default()
    };
    let case = h
        .store
        .update_case(&Actor::system("test"), c.id, c.version, link(a.id))
        .await
        .expect("linked");
    let c2 = h.case("Case B", facts).await;
    h.store
        .update_case(&Actor::system("test"), c2.id, c2.version, link(o.id))
        .await
        .expect("linked");
    World {
        case,
        staff: h.login("adviser@example.test").await,
        applicant: h.login("applicant@example.test").await,
        other: h.login("other@example.test").await,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_is_encrypted_bound_to_its_document_and_downloads() {
    for mut h in Harness::both().await {
        let w = world(&mut h, true).await;
        let doc = doc_of(&h, &w, "passport").await;
        let url = format!("/cases/{}/documents/{doc}/file", w.case.id);
        let plain = pdf("MARKER-PASSPORT-7f3a");
        let r = w
            .applicant
            .post_multipart(&url, &[], "scan.pdf", "application/pdf", &plain)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("/my/{}#documents", w.case.id));

        let d = h.store.document(w.case.id, doc).await.unwrap();
        assert_eq!(d.status, DocumentStatus::Received);
        let f = d.file.expect("a stored file");
        assert_eq!(f.size, plain.len() as i64);
        assert_eq!(f.content_type, "application/pdf");
        use sha2::Digest;
        assert_eq!(f.sha256, hex::encode(sha2::Sha256::digest(&plain)));

        // At rest: versioned, and the plaintext is nowhere in the stored bytes.
        let files = stored_files(&h);
        assert_eq!(files.len(), 1, "{:?}", h.backend());
        let at_rest = std::fs::read(&files[0]).unwrap();
        assert!(at_rest.starts_with(b"QNY1"));
        assert!(!at_rest.windows(6).any(|x| x == b"MARKER"));
        assert!(!at_rest.windows(5).any(|x| x == b"%PDF-"));

        for who in [&w.applicant, &w.staff] {
            let r = who.get(&url).await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(r.body.as_bytes(), plain.as_slice());
            assert_eq!(r.headers["content-type"], "application/pdf");
            assert_eq!(r.headers["cache-control"], "no-store");
            let cd = r.headers["content-disposition"].to_str().unwrap();
            assert!(cd.starts_with("attachment; filename=\"passport-"), "{cd}");
            assert!(
                !cd.contains("scan"),
                "the client's file name is not reused: {cd}"
            );
        }

        // A file copied onto another document's record fails to decrypt.
        let doc2 = doc_of(&h, &w, "criminal_record_certificate").await;
        let url2 = format!("/cases/{}/documents/{doc2}/file", w.case.id);
        let r = w
            .applicant
            .post_multipart(&url2, &[], "b.pdf", "application/pdf", &pdf("OTHER"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let name2 = h
            .store
            .document(w.case.id, doc2)
            .await
            .unwrap()
            .file
            .unwrap()
            .stored_name;
        std::fs::write(h.store.files_dir().join(&name2), &at_rest).unwrap();
        let r = w.staff.get(&url2).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!r.body.contains("MARKER"));
        // The original still opens.
        assert_eq!(w.staff.get(&url).await.status, StatusCode::OK);
    }
}

async fn doc_of(h: &Harness, w: &World, kind: &str) -> uuid::Uuid {
    let r = w
        .staff
        .post_form(
            &format!("/cases/{}/documents", w.case.id),
            &[("kind", kind)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    h.store
        .documents(w.case.id)
        .await
        .unwrap()
        .into_iter()
        .rfind(|d| d.kind == kind)
        .expect("requested")
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn size_and_type_limits_and_missing_key() {
    for mut h in Harness::both().await {
        let w = world(&mut h, true).await;
        let doc = doc_of(&h, &w, "passport").await;
        let url = format!("/cases/{}/documents/{doc}/file", w.case.id);

        // Over 10 MiB: 413 with a clear message, nothing stored.
        let mut big = pdf("BIG");
        big.resize(10 * 1024 * 1024 + 1, b' ');
        let r = w
            .applicant
            .post_multipart(&url, &[], "big.pdf", "application/pdf", &big)
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.body.contains("at most 10 MB"), "{}", r.body);
        // Far over: refused on the declared length.
        big.resize(12 * 1024 * 1024, b' ');
        let r = w
            .applicant
            .post_multipart(&url, &[], "big.pdf", "application/pdf", &big)
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.body.contains("10 MB"), "{}", r.body);
        // A declared length over the limit is refused before the body is read, in the
        // language the browser asks for.
        let r = w
            .applicant
            .send(
                axum::http::Request::post(&url)
                    .header("content-type", "multipart/form-data; boundary=b")
                    .header("content-length", (11 * 1024 * 1024).to_string())
                    .header("accept-language", "ru-RU,ru;q=0.9")
                    .header("sec-fetch-site", "same-origin")
                    .body(axum::body::Body::from(vec![b' '; 11 * 1024 * 1024]))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.body.contains("Файл слишком большой"), "{}", r.body);
        assert!(stored_files(&h).is_empty());
        let d = h.store.document(w.case.id, doc).await.unwrap();
        assert_eq!(d.status, DocumentStatus::Requested);
        assert!(d.file.is_none());

        // Type by content: a GIF named .pdf and claimed as PDF is refused; HTML too.
        for bytes in [
            &b"GIF89a\x01\x00\x01\x00"[..],
            b"<html><body>%PDF-</body></html>",
        ] {
            let r = w
                .applicant
                .post_multipart(&url, &[], "x.pdf", "application/pdf", bytes)
                .await;
            assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert!(r.body.contains("PDF, JPEG or PNG"), "{}", r.body);
            // The applicant's own page again, the message next to that document's field.
            assert!(
                r.body
                    .contains("<p id=\"upload-error\" class=\"error\" role=\"alert\">")
            );
            assert!(r.body.contains("aria-describedby=\"upload-error\""));
        }
        assert!(stored_files(&h).is_empty());

        // JPEG and PNG by their magic bytes, and a 3 MiB file above the app-wide 256 KiB.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.resize(3 * 1024 * 1024, 0);
        let r = w
            .applicant
            .post_multipart(&url, &[], "x.bin", "application/octet-stream", &png)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let d = h.store.document(w.case.id, doc).await.unwrap();
        assert_eq!(d.file.unwrap().content_type, "image/png");
        let r = w
            .applicant
            .post_multipart(
                &url,
                &[],
                "x.jpg",
                "image/jpeg",
                b"\xFF\xD8\xFF\xE0\0\x10JFIF",
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            stored_files(&h).len(),
            1,
            "the new file replaced the old one"
        );

        // Every other route keeps the 256 KiB limit.
        let filler = "x".repeat(300 * 1024);
        let r = w
            .staff
            .post_form(
                &format!("/cases/{}/documents", w.case.id),
                &[("kind", "passport"), ("pad", &filler)],
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);

        // No file chosen: a clear 400.
        let r = w
            .applicant
            .post_multipart(&url, &[], "", "application/octet-stream", b"")
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("No file was chosen"), "{}", r.body);
    }
    // Without a key: 503 with a clear text, nothing stored.
    for mut h in Harness::both().await {
        let w = world(&mut h, false).await;
        let doc = doc_of(&h, &w, "passport").await;
        let url = format!("/cases/{}/documents/{doc}/file", w.case.id);
        let r = w
            .applicant
            .post_multipart(&url, &[], "a.pdf", "application/pdf", &pdf("K"))
            .await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.body.contains("no document encryption key"), "{}", r.body);
        assert!(stored_files(&h).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adviser_verifies_rejects_and_deletes_with_csrf() {
    for mut h in Harness::both().await {
        let w = world(&mut h, true).await;
        let doc = doc_of(&h, &w, "passport").await;
        let base = format!("/cases/{}/documents/{doc}", w.case.id);
        let r = w
            .applicant
            .post_multipart(
                &format!("{base}/file"),
                &[],
                "a.pdf",
                "application/pdf",
                &pdf("P"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // Without the session's CSRF token: refused, nothing changes.
        let r = w
            .staff
            .post_form_raw(&format!("{base}/verify"), &[("csrf", "forged")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = w
            .applicant
            .post_multipart(
                &format!("{base}/file"),
                &[("csrf", "forged")],
                "a.pdf",
                "application/pdf",
                &pdf("Q"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Applicants cannot verify their own documents.
        let r = w.applicant.post_form(&format!("{base}/verify"), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            h.store.document(w.case.id, doc).await.unwrap().status,
            DocumentStatus::Received
        );

        let r = w.staff.post_form(&format!("{base}/verify"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            h.store.document(w.case.id, doc).await.unwrap().status,
            DocumentStatus::Verified
        );
        // A verified document's file cannot be replaced by the applicant: 409 with the
        // reason on their page, and the verified file stays as it was.
        let verified = h.store.document(w.case.id, doc).await.unwrap();
        let page = w.applicant.get(&format!("/my/{}", w.case.id)).await;
        assert!(!page.body.contains(&format!("{base}/file\" enctype")));
        let r = w
            .applicant
            .post_multipart(
                &format!("{base}/file"),
                &[],
                "b.pdf",
                "application/pdf",
                &pdf("R"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("already been verified"), "{}", r.body);
        assert!(r.body.contains("id=\"upload-error\""), "{}", r.body);
        let after = h.store.document(w.case.id, doc).await.unwrap();
        assert_eq!(after.status, DocumentStatus::Verified);
        assert_eq!(after.file, verified.file);

        // Rejecting needs a reason; the applicant then sees it.
        let r = w
            .staff
            .post_form(&format!("{base}/reject"), &[("reason", "  ")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("why the document is rejected"));
        let before = h.store.case(w.case.id).await.unwrap().urgency;
        let r = w
            .staff
            .post_form(
                &format!("{base}/reject"),
                &[("reason", "The scan is blurred")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // A rejected document raises the case in the adviser's list.
        assert!(h.store.case(w.case.id).await.unwrap().urgency > before);
        // The adviser's case page carries the documents section.
        let page = w.staff.get(&format!("/cases/{}", w.case.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("id=\"documents-section\""),
            "{}",
            page.body
        );
        assert!(page.body.contains("Rejected: The scan is blurred"));
        assert!(page.body.contains(&format!("{base}/file")));
        let d = h.store.document(w.case.id, doc).await.unwrap();
        assert_eq!(d.status, DocumentStatus::Rejected);
        assert_eq!(d.reason.as_deref(), Some("The scan is blurred"));
        let page = w.applicant.get(&format!("/my/{}", w.case.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Rejected: The scan is blurred"),
            "{}",
            page.body
        );

        // Deleting removes the row and the file.
        assert_eq!(stored_files(&h).len(), 1);
        let r = w.staff.post_form(&format!("{base}/delete"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            stored_files(&h).is_empty(),
            "the file is gone from the files dir"
        );
        assert!(h.store.document(w.case.id, doc).await.is_err());
        assert_eq!(
            w.staff.get(&format!("{base}/file")).await.status,
            StatusCode::NOT_FOUND
        );

        // Unknown kinds are refused.
        let r = w
            .staff
            .post_form(
                &format!("/cases/{}/documents", w.case.id),
                &[("kind", "no_such_document")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_applicant_gets_403_on_documents_and_files() {
    for mut h in Harness::both().await {
        let w = world(&mut h, true).await;
        let doc = doc_of(&h, &w, "passport").await;
        let url = format!("/cases/{}/documents/{doc}/file", w.case.id);
        let r = w
            .applicant
            .post_multipart(&url, &[], "a.pdf", "application/pdf", &pdf("SECRET-OF-A"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        let r = w.other.get(&url).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(!r.body.contains("SECRET-OF-A"));
        let r = w
            .other
            .post_multipart(&url, &[], "b.pdf", "application/pdf", &pdf("INTRUDER"))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let new_url = format!("/cases/{}/documents/new/file", w.case.id);
        let r = w
            .other
            .post_multipart(
                &new_url,
                &[("kind", "passport")],
                "b.pdf",
                "application/pdf",
                &pdf("X"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            w.other.get(&format!("/my/{}", w.case.id)).await.status,
            StatusCode::FORBIDDEN
        );
        for action in ["verify", "reject", "delete"] {
            let r = w
                .other
                .post_form(
                    &format!("/cases/{}/documents/{doc}/{action}", w.case.id),
                    &[("reason", "x")],
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
        }
        // Nothing changed: still the applicant's file, still received.
        let d = h.store.document(w.case.id, doc).await.unwrap();
        assert_eq!(d.status, DocumentStatus::Received);
        assert_eq!(h.store.documents(w.case.id).await.unwrap().len(), 1);
        let r = w.applicant.get(&url).await;
        assert!(r.body.contains("SECRET-OF-A"));
        // Signed out: sent to sign in, never the file.
        let r = h.anonymous().get(&url).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location().starts_with("/login"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applicant_uploads_a_checklist_document_not_yet_requested() {
    for mut h in Harness::both().await {
        let w = world(&mut h, true).await;
        let page = w.applicant.get(&format!("/my/{}", w.case.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        // The checklist of the best route lists the passport with an upload form to `new`.
        let action = format!("/cases/{}/documents/new/file", w.case.id);
        assert!(page.body.contains(&action), "{}", page.body);
        assert!(page.body.contains("data-kind=\"passport\""));
        let r = w
            .applicant
            .post_multipart(
                &action,
                &[("kind", "passport")],
                "p.pdf",
                "application/pdf",
                &pdf("N"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let docs = h.store.documents(w.case.id).await.unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind, "passport");
        assert_eq!(docs[0].status, DocumentStatus::Received);
        let page = w.applicant.get(&format!("/my/{}", w.case.id)).await;
        assert!(page.body.contains("data-status=\"received\""));
        // An unknown kind is refused.
        let r = w
            .applicant
            .post_multipart(
                &action,
                &[("kind", "bogus")],
                "p.pdf",
                "application/pdf",
                &pdf("N"),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_section_shows_checklist_statuses_forms_and_findings() {
    for mut h in Harness::both().await {
        let w = world(&mut h, true).await;
        // Document details in the case's history: the bank certificate spells the name
        // differently from the passport.
        let documents = serde_json::json!([
            {"kind": "passport", "issuing_country": "RU", "language": "ru, en",
             "holder_name": "IVANOVA ZHANNA", "date_of_birth": "05 MAR 1990",
             "issue_date": "20.05.2019", "expiry_date": "20.05.2029"},
            {"kind": "bank_solvency_certificate", "issuing_country": "KZ", "language": "ru",
             "holder_name": "IVANOVA JANNA", "issue_date": "2026-05-20"}
        ]);
        let facts = serde_json::json!({"stay_goal": "permanent", "citizenship": "RU",
            "date_of_birth": "1990-03-05", "in_kazakhstan": true});
        let case = h
            .store
            .update_case(
                &Actor::system("test"),
                w.case.id,
                w.case.version,
                CaseChange {
                    facts: Some(facts.clone()),
                    history: Some(serde_json::json!({"document": documents})),
                    ..CaseChange::default()
                },
            )
            .await
            .unwrap();
        let doc = doc_of(&h, &w, "passport").await;
        let url = format!("/cases/{}/documents/{doc}/file", w.case.id);
        let r = w
            .applicant
            .post_multipart(&url, &[], "p.pdf", "application/pdf", &pdf("P"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let reject = doc_of(&h, &w, "medical_certificate_028").await;
        let r = w
            .staff
            .post_form(
                &format!("/cases/{}/documents/{reject}/reject", w.case.id),
                &[("reason", "Stamp missing")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // The section as the adviser's case page gets it.
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            w.staff.cookie.as_deref().unwrap().parse().unwrap(),
        );
        let viewer = qonys_web::auth::session::viewer(&h.state, &headers)
            .await
            .expect("signed in");
        let html = qonys_web::documents::staff::staff_section(
            &h.state,
            &viewer,
            qonys_law::Lang::En,
            &case,
        )
        .await;

        // Every document of the core's checklist for the best route is there.
        let pack = qonys_law::bundled::load().unwrap();
        let stored = h.store.case(case.id).await.unwrap();
        let (cf, bound) = qonys_web::documents::case_file(&pack, &stored);
        assert_eq!(cf.documents.len(), 2);
        let route = qonys_web::documents::best_route(&pack, &bound, support::as_of()).unwrap();
        let list = qonys_law::documents::checklist::checklist(
            &pack,
            &bound,
            &cf.documents,
            route,
            support::as_of(),
        );
        assert!(!list.items.is_empty());
        for item in &list.items {
            let kind = &item.kind(&pack).id;
            assert!(
                html.contains(&format!("data-kind=\"{kind}\"")),
                "{kind}: {html}"
            );
        }
        // Stored statuses, the reason, the download link and the forms, each with the token.
        assert!(html.contains("data-status=\"received\""));
        assert!(html.contains("data-status=\"rejected\""));
        assert!(html.contains("Rejected: Stamp missing"));
        assert!(html.contains(&format!("href=\"{url}\"")));
        assert!(html.contains(&format!("/documents/{doc}/verify")));
        assert!(html.contains(&format!("/documents/{doc}/delete")));
        assert!(html.contains("<label for=\"request-kind\">"));
        let forms = html.matches("<form ").count();
        let tokens = html
            .matches(&format!("name=\"csrf\" value=\"{}\"", w.staff.csrf))
            .count();
        assert_eq!(forms, tokens, "every form carries the session's CSRF token");

        // The core's findings across the documents.
        let findings = qonys_law::documents::check::check(
            &pack,
            &bound,
            &cf.documents,
            support::as_of(),
            Some(route),
        );
        assert!(!findings.is_empty(), "the name spelled two ways is found");
        assert_eq!(html.matches("<li class=\"finding ").count(), findings.len());
        assert!(html.contains("id=\"findings-title\""));
    }
}
