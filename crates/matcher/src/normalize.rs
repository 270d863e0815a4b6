//! Normalisation of the values the matcher compares: domain names, IP addresses, URLs, file
//! hashes and e-mail addresses.
//!
//! The same functions normalise an indicator's keys when the index is built and a log's values
//! when they are looked up, so the two sides can only disagree on purpose. The rules:
//!
//! - **Domain names** are compared in lower case, without trailing dots, with internationalised
//!   labels in their A-label (`xn--`) form (UTS 46 processing, as browsers and resolvers do).
//! - **IP addresses** are compared as numbers; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`)
//!   is the IPv4 address it carries, and a zone (`%eth0`) or brackets are ignored.
//! - **URLs** follow the syntax- and scheme-based normalisation of RFC 3986 section 6.2.2 and
//!   6.2.3: scheme and host in lower case (the host as a domain name above), the scheme's
//!   default port removed, an empty path written `/`, dot segments removed, percent-encoded
//!   unreserved characters decoded, other escapes in upper-case hex, and characters that must
//!   be escaped (spaces, non-ASCII) escaped. The fragment is dropped: it never leaves the client,
//!   so no log holds one. A URL written without a scheme (`example.com/path`) is read as
//!   `http://`.
//! - **Hashes** are lower-case hex of the length their algorithm gives.
//! - **E-mail addresses** lose surrounding angle brackets and a display name, and are compared
//!   in lower case, the domain part as a domain name above. RFC 5321 lets the local part be
//!   case-sensitive, but mail systems in practice never treat it so, and an indicator that
//!   missed `Bob@` for `bob@` would be worse than useless.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The longest domain name DNS allows, in octets of its text form (RFC 1035 section 2.3.4).
pub const MAX_DOMAIN_LEN: usize = 253;

/// A hash algorithm whose values the matcher compares, named as the STIX
/// `hashing-algorithm-ov` vocabulary names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgo {
    /// `MD5`: 32 hex digits.
    Md5,
    /// `SHA-1`: 40 hex digits.
    Sha1,
    /// `SHA-256`: 64 hex digits.
    Sha256,
    /// `SHA-512`: 128 hex digits.
    Sha512,
    /// `SHA3-256`: 64 hex digits.
    Sha3_256,
    /// `SHA3-512`: 128 hex digits.
    Sha3_512,
}

impl HashAlgo {
    /// Every algorithm, in vocabulary order.
    pub const ALL: [Self; 6] = [
        Self::Md5,
        Self::Sha1,
        Self::Sha256,
        Self::Sha512,
        Self::Sha3_256,
        Self::Sha3_512,
    ];

    /// Reads an algorithm name as STIX writes it (`SHA-256`), case-insensitively and with or
    /// without the dash (`sha256`), as logs write it.
    pub fn parse(name: &str) -> Option<Self> {
        let mut compact = [0u8; 8];
        let mut len = 0;
        for byte in name.bytes() {
            if byte == b'-' || byte == b'_' {
                continue;
            }
            if len == compact.len() {
                return None;
            }
            compact[len] = byte.to_ascii_lowercase();
            len += 1;
        }
        match &compact[..len] {
            b"md5" => Some(Self::Md5),
            b"sha1" => Some(Self::Sha1),
            b"sha256" => Some(Self::Sha256),
            b"sha512" => Some(Self::Sha512),
            b"sha3256" => Some(Self::Sha3_256),
            b"sha3512" => Some(Self::Sha3_512),
            _ => None,
        }
    }

    /// Returns the vocabulary name (`SHA-256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
            Self::Sha512 => "SHA-512",
            Self::Sha3_256 => "SHA3-256",
            Self::Sha3_512 => "SHA3-512",
        }
    }

    /// Returns the number of hex digits of a value.
    pub fn hex_len(self) -> usize {
        match self {
            Self::Md5 => 32,
            Self::Sha1 => 40,
            Self::Sha256 | Self::Sha3_256 => 64,
            Self::Sha512 | Self::Sha3_512 => 128,
        }
    }

    /// Returns the algorithms whose values have `hex_len` hex digits.
    pub fn by_hex_len(hex_len: usize) -> &'static [Self] {
        match hex_len {
            32 => &[Self::Md5],
            40 => &[Self::Sha1],
            64 => &[Self::Sha256, Self::Sha3_256],
            128 => &[Self::Sha512, Self::Sha3_512],
            _ => &[],
        }
    }

    pub(crate) fn tag(self) -> u8 {
        match self {
            Self::Md5 => 0,
            Self::Sha1 => 1,
            Self::Sha256 => 2,
            Self::Sha512 => 3,
            Self::Sha3_256 => 4,
            Self::Sha3_512 => 5,
        }
    }

    pub(crate) fn from_tag(tag: u8) -> Option<Self> {
        Self::ALL.get(usize::from(tag)).copied()
    }
}

