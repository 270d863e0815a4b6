//! The state every handler shares: the store, the configuration and the clock.

use std::fmt;
use std::sync::Arc;

use stix::StixTimestamp;
use store::AnyStore;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::credentials::VerifiedCredentials;
use crate::limits::RateLimits;
use crate::throttle::LoginThrottle;

/// A source of the current time; tests use a fixed one so that token expiry and
/// `date_added` are deterministic.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Returns the current time.
    fn now(&self) -> StixTimestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> StixTimestamp {
        StixTimestamp::now()
    }
}

/// What the router's handlers and middleware share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The node's store (accounts, collections and objects).
    pub store: AnyStore,
    /// The node's configuration.
    pub config: Arc<Config>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Per-principal rate limits.
    pub rate_limits: RateLimits,
    /// Failed-login throttling (per source address, user name and token).
    pub login_throttle: LoginThrottle,
    /// Background jobs (e.g. large TAXII envelopes): spawn them here so that shutdown waits
    /// for them.
    pub jobs: TaskTracker,
    /// Cancelled when the node shuts down; background jobs stop at their next checkpoint.
    pub shutdown: CancellationToken,
    /// The TAXII service (its settings come from `config`; its background envelopes are
    /// waited for at shutdown).
    pub taxii: taxii::TaxiiState,
    /// HTTP Basic credentials verified recently.
    pub(crate) verified: Arc<VerifiedCredentials>,
}

impl AppState {
    /// Returns the state of a node on `store` with `config` and the system clock.
    pub fn new(store: AnyStore, config: Config) -> Self {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        Self {
            taxii: taxii_state(&store, &config, &clock),
            store,
            rate_limits: RateLimits::new(&config.limits),
            login_throttle: LoginThrottle::new(&config.limits, Arc::clone(&clock)),
            config: Arc::new(config),
            clock,
            jobs: TaskTracker::new(),
            shutdown: CancellationToken::new(),
            verified: Arc::new(VerifiedCredentials::default()),
        }
    }

    /// Replaces the clock (tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.taxii = taxii_state(&self.store, &self.config, &clock);
        self.login_throttle = LoginThrottle::new(&self.config.limits, Arc::clone(&clock));
        self.clock = clock;
        self
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// Returns the TAXII service's state for a node's configuration.
fn taxii_state(store: &AnyStore, config: &Config, clock: &Arc<dyn Clock>) -> taxii::TaxiiState {
    let settings = taxii::TaxiiConfig {
        title: config.node.title.clone(),
        contact: config.node.participant.clone(),
        max_content_length: config.limits.max_content_length,
        default_page_size: config.limits.default_page_size,
        max_page_size: config.limits.max_page_size,
        max_inline_objects: config.limits.max_inline_objects,
        default_tlp: config.node.default_tlp,
        ..taxii::TaxiiConfig::default()
    };
    let clock = Arc::clone(clock);
    taxii::TaxiiState::new(store.clone(), settings).with_clock(Arc::new(move || clock.now()))
}
