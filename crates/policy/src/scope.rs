//! The read scope: which collections a reader may see and which identities it holds for
//! TLP:RED objects.

use std::collections::BTreeSet;

use stix::StixId;

use crate::{CollectionId, Tlp};

/// What a reader may see. Every read of stored objects takes one.
///
/// - [`AccessScope::unrestricted`] is for administration tooling (the CLI on the node's own
///   store) and sees everything.
/// - [`AccessScope::principal`] is for a principal (a user or a token): it sees only the
///   collections it may read, and a TLP:RED object version only when one of its identities is
///   among that version's named recipients (see [`red_recipients`](crate::red_recipients)).
///
/// The store applies the same filter on every read method, in SQL; a version the scope may not
/// read behaves exactly like one that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessScope {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Unrestricted,
    Principal {
        collections: BTreeSet<CollectionId>,
        identities: BTreeSet<StixId>,
    },
}

impl AccessScope {
    /// Returns the scope of administration tooling, which reads everything.
    pub fn unrestricted() -> Self {
        Self {
            kind: Kind::Unrestricted,
        }
    }

    /// Returns the scope of a principal: the collections it may read (resolved by the caller
    /// from its participant's grants) and its recipient identities (its own identity and its
    /// participant organisation's identity).
    pub fn principal(
        collections: impl IntoIterator<Item = CollectionId>,
        identities: impl IntoIterator<Item = StixId>,
    ) -> Self {
        Self {
            kind: Kind::Principal {
                collections: collections.into_iter().collect(),
                identities: identities.into_iter().collect(),
            },
        }
    }

    /// Returns whether this is the unrestricted scope.
    pub fn is_unrestricted(&self) -> bool {
        matches!(self.kind, Kind::Unrestricted)
    }

    /// Returns the readable collections, or `None` when every collection is readable.
    pub fn readable_collections(&self) -> Option<&BTreeSet<CollectionId>> {
        match &self.kind {
            Kind::Unrestricted => None,
            Kind::Principal { collections, .. } => Some(collections),
        }
    }

    /// Returns the recipient identities, or `None` when every TLP:RED object is readable.
    pub fn identities(&self) -> Option<&BTreeSet<StixId>> {
        match &self.kind {
            Kind::Unrestricted => None,
            Kind::Principal { identities, .. } => Some(identities),
        }
    }

    /// Returns whether the collection is readable in this scope.
    pub fn can_read_collection(&self, collection: &CollectionId) -> bool {
        self.readable_collections()
            .is_none_or(|collections| collections.contains(collection))
    }

    /// Returns whether an object version with this TLP level and these RED recipients, in a
    /// readable collection, is visible. This is the rule the store writes in SQL; it is here
    /// so that tests and in-memory callers can state it once.
    pub fn can_read_version(&self, tlp: Tlp, recipients: &[StixId]) -> bool {
        match &self.kind {
            Kind::Unrestricted => true,
            Kind::Principal { identities, .. } => {
                tlp != Tlp::Red || recipients.iter().any(|id| identities.contains(id))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(n: u8) -> StixId {
        StixId::parse(&format!(
            "identity--00000000-0000-4000-8000-0000000000{n:02}"
        ))
        .unwrap()
    }

    #[test]
    fn red_needs_a_named_identity_and_other_levels_do_not() {
        let collection = CollectionId::new_v4();
        let scope = AccessScope::principal([collection], [identity(1), identity(2)]);
        assert!(scope.can_read_collection(&collection));
        assert!(!scope.can_read_collection(&CollectionId::new_v4()));
        assert!(scope.can_read_version(Tlp::Red, &[identity(3), identity(2)]));
        assert!(!scope.can_read_version(Tlp::Red, &[identity(3)]));
        assert!(!scope.can_read_version(Tlp::Red, &[]));
        assert!(scope.can_read_version(Tlp::AmberStrict, &[]));
        let admin = AccessScope::unrestricted();
        assert!(admin.can_read_version(Tlp::Red, &[]));
        assert!(admin.can_read_collection(&collection));
    }
}
