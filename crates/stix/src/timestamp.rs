//! STIX timestamps: RFC 3339 in UTC with a trailing `Z`, keeping the written sub-second
//! precision so that a timestamp prints back exactly as it was read.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Error returned when a string is not a valid STIX timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {value:?} at offset {offset}: {reason}")]
pub struct TimestampError {
    /// The offending input.
    pub value: String,
    /// Byte offset in `value` where the problem was found.
    pub offset: usize,
    /// What was expected there.
    pub reason: &'static str,
}

/// A STIX timestamp.
///
/// Equality, ordering and hashing use the instant only: `2016-01-01T00:00:00Z` and
/// `2016-01-01T00:00:00.000Z` are the same version of an object. The number of fractional
/// digits written is kept so that the text round-trips.
#[derive(Clone, Copy)]
pub struct StixTimestamp {
    instant: DateTime<Utc>,
    frac_digits: u8,
}

impl StixTimestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
    ///
    /// STIX requires UTC with a trailing `Z`; offsets such as `+01:00` are refused rather than
    /// converted, because a converted value would no longer round-trip.
    ///
    /// # Errors
    ///
    /// Returns [`TimestampError`] naming the offset of the first character that does not fit.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let err = |offset, reason| TimestampError {
            value: text.to_owned(),
            offset,
            reason,
        };
        let bytes = text.as_bytes();
        let digits = |start: usize, len: usize| -> Result<u32, TimestampError> {
            let slice = bytes
                .get(start..start + len)
                .ok_or_else(|| err(text.len().min(start), "unexpected end of timestamp"))?;
            let mut value = 0u32;
            for (idx, &b) in slice.iter().enumerate() {
                if !b.is_ascii_digit() {
                    return Err(err(start + idx, "expected a digit"));
                }
                value = value * 10 + u32::from(b - b'0');
            }
            Ok(value)
        };
        let expect = |idx: usize, want: u8, reason| -> Result<(), TimestampError> {
            match bytes.get(idx) {
                Some(&b) if b == want => Ok(()),
                _ => Err(err(idx.min(text.len()), reason)),
            }
        };
        let year = digits(0, 4)?;
        expect(4, b'-', "expected '-'")?;
        let month = digits(5, 2)?;
        expect(7, b'-', "expected '-'")?;
        let day = digits(8, 2)?;
        expect(10, b'T', "expected 'T'")?;
        let hour = digits(11, 2)?;
        expect(13, b':', "expected ':'")?;
        let minute = digits(14, 2)?;
        expect(16, b':', "expected ':'")?;
        let second = digits(17, 2)?;
        let mut idx = 19;
        let mut nanos = 0u32;
        let mut frac_digits = 0u8;
        if bytes.get(idx) == Some(&b'.') {
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
                return Err(err(idx, "expected a digit after '.'"));
            }
            if n_digits > 9 {
                return Err(err(start + 9, "more than nanosecond precision"));
            }
            nanos *= 10u32.pow(9 - u32::try_from(n_digits).expect("at most 9"));
            frac_digits = u8::try_from(n_digits).expect("at most 9");
        }
        match bytes.get(idx) {
            Some(b'Z') => {}
            Some(b'+' | b'-') => return Err(err(idx, "STIX timestamps must be UTC ending in 'Z'")),
            _ => return Err(err(idx.min(text.len()), "expected 'Z'")),
        }
        if idx + 1 != text.len() {
            return Err(err(idx + 1, "unexpected text after 'Z'"));
        }
        let date = i32::try_from(year)
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, month, day))
            .ok_or_else(|| err(0, "no such date"))?;
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
            .filter(|_| second < 60)
            .ok_or_else(|| err(11, "no such time of day"))?;
        Ok(Self {
            instant: NaiveDateTime::new(date, time).and_utc(),
            frac_digits,
        })
    }

    /// Wraps an instant, printing `frac_digits` fractional digits (0 to 9).
    ///
    /// Digits beyond `frac_digits` are truncated from the instant so that it prints exactly.
    pub fn from_datetime(instant: DateTime<Utc>, frac_digits: u8) -> Self {
        let frac_digits = frac_digits.min(9);
        Self {
            instant: instant.trunc_subsecs(u16::from(frac_digits)),
            frac_digits,
        }
    }

    /// Returns the current time with millisecond precision, as STIX recommends for
    /// `created` and `modified`.
    pub fn now() -> Self {
        Self::from_datetime(Utc::now(), 3)
    }

    /// Builds a timestamp from microseconds since the Unix epoch, printed with six digits.
    ///
    /// Returns `None` when the value is out of chrono's range.
    pub fn from_micros(micros: i64) -> Option<Self> {
        DateTime::from_timestamp_micros(micros).map(|instant| Self {
            instant,
            frac_digits: 6,
        })
    }

    /// Returns the instant.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.instant
    }

    /// Returns microseconds since the Unix epoch (sub-microsecond digits are truncated).
    pub fn to_micros(&self) -> i64 {
        self.instant.timestamp_micros()
    }

    /// Returns the number of fractional-second digits as written.
    pub fn frac_digits(&self) -> u8 {
        self.frac_digits
    }

    /// Returns the same instant printed with a different number of fractional digits.
    pub fn with_frac_digits(&self, frac_digits: u8) -> Self {
        Self::from_datetime(self.instant, frac_digits)
    }
}

