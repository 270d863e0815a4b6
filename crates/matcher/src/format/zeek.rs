//! Zeek's tab-separated logs: a header of `#` directives (`#separator`, `#set_separator`,
//! `#empty_field`, `#unset_field`, `#path`, `#fields`, `#types`) and one record a line.
//!
//! Which fields are looked up is decided from the header, so every Zeek log works, not only
//! the five we were asked for: every field of type `addr`, `set[addr]` or `vector[addr]` is an
//! IP address, and the fields below by name (dns `query` and `answers`, http `host`, `uri`
//! and `referrer`, ssl `server_name`, files `md5`/`sha1`/`sha256`, smtp `mailfrom`, `rcptto`,
//! `from`, `to`, `cc`, `reply_to`, x509 `san.dns`).

use std::sync::Arc;

use crate::normalize::HashAlgo;
use crate::scan::{Probe, ValueKind};
use crate::time::TimeFormat;

/// The state of a Zeek header: the directives seen so far and the lookup plan they give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZeekHeader {
    separator: u8,
    set_separator: u8,
    empty_field: Vec<u8>,
    unset_field: Vec<u8>,
    /// The log's `#path` (`dns`, `conn`, ...).
    pub path: String,
    fields: Vec<String>,
    types: Vec<String>,
    plan: Vec<Action>,
    ts: Option<usize>,
    http: Option<(usize, usize)>,
    last_needed: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Skip,
    Time,
    Value(ValueKind),
    Set(ValueKind),
}

impl Default for ZeekHeader {
    fn default() -> Self {
        Self {
            separator: b'\t',
            set_separator: b',',
            empty_field: b"(empty)".to_vec(),
            unset_field: b"-".to_vec(),
            path: String::new(),
            fields: Vec::new(),
            types: Vec::new(),
            plan: Vec::new(),
            ts: None,
            http: None,
            last_needed: 0,
        }
    }
}

impl ZeekHeader {
    /// Applies one `#` line; returns whether it was a directive that changes the layout.
    pub fn apply_line(&mut self, line: &[u8]) -> bool {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(value) = line.strip_prefix(b"#separator ") {
            let value = unescape(value);
            if let [separator] = value[..] {
                self.separator = separator;
            }
            return true;
        }
        let Some(rest) = line.strip_prefix(b"#") else {
            return false;
        };
        let (directive, value) = match memchr::memchr(self.separator, rest) {
            Some(split) => (&rest[..split], &rest[split + 1..]),
            None => (rest, &b""[..]),
        };
        match directive {
            b"set_separator" => {
                if let [separator] = unescape(value)[..] {
                    self.set_separator = separator;
                }
            }
            b"empty_field" => self.empty_field = unescape(value),
            b"unset_field" => self.unset_field = unescape(value),
            b"path" => self.path = String::from_utf8_lossy(value).into_owned(),
            b"fields" => {
                self.fields = split_names(value, self.separator);
                self.types.clear();
            }
            b"types" => self.types = split_names(value, self.separator),
            _ => return false,
        }
        self.plan();
        true
    }

    /// Returns whether a `#fields` line has been seen.
    pub fn has_fields(&self) -> bool {
        !self.fields.is_empty()
    }

    fn plan(&mut self) {
        self.plan = self
            .fields
            .iter()
            .enumerate()
            .map(|(idx, name)| action_for(name, self.types.get(idx).map(String::as_str)))
            .collect();
        self.ts = self.fields.iter().position(|name| name == "ts");
        let host = self.fields.iter().position(|name| name == "host");
        let uri = self.fields.iter().position(|name| name == "uri");
        self.http = host.zip(uri);
        self.last_needed = self
            .plan
            .iter()
            .rposition(|action| *action != Action::Skip)
            .unwrap_or(0)
            .max(self.http.map_or(0, |(host, uri)| host.max(uri)));
    }
}

