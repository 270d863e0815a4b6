//! TAXII Add Objects through the whole node: the configured `limits.max_inline_objects`
//! decides whether an envelope is stored before the POST answers or in the background.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use server::Config;

use crate::support::{Answer, Auth, Node};

const TAXII: &str = "application/taxii+json;version=2.1";

/// A node whose `max_inline_objects` is `threshold`, with an analyst's token and a
/// collection it writes; returns the node, the token and the objects URL.
async fn node_with_threshold(threshold: usize) -> (Node, String, String) {
    let mut config = Config::default();
    config.limits.max_inline_objects = threshold;
    let node = Node::with_config(config).await;
    node.participant("CERT-EU", "BE", "government").await;
    node.user("root", "CERT-EU", "admin", None).await;
    node.user("ana", "CERT-EU", "analyst", None).await;
    let admin = Auth::Bearer(node.token("root").await);
    let created = node
        .call(
            Method::POST,
            "/api/v1/collections",
            &admin,
            Some(json!({"title": "Inbox", "access": {"read": ["CERT-EU"], "write": ["CERT-EU"]}})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let token = node.token("ana").await;
    (
        node,
        token,
        format!("/taxii2/default/collections/{id}/objects/"),
    )
}

fn indicators(first: usize, n: usize) -> Vec<Value> {
    (first..first + n)
        .map(|n| {
            json!({
                "type": "indicator", "spec_version": "2.1",
                "id": format!("indicator--00000000-0000-4000-8000-{n:012x}"),
                "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                "pattern": format!("[ipv4-addr:value = '198.51.100.{}']", n % 250),
                "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"
            })
        })
        .collect()
}

async fn taxii(node: &Node, method: Method, url: &str, token: &str, body: Option<Value>) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(url)
        .header(header::ACCEPT, TAXII)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let request = match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, TAXII)
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    };
    node.send(request.unwrap()).await
}

#[tokio::test]
async fn envelopes_up_to_the_configured_threshold_complete_before_the_answer() {
    let (node, token, url) = node_with_threshold(3).await;
    let envelope = json!({ "objects": indicators(1, 3) });
    let answer = taxii(&node, Method::POST, &url, &token, Some(envelope)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{answer:?}");
    let status = answer.json();
    assert_eq!(status["status"], "complete");
    assert_eq!(status["total_count"], 3);
    assert_eq!(status["success_count"], 3);
    assert_eq!(status["pending_count"], 0);
    assert_eq!(
        node.state.taxii.n_running_jobs(),
        0,
        "nothing in the background"
    );
    let stored = taxii(&node, Method::GET, &url, &token, None).await.json();
    assert_eq!(stored["objects"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn envelopes_over_the_configured_threshold_are_pending_then_complete() {
    let (node, token, url) = node_with_threshold(3).await;
    let envelope = json!({ "objects": indicators(1, 4) });
    let answer = taxii(&node, Method::POST, &url, &token, Some(envelope)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{answer:?}");
    let pending = answer.json();
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["total_count"], 4);
    assert_eq!(pending["success_count"], 0);
    assert_eq!(pending["pending_count"], 4);
    node.state.taxii.wait_for_jobs().await;
    let status_url = format!(
        "/taxii2/default/status/{}/",
        pending["id"].as_str().unwrap()
    );
    let complete = taxii(&node, Method::GET, &status_url, &token, None).await;
    assert_eq!(complete.status, StatusCode::OK, "{complete:?}");
    let complete = complete.json();
    assert_eq!(complete["status"], "complete");
    assert_eq!(complete["success_count"], 4);
    assert_eq!(complete["pending_count"], 0);
    let stored = taxii(&node, Method::GET, &url, &token, None).await.json();
    assert_eq!(stored["objects"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_default_threshold_is_100_objects() {
    assert_eq!(Config::default().limits.max_inline_objects, 100);
    let (node, token, url) = node_with_threshold(Config::default().limits.max_inline_objects).await;
    let inline = json!({ "objects": indicators(1, 100) });
    let answer = taxii(&node, Method::POST, &url, &token, Some(inline)).await;
    assert_eq!(answer.json()["status"], "complete");
    let background = json!({ "objects": indicators(101, 101) });
    let answer = taxii(&node, Method::POST, &url, &token, Some(background)).await;
    assert_eq!(answer.json()["status"], "pending");
    node.state.taxii.wait_for_jobs().await;
}
