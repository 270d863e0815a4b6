//! Accounts: participants (organisations), their users, API tokens, and the grants that say
//! which participants read and write each collection.
//!
//! [`Accounts`] is implemented by both backends and [`AnyStore`](crate::AnyStore) with the
//! same SQL (see `migrations/*/0010_principals.sql`). The store keeps only what it is given:
//! password hashes (argon2id, made by the server) and token hashes (SHA-256 of the token);
//! no secret is ever stored in clear, and no method returns one.

pub(crate) mod sql;

use std::collections::BTreeSet;
use std::future::Future;

use policy::{Audience, CollectionId, Country, ParticipantId, ParticipantKind, Role, Tlp};
use stix::{StixId, StixTimestamp};
use uuid::Uuid;

use crate::Result;

pub(crate) use sql::impl_accounts;

/// A participant: an organisation that shares and receives intelligence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Participant {
    /// Its id.
    pub id: ParticipantId,
    /// Its unique name (`CERT-EU`).
    pub name: String,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: Country,
    /// Its kind.
    pub kind: ParticipantKind,
    /// Its STIX identity id; a TLP:RED object naming it as a recipient is readable by all of
    /// the participant's users.
    pub identity: StixId,
    /// When it was created.
    pub created: StixTimestamp,
}

/// What [`Accounts::create_participant`] needs. Eligibility is the caller's to check (see
/// [`policy::ProgrammeArea::check`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParticipant {
    /// The unique name.
    pub name: String,
    /// The country.
    pub country: Country,
    /// The kind.
    pub kind: ParticipantKind,
    /// The STIX identity id the participant already uses, or `None` for a fresh one.
    pub identity: Option<StixId>,
}

/// A user: a person or machine account of a participant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// Its id.
    pub id: Uuid,
    /// Its unique name.
    pub name: String,
    /// Its participant.
    pub participant: ParticipantId,
    /// Its participant's name.
    pub participant_name: String,
    /// Its role.
    pub role: Role,
    /// Its own STIX identity id (for TLP:RED recipients).
    pub identity: StixId,
    /// Whether it has a password (else it authenticates with tokens only).
    pub has_password: bool,
    /// When it was created.
    pub created: StixTimestamp,
}

/// What [`Accounts::create_user`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The unique name.
    pub name: String,
    /// The participant, which must exist.
    pub participant: ParticipantId,
    /// The role.
    pub role: Role,
    /// The STIX identity id the user already has, or `None` for a fresh one.
    pub identity: Option<StixId>,
    /// An argon2id PHC string, or `None` for a token-only account.
    pub password_hash: Option<String>,
}

/// An API token, as listed: never the token itself, which is shown once at creation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    /// Its id.
    pub id: Uuid,
    /// The user it authenticates.
    pub user: String,
    /// Its public look-up prefix (the start of the token), to tell tokens apart.
    pub prefix: String,
    /// A label given at creation (`"misp connector"`).
    pub label: Option<String>,
    /// When it was created.
    pub created: StixTimestamp,
    /// When it stops working, if ever.
    pub expires: Option<StixTimestamp>,
    /// When it was revoked, if it was.
    pub revoked: Option<StixTimestamp>,
    /// When it last authenticated a request (updated at most once a minute).
    pub last_used: Option<StixTimestamp>,
}

/// What [`Accounts::create_token`] needs: the token's hash, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// The id to give it.
    pub id: Uuid,
    /// The user's name.
    pub user: String,
    /// The look-up prefix (unique).
    pub prefix: String,
    /// Hex SHA-256 of the whole token.
    pub token_hash: String,
    /// A label.
    pub label: Option<String>,
    /// When it was created.
    pub created: StixTimestamp,
    /// When it expires.
    pub expires: Option<StixTimestamp>,
}

/// A token with the hash authentication compares against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// The token's listing.
    pub token: ApiToken,
    /// Hex SHA-256 of the whole token.
    pub token_hash: String,
}

/// One participant's rights on a collection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    /// The participant.
    pub participant: ParticipantId,
    /// Whether it may read the collection.
    pub read: bool,
    /// Whether it may add objects to it.
    pub write: bool,
}

/// Who may read and write a collection.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CollectionAccess {
    /// Whether every participant of the node may read it.
    pub read_all: bool,
    /// Per-participant grants.
    pub grants: Vec<Grant>,
}

