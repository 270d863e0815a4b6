//! Reading a data file of medallion, the OASIS reference TAXII 2.1 server (its memory
//! backend's JSON): API roots, collections with their ids and access flags, objects with the
//! `date_added` of their manifest entry, and statuses.
//!
//! The file is read in full and every problem is collected with its JSON path
//! (`$.trustgroup1.collections[2].objects[5].pattern`) before anything is written.
//!
//! The format, as medallion 3.0 writes it: a JSON object whose key `/discovery` holds the
//! discovery resource and whose other keys are API root names, each holding `information`
//! (the API root resource), `status` (status resources) and `collections` (collection
//! resources, each with `objects`, the STIX objects, and `manifest`, one record per object
//! version: `id`, `date_added`, `version`, `media_type`). Objects without `created` and
//! `modified` (observables) carry their version in a `_date_added` property of medallion's own.

use std::collections::HashMap;

use policy::CollectionId;
use serde_json::{Map, Value};
use stix::{Diagnostic, JsonPath, StixObject, StixTimestamp};
use store::{DatedObject, NewObject, StatusDetail, StatusRecord, StatusState};

/// Everything a medallion file holds.
#[derive(Debug)]
pub struct Data {
    /// The discovery resource's title, description and contact, for the node's configuration.
    pub discovery: Option<Discovery>,
    /// The API roots, in file order.
    pub api_roots: Vec<ApiRoot>,
    /// Problems found, each with its JSON path; objects named here are not in `api_roots`.
    pub problems: Vec<Problem>,
}

/// medallion's discovery resource.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Discovery {
    /// The server's title.
    pub title: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// Its contact.
    pub contact: Option<String>,
}

/// An API root and what it holds.
#[derive(Debug)]
pub struct ApiRoot {
    /// Its name (the key in the file and its URL segment).
    pub name: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
    /// Its `max_content_length`, which a Phalanx node sets once for all API roots.
    pub max_content_length: Option<u64>,
    /// Its collections.
    pub collections: Vec<Collection>,
    /// Its statuses (owner not set: the caller decides).
    pub statuses: Vec<StatusRecord>,
}

/// A collection and its objects.
#[derive(Debug)]
pub struct Collection {
    /// Its id, kept.
    pub id: CollectionId,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
    /// Its alias.
    pub alias: Option<String>,
    /// medallion's `can_read` (the same for every user of the server).
    pub can_read: bool,
    /// medallion's `can_write`.
    pub can_write: bool,
    /// The valid objects with their `date_added`.
    pub objects: Vec<DatedObject>,
}

/// A problem in the file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The JSON path.
    pub path: String,
    /// The object id, when the problem is in an object.
    pub object_id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl Problem {
    fn new(path: &JsonPath, reason: impl Into<String>) -> Self {
        Self {
            path: path.to_string(),
            object_id: None,
            reason: reason.into(),
        }
    }
}

/// The key of the discovery resource.
const DISCOVERY_KEY: &str = "/discovery";

/// The property in which medallion keeps the version of an object that has none.
const HIDDEN_DATE_ADDED: &str = "_date_added";

/// Reads a medallion data file.
///
/// # Errors
///
/// Returns the problem when the text is not JSON or not a JSON object; problems with parts of
/// the file are collected in [`Data::problems`].
pub fn read(text: &str, validation: &stix::ValidationOptions) -> Result<Data, Problem> {
    let root = JsonPath::root();
    let value: Value = serde_json::from_str(text)
        .map_err(|error| Problem::new(&root, format!("not JSON: {error}")))?;
    let Value::Object(file) = value else {
        return Err(Problem::new(
            &root,
            "a medallion data file is a JSON object keyed by API root name",
        ));
    };
    let mut data = Data {
        discovery: None,
        api_roots: Vec::new(),
        problems: Vec::new(),
    };
    for (key, value) in file {
        let path = root.key(&key);
        if key == DISCOVERY_KEY {
            data.discovery = value.as_object().map(|discovery| Discovery {
                title: string(discovery, "title"),
                description: string(discovery, "description"),
                contact: string(discovery, "contact"),
            });
            continue;
        }
        if let Some(api_root) = read_api_root(&key, &value, &path, validation, &mut data.problems) {
            data.api_roots.push(api_root);
        }
    }
    Ok(data)
}

