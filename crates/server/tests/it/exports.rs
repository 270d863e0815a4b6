//! `GET /api/v1/exports/{name}`: each principal gets what it may read, `public=true` only
//! TLP:CLEAR, `If-None-Match` with the `ETag` gives 304, and a MISP feed's files are served
//! one by one.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use stix::StixObject;
use store::{AddOptions, NewObject, Store};

use crate::support::{Answer, Auth, Node};

const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

fn indicator(n: u64, domain: &str, marking: &str, recipients: &[&str]) -> NewObject {
    let mut value = json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-{n:012x}"),
        "created": "2026-10-01T00:00:00.000Z",
        "modified": "2026-10-01T00:00:00.000Z",
        "name": format!("indicator {n}"),
        "pattern": format!("[domain-name:value = '{domain}']"),
        "pattern_type": "stix",
        "valid_from": "2026-10-01T00:00:00Z",
        "object_marking_refs": [marking],
    });
    if !recipients.is_empty() {
        value["x_phalanx_recipients"] = json!(recipients);
    }
    NewObject::from(StixObject::from_value(value).unwrap())
}

/// A node with a collection CERT-XX reads and one it does not, a reader of CERT-XX and an
/// analyst of another participant.
async fn node() -> (Node, Auth, Auth) {
    let node = Node::new().await;
    node.participant("CERT-XX", "FR", "government").await;
    node.participant("CERT-YY", "DE", "government").await;
    let alice = node.user("alice", "CERT-XX", "reader", None).await;
    node.user("bob", "CERT-YY", "analyst", None).await;
    let mut collections = Vec::new();
    for (title, readers) in [("Shared", vec!["CERT-XX".to_owned()]), ("Other", vec![])] {
        let (collection, _) = server::admin::create_collection(
            node.store(),
            &server::admin::CollectionRequest {
                title: title.to_owned(),
                api_root: None,
                alias: None,
                description: None,
                access: server::admin::AccessRequest {
                    read_all: false,
                    read: readers,
                    write: Vec::new(),
                },
            },
        )
        .await
        .unwrap();
        collections.push(collection);
    }
    let alice_identity = alice.identity.to_string();
    node.store()
        .add_objects(
            &collections[0],
            &[
                indicator(1, "clear.example", CLEAR, &[]),
                indicator(2, "amber.example", AMBER, &[]),
                indicator(3, "red-alice.example", RED, &[&alice_identity]),
                indicator(
                    4,
                    "red-other.example",
                    RED,
                    &["identity--99999999-9999-4999-8999-999999999999"],
                ),
            ],
            &AddOptions::default(),
        )
        .await
        .unwrap();
    node.store()
        .add_objects(
            &collections[1],
            &[indicator(5, "other.example", CLEAR, &[])],
            &AddOptions::default(),
        )
        .await
        .unwrap();
    let alice = Auth::Bearer(node.token("alice").await);
    let bob = Auth::Bearer(node.token("bob").await);
    (node, alice, bob)
}

/// A GET with `If-None-Match`, as a poller sends it.
async fn get_if_none_match(node: &Node, path: &str, auth: &Auth, etag: &str) -> Answer {
    let Auth::Bearer(token) = auth else {
        panic!("the tests authenticate with tokens");
    };
    let request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::IF_NONE_MATCH, etag)
        .body(Body::empty())
        .unwrap();
    node.send(request).await
}

fn lines(body: &[u8]) -> Vec<String> {
    let mut lines: Vec<String> = String::from_utf8_lossy(body)
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

#[tokio::test]
async fn each_principal_gets_what_it_may_read() {
    let (node, alice, bob) = node().await;
    let answer = node.get("/api/v1/exports/txt", &alice).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(
        lines(&answer.body),
        ["amber.example", "clear.example", "red-alice.example"]
    );
    assert_eq!(answer.headers["x-phalanx-export-exported"], "3");
    let public = node.get("/api/v1/exports/txt?public=true", &alice).await;
    assert_eq!(lines(&public.body), ["clear.example"]);
    assert_eq!(public.headers["x-phalanx-export-left-out"], "not-clear=2");
    // bob's participant reads neither collection: an empty export, and the collections
    // answer as missing.
    let answer = node.get("/api/v1/exports/txt", &bob).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.is_empty(), "{answer:?}");
    let answer = node
        .get("/api/v1/exports/txt?collection=Shared", &bob)
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = node
        .get("/api/v1/exports/txt?collection=Nowhere", &bob)
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let zone = node.get("/api/v1/exports/rpz", &alice).await;
    let text = String::from_utf8_lossy(&zone.body);
    assert!(text.contains("\nred-alice.example CNAME .\n"), "{text}");
    assert!(!text.contains("red-other"), "{text}");
    assert!(!text.contains("other.example"), "{text}");
}

