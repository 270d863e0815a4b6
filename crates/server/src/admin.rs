//! Administration of a node, shared by the admin REST API and the CLI: participants (with
//! the programme's eligibility rule), users, tokens and collections with their grants (with
//! the onward-sharing rule when readers are added).

use std::time::Duration;

use policy::{Country, ParticipantKind, ProgrammeArea, Role};
use stix::{StixId, StixTimestamp};
use store::{
    Accounts, AnyStore, ApiToken, Collection, CollectionAccess, Grant, NewCollection,
    NewParticipant, NewToken, NewUser, Participant, Store, User,
};

use crate::credentials::{self, IssuedToken};
use crate::error::ApiError;

/// What an operator gives to add a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRequest {
    /// The unique name.
    pub name: String,
    /// The ISO 3166-1 alpha-2 code, in any case.
    pub country: String,
    /// `government`, `hub` or `partner`.
    pub kind: String,
    /// The STIX identity id the participant already uses, if any.
    pub identity: Option<String>,
}

/// Adds a participant after checking its country code and, for governments, the
/// programme's area.
///
/// # Errors
///
/// [`ApiError::BadRequest`] for a malformed code, kind or identity id,
/// [`ApiError::Unprocessable`] for a government outside the area, [`ApiError::Conflict`]
/// for a taken name or identity.
pub async fn add_participant(
    store: &AnyStore,
    request: &ParticipantRequest,
) -> Result<Participant, ApiError> {
    let name = checked_name("participant", &request.name)?;
    let country = Country::parse(&request.country)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    let kind = ParticipantKind::parse(&request.kind)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    ProgrammeArea::builtin()
        .check(kind, country)
        .map_err(|error| ApiError::Unprocessable {
            reason: format!("participant {name:?} refused: {error}"),
        })?;
    let identity = request.identity.as_deref().map(identity_id).transpose()?;
    let participant = store
        .create_participant(&NewParticipant {
            name,
            country,
            kind,
            identity,
        })
        .await?;
    tracing::info!(participant = %participant.name, kind = %participant.kind, country = %participant.country, "participant added");
    Ok(participant)
}

/// Returns the participant named (or with this id).
///
/// # Errors
///
/// [`ApiError::NotFound`].
pub async fn participant(store: &AnyStore, name: &str) -> Result<Participant, ApiError> {
    store
        .participant(name)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("participant {name:?}")))
}

/// What an operator gives to add a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRequest {
    /// The unique name.
    pub name: String,
    /// The participant's name or id.
    pub participant: String,
    /// The role name.
    pub role: String,
    /// The password, if the user logs in with one (else tokens only).
    pub password: Option<String>,
    /// The STIX identity id the user already has, if any.
    pub identity: Option<String>,
}

/// Adds a user, hashing its password with argon2id.
///
/// # Errors
///
/// [`ApiError::BadRequest`] for a malformed role, identity or short password,
/// [`ApiError::NotFound`] for an unknown participant, [`ApiError::Conflict`] for a taken name.
pub async fn add_user(store: &AnyStore, request: UserRequest) -> Result<User, ApiError> {
    let name = checked_name("user", &request.name)?;
    if name.contains(':') {
        // HTTP Basic separates the user name from the password with the first colon.
        return Err(ApiError::bad_request(format!(
            "user name {name:?} may not contain ':'"
        )));
    }
    let role =
        Role::parse(&request.role).map_err(|error| ApiError::bad_request(error.to_string()))?;
    let participant = participant(store, &request.participant).await?;
    let identity = request.identity.as_deref().map(identity_id).transpose()?;
    let password_hash = match request.password {
        Some(password) => Some(hash_off_thread(password).await?),
        None => None,
    };
    let user = store
        .create_user(&NewUser {
            name,
            participant: participant.id,
            role,
            identity,
            password_hash,
        })
        .await?;
    tracing::info!(user = %user.name, participant = %user.participant_name, role = %user.role, "user added");
    Ok(user)
}

