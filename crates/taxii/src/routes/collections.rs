//! Get Collections (section 5.1) and Get a Collection (section 5.2): the collections of an API
//! root that the caller may read or write, with `can_read` and `can_write` as they apply to
//! the caller.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use store::{Collection, Store};

use super::{Need, TaxiiPath, collection_for, taxii_json};
use crate::media::{STIX_MEDIA_TYPE, check_accept};
use crate::principal::Caller;
use crate::resources::{CollectionResource, CollectionsResource};
use crate::{TaxiiError, TaxiiState};

/// `GET /taxii2/{api-root}/collections/`.
pub(crate) async fn collections(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
) -> Result<Response, TaxiiError> {
    check_accept(&headers)?;
    let path = TaxiiPath::read(path)?;
    let store = &state.store;
    if !store
        .api_roots()
        .await?
        .iter()
        .any(|root| root.name == path.api_root)
    {
        return Err(TaxiiError::NotFound(format!(
            "API root {} not found",
            path.api_root
        )));
    }
    let collections = store
        .collections()
        .await?
        .iter()
        .filter(|collection| collection.api_root == path.api_root)
        .filter_map(|collection| resource(&caller, collection))
        .collect();
    Ok(taxii_json(
        StatusCode::OK,
        &CollectionsResource { collections },
    ))
}

/// `GET /taxii2/{api-root}/collections/{id}/`.
pub(crate) async fn collection(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
) -> Result<Response, TaxiiError> {
    check_accept(&headers)?;
    let path = TaxiiPath::read(path)?;
    let collection_id = path.collection_id.unwrap_or_default();
    let collection =
        collection_for(&state, &caller, &path.api_root, &collection_id, Need::See).await?;
    let resource = resource(&caller, &collection).expect("collection_for returns visible ones");
    Ok(taxii_json(StatusCode::OK, &resource))
}

/// Returns the collection as the caller sees it, or `None` when it may neither read nor
/// write it.
fn resource(caller: &Caller, collection: &Collection) -> Option<CollectionResource> {
    let access = caller.access(&collection.id);
    access.is_visible().then(|| CollectionResource {
        id: collection.id.to_string(),
        title: collection.title.clone(),
        description: collection.description.clone(),
        alias: collection.alias.clone(),
        can_read: access.can_read,
        can_write: access.can_write,
        media_types: vec![STIX_MEDIA_TYPE.to_owned()],
    })
}
