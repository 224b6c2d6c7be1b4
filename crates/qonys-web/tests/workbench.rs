//! The adviser workbench through HTTP, on SQLite and PostgreSQL: the case list's urgency
//! order, filters, search and paging; who may open what; editing facts (the assessment
//! changes, a stale form gets 409 and overwrites nothing); re-running the assessment with a
//! diff; notes; assignment; the applicant's invitation link; the timeline SVG; and the pages
//! in English, Russian and Kazakh without a missing message id.

mod support;

use axum::http::{StatusCode, header};
use qonys_store::{Actor, CaseChange, NewCase, Role, Store, UserChange};
use serde_json::{Value, json};
use support::{Client, Harness, PASSWORD};

fn anna() -> Value {
    json!({
        "stay_goal": "temporary",
        "purposes": ["work"],
        "citizenship": "DE",
        "date_of_birth": "1990-05-01",
        "visa_free_entry": true,
        "is_ethnic_kazakh": false,
        "has_employment_offer": true,
        "work_permit_status": "not_started",
        "intra_corporate_transfer": false,
        "first_head_of_foreign_owned_company": false,
        "in_kazakhstan": false
    })
}

/// The facts form's fields for stored facts (one pair per value), with overrides.
fn fact_pairs(facts: &Value, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in facts.as_object().expect("facts object") {
        if overrides.iter().any(|(o, _)| *o == k) {
            continue;
        }
        let name = format!("f-{k}");
        match v {
            Value::Bool(b) => out.push((name, if *b { "yes" } else { "no" }.to_string())),
            Value::Array(items) => {
                for i in items {
                    out.push((name.clone(), i.as_str().expect("text").to_string()));
                }
            }
            Value::String(s) => out.push((name, s.clone())),
            other => out.push((name, other.to_string())),
        }
    }
    for (k, v) in overrides {
        out.push((format!("f-{k}"), (*v).to_string()));
    }
    out
}

async fn post_pairs(c: &Client, uri: &str, pairs: &[(String, String)]) -> support::Reply {
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(uri, &refs).await
}

/// The position of `needle` in `hay` (panics with the page when absent).
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not on the page:\n{hay}"))
}

