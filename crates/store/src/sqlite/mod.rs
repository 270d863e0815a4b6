//! The embedded backend: one SQLite database file in the data directory, in WAL mode.
//!
//! Writers take the database's write lock when their transaction begins (`BEGIN IMMEDIATE`),
//! so writes are serialized and each sees the collection's last `date_added` as committed;
//! readers run concurrently on other connections.

mod integrity;

use std::ops::ControlFlow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use futures::TryStreamExt;
use policy::AccessScope;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, QueryBuilder, Row, Sqlite, SqliteConnection};

use crate::collection::{ApiRoot, Collection, DEFAULT_NAME, NewCollection};
use crate::lookup::LookupValue;
use crate::query::{JsonPage, ManifestEntry, ObjectQuery, Page, StoredObject};
use crate::rows::{decode_entry, decode_object, now_micros, paginate};
use crate::sql::{self, Dialect, Sql, SqlValue};
use crate::stats::{Stats, StatsLine};
use crate::write::{AddOptions, AddReport, Existing, NewObject, Plan, Row as NewRow, WriteMode};
use crate::{Error, Result, Store};

/// The file name of the database inside the data directory.
pub const DATABASE_FILE: &str = "phalanx.sqlite3";

/// Rows per multi-row INSERT: 10 columns x 400 rows stays well under SQLite's limit of 32,766
/// parameters.
const INSERT_CHUNK: usize = 400;

/// Ids per look-up of stored versions.
const ID_CHUNK: usize = 5_000;

/// The page size of new databases, in bytes.
const PAGE_SIZE: u32 = 16_384;

/// How many pages a write transaction may hold dirty in memory before it spills (256 MiB of
/// 16 KiB pages): an ingest of ATT&CK Enterprise dirties about 3,500.
const CACHE_SPILL_PAGES: u32 = 16_384;

