//! Who may do what: 403 for a collection the caller sees but may not read or write, 404 for
//! one it may not use at all, TLP:RED versions visible only to their named recipients (and
//! otherwise indistinguishable from missing ones), statuses readable only by their
//! participant and administrators.

use axum::http::{Method, StatusCode};
use policy::Role;
use serde_json::json;
use taxii::TAXII_MEDIA_TYPE;

use crate::harness::{
    Node, RED, identity, indicator, indicator_id, manifest_url, objects_url, principal,
};

#[tokio::test]
async fn reading_needs_read_and_writing_needs_write() {
    let node = Node::new().await;
    node.add(
        &node.open,
        &[indicator(1, "2020-01-01T00:00:00.000Z", json!({}))],
    )
    .await;
    let write_only = principal(Role::Analyst, &[], &[node.open.id]);
    let answer = node.get(&write_only, &objects_url(&node.open)).await;
    assert_eq!(
        answer.taxii_error(StatusCode::FORBIDDEN),
        format!(
            "you may add objects to collection {} but not read it (can_read is false)",
            node.open.id
        )
    );
    node.get(&write_only, &manifest_url(&node.open))
        .await
        .taxii_error(StatusCode::FORBIDDEN);
    let written = node
        .post(
            &write_only,
            &node.open,
            &[indicator(2, "2020-01-01T00:00:00.000Z", json!({}))],
        )
        .await;
    assert_eq!(written.status, StatusCode::ACCEPTED);
    assert_eq!(written.json()["success_count"], 1);

    // A reader may not write, even where its participant is granted write.
    let reader = principal(Role::Reader, &[node.open.id], &[node.open.id]);
    let refused = node
        .post(
            &reader,
            &node.open,
            &[indicator(3, "2020-01-01T00:00:00.000Z", json!({}))],
        )
        .await;
    assert!(
        refused
            .taxii_error(StatusCode::FORBIDDEN)
            .contains("can_write is false")
    );
    let delete = node
        .request(
            Some(&reader),
            Method::DELETE,
            &format!("{}{}/", objects_url(&node.open), indicator_id(1)),
            &[("accept", TAXII_MEDIA_TYPE)],
            None,
        )
        .await;
    delete.taxii_error(StatusCode::FORBIDDEN);
    let stored = node.get(&reader, &objects_url(&node.open)).await;
    assert_eq!(
        stored.object_versions().len(),
        2,
        "nothing was added or deleted"
    );

    // A collection the caller may neither read nor write does not exist for it.
    let outsider = principal(Role::Analyst, &[node.second.id], &[node.second.id]);
    let hidden = node
        .post(
            &outsider,
            &node.open,
            &[indicator(4, "2020-01-01T00:00:00.000Z", json!({}))],
        )
        .await;
    hidden.taxii_error(StatusCode::NOT_FOUND);
    node.get(&outsider, &objects_url(&node.open))
        .await
        .taxii_error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn red_versions_are_seen_only_by_named_recipients_and_otherwise_do_not_exist() {
    let node = Node::new().await;
    let recipient = node.analyst();
    let bystander = node.analyst();
    let recipient_identity = recipient.identities[0].to_string();
    let red = indicator(
        1,
        "2020-01-01T00:00:00.000Z",
        json!({ "object_marking_refs": [RED], "x_phalanx_recipients": [recipient_identity] }),
    );
    node.add(
        &node.open,
        &[red, indicator(2, "2020-01-01T00:00:00.000Z", json!({}))],
    )
    .await;
    let url = |n: u64| format!("{}{}/", objects_url(&node.open), indicator_id(n));

    let seen = node.get(&recipient, &objects_url(&node.open)).await;
    assert_eq!(seen.object_versions().len(), 2);
    assert_eq!(node.get(&recipient, &url(1)).await.status, StatusCode::OK);

    let unseen = node.get(&bystander, &objects_url(&node.open)).await;
    assert_eq!(
        unseen.object_versions(),
        [format!("{}@2020-01-01T00:00:00.000Z", indicator_id(2))]
    );
    let manifest = node.get(&bystander, &manifest_url(&node.open)).await.json();
    assert_eq!(manifest["objects"].as_array().unwrap().len(), 1);
    // The hidden object answers exactly as an object that does not exist, on every endpoint.
    for suffix in ["", "versions/"] {
        let hidden = node.get(&bystander, &format!("{}{suffix}", url(1))).await;
        let missing = node.get(&bystander, &format!("{}{suffix}", url(99))).await;
        assert_eq!(hidden.status, missing.status);
        assert_eq!(
            hidden
                .taxii_error(StatusCode::NOT_FOUND)
                .replace(&indicator_id(1), "ID"),
            missing
                .taxii_error(StatusCode::NOT_FOUND)
                .replace(&indicator_id(99), "ID"),
        );
    }
    let delete = node
        .request(
            Some(&bystander),
            Method::DELETE,
            &url(1),
            &[("accept", TAXII_MEDIA_TYPE)],
            None,
        )
        .await;
    delete.taxii_error(StatusCode::NOT_FOUND);
    assert_eq!(
        node.get(&recipient, &url(1)).await.object_versions().len(),
        1,
        "a bystander cannot delete what it cannot see"
    );
    // The participant's own identity also names it as a recipient.
    let mut colleague = node.analyst();
    colleague.identities = vec![identity(12345), recipient.identities[0].clone()];
    assert_eq!(node.get(&colleague, &url(1)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn statuses_are_readable_by_their_participant_and_administrators_only() {
    let node = Node::new().await;
    let author = node.analyst();
    let answer = node
        .post(
            &author,
            &node.open,
            &[indicator(1, "2020-01-01T00:00:00.000Z", json!({}))],
        )
        .await;
    let id = answer.json()["id"].as_str().unwrap().to_owned();
    let url = format!("/taxii2/default/status/{id}/");
    let own = node.get(&author, &url).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.json(), answer.json());
    let mut colleague = node.analyst();
    colleague.participant = author.participant;
    assert_eq!(node.get(&colleague, &url).await.status, StatusCode::OK);
    let admin = principal(Role::Admin, &[], &[]);
    assert_eq!(node.get(&admin, &url).await.status, StatusCode::OK);
    let other = node.analyst();
    let refused = node.get(&other, &url).await;
    let missing = node
        .get(
            &other,
            "/taxii2/default/status/00000000-0000-4000-8000-000000000000/",
        )
        .await;
    assert_eq!(
        refused
            .taxii_error(StatusCode::NOT_FOUND)
            .replace(&id, "ID"),
        missing
            .taxii_error(StatusCode::NOT_FOUND)
            .replace("00000000-0000-4000-8000-000000000000", "ID")
    );
    // A status belongs to its API root.
    node.get(&author, &format!("/taxii2/other/status/{id}/"))
        .await
        .taxii_error(StatusCode::NOT_FOUND);
}
