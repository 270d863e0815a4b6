//! Counts of stored objects, per collection and type.

use policy::CollectionId;

/// What a store holds, as a scope sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// One line per collection and object type, by collection then type.
    pub lines: Vec<StatsLine>,
}

/// The objects of one type in one collection.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatsLine {
    /// The collection.
    pub collection: CollectionId,
    /// The object type.
    pub object_type: String,
    /// Distinct object ids.
    pub n_objects: u64,
    /// Object versions.
    pub n_versions: u64,
    /// Bytes of stored JSON.
    pub n_bytes: u64,
}

impl Stats {
    /// Returns the totals (objects, versions, bytes) of one collection, or of all when `None`.
    pub fn totals(&self, collection: Option<CollectionId>) -> (u64, u64, u64) {
        self.lines
            .iter()
            .filter(|line| collection.is_none_or(|id| line.collection == id))
            .fold((0, 0, 0), |(objects, versions, bytes), line| {
                (
                    objects + line.n_objects,
                    versions + line.n_versions,
                    bytes + line.n_bytes,
                )
            })
    }
}

/// Decodes a row of the statistics statement: collection id, type, ids, versions, bytes.
pub(crate) fn decode_line<R>(row: &R) -> crate::Result<StatsLine>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let collection: String = row.try_get(0)?;
    let count = |idx: usize| -> crate::Result<u64> {
        let value: i64 = row.try_get(idx)?;
        Ok(value.unsigned_abs())
    };
    Ok(StatsLine {
        collection: CollectionId::parse(&collection)
            .map_err(|error| crate::error::corrupt(error.to_string()))?,
        object_type: row.try_get(1)?,
        n_objects: count(2)?,
        n_versions: count(3)?,
        n_bytes: count(4)?,
    })
}
