//! Indicator and observable values kept beside each object version for fast look-up:
//! "which stored objects mention this domain, address, URL, e-mail address or hash?", and
//! the external ids of objects ("which object is ATT&CK `T1059.001`?", see
//! [`external_id_values`](crate::external_id_values)).
//!
//! A value has a kind, named like the STIX pattern object path it comes from
//! (`domain-name:value`, `file:hashes.'SHA-256'`), and is normalized the same way on the way
//! in and on look-up, so callers never compare raw text.

use std::net::{Ipv4Addr, Ipv6Addr};

use stix::StixObject;

/// A normalized value of some kind, to store beside an object version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct LookupValue {
    /// The kind, e.g. `domain-name:value` or `file:hashes.'SHA-256'`.
    pub kind: String,
    /// The normalized value.
    pub value: String,
}

impl LookupValue {
    /// Builds a value of `kind`, normalizing `value` as [`normalize`] does.
    pub fn new(kind: impl Into<String>, value: &str) -> Self {
        let kind = kind.into();
        let value = normalize(&kind, value);
        Self { kind, value }
    }
}

/// Normalizes a value for its kind: domain names and e-mail addresses in lower case without
/// a trailing dot, IP addresses (and CIDR blocks) in canonical form, hashes in lower-case
/// hex, and anything else trimmed.
pub fn normalize(kind: &str, value: &str) -> String {
    let value = value.trim();
    match kind {
        "domain-name:value" => value.trim_end_matches('.').to_ascii_lowercase(),
        "email-addr:value" => value.to_ascii_lowercase(),
        "ipv4-addr:value" => canonical_ip::<Ipv4Addr>(value),
        "ipv6-addr:value" => canonical_ip::<Ipv6Addr>(value),
        _ if kind.contains(":hashes.") => value.to_ascii_lowercase(),
        _ => value.to_owned(),
    }
}

/// Returns the look-up values an observable carries itself: the `value` of domain names,
/// IP addresses, URLs and e-mail addresses, and every hash of a file.
pub fn observable_values(object: &StixObject) -> Vec<LookupValue> {
    match object {
        StixObject::DomainName(domain) => {
            vec![LookupValue::new("domain-name:value", &domain.value)]
        }
        StixObject::Ipv4Addr(addr) => vec![LookupValue::new("ipv4-addr:value", &addr.value)],
        StixObject::Ipv6Addr(addr) => vec![LookupValue::new("ipv6-addr:value", &addr.value)],
        StixObject::Url(url) => vec![LookupValue::new("url:value", &url.value)],
        StixObject::EmailAddr(addr) => vec![LookupValue::new("email-addr:value", &addr.value)],
        StixObject::File(file) => file
            .hashes
            .iter()
            .flatten()
            .map(|(algorithm, hash)| LookupValue::new(hash_kind(algorithm), hash))
            .collect(),
        _ => Vec::new(),
    }
}

/// Returns the kind of a file hash, e.g. `file:hashes.'SHA-256'`, with the algorithm written
/// as the STIX hashing-algorithm vocabulary writes it.
pub fn hash_kind(algorithm: &str) -> String {
    format!("file:hashes.'{}'", algorithm.to_ascii_uppercase())
}

/// Prints an address, or a CIDR block, in canonical form; leaves unparsable text as it is.
fn canonical_ip<A: std::str::FromStr + std::fmt::Display>(value: &str) -> String {
    let (address, prefix) = match value.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (value, None),
    };
    match (address.parse::<A>(), prefix) {
        (Ok(address), None) => address.to_string(),
        (Ok(address), Some(prefix)) => format!("{address}/{prefix}"),
        (Err(_), _) => value.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_each_kind() {
        let cases = [
            ("domain-name:value", " Example.COM. ", "example.com"),
            ("email-addr:value", "Bob@Example.com", "bob@example.com"),
            ("ipv4-addr:value", "198.51.100.1", "198.51.100.1"),
            ("ipv4-addr:value", "198.51.100.0/24", "198.51.100.0/24"),
            ("ipv6-addr:value", "2001:DB8:0:0::1", "2001:db8::1"),
            ("file:hashes.'SHA-256'", "ABCDEF", "abcdef"),
            (
                "url:value",
                " http://Example.com/A ",
                "http://Example.com/A",
            ),
        ];
        for (kind, input, expected) in cases {
            assert_eq!(normalize(kind, input), expected, "{kind} {input}");
        }
    }

    #[test]
    fn reads_values_of_observables() {
        let file = StixObject::from_json(
            r#"{"type":"file","spec_version":"2.1","id":"file--ee2b9e54-ee5c-5c64-9b79-6a4f4ee48e2f","hashes":{"SHA-256":"AB12","md5":"CD34"}}"#,
        )
        .unwrap();
        let values = observable_values(&file);
        assert_eq!(
            values,
            [
                LookupValue::new("file:hashes.'SHA-256'", "ab12"),
                LookupValue::new("file:hashes.'MD5'", "cd34"),
            ]
        );
    }
}
