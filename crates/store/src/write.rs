//! Adding objects: what the caller hands in, what it gets back, and the backend-neutral part
//! of a write (turning objects into rows, then deciding per object between "added",
//! "already present" and "conflict").

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use policy::Tlp;
use stix::{StixId, StixObject, StixTimestamp};

use crate::lookup::{LookupValue, observable_values};

/// An object to add, with its compact JSON (computed once, when the object is wrapped) and the
/// look-up values a caller computed for it (an indicator's pattern values, from the pattern
/// compiler). Observables' own values are added by the store.
///
/// Wrapping serializes the object, so callers with many objects can wrap them on several
/// threads before handing them to [`Store::add_objects`](crate::Store::add_objects).
#[derive(Debug, Clone, PartialEq)]
pub struct NewObject {
    pub(crate) object: StixObject,
    pub(crate) json: String,
    /// What the store derives from the object for its side tables, computed when the object
    /// is wrapped (on the caller's thread) rather than inside the write.
    pub(crate) derived: Derived,
    /// Extra look-up values, already normalized (see [`LookupValue::new`]).
    pub lookup_values: Vec<LookupValue>,
}

/// The columns and side-table entries the store derives from an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Derived {
    /// An observable's own values and the object's external ids.
    pub lookup_values: Vec<LookupValue>,
    /// The most restrictive TLP marking, if any.
    pub tlp: Option<Tlp>,
    /// The named recipients of a TLP:RED object.
    pub recipients: Vec<String>,
}

impl Derived {
    fn new(object: &StixObject) -> Self {
        let mut lookup_values = observable_values(object);
        lookup_values.extend(crate::external_ids::external_id_values(object));
        Self {
            lookup_values,
            tlp: policy::tlp_of(object),
            recipients: policy::red_recipients(object)
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect(),
        }
    }
}

impl NewObject {
    /// Wraps an object, with no extra look-up values.
    pub fn new(object: StixObject) -> Self {
        let json = object.to_json();
        let derived = Derived::new(&object);
        Self {
            object,
            json,
            derived,
            lookup_values: Vec::new(),
        }
    }

    /// Returns the object.
    pub fn object(&self) -> &StixObject {
        &self.object
    }

    /// Returns the compact JSON that will be stored.
    pub fn json(&self) -> &str {
        &self.json
    }
}

impl From<StixObject> for NewObject {
    fn from(object: StixObject) -> Self {
        Self::new(object)
    }
}

/// How a write treats conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Any conflict stores nothing (the CLI's ingest: a bundle is stored whole or not at all).
    AllOrNothing,
    /// Conflicting objects are skipped and the others stored, in one transaction (TAXII's
    /// per-object status).
    PerObject,
}

/// Called with the number of objects written so far, during a long write.
pub type ProgressFn = Arc<dyn Fn(u64) + Send + Sync>;

/// Options of [`Store::add_objects`](crate::Store::add_objects).
#[derive(Clone)]
pub struct AddOptions {
    /// The TLP level of objects without a TLP marking (the node's default, AMBER unless
    /// configured).
    pub default_tlp: Tlp,
    /// How conflicts are treated.
    pub mode: WriteMode,
    /// The spec version of objects that do not say (a STIX 2.0 bundle's `spec_version`);
    /// `2.1` when `None`.
    pub spec_version: Option<String>,
    /// Progress reports while rows are written.
    pub progress: Option<ProgressFn>,
}

impl Default for AddOptions {
    fn default() -> Self {
        Self {
            default_tlp: Tlp::Amber,
            mode: WriteMode::AllOrNothing,
            spec_version: None,
            progress: None,
        }
    }
}

impl fmt::Debug for AddOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddOptions")
            .field("default_tlp", &self.default_tlp)
            .field("mode", &self.mode)
            .field("spec_version", &self.spec_version)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What happened to each object of a write, in input order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AddReport {
    /// One outcome per input object.
    pub outcomes: Vec<ObjectOutcome>,
    /// Whether the transaction was committed; `false` when [`WriteMode::AllOrNothing`] met a
    /// conflict, in which case nothing was stored.
    pub committed: bool,
}

impl AddReport {
    /// Returns how many objects were added.
    pub fn n_added(&self) -> usize {
        self.count(|status| matches!(status, OutcomeStatus::Added { .. }))
    }

    /// Returns how many objects were already present.
    pub fn n_already_present(&self) -> usize {
        self.count(|status| matches!(status, OutcomeStatus::AlreadyPresent { .. }))
    }

