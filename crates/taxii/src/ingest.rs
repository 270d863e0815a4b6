//! Add Objects (section 5.5): a POSTed envelope is checked, each object parsed, validated
//! and checked against the onward-sharing policy on its own, and the valid ones are stored in
//! one transaction. The answer is 202 with a status resource that lists each object as a
//! success, a failure (with the JSON path of the problem) or, while it is processed, pending.
//!
//! Envelopes with more than `max_inline_objects` objects are processed in the background: the
//! POST answers at once with a `pending` status, which the client polls until it is
//! `complete`. Statuses are stored, so they survive the request and are readable only by the
//! caller's participant (and administrators).
//!
//! A body that is too large (413), not JSON (400) or not an envelope (422) stores nothing and
//! creates no status.

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use policy::Principal;
use serde_json::Value;
use stix::{Diagnostic, JsonPath, StixObject, StixTimestamp};
use store::{
    AddOptions, Collection, NewObject, OutcomeStatus, StatusDetail, StatusRecord, StatusState,
    StatusStore, Store, WriteMode,
};

use crate::media::{check_accept, check_content_type};
use crate::principal::Caller;
use crate::resources::StatusResource;
use crate::routes::{Need, TaxiiPath, collection_for, taxii_json};
use crate::{TaxiiError, TaxiiState};

/// `POST /taxii2/{api-root}/collections/{id}/objects/`.
pub(crate) async fn add_objects(
    State(state): State<TaxiiState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<TaxiiPath>, PathRejection>,
    body: Body,
) -> Result<Response, TaxiiError> {
    check_accept(&headers)?;
    let path = TaxiiPath::read(path)?;
    let collection_id = path.collection_id.unwrap_or_default();
    let collection =
        collection_for(&state, &caller, &path.api_root, &collection_id, Need::Write).await?;
    check_content_type(&headers)?;
    let bytes = read_body(body, &headers, state.config.max_content_length).await?;
    let request_timestamp = state.now();
    let objects = tokio::task::spawn_blocking(move || parse_envelope(&bytes))
        .await
        .map_err(|error| TaxiiError::internal(&error))??;
    let status = StatusRecord {
        id: uuid::Uuid::new_v4(),
        api_root: path.api_root,
        owner: Some(caller.owner()),
        request_timestamp,
        state: StatusState::Pending,
        total_count: objects.len() as u64,
        successes: Vec::new(),
        failures: Vec::new(),
        pendings: objects
            .iter()
            .map(|object| object.detail(request_timestamp, None))
            .collect(),
    };
    let inline = objects.len() <= state.config.max_inline_objects;
    let job = Job {
        state: state.clone(),
        principal: caller.0,
        collection,
        objects,
    };
    if inline {
        let status = job.run(status).await;
        state.store.put_status(&status).await?;
        return Ok(taxii_json(
            StatusCode::ACCEPTED,
            &StatusResource::from(&status),
        ));
    }
    state.store.put_status(&status).await?;
    let response = taxii_json(StatusCode::ACCEPTED, &StatusResource::from(&status));
    let jobs_state = state.clone();
    state.jobs.spawn(async move {
        let status = job.run(status).await;
        if let Err(error) = jobs_state.store.put_status(&status).await {
            tracing::error!(status_id = %status.id, %error, "could not store a completed status");
        }
    });
    Ok(response)
}

/// One object of a POSTed envelope, as sent.
#[derive(Debug)]
pub(crate) struct EnvelopeObject {
    pub(crate) value: Value,
    /// The `id` as sent (a string, not necessarily a valid identifier).
    id: String,
    /// `modified`, else `created`, as sent.
    version: Option<String>,
}

impl EnvelopeObject {
    /// Returns the status detail of this object: its version as sent, else the request time
    /// (the version TAXII gives objects without one).
    fn detail(&self, request_timestamp: StixTimestamp, message: Option<String>) -> StatusDetail {
        StatusDetail {
            id: self.id.clone(),
            version: self
                .version
                .clone()
                .unwrap_or_else(|| request_timestamp.to_string()),
            message,
        }
    }
}

/// Reads the body up to `limit` bytes.
async fn read_body(body: Body, headers: &HeaderMap, limit: u64) -> Result<Bytes, TaxiiError> {
    let too_large = || TaxiiError::PayloadTooLarge { limit };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(error) => Err(TaxiiError::BadRequest(format!(
            "the request body could not be read: {error}"
        ))),
    }
}

