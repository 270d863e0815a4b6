//! The store conformance suite: every case is generic over [`Store`] and runs once per
//! backend (PostgreSQL only when `PHALANX_TEST_DATABASE_URL` is set).

use std::ops::ControlFlow;

use policy::{AccessScope, CollectionId, Tlp};
use serde_json::Value;
use stix::{StixId, StixTimestamp};
use store::{
    AddOptions, AnyStore, ApiRoot, Collection, Error, LookupValue, NewCollection, NewObject,
    ObjectQuery, OutcomeStatus, Store, VersionMatch, WriteMode,
};

use crate::fixtures::{self, GREEN_V1, RED, domain, identity, indicator, new_objects};

macro_rules! conformance {
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

conformance!(
    default_collection_is_created_once,
    collections_are_named_by_id_alias_or_title,
    stored_objects_read_back_json_equal,
    readding_an_identical_version_is_already_present,
    conflict_stores_nothing_in_all_or_nothing_mode,
    conflict_skips_only_that_object_in_per_object_mode,
    observables_are_versioned_by_date_added,
    date_added_strictly_increases_and_paging_is_stable,
    version_filters_select_first_last_all_and_exact,
    spec_version_filter_defaults_to_latest,
    id_type_and_added_after_filters,
    deletes_all_or_matching_versions_with_side_tables,
    scope_hides_unreadable_collections_everywhere,
    scope_shows_red_only_to_named_recipients,
    hidden_latest_version_does_not_shadow_the_visible_one,
    lookup_finds_observable_and_caller_values,
    lookup_finds_objects_by_external_id_in_scope,
    stats_count_objects_versions_and_bytes,
    tlp_is_the_most_restrictive_marking_or_the_default,
    json_pages_join_what_objects_returns,
);

fn all() -> AccessScope {
    AccessScope::unrestricted()
}

fn ts(text: &str) -> StixTimestamp {
    StixTimestamp::parse(text).unwrap()
}

async fn add<S: Store>(store: &S, collection: &Collection, objects: Vec<NewObject>) {
    let report = store
        .add_objects(collection, &objects, &AddOptions::default())
        .await
        .unwrap();
    assert!(report.committed, "{report:?}");
    assert_eq!(report.n_conflicts(), 0, "{report:?}");
}

async fn ids_of<S: Store>(store: &S, scope: &AccessScope, query: &ObjectQuery) -> Vec<String> {
    let page = store.objects(scope, query).await.unwrap();
    page.items
        .iter()
        .map(|object| format!("{}@{}", object.entry.id, object.entry.version))
        .collect()
}

async fn second_collection<S: Store>(store: &S, title: &str) -> Collection {
    store.default_collection().await.unwrap();
    store
        .create_collection(&NewCollection::new("default", title))
        .await
        .unwrap()
}

async fn default_collection_is_created_once<S: Store>(store: &S) {
    let first = store.default_collection().await.unwrap();
    let again = store.default_collection().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first.alias.as_deref(), Some("default"));
    assert_eq!(first.api_root, "default");
    let roots = store.api_roots().await.unwrap();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0].name, "default");
    assert_eq!(store.collections().await.unwrap().len(), 1);
}

async fn collections_are_named_by_id_alias_or_title<S: Store>(store: &S) {
    let default = store.default_collection().await.unwrap();
    let reports = store
        .create_collection(&NewCollection {
            alias: Some("reports".to_owned()),
            ..NewCollection::new("default", "Incident reports")
        })
        .await
        .unwrap();
    assert_eq!(store.resolve_collection("reports").await.unwrap(), reports);
    assert_eq!(
        store.resolve_collection("Incident reports").await.unwrap(),
        reports
    );
    assert_eq!(
        store
            .resolve_collection(&default.id.to_string())
            .await
            .unwrap(),
        default
    );
    let taken = store
        .create_collection(&NewCollection {
            alias: Some("reports".to_owned()),
            ..NewCollection::new("default", "Other")
        })
        .await;
    assert!(
        matches!(taken, Err(Error::AlreadyExists { .. })),
        "{taken:?}"
    );
    let no_root = store
        .create_collection(&NewCollection::new("nowhere", "X"))
        .await;
    assert!(
        matches!(no_root, Err(Error::ApiRootNotFound { .. })),
        "{no_root:?}"
    );
    store
        .create_api_root(&ApiRoot {
            name: "trusted".to_owned(),
            title: "Trusted group".to_owned(),
            description: None,
        })
        .await
        .unwrap();
    let kept_id = CollectionId::new_v4();
    let imported = store
        .create_collection(&NewCollection {
            id: Some(kept_id),
            ..NewCollection::new("trusted", "Incident reports")
        })
        .await
        .unwrap();
    assert_eq!(imported.id, kept_id);
    let ambiguous = store.resolve_collection("Incident reports").await;
    assert!(
        matches!(
            ambiguous,
            Err(Error::AmbiguousCollection { n_matches: 2, .. })
        ),
        "{ambiguous:?}"
    );
    let missing = store.resolve_collection("nothing").await;
    assert!(matches!(missing, Err(Error::CollectionNotFound { .. })));
}

