//! Collection identifiers: the UUID TAXII gives each collection.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// The identifier of a collection (a UUID, as TAXII 2.1 requires).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct CollectionId(Uuid);

/// Error returned when a string is not a collection identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid collection id {value:?}: expected a UUID")]
pub struct CollectionIdError {
    /// The offending input.
    pub value: String,
}

impl CollectionId {
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
    /// Returns [`CollectionIdError`] when `text` is not a UUID.
    pub fn parse(text: &str) -> Result<Self, CollectionIdError> {
        Uuid::try_parse(text)
            .map(Self)
            .map_err(|_| CollectionIdError {
                value: text.to_owned(),
            })
    }

    /// Returns the UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for CollectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for CollectionId {
    type Err = CollectionIdError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}
