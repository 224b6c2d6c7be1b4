//! The access matrix (SECURITY.md, issue 8 §3): every route of the web app and the API ×
//! every role × an object that belongs to someone else. A role without the right must be
//! refused (401, 403, 404, or a redirect to the sign-in page); a role with the right must get
//! past the access check (anything else). Every answer carries the security headers.
//!
//! The table below is checked against the router's source: a route added without a row here
//! fails the test, so new routes cannot skip the matrix.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::StatusCode;
use qonys_store::{Actor, NewCase, Role, Store};
use support::{Client, Harness, Reply};
use uuid::Uuid;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Right {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Advisers and admins.
    Staff,
    /// Admins only.
    Admin,
    /// Staff who may open the case in the address (assigned adviser, admin).
    CaseStaff,
    /// The case's own applicant, or staff who may open it.
    CaseParty,
}

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// The applicant of the case in the address.
    OwnApplicant,
    /// An applicant of another case.
    OtherApplicant,
    /// The adviser the case is assigned to.
    AssignedAdviser,
    /// An adviser of another firm, not assigned.
    OtherAdviser,
    Admin,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::OwnApplicant,
    Who::OtherApplicant,
    Who::AssignedAdviser,
    Who::OtherAdviser,
    Who::Admin,
];

fn allowed(right: Right, who: Who) -> bool {
    match right {
        Right::Public => true,
        Right::SignedIn => who != Who::Anonymous,
        Right::Staff => matches!(who, Who::AssignedAdviser | Who::OtherAdviser | Who::Admin),
        Right::Admin => who == Who::Admin,
        Right::CaseStaff => matches!(who, Who::AssignedAdviser | Who::Admin),
        Right::CaseParty => matches!(who, Who::OwnApplicant | Who::AssignedAdviser | Who::Admin),
    }
}

/// (method, route template, right), in the order they are tried. `{id}`/`{case}` is the case of the own applicant (owned
/// by someone else for every other role), `{doc}` one of its documents, `{token}` an unknown
/// token, `{file}` a static file.
const MATRIX: &[(&str, &str, Right)] = &[
    ("GET", "/", Right::Public),
    ("POST", "/lang", Right::Public),
    ("GET", "/finder", Right::Public),
    ("POST", "/finder", Right::Public),
    ("POST", "/consultation", Right::Public),
    ("GET", "/login", Right::Public),
    ("POST", "/login", Right::Public),
    ("GET", "/setup/{token}", Right::Public),
    ("POST", "/setup/{token}", Right::Public),
    ("GET", "/invite/{token}", Right::Public),
    ("POST", "/invite/{token}", Right::Public),
    ("GET", "/static/{file}", Right::Public),
    ("POST", "/api/v1/assess", Right::Public),
    ("GET", "/api/v1/rules", Right::Public),
    ("GET", "/api/v1/openapi.json", Right::Public),
    ("POST", "/api/v1/checklist", Right::Public),
    ("POST", "/api/v1/check", Right::Public),
    ("POST", "/api/v1/plan", Right::Public),
    ("GET", "/api/v1/cases", Right::SignedIn),
    ("POST", "/api/v1/cases", Right::Staff),
    ("GET", "/api/v1/cases/{id}", Right::CaseParty),
    ("PATCH", "/api/v1/cases/{id}", Right::CaseStaff),
    ("GET", "/cases", Right::Staff),
    ("GET", "/cases/{id}", Right::CaseStaff),
    ("POST", "/cases/{id}/facts", Right::CaseStaff),
    ("POST", "/cases/{id}/assessment", Right::CaseStaff),
    ("POST", "/cases/{id}/notes", Right::CaseStaff),
    ("POST", "/cases/{id}/assign", Right::CaseStaff),
    ("POST", "/cases/{id}/invite", Right::CaseStaff),
    ("POST", "/cases/{id}/documents", Right::CaseStaff),
    ("GET", "/cases/{id}/documents/{doc}/file", Right::CaseParty),
    ("POST", "/cases/{id}/documents/{doc}/file", Right::CaseParty),
    (
        "POST",
        "/cases/{id}/documents/{doc}/verify",
        Right::CaseStaff,
    ),
    (
        "POST",
        "/cases/{id}/documents/{doc}/reject",
        Right::CaseStaff,
    ),
    (
        "POST",
        "/cases/{id}/documents/{doc}/delete",
        Right::CaseStaff,
    ),
    ("GET", "/admin/users", Right::Admin),
    ("POST", "/admin/invite", Right::Admin),
    ("POST", "/admin/users/{id}/disable", Right::Admin),
    ("GET", "/my", Right::SignedIn),
    ("GET", "/my/{case}", Right::CaseParty),
    ("POST", "/my/{case}/answer", Right::CaseParty),
    // Last: it ends the sessions the rows above use.
    ("POST", "/logout", Right::SignedIn),
];

