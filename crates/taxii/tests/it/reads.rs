//! Get Objects, Get an Object, Get Object Versions, Get Object Manifests and Delete an Object,
//! with every filter and the date-added headers.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use taxii::TAXII_MEDIA_TYPE;

use crate::harness::{Node, indicator, indicator_id, malware, manifest_url, objects_url};

const V1: &str = "2020-01-01T00:00:00.000Z";
const V2: &str = "2021-01-01T00:00:00.000Z";

/// Adds, one request each so that the order of date_added is known: indicator 1 (V1),
/// indicator 2, malware 3, indicator 1 (V2).
async fn node_with_objects() -> Node {
    let node = Node::new().await;
    for object in [
        indicator(1, V1, json!({})),
        indicator(2, V1, json!({})),
        malware(3),
        indicator(1, V2, json!({})),
    ] {
        node.add(&node.open, &[object]).await;
    }
    node
}

fn ind(n: u64, version: &str) -> String {
    format!("{}@{version}", indicator_id(n))
}

fn mal(n: u64) -> String {
    format!("malware--00000000-0000-4000-8000-{n:012x}@{V1}")
}

#[tokio::test]
async fn objects_are_the_last_versions_by_date_added_with_headers() {
    let node = node_with_objects().await;
    let analyst = node.analyst();
    let answer = node.get(&analyst, &objects_url(&node.open)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), Some(TAXII_MEDIA_TYPE));
    assert_eq!(answer.object_versions(), [ind(2, V1), mal(3), ind(1, V2)]);
    assert_eq!(answer.json().get("more"), None);
    assert_eq!(answer.json().get("next"), None);
    // The headers are the date_added of the first and last object, as the manifest gives
    // them, with microseconds.
    let manifest = node.get(&analyst, &manifest_url(&node.open)).await.json();
    let dates: Vec<&str> = manifest["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["date_added"].as_str().unwrap())
        .collect();
    assert_eq!(dates.len(), 3);
    assert!(
        dates
            .iter()
            .all(|date| date.len() == "2024-05-01T12:00:00.000000Z".len())
    );
    assert_eq!(answer.header("x-taxii-date-added-first"), Some(dates[0]));
    assert_eq!(answer.header("x-taxii-date-added-last"), Some(dates[2]));
    assert_eq!(manifest.get("more"), None);
}

