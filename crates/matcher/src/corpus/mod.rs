//! Generated corpora for tests and benchmarks: N indicators of mixed types and M lines of
//! Zeek `dns.log` and Suricata EVE JSON, with a planted set of matches known exactly.
//!
//! Everything is drawn from a seeded ChaCha8 generator, so a seed gives the same corpus on
//! every machine. Indicator values and background values come from disjoint spaces (indicator
//! domains have a hyphenated second-level label, background ones never do; indicator IPv4
//! addresses have a first octet from 20 to 126, background servers from 150 to 223, clients
//! 10/8 and 192.168/16; indicator IPv6 networks are in 2001:db8::/32, background addresses in
//! 2a00::/12), so a background line can never match, and the matches are exactly the planted
//! ones the generator records as [`Expected`].
//!
//! Planted values come in the variants the matcher must see through: subdomains, upper and
//! mixed case, trailing dots, IDN names as A-labels or U-labels (raw or `\u`-escaped in JSON),
//! addresses inside CIDR blocks and nested blocks, other spellings of IPv6 addresses, URLs
//! with other scheme and host case, default ports and percent-encodings, upper-case hashes,
//! e-mail addresses with display names. Some plants must not match: subdomains of exact-only
//! domains, revoked indicators, the values of superseded versions, and events outside an
//! indicator's validity window.

mod logs;

use std::io::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr};

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use stix::{StixId, StixTimestamp};

pub use logs::Expected;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusSpec {
    /// The seed: the same seed gives the same corpus.
    pub seed: u64,
    /// How many indicators.
    pub indicators: usize,
    /// The time of the first log line, in microseconds since the epoch.
    pub start_micros: i64,
    /// The time between two log lines, in microseconds.
    pub step_micros: i64,
    /// The lines each log will have (used to place validity windows inside the logs' span).
    pub lines_per_log: u64,
    /// On average one line in this many carries a planted value.
    pub plant_every: u32,
}

impl CorpusSpec {
    /// A spec with the given seed and sizes; logs start on 2024-01-15 with a line every
    /// millisecond, and one line in 500 carries a plant.
    pub fn new(seed: u64, indicators: usize, lines_per_log: u64) -> Self {
        Self {
            seed,
            indicators,
            start_micros: 1_705_276_800_000_000,
            step_micros: 1_000,
            lines_per_log,
            plant_every: 500,
        }
    }
}

/// A generated indicator set, and the writers of its logs.
#[derive(Debug, Clone)]
pub struct Corpus {
    spec: CorpusSpec,
    producers: Vec<StixId>,
    indicators: Vec<GenIndicator>,
    /// Indices of indicators by kind, for choosing what to plant.
    by_kind: [Vec<u32>; 6],
}

/// The kinds of generated indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Domain = 0,
    Ipv4 = 1,
    Ipv6 = 2,
    Url = 3,
    Hash = 4,
    Email = 5,
}

#[derive(Debug, Clone)]
struct GenIndicator {
    id: StixId,
    producer: u8,
    name: &'static str,
    value: Value,
    /// An older version's value, written in the bundle before this version; it must never
    /// match.
    superseded: Option<Value>,
    revoked: bool,
    valid_from: i64,
    valid_until: Option<i64>,
    /// The indicators a plant of this one may also match (a parent or child domain, nested
    /// CIDR blocks), itself included; empty when it has no family.
    family: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// A domain: the name as the pattern writes it (U-label for IDN), its A-label form, and
    /// whether only the name itself matches.
    Domain {
        pattern: String,
        ascii: String,
        exact: bool,
    },
    Ipv4 {
        addr: Ipv4Addr,
        len: u8,
    },
    Ipv6 {
        addr: Ipv6Addr,
        len: u8,
    },
    /// A URL with a host, path and query the variants can be made from.
    Url {
        host: String,
        path: String,
    },
    Hash {
        algo: &'static str,
        hex: String,
    },
    Email {
        local: String,
        domain: String,
    },
}

