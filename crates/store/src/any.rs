//! [`AnyStore`]: one concrete type for "whichever backend the node was configured with".
//!
//! The [`Store`] trait has `async fn`s and so cannot be a trait object; a server holds an
//! `AnyStore` (cheap to clone: both backends are connection pools) and each call is one
//! `match` away from the backend.

use std::ops::ControlFlow;
use std::path::PathBuf;

use policy::AccessScope;

use crate::collection::{ApiRoot, Collection, NewCollection};
use crate::lookup::LookupValue;
use crate::query::{JsonPage, ManifestEntry, ObjectQuery, Page, StoredObject};
use crate::stats::Stats;
use crate::write::{AddOptions, AddReport, NewObject};
use crate::{PostgresStore, Result, SqliteStore, Store};

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// The embedded SQLite store in a data directory.
    Sqlite {
        /// The data directory.
        data_dir: PathBuf,
    },
    /// A PostgreSQL database.
    Postgres {
        /// `postgres://user@host:port/db`.
        url: String,
    },
}

/// Either backend.
#[derive(Debug, Clone)]
pub enum AnyStore {
    /// The embedded SQLite store.
    Sqlite(SqliteStore),
    /// A PostgreSQL store.
    Postgres(PostgresStore),
}

impl AnyStore {
    /// Opens the store at `location`, bringing its schema up to date.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`] and [`PostgresStore::connect`].
    pub async fn open(location: &StoreLocation) -> Result<Self> {
        Ok(match location {
            StoreLocation::Sqlite { data_dir } => Self::Sqlite(SqliteStore::open(data_dir).await?),
            StoreLocation::Postgres { url } => Self::Postgres(PostgresStore::connect(url).await?),
        })
    }

    /// Closes the store's connections, waiting for them (see [`SqliteStore::close`]).
    pub async fn close(&self) {
        match self {
            Self::Sqlite(store) => store.close().await,
            Self::Postgres(store) => store.close().await,
        }
    }
}

impl AnyStore {
    /// Calls `each` with the JSON of the versions `query` (which names a collection) selects,
    /// in date_added order, a page of `query.limit` (default 2,000) versions at a time as text
    /// joined by commas with the number of versions in it, until `each` breaks; returns how
    /// many versions `each` was given. SQLite: [`SqliteStore::for_each_json`]; PostgreSQL:
    /// the pages of [`Store::objects_json`].
    ///
    /// # Errors
    ///
    /// As [`Store::objects_json`].
    pub async fn for_each_json(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
        mut each: impl FnMut(&str, u64) -> ControlFlow<()>,
    ) -> Result<u64> {
        match self {
            Self::Sqlite(store) => store.for_each_json(scope, query, each).await,
            Self::Postgres(store) => {
                let mut query = ObjectQuery {
                    limit: Some(query.limit.unwrap_or(JSON_PAGE_LEN)),
                    ..query.clone()
                };
                let mut n_objects = 0;
                loop {
                    let page = store.objects_json(scope, &query).await?;
                    if page.n_objects > 0 {
                        n_objects += page.n_objects;
                        if each(&page.json, page.n_objects).is_break() {
                            return Ok(n_objects);
                        }
                    }
                    match page.next {
                        Some(cursor) => query.after = Some(cursor),
                        None => return Ok(n_objects),
                    }
                }
            }
        }
    }
}

/// Versions per page of [`AnyStore::for_each_json`] on PostgreSQL, when the query has no
/// limit.
const JSON_PAGE_LEN: u32 = 2_000;

macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
            AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Store for AnyStore {
    async fn default_collection(&self) -> Result<Collection> {
        dispatch!(self, store => store.default_collection())
    }

    async fn create_api_root(&self, api_root: &ApiRoot) -> Result<()> {
        dispatch!(self, store => store.create_api_root(api_root))
    }

    async fn api_roots(&self) -> Result<Vec<ApiRoot>> {
        dispatch!(self, store => store.api_roots())
    }

    async fn create_collection(&self, collection: &NewCollection) -> Result<Collection> {
        dispatch!(self, store => store.create_collection(collection))
    }

    async fn collections(&self) -> Result<Vec<Collection>> {
        dispatch!(self, store => store.collections())
    }

    async fn add_objects(
        &self,
        collection: &Collection,
        objects: &[NewObject],
        options: &AddOptions,
    ) -> Result<AddReport> {
        dispatch!(self, store => store.add_objects(collection, objects, options))
    }

    async fn objects(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> Result<Page<StoredObject>> {
        dispatch!(self, store => store.objects(scope, query))
    }

    async fn objects_json(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<JsonPage> {
        dispatch!(self, store => store.objects_json(scope, query))
    }

    async fn manifest(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> Result<Page<ManifestEntry>> {
        dispatch!(self, store => store.manifest(scope, query))
    }

    async fn count(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<u64> {
        dispatch!(self, store => store.count(scope, query))
    }

    async fn delete_objects(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<u64> {
        dispatch!(self, store => store.delete_objects(scope, query))
    }

    async fn lookup(&self, scope: &AccessScope, value: &LookupValue) -> Result<Vec<ManifestEntry>> {
        dispatch!(self, store => store.lookup(scope, value))
    }

    async fn stats(&self, scope: &AccessScope) -> Result<Stats> {
        dispatch!(self, store => store.stats(scope))
    }
}
