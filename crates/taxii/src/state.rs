//! [`TaxiiState`]: what the TAXII handlers share (the store, the settings, the background
//! jobs that process large envelopes).

use std::fmt;
use std::sync::Arc;

use stix::StixTimestamp;
use store::AnyStore;
use tokio_util::task::TaskTracker;

use crate::TaxiiConfig;

/// The state of the TAXII router. Cheap to clone.
#[derive(Clone)]
pub struct TaxiiState {
    pub(crate) store: AnyStore,
    pub(crate) config: Arc<TaxiiConfig>,
    pub(crate) jobs: TaskTracker,
    pub(crate) clock: Arc<dyn Fn() -> StixTimestamp + Send + Sync>,
}

impl TaxiiState {
    /// Returns the state of a TAXII service over `store` with `config`, on the system clock.
    pub fn new(store: AnyStore, config: TaxiiConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
            jobs: TaskTracker::new(),
            clock: Arc::new(|| StixTimestamp::from_micros(now_micros()).expect("now is in range")),
        }
    }

    /// Replaces the clock that stamps `request_timestamp` of statuses (tests use a fixed one).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Fn() -> StixTimestamp + Send + Sync>) -> Self {
        self.clock = clock;
        self
    }

    /// Returns the settings.
    pub fn config(&self) -> &TaxiiConfig {
        &self.config
    }

    /// Returns the store.
    pub fn store(&self) -> &AnyStore {
        &self.store
    }

    /// Returns how many envelopes are being processed in the background.
    pub fn n_running_jobs(&self) -> usize {
        self.jobs.len()
    }

    /// Waits until every envelope accepted so far has been processed, and refuses none that
    /// come later (they are still processed). For graceful shutdown, and for tests.
    pub async fn wait_for_jobs(&self) {
        self.jobs.close();
        self.jobs.wait().await;
        self.jobs.reopen();
    }

    /// Completes the statuses that a previous process accepted but did not finish, failing
    /// their pending objects; returns how many there were. A node calls this once when it
    /// starts, before serving.
    ///
    /// # Errors
    ///
    /// A store error.
    pub async fn recover_interrupted_statuses(&self) -> Result<u64, store::Error> {
        use store::StatusStore;
        self.store
            .interrupt_pending_statuses(
                "not processed: the server stopped before storing it; send it again",
            )
            .await
    }

    pub(crate) fn now(&self) -> StixTimestamp {
        (self.clock)()
    }
}

impl fmt::Debug for TaxiiState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaxiiState")
            .field("config", &self.config)
            .field("n_running_jobs", &self.jobs.len())
            .finish_non_exhaustive()
    }
}

/// Returns the current time in microseconds since the Unix epoch.
fn now_micros() -> i64 {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970");
    i64::try_from(elapsed.as_micros()).expect("microseconds since 1970 fit in i64")
}