async fn stored_objects_read_back_json_equal<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let objects = vec![
        indicator(
            1,
            "2020-01-01T00:00:00.000Z",
            r#","x_custom":{"nested":[1,2.5,"é"]}"#,
        ),
        domain(2, "example.com"),
    ];
    add(store, &collection, new_objects(objects.clone())).await;
    let page = store
        .objects(&all(), &ObjectQuery::collection(collection.id))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.next, None);
    for (stored, original) in page.items.iter().zip(&objects) {
        let stored_value: Value = serde_json::from_str(&stored.json).unwrap();
        assert_eq!(stored_value, original.to_value());
        assert_eq!(&stored.entry.id, original.id());
        assert_eq!(stored.entry.collection, collection.id);
        assert_eq!(stored.entry.spec_version, "2.1");
        assert_eq!(
            stored.entry.media_type(),
            "application/stix+json;version=2.1"
        );
    }
    assert_eq!(page.items[0].entry.version, ts("2020-01-01T00:00:00Z"));
    assert_eq!(page.items[0].entry.object_type, "indicator");
    let manifest = store
        .manifest(&all(), &ObjectQuery::collection(collection.id))
        .await
        .unwrap();
    let entries: Vec<_> = page
        .items
        .iter()
        .map(|object| object.entry.clone())
        .collect();
    assert_eq!(manifest.items, entries);
    assert_eq!(
        store
            .count(&all(), &ObjectQuery::collection(collection.id))
            .await
            .unwrap(),
        2
    );
}

async fn readding_an_identical_version_is_already_present<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let objects = new_objects([
        indicator(1, "2020-01-01T00:00:00.000Z", ""),
        domain(2, "example.com"),
    ]);
    let first = store
        .add_objects(&collection, &objects, &AddOptions::default())
        .await
        .unwrap();
    assert_eq!(first.n_added(), 2);
    let again = store
        .add_objects(&collection, &objects, &AddOptions::default())
        .await
        .unwrap();
    assert_eq!((again.n_added(), again.n_already_present()), (0, 2));
    for (before, after) in first.outcomes.iter().zip(&again.outcomes) {
        let OutcomeStatus::Added { date_added } = &before.status else {
            panic!("{before:?}")
        };
        assert_eq!(
            after.status,
            OutcomeStatus::AlreadyPresent {
                date_added: *date_added
            }
        );
        assert_eq!(after.version, before.version);
    }
    // A repeat inside one write is stored once too.
    let twice = new_objects([
        indicator(3, "2020-01-01T00:00:00.000Z", ""),
        indicator(3, "2020-01-01T00:00:00.000Z", ""),
    ]);
    let report = store
        .add_objects(&collection, &twice, &AddOptions::default())
        .await
        .unwrap();
    assert_eq!((report.n_added(), report.n_already_present()), (1, 1));
    let query = ObjectQuery {
        versions: vec![VersionMatch::All],
        ..ObjectQuery::collection(collection.id)
    };
    assert_eq!(store.count(&all(), &query).await.unwrap(), 3);
}

async fn conflict_stores_nothing_in_all_or_nothing_mode<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    add(
        store,
        &collection,
        new_objects([indicator(1, "2020-01-01T00:00:00.000Z", "")]),
    )
    .await;
    let objects = new_objects([
        indicator(2, "2020-01-01T00:00:00.000Z", ""),
        indicator(1, "2020-01-01T00:00:00.000Z", r#","description":"changed""#),
        indicator(3, "2020-01-01T00:00:00.000Z", ""),
    ]);
    let report = store
        .add_objects(&collection, &objects, &AddOptions::default())
        .await
        .unwrap();
    assert!(!report.committed);
    let statuses: Vec<_> = report.outcomes.iter().map(|o| o.status.clone()).collect();
    assert_eq!(
        statuses,
        [
            OutcomeStatus::NotStored,
            OutcomeStatus::Conflict,
            OutcomeStatus::NotStored
        ]
    );
    assert_eq!(report.outcomes[1].id.as_str(), fixtures::id("indicator", 1));
    let query = ObjectQuery::collection(collection.id);
    assert_eq!(store.count(&all(), &query).await.unwrap(), 1);
    // The failed write took no date_added: the next one still follows the first.
    let next = new_objects([indicator(4, "2020-01-01T00:00:00.000Z", "")]);
    let report = store
        .add_objects(&collection, &next, &AddOptions::default())
        .await
        .unwrap();
    assert_eq!(report.n_added(), 1);
}

