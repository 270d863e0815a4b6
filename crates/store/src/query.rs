//! What a read asks for (collection, filters, paging) and what it gets back.
//!
//! The filters are those of TAXII 2.1: `added_after`, `match[id]`, `match[type]`,
//! `match[version]` and `match[spec_version]`, with paging by `date_added` through an opaque
//! [`Cursor`].

use policy::{CollectionId, Tlp};
use stix::{StixId, StixTimestamp};

/// The filters and paging of a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectQuery {
    /// The collection read; `None` reads every collection the scope allows (versions are
    /// still per collection: `last` is the last version in each collection).
    pub collection: Option<CollectionId>,
    /// Only versions added strictly after this time.
    pub added_after: Option<StixTimestamp>,
    /// Only these object ids (none: any id).
    pub ids: Vec<StixId>,
    /// Only these object types (none: any type).
    pub types: Vec<String>,
    /// Which versions of each object; several are combined with OR, none means every version.
    pub versions: Vec<VersionMatch>,
    /// Only versions of these spec versions (`2.0`, `2.1`); none means, as TAXII's default,
    /// only the latest spec version of each object.
    pub spec_versions: Vec<String>,
    /// At most this many results per page (`None`: no limit).
    pub limit: Option<u32>,
    /// Continue after this cursor (from a previous [`Page::next`]).
    pub after: Option<Cursor>,
}

impl ObjectQuery {
    /// Returns TAXII's defaults for one collection: the last version of each object, in its
    /// latest spec version, every type, no limit.
    pub fn collection(collection: CollectionId) -> Self {
        Self {
            collection: Some(collection),
            ..Self::all_collections()
        }
    }

    /// Returns TAXII's defaults over every collection the scope allows.
    pub fn all_collections() -> Self {
        Self {
            collection: None,
            added_after: None,
            ids: Vec::new(),
            types: Vec::new(),
            versions: vec![VersionMatch::Last],
            spec_versions: Vec::new(),
            limit: None,
            after: None,
        }
    }

    /// Returns the query for every version of one object (TAXII's "Get Object Versions" with
    /// [`Store::manifest`](crate::Store::manifest)).
    pub fn versions_of(collection: CollectionId, id: StixId) -> Self {
        Self {
            ids: vec![id],
            versions: vec![VersionMatch::All],
            ..Self::collection(collection)
        }
    }
}

/// A `match[version]` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionMatch {
    /// The earliest version of each object.
    First,
    /// The latest version of each object.
    Last,
    /// Every version.
    All,
    /// The version with exactly this timestamp (compared to the microsecond).
    At(StixTimestamp),
}

/// A position in a date_added-ordered read, to continue from. Opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub(crate) date_added: i64,
    pub(crate) collection_key: i64,
}

impl Cursor {
    /// Returns the cursor as a token for a TAXII `next` parameter.
    pub fn to_token(&self) -> String {
        format!("{}.{}", self.date_added, self.collection_key)
    }

    /// Parses a token made by [`Cursor::to_token`].
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`](crate::Error::Invalid) when the token was not made by this store.
    pub fn parse(token: &str) -> crate::Result<Self> {
        let invalid = || crate::Error::Invalid {
            what: "paging cursor",
            reason: format!("{token:?} was not given out by this server"),
        };
        let (date_added, collection_key) = token.split_once('.').ok_or_else(invalid)?;
        Ok(Self {
            date_added: date_added.parse().map_err(|_| invalid())?,
            collection_key: collection_key.parse().map_err(|_| invalid())?,
        })
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The results, oldest `date_added` first.
    pub items: Vec<T>,
    /// Where the next page starts, when there are more results.
    pub next: Option<Cursor>,
}

/// One page of object versions as JSON text, for callers that splice stored JSON into a
/// bundle or a TAXII envelope without decoding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPage {
    /// The stored JSON of each version, joined by commas, in date_added order: the inside of
    /// a JSON array (empty when the page is).
    pub json: String,
    /// How many versions the page holds.
    pub n_objects: u64,
    /// The date_added of the first and the last version of the page.
    pub date_added: Option<(StixTimestamp, StixTimestamp)>,
    /// Where the next page starts, when there are more results.
    pub next: Option<Cursor>,
}

/// A stored object version, with the JSON as stored (compact, JSON-equal to the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// Where it is stored, when it was added, and which version it is.
    pub entry: ManifestEntry,
    /// The object's JSON.
    pub json: String,
}

/// What TAXII's manifest says about an object version, read without loading its JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The collection holding it.
    pub collection: CollectionId,
    /// The object's id.
    pub id: StixId,
    /// The object's type.
    pub object_type: String,
    /// The version: `modified`, else `created`, else (observables) the time it was added.
    pub version: StixTimestamp,
    /// When the server added it (microseconds, strictly increasing within a collection).
    pub date_added: StixTimestamp,
    /// The STIX spec version (`2.1`).
    pub spec_version: String,
    /// The TLP level the policy applies.
    pub tlp: Tlp,
    /// Whether the version is revoked.
    pub revoked: bool,
}

impl ManifestEntry {
    /// Returns the TAXII media type of the version (`application/stix+json;version=2.1`).
    pub fn media_type(&self) -> String {
        format!("application/stix+json;version={}", self.spec_version)
    }
}
