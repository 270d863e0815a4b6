//! The store's error type.

/// Errors of store operations.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No collection has this id, alias or title.
    #[error("collection {name} not found")]
    CollectionNotFound {
        /// The id, alias or title asked for.
        name: String,
    },
    /// Several collections have this title; use the id or alias instead.
    #[error("{n_matches} collections are titled {name:?}: name one by its id or alias")]
    AmbiguousCollection {
        /// The title asked for.
        name: String,
        /// How many collections carry it.
        n_matches: usize,
    },
    /// No API root has this name.
    #[error("API root {name} not found")]
    ApiRootNotFound {
        /// The name asked for.
        name: String,
    },
    /// An API root or collection with this name, id or alias already exists.
    #[error("{what} already exists")]
    AlreadyExists {
        /// What was being created, e.g. `collection alias "default" in API root default`.
        what: String,
    },
    /// A caller-supplied value is unusable, e.g. a malformed paging cursor.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was invalid.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A stored row cannot be read back (a bug or a damaged database).
    #[error("stored data is damaged: {reason}")]
    Corrupt {
        /// What could not be read.
        reason: String,
    },
    /// The data directory cannot be created or opened.
    #[error("cannot use data directory {path}")]
    DataDir {
        /// The directory.
        path: std::path::PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The database schema could not be brought up to date.
    #[error("database migration failed")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database failed or is unreachable.
    #[error("database error")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The result type of store operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(Box::new(error))
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Migration(Box::new(error))
    }
}

pub(crate) fn corrupt(reason: impl Into<String>) -> Error {
    Error::Corrupt {
        reason: reason.into(),
    }
}
