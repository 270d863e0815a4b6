//! The sharing policy as a property: for random participants, users, collections, grants,
//! markings and TLP:RED recipients, every principal receives through every read path exactly
//! the objects the policy allows (never one it forbids, always every one it allows).
//!
//! The oracle is written here from the policy's words, independently of the code under test:
//! a principal may read an object when its participant is granted read on the object's
//! collection (or the collection is readable by all), and, for TLP:RED, when its own or its
//! participant's identity is a named recipient. Roles do not widen reads.
//!
//! Read paths checked: the store's `objects`, `manifest` and `count` under the principal's
//! scope as authentication resolves it; `whoami`; and over HTTP with a Bearer token, TAXII's
//! collections, objects, one object, object versions and manifest endpoints.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use proptest::prelude::*;
use serde_json::Value;
use stix::StixObject;
use store::{AddOptions, NewObject, ObjectQuery, Store, VersionMatch};

use crate::support::{Answer, Auth, Node};

const TAXII: &str = "application/taxii+json;version=2.1";

/// A marking an object may carry: none (the node default, AMBER), TLP 2.0 or TLP 1.0 ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marking {
    None,
    Clear,
    White1,
    Green,
    Green1,
    Amber,
    Amber1,
    AmberStrict,
    Red,
    Red1,
}

impl Marking {
    fn marking_ref(self) -> Option<&'static str> {
        Some(match self {
            Self::None => return None,
            Self::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Self::White1 => "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
            Self::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Self::Green1 => "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
            Self::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Self::Amber1 => "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
            Self::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Self::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
            Self::Red1 => "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        })
    }

    fn is_red(self) -> bool {
        matches!(self, Self::Red | Self::Red1)
    }
}

/// Who a TLP:RED object names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recipient {
    /// The n-th user of the m-th participant (modulo what exists).
    User(usize, usize),
    /// The m-th participant's identity.
    Participant(usize),
    /// An identity nobody holds.
    Stranger,
}

#[derive(Debug, Clone)]
struct World {
    /// Per participant, the roles of its users.
    participants: Vec<Vec<&'static str>>,
    /// Per collection: readable by all, and per participant (read, write).
    collections: Vec<(bool, Vec<(bool, bool)>)>,
    /// Per object: its collection, marking, recipients, and whether it gets a second version.
    objects: Vec<(usize, Marking, Vec<Recipient>, bool)>,
}

fn marking() -> impl Strategy<Value = Marking> {
    prop_oneof![
        Just(Marking::None),
        Just(Marking::Clear),
        Just(Marking::White1),
        Just(Marking::Green),
        Just(Marking::Green1),
        Just(Marking::Amber),
        Just(Marking::Amber1),
        Just(Marking::AmberStrict),
        Just(Marking::Red),
        Just(Marking::Red),
        Just(Marking::Red1),
    ]
}

fn recipient() -> impl Strategy<Value = Recipient> {
    prop_oneof![
        (0..3usize, 0..2usize).prop_map(|(p, u)| Recipient::User(p, u)),
        (0..3usize).prop_map(Recipient::Participant),
        Just(Recipient::Stranger),
    ]
}

fn world() -> impl Strategy<Value = World> {
    let role = prop_oneof![Just("admin"), Just("analyst"), Just("reader"), Just("sync")];
    (1..=3usize, 1..=3usize)
        .prop_flat_map(move |(n_participants, n_collections)| {
            (
                prop::collection::vec(prop::collection::vec(role.clone(), 1..=2), n_participants),
                prop::collection::vec(
                    (
                        prop::bool::weighted(0.2),
                        prop::collection::vec(
                            (prop::bool::weighted(0.5), prop::bool::weighted(0.3)),
                            n_participants,
                        ),
                    ),
                    n_collections,
                ),
                prop::collection::vec(
                    (
                        0..n_collections,
                        marking(),
                        prop::collection::vec(recipient(), 0..3),
                        prop::bool::weighted(0.3),
                    ),
                    1..=8,
                ),
            )
        })
        .prop_map(|(participants, collections, objects)| World {
            participants,
            collections,
            objects,
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn every_principal_receives_exactly_what_the_policy_allows(world in world()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            check(Node::new().await, &world).await;
            // The same world on PostgreSQL, when the test database is configured.
            if let Some(node) = Node::postgres().await {
                check(node, &world).await;
            }
        });
    }
}

/// A user as the test knows it.
struct Person {
    name: String,
    role: &'static str,
    participant: usize,
    identity: String,
    token: String,
}

