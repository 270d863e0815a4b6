//! Value formats the spec requires: names, encodings, addresses, language tags.
//!
//! Each function answers one question about a string and allocates nothing.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::vocab::MEDIA_TOP_LEVEL_TYPES;

/// Property names: 3 to 250 characters of a-z, 0-9 and `_`, starting with a letter
/// (STIX 2.1 section 3.1); `id` is the one shorter name the spec defines.
pub(crate) fn is_property_name(name: &str) -> bool {
    if name == "id" {
        return true;
    }
    let bytes = name.as_bytes();
    (3..=250).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Dictionary keys: at most 250 characters of a-z, A-Z, 0-9, `-` and `_` (section 2.7).
pub(crate) fn is_dictionary_key(key: &str) -> bool {
    key.len() <= 250
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Base64 as the spec's `binary` type: the standard alphabet with padding (RFC 4648 §4).
pub(crate) fn is_base64(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return false;
    }
    let n_pad = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if n_pad > 2 {
        return false;
    }
    bytes[..bytes.len() - n_pad]
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// Hex as the spec's `hex` type: an even number of hex digits, at least two.
pub(crate) fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A URI (RFC 3986): a scheme, a colon, and no spaces or control characters.
pub(crate) fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme_bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && !rest.is_empty()
        && !text
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
}

/// An e-mail address `local@domain` (RFC 5322 addr-spec, without display names or comments).
pub(crate) fn is_email_address(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !text.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '(' | ')' | ',' | ';')
        })
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// An IPv4 address or CIDR block in dotted-quad form, with no leading zeros.
pub(crate) fn is_ipv4_cidr(text: &str) -> bool {
    let (address, prefix) = split_prefix(text);
    let prefix_ok = prefix.is_none_or(|prefix| is_prefix_len(prefix, 32));
    prefix_ok
        && address.parse::<Ipv4Addr>().is_ok()
        && address
            .split('.')
            .all(|octet| octet == "0" || !octet.starts_with('0'))
}

/// An IPv6 address or CIDR block.
pub(crate) fn is_ipv6_cidr(text: &str) -> bool {
    let (address, prefix) = split_prefix(text);
    let address = address
        .split_once('%')
        .map_or(address, |(address, _)| address);
    prefix.is_none_or(|prefix| is_prefix_len(prefix, 128)) && address.parse::<Ipv6Addr>().is_ok()
}

fn split_prefix(text: &str) -> (&str, Option<&str>) {
    match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    }
}

fn is_prefix_len(prefix: &str, max: u8) -> bool {
    !prefix.is_empty()
        && prefix.len() <= 3
        && prefix.bytes().all(|b| b.is_ascii_digit())
        && (prefix == "0" || !prefix.starts_with('0'))
        && prefix.parse::<u8>().is_ok_and(|len| len <= max)
}

/// A MAC address: six lower-case hex pairs separated by colons (section 6.10).
pub(crate) fn is_mac_address(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    parts.len() == 6
        && parts.iter().all(|part| {
            part.len() == 2
                && part
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// A media type `type/subtype` with a registered top-level type (RFC 6838 section 4.2).
pub(crate) fn is_media_type(text: &str) -> bool {
    let Some((top, rest)) = text.split_once('/') else {
        return false;
    };
    let subtype = rest.split(';').next().unwrap_or_default().trim_end();
    MEDIA_TOP_LEVEL_TYPES.contains(&top.to_ascii_lowercase().as_str())
        && !subtype.is_empty()
        && subtype.len() <= 127
        && subtype
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
}

/// A character set name as the IANA registry writes them (RFC 2978 `mime-charset`).
pub(crate) fn is_charset_name(text: &str) -> bool {
    (1..=40).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'+-^_`{}~".contains(&b))
}

/// A service name of the IANA registry (RFC 6335 section 5.1): 1 to 15 letters, digits and
/// hyphens.
pub(crate) fn is_service_name(text: &str) -> bool {
    (1..=15).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A CPE 2.3 formatted string: `cpe:2.3:` then 11 colon-separated components, the first of
/// which is `a`, `o`, `h`, `*` or `-`.
pub(crate) fn is_cpe23(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("cpe:2.3:") else {
        return false;
    };
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in rest.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == ':' {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts.len() == 11
        && matches!(parts[0].as_str(), "a" | "o" | "h" | "*" | "-")
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_graphic()))
}

/// A valid language tag (RFC 5646 section 2.2.9): well-formed, with every subtag in the IANA
/// language subtag registry (as compiled into `language-tags`).
pub(crate) fn is_language_tag(text: &str) -> bool {
    language_tags::LanguageTag::parse(text).is_ok_and(|tag| tag.validate().is_ok())
}

/// A granular marking selector: `property`, `property.[index]`, `property.sub`, ...
pub(crate) fn is_selector(text: &str) -> bool {
    let mut segments = text.split('.');
    let first = segments.next().unwrap_or_default();
    let is_name = |segment: &str, min: usize| {
        (min..=250).contains(&segment.len())
            && segment
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    };
    let is_index = |segment: &str| {
        segment
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
    };
    (first == "id" || is_name(first, 3))
        && segments.all(|segment| is_index(segment) || is_name(segment, 1))
}

/// Returns whether `text` is lower case with hyphens as separators (no spaces or `_`).
pub(crate) fn is_lower_hyphenated(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_uppercase() || c == '_' || c == ' ')
        && text.chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_base64("aGVsbG8="));
        assert!(!is_base64("failing test"));
        assert!(is_hex("0aFF") && !is_hex("abc") && !is_hex(""));
        assert!(is_uri("http://example.com/x") && !is_uri("www.g.com") && !is_uri("foo"));
        assert!(is_email_address("jdoe@example.com"));
        assert!(!is_email_address("John Doe <jdoe@example.com>"));
        for good in ["192.168.0.1", "192.168.0.0/16", "0.0.0.0/0"] {
            assert!(is_ipv4_cidr(good), "{good}");
        }
        for bad in [
            "192.168.0.1/",
            "192.168.0.1/01",
            "192.168.0.1/33",
            "192.168.0.1/a",
            "999.999.999.999",
            "foo",
            "01.1.1.1",
        ] {
            assert!(!is_ipv4_cidr(bad), "{bad}");
        }
        assert!(is_ipv6_cidr("fe80::204:61ff:fe9d:f156/64"));
        for bad in [
            "fe80:0000:0000:0000:0204:61ff:fe9d:f156/",
            "fe80::1/00",
            "fe80::1/129",
            "fe80::1/a",
            "foo",
        ] {
            assert!(!is_ipv6_cidr(bad), "{bad}");
        }
        assert!(is_mac_address("d2:fb:49:24:37:18") && !is_mac_address("D2:FB:49:24:37:18"));
        assert!(is_media_type("application/zip") && !is_media_type("bla/blabla"));
        assert!(is_cpe23("cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*") && !is_cpe23("invalid"));
        assert!(
            is_language_tag("en") && is_language_tag("zh-Hans-CN") && !is_language_tag("español")
        );
        assert!(is_selector("description") && is_selector("external_references.[0].url"));
        assert!(!is_selector("[0]"));
        assert!(
            is_property_name("x_acme_rank")
                && !is_property_name("9ome_custom_stuff")
                && !is_property_name("mp")
        );
    }
}