async fn conflict_skips_only_that_object_in_per_object_mode<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    add(
        store,
        &collection,
        new_objects([indicator(1, "2020-01-01T00:00:00.000Z", "")]),
    )
    .await;
    let objects = new_objects([
        indicator(1, "2020-01-01T00:00:00.000Z", r#","description":"changed""#),
        indicator(2, "2020-01-01T00:00:00.000Z", ""),
    ]);
    let options = AddOptions {
        mode: WriteMode::PerObject,
        ..AddOptions::default()
    };
    let report = store
        .add_objects(&collection, &objects, &options)
        .await
        .unwrap();
    assert!(report.committed);
    assert_eq!(report.outcomes[0].status, OutcomeStatus::Conflict);
    assert_eq!((report.n_added(), report.n_conflicts()), (1, 1));
    let ids = ids_of(store, &all(), &ObjectQuery::collection(collection.id)).await;
    assert_eq!(ids.len(), 2);
    let stored = store
        .objects(
            &all(),
            &ObjectQuery {
                ids: vec![StixId::parse(&fixtures::id("indicator", 1)).unwrap()],
                ..ObjectQuery::collection(collection.id)
            },
        )
        .await
        .unwrap();
    assert!(!stored.items[0].json.contains("changed"));
}

async fn observables_are_versioned_by_date_added<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let first = store
        .add_objects(
            &collection,
            &new_objects([domain(1, "example.com")]),
            &AddOptions::default(),
        )
        .await
        .unwrap();
    let OutcomeStatus::Added { date_added } = first.outcomes[0].status else {
        panic!("{first:?}")
    };
    assert_eq!(first.outcomes[0].version, Some(date_added));
    let same = store
        .add_objects(
            &collection,
            &new_objects([domain(1, "example.com")]),
            &AddOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(same.n_already_present(), 1);
    // Same id, different content: a new version, not a conflict.
    let changed = store
        .add_objects(
            &collection,
            &new_objects([domain(1, "example.org")]),
            &AddOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(changed.n_added(), 1);
    let versions = store
        .manifest(
            &all(),
            &ObjectQuery::versions_of(
                collection.id,
                StixId::parse(&fixtures::id("domain-name", 1)).unwrap(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(versions.items.len(), 2);
    for entry in &versions.items {
        assert_eq!(entry.version, entry.date_added);
    }
    let last = store
        .objects(&all(), &ObjectQuery::collection(collection.id))
        .await
        .unwrap();
    assert!(last.items[0].json.contains("example.org"));
}

async fn date_added_strictly_increases_and_paging_is_stable<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let other = second_collection(store, "Other").await;
    let bulk: Vec<_> = (0..2_500)
        .map(|n| indicator(n, "2020-01-01T00:00:00.000Z", ""))
        .collect();
    add(store, &collection, new_objects(bulk)).await;
    add(
        store,
        &other,
        new_objects([indicator(9_999, "2020-01-01T00:00:00.000Z", "")]),
    )
    .await;
    let mut query = ObjectQuery {
        limit: Some(100),
        ..ObjectQuery::collection(collection.id)
    };
    let mut seen = Vec::new();
    let mut last_date_added = None;
    let mut n_pages = 0;
    loop {
        let page = store.manifest(&all(), &query).await.unwrap();
        n_pages += 1;
        for entry in &page.items {
            assert!(
                Some(entry.date_added) > last_date_added,
                "not strictly increasing"
            );
            last_date_added = Some(entry.date_added);
            seen.push(entry.id.clone());
        }
        if n_pages == 5 {
            // Objects added while a client pages come after everything it has seen.
            add(
                store,
                &collection,
                new_objects([indicator(5_000, "2020-01-01T00:00:00.000Z", "")]),
            )
            .await;
        }
        match page.next {
            Some(cursor) => {
                // The cursor survives a round trip through its token.
                query.after = Some(store::Cursor::parse(&cursor.to_token()).unwrap());
            }
            None => break,
        }
    }
    assert_eq!(n_pages, 26);
    assert_eq!(seen.len(), 2_501);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 2_501, "a page repeated an object");
    assert_eq!(
        seen.last().unwrap().as_str(),
        fixtures::id("indicator", 5_000)
    );
    // The first page of an added_after query starts strictly after it.
    let after = ObjectQuery {
        added_after: Some(last_date_added.unwrap()),
        ..ObjectQuery::collection(collection.id)
    };
    assert_eq!(store.count(&all(), &after).await.unwrap(), 0);
    assert!(store::Cursor::parse("garbage").is_err());
}

async fn version_filters_select_first_last_all_and_exact<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    add(
        store,
        &collection,
        new_objects([
            indicator(1, "2020-01-02T00:00:00.000Z", ""),
            indicator(1, "2020-01-01T00:00:00.000Z", ""),
            indicator(2, "2020-01-01T00:00:00.000Z", ""),
        ]),
    )
    .await;
    add(
        store,
        &collection,
        new_objects([indicator(1, "2020-01-03T00:00:00.123456Z", "")]),
    )
    .await;
    let check = |versions: Vec<VersionMatch>, expected: &[&str]| {
        let query = ObjectQuery {
            versions,
            ..ObjectQuery::collection(collection.id)
        };
        let expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        async move {
            let mut got: Vec<String> = ids_of(store, &all(), &query)
                .await
                .into_iter()
                .map(|s| s.replace("00000000-0000-4000-8000-", ""))
                .collect();
            got.sort();
            assert_eq!(got, expected, "{:?}", query.versions);
        }
    };
    let v1 = "indicator--000000000001@2020-01-01T00:00:00.000000Z";
    let v2 = "indicator--000000000001@2020-01-02T00:00:00.000000Z";
    let v3 = "indicator--000000000001@2020-01-03T00:00:00.123456Z";
    let other = "indicator--000000000002@2020-01-01T00:00:00.000000Z";
    check(vec![VersionMatch::Last], &[v3, other]).await;
    check(vec![VersionMatch::First], &[v1, other]).await;
    check(vec![VersionMatch::All], &[v1, v2, v3, other]).await;
    check(vec![], &[v1, v2, v3, other]).await;
    check(
        vec![VersionMatch::First, VersionMatch::Last],
        &[v1, v3, other],
    )
    .await;
    check(vec![VersionMatch::At(ts("2020-01-02T00:00:00Z"))], &[v2]).await;
    check(
        vec![
            VersionMatch::At(ts("2020-01-03T00:00:00.123456Z")),
            VersionMatch::First,
        ],
        &[v1, v3, other],
    )
    .await;
    // The versions of one object, in date_added order (the order they were added).
    let versions = store
        .manifest(
            &all(),
            &ObjectQuery::versions_of(
                collection.id,
                StixId::parse(&fixtures::id("indicator", 1)).unwrap(),
            ),
        )
        .await
        .unwrap();
    let order: Vec<String> = versions
        .items
        .iter()
        .map(|entry| entry.version.to_string())
        .collect();
    assert_eq!(
        order,
        [
            "2020-01-02T00:00:00.000000Z",
            "2020-01-01T00:00:00.000000Z",
            "2020-01-03T00:00:00.123456Z"
        ]
    );
}

async fn spec_version_filter_defaults_to_latest<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    // A STIX 2.0 object (no spec_version of its own) and a later 2.1 version of it.
    let old = stix::StixObject::from_json(&format!(
        r#"{{"type":"x-thing","id":"{}","created":"2019-01-01T00:00:00.000Z","modified":"2019-01-01T00:00:00.000Z"}}"#,
        fixtures::id("x-thing", 1)
    ))
    .unwrap();
    let options = AddOptions {
        spec_version: Some("2.0".to_owned()),
        ..AddOptions::default()
    };
    let report = store
        .add_objects(&collection, &new_objects([old]), &options)
        .await
        .unwrap();
    assert_eq!(report.n_added(), 1);
    let new = stix::StixObject::from_json(&format!(
        r#"{{"type":"x-thing","spec_version":"2.1","id":"{}","created":"2019-01-01T00:00:00.000Z","modified":"2018-01-01T00:00:00.000Z"}}"#,
        fixtures::id("x-thing", 1)
    ))
    .unwrap();
    add(store, &collection, new_objects([new])).await;
    let query = |spec_versions: &[&str], versions| ObjectQuery {
        spec_versions: spec_versions.iter().map(|s| (*s).to_owned()).collect(),
        versions,
        ..ObjectQuery::collection(collection.id)
    };
    // Default: only the latest spec version of the object, even though its 2.0 version is
    // the later one.
    let latest = store
        .manifest(&all(), &query(&[], vec![VersionMatch::All]))
        .await
        .unwrap();
    assert_eq!(latest.items.len(), 1);
    assert_eq!(latest.items[0].spec_version, "2.1");
    let old_only = store
        .manifest(&all(), &query(&["2.0"], vec![VersionMatch::Last]))
        .await
        .unwrap();
    assert_eq!(old_only.items.len(), 1);
    assert_eq!(old_only.items[0].spec_version, "2.0");
    assert_eq!(
        old_only.items[0].media_type(),
        "application/stix+json;version=2.0"
    );
    let both = store
        .count(&all(), &query(&["2.0", "2.1"], vec![VersionMatch::All]))
        .await
        .unwrap();
    assert_eq!(both, 2);
    let last_of_both = store
        .manifest(&all(), &query(&["2.0", "2.1"], vec![VersionMatch::Last]))
        .await
        .unwrap();
    assert_eq!(last_of_both.items[0].spec_version, "2.0");
}

