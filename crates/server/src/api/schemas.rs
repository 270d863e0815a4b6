//! The JSON shapes of the admin API (wire types, kept apart from the store's domain types).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A participant organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ParticipantBody {
    /// Its id (UUID).
    pub id: String,
    /// Its unique name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// The country's ISO 3166-1 short name.
    pub country_name: String,
    /// `government`, `hub` or `partner`.
    pub kind: String,
    /// Its STIX identity id (a TLP:RED recipient name for all its users).
    pub identity: String,
    /// When it was added.
    pub created: String,
}

/// A participant to add.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewParticipantBody {
    /// The unique name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code; government participants must come from the programme's area.
    pub country: String,
    /// `government`, `hub` or `partner`.
    pub kind: String,
    /// The STIX identity id the organisation already uses; a fresh one when absent.
    #[serde(default)]
    pub identity: Option<String>,
}

/// A user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserBody {
    /// Its unique name.
    pub name: String,
    /// Its participant's name.
    pub participant: String,
    /// `admin`, `analyst`, `reader` or `sync`.
    pub role: String,
    /// Its own STIX identity id (a TLP:RED recipient name).
    pub identity: String,
    /// Whether it can log in with a password (else tokens only).
    pub has_password: bool,
    /// When it was added.
    pub created: String,
}

/// A user to add.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    /// The unique name (no `:`).
    pub name: String,
    /// The participant's name or id.
    pub participant: String,
    /// `admin`, `analyst`, `reader` or `sync`.
    pub role: String,
    /// A password of at least 12 characters; absent for a token-only account.
    #[serde(default)]
    pub password: Option<String>,
    /// The STIX identity id the person already has; a fresh one when absent.
    #[serde(default)]
    pub identity: Option<String>,
}

/// Changes to a user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    /// A new role.
    #[serde(default)]
    pub role: Option<String>,
    /// A new password (at least 12 characters).
    #[serde(default)]
    pub password: Option<String>,
}

/// An API token as listed: never the token itself.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenBody {
    /// Its id.
    pub id: String,
    /// The user it authenticates.
    pub user: String,
    /// The public start of the token, to tell tokens apart.
    pub prefix: String,
    /// Its label.
    pub label: Option<String>,
    /// When it was created.
    pub created: String,
    /// When it expires, if ever.
    pub expires: Option<String>,
    /// When it was revoked, if it was.
    pub revoked: Option<String>,
    /// When it last authenticated a request (to the minute).
    pub last_used: Option<String>,
    /// Whether it authenticates requests now.
    pub active: bool,
}

/// A token just created: the only time the token is shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedTokenBody {
    /// The token: give it as `Authorization: Bearer <token>`. It is not stored and cannot be
    /// shown again.
    pub token: String,
    /// The token's listing.
    #[serde(flatten)]
    pub listing: TokenBody,
}

/// A token to create.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// The user it authenticates; the caller when absent (only admins create tokens for
    /// others).
    #[serde(default)]
    pub user: Option<String>,
    /// A label (`misp connector`).
    #[serde(default)]
    pub label: Option<String>,
    /// How long it is valid (`90d`, `12h`); for ever when absent.
    #[serde(default)]
    pub expires_in: Option<String>,
}

/// Who may read and write a collection.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessBody {
    /// Every participant of the node may read it.
    #[serde(default)]
    pub read_all: bool,
    /// Participants (names) that may read it.
    #[serde(default)]
    pub read: Vec<String>,
    /// Participants (names) that may add objects to it (reading needs `read` too: a
    /// write-only grant makes a drop box).
    #[serde(default)]
    pub write: Vec<String>,
}

/// A collection with its access.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CollectionBody {
    /// Its id (UUID), as TAXII names it.
    pub id: String,
    /// Its API root.
    pub api_root: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
    /// Its alias.
    pub alias: Option<String>,
    /// Who may read and write it.
    pub access: AccessBody,
}

/// A collection to create.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCollectionBody {
    /// The title.
    pub title: String,
    /// The API root (created when missing); `default` when absent.
    #[serde(default)]
    pub api_root: Option<String>,
    /// A short name, unique within the API root.
    #[serde(default)]
    pub alias: Option<String>,
    /// A description.
    #[serde(default)]
    pub description: Option<String>,
    /// Who may read and write it.
    #[serde(default)]
    pub access: AccessBody,
}

/// The authenticated caller.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WhoAmIBody {
    /// The user's name.
    pub user: String,
    /// The participant's name.
    pub participant: String,
    /// The role.
    pub role: String,
    /// The identities that count for TLP:RED recipients.
    pub identities: Vec<String>,
    /// The collections readable (ids).
    pub readable: Vec<String>,
    /// The collections writable (ids).
    pub writable: Vec<String>,
}
