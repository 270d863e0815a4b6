//! SQL text shared by both backends: the read scope as a predicate, and the filters of an
//! [`ObjectQuery`]. Placeholders are `$1..$N`, which SQLite and PostgreSQL both accept; the
//! few differences (list parameters, byte length) are in [`Dialect`].

use std::fmt::Write;

use policy::AccessScope;

use crate::query::{ObjectQuery, VersionMatch};

/// The SQL dialect of a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SqlValue {
    Int(i64),
    Text(String),
    /// A list, bound as a JSON array (SQLite, read with `json_each`) or a `text[]`
    /// (PostgreSQL).
    TextList(Vec<String>),
    /// A list of integers, bound as a JSON array or a `bigint[]`.
    IntList(Vec<i64>),
}

/// SQL text with its parameters.
#[derive(Debug)]
pub(crate) struct Sql {
    pub dialect: Dialect,
    pub text: String,
    pub values: Vec<SqlValue>,
}

impl Sql {
    pub(crate) fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            text: String::new(),
            values: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds a parameter and returns its placeholder.
    pub(crate) fn bind(&mut self, value: SqlValue) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    /// Adds a list parameter and returns a sub-select of its elements, for `x IN (...)`.
    pub(crate) fn bind_list(&mut self, value: SqlValue) -> String {
        let cast = match &value {
            SqlValue::IntList(_) => "bigint[]",
            _ => "text[]",
        };
        let placeholder = self.bind(value);
        match self.dialect {
            Dialect::Sqlite => format!("(SELECT value FROM json_each({placeholder}))"),
            Dialect::Postgres => format!("(SELECT unnest({placeholder}::{cast}))"),
        }
    }

    /// Returns an expression for the length of a text column in bytes.
    pub(crate) fn byte_length(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("length(CAST({column} AS BLOB))"),
            Dialect::Postgres => format!("octet_length({column})"),
        }
    }
}

/// The read scope, bound once and reused by every predicate of one statement.
pub(crate) struct ScopeSql {
    /// `None` when unrestricted; else the placeholders of the collection-id list and the
    /// identity list.
    lists: Option<(String, String)>,
}

impl ScopeSql {
    pub(crate) fn new(sql: &mut Sql, scope: &AccessScope) -> Self {
        let lists = match (scope.readable_collections(), scope.identities()) {
            (Some(collections), Some(identities)) => {
                let collections = sql.bind_list(SqlValue::TextList(
                    collections.iter().map(ToString::to_string).collect(),
                ));
                let identities = sql.bind_list(SqlValue::TextList(
                    identities.iter().map(|id| id.as_str().to_owned()).collect(),
                ));
                Some((collections, identities))
            }
            _ => None,
        };
        Self { lists }
    }

    /// Returns the predicate "the version in table alias `a` is visible": its collection is
    /// readable and, if it is TLP:RED, one of the scope's identities is a named recipient.
    pub(crate) fn visible(&self, a: &str) -> String {
        match &self.lists {
            None => "1 = 1".to_owned(),
            Some((collections, identities)) => format!(
                "{a}.collection_key IN (SELECT collection_key FROM collections WHERE id IN {collections}) \
                 AND ({a}.tlp <> 'red' OR EXISTS (SELECT 1 FROM red_recipients r_{a} \
                 WHERE r_{a}.collection_key = {a}.collection_key AND r_{a}.date_added = {a}.date_added \
                 AND r_{a}.identity IN {identities}))"
            ),
        }
    }
}

/// The columns of a manifest entry, in the order the backends decode them.
pub(crate) const ENTRY_COLUMNS: &str = "o.collection_key, c.id, o.date_added, o.object_id, \
     o.object_type, o.version, o.spec_version, o.tlp, o.revoked";

/// Whether paging and limits apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paging {
    /// Cursor, order and `LIMIT limit + 1` (one more than asked, to tell whether a page
    /// follows).
    Paged,
    /// Cursor, order and `LIMIT limit`.
    PagedExact,
    Unpaged,
}

