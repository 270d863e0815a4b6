//! The single-pass scanner: refangs the text ([`refang`]), walks it once token by token with a
//! byte-class table, hands the few interesting tokens to hand-written recognisers, then maps
//! every candidate back to the text as written and works out which finding lies inside which.

mod blocks;
pub(crate) mod crypto;
mod encoded;
mod net;
mod paths;
pub(crate) mod refang;
mod words;

use std::ops::Range;

use crate::benign::BenignRules;
use crate::finding::{Benign, DefangSet, Finding, IocKind};
use refang::Normalized;

/// A finding before its offsets are mapped back to the text as written.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub kind: IocKind,
    pub value: String,
    /// Offsets in the normalised text (or in the original text when `original_span`).
    pub span: Range<usize>,
    /// Offsets of the host in the normalised text (URLs, e-mail addresses).
    pub host: Option<Range<usize>>,
    pub benign: Option<Benign>,
    /// Defang forms found by the recogniser itself (spaces in a URL, encodings).
    pub forms: DefangSet,
    /// The span is already in original offsets (encoded URLs are found in the original text).
    pub original_span: bool,
    /// The value is the text as written (YARA rules), filled in after mapping.
    pub value_as_written: bool,
}

impl Candidate {
    pub fn new(kind: IocKind, value: String, span: Range<usize>) -> Self {
        Self {
            kind,
            value,
            span,
            host: None,
            benign: None,
            forms: DefangSet::NONE,
            original_span: false,
            value_as_written: false,
        }
    }
}

// Byte classes, as bits, so that a token's classes can be OR-ed together as it is read.
const WS: u8 = 1;
const ALPHA: u8 = 1 << 1;
const DIGIT: u8 = 1 << 2;
const DOT: u8 = 1 << 3;
const COLON: u8 = 1 << 4;
const AT: u8 = 1 << 5;
const SLASH: u8 = 1 << 6;
const OTHER: u8 = 1 << 7;

const fn class_table() -> [u8; 256] {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte == b' '
            || byte == b'\t'
            || byte == b'\n'
            || byte == b'\r'
            || byte == 0x0b
            || byte == 0x0c
        {
            WS
        } else if byte.is_ascii_alphabetic() {
            ALPHA
        } else if byte.is_ascii_digit() {
            DIGIT
        } else if byte == b'.' {
            DOT
        } else if byte == b':' {
            COLON
        } else if byte == b'@' {
            AT
        } else if byte == b'/' || byte == b'\\' {
            SLASH
        } else {
            OTHER
        };
        b += 1;
    }
    table
}

static CLASS: [u8; 256] = class_table();

/// Returns the length of the Unicode white space starting at `pos` (no-break space, the
/// U+2000 block, the ideographic space), or 0. Such spaces end tokens like ASCII ones.
fn unicode_space_len(bytes: &[u8], pos: usize) -> usize {
    match bytes[pos] {
        0xC2 if bytes.get(pos + 1) == Some(&0xA0) => 2,
        0xE2 if bytes.get(pos + 1) == Some(&0x80)
            && bytes
                .get(pos + 2)
                .is_some_and(|b| matches!(b, 0x80..=0x8B | 0xA8 | 0xA9 | 0xAF)) =>
        {
            3
        }
        0xE3 if bytes.get(pos + 1) == Some(&0x80) && bytes.get(pos + 2) == Some(&0x80) => 3,
        _ => 0,
    }
}

/// Scans `text` and returns the candidates (offsets in the normalised text).
pub(crate) struct Scanner<'a> {
    pub text: &'a str,
    pub bytes: &'a [u8],
    pub out: Vec<Candidate>,
    normalized: &'a Normalized<'a>,
}

impl<'a> Scanner<'a> {
    fn new(normalized: &'a Normalized<'a>) -> Self {
        let text: &'a str = &normalized.text;
        Self {
            text,
            bytes: text.as_bytes(),
            out: Vec::new(),
            normalized,
        }
    }

    /// Returns whether anything in the normalised range was written defanged.
    pub fn is_defanged(&self, range: &Range<usize>) -> bool {
        self.normalized.has_edits() && !self.normalized.forms_in(range).is_empty()
    }

    pub fn push(&mut self, candidate: Candidate) {
        self.out.push(candidate);
    }

    fn run(&mut self) {
        let bytes = self.bytes;
        let n = bytes.len();
        let mut pos = 0;
        while pos < n {
            // Skip white space.
            while pos < n {
                let class = CLASS[usize::from(bytes[pos])];
                if class == WS {
                    pos += 1;
                } else if bytes[pos] >= 0x80 {
                    let len = unicode_space_len(bytes, pos);
                    if len == 0 {
                        break;
                    }
                    pos += len;
                } else {
                    break;
                }
            }
            let start = pos;
            let mut flags = 0u8;
            while pos < n {
                let class = CLASS[usize::from(bytes[pos])];
                if class == WS || (bytes[pos] >= 0x80 && unicode_space_len(bytes, pos) > 0) {
                    break;
                }
                flags |= class;
                pos += 1;
            }
            if pos > start {
                self.token(start, pos, flags);
            }
        }
    }

