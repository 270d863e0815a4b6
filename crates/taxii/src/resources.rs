//! The TAXII 2.1 resources as they go on the wire (sections 4 and 5): discovery, API root,
//! collections, manifest, versions and status, and the envelope, which is written directly
//! from the stored JSON of each object.
//!
//! Optional properties are omitted when unknown and lists are omitted when empty, as the
//! specification asks; `more` is written only when true (its absence means false).

use std::fmt::Write;

use serde::Serialize;
use store::{ManifestEntry, StatusDetail, StatusRecord};

/// The discovery resource (section 4.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discovery {
    /// The server's title.
    pub title: String,
    /// The server's description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Contact information.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The URL of the default API root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The URLs of the API roots.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_roots: Vec<String>,
}

/// The API root resource (section 4.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiRootResource {
    /// The API root's title.
    pub title: String,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The TAXII versions it speaks (`application/taxii+json;version=2.1`).
    pub versions: Vec<String>,
    /// The largest request body it accepts, in bytes.
    pub max_content_length: u64,
}

/// The collection resource (section 5.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionResource {
    /// The collection's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its alias.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Whether the caller may read its objects.
    pub can_read: bool,
    /// Whether the caller may add objects.
    pub can_write: bool,
    /// The media types of its objects.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media_types: Vec<String>,
}

/// The collections resource (section 5.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionsResource {
    /// The collections the caller may read or write.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<CollectionResource>,
}

/// A manifest record (section 5.3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestRecord {
    /// The object's id.
    pub id: String,
    /// When the server added this version, to the microsecond.
    pub date_added: String,
    /// The version.
    pub version: String,
    /// The media type of the version.
    pub media_type: String,
}

impl From<&ManifestEntry> for ManifestRecord {
    fn from(entry: &ManifestEntry) -> Self {
        Self {
            id: entry.id.as_str().to_owned(),
            date_added: entry.date_added.to_string(),
            version: entry.version.to_string(),
            media_type: entry.media_type(),
        }
    }
}

/// The manifest resource (section 5.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestResource {
    /// Whether more records follow.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    /// The `next` value that gives the following page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The records.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<ManifestRecord>,
}

/// The versions resource (section 5.8.1). `next` is not in the specification's table for this
/// resource; it is given as for envelopes so that clients can page the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionsResource {
    /// Whether more versions follow.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
    /// The `next` value that gives the following page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The versions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// The status resource (section 4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusResource {
    /// The status id.
    pub id: String,
    /// `pending` or `complete`.
    pub status: &'static str,
    /// When the request was received.
    pub request_timestamp: String,
    /// How many objects the request held.
    pub total_count: u64,
    /// How many were stored.
    pub success_count: u64,
    /// The objects stored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub successes: Vec<StatusDetail>,
    /// How many were refused.
    pub failure_count: u64,
    /// The objects refused, each with its reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<StatusDetail>,
    /// How many are still being processed.
    pub pending_count: u64,
    /// The objects still being processed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pendings: Vec<StatusDetail>,
}

impl From<&StatusRecord> for StatusResource {
    fn from(status: &StatusRecord) -> Self {
        let count = |details: &[StatusDetail]| details.len() as u64;
        Self {
            id: status.id.hyphenated().to_string(),
            status: status.state.as_str(),
            request_timestamp: status.request_timestamp.to_string(),
            total_count: status.total_count,
            success_count: count(&status.successes),
            successes: status.successes.clone(),
            failure_count: count(&status.failures),
            failures: status.failures.clone(),
            pending_count: count(&status.pendings),
            pendings: status.pendings.clone(),
        }
    }
}

/// Writes the envelope (section 3.7) of a page whose objects are `objects_json`: the stored
/// JSON of each object joined by commas, as [`Store::objects_json`](store::Store::objects_json)
/// gives it (`next` is URL-safe base64, written as a JSON string).
pub(crate) fn envelope_json(objects_json: &str, next: Option<&str>) -> String {
    let mut out = String::with_capacity(objects_json.len() + 80);
    out.push('{');
    if let Some(next) = next {
        let _ = write!(
            out,
            "\"more\":true,\"next\":{}",
            serde_json::Value::from(next)
        );
    }
    if !objects_json.is_empty() {
        if next.is_some() {
            out.push(',');
        }
        out.push_str("\"objects\":[");
        out.push_str(objects_json);
        out.push(']');
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_omit_empty_lists_and_false_more() {
        assert_eq!(envelope_json("", None), "{}");
        assert_eq!(
            envelope_json(r#"{"a":1},{"b":2}"#, None),
            r#"{"objects":[{"a":1},{"b":2}]}"#
        );
        let paged = envelope_json(r#"{"a":1}"#, Some("AQ_x-9"));
        assert_eq!(
            paged,
            r#"{"more":true,"next":"AQ_x-9","objects":[{"a":1}]}"#
        );
        let value: serde_json::Value = serde_json::from_str(&paged).unwrap();
        assert_eq!(value["objects"][0]["a"], 1);
    }

    #[test]
    fn resources_omit_empty_lists() {
        let manifest = ManifestResource {
            more: false,
            next: None,
            objects: Vec::new(),
        };
        assert_eq!(serde_json::to_string(&manifest).unwrap(), "{}");
        let collections = CollectionsResource {
            collections: Vec::new(),
        };
        assert_eq!(serde_json::to_string(&collections).unwrap(), "{}");
    }
}
