//! Reading rows back into the public types, the same way for both backends.

use policy::CollectionId;
use sqlx::{ColumnIndex, Decode, Row, Type};
use stix::{StixId, StixTimestamp};

use crate::Result;
use crate::error::corrupt;
use crate::query::{Cursor, ManifestEntry, Page, StoredObject};

/// A decoded row and where it sits in date_added order.
pub(crate) struct Positioned<T> {
    pub item: T,
    pub cursor: Cursor,
}

/// Decodes the columns of [`ENTRY_COLUMNS`](crate::sql::ENTRY_COLUMNS) starting at index 0.
pub(crate) fn decode_entry<R>(row: &R) -> Result<Positioned<ManifestEntry>>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
{
    let collection_key: i64 = row.try_get(0)?;
    let collection: String = row.try_get(1)?;
    let date_added: i64 = row.try_get(2)?;
    let object_id: String = row.try_get(3)?;
    let object_type: String = row.try_get(4)?;
    let version: i64 = row.try_get(5)?;
    let spec_version: String = row.try_get(6)?;
    let tlp: String = row.try_get(7)?;
    let revoked: bool = row.try_get(8)?;
    let entry = ManifestEntry {
        collection: CollectionId::parse(&collection).map_err(|error| corrupt(error.to_string()))?,
        id: StixId::parse(&object_id).map_err(|error| corrupt(error.to_string()))?,
        object_type,
        version: timestamp(version)?,
        date_added: timestamp(date_added)?,
        spec_version,
        tlp: policy::parse_tlp(&tlp).map_err(|error| corrupt(error.to_string()))?,
        revoked,
    };
    Ok(Positioned {
        item: entry,
        cursor: Cursor {
            date_added,
            collection_key,
        },
    })
}

/// Decodes an entry followed by the JSON column.
pub(crate) fn decode_object<R>(row: &R) -> Result<Positioned<StoredObject>>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
{
    let Positioned { item, cursor } = decode_entry(row)?;
    let json: String = row.try_get(9)?;
    Ok(Positioned {
        item: StoredObject { entry: item, json },
        cursor,
    })
}

/// Turns `limit + 1` decoded rows into a page: the extra row only says that more follow.
pub(crate) fn paginate<T>(mut rows: Vec<Positioned<T>>, limit: Option<u32>) -> Page<T> {
    let limit = limit.map_or(usize::MAX, |limit| limit as usize);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more {
        rows.last().map(|row| row.cursor)
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(|row| row.item).collect(),
        next,
    }
}

/// Converts stored microseconds to a timestamp.
pub(crate) fn timestamp(micros: i64) -> Result<StixTimestamp> {
    StixTimestamp::from_micros(micros)
        .ok_or_else(|| corrupt(format!("timestamp {micros} is out of range")))
}

/// Returns the current time in microseconds since the Unix epoch.
pub(crate) fn now_micros() -> i64 {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970");
    i64::try_from(elapsed.as_micros()).expect("microseconds since 1970 fit in i64")
}