impl CollectionAccess {
    /// Returns who receives what is shared in the collection.
    pub fn audience(&self) -> Audience {
        if self.read_all {
            Audience::Community
        } else {
            Audience::participants(
                self.grants
                    .iter()
                    .filter(|grant| grant.read)
                    .map(|grant| grant.participant),
            )
        }
    }

    /// Returns whether the participant may read the collection.
    pub fn can_read(&self, participant: ParticipantId) -> bool {
        self.read_all
            || self
                .grants
                .iter()
                .any(|grant| grant.participant == participant && grant.read)
    }

    /// Returns whether the participant may write to the collection.
    pub fn can_write(&self, participant: ParticipantId) -> bool {
        self.grants
            .iter()
            .any(|grant| grant.participant == participant && grant.write)
    }
}

/// The collections a participant may read and write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParticipantGrants {
    /// Readable collections (granted, or readable by all).
    pub readable: BTreeSet<CollectionId>,
    /// Writable collections.
    pub writable: BTreeSet<CollectionId>,
}

/// Where an object version is stored, and at which TLP level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The object's id.
    pub id: StixId,
    /// The version (`modified`, else `created`, else the date it was added).
    pub version: StixTimestamp,
    /// The collection.
    pub collection: CollectionId,
    /// The level the policy applies to it.
    pub tlp: Tlp,
}

/// Participants, users, tokens and collection grants.
pub trait Accounts: Send + Sync {
    /// Creates a participant.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyExists`](crate::Error::AlreadyExists) when the name or identity is
    /// taken.
    fn create_participant(
        &self,
        participant: &NewParticipant,
    ) -> impl Future<Output = Result<Participant>> + Send;

    /// Returns every participant, by name.
    fn participants(&self) -> impl Future<Output = Result<Vec<Participant>>> + Send;

    /// Returns the participant with this name or id.
    fn participant(&self, name: &str) -> impl Future<Output = Result<Option<Participant>>> + Send;

    /// Deletes a participant with its users, tokens and grants; returns whether it existed.
    fn delete_participant(&self, id: ParticipantId) -> impl Future<Output = Result<bool>> + Send;

    /// Creates a user.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyExists`](crate::Error::AlreadyExists) when the name or identity is
    /// taken, [`Error::Invalid`](crate::Error::Invalid) when the participant does not exist.
    fn create_user(&self, user: &NewUser) -> impl Future<Output = Result<User>> + Send;

    /// Returns every user, by name.
    fn users(&self) -> impl Future<Output = Result<Vec<User>>> + Send;

    /// Returns the user with this name.
    fn user(&self, name: &str) -> impl Future<Output = Result<Option<User>>> + Send;

