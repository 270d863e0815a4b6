//! TLP 2.0 levels as the policy uses them: the level type and an object's level come from
//! `stix` (TLP 1.0 marking ids count as their TLP 2.0 counterparts); this module adds the
//! parsing of level names given by operators (command line, configuration).

pub use stix::{Tlp, tlp_of};

/// Error returned when a string is not a TLP level name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown TLP level {value:?}: expected clear, green, amber, amber+strict or red")]
pub struct TlpParseError {
    /// The offending input.
    pub value: String,
}

/// Parses a level name: `clear`, `green`, `amber`, `amber+strict` or `red`, in any case, with
/// or without the `TLP:` prefix; the TLP 1.0 name `white` is `clear`.
///
/// # Errors
///
/// Returns [`TlpParseError`] for anything else.
pub fn parse_tlp(text: &str) -> Result<Tlp, TlpParseError> {
    let lower = text.trim().to_ascii_lowercase();
    let name = lower.strip_prefix("tlp:").unwrap_or(&lower);
    if name == "white" {
        return Ok(Tlp::Clear);
    }
    Tlp::ALL
        .into_iter()
        .find(|tlp| tlp.as_str() == name)
        .ok_or_else(|| TlpParseError {
            value: text.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_in_every_spelling() {
        for tlp in Tlp::ALL {
            assert_eq!(parse_tlp(tlp.as_str()), Ok(tlp));
            assert_eq!(parse_tlp(tlp.name()), Ok(tlp));
        }
        assert_eq!(parse_tlp("TLP:WHITE"), Ok(Tlp::Clear));
        assert_eq!(parse_tlp(" Amber+Strict "), Ok(Tlp::AmberStrict));
        assert!(parse_tlp("purple").is_err());
    }
}
