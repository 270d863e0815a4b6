//! The values defenders' tools match on: domain names, IP addresses and CIDR blocks, URLs,
//! e-mail addresses and file hashes, each normalised so that writers never compare raw text.
//!
//! Values reach the writers from the pattern compiler of `stix-pattern` (see
//! [`keys`](crate::keys)) and from the importers' type detection; both build them through the
//! `parse_*` functions here, which refuse what a tool could not load.

use std::fmt;
use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// A value a defender's tool can match on, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A domain name: lower case, ASCII (IDNA A-labels), no trailing dot.
    Domain(String),
    /// Every domain strictly below this one (a pattern's `LIKE '%.example.com'`), normalised
    /// as [`Value::Domain`].
    DomainSuffix(String),
    /// An IPv4 address (prefix length 32) or CIDR block, with the host bits cleared.
    Ipv4(Ipv4Net),
    /// An IPv6 address (prefix length 128) or CIDR block, with the host bits cleared.
    Ipv6(Ipv6Net),
    /// A URL, as written in the indicator (scheme and host in lower case).
    Url(String),
    /// An e-mail address, lower case.
    Email(String),
    /// A file hash: the algorithm and the lower-case hex (or, for fuzzy hashes, text) value.
    Hash(HashAlgorithm, String),
}

/// The kind of a [`Value`], with file hashes split by algorithm; the names are those of
/// `--types` and of the `type` column of the CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueKind {
    /// A domain name.
    Domain,
    /// Every domain below a domain name.
    DomainSuffix,
    /// An IPv4 address or block.
    Ipv4,
    /// An IPv6 address or block.
    Ipv6,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// An MD5 file hash.
    Md5,
    /// A SHA-1 file hash.
    Sha1,
    /// A SHA-256 file hash.
    Sha256,
    /// A SHA-512 file hash.
    Sha512,
    /// A SHA3-256 file hash.
    Sha3_256,
    /// A SHA3-512 file hash.
    Sha3_512,
    /// An SSDEEP fuzzy hash.
    Ssdeep,
    /// A TLSH fuzzy hash.
    Tlsh,
    /// A file hash of another algorithm.
    OtherHash,
}

/// A file-hash algorithm, named as STIX's `hash-algorithm-ov` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    /// `MD5`.
    Md5,
    /// `SHA-1`.
    Sha1,
    /// `SHA-256`.
    Sha256,
    /// `SHA-512`.
    Sha512,
    /// `SHA3-256`.
    Sha3_256,
    /// `SHA3-512`.
    Sha3_512,
    /// `SSDEEP`.
    Ssdeep,
    /// `TLSH`.
    Tlsh,
    /// Any other algorithm (`SHA-224`, `IMPHASH`, ...), which no export format loads.
    Other,
}

/// Why a text is not a value of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {kind}: {reason}")]
pub struct ValueError {
    /// The offending text (at most 200 characters of it).
    pub value: String,
    /// The kind that was expected.
    pub kind: &'static str,
    /// Why it was refused.
    pub reason: &'static str,
}

impl ValueKind {
    /// Every kind, in the order of the CSV export's documentation.
    pub const ALL: [ValueKind; 15] = [
        Self::Domain,
        Self::DomainSuffix,
        Self::Ipv4,
        Self::Ipv6,
        Self::Url,
        Self::Email,
        Self::Md5,
        Self::Sha1,
        Self::Sha256,
        Self::Sha512,
        Self::Sha3_256,
        Self::Sha3_512,
        Self::Ssdeep,
        Self::Tlsh,
        Self::OtherHash,
    ];

