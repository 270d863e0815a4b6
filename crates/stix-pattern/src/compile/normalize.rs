//! Normal forms of the values lookup keys hold, shared by the pattern side ([`super::compile`])
//! and the data side ([`super::sco_keys`], and a matcher reading log lines), so that a value
//! and a constant that are equal give equal keys.
//!
//! Every function is total: a value that does not parse (a URL without a scheme, a domain with
//! a space) keeps a simple normal form rather than failing, because the two sides only have to
//! agree.

use std::net::IpAddr;

use ipnet::IpNet;

use super::{HashAlgorithm, LookupKey};
use crate::net;

/// Normalises a domain name: IDNA A-labels (lower case, punycode for non-ASCII labels), and no
/// trailing dot. Names IDNA refuses are lower-cased as they are.
///
/// ```
/// use stix_pattern::normalize;
///
/// assert_eq!(normalize::domain_name("Bücher.Example."), "xn--bcher-kva.example");
/// ```
pub fn domain_name(raw: &str) -> String {
    let trimmed = raw.strip_suffix('.').unwrap_or(raw);
    match idna::domain_to_ascii(trimmed) {
        Ok(ascii) if !ascii.is_empty() => ascii,
        _ => trimmed.to_lowercase(),
    }
}

/// Normalises a URL: scheme and host in lower case (host in IDNA A-labels), default port
/// removed, `.` and `..` path segments resolved, percent-escapes of unreserved characters
/// decoded and other escapes in upper case, the fragment dropped (it never reaches a server,
/// so logs do not carry it). Text that is not an absolute URL is returned as it is.
///
/// ```
/// use stix_pattern::normalize;
///
/// assert_eq!(
///     normalize::url("HTTP://Example.COM:80/a/./b/../c?x=%41%7e&y=%2f#top"),
///     "http://example.com/a/c?x=A~&y=%2F"
/// );
/// ```
pub fn url(raw: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(raw.trim()) else {
        return raw.to_owned();
    };
    parsed.set_fragment(None);
    normalise_percent_escapes(parsed.as_str())
}

/// Normalises an e-mail address: the domain as [`domain_name`]; the local part is kept as
/// written, since only the receiving server may interpret its case.
pub fn email_address(raw: &str) -> String {
    match raw.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain_name(domain)),
        None => raw.to_owned(),
    }
}

/// Normalises a MAC address to six lower-case colon-separated octets; other text is
/// lower-cased.
pub fn mac_address(raw: &str) -> String {
    parse_mac(raw).unwrap_or_else(|| raw.to_lowercase())
}

/// Normalises a hash value: lower case when it is hexadecimal, unchanged otherwise (SSDEEP
/// digests are case-sensitive).
pub fn hash_value(raw: &str) -> String {
    if raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        raw.to_ascii_lowercase()
    } else {
        raw.to_owned()
    }
}

/// Reads a hash algorithm name as STIX writes it (`SHA-256`, `sha256`, `SHA3-256`, ...).
pub fn hash_algorithm(raw: &str) -> HashAlgorithm {
    let compact: String = raw
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_uppercase)
        .collect();
    match compact.as_str() {
        "MD5" => HashAlgorithm::Md5,
        "SHA1" => HashAlgorithm::Sha1,
        "SHA224" => HashAlgorithm::Sha224,
        "SHA256" => HashAlgorithm::Sha256,
        "SHA384" => HashAlgorithm::Sha384,
        "SHA512" => HashAlgorithm::Sha512,
        "SHA3224" => HashAlgorithm::Sha3_224,
        "SHA3256" => HashAlgorithm::Sha3_256,
        "SHA3384" => HashAlgorithm::Sha3_384,
        "SHA3512" => HashAlgorithm::Sha3_512,
        "SSDEEP" => HashAlgorithm::Ssdeep,
        "TLSH" => HashAlgorithm::Tlsh,
        _ => HashAlgorithm::Other(compact),
    }
}

/// Normalises a Windows registry key: lower case, as Windows compares them.
pub fn registry_key(raw: &str) -> String {
    raw.to_lowercase()
}

/// Classifies the `value` of an address object (`ipv4-addr`, `ipv6-addr`, `domain-name`,
/// `mac-addr`, `email-addr`) by its form and normalises it: an IP address (a `/32` or `/128`
/// block counts as one address), a CIDR block, a MAC address, an e-mail address, or else a
/// domain name.
pub fn address(raw: &str) -> LookupKey {
    if let Some(block) = net::parse_ip_or_cidr(raw) {
        return ip_key(block);
    }
    if let Some(mac) = parse_mac(raw) {
        return LookupKey::MacAddress(mac);
    }
    if raw.contains('@') {
        return LookupKey::EmailAddress(email_address(raw));
    }
    LookupKey::DomainName(domain_name(raw))
}

