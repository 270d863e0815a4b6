//! The index: versions, revocation and removal, and lookups of every key kind (domains, IP
//! networks, URLs, hashes, e-mail addresses) against a slow, obviously correct reference
//! matcher (property tests).

use std::net::IpAddr;

use ipnet::IpNet;
use matcher::normalize::HashAlgo;
use matcher::{DomainScope, IndicatorEntry, IndicatorIndex, Key, Upsert, normalize};
use proptest::prelude::*;
use stix::{StixId, StixTimestamp};

fn id(n: u128) -> StixId {
    StixId::from_parts("indicator", uuid::Uuid::from_u128(n)).unwrap()
}

fn time(text: &str) -> StixTimestamp {
    StixTimestamp::parse(text).unwrap()
}

fn entry(n: u128, modified: &str, keys: Vec<Key>) -> IndicatorEntry {
    IndicatorEntry {
        id: id(n),
        modified: Some(time(modified)),
        revoked: false,
        valid_from: time("2024-01-01T00:00:00Z"),
        valid_until: None,
        name: Some(format!("indicator {n}")),
        created_by_ref: None,
        keys,
        evaluate: None,
    }
}

fn domain(name: &str) -> Key {
    Key::domain(name, DomainScope::WithSubdomains).unwrap()
}

fn domains_hit(index: &IndicatorIndex, name: &str) -> Vec<StixId> {
    let normalised = normalize::domain(name).unwrap();
    let mut found = Vec::new();
    index.lookup_domain(normalised.as_bytes(), |hit| {
        found.push(index.id(hit.indicator))
    });
    found.sort();
    found
}

#[test]
fn newer_versions_replace_older_ones_and_stale_ones_are_ignored() {
    let mut index = IndicatorIndex::new();
    let v1 = entry(1, "2024-01-01T00:00:00Z", vec![domain("old.test")]);
    let v2 = entry(1, "2024-02-01T00:00:00Z", vec![domain("new.test")]);
    assert_eq!(index.upsert(&v2).unwrap(), Upsert::Added);
    assert_eq!(index.upsert(&v1).unwrap(), Upsert::Stale);
    assert_eq!(index.upsert(&v2).unwrap(), Upsert::Stale);
    assert!(domains_hit(&index, "old.test").is_empty());
    assert_eq!(domains_hit(&index, "www.new.test"), [id(1)]);
    let v3 = entry(1, "2024-03-01T00:00:00Z", vec![domain("third.test")]);
    assert_eq!(index.upsert(&v3).unwrap(), Upsert::Replaced);
    assert!(domains_hit(&index, "new.test").is_empty());
    assert_eq!(index.len(), 1);
}

#[test]
fn revocation_removes_and_older_versions_do_not_come_back() {
    let mut index = IndicatorIndex::new();
    index
        .upsert(&entry(1, "2024-01-01T00:00:00Z", vec![domain("evil.test")]))
        .unwrap();
    let mut revoked = entry(1, "2024-02-01T00:00:00Z", vec![domain("evil.test")]);
    revoked.revoked = true;
    assert_eq!(index.upsert(&revoked).unwrap(), Upsert::Revoked);
    assert!(domains_hit(&index, "evil.test").is_empty());
    assert_eq!(
        index
            .upsert(&entry(1, "2024-01-15T00:00:00Z", vec![domain("evil.test")]))
            .unwrap(),
        Upsert::Stale
    );
    assert!(domains_hit(&index, "evil.test").is_empty());
    assert_eq!(index.len(), 0);
    assert!(!index.remove(&id(2)));
}

#[test]
fn a_version_without_keys_removes_the_indicator() {
    let mut index = IndicatorIndex::new();
    index
        .upsert(&entry(1, "2024-01-01T00:00:00Z", vec![domain("evil.test")]))
        .unwrap();
    assert_eq!(
        index
            .upsert(&entry(1, "2024-02-01T00:00:00Z", vec![]))
            .unwrap(),
        Upsert::Unindexed
    );
    assert!(domains_hit(&index, "evil.test").is_empty());
    assert!(!index.contains(&id(1)));
}

