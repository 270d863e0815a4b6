//! The index's tables: indicator slots, key entries, the text arena and the hash tables.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use std::sync::Arc;

use hashbrown::HashTable;
use stix::{StixId, StixTimestamp};
use stix_pattern::Evaluator;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::IndicatorEntry;
use super::key::{
    FLAG_BELOW_ONLY, FLAG_EXACT, Key, KeyKind, TAG_DOMAIN, TAG_EMAIL, TAG_HASH, TAG_IPV4, TAG_IPV6,
    TAG_URL,
};
use crate::error::Error;
use crate::normalize::HashAlgo;

/// A reference to an indicator in an [`IndicatorIndex`]; valid until the indicator is removed
/// or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndicatorRef(u32);

/// One key of one indicator found for a looked-up value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The indicator.
    pub indicator: IndicatorRef,
    key: u32,
}

/// What [`IndicatorIndex::upsert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// The indicator was new.
    Added,
    /// An older version was replaced.
    Replaced,
    /// The version is revoked: the indicator is no longer matched.
    Revoked,
    /// The version has no key the matcher can look up: the indicator is not matched (an older
    /// version, if any, was removed).
    Unindexed,
    /// The index already holds this version or a newer one: nothing changed.
    Stale,
}

/// Counts and memory of an index.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    /// Indicators in the index.
    pub indicators: usize,
    /// Domain keys.
    pub domains: usize,
    /// IP address and network keys.
    pub ips: usize,
    /// URL, hash and e-mail keys.
    pub others: usize,
    /// Distinct producers.
    pub producers: usize,
    /// Heap memory held by the index, in bytes.
    pub heap_bytes: usize,
}

/// The compiled indicators, ready for lookups; see the [module docs](super).
#[derive(Debug, Clone)]
pub struct IndicatorIndex {
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    by_id: HashTable<u32>,
    keys: Vec<KeyEntry>,
    free_keys: Vec<u32>,
    domains: HashTable<u32>,
    ips: HashTable<u32>,
    others: HashTable<u32>,
    /// Bloom filters in front of `domains` and `others`, small enough for the L2 cache.
    domain_filter: KeyFilter,
    other_filter: KeyFilter,
    arena: Vec<u8>,
    garbage: usize,
    producers: Vec<StixId>,
    producer_ids: HashTable<u32>,
    /// Versions seen that hold no slot (revoked, or without keys), so that an older version
    /// arriving later does not bring the indicator back.
    tombstones: HashTable<([u8; 16], i64)>,
    /// The prepared patterns of indicators whose keys only find candidates, by slot.
    evaluators: HashTable<(u32, Arc<Evaluator>)>,
    label_counts: Vec<u32>,
    label_mask: u128,
    v4_lengths: Vec<u32>,
    v6_lengths: Vec<u32>,
    v4_order: Vec<u8>,
    v6_order: Vec<u8>,
    v4_filter: Vec<u64>,
    v4_removed: usize,
    /// The /32 prefixes of IPv6 keys of at least 32 bits, with their counts, and the number
    /// of shorter IPv6 keys: an address outside every such prefix needs no probe per length
    /// (when there is no shorter key).
    v6_prefixes: HashTable<(u32, u32)>,
    v6_short: u32,
    n_live: usize,
}

/// Indicators whose name is longer are stored with the name cut at a character boundary:
/// the name is for people reading a match report.
const MAX_NAME_LEN: usize = 1024;
/// The longest key the index stores (a URL, in practice).
const MAX_KEY_LEN: usize = u16::MAX as usize;
const NONE: u32 = u32::MAX;
const LIVE: u8 = 1;
const EVALUATE: u8 = 2;
/// The IPv4 prefilter has one bit per /20 block: 128 KiB, small enough to stay in a core's L2
/// cache (a /24 bitmap, 2 MiB, rejected more addresses but each test missed the cache).
const V4_FILTER_SHIFT: u32 = 12;
const V4_FILTER_WORDS: usize = (1 << (32 - V4_FILTER_SHIFT)) / 64;
/// Below this many IPv4 keys the prefilter is not worth its memory: lookups probe directly.
const V4_FILTER_MIN_KEYS: u32 = 4096;
/// More labels than this are looked up without the label-count filter.
const MAX_LABELS: usize = 127;

#[derive(Debug, Clone)]
struct Slot {
    uuid: [u8; 16],
    valid_from: i64,
    valid_until: i64,
    modified: i64,
    name_off: u32,
    producer: u32,
    first_key: u32,
    name_len: u16,
    flags: u8,
}

#[derive(Debug, Clone)]
struct KeyEntry {
    indicator: u32,
    next: u32,
    text_off: u32,
    text_len: u16,
    tag: u8,
    flags: u8,
}

