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

use crate::summary::{Reason, Summary};
use crate::value::{HashAlgorithm, Value, parse_domain};

/// Appends to `values` the values of the indicator's pattern, recording in `summary` the
/// keys that have no value form; or says why the indicator has none.
pub(crate) fn compile_values(
    indicator: &Indicator,
    values: &mut Vec<Value>,
    summary: &mut Summary,
) -> Result<(), Reason> {
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
    let id = &indicator.common.id;
    for key in compiled.keys {
        match value_of(key) {
            Ok(value) => values.push(value),
            Err((kind, reason)) => summary.leave_out_key(kind, reason, id),
        }
    }
    Ok(())
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