#[test]
fn domain_scopes() {
    let mut index = IndicatorIndex::new();
    index
        .upsert(&entry(1, "2024-01-01T00:00:00Z", vec![domain("evil.test")]))
        .unwrap();
    let exact = Key::domain("exact.test", DomainScope::Exact).unwrap();
    index
        .upsert(&entry(2, "2024-01-01T00:00:00Z", vec![exact]))
        .unwrap();
    let below = Key::domain("below.test", DomainScope::SubdomainsOnly).unwrap();
    index
        .upsert(&entry(3, "2024-01-01T00:00:00Z", vec![below]))
        .unwrap();
    assert_eq!(domains_hit(&index, "EVIL.test."), [id(1)]);
    assert_eq!(domains_hit(&index, "a.b.evil.test"), [id(1)]);
    assert!(domains_hit(&index, "notevil.test").is_empty());
    assert_eq!(domains_hit(&index, "exact.test"), [id(2)]);
    assert!(domains_hit(&index, "www.exact.test").is_empty());
    assert!(domains_hit(&index, "below.test").is_empty());
    assert_eq!(domains_hit(&index, "x.below.test"), [id(3)]);
}

#[test]
fn removing_many_indicators_compacts_and_keeps_the_rest() {
    let mut index = IndicatorIndex::new();
    for n in 0..20_000u128 {
        let keys = vec![
            domain(&format!("name-{n}-with-a-long-label.test")),
            Key::ip(&format!("10.{}.{}.0/24", n / 256, n % 256)).unwrap(),
        ];
        index
            .upsert(&entry(n, "2024-01-01T00:00:00Z", keys))
            .unwrap();
    }
    let before = index.heap_bytes();
    for n in (0..20_000u128).filter(|n| n % 4 != 0) {
        assert!(index.remove(&id(n)));
    }
    assert_eq!(index.len(), 5_000);
    for n in (0..20_000u128).step_by(997) {
        let hits = domains_hit(&index, &format!("www.name-{n}-with-a-long-label.test"));
        let mut ip_hits = Vec::new();
        index.lookup_ip(
            format!("10.{}.{}.9", n / 256, n % 256).parse().unwrap(),
            |hit| ip_hits.push(index.id(hit.indicator)),
        );
        if n % 4 == 0 {
            assert_eq!(hits, [id(n)]);
            assert_eq!(ip_hits, [id(n)]);
        } else {
            assert!(hits.is_empty() && ip_hits.is_empty(), "{n}");
        }
    }
    // Freed slots are reused: adding back as many does not grow the index much.
    for n in 100_000..115_000u128 {
        index
            .upsert(&entry(
                n,
                "2024-01-01T00:00:00Z",
                vec![domain(&format!("again-{n}.test"))],
            ))
            .unwrap();
    }
    assert!(
        index.heap_bytes() < before * 3 / 2,
        "{} vs {before}",
        index.heap_bytes()
    );
}

/// The obviously correct matcher: every key against the value, by the definitions.
fn reference(entries: &[(u128, Vec<Key>)], value: &Observed) -> Vec<u128> {
    let mut found: Vec<u128> = entries
        .iter()
        .filter(|(_, keys)| keys.iter().any(|key| covers(key, value)))
        .map(|(n, _)| *n)
        .collect();
    found.sort_unstable();
    found
}

fn covers(key: &Key, value: &Observed) -> bool {
    match (key, value) {
        (Key::Domain { name, scope }, Observed::Domain(observed)) => {
            let Some(observed) = normalize::domain(observed) else {
                return false;
            };
            let below = observed.ends_with(&format!(".{name}"));
            match scope {
                DomainScope::Exact => observed == *name,
                DomainScope::WithSubdomains => observed == *name || below,
                DomainScope::SubdomainsOnly => below,
            }
        }
        (Key::Ip(net), Observed::Ip(addr)) => net.contains(addr),
        (Key::Url(url), Observed::Url(parts, _)) => *url == parts.canonical(),
        (Key::Hash { algo, value }, Observed::Hash(observed_algo, observed)) => {
            algo == observed_algo && value.eq_ignore_ascii_case(observed)
        }
        (Key::Email(address), Observed::Email(local, domain, _)) => {
            *address == format!("{local}@{domain}")
        }
        _ => false,
    }
}

#[derive(Debug, Clone)]
enum Observed {
    Domain(String),
    Ip(IpAddr),
    /// A URL by its parts, and the text a log wrote it as.
    Url(UrlParts, String),
    Hash(HashAlgo, String),
    /// An e-mail address by its (lower-case) parts, and the text a log wrote it as.
    Email(String, String, String),
}

/// A URL by its parts; two URLs are the same when their parts are (RFC 3986 section 6.2.2
/// and 6.2.3), whatever the case of scheme and host, an explicit default port or
/// percent-encoded unreserved characters.
#[derive(Debug, Clone)]
struct UrlParts {
    https: bool,
    host: String,
    port: Option<u16>,
    segments: Vec<String>,
    query: Option<String>,
}

impl UrlParts {
    fn default_port(&self) -> u16 {
        if self.https { 443 } else { 80 }
    }

