//! `GET /api/v1/exports/{name}`: the caller's exports for defenders' tools (the formats of the
//! `export` crate), with the filters of `phalanx export` as query parameters, and
//! `GET /api/v1/exports/{name}/{id}` for a file of the formats made of several (a MISP feed,
//! Suricata datasets), so that a MISP instance can add `/api/v1/exports/misp-feed` as a feed.
//!
//! An export is made for the calling principal: it holds only what the principal may read
//! (its readable collections, TLP:RED objects naming it), and `public=true` keeps TLP:CLEAR
//! only. Every answer carries a strong `ETag` (a hash of the body); a request whose
//! `If-None-Match` names it gets `304 Not Modified`, so resolvers and firewalls can poll
//! cheaply. The summary's counts are in `X-Phalanx-Export-*` headers.

use std::collections::{BTreeMap, HashSet};

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use export::{
    ExportItem, ExportOptions, Exporter, Format, MemoryDirectory, Output, Summary, ValueKind,
};
use policy::Principal;
use sha2::{Digest, Sha256};
use stix::{StixObject, StixTimestamp};
use store::{Collection, ObjectQuery, Store, StoredObject, VersionMatch};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// Objects read from the store per page.
const PAGE_SIZE: u32 = 2_000;

/// The namespace of export ids: an export asked twice the same way by the same principal has
/// the same bundle or event id, so an unchanged store gives an unchanged body and `ETag`.
const EXPORT_NAMESPACE: Uuid = Uuid::from_u128(0x1f6e_52c4_9d0b_4a7e_8c3f_6b2d_0e1a_7c95);

/// The filters of an export, as query parameters.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only this collection (its id, alias or title) [default: every collection the caller
    /// may read].
    collection: Option<String>,
    /// Only objects added, or whose validity began or ended, at or after this time (RFC 3339,
    /// UTC).
    since: Option<String>,
    /// Only indicators whose confidence is at least this (0 to 100).
    min_confidence: Option<u8>,
    /// Only these value kinds (`domain`, `ipv4`, `url`, `sha256`, ...) or, for `stix` and
    /// `sentinel`, these object types; comma-separated.
    types: Option<String>,
    /// Only TLP:CLEAR objects, for feeds published to the world.
    public: Option<bool>,
}

/// Returns an export in one of the formats `stix`, `csv`, `txt`, `suricata`, `zeek-intel`,
/// `rpz`, `nftables`, `misp`, `sentinel`; for `misp-feed` and `suricata-datasets`, the names
/// of their files (a JSON list).
#[utoipa::path(get, path = "/api/v1/exports/{name}", tag = "exports",
    params(("name" = String, Path, description = "The format"), ExportQuery),
    responses(
        (status = 200, description = "The export; its summary in X-Phalanx-Export-* headers"),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 400, description = "A malformed filter"),
        (status = 404, description = "No such format, or a collection the caller may not read"),
    ))]
pub async fn export(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(name): Path<String>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let format = format_named(&name)?;
    let (produced, summary) = run(&state, &principal, format, &query).await?;
    match produced {
        Produced::Stream(body) => Ok(answer(&headers, format.media_type(), body, &summary)),
        Produced::Files(files) => {
            let names: Vec<&String> = files.keys().collect();
            let body = serde_json::to_vec(&names).map_err(ApiError::internal)?;
            Ok(answer(&headers, "application/json", body, &summary))
        }
    }
}

/// Returns one file of an export made of several: `manifest.json`, `hashes.csv` and the
/// event files of `misp-feed`; the lists and rules of `suricata-datasets`.
#[utoipa::path(get, path = "/api/v1/exports/{name}/{id}", tag = "exports",
    params(
        ("name" = String, Path, description = "The format: misp-feed or suricata-datasets"),
        ("id" = String, Path, description = "The file (`manifest.json`, `<uuid>.json`, `hashes.csv`, `phalanx-datasets.rules`, ...)"),
        ExportQuery,
    ),
    responses(
        (status = 200, description = "The file"),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 404, description = "No such format or file"),
    ))]
