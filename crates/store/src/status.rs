//! Status records of TAXII add-objects requests: which objects of a request succeeded, failed
//! or are still pending, kept so that a client can poll them while a large envelope is
//! processed in the background, and readable only by the participant that made the request.
//!
//! [`StatusStore`] is implemented by both backends and [`AnyStore`](crate::AnyStore) with the
//! same SQL (see `migrations/*/0020_taxii_status.sql`).

use std::future::Future;

use stix::StixTimestamp;
use uuid::Uuid;

use crate::Result;
use crate::error::corrupt;

/// Whether a request has been processed in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusState {
    /// Some objects have not been processed yet.
    Pending,
    /// Every object has been processed.
    Complete,
}

impl StatusState {
    /// Returns the name TAXII uses (`pending`, `complete`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Complete => "complete",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        match text {
            "pending" => Ok(Self::Pending),
            "complete" => Ok(Self::Complete),
            other => Err(corrupt(format!("unknown status state {other:?}"))),
        }
    }
}

/// One object of a request and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatusDetail {
    /// The object's id, as the client sent it.
    pub id: String,
    /// The object's version (`modified`, else `created`, else the request time), as text.
    pub version: String,
    /// Why it failed, or a note on its success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The status of one add-objects request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRecord {
    /// The status id (the `{status-id}` of its URL).
    pub id: Uuid,
    /// The API root the request was made to.
    pub api_root: String,
    /// The participant that made the request; `None` when only administrators may read it.
    pub owner: Option<String>,
    /// When the request was received.
    pub request_timestamp: StixTimestamp,
    /// Whether it is still being processed.
    pub state: StatusState,
    /// How many objects the request held.
    pub total_count: u64,
    /// Objects stored (or already present).
    pub successes: Vec<StatusDetail>,
    /// Objects refused, each with its reason.
    pub failures: Vec<StatusDetail>,
    /// Objects not processed yet.
    pub pendings: Vec<StatusDetail>,
}

/// Storage of [`StatusRecord`]s.
pub trait StatusStore: Send + Sync {
    /// Stores a status, replacing any stored under the same id.
    fn put_status(&self, status: &StatusRecord) -> impl Future<Output = Result<()>> + Send;

    /// Returns the status with this id, if any.
    fn status(&self, id: Uuid) -> impl Future<Output = Result<Option<StatusRecord>>> + Send;

    /// Completes every pending status, turning its pending objects into failures with
    /// `message`; returns how many statuses changed. A node calls this when it starts, for the
    /// requests a previous process accepted but did not finish.
    fn interrupt_pending_statuses(&self, message: &str)
    -> impl Future<Output = Result<u64>> + Send;
}

/// The statement storing a status; parameters in the order of [`StatusRow`].
pub(crate) const UPSERT: &str = "INSERT INTO taxii_statuses (id, api_root, owner, request_timestamp, \
     status, total_count, successes, failures, pendings, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
     ON CONFLICT (id) DO UPDATE SET api_root = excluded.api_root, owner = excluded.owner, \
     request_timestamp = excluded.request_timestamp, status = excluded.status, \
     total_count = excluded.total_count, successes = excluded.successes, \
     failures = excluded.failures, pendings = excluded.pendings, updated_at = excluded.updated_at";

/// The statement reading a status by id.
pub(crate) const SELECT: &str = "SELECT id, api_root, owner, request_timestamp, status, total_count, \
     successes, failures, pendings FROM taxii_statuses WHERE id = $1";

/// The statement listing pending statuses.
pub(crate) const SELECT_PENDING: &str = "SELECT id, api_root, owner, request_timestamp, status, \
     total_count, successes, failures, pendings FROM taxii_statuses WHERE status = 'pending'";

/// A status as the columns of its row.
pub(crate) struct StatusRow {
    pub id: String,
    pub api_root: String,
    pub owner: Option<String>,
    pub request_timestamp: i64,
    pub status: &'static str,
    pub total_count: i64,
    pub successes: String,
    pub failures: String,
    pub pendings: String,
    pub updated_at: i64,
}