/// Checks that `bytes` is an envelope: a JSON object whose `objects` (when present) is a list
/// of JSON objects that each carry a string `id`.
pub(crate) fn parse_envelope(bytes: &[u8]) -> Result<Vec<EnvelopeObject>, TaxiiError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| TaxiiError::BadRequest(format!("the body is not JSON: {error}")))?;
    let Value::Object(mut envelope) = value else {
        return Err(TaxiiError::Unprocessable(format!(
            "the body is a JSON {}, not a TAXII envelope (an object with an `objects` list)",
            kind(&value)
        )));
    };
    let values = match envelope.remove("objects") {
        None => Vec::new(),
        Some(Value::Array(values)) => values,
        Some(other) => {
            return Err(TaxiiError::Unprocessable(format!(
                "$.objects is a JSON {}; an envelope's `objects` must be a list of STIX objects",
                kind(&other)
            )));
        }
    };
    values
        .into_iter()
        .enumerate()
        .map(|(idx, value)| {
            let path = JsonPath::root().key("objects").index(idx);
            let Value::Object(map) = &value else {
                return Err(TaxiiError::Unprocessable(format!(
                    "{path} is a JSON {}, not a STIX object",
                    kind(&value)
                )));
            };
            let Some(Value::String(id)) = map.get("id") else {
                return Err(TaxiiError::Unprocessable(format!(
                    "{path} has no string `id`: every object of an envelope must carry its \
                     identifier, which its status reports"
                )));
            };
            let version = ["modified", "created"]
                .iter()
                .find_map(|key| map.get(*key).and_then(Value::as_str))
                .map(str::to_owned);
            Ok(EnvelopeObject {
                id: id.clone(),
                version,
                value,
            })
        })
        .collect()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// The processing of one envelope.
struct Job {
    state: TaxiiState,
    principal: Principal,
    collection: Collection,
    objects: Vec<EnvelopeObject>,
}

impl Job {
    /// Processes every object and returns the completed status.
    #[tracing::instrument(skip_all, fields(
        status_id = %status.id,
        collection_id = %self.collection.id,
        participant = %self.principal.participant,
        n_objects = self.objects.len(),
    ))]
    async fn run(mut self, mut status: StatusRecord) -> StatusRecord {
        let started = Instant::now();
        let request_timestamp = status.request_timestamp;
        // The JSON moves to the parser; the ids and versions stay for the status.
        let values: Vec<Value> = self
            .objects
            .iter_mut()
            .map(|object| std::mem::take(&mut object.value))
            .collect();
        let outcomes = match self.process(values).await {
            Ok(outcomes) => outcomes,
            Err(error) => {
                let failure = TaxiiError::internal(&error);
                let message = format!("not stored: {failure}");
                vec![Outcome::Failure(message); self.objects.len()]
            }
        };
        status.pendings.clear();
        for (object, outcome) in self.objects.iter().zip(outcomes) {
            match outcome {
                Outcome::Success { version, message } => status.successes.push(StatusDetail {
                    version: version.to_string(),
                    ..object.detail(request_timestamp, message)
                }),
                Outcome::Failure(message) => status
                    .failures
                    .push(object.detail(request_timestamp, Some(message))),
            }
        }
        status.state = StatusState::Complete;
        tracing::info!(
            n_succeeded = status.successes.len(),
            n_failed = status.failures.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "add objects finished"
        );
        status
    }

    /// Returns the outcome of each object, in envelope order.
    async fn process(&self, values: Vec<Value>) -> Result<Vec<Outcome>, store::Error> {
        let options = self.state.config.validation.clone();
        let checked = tokio::task::spawn_blocking(move || check_objects(values, &options))
            .await
            .map_err(|error| store::Error::Database(Box::new(error)))?;
        let mut outcomes: Vec<Option<Outcome>> = vec![None; checked.len()];
        let mut indexes = Vec::with_capacity(checked.len());
        let mut objects = Vec::with_capacity(checked.len());
        for (idx, result) in checked.into_iter().enumerate() {
            match result {
                Ok(object) => {
                    indexes.push(idx);
                    objects.push(object);
                }
                Err(message) => outcomes[idx] = Some(Outcome::Failure(message)),
            }
        }
        // Objects already shared elsewhere may reach this collection's readers only as far
        // as their TLP level allows.
        let refusals = store::onward_sharing_refusals(
            &self.state.store,
            self.collection.id,
            &objects,
            self.state.config.default_tlp,
        )
        .await?;
        let mut refused = vec![false; objects.len()];
        for refusal in refusals {
            refused[refusal.index] = true;
            outcomes[indexes[refusal.index]] = Some(Outcome::Failure(format!(
                "not shared onward: {}",
                refusal.refusal
            )));
        }
        let (indexes, objects): (Vec<usize>, Vec<NewObject>) = indexes
            .into_iter()
            .zip(objects)
            .zip(refused)
            .filter(|(_, refused)| !refused)
            .map(|((idx, object), _)| (idx, NewObject::from(object)))
            .unzip();
        let options = AddOptions {
            default_tlp: self.state.config.default_tlp,
            mode: WriteMode::PerObject,
            spec_version: None,
            progress: None,
        };
        let report = self
            .state
            .store
            .add_objects(&self.collection, &objects, &options)
            .await?;
        for (idx, outcome) in indexes.into_iter().zip(report.outcomes) {
            let version = outcome
                .version
                .map(|version| version.to_string())
                .or_else(|| self.objects[idx].version.clone())
                .unwrap_or_default();
            outcomes[idx] = Some(match outcome.status {
                OutcomeStatus::Added { .. } => Outcome::Success {
                    version,
                    message: None,
                },
                OutcomeStatus::AlreadyPresent { .. } => Outcome::Success {
                    version,
                    message: Some("already present in the collection".to_owned()),
                },
                OutcomeStatus::Conflict => Outcome::Failure(format!(
                    "a different object is already stored as version {version} of {}",
                    outcome.id
                )),
                OutcomeStatus::NotStored => {
                    Outcome::Failure("not stored: another object of the request failed".to_owned())
                }
            });
        }
        Ok(outcomes
            .into_iter()
            .map(|outcome| outcome.expect("every object has an outcome"))
            .collect())
    }
}