/// Scans a chunk of a Zeek log, starting with `header` in effect; header lines inside the
/// chunk update it.
pub(crate) fn scan_chunk(header: &Arc<ZeekHeader>, chunk: &[u8], probe: &mut Probe<'_>) -> u64 {
    let mut header = Arc::clone(header);
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(header.fields.len() + 1);
    let mut unescaped = Vec::new();
    let mut line_no = 0u64;
    let mut line_start = 0;
    let mut field_start = 0;
    let mut pos = 0;
    // The separators and line ends of the whole chunk are found eight bytes at a time (SWAR):
    // one pass, and no call per field. A header line that changes the separator restarts the
    // search after it with the new one.
    'restart: loop {
        let separator = header.separator;
        let delimiters = Delimiters::new(chunk, pos, separator);
        for at in delimiters {
            if chunk[at] != b'\n' {
                spans.push((field_start - line_start, at - line_start));
                field_start = at + 1;
                continue;
            }
            let line = &chunk[line_start..at];
            spans.push((field_start - line_start, at - line_start));
            line_no += 1;
            line_start = at + 1;
            field_start = at + 1;
            let changed = handle_line(
                &mut header,
                line,
                line_no,
                &mut spans,
                &mut unescaped,
                probe,
            );
            spans.clear();
            if changed && header.separator != separator {
                pos = line_start;
                continue 'restart;
            }
        }
        break;
    }
    if line_start < chunk.len() {
        // A last line without a line end.
        let line = &chunk[line_start..];
        spans.clear();
        let mut field_start = 0;
        for at in memchr::memchr_iter(header.separator, line) {
            spans.push((field_start, at));
            field_start = at + 1;
        }
        spans.push((field_start, line.len()));
        line_no += 1;
        handle_line(
            &mut header,
            line,
            line_no,
            &mut spans,
            &mut unescaped,
            probe,
        );
    }
    line_no
}

/// Handles one line whose field spans are found: a header line updates `header` (returns
/// whether it was a directive), a data line is scanned.
fn handle_line(
    header: &mut Arc<ZeekHeader>,
    line: &[u8],
    line_no: u64,
    spans: &mut [(usize, usize)],
    unescaped: &mut Vec<u8>,
    probe: &mut Probe<'_>,
) -> bool {
    // A line ending in CR LF: the CR belongs to no field.
    let line = match line.strip_suffix(b"\r") {
        Some(stripped) => {
            if let Some(last) = spans.last_mut() {
                last.1 = last.1.min(stripped.len()).max(last.0);
            }
            stripped
        }
        None => line,
    };
    if line.first() == Some(&b'#') {
        return Arc::make_mut(header).apply_line(line);
    }
    if line.is_empty() {
        return false;
    }
    if !header.has_fields() {
        probe.malformed(line_no, || "data line before a #fields header".to_owned());
        return false;
    }
    scan_line(header, line, line_no, spans, unescaped, probe);
    false
}

/// The positions of a separator byte and of line ends in a chunk, from `start` on, found a word
/// at a time.
struct Delimiters<'a> {
    bytes: &'a [u8],
    word_start: usize,
    mask: u64,
    separator: u64,
}

const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

impl<'a> Delimiters<'a> {
    fn new(bytes: &'a [u8], start: usize, separator: u8) -> Self {
        let mut delimiters = Self {
            bytes,
            word_start: start,
            mask: 0,
            separator: ONES * u64::from(separator),
        };
        delimiters.mask = delimiters.word_mask(start);
        delimiters
    }

    /// The high bit of each byte of the word at `at` that is a separator or a line end
    /// (exact: no carry between bytes). Past the end, bytes count as neither.
    fn word_mask(&self, at: usize) -> u64 {
        let word = match self.bytes.get(at..at + 8) {
            Some(word) => u64::from_le_bytes(word.try_into().expect("eight bytes")),
            None => {
                let mut padded = [0u8; 8];
                let tail = self.bytes.get(at..).unwrap_or_default();
                padded[..tail.len()].copy_from_slice(tail);
                // Padding must not look like a delimiter: use a byte that is neither.
                let filler = if self.separator == ONES * 0xff {
                    0xfe
                } else {
                    0xff
                };
                for byte in &mut padded[tail.len()..] {
                    *byte = filler;
                }
                u64::from_le_bytes(padded)
            }
        };
        zero_bytes(word ^ self.separator) | zero_bytes(word ^ (ONES * u64::from(b'\n')))
    }
}

impl Iterator for Delimiters<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.word_start += 8;
            if self.word_start >= self.bytes.len() {
                return None;
            }
            self.mask = self.word_mask(self.word_start);
        }
        let at = self.word_start + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// Sets the high bit of every zero byte of `word`, exactly.
#[inline]
fn zero_bytes(word: u64) -> u64 {
    !(((word & LOW_SEVEN) + LOW_SEVEN) | word | LOW_SEVEN)
}

