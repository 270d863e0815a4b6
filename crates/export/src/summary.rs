//! What an export wrote and what it left out, and why.
//!
//! Every export ends with a [`Summary`]: counts of objects and values written, and counts of
//! what was left out per [`Reason`], with a few example ids per reason so that an analyst can
//! look at them. Objects the reader may not see are never counted: to the reader they do not
//! exist.

use std::collections::BTreeMap;

use stix::StixId;

use crate::value::ValueKind;

/// How many example ids a summary keeps per reason.
pub const MAX_EXAMPLES: usize = 5;

/// Why an object, or one of its values, was left out of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A `--public` export keeps only TLP:CLEAR.
    NotClear,
    /// The format carries indicators only (or, for Sentinel, the object types its API takes).
    NotForFormat,
    /// Not of the object types asked for.
    TypeFiltered,
    /// Last changed before `--since`.
    BeforeSince,
    /// The indicator is revoked (rule and list formats are snapshots of what is valid now).
    Revoked,
    /// The indicator's `valid_until` has passed.
    Expired,
    /// The indicator's `valid_from` is still to come.
    NotYetValid,
    /// The indicator's `confidence` is below `--min-confidence`.
    BelowMinConfidence,
    /// `--min-confidence` was given and the indicator has no `confidence`.
    NoConfidence,
    /// The pattern is not a STIX pattern (`pattern_type` is not `stix`).
    PatternType,
    /// The STIX pattern does not parse.
    PatternInvalid,
    /// The pattern can never match (its compiled keys are none, and decide it).
    PatternNeverMatches,
    /// The pattern's look-up values do not decide it alone (it needs several observations,
    /// other properties, qualifiers, negation, ...): a rule made of its values would fire on
    /// traffic the pattern does not match.
    PatternNotExact,
    /// None of the pattern's values are of the kinds asked for (`--types`).
    KindFiltered,
    /// The format has no place for values of this kind (e-mail addresses in a DNS zone, ...).
    KindUnsupported,
    /// The URL's scheme is not `http`: a network sensor cannot see its host and path.
    UrlNotHttp,
    /// The value is not well formed for its kind (a domain name with a space, ...), in any
    /// format.
    InvalidValue,
    /// The value cannot be written in this format (a domain name too long for the zone, ...).
    InvalidForFormat,
    /// The same value was already written by an earlier indicator.
    Duplicate,
    /// A file hash Suricata loads from a list file: it is in the hash lists of the
    /// `suricata-datasets` export, which the rules of this one read.
    InDatasets,
    /// None of the indicator's values could be written in this format (see the value
    /// reasons).
    NothingToWrite,
}

impl Reason {
    /// Returns the reason's name as the summary writes it: `pattern-not-exact`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotClear => "not-clear",
            Self::NotForFormat => "not-for-format",
            Self::TypeFiltered => "type-filtered",
            Self::BeforeSince => "before-since",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::NotYetValid => "not-yet-valid",
            Self::BelowMinConfidence => "below-min-confidence",
            Self::NoConfidence => "no-confidence",
            Self::PatternType => "pattern-type",
            Self::PatternInvalid => "pattern-invalid",
            Self::PatternNeverMatches => "pattern-never-matches",
            Self::PatternNotExact => "pattern-not-exact",
            Self::KindFiltered => "kind-filtered",
            Self::KindUnsupported => "kind-unsupported",
            Self::UrlNotHttp => "url-not-http",
            Self::InvalidValue => "invalid-value",
            Self::InvalidForFormat => "invalid-for-format",
            Self::Duplicate => "duplicate",
            Self::InDatasets => "in-datasets",
            Self::NothingToWrite => "nothing-to-write",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counts for one reason, with a few example object ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Count {
    /// How many objects (or values) were left out for this reason.
    pub n: u64,
    /// The first few object ids concerned.
    pub examples: Vec<StixId>,
}

/// What an export wrote and what it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// The format's name.
    pub format: String,
    /// Objects given to the export that the reader may see.
    pub n_objects: u64,
    /// Objects of which something was written.
    pub n_exported: u64,
    /// Values (rules, lines, attributes, STIX objects) written.
    pub n_values: u64,
    /// Bytes written, over every file.
    pub n_bytes: u64,
    /// Objects left out entirely, per reason.
    pub left_out: BTreeMap<Reason, Count>,
    /// Values left out of objects (partly or wholly exported), per kind and reason, keyed
    /// `kind:reason` (`email:kind-unsupported`).
    pub values_left_out: BTreeMap<String, Count>,
}

impl Summary {
    /// Returns the number of objects left out for `reason`.
    pub fn n_left_out(&self, reason: Reason) -> u64 {
        self.left_out.get(&reason).map_or(0, |count| count.n)
    }

    /// Returns the number of values of `kind` left out for `reason`.
    pub fn n_values_left_out(&self, kind: ValueKind, reason: Reason) -> u64 {
        self.values_left_out
            .get(&format!("{}:{}", kind.as_str(), reason.as_str()))
            .map_or(0, |count| count.n)
    }

    /// Returns one line per reason, for the CLI: `pattern-not-exact: 12 (indicator--…, …)`.
    pub fn describe_left_out(&self) -> Vec<String> {
        let line = |name: &str, count: &Count| {
            let examples: Vec<&str> = count.examples.iter().map(StixId::as_str).collect();
            format!("{name}: {} (e.g. {})", count.n, examples.join(", "))
        };
        self.left_out
            .iter()
            .map(|(reason, count)| line(reason.as_str(), count))
            .chain(
                self.values_left_out
                    .iter()
                    .map(|(key, count)| line(&format!("values {key}"), count)),
            )
            .collect()
    }

    pub(crate) fn leave_out(&mut self, reason: Reason, id: &StixId) {
        bump(self.left_out.entry(reason).or_default(), id);
    }

    pub(crate) fn leave_out_value(&mut self, kind: ValueKind, reason: Reason, id: &StixId) {
        self.leave_out_key(kind.as_str(), reason, id);
    }

    /// Records a left-out look-up key that has no value kind (a file name, a mutex, ...).
    pub(crate) fn leave_out_key(&mut self, kind: &str, reason: Reason, id: &StixId) {
        bump(
            self.values_left_out
                .entry(format!("{kind}:{}", reason.as_str()))
                .or_default(),
            id,
        );
    }
}

fn bump(count: &mut Count, id: &StixId) {
    count.n += 1;
    if count.examples.len() < MAX_EXAMPLES && !count.examples.contains(id) {
        count.examples.push(id.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_keeps_a_few_examples() {
        let mut summary = Summary::default();
        for n in 0..8u8 {
            let id = StixId::parse(&format!(
                "indicator--00000000-0000-4000-8000-0000000000{n:02}"
            ))
            .unwrap();
            summary.leave_out(Reason::Revoked, &id);
            summary.leave_out_value(ValueKind::Email, Reason::KindUnsupported, &id);
        }
        assert_eq!(summary.n_left_out(Reason::Revoked), 8);
        assert_eq!(
            summary.left_out[&Reason::Revoked].examples.len(),
            MAX_EXAMPLES
        );
        assert_eq!(
            summary.n_values_left_out(ValueKind::Email, Reason::KindUnsupported),
            8
        );
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["left_out"]["revoked"]["n"], 8);
        assert_eq!(json["values_left_out"]["email:kind-unsupported"]["n"], 8);
    }
}
