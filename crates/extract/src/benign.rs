//! Known-benign and documentation values: RFC 5737 and RFC 3849 address ranges, RFC 2606 and
//! RFC 6761 names, non-routable addresses, and an allow list of well-known vendor domains
//! shipped as data (`data/allowlist.txt`) that callers may replace.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::finding::{Benign, Finding, IocKind};

/// The allow list shipped with Phalanx.
const DEFAULT_ALLOWLIST: &str = include_str!("../data/allowlist.txt");

/// Domains whose findings are marked [`Benign::Allowlisted`] (the domain and its subdomains).
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    domains: HashSet<String>,
}

impl AllowList {
    /// Parses an allow list: one domain per line, `#` starts a comment, blank lines ignored.
    pub fn parse(text: &str) -> Self {
        let domains = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
            .filter(|line| !line.is_empty())
            .map(|line| line.trim_end_matches('.').to_ascii_lowercase())
            .collect();
        Self { domains }
    }

    /// Returns the allow list shipped with Phalanx.
    pub fn builtin() -> Self {
        Self::parse(DEFAULT_ALLOWLIST)
    }

    /// Adds the entries of another list.
    pub fn extend(&mut self, other: AllowList) {
        self.domains.extend(other.domains);
    }

    /// Returns the number of domains in the list.
    pub fn len(&self) -> usize {
        self.domains.len()
    }

    /// Returns whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    /// Returns whether `host` (lower case) or one of its parent domains is listed.
    pub fn contains(&self, host: &str) -> bool {
        let mut rest = host;
        loop {
            if self.domains.contains(rest) {
                return true;
            }
            match rest.find('.') {
                Some(idx) => rest = &rest[idx + 1..],
                None => return false,
            }
        }
    }
}

/// The rules that mark findings benign.
#[derive(Debug, Clone)]
pub(crate) struct BenignRules {
    pub allowlist: AllowList,
}

impl BenignRules {
    /// Returns why a finding is probably benign, if it is.
    pub fn assess(&self, finding: &Finding) -> Option<Benign> {
        match finding.kind {
            IocKind::Ipv4 => ipv4(&finding.value),
            IocKind::Ipv4Cidr => finding.value.split('/').next().and_then(ipv4),
            IocKind::Ipv6 => ipv6(&finding.value),
            IocKind::Ipv6Cidr => finding.value.split('/').next().and_then(ipv6),
            IocKind::Domain => self.host(&finding.value),
            IocKind::Url => url_host(&finding.value).and_then(|host| self.host(&host)),
            IocKind::Email | IocKind::Xmpp => {
                let host = finding.value.rsplit('@').next().unwrap_or("");
                self.host(host.trim_start_matches('[').trim_end_matches(']'))
            }
            _ => None,
        }
    }

    fn host(&self, host: &str) -> Option<Benign> {
        if let Some(benign) = ipv4(host).or_else(|| ipv6(host)) {
            return Some(benign);
        }
        let host = host.trim_end_matches('.');
        if is_documentation_name(host) {
            Some(Benign::Documentation)
        } else if self.allowlist.contains(host) {
            Some(Benign::Allowlisted)
        } else {
            None
        }
    }
}

/// RFC 2606 / RFC 6761 names: `example.{com,net,org}` and the `.example`, `.test`,
/// `.invalid`, `.localhost` top-level domains.
fn is_documentation_name(host: &str) -> bool {
    const SECOND_LEVEL: [&str; 3] = ["example.com", "example.net", "example.org"];
    const TOP_LEVEL: [&str; 5] = ["example", "test", "invalid", "localhost", "local"];
    let under = |parent: &str| host == parent || host.ends_with(&format!(".{parent}"));
    SECOND_LEVEL.iter().any(|parent| under(parent))
        || TOP_LEVEL
            .iter()
            .any(|tld| host.rsplit('.').next() == Some(tld))
}

fn ipv4(text: &str) -> Option<Benign> {
    let addr: Ipv4Addr = text.parse().ok()?;
    let [a, b, c, _] = addr.octets();
    // RFC 5737 documentation ranges.
    if (a, b, c) == (192, 0, 2) || (a, b, c) == (198, 51, 100) || (a, b, c) == (203, 0, 113) {
        return Some(Benign::Documentation);
    }
    let shared = a == 100 && (64..128).contains(&b);
    let benchmarking = a == 198 && (b == 18 || b == 19);
    (addr.is_private()
        || addr.is_loopback()
        || addr.is_link_local()
        || addr.is_unspecified()
        || addr.is_broadcast()
        || addr.is_multicast()
        || a == 0
        || a >= 240
        || shared
        || benchmarking)
        .then_some(Benign::NonRoutable)
}

fn ipv6(text: &str) -> Option<Benign> {
    let addr: Ipv6Addr = text.parse().ok()?;
    let segments = addr.segments();
    // RFC 3849 documentation prefix 2001:db8::/32 (and RFC 9637's 3fff::/20).
    if (segments[0] == 0x2001 && segments[1] == 0x0db8) || segments[0] & 0xfff0 == 0x3ff0 {
        return Some(Benign::Documentation);
    }
    (addr.is_loopback()
        || addr.is_unspecified()
        || addr.is_multicast()
        || segments[0] & 0xffc0 == 0xfe80
        || segments[0] & 0xfe00 == 0xfc00)
        .then_some(Benign::NonRoutable)
}

/// The host of a URL value (with or without a scheme).
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(inner) = host_port.strip_prefix('[') {
        inner.split(']').next()?
    } else if host_port.matches(':').count() > 1 {
        host_port
    } else {
        host_port.split(':').next()?
    };
    Some(host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::DefangSet;

    #[track_caller]
    fn check(kind: IocKind, value: &str, want: Option<Benign>) {
        let rules = BenignRules {
            allowlist: AllowList::builtin(),
        };
        let finding = Finding {
            kind,
            value: value.to_owned(),
            span: 0..value.len(),
            defang: DefangSet::NONE,
            benign: None,
            within: None,
            host: None,
        };
        assert_eq!(rules.assess(&finding), want, "{value}");
    }

    #[test]
    fn documentation_values_are_marked() {
        check(IocKind::Ipv4, "198.51.100.7", Some(Benign::Documentation));
        check(IocKind::Ipv6, "2001:db8::1", Some(Benign::Documentation));
        check(
            IocKind::Domain,
            "www.example.com",
            Some(Benign::Documentation),
        );
        check(IocKind::Domain, "evil.test", Some(Benign::Documentation));
        check(
            IocKind::Url,
            "https://example.org/x",
            Some(Benign::Documentation),
        );
        check(IocKind::Email, "a@example.net", Some(Benign::Documentation));
    }

    #[test]
    fn private_and_vendor_values_are_marked() {
        check(IocKind::Ipv4, "10.1.2.3", Some(Benign::NonRoutable));
        check(IocKind::Ipv4, "127.0.0.1", Some(Benign::NonRoutable));
        check(
            IocKind::Domain,
            "learn.microsoft.com",
            Some(Benign::Allowlisted),
        );
        check(
            IocKind::Url,
            "http://192.168.0.1:80/x",
            Some(Benign::NonRoutable),
        );
    }

    #[test]
    fn other_values_are_not() {
        check(IocKind::Ipv4, "185.220.101.4", None);
        check(IocKind::Domain, "evil-c2.ru", None);
        check(IocKind::Domain, "notmicrosoft.com", None);
        check(IocKind::Md5, "68b329da9893e34099c7d8ad5cb9c940", None);
    }
}
