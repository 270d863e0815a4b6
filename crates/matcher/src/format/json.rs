//! JSON log lines (Suricata EVE, Zeek JSON, any JSON lines): a validating scanner that visits
//! only the fields a [`FieldTree`] names.
//!
//! The scanner checks the whole line against the JSON grammar (RFC 8259), as strictly as
//! `serde_json` does (tests compare the two), but builds nothing: strings are skipped with
//! `memchr`, and only the values at the wanted paths are handed over, as slices of the line,
//! unescaped only when they hold escapes. Arrays are transparent: the path `dns.answers.rdata`
//! visits the `rdata` of every element of `answers`.

use crate::scan::{Probe, ValueKind};
use crate::time::TimeFormat;

/// Nesting deeper than this makes a line malformed (the limit `serde_json` applies).
const MAX_DEPTH: usize = 128;

/// The fields to visit in a JSON line, as a tree of keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldTree {
    root: Node,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Node {
    /// The children, sorted by key length.
    children: Vec<(Box<[u8]>, Node)>,
    /// `by_len[n]..by_len[n + 1]` are the children whose key is `n` bytes long (for keys up to
    /// [`MAX_INDEXED_KEY`] bytes; longer keys are searched among all).
    by_len: Vec<u16>,
    leaf: Option<Leaf>,
}

/// Keys up to this length are found through [`Node::by_len`].
const MAX_INDEXED_KEY: usize = 63;

/// What a visited field is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Leaf {
    label: Box<str>,
    role: Role,
}

/// The role of a field in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The event's time.
    Time(TimeFormat),
    /// A value to look up.
    Value(ValueKind),
    /// The host of an HTTP request (also looked up as a host).
    HttpHost,
    /// The request target of an HTTP request (`/path?query`, or absolute through a proxy).
    HttpTarget,
    /// The server port of an HTTP request.
    HttpPort,
}

impl FieldTree {
    /// Creates an empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field: `path` is a list of keys, `label` the name reported with matches.
    pub fn add(&mut self, path: &[&str], label: &str, role: Role) {
        let mut node = &mut self.root;
        for key in path {
            let position = node
                .children
                .iter()
                .position(|(name, _)| &name[..] == key.as_bytes());
            let idx = match position {
                Some(idx) => idx,
                None => {
                    // Keep the children sorted by key length, and their index by length.
                    let at = node
                        .children
                        .partition_point(|(name, _)| name.len() <= key.len());
                    node.children
                        .insert(at, (key.as_bytes().into(), Node::default()));
                    node.index_lengths();
                    at
                }
            };
            node = &mut node.children[idx].1;
        }
        node.leaf = Some(Leaf {
            label: label.into(),
            role,
        });
    }

    /// Adds a field written as a dotted path (`dns.rrname`). Since Zeek writes some names with
    /// dots in them (`id.orig_h`), every way of reading the dots is added: nested keys, one
    /// flat key, and the mixtures between.
    pub fn add_dotted(&mut self, dotted: &str, role: Role) {
        let parts: Vec<&str> = dotted.split('.').collect();
        let joins = parts.len().saturating_sub(1).min(8);
        for mask in 0u32..(1 << joins) {
            let mut path: Vec<String> = vec![parts[0].to_owned()];
            for (idx, part) in parts.iter().enumerate().skip(1) {
                if idx <= joins && mask & (1 << (idx - 1)) != 0 {
                    let last = path.last_mut().expect("the path starts with one part");
                    last.push('.');
                    last.push_str(part);
                } else {
                    path.push((*part).to_owned());
                }
            }
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            self.add(&keys, dotted, role);
        }
    }

    /// Returns whether the tree names no field.
    pub fn is_empty(&self) -> bool {
        self.root.children.is_empty()
    }
}

impl Node {
    #[inline]
    fn child(&self, key: &[u8]) -> Option<&Node> {
        // Most keys of a line are not wanted: their length alone rules them out, and the few
        // children of the same length are told apart by the first byte before the rest.
        let candidates = if key.len() <= MAX_INDEXED_KEY && !self.by_len.is_empty() {
            let start = usize::from(self.by_len[key.len()]);
            let end = usize::from(self.by_len[key.len() + 1]);
            &self.children[start..end]
        } else {
            &self.children[..]
        };
        let first = key.first();
        candidates
            .iter()
            .find(|(name, _)| name.len() == key.len() && name.first() == first && &name[..] == key)
            .map(|(_, node)| node)
    }