    /// Handles one white-space-delimited token.
    fn token(&mut self, start: usize, end: usize, flags: u8) {
        let len = end - start;
        let bytes = self.bytes;
        // A word ending a sentence (`word.`, `word:`) is a plain word.
        let flags = if len > 1
            && flags & (DIGIT | AT | SLASH) == 0
            && matches!(bytes[end - 1], b'.' | b':')
            && !bytes[start..end - 1]
                .iter()
                .any(|b| matches!(b, b'.' | b':'))
        {
            flags & !(DOT | COLON)
        } else {
            flags
        };
        // Plain short words (most of prose): only keywords can start something here.
        if flags & (DIGIT | DOT | COLON | AT | SLASH) == 0 && len < 25 {
            if flags & ALPHA != 0 && words::may_be_keyword(&bytes[start..end]) {
                words::keyword_token(self, start, end);
            }
            return;
        }
        if flags & (COLON | SLASH) == (COLON | SLASH) {
            net::urls(self, start, end);
        }
        if flags & DOT != 0 {
            net::dotted(self, start, end);
        }
        if flags & AT != 0 {
            net::emails(self, start, end);
        }
        if flags & COLON != 0 {
            net::ipv6(self, start, end);
        }
        if flags & SLASH != 0 {
            paths::token(self, start, end);
        }
        words::words(self, start, end, flags);
    }
}

/// Scans a text and returns its findings, in document order, offsets in `text`.
pub(crate) fn scan(text: &str, rules: &BenignRules) -> Vec<Finding> {
    let normalized = Normalized::new(text);
    let mut scanner = Scanner::new(&normalized);
    scanner.run();
    let mut candidates = scanner.out;
    encoded::scan(text, &mut candidates);
    let mut findings: Vec<Finding> = candidates
        .into_iter()
        .filter_map(|candidate| to_finding(candidate, text, &normalized))
        .collect();
    resolve(&mut findings);
    for finding in &mut findings {
        if finding.benign.is_none() {
            finding.benign = rules.assess(finding);
        }
    }
    findings
}

fn to_finding(candidate: Candidate, text: &str, normalized: &Normalized<'_>) -> Option<Finding> {
    let (span, host, mut defang) = if candidate.original_span {
        (
            candidate.span.clone(),
            candidate.host.clone(),
            DefangSet::NONE,
        )
    } else {
        let span =
            normalized.map_start(candidate.span.start)..normalized.map_end(candidate.span.end);
        let host = candidate
            .host
            .as_ref()
            .map(|host| normalized.map_start(host.start)..normalized.map_end(host.end));
        (span, host, normalized.forms_in(&candidate.span))
    };
    defang = defang.union(candidate.forms);
    let as_written = text.get(span.clone())?;
    if as_written.is_empty() {
        return None;
    }
    let value = if candidate.value_as_written {
        as_written.to_owned()
    } else {
        candidate.value
    };
    Some(Finding {
        kind: candidate.kind,
        value,
        span,
        defang,
        benign: candidate.benign,
        within: None,
        host,
    })
}

/// Sorts findings, removes duplicates and URLs inside URLs, and records containment.
fn resolve(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
            .then(a.kind.cmp(&b.kind))
    });
    findings.dedup_by(|b, a| a.kind == b.kind && a.span == b.span);
    // A stack of open containers (indices), innermost last.
    let mut stack: Vec<usize> = Vec::new();
    let mut keep = vec![true; findings.len()];
    for idx in 0..findings.len() {
        let span = findings[idx].span.clone();
        while let Some(&top) = stack.last() {
            if findings[top].span.end <= span.start {
                stack.pop();
            } else {
                break;
            }
        }
        let container = stack
            .iter()
            .rev()
            .copied()
            .find(|&top| findings[top].span.end >= span.end && keep[top]);
        if let Some(container) = container {
            let outer = findings[container].kind;
            let kind = findings[idx].kind;
            // A URL inside a URL (a redirect parameter, an encoded copy) belongs to the outer one.
            if kind == IocKind::Url && outer == IocKind::Url {
                keep[idx] = false;
                continue;
            }
            // A value equal to its container under another name (an e-mail address that is
            // also an XMPP address) is not a second finding.
            findings[idx].within = Some(outer);
            if kind == IocKind::Domain
                && matches!(outer, IocKind::FilePath | IocKind::RegistryKey)
                && findings[idx].benign.is_none()
            {
                findings[idx].benign = Some(Benign::LikelyFileName);
            }
        }
        stack.push(idx);
    }
    let mut idx = 0;
    findings.retain(|_| {
        idx += 1;
        keep[idx - 1]
    });
}

/// Returns whether a byte can be part of a host-name label.
pub(crate) fn is_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}