async fn check(node: Node, world: &World) {
    let mut participant_identities = Vec::new();
    let mut people: Vec<Person> = Vec::new();
    for (p, roles) in world.participants.iter().enumerate() {
        let participant = node
            .participant(&format!("P{p}"), ["FR", "DE", "GB"][p % 3], "government")
            .await;
        participant_identities.push(participant.identity.as_str().to_owned());
        for (u, role) in roles.iter().enumerate() {
            let name = format!("p{p}u{u}");
            let user = node.user(&name, &format!("P{p}"), role, None).await;
            people.push(Person {
                role,
                token: node.token(&name).await,
                name,
                participant: p,
                identity: user.identity.as_str().to_owned(),
            });
        }
    }
    let mut collections = Vec::new();
    for (c, (read_all, grants)) in world.collections.iter().enumerate() {
        let named = |wanted: fn(&(bool, bool)) -> bool| -> Vec<String> {
            grants
                .iter()
                .enumerate()
                .filter(|(_, grant)| wanted(grant))
                .map(|(p, _)| format!("P{p}"))
                .collect()
        };
        let (collection, _) = server::admin::create_collection(
            node.store(),
            &server::admin::CollectionRequest {
                title: format!("C{c}"),
                api_root: None,
                alias: None,
                description: None,
                access: server::admin::AccessRequest {
                    read_all: *read_all,
                    read: named(|grant| grant.0),
                    write: named(|grant| grant.1),
                },
            },
        )
        .await
        .unwrap();
        collections.push(collection);
    }

    // Objects, with the expected readers of each: (collection index, id) -> versions.
    let mut placed: Vec<(usize, String, usize)> = Vec::new();
    let mut readers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (n, (c, marking, recipients, two_versions)) in world.objects.iter().enumerate() {
        let recipients: Vec<String> = recipients
            .iter()
            .filter_map(|recipient| match *recipient {
                Recipient::User(p, u) => people
                    .iter()
                    .filter(|person| person.participant == p % world.participants.len())
                    .nth(u)
                    .map(|person| person.identity.clone()),
                Recipient::Participant(p) => {
                    Some(participant_identities[p % participant_identities.len()].clone())
                }
                Recipient::Stranger => {
                    Some("identity--99999999-9999-4999-8999-999999999999".to_owned())
                }
            })
            .collect();
        let id = format!("indicator--00000000-0000-4000-8000-{n:012x}");
        let n_versions = if *two_versions { 2 } else { 1 };
        let objects: Vec<NewObject> = (0..n_versions)
            .map(|version| NewObject::from(indicator(&id, version, *marking, &recipients)))
            .collect();
        node.store()
            .add_objects(&collections[*c], &objects, &AddOptions::default())
            .await
            .unwrap();
        let (read_all, grants) = &world.collections[*c];
        for person in &people {
            let granted = *read_all || grants[person.participant].0;
            let named = recipients.contains(&person.identity)
                || recipients.contains(&participant_identities[person.participant]);
            if granted && (!marking.is_red() || named) {
                readers
                    .entry(person.name.clone())
                    .or_default()
                    .insert(id.clone());
            }
        }
        placed.push((*c, id, n_versions));
    }

    for person in &people {
        let allowed = readers.get(&person.name).cloned().unwrap_or_default();
        let auth = Auth::Bearer(person.token.clone());
        let readable: BTreeSet<String> = world
            .collections
            .iter()
            .enumerate()
            .filter(|(_, (read_all, grants))| *read_all || grants[person.participant].0)
            .map(|(c, _)| collections[c].id.to_string())
            .collect();
        let writable: BTreeSet<String> = world
            .collections
            .iter()
            .enumerate()
            .filter(|(_, (_, grants))| grants[person.participant].1 && person.role != "reader")
            .map(|(c, _)| collections[c].id.to_string())
            .collect();

        // whoami: the readable collections, resolved at authentication.
        let whoami = node.get("/api/v1/whoami", &auth).await.json();
        let seen: BTreeSet<String> = strings(&whoami["readable"]);
        assert_eq!(seen, readable, "{}: readable collections", person.name);

        // The store, under the scope authentication gives this principal.
        let user = store::Accounts::user(node.store(), &person.name)
            .await
            .unwrap()
            .unwrap();
        let principal = server::auth::principal_of(&node.state, user).await.unwrap();
        let scope = principal.scope();
        let everything = ObjectQuery {
            versions: vec![VersionMatch::All],
            ..ObjectQuery::all_collections()
        };
        let page = node.store().objects(&scope, &everything).await.unwrap();
        let ids: BTreeSet<String> = page
            .items
            .iter()
            .map(|object| object.entry.id.to_string())
            .collect();
        assert_eq!(ids, allowed, "{}: store objects", person.name);
        let n_versions: usize = placed
            .iter()
            .filter(|(_, id, _)| allowed.contains(id))
            .map(|(_, _, n)| n)
            .sum();
        assert_eq!(
            page.items.len(),
            n_versions,
            "{}: every version",
            person.name
        );
        let manifest = node.store().manifest(&scope, &everything).await.unwrap();
        assert_eq!(
            manifest.items.len(),
            n_versions,
            "{}: store manifest",
            person.name
        );
        assert_eq!(
            node.store().count(&scope, &everything).await.unwrap(),
            n_versions as u64,
            "{}: store count",
            person.name
        );

        // TAXII: the collections listed are those the principal may read or write.
        let listed = taxii_get(&node, "/taxii2/default/collections/", &auth).await;
        assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
        let listed_ids: BTreeSet<String> = listed.json()["collections"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|c| c["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let visible: BTreeSet<String> = readable.union(&writable).cloned().collect();
        assert_eq!(listed_ids, visible, "{}: TAXII collections", person.name);

        for (c, collection) in collections.iter().enumerate() {
            let base = format!("/taxii2/default/collections/{}", collection.id);
            let can_read = readable.contains(&collection.id.to_string());
            let in_collection: BTreeSet<String> = placed
                .iter()
                .filter(|(at, id, _)| *at == c && allowed.contains(id))
                .map(|(_, id, _)| id.clone())
                .collect();
            for path in [format!("{base}/objects/"), format!("{base}/manifest/")] {
                let answer = taxii_get(&node, &path, &auth).await;
                if !can_read {
                    assert!(
                        matches!(answer.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                        "{} may not read {path}: {answer:?}",
                        person.name
                    );
                    continue;
                }
                assert_eq!(answer.status, StatusCode::OK, "{path}: {answer:?}");
                let body = answer.json();
                let list = body.get("objects").unwrap_or(&Value::Null);
                let got: BTreeSet<String> = list
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .map(|item| item["id"].as_str().unwrap().to_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(got, in_collection, "{}: {path}", person.name);
            }
            for (at, id, n_versions) in placed.iter().filter(|(at, _, _)| *at == c) {
                let expect_visible = can_read && allowed.contains(id);
                for path in [
                    format!("{base}/objects/{id}/"),
                    format!("{base}/objects/{id}/versions/"),
                ] {
                    let answer = taxii_get(&node, &path, &auth).await;
                    if expect_visible {
                        assert_eq!(
                            answer.status,
                            StatusCode::OK,
                            "{}: {path}: {answer:?}",
                            person.name
                        );
                        let body = answer.json();
                        let count = body
                            .get("objects")
                            .or_else(|| body.get("versions"))
                            .and_then(Value::as_array)
                            .map_or(0, Vec::len);
                        let expected = if path.ends_with("/versions/") {
                            *n_versions
                        } else {
                            1
                        };
                        assert_eq!(count, expected, "{}: {path}: {body}", person.name);
                    } else {
                        assert!(
                            matches!(answer.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                            "{} must not receive {id} (collection C{at}): {path}: {answer:?}",
                            person.name
                        );
                        assert!(
                            !String::from_utf8_lossy(&answer.body).contains("\"pattern\""),
                            "no object content in a refusal"
                        );
                    }
                }
            }
        }
    }
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

async fn taxii_get(node: &Node, path: &str, auth: &Auth) -> Answer {
    let Auth::Bearer(token) = auth else {
        unreachable!("the property test uses tokens")
    };
    let request = Request::builder()
        .uri(path)
        .header(header::ACCEPT, TAXII)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    node.send(request).await
}

fn indicator(id: &str, version: usize, marking: Marking, recipients: &[String]) -> StixObject {
    let mut value = serde_json::json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": id,
        "created": "2020-01-01T00:00:00.000Z",
        "modified": format!("2020-01-0{}T00:00:00.000Z", version + 1),
        "pattern": "[domain-name:value = 'example.com']",
        "pattern_type": "stix",
        "valid_from": "2020-01-01T00:00:00Z",
    });
    if let Some(marking_ref) = marking.marking_ref() {
        value["object_marking_refs"] = serde_json::json!([marking_ref]);
    }
    if !recipients.is_empty() {
        value["x_phalanx_recipients"] = serde_json::json!(recipients);
    }
    StixObject::from_value(value).unwrap()
}
