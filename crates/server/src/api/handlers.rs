//! The admin API's handlers. Each takes the authenticated [`Principal`] and checks its role
//! first; administration needs `admin`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, extract::rejection::JsonRejection};
use policy::{Principal, Role};
use store::{Accounts, ApiToken, Collection, CollectionAccess, Participant, Store, User};
use utoipa::OpenApi;

use super::schemas::{
    AccessBody, CollectionBody, CreatedTokenBody, NewCollectionBody, NewParticipantBody,
    NewTokenBody, NewUserBody, ParticipantBody, TokenBody, UpdateUserBody, UserBody, WhoAmIBody,
};
use crate::admin;
use crate::error::ApiError;
use crate::state::AppState;

type ApiResult<T> = Result<T, ApiError>;

fn require_admin(principal: &Principal) -> ApiResult<()> {
    if principal.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden("this operation needs the admin role"))
    }
}

/// Unwraps a JSON body, turning axum's rejection into our 400 with its message (which names
/// the line, column and field).
fn body<T>(payload: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    payload
        .map(|Json(value)| value)
        .map_err(|rejection| match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::bad_request("the body must be JSON (Content-Type: application/json)")
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge { limit: 0 }
            }
            other => ApiError::bad_request(other.body_text()),
        })
}

/// Returns the OpenAPI 3 document of this API (served without authentication).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi() -> Response {
    let mut response = super::ApiDoc::openapi()
        .to_json()
        .map_err(ApiError::internal)
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Returns the authenticated caller: its participant, role, identities and collections.
#[utoipa::path(get, path = "/api/v1/whoami", tag = "meta",
    responses((status = 200, body = WhoAmIBody), (status = 401, description = "Not authenticated")))]
pub async fn whoami(Extension(principal): Extension<Principal>) -> Json<WhoAmIBody> {
    Json(WhoAmIBody {
        user: principal.user.clone(),
        participant: principal.participant_name.clone(),
        role: principal.role.as_str().to_owned(),
        identities: principal
            .identities
            .iter()
            .map(|id| id.as_str().to_owned())
            .collect(),
        readable: principal.readable.iter().map(ToString::to_string).collect(),
        writable: principal.writable.iter().map(ToString::to_string).collect(),
    })
}

/// Lists participants.
#[utoipa::path(get, path = "/api/v1/participants", tag = "participants",
    responses((status = 200, body = Vec<ParticipantBody>), (status = 403, description = "Not an admin")))]
pub async fn list_participants(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> ApiResult<Json<Vec<ParticipantBody>>> {
    require_admin(&principal)?;
    let participants = state.store.participants().await?;
    Ok(Json(participants.iter().map(participant_body).collect()))
}

/// Adds a participant; a government participant must come from the programme's area.
#[utoipa::path(post, path = "/api/v1/participants", tag = "participants",
    request_body = NewParticipantBody,
    responses((status = 201, body = ParticipantBody),
        (status = 400, description = "Malformed country code, kind or identity"),
        (status = 409, description = "Name or identity taken"),
        (status = 422, description = "A government outside the programme's area")))]
pub async fn create_participant(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    payload: Result<Json<NewParticipantBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ParticipantBody>)> {
    require_admin(&principal)?;
    let request = body(payload)?;
    let participant = admin::add_participant(
        &state.store,
        &admin::ParticipantRequest {
            name: request.name,
            country: request.country,
            kind: request.kind,
            identity: request.identity,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(participant_body(&participant))))
}

/// Returns one participant (by name or id).
#[utoipa::path(get, path = "/api/v1/participants/{name}", tag = "participants",
    params(("name" = String, Path, description = "Name or id")),
    responses((status = 200, body = ParticipantBody), (status = 404, description = "No such participant")))]
pub async fn get_participant(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
) -> ApiResult<Json<ParticipantBody>> {
    require_admin(&principal)?;
    let participant = admin::participant(&state.store, &name).await?;
    Ok(Json(participant_body(&participant)))
}

/// Deletes a participant with its users, tokens and grants.
#[utoipa::path(delete, path = "/api/v1/participants/{name}", tag = "participants",
    params(("name" = String, Path, description = "Name or id")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such participant")))]
pub async fn delete_participant(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    require_admin(&principal)?;
    let participant = admin::participant(&state.store, &name).await?;
    if participant.id == principal.participant {
        return Err(ApiError::Conflict {
            reason: "an administrator cannot delete its own participant".to_owned(),
        });
    }
    state.store.delete_participant(participant.id).await?;
    tracing::info!(participant = %participant.name, "participant deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Lists users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = Vec<UserBody>), (status = 403, description = "Not an admin")))]
pub async fn list_users(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> ApiResult<Json<Vec<UserBody>>> {
    require_admin(&principal)?;
    Ok(Json(
        state.store.users().await?.iter().map(user_body).collect(),
    ))
}

/// Adds a user (its password is stored as an argon2id hash).
#[utoipa::path(post, path = "/api/v1/users", tag = "users",
    request_body = NewUserBody,
    responses((status = 201, body = UserBody),
        (status = 400, description = "Malformed role, identity or short password"),
        (status = 404, description = "No such participant"),
        (status = 409, description = "Name taken")))]
pub async fn create_user(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    payload: Result<Json<NewUserBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<UserBody>)> {
    require_admin(&principal)?;
    let request = body(payload)?;
    let user = admin::add_user(
        &state.store,
        admin::UserRequest {
            name: request.name,
            participant: request.participant,
            role: request.role,
            password: request.password,
            identity: request.identity,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(user_body(&user))))
}

/// Returns one user.
#[utoipa::path(get, path = "/api/v1/users/{name}", tag = "users",
    params(("name" = String, Path, description = "User name")),
    responses((status = 200, body = UserBody), (status = 404, description = "No such user")))]