async fn make_case(h: &Harness, title: &str, facts: Value, history: Value) -> qonys_store::Case {
    h.store
        .create_case(
            &Actor::system("test"),
            NewCase {
                title: title.into(),
                status: "open".into(),
                language: "en".into(),
                facts,
                history,
                ..NewCase::default()
            },
        )
        .await
        .expect("case")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_puts_a_new_consultation_first_and_filters_searches_and_pages() {
    for h in Harness::both().await {
        let a = h.user(Role::Adviser, "a@example.kz").await;
        h.user(Role::Adviser, "b@example.kz").await;
        let calm = make_case(&h, "Calm Anna", anna(), json!([])).await;
        for i in 0..25 {
            make_case(&h, &format!("Bulk case {i:02}"), json!({}), json!([])).await;
        }
        // The urgency of stored cases is computed from their plan.
        let st = h.state.clone();
        let refreshed = qonys_web::workbench::refresh_urgency(&st, &Actor::system("test"), calm.id)
            .await
            .expect("refresh");
        assert!(refreshed.urgency < qonys_web::workbench::urgency::NEW_CASE);
        // Assigned to a.
        h.store
            .update_case(
                &Actor::system("test"),
                calm.id,
                refreshed.version,
                CaseChange {
                    adviser_id: Some(Some(a.id)),
                    ..CaseChange::default()
                },
            )
            .await
            .expect("assign");

        // A visitor asks for a consultation through the public site.
        let visitor = h.anonymous();
        let answers = r#"[["stay_goal","temporary"],["purposes",["work"]],["citizenship","DE"]]"#;
        let r = visitor
            .post_form(
                "/consultation",
                &[
                    ("answers", answers),
                    ("key", "wb-test-key-0123456789"),
                    ("name", "Zarina Newcomer"),
                    ("contact", "zarina@example.kz"),
                    ("language", "en"),
                    ("message", "Please help"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        let c = h.login("a@example.kz").await;
        let page = c.get("/cases").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let list = &page.body[at(&page.body, "id=\"case-list\"")..];
        let first = list.find("wb-card-title").expect("a card");
        assert!(
            list[first..].starts_with("wb-card-title\" href=\"/cases/")
                && list[first..first + 200].contains("Zarina Newcomer"),
            "the new request is first: {}",
            &list[..600.min(list.len())]
        );
        assert!(page.body.contains("New request"));
        assert!(
            page.body.contains("id=\"next-page\""),
            "26+ cases make two pages"
        );
        assert_eq!(page.body.matches("class=\"wb-card\"").count(), 25);

        let page2 = c.get("/cases?page=2").await;
        assert_eq!(page2.body.matches("class=\"wb-card\"").count(), 2);
        assert!(!page2.body.contains("id=\"next-page\""));

        // The case page shows the request as the visitor wrote it.
        let start = at(list, "wb-card-title\" href=\"") + "wb-card-title\" href=\"".len();
        let href = list[start..].split('"').next().expect("href");
        let case_page = c.get(href).await;
        let req = &case_page.body[at(&case_page.body, "id=\"request\"")..];
        assert!(req.contains("zarina@example.kz") && req.contains("Please help"));
        assert!(req.contains("English"));

        let mine = c.get("/cases?scope=mine").await;
        assert_eq!(mine.body.matches("class=\"wb-card\"").count(), 1);
        assert!(mine.body.contains("Calm Anna"));

        let unassigned = c.get("/cases?scope=unassigned&q=Newcomer").await;
        assert!(unassigned.body.contains("Zarina Newcomer"));
        let unassigned_anna = c.get("/cases?scope=unassigned&q=Anna").await;
        assert!(unassigned_anna.body.contains("id=\"no-cases\""));

        let search = c.get("/cases?q=bulk%20case%2007").await;
        assert_eq!(search.body.matches("class=\"wb-card\"").count(), 1);
        assert!(search.body.contains("Bulk case 07"));

        let new_only = c.get("/cases?status=new").await;
        assert_eq!(new_only.body.matches("class=\"wb-card\"").count(), 1);
        assert!(new_only.body.contains("Zarina Newcomer"));
        let closed = c.get("/cases?status=closed").await;
        assert!(closed.body.contains("id=\"no-cases\""));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_right_people_open_a_case() {
    for h in Harness::both().await {
        let sys = Actor::system("test");
        let firm_x = h.store.create_firm(&sys, "Firm X").await.expect("firm");
        let firm_y = h.store.create_firm(&sys, "Firm Y").await.expect("firm");
        let other = h.user(Role::Adviser, "other@example.kz").await;
        let me = h.user(Role::Adviser, "me@example.kz").await;
        for (u, f) in [(&other, firm_y.id), (&me, firm_x.id)] {
            h.store
                .update_user(
                    &sys,
                    u.id,
                    UserChange {
                        firm_id: Some(Some(f)),
                        ..UserChange::default()
                    },
                )
                .await
                .expect("firm set");
        }
        h.user(Role::Applicant, "app@example.kz").await;
        let case = make_case(&h, "Someone else's", anna(), json!([])).await;
        h.store
            .update_case(
                &sys,
                case.id,
                case.version,
                CaseChange {
                    adviser_id: Some(Some(other.id)),
                    ..CaseChange::default()
                },
            )
            .await
            .expect("assign");
        let uri = format!("/cases/{}", case.id);

        let mine = h.login("me@example.kz").await;
        assert_eq!(mine.get(&uri).await.status, StatusCode::FORBIDDEN);
        let pairs = fact_pairs(&anna(), &[("has_employment_offer", "no")]);
        let mut with_version = pairs.clone();
        with_version.push(("version".into(), "2".into()));
        let r = post_pairs(&mine, &format!("{uri}/facts"), &with_version).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let list = mine.get("/cases").await;
        assert!(!list.body.contains("Someone else"));

        let owner = h.login("other@example.kz").await;
        assert_eq!(owner.get(&uri).await.status, StatusCode::OK);

        let applicant = h.login("app@example.kz").await;
        assert_eq!(applicant.get("/cases").await.status, StatusCode::FORBIDDEN);
        assert_eq!(applicant.get(&uri).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            applicant.get("/admin/users").await.status,
            StatusCode::FORBIDDEN
        );

        let nobody = h.anonymous();
        let r = nobody.get("/cases").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location().starts_with("/login"));

        // A form without the session's CSRF token changes nothing.
        let r = owner
            .post_form_raw(&format!("{uri}/notes"), &[("body", "no token")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(h.store.notes(case.id).await.expect("notes").is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fact_edit_changes_the_assessment_a_stale_one_gets_409_and_a_rerun_shows_the_diff() {
    for h in Harness::both().await {
        h.user(Role::Adviser, "a@example.kz").await;
        let case = make_case(&h, "Anna", anna(), json!([])).await;
        let uri = format!("/cases/{}", case.id);
        let c = h.login("a@example.kz").await;

        let page = c.get(&uri).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("id=\"assessment-none\""));
        assert!(page.body.contains("name=\"version\" value=\"1\""));
        // Typed fields from the pack: a yes/no select and a date box.
        assert!(page.body.contains("id=\"f-has_employment_offer\""));
        assert!(page.body.contains("type=\"date\""));
        // Nothing was stored by looking.
        assert!(h.store.assessments(case.id).await.expect("a").is_empty());
        assert_eq!(h.store.case(case.id).await.expect("case").version, 1);

        // First run: stored with the pack id, version and as-of date.
        let r = c.post_form(&format!("{uri}/assessment"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stored = h.store.assessments(case.id).await.expect("a");
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].pack_id, h.state.pack().meta.id);
        assert_eq!(stored[0].pack_version, h.state.pack().meta.version);
        assert_eq!(stored[0].as_of.to_string(), "2026-06-01");
        let work = |report: &Value| -> String {
            report["routes"]
                .as_array()
                .expect("routes")
                .iter()
                .find(|r| r["id"] == "work")
                .expect("work route")["verdict"]
                .as_str()
                .expect("verdict")
                .to_string()
        };
        assert_eq!(work(&stored[0].report), "fits_with_conditions");
        let page = c.get(&uri).await;
        assert!(page.body.contains("id=\"assessment-provenance\""));
        let version = h.store.case(case.id).await.expect("case").version;

        // The edit: no job offer any more.
        let mut pairs = fact_pairs(&anna(), &[("has_employment_offer", "no")]);
        pairs.push(("version".into(), version.to_string()));
        let r = post_pairs(&c, &format!("{uri}/facts"), &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let after = h.store.case(case.id).await.expect("case");
        assert_eq!(after.facts["has_employment_offer"], json!(false));
        let stored = h.store.assessments(case.id).await.expect("a");
        assert_eq!(stored.len(), 2);
        assert_eq!(work(&stored[0].report), "does_not_fit");
        let page = c.get(&uri).await;
        let diff = &page.body[at(&page.body, "id=\"assessment-diff\"")..];
        assert!(
            diff.contains("<del>fits once steps are done</del> → <ins>does not fit</ins>"),
            "{diff}"
        );
        assert!(diff.contains("wb-diff-clause"), "a clause flipped: {diff}");
        // The history names who changed what.
        let hist = &page.body[at(&page.body, "id=\"facts-history\"")..];
        assert!(hist.contains("Test adviser"));
        assert!(
            hist.contains("<del>Yes</del> → <ins>No</ins>")
                || hist.contains("<del>yes</del> → <ins>no</ins>"),
            "{}",
            &hist[..hist.len().min(1500)]
        );

        // A second adviser's form made from the old version: 409, nothing overwritten.
        let mut stale = fact_pairs(&anna(), &[("has_employment_offer", "yes")]);
        stale.push(("version".into(), version.to_string()));
        let r = post_pairs(&c, &format!("{uri}/facts"), &stale).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("id=\"conflict\""));
        assert!(r.body.contains("someone else"));
        let still = h.store.case(case.id).await.expect("case");
        assert_eq!(still.version, after.version);
        assert_eq!(still.facts["has_employment_offer"], json!(false));
        assert_eq!(h.store.assessments(case.id).await.expect("a").len(), 2);

        // A wrong answer is refused next to its field, with 422.
        let mut bad = fact_pairs(&anna(), &[("date_of_birth", "not a date")]);
        bad.push(("version".into(), still.version.to_string()));
        let r = post_pairs(&c, &format!("{uri}/facts"), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"f-date_of_birth-error\""));
        assert_eq!(
            h.store.case(case.id).await.expect("case").version,
            still.version
        );

        // Re-run without a change: stored again, and the diff says nothing changed.
        let r = c.post_form(&format!("{uri}/assessment"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(h.store.assessments(case.id).await.expect("a").len(), 3);
        let page = c.get(&uri).await;
        assert!(page.body.contains("id=\"diff-none\""));
        // Every change is audited.
        let audit = h.store.audit_for_case(case.id).await.expect("audit");
        assert!(audit.iter().any(|a| a.fields.iter().any(|f| f == "facts")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_assignment_and_the_applicants_invitation() {
    for h in Harness::both().await {
        h.user(Role::Adviser, "a@example.kz").await;
        let b = h.user(Role::Adviser, "b@example.kz").await;
        let case = make_case(&h, "Anna", anna(), json!([])).await;
        let uri = format!("/cases/{}", case.id);
        let c = h.login("a@example.kz").await;

        let r = c
            .post_form(
                &format!("{uri}/notes"),
                &[("body", "Called her; passport next week")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = c
            .post_form(&format!("{uri}/notes"), &[("body", "   ")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"note-error\""));
        let page = c.get(&uri).await;
        let notes = &page.body[at(&page.body, "id=\"notes-list\"")..];
        assert!(notes.contains("Called her; passport next week"));
        assert!(notes.contains("Test adviser"));
        assert_eq!(h.store.notes(case.id).await.expect("notes").len(), 1);

        // Assign to b (the select lists the advisers).
        assert!(page.body.contains(&format!("<option value=\"{}\"", b.id)));
        let seen = h
            .store
            .case(case.id)
            .await
            .expect("case")
            .version
            .to_string();
        assert!(
            page.body
                .contains(&format!("name=\"version\" value=\"{seen}\""))
        );
        let r = c
            .post_form(
                &format!("{uri}/assign"),
                &[
                    ("version", seen.as_str()),
                    ("adviser", &b.id.to_string()),
                    ("status", "waiting"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let after = h.store.case(case.id).await.expect("case");
        assert_eq!(after.adviser_id, Some(b.id));
        assert_eq!(after.status, "waiting");
        // a no longer sees the case (it is b's now, and neither has a firm).
        assert_eq!(c.get(&uri).await.status, StatusCode::FORBIDDEN);
        // A stale assignment form is refused too.
        let bc = h.login("b@example.kz").await;
        let r = bc
            .post_form(
                &format!("{uri}/assign"),
                &[
                    ("version", seen.as_str()),
                    ("adviser", ""),
                    ("status", "open"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(
            h.store.case(case.id).await.expect("case").adviser_id,
            Some(b.id)
        );

        // The invitation link, shown once; it makes an applicant account bound to the case.
        let r = bc.post_form(&format!("{uri}/invite"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let start = at(&r.body, "id=\"invite-link\">") + "id=\"invite-link\">".len();
        let link = r.body[start..].split('<').next().expect("link").to_string();
        assert!(link.starts_with("/invite/"), "{link}");
        let again = bc.get(&uri).await;
        assert!(!again.body.contains(&link), "the link is shown only once");
        // Asked for through a host name, the link is a full address to copy and send.
        let r = bc
            .send(
                axum::http::Request::post(format!("{uri}/invite"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header("sec-fetch-site", "same-origin")
                    .header(header::HOST, "qonys.example.kz")
                    .body(axum::body::Body::from(format!("csrf={}", bc.csrf)))
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let start = at(&r.body, "id=\"invite-link\">") + "id=\"invite-link\">".len();
        let full = r.body[start..].split('<').next().expect("link");
        assert!(
            full.starts_with("http://qonys.example.kz/invite/"),
            "{full}"
        );
        let visitor = h.anonymous();
        assert_eq!(visitor.get(&link).await.status, StatusCode::OK);
        let r = visitor
            .post_form(
                &link,
                &[
                    ("name", "Anna Applicant"),
                    ("email", "anna@example.de"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let linked = h.store.case(case.id).await.expect("case");
        let applicant = h
            .store
            .user_by_email("anna@example.de")
            .await
            .expect("user");
        assert_eq!(applicant.role, Role::Applicant);
        assert_eq!(linked.applicant_id, Some(applicant.id));
        // The link works once.
        let r = visitor
            .post_form(
                &link,
                &[
                    ("name", "Second Try"),
                    ("email", "second@example.de"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_ne!(r.status, StatusCode::SEE_OTHER);
        assert!(h.store.user_by_email("second@example.de").await.is_err());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeline_is_an_svg_with_todays_line_and_a_table() {
    for h in Harness::both().await {
        h.user(Role::Adviser, "a@example.kz").await;
        let history = json!({
            "status": [
                {"kind": "visa", "category": "C3", "ground": "work", "valid_from": "2026-01-05", "valid_to": "2026-04-04"},
                {"kind": "temporary_residence_permit", "ground": "work", "valid_from": "2026-03-20", "valid_to": "2027-03-19"}
            ],
            "event": [
                {"kind": "arrival", "date": "2026-03-20"},
                {"kind": "employment_start", "date": "2026-03-23"}
            ]
        });
        let mut facts = anna();
        facts["work_permit_status"] = json!("issued");
        facts["in_kazakhstan"] = json!(true);
        let case = make_case(&h, "Jonas", facts, history).await;
        let c = h.login("a@example.kz").await;
        let page = c.get(&format!("/cases/{}", case.id)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let svg = &page.body[at(&page.body, "<svg class=\"wb-timeline\"")..];
        let svg = &svg[..at(svg, "</svg>")];
        assert!(svg.contains("id=\"today-line\""));
        assert!(svg.contains("Today, 1 June 2026"), "{svg}");
        assert_eq!(svg.matches("class=\"wbt-status\"").count(), 2);
        assert!(svg.contains("wbt-mark"), "deadlines are marked: {svg}");
        assert!(!svg.contains("<script"));
        let table = &page.body[at(&page.body, "id=\"timeline-table\"")..];
        assert!(table.contains("C3"));
        // The urgency stored for the case reflects its plan once refreshed.
        let refreshed =
            qonys_web::workbench::refresh_urgency(&h.state, &Actor::system("test"), case.id)
                .await
                .expect("refresh");
        assert!(refreshed.next_deadline.is_some());
    }
}

fn message_ids() -> Vec<String> {
    let mut ids = Vec::new();
    for text in [
        include_str!("../../qonys-i18n/locales/en/workbench.ftl"),
        include_str!("../../qonys-i18n/locales/en/main.ftl"),
        include_str!("../../qonys-i18n/locales/en/auth.ftl"),
    ] {
        for line in text.lines() {
            if let Some((id, _)) = line.split_once(" = ")
                && !id.starts_with(' ')
                && !id.starts_with('#')
            {
                ids.push(id.trim().to_string());
            }
        }
    }
    ids
}

fn missing_ids(body: &str, ids: &[String]) -> Vec<String> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    ids.iter()
        .filter(|id| {
            body.match_indices(id.as_str()).any(|(i, _)| {
                let before = i.checked_sub(1).map(|j| body.as_bytes()[j]);
                let after = body.as_bytes().get(i + id.len()).copied();
                !before.is_some_and(word) && !after.is_some_and(word)
            })
        })
        .cloned()
        .collect()
}

/// The page's text and attribute values other than names of things (class, id, for, name,
/// aria references), where a message id shown instead of its text would stand.
fn visible(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    'outer: while !rest.is_empty() {
        for attr in [
            " class=\"",
            " id=\"",
            " for=\"",
            " name=\"",
            " aria-describedby=\"",
            " aria-labelledby=\"",
            " href=\"",
        ] {
            if let Some(tail) = rest.strip_prefix(attr) {
                let end = tail.find('"').unwrap_or(tail.len());
                rest = &tail[(end + 1).min(tail.len())..];
                out.push(' ');
                continue 'outer;
            }
        }
        let c = rest.chars().next().expect("a char");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn ftl_ids(text: &str) -> std::collections::BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id))
        .filter(|id| !id.starts_with(' ') && !id.starts_with('#'))
        .map(|id| id.trim().to_string())
        .collect()
}

#[test]
fn the_workbench_catalogue_has_the_same_ids_in_three_languages() {
    let en = ftl_ids(include_str!("../../qonys-i18n/locales/en/workbench.ftl"));
    let ru = ftl_ids(include_str!("../../qonys-i18n/locales/ru/workbench.ftl"));
    let kk = ftl_ids(include_str!("../../qonys-i18n/locales/kk/workbench.ftl"));
    assert!(en.len() > 50);
    assert_eq!(en, ru);
    assert_eq!(en, kk);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workbench_pages_in_three_languages_have_every_message() {
    let h = Harness::sqlite().await;
    h.user(Role::Admin, "admin@example.kz").await;
    let case = make_case(&h, "Anna", anna(), json!([])).await;
    let ids = message_ids();
    assert!(ids.iter().any(|i| i == "wb-list-title"));
    for (lang, marker) in [("en", "Cases"), ("ru", "Дела"), ("kk", "Істер")] {
        let mut c = h.login("admin@example.kz").await;
        let cookie = c.cookie.clone().expect("cookie");
        c.cookie = Some(format!("{cookie}; qonys_lang={lang}"));
        // Two assessments so the diff shows too.
        c.post_form(&format!("/cases/{}/assessment", case.id), &[])
            .await;
        for uri in [
            "/cases".to_string(),
            format!("/cases/{}", case.id),
            "/admin/users".to_string(),
        ] {
            let r = c.get(&uri).await;
            assert_eq!(r.status, StatusCode::OK, "{lang} {uri}");
            assert!(
                r.body.contains(&format!("<html lang=\"{lang}\"")),
                "{lang} {uri}"
            );
            let missing = missing_ids(&r.body, &ids);
            assert!(
                missing.is_empty(),
                "{lang} {uri}: ids shown instead of text: {missing:?}"
            );
            let text = visible(&r.body);
            assert!(
                !text.contains("wb-"),
                "{lang} {uri}: an id without a message: {}",
                &text[text.find("wb-").unwrap_or(0)..][..60]
            );
        }
        let list = c.get("/cases").await;
        assert!(list.body.contains(marker), "{lang}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_invites_an_adviser_and_disables_an_account() {
    for h in Harness::both().await {
        h.user(Role::Admin, "admin@example.kz").await;
        let victim = h.user(Role::Adviser, "gone@example.kz").await;
        let c = h.login("admin@example.kz").await;
        let page = c.get("/admin/users").await;
        assert!(page.body.contains("gone@example.kz"));
        let r = c.post_form("/admin/invite", &[]).await;
        let start =
            at(&r.body, "id=\"adviser-invite-link\">") + "id=\"adviser-invite-link\">".len();
        let link = r.body[start..].split('<').next().expect("link").to_string();
        let visitor = h.anonymous();
        let r = visitor
            .post_form(
                &link,
                &[
                    ("name", "New Adviser"),
                    ("email", "new@example.kz"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            h.store
                .user_by_email("new@example.kz")
                .await
                .expect("user")
                .role,
            Role::Adviser
        );
        let gone = h.login("gone@example.kz").await;
        let r = c
            .post_form(
                &format!("/admin/users/{}/disable", victim.id),
                &[("disabled", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(h.store.user(victim.id).await.expect("user").disabled);
        assert_eq!(gone.get("/cases").await.status, StatusCode::SEE_OTHER);
        let adviser = h.login("new@example.kz").await;
        assert_eq!(
            adviser.get("/admin/users").await.status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missed_deadlines_and_rejected_documents_set_the_urgency() {
    for h in Harness::both().await {
        h.user(Role::Adviser, "a@example.kz").await;
        let sys = Actor::system("test");
        let st = h.state.clone();
        let history = json!({
            "status": [{"kind": "temporary_residence_permit", "ground": "work",
                        "valid_from": "2025-06-01", "valid_to": "2026-05-20"}],
            "event": [{"kind": "arrival", "date": "2025-06-01"}]
        });
        let facts = json!({
            "stay_goal": "temporary", "purposes": ["work"], "citizenship": "DE",
            "has_employment_offer": true, "work_permit_status": "issued", "in_kazakhstan": true
        });
        let late = make_case(&h, "Late Lena", facts, history).await;
        let late = qonys_web::workbench::refresh_urgency(&st, &sys, late.id)
            .await
            .expect("refresh");
        assert_eq!(
            qonys_web::workbench::urgency::Tier::of_key(late.urgency),
            qonys_web::workbench::urgency::Tier::Overdue
        );
        assert_eq!(
            late.next_deadline.map(|d| d.to_string()).as_deref(),
            Some("2025-06-04")
        );

        let calm = make_case(&h, "Calm Chen", anna(), json!([])).await;
        let before = qonys_web::workbench::refresh_urgency(&st, &sys, calm.id)
            .await
            .expect("refresh");
        let doc = h
            .store
            .request_document(&sys, calm.id, "passport")
            .await
            .expect("document");
        h.store
            .set_document_status(
                &sys,
                calm.id,
                doc.id,
                qonys_store::DocumentStatus::Rejected,
                Some("expired"),
            )
            .await
            .expect("rejected");
        let after = qonys_web::workbench::refresh_urgency(&st, &sys, calm.id)
            .await
            .expect("refresh");
        assert!(after.urgency > before.urgency);
        assert_eq!(
            qonys_web::workbench::urgency::Tier::of_key(after.urgency),
            qonys_web::workbench::urgency::Tier::RedDocument
        );
        // Refreshing again changes nothing (no needless version).
        let again = qonys_web::workbench::refresh_urgency(&st, &sys, calm.id)
            .await
            .expect("refresh");
        assert_eq!(again.version, after.version);

        let c = h.login("a@example.kz").await;
        let page = c.get("/cases").await;
        assert!(at(&page.body, "Late Lena") < at(&page.body, "Calm Chen"));
        assert!(page.body.contains("Deadline missed"));
        assert!(page.body.contains("Document rejected"));
        assert!(page.body.contains("wb-deadline overdue"));
        assert!(page.body.contains("Overdue by 362 days"), "{}", page.body);
        let case_page = c.get(&format!("/cases/{}", late.id)).await;
        assert!(case_page.body.contains("class=\"wbt-mark overdue\""));
        assert!(case_page.body.contains("fill=\"#b42318\""));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_residence_history_is_edited_on_the_case_page_and_drawn() {
    for h in Harness::both().await {
        h.user(Role::Adviser, "a@example.kz").await;
        let case = make_case(&h, "Anna", anna(), json!([])).await;
        let uri = format!("/cases/{}", case.id);
        let c = h.login("a@example.kz").await;
        let v = |h: &Harness| {
            let store = h.store.clone();
            let id = case.id;
            async move { store.case(id).await.expect("case").version.to_string() }
        };

        let ver = v(&h).await;
        let r = c
            .post_form(
                &format!("{uri}/facts"),
                &[
                    ("version", ver.as_str()),
                    ("action", "history-add-status"),
                    ("kind", "temporary_residence_permit"),
                    ("ground", "work"),
                    ("valid_from", "2025-06-01"),
                    ("valid_to", "2026-05-20"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let ver = v(&h).await;
        let r = c
            .post_form(
                &format!("{uri}/facts"),
                &[
                    ("version", ver.as_str()),
                    ("action", "history-add-event"),
                    ("kind", "arrival"),
                    ("date", "2025-06-01"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stored = h.store.case(case.id).await.expect("case");
        assert_eq!(stored.history["status"][0]["valid_to"], json!("2026-05-20"));
        assert_eq!(stored.history["event"][0]["kind"], json!("arrival"));
        // The facts were not touched, and the urgency now reflects the missed deadlines.
        assert_eq!(stored.facts, anna());
        assert_eq!(
            qonys_web::workbench::urgency::Tier::of_key(stored.urgency),
            qonys_web::workbench::urgency::Tier::Overdue
        );
        let page = c.get(&uri).await;
        assert_eq!(page.body.matches("class=\"wbt-status\"").count(), 1);
        assert!(page.body.contains("class=\"wbt-mark overdue\""));

        // A wrong date is refused with the reason, nothing written.
        let ver = v(&h).await;
        let r = c
            .post_form(
                &format!("{uri}/facts"),
                &[
                    ("version", ver.as_str()),
                    ("action", "history-add-event"),
                    ("kind", "arrival"),
                    ("date", "31.02.2026"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"history-error\""));
        assert_eq!(v(&h).await, ver);

        // A stale form: 409.
        let r = c
            .post_form(
                &format!("{uri}/facts"),
                &[
                    ("version", "1"),
                    ("action", "history-remove-status"),
                    ("index", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // Removing with the current version works.
        let r = c
            .post_form(
                &format!("{uri}/facts"),
                &[
                    ("version", ver.as_str()),
                    ("action", "history-remove-status"),
                    ("index", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let stored = h.store.case(case.id).await.expect("case");
        assert_eq!(stored.history["status"], json!([]));
        assert_eq!(stored.history["event"].as_array().map(Vec::len), Some(1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn i_dont_know_survives_an_edit_and_clearing_a_field_forgets_the_answer() {
    let h = Harness::sqlite().await;
    h.user(Role::Adviser, "a@example.kz").await;
    let case = make_case(
        &h,
        "Unsure",
        json!({"purposes": "unknown", "citizenship": "DE", "in_kazakhstan": false}),
        json!([]),
    )
    .await;
    let uri = format!("/cases/{}", case.id);
    let c = h.login("a@example.kz").await;
    let page = c.get(&uri).await;
    assert!(
        page.body
            .contains("name=\"f-purposes\" value=\"unknown\" checked"),
        "the set fact's 'I don't know' is ticked"
    );
    let r = c
        .post_form(
            &format!("{uri}/facts"),
            &[
                ("version", "1"),
                ("f-purposes", "unknown"),
                ("f-citizenship", "DE"),
                ("f-in_kazakhstan", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = h.store.case(case.id).await.expect("case");
    assert_eq!(
        after.facts,
        json!({"purposes": "unknown", "citizenship": "DE"})
    );
}
