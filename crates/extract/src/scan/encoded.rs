//! URLs hidden in encodings: Base64 (`aHR0cDovL...`), hex (`687474703a2f2f...`) and percent
//! encoding (`http%3A%2F%2F...`). Each is found from a fixed anchor with `memmem`, so text
//! without encoded URLs costs a few SIMD passes.

use std::ops::Range;

use super::Candidate;
use crate::finding::{DefangForm, IocKind};

/// Base64 of `http` at the three possible alignments.
const BASE64_ANCHORS: [&[u8]; 3] = [b"aHR0c", b"odHRw", b"h0dHA"];

/// Looks for encoded URLs in the text as written.
pub(super) fn scan(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let mut seen: Vec<Range<usize>> = Vec::new();
    for anchor in BASE64_ANCHORS {
        for pos in memchr::memmem::find_iter(bytes, anchor) {
            if seen.iter().any(|range| range.contains(&pos)) {
                continue;
            }
            if let Some((span, url)) = base64_url(bytes, pos) {
                seen.push(span.clone());
                push(out, IocKind::Url, url, span, DefangForm::Base64);
            }
        }
    }
    for pos in memchr::memmem::find_iter(bytes, b"68747470") {
        if seen.iter().any(|range| range.contains(&pos)) {
            continue;
        }
        if let Some((span, url)) = hex_url(bytes, pos) {
            seen.push(span.clone());
            push(out, IocKind::Url, url, span, DefangForm::Hex);
        }
    }
    for anchor in [&b"%3A%2F%2F"[..], b"%3a%2f%2f"] {
        for pos in memchr::memmem::find_iter(bytes, anchor) {
            if let Some((span, url)) = percent_url(bytes, pos) {
                push(out, IocKind::Url, url, span, DefangForm::Percent);
            }
        }
    }
}

fn push(
    out: &mut Vec<Candidate>,
    kind: IocKind,
    value: String,
    span: Range<usize>,
    form: DefangForm,
) {
    let mut candidate = Candidate::new(kind, value, span);
    candidate.original_span = true;
    candidate.forms.insert(form);
    out.push(candidate);
}

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
}