    /// Returns how many objects conflicted with a stored version.
    pub fn n_conflicts(&self) -> usize {
        self.count(|status| matches!(status, OutcomeStatus::Conflict))
    }

    fn count(&self, predicate: impl Fn(&OutcomeStatus) -> bool) -> usize {
        self.outcomes
            .iter()
            .filter(|outcome| predicate(&outcome.status))
            .count()
    }
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ObjectOutcome {
    /// The object's id.
    pub id: StixId,
    /// The version: `modified`, else `created`, else (observables) the time it was added.
    pub version: Option<StixTimestamp>,
    /// What happened.
    pub status: OutcomeStatus,
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// Stored as a new version (when the transaction committed).
    Added {
        /// The server's `date_added`.
        date_added: StixTimestamp,
    },
    /// An identical version was already stored; nothing was written.
    AlreadyPresent {
        /// The `date_added` of the stored version.
        date_added: StixTimestamp,
    },
    /// A different object is stored under the same id and version.
    Conflict,
    /// Not stored, because another object of an all-or-nothing write conflicted.
    NotStored,
}

/// An object turned into the columns of a row, borrowing from the object.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub object_id: &'a str,
    pub object_type: &'a str,
    /// Microseconds; `None` for observables, whose version is their date_added.
    pub version: Option<i64>,
    pub spec_version: String,
    pub revoked: bool,
    pub created_by_ref: Option<&'a str>,
    pub tlp: Tlp,
    pub json: &'a str,
    pub recipients: &'a [String],
    /// Sorted, without duplicates.
    pub lookup_values: Vec<&'a LookupValue>,
}

impl<'a> Row<'a> {
    pub(crate) fn new(new: &'a NewObject, options: &AddOptions) -> Self {
        let object = &new.object;
        let mut lookup_values: Vec<&LookupValue> = new
            .derived
            .lookup_values
            .iter()
            .chain(&new.lookup_values)
            .collect();
        lookup_values.sort_unstable();
        lookup_values.dedup();
        Self {
            object_id: object.id().as_str(),
            object_type: object.object_type(),
            version: object.version().map(|version| version.to_micros()),
            spec_version: object
                .spec_version()
                .or(options.spec_version.as_deref())
                .unwrap_or("2.1")
                .to_owned(),
            revoked: object.is_revoked(),
            created_by_ref: object
                .common()
                .created_by_ref
                .as_ref()
                .map(|id| id.as_str()),
            tlp: new.derived.tlp.unwrap_or(options.default_tlp),
            json: &new.json,
            recipients: &new.derived.recipients,
            lookup_values,
        }
    }
}

/// A stored version met while planning a write.
#[derive(Debug)]
pub(crate) struct Existing {
    pub object_id: String,
    pub version: i64,
    pub date_added: i64,
    pub json: String,
}

/// The decision for each row: write it (as the n-th new row of this write), or report it.
#[derive(Debug)]
pub(crate) struct Plan {
    pub outcomes: Vec<Planned>,
    /// Indexes of the rows to insert, in input order.
    pub to_insert: Vec<usize>,
}

/// Where an already-present version lives: stored before, or planned earlier in this write.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Origin {
    Stored { date_added: i64 },
    Planned { insert_idx: usize },
}

#[derive(Debug)]
pub(crate) enum Planned {
    /// Inserted as the `n`-th new row of this write.
    Insert(usize),
    AlreadyPresent(Origin),
    Conflict,
}

