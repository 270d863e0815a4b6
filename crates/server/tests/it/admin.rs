//! The admin API: roles enforced, eligibility refusals, collections with grants, and the
//! onward-sharing rule when readers are added.

use axum::http::{Method, StatusCode};
use serde_json::json;
use store::{AddOptions, NewObject, Store};

use crate::support::{Auth, Node};

#[tokio::test]
async fn administration_needs_the_admin_role() {
    let (node, _admin) = Node::with_admin().await;
    node.user("reader", "CERT-EU", "reader", None).await;
    node.user("analyst", "CERT-EU", "analyst", None).await;
    for user in ["reader", "analyst"] {
        let auth = Auth::Bearer(node.token(user).await);
        for (method, path, body) in [
            (Method::GET, "/api/v1/participants", None),
            (
                Method::POST,
                "/api/v1/participants",
                Some(json!({"name": "X", "country": "FR", "kind": "hub"})),
            ),
            (Method::GET, "/api/v1/users", None),
            (
                Method::POST,
                "/api/v1/users",
                Some(json!({"name": "x", "participant": "CERT-EU", "role": "admin"})),
            ),
            (
                Method::PATCH,
                "/api/v1/users/reader",
                Some(json!({"role": "admin"})),
            ),
            (Method::DELETE, "/api/v1/users/analyst", None),
            (Method::GET, "/api/v1/collections", None),
            (
                Method::POST,
                "/api/v1/collections",
                Some(json!({"title": "x"})),
            ),
            (
                Method::POST,
                "/api/v1/tokens",
                Some(json!({"user": "root"})),
            ),
        ] {
            let answer = node.call(method.clone(), path, &auth, body).await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{user} {method} {path}: {answer:?}"
            );
            assert_eq!(
                answer.json()["detail"],
                "this operation needs the admin role"
            );
        }
        // Any user reads whoami and manages its own tokens.
        assert_eq!(
            node.get("/api/v1/whoami", &auth).await.status,
            StatusCode::OK
        );
        let own = node
            .call(Method::POST, "/api/v1/tokens", &auth, Some(json!({})))
            .await;
        assert_eq!(own.status, StatusCode::CREATED, "{own:?}");
        let listed = node.get("/api/v1/tokens", &auth).await.json();
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .all(|token| token["user"] == user),
            "{listed}"
        );
    }
    // Nothing was created by the refused calls.
    assert_eq!(node.store().users().await.unwrap().len(), 3);
}

use store::Accounts;