/// What happened to one object.
#[derive(Debug, Clone)]
enum Outcome {
    Success {
        version: String,
        message: Option<String>,
    },
    Failure(String),
}

/// Parses and validates each object on its own; an error names the JSON path within the
/// envelope (`$.objects[3].pattern`).
pub(crate) fn check_objects(
    values: Vec<Value>,
    options: &stix::ValidationOptions,
) -> Vec<Result<StixObject, String>> {
    values
        .into_iter()
        .enumerate()
        .map(|(idx, value)| {
            let prefix = JsonPath::root().key("objects").index(idx);
            let object = StixObject::from_value(value).map_err(|error| {
                let diagnostics: Vec<Diagnostic> = error
                    .diagnostics()
                    .iter()
                    .cloned()
                    .map(|diagnostic| diagnostic.under(&prefix))
                    .collect();
                describe(&diagnostics).unwrap_or_else(|| format!("invalid at {prefix}: {error}"))
            })?;
            let errors: Vec<Diagnostic> = stix::validate_object(&object, options)
                .into_iter()
                .filter(Diagnostic::is_error)
                .map(|diagnostic| diagnostic.under(&prefix))
                .collect();
            match describe(&errors) {
                Some(message) => Err(message),
                None => Ok(object),
            }
        })
        .collect()
}

/// Describes the first error of a list, and how many others follow.
fn describe(diagnostics: &[Diagnostic]) -> Option<String> {
    let mut errors = diagnostics.iter().filter(|d| d.is_error());
    let first = errors.next()?;
    let n_more = errors.count();
    let mut message = format!("invalid at {}: {}", first.path, first.message);
    if n_more > 0 {
        message.push_str(&format!(
            " (and {n_more} more problem{})",
            if n_more == 1 { "" } else { "s" }
        ));
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn envelope_error(body: &str) -> String {
        let error = parse_envelope(body.as_bytes()).expect_err("refused");
        format!("{} {error}", error.status().as_u16())
    }

    #[test]
    fn envelopes_must_be_objects_with_a_list_of_identified_objects() {
        assert_eq!(parse_envelope(b"{}").unwrap().len(), 0);
        assert_eq!(
            parse_envelope(br#"{"objects":[{"id":"x--y"}],"more":false}"#)
                .unwrap()
                .len(),
            1
        );
        let cases = [
            (
                "",
                "400 the body is not JSON: EOF while parsing a value at line 1 column 0",
            ),
            (
                "{\"objects\": [",
                "400 the body is not JSON: EOF while parsing a list at line 1 column 13",
            ),
            (
                "[]",
                "422 the body is a JSON list, not a TAXII envelope (an object with an `objects` list)",
            ),
            (
                r#"{"objects":{}}"#,
                "422 $.objects is a JSON object; an envelope's `objects` must be a list of STIX objects",
            ),
            (
                r#"{"objects":[{"id":"x--y"},7]}"#,
                "422 $.objects[1] is a JSON number, not a STIX object",
            ),
            (
                r#"{"objects":[{"type":"indicator"}]}"#,
                "422 $.objects[0] has no string `id`: every object of an envelope must carry its identifier, which its status reports",
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(envelope_error(body), expected, "{body}");
        }
    }

    #[test]
    fn invalid_objects_fail_alone_naming_the_path() {
        let valid = serde_json::json!({
            "type": "indicator", "spec_version": "2.1",
            "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
            "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
            "valid_from": "2016-01-01T00:00:00Z"
        });
        let mut missing = valid.clone();
        missing.as_object_mut().unwrap().remove("pattern_type");
        let mut wrong = valid.clone();
        wrong["valid_from"] = serde_json::json!("yesterday");
        let results = check_objects(
            vec![valid, missing, wrong],
            &stix::ValidationOptions::default(),
        );
        assert!(results[0].is_ok());
        let messages: Vec<&str> = results[1..]
            .iter()
            .map(|result| result.as_ref().expect_err("invalid").as_str())
            .collect();
        assert!(
            messages[0].starts_with("invalid at $.objects[1]"),
            "{messages:?}"
        );
        assert!(messages[0].contains("pattern_type"), "{messages:?}");
        assert!(
            messages[1].starts_with("invalid at $.objects[2].valid_from"),
            "{messages:?}"
        );
    }
}
