//! The admin REST API under `/api/v1/` (JSON): participants, users, tokens, collections,
//! `whoami`, each principal's exports for defenders' tools (`exports`) and report documents
//! made into STIX reports (`reports`), described by the
//! OpenAPI document at `/api/v1/openapi.json`.
//!
//! Administration needs the `admin` role; any authenticated user may read `whoami` and
//! create, list and revoke its own tokens. Routes are added through [`Routes`], which keeps
//! the list that the OpenAPI test compares with the document.

mod exports;
mod handlers;
mod reports;
pub mod schemas;

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use utoipa::OpenApi;

use crate::state::AppState;

/// The OpenAPI document of the admin API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Phalanx admin API",
        description = "Participants, users, API tokens and collections of a Phalanx node. \
                       Authenticate with HTTP Basic or `Authorization: Bearer <token>`.",
        version = "1"
    ),
    paths(
        handlers::openapi,
        handlers::whoami,
        handlers::list_participants,
        handlers::create_participant,
        handlers::get_participant,
        handlers::delete_participant,
        handlers::list_users,
        handlers::create_user,
        handlers::get_user,
        handlers::update_user,
        handlers::delete_user,
        handlers::list_tokens,
        handlers::create_token,
        handlers::revoke_token,
        handlers::list_collections,
        handlers::create_collection,
        handlers::get_collection,
        handlers::set_collection_access,
        exports::export,
        exports::export_file,
        reports::create_report,
    ),
    modifiers(&Authentication),
    security(("basic" = []), ("bearer" = [])),
    components(schemas(
        schemas::ParticipantBody,
        schemas::NewParticipantBody,
        schemas::UserBody,
        schemas::NewUserBody,
        schemas::UpdateUserBody,
        schemas::TokenBody,
        schemas::CreatedTokenBody,
        schemas::NewTokenBody,
        schemas::AccessBody,
        schemas::CollectionBody,
        schemas::NewCollectionBody,
        schemas::WhoAmIBody,
        reports::ReportCreatedBody,
    ))
)]
pub struct ApiDoc;

/// Declares the two ways to authenticate (HTTP Basic and Bearer tokens) in the document.
struct Authentication;

impl utoipa::Modify for Authentication {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// A router that remembers the method and path of every route it is given.
pub struct Routes {
    router: Router<AppState>,
    listed: Vec<(Method, &'static str)>,
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            listed: Vec::new(),
        }
    }

    fn route(
        mut self,
        method: Method,
        path: &'static str,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.listed.push((method, path));
        self.router = self.router.route(path, handler);
        self
    }

    /// Returns the (method, full path) of every route.
    pub fn listed(&self) -> &[(Method, &'static str)] {
        &self.listed
    }

    /// Returns the router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// Returns the admin API's routes, with full paths (`/api/v1/...`). Each call adds one
/// method; axum merges the methods of a path.
pub fn routes() -> Routes {
    use handlers as h;
    Routes::new()
        .route(Method::GET, "/api/v1/openapi.json", get(h::openapi))
        .route(Method::GET, "/api/v1/whoami", get(h::whoami))
        .route(
            Method::GET,
            "/api/v1/participants",
            get(h::list_participants),
        )
        .route(
            Method::POST,
            "/api/v1/participants",
            post(h::create_participant),
        )
        .route(
            Method::GET,
            "/api/v1/participants/{name}",
            get(h::get_participant),
        )
        .route(
            Method::DELETE,
            "/api/v1/participants/{name}",
            delete(h::delete_participant),
        )
        .route(Method::GET, "/api/v1/users", get(h::list_users))
        .route(Method::POST, "/api/v1/users", post(h::create_user))
        .route(Method::GET, "/api/v1/users/{name}", get(h::get_user))
        .route(Method::PATCH, "/api/v1/users/{name}", patch(h::update_user))
        .route(
            Method::DELETE,
            "/api/v1/users/{name}",
            delete(h::delete_user),
        )
        .route(Method::GET, "/api/v1/tokens", get(h::list_tokens))
        .route(Method::POST, "/api/v1/tokens", post(h::create_token))
        .route(
            Method::DELETE,
            "/api/v1/tokens/{id}",
            delete(h::revoke_token),
        )
        .route(Method::GET, "/api/v1/collections", get(h::list_collections))
        .route(
            Method::POST,
            "/api/v1/collections",
            post(h::create_collection),
        )
        .route(
            Method::GET,
            "/api/v1/collections/{id}",
            get(h::get_collection),
        )
        .route(
            Method::PUT,
            "/api/v1/collections/{id}/access",
            put(h::set_collection_access),
        )
        .route(Method::GET, "/api/v1/exports/{name}", get(exports::export))
        .route(
            Method::GET,
            "/api/v1/exports/{name}/{id}",
            get(exports::export_file),
        )
        .route(
            Method::POST,
            "/api/v1/reports",
            post(reports::create_report),
        )
}
