//! The [`Store`] trait: everything Phalanx asks of a database.

use std::future::Future;

use policy::AccessScope;

use crate::Result;
use crate::collection::{ApiRoot, Collection, NewCollection};
use crate::lookup::LookupValue;
use crate::query::{JsonPage, ManifestEntry, ObjectQuery, Page, StoredObject};
use crate::stats::Stats;
use crate::write::{AddOptions, AddReport, NewObject};

/// A store of API roots, collections and every version of every object.
///
/// Every read of objects takes an [`AccessScope`] and applies it in SQL, the same way on every
/// method; a version the scope may not read behaves exactly like a missing one. Writes are all
/// or nothing: one call is one transaction.
///
/// The methods are `async` and return `Send` futures; the trait is not object-safe, so a server
/// holds a concrete backend or [`AnyStore`](crate::AnyStore), which dispatches to either (see
/// `docs/adr/0001-store-dispatch.md`).
pub trait Store: Send + Sync {
    /// Creates the API root `default` and its collection aliased `default` if they are
    /// missing, and returns that collection.
    fn default_collection(&self) -> impl Future<Output = Result<Collection>> + Send;

    /// Creates an API root.
    ///
    /// # Errors
    ///
    /// [`Error::AlreadyExists`](crate::Error::AlreadyExists) when the name is taken.
    fn create_api_root(&self, api_root: &ApiRoot) -> impl Future<Output = Result<()>> + Send;

    /// Returns every API root, by name.
    fn api_roots(&self) -> impl Future<Output = Result<Vec<ApiRoot>>> + Send;

    /// Creates a collection and returns it.
    ///
    /// # Errors
    ///
    /// [`Error::ApiRootNotFound`](crate::Error::ApiRootNotFound), or
    /// [`Error::AlreadyExists`](crate::Error::AlreadyExists) when the id, or the alias within
    /// the API root, is taken.
    fn create_collection(
        &self,
        collection: &NewCollection,
    ) -> impl Future<Output = Result<Collection>> + Send;

    /// Returns every collection (metadata only; callers show a principal only those it may
    /// read or write).
    fn collections(&self) -> impl Future<Output = Result<Vec<Collection>>> + Send;

    /// Returns the collection named by `name`: its id, else its alias, else its title.
    ///
    /// # Errors
    ///
    /// [`Error::CollectionNotFound`](crate::Error::CollectionNotFound), or
    /// [`Error::AmbiguousCollection`](crate::Error::AmbiguousCollection) for a title shared
    /// by several collections.
    fn resolve_collection(&self, name: &str) -> impl Future<Output = Result<Collection>> + Send {
        async move {
            let collections = self.collections().await?;
            crate::collection::resolve(&collections, name).cloned()
        }
    }

    /// Adds objects to a collection in one transaction and reports, per object, whether it was
    /// added, already present or in conflict with a stored version.
    ///
    /// The caller validates the objects first. Each new version gets a `date_added` strictly
    /// greater than every earlier one in the collection.
    ///
    /// # Errors
    ///
    /// [`Error::CollectionNotFound`](crate::Error::CollectionNotFound), or a database error, in
    /// which case nothing was stored.
    fn add_objects(
        &self,
        collection: &Collection,
        objects: &[NewObject],
        options: &AddOptions,
    ) -> impl Future<Output = Result<AddReport>> + Send;

    /// Returns one page of object versions with their JSON.
    fn objects(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> impl Future<Output = Result<Page<StoredObject>>> + Send;

    /// Returns one page of object versions of one collection as JSON text joined by commas,
    /// built by the database in one row (the fast path of exports and TAXII envelopes).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`](crate::Error::Invalid) when `query` names no collection or no
    /// limit.
    fn objects_json(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> impl Future<Output = Result<JsonPage>> + Send;

    /// Returns one page of manifest entries, without loading JSON; with
    /// [`ObjectQuery::versions_of`] these are the versions of one object.
    fn manifest(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> impl Future<Output = Result<Page<ManifestEntry>>> + Send;

    /// Counts the versions matched by `query` (its limit and cursor are ignored).
    fn count(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Deletes the versions matched by `query` that the scope can see (limit and cursor are
    /// ignored) and returns how many were deleted.
    fn delete_objects(
        &self,
        scope: &AccessScope,
        query: &ObjectQuery,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Returns the versions carrying a look-up value (normalized here), visible in the scope.
    fn lookup(
        &self,
        scope: &AccessScope,
        value: &LookupValue,
    ) -> impl Future<Output = Result<Vec<ManifestEntry>>> + Send;

    /// Returns counts per collection and type of what the scope can see.
    fn stats(&self, scope: &AccessScope) -> impl Future<Output = Result<Stats>> + Send;
}
