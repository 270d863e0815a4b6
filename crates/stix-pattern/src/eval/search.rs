//! The search for a binding: one observation (instance) for each bracketed expression of the
//! pattern, such that the observation operators and qualifiers hold (STIX 2.1 sections 9.5.1
//! and 9.5.2).
//!
//! An observed-data with `number_observed` n stands for n interchangeable observations, so a
//! binding counts how many instances of each observed-data it uses. The search is a depth-first
//! backtracking in continuation-passing style: each node of the plan offers its bindings one at
//! a time to a continuation, which goes on with the rest of the pattern.
//!
//! Constraints are checked as observations are bound, not at the end: `START/STOP` filters the
//! candidates of the bracketed expressions below it, `WITHIN` keeps a running window, and
//! `FOLLOWEDBY` gives the right-hand side a floor for `last_observed`. Time intervals follow
//! the OASIS matcher: a binding passes `WITHIN d` when some window `[t, t + d]` (closed)
//! meets every observation's `[first_observed, last_observed]`, and `a FOLLOWEDBY b` holds when
//! the latest `first_observed` in `a` is not after the earliest `last_observed` in `b`.
//!
//! Work is bounded by [`EvalLimits`]: steps (candidate observations tried) and depth
//! (observations bound at once, which is also the recursion depth). The recursion grows its
//! stack on the heap when needed (`stacker`), so any thread can run it.

use super::EvalLimits;
use crate::error::Error;
use crate::timestamp::Instant;

/// The observation-level structure of a pattern, with `START/STOP` pushed into the leaves.
#[derive(Debug)]
pub(crate) enum Node {
    /// A bracketed expression: index into the leaves.
    Leaf(usize),
    And(Vec<Node>),
    Or(Vec<Node>),
    FollowedBy(Vec<Node>),
    /// `WITHIN`: the window in nanoseconds.
    Within(Box<Node>, f64),
    Repeats(Box<Node>, u64),
}

/// The earliest `last_observed` and latest `first_observed` of a (partial) binding: all the
/// time constraints need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Summary {
    max_first: Instant,
    min_last: Instant,
}

impl Summary {
    fn merge(self, other: Summary) -> Summary {
        Summary {
            max_first: self.max_first.max(other.max_first),
            min_last: self.min_last.min(other.min_last),
        }
    }

    fn merge_opt(acc: Option<Summary>, other: Summary) -> Summary {
        acc.map_or(other, |acc| acc.merge(other))
    }
}

/// An active `WITHIN` window and what has been bound inside it so far.
#[derive(Debug, Clone, Copy)]
struct Window {
    limit_nanos: f64,
    bound: Option<Summary>,
}

/// What the search needs to know about each observation.
pub(crate) struct Facts<'f> {
    /// `(first_observed, last_observed)` per observation.
    pub intervals: &'f [(Instant, Instant)],
    /// `number_observed` per observation.
    pub capacities: &'f [u64],
    /// Per leaf, the observations (ascending) in which it matches and that pass its
    /// `START/STOP` qualifiers.
    pub candidates: &'f [Vec<usize>],
}

/// When less than this much stack is left, the search continues on a new segment.
const STACK_RED_ZONE: usize = 128 * 1024;
/// The size of each new stack segment.
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

type Continuation<'c, 'f> = dyn FnMut(&mut Search<'f>, Summary) -> Result<bool, Error> + 'c;

/// The search state.
pub(crate) struct Search<'f> {
    facts: Facts<'f>,
    limits: EvalLimits,
    used: Vec<u64>,
    /// The binding under construction: (observation, instances).
    bound: Vec<(usize, u64)>,
    windows: Vec<Window>,
    /// `FOLLOWEDBY` floors: every observation bound now must have `last_observed` at or
    /// after each of them.
    floors: Vec<Instant>,
    steps: u64,
    result: Option<Vec<(usize, u64)>>,
}

impl<'f> Search<'f> {
    pub fn new(facts: Facts<'f>, limits: EvalLimits) -> Self {
        let used = vec![0; facts.capacities.len()];
        Self {
            facts,
            limits,
            used,
            bound: Vec::new(),
            windows: Vec::new(),
            floors: Vec::new(),
            steps: 0,
            result: None,
        }
    }

