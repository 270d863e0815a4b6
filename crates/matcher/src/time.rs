//! Event times as logs write them: Zeek's epoch seconds (`1700000000.123456`) and ISO 8601 /
//! RFC 3339 timestamps (Suricata writes `2024-01-15T10:00:00.123456+0000`).

use chrono::{DateTime, NaiveDateTime};

/// How a log writes its event times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// Seconds since the Unix epoch, with an optional fraction (Zeek).
    Epoch,
    /// An ISO 8601 date and time with an offset (Suricata, Zeek with `JSON::TS_ISO8601`).
    Iso8601,
    /// Either: epoch seconds when the text is a number, ISO 8601 otherwise.
    Auto,
}

/// Reads an event time, returning microseconds since the Unix epoch.
pub fn parse(raw: &[u8], format: TimeFormat) -> Option<i64> {
    let raw = raw.trim_ascii();
    let raw = raw
        .strip_prefix(b"\"")
        .and_then(|inner| inner.strip_suffix(b"\""))
        .unwrap_or(raw);
    match format {
        TimeFormat::Epoch => parse_epoch(raw),
        TimeFormat::Iso8601 => parse_iso8601(raw),
        TimeFormat::Auto => parse_epoch(raw).or_else(|| parse_iso8601(raw)),
    }
}

/// Reads `seconds[.fraction]` exactly, in integers (a float would lose microseconds).
fn parse_epoch(raw: &[u8]) -> Option<i64> {
    let (negative, digits) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    let (whole, fraction) = match memchr::memchr(b'.', digits) {
        Some(dot) => (&digits[..dot], &digits[dot + 1..]),
        None => (digits, &b""[..]),
    };
    if whole.is_empty() || whole.len() > 12 || !whole.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut seconds: i64 = 0;
    for &digit in whole {
        seconds = seconds * 10 + i64::from(digit - b'0');
    }
    let mut micros: i64 = 0;
    for idx in 0..6 {
        micros = micros * 10
            + fraction
                .get(idx)
                .map_or(0, |&digit| i64::from(digit - b'0'));
    }
    let total = seconds.checked_mul(1_000_000)?.checked_add(micros)?;
    Some(if negative { -total } else { total })
}

fn parse_iso8601(raw: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(raw).ok()?;
    if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        return Some(parsed.timestamp_micros());
    }
    // Suricata writes the offset without a colon (`+0000`), which RFC 3339 does not allow.
    if let Ok(parsed) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(parsed.timestamp_micros());
    }
    // A time without an offset is taken as UTC, as logs written by collectors usually are.
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc().timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_zeek_epochs_exactly() {
        assert_eq!(
            parse(b"1700000000.123456", TimeFormat::Epoch),
            Some(1_700_000_000_123_456)
        );
        assert_eq!(
            parse(b"1700000000.1", TimeFormat::Epoch),
            Some(1_700_000_000_100_000)
        );
        assert_eq!(
            parse(b"1700000000", TimeFormat::Epoch),
            Some(1_700_000_000_000_000)
        );
        assert_eq!(
            parse(b"1700000000.1234567", TimeFormat::Epoch),
            Some(1_700_000_000_123_456)
        );
        assert_eq!(parse(b"-", TimeFormat::Epoch), None);
        assert_eq!(parse(b"17x", TimeFormat::Epoch), None);
    }

    #[test]
    fn reads_suricata_and_rfc_3339_times() {
        let expected = Some(1_705_312_800_123_456);
        assert_eq!(
            parse(b"2024-01-15T10:00:00.123456+0000", TimeFormat::Iso8601),
            expected
        );
        assert_eq!(
            parse(b"2024-01-15T11:00:00.123456+0100", TimeFormat::Iso8601),
            expected
        );
        assert_eq!(
            parse(b"2024-01-15T10:00:00.123456Z", TimeFormat::Iso8601),
            expected
        );
        assert_eq!(
            parse(b"\"2024-01-15T10:00:00.123456Z\"", TimeFormat::Auto),
            expected
        );
        assert_eq!(
            parse(b"2024-01-15T10:00:00.123456", TimeFormat::Auto),
            expected
        );
        assert_eq!(parse(b"2024-13-15T10:00:00Z", TimeFormat::Iso8601), None);
    }
}
