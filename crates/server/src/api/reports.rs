//! `POST /api/v1/reports`: a report document (text, Markdown, HTML or PDF) becomes a STIX
//! report in a collection: its indicators, vulnerabilities and references to the ATT&CK and
//! ATLAS objects the caller can read, stored all or nothing (see [`crate::reports`]).
//!
//! The document is the body, its format named by `Content-Type` (`text/plain`,
//! `text/markdown`, `text/html`, `application/pdf`), or a `multipart/form-data` upload whose
//! `file` part holds it (the part's type or file name names the format; the form may also
//! carry `collection`, `title` and `tlp` fields). The caller must be allowed to write the
//! collection. Bodies over the node's `max_content_length` are refused with 413 before
//! anything is read or stored.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use extract::{Extractor, Format, Limits};
use policy::Principal;
use store::{AddOptions, Collection, OutcomeStatus, Store, WriteMode};

use crate::error::ApiError;
use crate::reports::{
    AmbiguousId, ReportCounts, ReportSettings, StoreAttackLookup, build_report, check_report,
    read_report, settle_versions,
};
use crate::state::AppState;

/// The media types accepted as a report's body, with the format each names.
const MEDIA_TYPES: [(&str, Format); 6] = [
    ("text/plain", Format::Text),
    ("text/markdown", Format::Markdown),
    ("text/x-markdown", Format::Markdown),
    ("text/html", Format::Html),
    ("application/xhtml+xml", Format::Html),
    ("application/pdf", Format::Pdf),
];

/// Where the report goes and how it is marked, as query parameters (or form fields of a
/// multipart upload).
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The collection to store into: its id, alias or title (required; the caller must be
    /// allowed to write it).
    collection: Option<String>,
    /// The report's name [default: the document's title, else its first line].
    title: Option<String>,
    /// The TLP level marking every object made (`clear`, `green`, `amber`, `amber+strict`,
    /// `red`) [default: the node's default level].
    tlp: Option<String>,
}

/// What a stored report holds.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReportCreatedBody {
    /// The report's STIX id.
    #[schema(example = "report--5e1e5b0a-8f1f-5a4c-9a57-0c3b8f1e2d3c")]
    report_id: String,
    /// The report's name.
    name: String,
    /// The collection it was stored in (its id).
    collection: String,
    /// The format the document was read as.
    format: String,
    /// Findings in the document.
    n_findings: usize,
    /// Indicators made.
    n_indicators: usize,
    /// Vulnerabilities made (one per CVE).
    n_vulnerabilities: usize,
    /// Stored ATT&CK and ATLAS objects the report refers to.
    n_attack_references: usize,
    /// Objects written, the report included.
    n_objects: usize,
    /// Indicators and vulnerabilities the collection already held (from an earlier report):
    /// referred to, not written again.
    n_kept: usize,
    /// Objects added (new objects or new versions).
    n_added: usize,
    /// Objects the collection already held exactly so.
    n_already_present: usize,
    /// ATT&CK/ATLAS ids named by the document that no readable stored object carries.
    unresolved: Vec<String>,
    /// Ids that named several stored objects: `external_id`, `chosen`, `others`.
    #[schema(value_type = Vec<Object>)]
    ambiguous: Vec<AmbiguousId>,
    /// Problems met reading the document that did not stop it.
    warnings: Vec<String>,
}

/// Creates a report, its indicators and vulnerabilities from a document.
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports",
    params(ReportQuery),
    request_body(
        description = "The document: text, Markdown, HTML or PDF, or a multipart/form-data upload with a `file` part",
        content(
            (String = "text/plain"),
            (String = "text/markdown"),
            (String = "text/html"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "multipart/form-data"),
        )
    ),
    responses(
        (status = 201, description = "The report was stored", body = ReportCreatedBody),
        (status = 400, description = "No collection named, a malformed parameter or upload"),
        (status = 403, description = "The caller may read but not write the collection"),
        (status = 404, description = "No such collection, or one the caller may not see"),
        (status = 409, description = "An object of the report conflicts with a stored one; nothing was stored"),
        (status = 413, description = "The document is larger than the node accepts"),
        (status = 415, description = "A Content-Type that is not a report format"),
        (status = 422, description = "The document cannot be read (a broken PDF, ...)"),
    ))]