/// Every route path registered in the crate's source (`.route("…"`).
fn routes_in_source() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).expect("src readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("source readable");
                for part in text.split(".route(").skip(1) {
                    let rest = part.trim_start();
                    if let Some(r) = rest.strip_prefix('"')
                        && let Some(end) = r.find('"')
                    {
                        out.insert(r[..end].to_string());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

#[test]
fn every_route_is_in_the_matrix() {
    let listed: BTreeSet<String> = MATRIX.iter().map(|(_, p, _)| p.to_string()).collect();
    let missing: Vec<_> = routes_in_source().difference(&listed).cloned().collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the access matrix: {missing:?}"
    );
}

/// A new case owned as `owner` says (with one requested document), and `template` filled in
/// for it: `{id}`/`{case}` the case (or, on `/admin/users/…`, a new throwaway adviser),
/// `{doc}` its document, `{token}` an unknown token, `{file}` a static file.
async fn fresh_target(h: &Harness, template: &str, owner: NewCase) -> (qonys_store::Case, String) {
    let system = Actor::system("test");
    let case = h
        .store
        .create_case(
            &system,
            NewCase {
                title: "Owned".into(),
                status: "open".into(),
                language: "en".into(),
                facts: serde_json::json!({}),
                ..owner
            },
        )
        .await
        .expect("case");
    let doc = h
        .store
        .request_document(&system, case.id, "passport")
        .await
        .expect("document");
    let id = if template.starts_with("/admin/users/") {
        h.user(Role::Adviser, &format!("{}@t.kz", Uuid::new_v4().simple()))
            .await
            .id
    } else {
        case.id
    };
    let path = template
        .replace("{id}", &id.to_string())
        .replace("{case}", &case.id.to_string())
        .replace("{doc}", &doc.id.to_string())
        .replace("{token}", "0123456789abcdef0123456789abcdef")
        .replace("{file}", "qonys-1.css");
    (case, path)
}

const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn refused(r: &Reply) -> bool {
    matches!(
        r.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ) || (r.status.is_redirection() && r.location().starts_with("/login?next="))
}

async fn request(c: &Client, method: &str, path: &str, version: i64) -> Reply {
    match method {
        "GET" => c.get(path).await,
        "PATCH" => {
            c.json(
                "PATCH",
                path,
                &serde_json::json!({"version": version, "title": "Renamed"}),
            )
            .await
        }
        _ if path.starts_with("/api/") => {
            c.json(
                "POST",
                path,
                &serde_json::json!({"title": "New", "facts": {}}),
            )
            .await
        }
        _ if path.ends_with("/file") => {
            c.post_multipart(path, &[], "scan.pdf", "application/pdf", TINY_PDF)
                .await
        }
        _ => c.post_form(path, &[("note", "x"), ("reason", "x")]).await,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_every_role_without_the_right() {
    for mut h in Harness::both().await {
        h.state = h
            .state
            .clone()
            .with_document_key(qonys_web::documents::vault::DocumentKey::generate());
        let system = Actor::system("test");
        let firm_a = h.store.create_firm(&system, "Firm A").await.expect("firm");
        let firm_b = h.store.create_firm(&system, "Firm B").await.expect("firm");
        let admin = h.user(Role::Admin, "admin@x.kz").await;
        let adviser = h.user(Role::Adviser, "adviser@a.kz").await;
        let other_adviser = h.user(Role::Adviser, "adviser@b.kz").await;
        let owner = h.user(Role::Applicant, "owner@mail.kz").await;
        let other = h.user(Role::Applicant, "other@mail.kz").await;
        for (u, f) in [(&adviser, firm_a.id), (&other_adviser, firm_b.id)] {
            h.store
                .update_user(
                    &system,
                    u.id,
                    qonys_store::UserChange {
                        firm_id: Some(Some(f)),
                        ..Default::default()
                    },
                )
                .await
                .expect("firm set");
        }
        let _ = admin;
        // The other applicant's own case (so that "someone else's" is really someone's).
        h.store
            .create_case(
                &system,
                NewCase {
                    title: "Other".into(),
                    status: "open".into(),
                    applicant_id: Some(other.id),
                    language: "en".into(),
                    facts: serde_json::json!({}),
                    ..NewCase::default()
                },
            )
            .await
            .expect("case");
        let clients = [
            (Who::Anonymous, h.anonymous()),
            (Who::OwnApplicant, h.login("owner@mail.kz").await),
            (Who::OtherApplicant, h.login("other@mail.kz").await),
            (Who::AssignedAdviser, h.login("adviser@a.kz").await),
            (Who::OtherAdviser, h.login("adviser@b.kz").await),
            (Who::Admin, h.login("admin@x.kz").await),
        ];
        let mut failures = Vec::new();
        for (method, template, right) in MATRIX {
            for who in EVERYONE {
                // A fresh case, document and throwaway user per request, so that a change
                // one request makes (delete, disable, reassign) cannot hide another's answer.
                let (case, path) = fresh_target(
                    &h,
                    template,
                    NewCase {
                        adviser_id: Some(adviser.id),
                        applicant_id: Some(owner.id),
                        firm_id: Some(firm_a.id),
                        ..NewCase::default()
                    },
                )
                .await;
                let c = &clients.iter().find(|(w, _)| *w == who).expect("client").1;
                if *method == "GET" && template.ends_with("/file") {
                    // Something to download: the assigned adviser uploads a scan first.
                    let staff = &clients[3].1;
                    let up = staff
                        .post_multipart(&path, &[], "scan.pdf", "application/pdf", TINY_PDF)
                        .await;
                    assert!(
                        up.status.is_success() || up.status.is_redirection(),
                        "upload: {} {}",
                        up.status,
                        up.body
                    );
                }
                let r = request(c, method, &path, case.version).await;
                let headers_ok = r.headers.contains_key("content-security-policy")
                    && r.headers
                        .get("x-content-type-options")
                        .is_some_and(|v| v == "nosniff");
                if !headers_ok {
                    failures.push(format!(
                        "{method} {template} as {who:?}: security headers missing"
                    ));
                }
                let should = allowed(*right, who);
                if should && refused(&r) && *right != Right::Public {
                    failures.push(format!(
                        "{method} {template} as {who:?}: refused ({}) but has the right",
                        r.status
                    ));
                }
                if !should && !refused(&r) {
                    failures.push(format!(
                        "{method} {template} as {who:?}: answered {} without the right",
                        r.status
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{:?}: {}",
            h.backend(),
            failures.join("\n")
        );
    }
}

/// Every state-changing route of a signed-in user refuses a request without the session's
/// CSRF token (403), even from the user who has the right and from this site's own pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_changing_route_needs_the_csrf_token() {
    let mut h = Harness::sqlite().await;
    h.state = h
        .state
        .clone()
        .with_document_key(qonys_web::documents::vault::DocumentKey::generate());
    h.user(Role::Admin, "admin@x.kz").await;
    let owner = h.user(Role::Applicant, "owner@mail.kz").await;
    let mut admin = h.login("admin@x.kz").await;
    admin.csrf = "0".repeat(64);
    let mut applicant = h.login("owner@mail.kz").await;
    applicant.csrf = "0".repeat(64);
    let mut checked = 0;
    for (method, template, right) in MATRIX {
        if *method == "GET" || matches!(right, Right::Public) {
            continue;
        }
        let (case, path) = fresh_target(
            &h,
            template,
            NewCase {
                applicant_id: Some(owner.id),
                ..NewCase::default()
            },
        )
        .await;
        let c = if template.starts_with("/my/") {
            &applicant
        } else {
            &admin
        };
        let r = match *method {
            "PATCH" => {
                c.json(
                    "PATCH",
                    &path,
                    &serde_json::json!({"version": case.version, "title": "X"}),
                )
                .await
            }
            _ if path.starts_with("/api/") => {
                c.json("POST", &path, &serde_json::json!({"title": "X"}))
                    .await
            }
            _ if path.ends_with("/file") => {
                c.post_multipart(
                    &path,
                    &[("csrf", &"0".repeat(64))],
                    "scan.pdf",
                    "application/pdf",
                    TINY_PDF,
                )
                .await
            }
            _ => {
                c.post_form_raw(&path, &[("note", "x"), ("csrf", &"0".repeat(64))])
                    .await
            }
        };
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {template} without the CSRF token: {}",
            r.body
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} routes checked");
}
