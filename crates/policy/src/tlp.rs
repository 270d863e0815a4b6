//! TLP 2.0 levels, the fixed marking definitions of TLP 1.0 and 2.0, and the level of an
//! object (the most restrictive of its markings).

use std::fmt;
use std::str::FromStr;

use stix::{StixId, StixObject};

/// A Traffic Light Protocol 2.0 level, ordered from least to most restrictive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Tlp {
    /// TLP:CLEAR (TLP 1.0 TLP:WHITE): disclosure is not limited.
    #[serde(rename = "clear")]
    Clear,
    /// TLP:GREEN: limited to the community.
    #[serde(rename = "green")]
    Green,
    /// TLP:AMBER: limited to the recipients' organisations and their clients.
    #[serde(rename = "amber")]
    Amber,
    /// TLP:AMBER+STRICT: limited to the recipients' organisations.
    #[serde(rename = "amber+strict")]
    AmberStrict,
    /// TLP:RED: for the eyes of the named recipients only.
    #[serde(rename = "red")]
    Red,
}

/// Error returned when a string is not a TLP level name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown TLP level {value:?}: expected clear, green, amber, amber+strict or red")]
pub struct TlpParseError {
    /// The offending input.
    pub value: String,
}

// The fixed marking-definition ids: TLP 1.0 from STIX 2.1 section 7.2.1.4, TLP 2.0 from the
// OASIS TLP 2.0 marking extension. TLP 1.0 WHITE is treated as TLP 2.0 CLEAR.
const MARKINGS: &[(&str, Tlp)] = &[
    (
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Clear,
    ),
    (
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Green,
    ),
    (
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Amber,
    ),
    (
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        Tlp::Red,
    ),
    (
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Clear,
    ),
    (
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Green,
    ),
    (
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::Amber,
    ),
    (
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::AmberStrict,
    ),
    (
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        Tlp::Red,
    ),
];

impl Tlp {
    /// Every level, least restrictive first.
    pub const ALL: [Self; 5] = [
        Self::Clear,
        Self::Green,
        Self::Amber,
        Self::AmberStrict,
        Self::Red,
    ];

    /// Returns the lower-case name used in storage and on the command line (`amber+strict`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clear => "clear",
            Self::Green => "green",
            Self::Amber => "amber",
            Self::AmberStrict => "amber+strict",
            Self::Red => "red",
        }
    }

    /// Parses a level name as [`Tlp::as_str`] prints it (case-insensitive, `TLP:` prefix and
    /// the TLP 1.0 name `white` accepted).
    ///
    /// # Errors
    ///
    /// Returns [`TlpParseError`] for anything else.
    pub fn parse(text: &str) -> Result<Self, TlpParseError> {
        let lower = text.trim().to_ascii_lowercase();
        let name = lower.strip_prefix("tlp:").unwrap_or(&lower);
        match name {
            "clear" | "white" => Ok(Self::Clear),
            "green" => Ok(Self::Green),
            "amber" => Ok(Self::Amber),
            "amber+strict" => Ok(Self::AmberStrict),
            "red" => Ok(Self::Red),
            _ => Err(TlpParseError {
                value: text.to_owned(),
            }),
        }
    }

    /// Returns the TLP 2.0 marking-definition id of this level.
    pub fn marking_id(self) -> StixId {
        let text = MARKINGS
            .iter()
            .skip(4)
            .find(|(_, tlp)| *tlp == self)
            .map(|(id, _)| *id)
            .expect("every level has a TLP 2.0 marking");
        StixId::parse(text).expect("the fixed TLP marking ids are valid")
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tlp {
    type Err = TlpParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Returns the TLP level named by a marking-definition id, or `None` for other markings.
pub fn tlp_of_marking(marking: &StixId) -> Option<Tlp> {
    MARKINGS
        .iter()
        .find(|(id, _)| *id == marking.as_str())
        .map(|&(_, tlp)| tlp)
}

/// Returns the object's TLP level: the most restrictive TLP marking among its object-level
/// and granular markings, or `None` when it carries none.
pub fn tlp_of(object: &StixObject) -> Option<Tlp> {
    object.marking_refs().filter_map(tlp_of_marking).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> StixObject {
        StixObject::from_json(json).unwrap()
    }

    const INDICATOR: &str = r#""type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z""#;

    #[test]
    fn most_restrictive_marking_wins_and_tlp1_counts_as_tlp2() {
        let unmarked = object(&format!("{{{INDICATOR}}}"));
        assert_eq!(tlp_of(&unmarked), None);
        let white = object(&format!(
            r#"{{{INDICATOR},"object_marking_refs":["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]}}"#
        ));
        assert_eq!(tlp_of(&white), Some(Tlp::Clear));
        let granular_red = object(&format!(
            r#"{{{INDICATOR},"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],"granular_markings":[{{"marking_ref":"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed","selectors":["pattern"]}}]}}"#
        ));
        assert_eq!(tlp_of(&granular_red), Some(Tlp::Red));
        let strict = object(&format!(
            r#"{{{INDICATOR},"object_marking_refs":["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003","marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]}}"#
        ));
        assert_eq!(tlp_of(&strict), Some(Tlp::AmberStrict));
    }

    #[test]
    fn names_round_trip() {
        for tlp in Tlp::ALL {
            assert_eq!(Tlp::parse(tlp.as_str()), Ok(tlp));
            assert_eq!(tlp_of_marking(&tlp.marking_id()), Some(tlp));
        }
        assert_eq!(Tlp::parse("TLP:WHITE"), Ok(Tlp::Clear));
        assert!(Tlp::parse("purple").is_err());
    }
}