    /// Returns the kind's name: `domain`, `ipv4`, `sha256`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::DomainSuffix => "domain-suffix",
            Self::Ipv4 => "ipv4",
            Self::Ipv6 => "ipv6",
            Self::Url => "url",
            Self::Email => "email",
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
            Self::Sha3_256 => "sha3-256",
            Self::Sha3_512 => "sha3-512",
            Self::Ssdeep => "ssdeep",
            Self::Tlsh => "tlsh",
            Self::OtherHash => "other-hash",
        }
    }

    /// Parses a kind's name as [`ValueKind::as_str`] writes it; `ip` is not a kind (ask for
    /// `ipv4` and `ipv6`), and `hash` is not one either.
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|kind| kind.as_str() == lower)
    }
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl HashAlgorithm {
    /// Returns the algorithm for a `hashes` key or pattern path step, in any case, with or
    /// without the hyphen (`sha256`, `SHA-256`, `Sha-256` are the same).
    pub fn from_stix_name(name: &str) -> Self {
        let compact: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        match compact.as_str() {
            "MD5" => Self::Md5,
            "SHA1" => Self::Sha1,
            "SHA256" => Self::Sha256,
            "SHA512" => Self::Sha512,
            "SHA3256" => Self::Sha3_256,
            "SHA3512" => Self::Sha3_512,
            "SSDEEP" => Self::Ssdeep,
            "TLSH" => Self::Tlsh,
            _ => Self::Other,
        }
    }

    /// Returns the name STIX's `hash-algorithm-ov` gives it (`SHA-256`), or `None` for
    /// [`HashAlgorithm::Other`].
    pub fn stix_name(self) -> Option<&'static str> {
        Some(match self {
            Self::Md5 => "MD5",
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
            Self::Sha512 => "SHA-512",
            Self::Sha3_256 => "SHA3-256",
            Self::Sha3_512 => "SHA3-512",
            Self::Ssdeep => "SSDEEP",
            Self::Tlsh => "TLSH",
            Self::Other => return None,
        })
    }

    /// Returns the value kind of hashes of this algorithm.
    pub fn kind(self) -> ValueKind {
        match self {
            Self::Md5 => ValueKind::Md5,
            Self::Sha1 => ValueKind::Sha1,
            Self::Sha256 => ValueKind::Sha256,
            Self::Sha512 => ValueKind::Sha512,
            Self::Sha3_256 => ValueKind::Sha3_256,
            Self::Sha3_512 => ValueKind::Sha3_512,
            Self::Ssdeep => ValueKind::Ssdeep,
            Self::Tlsh => ValueKind::Tlsh,
            Self::Other => ValueKind::OtherHash,
        }
    }

    /// Returns the length in hex digits of a hash of this algorithm, for the fixed-length
    /// cryptographic ones.
    pub fn hex_len(self) -> Option<usize> {
        match self {
            Self::Md5 => Some(32),
            Self::Sha1 => Some(40),
            Self::Sha256 | Self::Sha3_256 => Some(64),
            Self::Sha512 | Self::Sha3_512 => Some(128),
            Self::Ssdeep | Self::Tlsh | Self::Other => None,
        }
    }
}

impl Value {
    /// Returns the value's kind.
    pub fn kind(&self) -> ValueKind {
        match self {
            Self::Domain(_) => ValueKind::Domain,
            Self::DomainSuffix(_) => ValueKind::DomainSuffix,
            Self::Ipv4(_) => ValueKind::Ipv4,
            Self::Ipv6(_) => ValueKind::Ipv6,
            Self::Url(_) => ValueKind::Url,
            Self::Email(_) => ValueKind::Email,
            Self::Hash(algorithm, _) => algorithm.kind(),
        }
    }

    /// Returns the value as text: the domain (the parent domain of a suffix), the address (without `/32` or `/128`) or the
    /// CIDR block, the URL, the e-mail address or the hash.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Self::Domain(text)
            | Self::DomainSuffix(text)
            | Self::Url(text)
            | Self::Email(text)
            | Self::Hash(_, text) => Cow::Borrowed(text),
            Self::Ipv4(net) if net.prefix_len() == 32 => Cow::Owned(net.addr().to_string()),
            Self::Ipv6(net) if net.prefix_len() == 128 => Cow::Owned(net.addr().to_string()),
            Self::Ipv4(net) => Cow::Owned(net.to_string()),
            Self::Ipv6(net) => Cow::Owned(net.to_string()),
        }
    }

    /// Writes [`Value::text`] without allocating for the common kinds.
    pub(crate) fn write_text(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        match self {
            Self::Domain(text)
            | Self::DomainSuffix(text)
            | Self::Url(text)
            | Self::Email(text)
            | Self::Hash(_, text) => out.write_all(text.as_bytes()),
            Self::Ipv4(net) if net.prefix_len() == 32 => write!(out, "{}", net.addr()),
            Self::Ipv6(net) if net.prefix_len() == 128 => write!(out, "{}", net.addr()),
            Self::Ipv4(net) => write!(out, "{net}"),
            Self::Ipv6(net) => write!(out, "{net}"),
        }
    }

    /// Returns the IP network of an address value.
    pub fn as_ip_net(&self) -> Option<IpNet> {
        match self {
            Self::Ipv4(net) => Some(IpNet::V4(*net)),
            Self::Ipv6(net) => Some(IpNet::V6(*net)),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// The longest domain name DNS can carry, in its dotted text form without the trailing dot.
pub const MAX_DOMAIN_LEN: usize = 253;

/// Parses and normalises a domain name: trims a trailing dot, converts Unicode labels to
/// A-labels (UTS #46, non-transitional), lowercases, and checks the DNS limits (labels of 1
/// to 63 octets, 253 in all). Letters, digits, hyphens and underscores are allowed
/// (underscores appear in real service names such as `_dmarc`).
///
/// # Errors
///
/// Returns [`ValueError`] for empty labels, forbidden characters, names that are too long and
/// names IDNA refuses.
pub fn parse_domain(text: &str) -> Result<String, ValueError> {
    let ascii = parse_dns_name(text)?;
    if !ascii.contains('.') {
        return Err(ValueError {
            value: clip(text),
            kind: "domain name",
            reason: "it has a single label",
        });
    }
    // A top-level domain is never all digits (RFC 3696 section 2), so `203.0.113.300` is a
    // malformed address, not a name.
    if ascii
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ValueError {
            value: clip(text),
            kind: "domain name",
            reason: "its last label is all digits",
        });
    }
    Ok(ascii)
}