#[tokio::test]
async fn governments_outside_the_programme_area_are_refused() {
    let (node, admin) = Node::with_admin().await;
    let refused = node
        .call(
            Method::POST,
            "/api/v1/participants",
            &admin,
            Some(json!({"name": "US-CERT", "country": "US", "kind": "government"})),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{refused:?}"
    );
    let detail = refused.json()["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("US (United States"), "{detail}");
    assert!(
        detail.contains("government participants must come from the programme's area"),
        "{detail}"
    );
    let bad_code = node
        .call(
            Method::POST,
            "/api/v1/participants",
            &admin,
            Some(json!({"name": "UK-NCSC", "country": "UK", "kind": "government"})),
        )
        .await;
    assert_eq!(bad_code.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_code.json()["detail"]
            .as_str()
            .unwrap()
            .contains("ISO 3166-1")
    );
    for (name, country, kind) in [
        ("NCSC-UK", "gb", "government"),
        ("CERT-UA", "UA", "government"),
        ("Vendor", "US", "partner"),
    ] {
        let created = node
            .call(
                Method::POST,
                "/api/v1/participants",
                &admin,
                Some(json!({"name": name, "country": country, "kind": kind})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    }
    let names: Vec<String> = node
        .store()
        .participants()
        .await
        .unwrap()
        .into_iter()
        .map(|participant| participant.name)
        .collect();
    assert_eq!(names, ["CERT-EU", "CERT-UA", "NCSC-UK", "Vendor"]);
}

#[tokio::test]
async fn collections_are_created_with_grants_that_resolve_at_authentication() {
    let (node, admin) = Node::with_admin().await;
    node.participant("CERT-FR", "FR", "government").await;
    node.user("alice", "CERT-FR", "analyst", None).await;
    node.user("rita", "CERT-FR", "reader", None).await;
    let created = node
        .call(
            Method::POST,
            "/api/v1/collections",
            &admin,
            Some(
                json!({"title": "Ransomware", "api_root": "eu", "alias": "ransomware",
                        "access": {"read": ["CERT-EU", "CERT-FR"], "write": ["CERT-FR"]}}),
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let body = created.json();
    assert_eq!(body["api_root"], "eu");
    assert_eq!(body["access"]["read"], json!(["CERT-EU", "CERT-FR"]));
    assert_eq!(body["access"]["write"], json!(["CERT-FR"]));
    let id = body["id"].as_str().unwrap().to_owned();
    let alice = node
        .get("/api/v1/whoami", &Auth::Bearer(node.token("alice").await))
        .await
        .json();
    assert_eq!(alice["readable"], json!([id]));
    assert_eq!(alice["writable"], json!([id]));
    let rita = node
        .get("/api/v1/whoami", &Auth::Bearer(node.token("rita").await))
        .await
        .json();
    assert_eq!(rita["readable"], json!([id]));
    assert_eq!(rita["writable"], json!([]), "a reader never writes");
    // A write-only grant is a drop box: the participant submits without reading.
    let drop_box = node
        .call(
            Method::POST,
            "/api/v1/collections",
            &admin,
            Some(json!({"title": "Submissions", "access": {"read": ["CERT-EU"], "write": ["CERT-FR"]}})),
        )
        .await
        .json();
    let alice = node
        .get("/api/v1/whoami", &Auth::Bearer(node.token("alice").await))
        .await
        .json();
    assert_eq!(alice["readable"], json!([id]));
    assert!(
        alice["writable"]
            .as_array()
            .unwrap()
            .contains(&drop_box["id"])
    );
    assert_eq!(drop_box["access"]["read"], json!(["CERT-EU"]));

    let unknown = node
        .call(
            Method::POST,
            "/api/v1/collections",
            &admin,
            Some(json!({"title": "x", "access": {"read": ["nobody"]}})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let malformed = node
        .call(
            Method::POST,
            "/api/v1/collections",
            &admin,
            Some(json!({"title": "x", "acces": {}})),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(
        malformed.json()["detail"]
            .as_str()
            .unwrap()
            .contains("acces"),
        "{malformed:?}"
    );
}

#[tokio::test]
async fn adding_readers_to_a_collection_holding_amber_is_refused() {
    let (node, admin) = Node::with_admin().await;
    node.participant("CERT-FR", "FR", "government").await;
    let created = node
        .call(
            Method::POST,
            "/api/v1/collections",
            &admin,
            Some(json!({"title": "Private", "access": {"read": ["CERT-EU"]}})),
        )
        .await
        .json();
    let id = created["id"].as_str().unwrap().to_owned();
    let collection = node.store().resolve_collection(&id).await.unwrap();
    let amber = stix::StixObject::from_json(r#"{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-000000000001","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","pattern":"[domain-name:value = 'example.com']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z","object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]}"#).unwrap();
    node.store()
        .add_objects(
            &collection,
            &[NewObject::from(amber)],
            &AddOptions::default(),
        )
        .await
        .unwrap();
    let path = format!("/api/v1/collections/{id}/access");
    let widened = node
        .call(
            Method::PUT,
            &path,
            &admin,
            Some(json!({"read": ["CERT-EU", "CERT-FR"]})),
        )
        .await;
    assert_eq!(
        widened.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{widened:?}"
    );
    let detail = widened.json()["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("1 version(s)") && detail.contains("TLP:AMBER"),
        "{detail}"
    );
    let everyone = node
        .call(Method::PUT, &path, &admin, Some(json!({"read_all": true})))
        .await;
    assert_eq!(everyone.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Giving write to someone who already reads it, or narrowing, is allowed.
    let same = node
        .call(
            Method::PUT,
            &path,
            &admin,
            Some(json!({"read": ["CERT-EU"], "write": ["CERT-EU"]})),
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{same:?}");
    assert_eq!(same.json()["access"]["read"], json!(["CERT-EU"]));
}

#[tokio::test]
async fn an_admin_cannot_lock_itself_out() {
    let (node, admin) = Node::with_admin().await;
    let demote = node
        .call(
            Method::PATCH,
            "/api/v1/users/root",
            &admin,
            Some(json!({"role": "reader"})),
        )
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    let delete = node
        .call(Method::DELETE, "/api/v1/users/root", &admin, None)
        .await;
    assert_eq!(delete.status, StatusCode::CONFLICT);
    let delete = node
        .call(Method::DELETE, "/api/v1/participants/CERT-EU", &admin, None)
        .await;
    assert_eq!(delete.status, StatusCode::CONFLICT);
    assert_eq!(
        node.get("/api/v1/whoami", &admin).await.json()["role"],
        "admin"
    );
}
