//! Cryptocurrency and onion addresses, each checked with its format's checksum so that random
//! Base58 or hex strings are not reported: Base58Check (Bitcoin, Litecoin, Dogecoin, Dash,
//! Zcash, Tron, Ripple, Tezos), Bech32/Bech32m (Bitcoin, Litecoin, Cardano), CashAddr (Bitcoin
//! Cash), Monero's Keccak checksum, EIP-55 (Ethereum), Byron CRC-32 (Cardano) and the Tor v3
//! checksum. Solana addresses have no checksum: a 32-byte Base58 key is all that can be checked.

use sha2::{Digest, Sha256};
use sha3::{Keccak256, Sha3_256};

use super::{Candidate, Scanner};
use crate::finding::IocKind;

/// Classifies an alphanumeric word of 25 characters or more.
pub(crate) fn classify(word: &[u8]) -> Option<IocKind> {
    let len = word.len();
    let text = std::str::from_utf8(word).ok()?;
    if len == 42 && word.starts_with(b"0x") {
        return ethereum(&word[2..]).then_some(IocKind::Ethereum);
    }
    if len == 56
        && word
            .iter()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(b))
    {
        return onion_v3(text).then_some(IocKind::Onion);
    }
    let lower_prefix = |prefix: &str| {
        text.len() > prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if lower_prefix("bc1") {
        return segwit(text, "bc").then_some(IocKind::Bitcoin);
    }
    if lower_prefix("ltc1") {
        return segwit(text, "ltc").then_some(IocKind::Litecoin);
    }
    if lower_prefix("addr1") {
        return bech32_hrp(text, "addr").then_some(IocKind::Cardano);
    }
    if len == 42 && matches!(word[0], b'q' | b'p') {
        return cashaddr(text, "bitcoincash").then_some(IocKind::BitcoinCash);
    }
    if (95..=106).contains(&len) && matches!(word[0], b'4' | b'8') {
        return monero(word).then_some(IocKind::Monero);
    }
    if len == 36
        && (text.starts_with("tz1")
            || text.starts_with("tz2")
            || text.starts_with("tz3")
            || text.starts_with("KT1"))
    {
        return tezos(text).then_some(IocKind::Tezos);
    }
    if (25..=35).contains(&len)
        && word[0] == b'r'
        && let Some(payload) = base58check(text, bs58::Alphabet::RIPPLE)
        && payload.len() == 21
        && payload[0] == 0
    {
        return Some(IocKind::Ripple);
    }
    if (25..=36).contains(&len)
        && let Some(kind) = base58_coin(text)
    {
        return Some(kind);
    }
    if len >= 50 && matches!(word[0], b'A' | b'D') && cardano_byron(text) {
        return Some(IocKind::Cardano);
    }
    if (32..=44).contains(&len) && solana(text) {
        return Some(IocKind::Solana);
    }
    None
}

/// Decodes Base58Check: the last four bytes are the first four of SHA-256(SHA-256(payload)).
fn base58check(text: &str, alphabet: &bs58::Alphabet) -> Option<Vec<u8>> {
    let decoded = bs58::decode(text).with_alphabet(alphabet).into_vec().ok()?;
    if decoded.len() < 5 {
        return None;
    }
    let (payload, checksum) = decoded.split_at(decoded.len() - 4);
    let digest = Sha256::digest(Sha256::digest(payload));
    (digest[..4] == *checksum).then(|| payload.to_vec())
}

/// Base58Check coins told apart by their version bytes.
fn base58_coin(text: &str) -> Option<IocKind> {
    let payload = base58check(text, bs58::Alphabet::BITCOIN)?;
    match payload.len() {
        21 => match payload[0] {
            0x00 | 0x05 => Some(IocKind::Bitcoin),
            0x30 | 0x32 => Some(IocKind::Litecoin),
            0x1e | 0x16 => Some(IocKind::Dogecoin),
            0x4c | 0x10 => Some(IocKind::Dash),
            0x41 => Some(IocKind::Tron),
            _ => None,
        },
        22 => match (payload[0], payload[1]) {
            (0x1c, 0xb8 | 0xbd) => Some(IocKind::Zcash),
            _ => None,
        },
        _ => None,
    }
}

