//! Conformance of [`Accounts`] (participants, users, tokens, grants) and of the
//! onward-sharing check, on SQLite always and PostgreSQL when configured.

use policy::{Country, ParticipantKind, Role, Tlp};
use stix::StixTimestamp;
use store::{
    Accounts, AddOptions, CollectionAccess, Error, Grant, NewCollection, NewParticipant, NewToken,
    NewUser, Participant, Store,
};

use crate::fixtures::{self, indicator, new_objects};

macro_rules! accounts_conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = crate::fixtures::sqlite().await;
                    super::$case(&store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(store) = crate::fixtures::postgres().await else { return };
                    super::$case(&store).await;
                }
            )*
        }
    };
}

accounts_conformance!(
    participants_and_users_are_unique_and_read_back,
    tokens_are_stored_hashed_revoked_once_and_listed,
    grants_resolve_per_participant_and_read_all,
    placements_find_every_collection_of_a_version,
    onward_sharing_follows_tlp,
    deleting_a_participant_removes_its_users_tokens_and_grants,
);

async fn participant<S: Accounts>(store: &S, name: &str) -> Participant {
    store
        .create_participant(&NewParticipant {
            name: name.to_owned(),
            country: Country::parse("FR").unwrap(),
            kind: ParticipantKind::Government,
            identity: None,
        })
        .await
        .unwrap()
}

async fn participants_and_users_are_unique_and_read_back<S: Accounts>(store: &S) {
    let cert = store
        .create_participant(&NewParticipant {
            name: "CERT-FR".to_owned(),
            country: Country::parse("fr").unwrap(),
            kind: ParticipantKind::Government,
            identity: Some(fixtures::identity(7)),
        })
        .await
        .unwrap();
    assert_eq!(cert.identity, fixtures::identity(7));
    assert_eq!(cert.country.as_str(), "FR");
    let taken = store
        .create_participant(&NewParticipant {
            name: "CERT-FR".to_owned(),
            country: Country::parse("DE").unwrap(),
            kind: ParticipantKind::Hub,
            identity: None,
        })
        .await;
    assert!(
        matches!(taken, Err(Error::AlreadyExists { .. })),
        "{taken:?}"
    );
    assert_eq!(
        store.participant("CERT-FR").await.unwrap(),
        Some(cert.clone())
    );
    assert_eq!(
        store.participant(&cert.id.to_string()).await.unwrap(),
        Some(cert.clone())
    );
    assert_eq!(store.participant("nobody").await.unwrap(), None);

    let alice = store
        .create_user(&NewUser {
            name: "alice".to_owned(),
            participant: cert.id,
            role: Role::Analyst,
            identity: None,
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
        })
        .await
        .unwrap();
    assert_eq!(alice.participant_name, "CERT-FR");
    assert!(alice.has_password);
    assert_ne!(alice.identity, cert.identity);
    let (read, hash) = store.user_credentials("alice").await.unwrap().unwrap();
    assert_eq!(read, alice);
    assert!(hash.unwrap().starts_with("$argon2id$"));
    let taken = store
        .create_user(&NewUser {
            name: "alice".to_owned(),
            participant: cert.id,
            role: Role::Reader,
            identity: None,
            password_hash: None,
        })
        .await;
    assert!(
        matches!(taken, Err(Error::AlreadyExists { .. })),
        "{taken:?}"
    );
    let orphan = store
        .create_user(&NewUser {
            name: "bob".to_owned(),
            participant: policy::ParticipantId::new_v4(),
            role: Role::Reader,
            identity: None,
            password_hash: None,
        })
        .await;
    assert!(matches!(orphan, Err(Error::Invalid { .. })), "{orphan:?}");
    assert!(store.set_role("alice", Role::Reader).await.unwrap());
    assert!(store.set_password_hash("alice", None).await.unwrap());
    let alice = store.user("alice").await.unwrap().unwrap();
    assert_eq!(alice.role, Role::Reader);
    assert!(!alice.has_password);
    assert!(!store.set_role("nobody", Role::Admin).await.unwrap());
    assert_eq!(store.users().await.unwrap().len(), 1);
}

