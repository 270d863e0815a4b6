//! API roots and collections, as TAXII 2.1 names them.

use policy::CollectionId;

/// The name of the API root and the alias of the collection that are created on first use.
pub const DEFAULT_NAME: &str = "default";

/// A TAXII API root: a named group of collections.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiRoot {
    /// The name, used as the URL path segment (`/default/`).
    pub name: String,
    /// A human-readable title.
    pub title: String,
    /// A longer description.
    pub description: Option<String>,
}

/// A collection of objects within an API root.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Collection {
    /// The collection's id.
    pub id: CollectionId,
    /// The API root it belongs to.
    pub api_root: String,
    /// A human-readable title.
    pub title: String,
    /// A longer description.
    pub description: Option<String>,
    /// A short name, unique within the API root.
    pub alias: Option<String>,
}

/// What [`Store::create_collection`](crate::Store::create_collection) needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCollection {
    /// The id to use; a fresh UUID when `None` (an import keeps the original id).
    pub id: Option<CollectionId>,
    /// The API root, which must exist.
    pub api_root: String,
    /// A human-readable title.
    pub title: String,
    /// A longer description.
    pub description: Option<String>,
    /// A short name, unique within the API root.
    pub alias: Option<String>,
}

impl NewCollection {
    /// Describes a collection with only a title, in the given API root.
    pub fn new(api_root: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            id: None,
            api_root: api_root.into(),
            title: title.into(),
            description: None,
            alias: None,
        }
    }
}

/// Picks the collection named by `name` among `collections`: its id, else its alias, else its
/// title (which must then be unique).
pub(crate) fn resolve<'a>(
    collections: &'a [Collection],
    name: &str,
) -> crate::Result<&'a Collection> {
    if let Ok(id) = CollectionId::parse(name)
        && let Some(collection) = collections.iter().find(|c| c.id == id)
    {
        return Ok(collection);
    }
    let by_alias: Vec<_> = collections
        .iter()
        .filter(|c| c.alias.as_deref() == Some(name))
        .collect();
    // An alias is unique within an API root; prefer the default root when several roots
    // use the same alias.
    if let Some(collection) = by_alias
        .iter()
        .find(|c| c.api_root == DEFAULT_NAME)
        .or(by_alias.first())
    {
        return Ok(collection);
    }
    let by_title: Vec<_> = collections.iter().filter(|c| c.title == name).collect();
    match by_title.as_slice() {
        [collection] => Ok(collection),
        [] => Err(crate::Error::CollectionNotFound {
            name: name.to_owned(),
        }),
        many => Err(crate::Error::AmbiguousCollection {
            name: name.to_owned(),
            n_matches: many.len(),
        }),
    }
}

/// The columns [`decode`] reads, for both backends.
pub(crate) const SELECT_COLLECTIONS: &str =
    "SELECT id, api_root, title, description, alias FROM collections ORDER BY api_root, title, id";

/// Decodes a row of [`SELECT_COLLECTIONS`].
pub(crate) fn decode<R>(row: &R) -> crate::Result<Collection>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let id: String = row.try_get(0)?;
    Ok(Collection {
        id: CollectionId::parse(&id).map_err(|error| crate::error::corrupt(error.to_string()))?,
        api_root: row.try_get(1)?,
        title: row.try_get(2)?,
        description: row.try_get(3)?,
        alias: row.try_get(4)?,
    })
}

/// Returns the collection a [`NewCollection`] describes, with its id chosen.
pub(crate) fn materialize(new: &NewCollection) -> Collection {
    Collection {
        id: new.id.unwrap_or_else(CollectionId::new_v4),
        api_root: new.api_root.clone(),
        title: new.title.clone(),
        description: new.description.clone(),
        alias: new.alias.clone(),
    }
}

/// The error for a collection whose id or alias is taken.
pub(crate) fn already_exists(collection: &Collection) -> crate::Error {
    let what = match &collection.alias {
        Some(alias) => format!(
            "collection {} or alias {alias:?} in API root {}",
            collection.id, collection.api_root
        ),
        None => format!("collection {}", collection.id),
    };
    crate::Error::AlreadyExists { what }
}
