//! Security basics applied to every request and response:
//!
//! - [`headers`]: a strict Content-Security-Policy (scripts only from this origin, no inline
//!   script or style, no framing), `X-Content-Type-Options: nosniff`, `Referrer-Policy`,
//!   `X-Frame-Options`, and `Cache-Control: no-store` on everything but the static assets
//!   (finder pages carry personal answers).
//! - [`cross_origin_check`]: the Fetch-Metadata scheme (as in Go 1.25's
//!   `CrossOriginProtection`): a state-changing request (anything but GET, HEAD, OPTIONS) is
//!   refused with 403 when the browser says it comes from another site (`Sec-Fetch-Site`
//!   other than `same-origin` or `none`), or, for browsers that do not send that header, when
//!   its `Origin` does not match the `Host`. Requests with neither header do not come from a
//!   browser page (curl, API clients) and are let through.

use axum::extract::Request;
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to every response.
pub async fn headers(req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Whether a request with these headers comes from a page of another origin.
pub fn is_cross_origin(
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    host: Option<&str>,
) -> bool {
    if let Some(site) = sec_fetch_site {
        return !matches!(site, "same-origin" | "none");
    }
    match origin {
        None => false,
        Some(o) => {
            let authority = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"));
            match (authority, host) {
                (Some(a), Some(h)) => !a.eq_ignore_ascii_case(h),
                _ => true,
            }
        }
    }
}

/// Refuses cross-origin state-changing requests with 403.
pub async fn cross_origin_check(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let h = req.headers();
        let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
        if is_cross_origin(
            get("sec-fetch-site"),
            get("origin"),
            get(header::HOST.as_str()),
        ) {
            return (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "cross-origin request refused\n",
            )
                .into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::is_cross_origin;

    #[test]
    fn fetch_metadata_decides_first() {
        assert!(!is_cross_origin(Some("same-origin"), None, None));
        assert!(!is_cross_origin(Some("none"), None, None));
        assert!(is_cross_origin(Some("same-site"), None, None));
        assert!(is_cross_origin(
            Some("cross-site"),
            Some("http://a"),
            Some("a")
        ));
    }

    #[test]
    fn origin_must_match_host() {
        assert!(!is_cross_origin(
            None,
            Some("http://127.0.0.1:8080"),
            Some("127.0.0.1:8080")
        ));
        assert!(is_cross_origin(
            None,
            Some("https://evil.example"),
            Some("127.0.0.1:8080")
        ));
        assert!(is_cross_origin(None, Some("null"), Some("127.0.0.1:8080")));
        assert!(!is_cross_origin(None, None, Some("127.0.0.1:8080")));
    }
}
