//! The compiler for the matcher: from a pattern, the lookup keys that can decide it, and
//! whether a hit on a key is a match on its own.
//!
//! A log matcher cannot evaluate every indicator against every event. It extracts values from
//! each event (domains, addresses, URLs, hashes, ...), normalises them with [`normalize`] (or
//! [`sco_keys`] for STIX objects), and looks them up among the keys of all indicators. The
//! contract of [`compile`] is:
//!
//! - **No miss.** If the full evaluator matches the pattern against some observations, one of
//!   those observations holds an SCO whose [`sco_keys`] include a key that one of the
//!   pattern's keys [`covers`](LookupKey::covers). (This assumes references point at the
//!   object types the specification allows, e.g. `network-traffic:dst_ref` at an address or
//!   domain name.) The property tests check this against the evaluator.
//! - **Exact when deciding.** With [`Decision::KeysDecide`], an observation whose SCO gives a
//!   covered key matches the pattern, up to normalisation: the evaluator compares strings
//!   exactly, while keys compare domain names without case, URLs in normal form, and so on,
//!   which is what a log matcher wants.
//!
//! ```
//! use stix_pattern::{compile, Decision, LookupKey, Pattern, StixVersion};
//!
//! let pattern = Pattern::parse(
//!     "[domain-name:value = 'Evil.Example'] OR [ipv4-addr:value = '198.51.100.7']",
//!     StixVersion::V2_1,
//! )?;
//! let compiled = compile(&pattern);
//! assert_eq!(compiled.decision, Decision::KeysDecide);
//! assert_eq!(
//!     compiled.keys,
//!     vec![
//!         LookupKey::DomainName("evil.example".into()),
//!         LookupKey::IpAddr("198.51.100.7".parse().unwrap()),
//!     ]
//! );
//! # Ok::<(), stix_pattern::Error>(())
//! ```

pub mod normalize;

use std::net::IpAddr;

use ipnet::IpNet;

use crate::ast::{
    Comparison, ComparisonExpr, Constant, ObservationExpr, PathStep, Pattern, StixVersion, Test,
};
use crate::error::Error;
use crate::eval::data::Observation;
use crate::json::{JsonNumber, JsonValue};
use crate::net;

/// A value a matcher can look up, in normal form.
///
/// Keys order and hash by value, so a matcher can index them directly; [`covers`] says which
/// observed keys a pattern key matches (equality, except for networks and domain suffixes).
///
/// [`covers`]: LookupKey::covers
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LookupKey {
    /// A domain name, in [`normalize::domain_name`] form.
    DomainName(String),
    /// Any domain strictly below this one (from `LIKE '%.example.com'`), in
    /// [`normalize::domain_name`] form.
    DomainSuffix(String),
    /// One IPv4 or IPv6 address.
    IpAddr(IpAddr),
    /// An IPv4 or IPv6 network wider than one address, host bits cleared.
    IpNet(IpNet),
    /// A URL, in [`normalize::url`] form.
    Url(String),
    /// An e-mail address, in [`normalize::email_address`] form.
    EmailAddress(String),
    /// A MAC address, in [`normalize::mac_address`] form.
    MacAddress(String),
    /// A hash of a file, an artifact's payload or a certificate.
    Hash {
        /// What was hashed.
        object: HashedObject,
        /// The algorithm.
        algorithm: HashAlgorithm,
        /// The value, in [`normalize::hash_value`] form.
        value: String,
    },
    /// A file name (`file:name`), exactly.
    FileName(String),
    /// An HTTP `User-Agent` header value, exactly.
    UserAgent(String),
    /// A mutex name (`mutex:name`), exactly.
    MutexName(String),
    /// A Windows registry key (`windows-registry-key:key`), in [`normalize::registry_key`]
    /// form.
    WindowsRegistryKey(String),
    /// An autonomous system number.
    AutonomousSystem(u32),
}

/// The kind of object a [`LookupKey::Hash`] was computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashedObject {
    /// `file:hashes`.
    File,
    /// `artifact:hashes` (the payload).
    Artifact,
    /// `x509-certificate:hashes` (the certificate).
    X509Certificate,
}

