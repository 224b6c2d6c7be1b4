//! The qonys web server: the public route finder (the guided interview as web pages, then
//! the result with every route, its reasons and citations, and the routes side by side), and
//! the JSON API (`/api/v1/assess`, `/api/v1/rules`, `/api/v1/openapi.json`).
//!
//! # Shape
//!
//! - [`app`] builds the [`Router`] from an [`AppState`] (tests drive it in-process with
//!   `tower::ServiceExt::oneshot`); [`serve`] binds a TCP address and runs it (the
//!   `qonys serve` command calls it).
//! - Pages are server-rendered askama templates (`templates/`) that work without JavaScript;
//!   htmx 2 is served from the app itself (`static/`) for small progressive enhancement, so
//!   the Content-Security-Policy can say `script-src 'self'`.
//! - The public finder keeps no server session: the answers so far travel in a hidden form
//!   field of every POST (never in a URL), and every answer is re-checked against the pack on
//!   every request ([`finder`]).
//! - Every response carries the security headers, and every state-changing request passes
//!   the cross-origin check ([`security`]).
//! - With a store ([`qonys_store`]), the result page offers "request a consultation", which
//!   turns the finder's answers into a new case, once per idempotency key ([`consult`]).
//! - Every string a page shows comes from the Fluent catalogue (`web-*` ids in
//!   `qonys-i18n/locales/<lang>/*.ftl`) or from the rule pack's own texts ([`lang`]).
//!
//! Architecture invariant: all reasoning stays in `qonys-law` and all wording of results in
//! `qonys-i18n`'s `AssessmentReport`; this crate only turns requests into calls and reports
//! into pages.

// Handlers return `Result<T, Response>`: the error *is* the answer to send, as axum intends.
#![allow(clippy::result_large_err)]

pub mod access_log;
pub mod admin;
pub mod api;
mod assets;
pub mod auth;
pub mod case_changed;
pub mod consult;
pub mod documents;
pub mod finder;
pub mod lang;
pub mod pages;
pub mod portal;
pub mod security;
pub mod workbench;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use qonys_i18n::Messages;
use qonys_law::{Date, Pack};
use qonys_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

/// The largest request body accepted (a finder form or a case JSON), in bytes.
pub const BODY_LIMIT: usize = 256 * 1024;

/// How long one request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What the server needs: the rule pack and, for reproducible runs, a fixed as-of date.
pub struct Config {
    /// The address to listen on (`127.0.0.1:8080`; port 0 picks a free port).
    pub addr: SocketAddr,
    /// The rule pack (already loaded and validated).
    pub pack: Pack,
    /// Apply the rules in force on this date instead of today in Kazakhstan.
    pub as_of: Option<Date>,
    /// The case store (opened and migrated); without it the result page offers no
    /// consultation form.
    pub store: Option<Arc<dyn Store>>,
    /// Mark cookies `Secure` (served over TLS).
    pub secure_cookies: bool,
    /// The key that encrypts uploaded document files (from a key file, never the
    /// database); without it uploads are refused with 503.
    pub document_key: Option<documents::vault::DocumentKey>,
    /// The site's public address (`https://qonys.example.kz`), for the links the server
    /// shows or prints (setup and invitation links); see [`AppState::link`].
    pub public_url: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("pack", &self.pack.meta.id)
            .field("as_of", &self.as_of)
            .field("store", &self.store.as_ref().map(|s| s.backend()))
            .finish()
    }
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The server stopped with an IO error.
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

struct Inner {
    pack: Pack,
    messages: Messages,
    as_of: Option<Date>,
    limiter: auth::limit::LoginLimiter,
    secure_cookies: bool,
}

/// The shared state of the server: the pack and messages (read-only) and the store.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    store: Option<Arc<dyn Store>>,
    document_key: Option<Arc<documents::vault::DocumentKey>>,
    public_url: Option<Arc<str>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("pack", &self.inner.pack.meta.id)
            .field("as_of", &self.inner.as_of)
            .field("store", &self.store.as_ref().map(|s| s.backend()))
            .finish()
    }
}