impl Default for IndicatorIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl IndicatorIndex {
    /// Creates an empty index.
    pub fn new() -> Self {
        Self {
            slots: Vec::new(),
            free_slots: Vec::new(),
            by_id: HashTable::new(),
            keys: Vec::new(),
            free_keys: Vec::new(),
            domains: HashTable::new(),
            ips: HashTable::new(),
            others: HashTable::new(),
            domain_filter: KeyFilter::default(),
            other_filter: KeyFilter::default(),
            arena: Vec::new(),
            garbage: 0,
            producers: Vec::new(),
            producer_ids: HashTable::new(),
            tombstones: HashTable::new(),
            evaluators: HashTable::new(),
            label_counts: vec![0; MAX_LABELS + 1],
            label_mask: 0,
            v4_lengths: vec![0; 33],
            v6_lengths: vec![0; 129],
            v4_order: Vec::new(),
            v6_order: Vec::new(),
            v4_filter: Vec::new(),
            v4_removed: 0,
            v6_prefixes: HashTable::new(),
            v6_short: 0,
            n_live: 0,
        }
    }

    /// Creates an empty index with room for `n_indicators` indicators of about one key each,
    /// so that building it does not reallocate.
    pub fn with_capacity(n_indicators: usize) -> Self {
        let mut index = Self::new();
        index.slots.reserve_exact(n_indicators);
        index.keys.reserve_exact(n_indicators);
        index.by_id = HashTable::with_capacity(n_indicators);
        index.arena.reserve_exact(n_indicators * 48);
        index
    }

    /// Adds an indicator, or a new version of one (see [`Upsert`]).
    ///
    /// # Errors
    ///
    /// [`Error::NotAnIndicator`] when the id is not an `indicator--` id, [`Error::KeyTooLong`]
    /// for a key over 65,535 bytes and [`Error::IndexFull`] when the arena would pass 4 GiB.
    /// The index is unchanged on error.
    pub fn upsert(&mut self, entry: &IndicatorEntry) -> Result<Upsert, Error> {
        if entry.id.object_type() != "indicator" {
            return Err(Error::NotAnIndicator {
                id: entry.id.clone(),
            });
        }
        let mut encoded = Vec::with_capacity(entry.keys.len());
        let mut bytes = Vec::new();
        let mut key_bytes = 0usize;
        for key in &entry.keys {
            let (tag, flags) = key.encode(&mut bytes);
            if bytes.len() > MAX_KEY_LEN {
                return Err(Error::KeyTooLong {
                    id: entry.id.clone(),
                    len: bytes.len(),
                });
            }
            key_bytes += bytes.len();
            encoded.push((tag, flags, bytes.clone()));
        }
        encoded.sort();
        encoded.dedup();
        let name = entry
            .name
            .as_deref()
            .map(|name| cut_at_char_boundary(name, MAX_NAME_LEN));
        let needed = key_bytes + name.map_or(0, str::len);
        if self.arena.len() + needed > u32::MAX as usize {
            return Err(Error::IndexFull);
        }

        let uuid = *entry.id.uuid().as_bytes();
        let modified = entry
            .modified
            .map_or(i64::MIN, |modified| modified.to_micros());
        let existing = self.find_slot(&uuid);
        let previous = match existing {
            Some(slot) => Some(self.slots[slot as usize].modified),
            None => self.tombstone(&uuid),
        };
        if previous.is_some_and(|previous| previous >= modified) {
            return Ok(Upsert::Stale);
        }
        if let Some(slot) = existing {
            self.remove_slot(slot);
        }
        if entry.revoked || encoded.is_empty() {
            self.set_tombstone(uuid, modified);
            return Ok(if entry.revoked {
                Upsert::Revoked
            } else {
                Upsert::Unindexed
            });
        }
        self.clear_tombstone(&uuid);

        let producer = entry
            .created_by_ref
            .as_ref()
            .map_or(NONE, |producer| self.intern_producer(producer));
        let (name_off, name_len) = match name {
            Some(name) => (self.push_text(name.as_bytes()), name.len()),
            None => (0, 0),
        };
        let slot = Slot {
            uuid,
            valid_from: entry.valid_from.to_micros(),
            valid_until: entry
                .valid_until
                .map_or(i64::MAX, |until| until.to_micros()),
            modified,
            name_off,
            producer,
            first_key: NONE,
            name_len: u16::try_from(name_len).expect("names are cut to MAX_NAME_LEN"),
            flags: if entry.evaluate.is_some() {
                LIVE | EVALUATE
            } else {
                LIVE
            },
        };
        let slot_idx = match self.free_slots.pop() {
            Some(free) => {
                self.slots[free as usize] = slot;
                free
            }
            None => {
                self.slots.push(slot);
                u32::try_from(self.slots.len() - 1).map_err(|_| Error::IndexFull)?
            }
        };
        let hash = uuid_hash(&uuid);
        let slots = &self.slots;
        self.by_id.insert_unique(hash, slot_idx, |&slot| {
            uuid_hash(&slots[slot as usize].uuid)
        });
        for (tag, flags, bytes) in encoded {
            self.insert_key(slot_idx, tag, flags, &bytes)?;
        }
        if let Some(evaluator) = &entry.evaluate {
            self.evaluators.insert_unique(
                slot_hash(slot_idx),
                (slot_idx, Arc::clone(evaluator)),
                |(slot, _)| slot_hash(*slot),
            );
        }
        self.n_live += 1;
        Ok(if existing.is_some() {
            Upsert::Replaced
        } else {
            Upsert::Added
        })
    }