impl fmt::Display for StixTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.instant.format("%Y-%m-%dT%H:%M:%S"))?;
        if self.frac_digits > 0 {
            let nanos = self.instant.nanosecond() % 1_000_000_000;
            let scaled = nanos / 10u32.pow(9 - u32::from(self.frac_digits));
            write!(
                f,
                ".{scaled:0width$}",
                width = usize::from(self.frac_digits)
            )?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for StixTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StixTimestamp({self})")
    }
}

impl PartialEq for StixTimestamp {
    fn eq(&self, other: &Self) -> bool {
        self.instant == other.instant
    }
}

impl Eq for StixTimestamp {}

impl Hash for StixTimestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.instant.hash(state);
    }
}

impl PartialOrd for StixTimestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for StixTimestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant.cmp(&other.instant)
    }
}

impl FromStr for StixTimestamp {
    type Err = TimestampError;
    fn from_str(text: &str) -> Result<Self, TimestampError> {
        Self::parse(text)
    }
}

impl Serialize for StixTimestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StixTimestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_precision() {
        for text in [
            "2016-04-06T20:03:48Z",
            "2016-04-06T20:03:48.1Z",
            "2016-04-06T20:03:48.000Z",
            "2016-04-06T20:03:48.000123Z",
            "2016-04-06T20:03:48.123456789Z",
        ] {
            assert_eq!(StixTimestamp::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn equal_instants_are_equal_whatever_the_precision() {
        let a = StixTimestamp::parse("2016-04-06T20:03:48Z").unwrap();
        let b = StixTimestamp::parse("2016-04-06T20:03:48.000Z").unwrap();
        assert_eq!(a, b);
        assert!(StixTimestamp::parse("2016-04-06T20:03:48.001Z").unwrap() > b);
    }

    #[test]
    fn refuses_offsets_and_bad_text_with_the_offset() {
        let err = StixTimestamp::parse("2016-04-06T20:03:48+01:00").unwrap_err();
        assert_eq!(err.offset, 19);
        let err = StixTimestamp::parse("2016-04-06 20:03:48Z").unwrap_err();
        assert_eq!(err.offset, 10);
        assert!(StixTimestamp::parse("2016-02-30T20:03:48Z").is_err());
        assert!(StixTimestamp::parse("2016-02-10T24:03:48Z").is_err());
        assert!(StixTimestamp::parse("2016-02-10T20:03:48.Z").is_err());
        assert!(StixTimestamp::parse("2016-02-10T20:03:48Zjunk").is_err());
        assert!(StixTimestamp::parse("2016-02-10T20:03:48.0000000001Z").is_err());
        assert!(StixTimestamp::parse("").is_err());
    }

    #[test]
    fn micros_round_trip() {
        let ts = StixTimestamp::parse("2016-04-06T20:03:48.000123Z").unwrap();
        assert_eq!(StixTimestamp::from_micros(ts.to_micros()).unwrap(), ts);
    }
}