    /// Returns the user with this name and its password hash, for authentication.
    fn user_credentials(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<(User, Option<String>)>>> + Send;

    /// Sets (or, with `None`, removes) a user's password hash; returns whether the user
    /// exists.
    fn set_password_hash(
        &self,
        name: &str,
        password_hash: Option<&str>,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Changes a user's role; returns whether the user exists.
    fn set_role(&self, name: &str, role: Role) -> impl Future<Output = Result<bool>> + Send;

    /// Deletes a user with its tokens; returns whether it existed.
    fn delete_user(&self, name: &str) -> impl Future<Output = Result<bool>> + Send;

    /// Stores a new token (its hash).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`](crate::Error::Invalid) when the user does not exist,
    /// [`Error::AlreadyExists`](crate::Error::AlreadyExists) when the prefix is taken.
    fn create_token(&self, token: &NewToken) -> impl Future<Output = Result<ApiToken>> + Send;

    /// Returns the tokens of one user, or of every user, newest first.
    fn tokens(&self, user: Option<&str>) -> impl Future<Output = Result<Vec<ApiToken>>> + Send;

    /// Returns the token with this prefix and its hash, for authentication.
    fn token_by_prefix(
        &self,
        prefix: &str,
    ) -> impl Future<Output = Result<Option<TokenRecord>>> + Send;

    /// Revokes the token with this id or prefix (once: a revoked token keeps its first
    /// revocation time); returns it, or `None` when there is no such token.
    fn revoke_token(
        &self,
        id_or_prefix: &str,
        at: StixTimestamp,
    ) -> impl Future<Output = Result<Option<ApiToken>>> + Send;

    /// Records that a token authenticated a request.
    fn touch_token(&self, id: Uuid, at: StixTimestamp) -> impl Future<Output = Result<()>> + Send;

    /// Replaces who may read and write a collection.
    ///
    /// # Errors
    ///
    /// [`Error::CollectionNotFound`](crate::Error::CollectionNotFound), or
    /// [`Error::Invalid`](crate::Error::Invalid) when a granted participant does not exist.
    fn set_collection_access(
        &self,
        collection: CollectionId,
        access: &CollectionAccess,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Returns who may read and write a collection (nobody when nothing was granted).
    fn collection_access(
        &self,
        collection: CollectionId,
    ) -> impl Future<Output = Result<CollectionAccess>> + Send;

    /// Returns the collections a participant may read and write.
    fn participant_grants(
        &self,
        participant: ParticipantId,
    ) -> impl Future<Output = Result<ParticipantGrants>> + Send;

    /// Returns every stored version of these ids, in every collection, with its TLP level.
    /// Administration only: this read takes no scope (the onward-sharing check uses it).
    fn placements(&self, ids: &[StixId]) -> impl Future<Output = Result<Vec<Placement>>> + Send;
}

macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            crate::AnyStore::Sqlite($store) => $call.await,
            crate::AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Accounts for crate::AnyStore {
    async fn create_participant(&self, participant: &NewParticipant) -> Result<Participant> {
        dispatch!(self, store => store.create_participant(participant))
    }

    async fn participants(&self) -> Result<Vec<Participant>> {
        dispatch!(self, store => store.participants())
    }

    async fn participant(&self, name: &str) -> Result<Option<Participant>> {
        dispatch!(self, store => store.participant(name))
    }

    async fn delete_participant(&self, id: ParticipantId) -> Result<bool> {
        dispatch!(self, store => store.delete_participant(id))
    }

    async fn create_user(&self, user: &NewUser) -> Result<User> {
        dispatch!(self, store => store.create_user(user))
    }

    async fn users(&self) -> Result<Vec<User>> {
        dispatch!(self, store => store.users())
    }

    async fn user(&self, name: &str) -> Result<Option<User>> {
        dispatch!(self, store => store.user(name))
    }

    async fn user_credentials(&self, name: &str) -> Result<Option<(User, Option<String>)>> {
        dispatch!(self, store => store.user_credentials(name))
    }

    async fn set_password_hash(&self, name: &str, password_hash: Option<&str>) -> Result<bool> {
        dispatch!(self, store => store.set_password_hash(name, password_hash))
    }

    async fn set_role(&self, name: &str, role: Role) -> Result<bool> {
        dispatch!(self, store => store.set_role(name, role))
    }

    async fn delete_user(&self, name: &str) -> Result<bool> {
        dispatch!(self, store => store.delete_user(name))
    }

    async fn create_token(&self, token: &NewToken) -> Result<ApiToken> {
        dispatch!(self, store => store.create_token(token))
    }

    async fn tokens(&self, user: Option<&str>) -> Result<Vec<ApiToken>> {
        dispatch!(self, store => store.tokens(user))
    }

    async fn token_by_prefix(&self, prefix: &str) -> Result<Option<TokenRecord>> {
        dispatch!(self, store => store.token_by_prefix(prefix))
    }

    async fn revoke_token(
        &self,
        id_or_prefix: &str,
        at: StixTimestamp,
    ) -> Result<Option<ApiToken>> {
        dispatch!(self, store => store.revoke_token(id_or_prefix, at))
    }

    async fn touch_token(&self, id: Uuid, at: StixTimestamp) -> Result<()> {
        dispatch!(self, store => store.touch_token(id, at))
    }

    async fn set_collection_access(
        &self,
        collection: CollectionId,
        access: &CollectionAccess,
    ) -> Result<()> {
        dispatch!(self, store => store.set_collection_access(collection, access))
    }

    async fn collection_access(&self, collection: CollectionId) -> Result<CollectionAccess> {
        dispatch!(self, store => store.collection_access(collection))
    }

    async fn participant_grants(&self, participant: ParticipantId) -> Result<ParticipantGrants> {
        dispatch!(self, store => store.participant_grants(participant))
    }

    async fn placements(&self, ids: &[StixId]) -> Result<Vec<Placement>> {
        dispatch!(self, store => store.placements(ids))
    }
}

pub(crate) fn fresh_identity() -> StixId {
    StixId::parse(&format!("identity--{}", Uuid::new_v4())).expect("a v4 UUID makes a valid id")
}