impl std::fmt::Display for HashAlgo {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Normalises a domain name into `out` (cleared first) and returns whether it is usable.
///
/// ASCII input is lower-cased without allocating; other input goes through UTS 46 to its
/// A-label form. Empty names, names longer than [`MAX_DOMAIN_LEN`] once normalised and names
/// with empty labels (`a..b`) are refused.
pub fn domain_into(raw: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    let raw = trim_trailing_dots(trim_ascii(raw));
    if raw.is_empty() || raw.len() > MAX_DOMAIN_LEN * 4 {
        return false;
    }
    // ASCII names (nearly all, since DNS carries A-labels) are lower-cased and checked in one
    // pass; the first non-ASCII byte sends the name through UTS 46.
    let mut previous = b'.';
    for &byte in raw {
        if !byte.is_ascii() {
            return domain_unicode(raw, out);
        }
        let lower = byte.to_ascii_lowercase();
        let allowed = lower.is_ascii_alphanumeric() || matches!(lower, b'-' | b'_' | b'.' | b'*');
        if !allowed || (lower == b'.' && previous == b'.') {
            out.clear();
            return false;
        }
        out.push(lower);
        previous = lower;
    }
    if out.len() > MAX_DOMAIN_LEN {
        out.clear();
        return false;
    }
    true
}

fn domain_unicode(raw: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    let Ok(text) = std::str::from_utf8(raw) else {
        return false;
    };
    let Ok(ascii) = idna::domain_to_ascii(text) else {
        return false;
    };
    let ascii = ascii.trim_end_matches('.');
    if ascii.is_empty() || ascii.len() > MAX_DOMAIN_LEN {
        return false;
    }
    out.extend_from_slice(ascii.as_bytes());
    is_dotted_name(out)
}

/// Returns the normalised form of a domain name (see [`domain_into`]).
pub fn domain(raw: &str) -> Option<String> {
    let mut out = Vec::new();
    domain_into(raw.as_bytes(), &mut out).then(|| into_string(out))
}

/// Parses an IP address as a log writes it: an optional zone (`fe80::1%eth0`) and brackets
/// (`[2001:db8::1]`) are ignored, and an IPv4-mapped IPv6 address becomes its IPv4 address.
pub fn ip(raw: &[u8]) -> Option<IpAddr> {
    // The common case first: a plain dotted quad, as logs write most addresses.
    if raw.len() <= 15
        && raw.first().is_some_and(u8::is_ascii_digit)
        && let Some(v4) = parse_ipv4(raw)
    {
        return Some(IpAddr::V4(v4));
    }
    let raw = trim_ascii(raw);
    let raw = raw
        .strip_prefix(b"[")
        .and_then(|inner| inner.strip_suffix(b"]"))
        .unwrap_or(raw);
    let raw = match memchr::memchr(b'%', raw) {
        Some(zone) => &raw[..zone],
        None => raw,
    };
    if raw.is_empty() || raw.len() > 45 {
        return None;
    }
    if memchr::memchr(b':', raw).is_none() {
        return parse_ipv4(raw).map(IpAddr::V4);
    }
    let addr = parse_ipv6(raw)?;
    Some(canonical_ip(IpAddr::V6(addr)))
}

/// Returns the IPv4 address an IPv4-mapped IPv6 address carries, and any other address as is.
pub fn canonical_ip(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        IpAddr::V4(_) => addr,
    }
}

/// Normalises a hash value of `algo`: lower-case hex of the algorithm's length, else `None`.
pub fn hash_into(raw: &[u8], algo: HashAlgo, out: &mut Vec<u8>) -> bool {
    out.clear();
    let raw = trim_ascii(raw);
    if raw.len() != algo.hex_len() || !raw.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    out.extend(raw.iter().map(u8::to_ascii_lowercase));
    true
}

