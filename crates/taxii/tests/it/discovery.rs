//! Discovery, API root information, collections and one collection.

use axum::http::StatusCode;
use policy::Role;
use serde_json::json;
use taxii::TaxiiConfig;

use crate::harness::{Node, principal};

#[tokio::test]
async fn discovery_lists_api_roots_under_the_mount_point() {
    let node = Node::new().await;
    let answer = node.get(&node.analyst(), "/taxii2/").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("content-type"),
        Some("application/taxii+json;version=2.1")
    );
    assert_eq!(
        answer.json(),
        json!({
            "title": "Phalanx",
            "default": "/taxii2/default/",
            "api_roots": ["/taxii2/default/", "/taxii2/other/"]
        })
    );
}

#[tokio::test]
async fn discovery_gives_absolute_urls_with_a_public_url() {
    let node = Node::with_config(TaxiiConfig {
        title: "CERT node".to_owned(),
        description: Some("national sharing node".to_owned()),
        contact: Some("soc@example.org".to_owned()),
        public_url: Some("https://taxii.example.org/".to_owned()),
        default_api_root: Some("other".to_owned()),
        ..TaxiiConfig::default()
    })
    .await;
    let answer = node.get(&node.analyst(), "/taxii2/").await;
    assert_eq!(
        answer.json(),
        json!({
            "title": "CERT node",
            "description": "national sharing node",
            "contact": "soc@example.org",
            "default": "https://taxii.example.org/taxii2/other/",
            "api_roots": [
                "https://taxii.example.org/taxii2/default/",
                "https://taxii.example.org/taxii2/other/"
            ]
        })
    );
}

#[tokio::test]
async fn api_root_information_names_versions_and_max_content_length() {
    let node = Node::new().await;
    let answer = node.get(&node.analyst(), "/taxii2/other/").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json(),
        json!({
            "title": "Another API root",
            "description": "for tests",
            "versions": ["application/taxii+json;version=2.1"],
            "max_content_length": 10_485_760
        })
    );
    let missing = node.get(&node.analyst(), "/taxii2/nope/").await;
    assert_eq!(
        missing.taxii_error(StatusCode::NOT_FOUND),
        "API root nope not found"
    );
}

#[tokio::test]
async fn collections_show_what_the_caller_may_read_or_write() {
    let node = Node::new().await;
    let reader = principal(Role::Reader, &[node.open.id], &[node.second.id]);
    let answer = node.get(&reader, "/taxii2/default/collections/").await;
    assert_eq!(answer.status, StatusCode::OK);
    let collections = answer.json()["collections"].clone();
    assert_eq!(
        collections,
        json!([{
            "id": node.open.id.to_string(),
            "title": "Default collection",
            "description": "Objects ingested without naming a collection",
            "alias": "default",
            "can_read": true,
            "can_write": false,
            "media_types": ["application/stix+json;version=2.1"]
        }]),
        "a reader never writes, and sees no collection it may neither read nor write"
    );
    let writer = principal(Role::Analyst, &[], &[node.second.id]);
    let answer = node.get(&writer, "/taxii2/default/collections/").await;
    let collections = answer.json()["collections"].clone();
    assert_eq!(collections[0]["id"], node.second.id.to_string());
    assert_eq!(collections[0]["can_read"], false);
    assert_eq!(collections[0]["can_write"], true);
    assert_eq!(collections.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn no_collection_means_no_collections_property() {
    let node = Node::new().await;
    let nobody = principal(Role::Analyst, &[], &[]);
    let answer = node.get(&nobody, "/taxii2/default/collections/").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), json!({}));
}

#[tokio::test]
async fn one_collection_is_found_only_in_its_api_root_and_when_visible() {
    let node = Node::new().await;
    let analyst = node.analyst();
    let url = format!("/taxii2/default/collections/{}/", node.second.id);
    let answer = node.get(&analyst, &url).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["title"], "Second collection");
    assert_eq!(answer.json()["alias"], "second");
    // The same collection through another API root, an id that is not a UUID, and a
    // collection the caller may not use: all the same 404.
    let wrong_root = node
        .get(
            &analyst,
            &format!("/taxii2/other/collections/{}/", node.second.id),
        )
        .await;
    wrong_root.taxii_error(StatusCode::NOT_FOUND);
    let not_uuid = node
        .get(&analyst, "/taxii2/default/collections/second/")
        .await;
    not_uuid.taxii_error(StatusCode::NOT_FOUND);
    let outsider = principal(Role::Analyst, &[node.open.id], &[]);
    let hidden = node.get(&outsider, &url).await;
    let missing = node
        .get(
            &outsider,
            "/taxii2/default/collections/6e1f1b0c-0f5e-4c43-8d2c-2a1a1a1a1a1a/",
        )
        .await;
    assert_eq!(
        hidden.taxii_error(StatusCode::NOT_FOUND),
        format!(
            "collection {} not found in API root default",
            node.second.id
        )
    );
    missing.taxii_error(StatusCode::NOT_FOUND);
}
