//! Authentication: every request under `/taxii2/` and `/api/v1/` (except the public OpenAPI
//! document) must carry HTTP Basic credentials or a Bearer token; the middleware resolves
//! them to a [`Principal`], applies the principal's rate limit, and inserts the principal
//! into the request's extensions, where handlers take it with
//! `axum::Extension<Principal>`.
//!
//! Unauthenticated requests get 401 with `WWW-Authenticate` offering Basic and Bearer, in the
//! error format of their path (a TAXII error message under `/taxii2/`). Unknown users, wrong
//! passwords, unknown, expired and revoked tokens all get the same answer, and an unknown
//! user costs the same argon2 verification as a wrong password.
//!
//! Repeated failures from one source address, for one user name or for one token are
//! throttled ([`crate::throttle`]): 429 with `Retry-After` for a backoff window.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use policy::Principal;
use stix::StixTimestamp;
use store::{Accounts, User};

use crate::credentials;
use crate::error::{ApiError, ErrorFormat};
use crate::state::AppState;
use crate::throttle::AttemptKeys;

/// The path of the OpenAPI document, which is served without authentication: it describes
/// the API's shape and holds no data.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// How often a token's `last_used` is written at most (microseconds): once a minute keeps
/// the information useful without a database write per request.
const TOUCH_INTERVAL_MICROS: i64 = 60_000_000;

/// Returns whether a request path needs authentication.
pub fn requires_authentication(path: &str) -> bool {
    let protected = ["/taxii2", "/api/v1"]
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")));
    protected && path != OPENAPI_PATH
}

/// Middleware: authenticates the request, applies the rate limit and inserts its
/// [`Principal`].
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if !requires_authentication(&path) {
        return next.run(request).await;
    }
    let format = ErrorFormat::for_path(&path);
    let source = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let attempt = AttemptKeys::of(source, request.headers());
    if let Err(error) = state.login_throttle.check(&attempt) {
        tracing::debug!("login attempt refused during a backoff window");
        return error.into_response_as(format);
    }
    let (principal, limit_key) = match resolve(&state, request.headers()).await {
        Ok(resolved) => resolved,
        Err(error) => {
            if matches!(error, ApiError::Unauthenticated) {
                tracing::debug!("request not authenticated");
                if let Err(throttled) = state.login_throttle.record_failure(&attempt) {
                    return throttled.into_response_as(format);
                }
            }
            return error.into_response_as(format);
        }
    };
    tracing::Span::current().record("user", principal.user.as_str());
    if let Err(error) = state.rate_limits.check(&limit_key) {
        tracing::info!(user = %principal.user, "rate limit reached");
        return error.into_response_as(format);
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

/// Resolves the request's credentials to a principal and the key of its rate-limit bucket.
///
/// # Errors
///
/// [`ApiError::Unauthenticated`] for missing or bad credentials; a store failure.
pub async fn resolve(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Principal, String), ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .ok_or(ApiError::Unauthenticated)?;
    match parse_authorization(value).ok_or(ApiError::Unauthenticated)? {
        Credentials::Basic { user, password } => {
            let user = basic(state, &user, &password).await?;
            let key = format!("user:{}", user.name);
            Ok((principal_of(state, user).await?, key))
        }
        Credentials::Bearer(token) => {
            let (user, token_id) = bearer(state, token).await?;
            let key = format!("token:{token_id}");
            Ok((principal_of(state, user).await?, key))
        }
    }
}

/// The credentials of an `Authorization` header.
#[derive(PartialEq, Eq)]
pub enum Credentials<'a> {
    /// HTTP Basic (RFC 7617): a user name and a password.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// A Bearer token (RFC 6750).
    Bearer(&'a str),
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret, even in a debug line.
        match self {
            Self::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .finish_non_exhaustive(),
            Self::Bearer(_) => f.write_str("Bearer(..)"),
        }
    }
}

/// Parses an `Authorization` header value: `Basic base64(user:password)` or `Bearer token`
/// (schemes case-insensitive). Returns `None` for anything else; never panics.
pub fn parse_authorization(value: &str) -> Option<Credentials<'_>> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(rest)
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some(Credentials::Basic {
            user: user.to_owned(),
            password: password.to_owned(),
        })
    } else if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
        Some(Credentials::Bearer(rest))
    } else {
        None
    }
}

