//! The printer: a canonical text for a pattern, which parses back to the same tree.
//!
//! Canonical means: single spaces around operators and keywords, the operator spellings `=`
//! and `!=` (never `==` or `<>`), property names quoted only when they must be, parentheses only
//! where precedence needs them, hex in lower case and base64 with padding. When one bracketed
//! expression carries two qualifiers of one kind, the first ones are wrapped in parentheses, so
//! that the canonical text of a valid pattern is valid too.

use std::fmt::{self, Display, Formatter, Write as _};

use base64::Engine as _;

use crate::ast::{
    Comparison, ComparisonExpr, Constant, ObjectPath, ObservationExpr, PathStep, Pattern,
    Qualifier, Seconds, StixVersion, Test,
};
use crate::lexer::{is_plain_identifier, is_reserved};

impl Display for Pattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.expression.fmt(f)
    }
}

impl Display for ObservationExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_observation(self, Place::Top, f)
    }
}

impl Display for ComparisonExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_comparison_expr(self, Place::Top, f)
    }
}

/// Where an expression is printed, which decides whether it needs parentheses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Top,
    FollowedByOperand,
    OrOperand,
    AndOperand,
    Qualified,
}

fn write_observation(expr: &ObservationExpr, place: Place, f: &mut Formatter<'_>) -> fmt::Result {
    let (operands, operator, own_place) = match expr {
        ObservationExpr::Comparison(comparison) => return write!(f, "[{comparison}]"),
        ObservationExpr::Qualified { expr, qualifiers } => {
            return write_qualified(expr, qualifiers, f);
        }
        ObservationExpr::And(operands) => (operands, " AND ", Place::AndOperand),
        ObservationExpr::Or(operands) => (operands, " OR ", Place::OrOperand),
        ObservationExpr::FollowedBy(operands) => {
            (operands, " FOLLOWEDBY ", Place::FollowedByOperand)
        }
    };
    // Precedence from loose to tight: FOLLOWEDBY, OR, AND, qualifiers.
    let rank = |place: Place| match place {
        Place::Top => 0,
        Place::FollowedByOperand => 1,
        Place::OrOperand => 2,
        Place::AndOperand => 3,
        Place::Qualified => 4,
    };
    let parenthesise = rank(place) >= rank(own_place);
    write_joined(operands, operator, parenthesise, f, |operand, f| {
        write_observation(operand, own_place, f)
    })
}

/// Writes `operands` separated by `operator`, in parentheses if asked.
fn write_joined<T>(
    operands: &[T],
    operator: &str,
    parenthesise: bool,
    f: &mut Formatter<'_>,
    write: impl Fn(&T, &mut Formatter<'_>) -> fmt::Result,
) -> fmt::Result {
    if parenthesise {
        f.write_char('(')?;
    }
    for (idx, operand) in operands.iter().enumerate() {
        if idx > 0 {
            f.write_str(operator)?;
        }
        write(operand, f)?;
    }
    if parenthesise {
        f.write_char(')')?;
    }
    Ok(())
}

fn write_qualified(
    expr: &ObservationExpr,
    qualifiers: &[Qualifier],
    f: &mut Formatter<'_>,
) -> fmt::Result {
    // STIX 2.1 allows one qualifier of each kind right after `[ … ]` but any number after a
    // parenthesised group: split the list where a kind would repeat.
    let direct = if matches!(expr, ObservationExpr::Comparison(_)) {
        let mut kinds = Vec::new();
        qualifiers
            .iter()
            .take_while(|qualifier| {
                let kind = std::mem::discriminant(*qualifier);
                let fresh = !kinds.contains(&kind);
                kinds.push(kind);
                fresh
            })
            .count()
    } else {
        0
    };
    let (first, rest) = qualifiers.split_at(direct);
    if !rest.is_empty() && !first.is_empty() {
        f.write_char('(')?;
    }
    write_observation(expr, Place::Qualified, f)?;
    for qualifier in first {
        write!(f, " {qualifier}")?;
    }
    if !rest.is_empty() && !first.is_empty() {
        f.write_char(')')?;
    }
    for qualifier in rest {
        write!(f, " {qualifier}")?;
    }
    Ok(())
}

impl Display for Qualifier {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Within(seconds) => write!(f, "WITHIN {seconds} SECONDS"),
            Self::Repeats(count) => write!(f, "REPEATS {count} TIMES"),
            Self::StartStop { start, stop } => write!(f, "START {start} STOP {stop}"),
        }
    }
}

