//! Opening the node's store from the global options, for the commands that use it.

use anyhow::Context;
use store::{AnyStore, StoreLocation};

use crate::global::GlobalArgs;

/// Returns where the store lives: `--database-url` when given, else the data directory.
pub fn location(global: &GlobalArgs) -> StoreLocation {
    match &global.database_url {
        Some(url) => StoreLocation::Postgres { url: url.clone() },
        None => StoreLocation::Sqlite {
            data_dir: global.data_dir(),
        },
    }
}

/// Opens the store, bringing its schema up to date.
///
/// # Errors
///
/// Fails when the data directory or database cannot be opened or migrated.
pub async fn open(global: &GlobalArgs) -> anyhow::Result<AnyStore> {
    let location = location(global);
    let described = match &location {
        StoreLocation::Sqlite { data_dir } => format!("the store in {}", data_dir.display()),
        // The URL may carry a password: name only the kind of store.
        StoreLocation::Postgres { .. } => "the PostgreSQL store".to_owned(),
    };
    AnyStore::open(&location)
        .await
        .with_context(|| format!("opening {described}"))
}

/// Builds the runtime a command's async work runs on.
///
/// # Errors
///
/// Fails when the operating system refuses the runtime's resources.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Returns the collection named by `name` (id, alias or title), or the default collection
/// (created on first use) when `None`.
///
/// # Errors
///
/// Fails when no collection has that name, or the store fails.
pub async fn collection(store: &AnyStore, name: Option<&str>) -> anyhow::Result<store::Collection> {
    use store::Store;
    match name {
        Some(name) => Ok(store.resolve_collection(name).await?),
        None => Ok(store.default_collection().await?),
    }
}
