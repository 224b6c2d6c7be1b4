//! Shared harness of the web tests: the app in-process over a fresh store on SQLite (always)
//! or PostgreSQL (a fresh schema per harness; required when `QONYS_REQUIRE_POSTGRES=1`,
//! skipped with a notice otherwise), accounts of every role made directly in the store, and a
//! client that signs in through the real `/login` and carries the session cookie and the
//! CSRF token.
//!
//! Each test file that uses it says `mod support;`; not every file uses every helper.
//! Tests that use PostgreSQL must run on a multi-threaded runtime
//! (`#[tokio::test(flavor = "multi_thread", worker_threads = 2)]`): sqlx returns connections
//! to the pool (and rolls back a failed transaction) in a spawned task, which a blocked
//! current-thread runtime would never run while the harness drops its schema.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use qonys_law::Date;
use qonys_store::{Actor, Backend, NewCase, NewUser, Role, SqlStore, Store, StoreOptions, User};
use qonys_web::{AppState, app};
use sqlx::{AssertSqlSafe, Connection, Executor};
use tower::ServiceExt;
use uuid::Uuid;

/// The default PostgreSQL of this machine.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// The as-of date the tests assess at.
pub fn as_of() -> Date {
    Date::from_ymd(2026, 6, 1).expect("valid date")
}

/// An app over a fresh store, plus what must be cleaned up after it.
pub struct Harness {
    /// The store the app uses.
    pub store: Arc<SqlStore>,
    /// The app state (pack, messages, store).
    pub state: AppState,
    schema: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

/// The PostgreSQL URL of the tests, or `None` (with a notice) when it is unreachable and not
/// required.
pub async fn postgres_url() -> Option<String> {
    let url =
        std::env::var("QONYS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string());
    let required = std::env::var("QONYS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    sqlx::any::install_default_drivers();
    let probe = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        sqlx::AnyConnection::connect(&url),
    )
    .await;
    match probe {
        Ok(Ok(_)) => Some(url),
        _ if required => panic!("QONYS_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable at {url}"),
        _ => {
            eprintln!(
                "NOTICE: PostgreSQL unreachable; test skipped. Set QONYS_REQUIRE_POSTGRES=1 to fail instead."
            );
            None
        }
    }
}

impl Harness {
    /// Over a fresh SQLite database in a temporary folder.
    pub async fn sqlite() -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqlStore::open(StoreOptions::sqlite_in(dir.path()))
            .await
            .expect("store opens");
        Harness::over(store, dir, None)
    }

    /// Over a fresh schema of the test PostgreSQL; `None` when it is unreachable and not
    /// required.
    pub async fn postgres() -> Option<Harness> {
        let url = postgres_url().await?;
        let dir = tempfile::tempdir().expect("temp dir");
        let schema = format!("qonys_web_{}", Uuid::new_v4().simple());
        let mut o = StoreOptions::postgres(&url, &dir.path().join("documents"));
        o.pg_schema = Some(schema.clone());
        let store = SqlStore::open(o).await.expect("store opens on PostgreSQL");
        Some(Harness::over(store, dir, Some((url, schema))))
    }

    /// Both backends: SQLite always, PostgreSQL when reachable (or required).
    pub async fn both() -> Vec<Harness> {
        let mut v = vec![Harness::sqlite().await];
        if let Some(pg) = Harness::postgres().await {
            v.push(pg);
        }
        v
    }

    fn over(store: SqlStore, dir: tempfile::TempDir, schema: Option<(String, String)>) -> Harness {
        let pack = qonys_law::bundled::load().expect("the bundled pack loads");
        let store = Arc::new(store);
        let state = AppState::new(pack, Some(as_of())).with_store(store.clone() as Arc<dyn Store>);
        Harness {
            store,
            state,
            schema,
            _dir: dir,
        }
    }

    /// Which database this harness runs on.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// The router (cheap: a new one per request is fine).
    pub fn router(&self) -> Router {
        app(self.state.clone())
    }

    /// Makes an account directly in the store, with [`PASSWORD`].
    pub async fn user(&self, role: Role, email: &str) -> User {
        let hash = qonys_web::auth::password::hash(PASSWORD).expect("hash");
        self.store
            .create_user(
                &Actor::system("test"),
                NewUser {
                    email: email.to_string(),
                    display_name: format!("Test {role}"),
                    role,
                    password_hash: Some(hash),
                    language: "en".to_string(),
                    firm_id: None,
                },
            )
            .await
            .expect("user created")
    }

    /// Makes a case directly in the store.
    pub async fn case(&self, title: &str, facts: serde_json::Value) -> qonys_store::Case {
        self.store
            .create_case(
                &Actor::system("test"),
                NewCase {
                    title: title.to_string(),
                    status: "new".to_string(),
                    language: "en".to_string(),
                    facts,
                    ..NewCase::default()
                },
            )
            .await
            .expect("case created")
    }

    /// A client without a session.
    pub fn anonymous(&self) -> Client {
        Client {
            router: self.router(),
            cookie: None,
            csrf: String::new(),
        }
    }

    /// Signs in through `POST /login` and returns the signed-in client.
    pub async fn login(&self, email: &str) -> Client {
        let mut c = self.anonymous();
        let r = c
            .post_form("/login", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign-in of {email}: {}",
            r.body
        );
        let set = r
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("a session cookie");
        let token = set
            .split(';')
            .next()
            .and_then(|kv| kv.split_once('='))
            .map(|(_, v)| v.to_string())
            .expect("cookie value");
        c.csrf = qonys_web::auth::session::csrf_token(&token);
        c.cookie = Some(format!("qonys_session={token}"));
        c
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let Some((url, schema)) = self.schema.take() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::AnyConnection::connect(&url).await {
                    let _ = conn.execute("SET lock_timeout = '20s'").await;
                    let _ = conn
                        .execute(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                        .await;
                }
            });
        })
        .join();
    }
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as text.
    pub body: String,
}

impl Reply {
    /// The `Location` header.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A browser-like client of the in-process app: same-origin requests, the session cookie
/// and the CSRF token once signed in.
pub struct Client {
    router: Router,
    /// `qonys_session=…` once signed in.
    pub cookie: Option<String>,
    /// The session's CSRF token (empty when not signed in).
    pub csrf: String,
}

impl Client {
    /// Sends a request as it is, adding the session cookie.
    pub async fn send(&self, mut req: Request<Body>) -> Reply {
        if let Some(c) = &self.cookie {
            req.headers_mut()
                .insert(header::COOKIE, c.parse().expect("cookie header"));
        }
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// `GET uri`.
    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// `POST uri` with a form, from this site, with the session's CSRF token added.
    pub async fn post_form(&self, uri: &str, pairs: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        if !self.csrf.is_empty() && !pairs.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &self.csrf));
        }
        self.post_form_raw(uri, &all).await
    }

    /// `POST uri` with exactly these fields (no CSRF token added).
    pub async fn post_form_raw(&self, uri: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// `method uri` with a JSON body and the CSRF header.
    pub async fn json(&self, method: &str, uri: &str, body: &serde_json::Value) -> Reply {
        self.send(
            Request::builder()
                .method(method)
                .uri(uri)
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-csrf-token", &self.csrf)
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// `POST uri` with a multipart body of one file field `file` plus text fields.
    pub async fn post_multipart(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Reply {
        let boundary = "qonys-test-boundary-7d1c";
        let mut body = Vec::new();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !self.csrf.is_empty() && !fields.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &self.csrf));
        }
        for (k, v) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(uri)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }
}
