//! The refang pass: finds defanged separators (`[.]`, `(dot)`, ` AT `, `hxxp`, `[:]//`, ...)
//! and builds a normalised copy of the text in which they are written plainly, with a map back
//! to the offsets of the text as written.
//!
//! Only forms that are unambiguous in context are rewritten: a bracketed dot needs a label on
//! each side, the word `at` needs a defanged dot on its right (so "looked at example.com" stays
//! prose), and the word `dot` needs `DOT` in capitals or a known top-level domain after it.

use std::borrow::Cow;
use std::ops::Range;

use crate::finding::{DefangForm, DefangSet};

/// A replacement of `orig` (in the text as written) by `repl` (in the normalised text).
#[derive(Debug, Clone)]
struct Edit {
    orig: Range<usize>,
    norm_start: usize,
    repl: &'static str,
    form: DefangForm,
}

impl Edit {
    fn norm_end(&self) -> usize {
        self.norm_start + self.repl.len()
    }
}

/// The text with its defanged separators written plainly, and the way back.
#[derive(Debug)]
pub(crate) struct Normalized<'t> {
    /// The normalised text (borrowed when nothing was defanged).
    pub text: Cow<'t, str>,
    edits: Vec<Edit>,
}

impl<'t> Normalized<'t> {
    /// Finds the defanged separators of `text` and builds the normalised text.
    pub fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut raw = Vec::new();
        find_symbol_forms(bytes, &mut raw);
        find_word_dots(bytes, &mut raw);
        find_word_at(bytes, &mut raw);
        if raw.is_empty() {
            return Self {
                text: Cow::Borrowed(text),
                edits: Vec::new(),
            };
        }
        raw.sort_by_key(|edit: &RawEdit| (edit.orig.start, edit.orig.end));
        let mut out = String::with_capacity(text.len());
        let mut edits = Vec::with_capacity(raw.len());
        let mut pos = 0;
        for edit in raw {
            // Overlapping candidates: the first one wins.
            if edit.orig.start < pos {
                continue;
            }
            out.push_str(&text[pos..edit.orig.start]);
            edits.push(Edit {
                orig: edit.orig.clone(),
                norm_start: out.len(),
                repl: edit.repl,
                form: edit.form,
            });
            out.push_str(edit.repl);
            pos = edit.orig.end;
        }
        out.push_str(&text[pos..]);
        Self {
            text: Cow::Owned(out),
            edits,
        }
    }

    /// Returns whether any separator was rewritten.
    pub fn has_edits(&self) -> bool {
        !self.edits.is_empty()
    }

    /// Maps a normalised start offset to the text as written.
    pub fn map_start(&self, pos: usize) -> usize {
        let idx = self.edits.partition_point(|edit| edit.norm_start <= pos);
        match idx.checked_sub(1).map(|idx| &self.edits[idx]) {
            None => pos,
            Some(edit) if pos < edit.norm_end() => edit.orig.start,
            Some(edit) => pos - edit.norm_end() + edit.orig.end,
        }
    }

    /// Maps a normalised end offset (exclusive) to the text as written.
    pub fn map_end(&self, pos: usize) -> usize {
        let idx = self.edits.partition_point(|edit| edit.norm_start < pos);
        match idx.checked_sub(1).map(|idx| &self.edits[idx]) {
            None => pos,
            Some(edit) if pos <= edit.norm_end() => edit.orig.end,
            Some(edit) => pos - edit.norm_end() + edit.orig.end,
        }
    }

    /// Returns the defang forms of the edits inside a normalised range.
    pub fn forms_in(&self, range: &Range<usize>) -> DefangSet {
        let mut set = DefangSet::NONE;
        let first = self
            .edits
            .partition_point(|edit| edit.norm_end() < range.start);
        for edit in &self.edits[first..] {
            if edit.norm_start > range.end
                || (edit.norm_start == range.end && !edit.repl.is_empty())
            {
                break;
            }
            if edit.norm_end() > range.start
                || (edit.repl.is_empty() && edit.norm_start >= range.start)
            {
                set.insert(edit.form);
            }
        }
        set
    }
}

struct RawEdit {
    orig: Range<usize>,
    repl: &'static str,
    form: DefangForm,
}