/// Returns the normalised form of a hash value (see [`hash_into`]).
pub fn hash(raw: &str, algo: HashAlgo) -> Option<String> {
    let mut out = Vec::new();
    hash_into(raw.as_bytes(), algo, &mut out).then(|| into_string(out))
}

/// Normalises an e-mail address into `out`: `Bob <Bob@Example.COM>` becomes
/// `bob@example.com`. Returns whether the text holds an address.
pub fn email_into(raw: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    let mut raw = trim_ascii(raw);
    if let Some(open) = memchr::memrchr(b'<', raw) {
        let inner = &raw[open + 1..];
        raw = match memchr::memchr(b'>', inner) {
            Some(close) => &inner[..close],
            None => inner,
        };
    }
    let raw = trim_ascii(raw);
    let Some(at) = memchr::memrchr(b'@', raw) else {
        return false;
    };
    let local = &raw[..at];
    if local.is_empty() || local.len() > 64 || local.iter().any(|&byte| byte <= b' ') {
        return false;
    }
    let mut domain_part = Vec::new();
    if !domain_into(&raw[at + 1..], &mut domain_part) {
        return false;
    }
    match std::str::from_utf8(local) {
        Ok(text) if !text.is_ascii() => out.extend_from_slice(text.to_lowercase().as_bytes()),
        Ok(_) => out.extend(local.iter().map(u8::to_ascii_lowercase)),
        Err(_) => return false,
    }
    out.push(b'@');
    out.extend_from_slice(&domain_part);
    true
}

/// Returns the normalised form of an e-mail address (see [`email_into`]).
pub fn email(raw: &str) -> Option<String> {
    let mut out = Vec::new();
    email_into(raw.as_bytes(), &mut out).then(|| into_string(out))
}

/// Normalises a URL into `out` (RFC 3986 section 6.2.2 and 6.2.3; see the module docs).
/// Returns whether the text is a URL with a host.
pub fn url_into(raw: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    let raw = trim_ascii(raw);
    let (scheme, rest, implied) = match find_scheme(raw) {
        Some((scheme, rest)) => (scheme, &rest[2..], false),
        None => (&b"http"[..], raw.strip_prefix(b"//").unwrap_or(raw), true),
    };
    let authority_end = rest
        .iter()
        .position(|&byte| matches!(byte, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if implied && memchr::memchr(b'@', authority).is_some() {
        // `user@host` without a scheme is an e-mail address far more often than a URL.
        return false;
    }
    let mut scheme_lower = [0u8; 16];
    if scheme.len() > scheme_lower.len() {
        return false;
    }
    for (slot, byte) in scheme_lower.iter_mut().zip(scheme) {
        *slot = byte.to_ascii_lowercase();
    }
    let scheme = &scheme_lower[..scheme.len()];
    out.extend_from_slice(scheme);
    out.extend_from_slice(b"://");
    if !push_authority(authority, scheme, out) {
        out.clear();
        return false;
    }
    let tail = match memchr::memchr(b'#', tail) {
        Some(fragment) => &tail[..fragment],
        None => tail,
    };
    let (path, query) = match memchr::memchr(b'?', tail) {
        Some(mark) => (&tail[..mark], Some(&tail[mark + 1..])),
        None => (tail, None),
    };
    let path_start = out.len();
    if path.is_empty() {
        out.push(b'/');
    } else {
        push_escaped(path, Part::Path, out);
        remove_dot_segments(out, path_start);
    }
    if let Some(query) = query {
        out.push(b'?');
        push_escaped(query, Part::Query, out);
    }
    true
}

/// Returns the normalised form of a URL (see [`url_into`]).
pub fn url(raw: &str) -> Option<String> {
    let mut out = Vec::new();
    url_into(raw.as_bytes(), &mut out).then(|| into_string(out))
}

/// Removes ASCII whitespace at both ends.
pub(crate) fn trim_ascii(raw: &[u8]) -> &[u8] {
    raw.trim_ascii()
}

fn trim_trailing_dots(mut raw: &[u8]) -> &[u8] {
    while let Some((b'.', rest)) = raw.split_last() {
        raw = rest;
    }
    raw
}

/// Whether a lower-cased name has no empty label and no byte that cannot be in a host name
/// as logs show it (spaces, control characters, slashes, ...). Underscores are allowed:
/// service names such as `_ldap._tcp` are common in DNS logs.
fn is_dotted_name(name: &[u8]) -> bool {
    let mut previous = b'.';
    for &byte in name {
        let allowed = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'*');
        if !allowed || (byte == b'.' && previous == b'.') {
            return false;
        }
        previous = byte;
    }
    previous != b'.'
}

fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("normalised values are built from UTF-8 text")
}