pub async fn get_user(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
) -> ApiResult<Json<UserBody>> {
    require_admin(&principal)?;
    let user = state
        .store
        .user(&name)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {name:?}")))?;
    Ok(Json(user_body(&user)))
}

/// Changes a user's role or password.
#[utoipa::path(patch, path = "/api/v1/users/{name}", tag = "users",
    params(("name" = String, Path, description = "User name")),
    request_body = UpdateUserBody,
    responses((status = 200, body = UserBody), (status = 404, description = "No such user")))]
pub async fn update_user(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
    payload: Result<Json<UpdateUserBody>, JsonRejection>,
) -> ApiResult<Json<UserBody>> {
    require_admin(&principal)?;
    let request = body(payload)?;
    if let Some(role) = &request.role {
        let role = Role::parse(role).map_err(|error| ApiError::bad_request(error.to_string()))?;
        if name == principal.user && role != Role::Admin {
            return Err(ApiError::Conflict {
                reason: "an administrator cannot remove its own admin role".to_owned(),
            });
        }
        if !state.store.set_role(&name, role).await? {
            return Err(ApiError::not_found(format!("user {name:?}")));
        }
        tracing::info!(user = %name, role = %role, "role changed");
    }
    if let Some(password) = request.password {
        admin::set_password(&state.store, &name, password).await?;
    }
    let user = state
        .store
        .user(&name)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {name:?}")))?;
    Ok(Json(user_body(&user)))
}

/// Deletes a user with its tokens.
#[utoipa::path(delete, path = "/api/v1/users/{name}", tag = "users",
    params(("name" = String, Path, description = "User name")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such user")))]
pub async fn delete_user(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    require_admin(&principal)?;
    if name == principal.user {
        return Err(ApiError::Conflict {
            reason: "an administrator cannot delete itself".to_owned(),
        });
    }
    if !state.store.delete_user(&name).await? {
        return Err(ApiError::not_found(format!("user {name:?}")));
    }
    tracing::info!(user = %name, "user deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Lists tokens: every token for an admin, the caller's own otherwise. Tokens themselves are
/// never shown.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenBody>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> ApiResult<Json<Vec<TokenBody>>> {
    let user = (!principal.is_admin()).then_some(principal.user.as_str());
    let now = state.clock.now();
    let tokens = state.store.tokens(user).await?;
    Ok(Json(
        tokens.iter().map(|token| token_body(token, now)).collect(),
    ))
}

/// Creates a token and shows it, once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens",
    request_body = NewTokenBody,
    responses((status = 201, body = CreatedTokenBody),
        (status = 403, description = "A token for another user, without the admin role"),
        (status = 404, description = "No such user")))]
pub async fn create_token(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    payload: Result<Json<NewTokenBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<CreatedTokenBody>)> {
    let request = body(payload)?;
    let user = request.user.unwrap_or_else(|| principal.user.clone());
    if user != principal.user {
        require_admin(&principal)?;
    }
    let valid_for = request
        .expires_in
        .as_deref()
        .map(admin::parse_validity)
        .transpose()?;
    let now = state.clock.now();
    let created = admin::create_token(&state.store, &user, request.label, valid_for, now).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenBody {
            token: created.issued.token,
            listing: token_body(&created.token, now),
        }),
    ))
}

/// Revokes a token (by id or prefix); users may revoke their own tokens, admins any.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "Token id or prefix")),
    responses((status = 200, body = TokenBody), (status = 404, description = "No such token")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<Json<TokenBody>> {
    let not_found = || ApiError::not_found(format!("token {id:?}"));
    let owned = state
        .store
        .tokens((!principal.is_admin()).then_some(principal.user.as_str()))
        .await?
        .into_iter()
        .any(|token| token.id.to_string() == id || token.prefix == id);
    // A token of another user looks exactly like a missing one to a non-admin.
    if !owned {
        return Err(not_found());
    }
    let now = state.clock.now();
    let token = state
        .store
        .revoke_token(&id, now)
        .await?
        .ok_or_else(not_found)?;
    tracing::info!(user = %token.user, token_prefix = %token.prefix, "token revoked");
    Ok(Json(token_body(&token, now)))
}

/// Lists collections with their access.
#[utoipa::path(get, path = "/api/v1/collections", tag = "collections",
    responses((status = 200, body = Vec<CollectionBody>), (status = 403, description = "Not an admin")))]