/// Extends a Base64 blob around `anchor` (white space inside the blob is allowed, as in
/// wrapped e-mail bodies), decodes it and reads the URL in it.
fn base64_url(bytes: &[u8], anchor: usize) -> Option<(Range<usize>, String)> {
    let n = bytes.len();
    let mut start = anchor;
    while start > 0 && is_b64(bytes[start - 1]) && anchor - start < 4096 {
        start -= 1;
    }
    let mut end = anchor;
    let mut clean = Vec::with_capacity(256);
    clean.extend(bytes[start..anchor].iter().copied());
    while end < n && end - start < 16 * 1024 {
        let b = bytes[end];
        if is_b64(b) {
            clean.push(b);
            end += 1;
        } else if b.is_ascii_whitespace() {
            // Skip white space only when the blob goes on after it.
            let mut k = end;
            while k < n && bytes[k].is_ascii_whitespace() && k - end < 64 {
                k += 1;
            }
            // The next chunk must look like Base64 too: four characters or more with a digit or
            // a capital (prose words do not), and not a hex blob (a separate encoding).
            let mut chunk_end = k;
            while chunk_end < n && is_b64(bytes[chunk_end]) {
                chunk_end += 1;
            }
            let chunk = &bytes[k..chunk_end];
            let looks_b64 = chunk.len() >= 4
                && chunk
                    .iter()
                    .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                && !(chunk.len() >= 16 && chunk.iter().all(u8::is_ascii_hexdigit));
            if looks_b64 && !clean.ends_with(b"=") {
                end = k;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    let padded = clean.last() == Some(&b'=');
    while clean.last() == Some(&b'=') {
        clean.pop();
    }
    // The blob may start mid-group when glued to other text: try the four alignments.
    for skip in 0..4 {
        let Some(body) = clean.get(skip..) else { break };
        let decoded = decode_base64_lenient(body, padded && skip == 0)?;
        if let Some(url) = url_in(&decoded) {
            return Some((start..end, url));
        }
    }
    None
}

/// Decodes Base64 (standard or URL-safe alphabet) without padding, dropping a final partial
/// group, as damaged blobs in reports often have one.
fn decode_base64_lenient(body: &[u8], padded: bool) -> Option<Vec<u8>> {
    let mut body: Vec<u8> = body
        .iter()
        .map(|b| match b {
            b'-' => b'+',
            b'_' => b'/',
            other => *other,
        })
        .filter(|b| *b != b'=')
        .collect();
    // Without padding, a final partial group is dropped: it is usually stray text glued to the
    // blob. With padding it is the end of the data.
    if padded && body.len() % 4 != 1 {
        return data_encoding::BASE64_NOPAD.decode(&body).ok();
    }
    body.truncate(body.len() - body.len() % 4);
    data_encoding::BASE64_NOPAD.decode(&body).ok()
}

/// Decodes a hex run starting at `pos` (which must start `http`).
fn hex_url(bytes: &[u8], pos: usize) -> Option<(Range<usize>, String)> {
    let mut start = pos;
    while start >= 2 && bytes[start - 1].is_ascii_hexdigit() && bytes[start - 2].is_ascii_hexdigit()
    {
        start -= 2;
    }
    let mut end = pos;
    while end < bytes.len() && bytes[end].is_ascii_hexdigit() && end - pos < 16 * 1024 {
        end += 1;
    }
    if (end - start) % 2 == 1 {
        end -= 1;
    }
    let decoded = data_encoding::HEXLOWER_PERMISSIVE
        .decode(&bytes[start..end])
        .ok()?;
    let url = url_in(&decoded)?;
    Some((start..end, url))
}

/// Decodes a percent-encoded URL around the `%3A%2F%2F` at `pos`.
fn percent_url(bytes: &[u8], pos: usize) -> Option<(Range<usize>, String)> {
    let is_url =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'%' | b'.' | b'_' | b'~' | b'-' | b'+');
    let mut start = pos;
    while start > 0 && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    if pos - start < 2 {
        return None;
    }
    let mut end = pos;
    while end < bytes.len() && is_url(bytes[end]) {
        end += 1;
    }
    let mut decoded = Vec::with_capacity(end - start);
    let mut i = start;
    while i < end {
        if bytes[i] == b'%' && i + 2 < end + 1 && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                decoded.push(value);
                i += 3;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    let url = url_in(&decoded)?;
    Some((start..end, url))
}

/// Finds `http://`, `https://` or `ftp://` in decoded bytes and returns the URL that follows:
/// printable, non-space ASCII, with sentence punctuation trimmed.
fn url_in(decoded: &[u8]) -> Option<String> {
    let lower = decoded.to_ascii_lowercase();
    let start = ["http://", "https://", "ftp://"]
        .iter()
        .filter_map(|scheme| memchr::memmem::find(&lower, scheme.as_bytes()))
        .min()?;
    let mut end = start;
    while end < decoded.len()
        && decoded[end].is_ascii_graphic()
        && !matches!(decoded[end], b'"' | b'<' | b'>' | b'\'')
    {
        end += 1;
    }
    while end > start
        && matches!(
            decoded[end - 1],
            b'.' | b',' | b';' | b':' | b')' | b'!' | b'?'
        )
    {
        end -= 1;
    }
    let url = std::str::from_utf8(&decoded[start..end]).ok()?;
    let scheme_end = url.find("://")? + 3;
    // A host must follow the scheme.
    if !url[scheme_end..]
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'[')
    {
        return None;
    }
    Some(format!(
        "{}{}",
        url[..scheme_end].to_ascii_lowercase(),
        &url[scheme_end..]
    ))
}