/// Writes `FROM ... WHERE ...` selecting the versions matched by `query` in `scope`, with
/// `o` the version table and `c` its collection, then the cursor, order and limit that
/// `paging` asks for.
pub(crate) fn select_versions(
    sql: &mut Sql,
    scope: &AccessScope,
    query: &ObjectQuery,
    paging: Paging,
) {
    let scope_sql = ScopeSql::new(sql, scope);
    // Without table statistics SQLite reads a few ids by walking the whole collection in
    // date_added order (the primary key serves the ORDER BY): name the index on
    // (collection, id, version), which finds them directly.
    let index =
        if sql.dialect == Dialect::Sqlite && query.collection.is_some() && !query.ids.is_empty() {
            " INDEXED BY object_versions_id"
        } else {
            ""
        };
    let mut text = format!(
        " FROM object_versions o{index} JOIN collections c ON c.collection_key = o.collection_key WHERE "
    );
    text.push_str(&scope_sql.visible("o"));
    if let Some(collection) = query.collection {
        let placeholder = sql.bind(SqlValue::Text(collection.to_string()));
        let _ = write!(
            text,
            " AND o.collection_key = (SELECT collection_key FROM collections WHERE id = {placeholder})"
        );
    }
    if let Some(added_after) = query.added_after {
        let placeholder = sql.bind(SqlValue::Int(added_after.to_micros()));
        let _ = write!(text, " AND o.date_added > {placeholder}");
    }
    if !query.ids.is_empty() {
        let list = sql.bind_list(SqlValue::TextList(
            query.ids.iter().map(|id| id.as_str().to_owned()).collect(),
        ));
        let _ = write!(text, " AND o.object_id IN {list}");
    }
    if !query.types.is_empty() {
        let list = sql.bind_list(SqlValue::TextList(query.types.clone()));
        let _ = write!(text, " AND o.object_type IN {list}");
    }
    // The spec-version filter applies before the version filter: "last" is the last version
    // among those of the requested (or latest) spec version that the scope can see.
    let spec = SpecFilter::new(sql, &query.spec_versions);
    let _ = write!(text, " AND {}", spec.predicate("o", &scope_sql));
    if let Some(predicate) = version_predicate(sql, &query.versions, &scope_sql, &spec) {
        let _ = write!(text, " AND ({predicate})");
    }
    if paging != Paging::Unpaged {
        if let Some(cursor) = query.after {
            let date_added = sql.bind(SqlValue::Int(cursor.date_added));
            if query.collection.is_some() {
                let _ = write!(text, " AND o.date_added > {date_added}");
            } else {
                let collection_key = sql.bind(SqlValue::Int(cursor.collection_key));
                let _ = write!(
                    text,
                    " AND (o.date_added > {date_added} OR (o.date_added = {date_added} AND o.collection_key > {collection_key}))"
                );
            }
        }
        text.push_str(" ORDER BY o.date_added, o.collection_key");
        if let Some(limit) = query.limit {
            let extra = i64::from(paging == Paging::Paged);
            let placeholder = sql.bind(SqlValue::Int(i64::from(limit) + extra));
            let _ = write!(text, " LIMIT {placeholder}");
        }
    }
    sql.push(&text);
}

/// The `match[spec_version]` filter.
struct SpecFilter {
    /// The placeholder list of requested spec versions, or `None` for "latest only".
    list: Option<String>,
}

impl SpecFilter {
    fn new(sql: &mut Sql, spec_versions: &[String]) -> Self {
        let list = (!spec_versions.is_empty())
            .then(|| sql.bind_list(SqlValue::TextList(spec_versions.to_vec())));
        Self { list }
    }

    /// The predicate on alias `a`: in the requested spec versions, or else no visible version
    /// of the same object in the same collection has a later spec version.
    fn predicate(&self, a: &str, scope: &ScopeSql) -> String {
        match &self.list {
            Some(list) => format!("{a}.spec_version IN {list}"),
            None => {
                let s = format!("s_{a}");
                format!(
                    "NOT EXISTS (SELECT 1 FROM object_versions {s} WHERE {s}.collection_key = {a}.collection_key \
                     AND {s}.object_id = {a}.object_id AND {s}.spec_version > {a}.spec_version AND {})",
                    scope.visible(&s)
                )
            }
        }
    }
}