fn scan_line(
    header: &ZeekHeader,
    line: &[u8],
    line_no: u64,
    spans: &[(usize, usize)],
    unescaped: &mut Vec<u8>,
    probe: &mut Probe<'_>,
) {
    if spans.len() != header.fields.len() {
        let (expected, found) = (header.fields.len(), spans.len());
        probe.malformed(line_no, || {
            format!("expected {expected} fields, found {found}")
        });
        return;
    }
    let time = header.ts.map(|idx| &line[spans[idx].0..spans[idx].1]);
    if let Some(raw) = time
        && raw != header.unset_field.as_slice()
        && crate::time::parse(raw, TimeFormat::Epoch).is_none()
    {
        let text = String::from_utf8_lossy(raw).into_owned();
        probe.malformed(line_no, || format!("field ts: invalid time `{text}`"));
        return;
    }
    // Zeek escapes are rare: one search of the line spares one per value.
    let has_escapes = memchr::memchr(b'\\', line).is_some();
    for idx in 0..=header.last_needed.min(spans.len() - 1) {
        let action = header.plan[idx];
        let (kind, is_set) = match action {
            Action::Skip | Action::Time => continue,
            Action::Value(kind) => (kind, false),
            Action::Set(kind) => (kind, true),
        };
        let raw = &line[spans[idx].0..spans[idx].1];
        if raw == header.unset_field.as_slice() || raw == header.empty_field.as_slice() {
            continue;
        }
        let name = header.fields[idx].as_str();
        if is_set {
            for element in raw.split(|&byte| byte == header.set_separator) {
                let element = if has_escapes {
                    unescape_into(element, unescaped)
                } else {
                    element
                };
                if !check_value(kind, element, name, line_no, probe) {
                    return;
                }
            }
        } else {
            let value = if has_escapes {
                unescape_into(raw, unescaped)
            } else {
                raw
            };
            if !check_value(kind, value, name, line_no, probe) {
                return;
            }
        }
    }
    if let Some((host, uri)) = header.http {
        let host_raw = &line[spans[host].0..spans[host].1];
        let uri_raw = &line[spans[uri].0..spans[uri].1];
        let unset = |raw: &[u8]| {
            raw == header.unset_field.as_slice() || raw == header.empty_field.as_slice()
        };
        if !unset(uri_raw) {
            let host_value = if unset(host_raw) {
                b"".to_vec()
            } else {
                unescape(host_raw)
            };
            let target = unescape(uri_raw);
            probe.http_url("uri", "http", &host_value, None, &target);
        }
    }
    if probe.end_line(line_no, time.map(|raw| (raw, TimeFormat::Epoch))) {
        observe_line(header, line, spans, unescaped, probe);
        probe.evaluate_candidates();
    }
}

/// Hands every value of a line to the probe, for evaluating candidates.
fn observe_line(
    header: &ZeekHeader,
    line: &[u8],
    spans: &[(usize, usize)],
    unescaped: &mut Vec<u8>,
    probe: &mut Probe<'_>,
) {
    let unset =
        |raw: &[u8]| raw == header.unset_field.as_slice() || raw == header.empty_field.as_slice();
    for (idx, action) in header.plan.iter().enumerate() {
        let (kind, is_set) = match *action {
            Action::Skip | Action::Time => continue,
            Action::Value(kind) => (kind, false),
            Action::Set(kind) => (kind, true),
        };
        let raw = &line[spans[idx].0..spans[idx].1];
        if unset(raw) {
            continue;
        }
        let name = header.fields[idx].as_str();
        if is_set {
            for element in raw.split(|&byte| byte == header.set_separator) {
                probe.observe(name, kind, unescape_into(element, unescaped));
            }
        } else {
            probe.observe(name, kind, unescape_into(raw, unescaped));
        }
    }
    if let Some((host, uri)) = header.http {
        let host_raw = &line[spans[host].0..spans[host].1];
        let uri_raw = &line[spans[uri].0..spans[uri].1];
        if !unset(uri_raw) {
            let host_value = if unset(host_raw) {
                Vec::new()
            } else {
                unescape(host_raw)
            };
            probe.observe_http_url("uri", "http", &host_value, None, &unescape(uri_raw));
        }
    }
}

/// Looks a value up; an `addr` field that does not hold an address makes the line malformed
/// (returns false).
fn check_value(
    kind: ValueKind,
    value: &[u8],
    name: &str,
    line_no: u64,
    probe: &mut Probe<'_>,
) -> bool {
    if kind != ValueKind::Ip {
        probe.value(name, kind, value);
        return true;
    }
    match crate::normalize::ip(value) {
        Some(addr) => {
            probe.ip(name, addr, value);
            true
        }
        None => {
            let text = String::from_utf8_lossy(value).into_owned();
            probe.malformed(line_no, || {
                format!("field {name}: invalid address `{text}`")
            });
            false
        }
    }
}

