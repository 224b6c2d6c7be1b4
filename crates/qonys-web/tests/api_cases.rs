//! The JSON API beyond `/assess`, in-process: the stateless checklist, check and plan
//! endpoints (same reports as the CLI, clear 4xx answers for bad input), and the case
//! endpoints for signed-in users on SQLite and PostgreSQL (access by role, CSRF header,
//! facts checked against the pack, stale edits refused with 409 and nothing overwritten).

mod support;

use axum::http::StatusCode;
use qonys_store::{Actor, CaseChange, Role, Store};
use serde_json::json;
use support::Harness;

fn spouse_case() -> serde_json::Value {
    json!({
        "case": {"title": "Li Wei", "language": "en"},
        "facts": {
            "purposes": ["family"],
            "citizenship": "CN",
            "date_of_birth": "1992-11-03",
            "sponsor_status": "permanent_resident",
            "sponsor_relationship": "spouse",
            "marriage_date": "2021-05-20"
        },
        "document": [
            {"kind": "passport", "issuing_country": "CN", "language": "zh, en", "holder_name": "LI WEI",
             "date_of_birth": "03 NOV 1992", "sex": "F", "nationality": "CN", "number": "E12345678",
             "issue_date": "2022-01-10", "expiry_date": "2032-01-09", "notarised_translation": true},
            {"kind": "marriage_certificate", "issuing_country": "CN", "language": "zh", "holder_name": "Li Wei",
             "date_of_birth": "1992-11-03", "event_date": "2021-05-20", "issue_date": "2021-05-20",
             "apostille": true, "notarised_translation": true}
        ],
        "status": [
            {"kind": "visa", "category": "C3", "ground": "work", "valid_from": "2026-01-05", "valid_to": "2026-04-04"}
        ],
        "event": [
            {"kind": "arrival", "date": "2026-01-10"}
        ]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checklist_check_and_plan_answer_like_the_cli() {
    let h = Harness::sqlite().await;
    let c = h.anonymous();
    let body = spouse_case();
    let r = c
        .json(
            "POST",
            "/api/v1/checklist?route=family_reunification&filing_date=2026-03-02&lang=ru",
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    let text = v.to_string();
    assert!(text.contains("marriage_certificate"), "{text}");
    // Russian wording came through.
    assert!(text.chars().any(|ch| ('а'..='я').contains(&ch)), "{text}");

    let r = c
        .json(
            "POST",
            "/api/v1/check?filing_date=2026-03-02&route=family_reunification",
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json().is_object());

    let r = c.json("POST", "/api/v1/plan?as_of=2026-03-01", &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("2026-04-04"),
        "the visa's end is a deadline: {}",
        r.body
    );

    // Bad input: missing route, unknown route, wrong document field, bad date, not JSON.
    let r = c.json("POST", "/api/v1/checklist", &body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["errors"][0]["field"], "route");
    let r = c
        .json("POST", "/api/v1/checklist?route=moon_base", &body)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut bad = spouse_case();
    bad["document"][0]["issue_date"] = json!("the tenth of January");
    let r = c.json("POST", "/api/v1/check", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("issue_date"), "{}", r.body);
    let r = c.json("POST", "/api/v1/plan?as_of=yesterday", &body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = c
        .send(
            axum::http::Request::post("/api/v1/plan")
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{not json"))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_through_the_api_by_role_with_conflicts() {
    for h in Harness::both().await {
        let adviser = h.user(Role::Adviser, "adviser@firm.kz").await;
        let other = h.user(Role::Adviser, "other@firm.kz").await;
        let applicant = h.user(Role::Applicant, "ivan@mail.kz").await;
        let a = h.login("adviser@firm.kz").await;

        // Not signed in: 401.
        assert_eq!(
            h.anonymous().get("/api/v1/cases").await.status,
            StatusCode::UNAUTHORIZED
        );

        // Create: CSRF header required; facts checked against the pack.
        let mut no_csrf = h.login("adviser@firm.kz").await;
        no_csrf.csrf = "nope".into();
        let r = no_csrf
            .json("POST", "/api/v1/cases", &json!({"title": "X"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = a
            .json(
                "POST",
                "/api/v1/cases",
                &json!({"title": "Bad", "facts": {"citizenship": "Atlantis"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("facts.citizenship"), "{}", r.body);
        let r = a
            .json(
                "POST",
                "/api/v1/cases",
                &json!({"title": "Engineer", "facts": {"purposes": ["work"], "citizenship": "DE"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let case = r.json();
        let id = case["id"].as_str().expect("id").to_string();
        assert_eq!(case["version"], 1);
        assert_eq!(case["adviser_id"], json!(adviser.id));

        // Read: with the assessment now.
        let r = a.get(&format!("/api/v1/cases/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.json()["assessment"]["routes"].is_array(), "{}", r.body);

        // Update at the version read; then a stale update is refused and changes nothing.
        let r = a
            .json(
                "PATCH",
                &format!("/api/v1/cases/{id}"),
                &json!({"version": 1, "title": "Engineer (Siemens)"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["version"], 2);
        let r = a
            .json(
                "PATCH",
                &format!("/api/v1/cases/{id}"),
                &json!({"version": 1, "title": "Overwritten"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.json()["current_version"], 2);
        let stored = h.store.case(id.parse().expect("uuid")).await.expect("case");
        assert_eq!(stored.title, "Engineer (Siemens)");

        // Another adviser cannot see or change it; the applicant neither, until linked.
        let o = h.login("other@firm.kz").await;
        assert_eq!(
            o.get(&format!("/api/v1/cases/{id}")).await.status,
            StatusCode::FORBIDDEN
        );
        let r = o
            .json(
                "PATCH",
                &format!("/api/v1/cases/{id}"),
                &json!({"version": 2, "title": "Mine"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let listed = o.get("/api/v1/cases").await.json();
        assert!(!listed.to_string().contains(&id), "{listed}");
        let _ = other;
        let p = h.login("ivan@mail.kz").await;
        assert_eq!(
            p.get(&format!("/api/v1/cases/{id}")).await.status,
            StatusCode::FORBIDDEN
        );
        h.store
            .update_case(
                &Actor::system("test"),
                id.parse().expect("uuid"),
                2,
                CaseChange {
                    applicant_id: Some(Some(applicant.id)),
                    ..CaseChange::default()
                },
            )
            .await
            .expect("linked");
        assert_eq!(
            p.get(&format!("/api/v1/cases/{id}")).await.status,
            StatusCode::OK
        );
        let mine = p.get("/api/v1/cases").await.json();
        assert_eq!(mine["cases"].as_array().map(Vec::len), Some(1), "{mine}");
        // Applicants read but do not edit through the API.
        let r = p
            .json(
                "PATCH",
                &format!("/api/v1/cases/{id}"),
                &json!({"version": 3, "title": "Mine"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = p
            .json("POST", "/api/v1/cases", &json!({"title": "New"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_api_route() {
    let h = Harness::sqlite().await;
    let doc = h.anonymous().get("/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/assess",
        "/api/v1/rules",
        "/api/v1/checklist",
        "/api/v1/check",
        "/api/v1/plan",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/openapi.json",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
    // Every $ref points at a defined schema.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap_or("");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{name} is referenced but not defined"
        );
    }
}

/// A change to a case plans its e-mail reminders again: after the adviser's edit, the case
/// has reminders before its permit's deadlines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_plans_the_cases_reminders() {
    for h in Harness::both().await {
        let adviser = h.user(Role::Adviser, "adviser@firm.kz").await;
        let a = h.login("adviser@firm.kz").await;
        let next_year = qonys_store::now()
            .strftime("%Y")
            .to_string()
            .parse::<i32>()
            .expect("year")
            + 1;
        let case = h
            .store
            .create_case(
                &Actor::system("test"),
                qonys_store::NewCase {
                    title: "Permit holder".into(),
                    status: "open".into(),
                    adviser_id: Some(adviser.id),
                    language: "en".into(),
                    facts: json!({"purposes": ["work"], "citizenship": "DE"}),
                    history: json!({"status": [{"kind": "temporary_residence_permit", "ground": "work",
                        "valid_from": "2026-01-01", "valid_to": format!("{next_year}-12-31")}]}),
                    ..qonys_store::NewCase::default()
                },
            )
            .await
            .expect("case");
        assert!(
            h.store
                .reminders(case.id)
                .await
                .expect("reminders")
                .is_empty()
        );
        let r = a
            .json(
                "PATCH",
                &format!("/api/v1/cases/{}", case.id),
                &json!({"version": 1, "title": "Permit holder (renewal)"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let planned = h.store.reminders(case.id).await.expect("reminders");
        assert!(!planned.is_empty(), "reminders planned after the change");
        assert!(
            planned
                .iter()
                .all(|r| r.kind == "deadline" && r.done_at.is_none())
        );
    }
}
