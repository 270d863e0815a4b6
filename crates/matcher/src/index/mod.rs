//! The indicator index: every active indicator's lookup keys in hash tables sized for a
//! million indicators, with the few facts a match report needs.
//!
//! Layout (measured designs from DEPENDENCIES.md): keys live in a byte arena; three
//! `hashbrown` tables (domains, IP networks, everything else) hold 4-byte key numbers hashed
//! with xxh3, so a table slot costs 5 bytes; equal hashes are confirmed by comparing the
//! stored key exactly. A domain is looked up by probing each label-boundary suffix of the
//! name (`a.b.example.com`, `b.example.com`, `example.com`, `com`), skipping suffixes whose
//! label count no key has. An IP address is looked up once per prefix length in use, after (from
//! 4,096 IPv4 keys on) a 128 KiB bitmap of the /20 blocks any IPv4 key covers has ruled out most
//! addresses with one access to the L2 cache.
//!
//! Updates are incremental: [`IndicatorIndex::upsert`] replaces an older version of an
//! indicator, drops a revoked one and ignores a stale one; [`IndicatorIndex::remove`] drops
//! an indicator. Freed slots are reused and the arena is compacted once half of it is
//! garbage, so a long-running index neither grows without bound nor ever rebuilds in full.

mod key;
mod table;

pub use key::{DomainScope, Key, KeyKind};
pub use table::{Hit, IndexStats, IndicatorIndex, IndicatorRef, Upsert};

use std::sync::Arc;

use stix::{StixId, StixTimestamp};

/// An indicator as the index takes it: identity, validity, name and producer, and its keys.
#[derive(Debug, Clone)]
pub struct IndicatorEntry {
    /// The indicator's id (`indicator--…`).
    pub id: StixId,
    /// The version (`modified`, else `created`); a newer version replaces an older one.
    pub modified: Option<StixTimestamp>,
    /// Whether this version is revoked: it removes the indicator.
    pub revoked: bool,
    /// `valid_from`: matches of events before it do not count.
    pub valid_from: StixTimestamp,
    /// `valid_until`: matches of events at or after it do not count.
    pub valid_until: Option<StixTimestamp>,
    /// The indicator's `name`, reported with each match.
    pub name: Option<String>,
    /// `created_by_ref`: the producer, reported with each match and in sightings.
    pub created_by_ref: Option<StixId>,
    /// The keys; any one of them seen in a log is a match (or a candidate, see `evaluate`).
    pub keys: Vec<Key>,
    /// For a pattern its keys cannot decide alone: the prepared pattern, evaluated on each
    /// event that hits a key.
    pub evaluate: Option<Arc<stix_pattern::Evaluator>>,
}