fn read_api_root(
    name: &str,
    value: &Value,
    path: &JsonPath,
    validation: &stix::ValidationOptions,
    problems: &mut Vec<Problem>,
) -> Option<ApiRoot> {
    if name.is_empty() || name.contains('/') {
        problems.push(Problem::new(
            path,
            format!("{name:?} cannot be an API root name (one non-empty URL path segment)"),
        ));
        return None;
    }
    let Some(root) = value.as_object() else {
        problems.push(Problem::new(path, "an API root must be a JSON object"));
        return None;
    };
    let information = root.get("information").and_then(Value::as_object);
    let Some(title) = information.and_then(|information| string(information, "title")) else {
        problems.push(Problem::new(
            &path.key("information").key("title"),
            "an API root needs information with a title",
        ));
        return None;
    };
    let collections = list(root, "collections", path, problems)
        .iter()
        .enumerate()
        .filter_map(|(idx, value)| {
            read_collection(
                value,
                &path.key("collections").index(idx),
                validation,
                problems,
            )
        })
        .collect();
    let statuses = list(root, "status", path, problems)
        .iter()
        .enumerate()
        .filter_map(|(idx, value)| {
            read_status(name, value, &path.key("status").index(idx), problems)
        })
        .collect();
    Some(ApiRoot {
        name: name.to_owned(),
        title,
        description: information.and_then(|information| string(information, "description")),
        max_content_length: information
            .and_then(|information| information.get("max_content_length"))
            .and_then(Value::as_u64),
        collections,
        statuses,
    })
}

fn read_collection(
    value: &Value,
    path: &JsonPath,
    validation: &stix::ValidationOptions,
    problems: &mut Vec<Problem>,
) -> Option<Collection> {
    let Some(collection) = value.as_object() else {
        problems.push(Problem::new(path, "a collection must be a JSON object"));
        return None;
    };
    let id = match collection.get("id").and_then(Value::as_str) {
        Some(id) => match CollectionId::parse(id) {
            Ok(id) => id,
            Err(error) => {
                problems.push(Problem::new(&path.key("id"), error.to_string()));
                return None;
            }
        },
        None => {
            problems.push(Problem::new(&path.key("id"), "a collection needs an id"));
            return None;
        }
    };
    let Some(title) = string(collection, "title") else {
        problems.push(Problem::new(
            &path.key("title"),
            "a collection needs a title",
        ));
        return None;
    };
    let dates = manifest_dates(collection, path, problems);
    let objects = list(collection, "objects", path, problems)
        .iter()
        .enumerate()
        .filter_map(|(idx, value)| {
            read_object(
                value,
                &path.key("objects").index(idx),
                &dates,
                validation,
                problems,
            )
        })
        .collect();
    Some(Collection {
        id,
        title,
        description: string(collection, "description"),
        alias: string(collection, "alias"),
        can_read: collection.get("can_read").and_then(Value::as_bool) == Some(true),
        can_write: collection.get("can_write").and_then(Value::as_bool) == Some(true),
        objects,
    })
}

/// The `date_added` of each (id, version instant) of a collection's manifest, with the STIX
/// version its media type names (`application/stix+json;version=2.0`).
type ManifestDates = HashMap<(String, i64), (StixTimestamp, Option<String>)>;

fn manifest_dates(
    collection: &Map<String, Value>,
    path: &JsonPath,
    problems: &mut Vec<Problem>,
) -> ManifestDates {
    let mut dates = HashMap::new();
    for (idx, record) in list(collection, "manifest", path, problems)
        .iter()
        .enumerate()
    {
        let path = path.key("manifest").index(idx);
        let field = |key: &str| -> Result<StixTimestamp, Problem> {
            let text = record.get(key).and_then(Value::as_str).ok_or_else(|| {
                Problem::new(&path.key(key), format!("a manifest record needs `{key}`"))
            })?;
            StixTimestamp::parse(text)
                .map_err(|error| Problem::new(&path.key(key), error.to_string()))
        };
        let Some(id) = record.get("id").and_then(Value::as_str) else {
            problems.push(Problem::new(
                &path.key("id"),
                "a manifest record needs `id`",
            ));
            continue;
        };
        let spec_version = record
            .get("media_type")
            .and_then(Value::as_str)
            .and_then(|media_type| media_type.split_once("version="))
            .map(|(_, version)| version.trim().to_owned());
        match (field("version"), field("date_added")) {
            (Ok(version), Ok(date_added)) => {
                dates.insert(
                    (id.to_owned(), version.to_micros()),
                    (date_added, spec_version),
                );
            }
            (Err(problem), _) | (_, Err(problem)) => problems.push(problem),
        }
    }
    dates
}

