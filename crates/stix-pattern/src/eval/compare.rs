//! Comparison expressions against one SCO: object paths resolved to values, and the operators
//! of STIX 2.1 section 9.6 with the type rules of sections 9.2 and 9.6.2-9.6.4.
//!
//! Where the specification leaves a case open, the OASIS matcher's behaviour decides, and the
//! choice is written next to the code.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::OnceLock;

use base64::Engine as _;
use ipnet::IpNet;
use unicode_normalization::UnicodeNormalization;

use super::data::Observation;
use crate::ast::{ComparisonExpr, Constant, PathStep, StixVersion, Test};
use crate::error::Error;
use crate::json::{JsonNumber, JsonValue};
use crate::rules::RegexMatcher;
use crate::timestamp::Instant;
use crate::{net, rules};

/// A comparison expression ready to evaluate: constants decoded, expressions compiled.
#[derive(Debug)]
pub(crate) enum PreparedExpr {
    Test(Box<PreparedTest>),
    And(Vec<PreparedExpr>),
    Or(Vec<PreparedExpr>),
}

#[derive(Debug)]
pub(crate) struct PreparedTest {
    object_type: String,
    steps: Vec<PathStep>,
    negated: bool,
    operator: Operator,
}

#[derive(Debug)]
enum Operator {
    Equal(Operand),
    NotEqual(Operand),
    Order(Ordering, bool, Operand),
    In(Vec<Operand>),
    Like {
        text: Vec<char>,
        bytes: Option<Vec<u8>>,
    },
    Matches(Box<MatchesOperator>),
    IsSubset(IpNet),
    IsSuperset(IpNet),
    Exists,
}

/// The compiled forms of a `MATCHES` expression (boxed: far larger than the other operators).
#[derive(Debug)]
struct MatchesOperator {
    source: String,
    text: RegexMatcher,
    /// Compiled for binary values when one is first met: most expressions never see one.
    bytes: OnceLock<Result<Option<RegexMatcher>, String>>,
}

/// A constant in the form comparisons use.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Int(i128),
    Float(f64),
    Str(String),
    Bool(bool),
    Bytes(Vec<u8>),
    Time(Instant),
}

/// The STIX 2.1 object types that are not cyber-observables: a pattern naming one never matches
/// (as in the OASIS matcher), because object paths address SCOs.
const NON_SCO_TYPES: &[&str] = &[
    "attack-pattern",
    "bundle",
    "campaign",
    "course-of-action",
    "extension-definition",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "language-content",
    "location",
    "malware",
    "malware-analysis",
    "marking-definition",
    "note",
    "observed-data",
    "opinion",
    "relationship",
    "report",
    "sighting",
    "threat-actor",
    "tool",
    "vulnerability",
];