impl Plan {
    /// Decides, for each row, whether it is new, already present or a conflict, against the
    /// stored versions of the same ids and the rows before it in the same write.
    pub(crate) fn new(rows: &[Row<'_>], existing: &[Existing]) -> Self {
        // Observables (no version) are compared by JSON; versioned objects by version, then
        // JSON.
        let mut known: HashMap<&str, Vec<Known<'_>>> = HashMap::new();
        for stored in existing {
            known.entry(&stored.object_id).or_default().push(Known {
                version: Some(stored.version),
                json: &stored.json,
                origin: Origin::Stored {
                    date_added: stored.date_added,
                },
            });
        }
        let mut outcomes = Vec::with_capacity(rows.len());
        let mut to_insert = Vec::with_capacity(rows.len());
        for (row_idx, row) in rows.iter().enumerate() {
            let versions = known.entry(row.object_id).or_default();
            let found = match row.version {
                Some(version) => versions.iter().find(|k| k.version == Some(version)),
                None => versions.iter().find(|k| k.json == row.json),
            };
            let outcome = match found {
                Some(k) if k.json == row.json => Planned::AlreadyPresent(k.origin),
                Some(_) => Planned::Conflict,
                None => {
                    let insert_idx = to_insert.len();
                    versions.push(Known {
                        version: row.version,
                        json: row.json,
                        origin: Origin::Planned { insert_idx },
                    });
                    to_insert.push(row_idx);
                    Planned::Insert(insert_idx)
                }
            };
            outcomes.push(outcome);
        }
        Self {
            outcomes,
            to_insert,
        }
    }

    /// Returns whether any row conflicts.
    pub(crate) fn has_conflicts(&self) -> bool {
        self.outcomes
            .iter()
            .any(|outcome| matches!(outcome, Planned::Conflict))
    }

    /// Returns the date_added of the `insert_idx`-th new row when the write's sequence starts
    /// at `first_date_added`.
    pub(crate) fn date_added(first_date_added: i64, insert_idx: usize) -> i64 {
        first_date_added + i64::try_from(insert_idx).expect("a write holds fewer than 2^63 rows")
    }

    /// Builds the report once the first date_added of the write is known.
    pub(crate) fn report(
        &self,
        objects: &[NewObject],
        rows: &[Row<'_>],
        first_date_added: i64,
        committed: bool,
    ) -> crate::Result<AddReport> {
        let timestamp = |micros: i64| {
            StixTimestamp::from_micros(micros)
                .ok_or_else(|| crate::error::corrupt(format!("date_added {micros} out of range")))
        };
        let mut outcomes = Vec::with_capacity(rows.len());
        for ((object, row), planned) in objects.iter().zip(rows).zip(&self.outcomes) {
            let status = match *planned {
                Planned::Insert(_) | Planned::AlreadyPresent(Origin::Planned { .. })
                    if !committed =>
                {
                    OutcomeStatus::NotStored
                }
                Planned::Insert(insert_idx) => OutcomeStatus::Added {
                    date_added: timestamp(Self::date_added(first_date_added, insert_idx))?,
                },
                Planned::AlreadyPresent(Origin::Stored { date_added }) => {
                    OutcomeStatus::AlreadyPresent {
                        date_added: timestamp(date_added)?,
                    }
                }
                Planned::AlreadyPresent(Origin::Planned { insert_idx }) => {
                    OutcomeStatus::AlreadyPresent {
                        date_added: timestamp(Self::date_added(first_date_added, insert_idx))?,
                    }
                }
                Planned::Conflict => OutcomeStatus::Conflict,
            };
            let version = match (row.version, planned) {
                (Some(_), _) => object.object.version(),
                (None, Planned::AlreadyPresent(Origin::Stored { date_added })) => {
                    Some(timestamp(*date_added)?)
                }
                (None, _) if !committed => None,
                (None, Planned::Insert(insert_idx)) => {
                    Some(timestamp(Self::date_added(first_date_added, *insert_idx))?)
                }
                (None, Planned::AlreadyPresent(Origin::Planned { insert_idx })) => {
                    Some(timestamp(Self::date_added(first_date_added, *insert_idx))?)
                }
                (None, Planned::Conflict) => None,
            };
            outcomes.push(ObjectOutcome {
                id: object.object.id().clone(),
                version,
                status,
            });
        }
        Ok(AddReport {
            outcomes,
            committed,
        })
    }
}

struct Known<'a> {
    version: Option<i64>,
    json: &'a str,
    origin: Origin,
}

/// The side-table entries of the rows a plan inserts: (date_added, identity) and
/// (date_added, look-up value).
pub(crate) struct SideEntries<'a> {
    pub recipients: Vec<(i64, &'a str)>,
    pub lookup_values: Vec<(i64, &'a LookupValue)>,
}

/// Lists the side-table entries of the planned rows.
pub(crate) fn side_entries<'a>(
    rows: &'a [Row<'a>],
    plan: &Plan,
    first_date_added: i64,
) -> SideEntries<'a> {
    let mut entries = SideEntries {
        recipients: Vec::new(),
        lookup_values: Vec::new(),
    };
    for (insert_idx, &row_idx) in plan.to_insert.iter().enumerate() {
        let row = &rows[row_idx];
        let date_added = Plan::date_added(first_date_added, insert_idx);
        entries.recipients.extend(
            row.recipients
                .iter()
                .map(|identity| (date_added, identity.as_str())),
        );
        entries
            .lookup_values
            .extend(row.lookup_values.iter().map(|value| (date_added, *value)));
    }
    entries
}
