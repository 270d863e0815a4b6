//! Indicators that are single words or start with a keyword: hashes, CVE, ATT&CK and ATLAS
//! ids, ASNs, TLP labels, Google ids, MAC addresses, ssdeep hashes and cryptocurrency
//! addresses.

use super::{Candidate, Scanner, blocks, crypto};
use crate::finding::IocKind;

/// A token without digits, dots, colons or slashes: only keyword-led forms can start here
/// (`CVE 2014-1000`, `ASN 1234`, `TLP amber`, `rule name {`).
pub(super) fn keyword_token(sc: &mut Scanner<'_>, start: usize, end: usize) {
    words(sc, start, end, 0);
}

/// Quick refusal of ordinary words: only `cve`, `as`, `asn`, `rule` and `tlp...` (possibly
/// after an opening bracket or quote) start something in a token without digits or dots.
#[inline]
pub(super) fn may_be_keyword(token: &[u8]) -> bool {
    let token = match token[0] {
        b'(' | b'[' | b'<' | b'"' | b'\'' => &token[1..],
        _ => token,
    };
    let Some(&first) = token.first() else {
        return false;
    };
    let first = first | 0x20;
    (matches!(token.len(), 2..=5) && matches!(first, b'c' | b'a' | b'r' | b't'))
        || (token.len() >= 3 && token[..3].eq_ignore_ascii_case(b"tlp"))
}

/// Walks the alphanumeric runs of a token.
pub(super) fn words(sc: &mut Scanner<'_>, start: usize, end: usize, _flags: u8) {
    let bytes = sc.bytes;
    let mut i = start;
    while i < end {
        while i < end && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let word_start = i;
        while i < end && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i > word_start {
            word(sc, word_start, i);
        }
    }
}

fn word(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    let word = &bytes[start..end];
    let len = word.len();
    if len >= 25 {
        long_word(sc, start, end);
    }
    let next = bytes.get(end).copied().unwrap_or(b' ');
    if (len == 2 || len == 4) && matches!(next, b':' | b'-' | b'.') {
        mac_address(sc, start, end);
    }
    if next == b':' && word.iter().all(u8::is_ascii_digit) {
        ssdeep(sc, start, end);
    }
    if !FIRST_LETTERS[usize::from(word[0])] {
        return;
    }
    match word[0] | 0x20 {
        b'c' if word.eq_ignore_ascii_case(b"cve") => cve(sc, start, end),
        b't' => {
            if len >= 3 && word[..3].eq_ignore_ascii_case(b"tlp") {
                tlp(sc, start, end);
            } else {
                attack_id(sc, start, end);
            }
        }
        b'm' => {
            if word.eq_ignore_ascii_case(b"mozilla") && bytes.get(end) == Some(&b'/') {
                blocks::user_agent(sc, start);
            } else {
                attack_id(sc, start, end);
            }
        }
        b'g' | b's' => attack_id(sc, start, end),
        b'a' => {
            if word == b"AML" && bytes.get(end) == Some(&b'.') {
                atlas_id(sc, start, end);
            } else if word.eq_ignore_ascii_case(b"arn") && bytes.get(end) == Some(&b':') {
                blocks::arn(sc, start);
            } else if len >= 2 && word[..2].eq_ignore_ascii_case(b"as") {
                asn(sc, start, end);
            }
        }
        b'r' if word == b"rule" => blocks::yara(sc, start),
        b'u' if (word == b"UA" || word == b"ua") && bytes.get(end) == Some(&b'-') => {
            google_analytics(sc, start, end);
        }
        b'p' if (word == b"pub" || word == b"PUB") && bytes.get(end) == Some(&b'-') => {
            google_adsense(sc, start, end);
        }
        b'b' if word.eq_ignore_ascii_case(b"bitcoincash") && bytes.get(end) == Some(&b':') => {
            crypto::bitcoincash_prefixed(sc, start, end);
        }
        _ => {}
    }
}

/// First letters of the keyword-led forms (`cve`, `T1059`, `TLP`, `M1036`, `Mozilla`, `G0016`,
/// `S0154`, `AS1234`, `AML.`, `arn:`, `rule`, `UA-`, `pub-`, `bitcoincash:`).
const fn first_letters() -> [bool; 256] {
    let mut table = [false; 256];
    let letters = b"ctmgsarupbCTMGSARUPB";
    let mut idx = 0;
    while idx < letters.len() {
        table[letters[idx] as usize] = true;
        idx += 1;
    }
    table
}