fn read_object(
    value: &Value,
    path: &JsonPath,
    dates: &ManifestDates,
    validation: &stix::ValidationOptions,
    problems: &mut Vec<Problem>,
) -> Option<DatedObject> {
    let Some(map) = value.as_object() else {
        problems.push(Problem::new(path, "an object must be a JSON object"));
        return None;
    };
    let object_id = string(map, "id");
    let reject = |problems: &mut Vec<Problem>, path: &JsonPath, reason: String| {
        problems.push(Problem {
            path: path.to_string(),
            object_id: object_id.clone(),
            reason,
        });
    };
    // medallion's own bookkeeping is not part of the object.
    let mut cleaned = map.clone();
    let hidden_version = cleaned.remove(HIDDEN_DATE_ADDED);
    let version_text = ["modified", "created"]
        .iter()
        .find_map(|key| map.get(*key))
        .or(hidden_version.as_ref())
        .and_then(Value::as_str);
    // The manifest record names the version's date_added and, for STIX 2.0 content (whose
    // objects carry no spec_version), its STIX version.
    let version = version_text.and_then(|text| StixTimestamp::parse(text).ok());
    let Some((date_added, media_version)) = object_id
        .as_ref()
        .zip(version)
        .and_then(|(id, version)| dates.get(&(id.clone(), version.to_micros())))
        .cloned()
    else {
        reject(
            problems,
            path,
            "no manifest record of the collection gives this version's date_added".to_owned(),
        );
        return None;
    };
    let spec_version = match cleaned.get("spec_version") {
        Some(_) => None,
        None => media_version,
    };
    let object = match StixObject::from_value(Value::Object(cleaned)) {
        Ok(object) => object,
        Err(error) => {
            for diagnostic in error.diagnostics().iter().filter(|d| d.is_error()) {
                reject(
                    problems,
                    &path.join(&diagnostic.path),
                    diagnostic.message.clone(),
                );
            }
            if error.diagnostics().is_empty() {
                reject(problems, path, error.to_string());
            }
            return None;
        }
    };
    let options = stix::ValidationOptions {
        version: spec_version.clone().or_else(|| validation.version.clone()),
        ..validation.clone()
    };
    let errors: Vec<Diagnostic> = stix::validate_object(&object, &options)
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        for diagnostic in errors {
            reject(
                problems,
                &path.join(&diagnostic.path),
                diagnostic.message.clone(),
            );
        }
        return None;
    }
    Some(DatedObject {
        object: NewObject::from(object),
        date_added,
        spec_version,
    })
}