const NAMES: &[&str] = &[
    "Phishing domain",
    "C2 server",
    "Malware download URL",
    "Botnet node",
    "Ransomware payload",
    "Spam sender",
    "Credential harvesting",
    "Cryptominer pool",
    "Exploit kit landing",
    "Scanner",
    "Loader infrastructure",
    "Data exfiltration host",
];

const WORDS: &[&str] = &[
    "alpha", "bravo", "cobalt", "delta", "ember", "falcon", "garnet", "harbor", "indigo", "jasper",
    "kestrel", "lumen", "mosaic", "nimbus", "onyx", "pylon", "quartz", "raven", "sierra", "tango",
    "umber", "vortex", "willow", "xenon", "yonder", "zephyr", "secure", "login", "update", "cloud",
];

const IDN_WORDS: &[&str] = &[
    "bücher",
    "münchen",
    "köln",
    "пример",
    "żółw",
    "café",
    "ñandú",
];

const TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "ru", "xyz", "top", "io", "cn",
];

impl Corpus {
    /// Generates the indicators of `spec`.
    pub fn generate(spec: CorpusSpec) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
        let producers: Vec<StixId> = (0..5).map(|_| random_id(&mut rng, "identity")).collect();
        let span = i64::try_from(spec.lines_per_log)
            .unwrap_or(i64::MAX)
            .saturating_mul(spec.step_micros);
        let mut corpus = Self {
            spec,
            producers,
            indicators: Vec::with_capacity(spec.indicators),
            by_kind: Default::default(),
        };
        let mut v4_singles = std::collections::HashSet::new();
        let mut next_v4_block: u32 = 0;
        let mut next_v6_block: u32 = 0;
        while corpus.indicators.len() < spec.indicators {
            let idx = u32::try_from(corpus.indicators.len()).expect("fewer than 2^32 indicators");
            let roll = rng.random_range(0..100u32);
            let kind = match roll {
                0..50 => Kind::Domain,
                50..70 => Kind::Ipv4,
                70..73 => Kind::Ipv6,
                73..85 => Kind::Url,
                85..95 => Kind::Hash,
                _ => Kind::Email,
            };
            let mut family = Vec::new();
            let value = match kind {
                Kind::Domain => {
                    let label = format!(
                        "{}-{}",
                        WORDS[rng.random_range(0..WORDS.len())],
                        base36(idx)
                    );
                    let tld = TLDS[rng.random_range(0..TLDS.len())];
                    let idn = rng.random_range(0..20u32) == 0;
                    let pattern = if idn {
                        format!(
                            "{}-{}.{tld}",
                            IDN_WORDS[rng.random_range(0..IDN_WORDS.len())],
                            base36(idx)
                        )
                    } else {
                        format!("{label}.{tld}")
                    };
                    let ascii =
                        crate::normalize::domain(&pattern).expect("generated names are valid");
                    let exact = rng.random_range(0..10u32) == 0;
                    // One domain in 25 gets a child indicator: `login.<name>` matches both.
                    if !exact
                        && rng.random_range(0..25u32) == 0
                        && corpus.indicators.len() + 1 < spec.indicators
                    {
                        family.push(Value::Domain {
                            pattern: format!("login.{pattern}"),
                            ascii: format!("login.{ascii}"),
                            exact: false,
                        });
                    }
                    Value::Domain {
                        pattern,
                        ascii,
                        exact,
                    }
                }
                Kind::Ipv4 => {
                    if rng.random_range(0..4u32) == 0 {
                        // A CIDR block in its own /20 of 100.0.0.0-126.255.255.255.
                        let block = next_v4_block;
                        next_v4_block += 1;
                        let base = (100u32 << 24) + (block << 12);
                        if base >= 127u32 << 24 {
                            continue;
                        }
                        let len = rng.random_range(20..=28u8);
                        let offset =
                            rng.random_range(0..(1u32 << 12)) & !((1u32 << (32 - len)) - 1);
                        let network = base + offset;
                        // One block in 20 gets nested indicators: a /28 inside it and an
                        // address inside that; a plant of the address matches all three.
                        if len <= 24
                            && rng.random_range(0..20u32) == 0
                            && corpus.indicators.len() + 2 < spec.indicators
                        {
                            let inner =
                                network + (rng.random_range(0..(1u32 << (32 - len - 4))) << 4);
                            family.push(Value::Ipv4 {
                                addr: Ipv4Addr::from(inner),
                                len: 28,
                            });
                            family.push(Value::Ipv4 {
                                addr: Ipv4Addr::from(inner + rng.random_range(0..16u32)),
                                len: 32,
                            });
                        }
                        Value::Ipv4 {
                            addr: Ipv4Addr::from(network),
                            len,
                        }
                    } else {
                        let addr = loop {
                            let candidate = (rng.random_range(20..100u32) << 24)
                                | rng.random_range(0..(1u32 << 24));
                            if v4_singles.insert(candidate) {
                                break candidate;
                            }
                        };
                        Value::Ipv4 {
                            addr: Ipv4Addr::from(addr),
                            len: 32,
                        }
                    }
                }
                Kind::Ipv6 => {
                    let block = next_v6_block;
                    next_v6_block += 1;
                    if block > 0xffff {
                        continue;
                    }
                    let base = (0x2001_0db8u128 << 96) | (u128::from(block) << 80);
                    let len = if rng.random_bool(0.5) {
                        128
                    } else {
                        rng.random_range(48..=64u8)
                    };
                    let host_bits = 128 - u32::from(len);
                    let random: u128 = rng.random::<u128>() & ((1u128 << 80) - 1);
                    let mask = if host_bits == 0 {
                        u128::MAX
                    } else {
                        !((1u128 << host_bits) - 1)
                    };
                    Value::Ipv6 {
                        addr: Ipv6Addr::from((base | random) & mask),
                        len,
                    }
                }
                Kind::Url => {
                    let host = format!(
                        "u-{}.{}",
                        base36(idx),
                        TLDS[rng.random_range(0..TLDS.len())]
                    );
                    let path = format!(
                        "/{}/~{}/{}.php?id={}&q=a%2Fb",
                        WORDS[rng.random_range(0..WORDS.len())],
                        WORDS[rng.random_range(0..WORDS.len())],
                        base36(rng.random_range(0..1_000_000u32)),
                        rng.random_range(0..100_000u32)
                    );
                    Value::Url { host, path }
                }
                Kind::Hash => {
                    let (algo, bytes) = match rng.random_range(0..3u32) {
                        0 => ("MD5", 16),
                        1 => ("SHA-1", 20),
                        _ => ("SHA-256", 32),
                    };
                    Value::Hash {
                        algo,
                        hex: random_hex(&mut rng, bytes),
                    }
                }
                Kind::Email => Value::Email {
                    local: format!(
                        "{}.{}",
                        WORDS[rng.random_range(0..WORDS.len())],
                        base36(idx)
                    ),
                    domain: format!(
                        "m-{}.{}",
                        base36(idx),
                        TLDS[rng.random_range(0..TLDS.len())]
                    ),
                },
            };
            let first = corpus.push(&mut rng, kind, value, span);
            let mut members = vec![first];
            for member in family {
                let member_kind = kind;
                let pushed = corpus.push(&mut rng, member_kind, member, span);
                members.push(pushed);
            }
            // Plants of one member may match others (an address inside nested blocks, a name
            // under a parent domain): each member knows the whole family.
            if members.len() > 1 {
                for &member in &members {
                    corpus.indicators[member as usize].family = members.clone();
                }
            }
        }
        corpus.indicators.truncate(spec.indicators);
        for kind in &mut corpus.by_kind {
            kind.retain(|&idx| (idx as usize) < spec.indicators);
        }
        for indicator in &mut corpus.indicators {
            indicator
                .family
                .retain(|&idx| (idx as usize) < spec.indicators);
        }
        corpus
    }

    fn push(&mut self, rng: &mut ChaCha8Rng, kind: Kind, value: Value, span: i64) -> u32 {
        let idx = u32::try_from(self.indicators.len()).expect("fewer than 2^32 indicators");
        let start = self.spec.start_micros;
        let (valid_from, valid_until) = match rng.random_range(0..20u32) {
            0 => (start - 86_400_000_000, Some(start + span / 2)),
            1 => (start + span / 2, None),
            _ => (start - 30 * 86_400_000_000, None),
        };
        let revoked = rng.random_range(0..100u32) == 0;
        let superseded = (rng.random_range(0..100u32) == 0).then(|| superseded_value(&value, idx));
        self.indicators.push(GenIndicator {
            id: random_id(rng, "indicator"),
            producer: rng.random_range(0..5u8),
            name: NAMES[rng.random_range(0..NAMES.len())],
            value,
            superseded,
            revoked,
            valid_from,
            valid_until,
            family: Vec::new(),
        });
        self.by_kind[kind as usize].push(idx);
        idx
    }

    /// Returns the spec the corpus was made from.
    pub fn spec(&self) -> &CorpusSpec {
        &self.spec
    }

    /// Returns the number of indicators.
    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    /// Returns whether there is no indicator.
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// Writes the indicators as a STIX 2.1 bundle: the producers' identities, then each
    /// indicator (after its superseded version, when it has one).
    ///
    /// # Errors
    ///
    /// Any error of `out`.
    pub fn write_bundle(&self, mut out: impl Write) -> io::Result<()> {
        let created = timestamp(self.spec.start_micros - 60 * 86_400_000_000);
        let modified = timestamp(self.spec.start_micros - 40 * 86_400_000_000);
        let old_modified = timestamp(self.spec.start_micros - 50 * 86_400_000_000);
        let bundle_id = StixId::from_parts("bundle", uuid::Uuid::from_u64_pair(self.spec.seed, 0))
            .expect("`bundle` is a valid type name");
        write!(
            out,
            "{{\"type\":\"bundle\",\"id\":\"{bundle_id}\",\"objects\":["
        )?;
        for (idx, producer) in self.producers.iter().enumerate() {
            if idx > 0 {
                out.write_all(b",")?;
            }
            write!(
                out,
                "{{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"{producer}\",\"created\":\"{created}\",\"modified\":\"{created}\",\"name\":\"CSIRT {idx}\",\"identity_class\":\"organization\"}}"
            )?;
        }
        let mut line = String::with_capacity(512);
        for indicator in &self.indicators {
            if let Some(old) = &indicator.superseded {
                line.clear();
                indicator_json(&mut line, self, indicator, old, &old_modified, false);
                out.write_all(b",")?;
                out.write_all(line.as_bytes())?;
            }
            line.clear();
            indicator_json(
                &mut line,
                self,
                indicator,
                &indicator.value,
                &modified,
                indicator.revoked,
            );
            out.write_all(b",")?;
            out.write_all(line.as_bytes())?;
        }
        out.write_all(b"]}\n")
    }

    /// Writes the A-label form of every domain indicator, one a line (the list given to
    /// `grep -F -f` and `rg -F -f` in the benchmark).
    ///
    /// # Errors
    ///
    /// Any error of `out`.
    pub fn write_domain_list(&self, mut out: impl Write) -> io::Result<()> {
        for indicator in &self.indicators {
            if let Value::Domain { ascii, .. } = &indicator.value {
                writeln!(out, "{ascii}")?;
            }
        }
        Ok(())
    }

    /// Writes `lines` lines of Zeek `dns.log` (TSV with its header) and returns the matches
    /// planted in them.
    ///
    /// # Errors
    ///
    /// Any error of `out`.
    pub fn write_zeek_dns(&self, out: impl Write, lines: u64) -> io::Result<Vec<Expected>> {
        logs::write_zeek_dns(self, out, lines)
    }

    /// Writes `lines` lines of Suricata EVE JSON and returns the matches planted in them.
    ///
    /// # Errors
    ///
    /// Any error of `out`.
    pub fn write_eve(&self, out: impl Write, lines: u64) -> io::Result<Vec<Expected>> {
        logs::write_eve(self, out, lines)
    }
}