/// Parses dotted-quad IPv4 as the standard library does (no octal, hex or short forms: they
/// never appear in logs, and accepting them would only make false matches), in one pass over
/// the bytes: this runs for every address of every line.
fn parse_ipv4(raw: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut part = 0;
    let mut value: u32 = 0;
    let mut digits = 0;
    for &byte in raw {
        match byte {
            b'0'..=b'9' => {
                // A leading zero (`01`) is refused, as by the standard library.
                if digits == 1 && value == 0 {
                    return None;
                }
                value = value * 10 + u32::from(byte - b'0');
                digits += 1;
                if value > 255 {
                    return None;
                }
            }
            b'.' if digits > 0 && part < 3 => {
                octets[part] = u8::try_from(value).expect("checked against 255");
                part += 1;
                value = 0;
                digits = 0;
            }
            _ => return None,
        }
    }
    if digits == 0 || part != 3 {
        return None;
    }
    octets[3] = u8::try_from(value).expect("checked against 255");
    Some(Ipv4Addr::from(octets))
}

fn parse_ipv6(raw: &[u8]) -> Option<Ipv6Addr> {
    std::str::from_utf8(raw).ok()?.parse().ok()
}

/// Splits `scheme:` off a URL, if it starts with one (RFC 3986 section 3.1).
fn find_scheme(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr::memchr(b':', raw)?;
    let scheme = &raw[..colon];
    let (first, others) = scheme.split_first()?;
    let valid = first.is_ascii_alphabetic()
        && others
            .iter()
            .all(|&byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'));
    // `host:port/path` without a scheme looks like a scheme followed by digits.
    let rest = &raw[colon + 1..];
    (valid && rest.starts_with(b"//")).then_some((scheme, rest))
}

fn default_port(scheme: &[u8]) -> Option<&'static [u8]> {
    match scheme {
        b"http" | b"ws" => Some(b"80"),
        b"https" | b"wss" => Some(b"443"),
        b"ftp" => Some(b"21"),
        _ => None,
    }
}