#[tokio::test]
async fn every_filter_selects_as_the_specification_says() {
    let node = node_with_objects().await;
    let analyst = node.analyst();
    let url = objects_url(&node.open);
    let manifest = node.get(&analyst, &manifest_url(&node.open)).await.json();
    let malware_added = manifest["objects"][1]["date_added"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases: Vec<(String, Vec<String>)> = vec![
        ("match[type]=malware".into(), vec![mal(3)]),
        (
            "match[type]=indicator,malware".into(),
            vec![ind(2, V1), mal(3), ind(1, V2)],
        ),
        (format!("match[id]={}", indicator_id(1)), vec![ind(1, V2)]),
        (
            format!("match[id]={}&match[version]=all", indicator_id(1)),
            vec![ind(1, V1), ind(1, V2)],
        ),
        (
            "match[version]=first".into(),
            vec![ind(1, V1), ind(2, V1), mal(3)],
        ),
        (
            "match[version]=first,last".into(),
            vec![ind(1, V1), ind(2, V1), mal(3), ind(1, V2)],
        ),
        (
            format!("match[version]={V1}"),
            vec![ind(1, V1), ind(2, V1), mal(3)],
        ),
        // The same instant written with another precision is the same version.
        (
            "match[version]=2021-01-01T00:00:00Z".into(),
            vec![ind(1, V2)],
        ),
        (format!("added_after={malware_added}"), vec![ind(1, V2)]),
        (
            "match[spec_version]=2.1".into(),
            vec![ind(2, V1), mal(3), ind(1, V2)],
        ),
        ("match[spec_version]=2.0".into(), vec![]),
        (
            "match[type]=indicator&match[version]=all&limit=2".into(),
            vec![ind(1, V1), ind(2, V1)],
        ),
    ];
    for (query, expected) in cases {
        let answer = node.get(&analyst, &format!("{url}?{query}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}");
        assert_eq!(answer.object_versions(), expected, "{query}");
        if expected.is_empty() {
            assert_eq!(answer.json(), json!({}), "{query}");
            assert_eq!(answer.header("x-taxii-date-added-first"), None);
        }
    }
}

#[tokio::test]
async fn one_object_is_its_last_version_unless_filtered() {
    let node = node_with_objects().await;
    let analyst = node.analyst();
    let url = format!("{}{}/", objects_url(&node.open), indicator_id(1));
    let answer = node.get(&analyst, &url).await;
    assert_eq!(answer.object_versions(), [ind(1, V2)]);
    assert!(answer.header("x-taxii-date-added-first").is_some());
    let all = node
        .get(&analyst, &format!("{url}?match[version]=all"))
        .await;
    assert_eq!(all.object_versions(), [ind(1, V1), ind(1, V2)]);
    let paged = node
        .get(&analyst, &format!("{url}?match[version]=all&limit=1"))
        .await
        .json();
    assert_eq!(paged["more"], true);
    assert!(paged["next"].is_string());
    // A version that does not exist: the object does, so the answer is empty, not 404.
    let none = node
        .get(
            &analyst,
            &format!("{url}?match[version]=1999-01-01T00:00:00Z"),
        )
        .await;
    assert_eq!(none.status, StatusCode::OK);
    assert_eq!(none.json(), json!({}));
    let missing = node
        .get(
            &analyst,
            &format!("{}{}/", objects_url(&node.open), indicator_id(99)),
        )
        .await;
    assert_eq!(
        missing.taxii_error(StatusCode::NOT_FOUND),
        format!(
            "object {} not found in collection {}",
            indicator_id(99),
            node.open.id
        )
    );
    let not_an_id = node
        .get(&analyst, &format!("{}not-an-id/", objects_url(&node.open)))
        .await;
    not_an_id.taxii_error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn versions_list_every_version_by_date_added() {
    let node = node_with_objects().await;
    let analyst = node.analyst();
    let url = format!("{}{}/versions/", objects_url(&node.open), indicator_id(1));
    let answer = node.get(&analyst, &url).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json(),
        json!({ "versions": ["2020-01-01T00:00:00.000000Z", "2021-01-01T00:00:00.000000Z"] })
    );
    assert!(answer.header("x-taxii-date-added-first") < answer.header("x-taxii-date-added-last"));
    let first_page = node.get(&analyst, &format!("{url}?limit=1")).await.json();
    assert_eq!(first_page["more"], true);
    assert_eq!(
        first_page["versions"],
        json!(["2020-01-01T00:00:00.000000Z"])
    );
    let next = first_page["next"].as_str().unwrap();
    let second_page = node
        .get(&analyst, &format!("{url}?limit=1&next={next}"))
        .await
        .json();
    assert_eq!(
        second_page,
        json!({ "versions": ["2021-01-01T00:00:00.000000Z"] })
    );
    let missing = node
        .get(
            &analyst,
            &format!("{}{}/versions/", objects_url(&node.open), indicator_id(7)),
        )
        .await;
    missing.taxii_error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn manifest_records_name_id_date_added_version_and_media_type() {
    let node = node_with_objects().await;
    let analyst = node.analyst();
    let answer = node
        .get(
            &analyst,
            &format!("{}?match[type]=malware", manifest_url(&node.open)),
        )
        .await;
    let manifest = answer.json();
    let record = &manifest["objects"][0];
    assert_eq!(
        record["id"],
        "malware--00000000-0000-4000-8000-000000000003"
    );
    assert_eq!(record["version"], "2020-01-01T00:00:00.000000Z");
    assert_eq!(record["media_type"], "application/stix+json;version=2.1");
    assert_eq!(
        answer.header("x-taxii-date-added-first"),
        record["date_added"].as_str()
    );
    assert_eq!(manifest["objects"].as_array().unwrap().len(), 1);
}

async fn delete(node: &Node, url: &str) -> crate::harness::Answer {
    node.request(
        Some(&node.analyst()),
        Method::DELETE,
        url,
        &[("accept", TAXII_MEDIA_TYPE)],
        None,
    )
    .await
}

#[tokio::test]
async fn delete_removes_matching_versions_then_the_object() {
    let node = node_with_objects().await;
    let analyst = node.analyst();
    let url = format!("{}{}/", objects_url(&node.open), indicator_id(1));
    let first = delete(&node, &format!("{url}?match[version]={V1}")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.is_empty());
    let versions: Value = node.get(&analyst, &format!("{url}versions/")).await.json();
    assert_eq!(versions["versions"], json!(["2021-01-01T00:00:00.000000Z"]));
    let no_match = delete(&node, &format!("{url}?match[version]={V1}")).await;
    assert!(
        no_match
            .taxii_error(StatusCode::NOT_FOUND)
            .contains("has no version matching the filters")
    );
    let all = delete(&node, &url).await;
    assert_eq!(all.status, StatusCode::OK);
    node.get(&analyst, &url)
        .await
        .taxii_error(StatusCode::NOT_FOUND);
    delete(&node, &url).await.taxii_error(StatusCode::NOT_FOUND);
    // The other objects are untouched.
    let rest = node.get(&analyst, &objects_url(&node.open)).await;
    assert_eq!(rest.object_versions(), [ind(2, V1), mal(3)]);
}
