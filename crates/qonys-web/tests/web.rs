//! The web application driven in-process (`tower::ServiceExt::oneshot`): every page and API
//! endpoint, a full finder walk in each language to the result, the security headers on every
//! response, the cross-origin check, and bad input of every kind.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use qonys_law::{Date, Lang};
use qonys_web::{AppState, app};
use tower::ServiceExt;

fn as_of() -> Date {
    Date::from_ymd(2026, 6, 1).expect("valid date")
}

fn router() -> Router {
    let pack = qonys_law::bundled::load().expect("the bundled pack loads");
    app(AppState::new(pack, Some(as_of())))
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(req: Request<Body>) -> Reply {
    let res = router().oneshot(req).await.expect("the router answers");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res
        .into_body()
        .collect()
        .await
        .expect("the body is read")
        .to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(uri: &str) -> Reply {
    send(Request::get(uri).body(Body::empty()).expect("request")).await
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn post_form(uri: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Reply {
    let mut b = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    send(b.body(Body::from(form_body(pairs))).expect("request")).await
}

async fn post_json(uri: &str, body: &str) -> Reply {
    send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request"),
    )
    .await
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of the first `attr="…"` after `marker` in `html`.
fn attr_after(html: &str, marker: &str, attr: &str) -> Option<String> {
    let at = html.find(marker)?;
    let rest = &html[at..];
    let key = format!("{attr}=\"");
    let start = rest.find(&key)? + key.len();
    let end = rest[start..].find('"')? + start;
    Some(unescape(&rest[start..end]))
}

fn answers_field(html: &str) -> String {
    attr_after(html, "id=\"finder\"", "value")
        .or_else(|| attr_after(html, "name=\"answers\"", "value"))
        .unwrap_or_default()
}

/// An answer for the question on a page, by its field type.
fn pick_answer(html: &str) -> Vec<String> {
    if let Some(v) = attr_after(html, "type=\"radio\" name=\"value\"", "value") {
        return vec![v];
    }
    if let Some(v) = attr_after(html, "type=\"checkbox\" name=\"value\"", "value") {
        return vec![v];
    }
    if html.contains("<select id=\"value\"") {
        return vec!["DE".into()];
    }
    if html.contains("type=\"date\"") {
        return vec!["1990-05-01".into()];
    }
    if html.contains("inputmode=\"decimal\"") {
        return vec!["5 000 000".into()];
    }
    vec![attr_after(html, "id=\"value\"", "min").unwrap_or_else(|| "1".into())]
}

fn fact_of(html: &str) -> Option<String> {
    attr_after(html, "id=\"finder\"", "data-fact")
}

const SECURITY_HEADERS: [&str; 4] = [
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
];

fn assert_secure(r: &Reply, what: &str) {
    for h in SECURITY_HEADERS {
        assert!(r.headers.contains_key(h), "{what}: no {h} header");
    }
    let csp = r.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap_or("");
    assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(
        r.headers[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff",
        "{what}"
    );
}

fn assert_no_store(r: &Reply, what: &str) {
    assert_eq!(
        r.headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}"
    );
}

/// Walks the finder from the first question to the result, answering each question with
/// the first choice (or a plain value); returns every page seen.
async fn walk(lang: Lang) -> Vec<String> {
    let cookie = format!("qonys_lang={}", lang.code());
    let first = send(
        Request::get("/finder")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let mut pages = vec![first.body];
    for step in 1..=80 {
        let html = pages.last().cloned().unwrap_or_default();
        if html.contains("id=\"result\"") {
            return pages;
        }
        let fact = fact_of(&html).unwrap_or_else(|| panic!("step {step}: no question in {html}"));
        assert!(
            html.contains(&format!("data-step=\"{step}\"")),
            "step {step} numbered"
        );
        let answers = answers_field(&html);
        let values = pick_answer(&html);
        let mut pairs: Vec<(&str, &str)> =
            vec![("answers", &answers), ("fact", &fact), ("action", "next")];
        for v in &values {
            pairs.push(("value", v));
        }
        let r = post_form("/finder", &pairs, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "step {step} ({fact}): {}", r.body);
        assert_secure(&r, "finder step");
        assert_no_store(&r, "finder step");
        assert!(
            !r.body.contains("role=\"alert\""),
            "step {step}: answer {values:?} to {fact} refused: {}",
            r.body
        );
        pages.push(r.body);
    }
    panic!("the finder did not reach the result in 80 steps");
}

#[tokio::test]
async fn start_page_in_every_language() {
    for (lang, words) in [
        (Lang::En, "Which residence route"),
        (Lang::Ru, "Какое основание"),
        (Lang::Kk, "Қазақстанда тұруға"),
    ] {
        let r = get(&format!("/?lang={}", lang.code())).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_secure(&r, "start page");
        assert!(r.body.contains(&format!("<html lang=\"{}\">", lang.code())));
        assert!(r.body.contains(words), "{}", r.body);
        assert!(r.body.contains("href=\"/finder\""));
        assert!(r.body.contains("/static/htmx-2.0.11.min.js"));
        // The switch offers all three languages.
        for code in ["en", "ru", "kk"] {
            assert!(r.body.contains(&format!("name=\"lang\" value=\"{code}\"")));
        }
    }
}

#[tokio::test]
async fn language_comes_from_cookie_then_accept_language() {
    let r = send(
        Request::get("/")
            .header(header::ACCEPT_LANGUAGE, "kk-KZ,ru;q=0.8")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(r.body.contains("<html lang=\"kk\">"));
    let r = send(
        Request::get("/")
            .header(header::ACCEPT_LANGUAGE, "kk-KZ")
            .header(header::COOKIE, "qonys_lang=ru")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(r.body.contains("<html lang=\"ru\">"));
}

#[tokio::test]
async fn language_switch_is_a_post_that_sets_a_cookie() {
    let r = post_form("/lang", &[("lang", "kk")], None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_secure(&r, "language switch");
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap_or("");
    assert!(cookie.starts_with("qonys_lang=kk;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"));
    assert_eq!(r.headers[header::LOCATION], "/");
    // GET never sets it.
    let r = get("/?lang=ru").await;
    assert!(!r.headers.contains_key(header::SET_COOKIE));
    // Switching in the middle of the finder keeps the answers and re-asks in the new language.
    let q1 = get("/finder").await;
    let fact = fact_of(&q1.body).expect("a first question");
    let answers = answers_field(&q1.body);
    let values = pick_answer(&q1.body);
    let q2 = post_form(
        "/finder",
        &[
            ("answers", answers.as_str()),
            ("fact", fact.as_str()),
            ("action", "next"),
            ("value", values[0].as_str()),
        ],
        None,
    )
    .await;
    let state = answers_field(&q2.body);
    assert!(state.contains(&fact));
    let switched = post_form(
        "/finder",
        &[
            ("answers", state.as_str()),
            ("view", "question"),
            ("lang", "ru"),
        ],
        None,
    )
    .await;
    assert_eq!(switched.status, StatusCode::OK);
    assert!(switched.body.contains("<html lang=\"ru\">"));
    assert!(switched.body.contains("data-step=\"2\""));
    assert_eq!(answers_field(&switched.body), state);
    assert!(
        switched.headers[header::SET_COOKIE]
            .to_str()
            .unwrap_or("")
            .starts_with("qonys_lang=ru;")
    );
}

#[tokio::test]
async fn full_walk_reaches_the_result_in_every_language() {
    let pack = qonys_law::bundled::load().expect("pack");
    for (lang, result_title) in [
        (Lang::En, "Your residence routes"),
        (Lang::Ru, "Ваши основания для проживания"),
        (Lang::Kk, "Тұруға арналған негіздеріңіз"),
    ] {
        let pages = walk(lang).await;
        assert!(
            pages.len() > 3,
            "{}: only {} pages",
            lang.code(),
            pages.len()
        );
        let first = &pages[0];
        assert!(first.contains("Question 1") || lang != Lang::En);
        let result = pages.last().expect("a result");
        assert!(result.contains(&format!("<html lang=\"{}\">", lang.code())));
        assert!(result.contains(result_title), "{result}");
        // Every route has its section and its row in the side-by-side view.
        for r in &pack.routes {
            assert!(
                result.contains(&format!("id=\"route-{}\"", r.id)),
                "no section for {}",
                r.id
            );
            assert!(result.contains(&format!("href=\"#route-{}\"", r.id)));
            assert!(
                result.contains(&escape(r.name.get(lang))),
                "{} not named",
                r.id
            );
        }
        assert!(result.contains("<svg class=\"bar\""));
        assert!(result.contains("class=\"glance-table\""));
        assert!(result.contains("class=\"cite\" href=\"http"));
        // The answers stay out of the HTML's URLs: only hidden form fields carry them.
        assert!(!result.contains("?answers="));
    }
}

#[tokio::test]
async fn questions_have_progress_why_unknown_and_back() {
    let q1 = get("/finder").await;
    assert_eq!(q1.status, StatusCode::OK);
    assert_no_store(&q1, "first question");
    let body = &q1.body;
    assert!(body.contains("Question 1, about"));
    assert!(body.contains("<progress"));
    assert!(body.contains("<details class=\"why\">"));
    assert!(body.contains("value=\"unknown\""));
    assert!(
        !body.contains("value=\"back\""),
        "nothing to go back to yet"
    );
    let fact = fact_of(body).expect("a question");
    // "I don't know" moves on.
    let q2 = post_form(
        "/finder",
        &[
            ("answers", "[]"),
            ("fact", fact.as_str()),
            ("action", "unknown"),
        ],
        None,
    )
    .await;
    assert!(q2.body.contains("data-step=\"2\""));
    let state = answers_field(&q2.body);
    assert!(
        state.contains(&format!("[\"{fact}\",\"unknown\"]")),
        "{state}"
    );
    assert!(q2.body.contains("value=\"back\""));
    // Back undoes it and asks the first question again.
    let back = post_form(
        "/finder",
        &[("answers", state.as_str()), ("action", "back")],
        None,
    )
    .await;
    assert!(back.body.contains("data-step=\"1\""));
    assert_eq!(fact_of(&back.body).as_deref(), Some(fact.as_str()));
    assert_eq!(answers_field(&back.body), "[]");
}

#[tokio::test]
async fn back_fills_in_the_answer_it_undoes() {
    let q1 = get("/finder").await;
    let fact = fact_of(&q1.body).expect("a question");
    let value = pick_answer(&q1.body).remove(0);
    let q2 = post_form(
        "/finder",
        &[
            ("answers", "[]"),
            ("fact", fact.as_str()),
            ("action", "next"),
            ("value", value.as_str()),
        ],
        None,
    )
    .await;
    let back = post_form(
        "/finder",
        &[
            ("answers", answers_field(&q2.body).as_str()),
            ("action", "back"),
        ],
        None,
    )
    .await;
    assert!(
        back.body
            .contains(&format!("name=\"value\" value=\"{value}\" checked")),
        "{}",
        back.body
    );
}

#[tokio::test]
async fn result_now_shows_every_route() {
    let pack = qonys_law::bundled::load().expect("pack");
    let r = post_form("/finder", &[("answers", "[]"), ("action", "result")], None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"result\""));
    assert_eq!(
        r.body.matches("<article class=\"route\"").count(),
        pack.routes.len()
    );
    assert_no_store(&r, "result");
}

#[tokio::test]
async fn typed_inputs_and_errors_next_to_the_field() {
    // An answer to a question that is not being asked is not recorded.
    let r = post_form(
        "/finder",
        &[
            ("answers", "[]"),
            ("fact", "date_of_birth"),
            ("action", "next"),
            ("value", "not a date"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(answers_field(&r.body), "[]");
    // A refused answer to the question being asked shows the error next to the field.
    let q1 = get("/finder").await;
    let fact = fact_of(&q1.body).expect("question");
    let bad = post_form(
        "/finder",
        &[
            ("answers", "[]"),
            ("fact", fact.as_str()),
            ("action", "next"),
            ("value", "martian"),
        ],
        None,
    )
    .await;
    assert!(bad.body.contains("role=\"alert\""), "{}", bad.body);
    assert!(bad.body.contains("data-step=\"1\""));
    assert_eq!(answers_field(&bad.body), "[]");
    // A date question, asked for real: a bad date is refused with the date message.
    let mut facts_seen = Vec::new();
    for preset in [
        r#"[["purposes",["family"]],["stay_goal","temporary"]]"#,
        r#"[["purposes",["study"]],["stay_goal","temporary"]]"#,
        "[]",
    ] {
        let mut html = post_form("/finder", &[("answers", preset), ("action", "ask")], None)
            .await
            .body;
        for _ in 0..80 {
            let Some(f) = fact_of(&html) else { break };
            facts_seen.push(f.clone());
            if html.contains("type=\"date\"") {
                let answers = answers_field(&html);
                let refused = post_form(
                    "/finder",
                    &[
                        ("answers", answers.as_str()),
                        ("fact", f.as_str()),
                        ("action", "next"),
                        ("value", "31.02.1990"),
                    ],
                    None,
                )
                .await;
                assert!(refused.body.contains("id=\"error\""), "{}", refused.body);
                assert!(refused.body.contains("YYYY-MM-DD"));
                assert!(
                    refused.body.contains("value=\"31.02.1990\""),
                    "typed text kept"
                );
                assert!(refused.body.contains("aria-invalid=\"true\""));
                assert_eq!(fact_of(&refused.body).as_deref(), Some(f.as_str()));
                assert_eq!(answers_field(&refused.body), answers, "nothing recorded");
                return;
            }
            let answers = answers_field(&html);
            let values = pick_answer(&html);
            let mut pairs: Vec<(&str, &str)> =
                vec![("answers", &answers), ("fact", &f), ("action", "next")];
            for v in &values {
                pairs.push(("value", v));
            }
            html = post_form("/finder", &pairs, None).await.body;
        }
    }
    panic!("no date question met; asked: {facts_seen:?}");
}

#[tokio::test]
async fn country_select_has_names_in_the_page_language() {
    let pack = qonys_law::bundled::load().expect("pack");
    let mut state;
    let mut html = get("/finder").await.body;
    for _ in 0..80 {
        if html.contains("<select id=\"value\"") {
            break;
        }
        let Some(f) = fact_of(&html) else { break };
        state = answers_field(&html);
        let values = pick_answer(&html);
        let mut pairs: Vec<(&str, &str)> =
            vec![("answers", &state), ("fact", &f), ("action", "next")];
        for v in &values {
            pairs.push(("value", v));
        }
        html = post_form("/finder", &pairs, None).await.body;
    }
    assert!(html.contains("<select id=\"value\""), "no country question");
    state = answers_field(&html);
    let ru = post_form(
        "/finder",
        &[
            ("answers", state.as_str()),
            ("view", "question"),
            ("lang", "ru"),
        ],
        None,
    )
    .await;
    let de = pack
        .countries
        .iter()
        .find(|c| c.code == "DE")
        .expect("Germany");
    assert!(ru.body.contains(&format!(
        "<option value=\"DE\">{}</option>",
        de.name.get(Lang::Ru)
    )));
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let cases: Vec<(&str, Reply)> = vec![
        ("start", get("/").await),
        ("finder", get("/finder").await),
        ("css", get("/static/qonys-1.css").await),
        ("htmx", get("/static/htmx-2.0.11.min.js").await),
        ("missing asset", get("/static/nope.js").await),
        ("404", get("/no/such/page").await),
        ("rules", get("/api/v1/rules").await),
        ("openapi", get("/api/v1/openapi.json").await),
        (
            "assess",
            post_json("/api/v1/assess", "{\"facts\":{}}").await,
        ),
        ("bad json", post_json("/api/v1/assess", "{").await),
        (
            "bad state",
            post_form("/finder", &[("answers", "{{{")], None).await,
        ),
        (
            "cross-site",
            send(
                Request::post("/finder")
                    .header("sec-fetch-site", "cross-site")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await,
        ),
    ];
    for (what, r) in &cases {
        assert_secure(r, what);
    }
    // Static assets may be cached; everything else not.
    for (what, r) in &cases {
        if what.contains("css") || what.contains("htmx") {
            assert!(
                r.headers[header::CACHE_CONTROL]
                    .to_str()
                    .unwrap_or("")
                    .contains("immutable")
            );
        } else if *what != "missing asset" {
            assert_no_store(r, what);
        }
    }
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let body = form_body(&[("answers", "[]"), ("action", "result")]);
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
        ("origin", "null"),
    ] {
        let r = send(
            Request::post("/finder")
                .header(header::HOST, "127.0.0.1:8080")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(name, value)
                .body(Body::from(body.clone()))
                .expect("request"),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(!r.body.contains("id=\"result\""));
    }
    for path in ["/lang", "/api/v1/assess"] {
        let r = send(
            Request::post(path)
                .header("sec-fetch-site", "cross-site")
                .body(Body::from("{}"))
                .expect("request"),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    // The same request from the same origin goes through.
    let r = send(
        Request::post("/finder")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::ORIGIN, "http://127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.clone()))
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"result\""));
}

#[tokio::test]
async fn state_never_changes_on_get() {
    // GET on the finder's POST target shows the first question and records nothing.
    let r = get("/finder?answers=%5B%5B%22stay_goal%22%2C%22temporary%22%5D%5D").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("data-step=\"1\""));
    assert_eq!(answers_field(&r.body), "[]");
    let r = get("/lang?lang=kk").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(!r.headers.contains_key(header::SET_COOKIE));
}

#[tokio::test]
async fn bad_input_is_handled() {
    for state in [
        "{{{",
        "{}",
        "[[\"no_such_fact\", 1]]",
        "[[\"stay_goal\", 42]]",
    ] {
        let r = post_form("/finder", &[("answers", state)], None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{state}");
        assert!(r.body.contains("could not be read"), "{state}");
    }
    let r = post_form(
        "/finder",
        &[
            ("answers", "[]"),
            ("fact", "no_such_fact"),
            ("action", "next"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("data-step=\"1\""));
    // Bodies over the limit are refused before they are read.
    let big = "a".repeat(qonys_web::BODY_LIMIT + 1);
    let r = post_form("/finder", &[("answers", big.as_str())], None).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = get("/nowhere").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Page not found"));
}

#[tokio::test]
async fn api_assess_and_its_errors() {
    let ok = post_json(
        "/api/v1/assess?lang=ru",
        r#"{"facts": {"citizenship": "DE", "stay_goal": "temporary", "purposes": ["work"]}}"#,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.headers[header::CONTENT_TYPE], "application/json");
    let v: serde_json::Value = serde_json::from_str(&ok.body).expect("JSON");
    assert_eq!(v["language"], "ru");
    assert_eq!(v["as_of"], "2026-06-01");
    assert!(v["routes"].as_array().is_some_and(|r| !r.is_empty()));

    let syntax = post_json("/api/v1/assess", "{\"facts\": ").await;
    assert_eq!(syntax.status, StatusCode::BAD_REQUEST);
    let e: serde_json::Value = serde_json::from_str(&syntax.body).expect("JSON error");
    assert_eq!(e["error"]["errors"][0]["field"], "body");
    assert!(
        e["error"]["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("line 1")
    );

    let fields = post_json(
        "/api/v1/assess",
        r#"{"facts": {"citizenship": "Atlantis", "savings_kzt_typo": 5}}"#,
    )
    .await;
    assert_eq!(
        fields.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        fields.body
    );
    let e: serde_json::Value = serde_json::from_str(&fields.body).expect("JSON error");
    let named: Vec<&str> = e["error"]["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["field"].as_str())
        .collect();
    assert!(named.contains(&"facts.citizenship"), "{named:?}");
    assert!(named.contains(&"facts.savings_kzt_typo"), "{named:?}");

    let lang = post_json("/api/v1/assess?lang=de", "{}").await;
    assert_eq!(lang.status, StatusCode::BAD_REQUEST);
    assert!(lang.body.contains("\"lang\""));
    let date = post_json("/api/v1/assess?as_of=yesterday", "{}").await;
    assert_eq!(date.status, StatusCode::BAD_REQUEST);
    assert!(date.body.contains("\"as_of\""));
    let not_utf8 = send(
        Request::post("/api/v1/assess")
            .body(Body::from(vec![0xff, 0xfe]))
            .expect("request"),
    )
    .await;
    assert_eq!(not_utf8.status, StatusCode::BAD_REQUEST);
    let wrong_method = get("/api/v1/assess").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn api_rules_lists_routes_with_citations() {
    let pack = qonys_law::bundled::load().expect("pack");
    let r = get("/api/v1/rules?lang=kk").await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("JSON");
    assert_eq!(v["language"], "kk");
    let routes = v["routes"].as_array().expect("routes");
    assert_eq!(routes.len(), pack.routes.len());
    for (out, route) in routes.iter().zip(&pack.routes) {
        assert_eq!(out["id"], route.id.as_str());
        assert_eq!(out["name"], route.name.get(Lang::Kk));
        for c in out["clauses"].as_array().into_iter().flatten() {
            assert!(
                c["citations"].as_array().is_some_and(|x| !x.is_empty()),
                "{} has no citation",
                c["id"]
            );
        }
    }
    assert_eq!(
        get("/api/v1/rules?lang=xx").await.status,
        StatusCode::BAD_REQUEST
    );
}

fn collect_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref"
                    && let Some(s) = x.as_str()
                {
                    out.push(s.to_string());
                }
                collect_refs(x, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn openapi_document_is_complete_and_self_contained() {
    let r = get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("JSON");
    assert_eq!(v["openapi"], "3.1.0");
    for path in ["/api/v1/assess", "/api/v1/rules", "/api/v1/openapi.json"] {
        assert!(v["paths"][path].is_object(), "{path} not described");
    }
    let mut refs = Vec::new();
    collect_refs(&v, &mut refs);
    assert!(refs.len() > 5);
    for r in refs {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external $ref {r}"));
        assert!(v.pointer(pointer).is_some(), "dangling $ref {r}");
    }
    // The report schema describes what the API returns.
    let props = &v["components"]["schemas"]["AssessmentReport"]["properties"];
    for key in ["routes", "pack_version", "as_of", "disclaimer"] {
        assert!(props[key].is_object(), "{key}");
    }
}

#[test]
fn every_message_id_the_pages_use_exists_in_every_language() {
    let m = qonys_i18n::Messages::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ids = std::collections::BTreeSet::new();
    for dir in ["templates", "src"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("folder").flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for part in text.split('"').skip(1).step_by(2) {
                let known = [
                    "web-",
                    "interview-",
                    "label-",
                    "value-",
                    "verdict-",
                    "kind-",
                ];
                if known.iter().any(|k| part.starts_with(k))
                    && part.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    && !part.ends_with('-')
                {
                    ids.insert(part.to_string());
                }
            }
        }
    }
    assert!(ids.len() > 30, "{ids:?}");
    for id in &ids {
        for lang in Lang::ALL {
            assert!(m.has(lang, id), "{id} is missing in {}", lang.code());
        }
    }
}

async fn send_to(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.expect("the router answers");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res
        .into_body()
        .collect()
        .await
        .expect("the body is read")
        .to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn form_request(uri: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(form_body(pairs)))
        .expect("request")
}

/// The consultation story on one store: the form appears, wrong fields are refused next to
/// them, a double submit creates one case carrying the finder's answers, and a cross-site
/// submit never reaches the store.
async fn consultation_story(store: std::sync::Arc<dyn qonys_store::Store>) {
    use qonys_store::CaseQuery;

    let pack = qonys_law::bundled::load().expect("pack");
    let app = app(AppState::new(pack, Some(as_of())).with_store(store.clone()));

    // Without a store there is no form.
    let plain = post_form("/finder", &[("answers", "[]"), ("action", "result")], None).await;
    assert!(!plain.body.contains("id=\"consult\""));
    let plain_post = post_form("/consultation", &[("answers", "[]")], None).await;
    assert_eq!(plain_post.status, StatusCode::NOT_FOUND);

    let answers = r#"[["stay_goal","temporary"],["purposes",["work"]],["citizenship","DE"]]"#;
    let result = send_to(
        &app,
        form_request("/finder", &[("answers", answers), ("action", "result")]),
    )
    .await;
    assert!(result.body.contains("id=\"consult\""), "{}", result.body);
    let key = attr_after(&result.body, "name=\"key\"", "value").expect("an idempotency key");
    assert!(key.len() >= 16);
    assert_eq!(answers_field(&result.body), answers);

    // Wrong fields: errors next to them, nothing stored, the typed values kept.
    let bad = send_to(
        &app,
        form_request(
            "/consultation",
            &[
                ("answers", answers),
                ("key", key.as_str()),
                ("name", ""),
                ("contact", "x"),
                ("language", "ru"),
                ("message", "hello"),
            ],
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("id=\"c-name-error\""));
    assert!(bad.body.contains("id=\"c-contact-error\""));
    assert!(bad.body.contains(">hello</textarea>"));
    assert!(bad.body.contains(&format!("name=\"key\" value=\"{key}\"")));
    let none = store.list_cases(&CaseQuery::default()).await.expect("list");
    assert!(none.cases.is_empty());

    // A double submit creates one case, and both answers show the same reference.
    let pairs = [
        ("answers", answers),
        ("key", key.as_str()),
        ("name", "Aigerim Test"),
        ("contact", "aigerim@example.kz"),
        ("language", "kk"),
        ("message", "Work permit question"),
    ];
    let first = send_to(&app, form_request("/consultation", &pairs)).await;
    let second = send_to(&app, form_request("/consultation", &pairs)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_secure(&first, "consultation");
    assert_no_store(&first, "consultation");
    let reference = |b: &str| {
        let at = b
            .find("id=\"reference\">")
            .map(|i| i + "id=\"reference\">".len());
        at.and_then(|i| b[i..].find('<').map(|j| b[i..i + j].to_string()))
    };
    assert!(reference(&first.body).is_some(), "{}", first.body);
    assert_eq!(reference(&first.body), reference(&second.body));
    let cases = store.list_cases(&CaseQuery::default()).await.expect("list");
    assert_eq!(cases.cases.len(), 1);
    let case = store.case(cases.cases[0].id).await.expect("the case");
    assert_eq!(case.facts["citizenship"], "DE");
    assert_eq!(case.facts["purposes"], serde_json::json!(["work"]));
    assert_eq!(case.status, "new");
    let request = store
        .consultation_for_case(case.id)
        .await
        .expect("read")
        .expect("the request");
    assert_eq!(request.language, "kk");
    assert_eq!(request.contact, "aigerim@example.kz");

    // A cross-site submit is refused before it reaches the store.
    let cross = send_to(
        &app,
        Request::post("/consultation")
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form_body(&[
                ("answers", answers),
                ("key", "0123456789abcdef0123"),
                ("name", "X"),
                ("contact", "x@example.kz"),
            ])))
            .expect("request"),
    )
    .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert_eq!(
        store
            .list_cases(&CaseQuery::default())
            .await
            .expect("list")
            .cases
            .len(),
        1
    );
}

#[tokio::test]
async fn consultation_request_creates_one_case_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = qonys_store::SqlStore::open(qonys_store::StoreOptions::sqlite_in(dir.path()))
        .await
        .expect("store opens");
    consultation_story(std::sync::Arc::new(store)).await;
}

/// The same story on PostgreSQL (`QONYS_TEST_POSTGRES_URL`, default
/// `postgres://postgres@127.0.0.1:5432/test`) in a fresh schema; skipped with a notice when
/// the server is unreachable, unless `QONYS_REQUIRE_POSTGRES=1`.
#[tokio::test]
async fn consultation_request_creates_one_case_on_postgres() {
    use sqlx::{Connection, Executor};
    let url = std::env::var("QONYS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let required = std::env::var("QONYS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    sqlx::any::install_default_drivers();
    let conn = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        sqlx::AnyConnection::connect(&url),
    )
    .await;
    let mut conn = match conn {
        Ok(Ok(c)) => c,
        _ if required => panic!("QONYS_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable"),
        _ => {
            eprintln!(
                "NOTICE: PostgreSQL unreachable; the web consultation story on PostgreSQL is skipped (QONYS_REQUIRE_POSTGRES=1 makes this a failure)"
            );
            return;
        }
    };
    let schema = format!("qonys_web_test_{}", std::process::id());
    conn.execute(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .await
    .expect("drop old schema");
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .await
        .expect("create schema");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut options = qonys_store::StoreOptions::postgres(&url, &dir.path().join("documents"));
    options.pg_schema = Some(schema.clone());
    let store = qonys_store::SqlStore::open(options)
        .await
        .expect("store opens on PostgreSQL");
    consultation_story(std::sync::Arc::new(store)).await;
    conn.execute(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .await
        .expect("drop schema");
}

/// From the result page an earlier answer can be changed: the question is asked again with
/// the earlier answer as the default, and the new answer replaces it (the later answers are
/// kept when they still matter).
#[tokio::test]
async fn an_earlier_answer_can_be_changed_from_the_result_page() {
    let answers = r#"[["stay_goal","temporary"],["purposes",["work"]],["citizenship","DE"]]"#;
    let page = post_form(
        "/finder",
        &[("answers", answers), ("action", "result")],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("id=\"change-citizenship\""),
        "{}",
        page.body
    );
    let q = post_form(
        "/finder",
        &[
            ("answers", answers),
            ("action", "change"),
            ("fact", "citizenship"),
        ],
        None,
    )
    .await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(
        q.body.contains("name=\"fact\" value=\"citizenship\""),
        "{}",
        q.body
    );
    assert!(
        q.body.contains("value=\"DE\" selected") || q.body.contains("value=\"DE\"selected"),
        "the earlier answer is the default"
    );
    let next = post_form(
        "/finder",
        &[
            ("answers", answers),
            ("fact", "citizenship"),
            ("value", "KG"),
            ("action", "next"),
        ],
        None,
    )
    .await;
    assert_eq!(next.status, StatusCode::OK);
    assert!(
        next.body.contains("KG")
            || next.body.contains("%22KG%22")
            || next.body.contains("&quot;KG&quot;"),
        "the new answer is kept: {}",
        next.body
    );
    assert!(
        !next.body.contains("&quot;DE&quot;"),
        "the old answer is gone"
    );
}

/// The result page lists the documents of the best route.
#[tokio::test]
async fn the_result_page_shows_the_best_routes_checklist() {
    let answers = r#"[["stay_goal","temporary"],["purposes",["family"]],["citizenship","GE"],["date_of_birth","1993-08-09"],["sponsor_status","citizen"],["sponsor_relationship","spouse"],["marriage_date","2024-03-16"],["household_monthly_income_kzt",420000],["family_members_count",2],["sponsor_documents_ready",false]]"#;
    let page = post_form(
        "/finder",
        &[("answers", answers), ("action", "result")],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"checklist\""), "{}", page.body);
    assert!(page.body.contains("Documents for"), "{}", page.body);
    assert!(
        page.body.contains("arriage certificate"),
        "the spouse's route needs the marriage certificate"
    );
}