pub async fn list_collections(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
) -> ApiResult<Json<Vec<CollectionBody>>> {
    require_admin(&principal)?;
    let mut bodies = Vec::new();
    for collection in state.store.collections().await? {
        let access = state.store.collection_access(collection.id).await?;
        bodies.push(collection_body(&state, &collection, &access).await?);
    }
    Ok(Json(bodies))
}

/// Creates a collection with its grants (its API root is created when missing).
#[utoipa::path(post, path = "/api/v1/collections", tag = "collections",
    request_body = NewCollectionBody,
    responses((status = 201, body = CollectionBody),
        (status = 404, description = "A granted participant does not exist"),
        (status = 409, description = "Alias taken")))]
pub async fn create_collection(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    payload: Result<Json<NewCollectionBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<CollectionBody>)> {
    require_admin(&principal)?;
    let request = body(payload)?;
    let (collection, access) = admin::create_collection(
        &state.store,
        &admin::CollectionRequest {
            title: request.title,
            api_root: request.api_root,
            alias: request.alias,
            description: request.description,
            access: access_request(request.access),
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(collection_body(&state, &collection, &access).await?),
    ))
}

/// Returns one collection (by id, alias or title) with its access.
#[utoipa::path(get, path = "/api/v1/collections/{id}", tag = "collections",
    params(("id" = String, Path, description = "Id, alias or title")),
    responses((status = 200, body = CollectionBody), (status = 404, description = "No such collection")))]
pub async fn get_collection(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<Json<CollectionBody>> {
    require_admin(&principal)?;
    let collection = state.store.resolve_collection(&id).await?;
    let access = state.store.collection_access(collection.id).await?;
    Ok(Json(collection_body(&state, &collection, &access).await?))
}

/// Replaces who may read and write a collection. Adding readers is refused (422) when it
/// would send TLP:AMBER or AMBER+STRICT objects already in the collection to participants
/// that did not receive them.
#[utoipa::path(put, path = "/api/v1/collections/{id}/access", tag = "collections",
    params(("id" = String, Path, description = "Id, alias or title")),
    request_body = AccessBody,
    responses((status = 200, body = CollectionBody),
        (status = 404, description = "No such collection or participant"),
        (status = 422, description = "Refused by the onward-sharing policy")))]
pub async fn set_collection_access(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    payload: Result<Json<AccessBody>, JsonRejection>,
) -> ApiResult<Json<CollectionBody>> {
    require_admin(&principal)?;
    let request = body(payload)?;
    let (collection, access) =
        admin::set_access(&state.store, &id, &access_request(request)).await?;
    Ok(Json(collection_body(&state, &collection, &access).await?))
}

fn access_request(body: AccessBody) -> admin::AccessRequest {
    admin::AccessRequest {
        read_all: body.read_all,
        read: body.read,
        write: body.write,
    }
}

fn participant_body(participant: &Participant) -> ParticipantBody {
    ParticipantBody {
        id: participant.id.to_string(),
        name: participant.name.clone(),
        country: participant.country.to_string(),
        country_name: participant.country.name().to_owned(),
        kind: participant.kind.as_str().to_owned(),
        identity: participant.identity.as_str().to_owned(),
        created: participant.created.to_string(),
    }
}

fn user_body(user: &User) -> UserBody {
    UserBody {
        name: user.name.clone(),
        participant: user.participant_name.clone(),
        role: user.role.as_str().to_owned(),
        identity: user.identity.as_str().to_owned(),
        has_password: user.has_password,
        created: user.created.to_string(),
    }
}

/// Returns a token's listing.
pub fn token_body(token: &ApiToken, now: stix::StixTimestamp) -> TokenBody {
    TokenBody {
        id: token.id.to_string(),
        user: token.user.clone(),
        prefix: token.prefix.clone(),
        label: token.label.clone(),
        created: token.created.to_string(),
        expires: token.expires.as_ref().map(ToString::to_string),
        revoked: token.revoked.as_ref().map(ToString::to_string),
        last_used: token.last_used.as_ref().map(ToString::to_string),
        active: crate::auth::is_active(token.expires, token.revoked, now),
    }
}

async fn collection_body(
    state: &AppState,
    collection: &Collection,
    access: &CollectionAccess,
) -> ApiResult<CollectionBody> {
    let (read, write) = admin::named_access(&state.store, access).await?;
    Ok(CollectionBody {
        id: collection.id.to_string(),
        api_root: collection.api_root.clone(),
        title: collection.title.clone(),
        description: collection.description.clone(),
        alias: collection.alias.clone(),
        access: AccessBody {
            read_all: access.read_all,
            read,
            write,
        },
    })
}
