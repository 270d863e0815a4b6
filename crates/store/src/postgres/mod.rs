//! The PostgreSQL backend (`--database-url postgres://...`).
//!
//! A write locks its collection's row (`SELECT ... FOR UPDATE`) before taking date_added
//! values, so concurrent writes to one collection are serialized and a version is never
//! committed with a date_added below one already visible. Rows go in with `UNNEST` over
//! arrays, one statement per few thousand rows.

use std::str::FromStr;

use policy::AccessScope;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Postgres, Row};

use crate::collection::{ApiRoot, Collection, DEFAULT_NAME, NewCollection};
use crate::lookup::LookupValue;
use crate::query::{JsonPage, ManifestEntry, ObjectQuery, Page, StoredObject};
use crate::rows::{decode_entry, decode_object, now_micros, paginate};
use crate::sql::{self, Dialect, Sql, SqlValue};
use crate::stats::{Stats, StatsLine};
use crate::write::{AddOptions, AddReport, Existing, NewObject, Plan, Row as NewRow, WriteMode};
use crate::{Error, Result, Store};

/// Rows per INSERT ... SELECT FROM UNNEST.
const INSERT_CHUNK: usize = 5_000;

/// A store in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and brings the schema up to date.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a malformed URL, [`Error::Database`] or [`Error::Migration`]
    /// when the server cannot be reached or migrated.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(parse_url(url)?).await
    }

    /// Connects to `url` and keeps every table in the PostgreSQL schema `schema` (created
    /// when missing), so that several stores can share one database (tests do this).
    ///
    /// # Errors
    ///
    /// As [`PostgresStore::connect`], and [`Error::Invalid`] when `schema` is not made of
    /// lower-case letters, digits and underscores.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<Self> {
        if schema.is_empty()
            || !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(Error::Invalid {
                what: "schema name",
                reason: format!("{schema:?} must be lower-case letters, digits and underscores"),
            });
        }
        let options = parse_url(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::query(AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}"
        )))
        .execute(&pool)
        .await?;
        pool.close().await;
        Self::connect_with(options.options([("search_path", schema)])).await
    }

    async fn connect_with(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options)
            .await?;
        migrator().run(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes every connection of the pool, waiting for them.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn parse_url(url: &str) -> Result<PgConnectOptions> {
    PgConnectOptions::from_str(url).map_err(|error| Error::Invalid {
        what: "database URL",
        reason: error.to_string(),
    })
}

fn migrator() -> Migrator {
    Migrator::with_migrations(vec![
        Migration::new(
            1,
            "objects".into(),
            MigrationType::Simple,
            sqlx::SqlSafeStr::into_sql_str(include_str!(
                "../../migrations/postgres/0001_objects.sql"
            )),
            false,
        ),
        Migration::new(
            10,
            "principals".into(),
            MigrationType::Simple,
            sqlx::SqlSafeStr::into_sql_str(include_str!(
                "../../migrations/postgres/0010_principals.sql"
            )),
            false,
        ),
        Migration::new(
            20,
            "taxii_status".into(),
            MigrationType::Simple,
            sqlx::SqlSafeStr::into_sql_str(include_str!(
                "../../migrations/postgres/0020_taxii_status.sql"
            )),
            false,
        ),
        Migration::new(
            30,
            "external_ids".into(),
            MigrationType::Simple,
            sqlx::SqlSafeStr::into_sql_str(include_str!(
                "../../migrations/postgres/0030_external_ids.sql"
            )),
            false,
        ),
    ])
}

type PgQuery<'q> = Query<'q, Postgres, PgArguments>;

/// Binds the parameters of `sql`; lists go in as arrays.
fn prepare(sql: Sql) -> PgQuery<'static> {
    let mut query = sqlx::query(AssertSqlSafe(sql.text));
    for value in sql.values {
        query = match value {
            SqlValue::Int(value) => query.bind(value),
            SqlValue::Text(value) => query.bind(value),
            SqlValue::TextList(values) => query.bind(values),
            SqlValue::IntList(values) => query.bind(values),
        };
    }
    query
}