/// Parses a DNS name as [`parse_domain`] does, but accepts a single label (`localhost`), as
/// the names of servers in configuration may be.
///
/// # Errors
///
/// As [`parse_domain`], except for the single label.
pub fn parse_dns_name(text: &str) -> Result<String, ValueError> {
    let err = |reason| ValueError {
        value: clip(text),
        kind: "domain name",
        reason,
    };
    let trimmed = text.trim();
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Err(err("it is empty"));
    }
    let ascii = if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(trimmed).map_err(|_| err("IDNA refuses it"))?
    };
    if ascii.len() > MAX_DOMAIN_LEN {
        return Err(err("it is longer than 253 characters"));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(err("it has an empty label"));
        }
        if label.len() > 63 {
            return Err(err("a label is longer than 63 characters"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(err(
                "only letters, digits, '-' and '_' may appear in a label",
            ));
        }
    }
    Ok(ascii)
}

/// Parses an IPv4 or IPv6 address or CIDR block into a value, clearing host bits of blocks
/// (`10.1.2.3/8` is `10.0.0.0/8`, the block the pattern's `ISSUBSET` means).
///
/// # Errors
///
/// Returns [`ValueError`] when the text is neither an address nor a CIDR block.
pub fn parse_ip(text: &str) -> Result<Value, ValueError> {
    let trimmed = text.trim();
    let net = match trimmed.split_once('/') {
        Some(_) => trimmed
            .parse::<IpNet>()
            .map(|net| net.trunc())
            .map_err(|_| ValueError {
                value: clip(text),
                kind: "IP address or CIDR block",
                reason: "it is not an address followed by a prefix length",
            })?,
        None => trimmed
            .parse::<IpAddr>()
            .map(IpNet::from)
            .map_err(|_| ValueError {
                value: clip(text),
                kind: "IP address or CIDR block",
                reason: "it is not an IP address",
            })?,
    };
    Ok(match net {
        IpNet::V4(net) => Value::Ipv4(net),
        IpNet::V6(net) => Value::Ipv6(net),
    })
}

/// Parses a URL: it must be absolute with a host; the scheme and host are lowercased (they
/// are case-insensitive), the rest is kept as written.
///
/// # Errors
///
/// Returns [`ValueError`] when the text is not an absolute URL with a host, or holds
/// whitespace or control characters.
pub fn parse_url(text: &str) -> Result<String, ValueError> {
    let err = |reason| ValueError {
        value: clip(text),
        kind: "URL",
        reason,
    };
    let trimmed = text.trim();
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(err("it contains whitespace or control characters"));
    }
    let parsed = url::Url::parse(trimmed).map_err(|_| err("it is not an absolute URL"))?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(err("it has no host"));
    }
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return Err(err("it has no `scheme://` authority"));
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    // Userinfo is case-sensitive; only the host part after an `@` is lowercased.
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => format!("{userinfo}@{}", host.to_ascii_lowercase()),
        None => authority.to_ascii_lowercase(),
    };
    Ok(format!(
        "{}://{authority}{tail}",
        scheme.to_ascii_lowercase()
    ))
}

/// Parses an e-mail address (`local@domain`), lowercasing it.
///
/// # Errors
///
/// Returns [`ValueError`] when there is not exactly one `@`, the local part is empty or
/// holds whitespace, or the domain is not a valid domain name.
pub fn parse_email(text: &str) -> Result<String, ValueError> {
    let err = |reason| ValueError {
        value: clip(text),
        kind: "e-mail address",
        reason,
    };
    let trimmed = text.trim();
    let Some((local, domain)) = trimmed.rsplit_once('@') else {
        return Err(err("it has no '@'"));
    };
    if local.is_empty()
        || local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@')
    {
        return Err(err("the local part is empty or holds whitespace or '@'"));
    }
    let domain = parse_domain(domain).map_err(|_| err("the domain is not a valid domain name"))?;
    Ok(format!("{}@{domain}", local.to_lowercase()))
}