/// Sets a user's password.
///
/// # Errors
///
/// [`ApiError::BadRequest`] for a short password, [`ApiError::NotFound`] for an unknown user.
pub async fn set_password(store: &AnyStore, name: &str, password: String) -> Result<(), ApiError> {
    let hash = hash_off_thread(password).await?;
    if !store.set_password_hash(name, Some(&hash)).await? {
        return Err(ApiError::not_found(format!("user {name:?}")));
    }
    tracing::info!(user = %name, "password changed");
    Ok(())
}

/// A token just created: the secret (shown once) and its listing.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    /// The secret and its hash.
    pub issued: IssuedToken,
    /// The stored token.
    pub token: ApiToken,
}

/// Creates a token for a user, valid for `valid_for` (for ever when `None`).
///
/// # Errors
///
/// [`ApiError::NotFound`] for an unknown user, [`ApiError::BadRequest`] for a validity that
/// overflows the calendar.
pub async fn create_token(
    store: &AnyStore,
    user: &str,
    label: Option<String>,
    valid_for: Option<Duration>,
    now: StixTimestamp,
) -> Result<CreatedToken, ApiError> {
    if store.user(user).await?.is_none() {
        return Err(ApiError::not_found(format!("user {user:?}")));
    }
    let expires = valid_for
        .map(|duration| {
            i64::try_from(duration.as_micros())
                .ok()
                .and_then(|micros| now.to_micros().checked_add(micros))
                .and_then(StixTimestamp::from_micros)
                .ok_or_else(|| ApiError::bad_request("token validity is too long"))
        })
        .transpose()?;
    let issued = credentials::issue_token().map_err(ApiError::internal)?;
    let token = store
        .create_token(&NewToken {
            id: uuid::Uuid::new_v4(),
            user: user.to_owned(),
            prefix: issued.prefix.clone(),
            token_hash: issued.token_hash.clone(),
            label,
            created: now,
            expires,
        })
        .await?;
    tracing::info!(user = %user, token_prefix = %token.prefix, "token created");
    Ok(CreatedToken { issued, token })
}

/// Parses a validity such as `90d`, `12h` or `1y 6months`.
///
/// # Errors
///
/// [`ApiError::BadRequest`] naming the value.
pub fn parse_validity(text: &str) -> Result<Duration, ApiError> {
    humantime::parse_duration(text).map_err(|error| {
        ApiError::bad_request(format!(
            "invalid duration {text:?}: {error} (e.g. 90d, 12h)"
        ))
    })
}

/// What an operator gives to create a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionRequest {
    /// The title.
    pub title: String,
    /// The API root (created when missing); `default` when `None`.
    pub api_root: Option<String>,
    /// A short name, unique within the API root.
    pub alias: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// Who may read and write it.
    pub access: AccessRequest,
}

/// Who may read and write a collection, with participants named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessRequest {
    /// Every participant of the node may read it.
    pub read_all: bool,
    /// Participants (names or ids) that may read it.
    pub read: Vec<String>,
    /// Participants (names or ids) that may write to it (reading needs `read` too).
    pub write: Vec<String>,
}

/// Creates a collection with its grants, creating its API root when missing.
///
/// # Errors
///
/// [`ApiError::NotFound`] for an unknown participant, [`ApiError::Conflict`] for a taken
/// alias.
pub async fn create_collection(
    store: &AnyStore,
    request: &CollectionRequest,
) -> Result<(Collection, CollectionAccess), ApiError> {
    let title = checked_name("collection title", &request.title)?;
    let access = resolve_access(store, &request.access).await?;
    let api_root = request
        .api_root
        .clone()
        .unwrap_or_else(|| store::DEFAULT_NAME.to_owned());
    if !store
        .api_roots()
        .await?
        .iter()
        .any(|root| root.name == api_root)
    {
        if !api_root
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            || api_root.is_empty()
        {
            return Err(ApiError::bad_request(format!(
                "API root name {api_root:?} must be letters, digits, '-' and '_' (it is a URL path segment)"
            )));
        }
        store
            .create_api_root(&store::ApiRoot {
                name: api_root.clone(),
                title: api_root.clone(),
                description: None,
            })
            .await?;
    }
    let collection = store
        .create_collection(&NewCollection {
            alias: request.alias.clone(),
            description: request.description.clone(),
            ..NewCollection::new(api_root, title)
        })
        .await?;
    store.set_collection_access(collection.id, &access).await?;
    tracing::info!(collection_id = %collection.id, read_all = access.read_all, n_grants = access.grants.len(), "collection created");
    Ok((collection, access))
}

