//! From an indicator's JSON properties to an [`IndicatorEntry`]: the pattern parsed and
//! compiled into lookup keys by `stix-pattern`, the keys normalised the way log values are, and
//! a prepared evaluator kept for patterns that keys alone cannot decide.
//!
//! Domain names match their subdomains too, unless the indicator carries
//! `"x_phalanx_domain_match": "exact"`. This widens STIX equality on purpose: a domain shared
//! as an IOC stands for everything under it. Patterns that need full evaluation keep the
//! specification's exact comparison, since the evaluator decides them.

use std::sync::Arc;

use stix::{StixId, StixTimestamp};
use stix_pattern::{
    Decision, Evaluator, HashAlgorithm, HashedObject, LookupKey, Pattern, StixVersion,
};

use super::IndicatorRecord;
use crate::index::{DomainScope, IndicatorEntry, Key};
use crate::normalize::HashAlgo;

/// Why an indicator is not matched. Each names the indicator (when its id is readable) and
/// the property at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The object has no valid `indicator--` id.
    #[error("invalid or missing id `{id}`")]
    InvalidId {
        /// The id as written (empty when missing).
        id: String,
    },
    /// A required property is missing.
    #[error("{id}: missing `{property}`")]
    Missing {
        /// The indicator.
        id: StixId,
        /// The property.
        property: &'static str,
    },
    /// A timestamp property does not hold a STIX timestamp.
    #[error("{id}: `{property}` is not a STIX timestamp: {value}")]
    InvalidTimestamp {
        /// The indicator.
        id: StixId,
        /// The property.
        property: &'static str,
        /// The value.
        value: String,
    },
    /// The pattern is in another language (Snort, YARA, Sigma, ...).
    #[error("{id}: pattern_type `{pattern_type}` is not matched against logs (only `stix`)")]
    PatternType {
        /// The indicator.
        id: StixId,
        /// The pattern type.
        pattern_type: String,
    },
    /// The pattern does not parse, or cannot be evaluated.
    #[error("{id}: {message}")]
    InvalidPattern {
        /// The indicator.
        id: StixId,
        /// The parser's message, with the byte offset in the pattern.
        message: String,
    },
    /// `x_phalanx_domain_match` holds something other than `exact` or `subdomains`.
    #[error("{id}: x_phalanx_domain_match must be \"exact\" or \"subdomains\", not {value}")]
    InvalidDomainMatch {
        /// The indicator.
        id: StixId,
        /// The value, as JSON.
        value: String,
    },
    /// The pattern can match without any lookup key (`!=`, `NOT`, `MATCHES`, ...): it would
    /// have to be evaluated on every event, which the matcher does not do.
    #[error(
        "{id}: the pattern has no lookup key (it could only be matched by evaluating every event)"
    )]
    NoLookupKey {
        /// The indicator.
        id: StixId,
    },
    /// The pattern's keys are all of kinds no log the matcher reads carries (file names,
    /// registry keys, mutexes, ...), or the pattern can never match.
    #[error("{id}: no key the matcher can look up in logs ({kinds})")]
    UnsupportedKeys {
        /// The indicator.
        id: StixId,
        /// The kinds of the keys, comma-separated (`none` when the pattern has no key at all).
        kinds: String,
    },
}

impl CompileError {
    /// Returns a short name of the reason, for counts in reports.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::InvalidId { .. } => "invalid-id",
            Self::Missing { .. } => "missing-property",
            Self::InvalidTimestamp { .. } => "invalid-timestamp",
            Self::PatternType { .. } => "other-pattern-type",
            Self::InvalidPattern { .. } => "invalid-pattern",
            Self::InvalidDomainMatch { .. } => "invalid-domain-match",
            Self::NoLookupKey { .. } => "no-lookup-key",
            Self::UnsupportedKeys { .. } => "unsupported-keys",
        }
    }
}