async fn id_type_and_added_after_filters<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let first = store
        .add_objects(
            &collection,
            &new_objects([
                indicator(1, "2020-01-01T00:00:00.000Z", ""),
                domain(2, "a.example"),
            ]),
            &AddOptions::default(),
        )
        .await
        .unwrap();
    let OutcomeStatus::Added { date_added } = first.outcomes[1].status else {
        panic!("{first:?}")
    };
    add(
        store,
        &collection,
        new_objects([indicator(3, "2020-01-01T00:00:00.000Z", "")]),
    )
    .await;
    let base = ObjectQuery::collection(collection.id);
    let by_type = ObjectQuery {
        types: vec!["indicator".to_owned()],
        ..base.clone()
    };
    assert_eq!(store.count(&all(), &by_type).await.unwrap(), 2);
    let by_types = ObjectQuery {
        types: vec!["indicator".to_owned(), "domain-name".to_owned()],
        ..base.clone()
    };
    assert_eq!(store.count(&all(), &by_types).await.unwrap(), 3);
    let by_id = ObjectQuery {
        ids: vec![StixId::parse(&fixtures::id("indicator", 3)).unwrap()],
        ..base.clone()
    };
    assert_eq!(store.count(&all(), &by_id).await.unwrap(), 1);
    let after = ObjectQuery {
        added_after: Some(date_added),
        ..base.clone()
    };
    let ids = ids_of(store, &all(), &after).await;
    assert_eq!(ids.len(), 1);
    assert!(ids[0].starts_with(&fixtures::id("indicator", 3)));
}

