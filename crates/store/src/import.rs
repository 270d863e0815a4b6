//! Importing objects from another server with the `date_added` they had there, so that a
//! migrated collection pages in the same order as before.
//!
//! `date_added` must stay strictly increasing within a collection (it names a row and orders
//! TAXII pages), so an imported date is moved forward by the fewest microseconds needed: past
//! the previous imported object (another server may give one date to a whole request) and past
//! every object the collection already holds (a client that synchronised with `added_after`
//! then still sees the imported objects).

use std::future::Future;

use stix::StixTimestamp;

use crate::Result;
use crate::collection::Collection;
use crate::write::{
    AddOptions, AddReport, NewObject, ObjectOutcome, Origin, OutcomeStatus, Plan, Planned, Row,
};

/// An object to import, with the time the other server added it.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedObject {
    /// The object.
    pub object: NewObject,
    /// When the other server added it.
    pub date_added: StixTimestamp,
    /// Its spec version when the object does not say (STIX 2.0 objects carry none); `None`
    /// falls back to [`AddOptions::spec_version`], then `2.1`.
    pub spec_version: Option<String>,
}

/// Adding objects with a given `date_added`.
pub trait ImportStore: Send + Sync {
    /// Adds objects to a collection in one transaction, each with its given `date_added`
    /// moved forward only as far as needed to keep `date_added` strictly increasing in the
    /// collection, and reports per object (in input order) as
    /// [`Store::add_objects`](crate::Store::add_objects) does; the reported `date_added` is
    /// the one stored.
    ///
    /// # Errors
    ///
    /// [`Error::CollectionNotFound`](crate::Error::CollectionNotFound), or a database error, in
    /// which case nothing was stored.
    fn import_objects(
        &self,
        collection: &Collection,
        objects: &[DatedObject],
        options: &AddOptions,
    ) -> impl Future<Output = Result<AddReport>> + Send;
}

/// The objects of an import in the order they are written: by given `date_added`, then input
/// order.
pub(crate) struct Ordered {
    /// Input indexes, in write order.
    pub order: Vec<usize>,
    /// The objects, in write order.
    pub objects: Vec<NewObject>,
    /// Their spec versions when given, in write order.
    pub spec_versions: Vec<Option<String>>,
    /// Their given dates (microseconds), in write order.
    pub given: Vec<i64>,
}

impl Ordered {
    pub(crate) fn new(objects: &[DatedObject]) -> Self {
        let mut order: Vec<usize> = (0..objects.len()).collect();
        order.sort_by_key(|&idx| objects[idx].date_added.to_micros());
        Self {
            objects: order
                .iter()
                .map(|&idx| objects[idx].object.clone())
                .collect(),
            spec_versions: order
                .iter()
                .map(|&idx| objects[idx].spec_version.clone())
                .collect(),
            given: order
                .iter()
                .map(|&idx| objects[idx].date_added.to_micros())
                .collect(),
            order,
        }
    }

    /// Returns the stored date of each planned insert, strictly increasing and after
    /// `last_date_added`.
    pub(crate) fn dates(&self, plan: &Plan, last_date_added: i64) -> Vec<i64> {
        let mut previous = last_date_added;
        plan.to_insert
            .iter()
            .map(|&row_idx| {
                previous = self.given[row_idx].max(previous + 1);
                previous
            })
            .collect()
    }

    /// Builds the report, in input order.
    pub(crate) fn report(
        &self,
        rows: &[Row],
        plan: &Plan,
        dates: &[i64],
        committed: bool,
    ) -> Result<AddReport> {
        let timestamp = crate::rows::timestamp;
        let mut outcomes: Vec<Option<ObjectOutcome>> = vec![None; rows.len()];
        for (row_idx, (row, planned)) in rows.iter().zip(&plan.outcomes).enumerate() {
            let stored_date = match *planned {
                Planned::Insert(insert_idx)
                | Planned::AlreadyPresent(Origin::Planned { insert_idx }) => {
                    committed.then(|| dates[insert_idx])
                }
                Planned::AlreadyPresent(Origin::Stored { date_added }) => Some(date_added),
                Planned::Conflict => None,
            };
            let status = match (planned, stored_date) {
                (Planned::Conflict, _) => OutcomeStatus::Conflict,
                (_, None) => OutcomeStatus::NotStored,
                (Planned::Insert(_), Some(date)) => OutcomeStatus::Added {
                    date_added: timestamp(date)?,
                },
                (Planned::AlreadyPresent(_), Some(date)) => OutcomeStatus::AlreadyPresent {
                    date_added: timestamp(date)?,
                },
            };
            let object = &self.objects[row_idx].object;
            let version = match (row.version, stored_date) {
                (Some(_), _) => object.version(),
                (None, Some(date)) => Some(timestamp(date)?),
                (None, None) => None,
            };
            outcomes[self.order[row_idx]] = Some(ObjectOutcome {
                id: object.id().clone(),
                version,
                status,
            });
        }
        Ok(AddReport {
            outcomes: outcomes
                .into_iter()
                .map(|outcome| outcome.expect("every input has a row"))
                .collect(),
            committed,
        })
    }
}

