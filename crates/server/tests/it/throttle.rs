//! Failed-login throttling over HTTP: repeated failures from one source, for one user name
//! or for one token get 429 with `Retry-After` for the backoff window, the same for unknown
//! and known users; successes are never counted; nothing secret is logged.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use server::Config;

use crate::support::{Answer, Node, captured_logs};

const PASSWORD: &str = "correct horse battery";
const WRONG: &str = "wrong-password-guess-7Qz";

async fn node() -> Node {
    let mut config = Config::default();
    config.limits.login_failures = 3;
    config.limits.login_backoff_seconds = 60;
    config.limits.requests_per_minute = 0;
    let node = Node::with_config(config).await;
    node.participant("CERT-EU", "BE", "government").await;
    node.user("alice", "CERT-EU", "analyst", Some(PASSWORD))
        .await;
    node.user("bob", "CERT-EU", "analyst", Some(PASSWORD)).await;
    node
}

/// `GET /taxii2/` from `source` with an `Authorization` header.
async fn attempt(node: &Node, source: &str, authorization: &str) -> Answer {
    let source: SocketAddr = format!("{source}:40000").parse().unwrap();
    let mut request = Request::builder()
        .uri("/taxii2/")
        .header(header::ACCEPT, "application/taxii+json;version=2.1")
        .header(header::AUTHORIZATION, authorization)
        .body(Body::empty())
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(source));
    node.send(request).await
}

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

fn retry_after(answer: &Answer) -> u64 {
    answer.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The statuses of `n` attempts.
async fn statuses(node: &Node, n: usize, source: &str, authorization: &str) -> Vec<u16> {
    let mut statuses = Vec::with_capacity(n);
    for _ in 0..n {
        statuses.push(attempt(node, source, authorization).await.status.as_u16());
    }
    statuses
}

#[tokio::test]
async fn repeated_wrong_passwords_are_refused_for_the_backoff_window() {
    let node = node().await;
    let wrong = basic("alice", WRONG);
    assert_eq!(
        statuses(&node, 4, "198.51.100.7", &wrong).await,
        [401, 401, 401, 429]
    );
    // The right password is refused too while the window lasts: a guess that would succeed
    // must not be told apart from one that fails.
    let refused = attempt(&node, "198.51.100.7", &basic("alice", PASSWORD)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{refused:?}");
    assert_eq!(refused.json()["http_status"], "429", "a TAXII error body");
    let wait = retry_after(&refused);
    assert!((1..=60).contains(&wait), "{wait}");
    // The user name is blocked from any source (a guessing run spread over addresses), and
    // the source is blocked for any user name.
    let elsewhere = attempt(&node, "203.0.113.9", &basic("alice", PASSWORD)).await;
    assert_eq!(elsewhere.status, StatusCode::TOO_MANY_REQUESTS);
    let other_user = attempt(&node, "198.51.100.7", &basic("bob", PASSWORD)).await;
    assert_eq!(other_user.status, StatusCode::TOO_MANY_REQUESTS);
    // Another user from another source is not affected.
    let bob = attempt(&node, "203.0.113.9", &basic("bob", PASSWORD)).await;
    assert_eq!(bob.status, StatusCode::OK, "{bob:?}");
    // After the window the right password works again.
    node.clock.set("2026-11-01T12:01:01Z");
    let alice = attempt(&node, "198.51.100.7", &basic("alice", PASSWORD)).await;
    assert_eq!(alice.status, StatusCode::OK, "{alice:?}");
}

#[tokio::test]
async fn unknown_users_are_throttled_exactly_like_known_ones() {
    let node = node().await;
    let known = statuses(&node, 5, "198.51.100.7", &basic("alice", WRONG)).await;
    let unknown = statuses(&node, 5, "198.51.100.8", &basic("mallory", WRONG)).await;
    assert_eq!(known, [401, 401, 401, 429, 429]);
    assert_eq!(unknown, known);
    let known = attempt(&node, "198.51.100.7", &basic("alice", WRONG)).await;
    let unknown = attempt(&node, "198.51.100.8", &basic("mallory", WRONG)).await;
    assert_eq!(
        known.headers[header::RETRY_AFTER],
        unknown.headers[header::RETRY_AFTER]
    );
    // The bodies differ only by their request id.
    let without_request_id = |answer: &Answer| {
        let mut body = answer.json();
        body["details"]["request_id"].take();
        body
    };
    assert_eq!(without_request_id(&known), without_request_id(&unknown));
}

#[tokio::test]
async fn the_same_ipv6_64_counts_as_one_source() {
    let node = node().await;
    let mut seen = Vec::new();
    for host in 1..=4 {
        let source = format!("[2001:db8:7:7::{host}]");
        let user = format!("guess{host}");
        seen.push(
            attempt(&node, &source, &basic(&user, WRONG))
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(seen, [401, 401, 401, 429]);
    let other_block = attempt(&node, "[2001:db8:7:8::1]", &basic("bob", PASSWORD)).await;
    assert_eq!(other_block.status, StatusCode::OK);
}

#[tokio::test]
async fn guessed_token_secrets_are_throttled_by_token_and_source() {
    let node = node().await;
    let token = node.token("alice").await;
    let (prefix, _secret) = token.rsplit_once('_').unwrap();
    let guess = format!("Bearer {prefix}_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(
        statuses(&node, 4, "198.51.100.7", &guess).await,
        [401, 401, 401, 429]
    );
    // The real token is refused while its prefix is blocked, from anywhere.
    let real = format!("Bearer {token}");
    let refused = attempt(&node, "203.0.113.9", &real).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // Bob's token from another source works.
    let bob = format!("Bearer {}", node.token("bob").await);
    assert_eq!(
        attempt(&node, "203.0.113.9", &bob).await.status,
        StatusCode::OK
    );
    node.clock.set("2026-11-01T12:01:01Z");
    assert_eq!(
        attempt(&node, "203.0.113.9", &real).await.status,
        StatusCode::OK
    );
    let logs = captured_logs();
    assert!(!logs.contains(&token), "no token in the logs");
    assert!(
        !logs.contains("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        "no guessed secret either"
    );
}

#[tokio::test]
async fn successful_logins_are_never_counted() {
    let node = node().await;
    let right = basic("alice", PASSWORD);
    assert_eq!(statuses(&node, 12, "198.51.100.7", &right).await, [200; 12]);
    // Two failures after many successes still leave one to spare.
    let wrong = basic("alice", WRONG);
    assert_eq!(statuses(&node, 2, "198.51.100.7", &wrong).await, [401, 401]);
    assert_eq!(
        attempt(&node, "198.51.100.7", &right).await.status,
        StatusCode::OK
    );
    assert!(!captured_logs().contains(WRONG), "no password in the logs");
    assert!(
        !captured_logs().contains(PASSWORD),
        "no password in the logs"
    );
}

#[tokio::test]
async fn a_failure_budget_of_zero_turns_throttling_off() {
    let mut config = Config::default();
    config.limits.login_failures = 0;
    let node = Node::with_config(config).await;
    node.participant("CERT-EU", "BE", "government").await;
    node.user("alice", "CERT-EU", "analyst", Some(PASSWORD))
        .await;
    let wrong = basic("alice", WRONG);
    assert_eq!(statuses(&node, 15, "198.51.100.7", &wrong).await, [401; 15]);
}
