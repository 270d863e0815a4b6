//! Reading and deleting objects: Get Object Manifests (section 5.3), Get Objects (5.4), Get
//! an Object (5.6), Delete an Object (5.7) and Get Object Versions (5.8).
//!
//! Every read goes through the store with the caller's [`AccessScope`](policy::AccessScope),
//! so an object version the caller may not read (TLP:RED without being a named recipient)
//! behaves exactly like one that does not exist, on every endpoint.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use policy::CollectionId;
use stix::StixId;
use store::{ObjectQuery, Store, VersionMatch};

use super::{Need, TaxiiPath, collection_for, taxii_body, taxii_json, with_date_added};
use crate::cursor;
use crate::filters::{ALL_SPEC_VERSIONS, Endpoint, Filters};
use crate::media::check_accept;
use crate::principal::Caller;
use crate::resources::{ManifestRecord, ManifestResource, VersionsResource, envelope_json};
use crate::{TaxiiError, TaxiiState};

/// `GET /taxii2/{api-root}/collections/{id}/objects/`: an envelope of objects.
pub(crate) async fn get_objects(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let request = Request::read(&state, &caller, &headers, path, Need::Read).await?;
    envelope(&state, &caller, &request, query.as_deref(), None).await
}

/// `GET /taxii2/{api-root}/collections/{id}/objects/{object-id}/`: an envelope of versions of
/// one object (the last by default).
pub(crate) async fn get_object(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let request = Request::read(&state, &caller, &headers, path, Need::Read).await?;
    let object = request.object()?;
    envelope(&state, &caller, &request, query.as_deref(), Some(&object)).await
}

/// Answers with an envelope of the collection's objects, or of one object's versions.
async fn envelope(
    state: &TaxiiState,
    caller: &Caller,
    request: &Request,
    query: Option<&str>,
    object: Option<&StixId>,
) -> Result<Response, TaxiiError> {
    let endpoint = match object {
        Some(_) => Endpoint::Object,
        None => Endpoint::Objects,
    };
    let read = Read::new(state, query, endpoint, request.collection, object)?;
    // The database joins the stored JSON of the page; nothing is parsed or re-serialized.
    let page = state
        .store
        .objects_json(&caller.0.scope(), &read.query)
        .await?;
    if let Some(object) = object
        && page.n_objects == 0
    {
        request.ensure_exists(state, caller, object, &read).await?;
    }
    let next = read.next_token(page.next.as_ref());
    let response = taxii_body(StatusCode::OK, envelope_json(&page.json, next.as_deref()));
    Ok(with_date_added(
        response,
        page.date_added
            .into_iter()
            .flat_map(|(first, last)| [first, last]),
    ))
}

/// `DELETE /taxii2/{api-root}/collections/{id}/objects/{object-id}/`: deletes the matching
/// versions (every version, of every spec version, unless `match[version]` or
/// `match[spec_version]` says otherwise) that the caller can see.
pub(crate) async fn delete_object(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let request = Request::read(&state, &caller, &headers, path, Need::Write).await?;
    let object = request.object()?;
    let filters = Filters::parse(query.as_deref(), Endpoint::Delete)?;
    let query = filters.query(Endpoint::Delete, request.collection, Some(&object), 0);
    let n_deleted = state
        .store
        .delete_objects(&caller.0.scope(), &query)
        .await?;
    if n_deleted == 0 {
        let everything = Read::everything_of(request.collection, &object);
        if state.store.count(&caller.0.scope(), &everything).await? == 0 {
            return Err(request.object_not_found(&object));
        }
        return Err(TaxiiError::NotFound(format!(
            "object {object} has no version matching the filters in collection {}",
            request.collection
        )));
    }
    tracing::info!(
        collection_id = %request.collection,
        object_id = %object,
        n_deleted,
        participant = %caller.0.participant,
        "deleted object versions"
    );
    Ok(StatusCode::OK.into_response())
}

/// `GET /taxii2/{api-root}/collections/{id}/objects/{object-id}/versions/`: the versions of
/// one object, oldest `date_added` first.
pub(crate) async fn get_versions(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let request = Request::read(&state, &caller, &headers, path, Need::Read).await?;
    let object = request.object()?;
    let read = Read::new(
        &state,
        query.as_deref(),
        Endpoint::Versions,
        request.collection,
        Some(&object),
    )?;
    let page = state.store.manifest(&caller.0.scope(), &read.query).await?;
    if page.items.is_empty() {
        request
            .ensure_exists(&state, &caller, &object, &read)
            .await?;
    }
    let next = read.next_token(page.next.as_ref());
    let resource = VersionsResource {
        more: next.is_some(),
        next,
        versions: page
            .items
            .iter()
            .map(|entry| entry.version.to_string())
            .collect(),
    };
    Ok(with_date_added(
        taxii_json(StatusCode::OK, &resource),
        page.items.iter().map(|entry| entry.date_added),
    ))
}

