//! The request log: one line per request with the method, the **route template** (e.g.
//! `/cases/{id}`, never the concrete path, so tokens and ids in addresses stay out of the
//! log), the status and the time taken. Query strings, bodies, cookies and headers are never
//! logged: they can hold personal data (SECURITY.md: no personal data in logs; a test plants
//! marker values in every personal field and searches the log for them).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Logs each request at `info` (`target: "qonys::http"`).
pub async fn log_requests(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_string(), |p| p.as_str().to_string());
    let res = next.run(req).await;
    tracing::info!(
        target: "qonys::http",
        method = %method,
        route = %route,
        status = res.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    res
}