fn tezos(text: &str) -> bool {
    const PREFIXES: [[u8; 3]; 4] = [[6, 161, 159], [6, 161, 161], [6, 161, 164], [2, 90, 121]];
    base58check(text, bs58::Alphabet::BITCOIN).is_some_and(|payload| {
        payload.len() == 23 && PREFIXES.iter().any(|prefix| payload.starts_with(prefix))
    })
}

/// A SegWit address (Bech32 or Bech32m with a valid witness program) for `hrp`.
fn segwit(text: &str, hrp: &str) -> bool {
    match bech32::segwit::decode(text) {
        Ok((decoded_hrp, _, _)) => decoded_hrp.as_str().eq_ignore_ascii_case(hrp),
        Err(_) => false,
    }
}

/// Any Bech32 or Bech32m string with the given human-readable part.
fn bech32_hrp(text: &str, hrp: &str) -> bool {
    match bech32::primitives::decode::CheckedHrpstring::new::<bech32::Bech32>(text) {
        Ok(checked) => checked.hrp().as_str().eq_ignore_ascii_case(hrp),
        Err(_) => false,
    }
}

/// A Cardano Byron address: Base58 of CBOR `[tag 24 (bytes), crc32]`.
fn cardano_byron(text: &str) -> bool {
    let Ok(bytes) = bs58::decode(text).into_vec() else {
        return false;
    };
    // 0x82: array of 2; 0xd8 0x18: tag 24; then a byte string.
    if bytes.len() < 10 || bytes[0] != 0x82 || bytes[1] != 0xd8 || bytes[2] != 0x18 {
        return false;
    }
    let (payload_start, payload_len) = match bytes[3] {
        len @ 0x40..=0x57 => (4, usize::from(len - 0x40)),
        0x58 => (5, usize::from(bytes[4])),
        0x59 => (6, usize::from(u16::from_be_bytes([bytes[4], bytes[5]]))),
        _ => return false,
    };
    let payload_end = payload_start + payload_len;
    // Then the CRC-32 as an unsigned integer (0x1a + 4 bytes).
    if bytes.len() != payload_end + 5 || bytes[payload_end] != 0x1a {
        return false;
    }
    let crc = u32::from_be_bytes([
        bytes[payload_end + 1],
        bytes[payload_end + 2],
        bytes[payload_end + 3],
        bytes[payload_end + 4],
    ]);
    crc32fast::hash(&bytes[payload_start..payload_end]) == crc
}

/// An EIP-55 address: all lower case or all upper case, or mixed case matching the checksum.
fn ethereum(hex: &[u8]) -> bool {
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let has_lower = hex.iter().any(u8::is_ascii_lowercase);
    let has_upper = hex.iter().any(u8::is_ascii_uppercase);
    if !(has_lower && has_upper) {
        return true;
    }
    let lower = hex.to_ascii_lowercase();
    let digest = Keccak256::digest(&lower);
    hex.iter().enumerate().all(|(idx, b)| {
        if b.is_ascii_digit() {
            return true;
        }
        let nibble = (digest[idx / 2] >> (if idx % 2 == 0 { 4 } else { 0 })) & 0x0f;
        (nibble >= 8) == b.is_ascii_uppercase()
    })
}

/// A Tor v3 onion address: Base32 of public key (32) + checksum (2) + version (1, = 3).
fn onion_v3(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let Ok(bytes) = data_encoding::BASE32_NOPAD.decode(upper.as_bytes()) else {
        return false;
    };
    if bytes.len() != 35 || bytes[34] != 3 {
        return false;
    }
    let mut hasher = Sha3_256::new();
    hasher.update(b".onion checksum");
    hasher.update(&bytes[..32]);
    hasher.update([3u8]);
    let digest = hasher.finalize();
    digest[..2] == bytes[32..34]
}

/// A Monero address: Monero's block-wise Base58, network byte, keys and a Keccak checksum.
fn monero(word: &[u8]) -> bool {
    let Some(bytes) = monero_base58(word) else {
        return false;
    };
    if bytes.len() != 69 && bytes.len() != 77 {
        return false;
    }
    let (body, checksum) = bytes.split_at(bytes.len() - 4);
    Keccak256::digest(body)[..4] == *checksum
}

