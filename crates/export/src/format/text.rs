//! `txt`: one value a line, nothing else, for block lists that take a plain list (`--types`
//! picks one kind, such as `domain` or `ipv4`).
//!
//! A value given by several indicators is written once.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::io::Write;

use xxhash_rust::xxh3::{xxh3_64, xxh3_128_with_seed};

use super::{Entry, FormatWriter};
use crate::Error;
use crate::output::Counted;
use crate::summary::{Reason, Summary};
use crate::value::{Value, ValueKind};

pub(crate) struct TextWriter<'a> {
    out: Counted<&'a mut dyn Write>,
    seen: Seen,
    line: Vec<u8>,
}

impl<'a> TextWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out: Counted::new(out),
            seen: Seen::default(),
            line: Vec::with_capacity(256),
        }
    }
}

impl FormatWriter for TextWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error> {
        let mut n_written = 0;
        for value in entry.values {
            if let Value::DomainSuffix(_) = value {
                // A list line names one value exactly; "every name below" has no plain form.
                summary.leave_out_value(value.kind(), Reason::KindUnsupported, entry.object.id());
                continue;
            }
            self.line.clear();
            value.write_text(&mut self.line)?;
            if !self.seen.insert_text(value.kind(), &self.line) {
                summary.leave_out_value(value.kind(), Reason::Duplicate, entry.object.id());
                continue;
            }
            self.line.push(b'\n');
            self.out.write_all(&self.line)?;
            n_written += 1;
        }
        Ok(n_written)
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        self.out.flush()?;
        summary.n_bytes = self.out.n_bytes;
        Ok(())
    }
}

/// The values already written, kept as 128-bit fingerprints (16 bytes each whatever the
/// value's length; two different values share one with probability about 2^-128 per pair).
///
/// The fingerprints are XXH3-128 with a random seed per export, so nobody can choose values
/// whose fingerprints collide, and the set uses them as they are ([`FingerprintHasher`])
/// instead of hashing them again with SipHash: the set's look-ups are the line formats'
/// largest cost after the patterns.
pub(crate) struct Seen {
    seed: u64,
    fingerprints: HashSet<u128, BuildHasherDefault<FingerprintHasher>>,
}

impl Default for Seen {
    fn default() -> Self {
        Self {
            seed: RandomState::new().build_hasher().finish(),
            fingerprints: HashSet::default(),
        }
    }
}

impl Seen {
    /// Records `value` and returns whether it was new.
    pub(crate) fn insert(&mut self, value: &Value) -> bool {
        self.insert_text(value.kind(), value.text().as_bytes())
    }

    /// Records a value of `kind` given as its text, and returns whether it was new.
    pub(crate) fn insert_text(&mut self, kind: ValueKind, text: &[u8]) -> bool {
        // One seed per kind: the same text of two kinds gives two fingerprints.
        let seed = self.seed ^ xxh3_64(kind.as_str().as_bytes());
        self.fingerprints.insert(xxh3_128_with_seed(text, seed))
    }
}

/// Hashes a fingerprint that is already a seeded hash by folding its two halves.
#[derive(Default)]
pub(crate) struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // `HashSet<u128>` calls `write_u128` only; other input is folded in all the same.
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }

    fn write_u128(&mut self, value: u128) {
        self.0 ^= (value as u64) ^ ((value >> 64) as u64);
    }
}