impl AppState {
    /// State over a loaded pack; `as_of` fixes the date the rules are applied at (default:
    /// today in Kazakhstan, read per request).
    pub fn new(pack: Pack, as_of: Option<Date>) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                pack,
                messages: Messages::new(),
                as_of,
                limiter: auth::limit::LoginLimiter::new(),
                secure_cookies: false,
            }),
            store: None,
            document_key: None,
            public_url: None,
        }
    }

    /// The same state with the key that encrypts uploaded document files.
    pub fn with_document_key(mut self, key: documents::vault::DocumentKey) -> AppState {
        self.document_key = Some(Arc::new(key));
        self
    }

    /// The document-file key, when one is configured.
    pub fn document_key(&self) -> Option<&documents::vault::DocumentKey> {
        self.document_key.as_deref()
    }

    /// The same state with a case store (enables the consultation form).
    pub fn with_store(mut self, store: Arc<dyn Store>) -> AppState {
        self.store = Some(store);
        self
    }

    /// The same state with cookies marked `Secure` (the site is served over TLS, directly or
    /// behind a terminating proxy). Call before the state is cloned.
    pub fn with_secure_cookies(mut self, secure: bool) -> AppState {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.secure_cookies = secure;
        }
        self
    }

    /// Whether cookies are marked `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.inner.secure_cookies
    }

    /// The same state with the site's public address (`https://qonys.example.kz`; a trailing
    /// `/` is dropped).
    pub fn with_public_url(mut self, url: Option<&str>) -> AppState {
        self.public_url = url.map(|u| Arc::from(u.trim_end_matches('/')));
        self
    }

    /// The full address of a path of this site, for a link someone will copy and send
    /// (an invitation): the public address when one is configured; otherwise the host the
    /// request came to (`https` when cookies are marked `Secure`); otherwise the path alone.
    /// A `Host` header that is not a plain host name, IP address or port is not used.
    pub fn link(&self, headers: &axum::http::HeaderMap, path: &str) -> String {
        if let Some(base) = &self.public_url {
            return format!("{base}{path}");
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.len() <= 255
                    && h.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                    })
            });
        match host {
            Some(host) => {
                let scheme = if self.secure_cookies() {
                    "https"
                } else {
                    "http"
                };
                format!("{scheme}://{host}{path}")
            }
            None => path.to_string(),
        }
    }

    /// The login rate limiter.
    pub fn limiter(&self) -> &auth::limit::LoginLimiter {
        &self.inner.limiter
    }

    /// The case store, when the server has one.
    pub fn store(&self) -> Option<&Arc<dyn Store>> {
        self.store.as_ref()
    }

    /// The rule pack.
    pub fn pack(&self) -> &Pack {
        &self.inner.pack
    }

    /// The interface messages.
    pub fn messages(&self) -> &Messages {
        &self.inner.messages
    }

    /// The date the rules are applied at for a request.
    pub fn as_of(&self) -> Date {
        self.inner.as_of.unwrap_or_else(today_in_kazakhstan)
    }
}

/// Today in Kazakhstan (UTC+5, the single national time zone since 1 March 2024).
pub fn today_in_kazakhstan() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_day_number(((secs + 5 * 3600).div_euclid(86_400)) as i32)
}

/// The whole application: pages, static assets and the JSON API, behind the security
/// layers (headers, cross-origin check, body limit, timeout, panic catcher).
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::start))
        .route("/lang", post(pages::set_language))
        .route("/finder", get(finder::first_question).post(finder::step))
        .route("/consultation", post(consult::submit))
        .route(
            "/login",
            get(auth::pages::login_form).post(auth::pages::login),
        )
        .route("/logout", post(auth::pages::logout))
        .route(
            "/setup/{token}",
            get(auth::pages::setup_form).post(auth::pages::setup),
        )
        .route(
            "/invite/{token}",
            get(auth::pages::invite_form).post(auth::pages::accept_invite),
        )
        .route("/static/{file}", get(assets::asset))
        .route("/api/v1/assess", post(api::assess))
        .route("/api/v1/rules", get(api::rules))
        .route("/api/v1/openapi.json", get(api::openapi))
        .merge(workbench::routes())
        .merge(documents::routes())
        .merge(portal::routes())
        .route("/api/v1/checklist", post(api::documents::checklist))
        .route("/api/v1/check", post(api::documents::check))
        .route("/api/v1/plan", post(api::documents::plan))
        .route(
            "/api/v1/cases",
            get(api::cases::list).post(api::cases::create),
        )
        .route(
            "/api/v1/cases/{id}",
            get(api::cases::get).patch(api::cases::patch),
        )
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(security::cross_origin_check))
        .route_layer(axum::middleware::from_fn(access_log::log_requests))
        // BODY_LIMIT everywhere, the document upload route's own larger limit there.
        .layer(axum::middleware::from_fn(documents::upload::body_limits))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(security::headers))
}

