//! STIX identifiers (`type--UUID`) and object type names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// Error returned when a string is not a valid STIX identifier or type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid identifier {value:?}: {reason}")]
pub struct IdError {
    /// The offending input.
    pub value: String,
    /// Why it was refused.
    pub reason: &'static str,
}

/// A STIX identifier: an object type, two hyphens and an RFC 4122 UUID.
///
/// The string form is kept exactly as given (the spec requires lower case hex, which
/// [`StixId::parse`] enforces), so comparisons and hashing work on the text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StixId {
    text: Box<str>,
    type_len: u16,
}

impl StixId {
    /// Parses `type--uuid`, checking the type name and the UUID syntax.
    ///
    /// # Errors
    ///
    /// Returns [`IdError`] when the separator is missing, the type is not a valid type name,
    /// or the UUID is not lower-case RFC 4122 text.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let err = |reason| IdError {
            value: text.to_owned(),
            reason,
        };
        // Ids are parsed for every object and every reference of a bundle, so this looks for
        // the separator byte by byte rather than with a substring searcher.
        let bytes = text.as_bytes();
        let Some(sep) = (1..bytes.len())
            .find(|&idx| bytes[idx] == b'-' && bytes[idx - 1] == b'-')
            .map(|idx| idx - 1)
            .filter(|&idx| idx > 0)
        else {
            return Err(err("expected `type--uuid`"));
        };
        // Type names may themselves contain single hyphens, never a double one, so the first
        // `--` separates the type from the UUID.
        let (object_type, uuid_text) = (&text[..sep], &text[sep + 2..]);
        ObjectType::check(object_type).map_err(err)?;
        if uuid_text.len() != 36 {
            return Err(err("the UUID must be 36 characters"));
        }
        if uuid_text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(err("the UUID must be lower case"));
        }
        if !is_hyphenated_uuid(uuid_text.as_bytes()) {
            return Err(err("the UUID is malformed"));
        }
        debug_assert!(Uuid::try_parse(uuid_text).is_ok());
        let type_len = u16::try_from(object_type.len()).map_err(|_| err("type name too long"))?;
        Ok(Self {
            text: text.into(),
            type_len,
        })
    }

    /// Builds an identifier from a type name and a UUID.
    ///
    /// # Errors
    ///
    /// Returns [`IdError`] when `object_type` is not a valid type name.
    pub fn from_parts(object_type: &str, uuid: Uuid) -> Result<Self, IdError> {
        ObjectType::check(object_type).map_err(|reason| IdError {
            value: object_type.to_owned(),
            reason,
        })?;
        let text = format!("{object_type}--{}", uuid.hyphenated());
        let type_len = u16::try_from(object_type.len()).map_err(|_| IdError {
            value: object_type.to_owned(),
            reason: "type name too long",
        })?;
        Ok(Self {
            text: text.into(),
            type_len,
        })
    }

    /// Creates a fresh random (version 4) identifier for `object_type`.
    ///
    /// # Errors
    ///
    /// Returns [`IdError`] when `object_type` is not a valid type name.
    pub fn new_v4(object_type: &str) -> Result<Self, IdError> {
        Self::from_parts(object_type, Uuid::new_v4())
    }

    /// Returns the identifier text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns the type part of the identifier.
    pub fn object_type(&self) -> &str {
        &self.text[..usize::from(self.type_len)]
    }

    /// Returns the UUID part of the identifier.
    pub fn uuid(&self) -> Uuid {
        Uuid::try_parse(&self.text[usize::from(self.type_len) + 2..])
            .expect("checked when the identifier was parsed")
    }
}

/// Returns whether `text` is the hyphenated form of a UUID (`8-4-4-4-12` hex digits), the only
/// form of 36 characters that [`Uuid::try_parse`] accepts.
fn is_hyphenated_uuid(text: &[u8]) -> bool {
    text.len() == 36
        && text.iter().enumerate().all(|(idx, &b)| match idx {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

impl fmt::Display for StixId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for StixId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StixId({})", self.text)
    }
}

impl FromStr for StixId {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        Self::parse(text)
    }
}

impl AsRef<str> for StixId {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl Serialize for StixId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for StixId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The name of a STIX object type, such as `indicator` or `x-acme-widget`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ObjectType(Box<str>);

impl ObjectType {
    /// Parses a type name: 3 to 250 characters of lower-case ASCII letters, digits and single
    /// hyphens, neither starting nor ending with a hyphen (STIX 2.1 section 3.1).
    ///
    /// # Errors
    ///
    /// Returns [`IdError`] when the name breaks one of those rules.
    pub fn parse(name: &str) -> Result<Self, IdError> {
        Self::check(name).map_err(|reason| IdError {
            value: name.to_owned(),
            reason,
        })?;
        Ok(Self(name.into()))
    }

    /// Returns the type name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn check(name: &str) -> Result<(), &'static str> {
        if name.len() < 3 || name.len() > 250 {
            return Err("a type name must be 3 to 250 characters");
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("a type name may only contain a-z, 0-9 and '-'");
        }
        if name.starts_with('-')
            || name.ends_with('-')
            || name.as_bytes().windows(2).any(|pair| pair == b"--")
        {
            return Err("a type name may not start or end with '-' or contain '--'");
        }
        Ok(())
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ObjectType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_splits_an_identifier() {
        let id = StixId::parse("attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061").unwrap();
        assert_eq!(id.object_type(), "attack-pattern");
        assert_eq!(
            id.uuid().to_string(),
            "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"
        );
    }

    #[test]
    fn rejects_malformed_identifiers() {
        for bad in [
            "indicator",
            "indicator--",
            "--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "Indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "indicator--0C7B5B88-8FF7-4A4D-AA9D-FEB398CD0061",
            "indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd006",
            "indicator--0c7b5b888ff74a4daa9dfeb398cd0061aaaa",
            "in--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
        ] {
            assert!(StixId::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn uuid_check_agrees_with_the_uuid_crate_on_36_characters() {
        for text in [
            "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
            "0c7b5b88-8ff7-4a4d-aa9d-feb398cd006g",
            "0c7b5b888ff7-4a4d-aa9d-feb398cd0061-",
            "0c7b5b888ff74a4daa9dfeb398cd0061aaaa",
            "0c7b5b88-8ff7-4a4d-aa9d+feb398cd0061",
            "{c7b5b88-8ff7-4a4d-aa9d-feb398cd006}",
            "00000000-0000-0000-0000-000000000000",
            "0c7b5b88-8ff7-4a4d-aa9d-feb398cd00é",
        ] {
            assert_eq!(
                is_hyphenated_uuid(text.as_bytes()),
                text.len() == 36 && Uuid::try_parse(text).is_ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn type_names_follow_the_spec() {
        assert!(ObjectType::parse("x-acme-widget").is_ok());
        assert!(ObjectType::parse("x_acme").is_err());
        assert!(ObjectType::parse("ab").is_err());
        assert!(ObjectType::parse("-abc").is_err());
    }
}
