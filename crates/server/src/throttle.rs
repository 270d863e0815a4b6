//! Failed-login throttling: after repeated failed authentications from one source address,
//! for one user name or for one token, further attempts get 429 with `Retry-After` for a
//! backoff window, whatever credentials they carry.
//!
//! Failures are counted per key with a GCRA bucket ([`governor`]) of `limits.login_failures`
//! failures, refilled over `limits.login_backoff_seconds`; the failure that finds its bucket
//! empty blocks the key for the backoff window. The keys of a request are its source address
//! (IPv6 by its /64, the block a single host usually holds), the user name of HTTP Basic
//! credentials and the public look-up prefix of a Bearer token. An unknown user name is
//! counted and blocked exactly like a known one, so the answers never reveal whether a user
//! exists. Successful authentications are never counted and never delayed; they are refused
//! only while one of their keys is blocked (that is what stops a password guessed on the
//! twentieth try from being accepted).
//!
//! Time comes from the node's [`Clock`], so tests move it instead of sleeping.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, header};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::auth::{Credentials, parse_authorization};
use crate::config::Limits;
use crate::error::ApiError;
use crate::state::Clock;

/// The longest user name kept as a key; longer names are cut (they are counted all the same).
const MAX_KEY_NAME_LEN: usize = 128;

/// How many blocked keys are kept before expired ones are swept on insertion.
const SWEEP_AT: usize = 4096;

/// The failed-login throttle of a node. Cheap to clone.
#[derive(Clone)]
pub struct LoginThrottle {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    failures:
        RateLimiter<String, DefaultKeyedStateStore<String>, NodeClock, NoOpMiddleware<Duration>>,
    /// Blocked keys and the time (since the Unix epoch) their backoff ends.
    blocked: Mutex<HashMap<String, Duration>>,
    backoff: Duration,
    clock: NodeClock,
}

/// The node's clock as a `governor` clock, never going back: a wall clock set back (or a
/// test moving its clock back) must not make a bucket look emptier than it is.
#[derive(Clone)]
struct NodeClock {
    clock: Arc<dyn Clock>,
    latest_micros: Arc<AtomicU64>,
}

impl governor::clock::Clock for NodeClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        let micros = u64::try_from(self.clock.now().to_micros()).unwrap_or(0);
        let previous = self.latest_micros.fetch_max(micros, Ordering::Relaxed);
        Duration::from_micros(previous.max(micros))
    }
}

/// The throttling keys of one request: who it claims to be and where it comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptKeys {
    keys: Vec<String>,
}

impl AttemptKeys {
    /// Returns the keys of a request from `source` with `headers`; a request without an
    /// `Authorization` header has none (it is not a login attempt).
    pub fn of(source: Option<IpAddr>, headers: &HeaderMap) -> Self {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Self::default();
        };
        let mut keys = Vec::with_capacity(2);
        if let Some(source) = source {
            keys.push(format!("source:{}", source_block(source)));
        }
        match value.to_str().ok().and_then(parse_authorization) {
            Some(Credentials::Basic { user, .. }) => {
                keys.push(format!("user:{}", cut(&user, MAX_KEY_NAME_LEN)));
            }
            Some(Credentials::Bearer(token)) => {
                if let Some(prefix) = crate::credentials::token_lookup_prefix(token) {
                    keys.push(format!("token:{prefix}"));
                }
            }
            None => {}
        }
        Self { keys }
    }

    /// Returns whether the request carries credentials at all.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl fmt::Debug for LoginThrottle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginThrottle")
            .field("enabled", &self.inner.is_some())
            .finish()
    }
}

