//! The caller of a TAXII request: the [`Principal`] the server's authentication middleware put
//! in the request's extensions, and what it may see of a collection.
//!
//! A request without one is refused with 401, so a router mounted without authentication
//! fails closed.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use policy::{CollectionId, Principal};

use crate::TaxiiError;

/// The authenticated caller, extracted from the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = TaxiiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Self)
            .ok_or(TaxiiError::Unauthorized)
    }
}

/// What a caller may do with a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Access {
    pub can_read: bool,
    pub can_write: bool,
}

impl Access {
    /// Returns whether the collection exists for the caller at all: a collection it may
    /// neither read nor write is answered exactly like one that does not exist.
    pub(crate) fn is_visible(self) -> bool {
        self.can_read || self.can_write
    }
}

impl Caller {
    /// Returns what the caller may do with `collection`.
    pub(crate) fn access(&self, collection: &CollectionId) -> Access {
        Access {
            can_read: self.0.can_read(collection),
            can_write: self.0.can_write(collection),
        }
    }

    /// Returns the owner key of the statuses this caller creates: its participant.
    pub(crate) fn owner(&self) -> String {
        self.0.participant.to_string()
    }

    /// Returns whether the caller may read a status owned by `owner`: its own participant's,
    /// or any when it administers the node.
    pub(crate) fn may_read_status(&self, owner: Option<&str>) -> bool {
        self.0.is_admin() || owner == Some(self.owner().as_str())
    }
}
