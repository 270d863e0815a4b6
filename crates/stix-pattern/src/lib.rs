//! STIX patterning (STIX 2.1 section 9, and STIX 2.0 part 5): a lexer and recursive-descent
//! parser, the syntax tree, a printer giving a canonical form, an evaluator of patterns against
//! observed data, and a compiler that turns a pattern into the lookup keys a log matcher can
//! decide it with.
//!
//! - [`Pattern::parse`] accepts what the grammar accepts; [`Pattern::validate`] also applies
//!   the specification's rules beyond the grammar. Errors carry the byte offset.
//! - `pattern.to_string()` prints the canonical form, which parses back to the same tree.
//! - [`Evaluator`] matches a pattern against [`Observations`] built from observed-data
//!   objects, with `object_refs` resolved through a [`ScoSource`] (STIX 2.1) or embedded
//!   `objects` (STIX 2.0), and returns the observations that bound the match.
//! - [`compile`] gives the [`LookupKey`]s (domains, addresses, URLs, hashes, …) that can decide a
//!   pattern, and whether a hit on them is a match on its own ([`Decision`]).
//!
//! This crate does no IO, has no async, spawns no threads and never panics on input: parsing
//! recursion is bounded by [`MAX_DEPTH`] and evaluation work by [`EvalLimits`].

mod ast;
mod compile;
mod error;
mod eval;
mod json;
mod lexer;
mod net;
mod parser;
mod printer;
mod rules;
mod timestamp;

pub use ast::{
    Comparison, ComparisonExpr, Constant, ObjectPath, ObservationExpr, PathStep, Pattern,
    Qualifier, Seconds, StixVersion, Test,
};
pub use compile::{
    CompiledPattern, Decision, HashAlgorithm, HashedObject, LookupKey, compile, normalize,
    observation_keys, parse_indicator, sco_keys,
};
pub use error::Error;
pub use eval::data::{Observation, Observations, ScoMap, ScoSource};
pub use eval::{BoundObservation, EvalLimits, Evaluator, Match};
pub use json::{JsonNumber, JsonValue};
pub use parser::MAX_DEPTH;
pub use timestamp::{Instant, PatternTimestamp};