#[tokio::test]
async fn an_unchanged_export_answers_304_to_its_etag() {
    let (node, alice, _) = node().await;
    let first = node.get("/api/v1/exports/stix", &alice).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.content_type(), "application/stix+json;version=2.1");
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    let again = node.get("/api/v1/exports/stix", &alice).await;
    assert_eq!(
        again.headers[header::ETAG],
        etag.as_str(),
        "the same export, the same body"
    );
    let conditional = get_if_none_match(&node, "/api/v1/exports/stix", &alice, &etag).await;
    assert_eq!(conditional.status, StatusCode::NOT_MODIFIED);
    assert!(conditional.body.is_empty());
    let stale = get_if_none_match(&node, "/api/v1/exports/stix", &alice, "\"0000\"").await;
    assert_eq!(stale.status, StatusCode::OK);
}

#[tokio::test]
async fn a_misp_feed_is_served_file_by_file() {
    let (node, alice, _) = node().await;
    let listing = node.get("/api/v1/exports/misp-feed", &alice).await;
    assert_eq!(listing.status, StatusCode::OK);
    let names: Vec<String> = serde_json::from_slice(&listing.body).unwrap();
    assert!(names.contains(&"manifest.json".to_owned()), "{names:?}");
    let manifest = node
        .get("/api/v1/exports/misp-feed/manifest.json", &alice)
        .await;
    assert_eq!(manifest.status, StatusCode::OK);
    let manifest: Value = manifest.json();
    for uuid in manifest.as_object().unwrap().keys() {
        let event = node
            .get(&format!("/api/v1/exports/misp-feed/{uuid}.json"), &alice)
            .await;
        assert_eq!(event.status, StatusCode::OK);
        assert_eq!(event.json()["Event"]["uuid"], uuid.as_str());
    }
    let missing = node
        .get("/api/v1/exports/misp-feed/nothing.json", &alice)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let unknown = node.get("/api/v1/exports/nosuch", &alice).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let unauthenticated = node.get("/api/v1/exports/txt", &Auth::None).await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
}

/// Returns the bodies of an export over HTTP: the body itself, or for a directory format
/// every file its listing names.
async fn bodies(node: &Node, format: &str, query: &str, auth: &Auth) -> Vec<(String, Vec<u8>)> {
    let path = format!("/api/v1/exports/{format}{query}");
    let answer = node.get(&path, auth).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {answer:?}");
    let directory = export::Format::parse(format).is_some_and(export::Format::is_directory);
    if !directory {
        return vec![(path, answer.body.to_vec())];
    }
    let names: Vec<String> = serde_json::from_slice(&answer.body).unwrap();
    let mut files = Vec::new();
    for name in names {
        let path = format!("/api/v1/exports/{format}/{name}{query}");
        let file = node.get(&path, auth).await;
        assert_eq!(file.status, StatusCode::OK, "{path}: {file:?}");
        files.push((path, file.body.to_vec()));
    }
    files
}

/// The forms a domain takes in the exports: as written, and in base64 (Suricata's string
/// datasets).
fn forms(domain: &str) -> [String; 2] {
    use base64::Engine as _;
    [
        domain.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(domain),
    ]
}

#[tokio::test]
async fn no_format_leaks_what_the_reader_may_not_see() {
    let (node, alice, bob) = node().await;
    // (who, query, domains that must not appear in any form, in any file).
    let cases: [(&str, &Auth, &str, &[&str]); 3] = [
        ("alice", &alice, "", &["red-other.example", "other.example"]),
        (
            "alice public",
            &alice,
            "?public=true",
            &[
                "amber.example",
                "red-alice.example",
                "red-other.example",
                "other.example",
            ],
        ),
        (
            "bob",
            &bob,
            "",
            &[
                "clear.example",
                "amber.example",
                "red-alice.example",
                "red-other.example",
                "other.example",
            ],
        ),
    ];
    for format in export::Format::ALL {
        for (who, auth, query, hidden) in &cases {
            for (path, body) in bodies(&node, format.as_str(), query, auth).await {
                let text = String::from_utf8_lossy(&body);
                for domain in *hidden {
                    for form in forms(domain) {
                        // "other.example" is a suffix of "red-other.example": look for the
                        // name as a whole, after a character no domain name holds.
                        let whole = text.match_indices(&form).any(|(at, _)| {
                            !text[..at]
                                .chars()
                                .next_back()
                                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
                        });
                        assert!(!whole, "{who}: {path} carries {domain} ({form}):\n{text}");
                    }
                }
            }
        }
        // What alice may read does appear (the check above is not vacuous), in the formats
        // that carry domains as text.
        if !matches!(
            format,
            export::Format::Nftables | export::Format::SuricataDatasets
        ) {
            let mut all = String::new();
            for (_, body) in bodies(&node, format.as_str(), "", &alice).await {
                all.push_str(&String::from_utf8_lossy(&body));
            }
            for domain in ["clear.example", "amber.example", "red-alice.example"] {
                assert!(
                    all.contains(domain),
                    "alice: {format} lacks {domain}:\n{all}"
                );
            }
        }
    }
}
