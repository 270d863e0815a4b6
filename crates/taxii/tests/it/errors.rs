//! The error cases of the specification, each answered with a TAXII error message and
//! storing nothing: 401, 404 and 405 on unknown paths and methods, 406, 413, 415, 422 and 400.

use axum::http::{Method, StatusCode};
use serde_json::json;
use taxii::{TAXII_MEDIA_TYPE, TaxiiConfig};

use crate::harness::{Node, indicator, objects_url};

const TAXII: (&str, &str) = ("accept", TAXII_MEDIA_TYPE);
const ENVELOPE: (&str, &str) = ("content-type", TAXII_MEDIA_TYPE);

/// Returns how many objects the default collection holds, as the analyst sees them.
async fn n_objects(node: &Node) -> usize {
    let answer = node.get(&node.analyst(), &objects_url(&node.open)).await;
    answer.json()["objects"]
        .as_array()
        .map_or(0, |objects| objects.len())
}

fn one_indicator() -> String {
    json!({ "objects": [indicator(1, "2020-01-01T00:00:00.000Z", json!({}))] }).to_string()
}

#[tokio::test]
async fn without_a_principal_every_endpoint_fails_closed() {
    let node = Node::new().await;
    for uri in ["/taxii2/", "/taxii2/default/", &objects_url(&node.open)] {
        let answer = node.request(None, Method::GET, uri, &[TAXII], None).await;
        answer.taxii_error(StatusCode::UNAUTHORIZED);
        assert!(answer.header("www-authenticate").is_some());
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_have_taxii_bodies() {
    let node = Node::new().await;
    let analyst = node.analyst();
    let no_slash = node
        .request(
            Some(&analyst),
            Method::GET,
            "/taxii2/default/collections",
            &[TAXII],
            None,
        )
        .await;
    assert!(
        no_slash
            .taxii_error(StatusCode::NOT_FOUND)
            .contains("end with a slash")
    );
    let unknown = node
        .request(
            Some(&analyst),
            Method::GET,
            "/taxii2/default/channels/",
            &[TAXII],
            None,
        )
        .await;
    unknown.taxii_error(StatusCode::NOT_FOUND);
    let put = node
        .request(
            Some(&analyst),
            Method::PUT,
            &objects_url(&node.open),
            &[TAXII],
            None,
        )
        .await;
    assert_eq!(
        put.taxii_error(StatusCode::METHOD_NOT_ALLOWED),
        "PUT is not allowed here; allowed: GET, HEAD, POST"
    );
    assert_eq!(put.header("allow"), Some("GET, HEAD, POST"));
}

#[tokio::test]
async fn unacceptable_accept_is_406_on_every_endpoint() {
    let node = Node::new().await;
    let analyst = node.analyst();
    let object = format!(
        "{}{}/",
        objects_url(&node.open),
        crate::harness::indicator_id(1)
    );
    let urls = [
        "/taxii2/".to_owned(),
        "/taxii2/default/".to_owned(),
        "/taxii2/default/collections/".to_owned(),
        format!("/taxii2/default/collections/{}/", node.open.id),
        objects_url(&node.open),
        object.clone(),
        format!("{object}versions/"),
        crate::harness::manifest_url(&node.open),
        "/taxii2/default/status/5b1b2ae0-6b4e-4a4e-9a3b-3c3c3c3c3c3c/".to_owned(),
    ];
    for url in urls {
        for accept in ["application/json", "application/taxii+json;version=2.0"] {
            let answer = node
                .request(
                    Some(&analyst),
                    Method::GET,
                    &url,
                    &[("accept", accept)],
                    None,
                )
                .await;
            answer.taxii_error(StatusCode::NOT_ACCEPTABLE);
        }
    }
    let post = node
        .request(
            Some(&analyst),
            Method::POST,
            &objects_url(&node.open),
            &[("accept", "application/xml"), ENVELOPE],
            Some(one_indicator()),
        )
        .await;
    post.taxii_error(StatusCode::NOT_ACCEPTABLE);
    assert_eq!(n_objects(&node).await, 0);
}

#[tokio::test]
async fn wrong_content_type_is_415_and_stores_nothing() {
    let node = Node::new().await;
    let analyst = node.analyst();
    for content_type in [
        None,
        Some("application/json"),
        Some("application/stix+json;version=2.1"),
        Some("application/taxii+json;version=2.0"),
    ] {
        let mut headers = vec![TAXII];
        if let Some(content_type) = content_type {
            headers.push(("content-type", content_type));
        }
        let answer = node
            .request(
                Some(&analyst),
                Method::POST,
                &objects_url(&node.open),
                &headers,
                Some(one_indicator()),
            )
            .await;
        answer.taxii_error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    assert_eq!(n_objects(&node).await, 0);
}

#[tokio::test]
async fn oversized_body_is_413_and_stores_nothing() {
    let node = Node::with_config(TaxiiConfig {
        max_content_length: 200,
        ..TaxiiConfig::default()
    })
    .await;
    let analyst = node.analyst();
    let body = one_indicator();
    assert!(body.len() > 200);
    let answer = node
        .request(
            Some(&analyst),
            Method::POST,
            &objects_url(&node.open),
            &[TAXII, ENVELOPE],
            Some(body),
        )
        .await;
    assert_eq!(
        answer.taxii_error(StatusCode::PAYLOAD_TOO_LARGE),
        "the request body is larger than max_content_length (200 bytes)"
    );
    assert_eq!(n_objects(&node).await, 0);
}

#[tokio::test]
async fn json_that_is_not_an_envelope_is_422_and_bad_json_400() {
    let node = Node::new().await;
    let analyst = node.analyst();
    let cases = [
        (
            StatusCode::BAD_REQUEST,
            "{\"objects\": [",
            "the body is not JSON",
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "[1, 2]",
            "not a TAXII envelope",
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"{"objects": "indicator"}"#,
            "$.objects is a JSON string",
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"{"objects": [{"type": "indicator"}]}"#,
            "$.objects[0] has no string `id`",
        ),
    ];
    for (status, body, expected) in cases {
        let answer = node
            .request(
                Some(&analyst),
                Method::POST,
                &objects_url(&node.open),
                &[TAXII, ENVELOPE],
                Some(body.to_owned()),
            )
            .await;
        let description = answer.taxii_error(status);
        assert!(description.contains(expected), "{body}: {description}");
    }
    assert_eq!(n_objects(&node).await, 0);
}

#[tokio::test]
async fn bad_filters_are_400_naming_the_parameter() {
    let node = Node::new().await;
    let analyst = node.analyst();
    let url = objects_url(&node.open);
    for (query, expected) in [
        ("limit=ten", "invalid limit value \"ten\""),
        (
            "added_after=2016-13-01T00:00:00Z",
            "invalid added_after value",
        ),
        (
            "match[version]=latest",
            "invalid match[version] value \"latest\"",
        ),
        (
            "next=forged",
            "not a paging cursor given out by this server",
        ),
    ] {
        let answer = node.get(&analyst, &format!("{url}?{query}")).await;
        let description = answer.taxii_error(StatusCode::BAD_REQUEST);
        assert!(description.contains(expected), "{query}: {description}");
    }
}
