//! The TAXII 2.1 endpoints, assembled into one router, and what every handler shares: the
//! TAXII response, the `X-TAXII-Date-Added-*` headers, paths, and finding a collection the
//! caller may use.

mod collections;
mod discovery;
mod objects;
mod status;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use policy::CollectionId;
use serde::Serialize;
use stix::StixTimestamp;
use store::{Collection, Store};

use crate::media::TAXII_MEDIA_TYPE;
use crate::principal::Caller;
use crate::{TaxiiError, TaxiiState};

/// The header naming the `date_added` of the first object of a response (section 3.4.1).
pub const DATE_ADDED_FIRST: HeaderName = HeaderName::from_static("x-taxii-date-added-first");

/// The header naming the `date_added` of the last object of a response (section 3.4.1).
pub const DATE_ADDED_LAST: HeaderName = HeaderName::from_static("x-taxii-date-added-last");

/// Builds the TAXII 2.1 router: discovery at `/taxii2/` and each API root at
/// `/taxii2/{api-root}/`. The server merges it into its own router
/// (`Router::merge(taxii::router(state))`, not `nest`, which cannot serve `/taxii2/`) behind
/// its authentication middleware. It has no fallback of its own, so that merging cannot
/// conflict: the server's fallback answers unknown paths under `/taxii2` with [`fallback`].
///
/// Every handler takes the caller's [`policy::Principal`] from the request's extensions
/// (the server's authentication middleware puts it there) and answers 401 without one. Every
/// error, including unknown paths (404) and methods (405), has a TAXII error message body.
pub fn router(state: TaxiiState) -> Router {
    Router::new()
        .route("/taxii2/", methods("GET, HEAD", get(discovery::discovery)))
        .route(
            "/taxii2/{api_root}/",
            methods("GET, HEAD", get(discovery::api_root)),
        )
        .route(
            "/taxii2/{api_root}/status/{status_id}/",
            methods("GET, HEAD", get(status::status)),
        )
        .route(
            "/taxii2/{api_root}/collections/",
            methods("GET, HEAD", get(collections::collections)),
        )
        .route(
            "/taxii2/{api_root}/collections/{collection_id}/",
            methods("GET, HEAD", get(collections::collection)),
        )
        .route(
            "/taxii2/{api_root}/collections/{collection_id}/objects/",
            methods(
                "GET, HEAD, POST",
                get(objects::get_objects).post(crate::ingest::add_objects),
            ),
        )
        .route(
            "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/",
            methods(
                "GET, HEAD, DELETE",
                get(objects::get_object).delete(objects::delete_object),
            ),
        )
        .route(
            "/taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/versions/",
            methods("GET, HEAD", get(objects::get_versions)),
        )
        .route(
            "/taxii2/{api_root}/collections/{collection_id}/manifest/",
            methods("GET, HEAD", get(objects::get_manifest)),
        )
        .with_state(state)
}

/// Answers methods the route does not define with 405 and an `Allow` header.
fn methods(allow: &'static str, router: MethodRouter<TaxiiState>) -> MethodRouter<TaxiiState> {
    router.fallback(move |method: Method| async move {
        TaxiiError::MethodNotAllowed {
            method: method.to_string(),
            allow,
        }
    })
}

/// Answers a request for an unknown path under `/taxii2` (404, with a TAXII error message
/// that reminds the client that TAXII URLs end with a slash). The server's fallback calls it
/// for such paths.
pub async fn fallback() -> TaxiiError {
    TaxiiError::NotFound(
        "no TAXII resource at this URL (TAXII 2.1 URLs end with a slash, e.g. \
         /taxii2/{api-root}/collections/)"
            .to_owned(),
    )
}

/// The path parameters of the TAXII endpoints (each endpoint uses those it has).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct TaxiiPath {
    pub api_root: String,
    pub collection_id: Option<String>,
    pub object_id: Option<String>,
    pub status_id: Option<String>,
}

impl TaxiiPath {
    /// Reads the path parameters; a path that cannot be read names nothing that exists.
    pub(crate) fn read(
        path: Result<axum::extract::Path<Self>, PathRejection>,
    ) -> Result<Self, TaxiiError> {
        path.map(|axum::extract::Path(path)| path)
            .map_err(|rejection| {
                TaxiiError::NotFound(format!("no TAXII resource at this URL: {rejection}"))
            })
    }
}

/// What a handler needs of a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// To see its description.
    See,
    /// To read its objects.
    Read,
    /// To add (or delete) objects.
    Write,
}

/// Returns the collection `collection_id` of API root `api_root` if the caller may do what
/// it needs with it.
///
/// # Errors
///
/// 404 when the collection does not exist in that API root or the caller may neither read
/// nor write it (the same answer, so that a caller cannot learn what exists); 403 when the
/// caller may see it but not do this (section 5: "the client does not have access").
pub(crate) async fn collection_for(
    state: &TaxiiState,
    caller: &Caller,
    api_root: &str,
    collection_id: &str,
    need: Need,
) -> Result<Collection, TaxiiError> {
    let not_found = || {
        TaxiiError::NotFound(format!(
            "collection {collection_id} not found in API root {api_root}"
        ))
    };
    let id = CollectionId::parse(collection_id).map_err(|_| not_found())?;
    let access = caller.access(&id);
    if !access.is_visible() {
        return Err(not_found());
    }
    let collection = state
        .store
        .collections()
        .await?
        .into_iter()
        .find(|collection| collection.id == id && collection.api_root == api_root)
        .ok_or_else(not_found)?;
    match need {
        Need::Read if !access.can_read => Err(TaxiiError::Forbidden(format!(
            "you may add objects to collection {id} but not read it (can_read is false)"
        ))),
        Need::Write if !access.can_write => Err(TaxiiError::Forbidden(format!(
            "you may read collection {id} but not change it (can_write is false)"
        ))),
        _ => Ok(collection),
    }
}

/// Returns a TAXII response with a JSON body already written.
pub(crate) fn taxii_body(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TAXII_MEDIA_TYPE),
    );
    response
}

/// Returns a TAXII response with `resource` as its body.
pub(crate) fn taxii_json<T: Serialize>(status: StatusCode, resource: &T) -> Response {
    taxii_body(
        status,
        serde_json::to_string(resource).expect("TAXII resources serialize"),
    )
}

/// Adds the `X-TAXII-Date-Added-First` and `-Last` headers of a page (none when it is
/// empty); dates have microsecond precision.
pub(crate) fn with_date_added(
    mut response: Response,
    dates: impl DoubleEndedIterator<Item = StixTimestamp> + Clone,
) -> Response {
    let mut first = dates.clone();
    let mut last = dates;
    if let (Some(first), Some(last)) = (first.next(), last.next_back()) {
        let headers = response.headers_mut();
        for (name, date) in [(DATE_ADDED_FIRST, first), (DATE_ADDED_LAST, last)] {
            let text = date.with_frac_digits(6).to_string();
            headers.insert(
                name,
                HeaderValue::from_str(&text).expect("a timestamp is a valid header value"),
            );
        }
    }
    response
}