impl Display for Seconds {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(value) => write!(f, "{value}"),
            Self::Float(value) => write_float(*value, f),
        }
    }
}

fn write_comparison_expr(
    expr: &ComparisonExpr,
    place: Place,
    f: &mut Formatter<'_>,
) -> fmt::Result {
    let (operands, operator, own_place) = match expr {
        ComparisonExpr::Comparison(comparison) => return comparison.fmt(f),
        ComparisonExpr::And(operands) => (operands, " AND ", Place::AndOperand),
        ComparisonExpr::Or(operands) => (operands, " OR ", Place::OrOperand),
    };
    let parenthesise = match own_place {
        Place::AndOperand => place == Place::AndOperand,
        _ => place != Place::Top,
    };
    write_joined(operands, operator, parenthesise, f, |operand, f| {
        write_comparison_expr(operand, own_place, f)
    })
}

impl Display for Comparison {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let not = if self.negated { "NOT " } else { "" };
        let path = &self.path;
        match &self.test {
            Test::Exists => write!(f, "{not}EXISTS {path}"),
            Test::Equal(constant) => write!(f, "{path} {not}= {constant}"),
            Test::NotEqual(constant) => write!(f, "{path} {not}!= {constant}"),
            Test::Less(constant) => write!(f, "{path} {not}< {constant}"),
            Test::LessOrEqual(constant) => write!(f, "{path} {not}<= {constant}"),
            Test::Greater(constant) => write!(f, "{path} {not}> {constant}"),
            Test::GreaterOrEqual(constant) => write!(f, "{path} {not}>= {constant}"),
            Test::In(members) => {
                write!(f, "{path} {not}IN (")?;
                write_joined(members, ", ", false, f, Constant::fmt)?;
                f.write_char(')')
            }
            Test::Like(text) => write!(f, "{path} {not}LIKE {}", Quoted(text)),
            Test::Matches(text) => write!(f, "{path} {not}MATCHES {}", Quoted(text)),
            Test::IsSubset(text) => write!(f, "{path} {not}ISSUBSET {}", Quoted(text)),
            Test::IsSuperset(text) => write!(f, "{path} {not}ISSUPERSET {}", Quoted(text)),
        }
    }
}

impl Display for ObjectPath {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.object_type)?;
        for (idx, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Key(key) => {
                    if idx > 0 {
                        f.write_char('.')?;
                    }
                    // EXISTS is reserved in 2.1 only; quoting it is right in both versions.
                    if is_plain_identifier(key) && !is_reserved(key, StixVersion::V2_1) {
                        f.write_str(key)?;
                    } else {
                        Quoted(key).fmt(f)?;
                    }
                }
                PathStep::Index(index) => write!(f, "[{index}]")?,
                PathStep::AnyIndex => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

impl Display for Constant {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(value) => write!(f, "{value}"),
            Self::Float(value) => write_float(*value, f),
            Self::String(text) => Quoted(text).fmt(f),
            Self::Bool(value) => write!(f, "{value}"),
            Self::Binary(bytes) => write!(
                f,
                "b'{}'",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ),
            Self::Hex(bytes) => write!(f, "h'{}'", hex::encode(bytes)),
            Self::Timestamp(timestamp) => timestamp.fmt(f),
        }
    }
}

/// Writes a float so that it reads back as a float: Rust never uses an exponent in `Display`,
/// and a whole number gets `.0`.
fn write_float(value: f64, f: &mut Formatter<'_>) -> fmt::Result {
    let text = value.to_string();
    if text.contains('.') {
        f.write_str(&text)
    } else {
        write!(f, "{text}.0")
    }
}

/// A string constant with its quotes and escapes.
struct Quoted<'a>(&'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('\'')?;
        for c in self.0.chars() {
            if c == '\'' || c == '\\' {
                f.write_char('\\')?;
            }
            f.write_char(c)?;
        }
        f.write_char('\'')
    }
}