    fn index_lengths(&mut self) {
        self.by_len = (0..=MAX_INDEXED_KEY + 1)
            .map(|len| {
                let position = self.children.partition_point(|(name, _)| name.len() < len);
                u16::try_from(position).expect("a node has fewer than 65,536 children")
            })
            .collect();
    }
}

/// A syntax error in a JSON line, at a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset in the line.
    pub offset: usize,
    /// What was expected or found.
    pub message: &'static str,
}

/// A scalar found at a wanted path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scalar<'a> {
    /// A string's raw contents (between the quotes) and whether it holds escapes.
    String(&'a [u8], bool),
    /// A number's text.
    Number(&'a [u8]),
}

/// Checks a JSON text and calls `visit` for each scalar at a path of `tree`. The top-level
/// value must be an object.
pub(crate) fn scan_object<'a>(
    line: &'a [u8],
    tree: &FieldTree,
    mut visit: impl FnMut(&Leaf, Scalar<'a>),
) -> Result<(), JsonError> {
    let mut scanner = Scanner {
        bytes: line,
        pos: 0,
    };
    scanner.skip_ws();
    if scanner.peek() != Some(b'{') {
        return Err(scanner.error("expected a JSON object"));
    }
    scanner.value(Some(&tree.root), 0, &mut visit)?;
    scanner.skip_ws();
    if scanner.pos != line.len() {
        return Err(scanner.error("trailing characters after the JSON value"));
    }
    Ok(())
}

/// Checks that `text` is one JSON value (any type), as strictly as the scanner reads lines.
pub fn validate(text: &[u8]) -> Result<(), JsonError> {
    let mut scanner = Scanner {
        bytes: text,
        pos: 0,
    };
    scanner.value(None, 0, &mut |_: &Leaf, _: Scalar<'_>| {})?;
    scanner.skip_ws();
    if scanner.pos != text.len() {
        return Err(scanner.error("trailing characters after the JSON value"));
    }
    Ok(())
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn error(&self, message: &'static str) -> JsonError {
        JsonError {
            offset: self.pos,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, message: &'static str) -> Result<(), JsonError> {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    fn value(
        &mut self,
        node: Option<&Node>,
        depth: usize,
        visit: &mut impl FnMut(&Leaf, Scalar<'a>),
    ) -> Result<(), JsonError> {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error("nested too deep"));
                }
                self.object(node, depth + 1, visit)
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error("nested too deep"));
                }
                self.array(node, depth + 1, visit)
            }
            Some(b'"') => {
                let (raw, escaped) = self.string()?;
                if let Some(leaf) = node.and_then(|node| node.leaf.as_ref()) {
                    visit(leaf, Scalar::String(raw, escaped));
                }
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => {
                let raw = self.number()?;
                if let Some(leaf) = node.and_then(|node| node.leaf.as_ref()) {
                    visit(leaf, Scalar::Number(raw));
                }
                Ok(())
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of line")),
        }
    }

    fn object(
        &mut self,
        node: Option<&Node>,
        depth: usize,
        visit: &mut impl FnMut(&Leaf, Scalar<'a>),
    ) -> Result<(), JsonError> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        let mut key_buf = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let (key, escaped) = self.string()?;
            let child = match node {
                Some(node) if !node.children.is_empty() => {
                    if escaped {
                        unescape_into(key, &mut key_buf);
                        node.child(&key_buf)
                    } else {
                        node.child(key)
                    }
                }
                _ => None,
            };
            self.expect(b':', "expected ':' after a key")?;
            self.value(child, depth, visit)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(
        &mut self,
        node: Option<&Node>,
        depth: usize,
        visit: &mut impl FnMut(&Leaf, Scalar<'a>),
    ) -> Result<(), JsonError> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.value(node, depth, visit)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    /// Reads a string at `pos` (on its opening quote); returns its raw contents and whether
    /// they hold escapes.
    fn string(&mut self) -> Result<(&'a [u8], bool), JsonError> {
        let start = self.pos + 1;
        let mut pos = start;
        let mut escaped = false;
        let mut non_ascii = false;
        loop {
            let Some(at) = find_special(self.bytes, pos, !non_ascii) else {
                self.pos = self.bytes.len();
                return Err(self.error("unterminated string"));
            };
            match self.bytes[at] {
                b'"' => {
                    let raw = &self.bytes[start..at];
                    // Only strings may hold non-ASCII bytes (anything else refuses them), so
                    // checking the strings that have some checks the whole line's UTF-8.
                    if non_ascii && let Err(error) = std::str::from_utf8(raw) {
                        return Err(JsonError {
                            offset: start + error.valid_up_to(),
                            message: "invalid UTF-8",
                        });
                    }
                    self.pos = at + 1;
                    return Ok((raw, escaped));
                }
                b'\\' => {
                    escaped = true;
                    pos = self.escape(at)?;
                }
                byte if byte < 0x20 => {
                    return Err(JsonError {
                        offset: at,
                        message: "control character in a string",
                    });
                }
                _ => {
                    non_ascii = true;
                    pos = at + 1;
                }
            }
        }
    }

    /// Checks the escape at `at` (a backslash) and returns the offset after it.
    fn escape(&mut self, at: usize) -> Result<usize, JsonError> {
        let fail = |offset: usize, message| Err(JsonError { offset, message });
        match self.bytes.get(at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(at + 2),
            Some(b'u') => {
                let Some(unit) = hex4(self.bytes.get(at + 2..at + 6)) else {
                    return fail(at, "invalid \\u escape");
                };
                match unit {
                    0xD800..=0xDBFF => {
                        let low = match self.bytes.get(at + 6..at + 8) {
                            Some(b"\\u") => hex4(self.bytes.get(at + 8..at + 12)),
                            _ => None,
                        };
                        match low {
                            Some(0xDC00..=0xDFFF) => Ok(at + 12),
                            _ => fail(at, "lone leading surrogate in a \\u escape"),
                        }
                    }
                    0xDC00..=0xDFFF => fail(at, "lone trailing surrogate in a \\u escape"),
                    _ => Ok(at + 6),
                }
            }
            Some(_) => fail(at, "invalid escape"),
            None => fail(at, "unterminated string"),
        }
    }

    fn number(&mut self) -> Result<&'a [u8], JsonError> {
        let start = self.pos;
        let bytes = self.bytes;
        let mut pos = start;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        match bytes.get(pos) {
            Some(b'0') => pos += 1,
            Some(b'1'..=b'9') => {
                while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                    pos += 1;
                }
            }
            _ => {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            if !bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
        }
        if let Some(b'e' | b'E') = bytes.get(pos) {
            pos += 1;
            if let Some(b'+' | b'-') = bytes.get(pos) {
                pos += 1;
            }
            if !bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
        }
        self.pos = pos;
        let raw = &bytes[start..pos];
        // Like serde_json, refuse a number beyond the range of a double (`1e999`): only
        // numbers with an exponent or hundreds of digits can be.
        let may_overflow = raw.len() > 300 || raw.iter().any(|&byte| byte == b'e' || byte == b'E');
        if may_overflow {
            let finite = std::str::from_utf8(raw)
                .ok()
                .and_then(|text| text.parse::<f64>().ok())
                .is_some_and(f64::is_finite);
            if !finite {
                self.pos = start;
                return Err(self.error("number out of range"));
            }
        }
        Ok(raw)
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), JsonError> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("expected a JSON value"))
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Sets the high bit of every zero byte of `word`, exactly (no carry between bytes).
#[inline]
fn zero_bytes(word: u64) -> u64 {
    !(((word & LOW_SEVEN) + LOW_SEVEN) | word | LOW_SEVEN)
}

/// Returns the offset of the first byte from `pos` on that ends or interrupts a string's plain
/// run: `"`, `\`, a control character, or (with `high`) a non-ASCII byte. Eight bytes at a
/// time: strings in logs are short, too short for a SIMD search to pay its setup.
#[inline]
fn find_special(bytes: &[u8], mut pos: usize, high: bool) -> Option<usize> {
    let high_mask = if high { HIGH_BITS } else { 0 };
    while let Some(word) = bytes.get(pos..pos + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let special = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')))
            | zero_bytes(word & (ONES * 0xe0))
            | (word & high_mask);
        if special != 0 {
            return Some(pos + (special.trailing_zeros() / 8) as usize);
        }
        pos += 8;
    }
    bytes
        .get(pos..)?
        .iter()
        .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20 || (high && byte >= 0x80))
        .map(|found| pos + found)
}

