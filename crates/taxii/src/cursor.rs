//! The `next` parameter: an opaque token wrapping the store's paging [`Cursor`] together with
//! a fingerprint of the query it was given for.
//!
//! The store's cursor is a position in `date_added` order, which strictly increases within a
//! collection, so paging never skips or repeats an object even while objects are added. The
//! fingerprint makes a cursor given for one query (say, `match[type]=indicator`) unusable
//! with another, which would otherwise silently start at the wrong place.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use store::Cursor;

use crate::TaxiiError;

/// Returns the `next` token of `cursor` for the query with `fingerprint`.
pub(crate) fn encode(cursor: &Cursor, fingerprint: [u8; 8]) -> String {
    let mut bytes = Vec::with_capacity(32);
    bytes.push(VERSION);
    bytes.extend_from_slice(&fingerprint);
    bytes.extend_from_slice(cursor.to_token().as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Reads a `next` token given for the query with `fingerprint`.
///
/// # Errors
///
/// [`TaxiiError::BadRequest`] when the token was not given out by this server, or was given
/// for another query.
pub(crate) fn decode(token: &str, fingerprint: [u8; 8]) -> Result<Cursor, TaxiiError> {
    let not_ours = || {
        TaxiiError::BadRequest(format!(
            "invalid next value {token:?}: not a paging cursor given out by this server"
        ))
    };
    if token.len() > MAX_TOKEN_LEN {
        return Err(not_ours());
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(token.as_bytes())
        .map_err(|_| not_ours())?;
    let (header, rest) = bytes
        .split_at_checked(1 + fingerprint.len())
        .ok_or_else(not_ours)?;
    if header[0] != VERSION {
        return Err(not_ours());
    }
    if header[1..] != fingerprint {
        return Err(TaxiiError::BadRequest(format!(
            "invalid next value {token:?}: it was given for a request with other filters; \
             repeat the filters of the request that returned it"
        )));
    }
    let text = std::str::from_utf8(rest).map_err(|_| not_ours())?;
    Cursor::parse(text).map_err(|_| not_ours())
}

/// The format of the token, so that a later format can refuse (or read) older ones.
const VERSION: u8 = 1;

/// Longer tokens are refused before decoding (two 20-digit numbers, a dot and the header
/// need far fewer characters).
const MAX_TOKEN_LEN: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_bound_to_its_query() {
        let cursor = Cursor::parse("1700000000000000.3").unwrap();
        let token = encode(&cursor, [1; 8]);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{token}"
        );
        assert_eq!(decode(&token, [1; 8]).unwrap(), cursor);
        let other_query = decode(&token, [2; 8]).unwrap_err().to_string();
        assert!(other_query.contains("given for a request with other filters"));
        for forged in [
            "",
            "abc",
            "!!!",
            &"A".repeat(200),
            &URL_SAFE_NO_PAD.encode(b"\x01xx"),
        ] {
            let error = decode(forged, [1; 8]).unwrap_err();
            assert!(
                error.to_string().contains("not a paging cursor"),
                "{forged}: {error}"
            );
        }
    }
}