async fn tokens_are_stored_hashed_revoked_once_and_listed<S: Accounts>(store: &S) {
    let cert = participant(store, "CERT-FR").await;
    store
        .create_user(&NewUser {
            name: "bot".to_owned(),
            participant: cert.id,
            role: Role::Sync,
            identity: None,
            password_hash: None,
        })
        .await
        .unwrap();
    let created = StixTimestamp::parse("2026-01-01T00:00:00Z").unwrap();
    let token = store
        .create_token(&NewToken {
            id: uuid::Uuid::new_v4(),
            user: "bot".to_owned(),
            prefix: "0123456789abcdef".to_owned(),
            token_hash: "ab".repeat(32),
            label: Some("connector".to_owned()),
            created,
            expires: Some(StixTimestamp::parse("2026-04-01T00:00:00Z").unwrap()),
        })
        .await
        .unwrap();
    assert_eq!(token.user, "bot");
    assert_eq!(token.created, created);
    let record = store
        .token_by_prefix("0123456789abcdef")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.token_hash, "ab".repeat(32));
    assert_eq!(
        store.token_by_prefix("ffffffffffffffff").await.unwrap(),
        None
    );
    let orphan = store
        .create_token(&NewToken {
            id: uuid::Uuid::new_v4(),
            user: "nobody".to_owned(),
            prefix: "1123456789abcdef".to_owned(),
            token_hash: "cd".repeat(32),
            label: None,
            created,
            expires: None,
        })
        .await;
    assert!(matches!(orphan, Err(Error::Invalid { .. })), "{orphan:?}");

    let used = StixTimestamp::parse("2026-01-02T00:00:00Z").unwrap();
    store.touch_token(token.id, used).await.unwrap();
    let first = StixTimestamp::parse("2026-01-03T00:00:00Z").unwrap();
    let revoked = store
        .revoke_token("0123456789abcdef", first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoked.revoked, Some(first));
    assert_eq!(revoked.last_used, Some(used));
    let again = store
        .revoke_token(&token.id.to_string(), used)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        again.revoked,
        Some(first),
        "the first revocation time is kept"
    );
    assert_eq!(store.revoke_token("nothing", used).await.unwrap(), None);
    assert_eq!(store.tokens(Some("bot")).await.unwrap().len(), 1);
    assert_eq!(store.tokens(None).await.unwrap().len(), 1);
    assert!(store.tokens(Some("alice")).await.unwrap().is_empty());
}