fn indicator_json(
    out: &mut String,
    corpus: &Corpus,
    indicator: &GenIndicator,
    value: &Value,
    modified: &str,
    revoked: bool,
) {
    use std::fmt::Write as _;
    let pattern = match value {
        Value::Domain { pattern, .. } => format!("[domain-name:value = '{pattern}']"),
        Value::Ipv4 { addr, len: 32 } => format!("[ipv4-addr:value = '{addr}']"),
        Value::Ipv4 { addr, len } => format!("[ipv4-addr:value ISSUBSET '{addr}/{len}']"),
        Value::Ipv6 { addr, len: 128 } => format!("[ipv6-addr:value = '{addr}']"),
        Value::Ipv6 { addr, len } => format!("[ipv6-addr:value ISSUBSET '{addr}/{len}']"),
        Value::Url { host, path } => format!("[url:value = 'http://{host}{path}']"),
        Value::Hash { algo, hex } => format!("[file:hashes.'{algo}' = '{hex}']"),
        Value::Email { local, domain } => format!("[email-addr:value = '{local}@{domain}']"),
    };
    let created = timestamp(corpus.spec.start_micros - 60 * 86_400_000_000);
    let _ = write!(
        out,
        "{{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"{}\",\"created_by_ref\":\"{}\",\"created\":\"{created}\",\"modified\":\"{modified}\",\"name\":\"{}\",\"indicator_types\":[\"malicious-activity\"],\"pattern\":{},\"pattern_type\":\"stix\",\"pattern_version\":\"2.1\",\"valid_from\":\"{}\"",
        indicator.id,
        corpus.producers[usize::from(indicator.producer)],
        indicator.name,
        serde_json::Value::String(pattern),
        timestamp(indicator.valid_from),
    );
    if let Some(until) = indicator.valid_until {
        let _ = write!(out, ",\"valid_until\":\"{}\"", timestamp(until));
    }
    if revoked {
        out.push_str(",\"revoked\":true");
    }
    if let Value::Domain { exact: true, .. } = value {
        out.push_str(",\"x_phalanx_domain_match\":\"exact\"");
    }
    out.push('}');
}

