//! One tracing span per request: method, matched route, status, latency and a request id.
//!
//! The span never records credentials, query strings or bodies: only the method, the route
//! pattern (`/api/v1/users/{name}`), the principal's user name once authenticated, the status
//! and the latency. The request id is sent back in `X-Request-Id` and named in 5xx bodies.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::{Instrument, field};

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Returns the id of the request being served, when called inside one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Middleware: opens the request span, runs the request inside it and logs its end.
pub async fn request_span(request: Request, next: Next) -> Response {
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        request_id = %request_id,
        user = field::Empty,
        status = field::Empty,
        elapsed_ms = field::Empty,
    );
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(
            request_id.clone(),
            next.run(request).instrument(span.clone()),
        )
        .await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("status", response.status().as_u16());
    span.record("elapsed_ms", elapsed_ms);
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms,
            "request finished"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
