//! Timestamps in patterns (`t'…'` constants) and in observed data, as instants with nanosecond
//! precision.
//!
//! The grammar checks only the shape of a timestamp constant: `t'2024-02-30T00:00:00Z'` is a
//! valid pattern although no such day exists. Such a constant parses, prints back unchanged, and
//! makes evaluation fail ([`PatternTimestamp::instant`] returns `None`), as it does in the OASIS
//! matcher.

use std::fmt;

use chrono::NaiveDate;

/// A point in time, UTC, with nanosecond precision and a range far beyond STIX's needs.
///
/// Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    pub seconds: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nanos: u32,
}

impl Instant {
    /// Returns the number of nanoseconds from `earlier` to `self` (negative when `self` is the
    /// earlier one).
    pub fn nanos_since(self, earlier: Instant) -> i128 {
        (i128::from(self.seconds) - i128::from(earlier.seconds)) * 1_000_000_000
            + (i128::from(self.nanos) - i128::from(earlier.nanos))
    }

    /// Parses a STIX timestamp as written in JSON (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`, upper-case
    /// `T` and `Z`, a real calendar date, seconds below 60).
    ///
    /// Fractions longer than nine digits are truncated to nanoseconds.
    pub fn parse_stix(text: &str) -> Option<Instant> {
        let parts = TimestampParts::scan(text.as_bytes())?;
        if parts.len != text.len() {
            return None;
        }
        parts.instant()
    }
}

/// The text of a `t'…'` constant (without the `t'` and `'`), which the lexer has checked
/// against the grammar's shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatternTimestamp {
    text: String,
}

impl PatternTimestamp {
    /// Checks `text` (the part between the quotes) against the grammar's timestamp shape:
    /// `YYYY-MM-DDTHH:MM:SS[.digits]Z` with months 01-12, days 01-31, hours 00-23, minutes
    /// 00-59 and seconds 00-60.
    ///
    /// Returns the byte offset within `text` of the first character that does not fit.
    pub fn parse(text: &str) -> Result<Self, usize> {
        let bytes = text.as_bytes();
        let parts = TimestampParts::scan(bytes).ok_or_else(|| first_bad_offset(bytes))?;
        if parts.len != bytes.len() {
            return Err(parts.len);
        }
        // The grammar bounds each field but not the day by month: 2024-02-30 has the shape.
        let fields = [
            (parts.month, 1, 12, 5),
            (parts.day, 1, 31, 8),
            (parts.hour, 0, 23, 11),
            (parts.minute, 0, 59, 14),
            (parts.second, 0, 60, 17),
        ];
        if let Some(&(_, _, _, offset)) = fields
            .iter()
            .find(|&&(value, low, high, _)| value < low || value > high)
        {
            return Err(offset);
        }
        Ok(Self {
            text: text.to_owned(),
        })
    }

    /// Returns the timestamp as written, without `t'` and `'`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns the instant, or `None` when the constant names no real moment (a 30th of
    /// February, a leap second).
    pub fn instant(&self) -> Option<Instant> {
        Instant::parse_stix(&self.text)
    }
}

impl fmt::Display for PatternTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t'{}'", self.text)
    }
}

/// The numeric fields of `YYYY-MM-DDTHH:MM:SS[.f]Z` and how many bytes they took.
struct TimestampParts {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    len: usize,
}

impl TimestampParts {
    /// Reads the fixed layout from the start of `bytes`; `None` when a character does not fit.
    fn scan(bytes: &[u8]) -> Option<Self> {
        let digits = |start: usize, len: usize| -> Option<u32> {
            let slice = bytes.get(start..start + len)?;
            slice.iter().try_fold(0u32, |value, &b| {
                b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
            })
        };
        let is = |idx: usize, want: u8| bytes.get(idx) == Some(&want);
        let year = digits(0, 4)?;
        let month = is(4, b'-').then(|| digits(5, 2)).flatten()?;
        let day = is(7, b'-').then(|| digits(8, 2)).flatten()?;
        let hour = is(10, b'T').then(|| digits(11, 2)).flatten()?;
        let minute = is(13, b':').then(|| digits(14, 2)).flatten()?;
        let second = is(16, b':').then(|| digits(17, 2)).flatten()?;
        let mut idx = 19;
        let mut nanos = 0u32;
        if is(idx, b'.') {
            idx += 1;
            let start = idx;
            while bytes.get(idx).is_some_and(u8::is_ascii_digit) {
                if idx - start < 9 {
                    nanos = nanos * 10 + u32::from(bytes[idx] - b'0');
                }
                idx += 1;
            }
            let n_digits = idx - start;
            if n_digits == 0 {
                return None;
            }
            for _ in n_digits..9 {
                nanos *= 10;
            }
        }
        if !is(idx, b'Z') {
            return None;
        }
        Some(Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanos,
            len: idx + 1,
        })
    }

    fn instant(&self) -> Option<Instant> {
        if self.second >= 60 || self.hour > 23 || self.minute > 59 {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(i32::try_from(self.year).ok()?, self.month, self.day)?;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
        let days = date.signed_duration_since(epoch).num_days();
        let seconds = days * 86_400
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        Some(Instant {
            seconds,
            nanos: self.nanos,
        })
    }
}