    /// Finds a binding of `root`: the observations used and how many instances of each.
    pub fn run(mut self, root: &Node) -> Result<Option<Vec<(usize, u64)>>, Error> {
        let found = self.search(root, &mut |search: &mut Search<'f>, _| {
            search.result = Some(search.bound.clone());
            Ok(true)
        })?;
        Ok(if found { self.result } else { None })
    }

    fn search(&mut self, node: &Node, k: &mut Continuation<'_, 'f>) -> Result<bool, Error> {
        // Each observation bound nests a few calls; rather than cap the depth at what the
        // smallest thread stack holds, grow the stack on the heap when it runs low.
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.search_node(node, k))
    }

    fn search_node(&mut self, node: &Node, k: &mut Continuation<'_, 'f>) -> Result<bool, Error> {
        match node {
            Node::Leaf(leaf) => self.leaf(*leaf, 0, 1, None, k),
            Node::Or(children) => {
                for child in children {
                    if self.search(child, k)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Node::And(children) => self.sequence(children, None, false, k),
            Node::FollowedBy(children) => self.sequence(children, None, true, k),
            Node::Within(child, limit_nanos) => {
                self.windows.push(Window {
                    limit_nanos: *limit_nanos,
                    bound: None,
                });
                let found = self.search(child, &mut |search: &mut Search<'f>, summary| {
                    // The window covers the child only: lift it while the rest goes on.
                    let window = search
                        .windows
                        .pop()
                        .expect("the window pushed for this child");
                    let found = k(search, summary);
                    search.windows.push(window);
                    found
                });
                self.windows.pop();
                found
            }
            Node::Repeats(child, count) => match **child {
                // Instances of one observation are interchangeable: take them by count.
                Node::Leaf(leaf) => self.leaf(leaf, 0, *count, None, k),
                _ => self.repeat(child, *count, None, None, k),
            },
        }
    }

    /// Binds `remaining` instances for `leaf`, from candidates at or after position `from`.
    fn leaf(
        &mut self,
        leaf: usize,
        from: usize,
        remaining: u64,
        acc: Option<Summary>,
        k: &mut Continuation<'_, 'f>,
    ) -> Result<bool, Error> {
        if remaining == 0 {
            return k(self, acc.expect("at least one instance was bound"));
        }
        let candidates = &self.facts.candidates[leaf];
        let available: u64 = candidates[from.min(candidates.len())..]
            .iter()
            .map(|&observation| self.facts.capacities[observation] - self.used[observation])
            .fold(0, u64::saturating_add);
        if available < remaining {
            return Ok(false);
        }
        for (position, &observation) in candidates.iter().enumerate().skip(from) {
            self.tick()?;
            let free = self.facts.capacities[observation] - self.used[observation];
            if free == 0 || !self.fits(observation) {
                continue;
            }
            let (first, last) = self.facts.intervals[observation];
            let summary = Summary::merge_opt(
                acc,
                Summary {
                    max_first: first,
                    min_last: last,
                },
            );
            // Taking as many instances as possible first finds most bindings soonest; fewer
            // are tried when the rest of the pattern needs this observation too.
            for take in (1..=free.min(remaining)).rev() {
                self.tick()?;
                let saved = self.bind(observation, take)?;
                let found = self.leaf(leaf, position + 1, remaining - take, Some(summary), k);
                self.unbind(observation, take, saved);
                if found? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Binds the children one after another (AND, or FOLLOWEDBY when `ordered`).
    fn sequence(
        &mut self,
        children: &[Node],
        acc: Option<Summary>,
        ordered: bool,
        k: &mut Continuation<'_, 'f>,
    ) -> Result<bool, Error> {
        let Some((child, rest)) = children.split_first() else {
            return k(self, acc.expect("an AND or FOLLOWEDBY has operands"));
        };
        let floor = acc.filter(|_| ordered).map(|acc| acc.max_first);
        if let Some(floor) = floor {
            self.floors.push(floor);
        }
        let found = self.search(child, &mut |search: &mut Search<'f>, summary| {
            let lifted = floor.map(|_| {
                search
                    .floors
                    .pop()
                    .expect("the floor pushed for this child")
            });
            let found = search.sequence(rest, Some(Summary::merge_opt(acc, summary)), ordered, k);
            if let Some(lifted) = lifted {
                search.floors.push(lifted);
            }
            found
        });
        if floor.is_some() {
            self.floors.pop();
        }
        found
    }

    /// Binds `count` disjoint bindings of a child that is not a single leaf. Bindings are
    /// taken in non-decreasing order of the observations they use, so that each set of
    /// bindings is tried once rather than in every order.
    fn repeat(
        &mut self,
        child: &Node,
        count: u64,
        previous: Option<Vec<(usize, u64)>>,
        acc: Option<Summary>,
        k: &mut Continuation<'_, 'f>,
    ) -> Result<bool, Error> {
        if count == 0 {
            return k(self, acc.expect("REPEATS counts are positive"));
        }
        if self.capacity(child) < count {
            return Ok(false);
        }
        let start = self.bound.len();
        self.search(child, &mut |search: &mut Search<'f>, summary| {
            let mut key = search.bound[start..].to_vec();
            key.sort_unstable();
            if previous.as_ref().is_some_and(|previous| key < *previous) {
                return Ok(false);
            }
            search.repeat(
                child,
                count - 1,
                Some(key),
                Some(Summary::merge_opt(acc, summary)),
                k,
            )
        })
    }

    /// An upper bound on how many disjoint bindings `node` still has: by structure, and by the
    /// free instances its leaves can use divided by the fewest instances one binding takes.
    fn capacity(&self, node: &Node) -> u64 {
        let mut seen = vec![false; self.used.len()];
        self.mark_candidates(node, &mut seen);
        let free: u64 = seen
            .iter()
            .enumerate()
            .filter(|(_, seen)| **seen)
            .map(|(observation, _)| self.facts.capacities[observation] - self.used[observation])
            .fold(0, u64::saturating_add);
        self.structural_capacity(node)
            .min(free / min_instances(node).max(1))
    }

    fn mark_candidates(&self, node: &Node, seen: &mut [bool]) {
        match node {
            Node::Leaf(leaf) => {
                for &observation in &self.facts.candidates[*leaf] {
                    seen[observation] = true;
                }
            }
            Node::And(children) | Node::Or(children) | Node::FollowedBy(children) => {
                for child in children {
                    self.mark_candidates(child, seen);
                }
            }
            Node::Within(child, _) | Node::Repeats(child, _) => self.mark_candidates(child, seen),
        }
    }

    fn structural_capacity(&self, node: &Node) -> u64 {
        match node {
            Node::Leaf(leaf) => self.facts.candidates[*leaf]
                .iter()
                .map(|&observation| self.facts.capacities[observation] - self.used[observation])
                .fold(0, u64::saturating_add),
            Node::And(children) | Node::FollowedBy(children) => children
                .iter()
                .map(|child| self.capacity(child))
                .min()
                .unwrap_or(0),
            Node::Or(children) => children
                .iter()
                .map(|child| self.capacity(child))
                .fold(0, u64::saturating_add),
            Node::Within(child, _) => self.capacity(child),
            Node::Repeats(child, count) => self.capacity(child) / (*count).max(1),
        }
    }

    /// Whether `observation` can join the binding under the active windows and floors.
    fn fits(&self, observation: usize) -> bool {
        let (first, last) = self.facts.intervals[observation];
        if self.floors.iter().any(|floor| last < *floor) {
            return false;
        }
        self.windows.iter().all(|window| {
            let summary = Summary::merge_opt(
                window.bound,
                Summary {
                    max_first: first,
                    min_last: last,
                },
            );
            within(summary, window.limit_nanos)
        })
    }

    /// Records `take` instances of `observation` in the binding; returns the window states to
    /// restore.
    fn bind(&mut self, observation: usize, take: u64) -> Result<Vec<Option<Summary>>, Error> {
        if self.bound.len() >= self.limits.max_depth {
            return Err(Error::TooComplex {
                reason: format!(
                    "a match needs more than {} observations bound at once",
                    self.limits.max_depth
                ),
            });
        }
        self.used[observation] += take;
        self.bound.push((observation, take));
        let (first, last) = self.facts.intervals[observation];
        let here = Summary {
            max_first: first,
            min_last: last,
        };
        let saved = self.windows.iter().map(|window| window.bound).collect();
        for window in &mut self.windows {
            window.bound = Some(Summary::merge_opt(window.bound, here));
        }
        Ok(saved)
    }

    fn unbind(&mut self, observation: usize, take: u64, saved: Vec<Option<Summary>>) {
        self.used[observation] -= take;
        self.bound.pop();
        for (window, bound) in self.windows.iter_mut().zip(saved) {
            window.bound = bound;
        }
    }

    fn tick(&mut self) -> Result<(), Error> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(Error::TooComplex {
                reason: format!(
                    "the search for a match took more than {} steps",
                    self.limits.max_steps
                ),
            });
        }
        Ok(())
    }
}

/// The fewest observation instances one binding of `node` uses.
fn min_instances(node: &Node) -> u64 {
    match node {
        Node::Leaf(_) => 1,
        Node::And(children) | Node::FollowedBy(children) => children
            .iter()
            .map(min_instances)
            .fold(0, u64::saturating_add),
        Node::Or(children) => children.iter().map(min_instances).min().unwrap_or(1),
        Node::Within(child, _) => min_instances(child),
        Node::Repeats(child, count) => min_instances(child).saturating_mul(*count),
    }
}

/// Whether observations spanning `summary` fit in a closed window of `limit_nanos`.
#[expect(
    clippy::cast_precision_loss,
    reason = "nanosecond rounding of long spans does not matter"
)]
fn within(summary: Summary, limit_nanos: f64) -> bool {
    (summary.max_first.nanos_since(summary.min_last) as f64) <= limit_nanos
}