/// A different value of the same kind, for a superseded version.
fn superseded_value(value: &Value, idx: u32) -> Value {
    match value {
        Value::Domain { exact, .. } => {
            let name = format!("old-{}.net", base36(idx));
            Value::Domain {
                pattern: name.clone(),
                ascii: name,
                exact: *exact,
            }
        }
        Value::Ipv4 { .. } => Value::Ipv4 {
            addr: Ipv4Addr::from(126u32 << 24 | (idx & 0x00ff_ffff)),
            len: 32,
        },
        Value::Ipv6 { .. } => Value::Ipv6 {
            addr: Ipv6Addr::from(0x2001_0db9u128 << 96 | u128::from(idx)),
            len: 128,
        },
        Value::Url { .. } => Value::Url {
            host: format!("old-{}.net", base36(idx)),
            path: "/old".to_owned(),
        },
        Value::Hash { algo, hex } => Value::Hash {
            algo,
            hex: hex.chars().rev().collect(),
        },
        Value::Email { domain, .. } => Value::Email {
            local: "old".to_owned(),
            domain: domain.clone(),
        },
    }
}

fn random_id(rng: &mut ChaCha8Rng, object_type: &str) -> StixId {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
    StixId::from_parts(object_type, uuid).expect("generated type names are valid")
}

fn random_hex(rng: &mut ChaCha8Rng, n_bytes: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(n_bytes * 2);
    for _ in 0..n_bytes {
        let byte: u8 = rng.random();
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 15)]));
    }
    text
}

fn base36(mut value: u32) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(value % 36) as usize]);
        value /= 36;
        if value == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("base-36 digits are ASCII")
}

/// Formats microseconds since the epoch as a STIX timestamp.
pub(crate) fn timestamp(micros: i64) -> String {
    StixTimestamp::from_micros(micros)
        .map(|time| time.to_string())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}
