//! Request limits: 413 for oversized bodies, 429 with `Retry-After` per token.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use server::Config;

use crate::support::{Auth, Node};

#[tokio::test]
async fn oversized_bodies_get_413_in_the_paths_format() {
    let mut config = Config::default();
    config.limits.max_content_length = 1000;
    let node = Node::with_config(config).await;
    node.participant("CERT-EU", "BE", "government").await;
    node.user("root", "CERT-EU", "admin", None).await;
    let token = node.token("root").await;
    let big = json!({"name": "x".repeat(2000), "country": "FR", "kind": "hub"});
    let answer = node
        .call(
            Method::POST,
            "/api/v1/participants",
            &Auth::Bearer(token.clone()),
            Some(big.clone()),
        )
        .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{answer:?}");
    assert_eq!(answer.content_type(), "application/problem+json");
    assert!(
        answer.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1000 bytes")
    );

    // Under /taxii2/ the body is a TAXII error message; a body without Content-Length is
    // cut while it is read.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/taxii2/default/collections/x/objects/")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/taxii+json;version=2.1")
        .header(header::CONTENT_LENGTH, "5000")
        .body(Body::from(vec![b' '; 5000]))
        .unwrap();
    let answer = node.send(request).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.content_type(), "application/taxii+json;version=2.1");
    assert_eq!(answer.json()["http_status"], "413");

    let stream = futures_stream(vec![b'{'; 4000]);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/participants")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(stream)
        .unwrap();
    let answer = node.send(request).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{answer:?}");
    assert_eq!(answer.content_type(), "application/problem+json");
    assert_eq!(node.store_participants().await, 1, "nothing was stored");
}

/// A body without a declared length.
fn futures_stream(bytes: Vec<u8>) -> Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(512).map(|chunk| Ok(chunk.to_vec())).collect();
    Body::from_stream(futures::stream::iter(chunks))
}

#[tokio::test]
async fn each_token_has_its_own_rate_limit_with_retry_after() {
    let mut config = Config::default();
    config.limits.requests_per_minute = 1;
    config.limits.burst = 2;
    let node = Node::with_config(config).await;
    node.participant("CERT-EU", "BE", "government").await;
    node.user("root", "CERT-EU", "admin", None).await;
    let first = Auth::Bearer(node.token("root").await);
    let second = Auth::Bearer(node.token("root").await);
    for _ in 0..2 {
        assert_eq!(
            node.get("/api/v1/whoami", &first).await.status,
            StatusCode::OK
        );
    }
    let limited = node.get("/api/v1/whoami", &first).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{limited:?}");
    let retry_after: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let taxii = node.get("/taxii2/", &first).await;
    assert_eq!(taxii.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(taxii.json()["http_status"], "429");
    // Another token of the same user has its own bucket.
    assert_eq!(
        node.get("/api/v1/whoami", &second).await.status,
        StatusCode::OK
    );
}