/// On first start (no accounts yet), makes a one-time setup link for the first administrator
/// (valid 24 hours) and prints it. There are no default accounts.
pub async fn print_setup_link(store: &dyn Store, base: &str) {
    if !matches!(store.count_users().await, Ok(0)) {
        return;
    }
    let now = qonys_store::now();
    let expires = now
        .checked_add(jiff::SignedDuration::from_hours(24))
        .unwrap_or(now);
    match store
        .create_one_time_token(qonys_store::NewOneTimeToken {
            purpose: qonys_store::TokenPurpose::Setup,
            user_id: None,
            case_id: None,
            role: Some(qonys_store::Role::Admin),
            expires_at: expires,
        })
        .await
    {
        Ok(token) => {
            // Written so that a closed standard output (piped into `head`, say) can never
            // stop the server.
            use std::io::Write;
            let _ = writeln!(
                std::io::stdout(),
                "qonys: no accounts yet. Create the first administrator within 24 hours, once, at:\n  {base}/setup/{}",
                token.expose()
            );
        }
        Err(e) => eprintln!("qonys: cannot make the setup link: {e}"),
    }
}

/// Runs the server on an already bound listener until Ctrl-C.
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
) -> Result<(), ServeError> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// Binds `config.addr`, prints the address it listens on (`qonys listening on http://…`,
/// with the real port when port 0 was asked) and serves until Ctrl-C.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr()?;
    println!("qonys listening on http://{addr}");
    let mut state = AppState::new(config.pack, config.as_of)
        .with_secure_cookies(config.secure_cookies)
        .with_public_url(config.public_url.as_deref());
    if let Some(key) = config.document_key {
        state = state.with_document_key(key);
    }
    if let Some(store) = config.store {
        let base = match &config.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{addr}"),
        };
        print_setup_link(store.as_ref(), &base).await;
        state = state.with_store(store);
    }
    serve_listener(listener, state).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;
    use axum::http::header::HOST;

    use super::AppState;

    fn state() -> AppState {
        AppState::new(qonys_law::bundled::load().expect("bundled pack"), None)
    }

    fn host(h: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(HOST, h.parse().expect("header"));
        m
    }

    /// Links to copy are full addresses: the configured public address first, then the host
    /// the request came to; a strange `Host` is never echoed.
    #[test]
    fn links_are_full_addresses() {
        let st = state();
        assert_eq!(
            st.link(&host("qonys.example.kz"), "/invite/t"),
            "http://qonys.example.kz/invite/t"
        );
        assert_eq!(
            st.link(&host("127.0.0.1:8080"), "/invite/t"),
            "http://127.0.0.1:8080/invite/t"
        );
        assert_eq!(st.link(&HeaderMap::new(), "/invite/t"), "/invite/t");
        for bad in ["evil.kz/path", "a b", "x\"><script>", "user@host"] {
            if let Ok(v) = bad.parse() {
                let mut m = HeaderMap::new();
                m.insert(HOST, v);
                assert_eq!(st.link(&m, "/invite/t"), "/invite/t", "{bad}");
            }
        }
        let secure = state().with_secure_cookies(true);
        assert_eq!(
            secure.link(&host("qonys.example.kz"), "/invite/t"),
            "https://qonys.example.kz/invite/t"
        );
        let public = state().with_public_url(Some("https://q.example.kz/"));
        assert_eq!(
            public.link(&host("internal:8080"), "/invite/t"),
            "https://q.example.kz/invite/t"
        );
    }
}