pub async fn export_file(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path((name, file)): Path<(String, String)>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let format = format_named(&name)?;
    if !format.is_directory() {
        return Err(ApiError::not_found(format!(
            "file {file} of the {format} export"
        )));
    }
    let (produced, summary) = run(&state, &principal, format, &query).await?;
    let Produced::Files(mut files) = produced else {
        return Err(ApiError::not_found(format!(
            "file {file} of the {format} export"
        )));
    };
    let body = files
        .remove(&file)
        .ok_or_else(|| ApiError::not_found(format!("file {file} of the {format} export")))?;
    let media_type = match file.rsplit_once('.').map(|(_, extension)| extension) {
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    Ok(answer(&headers, media_type, body, &summary))
}

/// What an export made.
enum Produced {
    Stream(Vec<u8>),
    Files(BTreeMap<String, Vec<u8>>),
}

fn format_named(name: &str) -> Result<Format, ApiError> {
    Format::parse(name).ok_or_else(|| ApiError::not_found(format!("export format {name}")))
}

/// Reads what the principal may see and exports it (the export itself runs on a blocking
/// thread: it is CPU work).
async fn run(
    state: &AppState,
    principal: &Principal,
    format: Format,
    query: &ExportQuery,
) -> Result<(Produced, Summary), ApiError> {
    let scope = principal.scope();
    let now = state.clock.now();
    let mut options = ExportOptions::new(scope.clone(), now);
    options.public = query.public.unwrap_or(false);
    options.min_confidence = query.min_confidence;
    if query.min_confidence.is_some_and(|n| n > 100) {
        return Err(ApiError::bad_request(
            "min_confidence must be between 0 and 100",
        ));
    }
    options.since = match &query.since {
        Some(text) => Some(
            StixTimestamp::parse(text)
                .map_err(|error| ApiError::bad_request(format!("since: {error}")))?,
        ),
        None => None,
    };
    for name in query.types.iter().flat_map(|types| types.split(',')) {
        let name = name.trim();
        match ValueKind::parse(name) {
            Some(kind) if format.needs_values() => options.value_kinds.push(kind),
            _ if !name.is_empty() => options.object_types.push(name.to_owned()),
            _ => {}
        }
    }
    options.default_tlp = state.config.node.default_tlp;
    options.producer.name = state.config.node.title.clone();
    options.export_id = Some(Uuid::new_v5(
        &EXPORT_NAMESPACE,
        format!(
            "{format}\u{0}{}\u{0}{:?}\u{0}{}",
            principal.user, query.collection, options.public
        )
        .as_bytes(),
    ));
    let collections = readable_collections(state, principal, query.collection.as_deref()).await?;
    let objects = read_objects(state, &scope, &collections, format).await?;
    tokio::task::spawn_blocking(move || produce(format, options, &objects))
        .await
        .map_err(ApiError::internal)?
}

/// The collections to export: the one asked for, when the principal may read it, else every
/// collection it may read.
async fn readable_collections(
    state: &AppState,
    principal: &Principal,
    name: Option<&str>,
) -> Result<Vec<Collection>, ApiError> {
    match name {
        Some(name) => {
            let not_found = || ApiError::not_found(format!("collection {name}"));
            let collection = state
                .store
                .resolve_collection(name)
                .await
                .map_err(|_| not_found())?;
            if principal.can_read(&collection.id) {
                Ok(vec![collection])
            } else {
                // A collection the caller may not read answers like a missing one.
                Err(not_found())
            }
        }
        None => Ok(state
            .store
            .collections()
            .await?
            .into_iter()
            .filter(|collection| principal.can_read(&collection.id))
            .collect()),
    }
}

/// Reads the latest version of every object of the collections, once each, in the scope.
async fn read_objects(
    state: &AppState,
    scope: &policy::AccessScope,
    collections: &[Collection],
    format: Format,
) -> Result<Vec<StoredObject>, ApiError> {
    let mut objects = Vec::new();
    let mut seen: HashSet<(String, i64)> = HashSet::new();
    for collection in collections {
        let mut query = ObjectQuery {
            versions: vec![VersionMatch::Last],
            limit: Some(PAGE_SIZE),
            // The value formats carry indicators only: the store filters the rest.
            types: if format.needs_values() {
                vec!["indicator".to_owned()]
            } else {
                Vec::new()
            },
            ..ObjectQuery::collection(collection.id)
        };
        loop {
            let page = state.store.objects(scope, &query).await?;
            for object in page.items {
                if seen.insert((
                    object.entry.id.to_string(),
                    object.entry.version.to_micros(),
                )) {
                    objects.push(object);
                }
            }
            match page.next {
                Some(cursor) => query.after = Some(cursor),
                None => break,
            }
        }
    }
    Ok(objects)
}

fn produce(
    format: Format,
    options: ExportOptions,
    objects: &[StoredObject],
) -> Result<(Produced, Summary), ApiError> {
    let push_all = |exporter: &mut Exporter<'_>| -> Result<(), ApiError> {
        for stored in objects {
            let object = StixObject::from_json(&stored.json).map_err(ApiError::internal)?;
            exporter
                .push(ExportItem {
                    object: &object,
                    tlp: Some(stored.entry.tlp),
                    collection: Some(stored.entry.collection),
                    date_added: Some(stored.entry.date_added),
                    json: Some(&stored.json),
                    values: None,
                })
                .map_err(ApiError::internal)?;
        }
        Ok(())
    };
    if format.is_directory() {
        let mut directory = MemoryDirectory::new();
        let mut exporter = Exporter::new(format, options, Output::Directory(&mut directory))
            .map_err(ApiError::internal)?;
        push_all(&mut exporter)?;
        let summary = exporter.finish().map_err(ApiError::internal)?;
        Ok((Produced::Files(directory.files()), summary))
    } else {
        let mut body = Vec::new();
        let mut exporter = Exporter::new(format, options, Output::Stream(&mut body))
            .map_err(ApiError::internal)?;
        push_all(&mut exporter)?;
        let summary = exporter.finish().map_err(ApiError::internal)?;
        Ok((Produced::Stream(body), summary))
    }
}

/// The answer: 304 when `If-None-Match` names the body's `ETag`, else 200 with the body.
fn answer(request: &HeaderMap, media_type: &str, body: Vec<u8>, summary: &Summary) -> Response {
    let digest = Sha256::digest(&body);
    let etag = format!("\"{}\"", hex::encode(&digest[..16]));
    let unchanged = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag);
    let etag_value = HeaderValue::from_str(&etag).expect("a quoted hex string is a header value");
    if unchanged {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response();
    }
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type).expect("media types are header values"),
    );
    headers.insert(header::ETAG, etag_value);
    let left_out: Vec<String> = summary
        .left_out
        .iter()
        .map(|(reason, count)| format!("{reason}={}", count.n))
        .collect();
    for (name, value) in [
        ("x-phalanx-export-objects", summary.n_objects.to_string()),
        ("x-phalanx-export-exported", summary.n_exported.to_string()),
        ("x-phalanx-export-values", summary.n_values.to_string()),
        ("x-phalanx-export-left-out", left_out.join(", ")),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}