static FIRST_LETTERS: [bool; 256] = first_letters();

/// Words of 25 characters or more: hashes and cryptocurrency addresses.
fn long_word(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    let word = &bytes[start..end];
    if word.iter().all(u8::is_ascii_hexdigit) {
        let kind = match word.len() {
            32 => Some(IocKind::Md5),
            40 => Some(IocKind::Sha1),
            64 => Some(IocKind::Sha256),
            128 => Some(IocKind::Sha512),
            _ => None,
        };
        if let Some(kind) = kind {
            let kind = match (kind, hash_keyword(bytes, start)) {
                (IocKind::Md5, Some(HashKeyword::Imphash)) => IocKind::Imphash,
                (IocKind::Sha256, Some(HashKeyword::Authentihash)) => IocKind::Authentihash,
                (kind, _) => kind,
            };
            let value = std::str::from_utf8(word)
                .expect("hex digits")
                .to_ascii_lowercase();
            sc.push(Candidate::new(kind, value, start..end));
            return;
        }
    }
    if let Some(kind) = crypto::classify(word) {
        let value = std::str::from_utf8(word).expect("alphanumeric").to_owned();
        sc.push(Candidate::new(kind, value, start..end));
    }
}

enum HashKeyword {
    Imphash,
    Authentihash,
}

/// The keyword before a hash (`imphash: `, `import hash - `, `authentihash\t`), if any.
fn hash_keyword(bytes: &[u8], start: usize) -> Option<HashKeyword> {
    let mut k = start;
    while k > 0
        && start - k < 12
        && matches!(
            bytes[k - 1],
            b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'='
        )
    {
        k -= 1;
    }
    let before = &bytes[k.saturating_sub(12)..k];
    let ends_with = |word: &[u8]| {
        before.len() >= word.len()
            && before[before.len() - word.len()..].eq_ignore_ascii_case(word)
            && (before.len() == word.len()
                || !before[before.len() - word.len() - 1].is_ascii_alphanumeric()
                || k - word.len() == 0)
    };
    if ends_with(b"imphash") || ends_with(b"import hash") {
        Some(HashKeyword::Imphash)
    } else if ends_with(b"authentihash") {
        Some(HashKeyword::Authentihash)
    } else {
        None
    }
}