async fn deletes_all_or_matching_versions_with_side_tables<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    add(
        store,
        &collection,
        new_objects([
            indicator(1, "2020-01-01T00:00:00.000Z", ""),
            indicator(1, "2020-01-02T00:00:00.000Z", ""),
            indicator(1, "2020-01-03T00:00:00.000Z", ""),
            domain(2, "gone.example"),
        ]),
    )
    .await;
    let id1 = StixId::parse(&fixtures::id("indicator", 1)).unwrap();
    let one_version = ObjectQuery {
        ids: vec![id1.clone()],
        versions: vec![VersionMatch::At(ts("2020-01-02T00:00:00Z"))],
        ..ObjectQuery::collection(collection.id)
    };
    assert_eq!(store.delete_objects(&all(), &one_version).await.unwrap(), 1);
    let versions = ObjectQuery::versions_of(collection.id, id1.clone());
    assert_eq!(store.count(&all(), &versions).await.unwrap(), 2);
    let last = ObjectQuery {
        ids: vec![id1.clone()],
        ..ObjectQuery::collection(collection.id)
    };
    assert_eq!(store.delete_objects(&all(), &last).await.unwrap(), 1);
    assert_eq!(store.count(&all(), &versions).await.unwrap(), 1);
    assert_eq!(store.delete_objects(&all(), &versions).await.unwrap(), 1);
    assert_eq!(store.count(&all(), &versions).await.unwrap(), 0);
    let value = LookupValue::new("domain-name:value", "gone.example");
    assert_eq!(store.lookup(&all(), &value).await.unwrap().len(), 1);
    let domain_id = StixId::parse(&fixtures::id("domain-name", 2)).unwrap();
    let domain_query = ObjectQuery::versions_of(collection.id, domain_id);
    assert_eq!(
        store.delete_objects(&all(), &domain_query).await.unwrap(),
        1
    );
    assert!(store.lookup(&all(), &value).await.unwrap().is_empty());
    // Deleting what is not there deletes nothing.
    assert_eq!(
        store.delete_objects(&all(), &domain_query).await.unwrap(),
        0
    );
}

async fn scope_hides_unreadable_collections_everywhere<S: Store>(store: &S) {
    let open = store.default_collection().await.unwrap();
    let closed = second_collection(store, "Closed").await;
    add(store, &open, new_objects([domain(1, "open.example")])).await;
    add(store, &closed, new_objects([domain(2, "closed.example")])).await;
    let scope = AccessScope::principal([open.id], [identity(1)]);
    let closed_query = ObjectQuery {
        versions: vec![VersionMatch::All],
        ..ObjectQuery::collection(closed.id)
    };
    assert!(
        store
            .objects(&scope, &closed_query)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        store
            .manifest(&scope, &closed_query)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.count(&scope, &closed_query).await.unwrap(), 0);
    let everywhere = ids_of(store, &scope, &ObjectQuery::all_collections()).await;
    assert_eq!(everywhere.len(), 1);
    assert!(everywhere[0].starts_with(&fixtures::id("domain-name", 1)));
    let closed_value = LookupValue::new("domain-name:value", "closed.example");
    assert!(
        store
            .lookup(&scope, &closed_value)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.lookup(&all(), &closed_value).await.unwrap().len(), 1);
    let stats = store.stats(&scope).await.unwrap();
    assert_eq!(stats.lines.len(), 1);
    assert_eq!(stats.lines[0].collection, open.id);
    // A scope cannot delete what it cannot see.
    assert_eq!(
        store.delete_objects(&scope, &closed_query).await.unwrap(),
        0
    );
    assert_eq!(store.count(&all(), &closed_query).await.unwrap(), 1);
    // No readable collection at all: nothing.
    let nobody = AccessScope::principal([], []);
    assert_eq!(
        store
            .count(&nobody, &ObjectQuery::all_collections())
            .await
            .unwrap(),
        0
    );
}

