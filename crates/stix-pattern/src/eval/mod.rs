//! The evaluator: does a pattern match a set of observations, and which observations bind it?
//!
//! Evaluation follows STIX 2.1 sections 9.4 to 9.7: the comparisons in one pair of brackets
//! must hold on objects reached from one SCO of one observation; `AND`, `OR` and `FOLLOWEDBY`
//! combine different observations; each observed-data counts `number_observed` times; the
//! qualifiers constrain the observations' `first_observed`/`last_observed` windows.
//!
//! ```
//! use stix_pattern::{Evaluator, Observations, Pattern, StixVersion};
//!
//! let bundle = serde_json::json!({
//!     "type": "bundle",
//!     "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
//!     "objects": [
//!         {
//!             "type": "observed-data",
//!             "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
//!             "first_observed": "2024-01-01T00:00:00Z",
//!             "last_observed": "2024-01-01T00:00:00Z",
//!             "number_observed": 1,
//!             "object_refs": ["domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5"]
//!         },
//!         {
//!             "type": "domain-name",
//!             "id": "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5",
//!             "value": "example.com"
//!         }
//!     ]
//! });
//! let observations = Observations::from_json(&bundle)?;
//! let pattern = Pattern::parse("[domain-name:value = 'example.com']", StixVersion::V2_1)?;
//! let found = Evaluator::new(&pattern)?.evaluate(&observations)?;
//! assert_eq!(found.map(|m| m.observations[0].index), Some(0));
//! # Ok::<(), stix_pattern::Error>(())
//! ```

mod compare;
pub(crate) mod data;
mod search;

use compare::PreparedExpr;
use search::{Facts, Node, Search};

use crate::ast::{ObservationExpr, Pattern, Qualifier, StixVersion};
use crate::error::Error;
use crate::json::JsonValue;
use crate::timestamp::Instant;
use data::Observations;

/// Bounds on the work of one evaluation, so that a hostile pattern or data set cannot stall
/// the caller; reaching one gives [`Error::TooComplex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalLimits {
    /// How many candidate observations the search may try in all.
    pub max_steps: u64,
    /// How many observations may be bound at once (the recursion depth of the search).
    pub max_depth: usize,
}

impl Default for EvalLimits {
    /// Ten million steps (about a second) and 1,000 observations per match: far beyond what
    /// indicators in use need.
    fn default() -> Self {
        Self {
            max_steps: 10_000_000,
            max_depth: 1_000,
        }
    }
}

/// A match: the observations that bound the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The observations used, ascending by index, each with the number of its instances
    /// (out of `number_observed`) the binding used.
    pub observations: Vec<BoundObservation>,
}

/// One observation of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundObservation {
    /// Index into the [`Observations`] evaluated.
    pub index: usize,
    /// How many of its instances the binding used.
    pub count: u64,
}

/// A pattern prepared for evaluation: constants decoded, regular expressions compiled,
/// qualifiers checked.
#[derive(Debug)]
pub struct Evaluator {
    version: StixVersion,
    root: Node,
    leaves: Vec<Leaf>,
    limits: EvalLimits,
}

/// A bracketed expression and the `START/STOP` periods that apply to it.
#[derive(Debug)]
struct Leaf {
    expr: PreparedExpr,
    periods: Vec<(Instant, Instant)>,
}

impl Evaluator {
    /// Prepares `pattern` for evaluation.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Evaluation`] when the pattern cannot be evaluated although it parsed:
    /// `WITHIN` or `REPEATS` counts that are not positive, a timestamp constant that names no
    /// real instant, a set mixing types, an invalid `ISSUBSET` address or regular expression.
    pub fn new(pattern: &Pattern) -> Result<Self, Error> {
        let mut leaves = Vec::new();
        let root = plan(&pattern.expression, &mut Vec::new(), &mut leaves)?;
        Ok(Self {
            version: pattern.version,
            root,
            leaves,
            limits: EvalLimits::default(),
        })
    }

