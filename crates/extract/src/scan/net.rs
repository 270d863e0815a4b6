//! Network indicators: URLs, domain names (checked against the Public Suffix List), IPv4 and
//! IPv6 addresses and networks, e-mail and XMPP addresses.

use std::net::Ipv6Addr;
use std::ops::Range;

use super::{Candidate, Scanner, is_label_byte};
use crate::finding::{Benign, DefangForm, IocKind};

/// Top-level domains that are also common file extensions: a single label before one of them
/// (`setup.py`, `README.md`, `invoice.zip`) is more likely a file name than a host.
const FILE_EXT_TLDS: &[&str] = &[
    "zip", "mov", "py", "sh", "pl", "md", "rs", "ps", "so", "app", "cc", "tf", "sc", "ml", "pm",
    "ai", "cs", "js", "mp", "gz", "rar", "exe", "bat", "cmd", "cpp", "rb", "lua", "php", "asp",
    "jsp", "dll", "sys", "jar", "apk", "run", "bin", "img", "iso", "ink", "lnk", "msi", "hta",
    "doc", "xls", "ppt", "pdf", "txt", "log", "dat", "tmp", "cfg", "ini", "db", "sql", "bak",
];

/// Characters that end a URL wherever they appear.
fn ends_url(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'\r'
            | b'\n'
            | b'"'
            | b'<'
            | b'>'
            | b'`'
            | b'{'
            | b'}'
            | b'|'
            | b'\\'
            | b'^'
    ) || b < 0x20
        || b == 0x7f
}

/// Schemes recognised at the end of a longer word.
const KNOWN_SCHEMES: [&str; 7] = ["https", "hxxps", "http", "hxxp", "sftp", "ftps", "ftp"];

/// Finds explicit URLs (`scheme://...`) in a token.
pub(super) fn urls(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    let mut covered = start;
    for rel in memchr::memchr_iter(b':', &bytes[start..end]) {
        let sep = start + rel;
        if sep < covered || bytes.get(sep + 1..sep + 3) != Some(b"//") {
            continue;
        }
        let mut scheme_start = sep;
        while scheme_start > start
            && (bytes[scheme_start - 1].is_ascii_alphanumeric()
                || matches!(bytes[scheme_start - 1], b'+' | b'-' | b'.'))
        {
            scheme_start -= 1;
        }
        while scheme_start < sep && !bytes[scheme_start].is_ascii_alphabetic() {
            scheme_start += 1;
        }
        // A scheme glued to the word before it (`ransomwarehxxp://`, from text extraction):
        // keep the known scheme at its end.
        let scheme_text = sc.text[scheme_start..sep].to_ascii_lowercase();
        if !KNOWN_SCHEMES.contains(&scheme_text.as_str())
            && let Some(known) = KNOWN_SCHEMES
                .iter()
                .find(|known| scheme_text.len() > known.len() && scheme_text.ends_with(*known))
        {
            scheme_start = sep - known.len();
        }
        let scheme_len = sep - scheme_start;
        if !(2..=16).contains(&scheme_len) {
            continue;
        }
        let quote = (scheme_start > 0)
            .then(|| bytes[scheme_start - 1])
            .filter(|b| matches!(b, b'\'' | b'"'));
        let Some(parsed) = url_after_scheme(sc, sep + 3, quote) else {
            continue;
        };
        let mut value = String::with_capacity(parsed.end - scheme_start);
        let scheme = sc.text[scheme_start..sep].to_ascii_lowercase();
        value.push_str(match scheme.as_str() {
            "hxxp" | "h**p" | "h__p" | "h00p" => "http",
            "hxxps" | "h**ps" | "h__ps" | "h00ps" => "https",
            other => other,
        });
        value.push_str("://");
        value.push_str(&sc.text[sep + 3..parsed.host.start]);
        value.push_str(&sc.text[parsed.host.clone()].to_ascii_lowercase());
        append_rest(
            &mut value,
            sc.text,
            parsed.host.end,
            parsed.end,
            parsed.gap.as_ref(),
        );
        let mut candidate = Candidate::new(IocKind::Url, value, scheme_start..parsed.end);
        candidate.host = Some(parsed.host);
        if parsed.gap.is_some() {
            candidate.forms.insert(DefangForm::Spaces);
        }
        sc.push(candidate);
        covered = parsed.end;
    }
}

