//! Entry points for the cargo-fuzz targets (`fuzz/fuzz_targets/taxii_*.rs`): each parser of
//! untrusted request input, as a pure function of bytes that checks its own invariants.
//!
//! A parser may refuse its input, but only with the client error its endpoint answers (400
//! for URL parameters, 406 or 415 for media types, 400, 413 or 422 for envelopes); any panic
//! is a bug. These functions are public only so that the fuzz crate can call them.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use policy::CollectionId;

use crate::cursor;
use crate::filters::{Endpoint, Filters};
use crate::ingest::{check_objects, parse_envelope};
use crate::media::{check_accept, check_content_type};

/// Reads `query` (a raw URL query string) as each endpoint's parameters, builds the store
/// query and the cursor fingerprint of what it accepts, and reads its `next` cursor.
///
/// # Panics
///
/// When a parser panics, or refuses the query with anything but 400.
pub fn query(query: &str) {
    let collection = CollectionId::new(uuid::Uuid::nil());
    for endpoint in [
        Endpoint::Objects,
        Endpoint::Manifest,
        Endpoint::Object,
        Endpoint::Versions,
        Endpoint::Delete,
    ] {
        let filters = match Filters::parse(Some(query), endpoint) {
            Ok(filters) => filters,
            Err(error) => {
                assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{error}");
                continue;
            }
        };
        let object = filters.ids.first().cloned();
        let store_query = filters.query(endpoint, collection, object.as_ref(), 1000);
        assert!(store_query.limit.is_none_or(|limit| limit == 1000));
        let fingerprint = filters.fingerprint(endpoint, collection, object.as_ref());
        if let Some(next) = &filters.next
            && let Ok(position) = cursor::decode(next, fingerprint)
        {
            // A cursor that was read is given out again as the same position.
            let again = cursor::encode(&position, fingerprint);
            assert_eq!(
                cursor::decode(&again, fingerprint).ok(),
                Some(position),
                "{next:?} -> {again:?}"
            );
        }
    }
}

/// Checks `accept` as an `Accept` header and `content_type` as a `Content-Type` header of a
/// TAXII request (values that are not valid header bytes are what the HTTP layer refuses
/// before any handler runs, and are skipped).
///
/// # Panics
///
/// When a check panics, or refuses with anything but 406 and 415 respectively.
pub fn media_types(accept: &[u8], content_type: &[u8]) {
    if let Ok(value) = HeaderValue::from_bytes(accept) {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, value);
        if let Err(error) = check_accept(&headers) {
            assert_eq!(error.status(), StatusCode::NOT_ACCEPTABLE, "{error}");
        }
    }
    if let Ok(value) = HeaderValue::from_bytes(content_type) {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, value);
        if let Err(error) = check_content_type(&headers) {
            assert_eq!(
                error.status(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{error}"
            );
        }
    }
}

/// Reads `body` as an Add Objects envelope, then parses and validates each of its objects
/// as the POST does.
///
/// # Panics
///
/// When a parser panics, refuses the envelope with anything but 400 or 422, or reports a
/// result per object that does not match the envelope.
pub fn envelope(body: &[u8]) {
    let objects = match parse_envelope(body) {
        Ok(objects) => objects,
        Err(error) => {
            let status = error.status();
            assert!(
                status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
                "{status}: {error}"
            );
            return;
        }
    };
    let n_objects = objects.len();
    let values = objects.into_iter().map(|object| object.value).collect();
    let results = check_objects(values, &stix::ValidationOptions::default());
    assert_eq!(results.len(), n_objects, "one result per object");
}