fn is_label(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_open(b: u8) -> bool {
    matches!(b, b'[' | b'(' | b'{')
}

fn is_close(b: u8) -> bool {
    matches!(b, b']' | b')' | b'}')
}

/// What a bracketed token stands for.
#[derive(Clone, Copy, PartialEq)]
enum Inner {
    Dot,
    WordDot,
    At,
    WordAt,
    Colon,
    ColonSlashes,
    Slash,
}

/// Parses `ws* open* ws* INNER ws* close* ws*` starting at `start` (the first byte after the
/// label on the left). Returns the end and what the token stands for. Whitespace is accepted
/// only next to a bracket, so `example . com` is not a defang while `example [.] com` is.
fn bracket_token(bytes: &[u8], start: usize) -> Option<(usize, Inner)> {
    let n = bytes.len();
    let mut i = start;
    let mut lead_ws = 0;
    while i < n && is_space(bytes[i]) && lead_ws < 8 {
        i += 1;
        lead_ws += 1;
    }
    let mut opens = 0;
    while i < n && (is_open(bytes[i]) || (opens > 0 && is_space(bytes[i]))) && i - start < 24 {
        if is_open(bytes[i]) {
            opens += 1;
        }
        i += 1;
    }
    if lead_ws > 0 && opens == 0 {
        return None;
    }
    let rest = &bytes[i..];
    let (inner, len) = if rest.starts_with(b"://") {
        (Inner::ColonSlashes, 3)
    } else if rest.first() == Some(&b'.') {
        (Inner::Dot, 1)
    } else if rest.first() == Some(&b'@') {
        (Inner::At, 1)
    } else if rest.first() == Some(&b':') {
        (Inner::Colon, 1)
    } else if rest.first() == Some(&b'/') {
        (Inner::Slash, 1)
    } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"dot") {
        (Inner::WordDot, 3)
    } else if rest.len() >= 2 && rest[..2].eq_ignore_ascii_case(b"at") {
        (Inner::WordAt, 2)
    } else {
        return None;
    };
    let word = matches!(inner, Inner::WordDot | Inner::WordAt);
    if word && opens == 0 {
        return None;
    }
    i += len;
    if word && i < n && bytes[i].is_ascii_alphanumeric() {
        return None;
    }
    let mut closes = 0;
    let before_close = i;
    while i < n && (is_close(bytes[i]) || is_space(bytes[i])) && i - before_close < 24 {
        if is_close(bytes[i]) {
            closes += 1;
        }
        i += 1;
    }
    if closes == 0 {
        // No closing bracket: trailing whitespace only after a word, never after a symbol.
        i = before_close;
        if word {
            while i < n && is_space(bytes[i]) && i - before_close < 8 {
                i += 1;
            }
        }
    }
    if opens == 0 && closes == 0 && !word {
        // A bare symbol is not a defang.
        return None;
    }
    Some((i, inner))
}

/// The bytes at which a defanged form can start; every other byte is skipped in a tight loop.
const fn trigger_table() -> [bool; 256] {
    let mut table = [false; 256];
    let triggers = b"[({.\\@/:_";
    let mut idx = 0;
    while idx < triggers.len() {
        table[triggers[idx] as usize] = true;
        idx += 1;
    }
    table
}

static TRIGGER: [bool; 256] = trigger_table();

