//! Traffic Light Protocol markings: the fixed marking definitions of TLP 1.0 (STIX 2.1
//! section 7.2.1.4) and TLP 2.0 (the OASIS extension definition for FIRST TLP 2.0), and the
//! TLP level of an object.

use serde_json::{Value, json};

use crate::{StixId, StixObject};

/// The id of the extension definition that carries TLP 2.0 levels (`tlp_2_0`).
pub const TLP_2_0_EXTENSION_DEFINITION_ID: &str =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The TLP 1.0 marking definition ids of STIX 2.1 section 7.2.1.4, with their levels.
pub const TLP_1_0_MARKING_IDS: [(&str, Tlp); 4] = [
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
];

/// A TLP 2.0 level, ordered from the least to the most restrictive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Tlp {
    /// TLP:CLEAR (TLP 1.0 TLP:WHITE): disclosure is not limited.
    Clear,
    /// TLP:GREEN: limited to the community.
    Green,
    /// TLP:AMBER: limited to the recipients' organisations and their clients.
    Amber,
    /// TLP:AMBER+STRICT: limited to the recipients' organisations.
    #[serde(rename = "amber+strict")]
    AmberStrict,
    /// TLP:RED: for the eyes and ears of the individual recipients only.
    Red,
}

impl Tlp {
    /// Every level, least restrictive first.
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// Returns the level's name as TLP 2.0 writes it: `TLP:AMBER+STRICT`.
    pub fn name(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// Returns the value of `tlp_2_0` in the marking definition: `amber+strict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// Returns the id of the official TLP 2.0 marking definition of this level.
    pub fn marking_id(self) -> StixId {
        StixId::parse(self.marking_id_str())
            .expect("the official TLP 2.0 ids are valid identifiers")
    }

    /// Returns the text of [`Tlp::marking_id`], without parsing it.
    fn marking_id_str(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// Returns the level a marking reference stands for: a TLP 2.0 marking definition, or a
    /// TLP 1.0 one mapped to its TLP 2.0 counterpart (TLP:WHITE is TLP:CLEAR).
    pub fn from_marking_ref(id: &StixId) -> Option<Tlp> {
        Tlp::ALL
            .into_iter()
            .find(|tlp| tlp.marking_id_str() == id.as_str())
            .or_else(|| {
                TLP_1_0_MARKING_IDS
                    .iter()
                    .find(|(text, _)| *text == id.as_str())
                    .map(|&(_, tlp)| tlp)
            })
    }

    /// Returns the official TLP 2.0 marking definition of this level, as published with the
    /// OASIS TLP 2.0 extension definition.
    pub fn marking_definition(self) -> StixObject {
        let value = json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": self.marking_id().as_str(),
            "created": "2022-10-01T00:00:00.000Z",
            "name": self.name(),
            "extensions": {
                TLP_2_0_EXTENSION_DEFINITION_ID: {
                    "extension_type": "property-extension",
                    "tlp_2_0": self.as_str(),
                }
            }
        });
        StixObject::from_value(value).expect("the official TLP 2.0 marking definitions parse")
    }
}

impl std::fmt::Display for Tlp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Returns the most restrictive TLP level among an object's object-level and granular
/// markings, or `None` when it carries no TLP marking.
pub fn tlp_of(object: &StixObject) -> Option<Tlp> {
    object
        .marking_refs()
        .filter_map(Tlp::from_marking_ref)
        .max()
}

/// Returns the TLP 1.0 marking definition with this id, exactly as STIX 2.1 section 7.2.1.4
/// gives it, as JSON.
pub fn tlp_v1_definition(id: &StixId) -> Option<Value> {
    let (text, tlp) = TLP_1_0_MARKING_IDS
        .iter()
        .find(|(text, _)| *text == id.as_str())?;
    let level = match tlp {
        Tlp::Clear => "white",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict | Tlp::Red => "red",
    };
    Some(json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": text,
        "created": "2017-01-20T00:00:00.000Z",
        "definition_type": "tlp",
        "name": format!("TLP:{}", level.to_ascii_uppercase()),
        "definition": { "tlp": level },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> StixId {
        StixId::parse(text).unwrap()
    }

    #[test]
    fn levels_are_ordered_by_restriction() {
        assert!(Tlp::Clear < Tlp::Green && Tlp::Green < Tlp::Amber);
        assert!(Tlp::Amber < Tlp::AmberStrict && Tlp::AmberStrict < Tlp::Red);
    }

    #[test]
    fn maps_tlp_1_0_ids_to_tlp_2_0_levels() {
        let cases = [
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
                "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                Tlp::AmberStrict,
            ),
        ];
        for (text, tlp) in cases {
            assert_eq!(Tlp::from_marking_ref(&id(text)), Some(tlp), "{text}");
        }
        assert_eq!(
            Tlp::from_marking_ref(&id(
                "marking-definition--00000000-0000-4000-8000-000000000000"
            )),
            None
        );
    }

    #[test]
    fn official_tlp_2_0_definition_is_exact() {
        let object = Tlp::AmberStrict.marking_definition();
        let expected: Value = serde_json::from_str(
            r#"{"type":"marking-definition","spec_version":"2.1",
                "id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                "created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER+STRICT",
                "extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                  {"extension_type":"property-extension","tlp_2_0":"amber+strict"}}}"#,
        )
        .unwrap();
        assert_eq!(object.to_value(), expected);
        for tlp in Tlp::ALL {
            let diagnostics =
                crate::validate_object(&tlp.marking_definition(), &Default::default());
            assert!(
                diagnostics.iter().all(|d| !d.is_error()),
                "{tlp}: {diagnostics:?}"
            );
        }
    }

    #[test]
    fn tlp_of_takes_the_most_restrictive_marking() {
        let object = StixObject::from_json(
            r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",
                "pattern":"[url:value = 'http://x.example/']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z",
                "object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
                "granular_markings":[{"marking_ref":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","selectors":["pattern"]}]}"#,
        )
        .unwrap();
        assert_eq!(tlp_of(&object), Some(Tlp::Amber));
    }
}
