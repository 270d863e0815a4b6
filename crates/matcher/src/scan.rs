//! Looking up the values of log lines in the index and turning hits into matches.
//!
//! Readers hand each value of a line to a [`Probe`] with the kind of value it is; the probe
//! normalises it into a reused buffer and looks it up, so a line without a hit allocates
//! nothing. At the end of a line the probe checks each hit against the indicator's validity
//! window at the event's time and keeps the survivors as [`Match`]es.

use std::net::IpAddr;

use serde::Serialize;
use stix::{StixId, StixTimestamp};

use crate::evaluate::Observed;
use crate::index::{Hit, IndicatorIndex, IndicatorRef, Key};
use crate::normalize::{self, HashAlgo};
use crate::time::{self, TimeFormat};

/// What a log field holds, which decides how its values are normalised and looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// A domain name.
    Domain,
    /// An IP address.
    Ip,
    /// An IP address or a domain name, possibly with a port (a DNS answer, a Host header).
    Host,
    /// A URL.
    Url,
    /// A hash of a known algorithm.
    Hash(HashAlgo),
    /// A hash whose algorithm its length tells (32 hex digits: MD5, 40: SHA-1, ...).
    AnyHash,
    /// An e-mail address, possibly with a display name.
    Email,
    /// Anything: each value is recognised on its own (plain lists).
    Auto,
}

impl ValueKind {
    /// Reads a kind as the command line writes it: `domain`, `ip`, `host`, `url`, `hash`,
    /// `md5`, `sha1`, `sha256`, `sha512`, `email`, `auto`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "domain" | "domain-name" => Some(Self::Domain),
            "ip" | "addr" | "ipv4-addr" | "ipv6-addr" => Some(Self::Ip),
            "host" => Some(Self::Host),
            "url" => Some(Self::Url),
            "hash" => Some(Self::AnyHash),
            "email" | "email-addr" => Some(Self::Email),
            "auto" => Some(Self::Auto),
            other => HashAlgo::parse(other).map(Self::Hash),
        }
    }
}

/// Settings of a scan that do not depend on the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// Check validity windows at this time (microseconds since the epoch) instead of each
    /// event's own time (`--at`).
    pub at: Option<i64>,
    /// The time used for events that carry none (plain lists, CSV without a time column).
    pub default_time: i64,
    /// How many malformed lines are kept with their details per chunk (all are counted).
    pub max_malformed_details: usize,
}

impl ScanOptions {
    /// Options with validity checked at each event's time and `now` for events without one.
    pub fn new(now: StixTimestamp) -> Self {
        Self {
            at: None,
            default_time: now.to_micros(),
            max_malformed_details: 100,
        }
    }
}

/// One indicator seen in one log line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The line number (from 1) in its input.
    pub line: u64,
    /// The event's time, when the line has one.
    #[serde(serialize_with = "serialize_time")]
    pub time: Option<StixTimestamp>,
    /// The field the value was in (`query`, `dns.rrname`, `column 3`, ...).
    pub field: String,
    /// The value as the log writes it (unescaped).
    pub value: String,
    /// The indicator's key that matched (`example.com` for `www.example.com`).
    #[serde(serialize_with = "serialize_display")]
    pub key: Key,
    /// The indicator.
    pub indicator: StixId,
    /// The indicator's name.
    pub name: Option<String>,
    /// The indicator's producer (`created_by_ref`).
    pub producer: Option<StixId>,
}

/// A line that could not be read; it is counted and the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Malformed {
    /// The line number (from 1) in its input.
    pub line: u64,
    /// What is wrong, with a byte offset in the line where there is one.
    pub reason: String,
}

/// What scanning a chunk (or a whole input) found. Line numbers count from the chunk's
/// first line until [`ChunkOutcome::rebase`] shifts them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChunkOutcome {
    /// Lines read, headers and comments included.
    pub lines: u64,
    /// Bytes read (after decompression).
    pub bytes: u64,
    /// The matches, in line order.
    pub matches: Vec<Match>,
    /// Malformed lines counted.
    pub n_malformed: u64,
    /// The first malformed lines, with details.
    pub malformed: Vec<Malformed>,
    /// Hits dropped because the event fell outside the indicator's validity window.
    pub n_outside_validity: u64,
    /// Candidate events on which a pattern was evaluated in full.
    pub n_evaluated: u64,
    /// Evaluations that failed (the pattern was too complex for the limits); no match.
    pub n_evaluation_errors: u64,
}

impl ChunkOutcome {
    /// Adds `lines_before` to every line number (the lines of the input before the chunk).
    pub fn rebase(&mut self, lines_before: u64) {
        for found in &mut self.matches {
            found.line += lines_before;
        }
        for malformed in &mut self.malformed {
            malformed.line += lines_before;
        }
    }