    /// Removes an indicator; returns whether it was in the index.
    pub fn remove(&mut self, id: &StixId) -> bool {
        let uuid = *id.uuid().as_bytes();
        match self.find_slot(&uuid) {
            Some(slot) => {
                self.remove_slot(slot);
                true
            }
            None => false,
        }
    }

    /// Returns the number of indicators in the index.
    pub fn len(&self) -> usize {
        self.n_live
    }

    /// Returns whether the index holds no indicator.
    pub fn is_empty(&self) -> bool {
        self.n_live == 0
    }

    /// Returns whether the index holds `id`, and its version.
    pub fn contains(&self, id: &StixId) -> bool {
        self.find_slot(id.uuid().as_bytes()).is_some()
    }

    /// Returns the indicator's id.
    pub fn id(&self, indicator: IndicatorRef) -> StixId {
        let slot = &self.slots[indicator.0 as usize];
        StixId::from_parts("indicator", uuid::Uuid::from_bytes(slot.uuid))
            .expect("`indicator` is a valid type name")
    }

    /// Returns the indicator's name.
    pub fn name(&self, indicator: IndicatorRef) -> Option<&str> {
        let slot = &self.slots[indicator.0 as usize];
        if slot.name_len == 0 {
            return None;
        }
        let start = slot.name_off as usize;
        let bytes = &self.arena[start..start + usize::from(slot.name_len)];
        Some(std::str::from_utf8(bytes).expect("names are stored from UTF-8 text"))
    }

    /// Returns the indicator's producer (`created_by_ref`).
    pub fn producer(&self, indicator: IndicatorRef) -> Option<&StixId> {
        let producer = self.slots[indicator.0 as usize].producer;
        (producer != NONE).then(|| &self.producers[producer as usize])
    }

    /// Returns whether the indicator is valid at `micros` (microseconds since the Unix epoch):
    /// `valid_from <= t < valid_until`.
    pub fn is_valid_at(&self, indicator: IndicatorRef, micros: i64) -> bool {
        let slot = &self.slots[indicator.0 as usize];
        slot.valid_from <= micros && micros < slot.valid_until
    }

    /// Returns the prepared pattern of an indicator whose keys only find candidates: a hit must
    /// be confirmed by evaluating it on the event.
    pub fn evaluator(&self, indicator: IndicatorRef) -> Option<&Evaluator> {
        if self.slots[indicator.0 as usize].flags & EVALUATE == 0 {
            return None;
        }
        self.evaluators
            .find(slot_hash(indicator.0), |(slot, _)| *slot == indicator.0)
            .map(|(_, evaluator)| evaluator.as_ref())
    }

    /// Returns how many indicators need their pattern evaluated on candidates.
    pub fn n_evaluated(&self) -> usize {
        self.evaluators.len()
    }

    /// Returns the indicator's validity window as given.
    pub fn validity(
        &self,
        indicator: IndicatorRef,
    ) -> (Option<StixTimestamp>, Option<StixTimestamp>) {
        let slot = &self.slots[indicator.0 as usize];
        let until = (slot.valid_until != i64::MAX)
            .then(|| StixTimestamp::from_micros(slot.valid_until))
            .flatten();
        (StixTimestamp::from_micros(slot.valid_from), until)
    }

    /// Returns the key a hit was found by.
    pub fn key(&self, hit: Hit) -> Key {
        let entry = &self.keys[hit.key as usize];
        Key::decode(entry.tag, entry.flags, self.key_text(entry))
    }