    /// The form every equivalent URL shares: lower case, no default port, spaces escaped.
    fn canonical(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let port = match self.port {
            Some(port) if port != self.default_port() => format!(":{port}"),
            _ => String::new(),
        };
        let path = self.segments.join("/").replace(' ', "%20");
        let query = self
            .query
            .as_ref()
            .map(|query| format!("?{query}"))
            .unwrap_or_default();
        format!("{scheme}://{host}{port}/{path}{query}", host = self.host)
    }

    /// One way a log may write the URL.
    fn written(
        &self,
        upper_scheme: bool,
        upper_host: bool,
        explicit_port: bool,
        escape: bool,
    ) -> String {
        let scheme = match (self.https, upper_scheme) {
            (true, true) => "HTTPS",
            (true, false) => "https",
            (false, true) => "HTTP",
            (false, false) => "http",
        };
        let host = if upper_host {
            self.host.to_uppercase()
        } else {
            self.host.clone()
        };
        let port = match self.port {
            Some(port) if port != self.default_port() || explicit_port => format!(":{port}"),
            None if explicit_port => format!(":{}", self.default_port()),
            _ => String::new(),
        };
        let mut path = String::new();
        for (n, segment) in self.segments.iter().enumerate() {
            if n > 0 {
                path.push('/');
            }
            for ch in segment.chars() {
                match ch {
                    ' ' => path.push_str("%20"),
                    ch if escape && ch.is_ascii_alphanumeric() => {
                        path.push_str(&format!("%{:02x}", u32::from(ch)));
                    }
                    ch => path.push(ch),
                }
            }
        }
        let query = self
            .query
            .as_ref()
            .map(|query| format!("?{query}"))
            .unwrap_or_default();
        format!("{scheme}://{host}{port}/{path}{query}")
    }
}

/// A few hosts, so that keys and observed values meet often.
fn small_host() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["evil.test", "xn--bcher-kva.example", "a.b.c"])
        .prop_map(str::to_owned)
}

/// URLs from a small space (a few hundred), so that keys and observed values meet often.
fn url_parts() -> impl Strategy<Value = UrlParts> {
    let segment = prop::sample::select(vec!["a", "x y", "~u", "Q.html"]).prop_map(str::to_owned);
    (
        any::<bool>(),
        small_host(),
        prop::option::of(prop::sample::select(vec![80u16, 443, 8080])),
        prop::collection::vec(segment, 0..2),
        prop::option::of(prop::sample::select(vec!["id=1", "q=a&b=c"]).prop_map(str::to_owned)),
    )
        .prop_map(|(https, host, port, segments, query)| UrlParts {
            https,
            host,
            port,
            segments,
            query,
        })
}

const HASHES: [&str; 3] = [
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
];

fn hash_value() -> impl Strategy<Value = (HashAlgo, String)> {
    const ALGOS: [HashAlgo; 3] = [HashAlgo::Md5, HashAlgo::Sha1, HashAlgo::Sha256];
    (0..HASHES.len()).prop_map(|n| (ALGOS[n], HASHES[n].to_owned()))
}

fn email_parts() -> impl Strategy<Value = (String, String)> {
    (
        prop::sample::select(vec!["bob", "alice", "j.doe"]).prop_map(str::to_owned),
        small_host(),
    )
}

fn label() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "evil", "xn--bcher-kva", "mail", "c-d", "x1"])
        .prop_map(str::to_owned)
}

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..5).prop_map(|labels| labels.join("."))
}

fn scope() -> impl Strategy<Value = DomainScope> {
    prop::sample::select(vec![
        DomainScope::Exact,
        DomainScope::WithSubdomains,
        DomainScope::SubdomainsOnly,
    ])
}

fn net() -> impl Strategy<Value = IpNet> {
    prop_oneof![
        (0u32..4096, 16u8..=32).prop_map(|(low, len)| {
            IpNet::new(IpAddr::from([10, 0, (low >> 8) as u8, low as u8]), len)
                .unwrap()
                .trunc()
        }),
        (0u16..64, 100u8..=128).prop_map(|(low, len)| {
            IpNet::new(IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, low]), len)
                .unwrap()
                .trunc()
        }),
    ]
}

fn key() -> impl Strategy<Value = Key> {
    prop_oneof![
        (name(), scope()).prop_map(|(name, scope)| Key::domain(&name, scope).unwrap()),
        net().prop_map(Key::Ip),
        url_parts().prop_map(|parts| Key::url(&parts.canonical()).unwrap()),
        hash_value().prop_map(|(algo, value)| Key::hash(algo, &value).unwrap()),
        email_parts().prop_map(|(local, domain)| Key::email(&format!("{local}@{domain}")).unwrap()),
    ]
}