fn hex4(digits: Option<&[u8]>) -> Option<u32> {
    let digits = digits?;
    let mut value = 0u32;
    for &digit in digits {
        value = value << 4 | char::from(digit).to_digit(16)?;
    }
    Some(value)
}

/// Decodes a JSON string's raw contents (already checked by the scanner) into `out`.
pub(crate) fn unescape_into(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut idx = 0;
    while idx < raw.len() {
        let Some(found) = memchr::memchr(b'\\', &raw[idx..]) else {
            out.extend_from_slice(&raw[idx..]);
            return;
        };
        out.extend_from_slice(&raw[idx..idx + found]);
        let at = idx + found;
        let decoded = match raw.get(at + 1) {
            Some(b'b') => Some(0x08),
            Some(b'f') => Some(0x0c),
            Some(b'n') => Some(b'\n' as u32),
            Some(b'r') => Some(b'\r' as u32),
            Some(b't') => Some(b'\t' as u32),
            Some(b'u') => None,
            Some(&other) => Some(u32::from(other)),
            None => return,
        };
        if let Some(byte) = decoded {
            out.push(u8::try_from(byte).expect("simple escapes are ASCII"));
            idx = at + 2;
            continue;
        }
        let unit = hex4(raw.get(at + 2..at + 6)).unwrap_or(0xFFFD);
        let (code, next) = if (0xD800..=0xDBFF).contains(&unit) {
            let low = hex4(raw.get(at + 8..at + 12)).unwrap_or(0xDC00);
            (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), at + 12)
        } else {
            (unit, at + 6)
        };
        let ch = char::from_u32(code).unwrap_or('\u{FFFD}');
        let mut utf8 = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
        idx = next;
    }
}