/// A hash algorithm (STIX 2.1 `hash-algorithm-ov`, and others by name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA3-224.
    Sha3_224,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
    /// SSDEEP.
    Ssdeep,
    /// TLSH.
    Tlsh,
    /// Another algorithm: its name upper-cased without `-` and `_`.
    Other(String),
}

/// What a hit on one of a pattern's keys means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// A hit is a match of the whole pattern (up to normalisation). An empty key list then
    /// means the pattern can never match.
    KeysDecide,
    /// A hit makes the event a candidate: evaluate the full pattern on it (`AND` across
    /// properties or observations, `FOLLOWEDBY`, qualifiers, references, CIDR equality ...).
    /// An empty key list means the pattern can never match.
    EvaluateCandidates,
    /// The pattern can match without any lookup key (`!=`, `NOT`, `MATCHES`, `LIKE` that cannot
    /// be reduced, properties no log carries ...): a matcher must evaluate it on every event,
    /// or leave it out.
    NoKeys,
}

/// The lookup keys of a pattern and what a hit on them means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledPattern {
    /// The keys, sorted, without duplicates; empty when [`Decision::NoKeys`].
    pub keys: Vec<LookupKey>,
    /// What a hit means.
    pub decision: Decision,
}

impl CompiledPattern {
    /// Returns whether `observed` (a normalised value from an event) hits one of the keys.
    pub fn is_hit(&self, observed: &LookupKey) -> bool {
        self.keys.iter().any(|key| key.covers(observed))
    }
}

impl LookupKey {
    /// Returns whether a pattern key matches a key observed in data: equal keys; an address or
    /// network inside a network; a domain strictly below a domain suffix.
    pub fn covers(&self, observed: &LookupKey) -> bool {
        match (self, observed) {
            (LookupKey::IpNet(network), LookupKey::IpAddr(address)) => network.contains(address),
            (LookupKey::IpNet(network), LookupKey::IpNet(inner)) => net::is_subset(inner, network),
            (LookupKey::DomainSuffix(suffix), LookupKey::DomainName(domain)) => domain
                .strip_suffix(suffix.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            (key, observed) => key == observed,
        }
    }
}

/// Parses the pattern of an indicator whose `pattern_type` is `stix`, in the language version
/// its `pattern_version` names (`2.0`, else 2.1). Returns `Ok(None)` for other pattern types.
///
/// # Errors
///
/// Returns the parse error of an invalid pattern, as [`Pattern::parse`].
pub fn parse_indicator(indicator: &stix::Indicator) -> Result<Option<Pattern>, Error> {
    if indicator.pattern_type != "stix" {
        return Ok(None);
    }
    let version = match indicator.pattern_version.as_deref() {
        Some(version) if version.starts_with("2.0") => StixVersion::V2_0,
        _ => StixVersion::V2_1,
    };
    Pattern::parse(&indicator.pattern, version).map(Some)
}

/// Compiles a pattern into its lookup keys; see the module documentation for the contract.
pub fn compile(pattern: &Pattern) -> CompiledPattern {
    match observation_keys_of(&pattern.expression) {
        Some(mut keys) => {
            keys.keys.sort();
            keys.keys.dedup();
            CompiledPattern {
                keys: keys.keys,
                decision: if keys.decisive {
                    Decision::KeysDecide
                } else {
                    Decision::EvaluateCandidates
                },
            }
        }
        None => CompiledPattern {
            keys: Vec::new(),
            decision: Decision::NoKeys,
        },
    }
}

/// Returns the lookup keys one SCO carries, in normal form.
pub fn sco_keys<V: JsonValue>(sco: &V) -> Vec<LookupKey> {
    let mut keys = Vec::new();
    let text = |property: &str| sco.get(property).and_then(V::as_str);
    let hashes = |object: HashedObject, keys: &mut Vec<LookupKey>| {
        if let Some(hashes) = sco.get("hashes").and_then(V::members) {
            for (algorithm, value) in hashes {
                if let Some(value) = value.as_str() {
                    keys.push(LookupKey::Hash {
                        object,
                        algorithm: normalize::hash_algorithm(algorithm),
                        value: normalize::hash_value(value),
                    });
                }
            }
        }
    };
    match sco.get("type").and_then(V::as_str) {
        Some("domain-name" | "ipv4-addr" | "ipv6-addr" | "mac-addr" | "email-addr") => {
            keys.extend(text("value").map(normalize::address));
        }
        Some("url") => {
            keys.extend(text("value").map(|value| LookupKey::Url(normalize::url(value))))
        }
        Some("file") => {
            hashes(HashedObject::File, &mut keys);
            keys.extend(text("name").map(|name| LookupKey::FileName(name.to_owned())));
        }
        Some("artifact") => hashes(HashedObject::Artifact, &mut keys),
        Some("x509-certificate") => hashes(HashedObject::X509Certificate, &mut keys),
        Some("network-traffic") => {
            let headers = sco
                .get("extensions")
                .and_then(|extensions| extensions.get("http-request-ext"))
                .and_then(|extension| extension.get("request_header"))
                .and_then(V::members);
            for (name, value) in headers.into_iter().flatten() {
                if name.eq_ignore_ascii_case("user-agent") {
                    keys.extend(
                        value
                            .as_str()
                            .map(|value| LookupKey::UserAgent(value.to_owned())),
                    );
                }
            }
        }
        Some("mutex") => {
            keys.extend(text("name").map(|name| LookupKey::MutexName(name.to_owned())))
        }
        Some("windows-registry-key") => keys.extend(
            text("key").map(|key| LookupKey::WindowsRegistryKey(normalize::registry_key(key))),
        ),
        Some("autonomous-system") => keys.extend(
            sco.get("number")
                .and_then(V::as_number)
                .and_then(|number| match number {
                    JsonNumber::Int(number) => u32::try_from(number).ok(),
                    JsonNumber::Float(_) => None,
                })
                .map(LookupKey::AutonomousSystem),
        ),
        _ => {}
    }
    keys
}

/// Returns the lookup keys of every SCO of an observation.
pub fn observation_keys<V: JsonValue>(observation: &Observation<'_, V>) -> Vec<LookupKey> {
    observation
        .objects()
        .flat_map(|(_, object)| sco_keys(object))
        .collect()
}

/// Keys that can decide an expression: a match implies a covered key in one of its
/// observations; `decisive` when a covered key implies a match.
#[derive(Debug)]
struct Keys {
    keys: Vec<LookupKey>,
    decisive: bool,
}

impl Keys {
    /// Either side decides: the union.
    fn union(operands: impl IntoIterator<Item = Option<Keys>>) -> Option<Keys> {
        let mut keys = Vec::new();
        let mut decisive = true;
        for operand in operands {
            let operand = operand?;
            keys.extend(operand.keys);
            decisive &= operand.decisive;
        }
        Some(Keys { keys, decisive })
    }

