//! Turning matches into STIX 2.1 Sightings: one per indicator seen, with when it was first
//! and last seen, how often, and who saw it.

use std::collections::BTreeMap;

use stix::{CommonProperties, CustomProperties, Sighting, StixId, StixObject, StixTimestamp};

use crate::scan::Match;

/// The largest `count` a Sighting may carry (STIX 2.1 section 5.2.1).
pub const MAX_SIGHTING_COUNT: u64 = 999_999_999;

/// Aggregates matches per indicator.
#[derive(Debug, Clone, Default)]
pub struct SightingBuilder {
    seen: BTreeMap<StixId, Seen>,
}

#[derive(Debug, Clone)]
struct Seen {
    first: StixTimestamp,
    last: StixTimestamp,
    count: u64,
}

impl SightingBuilder {
    /// Creates an empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts a match; a match without an event time counts as seen at `default_time`.
    pub fn add(&mut self, found: &Match, default_time: StixTimestamp) {
        let time = found.time.unwrap_or(default_time);
        self.seen
            .entry(found.indicator.clone())
            .and_modify(|seen| {
                seen.first = seen.first.min(time);
                seen.last = seen.last.max(time);
                seen.count += 1;
            })
            .or_insert(Seen {
                first: time,
                last: time,
                count: 1,
            });
    }

    /// Returns how many indicators were seen.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Returns whether nothing was seen.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Builds one Sighting per indicator seen, created by and sighted at `identity` (the local
    /// participant), at `now`, marked with `markings` (a TLP marking, typically: a sighting
    /// tells where something was seen). A count beyond what STIX allows is capped at
    /// 999,999,999.
    pub fn build(
        &self,
        identity: &StixId,
        now: StixTimestamp,
        markings: &[StixId],
    ) -> Vec<StixObject> {
        self.seen
            .iter()
            .map(|(indicator, seen)| {
                let mut common = CommonProperties::new(
                    StixId::new_v4("sighting").expect("`sighting` is a valid type name"),
                );
                common.spec_version = Some("2.1".to_owned());
                common.created_by_ref = Some(identity.clone());
                common.created = Some(now);
                common.modified = Some(now);
                if !markings.is_empty() {
                    common.object_marking_refs = Some(markings.to_vec());
                }
                let count = seen.count.min(MAX_SIGHTING_COUNT);
                StixObject::Sighting(Box::new(Sighting {
                    common,
                    description: Some(format!(
                        "Seen in {} log line{} by the Phalanx matcher.",
                        seen.count,
                        if seen.count == 1 { "" } else { "s" }
                    )),
                    first_seen: Some(seen.first),
                    last_seen: Some(seen.last),
                    count: Some(i64::try_from(count).expect("the count is capped below i64::MAX")),
                    sighting_of_ref: indicator.clone(),
                    observed_data_refs: None,
                    where_sighted_refs: Some(vec![identity.clone()]),
                    summary: None,
                    custom: CustomProperties::new(),
                }))
            })
            .collect()
    }
}
