//! The authenticated caller of a request: a [`Principal`], with its [`Role`] and the
//! collections its participant may read and write.
//!
//! The server's authentication middleware resolves a principal once per request (from HTTP
//! Basic credentials or a Bearer token) and puts it in the request's extensions; handlers
//! (TAXII and the admin API alike) take it from there with
//! `axum::Extension<Principal>` and never look at credentials themselves. The readable and
//! writable collections are resolved from the participant's grants at authentication time,
//! so a handler needs no further store look-up to decide access.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use stix::StixId;
use uuid::Uuid;

use crate::{AccessScope, CollectionId};

/// What a user (and every token of that user) may do.
///
/// Access to objects always comes from the participant's collection grants; the role narrows
/// it and adds administration:
///
/// | role      | read granted collections | write granted collections | administration |
/// |-----------|--------------------------|---------------------------|----------------|
/// | `admin`   | yes                      | yes                       | yes            |
/// | `analyst` | yes                      | yes                       | no             |
/// | `reader`  | yes                      | no                        | no             |
/// | `sync`    | yes                      | yes                       | no             |
///
/// `sync` is for machine accounts (federation peers, connectors): the same data rights as an
/// analyst, kept apart so that operators can tell people from machines in audits.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Administers participants, users, tokens and collections, and reads and writes.
    Admin,
    /// Reads and writes granted collections.
    Analyst,
    /// Reads granted collections only.
    Reader,
    /// A machine account (federation, connectors): reads and writes granted collections.
    Sync,
}

/// Error returned when a string is not a role name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {value:?}: expected admin, analyst, reader or sync")]
pub struct RoleParseError {
    /// The offending input.
    pub value: String,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 4] = [Self::Admin, Self::Analyst, Self::Reader, Self::Sync];

    /// Returns the lower-case name used in storage, on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Analyst => "analyst",
            Self::Reader => "reader",
            Self::Sync => "sync",
        }
    }

    /// Parses a name as [`Role::as_str`] prints it (case-insensitive).
    ///
    /// # Errors
    ///
    /// Returns [`RoleParseError`] for anything else.
    pub fn parse(text: &str) -> Result<Self, RoleParseError> {
        let lower = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == lower)
            .ok_or_else(|| RoleParseError {
                value: text.to_owned(),
            })
    }

    /// Returns whether the role may write to the collections its participant may write.
    pub fn can_write(self) -> bool {
        !matches!(self, Self::Reader)
    }

    /// Returns whether the role administers the node.
    pub fn is_admin(self) -> bool {
        matches!(self, Self::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = RoleParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// The identifier of a participant (an organisation).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct ParticipantId(Uuid);

/// Error returned when a string is not a participant identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid participant id {value:?}: expected a UUID")]
pub struct ParticipantIdError {
    /// The offending input.
    pub value: String,
}

impl ParticipantId {
    /// Wraps a UUID.
    pub fn new(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// Creates a fresh random identifier.
    pub fn new_v4() -> Self {
        Self(Uuid::new_v4())
    }

    /// Parses the hyphenated UUID form.
    ///
    /// # Errors
    ///
    /// Returns [`ParticipantIdError`] when `text` is not a UUID.
    pub fn parse(text: &str) -> Result<Self, ParticipantIdError> {
        Uuid::try_parse(text)
            .map(Self)
            .map_err(|_| ParticipantIdError {
                value: text.to_owned(),
            })
    }

    /// Returns the UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for ParticipantId {
    type Err = ParticipantIdError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// The authenticated caller of a request (a user, directly or through one of its tokens).
///
/// Built by the server's authentication middleware and inserted into the request's
/// extensions; handlers extract it with `axum::Extension<Principal>`. Every field is resolved
/// when the request is authenticated:
///
/// - `readable` holds the collections the participant is granted read on (a collection
///   readable by all counts for every participant);
/// - `writable` holds the collections the participant is granted write on, and is empty when
///   the [`Role`] may not write.
///
/// Reads of objects go through [`Principal::scope`], which also hides TLP:RED versions that
/// do not name one of `identities` as a recipient.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Principal {
    /// The user's name, for logs and audit (never a secret).
    pub user: String,
    /// The user's participant (organisation).
    pub participant: ParticipantId,
    /// The participant's name, for logs and audit.
    pub participant_name: String,
    /// The user's role.
    pub role: Role,
    /// The identities that count as this principal when a TLP:RED object names its
    /// recipients: the user's own STIX identity and its participant's identity.
    pub identities: Vec<StixId>,
    /// The collections the principal may read.
    pub readable: BTreeSet<CollectionId>,
    /// The collections the principal may write to.
    pub writable: BTreeSet<CollectionId>,
}

impl Principal {
    /// Returns the read scope of this principal, which every read of stored objects takes.
    pub fn scope(&self) -> AccessScope {
        AccessScope::principal(
            self.readable.iter().copied(),
            self.identities.iter().cloned(),
        )
    }

    /// Returns whether the principal may read the collection.
    pub fn can_read(&self, collection: &CollectionId) -> bool {
        self.readable.contains(collection)
    }

    /// Returns whether the principal may add objects to the collection.
    pub fn can_write(&self, collection: &CollectionId) -> bool {
        self.role.can_write() && self.writable.contains(collection)
    }

    /// Returns whether the principal administers the node.
    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, readable: &[CollectionId], writable: &[CollectionId]) -> Principal {
        Principal {
            user: "alice".to_owned(),
            participant: ParticipantId::new_v4(),
            participant_name: "CERT-EU".to_owned(),
            role,
            identities: vec![
                StixId::parse("identity--311b2d2d-f010-4473-83ec-1edf84858f4c")
                    .expect("a valid identity id"),
            ],
            readable: readable.iter().copied().collect(),
            writable: writable.iter().copied().collect(),
        }
    }

    #[test]
    fn roles_parse_and_print_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
            assert_eq!(
                serde_json::to_value(role).expect("a role serializes"),
                serde_json::json!(role.as_str())
            );
        }
        assert_eq!(Role::parse(" Admin "), Ok(Role::Admin));
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn a_reader_never_writes_even_when_granted() {
        let collection = CollectionId::new_v4();
        let reader = principal(Role::Reader, &[collection], &[collection]);
        assert!(reader.can_read(&collection));
        assert!(!reader.can_write(&collection));
        let analyst = principal(Role::Analyst, &[collection], &[collection]);
        assert!(analyst.can_write(&collection));
        assert!(!analyst.is_admin());
        assert!(!analyst.can_read(&CollectionId::new_v4()));
    }

    #[test]
    fn scope_reads_the_granted_collections_with_the_principals_identities() {
        let collection = CollectionId::new_v4();
        let analyst = principal(Role::Analyst, &[collection], &[]);
        let scope = analyst.scope();
        assert!(scope.can_read_collection(&collection));
        assert!(!scope.can_read_collection(&CollectionId::new_v4()));
        assert!(scope.can_read_version(crate::Tlp::Red, &analyst.identities));
        assert!(!scope.can_read_version(crate::Tlp::Red, &[]));
    }

    #[test]
    fn participant_ids_round_trip() {
        let id = ParticipantId::new_v4();
        assert_eq!(ParticipantId::parse(&id.to_string()), Ok(id));
        assert!(ParticipantId::parse("cert-eu").is_err());
    }
}
