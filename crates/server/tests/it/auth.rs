//! Authentication: 401 for missing and bad credentials, expired and revoked tokens, with
//! `WWW-Authenticate` and the error body of the path; Basic and Bearer both work; tokens are
//! never stored in clear.

use axum::http::{Method, StatusCode, header};
use serde_json::json;
use store::Accounts;

use crate::support::{Auth, Node};

#[track_caller]
fn assert_unauthenticated(answer: &crate::support::Answer, taxii: bool) {
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{answer:?}");
    let challenges: Vec<&str> = answer
        .headers
        .get_all(header::WWW_AUTHENTICATE)
        .iter()
        .map(|value| value.to_str().unwrap())
        .collect();
    assert_eq!(
        challenges,
        [
            r#"Basic realm="phalanx", charset="UTF-8""#,
            r#"Bearer realm="phalanx""#
        ]
    );
    let body = answer.json();
    if taxii {
        assert_eq!(answer.content_type(), "application/taxii+json;version=2.1");
        assert_eq!(body["http_status"], "401");
        assert_eq!(body["title"], "Unauthorized");
        assert!(
            body["description"].as_str().unwrap().contains("Bearer"),
            "{body}"
        );
    } else {
        assert_eq!(answer.content_type(), "application/problem+json");
        assert_eq!(body["status"], 401);
    }
}

#[tokio::test]
async fn missing_and_malformed_credentials_get_401_in_the_paths_format() {
    let (node, _admin) = Node::with_admin().await;
    for path in ["/taxii2/", "/taxii2/default/collections/", "/taxii2"] {
        assert_unauthenticated(&node.get(path, &Auth::None).await, true);
    }
    assert_unauthenticated(&node.get("/api/v1/whoami", &Auth::None).await, false);
    for raw in [
        "Basic",
        "Basic !!!",
        "Bearer",
        "Digest abc",
        "Basic dXNlcg==",
    ] {
        let answer = node.get("/api/v1/whoami", &Auth::Raw(raw.to_owned())).await;
        assert_unauthenticated(&answer, false);
    }
}

#[tokio::test]
async fn basic_authenticates_the_right_password_only() {
    let node = Node::new().await;
    node.participant("CERT-FR", "FR", "government").await;
    node.user("alice", "CERT-FR", "analyst", Some("correct horse battery"))
        .await;
    node.user("robot", "CERT-FR", "sync", None).await;
    let answer = node
        .get(
            "/api/v1/whoami",
            &Auth::Basic("alice".into(), "correct horse battery".into()),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let body = answer.json();
    assert_eq!(body["user"], "alice");
    assert_eq!(body["participant"], "CERT-FR");
    assert_eq!(body["role"], "analyst");
    assert_eq!(body["identities"].as_array().unwrap().len(), 2);
    for (user, password) in [
        ("alice", "correct horse batterY"),
        ("alice", ""),
        ("nobody", "correct horse battery"),
        // A token-only user has no password at all.
        ("robot", "correct horse battery"),
    ] {
        let answer = node
            .get("/taxii2/", &Auth::Basic(user.into(), password.into()))
            .await;
        assert_unauthenticated(&answer, true);
    }
}

#[tokio::test]
async fn bearer_tokens_expire_and_are_revoked() {
    let (node, admin) = Node::with_admin().await;
    node.user("bot", "CERT-EU", "sync", None).await;
    let created = node
        .call(
            Method::POST,
            "/api/v1/tokens",
            &admin,
            Some(json!({"user": "bot", "label": "connector", "expires_in": "1h"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let body = created.json();
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("phx_"));
    assert_eq!(body["active"], true);
    let bot = Auth::Bearer(token.clone());
    assert_eq!(
        node.get("/api/v1/whoami", &bot).await.status,
        StatusCode::OK
    );

    // A token that differs in its secret but keeps its prefix is refused.
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert_unauthenticated(
        &node.get("/api/v1/whoami", &Auth::Bearer(forged)).await,
        false,
    );

    node.clock.set("2026-11-01T13:00:00Z");
    assert_unauthenticated(&node.get("/taxii2/", &bot).await, true);
    node.clock.set("2026-11-01T12:30:00Z");
    assert_eq!(
        node.get("/api/v1/whoami", &bot).await.status,
        StatusCode::OK
    );

    let prefix = body["prefix"].as_str().unwrap();
    let revoked = node
        .call(
            Method::DELETE,
            &format!("/api/v1/tokens/{prefix}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{revoked:?}");
    assert_eq!(revoked.json()["active"], false);
    assert_unauthenticated(&node.get("/api/v1/whoami", &bot).await, false);
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let (node, admin) = Node::with_admin().await;
    let created = node
        .call(Method::POST, "/api/v1/tokens", &admin, Some(json!({})))
        .await;
    let body = created.json();
    let token = body["token"].as_str().unwrap();
    // The stored row holds the hash, and the database files hold no trace of the secret.
    let record = node
        .store()
        .token_by_prefix(body["prefix"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_ne!(record.token_hash, token);
    assert_eq!(record.token_hash, server::credentials::token_hash(token));
    let database = std::fs::read(node_database(&node)).unwrap();
    let wal = std::fs::read(node_database(&node).with_extension("sqlite3-wal")).unwrap_or_default();
    // `phx_<prefix>_<secret>`: the secret is URL-safe base64 and may itself contain `_`, so it
    // is everything after the prefix (not the text after the last `_`, which may be a few
    // characters that occur anywhere by chance).
    let prefix = body["prefix"].as_str().unwrap();
    let secret = token
        .split_once(&format!("{prefix}_"))
        .map(|(_, secret)| secret)
        .unwrap();
    assert!(secret.len() >= 40, "{secret}");
    for bytes in [&database, &wal] {
        assert!(
            !bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes()),
            "the token's secret is in the database file"
        );
    }
    // Listings never show it either.
    let listing = node.get("/api/v1/tokens", &admin).await;
    assert!(!String::from_utf8_lossy(&listing.body).contains(token));
}

fn node_database(node: &Node) -> std::path::PathBuf {
    // The embedded store's file name (`store::sqlite::DATABASE_FILE`).
    node.data_dir().join("phalanx.sqlite3")
}

#[tokio::test]
async fn a_changed_password_stops_working_at_once_despite_the_verification_cache() {
    let (node, admin) = Node::with_admin().await;
    node.user("alice", "CERT-EU", "analyst", Some("first long passphrase"))
        .await;
    let old = Auth::Basic("alice".into(), "first long passphrase".into());
    for _ in 0..2 {
        assert_eq!(
            node.get("/api/v1/whoami", &old).await.status,
            StatusCode::OK
        );
    }
    let changed = node
        .call(
            Method::PATCH,
            "/api/v1/users/alice",
            &admin,
            Some(json!({"password": "second long passphrase"})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{changed:?}");
    assert_unauthenticated(&node.get("/api/v1/whoami", &old).await, false);
    let new = Auth::Basic("alice".into(), "second long passphrase".into());
    assert_eq!(
        node.get("/api/v1/whoami", &new).await.status,
        StatusCode::OK
    );
    let short = node
        .call(
            Method::PATCH,
            "/api/v1/users/alice",
            &admin,
            Some(json!({"password": "short"})),
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
}