/// A store in an SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating it if needed) the store in `data_dir`, and brings its schema up to
    /// date.
    ///
    /// # Errors
    ///
    /// [`Error::DataDir`] when the directory cannot be created, [`Error::Migration`] or
    /// [`Error::Database`] when the database cannot be opened or migrated.
    pub async fn open(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|source| Error::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        Self::open_file(&data_dir.join(DATABASE_FILE)).await
    }

    /// Opens (creating it if needed) the store in one database file.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`].
    pub async fn open_file(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(Error::from)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode, NORMAL loses no committed transaction when the process dies; only
            // a power failure can roll back the last ones, never corrupt the file.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(60))
            // New databases get 16 KiB pages: STIX objects are about 1.5 KB of JSON, so a
            // page holds several, and a bulk ingest writes fewer pages and B-tree cells.
            // SQLite keeps an existing database's page size (WAL mode cannot change it).
            .page_size(PAGE_SIZE)
            .pragma("cache_size", "-32768")
            // Let a write transaction keep up to CACHE_SPILL_PAGES dirty pages in memory
            // before it spills pages to the WAL mid-transaction (which writes them twice).
            .pragma("cache_spill", CACHE_SPILL_PAGES.to_string())
            // Sorts and temporary B-trees of queries stay in memory, never in /var/tmp.
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        migrator().run(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes every connection, waiting for them: the last one to close checkpoints the
    /// write-ahead log into the database file and removes it. Commands call this before they
    /// exit, so that the next process does not find the log to replay.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl SqliteStore {
    /// Calls `each` with the JSON of the versions `query` (which names a collection)
    /// selects, in date_added order, a page of `query.limit` (default 2,000) versions at a
    /// time as text joined by commas with the number of versions in it, until `each`
    /// breaks; returns how many versions `each` was given.
    ///
    /// Each page is joined by the database without sorting it again: the dates come joined
    /// alongside, and a page whose dates are not strictly increasing (SQL does not promise
    /// the order in which an aggregate sees rows) is read again row by row, in order.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database fails, [`Error::Invalid`] when `query` names no
    /// collection.
    pub async fn for_each_json(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
        mut each: impl FnMut(&str, u64) -> ControlFlow<()>,
    ) -> Result<u64> {
        let page_len = query.limit.unwrap_or(JSON_PAGE_LEN);
        let mut query = ObjectQuery {
            limit: Some(page_len),
            ..query.clone()
        };
        crate::rows::check_json_query(&query)?;
        let mut n_objects = 0;
        loop {
            let row = prepare(sql::objects_json_as_delivered(
                Dialect::Sqlite,
                scope,
                &query,
            ))
            .fetch_one(&self.pool)
            .await?;
            let json: Option<&str> = row.try_get(0)?;
            let dates: Option<&str> = row.try_get(1)?;
            let n_page: i64 = row.try_get(2)?;
            let last: Option<i64> = row.try_get(3)?;
            let collection_key: Option<i64> = row.try_get(4)?;
            let (Some(json), Some(dates), Some(last), Some(collection_key)) =
                (json, dates, last, collection_key)
            else {
                return Ok(n_objects);
            };
            let n_page = n_page.unsigned_abs();
            if strictly_increasing(dates, n_page) {
                n_objects += n_page;
                if each(json, n_page).is_break() {
                    return Ok(n_objects);
                }
            } else {
                let mut rows = prepare(sql::objects_json_rows(Dialect::Sqlite, scope, &query))
                    .fetch(&self.pool);
                while let Some(row) = rows.try_next().await? {
                    n_objects += 1;
                    if each(row.try_get(0)?, 1).is_break() {
                        return Ok(n_objects);
                    }
                }
            }
            if n_page < u64::from(page_len) {
                return Ok(n_objects);
            }
            query.after = Some(crate::query::Cursor {
                date_added: last,
                collection_key,
            });
        }
    }
}

/// Versions per page of [`SqliteStore::for_each_json`] when the query has no limit.
const JSON_PAGE_LEN: u32 = 2_000;

/// Returns whether `dates` is `n` integers joined by commas, each larger than the one before.
fn strictly_increasing(dates: &str, n: u64) -> bool {
    let mut previous = i64::MIN;
    let mut count = 0;
    for date in dates.split(',') {
        match date.parse::<i64>() {
            Ok(date) if count == 0 || date > previous => previous = date,
            _ => return false,
        }
        count += 1;
    }
    count == n
}

fn migrator() -> Migrator {
    Migrator::with_migrations(vec![
        Migration::new(
            1,
            "objects".into(),
            MigrationType::Simple,
            sqlx::SqlSafeStr::into_sql_str(include_str!(
                "../../migrations/sqlite/0001_objects.sql"
            )),
            false,
        ),
        Migration::new(
            10,
            "principals".into(),
            MigrationType::Simple,
            sqlx::SqlSafeStr::into_sql_str(include_str!(
                "../../migrations/sqlite/0010_principals.sql"
            )),
            false,
        ),
        Migration::new(
            20,
            "taxii_status".into(),
            MigrationType::Simple,
            sqlx::SqlSafeStr::into_sql_str(include_str!(
                "../../migrations/sqlite/0020_taxii_status.sql"
            )),
            false,
        ),
        Migration::new(
            30,
            "external_ids".into(),
            MigrationType::Simple,
            sqlx::SqlSafeStr::into_sql_str(include_str!(
                "../../migrations/sqlite/0030_external_ids.sql"
            )),
            false,
        ),
    ])
}

type SqliteQuery<'q> = Query<'q, Sqlite, SqliteArguments>;

/// Binds the parameters of `sql`; lists go in as JSON arrays, read with `json_each`.
fn prepare(sql: Sql) -> SqliteQuery<'static> {
    let mut query = sqlx::query(AssertSqlSafe(sql.text));
    for value in sql.values {
        query =
            match value {
                SqlValue::Int(value) => query.bind(value),
                SqlValue::Text(value) => query.bind(value),
                SqlValue::TextList(values) => query
                    .bind(serde_json::to_string(&values).expect("a list of strings serializes")),
                SqlValue::IntList(values) => query
                    .bind(serde_json::to_string(&values).expect("a list of integers serializes")),
            };
    }
    query
}