async fn grants_resolve_per_participant_and_read_all<S: Accounts + Store>(store: &S) {
    let cert = participant(store, "CERT-FR").await;
    let other = participant(store, "CERT-DE").await;
    store.default_collection().await.unwrap();
    let shared = store
        .create_collection(&NewCollection::new("default", "shared"))
        .await
        .unwrap();
    let public = store
        .create_collection(&NewCollection::new("default", "everyone"))
        .await
        .unwrap();
    assert_eq!(
        store.collection_access(shared.id).await.unwrap(),
        CollectionAccess::default(),
        "nothing granted: nobody reads"
    );
    store
        .set_collection_access(
            shared.id,
            &CollectionAccess {
                read_all: false,
                grants: vec![
                    Grant {
                        participant: cert.id,
                        read: true,
                        write: true,
                    },
                    Grant {
                        participant: other.id,
                        read: true,
                        write: false,
                    },
                ],
            },
        )
        .await
        .unwrap();
    store
        .set_collection_access(
            public.id,
            &CollectionAccess {
                read_all: true,
                grants: Vec::new(),
            },
        )
        .await
        .unwrap();
    let grants = store.participant_grants(cert.id).await.unwrap();
    assert_eq!(
        grants.readable,
        [shared.id, public.id].into_iter().collect()
    );
    assert_eq!(grants.writable, [shared.id].into_iter().collect());
    let grants = store.participant_grants(other.id).await.unwrap();
    assert_eq!(
        grants.readable,
        [shared.id, public.id].into_iter().collect()
    );
    assert!(grants.writable.is_empty());

    // Replacing the access replaces every grant.
    store
        .set_collection_access(
            shared.id,
            &CollectionAccess {
                read_all: false,
                grants: vec![Grant {
                    participant: other.id,
                    read: true,
                    write: true,
                }],
            },
        )
        .await
        .unwrap();
    let grants = store.participant_grants(cert.id).await.unwrap();
    assert_eq!(grants.readable, [public.id].into_iter().collect());
    let unknown = store
        .set_collection_access(
            shared.id,
            &CollectionAccess {
                read_all: false,
                grants: vec![Grant {
                    participant: policy::ParticipantId::new_v4(),
                    read: true,
                    write: false,
                }],
            },
        )
        .await;
    assert!(matches!(unknown, Err(Error::Invalid { .. })), "{unknown:?}");
    let missing = store
        .set_collection_access(policy::CollectionId::new_v4(), &CollectionAccess::default())
        .await;
    assert!(
        matches!(missing, Err(Error::CollectionNotFound { .. })),
        "{missing:?}"
    );
}

async fn placements_find_every_collection_of_a_version<S: Accounts + Store>(store: &S) {
    let first = store.default_collection().await.unwrap();
    let second = store
        .create_collection(&NewCollection::new("default", "second"))
        .await
        .unwrap();
    let v1 = indicator(1, "2020-01-01T00:00:00.000Z", "");
    let v2 = indicator(1, "2020-02-01T00:00:00.000Z", fixtures::RED);
    for collection in [&first, &second] {
        store
            .add_objects(
                collection,
                &new_objects([v1.clone()]),
                &AddOptions::default(),
            )
            .await
            .unwrap();
    }
    store
        .add_objects(&second, &new_objects([v2.clone()]), &AddOptions::default())
        .await
        .unwrap();
    let placements = store.placements(&[v1.id().clone()]).await.unwrap();
    let mut seen: Vec<(String, String, Tlp)> = placements
        .iter()
        .map(|p| (p.version.to_string(), p.collection.to_string(), p.tlp))
        .collect();
    seen.sort();
    let mut expected = vec![
        (
            "2020-01-01T00:00:00.000000Z".to_owned(),
            first.id.to_string(),
            Tlp::Amber,
        ),
        (
            "2020-01-01T00:00:00.000000Z".to_owned(),
            second.id.to_string(),
            Tlp::Amber,
        ),
        (
            "2020-02-01T00:00:00.000000Z".to_owned(),
            second.id.to_string(),
            Tlp::Red,
        ),
    ];
    expected.sort();
    assert_eq!(seen, expected);
    assert!(
        store
            .placements(&[fixtures::identity(1)])
            .await
            .unwrap()
            .is_empty()
    );
}