impl StatusRow {
    pub(crate) fn new(status: &StatusRecord) -> Self {
        let list = |details: &[StatusDetail]| {
            serde_json::to_string(details).expect("status details serialize")
        };
        Self {
            id: status.id.hyphenated().to_string(),
            api_root: status.api_root.clone(),
            owner: status.owner.clone(),
            request_timestamp: status.request_timestamp.to_micros(),
            status: status.state.as_str(),
            total_count: i64::try_from(status.total_count).unwrap_or(i64::MAX),
            successes: list(&status.successes),
            failures: list(&status.failures),
            pendings: list(&status.pendings),
            updated_at: crate::rows::now_micros(),
        }
    }
}

/// Decodes a row of [`SELECT`].
pub(crate) fn decode<R>(row: &R) -> Result<StatusRecord>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let id: String = row.try_get(0)?;
    let request_timestamp: i64 = row.try_get(3)?;
    let state: String = row.try_get(4)?;
    let total_count: i64 = row.try_get(5)?;
    let list = |idx: usize| -> Result<Vec<StatusDetail>> {
        let text: String = row.try_get(idx)?;
        serde_json::from_str(&text).map_err(|error| corrupt(format!("status details: {error}")))
    };
    Ok(StatusRecord {
        id: Uuid::try_parse(&id).map_err(|error| corrupt(format!("status id: {error}")))?,
        api_root: row.try_get(1)?,
        owner: row.try_get(2)?,
        request_timestamp: crate::rows::timestamp(request_timestamp)?,
        state: StatusState::parse(&state)?,
        total_count: total_count.unsigned_abs(),
        successes: list(6)?,
        failures: list(7)?,
        pendings: list(8)?,
    })
}

/// Returns `status` completed, its pending objects failed with `message`.
pub(crate) fn interrupted(mut status: StatusRecord, message: &str) -> StatusRecord {
    for mut detail in std::mem::take(&mut status.pendings) {
        detail.message = Some(message.to_owned());
        status.failures.push(detail);
    }
    status.state = StatusState::Complete;
    status
}

/// Implements [`StatusStore`] for a backend whose struct has a `pool` field; expanded inside
/// the backend's module so that the field is in reach.
macro_rules! impl_status_store {
    ($store:ty) => {
        impl $crate::status::StatusStore for $store {
            async fn put_status(
                &self,
                status: &$crate::status::StatusRecord,
            ) -> $crate::Result<()> {
                let row = $crate::status::StatusRow::new(status);
                sqlx::query($crate::status::UPSERT)
                    .bind(row.id)
                    .bind(row.api_root)
                    .bind(row.owner)
                    .bind(row.request_timestamp)
                    .bind(row.status)
                    .bind(row.total_count)
                    .bind(row.successes)
                    .bind(row.failures)
                    .bind(row.pendings)
                    .bind(row.updated_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn status(
                &self,
                id: uuid::Uuid,
            ) -> $crate::Result<Option<$crate::status::StatusRecord>> {
                let row = sqlx::query($crate::status::SELECT)
                    .bind(id.hyphenated().to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map($crate::status::decode).transpose()
            }

            async fn interrupt_pending_statuses(&self, message: &str) -> $crate::Result<u64> {
                let rows = sqlx::query($crate::status::SELECT_PENDING)
                    .fetch_all(&self.pool)
                    .await?;
                let mut n_changed = 0;
                for row in &rows {
                    let status = $crate::status::decode(row)?;
                    self.put_status(&$crate::status::interrupted(status, message))
                        .await?;
                    n_changed += 1;
                }
                Ok(n_changed)
            }
        }
    };
}

pub(crate) use impl_status_store;

impl StatusStore for crate::AnyStore {
    async fn put_status(&self, status: &StatusRecord) -> Result<()> {
        match self {
            Self::Sqlite(store) => store.put_status(status).await,
            Self::Postgres(store) => store.put_status(status).await,
        }
    }

    async fn status(&self, id: Uuid) -> Result<Option<StatusRecord>> {
        match self {
            Self::Sqlite(store) => store.status(id).await,
            Self::Postgres(store) => store.status(id).await,
        }
    }

    async fn interrupt_pending_statuses(&self, message: &str) -> Result<u64> {
        match self {
            Self::Sqlite(store) => store.interrupt_pending_statuses(message).await,
            Self::Postgres(store) => store.interrupt_pending_statuses(message).await,
        }
    }
}