/// Appends `text[from..to]` to `value`, leaving out the gap of spaces, if any.
fn append_rest(value: &mut String, text: &str, from: usize, to: usize, gap: Option<&Range<usize>>) {
    match gap {
        Some(gap) if gap.start >= from && gap.end <= to => {
            value.push_str(&text[from..gap.start]);
            value.push_str(&text[gap.end..to]);
        }
        _ => value.push_str(&text[from..to]),
    }
}

struct ParsedUrl {
    host: Range<usize>,
    end: usize,
    /// Spaces between the host and the path (`http://example.com /path`), left out of the value.
    gap: Option<Range<usize>>,
}

/// Parses `[userinfo@]host[:port][/path][?query][#fragment]` from `pos`.
fn url_after_scheme(sc: &Scanner<'_>, pos: usize, quote: Option<u8>) -> Option<ParsedUrl> {
    let bytes = sc.bytes;
    let n = bytes.len();
    let stop = |b: u8| ends_url(b) || Some(b) == quote;
    // User information ends at an `@` before any `/`, `?` or `#`.
    let mut host_start = pos;
    let mut j = pos;
    while j < n && !stop(bytes[j]) && !matches!(bytes[j], b'/' | b'?' | b'#') {
        if bytes[j] == b'@' {
            host_start = j + 1;
        }
        j += 1;
    }
    let host_end = host_end(bytes, host_start)?;
    let mut i = host_end;
    if i < n && bytes[i] == b':' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while i < n && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    let mut gap = None;
    if i < n
        && bytes[i] == b' '
        && bytes.get(i + 1) == Some(&b'/')
        && bytes.get(i + 2).is_some_and(|b| b.is_ascii_alphanumeric())
    {
        gap = Some(i..i + 1);
        i += 1;
    }
    let end = if i < n && matches!(bytes[i], b'/' | b'?' | b'#') {
        path_end(bytes, i, quote)
    } else {
        if gap.is_some() {
            gap = None;
        }
        i
    };
    let end = trim_url_end(bytes, host_end, end);
    Some(ParsedUrl {
        host: host_start..host_end,
        end,
        gap,
    })
}

/// Returns the end of a URL host starting at `start`: an IPv6 literal, a bare IPv6 address or a
/// name. `None` when there is no host.
fn host_end(bytes: &[u8], start: usize) -> Option<usize> {
    let n = bytes.len();
    if bytes.get(start) == Some(&b'[') {
        let close = memchr::memchr(b']', &bytes[start..n.min(start + 64)])?;
        let inner = std::str::from_utf8(&bytes[start + 1..start + close]).ok()?;
        inner.parse::<Ipv6Addr>().ok()?;
        return Some(start + close + 1);
    }
    // A bare IPv6 address (`http://fdc4:2581::1`): hex digits and colons that parse.
    let mut k = start;
    while k < n && (bytes[k].is_ascii_hexdigit() || bytes[k] == b':') {
        k += 1;
    }
    if k - start > 2
        && bytes[start..k].iter().filter(|b| **b == b':').count() >= 2
        && std::str::from_utf8(&bytes[start..k])
            .ok()
            .is_some_and(|text| text.parse::<Ipv6Addr>().is_ok())
    {
        return Some(k);
    }
    let mut k = start;
    while k < n && (is_label_byte(bytes[k]) || bytes[k] == b'.') {
        k += 1;
    }
    while k > start && matches!(bytes[k - 1], b'.' | b'-') {
        k -= 1;
    }
    if k == start || !bytes[start..k].iter().any(u8::is_ascii_alphanumeric) {
        return None;
    }
    // An all-numeric host must be an IPv4 address (`http://192,168,0,1` is not a URL).
    if bytes[start..k]
        .iter()
        .all(|b| b.is_ascii_digit() || *b == b'.')
        && parse_ipv4(&bytes[start..k]).is_none()
    {
        return None;
    }
    Some(k)
}