/// Replaces a collection's grants. Adding readers is onward sharing of everything already in
/// the collection, so it is refused when that would send TLP:AMBER or AMBER+STRICT objects to
/// participants that did not receive them.
///
/// # Errors
///
/// [`ApiError::NotFound`] for an unknown collection or participant,
/// [`ApiError::Unprocessable`] when the policy refuses the widening.
pub async fn set_access(
    store: &AnyStore,
    collection: &str,
    request: &AccessRequest,
) -> Result<(Collection, CollectionAccess), ApiError> {
    let collection = store.resolve_collection(collection).await?;
    let proposed = resolve_access(store, request).await?;
    let current = store.collection_access(collection.id).await?;
    if let Some(refused) =
        store::widening_refusals(store, collection.id, &current, &proposed).await?
    {
        return Err(ApiError::Unprocessable {
            reason: format!(
                "collection {} holds {} version(s) that may not reach the new readers: {}",
                collection.id, refused.n_versions, refused.refusal
            ),
        });
    }
    store
        .set_collection_access(collection.id, &proposed)
        .await?;
    tracing::info!(collection_id = %collection.id, read_all = proposed.read_all, n_grants = proposed.grants.len(), "collection access changed");
    Ok((collection, proposed))
}

/// Turns named grants into stored ones. Read and write are independent, as in TAXII: a
/// participant granted only write can submit to a collection without reading it (a drop box).
async fn resolve_access(
    store: &AnyStore,
    request: &AccessRequest,
) -> Result<CollectionAccess, ApiError> {
    let mut grants: Vec<Grant> = Vec::new();
    for (names, write) in [(&request.read, false), (&request.write, true)] {
        for name in names {
            let participant = participant(store, name).await?;
            let grant = match grants
                .iter_mut()
                .position(|grant| grant.participant == participant.id)
            {
                Some(idx) => &mut grants[idx],
                None => {
                    grants.push(Grant {
                        participant: participant.id,
                        read: false,
                        write: false,
                    });
                    grants.last_mut().expect("just pushed")
                }
            };
            if write {
                grant.write = true;
            } else {
                grant.read = true;
            }
        }
    }
    Ok(CollectionAccess {
        read_all: request.read_all,
        grants,
    })
}

/// Returns the names of the participants in a collection's grants, for display: (readers,
/// writers).
///
/// # Errors
///
/// A store failure.
pub async fn named_access(
    store: &AnyStore,
    access: &CollectionAccess,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let participants = store.participants().await?;
    let name_of = |id| {
        participants
            .iter()
            .find(|participant| participant.id == id)
            .map_or_else(|| id.to_string(), |participant| participant.name.clone())
    };
    let mut read: Vec<String> = access
        .grants
        .iter()
        .filter(|grant| grant.read)
        .map(|grant| name_of(grant.participant))
        .collect();
    let mut write: Vec<String> = access
        .grants
        .iter()
        .filter(|grant| grant.write)
        .map(|grant| name_of(grant.participant))
        .collect();
    read.sort();
    write.sort();
    Ok((read, write))
}

async fn hash_off_thread(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || credentials::hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(|error| match error {
            credentials::CredentialError::Weak(reason) => ApiError::bad_request(reason),
            other => ApiError::internal(other),
        })
}

fn identity_id(text: &str) -> Result<StixId, ApiError> {
    let id = StixId::parse(text).map_err(|error| ApiError::bad_request(error.to_string()))?;
    if id.object_type() != "identity" {
        return Err(ApiError::bad_request(format!(
            "{text} is not an identity id (identity--<uuid>)"
        )));
    }
    Ok(id)
}

fn checked_name(what: &str, name: &str) -> Result<String, ApiError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.len() > 200 || trimmed.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "{what} name {name:?} must be 1 to 200 printable characters"
        )));
    }
    Ok(trimmed.to_owned())
}
