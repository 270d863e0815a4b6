//! Add Objects: 202 with a status listing each object; invalid objects fail alone, naming
//! the JSON path; large envelopes go to the background and their status moves from pending
//! to complete; objects already shared elsewhere obey the onward-sharing policy.

use axum::http::StatusCode;
use policy::{Country, ParticipantKind};
use serde_json::{Value, json};
use store::{Accounts, CollectionAccess, Grant, NewParticipant};
use taxii::TaxiiConfig;

use crate::harness::{Node, indicator, indicator_id, malware, objects_url};

const V1: &str = "2020-01-01T00:00:00.000Z";

#[tokio::test]
async fn small_envelopes_are_stored_at_once_and_the_status_is_complete() {
    let node = Node::new().await;
    let analyst = node.analyst();
    let answer = node
        .post(
            &analyst,
            &node.open,
            &[indicator(1, V1, json!({})), malware(2)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED);
    assert_eq!(
        answer.header("content-type"),
        Some("application/taxii+json;version=2.1")
    );
    let status = answer.json();
    let id = status["id"].as_str().unwrap();
    assert_eq!(
        status,
        json!({
            "id": id,
            "status": "complete",
            "request_timestamp": "2024-05-01T12:00:00.000000Z",
            "total_count": 2,
            "success_count": 2,
            "successes": [
                { "id": indicator_id(1), "version": V1 },
                { "id": "malware--00000000-0000-4000-8000-000000000002", "version": V1 }
            ],
            "failure_count": 0,
            "pending_count": 0
        })
    );
    let stored = node.get(&analyst, &objects_url(&node.open)).await;
    assert_eq!(stored.object_versions().len(), 2);
}

#[tokio::test]
async fn invalid_objects_fail_alone_and_the_rest_is_stored() {
    let node = Node::new().await;
    let analyst = node.analyst();
    node.add(
        &node.open,
        &[indicator(5, V1, json!({ "name": "original" }))],
    )
    .await;
    let mut no_pattern_type = indicator(2, V1, json!({}));
    no_pattern_type
        .as_object_mut()
        .unwrap()
        .remove("pattern_type");
    let objects = [
        indicator(1, V1, json!({})),
        no_pattern_type,
        indicator(3, V1, json!({ "valid_until": "2019-01-01T00:00:00Z" })),
        indicator(5, V1, json!({ "name": "original" })),
        indicator(5, V1, json!({ "name": "changed" })),
        json!({ "id": "not-an-id", "type": "indicator" }),
    ];
    let status = node.post(&analyst, &node.open, &objects).await.json();
    assert_eq!(status["status"], "complete");
    assert_eq!(status["total_count"], 6);
    assert_eq!(status["success_count"], 2);
    assert_eq!(status["failure_count"], 4);
    assert_eq!(status["pending_count"], 0);
    assert_eq!(
        status["successes"][0],
        json!({ "id": indicator_id(1), "version": V1 })
    );
    assert_eq!(
        status["successes"][1],
        json!({ "id": indicator_id(5), "version": V1, "message": "already present in the collection" })
    );
    let failures: Vec<(String, String)> = status["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| {
            (
                failure["id"].as_str().unwrap().to_owned(),
                failure["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(failures[0].0, indicator_id(2));
    assert!(
        failures[0].1.starts_with("invalid at $.objects[1]"),
        "{failures:?}"
    );
    assert!(failures[0].1.contains("pattern_type"), "{failures:?}");
    assert_eq!(failures[1].0, indicator_id(3));
    assert!(failures[1].1.contains("$.objects[2]"), "{failures:?}");
    assert_eq!(
        failures[2],
        (
            indicator_id(5),
            format!(
                "a different object is already stored as version {V1} of {}",
                indicator_id(5)
            )
        )
    );
    assert_eq!(failures[3].0, "not-an-id");
    assert!(
        failures[3].1.starts_with("invalid at $.objects[5]"),
        "{failures:?}"
    );
    // The failure of an object without a version is reported at the request time.
    assert_eq!(
        status["failures"][3]["version"],
        "2024-05-01T12:00:00.000000Z"
    );
    let stored = node.get(&analyst, &objects_url(&node.open)).await;
    assert_eq!(
        stored.object_versions(),
        [
            format!("{}@{V1}", indicator_id(5)),
            format!("{}@{V1}", indicator_id(1))
        ]
    );
    let original = node
        .get(
            &analyst,
            &format!("{}{}/", objects_url(&node.open), indicator_id(5)),
        )
        .await
        .json();
    assert_eq!(original["objects"][0]["name"], "original");
}

#[tokio::test]
async fn an_empty_envelope_completes_with_nothing() {
    let node = Node::new().await;
    let status = node.post(&node.analyst(), &node.open, &[]).await.json();
    assert_eq!(status["status"], "complete");
    assert_eq!(status["total_count"], 0);
    assert_eq!(status.get("successes"), None);
}

#[tokio::test]
async fn large_envelopes_are_processed_in_the_background() {
    let node = Node::with_config(TaxiiConfig {
        max_inline_objects: 2,
        ..TaxiiConfig::default()
    })
    .await;
    let analyst = node.analyst();
    let objects: Vec<Value> = (1..=5).map(|n| indicator(n, V1, json!({}))).collect();
    let mut invalid = indicator(6, V1, json!({}));
    invalid["valid_from"] = json!("yesterday");
    let mut envelope = objects.clone();
    envelope.push(invalid);
    let accepted = node.post(&analyst, &node.open, &envelope).await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED);
    let pending = accepted.json();
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["total_count"], 6);
    assert_eq!(pending["success_count"], 0);
    assert_eq!(pending["pending_count"], 6);
    assert_eq!(
        pending["pendings"][5],
        json!({ "id": indicator_id(6), "version": V1 })
    );
    node.state.wait_for_jobs().await;
    let url = format!(
        "/taxii2/default/status/{}/",
        pending["id"].as_str().unwrap()
    );
    let complete = node.get(&analyst, &url).await.json();
    assert_eq!(complete["status"], "complete");
    assert_eq!(complete["success_count"], 5);
    assert_eq!(complete["failure_count"], 1);
    assert_eq!(complete["pending_count"], 0);
    assert_eq!(complete.get("pendings"), None);
    assert_eq!(complete["request_timestamp"], pending["request_timestamp"]);
    let stored = node.get(&analyst, &objects_url(&node.open)).await;
    assert_eq!(stored.object_versions().len(), 5);
}

#[tokio::test]
async fn statuses_a_stopped_server_left_pending_are_completed_at_start() {
    let node = Node::new().await;
    let analyst = node.analyst();
    let id = uuid::Uuid::new_v4();
    let pending = store::StatusRecord {
        id,
        api_root: "default".to_owned(),
        owner: Some(analyst.participant.to_string()),
        request_timestamp: stix::StixTimestamp::parse("2024-05-01T11:00:00Z").unwrap(),
        state: store::StatusState::Pending,
        total_count: 1,
        successes: Vec::new(),
        failures: Vec::new(),
        pendings: vec![store::StatusDetail {
            id: indicator_id(1),
            version: V1.to_owned(),
            message: None,
        }],
    };
    store::StatusStore::put_status(node.state.store(), &pending)
        .await
        .unwrap();
    assert_eq!(node.state.recover_interrupted_statuses().await.unwrap(), 1);
    let status = node
        .get(&analyst, &format!("/taxii2/default/status/{id}/"))
        .await
        .json();
    assert_eq!(status["status"], "complete");
    assert_eq!(status["failure_count"], 1);
    assert!(
        status["failures"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the server stopped before storing it")
    );
}

#[tokio::test]
async fn objects_shared_elsewhere_obey_the_onward_sharing_policy() {
    let node = Node::new().await;
    let store = node.state.store();
    let participant = |name: &str| NewParticipant {
        name: name.to_owned(),
        country: Country::parse("FR").unwrap(),
        kind: ParticipantKind::Government,
        identity: None,
    };
    let a = store.create_participant(&participant("A")).await.unwrap();
    let b = store.create_participant(&participant("B")).await.unwrap();
    let grant = |participant: &store::Participant| Grant {
        participant: participant.id,
        read: true,
        write: true,
    };
    store
        .set_collection_access(
            node.open.id,
            &CollectionAccess {
                read_all: false,
                grants: vec![grant(&a)],
            },
        )
        .await
        .unwrap();
    store
        .set_collection_access(
            node.second.id,
            &CollectionAccess {
                read_all: false,
                grants: vec![grant(&a), grant(&b)],
            },
        )
        .await
        .unwrap();
    let clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
    node.add(
        &node.open,
        &[
            indicator(1, V1, json!({})),
            indicator(2, V1, json!({ "object_marking_refs": [clear] })),
        ],
    )
    .await;
    let analyst = node.analyst();
    let status = node
        .post(
            &analyst,
            &node.second,
            &[
                indicator(1, V1, json!({})),
                indicator(2, V1, json!({ "object_marking_refs": [clear] })),
                indicator(3, V1, json!({})),
            ],
        )
        .await
        .json();
    assert_eq!(status["success_count"], 2, "{status}");
    assert_eq!(status["failures"][0]["id"], indicator_id(1));
    let message = status["failures"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("not shared onward: TLP:AMBER may not be shared with 1 participant who did not receive it"),
        "{message}"
    );
    let stored = node.get(&analyst, &objects_url(&node.second)).await;
    assert_eq!(stored.object_versions().len(), 2);
}