    /// Every side must hold: any side's keys will do; take the side with the fewest. A hit no
    /// longer decides, since the other sides must be checked.
    fn intersection(operands: impl IntoIterator<Item = Option<Keys>>) -> Option<Keys> {
        let mut best: Option<Keys> = None;
        for operand in operands.into_iter().flatten() {
            if best
                .as_ref()
                .is_none_or(|best| operand.keys.len() < best.keys.len())
            {
                best = Some(operand);
            }
        }
        // No key at all on one side means no match at all, which is still decided.
        best.map(|keys| Keys {
            decisive: keys.decisive && keys.keys.is_empty(),
            keys: keys.keys,
        })
    }

    fn not_decisive(self) -> Keys {
        Keys {
            keys: self.keys,
            decisive: false,
        }
    }
}

fn observation_keys_of(expr: &ObservationExpr) -> Option<Keys> {
    match expr {
        ObservationExpr::Comparison(comparison) => comparison_keys_of(comparison),
        ObservationExpr::Or(operands) => Keys::union(operands.iter().map(observation_keys_of)),
        ObservationExpr::And(operands) | ObservationExpr::FollowedBy(operands) => {
            Keys::intersection(operands.iter().map(observation_keys_of))
        }
        // A qualified expression matches only where the expression does; the qualifier then
        // needs the observations' times and counts.
        ObservationExpr::Qualified { expr, .. } => {
            observation_keys_of(expr).map(Keys::not_decisive)
        }
    }
}

fn comparison_keys_of(expr: &ComparisonExpr) -> Option<Keys> {
    match expr {
        ComparisonExpr::Comparison(comparison) => keys_of_comparison(comparison),
        ComparisonExpr::Or(operands) => Keys::union(operands.iter().map(comparison_keys_of)),
        ComparisonExpr::And(operands) => {
            // An AND needs all its comparisons: a hit decides nothing, except that no key at
            // all still means no match.
            Keys::intersection(operands.iter().map(comparison_keys_of))
        }
    }
}

/// The kind of key a property gives.
#[derive(Debug, Clone, PartialEq)]
enum KeyKind {
    /// The `value` of an address object of this type.
    Address(&'static str),
    Url,
    Hash(HashedObject, HashAlgorithm),
    FileName,
    UserAgent,
    MutexName,
    RegistryKey,
    AutonomousSystem,
}

/// What the object types that can be referenced from a property may be (STIX 2.1 section 6),
/// for the references that lead to key properties. A `*` step stands for any list index.
const REFERENCES: &[(&str, &[&str], &[&str])] = &[
    (
        "network-traffic",
        &["src_ref"],
        &["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"],
    ),
    (
        "network-traffic",
        &["dst_ref"],
        &["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"],
    ),
    ("network-traffic", &["src_payload_ref"], &["artifact"]),
    ("network-traffic", &["dst_payload_ref"], &["artifact"]),
    (
        "network-traffic",
        &["encapsulates_refs"],
        &["network-traffic"],
    ),
    (
        "network-traffic",
        &["encapsulated_by_ref"],
        &["network-traffic"],
    ),
    (
        "network-traffic",
        &["extensions", "http-request-ext", "message_body_data_ref"],
        &["artifact"],
    ),
    ("email-message", &["from_ref"], &["email-addr"]),
    ("email-message", &["sender_ref"], &["email-addr"]),
    ("email-message", &["to_refs"], &["email-addr"]),
    ("email-message", &["cc_refs"], &["email-addr"]),
    ("email-message", &["bcc_refs"], &["email-addr"]),
    ("email-message", &["raw_email_ref"], &["artifact"]),
    (
        "email-message",
        &["body_multipart", "*", "body_raw_ref"],
        &["artifact", "file"],
    ),
    (
        "domain-name",
        &["resolves_to_refs"],
        &["ipv4-addr", "ipv6-addr", "domain-name"],
    ),
    ("ipv4-addr", &["resolves_to_refs"], &["mac-addr"]),
    ("ipv6-addr", &["resolves_to_refs"], &["mac-addr"]),
    ("process", &["image_ref"], &["file"]),
    ("process", &["parent_ref"], &["process"]),
    ("process", &["child_refs"], &["process"]),
    ("process", &["opened_connection_refs"], &["network-traffic"]),
    ("file", &["content_ref"], &["artifact"]),
];

/// How many references a key path may follow; the schema has no cycle worth more.
const MAX_REFERENCE_HOPS: usize = 4;

/// The key kinds the value at `steps` from an object of `object_type` may give, each with
/// whether it is read directly on that object (no reference followed). `None` when the value
/// may be something no key covers.
fn key_kinds(object_type: &str, steps: &[PathStep], hops: usize) -> Option<Vec<(KeyKind, bool)>> {
    let key = |idx: usize| match steps.get(idx) {
        Some(PathStep::Key(key)) => Some(key.as_str()),
        _ => None,
    };
    let direct = |kind: KeyKind| Some(vec![(kind, true)]);
    match (object_type, steps.len(), key(0)) {
        (
            address @ ("domain-name" | "ipv4-addr" | "ipv6-addr" | "mac-addr" | "email-addr"),
            1,
            Some("value"),
        ) => {
            let address: &'static str = match address {
                "domain-name" => "domain-name",
                "ipv4-addr" => "ipv4-addr",
                "ipv6-addr" => "ipv6-addr",
                "mac-addr" => "mac-addr",
                _ => "email-addr",
            };
            return direct(KeyKind::Address(address));
        }
        ("url", 1, Some("value")) => return direct(KeyKind::Url),
        ("file", 1, Some("name")) => return direct(KeyKind::FileName),
        ("mutex", 1, Some("name")) => return direct(KeyKind::MutexName),
        ("windows-registry-key", 1, Some("key")) => return direct(KeyKind::RegistryKey),
        ("autonomous-system", 1, Some("number")) => return direct(KeyKind::AutonomousSystem),
        (hashed @ ("file" | "artifact" | "x509-certificate"), 2, Some("hashes")) => {
            let object = match hashed {
                "file" => HashedObject::File,
                "artifact" => HashedObject::Artifact,
                _ => HashedObject::X509Certificate,
            };
            let algorithm = normalize::hash_algorithm(key(1)?);
            return direct(KeyKind::Hash(object, algorithm));
        }
        ("network-traffic", 4, Some("extensions"))
            if key(1) == Some("http-request-ext")
                && key(2) == Some("request_header")
                && key(3).is_some_and(|name| name.eq_ignore_ascii_case("user-agent")) =>
        {
            return direct(KeyKind::UserAgent);
        }
        _ => {}
    }
    if hops >= MAX_REFERENCE_HOPS {
        return None;
    }
    for (source, prefix, targets) in REFERENCES {
        if *source != object_type || steps.len() <= prefix.len() {
            continue;
        }
        let prefix_matches = prefix
            .iter()
            .zip(steps)
            .all(|(want, step)| match (*want, step) {
                ("*", PathStep::Index(_) | PathStep::AnyIndex) => true,
                (want, PathStep::Key(key)) => want == key,
                _ => false,
            });
        if !prefix_matches {
            continue;
        }
        let mut rest = &steps[prefix.len()..];
        // A list of references is followed by the index of the one meant.
        if prefix.last().is_some_and(|last| last.ends_with("_refs")) {
            match rest.split_first() {
                Some((PathStep::Index(_) | PathStep::AnyIndex, after)) => rest = after,
                _ => return None,
            }
        }
        let mut kinds = Vec::new();
        for target in *targets {
            for (kind, _) in key_kinds(target, rest, hops + 1)? {
                if !kinds.iter().any(|(known, _)| *known == kind) {
                    kinds.push((kind, false));
                }
            }
        }
        return Some(kinds);
    }
    None
}

/// The key a constant gives for a property of `kind`; `None` when it gives none (a constant
/// of another type than the property's).
fn constant_key(kind: &KeyKind, constant: &Constant) -> Option<LookupKey> {
    if let (KeyKind::AutonomousSystem, Constant::Int(number)) = (kind, constant) {
        return u32::try_from(*number).ok().map(LookupKey::AutonomousSystem);
    }
    let Constant::String(text) = constant else {
        return None;
    };
    Some(match kind {
        KeyKind::Address(_) => normalize::address(text),
        KeyKind::Url => LookupKey::Url(normalize::url(text)),
        KeyKind::Hash(object, algorithm) => LookupKey::Hash {
            object: *object,
            algorithm: algorithm.clone(),
            value: normalize::hash_value(text),
        },
        KeyKind::FileName => LookupKey::FileName(text.clone()),
        KeyKind::UserAgent => LookupKey::UserAgent(text.clone()),
        KeyKind::MutexName => LookupKey::MutexName(text.clone()),
        KeyKind::RegistryKey => LookupKey::WindowsRegistryKey(normalize::registry_key(text)),
        KeyKind::AutonomousSystem => return None,
    })
}

/// Whether a key read from an object of the kind's own type can only come from that type, so
/// that a hit means the comparison holds.
fn fits_kind(kind: &KeyKind, key: &LookupKey) -> bool {
    match (kind, key) {
        (
            KeyKind::Address("domain-name"),
            LookupKey::DomainName(_) | LookupKey::DomainSuffix(_),
        )
        | (KeyKind::Address("email-addr"), LookupKey::EmailAddress(_))
        | (KeyKind::Address("mac-addr"), LookupKey::MacAddress(_)) => true,
        (KeyKind::Address("ipv4-addr"), LookupKey::IpAddr(address)) => address.is_ipv4(),
        (KeyKind::Address("ipv4-addr"), LookupKey::IpNet(network)) => {
            matches!(network, IpNet::V4(_))
        }
        (KeyKind::Address("ipv6-addr"), LookupKey::IpAddr(address)) => address.is_ipv6(),
        (KeyKind::Address("ipv6-addr"), LookupKey::IpNet(network)) => {
            matches!(network, IpNet::V6(_))
        }
        (KeyKind::Address(_), _) => false,
        _ => true,
    }
}

fn keys_of_comparison(comparison: &Comparison) -> Option<Keys> {
    let kinds = key_kinds(&comparison.path.object_type, &comparison.path.steps, 0)?;
    let direct = kinds.iter().all(|(_, direct)| *direct);
    let mut keys = Vec::new();
    let mut decisive = direct;
    match (&comparison.test, comparison.negated) {
        (Test::Equal(constant), false) | (Test::NotEqual(constant), true) => {
            for (kind, _) in &kinds {
                let key = constant_key(kind, constant)?;
                // Equality with a CIDR block holds for that block only; a hit on an address
                // inside it is no match.
                decisive &= fits_kind(kind, &key) && !matches!(key, LookupKey::IpNet(_));
                keys.push(key);
            }
        }
        (Test::In(members), false) => {
            for member in members {
                for (kind, _) in &kinds {
                    let key = constant_key(kind, member)?;
                    decisive &= fits_kind(kind, &key) && !matches!(key, LookupKey::IpNet(_));
                    keys.push(key);
                }
            }
        }
        (Test::IsSubset(text), false) => {
            let block = net::parse_ip_or_cidr(text)?;
            for (kind, _) in &kinds {
                if !matches!(kind, KeyKind::Address(_)) {
                    return None;
                }
                let key = normalize::ip_key(block);
                decisive &= fits_kind(kind, &key);
                keys.push(key);
            }
        }
        (Test::Like(text), false) => {
            // `LIKE '%.example.com'` on a domain name: any strict subdomain.
            let suffix = text.strip_prefix("%.")?;
            if suffix.contains(['%', '_'])
                || kinds
                    .iter()
                    .any(|(kind, _)| *kind != KeyKind::Address("domain-name"))
            {
                return None;
            }
            let normalised = normalize::domain_name(suffix);
            // LIKE compares exact text: only a suffix already in normal form decides.
            decisive &= normalised == suffix;
            keys.push(LookupKey::DomainSuffix(normalised));
        }
        _ => return None,
    }
    Some(Keys { keys, decisive })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    #[track_caller]
    fn check(pattern: &str, expect: Expect) {
        let pattern = Pattern::parse(pattern, StixVersion::V2_1).expect("valid pattern");
        let compiled = compile(&pattern);
        let keys: Vec<String> = compiled.keys.iter().map(|key| format!("{key:?}")).collect();
        expect.assert_eq(&format!("{:?}: {}", compiled.decision, keys.join(", ")));
    }

    #[test]
    fn single_values_decide() {
        check(
            "[domain-name:value = 'Example.COM.']",
            expect![[r#"KeysDecide: DomainName("example.com")"#]],
        );
        check(
            "[ipv4-addr:value = '198.51.100.1/32']",
            expect!["KeysDecide: IpAddr(198.51.100.1)"],
        );
        check(
            "[ipv6-addr:value = '2001:DB8::1']",
            expect!["KeysDecide: IpAddr(2001:db8::1)"],
        );
        check(
            "[url:value = 'HTTP://Evil.example:80/a/../b']",
            expect![[r#"KeysDecide: Url("http://evil.example/b")"#]],
        );
        check(
            "[file:hashes.'SHA-256' = 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']",
            expect![[
                r#"KeysDecide: Hash { object: File, algorithm: Sha256, value: "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f" }"#
            ]],
        );
        check(
            "[email-addr:value = 'jdoe@Example.com']",
            expect![[r#"KeysDecide: EmailAddress("jdoe@example.com")"#]],
        );
        check(
            "[autonomous-system:number = 64496]",
            expect!["KeysDecide: AutonomousSystem(64496)"],
        );
        check(
            "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'Evil/1.0']",
            expect![[r#"KeysDecide: UserAgent("Evil/1.0")"#]],
        );
        check(
            "[domain-name:value IN ('a.example', 'b.example')]",
            expect![[r#"KeysDecide: DomainName("a.example"), DomainName("b.example")"#]],
        );
        check("[domain-name:value IN ()]", expect!["KeysDecide: "]);
    }

    #[test]
    fn or_of_decisive_keys_decides() {
        check(
            "[domain-name:value = 'x.example'] OR [ipv4-addr:value = '1.2.3.4' OR ipv4-addr:value ISSUBSET '10.0.0.0/8']",
            expect![[r#"KeysDecide: DomainName("x.example"), IpAddr(1.2.3.4), IpNet(10.0.0.0/8)"#]],
        );
        check(
            "[domain-name:value LIKE '%.evil.example']",
            expect![[r#"KeysDecide: DomainSuffix("evil.example")"#]],
        );
    }

    #[test]
    fn candidates_need_full_evaluation() {
        check(
            "[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f' AND file:name = 'x.exe']",
            expect![[
                r#"EvaluateCandidates: Hash { object: File, algorithm: Md5, value: "cead3f77f6cda6ec00f57d76c9a6879f" }"#
            ]],
        );
        check(
            "[domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = 'b.example']",
            expect![[r#"EvaluateCandidates: DomainName("a.example")"#]],
        );
        check(
            "[network-traffic:dst_ref.value = '203.0.113.33/32']",
            expect!["EvaluateCandidates: IpAddr(203.0.113.33)"],
        );
        check(
            "[ipv4-addr:value = '10.0.0.0/8']",
            expect!["EvaluateCandidates: IpNet(10.0.0.0/8)"],
        );
        check(
            "[ipv4-addr:value = 'example.com']",
            expect![[r#"EvaluateCandidates: DomainName("example.com")"#]],
        );
        check(
            "[email-message:to_refs[*].value = 'x@y.example']",
            expect![[r#"EvaluateCandidates: EmailAddress("x@y.example")"#]],
        );
        check(
            "[process:image_ref.hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']",
            expect![[
                r#"EvaluateCandidates: Hash { object: File, algorithm: Md5, value: "cead3f77f6cda6ec00f57d76c9a6879f" }"#
            ]],
        );
        check(
            "[domain-name:value = 'a.example'] WITHIN 5 SECONDS",
            expect![[r#"EvaluateCandidates: DomainName("a.example")"#]],
        );
        check(
            "[domain-name:value LIKE '%.Evil.example']",
            expect![[r#"EvaluateCandidates: DomainSuffix("evil.example")"#]],
        );
    }

    #[test]
    fn some_patterns_have_no_keys() {
        check("[domain-name:value != 'a.example']", expect!["NoKeys: "]);
        check("[domain-name:value NOT = 'a.example']", expect!["NoKeys: "]);
        check("[domain-name:value MATCHES '^a']", expect!["NoKeys: "]);
        check("[file:size > 10]", expect!["NoKeys: "]);
        check("[x-custom:value = 'a']", expect!["NoKeys: "]);
        check(
            "[domain-name:value = 'a.example' OR file:size > 10]",
            expect!["NoKeys: "],
        );
        check(
            "[file:parent_directory_ref.path = 'C:\\\\x']",
            expect!["NoKeys: "],
        );
        check("[domain-name:value = 1]", expect!["NoKeys: "]);
    }

    #[test]
    fn data_side_keys() {
        let keys = sco_keys(&serde_json::json!({
            "type": "file",
            "name": "a.exe",
            "hashes": {"sha256": "AB", "SHA-1": "CD"},
        }));
        assert_eq!(
            keys,
            vec![
                LookupKey::Hash {
                    object: HashedObject::File,
                    algorithm: HashAlgorithm::Sha1,
                    value: "cd".into()
                },
                LookupKey::Hash {
                    object: HashedObject::File,
                    algorithm: HashAlgorithm::Sha256,
                    value: "ab".into()
                },
                LookupKey::FileName("a.exe".into()),
            ]
        );
    }

    #[test]
    fn coverage() {
        let net = LookupKey::IpNet("10.0.0.0/8".parse().expect("net"));
        assert!(net.covers(&LookupKey::IpAddr("10.1.2.3".parse().expect("ip"))));
        assert!(net.covers(&LookupKey::IpNet("10.1.0.0/16".parse().expect("net"))));
        assert!(!net.covers(&LookupKey::IpAddr("11.1.2.3".parse().expect("ip"))));
        let suffix = LookupKey::DomainSuffix("evil.example".into());
        assert!(suffix.covers(&LookupKey::DomainName("a.b.evil.example".into())));
        assert!(!suffix.covers(&LookupKey::DomainName("evil.example".into())));
        assert!(!suffix.covers(&LookupKey::DomainName("notevil.example".into())));
    }
}