impl Store for PostgresStore {
    async fn default_collection(&self) -> Result<Collection> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO api_roots (name, title) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(DEFAULT_NAME)
            .bind("Default API root")
            .execute(&mut *tx)
            .await?;
        let new = NewCollection {
            alias: Some(DEFAULT_NAME.to_owned()),
            description: Some("Objects ingested without naming a collection".to_owned()),
            ..NewCollection::new(DEFAULT_NAME, "Default collection")
        };
        // A concurrent first use may create it too; the alias index keeps one.
        let created = crate::collection::materialize(&new);
        sqlx::query(
            "INSERT INTO collections (id, api_root, alias, title, description) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(created.id.to_string())
        .bind(&created.api_root)
        .bind(&created.alias)
        .bind(&created.title)
        .bind(&created.description)
        .execute(&mut *tx)
        .await?;
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
        let api_root: Option<(String,)> =
            sqlx::query_as("SELECT name FROM api_roots WHERE name = $1")
                .bind(&collection.api_root)
                .fetch_optional(&self.pool)
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
        .execute(&self.pool)
        .await?;
        if result.rows_affected() == 0 {
            return Err(crate::collection::already_exists(&created));
        }
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
        let mut tx = self.pool.begin().await?;
        let (collection_key, last_date_added): (i64, i64) = sqlx::query_as(
            "SELECT collection_key, last_date_added FROM collections WHERE id = $1 FOR UPDATE",
        )
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
        let rows = prepare(sql::objects(Dialect::Postgres, scope, query))
            .fetch_all(&self.pool)
            .await?;
        let decoded = rows.iter().map(decode_object).collect::<Result<_>>()?;
        Ok(paginate(decoded, query.limit))
    }