/// Splits planned inserts into runs of consecutive dates, each written by one call of the
/// backend's batch insert: `(first insert index, first date, length)`.
pub(crate) fn runs(dates: &[i64]) -> Vec<(usize, i64, usize)> {
    let mut runs: Vec<(usize, i64, usize)> = Vec::new();
    for (insert_idx, &date) in dates.iter().enumerate() {
        match runs.last_mut() {
            Some((_, first, len)) if *first + i64::try_from(*len).unwrap_or(i64::MAX) == date => {
                *len += 1;
            }
            _ => runs.push((insert_idx, date, 1)),
        }
    }
    runs
}

/// Implements [`ImportStore`] for a backend, expanded inside the backend's module so that its
/// pool and its `stored_versions` and `insert_rows` functions are in reach. `$begin` is the
/// statement that opens a write transaction and `$lock` the query that reads (and locks) the
/// collection's key and last `date_added`.
macro_rules! impl_import_store {
    ($store:ty, begin = $begin:expr, lock = $lock:expr) => {
        impl $crate::import::ImportStore for $store {
            async fn import_objects(
                &self,
                collection: &$crate::Collection,
                objects: &[$crate::import::DatedObject],
                options: &$crate::AddOptions,
            ) -> $crate::Result<$crate::AddReport> {
                use $crate::write::{Plan, Row};
                let ordered = $crate::import::Ordered::new(objects);
                let rows: Vec<Row<'_>> = ordered
                    .objects
                    .iter()
                    .zip(&ordered.spec_versions)
                    .map(|(new, spec_version)| match spec_version {
                        Some(spec_version) => Row::new(
                            new,
                            &$crate::AddOptions {
                                spec_version: Some(spec_version.clone()),
                                ..options.clone()
                            },
                        ),
                        None => Row::new(new, options),
                    })
                    .collect();
                let mut tx = self.pool.begin_with($begin).await?;
                let (collection_key, last_date_added): (i64, i64) = sqlx::query_as($lock)
                    .bind(collection.id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| $crate::Error::CollectionNotFound {
                        name: collection.id.to_string(),
                    })?;
                let existing = stored_versions(&mut tx, collection_key, &rows).await?;
                let plan = Plan::new(&rows, &existing);
                drop(existing);
                let dates = ordered.dates(&plan, last_date_added);
                if options.mode == $crate::WriteMode::AllOrNothing && plan.has_conflicts() {
                    tx.rollback().await?;
                    return ordered.report(&rows, &plan, &dates, false);
                }
                for (first_insert, first_date, len) in $crate::import::runs(&dates) {
                    let run = Plan {
                        outcomes: Vec::new(),
                        to_insert: plan.to_insert[first_insert..first_insert + len].to_vec(),
                    };
                    insert_rows(&mut tx, collection_key, &rows, &run, first_date, options)
                        .await?;
                }
                if let Some(&last) = dates.last() {
                    sqlx::query(
                        "UPDATE collections SET last_date_added = $1 WHERE collection_key = $2",
                    )
                    .bind(last)
                    .bind(collection_key)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                tracing::debug!(
                    collection_id = %collection.id,
                    n_objects = objects.len(),
                    n_added = dates.len(),
                    "imported objects"
                );
                ordered.report(&rows, &plan, &dates, true)
            }
        }
    };
}

pub(crate) use impl_import_store;

impl ImportStore for crate::AnyStore {
    async fn import_objects(
        &self,
        collection: &Collection,
        objects: &[DatedObject],
        options: &AddOptions,
    ) -> Result<AddReport> {
        match self {
            Self::Sqlite(store) => store.import_objects(collection, objects, options).await,
            Self::Postgres(store) => store.import_objects(collection, objects, options).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_where_dates_jump() {
        assert_eq!(runs(&[]), []);
        assert_eq!(
            runs(&[10, 11, 12, 20, 21, 30]),
            [(0, 10, 3), (3, 20, 2), (5, 30, 1)]
        );
    }

    #[test]
    fn dates_move_forward_past_equal_dates_and_stored_objects() {
        let ordered = Ordered {
            order: vec![0, 1, 2, 3],
            objects: Vec::new(),
            spec_versions: Vec::new(),
            given: vec![100, 100, 100, 500],
        };
        let plan = Plan {
            outcomes: Vec::new(),
            to_insert: vec![0, 1, 2, 3],
        };
        assert_eq!(ordered.dates(&plan, 0), [100, 101, 102, 500]);
        assert_eq!(ordered.dates(&plan, 300), [301, 302, 303, 500]);
    }
}