fn all_digits(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

/// The end of the run of ASCII digits starting at `pos`.
fn digits_end(bytes: &[u8], pos: usize) -> usize {
    let mut k = pos;
    while k < bytes.len() && bytes[k].is_ascii_digit() {
        k += 1;
    }
    k
}

fn alnum_at(bytes: &[u8], pos: usize) -> bool {
    bytes.get(pos).is_some_and(u8::is_ascii_alphanumeric)
}

/// `CVE-2021-44228`, `cve 2014-1001`.
fn cve(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    if !matches!(bytes.get(end), Some(b'-' | b' ')) {
        return;
    }
    let year_start = end + 1;
    let year_end = digits_end(bytes, year_start);
    if year_end - year_start != 4 || bytes.get(year_end) != Some(&b'-') {
        return;
    }
    let seq_end = digits_end(bytes, year_end + 1);
    let seq_len = seq_end - year_end - 1;
    if !(4..=7).contains(&seq_len) || alnum_at(bytes, seq_end) {
        return;
    }
    let value = format!(
        "CVE-{}-{}",
        &sc.text[year_start..year_end],
        &sc.text[year_end + 1..seq_end]
    );
    sc.push(Candidate::new(IocKind::Cve, value, start..seq_end));
}

/// ATT&CK ids: `T1059`, `T1059.001`, `TA0001`, `M1036`, `G0016`, `S0154`.
fn attack_id(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    let word = &bytes[start..end];
    let (kind, prefix_len) = match word[0] | 0x20 {
        b't' if word.len() == 6 && (word[1] | 0x20) == b'a' => (IocKind::AttackTactic, 2),
        b't' => (IocKind::AttackTechnique, 1),
        b'm' => (IocKind::AttackMitigation, 1),
        b'g' => (IocKind::AttackGroup, 1),
        b's' => (IocKind::AttackSoftware, 1),
        _ => return,
    };
    if word.len() != prefix_len + 4 || !all_digits(&word[prefix_len..]) {
        return;
    }
    // Upper case for all but techniques and tactics, whose lower-case forms are common in
    // reports (`t1059`); `m1036` or `s0154` in lower case is rarely an id.
    if !matches!(kind, IocKind::AttackTechnique | IocKind::AttackTactic)
        && !word[0].is_ascii_uppercase()
    {
        return;
    }
    if start > 0 && matches!(bytes[start - 1], b'.' | b'-') {
        return;
    }
    let number: u32 = sc.text[start + prefix_len..end].parse().unwrap_or(0);
    let plausible = match kind {
        IocKind::AttackTechnique => (1000..2000).contains(&number),
        IocKind::AttackTactic => number < 100,
        IocKind::AttackMitigation => (800..2000).contains(&number),
        _ => number > 0 && number < 2000,
    };
    if !plausible {
        return;
    }
    let mut value_end = end;
    if kind == IocKind::AttackTechnique && bytes.get(end) == Some(&b'.') {
        let sub_end = digits_end(bytes, end + 1);
        match sub_end - end - 1 {
            0 => {}
            3 if !alnum_at(bytes, sub_end) => value_end = sub_end,
            // `T1156.0012` is not an id at all.
            _ => return,
        }
    }
    let value = sc.text[start..value_end].to_ascii_uppercase();
    sc.push(Candidate::new(kind, value, start..value_end));
}

/// ATLAS ids: `AML.T0051`, `AML.T0051.000`, `AML.TA0002`, `AML.M0015`.
fn atlas_id(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    let id_start = end + 1;
    let mut k = id_start;
    while k < bytes.len() && bytes[k].is_ascii_alphanumeric() {
        k += 1;
    }
    let id = &bytes[id_start..k];
    let kind = if id.len() == 6 && id.starts_with(b"TA") && all_digits(&id[2..]) {
        IocKind::AtlasTactic
    } else if id.len() == 5 && id[0] == b'T' && all_digits(&id[1..]) {
        IocKind::AtlasTechnique
    } else if id.len() == 5 && id[0] == b'M' && all_digits(&id[1..]) {
        IocKind::AtlasMitigation
    } else {
        return;
    };
    let mut value_end = k;
    if kind == IocKind::AtlasTechnique && bytes.get(k) == Some(&b'.') {
        let sub_end = digits_end(bytes, k + 1);
        match sub_end - k - 1 {
            0 => {}
            3 if !alnum_at(bytes, sub_end) => value_end = sub_end,
            _ => return,
        }
    }
    sc.push(Candidate::new(
        kind,
        sc.text[start..value_end].to_owned(),
        start..value_end,
    ));
}

/// `AS1234`, `asn1234`, `ASN 1234`, `AS 1234` (but not `as 2014`, which is prose).
fn asn(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    let word = &bytes[start..end];
    let prefix_len = if word.len() >= 3 && (word[2] | 0x20) == b'n' {
        3
    } else {
        2
    };
    let (digits_start, digits_stop, span_end) = if word.len() > prefix_len {
        if !all_digits(&word[prefix_len..]) {
            return;
        }
        (start + prefix_len, end, end)
    } else {
        // A separate number: `ASN 1234` in any case, `AS 1234` in capitals only.
        if prefix_len == 2 && word != b"AS" {
            return;
        }
        if bytes.get(end) != Some(&b' ') {
            return;
        }
        let stop = digits_end(bytes, end + 1);
        if stop == end + 1 || alnum_at(bytes, stop) {
            return;
        }
        (end + 1, stop, stop)
    };
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    let number: u64 = sc.text[digits_start..digits_stop].parse().unwrap_or(0);
    if number == 0 || number > u64::from(u32::MAX) {
        return;
    }
    sc.push(Candidate::new(
        IocKind::Asn,
        format!("ASN{number}"),
        start..span_end,
    ));
}

/// `TLP:AMBER`, `tlp amber`, `tlp-Amber`, `TLPRED`, `TlpGreen`, `TLP:AMBER+STRICT`.
fn tlp(sc: &mut Scanner<'_>, start: usize, end: usize) {
    const COLOURS: [&str; 5] = ["red", "amber", "green", "white", "clear"];
    let bytes = sc.bytes;
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    let (colour_start, colour_end) = if end - start > 3 {
        (start + 3, end)
    } else {
        if !matches!(bytes.get(end), Some(b':' | b' ' | b'-')) {
            return;
        }
        let mut k = end + 1;
        while k < bytes.len() && bytes[k].is_ascii_alphabetic() {
            k += 1;
        }
        (end + 1, k)
    };
    let colour = sc.text[colour_start..colour_end].to_ascii_lowercase();
    if !COLOURS.contains(&colour.as_str()) || alnum_at(bytes, colour_end) {
        return;
    }
    let mut value = format!("TLP:{}", colour.to_ascii_uppercase());
    let mut span_end = colour_end;
    if colour == "amber"
        && bytes
            .get(colour_end..colour_end + 7)
            .is_some_and(|s| s.eq_ignore_ascii_case(b"+strict"))
    {
        value.push_str("+STRICT");
        span_end += 7;
    }
    sc.push(Candidate::new(IocKind::TlpLabel, value, start..span_end));
}

/// `UA-000000-1`.
fn google_analytics(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    let account_end = digits_end(bytes, end + 1);
    if !(4..=10).contains(&(account_end - end - 1)) || bytes.get(account_end) != Some(&b'-') {
        return;
    }
    let property_end = digits_end(bytes, account_end + 1);
    if !(1..=4).contains(&(property_end - account_end - 1)) || alnum_at(bytes, property_end) {
        return;
    }
    let value = format!("UA-{}", &sc.text[end + 1..property_end]);
    sc.push(Candidate::new(
        IocKind::GoogleAnalyticsId,
        value,
        start..property_end,
    ));
}

/// `pub-1234567891234567`.
fn google_adsense(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    let digits_stop = digits_end(bytes, end + 1);
    if digits_stop - end - 1 != 16 || alnum_at(bytes, digits_stop) {
        return;
    }
    let value = format!("pub-{}", &sc.text[end + 1..digits_stop]);
    sc.push(Candidate::new(
        IocKind::GoogleAdsenseId,
        value,
        start..digits_stop,
    ));
}

/// `AA-F2-C9-A6-B3-4F`, `ab:f2:c9:a6:b3:4f`, `acf2.c9a6.b34f`.
fn mac_address(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    let group = end - start;
    let Some(&sep) = bytes.get(end) else {
        return;
    };
    let (groups, ok_sep) = match group {
        2 => (6, matches!(sep, b':' | b'-')),
        _ => (3, sep == b'.'),
    };
    if !ok_sep
        || (start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == sep))
    {
        return;
    }
    let total = groups * group + groups - 1;
    let Some(candidate) = bytes.get(start..start + total) else {
        return;
    };
    for (idx, b) in candidate.iter().enumerate() {
        let is_sep = idx % (group + 1) == group;
        if (is_sep && *b != sep) || (!is_sep && !b.is_ascii_hexdigit()) {
            return;
        }
    }
    let after = start + total;
    if alnum_at(bytes, after) || (bytes.get(after) == Some(&sep) && alnum_at(bytes, after + 1)) {
        return;
    }
    sc.push(Candidate::new(
        IocKind::MacAddress,
        sc.text[start..after].to_owned(),
        start..after,
    ));
}

/// `1536:yB+A8bMt...:N4tMsbOG...`: the block size must be 3 times a power of two.
fn ssdeep(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    let block: u64 = sc.text[start..end].parse().unwrap_or(0);
    if block < 3 || !block.is_multiple_of(3) || !(block / 3).is_power_of_two() {
        return;
    }
    let is_b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let first_end = {
        let mut k = end + 1;
        while k < bytes.len() && is_b64(bytes[k]) {
            k += 1;
        }
        k
    };
    if first_end == end + 1 || first_end - end - 1 > 64 || bytes.get(first_end) != Some(&b':') {
        return;
    }
    let mut second_end = first_end + 1;
    while second_end < bytes.len() && is_b64(bytes[second_end]) {
        second_end += 1;
    }
    if second_end == first_end + 1 || second_end - first_end - 1 > 64 {
        return;
    }
    sc.push(Candidate::new(
        IocKind::Ssdeep,
        sc.text[start..second_end].to_owned(),
        start..second_end,
    ));
}
