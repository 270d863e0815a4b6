//! Lookup keys: the normalised values an indicator is found by, and their encoding in the
//! index's text arena.

use std::fmt;
use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::normalize::{self, HashAlgo};

/// A value an indicator is found by, normalised as [`crate::normalize`] says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A domain name, and which names it matches: itself, names under it, or both.
    Domain {
        /// The name in lower-case A-label form, without a trailing dot.
        name: String,
        /// Which names match.
        scope: DomainScope,
    },
    /// An IPv4 or IPv6 network; a single address is a `/32` or `/128`.
    Ip(IpNet),
    /// A URL in normalised form.
    Url(String),
    /// A file hash.
    Hash {
        /// The algorithm.
        algo: HashAlgo,
        /// Lower-case hex.
        value: String,
    },
    /// An e-mail address in normalised form.
    Email(String),
}

impl Key {
    /// Builds a domain key, normalising `name`.
    pub fn domain(name: &str, scope: DomainScope) -> Option<Self> {
        normalize::domain(name).map(|name| Self::Domain { name, scope })
    }

    /// Builds an IP key from an address or CIDR block (`198.51.100.0/24`); host bits of a
    /// block are cleared, and an IPv4-mapped IPv6 block becomes the IPv4 block it covers.
    pub fn ip(text: &str) -> Option<Self> {
        let net = match text.split_once('/') {
            Some((addr, len)) => {
                let addr = normalize::ip(addr.as_bytes())?;
                let len: u8 = len.trim().parse().ok()?;
                net_of(addr, len, text)?
            }
            None => IpNet::from(normalize::ip(text.as_bytes())?),
        };
        Some(Self::Ip(net.trunc()))
    }

    /// Builds a URL key, normalising `url`.
    pub fn url(url: &str) -> Option<Self> {
        normalize::url(url).map(Self::Url)
    }

    /// Builds a hash key, normalising `value`.
    pub fn hash(algo: HashAlgo, value: &str) -> Option<Self> {
        normalize::hash(value, algo).map(|value| Self::Hash { algo, value })
    }

    /// Builds an e-mail key, normalising `address`.
    pub fn email(address: &str) -> Option<Self> {
        normalize::email(address).map(Self::Email)
    }

    /// Returns the kind of value the key matches.
    pub fn kind(&self) -> KeyKind {
        match self {
            Self::Domain { .. } => KeyKind::Domain,
            Self::Ip(_) => KeyKind::Ip,
            Self::Url(_) => KeyKind::Url,
            Self::Hash { algo, .. } => KeyKind::Hash(*algo),
            Self::Email(_) => KeyKind::Email,
        }
    }

    /// Encodes the key as (tag, bytes) for the index.
    pub(crate) fn encode(&self, bytes: &mut Vec<u8>) -> (u8, u8) {
        bytes.clear();
        match self {
            Self::Domain { name, scope } => {
                bytes.extend_from_slice(name.as_bytes());
                let flags = match scope {
                    DomainScope::Exact => FLAG_EXACT,
                    DomainScope::WithSubdomains => 0,
                    DomainScope::SubdomainsOnly => FLAG_BELOW_ONLY,
                };
                (TAG_DOMAIN, flags)
            }
            Self::Ip(IpNet::V4(net)) => {
                bytes.extend_from_slice(&net.network().octets());
                bytes.push(net.prefix_len());
                (TAG_IPV4, 0)
            }
            Self::Ip(IpNet::V6(net)) => {
                bytes.extend_from_slice(&net.network().octets());
                bytes.push(net.prefix_len());
                (TAG_IPV6, 0)
            }
            Self::Url(url) => {
                bytes.extend_from_slice(url.as_bytes());
                (TAG_URL, 0)
            }
            Self::Email(address) => {
                bytes.extend_from_slice(address.as_bytes());
                (TAG_EMAIL, 0)
            }
            Self::Hash { algo, value } => {
                bytes.extend_from_slice(value.as_bytes());
                (TAG_HASH + algo.tag(), 0)
            }
        }
    }

