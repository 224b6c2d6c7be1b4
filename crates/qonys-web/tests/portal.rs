//! The applicant portal on SQLite and PostgreSQL: `/my` leads to the applicant's own case (a
//! chooser for two), outstanding questions answered one at a time into the case's facts (a
//! stale version gets 409, a bad answer its error next to the field), the checklist and the
//! deadlines from the core, the page in Russian, and 403 on another applicant's case.

mod support;

use axum::http::StatusCode;
use qonys_store::{Actor, CaseChange, Role, Store};
use support::Harness;

async fn link(h: &Harness, case: &qonys_store::Case, user: uuid::Uuid) -> qonys_store::Case {
    h.store
        .update_case(
            &Actor::system("test"),
            case.id,
            case.version,
            CaseChange {
                applicant_id: Some(Some(user)),
                ..CaseChange::default()
            },
        )
        .await
        .expect("linked")
}

fn value_after(body: &str, marker: &str) -> String {
    let at = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {body}"));
    body[at + marker.len()..]
        .split('"')
        .next()
        .unwrap_or("")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_leads_to_own_case_or_a_chooser() {
    for h in Harness::both().await {
        let a = h.user(Role::Applicant, "a@example.test").await;
        let b = h.user(Role::Applicant, "b@example.test").await;
        h.user(Role::Applicant, "nobody@example.test").await;
        let c1 = link(&h, &h.case("First case", serde_json::json!({})).await, a.id).await;
        let cb = link(&h, &h.case("Case of B", serde_json::json!({})).await, b.id).await;

        let ca = h.login("a@example.test").await;
        let r = ca.get("/my").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), format!("/my/{}", c1.id));

        // A second case: a chooser listing both, and never B's.
        let c2 = link(
            &h,
            &h.case("Second case", serde_json::json!({})).await,
            a.id,
        )
        .await;
        let r = ca.get("/my").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains(&format!("/my/{}", c1.id)));
        assert!(r.body.contains(&format!("/my/{}", c2.id)));
        assert!(!r.body.contains(&cb.id.to_string()));
        assert!(!r.body.contains("Case of B"));

        // Another applicant's case, even by its address: 403.
        let r = ca.get(&format!("/my/{}", cb.id)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(!r.body.contains("Case of B"));
        let r = ca
            .post_form(
                &format!("/my/{}/answer", cb.id),
                &[
                    ("version", &cb.version.to_string()),
                    ("fact", "stay_goal"),
                    ("value", "temporary"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            h.store.case(cb.id).await.unwrap().facts,
            serde_json::json!({})
        );

        let r = h.login("nobody@example.test").await.get("/my").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("No case is linked"), "{}", r.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_one_at_a_time_with_versions() {
    for h in Harness::both().await {
        let a = h.user(Role::Applicant, "a@example.test").await;
        let case = link(&h, &h.case("Case", serde_json::json!({})).await, a.id).await;
        let c = h.login("a@example.test").await;
        let url = format!("/my/{}", case.id);

        let page = c.get(&url).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.headers["cache-control"], "no-store");
        let fact = value_after(&page.body, "name=\"fact\" value=\"");
        let version = value_after(&page.body, "name=\"version\" value=\"");
        assert_eq!(version, case.version.to_string());
        // The core's interview asks this fact first.
        let pack = qonys_law::bundled::load().unwrap();
        let facts = qonys_law::Facts::empty(&pack);
        let first = qonys_law::interview::next_fact(&pack, &facts, support::as_of()).unwrap();
        assert_eq!(fact, pack.facts[usize::from(first)].id);
        // Every input is labelled.
        assert!(
            page.body.contains("<legend>") || page.body.contains("<label for=\"answer-value\"")
        );

        // A refused answer: 422, the error next to the field, nothing saved.
        let r = c
            .post_form(
                &format!("{url}/answer"),
                &[
                    ("version", &version),
                    ("fact", &fact),
                    ("value", "no-such-option"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"answer-error\""));
        assert_eq!(h.store.case(case.id).await.unwrap().version, case.version);

        // "I don't know" is an answer; it is saved and the next question comes.
        let r = c
            .post_form(
                &format!("{url}/answer"),
                &[
                    ("version", &version),
                    ("fact", &fact),
                    ("action", "unknown"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let now = h.store.case(case.id).await.unwrap();
        assert_eq!(now.version, case.version + 1);
        assert_eq!(now.facts[&fact], serde_json::json!("unknown"));
        // The adviser list's urgency key is written with the answer (a new case: the "new" tier).
        assert_eq!(case.urgency, 0);
        assert_eq!(now.urgency, qonys_web::workbench::urgency::NEW_CASE);
        let page = c.get(&url).await;
        let next = value_after(&page.body, "name=\"fact\" value=\"");
        assert_ne!(next, fact, "an answered fact is not asked again");

        // The same stale version again: 409, nothing overwritten.
        let r = c
            .post_form(
                &format!("{url}/answer"),
                &[
                    ("version", &version),
                    ("fact", &next),
                    ("action", "unknown"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("changed by someone else"), "{}", r.body);
        let after = h.store.case(case.id).await.unwrap();
        assert_eq!(after.version, now.version);
        assert!(after.facts.get(&next).is_none());

        // Without the CSRF token: refused.
        let r = c
            .post_form_raw(
                &format!("{url}/answer"),
                &[
                    ("version", &now.version.to_string()),
                    ("fact", &next),
                    ("action", "unknown"),
                    ("csrf", "x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checklist_and_deadlines_from_the_core_in_the_users_language() {
    for h in Harness::both().await {
        let a = h.user(Role::Applicant, "a@example.test").await;
        let facts = serde_json::json!({"stay_goal": "temporary", "purposes": ["work"], "citizenship": "DE",
            "has_employment_offer": true, "work_permit_status": "issued", "in_kazakhstan": true});
        let history = serde_json::json!({
            "status": [{"kind": "visa", "category": "C3", "ground": "work",
                        "valid_from": "2026-05-20", "valid_to": "2026-08-17"}],
            "event": [{"kind": "arrival", "date": "2026-05-25"}]
        });
        let c0 = h.case("Case", facts.clone()).await;
        let case = h
            .store
            .update_case(
                &Actor::system("test"),
                c0.id,
                c0.version,
                CaseChange {
                    applicant_id: Some(Some(a.id)),
                    history: Some(history.clone()),
                    ..CaseChange::default()
                },
            )
            .await
            .unwrap();
        let c = h.login("a@example.test").await;
        let page = c.get(&format!("/my/{}", case.id)).await;
        assert_eq!(page.status, StatusCode::OK);

        // The same items the core plans.
        let pack = qonys_law::bundled::load().unwrap();
        let text = serde_json::json!({"facts": facts, "status": history["status"], "event": history["event"]});
        let cf = qonys_law::CaseFile::parse_json(&text.to_string()).unwrap();
        let bound = cf.bind(&pack).unwrap();
        let plan = qonys_law::continuity::plan(&pack, &bound, &cf.history, support::as_of());
        assert!(!plan.items.is_empty(), "the history makes deadlines");
        assert_eq!(
            page.body.matches("<li class=\"deadline ").count(),
            plan.items.len()
        );

        // The checklist of the best route, every document with its status.
        let route = qonys_web::documents::best_route(&pack, &bound, support::as_of()).unwrap();
        let list =
            qonys_law::documents::checklist::checklist(&pack, &bound, &[], route, support::as_of());
        assert!(!list.items.is_empty());
        for item in &list.items {
            let kind = &item.kind(&pack).id;
            assert!(
                page.body.contains(&format!("data-kind=\"{kind}\"")),
                "{kind}"
            );
            assert!(
                page.body.contains(&format!("for=\"file-{kind}\"")),
                "labelled upload for {kind}"
            );
        }
        assert!(page.body.contains("Not uploaded yet"));

        // In Russian once switched.
        h.store.set_user_language(a.id, "ru").await.unwrap();
        let page = c.get(&format!("/my/{}", case.id)).await;
        assert!(page.body.contains("Сроки"), "{}", page.body);
        assert!(page.body.contains("Ещё не загружен"));
        assert!(page.body.contains("lang=\"ru\""));
    }
}

#[test]
fn portal_messages_exist_in_every_language_with_plurals() {
    let m = qonys_i18n::Messages::new();
    let text = qonys_i18n::MESSAGE_FILES
        .iter()
        .find(|(l, area, _)| *l == qonys_law::Lang::En && *area == "portal")
        .map(|(_, _, t)| *t)
        .unwrap();
    let ids = qonys_i18n::Messages::ids(text);
    assert!(ids.len() > 30);
    for id in &ids {
        for l in qonys_law::Lang::ALL {
            assert!(m.has(l, id), "{id} missing in {l:?}");
        }
    }
    let few = |n: i64| {
        m.get_args(
            qonys_law::Lang::Ru,
            "portal-questions-left",
            &[("count", fluent_bundle::FluentValue::from(n))],
        )
    };
    assert!(few(1).contains("вопрос") && !few(1).contains("вопроса"));
    assert!(few(3).contains("вопроса"));
    assert!(few(5).contains("вопросов"));
}