/// Compiles an indicator. A revoked version compiles without its pattern being read: it only
/// removes the indicator.
///
/// # Errors
///
/// A [`CompileError`] naming the indicator and what is wrong; the indicator is then not
/// matched (an older version in an index stays until removed).
pub fn compile(record: &IndicatorRecord) -> Result<IndicatorEntry, CompileError> {
    let raw_id = record.id.as_deref().unwrap_or_default();
    let id = StixId::parse(raw_id)
        .ok()
        .filter(|id| id.object_type() == "indicator")
        .ok_or_else(|| CompileError::InvalidId {
            id: raw_id.to_owned(),
        })?;
    let timestamp = |property: &'static str,
                     value: Option<&String>|
     -> Result<Option<StixTimestamp>, CompileError> {
        value
            .map(|value| {
                StixTimestamp::parse(value).map_err(|_| CompileError::InvalidTimestamp {
                    id: id.clone(),
                    property,
                    value: value.clone(),
                })
            })
            .transpose()
    };
    let modified = match timestamp("modified", record.modified.as_ref())? {
        Some(modified) => Some(modified),
        None => timestamp("created", record.created.as_ref())?,
    };
    let valid_from = timestamp("valid_from", record.valid_from.as_ref())?;
    let valid_until = timestamp("valid_until", record.valid_until.as_ref())?;
    let created_by_ref = record
        .created_by_ref
        .as_deref()
        .and_then(|producer| StixId::parse(producer).ok());
    let mut entry = IndicatorEntry {
        id: id.clone(),
        modified,
        revoked: record.revoked == Some(true),
        // A revoked version needs no window; it only removes the indicator.
        valid_from: valid_from
            .unwrap_or_else(|| StixTimestamp::from_micros(0).expect("the epoch is a valid time")),
        valid_until,
        name: record.name.clone(),
        created_by_ref,
        keys: Vec::new(),
        evaluate: None,
    };
    if entry.revoked {
        return Ok(entry);
    }
    if valid_from.is_none() {
        return Err(CompileError::Missing {
            id,
            property: "valid_from",
        });
    }
    let pattern_type = record
        .pattern_type
        .as_deref()
        .ok_or_else(|| CompileError::Missing {
            id: id.clone(),
            property: "pattern_type",
        })?;
    if pattern_type != "stix" {
        return Err(CompileError::PatternType {
            id,
            pattern_type: pattern_type.to_owned(),
        });
    }
    let text = record
        .pattern
        .as_deref()
        .ok_or_else(|| CompileError::Missing {
            id: id.clone(),
            property: "pattern",
        })?;
    let scope = match &record.x_phalanx_domain_match {
        None => DomainScope::WithSubdomains,
        Some(serde_json::Value::String(value)) if value == "subdomains" => {
            DomainScope::WithSubdomains
        }
        Some(serde_json::Value::String(value)) if value == "exact" => DomainScope::Exact,
        Some(other) => {
            return Err(CompileError::InvalidDomainMatch {
                id,
                value: other.to_string(),
            });
        }
    };
    let version = match record
        .pattern_version
        .as_deref()
        .or(record.spec_version.as_deref())
    {
        Some(version) if version.starts_with("2.0") => StixVersion::V2_0,
        _ => StixVersion::V2_1,
    };
    let invalid = |error: stix_pattern::Error| CompileError::InvalidPattern {
        id: id.clone(),
        message: error.to_string(),
    };
    let pattern = Pattern::parse(text, version).map_err(invalid)?;
    let compiled = stix_pattern::compile(&pattern);
    match compiled.decision {
        Decision::NoKeys => return Err(CompileError::NoLookupKey { id }),
        Decision::EvaluateCandidates => {
            entry.evaluate = Some(Arc::new(Evaluator::new(&pattern).map_err(invalid)?));
        }
        Decision::KeysDecide => {}
    }
    let mut unsupported = Vec::new();
    for key in &compiled.keys {
        match index_key(key, scope) {
            Some(key) => entry.keys.push(key),
            None => unsupported.push(key_kind_name(key)),
        }
    }
    if entry.keys.is_empty() {
        unsupported.sort_unstable();
        unsupported.dedup();
        let kinds = if unsupported.is_empty() {
            "none".to_owned()
        } else {
            unsupported.join(", ")
        };
        return Err(CompileError::UnsupportedKeys { id, kinds });
    }
    Ok(entry)
}

/// The index's form of a compiler key, normalised as log values are; `None` for kinds no log
/// the matcher reads carries.
fn index_key(key: &LookupKey, scope: DomainScope) -> Option<Key> {
    match key {
        LookupKey::DomainName(name) => Key::domain(name, scope),
        LookupKey::DomainSuffix(name) => Key::domain(name, DomainScope::SubdomainsOnly),
        LookupKey::IpAddr(addr) => Key::ip(&addr.to_string()),
        LookupKey::IpNet(net) => Key::ip(&net.to_string()),
        LookupKey::Url(url) => Key::url(url),
        LookupKey::EmailAddress(address) => Key::email(address),
        LookupKey::Hash {
            object: HashedObject::File,
            algorithm,
            value,
        } => {
            let algo = match algorithm {
                HashAlgorithm::Md5 => HashAlgo::Md5,
                HashAlgorithm::Sha1 => HashAlgo::Sha1,
                HashAlgorithm::Sha256 => HashAlgo::Sha256,
                HashAlgorithm::Sha512 => HashAlgo::Sha512,
                HashAlgorithm::Sha3_256 => HashAlgo::Sha3_256,
                HashAlgorithm::Sha3_512 => HashAlgo::Sha3_512,
                _ => return None,
            };
            Key::hash(algo, value)
        }
        _ => None,
    }
}

fn key_kind_name(key: &LookupKey) -> &'static str {
    match key {
        LookupKey::DomainName(_) | LookupKey::DomainSuffix(_) => "domain-name",
        LookupKey::IpAddr(_) | LookupKey::IpNet(_) => "ip-addr",
        LookupKey::Url(_) => "url",
        LookupKey::EmailAddress(_) => "email-addr",
        LookupKey::MacAddress(_) => "mac-addr",
        LookupKey::Hash { .. } => "hash",
        LookupKey::FileName(_) => "file-name",
        LookupKey::UserAgent(_) => "user-agent",
        LookupKey::MutexName(_) => "mutex",
        LookupKey::WindowsRegistryKey(_) => "windows-registry-key",
        LookupKey::AutonomousSystem(_) => "autonomous-system",
    }
}
