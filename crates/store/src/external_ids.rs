//! External ids as look-up values: every `external_references` entry that carries both a
//! `source_name` and an `external_id` is kept beside its object version, so that "which stored
//! objects are ATT&CK technique `T1059.001`?" is an index look-up ([`Store::lookup`]) rather
//! than a scan of the objects' JSON.
//!
//! The kind of such a value is `external-id:` followed by the source name, as written
//! (`external-id:mitre-attack`, `external-id:mitre-atlas`, `external-id:cve`); the value is the
//! id, trimmed. Migration 0030 computes the same values for versions stored before it.
//!
//! [`Store::lookup`]: crate::Store::lookup

use stix::StixObject;

use crate::lookup::LookupValue;

/// The prefix of the kinds of external-id look-up values.
const KIND_PREFIX: &str = "external-id:";

/// Returns the look-up kind of the external ids of a source (`external-id:mitre-attack`).
pub fn external_id_kind(source_name: &str) -> String {
    format!("{KIND_PREFIX}{source_name}")
}

/// Returns the look-up values of an object's external ids: one per external reference with a
/// non-empty `external_id`, of kind [`external_id_kind`] of its `source_name`.
pub fn external_id_values(object: &StixObject) -> Vec<LookupValue> {
    object
        .common()
        .external_references
        .iter()
        .flatten()
        .filter_map(|reference| {
            let external_id = reference.external_id.as_deref()?.trim();
            (!external_id.is_empty())
                .then(|| LookupValue::new(external_id_kind(&reference.source_name), external_id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reference_with_an_id_gives_a_value() {
        let technique = StixObject::from_json(
            r#"{"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"PowerShell","external_references":[{"source_name":"mitre-attack","external_id":" T1059.001 ","url":"https://attack.mitre.org/techniques/T1059/001"},{"source_name":"Microsoft PowerShell","description":"a citation without an id"},{"source_name":"capec","external_id":"CAPEC-242"},{"source_name":"empty","external_id":""}]}"#,
        )
        .unwrap();
        assert_eq!(
            external_id_values(&technique),
            [
                LookupValue::new("external-id:mitre-attack", "T1059.001"),
                LookupValue::new("external-id:capec", "CAPEC-242"),
            ]
        );
    }
}