fn read_status(
    api_root: &str,
    value: &Value,
    path: &JsonPath,
    problems: &mut Vec<Problem>,
) -> Option<StatusRecord> {
    let Some(status) = value.as_object() else {
        problems.push(Problem::new(path, "a status must be a JSON object"));
        return None;
    };
    let id = status
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| uuid::Uuid::try_parse(id).ok());
    let Some(id) = id else {
        problems.push(Problem::new(&path.key("id"), "a status needs a UUID id"));
        return None;
    };
    let state = match status.get("status").and_then(Value::as_str) {
        Some("complete") => StatusState::Complete,
        Some("pending") => StatusState::Pending,
        _ => {
            problems.push(Problem::new(
                &path.key("status"),
                "a status is `pending` or `complete`",
            ));
            return None;
        }
    };
    let request_timestamp = match status
        .get("request_timestamp")
        .and_then(Value::as_str)
        .map(StixTimestamp::parse)
    {
        Some(Ok(timestamp)) => timestamp,
        Some(Err(error)) => {
            problems.push(Problem::new(
                &path.key("request_timestamp"),
                error.to_string(),
            ));
            return None;
        }
        None => {
            problems.push(Problem::new(
                &path.key("request_timestamp"),
                "a status needs its request_timestamp to be kept",
            ));
            return None;
        }
    };
    let details = |key: &str| -> Vec<StatusDetail> {
        status
            .get(key)
            .and_then(Value::as_array)
            .map(|details| {
                details
                    .iter()
                    .filter_map(Value::as_object)
                    .map(|detail| StatusDetail {
                        id: string(detail, "id").unwrap_or_default(),
                        version: string(detail, "version").unwrap_or_default(),
                        message: string(detail, "message"),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let successes = details("successes");
    let failures = details("failures");
    let pendings = details("pendings");
    // medallion's sample data writes `total_objects` in one place for `total_count`.
    let listed = (successes.len() + failures.len() + pendings.len()) as u64;
    let total_count = ["total_count", "total_objects"]
        .iter()
        .find_map(|key| status.get(*key).and_then(Value::as_u64))
        .unwrap_or(listed)
        .max(listed);
    Some(StatusRecord {
        id,
        api_root: api_root.to_owned(),
        owner: None,
        request_timestamp,
        state,
        total_count,
        successes,
        failures,
        pendings,
    })
}

/// Returns the list under `key` (none when absent), noting a problem when it is not a list.
fn list<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &JsonPath,
    problems: &mut Vec<Problem>,
) -> &'a [Value] {
    match map.get(key) {
        None => &[],
        Some(Value::Array(values)) => values,
        Some(_) => {
            problems.push(Problem::new(
                &path.key(key),
                format!("`{key}` must be a list"),
            ));
            &[]
        }
    }
}

fn string(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Data {
        read(text, &stix::ValidationOptions::default()).unwrap()
    }

    #[test]
    fn reads_roots_collections_objects_and_statuses() {
        let data = read_text(include_str!("../../../testdata/medallion/small.json"));
        assert_eq!(data.problems, []);
        let discovery = data.discovery.unwrap();
        assert_eq!(discovery.title.as_deref(), Some("Test TAXII server"));
        let names: Vec<&str> = data.api_roots.iter().map(|r| r.name.as_str()).collect();
        // serde_json keeps object keys sorted.
        assert_eq!(names, ["empty", "intel"]);
        let intel = &data.api_roots[1];
        assert_eq!(intel.max_content_length, Some(1_048_576));
        assert_eq!(intel.collections.len(), 2);
        let shared = &intel.collections[0];
        assert!(shared.can_read && shared.can_write);
        assert_eq!(shared.objects.len(), 5);
        let dates: Vec<String> = shared
            .objects
            .iter()
            .map(|object| format!("{} {}", object.object.object().id(), object.date_added))
            .collect();
        assert_eq!(
            dates,
            [
                "indicator--3b6f5c5e-7e5a-4d0c-9d3a-2a0f5f6e7a01 2019-03-01T10:00:00.000000Z",
                "indicator--3b6f5c5e-7e5a-4d0c-9d3a-2a0f5f6e7a01 2019-04-01T10:00:00.000000Z",
                "malware--6a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d 2019-03-01T10:00:00.000000Z",
                "relationship--0b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e 2019-03-01T10:00:00.000000Z",
                "domain-name--ebde1661-e6d4-5cb7-a987-d14958c8680a 2019-05-01T08:30:00.123456Z",
            ]
        );
        // medallion's bookkeeping property is dropped.
        assert!(!shared.objects[4].object.json().contains(HIDDEN_DATE_ADDED));
        assert_eq!(intel.statuses.len(), 2);
        assert_eq!(intel.statuses[0].state, StatusState::Complete);
        assert_eq!(intel.statuses[0].successes.len(), 2);
        assert_eq!(intel.statuses[1].state, StatusState::Pending);
        assert_eq!(intel.statuses[1].total_count, 1, "read from total_objects");
    }

    #[test]
    fn problems_name_their_json_path() {
        let text = r#"{
            "bad/name": {"information": {"title": "x"}},
            "untitled": {"information": {}},
            "root": {
                "information": {"title": "Root"},
                "status": [{"id": "not-a-uuid", "status": "complete"}],
                "collections": [
                    {"id": "nope", "title": "x"},
                    {"id": "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "title": "c",
                     "objects": [
                        {"type": "malware", "spec_version": "2.1",
                         "id": "malware--6a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                         "created": "2019-01-01T00:00:00.000Z", "modified": "2019-01-01T00:00:00.000Z",
                         "name": "x", "is_family": "yes"},
                        {"type": "malware", "spec_version": "2.1",
                         "id": "malware--6a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4e",
                         "created": "2019-01-01T00:00:00.000Z", "modified": "2019-01-01T00:00:00.000Z",
                         "name": "x", "is_family": false}
                     ],
                     "manifest": [
                        {"id": "malware--6a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                         "date_added": "2019-01-01T00:00:00Z", "version": "2019-01-01T00:00:00.000Z"}
                     ]}
                ]
            }
        }"#;
        let data = read_text(text);
        let problems: Vec<String> = data
            .problems
            .iter()
            .map(|problem| format!("{}: {}", problem.path, problem.reason))
            .collect();
        assert_eq!(problems.len(), 6, "{problems:#?}");
        assert!(
            problems[0].starts_with("$[\"bad/name\"]: "),
            "{problems:#?}"
        );
        assert!(problems[1].starts_with("$.root.collections[0].id: invalid collection id"));
        assert!(
            problems[2].starts_with("$.root.collections[1].objects[0].is_family"),
            "{problems:#?}"
        );
        assert_eq!(
            problems[3],
            "$.root.collections[1].objects[1]: no manifest record of the collection gives this version's date_added"
        );
        assert!(problems[4].starts_with("$.root.status[0].id: "));
        assert!(problems[5].starts_with("$.untitled.information.title: "));
        assert_eq!(data.api_roots.len(), 1);
        assert_eq!(data.api_roots[0].collections[0].objects.len(), 0);
    }
}