/// `GET /taxii2/{api-root}/collections/{id}/manifest/`: what the objects endpoint would
/// return, without the objects.
pub(crate) async fn get_manifest(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let request = Request::read(&state, &caller, &headers, path, Need::Read).await?;
    let read = Read::new(
        &state,
        query.as_deref(),
        Endpoint::Manifest,
        request.collection,
        None,
    )?;
    let page = state.store.manifest(&caller.0.scope(), &read.query).await?;
    let next = read.next_token(page.next.as_ref());
    let resource = ManifestResource {
        more: next.is_some(),
        next,
        objects: page.items.iter().map(ManifestRecord::from).collect(),
    };
    Ok(with_date_added(
        taxii_json(StatusCode::OK, &resource),
        page.items.iter().map(|entry| entry.date_added),
    ))
}

/// A request on a collection the caller may use, with its object id when the path has one.
struct Request {
    collection: CollectionId,
    object_id: Option<String>,
}

impl Request {
    async fn read(
        state: &TaxiiState,
        caller: &Caller,
        headers: &HeaderMap,
        path: Result<Path<TaxiiPath>, PathRejection>,
        need: Need,
    ) -> Result<Self, TaxiiError> {
        check_accept(headers)?;
        let path = TaxiiPath::read(path)?;
        let collection_id = path.collection_id.unwrap_or_default();
        let collection =
            collection_for(state, caller, &path.api_root, &collection_id, need).await?;
        Ok(Self {
            collection: collection.id,
            object_id: path.object_id,
        })
    }

    /// Returns the object id of the path; one that is not a STIX id names nothing.
    fn object(&self) -> Result<StixId, TaxiiError> {
        let text = self.object_id.as_deref().unwrap_or_default();
        StixId::parse(text).map_err(|_| {
            TaxiiError::NotFound(format!(
                "object {text} not found in collection {}",
                self.collection
            ))
        })
    }

    fn object_not_found(&self, object: &StixId) -> TaxiiError {
        TaxiiError::NotFound(format!(
            "object {object} not found in collection {}",
            self.collection
        ))
    }

    /// Answers 404 when the caller can see no version of `object` at all; an object whose
    /// versions are all filtered out gets an empty answer instead. A request continuing
    /// with `next` is not checked (the object may have been deleted meanwhile).
    async fn ensure_exists(
        &self,
        state: &TaxiiState,
        caller: &Caller,
        object: &StixId,
        read: &Read,
    ) -> Result<(), TaxiiError> {
        if read.query.after.is_some() {
            return Ok(());
        }
        let everything = Read::everything_of(self.collection, object);
        if state.store.count(&caller.0.scope(), &everything).await? == 0 {
            return Err(self.object_not_found(object));
        }
        Ok(())
    }
}

/// A paged read: the store query and the fingerprint its `next` tokens are bound to.
struct Read {
    query: ObjectQuery,
    fingerprint: [u8; 8],
}

impl Read {
    fn new(
        state: &TaxiiState,
        query: Option<&str>,
        endpoint: Endpoint,
        collection: CollectionId,
        object: Option<&StixId>,
    ) -> Result<Self, TaxiiError> {
        let filters = Filters::parse(query, endpoint)?;
        let config = &state.config;
        let page_size = filters
            .limit
            .map_or(config.default_page_size, |limit| {
                limit.min(config.max_page_size)
            })
            .max(1);
        let mut query = filters.query(endpoint, collection, object, page_size);
        let fingerprint = filters.fingerprint(endpoint, collection, object);
        if let Some(next) = &filters.next {
            query.after = Some(cursor::decode(next, fingerprint)?);
        }
        Ok(Self { query, fingerprint })
    }

    fn next_token(&self, next: Option<&store::Cursor>) -> Option<String> {
        next.map(|cursor| cursor::encode(cursor, self.fingerprint))
    }

    /// Returns the query for every version, of every spec version, of one object.
    fn everything_of(collection: CollectionId, object: &StixId) -> ObjectQuery {
        ObjectQuery {
            versions: vec![VersionMatch::All],
            spec_versions: ALL_SPEC_VERSIONS.iter().map(|v| (*v).to_owned()).collect(),
            ..ObjectQuery::versions_of(collection, object.clone())
        }
    }
}