/// Writes `userinfo@host:port`, normalised, after the scheme. Returns false without a host.
fn push_authority(authority: &[u8], scheme: &[u8], out: &mut Vec<u8>) -> bool {
    let (userinfo, host_port) = match memchr::memrchr(b'@', authority) {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let (host, port) = if host_port.starts_with(b"[") {
        match memchr::memchr(b']', host_port) {
            Some(close) => {
                let after = &host_port[close + 1..];
                match after.strip_prefix(b":") {
                    Some(port) => (&host_port[..=close], Some(port)),
                    None if after.is_empty() => (&host_port[..=close], None),
                    None => return false,
                }
            }
            None => return false,
        }
    } else {
        match memchr::memrchr(b':', host_port) {
            Some(colon) => (&host_port[..colon], Some(&host_port[colon + 1..])),
            None => (host_port, None),
        }
    };
    if let Some(userinfo) = userinfo {
        push_escaped(userinfo, Part::Userinfo, out);
        out.push(b'@');
    }
    if host.starts_with(b"[") {
        let inner = &host[1..host.len() - 1];
        match parse_ipv6(inner) {
            Some(addr) => {
                out.push(b'[');
                out.extend_from_slice(addr.to_string().as_bytes());
                out.push(b']');
            }
            None => return false,
        }
    } else {
        let decoded = percent_decode(host);
        let mut name = Vec::new();
        if !domain_into(&decoded, &mut name) {
            return false;
        }
        out.extend_from_slice(&name);
    }
    if let Some(port) = port {
        if !port.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let digits = trim_leading_zeros(port);
        if !digits.is_empty() && Some(digits) != default_port(scheme) {
            out.push(b':');
            out.extend_from_slice(digits);
        }
    }
    true
}

fn trim_leading_zeros(digits: &[u8]) -> &[u8] {
    let first = digits
        .iter()
        .position(|&byte| byte != b'0')
        .unwrap_or(digits.len());
    if first == digits.len() && !digits.is_empty() {
        // An all-zero port is port 0, kept as one digit.
        return &digits[digits.len() - 1..];
    }
    &digits[first..]
}

fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut idx = 0;
    while idx < raw.len() {
        if raw[idx] == b'%'
            && let Some(byte) = hex_pair(raw.get(idx + 1..idx + 3))
        {
            out.push(byte);
            idx += 3;
            continue;
        }
        out.push(raw[idx]);
        idx += 1;
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Userinfo,
    Path,
    Query,
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(byte: u8) -> bool {
    matches!(
        byte,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// Writes a URL part with escapes normalised: `%7e` becomes `~`, `%2f` becomes `%2F`, and
/// bytes a URL may not hold raw are escaped. A `%` not followed by two hex digits is written
/// `%25`, as a browser would send it.
fn push_escaped(raw: &[u8], part: Part, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut idx = 0;
    while idx < raw.len() {
        let byte = raw[idx];
        if byte == b'%'
            && let Some(decoded) = hex_pair(raw.get(idx + 1..idx + 3))
        {
            if is_unreserved(decoded) {
                out.push(decoded);
            } else {
                out.extend_from_slice(&[
                    b'%',
                    HEX[usize::from(decoded >> 4)],
                    HEX[usize::from(decoded & 15)],
                ]);
            }
            idx += 3;
            continue;
        }
        let raw_allowed = is_unreserved(byte)
            || is_sub_delim(byte)
            || byte == b':'
            || (part != Part::Userinfo && byte == b'@')
            || (part != Part::Userinfo && byte == b'/')
            || (part == Part::Query && byte == b'?');
        if raw_allowed {
            out.push(byte);
        } else {
            out.extend_from_slice(&[
                b'%',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 15)],
            ]);
        }
        idx += 1;
    }
}

fn hex_pair(pair: Option<&[u8]>) -> Option<u8> {
    let pair = pair?;
    let high = hex_digit(pair[0])?;
    let low = hex_digit(pair[1])?;
    Some(high << 4 | low)
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Removes `.` and `..` segments from the path that starts at `start` in `out`
/// (RFC 3986 section 5.2.4).
fn remove_dot_segments(out: &mut Vec<u8>, start: usize) {
    let path = &out[start..];
    let has_dots = path
        .split(|&byte| byte == b'/')
        .any(|segment| segment == b"." || segment == b"..");
    if !has_dots {
        return;
    }
    let absolute = path.first() == Some(&b'/');
    let segments: Vec<&[u8]> = path.split(|&byte| byte == b'/').collect();
    let mut kept: Vec<&[u8]> = Vec::with_capacity(segments.len());
    let last = segments.len() - 1;
    let mut trailing_slash = false;
    for (idx, segment) in segments.iter().enumerate() {
        if absolute && idx == 0 {
            continue;
        }
        match *segment {
            b"." => trailing_slash = idx == last,
            b".." => {
                kept.pop();
                trailing_slash = idx == last;
            }
            other => {
                kept.push(other);
                trailing_slash = false;
            }
        }
    }
    let mut rebuilt = Vec::with_capacity(path.len());
    if absolute {
        rebuilt.push(b'/');
    }
    for (idx, segment) in kept.iter().enumerate() {
        if idx > 0 {
            rebuilt.push(b'/');
        }
        rebuilt.extend_from_slice(segment);
    }
    if trailing_slash && rebuilt.last() != Some(&b'/') {
        rebuilt.push(b'/');
    }
    out.truncate(start);
    out.extend_from_slice(&rebuilt);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_lower_case_without_trailing_dot() {
        assert_eq!(
            domain("WWW.Example.COM.").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(domain(" example.com ").as_deref(), Some("example.com"));
        assert_eq!(
            domain("_ldap._tcp.dc.example").as_deref(),
            Some("_ldap._tcp.dc.example")
        );
        assert_eq!(domain(""), None);
        assert_eq!(domain("."), None);
        assert_eq!(domain("a..b"), None);
        assert_eq!(domain("a b"), None);
        assert_eq!(domain(&"a.".repeat(130)), None);
    }

    #[test]
    fn internationalised_domains_become_a_labels() {
        assert_eq!(
            domain("Bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(
            domain("XN--BCHER-KVA.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(
            domain("пример.испытание").as_deref(),
            Some("xn--e1afmkfd.xn--80akhbyknj4f")
        );
    }

    #[test]
    fn ips_are_parsed_as_logs_write_them() {
        assert_eq!(ip(b"198.51.100.7"), Some("198.51.100.7".parse().unwrap()));
        assert_eq!(ip(b"[2001:DB8::1]"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(ip(b"fe80::1%eth0"), Some("fe80::1".parse().unwrap()));
        assert_eq!(
            ip(b"::ffff:198.51.100.7"),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(ip(b"010.1.1.1"), None);
        assert_eq!(ip(b"example.com"), None);
        assert_eq!(ip(b"-"), None);
    }

    #[test]
    fn hashes_are_lower_case_hex_of_the_right_length() {
        let md5 = "D41D8CD98F00B204E9800998ECF8427E";
        assert_eq!(
            hash(md5, HashAlgo::Md5).as_deref(),
            Some("d41d8cd98f00b204e9800998ecf8427e")
        );
        assert_eq!(hash(md5, HashAlgo::Sha1), None);
        assert_eq!(
            hash("zz1d8cd98f00b204e9800998ecf8427e", HashAlgo::Md5),
            None
        );
        assert_eq!(HashAlgo::parse("sha256"), Some(HashAlgo::Sha256));
        assert_eq!(HashAlgo::parse("SHA3-256"), Some(HashAlgo::Sha3_256));
        assert_eq!(HashAlgo::parse("SHA-1"), Some(HashAlgo::Sha1));
        assert_eq!(HashAlgo::parse("ssdeep"), None);
    }

    #[test]
    fn emails_drop_display_names_and_case() {
        assert_eq!(
            email("Bob <Bob@Example.COM>").as_deref(),
            Some("bob@example.com")
        );
        assert_eq!(
            email("<alice@münchen.example>").as_deref(),
            Some("alice@xn--mnchen-3ya.example")
        );
        assert_eq!(email("not an address"), None);
        assert_eq!(email("@example.com"), None);
    }

    #[track_caller]
    fn check_url(input: &str, expected: Option<&str>) {
        assert_eq!(url(input).as_deref(), expected, "{input}");
    }

    #[test]
    fn urls_follow_rfc_3986_normalisation() {
        check_url("HTTP://Example.COM", Some("http://example.com/"));
        check_url("http://example.com:80/a", Some("http://example.com/a"));
        check_url("https://example.com:443/a", Some("https://example.com/a"));
        check_url(
            "https://example.com:8443/a",
            Some("https://example.com:8443/a"),
        );
        check_url("http://example.com:/a", Some("http://example.com/a"));
        check_url(
            "http://example.com/%7euser/%2fx",
            Some("http://example.com/~user/%2Fx"),
        );
        check_url(
            "http://example.com/a b/é",
            Some("http://example.com/a%20b/%C3%A9"),
        );
        check_url(
            "http://example.com/a/./b/../c",
            Some("http://example.com/a/c"),
        );
        check_url("http://example.com/a/..", Some("http://example.com/"));
        check_url(
            "http://example.com/p?q=%7e&r=a%2fb#frag",
            Some("http://example.com/p?q=~&r=a%2Fb"),
        );
        check_url(
            "http://Bücher.example./x",
            Some("http://xn--bcher-kva.example/x"),
        );
        check_url("http://[2001:DB8::1]:80/", Some("http://[2001:db8::1]/"));
        check_url(
            "http://User:Pw@Example.com/",
            Some("http://User:Pw@example.com/"),
        );
        check_url("example.com/path", Some("http://example.com/path"));
        check_url("mailto:bob@example.com", None);
        check_url("//example.com/path", Some("http://example.com/path"));
        check_url("http://exa mple.com/", None);
        check_url("http://example.com:8x/", None);
        check_url("http://example.com/100%", Some("http://example.com/100%25"));
    }
}
