//! From an indicator's STIX pattern to the values writers put in rules and lists, through
//! the pattern compiler of `stix-pattern` ([`stix_pattern::compile`]).
//!
//! Only patterns whose look-up keys decide them alone ([`Decision::KeysDecide`]) are
//! exported: a rule or list entry made of the keys then fires exactly where the pattern
//! matches. Patterns that need a full evaluation (several properties or observations,
//! qualifiers, references whose direction matters, ...) or have no keys are left out with
//! [`Reason::PatternNotExact`]. Keys no export format carries (file names, mutexes, registry
//! keys, user agents, MAC addresses, AS numbers, hashes of certificates and artifacts) are
//! left out one by one.

use stix::Indicator;
use stix_pattern::{Decision, HashedObject, LookupKey, compile, parse_indicator};

use crate::summary::Reason;
use crate::value::{HashAlgorithm, Value, parse_domain};

/// The values of an indicator's pattern, compiled ahead of [`Exporter::push`]: compiling is
/// the costly part of an export, and callers may do it on several threads
/// ([`compile_indicator`] is pure) and hand the result over in [`ExportItem::values`].
///
/// [`Exporter::push`]: crate::Exporter::push
/// [`ExportItem::values`]: crate::ExportItem::values
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorValues {
    /// The values, or why the indicator has none.
    pub outcome: Result<Vec<Value>, Reason>,
    /// The look-up keys that have no value form, by kind name, with the reason.
    pub left_out_keys: Vec<(&'static str, Reason)>,
}

/// Compiles an indicator's pattern into the values writers put in rules and lists.
pub fn compile_indicator(indicator: &Indicator) -> IndicatorValues {
    let mut left_out_keys = Vec::new();
    let outcome = values_of(indicator, &mut left_out_keys);
    IndicatorValues {
        outcome,
        left_out_keys,
    }
}

fn values_of(
    indicator: &Indicator,
    left_out_keys: &mut Vec<(&'static str, Reason)>,
) -> Result<Vec<Value>, Reason> {
    let pattern = match parse_indicator(indicator) {
        Ok(Some(pattern)) => pattern,
        Ok(None) => return Err(Reason::PatternType),
        Err(_) => return Err(Reason::PatternInvalid),
    };
    let compiled = compile(&pattern);
    if compiled.decision != Decision::KeysDecide {
        return Err(Reason::PatternNotExact);
    }
    if compiled.keys.is_empty() {
        return Err(Reason::PatternNeverMatches);
    }
    let mut values = Vec::with_capacity(compiled.keys.len());
    for key in compiled.keys {
        match value_of(key) {
            Ok(value) => values.push(value),
            Err(left_out) => left_out_keys.push(left_out),
        }
    }
    Ok(values)
}

/// Returns whether a STIX pattern parses (other pattern languages are not checked): the
/// object formats leave out indicators a consumer would refuse.
pub(crate) fn pattern_parses(indicator: &Indicator) -> bool {
    parse_indicator(indicator).is_ok()
}

/// Returns the value of a key, or the key's kind name and why it has none.
fn value_of(key: LookupKey) -> Result<Value, (&'static str, Reason)> {
    Ok(match key {
        LookupKey::DomainName(name) => match parse_domain(&name) {
            Ok(domain) => Value::Domain(domain),
            Err(_) => return Err(("domain", Reason::InvalidValue)),
        },
        LookupKey::DomainSuffix(name) => match parse_domain(&name) {
            Ok(domain) => Value::DomainSuffix(domain),
            Err(_) => return Err(("domain-suffix", Reason::InvalidValue)),
        },
        LookupKey::IpAddr(std::net::IpAddr::V4(address)) => Value::Ipv4(address.into()),
        LookupKey::IpAddr(std::net::IpAddr::V6(address)) => Value::Ipv6(address.into()),
        LookupKey::IpNet(ipnet::IpNet::V4(net)) => Value::Ipv4(net.trunc()),
        LookupKey::IpNet(ipnet::IpNet::V6(net)) => Value::Ipv6(net.trunc()),
        LookupKey::Url(url) => {
            if url.contains("://") && !url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Value::Url(url)
            } else {
                return Err(("url", Reason::InvalidValue));
            }
        }
        LookupKey::EmailAddress(email) => {
            if email.contains('@') && !email.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Value::Email(email)
            } else {
                return Err(("email", Reason::InvalidValue));
            }
        }
        LookupKey::Hash {
            object: HashedObject::File,
            algorithm,
            value,
        } => {
            use stix_pattern::HashAlgorithm as Compiled;
            let algorithm = match algorithm {
                Compiled::Md5 => HashAlgorithm::Md5,
                Compiled::Sha1 => HashAlgorithm::Sha1,
                Compiled::Sha256 => HashAlgorithm::Sha256,
                Compiled::Sha512 => HashAlgorithm::Sha512,
                Compiled::Sha3_256 => HashAlgorithm::Sha3_256,
                Compiled::Sha3_512 => HashAlgorithm::Sha3_512,
                Compiled::Ssdeep => HashAlgorithm::Ssdeep,
                Compiled::Tlsh => HashAlgorithm::Tlsh,
                _ => HashAlgorithm::Other,
            };
            match crate::value::parse_hash(algorithm, &value) {
                Ok(value) => value,
                Err(_) => return Err((algorithm.kind().as_str(), Reason::InvalidValue)),
            }
        }
        LookupKey::Hash {
            object: HashedObject::X509Certificate,
            ..
        } => return Err(("certificate-hash", Reason::KindUnsupported)),
        LookupKey::Hash {
            object: HashedObject::Artifact,
            ..
        } => return Err(("artifact-hash", Reason::KindUnsupported)),
        LookupKey::FileName(_) => return Err(("file-name", Reason::KindUnsupported)),
        LookupKey::UserAgent(_) => return Err(("user-agent", Reason::KindUnsupported)),
        LookupKey::MutexName(_) => return Err(("mutex", Reason::KindUnsupported)),
        LookupKey::WindowsRegistryKey(_) => {
            return Err(("registry-key", Reason::KindUnsupported));
        }
        LookupKey::MacAddress(_) => return Err(("mac-address", Reason::KindUnsupported)),
        LookupKey::AutonomousSystem(_) => {
            return Err(("autonomous-system", Reason::KindUnsupported));
        }
    })
}
