//! The named recipients of a TLP:RED object.
//!
//! TLP:RED is for the eyes of named recipients only. Phalanx names them on the object itself
//! with the custom property `x_phalanx_recipients`: a list of STIX identity ids, each either an
//! individual's identity or a participant organisation's identity. A principal may read a RED
//! object version when its own identity or its organisation's identity is in that list.

use serde_json::Value;
use stix::{StixId, StixObject};

/// The custom property that lists the recipients of a TLP:RED object (identity ids).
pub const RECIPIENTS_PROPERTY: &str = "x_phalanx_recipients";

/// Returns the recipients named by `x_phalanx_recipients`, skipping entries that are not
/// identity ids (validation reports those; a malformed entry grants nothing).
pub fn red_recipients(object: &StixObject) -> Vec<StixId> {
    let Some(Value::Array(entries)) = object.custom_properties().get(RECIPIENTS_PROPERTY) else {
        return Vec::new();
    };
    let mut recipients: Vec<StixId> = entries
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|text| StixId::parse(text).ok())
        .filter(|id| id.object_type() == "identity")
        .collect();
    recipients.sort();
    recipients.dedup();
    recipients
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_identity_ids_and_ignores_the_rest() {
        let object = StixObject::from_json(
            r#"{"type":"note","spec_version":"2.1","id":"note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z","content":"x","object_refs":["note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"],"x_phalanx_recipients":["identity--311b2d2d-f010-4473-83ec-1edf84858f4c","malware--311b2d2d-f010-4473-83ec-1edf84858f4c",7,"identity--311b2d2d-f010-4473-83ec-1edf84858f4c"]}"#,
        )
        .unwrap();
        let recipients: Vec<String> = red_recipients(&object)
            .iter()
            .map(|id| id.as_str().to_owned())
            .collect();
        assert_eq!(
            recipients,
            ["identity--311b2d2d-f010-4473-83ec-1edf84858f4c"]
        );
    }
}