impl PreparedExpr {
    /// Prepares a comparison expression.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Evaluation`] for constants that cannot be evaluated: a timestamp that
    /// names no real instant, a set of mixed types, an invalid IP or regular expression.
    pub fn new(expr: &ComparisonExpr) -> Result<Self, Error> {
        Ok(match expr {
            ComparisonExpr::Comparison(comparison) => {
                let operator = match &comparison.test {
                    Test::Equal(constant) => Operator::Equal(operand(constant)?),
                    Test::NotEqual(constant) => Operator::NotEqual(operand(constant)?),
                    Test::Less(constant) => {
                        Operator::Order(Ordering::Less, false, operand(constant)?)
                    }
                    Test::LessOrEqual(constant) => {
                        Operator::Order(Ordering::Less, true, operand(constant)?)
                    }
                    Test::Greater(constant) => {
                        Operator::Order(Ordering::Greater, false, operand(constant)?)
                    }
                    Test::GreaterOrEqual(constant) => {
                        Operator::Order(Ordering::Greater, true, operand(constant)?)
                    }
                    Test::In(members) => {
                        rules::check_homogeneous(members).map_err(Error::evaluation)?;
                        Operator::In(members.iter().map(operand).collect::<Result<_, _>>()?)
                    }
                    Test::Like(text) => {
                        let text: Vec<char> = text.nfc().collect();
                        let bytes = latin1(&text);
                        Operator::Like { text, bytes }
                    }
                    Test::Matches(text) => Operator::Matches(Box::new(MatchesOperator {
                        source: text.clone(),
                        text: rules::build_regex(text).map_err(Error::evaluation)?,
                        bytes: OnceLock::new(),
                    })),
                    Test::IsSubset(text) => Operator::IsSubset(ip_operand(text)?),
                    Test::IsSuperset(text) => Operator::IsSuperset(ip_operand(text)?),
                    Test::Exists => Operator::Exists,
                };
                Self::Test(Box::new(PreparedTest {
                    object_type: comparison.path.object_type.clone(),
                    steps: comparison.path.steps.clone(),
                    negated: comparison.negated,
                    operator,
                }))
            }
            ComparisonExpr::And(operands) => {
                Self::And(operands.iter().map(Self::new).collect::<Result<_, _>>()?)
            }
            ComparisonExpr::Or(operands) => {
                Self::Or(operands.iter().map(Self::new).collect::<Result<_, _>>()?)
            }
        })
    }