pub async fn create_report(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Query(query): Query<ReportQuery>,
    request: Request,
) -> Result<Response, ApiError> {
    let media_type = media_type(&request);
    let (bytes, format, query) = if media_type == "multipart/form-data" {
        // The whole upload is read first, so that the body limit answers 413 the same way
        // as for a plain body; the form is then parsed from memory.
        let (parts, body) = request.into_parts();
        let bytes =
            match Bytes::from_request(Request::from_parts(parts.clone(), body), &state).await {
                Ok(bytes) => bytes,
                Err(rejection) => return Ok(rejection.into_response()),
            };
        let request = Request::from_parts(parts, axum::body::Body::from(bytes));
        let multipart = match Multipart::from_request(request, &state).await {
            Ok(multipart) => multipart,
            Err(rejection) => return Ok(rejection.into_response()),
        };
        match read_upload(multipart, query).await? {
            Upload::Read(bytes, format, query) => (bytes, format, query),
            Upload::Rejected(response) => return Ok(response),
        }
    } else {
        let format = format_of(&media_type)?;
        match Bytes::from_request(request, &state).await {
            // A body over the limit answers 413; the body-limit middleware words it.
            Ok(bytes) => (bytes, format, query),
            Err(rejection) => return Ok(rejection.into_response()),
        }
    };
    let collection = writable_collection(&state, &principal, query.collection.as_deref()).await?;
    let tlp = match &query.tlp {
        Some(text) => policy::parse_tlp(text)
            .map_err(|error| ApiError::bad_request(format!("tlp: {error}")))?,
        None => state.config.node.default_tlp,
    };
    let (document, findings) = tokio::task::spawn_blocking(move || {
        read_report(&bytes, format, &Limits::default(), &Extractor::new())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|error| match error {
        extract::Error::TooLarge { limit, .. } => ApiError::PayloadTooLarge {
            limit: limit as u64,
        },
        other => ApiError::Unprocessable {
            reason: other.to_string(),
        },
    })?;
    let scope = principal.scope();
    let lookup = StoreAttackLookup::resolve(&state.store, &scope, &findings).await?;
    let settings = ReportSettings {
        name: query.title.clone().filter(|title| !title.trim().is_empty()),
        tlp,
        now: state.clock.now(),
        // The participant's identity (the organisation), which the principal lists last.
        created_by_ref: principal.identities.last().cloned(),
    };
    let mut built = build_report(&document, &findings, &settings, &lookup);
    settle_versions(&mut built, &state.store, &collection).await?;
    let objects = check_report(&built, &stix::ValidationOptions::default()).map_err(|errors| {
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        ApiError::Unprocessable {
            reason: format!("the report's objects are invalid: {}", listed.join("; ")),
        }
    })?;
    let options = AddOptions {
        default_tlp: tlp,
        mode: WriteMode::AllOrNothing,
        ..AddOptions::default()
    };
    let outcome = state
        .store
        .add_objects(&collection, &objects, &options)
        .await?;
    if !outcome.committed {
        let conflicts: Vec<String> = outcome
            .outcomes
            .iter()
            .filter(|object| object.status == OutcomeStatus::Conflict)
            .map(|object| object.id.to_string())
            .collect();
        return Err(ApiError::Conflict {
            reason: format!(
                "nothing was stored: a different object is already stored as {}",
                conflicts.join(", ")
            ),
        });
    }
    tracing::info!(
        collection_id = %collection.id,
        report_id = %built.report_id,
        n_objects = built.counts.n_objects,
        n_added = outcome.n_added(),
        "report created"
    );
    let ReportCounts {
        n_findings,
        n_indicators,
        n_vulnerabilities,
        n_attack_references,
        n_objects,
        n_kept,
    } = built.counts;
    let body = ReportCreatedBody {
        report_id: built.report_id.to_string(),
        name: built.name,
        collection: collection.id.to_string(),
        format: built.format.as_str().to_owned(),
        n_findings,
        n_indicators,
        n_vulnerabilities,
        n_attack_references,
        n_objects,
        n_kept,
        n_added: outcome.n_added(),
        n_already_present: outcome.n_already_present(),
        unresolved: built.unresolved,
        ambiguous: built.ambiguous,
        warnings: built.warnings,
    };
    let location = format!("/api/v1/reports/{}", body.report_id);
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        response
            .headers_mut()
            .insert(header::CONTENT_LOCATION, value);
    }
    Ok(response)
}