fn action_for(name: &str, zeek_type: Option<&str>) -> Action {
    let set_type = zeek_type
        .is_some_and(|zeek_type| zeek_type.starts_with("set[") || zeek_type.starts_with("vector["));
    let element_type = zeek_type.map(|zeek_type| {
        zeek_type
            .strip_prefix("set[")
            .or_else(|| zeek_type.strip_prefix("vector["))
            .and_then(|inner| inner.strip_suffix(']'))
            .unwrap_or(zeek_type)
    });
    if name == "ts" {
        return Action::Time;
    }
    let by_type = match element_type {
        Some("addr") => Some(ValueKind::Ip),
        _ => None,
    };
    let by_name = match name {
        "id.orig_h" | "id.resp_h" | "tx_hosts" | "rx_hosts" | "src" | "dst" => Some(ValueKind::Ip),
        "query" | "server_name" | "san.dns" => Some(ValueKind::Domain),
        "answers" | "host" => Some(ValueKind::Host),
        "referrer" => Some(ValueKind::Url),
        "md5" => Some(ValueKind::Hash(HashAlgo::Md5)),
        "sha1" => Some(ValueKind::Hash(HashAlgo::Sha1)),
        "sha256" => Some(ValueKind::Hash(HashAlgo::Sha256)),
        "mailfrom" | "rcptto" | "from" | "to" | "cc" | "reply_to" => Some(ValueKind::Email),
        _ => None,
    };
    // With no #types line, the fields Zeek writes as sets are known by name.
    let named_set = matches!(
        name,
        "answers" | "tx_hosts" | "rx_hosts" | "rcptto" | "to" | "cc" | "san.dns"
    );
    let is_set = if zeek_type.is_some() {
        set_type
    } else {
        named_set
    };
    // A typed field keeps its name-based meaning only when the type agrees: a `string`
    // field named `src` is not an address.
    let kind = match (by_type, by_name, element_type) {
        (Some(kind), _, _) => Some(kind),
        (None, Some(ValueKind::Ip), Some(_)) => None,
        (None, by_name, _) => by_name,
    };
    match (kind, is_set) {
        (None, _) => Action::Skip,
        (Some(kind), false) => Action::Value(kind),
        (Some(kind), true) => Action::Set(kind),
    }
}

fn split_names(value: &[u8], separator: u8) -> Vec<String> {
    value
        .split(|&byte| byte == separator)
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// Decodes Zeek's `\xHH` escapes (used for separators and non-printable bytes).
pub(crate) fn unescape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    unescape_into(raw, &mut out).to_vec()
}

fn unescape_into<'a>(raw: &'a [u8], out: &'a mut Vec<u8>) -> &'a [u8] {
    if memchr::memchr(b'\\', raw).is_none() {
        return raw;
    }
    out.clear();
    let mut idx = 0;
    while idx < raw.len() {
        if raw[idx] == b'\\'
            && raw.get(idx + 1) == Some(&b'x')
            && let Some(pair) = raw.get(idx + 2..idx + 4)
            && let Ok(text) = std::str::from_utf8(pair)
            && let Ok(byte) = u8::from_str_radix(text, 16)
        {
            out.push(byte);
            idx += 4;
            continue;
        }
        out.push(raw[idx]);
        idx += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(lines: &[&str]) -> ZeekHeader {
        let mut header = ZeekHeader::default();
        for line in lines {
            header.apply_line(line.as_bytes());
        }
        header
    }

    #[test]
    fn plans_lookups_from_names_and_types() {
        let header = header(&[
            "#separator \\x09",
            "#set_separator\t,",
            "#path\tdns",
            "#fields\tts\tuid\tid.orig_h\tquery\tanswers\tsrc",
            "#types\ttime\tstring\taddr\tstring\tvector[string]\tstring",
        ]);
        assert_eq!(header.path, "dns");
        assert_eq!(
            header.plan,
            [
                Action::Time,
                Action::Skip,
                Action::Value(ValueKind::Ip),
                Action::Value(ValueKind::Domain),
                Action::Set(ValueKind::Host),
                Action::Skip,
            ]
        );
        assert_eq!(header.ts, Some(0));
        assert_eq!(header.last_needed, 4);
    }

    #[test]
    fn reads_escaped_separators() {
        let header = header(&["#separator \\x7c", "#set_separator|;", "#fields|ts|answers"]);
        assert_eq!(header.separator, b'|');
        assert_eq!(header.set_separator, b';');
        assert_eq!(header.plan, [Action::Time, Action::Set(ValueKind::Host)]);
        assert_eq!(unescape(b"a\\x2cb\\x5c\\xzz"), b"a,b\\\\xzz");
    }
}