/// Finds the first byte of `bytes` that breaks the timestamp layout, for error offsets.
fn first_bad_offset(bytes: &[u8]) -> usize {
    const LAYOUT: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    for (idx, &want) in LAYOUT.iter().enumerate() {
        let ok = match (bytes.get(idx), want) {
            (Some(b), b'd') => b.is_ascii_digit(),
            (Some(b), want) => *b == want,
            (None, _) => false,
        };
        if !ok {
            return idx.min(bytes.len());
        }
    }
    let mut idx = LAYOUT.len();
    if bytes.get(idx) == Some(&b'.') {
        idx += 1;
        while bytes.get(idx).is_some_and(u8::is_ascii_digit) {
            idx += 1;
        }
    }
    idx.min(bytes.len())
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    #[track_caller]
    fn check_constant(text: &str, expect: Expect) {
        let parsed = PatternTimestamp::parse(text).map(|ts| ts.instant());
        expect.assert_eq(&format!("{parsed:?}"));
    }

    #[test]
    fn constants_follow_the_grammar_shape() {
        check_constant(
            "2024-01-15T12:30:45Z",
            expect!["Ok(Some(Instant { seconds: 1705321845, nanos: 0 }))"],
        );
        check_constant(
            "2024-01-15T12:30:45.123456789Z",
            expect!["Ok(Some(Instant { seconds: 1705321845, nanos: 123456789 }))"],
        );
        check_constant(
            "2024-01-15T12:30:45.1234567891Z",
            expect!["Ok(Some(Instant { seconds: 1705321845, nanos: 123456789 }))"],
        );
        check_constant("2024-02-30T12:00:00Z", expect!["Ok(None)"]);
        check_constant("2016-12-31T23:59:60Z", expect!["Ok(None)"]);
        check_constant(
            "3012-08-17T17:43:55Z",
            expect!["Ok(Some(Instant { seconds: 32902134235, nanos: 0 }))"],
        );
        check_constant("2024-13-01T12:00:00Z", expect!["Err(5)"]);
        check_constant("2024-01-15T12:30:61Z", expect!["Err(17)"]);
        check_constant("2024-01-15T12:30:45", expect!["Err(19)"]);
        check_constant("2024-01-15t12:30:45Z", expect!["Err(10)"]);
        check_constant("2024-01-15T12:30:45z", expect!["Err(19)"]);
        check_constant("2024-01-15T12:30Z", expect!["Err(16)"]);
        check_constant("2024-01-15T12:30:45.Z", expect!["Err(20)"]);
        check_constant("2024-01-15T12:30:45Zx", expect!["Err(20)"]);
    }

    #[test]
    fn json_timestamps_need_real_dates() {
        assert_eq!(
            Instant::parse_stix("1970-01-01T00:00:00Z"),
            Some(Instant {
                seconds: 0,
                nanos: 0
            })
        );
        assert_eq!(
            Instant::parse_stix("1969-12-31T23:59:59.5Z"),
            Some(Instant {
                seconds: -1,
                nanos: 500_000_000
            })
        );
        assert_eq!(Instant::parse_stix("2010-05-21T13:21:99Z"), None);
        assert_eq!(Instant::parse_stix("2010-05-21T13:21:43"), None);
        assert_eq!(Instant::parse_stix("2010/05/21T13:21:43Z"), None);
        let earlier = Instant::parse_stix("2000-01-01T00:00:00Z").expect("valid");
        let later = Instant::parse_stix("2000-01-01T00:00:01.25Z").expect("valid");
        assert_eq!(later.nanos_since(earlier), 1_250_000_000);
        assert_eq!(earlier.nanos_since(later), -1_250_000_000);
    }
}
