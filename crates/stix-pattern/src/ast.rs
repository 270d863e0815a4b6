//! The syntax tree of a STIX pattern (STIX 2.1 section 9).
//!
//! Chains of one operator are flat: `[a] AND [b] AND [c]` is one [`ObservationExpr::And`] with
//! three operands, whatever the parentheses. The three observation operators and the two
//! boolean operators are associative, so flattening keeps the meaning, and it keeps the tree
//! shallow whatever the input. Likewise the qualifiers that follow one observation expression
//! are a list. Parentheses that only group leave no trace: the printer puts back those the
//! precedence rules need.

use crate::timestamp::PatternTimestamp;

/// Which version of the patterning language a pattern is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StixVersion {
    /// STIX 2.0 (part 5 of the 2.0 specification): no `EXISTS`, observed data embeds its
    /// objects, repeated qualifiers are allowed.
    V2_0,
    /// STIX 2.1 (section 9 of the 2.1 specification).
    #[default]
    V2_1,
}

impl StixVersion {
    /// Parses `"2.0"` or `"2.1"`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "2.0" => Some(Self::V2_0),
            "2.1" => Some(Self::V2_1),
            _ => None,
        }
    }

    /// Returns `"2.0"` or `"2.1"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2_0 => "2.0",
            Self::V2_1 => "2.1",
        }
    }
}

/// A parsed STIX pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// The language version the pattern was parsed as.
    pub version: StixVersion,
    /// The whole pattern expression.
    pub expression: ObservationExpr,
}

/// An observation expression: what one or more observations must show.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservationExpr {
    /// `[ … ]`: comparisons that must hold for one object of one observation.
    Comparison(ComparisonExpr),
    /// `a AND b AND …`: each operand matches a different observation (two or more operands).
    And(Vec<ObservationExpr>),
    /// `a OR b OR …`: one operand matches (two or more operands).
    Or(Vec<ObservationExpr>),
    /// `a FOLLOWEDBY b FOLLOWEDBY …`: each operand matches a different observation, in time
    /// order (two or more operands).
    FollowedBy(Vec<ObservationExpr>),
    /// An expression followed by qualifiers, applied in order. The inner expression is never
    /// itself `Qualified`, and the list is never empty.
    Qualified {
        /// The qualified expression.
        expr: Box<ObservationExpr>,
        /// The qualifiers, in the order written.
        qualifiers: Vec<Qualifier>,
    },
}

/// A qualifier on an observation expression (STIX 2.1 section 9.5.1).
#[derive(Debug, Clone, PartialEq)]
pub enum Qualifier {
    /// `WITHIN n SECONDS`: all observations fall in a window of `n` seconds.
    Within(Seconds),
    /// `REPEATS n TIMES`: the expression matches `n` times on different observations.
    Repeats(u64),
    /// `START t'…' STOP t'…'`: every observation falls in `[start, stop)`.
    StartStop {
        /// Inclusive start.
        start: PatternTimestamp,
        /// Exclusive stop.
        stop: PatternTimestamp,
    },
}

/// The length of a `WITHIN` window, as written: an integer or a decimal number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Seconds {
    /// An integer number of seconds.
    Int(u128),
    /// A decimal number of seconds.
    Float(f64),
}

impl Seconds {
    /// Returns the window in seconds as a float.
    #[expect(
        clippy::cast_precision_loss,
        reason = "windows beyond 2^53 seconds need no precision"
    )]
    pub fn as_f64(self) -> f64 {
        match self {
            Self::Int(value) => value as f64,
            Self::Float(value) => value,
        }
    }
}

/// A comparison expression: the contents of `[ … ]`.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparisonExpr {
    /// One comparison.
    Comparison(Comparison),
    /// `a AND b AND …`: all hold for the same object (two or more operands).
    And(Vec<ComparisonExpr>),
    /// `a OR b OR …`: one holds (two or more operands).
    Or(Vec<ComparisonExpr>),
}

/// One comparison: an object path, an operator and its constant.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The property compared.
    pub path: ObjectPath,
    /// Whether the operator is preceded by `NOT`.
    pub negated: bool,
    /// The operator and its operand.
    pub test: Test,
}

/// A comparison operator with its constant (STIX 2.1 section 9.6.1).
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `=` (also written `==`).
    Equal(Constant),
    /// `!=` (also written `<>`).
    NotEqual(Constant),
    /// `<`.
    Less(Constant),
    /// `<=`.
    LessOrEqual(Constant),
    /// `>`.
    Greater(Constant),
    /// `>=`.
    GreaterOrEqual(Constant),
    /// `IN (…)`.
    In(Vec<Constant>),
    /// `LIKE '…'`, with SQL wildcards `%` and `_`.
    Like(String),
    /// `MATCHES '…'`, a PCRE-style regular expression.
    Matches(String),
    /// `ISSUBSET '…'`, an IP address or CIDR block.
    IsSubset(String),
    /// `ISSUPERSET '…'`, an IP address or CIDR block.
    IsSuperset(String),
    /// `EXISTS` (STIX 2.1 only): the path is written after the operator.
    Exists,
}

/// An object path: `type:property.key[0].other` (STIX 2.1 section 9.7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectPath {
    /// The SCO type the path starts from.
    pub object_type: String,
    /// The steps; the first is always a [`PathStep::Key`].
    pub steps: Vec<PathStep>,
}

/// One step of an object path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// A property name or dictionary key.
    Key(String),
    /// A list index; negative indices are allowed by the grammar and never match.
    Index(i128),
    /// `[*]`: any element of a list.
    AnyIndex,
}

/// A constant (STIX 2.1 section 9.2).
#[derive(Debug, Clone, PartialEq)]
pub enum Constant {
    /// An integer.
    Int(i128),
    /// A floating-point number (always finite).
    Float(f64),
    /// A string, unescaped.
    String(String),
    /// `true` or `false`.
    Bool(bool),
    /// `b'…'`: decoded base64.
    Binary(Vec<u8>),
    /// `h'…'`: decoded hex.
    Hex(Vec<u8>),
    /// `t'…'`.
    Timestamp(PatternTimestamp),
}

impl Constant {
    /// Returns the name of the constant's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Int(_) => "integer",
            Self::Float(_) => "float",
            Self::String(_) => "string",
            Self::Bool(_) => "boolean",
            Self::Binary(_) => "binary",
            Self::Hex(_) => "hex",
            Self::Timestamp(_) => "timestamp",
        }
    }
}
