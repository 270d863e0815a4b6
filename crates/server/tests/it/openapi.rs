//! The OpenAPI document: served without authentication, and naming every route of the admin
//! router with its method.

use std::collections::BTreeSet;

use axum::http::StatusCode;

use crate::support::{Auth, Node};

#[tokio::test]
async fn every_admin_route_is_in_the_openapi_document_and_nothing_else() {
    let node = Node::new().await;
    let answer = node.get("/api/v1/openapi.json", &Auth::None).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "served without authentication"
    );
    assert_eq!(answer.content_type(), "application/json");
    let document = answer.json();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3."),
        "{document}"
    );
    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let routed: BTreeSet<(String, String)> = server::api::routes()
        .listed()
        .iter()
        .map(|(method, path)| (method.to_string(), (*path).to_owned()))
        .collect();
    assert_eq!(routed, documented);
    assert!(routed.len() >= 18, "{routed:?}");
}

#[tokio::test]
async fn every_documented_route_answers_through_the_real_router() {
    let (node, admin) = Node::with_admin().await;
    // The detection below tells an unrouted path from a routed one.
    let nowhere = node.get("/api/v1/nowhere", &admin).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(nowhere.json()["detail"], "path /api/v1/nowhere not found");
    for (method, path) in server::api::routes().listed() {
        let concrete = path
            .replace("{name}", "CERT-EU")
            .replace("{id}", "00000000-0000-4000-8000-000000000000");
        let answer = node
            .call(
                method.clone(),
                &concrete,
                &admin,
                Some(serde_json::json!({})),
            )
            .await;
        // The router's fallback answers unrouted paths with 404 "path ... not found"; a
        // routed handler answers anything else (including its own 404s).
        let unrouted = answer.status == StatusCode::METHOD_NOT_ALLOWED
            || (answer.status == StatusCode::NOT_FOUND
                && answer.json()["detail"]
                    .as_str()
                    .is_some_and(|detail| detail.starts_with("path ")));
        assert!(!unrouted, "{method} {concrete} is not routed: {answer:?}");
    }
}