/// Parses a file hash of `algorithm`: cryptographic hashes must be hex of the right length
/// (lowercased); fuzzy hashes are kept trimmed.
///
/// # Errors
///
/// Returns [`ValueError`] when a cryptographic hash has the wrong length or a non-hex digit.
pub fn parse_hash(algorithm: HashAlgorithm, text: &str) -> Result<Value, ValueError> {
    let trimmed = text.trim();
    match algorithm.hex_len() {
        Some(len) => {
            if trimmed.len() != len || !trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ValueError {
                    value: clip(text),
                    kind: "file hash",
                    reason: "it is not hex of the algorithm's length",
                });
            }
            Ok(Value::Hash(algorithm, trimmed.to_ascii_lowercase()))
        }
        None => {
            if trimmed.is_empty() || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ValueError {
                    value: clip(text),
                    kind: "file hash",
                    reason: "it is empty or holds whitespace",
                });
            }
            Ok(Value::Hash(algorithm, trimmed.to_owned()))
        }
    }
}

/// Keeps error messages short whatever the input.
fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalised_and_checked() {
        assert_eq!(
            parse_domain("Evil.Example.COM.").unwrap(),
            "evil.example.com"
        );
        assert_eq!(
            parse_domain("bücher.example").unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(
            parse_domain("_dmarc.example.org").unwrap(),
            "_dmarc.example.org"
        );
        for bad in [
            "",
            ".",
            "a..b",
            "localhost",
            "a b.example",
            "x;y.example",
            "198.51.100.1",
        ] {
            assert!(parse_domain(bad).is_err(), "{bad:?}");
        }
        let long_label = format!("{}.example", "a".repeat(64));
        assert!(parse_domain(&long_label).is_err());
        let long_name = format!("{}example", "abcdefghi.".repeat(25));
        assert!(parse_domain(&long_name).is_err());
    }

    #[test]
    fn ips_and_blocks_are_canonical() {
        assert_eq!(parse_ip("198.51.100.7").unwrap().text(), "198.51.100.7");
        assert_eq!(
            parse_ip("198.51.100.7/24").unwrap().text(),
            "198.51.100.0/24"
        );
        assert_eq!(parse_ip("2001:DB8:0::1").unwrap().text(), "2001:db8::1");
        assert_eq!(parse_ip("2001:db8::1/32").unwrap().text(), "2001:db8::/32");
        assert_eq!(parse_ip("198.51.100.7").unwrap().kind(), ValueKind::Ipv4);
        for bad in ["", "1.2.3", "1.2.3.4/33", "example.com", "::1/129"] {
            assert!(parse_ip(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn urls_keep_their_path_and_lower_their_host() {
        assert_eq!(
            parse_url("HTTP://Evil.Example:8080/A/b?Q=1").unwrap(),
            "http://evil.example:8080/A/b?Q=1"
        );
        assert_eq!(
            parse_url("https://User@Evil.Example/x").unwrap(),
            "https://User@evil.example/x"
        );
        for bad in [
            "evil.example/x",
            "http://",
            "http://a b/",
            "mailto:x@y.example",
        ] {
            assert!(parse_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hashes_need_the_right_length() {
        let md5 = "D41D8CD98F00B204E9800998ECF8427E";
        assert_eq!(
            parse_hash(HashAlgorithm::Md5, md5).unwrap(),
            Value::Hash(HashAlgorithm::Md5, md5.to_ascii_lowercase())
        );
        assert!(parse_hash(HashAlgorithm::Sha256, md5).is_err());
        assert!(parse_hash(HashAlgorithm::Md5, "z41d8cd98f00b204e9800998ecf8427e").is_err());
        assert_eq!(
            HashAlgorithm::from_stix_name("sha-256"),
            HashAlgorithm::Sha256
        );
        assert_eq!(
            HashAlgorithm::from_stix_name("SHA3-512"),
            HashAlgorithm::Sha3_512
        );
        assert_eq!(
            HashAlgorithm::from_stix_name("IMPHASH"),
            HashAlgorithm::Other
        );
    }

    #[test]
    fn emails_are_lowercased() {
        assert_eq!(parse_email("Bob@Example.COM").unwrap(), "bob@example.com");
        assert!(parse_email("bob").is_err());
        assert!(parse_email("@example.com").is_err());
        assert!(parse_email("bob@localhost").is_err());
    }

    #[test]
    fn kinds_parse_back() {
        for kind in ValueKind::ALL {
            assert_eq!(ValueKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ValueKind::parse("IP"), None);
    }
}