    /// Evaluates the expression with `root` as the object every path starts from.
    ///
    /// AND and OR stop at the first operand that decides; a data error in an operand that is
    /// not needed is therefore not reported.
    pub fn matches<V: JsonValue>(
        &self,
        root: &V,
        observation: &Observation<'_, V>,
        version: StixVersion,
    ) -> Result<bool, Error> {
        match self {
            Self::Test(test) => test.matches(root, observation, version),
            Self::And(operands) => {
                for operand in operands {
                    if !operand.matches(root, observation, version)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Self::Or(operands) => {
                for operand in operands {
                    if operand.matches(root, observation, version)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }
}

impl PreparedTest {
    fn matches<V: JsonValue>(
        &self,
        root: &V,
        observation: &Observation<'_, V>,
        version: StixVersion,
    ) -> Result<bool, Error> {
        let object_type = root.get("type").and_then(V::as_str);
        if object_type != Some(self.object_type.as_str()) {
            return Ok(false);
        }
        if version == StixVersion::V2_1 && NON_SCO_TYPES.contains(&self.object_type.as_str()) {
            return Ok(false);
        }
        let values = resolve(root, &self.steps, observation)?;
        if let Operator::Exists = self.operator {
            return Ok(values.is_empty() == self.negated);
        }
        // A path that leads nowhere makes the comparison false whatever the operator, NOT
        // included (STIX 2.1 section 9.6).
        for value in &values {
            if self.test(value)? != self.negated {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Applies the operator (without `NOT`) to one value.
    fn test<V: JsonValue>(&self, value: &Val<'_, V>) -> Result<bool, Error> {
        Ok(match &self.operator {
            Operator::Equal(constant) => equals(value, constant)? == Some(true),
            // Values of another type are "not equal" (STIX 2.1 section 9.6.1).
            Operator::NotEqual(constant) => equals(value, constant)? != Some(true),
            Operator::Order(direction, or_equal, constant) => match compare(value, constant)? {
                Some(Ordering::Equal) => *or_equal,
                Some(ordering) => ordering == *direction,
                None => false,
            },
            Operator::In(members) => {
                for member in members {
                    if equals(value, member)? == Some(true) {
                        return Ok(true);
                    }
                }
                false
            }
            Operator::Like { text, bytes } => match (value.text(), value) {
                (Some(string), _) => {
                    let normalised: Vec<char> = nfc(string).chars().collect();
                    like(&normalised, text)
                }
                (None, Val::Bytes(data)) => {
                    bytes.as_ref().is_some_and(|pattern| like(data, pattern))
                }
                _ => false,
            },
            Operator::Matches(matches) => match (value.text(), value) {
                (Some(string), _) => matches
                    .text
                    .is_match(nfc(string).as_bytes())
                    .map_err(regex_error)?,
                (None, Val::Bytes(data)) => {
                    match matches
                        .bytes
                        .get_or_init(|| rules::build_binary_regex(&matches.source))
                    {
                        Ok(Some(regex)) => regex.is_match(data).map_err(regex_error)?,
                        Ok(None) => false,
                        Err(error) => return Err(Error::evaluation(error.clone())),
                    }
                }
                _ => false,
            },
            // Values that are not IP addresses are of another type: the test is false.
            Operator::IsSubset(outer) => {
                address(value).is_some_and(|inner| net::is_subset(&inner, outer))
            }
            Operator::IsSuperset(inner) => {
                address(value).is_some_and(|outer| net::is_subset(inner, &outer))
            }
            Operator::Exists => unreachable!("EXISTS is decided before values are tested"),
        })
    }
}

/// A value reached by an object path.
#[derive(Debug)]
pub(crate) enum Val<'v, V> {
    /// A JSON value as found.
    Json(&'v V),
    /// The `value` of an `ipv4-addr` or `ipv6-addr` object, which compares as an address.
    Address(&'v str),
    /// A binary property (name ending in `_bin` or `_hex`), decoded.
    Bytes(Vec<u8>),
    /// A `_refs` list, dereferenced; `None` where a reference names no object of the
    /// observation.
    Refs(Vec<Option<&'v V>>),
}

impl<'v, V: JsonValue> Val<'v, V> {
    /// Returns the value as text when it is a string (an address included).
    fn text(&self) -> Option<&'v str> {
        match self {
            Val::Json(value) => value.as_str(),
            Val::Address(text) => Some(text),
            _ => None,
        }
    }

    /// Returns the value as text when it is a JSON string other than an address.
    fn json_text(&self) -> Option<&'v str> {
        match self {
            Val::Json(value) => value.as_str(),
            _ => None,
        }
    }

    fn number(&self) -> Option<JsonNumber> {
        match self {
            Val::Json(value) => value.as_number(),
            _ => None,
        }
    }

    fn boolean(&self) -> Option<bool> {
        match self {
            Val::Json(value) => value.as_bool(),
            _ => None,
        }
    }
}

/// Follows `steps` from `root`, fanning out at `[*]`; dereferences `_ref` and `_refs`
/// properties within `observation`.
fn resolve<'v, V: JsonValue>(
    root: &'v V,
    steps: &[PathStep],
    observation: &'v Observation<'_, V>,
) -> Result<Vec<Val<'v, V>>, Error> {
    let mut current = vec![Val::Json(root)];
    for step in steps {
        let mut next = Vec::new();
        for value in current {
            match (step, value) {
                (PathStep::Key(key), Val::Json(object)) => {
                    if let Some(found) = object.get(key) {
                        next.extend(step_into(object, key, found, observation)?);
                    }
                }
                (PathStep::Index(index), Val::Json(array)) => {
                    let items = array.as_array().unwrap_or_default();
                    if let Some(item) = usize::try_from(*index).ok().and_then(|idx| items.get(idx))
                    {
                        next.push(Val::Json(item));
                    }
                }
                (PathStep::Index(index), Val::Refs(items)) => {
                    if let Some(Some(item)) =
                        usize::try_from(*index).ok().and_then(|idx| items.get(idx))
                    {
                        next.push(Val::Json(item));
                    }
                }
                (PathStep::AnyIndex, Val::Json(array)) => {
                    next.extend(array.as_array().unwrap_or_default().iter().map(Val::Json));
                }
                (PathStep::AnyIndex, Val::Refs(items)) => {
                    next.extend(items.into_iter().flatten().map(Val::Json));
                }
                _ => {}
            }
        }
        if next.is_empty() {
            return Ok(next);
        }
        current = next;
    }
    Ok(current)
}

/// Takes the key step `key` (found in `object` with value `found`): decodes binary properties,
/// dereferences references, and marks IP address values. A reference to an object that is not
/// part of the observation leads nowhere.
fn step_into<'v, V: JsonValue>(
    object: &'v V,
    key: &str,
    found: &'v V,
    observation: &'v Observation<'_, V>,
) -> Result<Option<Val<'v, V>>, Error> {
    let describe = || match object.get("id").and_then(V::as_str) {
        Some(id) => format!("property {key} of {id}"),
        None => format!("property {key}"),
    };
    // STIX 2.1 section 9.6.4: binary and hex properties are compared as their octets.
    if key.ends_with("_hex") || key.ends_with("_bin") {
        let text = found
            .as_str()
            .ok_or_else(|| Error::evaluation(format!("{} is not a string", describe())))?;
        let bytes = if key.ends_with("_hex") {
            hex::decode(text)
                .map_err(|_| Error::evaluation(format!("{} is not hex", describe())))?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| Error::evaluation(format!("{} is not base64", describe())))?
        };
        return Ok(Some(Val::Bytes(bytes)));
    }
    if key.ends_with("_ref") {
        let reference = found.as_str().ok_or_else(|| {
            Error::evaluation(format!("{} is not a reference string", describe()))
        })?;
        return Ok(observation.resolve(reference).map(Val::Json));
    }
    if key.ends_with("_refs") {
        let references = found
            .as_array()
            .ok_or_else(|| Error::evaluation(format!("{} is not a list", describe())))?;
        let objects = references
            .iter()
            .map(|reference| {
                reference
                    .as_str()
                    .map(|reference| observation.resolve(reference))
                    .ok_or_else(|| {
                        Error::evaluation(format!(
                            "{} holds a reference that is not a string",
                            describe()
                        ))
                    })
            })
            .collect::<Result<_, _>>()?;
        return Ok(Some(Val::Refs(objects)));
    }
    let object_type = object.get("type").and_then(V::as_str);
    if key == "value"
        && matches!(object_type, Some("ipv4-addr" | "ipv6-addr"))
        && let Some(text) = found.as_str()
    {
        return Ok(Some(Val::Address(text)));
    }
    Ok(Some(Val::Json(found)))
}

fn operand(constant: &Constant) -> Result<Operand, Error> {
    Ok(match constant {
        Constant::Int(value) => Operand::Int(*value),
        Constant::Float(value) => Operand::Float(*value),
        Constant::String(text) => Operand::Str(text.clone()),
        Constant::Bool(value) => Operand::Bool(*value),
        Constant::Binary(bytes) | Constant::Hex(bytes) => Operand::Bytes(bytes.clone()),
        Constant::Timestamp(timestamp) => Operand::Time(timestamp.instant().ok_or_else(|| {
            Error::evaluation(format!(
                "timestamp constant {timestamp} names no real instant"
            ))
        })?),
    })
}

fn ip_operand(text: &str) -> Result<IpNet, Error> {
    net::parse_ip_or_cidr(text)
        .ok_or_else(|| Error::evaluation(format!("'{text}' is not an IP address or CIDR block")))
}

fn regex_error(error: String) -> Error {
    Error::evaluation(format!("regular expression failed: {error}"))
}

/// Returns `text` in NFC, without copying when it already is (the usual case).
fn nfc(text: &str) -> Cow<'_, str> {
    match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => Cow::Borrowed(text),
        _ => Cow::Owned(text.nfc().collect()),
    }
}

/// Reads a value as an IP address or block, for ISSUBSET and ISSUPERSET.
fn address<V: JsonValue>(value: &Val<'_, V>) -> Option<IpNet> {
    value.text().and_then(net::parse_ip_or_cidr)
}

/// Converts code points below U+0100 to octets (STIX 2.1 section 9.6.4); `None` when a code
/// point is above.
fn latin1(chars: &[char]) -> Option<Vec<u8>> {
    chars
        .iter()
        .map(|c| u8::try_from(u32::from(*c)).ok())
        .collect()
}

fn latin1_str(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

/// Reads a JSON string as a timestamp, for comparison with a timestamp constant.
///
/// A string that is not a STIX timestamp is an error rather than a mismatch: the property
/// holds a timestamp in a form the pattern cannot be checked against (the OASIS matcher does
/// the same).
fn json_time(text: &str) -> Result<Instant, Error> {
    Instant::parse_stix(text)
        .ok_or_else(|| Error::evaluation(format!("value {text:?} is not a valid timestamp")))
}

/// Equality of a value and a constant: `Some(true)` or `Some(false)` when they are comparable,
/// `None` when their types are not (STIX 2.1 section 9.6.1).
fn equals<V: JsonValue>(value: &Val<'_, V>, constant: &Operand) -> Result<Option<bool>, Error> {
    Ok(match (value, constant) {
        (_, Operand::Int(_) | Operand::Float(_)) => value
            .number()
            .and_then(|number| compare_numbers(number, constant))
            .map(|ordering| ordering == Ordering::Equal),
        (Val::Address(text), Operand::Str(expected)) => Some(same_address(text, expected)),
        (Val::Bytes(bytes), Operand::Str(text)) => {
            Some(latin1_str(text).is_some_and(|converted| &converted == bytes))
        }
        (_, Operand::Str(expected)) => value.json_text().map(|text| text == expected),
        (_, Operand::Bool(expected)) => value.boolean().map(|flag| flag == *expected),
        (Val::Bytes(bytes), Operand::Bytes(expected)) => Some(bytes == expected),
        // A string compares with binary data when every code point is below U+0100; when one is
        // not, they are not equal (STIX 2.1 section 9.6.4).
        (_, Operand::Bytes(bytes)) => value
            .text()
            .map(|text| latin1_str(text).is_some_and(|converted| &converted == bytes)),
        (_, Operand::Time(expected)) => match value.text() {
            Some(text) => Some(json_time(text)? == *expected),
            None => None,
        },
    })
}

/// Ordering of a value against a constant; `None` when the types are not ordered together.
fn compare<V: JsonValue>(
    value: &Val<'_, V>,
    constant: &Operand,
) -> Result<Option<Ordering>, Error> {
    Ok(match (value, constant) {
        (_, Operand::Int(_) | Operand::Float(_)) => value
            .number()
            .and_then(|number| compare_numbers(number, constant)),
        (Val::Bytes(bytes), Operand::Bytes(expected)) => Some(bytes.as_slice().cmp(expected)),
        (Val::Bytes(bytes), Operand::Str(text)) => {
            latin1_str(text).map(|converted| bytes.as_slice().cmp(&converted))
        }
        // Strings order by code point (STIX 2.1 section 9.6.2): UTF-8 byte order is the same.
        (_, Operand::Str(expected)) => value.text().map(|text| text.cmp(expected.as_str())),
        (_, Operand::Bytes(expected)) => value
            .text()
            .and_then(latin1_str)
            .map(|converted| converted.as_slice().cmp(expected)),
        (_, Operand::Time(expected)) => match value.text() {
            Some(text) => Some(json_time(text)?.cmp(expected)),
            None => None,
        },
        _ => None,
    })
}

/// Compares a JSON number with a numeric constant exactly: an integer and a float are equal
/// only when the float has no fractional part (STIX 2.1 section 9.2, integer constants).
fn compare_numbers(number: JsonNumber, constant: &Operand) -> Option<Ordering> {
    let json = match number {
        JsonNumber::Int(value) => Num::Int(value),
        JsonNumber::Float(value) => Num::Float(value),
    };
    let constant = match constant {
        Operand::Int(value) => Num::Int(*value),
        Operand::Float(value) => Num::Float(*value),
        _ => return None,
    };
    json.cmp(constant)
}

#[derive(Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn cmp(self, other: Num) -> Option<Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            (Num::Float(a), Num::Float(b)) => a.partial_cmp(&b),
            (Num::Int(a), Num::Float(b)) => int_float_cmp(a, b),
            (Num::Float(a), Num::Int(b)) => int_float_cmp(b, a).map(Ordering::reverse),
        }
    }
}