/// The request's media type without parameters, in lower case (empty when absent).
fn media_type(request: &Request) -> String {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(essence)
        .unwrap_or_default()
}

/// A media type without its parameters, in lower case (`text/plain; charset=utf-8` is
/// `text/plain`).
fn essence(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The format a media type names, or 415.
fn format_of(media_type: &str) -> Result<Format, ApiError> {
    MEDIA_TYPES
        .iter()
        .find(|(name, _)| *name == media_type)
        .map(|&(_, format)| format)
        .ok_or_else(|| {
            let accepted: Vec<&str> = MEDIA_TYPES.iter().map(|(name, _)| *name).collect();
            ApiError::UnsupportedMediaType {
                reason: format!(
                    "a report is {} or multipart/form-data, not {}",
                    accepted.join(", "),
                    if media_type.is_empty() {
                        "a body without Content-Type"
                    } else {
                        media_type
                    }
                ),
            }
        })
}

/// What a multipart upload gave.
enum Upload {
    Read(Bytes, Format, ReportQuery),
    /// The upload could not be read (too large, malformed): axum's answer.
    Rejected(Response),
}

/// Reads a multipart upload: the `file` part, and `collection`, `title` and `tlp` fields
/// where the query does not give them.
async fn read_upload(mut multipart: Multipart, mut query: ReportQuery) -> Result<Upload, ApiError> {
    let mut file: Option<(Bytes, Format)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Ok(Upload::Rejected(error.into_response())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let part_type = field.content_type().map(essence);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(error) => return Ok(Upload::Rejected(error.into_response())),
        };
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match name.as_str() {
            "file" => {
                if file.is_some() {
                    return Err(ApiError::bad_request("the upload has several `file` parts"));
                }
                let format = match part_type.as_deref() {
                    None | Some("application/octet-stream") => {
                        Format::detect(file_name.as_deref(), &bytes)
                    }
                    Some(media_type) => format_of(media_type)?,
                };
                file = Some((bytes, format));
            }
            "collection" => {
                query.collection.get_or_insert_with(text);
            }
            "title" => {
                query.title.get_or_insert_with(text);
            }
            "tlp" => {
                query.tlp.get_or_insert_with(text);
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown form field {other:?}: expected file, collection, title or tlp"
                )));
            }
        }
    }
    match file {
        Some((bytes, format)) => Ok(Upload::Read(bytes, format, query)),
        None => Err(ApiError::bad_request("the upload has no `file` part")),
    }
}

/// The collection named, when the principal may write it: 403 when it may only read it, 404
/// (like a missing one) when it may not see it.
async fn writable_collection(
    state: &AppState,
    principal: &Principal,
    name: Option<&str>,
) -> Result<Collection, ApiError> {
    let name = name.filter(|name| !name.trim().is_empty()).ok_or_else(|| {
        ApiError::bad_request("name the collection to store into: ?collection=NAME")
    })?;
    let not_found = || ApiError::not_found(format!("collection {name}"));
    let collection = state
        .store
        .resolve_collection(name)
        .await
        .map_err(|_| not_found())?;
    if principal.can_write(&collection.id) {
        Ok(collection)
    } else if principal.can_read(&collection.id) {
        Err(ApiError::forbidden(format!(
            "{} may read but not write collection {name}",
            principal.user
        )))
    } else {
        Err(not_found())
    }
}