/// Checks HTTP Basic credentials.
async fn basic(state: &AppState, name: &str, password: &str) -> Result<User, ApiError> {
    let found = state.store.user_credentials(name).await?;
    let (user, hash) = match found {
        Some((user, Some(hash))) => (Some(user), hash),
        // No such user, or a token-only user: verify against a decoy so that the answer
        // takes as long as for a wrong password.
        _ => (None, credentials::decoy_hash().to_owned()),
    };
    // A password verified moments ago is not verified again: argon2 per request would cap a
    // node at a few dozen Basic requests per second per core.
    if let Some(user) = &user
        && state.verified.contains(&user.name, password, &hash)
    {
        return Ok(user.clone());
    }
    let candidate = password.to_owned();
    let stored = hash.clone();
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let matches =
        tokio::task::spawn_blocking(move || credentials::verify_password(&stored, &candidate))
            .await
            .map_err(ApiError::internal)?;
    match user {
        Some(user) if matches => {
            state.verified.insert(&user.name, password, &hash);
            Ok(user)
        }
        _ => Err(ApiError::Unauthenticated),
    }
}

/// Checks a Bearer token: known prefix, equal hash (constant time), not revoked, not expired.
async fn bearer(state: &AppState, token: &str) -> Result<(User, uuid::Uuid), ApiError> {
    let prefix = credentials::token_lookup_prefix(token).ok_or(ApiError::Unauthenticated)?;
    let record = state
        .store
        .token_by_prefix(prefix)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if !credentials::secrets_equal(&record.token_hash, &credentials::token_hash(token)) {
        return Err(ApiError::Unauthenticated);
    }
    let now = state.clock.now();
    if record.token.revoked.is_some() || record.token.expires.is_some_and(|expires| expires <= now)
    {
        return Err(ApiError::Unauthenticated);
    }
    let user = state
        .store
        .user(&record.token.user)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let stale = record
        .token
        .last_used
        .is_none_or(|last| now.to_micros() - last.to_micros() >= TOUCH_INTERVAL_MICROS);
    if stale {
        state.store.touch_token(record.token.id, now).await?;
    }
    Ok((user, record.token.id))
}

/// Builds the principal of an authenticated user: its identities and the collections its
/// participant may read and write (narrowed by its role).
///
/// # Errors
///
/// A store failure, or [`ApiError::Unauthenticated`] when the participant vanished.
pub async fn principal_of(state: &AppState, user: User) -> Result<Principal, ApiError> {
    let participant = state
        .store
        .participant(&user.participant.to_string())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let grants = state.store.participant_grants(participant.id).await?;
    let writable = if user.role.can_write() {
        grants.writable
    } else {
        Default::default()
    };
    Ok(Principal {
        user: user.name,
        participant: participant.id,
        participant_name: participant.name,
        role: user.role,
        identities: vec![user.identity, participant.identity],
        readable: grants.readable,
        writable,
    })
}

/// Returns whether a token with this expiry is still valid at `now` (for listings).
pub fn is_active(
    expires: Option<StixTimestamp>,
    revoked: Option<StixTimestamp>,
    now: StixTimestamp,
) -> bool {
    revoked.is_none() && expires.is_none_or(|expires| expires > now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_basic_and_bearer_and_nothing_else() {
        assert_eq!(
            parse_authorization("Basic YWxpY2U6cyVjcjN0OndpdGg6Y29sb25z"),
            Some(Credentials::Basic {
                user: "alice".to_owned(),
                password: "s%cr3t:with:colons".to_owned()
            })
        );
        assert_eq!(
            parse_authorization("  bearer   phx_0123456789abcdef_x "),
            Some(Credentials::Bearer("phx_0123456789abcdef_x"))
        );
        for bad in [
            "",
            "Basic",
            "Basic !!",
            "Basic YWxpY2U=",
            "Bearer ",
            "Digest x",
            "Basic /w==",
        ] {
            assert_eq!(parse_authorization(bad), None, "{bad:?}");
        }
        let debug = format!(
            "{:?}",
            parse_authorization("Basic YWxpY2U6c2VjcmV0").unwrap()
        );
        assert!(!debug.contains("secret"), "{debug}");
    }

    proptest! {
        #[test]
        fn never_panics_on_any_header_value(value in ".{0,300}") {
            let _ = parse_authorization(&value);
        }

        #[test]
        fn basic_round_trips(user in "[^:\\p{Cc}]{0,40}", password in "\\PC{0,40}") {
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            let header = format!("Basic {encoded}");
            prop_assert_eq!(
                parse_authorization(&header),
                Some(Credentials::Basic { user, password })
            );
        }
    }
}