    /// Decodes a key from its (tag, flags, bytes) encoding.
    pub(crate) fn decode(tag: u8, flags: u8, bytes: &[u8]) -> Self {
        let text = || String::from_utf8_lossy(bytes).into_owned();
        match tag {
            TAG_DOMAIN => Self::Domain {
                name: text(),
                scope: if flags & FLAG_EXACT != 0 {
                    DomainScope::Exact
                } else if flags & FLAG_BELOW_ONLY != 0 {
                    DomainScope::SubdomainsOnly
                } else {
                    DomainScope::WithSubdomains
                },
            },
            TAG_IPV4 => {
                let octets: [u8; 4] = bytes[..4].try_into().expect("IPv4 keys hold 4 octets");
                let net =
                    Ipv4Net::new(octets.into(), bytes[4]).expect("stored prefix lengths are valid");
                Self::Ip(IpNet::V4(net))
            }
            TAG_IPV6 => {
                let octets: [u8; 16] = bytes[..16].try_into().expect("IPv6 keys hold 16 octets");
                let net = Ipv6Net::new(octets.into(), bytes[16])
                    .expect("stored prefix lengths are valid");
                Self::Ip(IpNet::V6(net))
            }
            TAG_URL => Self::Url(text()),
            TAG_EMAIL => Self::Email(text()),
            _ => Self::Hash {
                algo: HashAlgo::from_tag(tag - TAG_HASH).expect("stored hash tags are valid"),
                value: text(),
            },
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Domain { name, .. } => formatter.write_str(name),
            Self::Ip(net) if net.prefix_len() == net.max_prefix_len() => {
                write!(formatter, "{}", net.addr())
            }
            Self::Ip(net) => write!(formatter, "{net}"),
            Self::Url(url) => formatter.write_str(url),
            Self::Hash { value, .. } => formatter.write_str(value),
            Self::Email(address) => formatter.write_str(address),
        }
    }
}

/// Which names a domain key matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DomainScope {
    /// The name only (an indicator with `"x_phalanx_domain_match": "exact"`).
    Exact,
    /// The name and every name under it (the default for `domain-name:value = '…'`).
    WithSubdomains,
    /// Only names strictly under it (`domain-name:value LIKE '%.example.com'`).
    SubdomainsOnly,
}

/// The kinds of keys, each named as the STIX object path it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    /// `domain-name:value`.
    Domain,
    /// `ipv4-addr:value` or `ipv6-addr:value`.
    Ip,
    /// `url:value`.
    Url,
    /// `file:hashes.'…'`.
    Hash(HashAlgo),
    /// `email-addr:value`.
    Email,
}

impl KeyKind {
    /// Returns the name used in reports: `domain`, `ip`, `url`, `hash`, `email`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::Ip => "ip",
            Self::Url => "url",
            Self::Hash(_) => "hash",
            Self::Email => "email",
        }
    }
}

pub(crate) const TAG_DOMAIN: u8 = 1;
pub(crate) const TAG_IPV4: u8 = 2;
pub(crate) const TAG_IPV6: u8 = 3;
pub(crate) const TAG_URL: u8 = 4;
pub(crate) const TAG_EMAIL: u8 = 5;
pub(crate) const TAG_HASH: u8 = 16;

/// A domain key that matches only the name itself.
pub(crate) const FLAG_EXACT: u8 = 1;
/// A domain key that matches only names strictly under it.
pub(crate) const FLAG_BELOW_ONLY: u8 = 2;

fn net_of(addr: IpAddr, len: u8, text: &str) -> Option<IpNet> {
    match addr {
        IpAddr::V4(v4) => {
            // `::ffff:198.51.100.0/120` was written for IPv6 and covers an IPv4 block.
            let mapped = text.contains(':');
            let len = if mapped { len.checked_sub(96)? } else { len };
            Ipv4Net::new(v4, len).ok().map(IpNet::V4)
        }
        IpAddr::V6(v6) => Ipv6Net::new(v6, len).ok().map(IpNet::V6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_keys_clear_host_bits_and_unmap_ipv4() {
        assert_eq!(
            Key::ip("198.51.100.7/24"),
            Some(Key::Ip("198.51.100.0/24".parse().unwrap()))
        );
        assert_eq!(
            Key::ip("198.51.100.7"),
            Some(Key::Ip("198.51.100.7/32".parse().unwrap()))
        );
        assert_eq!(
            Key::ip("2001:DB8::1/64"),
            Some(Key::Ip("2001:db8::/64".parse().unwrap()))
        );
        assert_eq!(
            Key::ip("::ffff:198.51.100.0/120"),
            Some(Key::Ip("198.51.100.0/24".parse().unwrap()))
        );
        assert_eq!(Key::ip("198.51.100.7/33"), None);
        assert_eq!(Key::ip("example.com"), None);
    }

    #[test]
    fn keys_round_trip_through_their_encoding() {
        let keys = [
            Key::domain("Example.COM", DomainScope::WithSubdomains).unwrap(),
            Key::domain("example.org", DomainScope::Exact).unwrap(),
            Key::domain("example.net", DomainScope::SubdomainsOnly).unwrap(),
            Key::ip("198.51.100.0/24").unwrap(),
            Key::ip("2001:db8::/32").unwrap(),
            Key::url("http://example.com/a").unwrap(),
            Key::email("bob@example.com").unwrap(),
            Key::hash(HashAlgo::Sha1, &"a".repeat(40)).unwrap(),
        ];
        let mut bytes = Vec::new();
        for key in keys {
            let (tag, flags) = key.encode(&mut bytes);
            assert_eq!(Key::decode(tag, flags, &bytes), key);
        }
    }
}