    /// Returns every indicator in the index.
    pub fn indicators(&self) -> impl Iterator<Item = IndicatorRef> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.flags & LIVE != 0)
            .map(|(idx, _)| IndicatorRef(u32::try_from(idx).expect("slot numbers fit u32")))
    }

    /// Returns the keys of an indicator.
    pub fn keys_of(&self, indicator: IndicatorRef) -> Vec<Key> {
        let mut keys = Vec::new();
        let mut next = self.slots[indicator.0 as usize].first_key;
        while next != NONE {
            let entry = &self.keys[next as usize];
            keys.push(Key::decode(entry.tag, entry.flags, self.key_text(entry)));
            next = entry.next;
        }
        keys
    }

    /// Returns the counts and the heap memory of the index.
    pub fn stats(&self) -> IndexStats {
        IndexStats {
            indicators: self.n_live,
            domains: self.domains.len(),
            ips: self.ips.len(),
            others: self.others.len(),
            producers: self.producers.len(),
            heap_bytes: self.heap_bytes(),
        }
    }

    /// Returns the heap memory held by the index, in bytes (allocated capacity, not use).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.slots.capacity() * size_of::<Slot>()
            + self.free_slots.capacity() * 4
            + self.by_id.allocation_size()
            + self.keys.capacity() * size_of::<KeyEntry>()
            + self.free_keys.capacity() * 4
            + self.domains.allocation_size()
            + self.ips.allocation_size()
            + self.others.allocation_size()
            + self.arena.capacity()
            + self.producers.capacity() * size_of::<StixId>()
            + self
                .producers
                .iter()
                .map(|id| id.as_str().len())
                .sum::<usize>()
            + self.producer_ids.allocation_size()
            + self.tombstones.allocation_size()
            + self.v6_prefixes.allocation_size()
            + self.evaluators.allocation_size()
            + self.label_counts.capacity() * 4
            + self.v4_lengths.capacity() * 4
            + self.v6_lengths.capacity() * 4
            + self.v4_order.capacity()
            + self.v6_order.capacity()
            + self.v4_filter.capacity() * 8
            + self.domain_filter.words.capacity() * 8
            + self.other_filter.words.capacity() * 8
    }

    /// Releases spare capacity (after a bulk build).
    pub fn shrink_to_fit(&mut self) {
        self.slots.shrink_to_fit();
        self.keys.shrink_to_fit();
        self.arena.shrink_to_fit();
        self.free_slots.shrink_to_fit();
        self.free_keys.shrink_to_fit();
        let (keys, arena, slots) = (&self.keys, &self.arena, &self.slots);
        self.domains
            .shrink_to_fit(|&key| key_hash(keys, arena, key));
        self.ips.shrink_to_fit(|&key| key_hash(keys, arena, key));
        self.others.shrink_to_fit(|&key| key_hash(keys, arena, key));
        self.by_id
            .shrink_to_fit(|&slot| uuid_hash(&slots[slot as usize].uuid));
    }

    /// Calls `visit` for every domain key that matches a normalised name: a key equal to the
    /// name (unless it matches only names below it), and each parent domain of the name that
    /// matches names below it.
    #[inline]
    pub fn lookup_domain(&self, name: &[u8], mut visit: impl FnMut(Hit)) {
        // Normalised names are at most 253 bytes, so at most 127 labels: `starts` holds them all.
        if self.domains.is_empty()
            || name.is_empty()
            || name.len() > crate::normalize::MAX_DOMAIN_LEN
        {
            return;
        }
        // Where each label starts: one pass over the name, no search per suffix.
        let mut starts = [0u16; MAX_LABELS + 1];
        let mut n_labels = 1;
        for (idx, &byte) in name.iter().enumerate() {
            if byte == b'.' && n_labels <= MAX_LABELS {
                starts[n_labels] =
                    u16::try_from(idx + 1).expect("names are at most 253 bytes long");
                n_labels += 1;
            }
        }
        for (position, &start) in starts[..n_labels].iter().enumerate() {
            let labels = n_labels - position;
            if labels < MAX_LABELS && self.label_mask & (1u128 << labels) == 0 {
                continue;
            }
            let start = usize::from(start);
            let suffix = &name[start..];
            let hash = xxh3_64_with_seed(suffix, u64::from(TAG_DOMAIN));
            if !self.domain_filter.may_contain(hash) {
                continue;
            }
            for &key in self.domains.iter_hash(hash) {
                let entry = &self.keys[key as usize];
                let wanted = if start == 0 {
                    entry.flags & FLAG_BELOW_ONLY == 0
                } else {
                    entry.flags & FLAG_EXACT == 0
                };
                if wanted && self.key_text(entry) == suffix {
                    visit(Hit {
                        indicator: IndicatorRef(entry.indicator),
                        key,
                    });
                }
            }
        }
    }

    /// Calls `visit` for every IP key (address or network) that holds `addr`.
    #[inline]
    pub fn lookup_ip(&self, addr: IpAddr, visit: impl FnMut(Hit)) {
        match addr {
            IpAddr::V4(v4) => self.lookup_v4(v4, visit),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => self.lookup_v4(v4, visit),
                None => self.lookup_v6(v6, visit),
            },
        }
    }

    /// Calls `visit` for every URL key equal to a normalised URL.
    #[inline]
    pub fn lookup_url(&self, url: &[u8], visit: impl FnMut(Hit)) {
        self.lookup_exact(&self.others, TAG_URL, url, visit);
    }

    /// Calls `visit` for every e-mail key equal to a normalised address.
    #[inline]
    pub fn lookup_email(&self, address: &[u8], visit: impl FnMut(Hit)) {
        self.lookup_exact(&self.others, TAG_EMAIL, address, visit);
    }

    /// Calls `visit` for every hash key of `algo` equal to a normalised hash value.
    #[inline]
    pub fn lookup_hash(&self, algo: HashAlgo, value: &[u8], visit: impl FnMut(Hit)) {
        self.lookup_exact(&self.others, TAG_HASH + algo.tag(), value, visit);
    }

    /// Returns whether the index holds keys of `kind` (readers skip values no key can match).
    pub fn has_kind(&self, kind: KeyKind) -> bool {
        match kind {
            KeyKind::Domain => !self.domains.is_empty(),
            KeyKind::Ip => !self.ips.is_empty(),
            KeyKind::Url | KeyKind::Hash(_) | KeyKind::Email => !self.others.is_empty(),
        }
    }

    fn lookup_v4(&self, addr: Ipv4Addr, mut visit: impl FnMut(Hit)) {
        if self.v4_order.is_empty() {
            return;
        }
        let bits = addr.to_bits();
        let block = (bits >> V4_FILTER_SHIFT) as usize;
        if !self.v4_filter.is_empty() && self.v4_filter[block / 64] & (1 << (block % 64)) == 0 {
            return;
        }
        for &len in &self.v4_order {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            let mut bytes = [0u8; 5];
            bytes[..4].copy_from_slice(&(bits & mask).to_be_bytes());
            bytes[4] = len;
            self.lookup_exact(&self.ips, TAG_IPV4, &bytes, &mut visit);
        }
    }

    fn lookup_v6(&self, addr: Ipv6Addr, mut visit: impl FnMut(Hit)) {
        let bits = addr.to_bits();
        if self.v6_short == 0 {
            let prefix = (bits >> 96) as u32;
            if self
                .v6_prefixes
                .find(prefix_hash(prefix), |&(stored, _)| stored == prefix)
                .is_none()
            {
                return;
            }
        }
        for &len in &self.v6_order {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            let mut bytes = [0u8; 17];
            bytes[..16].copy_from_slice(&(bits & mask).to_be_bytes());
            bytes[16] = len;
            self.lookup_exact(&self.ips, TAG_IPV6, &bytes, &mut visit);
        }
    }

    #[inline]
    fn lookup_exact(
        &self,
        table: &HashTable<u32>,
        tag: u8,
        bytes: &[u8],
        mut visit: impl FnMut(Hit),
    ) {
        if table.is_empty() {
            return;
        }
        let hash = xxh3_64_with_seed(bytes, u64::from(tag));
        if tag != TAG_IPV4 && tag != TAG_IPV6 && !self.other_filter.may_contain(hash) {
            return;
        }
        for &key in table.iter_hash(hash) {
            let entry = &self.keys[key as usize];
            if entry.tag == tag && self.key_text(entry) == bytes {
                visit(Hit {
                    indicator: IndicatorRef(entry.indicator),
                    key,
                });
            }
        }
    }

    fn key_text(&self, entry: &KeyEntry) -> &[u8] {
        let start = entry.text_off as usize;
        &self.arena[start..start + usize::from(entry.text_len)]
    }

    fn find_slot(&self, uuid: &[u8; 16]) -> Option<u32> {
        self.by_id
            .find(uuid_hash(uuid), |&slot| {
                &self.slots[slot as usize].uuid == uuid
            })
            .copied()
    }

    fn tombstone(&self, uuid: &[u8; 16]) -> Option<i64> {
        self.tombstones
            .find(uuid_hash(uuid), |(stored, _)| stored == uuid)
            .map(|&(_, modified)| modified)
    }

    fn set_tombstone(&mut self, uuid: [u8; 16], modified: i64) {
        let hash = uuid_hash(&uuid);
        match self
            .tombstones
            .find_mut(hash, |(stored, _)| *stored == uuid)
        {
            Some(entry) => entry.1 = modified,
            None => {
                self.tombstones
                    .insert_unique(hash, (uuid, modified), |(stored, _)| uuid_hash(stored));
            }
        }
    }

    fn clear_tombstone(&mut self, uuid: &[u8; 16]) {
        if let Ok(entry) = self
            .tombstones
            .find_entry(uuid_hash(uuid), |(stored, _)| stored == uuid)
        {
            entry.remove();
        }
    }

    fn intern_producer(&mut self, producer: &StixId) -> u32 {
        let hash = xxh3_64_with_seed(producer.as_str().as_bytes(), 0);
        let producers = &self.producers;
        if let Some(&found) = self
            .producer_ids
            .find(hash, |&idx| producers[idx as usize] == *producer)
        {
            return found;
        }
        let idx = u32::try_from(self.producers.len()).expect("fewer than 2^32 producers");
        self.producers.push(producer.clone());
        let producers = &self.producers;
        self.producer_ids.insert_unique(hash, idx, |&idx| {
            xxh3_64_with_seed(producers[idx as usize].as_str().as_bytes(), 0)
        });
        idx
    }

    fn push_text(&mut self, bytes: &[u8]) -> u32 {
        let offset = u32::try_from(self.arena.len())
            .expect("the arena is checked against 4 GiB before writing");
        self.arena.extend_from_slice(bytes);
        offset
    }

    fn insert_key(&mut self, slot: u32, tag: u8, flags: u8, bytes: &[u8]) -> Result<(), Error> {
        let text_off = self.push_text(bytes);
        let entry = KeyEntry {
            indicator: slot,
            next: self.slots[slot as usize].first_key,
            text_off,
            text_len: u16::try_from(bytes.len()).expect("key length checked against MAX_KEY_LEN"),
            tag,
            flags,
        };
        let key = match self.free_keys.pop() {
            Some(free) => {
                self.keys[free as usize] = entry;
                free
            }
            None => {
                self.keys.push(entry);
                u32::try_from(self.keys.len() - 1).map_err(|_| Error::IndexFull)?
            }
        };
        self.slots[slot as usize].first_key = key;
        let hash = xxh3_64_with_seed(bytes, u64::from(tag));
        let (keys, arena) = (&self.keys, &self.arena);
        let table = match tag {
            TAG_DOMAIN => &mut self.domains,
            TAG_IPV4 | TAG_IPV6 => &mut self.ips,
            _ => &mut self.others,
        };
        table.insert_unique(hash, key, |&key| key_hash(keys, arena, key));
        match tag {
            TAG_DOMAIN => self
                .domain_filter
                .add(hash, &self.domains, &self.keys, &self.arena),
            TAG_IPV4 | TAG_IPV6 => {}
            _ => self
                .other_filter
                .add(hash, &self.others, &self.keys, &self.arena),
        }
        match tag {
            TAG_DOMAIN => {
                let labels = (memchr::memchr_iter(b'.', bytes).count() + 1).min(MAX_LABELS);
                self.label_counts[labels] += 1;
                self.label_mask |= 1u128 << labels;
            }
            TAG_IPV4 => {
                let len = bytes[4];
                self.v4_lengths[usize::from(len)] += 1;
                if self.v4_lengths[usize::from(len)] == 1 {
                    self.v4_order = lengths_in_use(&self.v4_lengths);
                }
                if self.v4_filter.is_empty() {
                    if self.v4_lengths.iter().sum::<u32>() >= V4_FILTER_MIN_KEYS {
                        self.rebuild_v4_filter();
                    }
                } else {
                    let bits =
                        u32::from_be_bytes(bytes[..4].try_into().expect("IPv4 keys hold 4 octets"));
                    set_v4_filter(&mut self.v4_filter, bits, len);
                }
            }
            TAG_IPV6 => {
                let len = bytes[16];
                self.v6_lengths[usize::from(len)] += 1;
                if self.v6_lengths[usize::from(len)] == 1 {
                    self.v6_order = lengths_in_use(&self.v6_lengths);
                }
                self.count_v6_prefix(bytes, 1);
            }
            _ => {}
        }
        Ok(())
    }

    fn remove_slot(&mut self, slot_idx: u32) {
        let slot = self.slots[slot_idx as usize].clone();
        debug_assert!(slot.flags & LIVE != 0, "only live slots are removed");
        let mut next = slot.first_key;
        while next != NONE {
            let entry = self.keys[next as usize].clone();
            let hash = xxh3_64_with_seed(self.key_text(&entry), u64::from(entry.tag));
            let table = match entry.tag {
                TAG_DOMAIN => &mut self.domains,
                TAG_IPV4 | TAG_IPV6 => &mut self.ips,
                _ => &mut self.others,
            };
            let key = next;
            if let Ok(found) = table.find_entry(hash, |&candidate| candidate == key) {
                found.remove();
            }
            match entry.tag {
                TAG_DOMAIN => self.domain_filter.removed += 1,
                TAG_IPV4 | TAG_IPV6 => {}
                _ => self.other_filter.removed += 1,
            }
            let text = self.key_text(&entry);
            match entry.tag {
                TAG_DOMAIN => {
                    let labels = (memchr::memchr_iter(b'.', text).count() + 1).min(MAX_LABELS);
                    self.label_counts[labels] -= 1;
                    if self.label_counts[labels] == 0 {
                        self.label_mask &= !(1u128 << labels);
                    }
                }
                TAG_IPV4 => {
                    let len = usize::from(text[4]);
                    self.v4_lengths[len] -= 1;
                    if self.v4_lengths[len] == 0 {
                        self.v4_order = lengths_in_use(&self.v4_lengths);
                    }
                    self.v4_removed += 1;
                }
                TAG_IPV6 => {
                    let key_bytes: [u8; 17] =
                        text[..17].try_into().expect("IPv6 keys hold 17 bytes");
                    let len = usize::from(key_bytes[16]);
                    self.v6_lengths[len] -= 1;
                    if self.v6_lengths[len] == 0 {
                        self.v6_order = lengths_in_use(&self.v6_lengths);
                    }
                    self.count_v6_prefix(&key_bytes, -1);
                }
                _ => {}
            }
            self.garbage += usize::from(entry.text_len);
            self.free_keys.push(key);
            next = entry.next;
        }
        let hash = uuid_hash(&slot.uuid);
        if let Ok(found) = self
            .by_id
            .find_entry(hash, |&candidate| candidate == slot_idx)
        {
            found.remove();
        }
        if slot.flags & EVALUATE != 0
            && let Ok(found) = self
                .evaluators
                .find_entry(slot_hash(slot_idx), |(candidate, _)| *candidate == slot_idx)
        {
            found.remove();
        }
        self.garbage += usize::from(slot.name_len);
        let freed = &mut self.slots[slot_idx as usize];
        freed.flags = 0;
        freed.first_key = NONE;
        freed.name_len = 0;
        self.free_slots.push(slot_idx);
        self.n_live -= 1;
        self.maybe_compact();
    }

    /// Adds `delta` to the count of an IPv6 key's /32 prefix (or of the keys shorter than /32).
    fn count_v6_prefix(&mut self, bytes: &[u8], delta: i32) {
        let len = bytes[16];
        if len < 32 {
            self.v6_short = self.v6_short.saturating_add_signed(delta);
            return;
        }
        let prefix = u32::from_be_bytes(bytes[..4].try_into().expect("IPv6 keys hold 16 octets"));
        let hash = prefix_hash(prefix);
        match self
            .v6_prefixes
            .find_entry(hash, |&(stored, _)| stored == prefix)
        {
            Ok(mut entry) => {
                let count = &mut entry.get_mut().1;
                *count = count.saturating_add_signed(delta);
                if *count == 0 {
                    entry.remove();
                }
            }
            Err(_) if delta > 0 => {
                self.v6_prefixes
                    .insert_unique(hash, (prefix, 1), |&(stored, _)| prefix_hash(stored));
            }
            Err(_) => {}
        }
    }

    /// Rewrites the arena without garbage once half of it is garbage, and rebuilds the IPv4
    /// prefilter once many IPv4 keys were removed (its bits are only ever set otherwise).
    fn maybe_compact(&mut self) {
        if self.garbage > 64 * 1024 && self.garbage * 2 > self.arena.len() {
            let mut arena = Vec::with_capacity(self.arena.len() - self.garbage);
            for slot in self.slots.iter_mut().filter(|slot| slot.flags & LIVE != 0) {
                let start = slot.name_off as usize;
                let name = &self.arena[start..start + usize::from(slot.name_len)];
                slot.name_off = u32::try_from(arena.len()).expect("the arena only shrinks");
                arena.extend_from_slice(name);
                let mut next = slot.first_key;
                while next != NONE {
                    let entry = &mut self.keys[next as usize];
                    let start = entry.text_off as usize;
                    let text = &self.arena[start..start + usize::from(entry.text_len)];
                    entry.text_off = u32::try_from(arena.len()).expect("the arena only shrinks");
                    arena.extend_from_slice(text);
                    next = entry.next;
                }
            }
            self.arena = arena;
            self.garbage = 0;
        }
        self.domain_filter
            .refresh(&self.domains, &self.keys, &self.arena);
        self.other_filter
            .refresh(&self.others, &self.keys, &self.arena);
        let v4_live: u32 = self.v4_lengths.iter().sum();
        if self.v4_removed > 1024 && self.v4_removed > v4_live as usize {
            self.v4_filter = Vec::new();
            if v4_live >= V4_FILTER_MIN_KEYS {
                self.rebuild_v4_filter();
            }
            self.v4_removed = 0;
        }
    }

    /// Sets the prefilter's bits from every IPv4 key.
    fn rebuild_v4_filter(&mut self) {
        self.v4_filter.clear();
        self.v4_filter.resize(V4_FILTER_WORDS, 0);
        for &key in &self.ips {
            let entry = &self.keys[key as usize];
            if entry.tag == TAG_IPV4 {
                let start = entry.text_off as usize;
                let text = &self.arena[start..start + 5];
                let bits =
                    u32::from_be_bytes(text[..4].try_into().expect("IPv4 keys hold 4 octets"));
                set_v4_filter(&mut self.v4_filter, bits, text[4]);
            }
        }
    }
}