    /// Appends another outcome that follows this one in the same input; its line numbers
    /// must already be rebased.
    pub fn absorb(&mut self, other: Self, max_malformed_details: usize) {
        self.lines += other.lines;
        self.bytes += other.bytes;
        self.matches.extend(other.matches);
        self.n_malformed += other.n_malformed;
        let room = max_malformed_details.saturating_sub(self.malformed.len());
        self.malformed
            .extend(other.malformed.into_iter().take(room));
        self.n_outside_validity += other.n_outside_validity;
        self.n_evaluated += other.n_evaluated;
        self.n_evaluation_errors += other.n_evaluation_errors;
    }
}

/// The per-chunk lookup state: the index, reused buffers and the current line's hits.
pub struct Probe<'a> {
    index: &'a IndicatorIndex,
    options: ScanOptions,
    scratch: Vec<u8>,
    hits: Vec<Hit>,
    url: Vec<u8>,
    pending: Vec<Pending>,
    candidates: Vec<Pending>,
    candidate_line: (u64, Option<i64>, i64),
    observed: Vec<Observed>,
    pub(crate) outcome: ChunkOutcome,
}

struct Pending {
    field: String,
    value: String,
    hit: Hit,
}

impl<'a> Probe<'a> {
    /// Creates a probe over `index`.
    pub fn new(index: &'a IndicatorIndex, options: ScanOptions) -> Self {
        Self {
            index,
            options,
            scratch: Vec::with_capacity(256),
            hits: Vec::with_capacity(8),
            url: Vec::with_capacity(256),
            pending: Vec::new(),
            candidates: Vec::new(),
            candidate_line: (0, None, 0),
            observed: Vec::new(),
            outcome: ChunkOutcome::default(),
        }
    }

    /// Returns the outcome so far and starts a fresh one.
    pub fn take_outcome(&mut self) -> ChunkOutcome {
        std::mem::take(&mut self.outcome)
    }

    /// Looks up one value of the current line.
    #[inline]
    pub fn value(&mut self, field: &str, kind: ValueKind, raw: &[u8]) {
        let index = self.index;
        let Self { scratch, hits, .. } = self;
        hits.clear();
        let mut push = |hit| hits.push(hit);
        match kind {
            ValueKind::Domain => {
                if normalize::domain_into(raw, scratch) {
                    index.lookup_domain(scratch, push);
                }
            }
            ValueKind::Ip => {
                if let Some(addr) = normalize::ip(raw) {
                    index.lookup_ip(addr, push);
                }
            }
            ValueKind::Host => match host_value(raw) {
                HostValue::Ip(addr) => index.lookup_ip(addr, push),
                HostValue::Name(name) => {
                    if normalize::domain_into(name, scratch) {
                        index.lookup_domain(scratch, push);
                    }
                }
            },
            ValueKind::Url => {
                if normalize::url_into(raw, scratch) {
                    index.lookup_url(scratch, push);
                }
            }
            ValueKind::Hash(algo) => {
                if normalize::hash_into(raw, algo, scratch) {
                    index.lookup_hash(algo, scratch, push);
                }
            }
            ValueKind::AnyHash => {
                for &algo in HashAlgo::by_hex_len(raw.trim_ascii().len()) {
                    if normalize::hash_into(raw, algo, scratch) {
                        index.lookup_hash(algo, scratch, &mut push);
                    }
                }
            }
            ValueKind::Email => {
                if normalize::email_into(raw, scratch) {
                    index.lookup_email(scratch, push);
                }
            }
            ValueKind::Auto => {
                let kind = detect_kind(raw);
                if kind != ValueKind::Auto {
                    self.value(field, kind, raw);
                }
                return;
            }
        }
        self.keep_hits(field, raw);
    }

    /// Looks up an IP address already parsed (readers that check addresses parse them once).
    #[inline]
    pub fn ip(&mut self, field: &str, addr: IpAddr, raw: &[u8]) {
        let Self { hits, .. } = self;
        hits.clear();
        self.index.lookup_ip(addr, |hit| hits.push(hit));
        self.keep_hits(field, raw);
    }

    /// Turns the hits of one value into pending matches of the line (the only allocation, and
    /// only on a hit).
    #[inline]
    fn keep_hits(&mut self, field: &str, raw: &[u8]) {
        if self.hits.is_empty() {
            return;
        }
        let value = String::from_utf8_lossy(raw.trim_ascii()).into_owned();
        for &hit in &self.hits {
            self.pending.push(Pending {
                field: field.to_owned(),
                value: value.clone(),
                hit,
            });
        }
    }