async fn scope_shows_red_only_to_named_recipients<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let recipients = format!(
        r#"{RED_PREFIX},"x_phalanx_recipients":["{}","{}"]"#,
        identity(1),
        identity(2),
        RED_PREFIX = &RED[..RED.len()]
    );
    add(
        store,
        &collection,
        new_objects([
            indicator(1, "2020-01-01T00:00:00.000Z", &recipients),
            indicator(2, "2020-01-01T00:00:00.000Z", RED),
            indicator(3, "2020-01-01T00:00:00.000Z", GREEN_V1),
        ]),
    )
    .await;
    let named = AccessScope::principal([collection.id], [identity(9), identity(2)]);
    let stranger = AccessScope::principal([collection.id], [identity(3)]);
    let query = ObjectQuery::collection(collection.id);
    let short = |ids: Vec<String>| -> Vec<String> {
        ids.into_iter()
            .map(|id| id[..id.find('@').unwrap()].replace("00000000-0000-4000-8000-", ""))
            .collect()
    };
    assert_eq!(
        short(ids_of(store, &named, &query).await),
        ["indicator--000000000001", "indicator--000000000003"]
    );
    assert_eq!(
        short(ids_of(store, &stranger, &query).await),
        ["indicator--000000000003"]
    );
    assert_eq!(short(ids_of(store, &all(), &query).await).len(), 3);
    assert_eq!(store.count(&stranger, &query).await.unwrap(), 1);
    assert_eq!(
        store.manifest(&stranger, &query).await.unwrap().items.len(),
        1
    );
    let one = ObjectQuery {
        ids: vec![StixId::parse(&fixtures::id("indicator", 1)).unwrap()],
        ..query.clone()
    };
    assert!(
        store
            .objects(&stranger, &one)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.objects(&named, &one).await.unwrap().items.len(), 1);
    let stats = store.stats(&stranger).await.unwrap();
    assert_eq!(stats.totals(None).1, 1);
    assert_eq!(store.delete_objects(&stranger, &one).await.unwrap(), 0);
    assert_eq!(store.delete_objects(&named, &one).await.unwrap(), 1);
}

async fn hidden_latest_version_does_not_shadow_the_visible_one<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    add(
        store,
        &collection,
        new_objects([
            indicator(1, "2020-01-01T00:00:00.000Z", GREEN_V1),
            indicator(1, "2020-01-02T00:00:00.000Z", RED),
        ]),
    )
    .await;
    let reader = AccessScope::principal([collection.id], [identity(1)]);
    let query = ObjectQuery::collection(collection.id);
    let visible = ids_of(store, &reader, &query).await;
    assert_eq!(visible.len(), 1);
    assert!(
        visible[0].ends_with("2020-01-01T00:00:00.000000Z"),
        "{visible:?}"
    );
    let admin = ids_of(store, &all(), &query).await;
    assert!(
        admin[0].ends_with("2020-01-02T00:00:00.000000Z"),
        "{admin:?}"
    );
    let versions = ObjectQuery::versions_of(
        collection.id,
        StixId::parse(&fixtures::id("indicator", 1)).unwrap(),
    );
    assert_eq!(store.count(&reader, &versions).await.unwrap(), 1);
}