/// Compares an integer with a float without rounding either.
#[expect(clippy::cast_possible_truncation, reason = "guarded by range checks")]
fn int_float_cmp(int: i128, float: f64) -> Option<Ordering> {
    if float.is_nan() {
        return None;
    }
    // Beyond ±2^127 every i128 is on one side.
    if float >= 1.7e38 {
        return Some(Ordering::Less);
    }
    if float <= -1.7e38 {
        return Some(Ordering::Greater);
    }
    let floor = float.floor();
    let whole = floor as i128;
    match int.cmp(&whole) {
        Ordering::Equal if float > floor => Some(Ordering::Less),
        ordering => Some(ordering),
    }
}

/// Compares two IP address texts as address blocks when both parse (`198.51.100.1` equals
/// `198.51.100.1/32`), as strings otherwise.
fn same_address(value: &str, constant: &str) -> bool {
    match (
        net::parse_ip_or_cidr(value),
        net::parse_ip_or_cidr(constant),
    ) {
        (Some(value), Some(constant)) => value == constant,
        _ => value == constant,
    }
}

/// SQL `LIKE`: `%` is any run of items, `_` any one item (STIX 2.1 section 9.6.1). There is
/// no escape character.
fn like<T: Copy + PartialEq + From<u8>>(value: &[T], pattern: &[T]) -> bool {
    let percent = T::from(b'%');
    let underscore = T::from(b'_');
    let (mut v, mut p) = (0, 0);
    // Where to resume after the last `%`: (pattern position after it, value position).
    let mut resume: Option<(usize, usize)> = None;
    while v < value.len() {
        if p < pattern.len() && pattern[p] == percent {
            p += 1;
            resume = Some((p, v));
        } else if p < pattern.len() && (pattern[p] == underscore || pattern[p] == value[v]) {
            p += 1;
            v += 1;
        } else if let Some((after, start)) = resume {
            p = after;
            v = start + 1;
            resume = Some((after, start + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|item| *item == percent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn like_wildcards() {
        let check = |value: &str, pattern: &str| like(&chars(value), &chars(pattern));
        assert!(check("hello", "he%"));
        assert!(check("hello", "he__o"));
        assert!(check("hello", "%"));
        assert!(check("", "%"));
        assert!(check("a\nb", "a%b"));
        assert!(check("C:\\Windows\\x\\foo", "C:\\Windows\\%\\foo"));
        assert!(!check("hello", "he_o"));
        assert!(!check("hello", "hello_"));
        assert!(check("abcabc", "%bc"));
        assert!(!check("abcab", "%bc"));
        assert!(check("aaa", "%a%a%a%"));
    }

    #[test]
    fn integers_and_floats_compare_exactly() {
        assert_eq!(int_float_cmp(12, 12.0), Some(Ordering::Equal));
        assert_eq!(int_float_cmp(12, 12.5), Some(Ordering::Less));
        assert_eq!(int_float_cmp(13, 12.5), Some(Ordering::Greater));
        assert_eq!(int_float_cmp(-3, -2.5), Some(Ordering::Less));
        assert_eq!(int_float_cmp(i128::MAX, 1e300), Some(Ordering::Less));
        assert_eq!(
            int_float_cmp(1 << 60, (1u64 << 60) as f64),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn addresses_compare_as_blocks() {
        assert!(same_address("198.51.100.1", "198.51.100.1/32"));
        assert!(same_address("10.0.0.0/8", "10.0.0.1/8"));
        assert!(!same_address("10.1.2.3", "10.0.0.0/8"));
        assert!(same_address("not an ip", "not an ip"));
    }
}