/// Per-line state of a JSON scan: the time and the parts of an HTTP URL, in buffers reused
/// from line to line.
#[derive(Default)]
struct LineState {
    time: Slot,
    time_format: Option<TimeFormat>,
    http_host: Slot,
    http_target: Slot,
    http_port: Slot,
}

#[derive(Default)]
struct Slot {
    bytes: Vec<u8>,
    set: bool,
}

impl Slot {
    fn store(&mut self, value: &[u8]) {
        self.bytes.clear();
        self.bytes.extend_from_slice(value);
        self.set = true;
    }

    fn get(&self) -> Option<&[u8]> {
        self.set.then_some(self.bytes.as_slice())
    }
}

/// Scans a chunk of JSON lines, visiting the fields of `tree`.
pub(crate) fn scan_chunk(tree: &FieldTree, chunk: &[u8], probe: &mut Probe<'_>) -> u64 {
    let mut unescaped = Vec::new();
    let mut state = LineState::default();
    let mut line_no = 0u64;
    for line in super::lines(chunk) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line_no += 1;
        if line.trim_ascii().is_empty() {
            continue;
        }
        match visit_line(tree, line, &mut state, &mut unescaped, probe, Pass::Lookup) {
            Ok(()) => {
                let time = state.time.get().zip(state.time_format);
                if probe.end_line(line_no, time) {
                    let again =
                        visit_line(tree, line, &mut state, &mut unescaped, probe, Pass::Observe);
                    debug_assert!(
                        again.is_ok(),
                        "the line was scanned without error once already"
                    );
                    probe.evaluate_candidates();
                }
            }
            Err(error) => {
                probe.malformed(line_no, || {
                    format!("invalid JSON at byte {}: {}", error.offset, error.message)
                });
            }
        }
    }
    line_no
}

/// What a pass over a line does with its values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Look them up (the first pass over every line).
    Lookup,
    /// Record them for evaluating candidates (a second pass over lines with candidates).
    Observe,
}