/// A blocked Bloom filter of key hashes: two bits in one 64-bit word per key, 256 KiB in all,
/// so that a value whose suffixes are not keys is ruled out in the L2 cache rather than by a
/// miss in each table. Built once a table has [`KeyFilter::MIN_KEYS`] keys (a smaller table
/// stays in cache by itself); bits are never cleared, so it is rebuilt when as many keys were
/// removed as remain.
#[derive(Debug, Clone, Default)]
struct KeyFilter {
    words: Vec<u64>,
    removed: usize,
}

impl KeyFilter {
    const WORDS: usize = 1 << 15;
    const MIN_KEYS: usize = 4096;

    #[inline]
    fn position(hash: u64) -> (usize, u64) {
        // The table uses the low bits (bucket) and the top seven (tag); these bits are others.
        let word = ((hash >> 40) as usize) & (Self::WORDS - 1);
        let bits = (1u64 << ((hash >> 12) & 63)) | (1u64 << ((hash >> 18) & 63));
        (word, bits)
    }

    #[inline]
    fn may_contain(&self, hash: u64) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let (word, bits) = Self::position(hash);
        self.words[word] & bits == bits
    }

    fn add(&mut self, hash: u64, table: &HashTable<u32>, keys: &[KeyEntry], arena: &[u8]) {
        if self.words.is_empty() {
            if table.len() >= Self::MIN_KEYS {
                self.rebuild(table, keys, arena);
            }
            return;
        }
        let (word, bits) = Self::position(hash);
        self.words[word] |= bits;
    }

    fn refresh(&mut self, table: &HashTable<u32>, keys: &[KeyEntry], arena: &[u8]) {
        if self.removed > 1024 && self.removed > table.len() {
            self.words = Vec::new();
            if table.len() >= Self::MIN_KEYS {
                self.rebuild(table, keys, arena);
            }
        }
    }

    fn rebuild(&mut self, table: &HashTable<u32>, keys: &[KeyEntry], arena: &[u8]) {
        self.words.clear();
        self.words.resize(Self::WORDS, 0);
        self.removed = 0;
        for &key in table {
            let (word, bits) = Self::position(key_hash(keys, arena, key));
            self.words[word] |= bits;
        }
    }
}

