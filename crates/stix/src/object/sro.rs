//! The two STIX Relationship Objects (STIX 2.1 section 5).

use crate::{StixId, StixTimestamp};

stix_struct! {
    /// A link between two objects.
    Relationship {
        /// The kind of link, such as `uses` or `indicates`.
        relationship_type: String,
        /// More details and context.
        description: Option<String>,
        /// The source of the relationship.
        source_ref: StixId,
        /// The target of the relationship.
        target_ref: StixId,
        /// When the relationship started to hold.
        start_time: Option<StixTimestamp>,
        /// When the relationship stopped holding.
        stop_time: Option<StixTimestamp>,
    }
}

stix_struct! {
    /// The belief that something was seen, such as an indicator matching in a network.
    Sighting {
        /// More details and context.
        description: Option<String>,
        /// First time it was seen.
        first_seen: Option<StixTimestamp>,
        /// Last time it was seen.
        last_seen: Option<StixTimestamp>,
        /// How many times it was seen.
        count: Option<i64>,
        /// What was seen (an SDO).
        sighting_of_ref: StixId,
        /// The observed data that back the sighting.
        observed_data_refs: Option<Vec<StixId>>,
        /// Who or where saw it (`identity` or `location`).
        where_sighted_refs: Option<Vec<StixId>>,
        /// Whether this sighting is a summary of others.
        summary: Option<bool>,
    }
}