/// Decodes Monero's Base58: full blocks of 11 characters to 8 bytes, the last block shorter.
fn monero_base58(word: &[u8]) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    const BLOCK_BYTES: [usize; 12] = [0, 0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8];
    let mut out = Vec::with_capacity(word.len() * 8 / 11 + 8);
    for chunk in word.chunks(11) {
        let n_bytes = BLOCK_BYTES[chunk.len()];
        if n_bytes == 0 {
            return None;
        }
        let mut value: u128 = 0;
        for b in chunk {
            let digit = ALPHABET.iter().position(|a| a == b)?;
            value = value * 58 + digit as u128;
        }
        if value >> (8 * n_bytes) != 0 {
            return None;
        }
        let be = value.to_be_bytes();
        out.extend_from_slice(&be[16 - n_bytes..]);
    }
    Some(out)
}

/// A Solana address: Base58 of a 32-byte key. No checksum exists, so the word must also mix
/// upper case, lower case and digits, as random keys do.
fn solana(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mixed = bytes.iter().any(u8::is_ascii_uppercase)
        && bytes.iter().any(u8::is_ascii_lowercase)
        && bytes.iter().any(u8::is_ascii_digit);
    mixed
        && bs58::decode(text)
            .into_vec()
            .is_ok_and(|key| key.len() == 32)
}

/// Checks a CashAddr payload (without prefix) against the BCH polymod for `prefix`.
fn cashaddr(payload: &str, prefix: &str) -> bool {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let mut values = Vec::with_capacity(prefix.len() + 1 + payload.len());
    values.extend(prefix.bytes().map(|b| b & 0x1f));
    values.push(0);
    for b in payload.bytes() {
        match CHARSET.iter().position(|c| *c == b.to_ascii_lowercase()) {
            Some(idx) => values.push(idx as u8),
            None => return false,
        }
    }
    let has_lower = payload.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = payload.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        return false;
    }
    cashaddr_polymod(&values) == 0
}

fn cashaddr_polymod(values: &[u8]) -> u64 {
    const GENERATORS: [u64; 5] = [
        0x98f2bc8e61,
        0x79b76d99e2,
        0xf33e5fb3c4,
        0xae2eabe2a8,
        0x1e4f43e470,
    ];
    let mut c: u64 = 1;
    for value in values {
        let c0 = (c >> 35) as u8;
        c = ((c & 0x07_ffff_ffff) << 5) ^ u64::from(*value);
        for (bit, generator) in GENERATORS.iter().enumerate() {
            if c0 & (1 << bit) != 0 {
                c ^= generator;
            }
        }
    }
    c ^ 1
}

/// `bitcoincash:qp3w...`: the prefixed form.
pub(super) fn bitcoincash_prefixed(sc: &mut Scanner<'_>, start: usize, end: usize) {
    let bytes = sc.bytes;
    let payload_start = end + 1;
    let mut k = payload_start;
    while k < bytes.len() && bytes[k].is_ascii_alphanumeric() {
        k += 1;
    }
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return;
    }
    if k - payload_start == 42 && cashaddr(&sc.text[payload_start..k], "bitcoincash") {
        let value = sc.text[start..k].to_ascii_lowercase();
        sc.push(Candidate::new(IocKind::BitcoinCash, value, start..k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(address: &str, want: Option<IocKind>) {
        assert_eq!(classify(address.as_bytes()), want, "{address}");
    }

    #[test]
    fn valid_addresses_are_classified() {
        check("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", Some(IocKind::Bitcoin));
        check("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", Some(IocKind::Bitcoin));
        check(
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            Some(IocKind::Bitcoin),
        );
        check(
            "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
            Some(IocKind::Ethereum),
        );
        check(
            "496aKKdqF1xQSSEzw7wNrkZkDUsCD5cSmNCfVhVgEps52WERBcLDGzdF5UugmFoHMm9xRJdewvK2TFfAJNwEV25rTcVF5Vp",
            Some(IocKind::Monero),
        );
    }

    #[test]
    fn broken_checksums_are_refused() {
        check("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", None);
        check("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", None);
        check("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756CC2", None);
        check("18ddf28a71089acdbab5038f58044c0a", None);
    }
}
