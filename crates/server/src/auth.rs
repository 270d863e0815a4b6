//! Authentication: every request under `/taxii2/` and `/api/v1/` (except the public OpenAPI
//! document) must carry HTTP Basic credentials or a Bearer token; the middleware resolves
//! them to a [`Principal`] and inserts it into the request's extensions, where handlers take
//! it with `axum::Extension<Principal>`.
//!
//! Unauthenticated requests get 401 with `WWW-Authenticate` offering Basic and Bearer, in the
//! error format of their path (a TAXII error message under `/taxii2/`).

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use policy::Principal;

use crate::error::{ApiError, ErrorFormat};
use crate::state::AppState;

/// The path of the OpenAPI document, which is served without authentication: it describes
/// the API's shape and holds no data.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// Returns whether a request path needs authentication.
pub fn requires_authentication(path: &str) -> bool {
    let protected = ["/taxii2", "/api/v1"]
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")));
    protected && path != OPENAPI_PATH
}

/// Middleware: authenticates the request and inserts its [`Principal`].
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !requires_authentication(&path) {
        return next.run(request).await;
    }
    match resolve(&state, request.headers()).await {
        Ok(principal) => {
            tracing::Span::current().record("user", principal.user.as_str());
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(error) => error.into_response_as(ErrorFormat::for_path(&path)),
    }
}

/// Resolves the request's credentials to a principal.
async fn resolve(_state: &AppState, _headers: &HeaderMap) -> Result<Principal, ApiError> {
    // TODO(#3): accounts land in the store next; until then every request is refused, so the
    // server fails closed.
    Err(ApiError::Unauthenticated)
}
