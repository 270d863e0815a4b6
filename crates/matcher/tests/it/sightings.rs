//! Sightings made from matches: one per indicator, valid STIX 2.1.

use matcher::{FormatSpec, SightingBuilder};
use stix::{StixId, StixObject, StixTimestamp, ValidationOptions, validate_object};

use crate::support::{scan, test_index};

#[test]
fn sightings_aggregate_matches_per_indicator_and_are_valid() {
    let (index, _) = test_index();
    let report = scan("eve/eve.json", &FormatSpec::default(), &index);
    let now = StixTimestamp::parse("2024-01-20T00:00:00.000Z").unwrap();
    let mut builder = SightingBuilder::new();
    for found in &report.outcome.matches {
        builder.add(found, now);
    }
    let identity = StixId::parse("identity--0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0").unwrap();
    let amber = stix::Tlp::Amber.marking_id();
    let sightings = builder.build(&identity, now, std::slice::from_ref(&amber));
    let distinct: std::collections::BTreeSet<_> = report
        .outcome
        .matches
        .iter()
        .map(|found| &found.indicator)
        .collect();
    assert_eq!(sightings.len(), distinct.len());
    let mut total = 0;
    for object in &sightings {
        let diagnostics = validate_object(object, &ValidationOptions::default());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let StixObject::Sighting(sighting) = object else {
            panic!("not a sighting")
        };
        assert_eq!(
            sighting.where_sighted_refs.as_deref(),
            Some(&[identity.clone()][..])
        );
        assert_eq!(sighting.common.created_by_ref.as_ref(), Some(&identity));
        assert_eq!(object.object_marking_refs(), std::slice::from_ref(&amber));
        let of_this: Vec<_> = report
            .outcome
            .matches
            .iter()
            .filter(|found| found.indicator == sighting.sighting_of_ref)
            .collect();
        assert_eq!(sighting.count, Some(of_this.len() as i64));
        assert_eq!(
            sighting.first_seen,
            of_this.iter().filter_map(|found| found.time).min()
        );
        assert_eq!(
            sighting.last_seen,
            of_this.iter().filter_map(|found| found.time).max()
        );
        total += of_this.len();
    }
    assert_eq!(total, report.outcome.matches.len());
}