/// A one-address block as an address, a wider one as a network.
pub(super) fn ip_key(block: IpNet) -> LookupKey {
    if block.prefix_len() == block.max_prefix_len() {
        LookupKey::IpAddr(block.addr())
    } else {
        LookupKey::IpNet(block)
    }
}

/// Parses `IpAddr` text the way [`address`] does, for callers holding a log field.
pub fn ip(raw: &str) -> Option<IpAddr> {
    raw.parse().ok()
}

fn parse_mac(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    let separators = raw.len() - digits.len();
    let well_formed = digits.len() == 12
        && digits.bytes().all(|b| b.is_ascii_hexdigit())
        && matches!(separators, 0 | 2 | 5);
    // Twelve bare hex digits are as likely a hash fragment or a number as a MAC address.
    if !well_formed || separators == 0 {
        return None;
    }
    let lower = digits.to_ascii_lowercase();
    let octets: Vec<&str> = (0..6).map(|idx| &lower[idx * 2..idx * 2 + 2]).collect();
    Some(octets.join(":"))
}

/// Decodes percent-escapes of unreserved characters (RFC 3986 section 2.3) and upper-cases
/// the hex digits of the others (section 6.2.2.1).
fn normalise_percent_escapes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let escape = (bytes[idx] == b'%')
            .then(|| bytes.get(idx + 1..idx + 3))
            .flatten()
            .filter(|pair| pair.iter().all(u8::is_ascii_hexdigit));
        if let Some(pair) = escape {
            let pair = std::str::from_utf8(pair).expect("hex digits are ASCII");
            let byte = u8::from_str_radix(pair, 16).expect("two hex digits");
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                out.push(char::from(byte));
            } else {
                out.push('%');
                out.push_str(&pair.to_ascii_uppercase());
            }
            idx += 3;
            continue;
        }
        let c = text[idx..]
            .chars()
            .next()
            .expect("idx is on a char boundary");
        out.push(c);
        idx += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert_eq!(domain_name("Example.COM"), "example.com");
        assert_eq!(domain_name("example.com."), "example.com");
        assert_eq!(domain_name("bücher.de"), "xn--bcher-kva.de");
        assert_eq!(domain_name("xn--bcher-kva.de"), "xn--bcher-kva.de");
        assert_eq!(domain_name("exa_mple.COM"), "exa_mple.com");
    }

    #[test]
    fn urls() {
        assert_eq!(url("https://bücher.de:443"), "https://xn--bcher-kva.de/");
        assert_eq!(
            url("http://1.2.3.4:8080/x%2fy%2D"),
            "http://1.2.3.4:8080/x%2Fy-"
        );
        assert_eq!(url("http://evil.com/a b"), "http://evil.com/a%20b");
        assert_eq!(url("evil.com/path"), "evil.com/path");
        assert_eq!(url("http://x/%4"), "http://x/%4");
        assert_eq!(url("http://x/%"), "http://x/%");
        assert_eq!(normalise_percent_escapes("%€%e2%82%ac"), "%€%E2%82%AC");
    }

    #[test]
    fn addresses_are_classified_by_form() {
        assert_eq!(
            address("198.51.100.1"),
            LookupKey::IpAddr("198.51.100.1".parse().expect("ip"))
        );
        assert_eq!(
            address("198.51.100.1/32"),
            LookupKey::IpAddr("198.51.100.1".parse().expect("ip"))
        );
        assert_eq!(
            address("198.51.100.7/24"),
            LookupKey::IpNet("198.51.100.0/24".parse().expect("net"))
        );
        assert_eq!(
            address("00-11-22-AA-BB-CC"),
            LookupKey::MacAddress("00:11:22:aa:bb:cc".into())
        );
        assert_eq!(
            address("Jane@Example.COM"),
            LookupKey::EmailAddress("Jane@example.com".into())
        );
        assert_eq!(
            address("Example.COM."),
            LookupKey::DomainName("example.com".into())
        );
    }

    #[test]
    fn hashes() {
        assert_eq!(hash_algorithm("SHA-256"), HashAlgorithm::Sha256);
        assert_eq!(hash_algorithm("sha3_512"), HashAlgorithm::Sha3_512);
        assert_eq!(
            hash_algorithm("x-custom"),
            HashAlgorithm::Other("XCUSTOM".into())
        );
        assert_eq!(hash_value("CEAD3F77"), "cead3f77");
        assert_eq!(hash_value("3:AXG/Hs"), "3:AXG/Hs");
    }
}