fn observed() -> impl Strategy<Value = Observed> {
    prop_oneof![
        (name(), any::<bool>(), any::<bool>()).prop_map(|(name, upper, dot)| {
            let name = if upper { name.to_uppercase() } else { name };
            Observed::Domain(if dot { format!("{name}.") } else { name })
        }),
        (0u32..4096).prop_map(|low| Observed::Ip(IpAddr::from([
            10,
            0,
            (low >> 8) as u8,
            low as u8
        ]))),
        (0u16..64).prop_map(|low| Observed::Ip(IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, low]))),
        (url_parts(), any::<[bool; 4]>()).prop_map(|(parts, [scheme, host, port, escape])| {
            let written = parts.written(scheme, host, port, escape);
            Observed::Url(parts, written)
        }),
        (hash_value(), any::<bool>()).prop_map(|((algo, value), upper)| {
            Observed::Hash(algo, if upper { value.to_uppercase() } else { value })
        }),
        (email_parts(), any::<bool>(), any::<bool>()).prop_map(
            |((local, domain), upper, display)| {
                let address = format!("{local}@{domain}");
                let address = if upper {
                    address.to_uppercase()
                } else {
                    address
                };
                let written = if display {
                    format!("Someone <{address}>")
                } else {
                    address
                };
                Observed::Email(local, domain, written)
            }
        ),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Upsert(u128, Vec<Key>),
    Remove(u128),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u128..40, prop::collection::vec(key(), 1..4)).prop_map(|(n, keys)| Op::Upsert(n, keys)),
        1 => (0u128..40).prop_map(Op::Remove),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn index_agrees_with_the_reference(
        ops in prop::collection::vec(op(), 1..80),
        values in prop::collection::vec(observed(), 1..40),
        with_prefilter in any::<bool>(),
    ) {
        let mut index = IndicatorIndex::new();
        let mut live: Vec<(u128, Vec<Key>)> = Vec::new();
        if with_prefilter {
            // Enough IPv4 and domain keys, outside the values tested, for the prefilters to
            // be built.
            for n in 0..5_000u32 {
                let ip = Key::ip(&format!("172.16.{}.{}", n / 256, n % 256)).unwrap();
                let name = domain(&format!("filler-{n}.invalid"));
                index.upsert(&entry(1_000_000 + u128::from(n), "2024-01-01T00:00:00Z", vec![ip, name])).unwrap();
                live.push((1_000_000 + u128::from(n), Vec::new()));
            }
        }
        for (version, op) in ops.into_iter().enumerate() {
            match op {
                Op::Upsert(n, keys) => {
                    let modified = StixTimestamp::from_micros(1_704_067_200_000_000 + version as i64).unwrap();
                    let mut new = entry(n, "2024-01-01T00:00:00Z", keys.clone());
                    new.modified = Some(modified);
                    index.upsert(&new).unwrap();
                    live.retain(|(other, _)| *other != n);
                    live.push((n, keys));
                }
                Op::Remove(n) => {
                    prop_assert_eq!(index.remove(&id(n)), live.iter().any(|(other, _)| *other == n));
                    live.retain(|(other, _)| *other != n);
                }
            }
        }
        prop_assert_eq!(index.len(), live.len());
        for value in &values {
            let mut found = Vec::new();
            match value {
                Observed::Domain(name) => {
                    if let Some(normalised) = normalize::domain(name) {
                        index.lookup_domain(normalised.as_bytes(), |hit| found.push(index.id(hit.indicator).uuid().as_u128()));
                    }
                }
                Observed::Ip(addr) => index.lookup_ip(*addr, |hit| found.push(index.id(hit.indicator).uuid().as_u128())),
                Observed::Url(_, written) => {
                    let normalised = normalize::url(written);
                    prop_assert!(normalised.is_some(), "{}", written);
                    if let Some(url) = normalised {
                        index.lookup_url(url.as_bytes(), |hit| found.push(index.id(hit.indicator).uuid().as_u128()));
                    }
                }
                Observed::Hash(algo, written) => {
                    if let Some(value) = normalize::hash(written, *algo) {
                        index.lookup_hash(*algo, value.as_bytes(), |hit| found.push(index.id(hit.indicator).uuid().as_u128()));
                    }
                }
                Observed::Email(_, _, written) => {
                    let normalised = normalize::email(written);
                    prop_assert!(normalised.is_some(), "{}", written);
                    if let Some(address) = normalised {
                        index.lookup_email(address.as_bytes(), |hit| found.push(index.id(hit.indicator).uuid().as_u128()));
                    }
                }
            }
            found.sort_unstable();
            found.dedup();
            prop_assert_eq!(found, reference(&live, value), "{:?}", value);
        }
    }
}
