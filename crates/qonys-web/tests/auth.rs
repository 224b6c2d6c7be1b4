//! Accounts and sessions through the real pages, on SQLite and PostgreSQL: the first
//! administrator from the one-time setup link (and no account before it), sign-in and
//! sign-out (the session is gone on the server), the rate limit, CSRF refusal, Argon2id
//! parameters upgraded at sign-in, idle and absolute session expiry, and invitations.

mod support;

use axum::http::StatusCode;
use jiff::SignedDuration;
use qonys_store::{Actor, NewOneTimeToken, Role, Store, TokenPurpose};
use support::{Harness, PASSWORD};

async fn setup_token(h: &Harness) -> String {
    let now = qonys_store::now();
    h.store
        .create_one_time_token(NewOneTimeToken {
            purpose: TokenPurpose::Setup,
            user_id: None,
            case_id: None,
            role: Some(Role::Admin),
            expires_at: now + SignedDuration::from_hours(24),
        })
        .await
        .expect("token")
        .expose()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_administrator_from_the_setup_link_once() {
    for h in Harness::both().await {
        assert_eq!(h.store.count_users().await.expect("count"), 0);
        let token = setup_token(&h).await;
        let c = h.anonymous();
        let page = c.get(&format!("/setup/{token}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("name=\"password\""));
        // A weak password is refused next to the form, and the link stays usable.
        let short = c
            .post_form(
                &format!("/setup/{token}"),
                &[
                    ("name", "Aigerim"),
                    ("email", "admin@firm.kz"),
                    ("password", "short"),
                    ("confirm", "short"),
                ],
            )
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.body.contains("at least 12"));
        let ok = c
            .post_form(
                &format!("/setup/{token}"),
                &[
                    ("name", "Aigerim"),
                    ("email", "Admin@Firm.kz"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(ok.location(), "/cases");
        let admin = h
            .store
            .user_by_email("admin@firm.kz")
            .await
            .expect("created");
        assert_eq!(admin.role, Role::Admin);
        assert!(
            admin
                .password_hash
                .as_deref()
                .is_some_and(|p| p.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"))
        );
        // The link works once.
        let again = c
            .post_form(
                &format!("/setup/{token}"),
                &[
                    ("name", "Eve"),
                    ("email", "eve@x.kz"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::GONE);
        assert_eq!(h.store.count_users().await.expect("count"), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_out_ends_the_session_on_the_server() {
    for h in Harness::both().await {
        h.user(Role::Adviser, "adviser@firm.kz").await;
        let c = h.login("adviser@firm.kz").await;
        assert_eq!(c.get("/login").await.status, StatusCode::OK);
        let copied = c.cookie.clone();
        // Logging out without the CSRF token is refused; with it, the session is deleted.
        let refused = c.post_form_raw("/logout", &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let out = c.post_form("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(
            out.headers
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("Max-Age=0"))
        );
        let token = copied
            .as_deref()
            .and_then(|c| c.split_once('='))
            .map(|(_, t)| t)
            .expect("token");
        assert!(
            h.store
                .touch_session(token, qonys_store::now(), SignedDuration::from_mins(30))
                .await
                .expect("lookup")
                .is_none()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_rate_limited() {
    let h = Harness::sqlite().await;
    h.user(Role::Adviser, "adviser@firm.kz").await;
    let c = h.anonymous();
    for _ in 0..5 {
        let r = c
            .post_form(
                "/login",
                &[
                    ("email", "adviser@firm.kz"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("wrong"));
    }
    // Now even the right password is refused until the window has passed.
    let r = c
        .post_form(
            "/login",
            &[("email", "adviser@firm.kz"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
    // An unknown address gets the same answer as a wrong password.
    let u = c
        .post_form(
            "/login",
            &[("email", "nobody@firm.kz"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(u.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weaker_password_hashes_are_upgraded_at_sign_in() {
    use argon2::password_hash::PasswordHasher;
    let h = Harness::sqlite().await;
    let u = h.user(Role::Adviser, "old@firm.kz").await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(4096, 1, 1, None).expect("params"),
    )
    .hash_password(PASSWORD.as_bytes())
    .expect("hash")
    .to_string();
    h.store
        .set_password_hash(&Actor::system("test"), u.id, &weak)
        .await
        .expect("set");
    h.login("old@firm.kz").await;
    let after = h
        .store
        .user(u.id)
        .await
        .expect("user")
        .password_hash
        .expect("hash");
    assert!(
        after.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_expire_when_idle_and_absolutely() {
    let h = Harness::sqlite().await;
    let u = h.user(Role::Adviser, "a@firm.kz").await;
    let now = qonys_store::now();
    let idle = qonys_web::auth::session::IDLE_TIMEOUT;
    // Idle: a session last seen longer ago than the idle timeout is gone.
    let t = h
        .store
        .create_session(u.id, now, now + SignedDuration::from_hours(12))
        .await
        .expect("session");
    assert!(
        h.store
            .touch_session(t.expose(), now + idle - SignedDuration::from_secs(1), idle)
            .await
            .expect("touch")
            .is_some()
    );
    let later = now + idle - SignedDuration::from_secs(1) + idle + SignedDuration::from_secs(1);
    assert!(
        h.store
            .touch_session(t.expose(), later, idle)
            .await
            .expect("touch")
            .is_none()
    );
    // Absolute: however active, the session ends at its expiry.
    let t2 = h
        .store
        .create_session(u.id, now, now + SignedDuration::from_mins(10))
        .await
        .expect("session");
    assert!(
        h.store
            .touch_session(t2.expose(), now + SignedDuration::from_mins(11), idle)
            .await
            .expect("touch")
            .is_none()
    );
    // Through the web: an expired cookie sends the browser to the sign-in page.
    let mut c = h.anonymous();
    c.cookie = Some(format!("qonys_session={}", t2.expose()));
    let r = c.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_makes_an_applicant_account_linked_to_its_case() {
    for h in Harness::both().await {
        let case = h.case("Invited", serde_json::json!({})).await;
        let token = h
            .store
            .create_one_time_token(NewOneTimeToken {
                purpose: TokenPurpose::Invitation,
                user_id: None,
                case_id: Some(case.id),
                role: Some(Role::Applicant),
                expires_at: qonys_store::now() + SignedDuration::from_hours(7 * 24),
            })
            .await
            .expect("token");
        let c = h.anonymous();
        let r = c
            .post_form(
                &format!("/invite/{}", token.expose()),
                &[
                    ("name", "Ivan"),
                    ("email", "ivan@mail.kz"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), "/my");
        let u = h
            .store
            .user_by_email("ivan@mail.kz")
            .await
            .expect("created");
        assert_eq!(u.role, Role::Applicant);
        assert_eq!(
            h.store.case(case.id).await.expect("case").applicant_id,
            Some(u.id)
        );
        // A setup link cannot be redeemed as an invitation and vice versa.
        let setup = setup_token(&h).await;
        let wrong = c
            .post_form(
                &format!("/invite/{setup}"),
                &[
                    ("name", "Eve"),
                    ("email", "eve@mail.kz"),
                    ("password", PASSWORD),
                    ("confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::GONE);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_on_the_sign_in_page_comes_back_to_it() {
    let h = Harness::sqlite().await;
    let c = h.anonymous();
    let page = c.get("/login?next=/cases").await;
    assert!(
        page.body
            .contains("name=\"back\" value=\"/login?next=%2Fcases\""),
        "{}",
        page.body
    );
    let r = c
        .post_form("/lang", &[("lang", "kk"), ("back", "/login?next=%2Fcases")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?next=%2Fcases");
    // Never to another site.
    let r = c
        .post_form("/lang", &[("lang", "kk"), ("back", "//evil.example/")])
        .await;
    assert_eq!(r.location(), "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_a_page_in_the_users_language_with_a_way_back() {
    let h = Harness::sqlite().await;
    let u = h.user(Role::Applicant, "ivan@mail.kz").await;
    h.store
        .set_user_language(u.id, "kk")
        .await
        .expect("language");
    let c = h.login("ivan@mail.kz").await;
    let r = c.get("/cases").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Қолжетімділік жоқ"), "{}", r.body);
    assert!(r.body.contains("href=\"/my\""), "{}", r.body);
    // The API answers the same refusal as JSON.
    let r = c
        .json("POST", "/api/v1/cases", &serde_json::json!({"title": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["status"], 403);
}
