//! The crate's error type: problems in a pattern (with the byte offset), in observed data (with
//! the object and JSON path), and in evaluation.

/// Everything that can go wrong when parsing, validating or evaluating a STIX pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The pattern does not follow the grammar at `offset`.
    #[error("invalid pattern at offset {offset}: expected {expected}, found {found}")]
    Syntax {
        /// Byte offset of the offending token in the pattern.
        offset: usize,
        /// What the grammar allows at this point.
        expected: String,
        /// The token that was found there, quoted, or `end of pattern`.
        found: String,
    },
    /// The pattern is well formed but breaks a rule of the specification at `offset`, or
    /// holds a constant that is not valid (an unknown escape, a bad timestamp, ...).
    #[error("invalid pattern at offset {offset}: {reason}")]
    Invalid {
        /// Byte offset of the offending part of the pattern.
        offset: usize,
        /// What is wrong, in a sentence fragment.
        reason: String,
    },
    /// The pattern nests parentheses or brackets deeper than the parser allows.
    #[error("invalid pattern at offset {offset}: nested deeper than {limit} levels")]
    TooDeep {
        /// Byte offset of the bracket that went too deep.
        offset: usize,
        /// The nesting limit.
        limit: usize,
    },
    /// The observed data given to the evaluator is malformed.
    #[error("invalid observed data at {location}: {reason}")]
    ObservedData {
        /// Where: an object id and/or a JSON path such as `$[0].objects[2].first_observed`.
        location: String,
        /// What is wrong.
        reason: String,
    },
    /// The pattern parsed but cannot be evaluated: a constant without a meaning (such as
    /// `t'2024-02-30T00:00:00Z'`), `WITHIN 0 SECONDS`, a set of mixed types, a data value that
    /// contradicts the constant it is compared with, ...
    #[error("cannot evaluate pattern: {reason}")]
    Evaluation {
        /// What prevented evaluation.
        reason: String,
    },
    /// Evaluation would need more work than the evaluator allows; see
    /// [`crate::EvalLimits`].
    #[error("pattern too complex to evaluate: {reason}")]
    TooComplex {
        /// Which limit was reached.
        reason: String,
    },
}

impl Error {
    /// Returns the byte offset in the pattern for errors about the pattern text.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::Syntax { offset, .. }
            | Self::Invalid { offset, .. }
            | Self::TooDeep { offset, .. } => Some(*offset),
            Self::ObservedData { .. } | Self::Evaluation { .. } | Self::TooComplex { .. } => None,
        }
    }

    pub(crate) fn invalid(offset: usize, reason: impl Into<String>) -> Self {
        Self::Invalid {
            offset,
            reason: reason.into(),
        }
    }

    pub(crate) fn evaluation(reason: impl Into<String>) -> Self {
        Self::Evaluation {
            reason: reason.into(),
        }
    }

    pub(crate) fn observed_data(location: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::ObservedData {
            location: location.into(),
            reason: reason.into(),
        }
    }
}
