//! A TAXII node for tests: a SQLite store in a temporary directory, the router merged into
//! an application router as the server merges it, and requests made with `oneshot` (no sockets), each as a
//! given principal, which a layer puts where the server's authentication would.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use policy::{CollectionId, ParticipantId, Principal, Role};
use serde_json::Value;
use stix::{StixId, StixTimestamp};
use store::{AnyStore, ApiRoot, Collection, NewCollection, SqliteStore, Store};
use taxii::{TAXII_MEDIA_TYPE, TaxiiConfig, TaxiiState};
use tower::ServiceExt;

/// A node with API root `default` (collections `open`, `second`) and API root `other`
/// (collection `elsewhere`).
pub struct Node {
    pub state: TaxiiState,
    pub open: Collection,
    pub second: Collection,
    pub elsewhere: Collection,
    _dir: tempfile::TempDir,
}

/// The answer to a request.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// Returns the body as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "body is not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Returns a header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    /// Asserts the status and that the body is a TAXII error message with that status,
    /// returning its description.
    #[track_caller]
    pub fn taxii_error(&self, status: StatusCode) -> String {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), Some(TAXII_MEDIA_TYPE));
        let body = self.json();
        assert_eq!(body["http_status"], status.as_u16().to_string(), "{body}");
        assert!(body["title"].is_string(), "{body}");
        body["description"].as_str().unwrap_or_default().to_owned()
    }

    /// Returns the ids of the objects of an envelope (versions as `id@modified`).
    pub fn object_versions(&self) -> Vec<String> {
        let body = self.json();
        body["objects"]
            .as_array()
            .map(|objects| {
                objects
                    .iter()
                    .map(|object| {
                        format!(
                            "{}@{}",
                            object["id"].as_str().unwrap(),
                            object["modified"].as_str().unwrap_or("-")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Node {
    /// Returns a node with the default settings.
    pub async fn new() -> Self {
        Self::with_config(TaxiiConfig::default()).await
    }

    /// Returns a node with `config`.
    pub async fn with_config(config: TaxiiConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = AnyStore::Sqlite(SqliteStore::open(dir.path()).await.unwrap());
        let open = store.default_collection().await.unwrap();
        let second = store
            .create_collection(&NewCollection {
                alias: Some("second".to_owned()),
                ..NewCollection::new("default", "Second collection")
            })
            .await
            .unwrap();
        store
            .create_api_root(&ApiRoot {
                name: "other".to_owned(),
                title: "Another API root".to_owned(),
                description: Some("for tests".to_owned()),
            })
            .await
            .unwrap();
        let elsewhere = store
            .create_collection(&NewCollection::new("other", "Elsewhere"))
            .await
            .unwrap();
        let clock = Arc::new(|| StixTimestamp::parse("2024-05-01T12:00:00.000000Z").unwrap());
        Self {
            state: TaxiiState::new(store, config).with_clock(clock),
            open,
            second,
            elsewhere,
            _dir: dir,
        }
    }

    /// Returns every collection id of the node.
    pub fn all_collections(&self) -> Vec<CollectionId> {
        vec![self.open.id, self.second.id, self.elsewhere.id]
    }

    /// Returns a principal (analyst unless said) of a fresh participant that reads and
    /// writes every collection.
    pub fn analyst(&self) -> Principal {
        principal(
            Role::Analyst,
            &self.all_collections(),
            &self.all_collections(),
        )
    }

    /// Makes a request and returns the answer.
    pub async fn request(
        &self,
        principal: Option<&Principal>,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Answer {
        let mut app = Router::new()
            .merge(taxii::router(self.state.clone()))
            .fallback(taxii::fallback);
        if let Some(principal) = principal {
            app = app.layer(axum::Extension(principal.clone()));
        }
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(body.map_or_else(Body::empty, Body::from))
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: body.to_vec(),
        }
    }

    /// GETs a TAXII URL with the TAXII `Accept` header.
    pub async fn get(&self, principal: &Principal, uri: &str) -> Answer {
        self.request(
            Some(principal),
            Method::GET,
            uri,
            &[("accept", TAXII_MEDIA_TYPE)],
            None,
        )
        .await
    }

    /// POSTs an envelope of `objects` to a collection.
    pub async fn post(
        &self,
        principal: &Principal,
        collection: &Collection,
        objects: &[Value],
    ) -> Answer {
        let envelope = serde_json::json!({ "objects": objects });
        self.request(
            Some(principal),
            Method::POST,
            &objects_url(collection),
            &[
                ("accept", TAXII_MEDIA_TYPE),
                (header::CONTENT_TYPE.as_str(), TAXII_MEDIA_TYPE),
            ],
            Some(envelope.to_string()),
        )
        .await
    }

    /// POSTs objects and asserts that every one succeeded.
    pub async fn add(&self, collection: &Collection, objects: &[Value]) {
        let admin = principal(
            Role::Admin,
            &self.all_collections(),
            &self.all_collections(),
        );
        let answer = self.post(&admin, collection, objects).await;
        assert_eq!(answer.status, StatusCode::ACCEPTED);
        self.state.wait_for_jobs().await;
        let status = answer.json();
        let status = if status["status"] == "pending" {
            self.get(
                &admin,
                &format!(
                    "/taxii2/{}/status/{}/",
                    collection.api_root,
                    status["id"].as_str().unwrap()
                ),
            )
            .await
            .json()
        } else {
            status
        };
        assert_eq!(status["failure_count"], 0, "{status}");
        assert_eq!(status["success_count"], objects.len(), "{status}");
    }
}

/// Returns a principal with `role` of a fresh participant.
pub fn principal(role: Role, readable: &[CollectionId], writable: &[CollectionId]) -> Principal {
    let participant = ParticipantId::new_v4();
    Principal {
        user: format!("user-{participant}"),
        participant,
        participant_name: format!("participant {participant}"),
        role,
        identities: vec![identity(participant.as_uuid().as_u128() as u64)],
        readable: readable.iter().copied().collect::<BTreeSet<_>>(),
        writable: writable.iter().copied().collect::<BTreeSet<_>>(),
    }
}

/// Returns an identity id.
pub fn identity(n: u64) -> StixId {
    StixId::parse(&format!(
        "identity--00000000-0000-4000-8000-{:012x}",
        n & 0xffff_ffff_ffff
    ))
    .unwrap()
}

/// Returns the objects URL of a collection.
pub fn objects_url(collection: &Collection) -> String {
    format!(
        "/taxii2/{}/collections/{}/objects/",
        collection.api_root, collection.id
    )
}

/// Returns the manifest URL of a collection.
pub fn manifest_url(collection: &Collection) -> String {
    format!(
        "/taxii2/{}/collections/{}/manifest/",
        collection.api_root, collection.id
    )
}

/// Returns the id `indicator--00000000-0000-4000-8000-<n>`.
pub fn indicator_id(n: u64) -> String {
    format!("indicator--00000000-0000-4000-8000-{n:012x}")
}

/// An indicator, version `modified`, with extra properties merged in.
pub fn indicator(n: u64, modified: &str, extra: Value) -> Value {
    let mut object = serde_json::json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": indicator_id(n),
        "created": "2020-01-01T00:00:00.000Z",
        "modified": modified,
        "name": format!("indicator {n}"),
        "pattern": format!("[domain-name:value = 'example{n}.com']"),
        "pattern_type": "stix",
        "valid_from": "2020-01-01T00:00:00Z"
    });
    if let (Some(object), Value::Object(extra)) = (object.as_object_mut(), extra) {
        object.extend(extra);
    }
    object
}

/// A malware object.
pub fn malware(n: u64) -> Value {
    serde_json::json!({
        "type": "malware",
        "spec_version": "2.1",
        "id": format!("malware--00000000-0000-4000-8000-{n:012x}"),
        "created": "2020-01-01T00:00:00.000Z",
        "modified": "2020-01-01T00:00:00.000Z",
        "name": format!("malware {n}"),
        "is_family": false
    })
}

/// The TLP:RED marking (TLP 2.0).
pub const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