async fn onward_sharing_follows_tlp<S: Accounts + Store>(store: &S) {
    let fr = participant(store, "CERT-FR").await;
    let de = participant(store, "CERT-DE").await;
    let source = store.default_collection().await.unwrap();
    let target = store
        .create_collection(&NewCollection::new("default", "target"))
        .await
        .unwrap();
    let readers = |ids: &[policy::ParticipantId]| CollectionAccess {
        read_all: false,
        grants: ids
            .iter()
            .map(|&participant| Grant {
                participant,
                read: true,
                write: false,
            })
            .collect(),
    };
    store
        .set_collection_access(source.id, &readers(&[fr.id]))
        .await
        .unwrap();
    store
        .set_collection_access(target.id, &readers(&[fr.id, de.id]))
        .await
        .unwrap();
    const CLEAR: &str =
        r#","object_marking_refs":["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]"#;
    let clear = indicator(1, "2020-01-01T00:00:00.000Z", CLEAR);
    let green = indicator(2, "2020-01-01T00:00:00.000Z", fixtures::GREEN_V1);
    let unmarked = indicator(3, "2020-01-01T00:00:00.000Z", "");
    let red = indicator(4, "2020-01-01T00:00:00.000Z", fixtures::RED);
    let new = indicator(5, "2020-01-01T00:00:00.000Z", "");
    store
        .add_objects(
            &source,
            &new_objects([clear.clone(), green.clone(), unmarked.clone(), red.clone()]),
            &AddOptions::default(),
        )
        .await
        .unwrap();
    let objects = [clear, green, unmarked.clone(), red, new];
    let refusals = store::onward_sharing_refusals(store, target.id, &objects, Tlp::Amber)
        .await
        .unwrap();
    let refused: Vec<(usize, Tlp)> = refusals.iter().map(|r| (r.index, r.refusal.tlp)).collect();
    assert_eq!(
        refused,
        [(2, Tlp::Amber), (3, Tlp::Red)],
        "unmarked counts as the node default (AMBER) and goes to a new participant; RED never travels; a new object is a first publication"
    );
    // Into the collection it already lives in, nothing leaves.
    assert!(
        store::onward_sharing_refusals(store, source.id, &objects, Tlp::Amber)
            .await
            .unwrap()
            .iter()
            .all(|r| r.index == 4 || r.refusal.tlp != Tlp::Amber)
    );
    // AMBER may go to a collection whose readers all received it already.
    store
        .set_collection_access(target.id, &readers(&[fr.id]))
        .await
        .unwrap();
    let refusals = store::onward_sharing_refusals(store, target.id, &[unmarked], Tlp::Amber)
        .await
        .unwrap();
    assert!(refusals.is_empty(), "{refusals:?}");
    // Widening the source's readers would send its AMBER object to CERT-DE.
    let widened = store::widening_refusals(
        store,
        source.id,
        &readers(&[fr.id]),
        &readers(&[fr.id, de.id]),
    )
    .await
    .unwrap()
    .expect("the AMBER object may not reach CERT-DE");
    assert_eq!(widened.n_versions, 1);
    assert_eq!(widened.refusal.tlp, Tlp::Amber);
    let narrowed = store::widening_refusals(store, source.id, &readers(&[fr.id]), &readers(&[]))
        .await
        .unwrap();
    assert_eq!(narrowed, None);
}

async fn deleting_a_participant_removes_its_users_tokens_and_grants<S: Accounts + Store>(
    store: &S,
) {
    let cert = participant(store, "CERT-FR").await;
    store
        .create_user(&NewUser {
            name: "alice".to_owned(),
            participant: cert.id,
            role: Role::Admin,
            identity: None,
            password_hash: None,
        })
        .await
        .unwrap();
    store
        .create_token(&NewToken {
            id: uuid::Uuid::new_v4(),
            user: "alice".to_owned(),
            prefix: "0123456789abcdef".to_owned(),
            token_hash: "ab".repeat(32),
            label: None,
            created: StixTimestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            expires: None,
        })
        .await
        .unwrap();
    let collection = store.default_collection().await.unwrap();
    store
        .set_collection_access(
            collection.id,
            &CollectionAccess {
                read_all: false,
                grants: vec![Grant {
                    participant: cert.id,
                    read: true,
                    write: true,
                }],
            },
        )
        .await
        .unwrap();
    assert!(store.delete_participant(cert.id).await.unwrap());
    assert!(!store.delete_participant(cert.id).await.unwrap());
    assert_eq!(store.user("alice").await.unwrap(), None);
    assert_eq!(
        store.token_by_prefix("0123456789abcdef").await.unwrap(),
        None
    );
    assert!(
        store
            .collection_access(collection.id)
            .await
            .unwrap()
            .grants
            .is_empty()
    );
}
