//! Indicators as the matcher reads them: streamed out of a bundle (a million indicators are
//! hundreds of megabytes of JSON, never held whole as a tree), or taken from stored JSON, then
//! compiled into [`IndicatorEntry`]s.

mod compile;

use std::fmt;
use std::io::Read;

use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

pub use compile::{CompileError, compile};

/// The properties of an indicator the matcher uses, read from JSON without building the whole
/// object; other objects of a bundle read with only their `type`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct IndicatorRecord {
    /// `type`.
    #[serde(rename = "type", default)]
    pub object_type: String,
    /// `id`.
    pub id: Option<String>,
    /// `created`.
    pub created: Option<String>,
    /// `modified`.
    pub modified: Option<String>,
    /// `revoked`.
    pub revoked: Option<bool>,
    /// `name`.
    pub name: Option<String>,
    /// `created_by_ref`.
    pub created_by_ref: Option<String>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `pattern_type`.
    pub pattern_type: Option<String>,
    /// `pattern_version`.
    pub pattern_version: Option<String>,
    /// `spec_version`.
    pub spec_version: Option<String>,
    /// `valid_from`.
    pub valid_from: Option<String>,
    /// `valid_until`.
    pub valid_until: Option<String>,
    /// `x_phalanx_domain_match`: `"exact"` makes the indicator's domain names match only
    /// themselves, not their subdomains (the default, `"subdomains"`).
    pub x_phalanx_domain_match: Option<serde_json::Value>,
}

/// A bundle that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("invalid bundle: {message}")]
pub struct BundleError {
    /// What is wrong, with the line and column where `serde_json` stopped.
    pub message: String,
}

/// Streams the indicators of a bundle (`{"type":"bundle","objects":[...]}`) or of a plain JSON
/// array of objects to `visit`, with their index in `objects`. Other objects are skipped
/// without being built.
///
/// # Errors
///
/// [`BundleError`] when the text is not JSON or not a bundle; the indicators before the error
/// were already visited.
pub fn read_bundle(
    reader: impl Read,
    mut visit: impl FnMut(usize, IndicatorRecord),
) -> Result<(), BundleError> {
    let reader = std::io::BufReader::with_capacity(1 << 20, reader);
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    BundleSeed { visit: &mut visit }
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end())
        .map_err(|error| BundleError {
            message: error.to_string(),
        })
}

struct BundleSeed<'v, F> {
    visit: &'v mut F,
}

impl<'de, F: FnMut(usize, IndicatorRecord)> DeserializeSeed<'de> for BundleSeed<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, F: FnMut(usize, IndicatorRecord)> Visitor<'de> for BundleSeed<'_, F> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a STIX bundle or a list of STIX objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen_type = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "objects" => map.next_value_seed(ObjectsSeed {
                    visit: &mut *self.visit,
                })?,
                "type" => seen_type = Some(map.next_value::<String>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match seen_type.as_deref() {
            Some("bundle") => Ok(()),
            Some(other) => Err(serde::de::Error::custom(format!(
                "expected a bundle, found a `{other}`"
            ))),
            None => Err(serde::de::Error::custom(
                "a bundle needs `\"type\": \"bundle\"`",
            )),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        ObjectsSeed { visit: self.visit }.visit_seq(seq)
    }
}

struct ObjectsSeed<'v, F> {
    visit: &'v mut F,
}

impl<'de, F: FnMut(usize, IndicatorRecord)> DeserializeSeed<'de> for ObjectsSeed<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, IndicatorRecord)> Visitor<'de> for ObjectsSeed<'_, F> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a list of STIX objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut idx = 0;
        while let Some(record) = seq.next_element::<IndicatorRecord>()? {
            if record.object_type == "indicator" {
                (self.visit)(idx, record);
            }
            idx += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_indicators_and_skips_other_objects() {
        let bundle = r#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
            {"type":"identity","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c","name":"x","identity_class":"organization","extra":{"deep":[1,2,3]}},
            {"type":"indicator","id":"indicator--a932fcc6-e032-476c-826f-cb970a5a1ade","pattern":"[domain-name:value = 'example.com']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z","labels":["x"]}
        ]}"#;
        let mut seen = Vec::new();
        read_bundle(bundle.as_bytes(), |idx, record| {
            seen.push((idx, record.id, record.pattern))
        })
        .unwrap();
        assert_eq!(
            seen,
            [(
                1,
                Some("indicator--a932fcc6-e032-476c-826f-cb970a5a1ade".to_owned()),
                Some("[domain-name:value = 'example.com']".to_owned())
            )]
        );
    }

    #[test]
    fn refuses_what_is_not_a_bundle() {
        let error = read_bundle(&br#"{"type":"report","objects":[]}"#[..], |_, _| {}).unwrap_err();
        assert!(
            error
                .message
                .contains("expected a bundle, found a `report`"),
            "{error}"
        );
        let error = read_bundle(
            &br#"{"type":"bundle","objects":[{"type":"indicator","id":5}]}"#[..],
            |_, _| {},
        )
        .unwrap_err();
        assert!(error.message.contains("line 1"), "{error}");
        let error = read_bundle(&br#"{"type":"bundle"} x"#[..], |_, _| {}).unwrap_err();
        assert!(error.message.contains("trailing"), "{error}");
    }
}