async fn lookup_finds_observable_and_caller_values<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let mut with_keys = NewObject::from(indicator(1, "2020-01-01T00:00:00.000Z", ""));
    with_keys.lookup_values = vec![LookupValue::new("domain-name:value", "Example1.COM")];
    let objects = vec![
        with_keys,
        NewObject::from(domain(2, "EXAMPLE1.com.")),
        NewObject::from(domain(3, "other.example")),
    ];
    let report = store
        .add_objects(&collection, &objects, &AddOptions::default())
        .await
        .unwrap();
    assert_eq!(report.n_added(), 3);
    let found = store
        .lookup(
            &all(),
            &LookupValue::new("domain-name:value", "example1.com"),
        )
        .await
        .unwrap();
    let ids: Vec<String> = found.iter().map(|entry| entry.id.to_string()).collect();
    assert_eq!(
        ids,
        [fixtures::id("indicator", 1), fixtures::id("domain-name", 2)]
    );
    // Values given un-normalized are normalized on look-up too.
    let raw = LookupValue {
        kind: "domain-name:value".to_owned(),
        value: "Example1.Com".to_owned(),
    };
    assert_eq!(store.lookup(&all(), &raw).await.unwrap().len(), 2);
    assert!(
        store
            .lookup(&all(), &LookupValue::new("url:value", "example1.com"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn stats_count_objects_versions_and_bytes<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let objects = [
        indicator(1, "2020-01-01T00:00:00.000Z", ""),
        indicator(1, "2020-01-02T00:00:00.000Z", ""),
        domain(2, "é.example"),
    ];
    let n_bytes: usize = objects.iter().map(|object| object.to_json().len()).sum();
    add(store, &collection, new_objects(objects)).await;
    let stats = store.stats(&all()).await.unwrap();
    let lines: Vec<_> = stats
        .lines
        .iter()
        .map(|line| (line.object_type.as_str(), line.n_objects, line.n_versions))
        .collect();
    assert_eq!(lines, [("domain-name", 1, 1), ("indicator", 1, 2)]);
    assert_eq!(stats.totals(Some(collection.id)), (2, 3, n_bytes as u64));
}

async fn tlp_is_the_most_restrictive_marking_or_the_default<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let options = AddOptions {
        default_tlp: Tlp::Clear,
        ..AddOptions::default()
    };
    let objects = new_objects([
        indicator(1, "2020-01-01T00:00:00.000Z", ""),
        indicator(2, "2020-01-01T00:00:00.000Z", GREEN_V1),
        indicator(
            3,
            "2020-01-01T00:00:00.000Z",
            r#","object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],"granular_markings":[{"marking_ref":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003","selectors":["name"]}]"#,
        ),
    ]);
    store
        .add_objects(&collection, &objects, &options)
        .await
        .unwrap();
    let page = store
        .manifest(&all(), &ObjectQuery::collection(collection.id))
        .await
        .unwrap();
    let levels: Vec<Tlp> = page.items.iter().map(|entry| entry.tlp).collect();
    assert_eq!(levels, [Tlp::Clear, Tlp::Green, Tlp::AmberStrict]);
}

async fn json_pages_join_what_objects_returns<S: Store>(store: &S) {
    let collection = store.default_collection().await.unwrap();
    let empty = store
        .objects_json(
            &all(),
            &ObjectQuery {
                limit: Some(10),
                ..ObjectQuery::collection(collection.id)
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (empty.json.as_str(), empty.n_objects, empty.next),
        ("", 0, None)
    );
    let mut objects: Vec<_> = (0..25)
        .map(|n| indicator(n, "2020-01-01T00:00:00.000Z", ""))
        .collect();
    objects.push(indicator(0, "2020-01-02T00:00:00.000Z", ""));
    objects.push(indicator(1, "2020-01-01T00:00:00.000Z", RED));
    objects[1] = indicator(1, "2019-12-31T00:00:00.000Z", GREEN_V1);
    add(store, &collection, new_objects(objects)).await;
    let reader = AccessScope::principal([collection.id], [identity(7)]);
    for scope in [all(), reader] {
        for limit in [1, 7, 24, 25, 100] {
            let mut query = ObjectQuery {
                limit: Some(limit),
                ..ObjectQuery::collection(collection.id)
            };
            let mut joined = Vec::new();
            loop {
                let page = store.objects_json(&scope, &query).await.unwrap();
                let expected = store.objects(&scope, &query).await.unwrap();
                let expected_json: Vec<&str> = expected
                    .items
                    .iter()
                    .map(|object| object.json.as_str())
                    .collect();
                assert_eq!(page.json, expected_json.join(","), "limit {limit}");
                assert_eq!(page.n_objects, expected.items.len() as u64);
                assert_eq!(page.next, expected.next, "limit {limit}");
                assert_eq!(
                    page.date_added,
                    expected
                        .items
                        .first()
                        .zip(expected.items.last())
                        .map(|(first, last)| (first.entry.date_added, last.entry.date_added))
                );
                joined.push(page.json);
                match page.next {
                    Some(cursor) => query.after = Some(cursor),
                    None => break,
                }
            }
            let bundle: Value = serde_json::from_str(&format!("[{}]", joined.join(","))).unwrap();
            // The last version of each of the 25 objects that the scope can see.
            assert_eq!(bundle.as_array().unwrap().len(), 25, "limit {limit}");
        }
    }
    let no_collection = store
        .objects_json(
            &all(),
            &ObjectQuery {
                limit: Some(10),
                ..ObjectQuery::all_collections()
            },
        )
        .await;
    assert!(matches!(no_collection, Err(Error::Invalid { .. })));
}

/// `AnyStore::for_each_json` (the export's read) gives, page after page, exactly the JSON that
/// `objects` gives for the same query, in the same order, and stops when asked.
async fn for_each_json_gives_what_objects_returns(store: &AnyStore) {
    let collection = store.default_collection().await.unwrap();
    let mut objects: Vec<_> = (0..25)
        .map(|n| indicator(n, "2020-01-01T00:00:00.000Z", ""))
        .collect();
    objects.push(indicator(0, "2020-01-02T00:00:00.000Z", ""));
    // A later TLP:RED version that the reader, not a recipient, does not see.
    objects.push(indicator(1, "2020-01-03T00:00:00.000Z", RED));
    add(store, &collection, new_objects(objects)).await;
    let reader = AccessScope::principal([collection.id], [identity(7)]);
    for scope in [all(), reader] {
        for versions in [VersionMatch::Last, VersionMatch::All] {
            let query = ObjectQuery {
                versions: vec![versions],
                ..ObjectQuery::collection(collection.id)
            };
            let expected = store.objects(&scope, &query).await.unwrap();
            let expected: Vec<&str> = expected.items.iter().map(|o| o.json.as_str()).collect();
            for limit in [None, Some(1), Some(7), Some(100)] {
                let query = ObjectQuery {
                    limit,
                    ..query.clone()
                };
                let mut joined = Vec::new();
                let mut n_given = 0;
                let n = store
                    .for_each_json(&scope, &query, |json, n_objects| {
                        joined.push(json.to_owned());
                        n_given += n_objects;
                        ControlFlow::Continue(())
                    })
                    .await
                    .unwrap();
                assert_eq!(
                    joined.join(","),
                    expected.join(","),
                    "{versions:?} {limit:?}"
                );
                assert_eq!((n, n_given), (expected.len() as u64, n));
                let mut n_calls = 0;
                let n = store
                    .for_each_json(&scope, &query, |_, _| {
                        n_calls += 1;
                        ControlFlow::Break(())
                    })
                    .await
                    .unwrap();
                assert_eq!(n_calls, 1);
                assert_eq!(
                    n,
                    u64::from(limit.unwrap_or(2_000)).min(expected.len() as u64)
                );
            }
        }
    }
}

#[tokio::test]
async fn for_each_json_gives_what_objects_returns_on_sqlite() {
    let (store, _dir) = fixtures::sqlite().await;
    for_each_json_gives_what_objects_returns(&AnyStore::Sqlite(store)).await;
}

#[tokio::test]
async fn for_each_json_gives_what_objects_returns_on_postgres() {
    let Some(store) = fixtures::postgres().await else {
        return;
    };
    for_each_json_gives_what_objects_returns(&AnyStore::Postgres(store)).await;
}

/// An ATT&CK-like object: `external_references` with the given `(source_name, external_id)`.
fn with_external_ids(object_type: &str, n: u64, ids: &[(&str, &str)], extra: &str) -> NewObject {
    let references: Vec<Value> = ids
        .iter()
        .map(|(source, id)| serde_json::json!({"source_name": source, "external_id": id}))
        .chain([serde_json::json!({"source_name": "a citation", "description": "no id"})])
        .collect();
    let json = format!(
        r#"{{"type":"{object_type}","spec_version":"2.1","id":"{}","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"object {n}","external_references":{}{extra}}}"#,
        fixtures::id(object_type, n),
        Value::Array(references)
    );
    NewObject::from(stix::StixObject::from_json(&json).unwrap())
}

async fn lookup_finds_objects_by_external_id_in_scope<S: Store>(store: &S) {
    let public = store.default_collection().await.unwrap();
    let private = second_collection(store, "Private").await;
    add(
        store,
        &public,
        vec![
            with_external_ids(
                "attack-pattern",
                1,
                &[("mitre-attack", "T1059.001"), ("capec", "CAPEC-242")],
                "",
            ),
            with_external_ids("attack-pattern", 2, &[("mitre-atlas", "AML.T0051")], ""),
        ],
    )
    .await;
    add(
        store,
        &private,
        vec![
            with_external_ids(
                "malware",
                3,
                &[("mitre-attack", "S0154")],
                ",\"is_family\":true",
            ),
            with_external_ids(
                "malware",
                4,
                &[("mitre-attack", "S0002")],
                &format!(",\"is_family\":true{RED}"),
            ),
        ],
    )
    .await;
    let find = |scope: AccessScope, kind: &'static str, id: &'static str| async move {
        store
            .lookup(&scope, &LookupValue::new(store::external_id_kind(kind), id))
            .await
            .unwrap()
            .iter()
            .map(|entry| entry.id.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        find(all(), "mitre-attack", "T1059.001").await,
        [fixtures::id("attack-pattern", 1)]
    );
    assert_eq!(
        find(all(), "capec", " CAPEC-242").await,
        [fixtures::id("attack-pattern", 1)]
    );
    assert_eq!(
        find(all(), "mitre-atlas", "AML.T0051").await,
        [fixtures::id("attack-pattern", 2)]
    );
    // The id of another source, and a citation's source name, find nothing.
    assert!(find(all(), "mitre-atlas", "T1059.001").await.is_empty());
    assert!(find(all(), "a citation", "").await.is_empty());
    // A reader of the public collection only sees what it may read.
    let reader = AccessScope::principal([public.id], [identity(1)]);
    assert_eq!(
        find(reader.clone(), "mitre-attack", "T1059.001").await,
        [fixtures::id("attack-pattern", 1)]
    );
    assert!(find(reader, "mitre-attack", "S0154").await.is_empty());
    let insider = AccessScope::principal([public.id, private.id], [identity(1)]);
    assert_eq!(
        find(insider.clone(), "mitre-attack", "S0154").await,
        [fixtures::id("malware", 3)]
    );
    // TLP:RED naming no recipient of the caller stays hidden even in a readable collection.
    assert!(find(insider, "mitre-attack", "S0002").await.is_empty());
    assert_eq!(
        find(all(), "mitre-attack", "S0002").await,
        [fixtures::id("malware", 4)]
    );
}
