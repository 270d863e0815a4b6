//! Logs: one span per request with method, route, status and latency, and never a token, a
//! password or a body (checked on the logs of every test of this binary, which all go to one
//! capture).

use axum::http::Method;
use serde_json::json;

use crate::support::{Auth, Node, captured_logs};

#[tokio::test]
async fn requests_are_logged_without_secrets() {
    let (node, admin) = Node::with_admin().await;
    let Auth::Bearer(admin_token) = &admin else {
        unreachable!()
    };
    let password = "a very secret passphrase";
    let created_user = node
        .call(
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(json!({"name": "alice", "participant": "CERT-EU", "role": "analyst", "password": password})),
        )
        .await;
    assert_eq!(created_user.status.as_u16(), 201, "{created_user:?}");
    let alice = Auth::Basic("alice".into(), password.into());
    assert_eq!(
        node.get("/api/v1/whoami", &alice).await.status.as_u16(),
        200
    );
    let created = node
        .call(
            Method::POST,
            "/api/v1/tokens",
            &alice,
            Some(json!({"label": "mine"})),
        )
        .await;
    let new_token = created.json()["token"].as_str().unwrap().to_owned();
    let wrong = Auth::Basic("alice".into(), "the wrong secret passphrase".into());
    assert_eq!(node.get("/taxii2/", &wrong).await.status.as_u16(), 401);
    assert_eq!(
        node.get("/api/v1/users/alice", &admin)
            .await
            .status
            .as_u16(),
        200
    );

    // Every test of this binary logs into the same capture, so this checks their lines too.
    let log = captured_logs();
    assert!(log.contains("request finished"), "{log}");
    assert!(
        log.contains("route=/api/v1/users/{name}"),
        "the matched route is logged: {log}"
    );
    assert!(
        log.contains("method=GET") && log.contains("status=200"),
        "{log}"
    );
    assert!(log.contains("user=alice"), "{log}");
    for secret in [
        password,
        "the wrong secret passphrase",
        admin_token.as_str(),
        new_token.as_str(),
    ] {
        assert!(!log.contains(secret), "a secret reached the log: {secret}");
    }
    let token_secret = new_token.rsplit('_').next().unwrap();
    assert!(!log.contains(token_secret));
}