impl Store for SqliteStore {
    async fn default_collection(&self) -> Result<Collection> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("INSERT INTO api_roots (name, title) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(DEFAULT_NAME)
            .bind("Default API root")
            .execute(&mut *tx)
            .await?;
        let existing = sqlx::query("SELECT id FROM collections WHERE api_root = $1 AND alias = $1")
            .bind(DEFAULT_NAME)
            .fetch_optional(&mut *tx)
            .await?;
        if existing.is_none() {
            insert_collection(&mut tx, &default_new_collection()).await?;
        }
        tx.commit().await?;
        self.resolve_collection(DEFAULT_NAME).await
    }

    async fn create_api_root(&self, api_root: &ApiRoot) -> Result<()> {
        let result = sqlx::query(
            "INSERT INTO api_roots (name, title, description) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&api_root.name)
        .bind(&api_root.title)
        .bind(&api_root.description)
        .execute(&self.pool)
        .await?;
        if result.rows_affected() == 0 {
            return Err(Error::AlreadyExists {
                what: format!("API root {}", api_root.name),
            });
        }
        Ok(())
    }

    async fn api_roots(&self) -> Result<Vec<ApiRoot>> {
        let rows = sqlx::query("SELECT name, title, description FROM api_roots ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ApiRoot {
                    name: row.try_get(0)?,
                    title: row.try_get(1)?,
                    description: row.try_get(2)?,
                })
            })
            .collect()
    }

    async fn create_collection(&self, collection: &NewCollection) -> Result<Collection> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let created = insert_collection(&mut tx, collection).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn collections(&self) -> Result<Vec<Collection>> {
        let rows = sqlx::query(crate::collection::SELECT_COLLECTIONS)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(crate::collection::decode).collect()
    }

    async fn add_objects(
        &self,
        collection: &Collection,
        objects: &[NewObject],
        options: &AddOptions,
    ) -> Result<AddReport> {
        let rows: Vec<NewRow<'_>> = objects
            .iter()
            .map(|new| NewRow::new(new, options))
            .collect();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let (collection_key, last_date_added): (i64, i64) =
            sqlx::query_as("SELECT collection_key, last_date_added FROM collections WHERE id = $1")
                .bind(collection.id.to_string())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| Error::CollectionNotFound {
                    name: collection.id.to_string(),
                })?;
        let existing = stored_versions(&mut tx, collection_key, &rows).await?;
        let plan = Plan::new(&rows, &existing);
        drop(existing);
        let first_date_added = now_micros().max(last_date_added + 1);
        if options.mode == WriteMode::AllOrNothing && plan.has_conflicts() {
            tx.rollback().await?;
            return plan.report(objects, &rows, first_date_added, false);
        }
        insert_rows(
            &mut tx,
            collection_key,
            &rows,
            &plan,
            first_date_added,
            options,
        )
        .await?;
        if !plan.to_insert.is_empty() {
            let last = Plan::date_added(first_date_added, plan.to_insert.len() - 1);
            sqlx::query("UPDATE collections SET last_date_added = $1 WHERE collection_key = $2")
                .bind(last)
                .bind(collection_key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        tracing::debug!(
            collection_id = %collection.id,
            n_objects = objects.len(),
            n_added = plan.to_insert.len(),
            "stored objects"
        );
        plan.report(objects, &rows, first_date_added, true)
    }

    async fn objects(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> Result<Page<StoredObject>> {
        let rows = prepare(sql::objects(Dialect::Sqlite, scope, query))
            .fetch_all(&self.pool)
            .await?;
        let decoded = rows.iter().map(decode_object).collect::<Result<_>>()?;
        Ok(paginate(decoded, query.limit))
    }

    async fn objects_json(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<JsonPage> {
        let limit = crate::rows::check_json_query(query)?;
        let row = prepare(sql::objects_json(Dialect::Sqlite, scope, query))
            .fetch_one(&self.pool)
            .await?;
        let page = crate::rows::decode_json_page(&row, limit)?;
        crate::rows::confirm_next(self, scope, query, page).await
    }

    async fn manifest(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> Result<Page<ManifestEntry>> {
        let rows = prepare(sql::manifest(Dialect::Sqlite, scope, query))
            .fetch_all(&self.pool)
            .await?;
        let decoded = rows.iter().map(decode_entry).collect::<Result<_>>()?;
        Ok(paginate(decoded, query.limit))
    }

    async fn count(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<u64> {
        let row = prepare(sql::count(Dialect::Sqlite, scope, query))
            .fetch_one(&self.pool)
            .await?;
        let count: i64 = row.try_get(0)?;
        Ok(count.unsigned_abs())
    }

    async fn delete_objects(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<u64> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let result = prepare(sql::delete(Dialect::Sqlite, scope, query))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(result.rows_affected())
    }

    async fn lookup(&self, scope: &AccessScope, value: &LookupValue) -> Result<Vec<ManifestEntry>> {
        let normalized = crate::lookup::normalize(&value.kind, &value.value);
        let rows = prepare(sql::lookup(
            Dialect::Sqlite,
            scope,
            &value.kind,
            &normalized,
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| decode_entry(row).map(|positioned| positioned.item))
            .collect()
    }

    async fn stats(&self, scope: &AccessScope) -> Result<Stats> {
        let rows = prepare(sql::stats(Dialect::Sqlite, scope))
            .fetch_all(&self.pool)
            .await?;
        let lines = rows.iter().map(decode_stats_line).collect::<Result<_>>()?;
        Ok(Stats { lines })
    }
}

fn decode_stats_line(row: &SqliteRow) -> Result<StatsLine> {
    crate::stats::decode_line(row)
}

fn default_new_collection() -> NewCollection {
    NewCollection {
        alias: Some(DEFAULT_NAME.to_owned()),
        description: Some("Objects ingested without naming a collection".to_owned()),
        ..NewCollection::new(DEFAULT_NAME, "Default collection")
    }
}

async fn insert_collection(
    conn: &mut SqliteConnection,
    collection: &NewCollection,
) -> Result<Collection> {
    let api_root: Option<(String,)> = sqlx::query_as("SELECT name FROM api_roots WHERE name = $1")
        .bind(&collection.api_root)
        .fetch_optional(&mut *conn)
        .await?;
    if api_root.is_none() {
        return Err(Error::ApiRootNotFound {
            name: collection.api_root.clone(),
        });
    }
    let created = crate::collection::materialize(collection);
    let result = sqlx::query(
        "INSERT INTO collections (id, api_root, alias, title, description) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(created.id.to_string())
    .bind(&created.api_root)
    .bind(&created.alias)
    .bind(&created.title)
    .bind(&created.description)
    .execute(&mut *conn)
    .await?;
    if result.rows_affected() == 0 {
        return Err(crate::collection::already_exists(&created));
    }
    Ok(created)
}

/// Returns every stored version of the ids among `rows`, in this collection.
async fn stored_versions(
    conn: &mut SqliteConnection,
    collection_key: i64,
    rows: &[NewRow<'_>],
) -> Result<Vec<Existing>> {
    let mut ids: Vec<&str> = rows.iter().map(|row| row.object_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut existing = Vec::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let list = serde_json::to_string(chunk).expect("a list of strings serializes");
        let found: Vec<(String, i64, i64, String)> = sqlx::query_as(
            "SELECT object_id, version, date_added, json FROM object_versions \
             WHERE collection_key = $1 AND object_id IN (SELECT value FROM json_each($2))",
        )
        .bind(collection_key)
        .bind(list)
        .fetch_all(&mut *conn)
        .await?;
        existing.extend(
            found
                .into_iter()
                .map(|(object_id, version, date_added, json)| Existing {
                    object_id,
                    version,
                    date_added,
                    json,
                }),
        );
    }
    Ok(existing)
}

/// Inserts the planned rows and their side-table entries with multi-row INSERTs.
async fn insert_rows(
    conn: &mut SqliteConnection,
    collection_key: i64,
    rows: &[NewRow<'_>],
    plan: &Plan,
    first_date_added: i64,
    options: &AddOptions,
) -> Result<()> {
    let mut n_written = 0u64;
    for (chunk_idx, chunk) in plan.to_insert.chunks(INSERT_CHUNK).enumerate() {
        let base = chunk_idx * INSERT_CHUNK;
        let mut builder: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO object_versions (collection_key, date_added, object_id, object_type, \
             version, spec_version, revoked, created_by_ref, tlp, json) ",
        );
        builder.push_values(
            chunk.iter().enumerate(),
            |mut values, (offset, &row_idx)| {
                let row = &rows[row_idx];
                let date_added = Plan::date_added(first_date_added, base + offset);
                values
                    .push_bind(collection_key)
                    .push_bind(date_added)
                    .push_bind(row.object_id)
                    .push_bind(row.object_type)
                    .push_bind(row.version.unwrap_or(date_added))
                    .push_bind(row.spec_version.as_str())
                    .push_bind(row.revoked)
                    .push_bind(row.created_by_ref)
                    .push_bind(row.tlp.as_str())
                    .push_bind(row.json);
            },
        );
        builder.build().execute(&mut *conn).await?;
        n_written += chunk.len() as u64;
        tracing::debug!(n_written, "inserted object versions");
        if let Some(progress) = &options.progress {
            progress(n_written);
        }
    }
    let side = crate::write::side_entries(rows, plan, first_date_added);
    for chunk in side.recipients.chunks(INSERT_CHUNK) {
        let mut builder: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO red_recipients (collection_key, date_added, identity) ");
        builder.push_values(chunk, |mut values, (date_added, identity)| {
            values
                .push_bind(collection_key)
                .push_bind(*date_added)
                .push_bind(*identity);
        });
        builder.build().execute(&mut *conn).await?;
    }
    for chunk in side.lookup_values.chunks(INSERT_CHUNK) {
        let mut builder: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO lookup_values (kind, value, collection_key, date_added) ",
        );
        builder.push_values(chunk, |mut values, (date_added, lookup)| {
            values
                .push_bind(lookup.kind.as_str())
                .push_bind(lookup.value.as_str())
                .push_bind(collection_key)
                .push_bind(*date_added);
        });
        builder.build().execute(&mut *conn).await?;
    }
    Ok(())
}

crate::status::impl_status_store!(SqliteStore);

crate::import::impl_import_store!(
    SqliteStore,
    begin = "BEGIN IMMEDIATE",
    lock = "SELECT collection_key, last_date_added FROM collections WHERE id = $1"
);

crate::accounts::impl_accounts!(SqliteStore, begin = "BEGIN IMMEDIATE");

#[cfg(test)]
mod tests {
    use super::strictly_increasing;

    #[test]
    fn dates_in_order_only_when_strictly_increasing_and_all_there() {
        assert!(strictly_increasing("5", 1));
        assert!(strictly_increasing("-3,1,2,40", 4));
        assert!(!strictly_increasing("1,2,40", 4));
        assert!(!strictly_increasing("1,3,2", 3));
        assert!(!strictly_increasing("1,1", 2));
        assert!(!strictly_increasing("1,x", 2));
        assert!(!strictly_increasing("", 1));
    }
}
