//! Assembles a Phalanx node: configuration, authentication, request limits, the admin REST
//! API (`/api/v1/`) and TAXII 2.1 (`/taxii2/`), over one store.
//!
//! [`app`] builds the whole router from an [`AppState`]; [`serve::serve`] binds it to a
//! socket (with TLS when configured) and shuts it down gracefully; tests call [`app`] with
//! `tower::ServiceExt::oneshot`. Handlers find the authenticated caller as an
//! `axum::Extension<policy::Principal>` (see [`auth`]).
//!
//! This crate does not parse STIX or speak SQL: objects are `stix`'s and storage is `store`'s.

pub mod admin;
pub mod api;
pub mod auth;
pub mod config;
pub mod credentials;
pub mod error;
pub mod limits;
pub mod reports;
pub mod serve;
pub mod state;
pub mod throttle;
pub mod trace;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Uri;
use axum::middleware;
use axum::response::{IntoResponse, Response};

pub use config::Config;
pub use error::{ApiError, ErrorFormat};
pub use state::{AppState, Clock, SystemClock};

/// Builds the node's router: TAXII 2.1 (the `taxii` crate's router, whose routes carry their
/// full `/taxii2/...` paths) and the admin API under `/api/v1/`.
///
/// The layers run, from the outside in: the request span (and request id), the body limit,
/// authentication with the rate limit (which inserts the [`policy::Principal`]), then the
/// routes. axum applies `layer` to each route, so the span sees the matched route.
pub fn app(state: AppState) -> Router {
    let limit = usize::try_from(state.config.limits.max_content_length).unwrap_or(usize::MAX);
    Router::new()
        .merge(api::routes().into_router().with_state(state.clone()))
        .merge(taxii::router(state.taxii.clone()))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::limit_body,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(trace::request_span))
}

/// Answers paths no route matches: a TAXII error under `/taxii2/`, problem details elsewhere.
async fn fallback(uri: Uri) -> Response {
    match ErrorFormat::for_path(uri.path()) {
        ErrorFormat::Taxii => taxii::fallback().await.into_response(),
        ErrorFormat::Problem => ApiError::not_found(format!("path {}", uri.path())).into_response(),
    }
}