impl LoginThrottle {
    /// Returns the throttle the limits ask for (none when `login_failures` is 0), on `clock`.
    pub fn new(limits: &Limits, clock: Arc<dyn Clock>) -> Self {
        let inner = NonZeroU32::new(limits.login_failures).map(|n_failures| {
            let backoff = Duration::from_secs(limits.login_backoff_seconds.max(1));
            let refill = backoff / n_failures.get();
            let quota = Quota::with_period(refill.max(Duration::from_micros(1)))
                .expect("the refill period is positive")
                .allow_burst(n_failures);
            let clock = NodeClock {
                clock,
                latest_micros: Arc::new(AtomicU64::new(0)),
            };
            Arc::new(Inner {
                failures: RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone()),
                blocked: Mutex::new(HashMap::new()),
                backoff,
                clock,
            })
        });
        Self { inner }
    }

    /// Refuses an attempt while one of its keys is blocked.
    ///
    /// # Errors
    ///
    /// [`ApiError::TooManyRequests`] with the seconds until the longest of its backoffs ends.
    pub fn check(&self, keys: &AttemptKeys) -> Result<(), ApiError> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        if keys.is_empty() {
            return Ok(());
        }
        let now = governor::clock::Clock::now(&inner.clock);
        let blocked = inner
            .blocked
            .lock()
            .expect("no panic while holding the lock");
        let until = keys
            .keys
            .iter()
            .filter_map(|key| blocked.get(key))
            .filter(|until| **until > now)
            .max();
        match until {
            Some(until) => Err(too_many(*until - now)),
            None => Ok(()),
        }
    }

    /// Counts a failed authentication against each of its keys; when one has failed too
    /// often, blocks it for the backoff window.
    ///
    /// # Errors
    ///
    /// [`ApiError::TooManyRequests`] when this failure blocked a key.
    pub fn record_failure(&self, keys: &AttemptKeys) -> Result<(), ApiError> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let now = governor::clock::Clock::now(&inner.clock);
        let mut newly_blocked = Vec::new();
        for key in &keys.keys {
            if inner.failures.check_key(key).is_err() {
                newly_blocked.push(key);
            }
        }
        if newly_blocked.is_empty() {
            return Ok(());
        }
        let until = now + inner.backoff;
        let mut blocked = inner
            .blocked
            .lock()
            .expect("no panic while holding the lock");
        if blocked.len() >= SWEEP_AT {
            blocked.retain(|_, blocked_until| *blocked_until > now);
        }
        for key in newly_blocked {
            // The key names a source address, a user name or a token's public prefix: never
            // a password or a token's secret.
            tracing::warn!(
                key = %key,
                backoff_seconds = inner.backoff.as_secs(),
                "repeated failed logins: attempts refused for the backoff window"
            );
            blocked.insert(key.clone(), until);
        }
        Err(too_many(inner.backoff))
    }

    /// Forgets expired blocks and full buckets (called now and then, so that memory stays
    /// bounded by recent failures).
    pub fn shrink(&self) {
        if let Some(inner) = &self.inner {
            let now = governor::clock::Clock::now(&inner.clock);
            inner
                .blocked
                .lock()
                .expect("no panic while holding the lock")
                .retain(|_, until| *until > now);
            inner.failures.retain_recent();
            inner.failures.shrink_to_fit();
        }
    }
}

fn too_many(wait: Duration) -> ApiError {
    ApiError::TooManyRequests {
        retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

/// Returns the address block a source is counted under: the address itself for IPv4, the /64
/// for IPv6.
fn source_block(source: IpAddr) -> String {
    match source {
        IpAddr::V4(address) => address.to_string(),
        IpAddr::V6(address) => match address.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = address.segments();
                format!(
                    "{:x}:{:x}:{:x}:{:x}::/64",
                    segments[0], segments[1], segments[2], segments[3]
                )
            }
        },
    }
}

/// Returns at most `max` bytes of `text`, cut at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(authorization).unwrap(),
        );
        headers
    }

    #[test]
    fn keys_name_the_source_block_and_the_claimed_identity_never_a_secret() {
        let source: IpAddr = "2001:db8:1:2:3:4:5:6".parse().unwrap();
        // alice:s3cret
        let basic = AttemptKeys::of(Some(source), &headers("Basic YWxpY2U6czNjcmV0"));
        assert_eq!(basic.keys, ["source:2001:db8:1:2::/64", "user:alice"]);
        let token = "phx_0123456789abcdef_secretsecretsecret";
        let bearer = AttemptKeys::of(
            Some("198.51.100.7".parse().unwrap()),
            &headers(&format!("Bearer {token}")),
        );
        assert_eq!(
            bearer.keys,
            ["source:198.51.100.7", "token:0123456789abcdef"]
        );
        let garbage = AttemptKeys::of(None, &headers("Digest x"));
        assert!(garbage.is_empty());
        assert!(AttemptKeys::of(Some(source), &HeaderMap::new()).is_empty());
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(source_block(mapped), "192.0.2.1");
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary() {
        assert_eq!(cut("ééé", 3), "é");
        assert_eq!(cut("abc", 10), "abc");
    }
}