    async fn objects_json(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<JsonPage> {
        let limit = crate::rows::check_json_query(query)?;
        let row = prepare(sql::objects_json(Dialect::Postgres, scope, query))
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
        let rows = prepare(sql::manifest(Dialect::Postgres, scope, query))
            .fetch_all(&self.pool)
            .await?;
        let decoded = rows.iter().map(decode_entry).collect::<Result<_>>()?;
        Ok(paginate(decoded, query.limit))
    }

    async fn count(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<u64> {
        let row = prepare(sql::count(Dialect::Postgres, scope, query))
            .fetch_one(&self.pool)
            .await?;
        let count: i64 = row.try_get(0)?;
        Ok(count.unsigned_abs())
    }

    async fn delete_objects(&self, scope: &AccessScope, query: &ObjectQuery) -> Result<u64> {
        let result = prepare(sql::delete(Dialect::Postgres, scope, query))
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    async fn lookup(&self, scope: &AccessScope, value: &LookupValue) -> Result<Vec<ManifestEntry>> {
        let normalized = crate::lookup::normalize(&value.kind, &value.value);
        let rows = prepare(sql::lookup(
            Dialect::Postgres,
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
        let rows = prepare(sql::stats(Dialect::Postgres, scope))
            .fetch_all(&self.pool)
            .await?;
        let lines = rows.iter().map(decode_stats_line).collect::<Result<_>>()?;
        Ok(Stats { lines })
    }
}

fn decode_stats_line(row: &PgRow) -> Result<StatsLine> {
    crate::stats::decode_line(row)
}

/// Returns every stored version of the ids among `rows`, in this collection.
async fn stored_versions(
    conn: &mut PgConnection,
    collection_key: i64,
    rows: &[NewRow<'_>],
) -> Result<Vec<Existing>> {
    let mut ids: Vec<&str> = rows.iter().map(|row| row.object_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut existing = Vec::new();
    for chunk in ids.chunks(INSERT_CHUNK) {
        let found: Vec<(String, i64, i64, String)> = sqlx::query_as(
            "SELECT object_id, version, date_added, json FROM object_versions \
             WHERE collection_key = $1 AND object_id = ANY($2::text[])",
        )
        .bind(collection_key)
        .bind(chunk)
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

/// Inserts the planned rows and their side-table entries, a few thousand rows per statement.
async fn insert_rows(
    conn: &mut PgConnection,
    collection_key: i64,
    rows: &[NewRow<'_>],
    plan: &Plan,
    first_date_added: i64,
    options: &AddOptions,
) -> Result<()> {
    let mut n_written = 0u64;
    for (chunk_idx, chunk) in plan.to_insert.chunks(INSERT_CHUNK).enumerate() {
        let base = chunk_idx * INSERT_CHUNK;
        let n = chunk.len();
        let mut date_added = Vec::with_capacity(n);
        let mut object_id = Vec::with_capacity(n);
        let mut object_type = Vec::with_capacity(n);
        let mut version = Vec::with_capacity(n);
        let mut spec_version = Vec::with_capacity(n);
        let mut revoked = Vec::with_capacity(n);
        let mut created_by_ref = Vec::with_capacity(n);
        let mut tlp = Vec::with_capacity(n);
        let mut json = Vec::with_capacity(n);
        for (offset, &row_idx) in chunk.iter().enumerate() {
            let row = &rows[row_idx];
            let added = Plan::date_added(first_date_added, base + offset);
            date_added.push(added);
            object_id.push(row.object_id);
            object_type.push(row.object_type);
            version.push(row.version.unwrap_or(added));
            spec_version.push(row.spec_version.as_str());
            revoked.push(row.revoked);
            created_by_ref.push(row.created_by_ref);
            tlp.push(row.tlp.as_str());
            json.push(row.json);
        }
        sqlx::query(
            "INSERT INTO object_versions (collection_key, date_added, object_id, object_type, \
             version, spec_version, revoked, created_by_ref, tlp, json) \
             SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::bigint[], \
             $6::text[], $7::boolean[], $8::text[], $9::text[], $10::text[])",
        )
        .bind(collection_key)
        .bind(date_added)
        .bind(object_id)
        .bind(object_type)
        .bind(version)
        .bind(spec_version)
        .bind(revoked)
        .bind(created_by_ref)
        .bind(tlp)
        .bind(json)
        .execute(&mut *conn)
        .await?;
        n_written += n as u64;
        tracing::debug!(n_written, "inserted object versions");
        if let Some(progress) = &options.progress {
            progress(n_written);
        }
    }
    let side = crate::write::side_entries(rows, plan, first_date_added);
    for chunk in side.recipients.chunks(INSERT_CHUNK) {
        let (date_added, identity): (Vec<i64>, Vec<&str>) = chunk.iter().copied().unzip();
        sqlx::query(
            "INSERT INTO red_recipients (collection_key, date_added, identity) \
             SELECT $1, * FROM UNNEST($2::bigint[], $3::text[])",
        )
        .bind(collection_key)
        .bind(date_added)
        .bind(identity)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in side.lookup_values.chunks(INSERT_CHUNK) {
        let date_added: Vec<i64> = chunk.iter().map(|(date_added, _)| *date_added).collect();
        let kind: Vec<&str> = chunk.iter().map(|(_, value)| value.kind.as_str()).collect();
        let value: Vec<&str> = chunk
            .iter()
            .map(|(_, value)| value.value.as_str())
            .collect();
        sqlx::query(
            "INSERT INTO lookup_values (kind, value, collection_key, date_added) \
             SELECT k, v, $1, d FROM UNNEST($2::text[], $3::text[], $4::bigint[]) AS u(k, v, d)",
        )
        .bind(collection_key)
        .bind(kind)
        .bind(value)
        .bind(date_added)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

crate::status::impl_status_store!(PostgresStore);

crate::import::impl_import_store!(
    PostgresStore,
    begin = "BEGIN",
    lock = "SELECT collection_key, last_date_added FROM collections WHERE id = $1 FOR UPDATE"
);

crate::accounts::impl_accounts!(PostgresStore, begin = "BEGIN");