/// The `match[version]` filter on alias `o`, or `None` when every version matches.
fn version_predicate(
    sql: &mut Sql,
    versions: &[VersionMatch],
    scope: &ScopeSql,
    spec: &SpecFilter,
) -> Option<String> {
    if versions.is_empty() || versions.contains(&VersionMatch::All) {
        return None;
    }
    let mut alternatives = Vec::new();
    // First and last are taken among the versions the scope can see, in the spec versions
    // selected, so that a hidden version never shows through.
    let extreme = |op: &str, n: &str| {
        format!(
            "NOT EXISTS (SELECT 1 FROM object_versions {n} WHERE {n}.collection_key = o.collection_key \
             AND {n}.object_id = o.object_id AND {n}.version {op} o.version AND {} AND {})",
            scope.visible(n),
            spec.predicate(n, scope)
        )
    };
    if versions.contains(&VersionMatch::Last) {
        alternatives.push(extreme(">", "n_last"));
    }
    if versions.contains(&VersionMatch::First) {
        alternatives.push(extreme("<", "n_first"));
    }
    let at: Vec<i64> = versions
        .iter()
        .filter_map(|version| match version {
            VersionMatch::At(timestamp) => Some(timestamp.to_micros()),
            _ => None,
        })
        .collect();
    if !at.is_empty() {
        let list = sql.bind_list(SqlValue::IntList(at));
        alternatives.push(format!("o.version IN {list}"));
    }
    Some(alternatives.join(" OR "))
}

/// Returns the statement of [`Store::objects`](crate::Store::objects).
pub(crate) fn objects(dialect: Dialect, scope: &AccessScope, query: &ObjectQuery) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push("SELECT ").push(ENTRY_COLUMNS).push(", o.json");
    select_versions(&mut sql, scope, query, Paging::Paged);
    sql
}

/// Returns the statement of [`Store::objects_json`](crate::Store::objects_json): one row with
/// the page's JSON joined by commas (in date_added order), the number of versions, and the
/// first and last date_added and the collection key of the page.
pub(crate) fn objects_json(dialect: Dialect, scope: &AccessScope, query: &ObjectQuery) -> Sql {
    let mut sql = Sql::new(dialect);
    let joined = match dialect {
        Dialect::Sqlite => "group_concat(p.json, ',' ORDER BY p.date_added)",
        Dialect::Postgres => "string_agg(p.json, ',' ORDER BY p.date_added)",
    };
    sql.push("SELECT ").push(joined).push(
        ", count(*), min(p.date_added), max(p.date_added), max(p.collection_key) \
             FROM (SELECT o.json, o.date_added, o.collection_key",
    );
    select_versions(&mut sql, scope, query, Paging::PagedExact);
    sql.push(") p");
    sql
}

/// Returns the statement of [`SqliteStore::for_each_json`](crate::SqliteStore::for_each_json):
/// the JSON of each selected version, one row each, in date_added order (from the cursor,
/// up to the limit when the query has them).
pub(crate) fn objects_json_rows(dialect: Dialect, scope: &AccessScope, query: &ObjectQuery) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push("SELECT o.json");
    select_versions(&mut sql, scope, query, Paging::PagedExact);
    sql
}

/// Returns a statement like [`objects_json`] without the ordered aggregate, which makes
/// SQLite copy the page into a sorted temporary table: the JSON and the date_added of the
/// page's versions, each joined in the order the paged sub-query delivers them (date_added
/// order in practice, but SQL does not promise it, so the caller checks the dates), then the
/// number of versions, the last date_added and the collection key.
pub(crate) fn objects_json_as_delivered(
    dialect: Dialect,
    scope: &AccessScope,
    query: &ObjectQuery,
) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push(
        "SELECT group_concat(p.json, ','), group_concat(p.date_added, ','), count(*), \
         max(p.date_added), max(p.collection_key) \
         FROM (SELECT o.json, o.date_added, o.collection_key",
    );
    select_versions(&mut sql, scope, query, Paging::PagedExact);
    sql.push(") p");
    sql
}