/// Visits the fields of one line: each value (and the URL of an HTTP request) is looked up or
/// observed, and the time kept in `state`.
fn visit_line(
    tree: &FieldTree,
    line: &[u8],
    state: &mut LineState,
    unescaped: &mut Vec<u8>,
    probe: &mut Probe<'_>,
    pass: Pass,
) -> Result<(), JsonError> {
    state.time.set = false;
    state.http_host.set = false;
    state.http_target.set = false;
    state.http_port.set = false;
    let give = |probe: &mut Probe<'_>, label: &str, kind: ValueKind, value: &[u8]| match pass {
        Pass::Lookup => probe.value(label, kind, value),
        Pass::Observe => probe.observe(label, kind, value),
    };
    scan_object(line, tree, |leaf, scalar| {
        let value: &[u8] = match scalar {
            Scalar::String(raw, false) | Scalar::Number(raw) => raw,
            Scalar::String(raw, true) => {
                unescape_into(raw, unescaped);
                unescaped
            }
        };
        match leaf.role {
            Role::Time(format) => {
                state.time.store(value);
                state.time_format = Some(format);
            }
            Role::Value(kind) => {
                if matches!(scalar, Scalar::String(..)) {
                    give(probe, &leaf.label, kind, value);
                }
            }
            Role::HttpHost => {
                give(probe, &leaf.label, ValueKind::Host, value);
                state.http_host.store(value);
            }
            Role::HttpTarget => state.http_target.store(value),
            Role::HttpPort => state.http_port.store(value),
        }
    })?;
    if let Some(target) = state.http_target.get() {
        let host = state.http_host.get().unwrap_or_default();
        let port = state.http_port.get().filter(|port| *port != b"80");
        match pass {
            Pass::Lookup => probe.http_url("url", "http", host, port, target),
            Pass::Observe => probe.observe_http_url("url", "http", host, port, target),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(line: &str, paths: &[&str]) -> Result<Vec<(String, String)>, JsonError> {
        let mut tree = FieldTree::new();
        for path in paths {
            tree.add_dotted(path, Role::Value(ValueKind::Domain));
        }
        let mut seen = Vec::new();
        let mut buf = Vec::new();
        scan_object(line.as_bytes(), &tree, |leaf, scalar| {
            let text = match scalar {
                Scalar::String(raw, true) => {
                    unescape_into(raw, &mut buf);
                    String::from_utf8(buf.clone()).unwrap()
                }
                Scalar::String(raw, false) | Scalar::Number(raw) => {
                    String::from_utf8(raw.to_vec()).unwrap()
                }
            };
            seen.push((leaf.label.to_string(), text));
        })?;
        Ok(seen)
    }

    #[test]
    fn visits_nested_paths_through_arrays() {
        let line = r#"{"a":1,"dns":{"rrname":"x.example","answers":[{"rdata":"1.2.3.4"},{"rdata":"y\u002eexample"}]},"id.orig_h":"10.0.0.1","id":{"resp_h":"10.0.0.2"}}"#;
        let seen = collect(
            line,
            &["dns.rrname", "dns.answers.rdata", "id.orig_h", "id.resp_h"],
        )
        .unwrap();
        assert_eq!(
            seen,
            [
                ("dns.rrname".to_owned(), "x.example".to_owned()),
                ("dns.answers.rdata".to_owned(), "1.2.3.4".to_owned()),
                ("dns.answers.rdata".to_owned(), "y.example".to_owned()),
                ("id.orig_h".to_owned(), "10.0.0.1".to_owned()),
                ("id.resp_h".to_owned(), "10.0.0.2".to_owned()),
            ]
        );
    }

    #[test]
    fn reports_errors_with_offsets() {
        let error = collect(r#"{"a":tru}"#, &[]).unwrap_err();
        assert_eq!(
            error,
            JsonError {
                offset: 5,
                message: "expected a JSON value"
            }
        );
        let error = collect(r#"{"a":"\ud800"}"#, &[]).unwrap_err();
        assert_eq!(error.message, "lone leading surrogate in a \\u escape");
        let error = collect(r#"[1]"#, &[]).unwrap_err();
        assert_eq!(error.message, "expected a JSON object");
        let error = collect(r#"{"a":1} x"#, &[]).unwrap_err();
        assert_eq!(error.offset, 8);
        let error = collect("{\"a\":\"\u{1}\"}", &[]).unwrap_err();
        assert_eq!(
            error,
            JsonError {
                offset: 6,
                message: "control character in a string"
            }
        );
        assert!(collect(&format!("{}{}", "{\"a\":".repeat(200), "1"), &[]).is_err());
    }

    #[test]
    fn unescapes_every_escape() {
        let mut out = Vec::new();
        unescape_into(br#"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"#, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\"b\\c/d\u{8}\u{c}\n\r\té😀"
        );
    }
}
