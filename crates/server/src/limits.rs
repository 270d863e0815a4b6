//! Request limits: the body size limit (TAXII's `max_content_length`) and per-principal rate
//! limits.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::Limits;
use crate::error::{ApiError, ErrorFormat};
use crate::state::AppState;

/// Per-principal rate limits: a token bucket per token (or per user for HTTP Basic).
#[derive(Clone)]
pub struct RateLimits {
    limiter: Option<Arc<DefaultKeyedRateLimiter<String>>>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("enabled", &self.limiter.is_some())
            .finish()
    }
}

impl RateLimits {
    /// Returns the limits the configuration asks for (none when `requests_per_minute` is 0).
    pub fn new(limits: &Limits) -> Self {
        let limiter = NonZeroU32::new(limits.requests_per_minute).map(|per_minute| {
            let burst = NonZeroU32::new(limits.burst).unwrap_or(per_minute);
            Arc::new(DefaultKeyedRateLimiter::keyed(
                Quota::per_minute(per_minute).allow_burst(burst),
            ))
        });
        Self { limiter }
    }

    /// Takes one request from `key`'s bucket.
    ///
    /// # Errors
    ///
    /// [`ApiError::TooManyRequests`] with the seconds until the bucket refills enough.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })?;
        Ok(())
    }

    /// Forgets buckets that are full again (called now and then, so memory stays bounded
    /// by the number of recently active principals).
    pub fn shrink(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Middleware: refuses bodies larger than `max_content_length` with 413, before reading
/// them when `Content-Length` says so, and while reading them otherwise; the error body is in
/// the path's format (a TAXII error message under `/taxii2/`).
pub async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.config.limits.max_content_length;
    let format = ErrorFormat::for_path(request.uri().path());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return ApiError::PayloadTooLarge { limit }.into_response_as(format);
    }
    let (parts, body) = request.into_parts();
    let capped = usize::try_from(limit).unwrap_or(usize::MAX);
    let request = Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, capped)));
    let response = next.run(request).await;
    // A handler that read past the limit answers 413 (in axum's plain-text form, or ours
    // without the limit): answer in the path's form, naming the limit.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge { limit }.into_response_as(format);
    }
    response
}