    /// Looks up a URL made of a host, an optional port and a request target, as HTTP logs
    /// split it (`example.com`, `8080`, `/path?q`); an absolute request target (a proxy's)
    /// is used as it is.
    pub fn http_url(
        &mut self,
        field: &str,
        scheme: &str,
        host: &[u8],
        port: Option<&[u8]>,
        target: &[u8],
    ) {
        let mut url = std::mem::take(&mut self.url);
        if build_http_url(&mut url, scheme, host, port, target) {
            self.value(field, ValueKind::Url, &url);
        }
        self.url = url;
    }

    /// Ends the current line: checks each hit against its indicator's validity window at the
    /// event's time and records the matches. `line` counts from the chunk's first line.
    ///
    /// Returns true when some hit is only a candidate: the reader must then hand every value of
    /// the line to [`Probe::observe`] (and the URL parts to [`Probe::observe_http_url`]), and
    /// call [`Probe::evaluate_candidates`].
    #[must_use = "a true return asks for the line's values and evaluate_candidates"]
    pub fn end_line(&mut self, line: u64, time: Option<(&[u8], TimeFormat)>) -> bool {
        if self.pending.is_empty() {
            return false;
        }
        let event_time = time.and_then(|(raw, format)| time::parse(raw, format));
        let check_time = self
            .options
            .at
            .or(event_time)
            .unwrap_or(self.options.default_time);
        let first_new = self.outcome.matches.len();
        let mut pending = std::mem::take(&mut self.pending);
        for found in pending.drain(..) {
            let indicator = found.hit.indicator;
            if !self.index.is_valid_at(indicator, check_time) {
                self.outcome.n_outside_validity += 1;
                continue;
            }
            if self.index.evaluator(indicator).is_some() {
                self.candidates.push(found);
                continue;
            }
            self.push_match(first_new, line, event_time, found);
        }
        self.pending = pending;
        if self.candidates.is_empty() {
            return false;
        }
        self.observed.clear();
        self.candidate_line = (line, event_time, check_time);
        true
    }

    /// Records one value of a line whose candidates are to be evaluated (see
    /// [`Probe::end_line`]).
    pub fn observe(&mut self, field: &str, kind: ValueKind, raw: &[u8]) {
        let kind = if kind == ValueKind::Auto {
            detect_kind(raw)
        } else {
            kind
        };
        self.observed.push(Observed {
            field: field.to_owned(),
            kind,
            value: raw.trim_ascii().to_vec(),
        });
    }

    /// Records the URL of an HTTP request of a line whose candidates are to be evaluated.
    pub fn observe_http_url(
        &mut self,
        field: &str,
        scheme: &str,
        host: &[u8],
        port: Option<&[u8]>,
        target: &[u8],
    ) {
        let mut url = Vec::new();
        if build_http_url(&mut url, scheme, host, port, target) {
            self.observe(field, ValueKind::Url, &url);
        }
    }

    /// Evaluates the candidates of the line just ended on an observation of its values, and
    /// records the matches.
    pub fn evaluate_candidates(&mut self) {
        let (line, event_time, check_time) = self.candidate_line;
        let observations = crate::evaluate::observation(&self.observed, check_time);
        let first_new = self.outcome.matches.len();
        let mut verdicts: Vec<(IndicatorRef, bool)> = Vec::new();
        let mut candidates = std::mem::take(&mut self.candidates);
        for found in candidates.drain(..) {
            let indicator = found.hit.indicator;
            let matched = match verdicts.iter().find(|(seen, _)| *seen == indicator) {
                Some(&(_, matched)) => matched,
                None => {
                    let evaluator = self
                        .index
                        .evaluator(indicator)
                        .expect("candidates have an evaluator");
                    self.outcome.n_evaluated += 1;
                    let matched = match &observations {
                        Some(observations) => match evaluator.evaluate(observations) {
                            Ok(found) => found.is_some(),
                            Err(_) => {
                                self.outcome.n_evaluation_errors += 1;
                                false
                            }
                        },
                        None => false,
                    };
                    verdicts.push((indicator, matched));
                    matched
                }
            };
            if matched {
                self.push_match(first_new, line, event_time, found);
            }
        }
        self.candidates = candidates;
        self.observed.clear();
    }

