//! Reading rows back into the public types, the same way for both backends.

use policy::CollectionId;
use sqlx::{ColumnIndex, Decode, Row, Type};
use stix::{StixId, StixTimestamp};

use crate::Result;
use crate::error::corrupt;
use crate::query::{Cursor, JsonPage, ManifestEntry, ObjectQuery, Page, StoredObject};

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

/// Checks that a query can be answered by [`Store::objects_json`](crate::Store::objects_json).
pub(crate) fn check_json_query(query: &ObjectQuery) -> Result<u32> {
    if query.collection.is_none() {
        return Err(crate::Error::Invalid {
            what: "JSON page query",
            reason: "it must name a collection".to_owned(),
        });
    }
    query.limit.ok_or_else(|| crate::Error::Invalid {
        what: "JSON page query",
        reason: "it must have a limit".to_owned(),
    })
}

/// Decodes the row of [`sql::objects_json`](crate::sql::objects_json) into a page whose
/// `next` is set when the page is full; [`confirm_next`] then checks that more follow.
pub(crate) fn decode_json_page<R>(row: &R, limit: u32) -> Result<JsonPage>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    let json: Option<String> = row.try_get(0)?;
    let n_objects: i64 = row.try_get(1)?;
    let first: Option<i64> = row.try_get(2)?;
    let last: Option<i64> = row.try_get(3)?;
    let collection_key: Option<i64> = row.try_get(4)?;
    let date_added = match (first, last) {
        (Some(first), Some(last)) => Some((timestamp(first)?, timestamp(last)?)),
        _ => None,
    };
    let next = match (last, collection_key) {
        (Some(date_added), Some(collection_key)) if n_objects >= i64::from(limit) => Some(Cursor {
            date_added,
            collection_key,
        }),
        _ => None,
    };
    Ok(JsonPage {
        json: json.unwrap_or_default(),
        n_objects: n_objects.unsigned_abs(),
        date_added,
        next,
    })
}

/// Keeps a full page's `next` only when at least one more version follows it.
pub(crate) async fn confirm_next<S: crate::Store>(
    store: &S,
    scope: &policy::AccessScope,
    query: &ObjectQuery,
    mut page: JsonPage,
) -> Result<JsonPage> {
    if let Some(cursor) = page.next {
        let probe = ObjectQuery {
            limit: Some(1),
            after: Some(cursor),
            ..query.clone()
        };
        if store.manifest(scope, &probe).await?.items.is_empty() {
            page.next = None;
        }
    }
    Ok(page)
}