/// Returns the end of a path, query and fragment starting at `start` (a `/`, `?` or `#`).
fn path_end(bytes: &[u8], start: usize, quote: Option<u8>) -> usize {
    let n = bytes.len();
    let mut parens = 0i32;
    let mut brackets = 0i32;
    let mut in_query = false;
    let mut i = start;
    while i < n {
        let b = bytes[i];
        if ends_url(b) || Some(b) == quote {
            break;
        }
        if b >= 0x80 {
            // Non-ASCII: stop at Unicode white space and typographic quotes.
            if super::unicode_space_len(bytes, i) > 0
                || (b == 0xE2
                    && bytes.get(i + 1) == Some(&0x80)
                    && bytes.get(i + 2).is_some_and(|c| matches!(c, 0x98..=0x9F)))
            {
                break;
            }
        }
        match b {
            b'(' => parens += 1,
            b')' => {
                if parens == 0 {
                    break;
                }
                parens -= 1;
            }
            b'[' => brackets += 1,
            b']' => {
                if brackets == 0 {
                    break;
                }
                brackets -= 1;
            }
            b'?' | b'#' => in_query = true,
            b',' if !in_query => break,
            _ => {}
        }
        i += 1;
    }
    i
}

/// Drops trailing punctuation that belongs to the sentence, not to the URL.
fn trim_url_end(bytes: &[u8], floor: usize, mut end: usize) -> usize {
    while end > floor
        && matches!(
            bytes[end - 1],
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' | b'*' | b'[' | b'('
        )
    {
        end -= 1;
    }
    end
}

/// The result of checking a dotted name.
pub(crate) enum Name {
    Domain {
        value: String,
        benign: Option<Benign>,
    },
    Invalid,
}

/// Checks a dotted name (already refanged) as a domain: label syntax and a public suffix from
/// the Public Suffix List with at least one label before it. A name written defanged may end
/// in an unknown top-level domain (`example[.]tld`): the writer meant it as a host.
pub(crate) fn check_domain(name: &[u8], defanged: bool) -> Name {
    if name.len() > 253 || name.len() < 3 {
        return Name::Invalid;
    }
    let mut n_labels = 0;
    for label in name.split(|b| *b == b'.') {
        n_labels += 1;
        if label.is_empty()
            || label.len() > 63
            || label[0] == b'-'
            || label[label.len() - 1] == b'-'
        {
            return Name::Invalid;
        }
    }
    if n_labels < 2 {
        return Name::Invalid;
    }
    let tld = name.rsplit(|b| *b == b'.').next().unwrap_or_default();
    let punycode = tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--");
    if tld.len() < 2 || !(punycode || tld.iter().all(u8::is_ascii_alphabetic)) {
        return Name::Invalid;
    }
    let lower = name.to_ascii_lowercase();
    let known = if lower.ends_with(b".onion") {
        true
    } else {
        match psl::suffix(&lower) {
            Some(suffix) if suffix.is_known() => suffix.as_bytes().len() < lower.len(),
            _ => false,
        }
    };
    // An unknown top-level domain is accepted only when the name was written defanged, and
    // only a short one (`example[.]tld`): text glued by PDF extraction gives
    // `evil[.]infoJanuary`, which is not a name.
    if !known && (!defanged || tld.len() > 6) {
        return Name::Invalid;
    }
    let value = String::from_utf8(lower).expect("ASCII labels");
    let tld_text = &value[value.len() - tld.len()..];
    let benign =
        (n_labels == 2 && FILE_EXT_TLDS.contains(&tld_text)).then_some(Benign::LikelyFileName);
    Name::Domain { value, benign }
}

/// Finds dotted names in a token: domains, IPv4 addresses and networks, and URLs without a
/// scheme (`example.com/path`, `192.0.2.1:8080/x`).
pub(super) fn dotted(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    let mut i = start;
    while i < end {
        while i < end && !(is_label_byte(bytes[i]) || bytes[i] == b'.') {
            i += 1;
        }
        let run_start = i;
        while i < end && (is_label_byte(bytes[i]) || bytes[i] == b'.') {
            i += 1;
        }
        if i > run_start && bytes[run_start..i].contains(&b'.') {
            run(sc, run_start, i);
        }
    }
}

/// Handles one maximal run of label bytes and dots.
fn run(sc: &mut Scanner<'_>, raw_start: usize, raw_end: usize) {
    let bytes = sc.bytes;
    let mut start = raw_start;
    // `%2Fexample.com`: a percent escape before the run is not part of the name.
    if start >= 1
        && bytes[start - 1] == b'%'
        && raw_end - start > 2
        && bytes[start].is_ascii_hexdigit()
        && bytes[start + 1].is_ascii_hexdigit()
    {
        start += 2;
    }
    let leading_dots = bytes[start..raw_end]
        .iter()
        .take_while(|b| **b == b'.')
        .count();
    while start < raw_end && matches!(bytes[start], b'.' | b'-') {
        start += 1;
    }
    let mut end = raw_end;
    while end > start && matches!(bytes[end - 1], b'.' | b'-' | b'_') {
        end -= 1;
    }
    if end <= start {
        return;
    }
    // `a..b` is two runs.
    if let Some(rel) = memchr::memmem::find(&bytes[start..end], b"..") {
        run(sc, start, start + rel);
        run(sc, start + rel + 2, raw_end);
        return;
    }
    let name = &bytes[start..end];
    if !name.contains(&b'.') {
        return;
    }
    let after_host = raw_end.min(end + 1).max(end);
    if name.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
        // A single leading dot (".1.2.3.4") means a longer dotted number; two ("..1.2.3.4") do not.
        if leading_dots != 1 {
            ipv4(sc, start, end, raw_end);
        }
        return;
    }
    let _ = after_host;
    if glued_ipv4(sc, start, end) {
        return;
    }
    let defanged = sc.is_defanged(&(start..end));
    let Name::Domain { value, mut benign } = check_domain(name, defanged) else {
        return;
    };
    if start > 0 && bytes[start - 1] == b'\\' {
        benign = Some(Benign::LikelyFileName);
    }
    let mut candidate = Candidate::new(IocKind::Domain, value.clone(), start..end);
    candidate.benign = benign;
    sc.push(candidate);
    schemeless_url(sc, start, end, &value);
}

/// `words1.2.3.4words`: an IPv4 address glued to letters on either side (text extracted from
/// PDFs and HTML often loses the spaces around addresses). Returns whether one was found.
fn glued_ipv4(sc: &mut Scanner<'_>, start: usize, end: usize) -> bool {
    let bytes = sc.bytes;
    let labels: Vec<&[u8]> = bytes[start..end].split(|b| *b == b'.').collect();
    if labels.len() != 4
        || !labels[1..3]
            .iter()
            .all(|label| label.iter().all(u8::is_ascii_digit))
    {
        return false;
    }
    let first = labels[0];
    let last = labels[3];
    let lead = first
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let trail = last.iter().take_while(|b| b.is_ascii_digit()).count();
    let letters_only = |part: &[u8]| part.iter().all(u8::is_ascii_alphabetic);
    if lead == 0
        || trail == 0
        || !letters_only(&first[..first.len() - lead])
        || !letters_only(&last[trail..])
    {
        return false;
    }
    if lead == first.len() && trail == last.len() {
        return false;
    }
    let ip_start = start + first.len() - lead;
    let ip_end = end - (last.len() - trail);
    let Some(value) = parse_ipv4(&bytes[ip_start..ip_end]) else {
        return false;
    };
    let mut candidate = Candidate::new(IocKind::Ipv4, value, ip_start..ip_end);
    if looks_like_version(bytes, ip_start) {
        candidate.benign = Some(Benign::LikelyVersion);
    }
    sc.push(candidate);
    true
}

/// Checks an all-numeric dotted run as an IPv4 address, then looks for a prefix length, a port
/// or a path after it.
fn ipv4(sc: &mut Scanner<'_>, start: usize, end: usize, raw_end: usize) {
    let bytes = sc.bytes;
    // A trailing dot is sentence punctuation only when nothing alphanumeric follows it.
    if raw_end > end && bytes.get(raw_end).is_some_and(u8::is_ascii_alphanumeric) {
        return;
    }
    let Some(value) = parse_ipv4(&bytes[start..end]) else {
        return;
    };
    let mut candidate = Candidate::new(IocKind::Ipv4, value.clone(), start..end);
    if looks_like_version(bytes, start) {
        candidate.benign = Some(Benign::LikelyVersion);
    }
    sc.push(candidate);
    // `/24`: a network.
    if bytes.get(end) == Some(&b'/') {
        let mut k = end + 1;
        while k < bytes.len() && bytes[k].is_ascii_digit() && k - end <= 3 {
            k += 1;
        }
        let digits = &bytes[end + 1..k];
        let next = bytes.get(k).copied().unwrap_or(b' ');
        if (1..=2).contains(&digits.len()) && !next.is_ascii_alphanumeric() && next != b'/' {
            let prefix: u32 = std::str::from_utf8(digits)
                .ok()
                .and_then(|d| d.parse().ok())
                .unwrap_or(99);
            if prefix <= 32 {
                sc.push(Candidate::new(
                    IocKind::Ipv4Cidr,
                    format!("{value}/{prefix}"),
                    start..k,
                ));
                return;
            }
        }
    }
    schemeless_url(sc, start, end, &value);
}

/// Parses four dotted decimal octets of one to three digits each (leading zeros are dropped:
/// `018.12.15.14` is `18.12.15.14`).
pub(crate) fn parse_ipv4(text: &[u8]) -> Option<String> {
    let mut octets = [0u16; 4];
    let mut count = 0;
    for part in text.split(|b| *b == b'.') {
        if count == 4 || part.is_empty() || part.len() > 3 {
            return None;
        }
        let mut value = 0u16;
        for digit in part {
            if !digit.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u16::from(digit - b'0');
        }
        if value > 255 {
            return None;
        }
        octets[count] = value;
        count += 1;
    }
    (count == 4).then(|| format!("{}.{}.{}.{}", octets[0], octets[1], octets[2], octets[3]))
}

/// Whether the number at `start` is introduced as a version (`v1.2.3.4`, `version 1.2.3.4`).
fn looks_like_version(bytes: &[u8], start: usize) -> bool {
    let before = &bytes[start.saturating_sub(9)..start];
    let lower = before.to_ascii_lowercase();
    lower.ends_with(b"v")
        || lower.ends_with(b"version ")
        || lower.ends_with(b"ver. ")
        || lower.ends_with(b"version: ")
}

/// A host followed by an optional port and a path is a URL without a scheme.
fn schemeless_url(sc: &mut Scanner<'_>, start: usize, end: usize, host_value: &str) {
    let bytes = sc.bytes;
    // Hosts of explicit URLs, e-mail domains and path components are handled elsewhere.
    if start >= 1 && matches!(bytes[start - 1], b'/' | b'@' | b'\\' | b':' | b'.' | b'=') {
        return;
    }
    let mut i = end;
    if bytes.get(i) == Some(&b':') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    if bytes.get(i) != Some(&b'/') {
        return;
    }
    let quote = (start > 0)
        .then(|| bytes[start - 1])
        .filter(|b| matches!(b, b'\'' | b'"'));
    let path_end = trim_url_end(bytes, i + 1, path_end(bytes, i, quote));
    let mut value = String::with_capacity(path_end - start);
    value.push_str(host_value);
    value.push_str(&sc.text[end..path_end]);
    let mut candidate = Candidate::new(IocKind::Url, value, start..path_end);
    candidate.host = Some(start..end);
    sc.push(candidate);
}

/// Finds e-mail and XMPP addresses in a token: `local@domain`, `local@[192.0.2.1]`.
pub(super) fn emails(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    for rel in memchr::memchr_iter(b'@', &bytes[start..end]) {
        let at = start + rel;
        // `user:password@host` in a URL is not an e-mail address.
        let authority_start = bytes[start..at]
            .iter()
            .rposition(|b| matches!(b, b'/' | b' '))
            .map_or(start, |idx| start + idx + 1);
        if authority_start >= start + 3 && bytes[authority_start - 3..authority_start] == *b"://" {
            continue;
        }
        // An RFC 5322 comment before the `@` (`john.smith(comment)@example.com`) is dropped.
        let mut local_end = at;
        if at > start
            && bytes[at - 1] == b')'
            && let Some(open) = bytes[start..at].iter().rposition(|b| *b == b'(')
        {
            let open = start + open;
            if open > start
                && at - open <= 64
                && bytes[open + 1..at - 1]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b' ')
            {
                local_end = open;
            }
        }
        let mut local_start = local_end;
        while local_start > start && is_local_byte(bytes[local_start - 1]) {
            local_start -= 1;
        }
        while local_start < at && matches!(bytes[local_start], b'.' | b'-') {
            local_start += 1;
        }
        if local_start == local_end || local_end - local_start > 64 {
            continue;
        }
        let local = &sc.text[local_start..local_end];
        if bytes.get(at + 1) == Some(&b'[') {
            let Some(close) = memchr::memchr(b']', &bytes[at + 1..end]) else {
                continue;
            };
            let inner = &sc.text[at + 2..at + 1 + close];
            let ok = parse_ipv4(inner.as_bytes()).is_some()
                || inner
                    .get(..5)
                    .is_some_and(|prefix| prefix.eq_ignore_ascii_case("ipv6:"))
                    && inner[5..].parse::<Ipv6Addr>().is_ok();
            if ok {
                let host = at + 2..at + 1 + close;
                let value = format!("{local}@[{inner}]");
                let mut candidate =
                    Candidate::new(IocKind::Email, value, local_start..at + 2 + close);
                candidate.host = Some(host);
                sc.push(candidate);
            }
            continue;
        }
        let domain_start = at + 1;
        let mut domain_end = domain_start;
        while domain_end < end && (is_label_byte(bytes[domain_end]) || bytes[domain_end] == b'.') {
            domain_end += 1;
        }
        while domain_end > domain_start && matches!(bytes[domain_end - 1], b'.' | b'-') {
            domain_end -= 1;
        }
        if domain_end == domain_start {
            continue;
        }
        let defanged = sc.is_defanged(&(local_start..domain_end));
        let Name::Domain { value: domain, .. } =
            check_domain(&bytes[domain_start..domain_end], defanged)
        else {
            continue;
        };
        let kind = if domain
            .split('.')
            .any(|label| label.contains("jabber") || label.contains("xmpp"))
        {
            IocKind::Xmpp
        } else {
            IocKind::Email
        };
        let value = format!("{local}@{domain}");
        let mut candidate = Candidate::new(kind, value, local_start..domain_end);
        candidate.host = Some(domain_start..domain_end);
        sc.push(candidate);
    }
}

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Finds IPv6 addresses and networks in a token.
pub(super) fn ipv6(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    // An address needs a colon with a hex digit or another colon next to it.
    let plausible = memchr::memchr_iter(b':', &bytes[start..end]).any(|rel| {
        let at = start + rel;
        let before = at > start && (bytes[at - 1].is_ascii_hexdigit() || bytes[at - 1] == b':');
        let after = at + 1 < end && (bytes[at + 1].is_ascii_hexdigit() || bytes[at + 1] == b':');
        before && after
    });
    if !plausible {
        return;
    }
    let mut i = start;
    while i < end {
        while i < end && !(bytes[i].is_ascii_hexdigit() || bytes[i] == b':') {
            i += 1;
        }
        let mut run_start = i;
        while i < end && (bytes[i].is_ascii_hexdigit() || bytes[i] == b':' || bytes[i] == b'.') {
            i += 1;
        }
        let mut run_end = i;
        // `IPv6:2001:db8::1` in e-mail address literals.
        if run_start >= 3
            && bytes[run_start..run_end].starts_with(b"6:")
            && bytes[run_start - 3..run_start].eq_ignore_ascii_case(b"ipv")
        {
            run_start += 2;
        } else if run_start > start
            && (bytes[run_start - 1].is_ascii_alphanumeric() || bytes[run_start - 1] == b'_')
        {
            continue;
        }
        if run_end < end && (bytes[run_end].is_ascii_alphanumeric() || bytes[run_end] == b'_') {
            continue;
        }
        while run_end > run_start && bytes[run_end - 1] == b'.' {
            run_end -= 1;
        }
        if run_end - run_start >= 2 && bytes[run_end - 1] == b':' && bytes[run_end - 2] != b':' {
            run_end -= 1;
        }
        let text = &sc.text[run_start..run_end];
        if text.bytes().filter(|b| *b == b':').count() < 2
            || !text.bytes().any(|b| b.is_ascii_hexdigit())
        {
            continue;
        }
        if text.parse::<Ipv6Addr>().is_err() {
            continue;
        }
        let value = text.to_ascii_lowercase();
        sc.push(Candidate::new(
            IocKind::Ipv6,
            value.clone(),
            run_start..run_end,
        ));
        if bytes.get(run_end) == Some(&b'/') {
            let mut k = run_end + 1;
            while k < end && bytes[k].is_ascii_digit() && k - run_end <= 4 {
                k += 1;
            }
            let prefix: Option<u32> = sc.text[run_end + 1..k].parse().ok();
            if let Some(prefix) = prefix.filter(|p| *p <= 128)
                && !bytes.get(k).is_some_and(u8::is_ascii_alphanumeric)
            {
                sc.push(Candidate::new(
                    IocKind::Ipv6Cidr,
                    format!("{value}/{prefix}"),
                    run_start..k,
                ));
            }
        }
    }
}