    fn push_match(&mut self, first_new: usize, line: u64, event_time: Option<i64>, found: Pending) {
        let indicator = found.hit.indicator;
        let id = self.index.id(indicator);
        let duplicate = self.outcome.matches[first_new..].iter().any(|seen| {
            seen.indicator == id && seen.field == found.field && seen.value == found.value
        });
        if duplicate {
            return;
        }
        self.outcome.matches.push(Match {
            line,
            time: event_time.and_then(StixTimestamp::from_micros),
            field: found.field,
            value: found.value,
            key: self.index.key(found.hit),
            indicator: id,
            name: self.index.name(indicator).map(str::to_owned),
            producer: self.index.producer(indicator).cloned(),
        });
    }

    /// Drops the current line's hits (the line turned out malformed).
    pub fn discard_line(&mut self) {
        self.pending.clear();
        self.candidates.clear();
    }

    /// Records a malformed line.
    pub fn malformed(&mut self, line: u64, reason: impl FnOnce() -> String) {
        self.discard_line();
        self.outcome.n_malformed += 1;
        if self.outcome.malformed.len() < self.options.max_malformed_details {
            self.outcome.malformed.push(Malformed {
                line,
                reason: reason(),
            });
        }
    }
}

/// Recognises a value of a plain list: a URL, an IP address, an e-mail address, a hash or a
/// domain name; `Auto` when it is none of them.
pub fn detect_kind(raw: &[u8]) -> ValueKind {
    let raw = raw.trim_ascii();
    if raw.is_empty() {
        return ValueKind::Auto;
    }
    if memchr::memmem::find(raw, b"://").is_some() {
        return ValueKind::Url;
    }
    if normalize::ip(raw).is_some() {
        return ValueKind::Ip;
    }
    if memchr::memchr(b'@', raw).is_some() {
        return ValueKind::Email;
    }
    if raw.iter().all(u8::is_ascii_hexdigit) && !HashAlgo::by_hex_len(raw.len()).is_empty() {
        return ValueKind::AnyHash;
    }
    if memchr::memchr(b'/', raw).is_some() {
        return ValueKind::Url;
    }
    ValueKind::Domain
}

enum HostValue<'a> {
    Ip(IpAddr),
    Name(&'a [u8]),
}

/// Splits a Host header or DNS answer into an address or a name, dropping a port.
fn host_value(raw: &[u8]) -> HostValue<'_> {
    let raw = raw.trim_ascii();
    if let Some(addr) = normalize::ip(raw) {
        return HostValue::Ip(addr);
    }
    if let Some(inner) = raw.strip_prefix(b"[")
        && let Some(close) = memchr::memchr(b']', inner)
        && let Some(addr) = normalize::ip(&inner[..close])
    {
        return HostValue::Ip(addr);
    }
    let name = match memchr::memrchr(b':', raw) {
        Some(colon) if raw[colon + 1..].iter().all(u8::is_ascii_digit) => &raw[..colon],
        _ => raw,
    };
    match normalize::ip(name) {
        Some(addr) => HostValue::Ip(addr),
        None => HostValue::Name(name),
    }
}

/// Writes the URL of an HTTP request into `url`; returns false when there is none (no target,
/// or a relative target without a host).
fn build_http_url(
    url: &mut Vec<u8>,
    scheme: &str,
    host: &[u8],
    port: Option<&[u8]>,
    target: &[u8],
) -> bool {
    url.clear();
    let target = target.trim_ascii();
    let host = host.trim_ascii();
    if target.is_empty() || (host.is_empty() && !is_absolute(target)) {
        return false;
    }
    if is_absolute(target) {
        url.extend_from_slice(target);
        return true;
    }
    url.extend_from_slice(scheme.as_bytes());
    url.extend_from_slice(b"://");
    url.extend_from_slice(host);
    let port = port.map(<[u8]>::trim_ascii).filter(|port| !port.is_empty());
    if let Some(port) = port
        && !host_has_port(host)
    {
        url.push(b':');
        url.extend_from_slice(port);
    }
    if !target.starts_with(b"/") {
        url.push(b'/');
    }
    url.extend_from_slice(target);
    true
}

/// Whether a Host header value already carries a port (`example.com:8080`, `[::1]:8080`).
fn host_has_port(host: &[u8]) -> bool {
    match host.strip_prefix(b"[") {
        Some(inner) => memchr::memmem::find(inner, b"]:").is_some(),
        None => memchr::memchr(b':', host).is_some(),
    }
}

fn is_absolute(target: &[u8]) -> bool {
    let lower = |prefix: &[u8]| {
        target.len() >= prefix.len() && target[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    lower(b"http://") || lower(b"https://")
}

fn serialize_time<S: serde::Serializer>(
    time: &Option<StixTimestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serializer.collect_str(time),
        None => serializer.serialize_none(),
    }
}

fn serialize_display<S: serde::Serializer>(key: &Key, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(key)
}