/// Returns the statement of [`Store::manifest`](crate::Store::manifest).
pub(crate) fn manifest(dialect: Dialect, scope: &AccessScope, query: &ObjectQuery) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push("SELECT ").push(ENTRY_COLUMNS);
    select_versions(&mut sql, scope, query, Paging::Paged);
    sql
}

/// Returns the statement of [`Store::count`](crate::Store::count).
pub(crate) fn count(dialect: Dialect, scope: &AccessScope, query: &ObjectQuery) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push("SELECT count(*)");
    select_versions(&mut sql, scope, query, Paging::Unpaged);
    sql
}

/// Returns the statement of [`Store::delete_objects`](crate::Store::delete_objects); the
/// side tables follow by `ON DELETE CASCADE`.
pub(crate) fn delete(dialect: Dialect, scope: &AccessScope, query: &ObjectQuery) -> Sql {
    let mut sql = Sql::new(dialect);
    sql.push(
        "DELETE FROM object_versions WHERE (collection_key, date_added) IN \
         (SELECT o.collection_key, o.date_added",
    );
    select_versions(&mut sql, scope, query, Paging::Unpaged);
    sql.push(")");
    sql
}

/// Returns the statement of [`Store::lookup`](crate::Store::lookup).
pub(crate) fn lookup(dialect: Dialect, scope: &AccessScope, kind: &str, value: &str) -> Sql {
    let mut sql = Sql::new(dialect);
    let scope_sql = ScopeSql::new(&mut sql, scope);
    let kind = sql.bind(SqlValue::Text(kind.to_owned()));
    let value = sql.bind(SqlValue::Text(value.to_owned()));
    let text = format!(
        "SELECT {ENTRY_COLUMNS} FROM lookup_values l \
         JOIN object_versions o ON o.collection_key = l.collection_key AND o.date_added = l.date_added \
         JOIN collections c ON c.collection_key = o.collection_key \
         WHERE l.kind = {kind} AND l.value = {value} AND {} \
         ORDER BY o.date_added, o.collection_key",
        scope_sql.visible("o")
    );
    sql.push(&text);
    sql
}

/// Returns the statement of [`Store::stats`](crate::Store::stats): collection id, type,
/// distinct ids, versions, bytes.
pub(crate) fn stats(dialect: Dialect, scope: &AccessScope) -> Sql {
    let mut sql = Sql::new(dialect);
    let scope_sql = ScopeSql::new(&mut sql, scope);
    let text = format!(
        "SELECT c.id, o.object_type, count(DISTINCT o.object_id), count(*), \
         CAST(sum({}) AS BIGINT) \
         FROM object_versions o JOIN collections c ON c.collection_key = o.collection_key \
         WHERE {} GROUP BY c.id, o.object_type ORDER BY c.id, o.object_type",
        sql.byte_length("o.json"),
        scope_sql.visible("o")
    );
    sql.push(&text);
    sql
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::ObjectQuery;

    #[test]
    fn unrestricted_scope_binds_nothing_and_principal_scope_binds_two_lists() {
        let query = ObjectQuery::all_collections();
        let sql = objects(Dialect::Sqlite, &AccessScope::unrestricted(), &query);
        assert!(sql.values.is_empty(), "{:?}", sql.values);
        let scope = AccessScope::principal([policy::CollectionId::new_v4()], []);
        let sql = objects(Dialect::Postgres, &scope, &query);
        assert_eq!(sql.values.len(), 2);
        // The scope is applied to the row and to every sub-select deciding "last" and
        // "latest spec version", each reusing the same two parameters.
        assert_eq!(sql.text.matches("r_o.identity IN").count(), 1);
        assert_eq!(sql.text.matches("r_n_last.identity IN").count(), 1);
        assert_eq!(
            sql.text.matches("unnest($1::text[])").count(),
            sql.text.matches("tlp <> 'red'").count()
        );
    }
}
