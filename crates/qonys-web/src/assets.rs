//! Static assets compiled into the binary: the stylesheet and htmx 2 (0BSD, vendored from
//! the npm package `htmx.org` 2.0.11; licence in `static/htmx-LICENSE.txt`). Served from the
//! app's own origin so the Content-Security-Policy can forbid every other script source.
//! File names carry a version, so they may be cached for a long time.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

const FILES: [(&str, &str, &str); 3] = [
    (
        "qonys-1.css",
        "text/css; charset=utf-8",
        include_str!("../static/qonys.css"),
    ),
    (
        "htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/htmx-2.0.11.min.js"),
    ),
    (
        "htmx-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_str!("../static/htmx-LICENSE.txt"),
    ),
];

/// `GET /static/{file}`.
pub async fn asset(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => (
            StatusCode::OK,
            [
                (CONTENT_TYPE, *mime),
                (CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *body,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            "not found\n",
        )
            .into_response(),
    }
}