fn find_symbol_forms(bytes: &[u8], out: &mut Vec<RawEdit>) {
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        while i < n && !TRIGGER[usize::from(bytes[i])] {
            i += 1;
        }
        if i >= n {
            break;
        }
        let b = bytes[i];
        match b {
            b'[' | b'(' | b'{' => {
                // `hxxp[:]//`, `http[://]`: a bracketed separator after a scheme.
                if bytes.get(i + 1) == Some(&b':')
                    && let Some(end) = scheme_before(bytes, i, out)
                {
                    i = end;
                    continue;
                }
                // The token starts after the label on the left, spaces included
                // (`example [.] com`).
                let mut start = i;
                while start > 0 && is_space(bytes[start - 1]) && i - start < 8 {
                    start -= 1;
                }
                if start > 0
                    && is_label(bytes[start - 1])
                    && out.last().is_none_or(|edit| edit.orig.end <= start)
                    && let Some(end) = bracketed_at(bytes, start, out)
                {
                    i = end;
                    continue;
                }
            }
            b':' | b'_' => {
                // A scheme separator (`://`, `__`, `:__`, `:\\`): look back for the scheme.
                if let Some(end) = scheme_before(bytes, i, out) {
                    i = end;
                    continue;
                }
            }
            b'.' if i >= 2 && bytes[i - 1] == b' ' && is_label(bytes[i - 2]) => {
                // `http://example .com/`: a space before the dot of a URL host.
                if let Some(end) = spaced_host_dot(bytes, i, out) {
                    i = end;
                    continue;
                }
            }
            b'.' => {
                // `.]` and `.)`: a dot glued to the left label, followed by closing brackets.
                if i > 0
                    && is_label(bytes[i - 1])
                    && i + 1 < n
                    && is_close(bytes[i + 1])
                    && let Some(end) = bracketed_at(bytes, i, out)
                {
                    i = end;
                    continue;
                }
            }
            b'\\' if i > 0 && is_label(bytes[i - 1]) => {
                let mut j = i;
                while j < n && bytes[j] == b'\\' && j - i < 16 {
                    j += 1;
                }
                // Only between digits (`10\.10`) or before a top-level domain
                // (`evil\.com`): `Microsoft\.NETFramework` is a registry path.
                let digits = bytes[i - 1].is_ascii_digit()
                    && bytes.get(j + 1).is_some_and(u8::is_ascii_digit);
                let tld = j + 1 < n && {
                    let mut k = j + 1;
                    while k < n && bytes[k].is_ascii_alphanumeric() {
                        k += 1;
                    }
                    is_known_tld(&bytes[j + 1..k]) && bytes.get(k).is_none_or(|b| *b != b'\\')
                };
                if j < n && bytes[j] == b'.' && (digits || tld) {
                    out.push(RawEdit {
                        orig: i..j + 1,
                        repl: ".",
                        form: DefangForm::EscapedDot,
                    });
                    i = j + 1;
                    continue;
                }
            }
            b'@' => {
                if let Some(end) = spaced_at(bytes, i, out) {
                    i = end;
                    continue;
                }
            }
            b'/' => {
                if let Some(end) = slash_word(bytes, i, out) {
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// A space before the dot of a host right after `://` (`http://example .com/x`), when a
/// known top-level domain follows the dot.
fn spaced_host_dot(bytes: &[u8], dot: usize, out: &mut Vec<RawEdit>) -> Option<usize> {
    let mut host_start = dot - 1;
    while host_start > 0
        && (bytes[host_start - 1].is_ascii_alphanumeric()
            || matches!(bytes[host_start - 1], b'-' | b'.'))
    {
        host_start -= 1;
    }
    // After a scheme separator (`://`, `__`, `:\\`), possibly spaced (`http:// example .com`).
    let mut sep_end = host_start;
    while sep_end > 0 && bytes[sep_end - 1] == b' ' && host_start - sep_end < 3 {
        sep_end -= 1;
    }
    let sep = bytes.get(sep_end.saturating_sub(2)..sep_end)?;
    if sep_end < 2 || !(sep == b"//" || sep == b"__" || sep == b"\\\\") {
        return None;
    }
    let mut tld_end = dot + 1;
    while tld_end < bytes.len() && bytes[tld_end].is_ascii_alphanumeric() {
        tld_end += 1;
    }
    if !is_known_tld(&bytes[dot + 1..tld_end]) || bytes.get(tld_end).is_some_and(|b| is_label(*b)) {
        return None;
    }
    out.push(RawEdit {
        orig: dot - 1..dot + 1,
        repl: ".",
        form: DefangForm::Spaces,
    });
    Some(dot + 1)
}

/// Finds the scheme word ending just before the separator byte at `sep` (`hxxp` before `://`,
/// `h__ps` before `__`) and tries it.
fn scheme_before(bytes: &[u8], sep: usize, out: &mut Vec<RawEdit>) -> Option<usize> {
    let mut start = sep;
    while start > 0
        && sep - start < 8
        && (bytes[start - 1].is_ascii_alphanumeric() || matches!(bytes[start - 1], b'*' | b'_'))
    {
        start -= 1;
    }
    if start == sep || !matches!(bytes[start], b'h' | b'H' | b'f' | b'F') {
        return None;
    }
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    if out.last().is_some_and(|edit| edit.orig.end > start) {
        return None;
    }
    scheme_form(bytes, start, out)
}

/// Finds ` dot `, ` DOT ` and ` Dot ` with SIMD substring search.
fn find_word_dots(bytes: &[u8], out: &mut Vec<RawEdit>) {
    for pattern in [&b" dot "[..], b" DOT ", b" Dot "] {
        for pos in memchr::memmem::find_iter(bytes, pattern) {
            word_dot(bytes, pos + 1, out);
        }
    }
}

/// Tries a bracketed token at `i` (just after a label). Pushes the edit and returns its end.
fn bracketed_at(bytes: &[u8], i: usize, out: &mut Vec<RawEdit>) -> Option<usize> {
    let (end, inner) = bracket_token(bytes, i)?;
    let next = *bytes.get(end)?;
    let (repl, form, next_ok) = match inner {
        Inner::Dot => (".", DefangForm::BracketDot, is_label(next)),
        Inner::WordDot => (".", DefangForm::WordDot, is_label(next)),
        Inner::At => ("@", DefangForm::BracketAt, is_label(next)),
        Inner::WordAt => ("@", DefangForm::WordAt, is_label(next)),
        Inner::Colon => (
            ":",
            DefangForm::BracketColon,
            next == b'/' || next.is_ascii_digit(),
        ),
        Inner::ColonSlashes => (
            "://",
            DefangForm::BracketColon,
            is_label(next) || next == b'[',
        ),
        Inner::Slash => ("/", DefangForm::BracketSlash, !is_space(next)),
    };
    if !next_ok {
        return None;
    }
    if matches!(inner, Inner::WordAt) && !bytes[i..end].iter().any(|b| is_open(*b)) {
        return None;
    }
    out.push(RawEdit {
        orig: i..end,
        repl,
        form,
    });
    Some(end)
}

/// ` @ `, ` @` and `@ ` between a local part and a host.
fn spaced_at(bytes: &[u8], at: usize, out: &mut Vec<RawEdit>) -> Option<usize> {
    let n = bytes.len();
    let mut start = at;
    while start > 0 && is_space(bytes[start - 1]) && at - start < 4 {
        start -= 1;
    }
    let mut end = at + 1;
    while end < n && is_space(bytes[end]) && end - at < 5 {
        end += 1;
    }
    if start == at && end == at + 1 {
        return None;
    }
    if start == 0 || !is_label(bytes[start - 1]) || end >= n || !is_label(bytes[end]) {
        return None;
    }
    // Only `\n` inside the spaces would join two lines: refuse that.
    if bytes[start..end].contains(&b'\n') {
        return None;
    }
    out.push(RawEdit {
        orig: start..end,
        repl: "@",
        form: DefangForm::BracketAt,
    });
    Some(end)
}

/// `/AT/` and `/DOT/`, in capitals, between labels.
fn slash_word(bytes: &[u8], i: usize, out: &mut Vec<RawEdit>) -> Option<usize> {
    if i == 0 || !bytes[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let rest = &bytes[i..];
    let (len, repl) = if rest.starts_with(b"/AT/") {
        (4, "@")
    } else if rest.starts_with(b"/DOT/") {
        (5, ".")
    } else {
        return None;
    };
    if !bytes
        .get(i + len)
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    out.push(RawEdit {
        orig: i..i + len,
        repl,
        form: DefangForm::SlashWord,
    });
    Some(i + len)
}

/// A bare ` DOT ` (always) or ` dot ` (before a known top-level domain) between labels.
fn word_dot(bytes: &[u8], i: usize, out: &mut Vec<RawEdit>) -> Option<usize> {
    let n = bytes.len();
    if i < 2 || i + 4 >= n || !is_space(bytes[i - 1]) || !is_label(bytes[i - 2]) {
        return None;
    }
    let word = &bytes[i..i + 3];
    if !word.eq_ignore_ascii_case(b"dot") || !is_space(bytes[i + 3]) || !is_label(bytes[i + 4]) {
        return None;
    }
    let mut right_end = i + 4;
    while right_end < n && bytes[right_end].is_ascii_alphanumeric() {
        right_end += 1;
    }
    let right = &bytes[i + 4..right_end];
    if word != b"DOT" && !is_known_tld(right) {
        return None;
    }
    out.push(RawEdit {
        orig: i - 1..i + 4,
        repl: ".",
        form: DefangForm::WordDot,
    });
    Some(i + 4)
}

/// Whether `label` is a top-level domain of the Public Suffix List.
pub(crate) fn is_known_tld(label: &[u8]) -> bool {
    if label.is_empty() || label.len() > 63 || !label.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let mut lower = [0u8; 64];
    for (dst, src) in lower.iter_mut().zip(label) {
        *dst = src.to_ascii_lowercase();
    }
    let lower = &lower[..label.len()];
    psl::suffix(lower).is_some_and(|suffix| suffix.is_known() && suffix.as_bytes() == lower)
}

/// A defanged scheme (`hxxp`, `h__ps`, `fxp`) or a defanged separator after a plain scheme
/// (`http__`, `https:__`, `http:\\`, `http[:]//`, `https:// host`).
fn scheme_form(bytes: &[u8], i: usize, out: &mut Vec<RawEdit>) -> Option<usize> {
    let n = bytes.len();
    let mut j = i;
    while j < n && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'*') {
        j += 1;
        if j - i > 6 {
            return None;
        }
    }
    // `h__ps` has underscores inside the scheme; try that shape first.
    let (scheme_end, repl_scheme) = defanged_scheme(bytes, i).unwrap_or((j, None));
    let scheme = &bytes[i..scheme_end];
    let plain = plain_scheme(scheme);
    if repl_scheme.is_none() && !plain {
        return None;
    }
    let (sep_end, sep_form) = separator(bytes, scheme_end, repl_scheme.is_some())?;
    let mut edits = Vec::new();
    if let Some(repl) = repl_scheme {
        edits.push(RawEdit {
            orig: i..scheme_end,
            repl,
            form: DefangForm::Scheme,
        });
    }
    if let Some(form) = sep_form {
        edits.push(RawEdit {
            orig: scheme_end..sep_end,
            repl: "://",
            form,
        });
    }
    if edits.is_empty() {
        return None;
    }
    out.extend(edits);
    Some(sep_end)
}

fn plain_scheme(scheme: &[u8]) -> bool {
    const SCHEMES: [&[u8]; 8] = [
        b"http", b"https", b"ftp", b"ftps", b"sftp", b"tcp", b"udp", b"ftx",
    ];
    SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme))
}

/// Recognises `h??p`/`h??ps` with the middle letters obscured, and `fxp`.
fn defanged_scheme(bytes: &[u8], i: usize) -> Option<(usize, Option<&'static str>)> {
    let rest = &bytes[i..];
    let obscured = |b: u8| matches!(b, b'x' | b'X' | b'*' | b'_' | b'0' | b'.');
    if rest.len() >= 4
        && (rest[0] | 0x20) == b'h'
        && obscured(rest[1])
        && obscured(rest[2])
        && (rest[3] | 0x20) == b'p'
    {
        if rest.len() >= 5
            && (rest[4] | 0x20) == b's'
            && !rest.get(5).is_some_and(|b| b.is_ascii_alphanumeric())
        {
            return Some((i + 5, Some("https")));
        }
        if !rest.get(4).is_some_and(|b| b.is_ascii_alphanumeric()) {
            return Some((i + 4, Some("http")));
        }
    }
    if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"fxp") {
        if rest.len() >= 4 && (rest[3] | 0x20) == b's' {
            return Some((i + 4, Some("ftps")));
        }
        return Some((i + 3, Some("ftp")));
    }
    None
}

/// Parses the separator after a scheme. Returns its end and the defang form, `None` for a
/// plain `://` (which needs no edit unless the scheme itself was defanged).
fn separator(bytes: &[u8], i: usize, scheme_defanged: bool) -> Option<(usize, Option<DefangForm>)> {
    let rest = &bytes[i..];
    let host_follows = |k: usize| bytes.get(i + k).is_some_and(|b| is_label(*b) || *b == b'[');
    if rest.starts_with(b"://") {
        // `https:// 192.0.2.1`: spaces after the separator.
        let mut k = 3;
        while k < rest.len() && rest[k] == b' ' && k < 6 {
            k += 1;
        }
        if k > 3 && host_follows(k) {
            return Some((i + k, Some(DefangForm::Spaces)));
        }
        return scheme_defanged.then_some((i + 3, None));
    }
    for (form_bytes, form) in [
        (&b"[://]"[..], DefangForm::BracketColon),
        (b"[:]//", DefangForm::BracketColon),
        (b"(:)//", DefangForm::BracketColon),
        (b"{:}//", DefangForm::BracketColon),
        (b":__", DefangForm::Separator),
        (b"__", DefangForm::Separator),
        (b":\\\\", DefangForm::Separator),
    ] {
        if rest.starts_with(form_bytes) && host_follows(form_bytes.len()) {
            return Some((i + form_bytes.len(), Some(form)));
        }
    }
    None
}

/// The word `at` (any case, spaced or bracketed) between a local part and a host whose dot is
/// itself defanged: `user at example[.]com`, `user AT example DOT com`.
fn find_word_at(bytes: &[u8], out: &mut Vec<RawEdit>) {
    let n = bytes.len();
    if out
        .iter()
        .all(|edit| !matches!(edit.form, DefangForm::BracketDot | DefangForm::WordDot))
    {
        return;
    }
    let mut dot_starts: Vec<usize> = out
        .iter()
        .filter(|edit| matches!(edit.form, DefangForm::BracketDot | DefangForm::WordDot))
        .map(|edit| edit.orig.start)
        .collect();
    dot_starts.sort_unstable();
    let mut extra = Vec::new();
    let mut positions: Vec<usize> = [&b" at "[..], b" AT ", b" At "]
        .iter()
        .flat_map(|pattern| memchr::memmem::find_iter(bytes, pattern))
        .collect();
    positions.sort_unstable();
    for idx in positions {
        if idx == 0 || !is_label(bytes[idx - 1]) {
            continue;
        }
        let mut host_start = idx + 4;
        while host_start < n && is_space(bytes[host_start]) && host_start - idx < 8 {
            host_start += 1;
        }
        if host_start >= n || !is_label(bytes[host_start]) {
            continue;
        }
        let mut host_end = host_start;
        while host_end < n && is_label(bytes[host_end]) {
            host_end += 1;
        }
        // A defanged dot must start right after the first label of the host.
        let first = dot_starts.partition_point(|start| *start < host_end);
        if dot_starts.get(first) != Some(&host_end) {
            continue;
        }
        extra.push(RawEdit {
            orig: idx..host_start,
            repl: "@",
            form: DefangForm::WordAt,
        });
    }
    out.extend(extra);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, want: &str) {
        let normalized = Normalized::new(text);
        assert_eq!(normalized.text, want, "normalising {text:?}");
    }

    #[test]
    fn bracketed_dots() {
        check("example[.]com", "example.com");
        check("example(.)com", "example.com");
        check("example{.}com", "example.com");
        check("example [.] com", "example.com");
        check("example  [  .  ]   com", "example.com");
        check("10.10.10.]]]10", "10.10.10.10");
        check("10[[[[.]]]]10[[[.]]10[.10", "10.10.10.10");
        check("10(((.]]]]10([[.)10.)10", "10.10.10.10");
        check("example[dot]com", "example.com");
        check("example {  doT ])] com [dot tld", "example.com.tld");
    }

    #[test]
    fn plain_and_prose_text_is_left_alone() {
        check("example . com", "example . com");
        check("example .]com", "example .]com");
        check("see (above) and [1]", "see (above) and [1]");
        check(
            "we looked at example.com today",
            "we looked at example.com today",
        );
        check("a red dot on the map", "a red dot on the map");
    }

    #[test]
    fn escaped_dots() {
        check("10\\.10\\.10\\.10", "10.10.10.10");
        check("10.10.10\\\\\\\\.10", "10.10.10.10");
    }

    #[test]
    fn at_signs() {
        check("myuser[@]example.com", "myuser@example.com");
        check("myuser @ example.com", "myuser@example.com");
        check("myuser [ at ] example.com", "myuser@example.com");
        check("myuser at example[.]com", "myuser@example.com");
        check("myuser AT example DOT com", "myuser@example.com");
        check("myuser/AT/example/DOT/com", "myuser@example.com");
        check(
            "myuser { @ ) example {  . ])] com [.tld",
            "myuser@example.com.tld",
        );
    }

    #[test]
    fn schemes_and_separators() {
        check("hxxp://example[.]com/", "http://example.com/");
        check("hXXps://a.b", "https://a.b");
        check(
            "h__ps__subdomain.example[.]com/x",
            "https://subdomain.example.com/x",
        );
        check("http__example.com", "http://example.com");
        check("https:__example.com", "https://example.com");
        check("http:\\\\example.com", "http://example.com");
        check("hxxp[:]//example.com", "http://example.com");
        check(
            "hXXps:// 192.168.149[.]100/api",
            "https://192.168.149.100/api",
        );
        check("h00ps://test(.)com/", "https://test.com/");
    }

    #[test]
    fn offsets_map_back_to_the_text_as_written() {
        let text = "see hxxp://evil[.]example/x now";
        let normalized = Normalized::new(text);
        let norm = normalized.text.as_ref();
        let start = norm.find("http").unwrap();
        let end = norm.find(" now").unwrap();
        let (orig_start, orig_end) = (normalized.map_start(start), normalized.map_end(end));
        assert_eq!(&text[orig_start..orig_end], "hxxp://evil[.]example/x");
        let forms: Vec<_> = normalized
            .forms_in(&(start..end))
            .iter()
            .map(DefangForm::as_str)
            .collect();
        assert_eq!(forms, ["bracket-dot", "scheme"]);
    }
}