fn prefix_hash(prefix: u32) -> u64 {
    xxh3_64_with_seed(&prefix.to_be_bytes(), 6)
}

fn slot_hash(slot: u32) -> u64 {
    xxh3_64_with_seed(&slot.to_le_bytes(), 0)
}

fn uuid_hash(uuid: &[u8; 16]) -> u64 {
    xxh3_64_with_seed(uuid, 0)
}

fn key_hash(keys: &[KeyEntry], arena: &[u8], key: u32) -> u64 {
    let entry = &keys[key as usize];
    let start = entry.text_off as usize;
    xxh3_64_with_seed(
        &arena[start..start + usize::from(entry.text_len)],
        u64::from(entry.tag),
    )
}

/// Returns the prefix lengths with at least one key, longest first.
fn lengths_in_use(counts: &[u32]) -> Vec<u8> {
    (0..counts.len())
        .rev()
        .filter(|&len| counts[len] > 0)
        .map(|len| u8::try_from(len).expect("prefix lengths fit u8"))
        .collect()
}

fn set_v4_filter(filter: &mut [u64], network: u32, len: u8) {
    let block_len = 32 - V4_FILTER_SHIFT;
    let first = (network >> V4_FILTER_SHIFT) as usize;
    let count = if u32::from(len) >= block_len {
        1
    } else {
        1usize << (block_len - u32::from(len))
    };
    for block in first..first + count {
        filter[block / 64] |= 1 << (block % 64);
    }
}

fn cut_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
