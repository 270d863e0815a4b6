//! The object store: API roots, collections and every version of every STIX object, on
//! SQLite (embedded, the default) or PostgreSQL.
//!
//! [`Store`] is the interface; [`SqliteStore`] and [`PostgresStore`] implement it and
//! [`AnyStore`] dispatches to whichever the node was configured with. Every read of objects
//! takes a [`policy::AccessScope`], applied in SQL. Writes take validated objects and store
//! them in one transaction, giving each new version a `date_added` that strictly increases
//! within its collection.
//!
//! This crate does not parse or validate STIX (that is `stix`), and knows nothing about HTTP.

mod accounts;
mod any;
mod backend;
mod collection;
mod error;
mod external_ids;
mod import;
mod lookup;
mod postgres;
mod query;
mod rows;
mod sharing;
mod sql;
mod sqlite;
mod stats;
mod status;
mod write;

pub use accounts::{
    Accounts, ApiToken, CollectionAccess, Grant, NewParticipant, NewToken, NewUser, Participant,
    ParticipantGrants, Placement, TokenRecord, User,
};
pub use any::{AnyStore, StoreLocation};
pub use backend::Store;
pub use collection::{ApiRoot, Collection, DEFAULT_NAME, NewCollection};
pub use error::{Error, Result};
pub use external_ids::{external_id_kind, external_id_values};
pub use import::{DatedObject, ImportStore};
pub use lookup::{LookupValue, hash_kind, normalize, observable_values};
pub use postgres::PostgresStore;
pub use query::{Cursor, JsonPage, ManifestEntry, ObjectQuery, Page, StoredObject, VersionMatch};
pub use sharing::{OnwardRefusal, WideningRefusal, onward_sharing_refusals, widening_refusals};
pub use sqlite::{DATABASE_FILE, SqliteStore};
pub use stats::{Stats, StatsLine};
pub use status::{StatusDetail, StatusRecord, StatusState, StatusStore};
pub use write::{
    AddOptions, AddReport, NewObject, ObjectOutcome, OutcomeStatus, ProgressFn, WriteMode,
};