    /// Replaces the default work limits.
    #[must_use]
    pub fn with_limits(mut self, limits: EvalLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Evaluates the pattern against `observations`; returns the first binding found, or
    /// `None` when the pattern does not match.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Evaluation`] when data contradicts the pattern in a way that has no
    /// answer (a property compared with a timestamp holds text that is not one, a `_bin`
    /// property is not base64, a `_ref` is not a string, ...), and [`Error::TooComplex`] when a
    /// limit is reached.
    pub fn evaluate<V: JsonValue>(
        &self,
        observations: &Observations<'_, V>,
    ) -> Result<Option<Match>, Error> {
        let mut candidates = Vec::with_capacity(self.leaves.len());
        for leaf in &self.leaves {
            let mut matching = Vec::new();
            for (index, observation) in observations.iter().enumerate() {
                let (first, last) = (observation.first_observed(), observation.last_observed());
                // An observation falls in [start, stop) when its window meets it.
                if !leaf
                    .periods
                    .iter()
                    .all(|(start, stop)| first < *stop && last >= *start)
                {
                    continue;
                }
                for (_, object) in observation.objects() {
                    if leaf.expr.matches(object, observation, self.version)? {
                        matching.push(index);
                        break;
                    }
                }
            }
            candidates.push(matching);
        }
        let intervals: Vec<(Instant, Instant)> = observations
            .iter()
            .map(|observation| (observation.first_observed(), observation.last_observed()))
            .collect();
        let capacities: Vec<u64> = observations
            .iter()
            .map(|observation| observation.number_observed())
            .collect();
        let facts = Facts {
            intervals: &intervals,
            capacities: &capacities,
            candidates: &candidates,
        };
        let Some(bound) = Search::new(facts, self.limits).run(&self.root)? else {
            return Ok(None);
        };
        let mut uses: Vec<BoundObservation> = Vec::new();
        for (index, count) in bound {
            match uses.iter_mut().find(|used| used.index == index) {
                Some(used) => used.count += count,
                None => uses.push(BoundObservation { index, count }),
            }
        }
        uses.sort_by_key(|used| used.index);
        Ok(Some(Match { observations: uses }))
    }
}

/// Builds the search plan of `expr`; `periods` holds the `START/STOP` periods of the
/// enclosing qualifiers, which apply to every leaf below them.
fn plan(
    expr: &ObservationExpr,
    periods: &mut Vec<(Instant, Instant)>,
    leaves: &mut Vec<Leaf>,
) -> Result<Node, Error> {
    Ok(match expr {
        ObservationExpr::Comparison(comparison) => {
            leaves.push(Leaf {
                expr: PreparedExpr::new(comparison)?,
                periods: periods.clone(),
            });
            Node::Leaf(leaves.len() - 1)
        }
        ObservationExpr::And(operands) => Node::And(plan_all(operands, periods, leaves)?),
        ObservationExpr::Or(operands) => Node::Or(plan_all(operands, periods, leaves)?),
        ObservationExpr::FollowedBy(operands) => {
            Node::FollowedBy(plan_all(operands, periods, leaves)?)
        }
        ObservationExpr::Qualified { expr, qualifiers } => {
            // START/STOP constrains each observation on its own, so it can be checked at the
            // leaves whatever comes between.
            let depth = periods.len();
            for qualifier in qualifiers {
                if let Qualifier::StartStop { start, stop } = qualifier {
                    let instant = |timestamp: &crate::PatternTimestamp| {
                        timestamp.instant().ok_or_else(|| {
                            Error::evaluation(format!(
                                "timestamp constant {timestamp} names no real instant"
                            ))
                        })
                    };
                    periods.push((instant(start)?, instant(stop)?));
                }
            }
            let mut node = plan(expr, periods, leaves)?;
            periods.truncate(depth);
            for qualifier in qualifiers {
                node = match qualifier {
                    Qualifier::Within(seconds) => {
                        let seconds = seconds.as_f64();
                        if seconds.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                            return Err(Error::evaluation(
                                "WITHIN needs a positive number of seconds",
                            ));
                        }
                        Node::Within(Box::new(node), seconds * 1e9)
                    }
                    Qualifier::Repeats(0) => {
                        return Err(Error::evaluation("REPEATS needs a positive count"));
                    }
                    Qualifier::Repeats(count) => Node::Repeats(Box::new(node), *count),
                    Qualifier::StartStop { .. } => node,
                };
            }
            node
        }
    })
}

fn plan_all(
    operands: &[ObservationExpr],
    periods: &mut Vec<(Instant, Instant)>,
    leaves: &mut Vec<Leaf>,
) -> Result<Vec<Node>, Error> {
    operands
        .iter()
        .map(|operand| plan(operand, periods, leaves))
        .collect()
}
