//! What the TAXII layer needs beyond objects: status records ([`StatusStore`]) and imports
//! that keep the other server's `date_added` ([`ImportStore`]). Generic over the backend and
//! run once per backend, like the conformance suite.

use policy::AccessScope;
use stix::StixTimestamp;
use store::{
    AddOptions, AnyStore, DatedObject, ImportStore, NewObject, ObjectQuery, OutcomeStatus,
    StatusDetail, StatusRecord, StatusState, StatusStore, Store, VersionMatch, WriteMode,
};
use uuid::Uuid;

use crate::fixtures::{domain, indicator};

macro_rules! per_backend {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = crate::fixtures::sqlite().await;
                    super::$case(&store::AnyStore::Sqlite(store)).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(store) = crate::fixtures::postgres().await else { return };
                    super::$case(&store::AnyStore::Postgres(store)).await;
                }
            )*
        }
    };
}

per_backend!(
    statuses_are_stored_replaced_and_read_back,
    interrupted_statuses_fail_their_pending_objects,
    import_keeps_given_dates_and_moves_ties_forward,
    import_after_stored_objects_moves_past_them,
    import_reports_already_present_and_conflicts_in_input_order,
);

fn ts(text: &str) -> StixTimestamp {
    StixTimestamp::parse(text).unwrap()
}

fn detail(id: &str, message: Option<&str>) -> StatusDetail {
    StatusDetail {
        id: id.to_owned(),
        version: "2020-01-01T00:00:00.000Z".to_owned(),
        message: message.map(str::to_owned),
    }
}

fn pending_status() -> StatusRecord {
    StatusRecord {
        id: Uuid::new_v4(),
        api_root: "default".to_owned(),
        owner: Some("participant-1".to_owned()),
        request_timestamp: ts("2024-03-01T10:00:00.123456Z"),
        state: StatusState::Pending,
        total_count: 3,
        successes: vec![detail("indicator--1", None)],
        failures: vec![detail(
            "indicator--2",
            Some("invalid at $.objects[1].pattern"),
        )],
        pendings: vec![detail("indicator--3", None)],
    }
}

async fn statuses_are_stored_replaced_and_read_back(store: &AnyStore) {
    let mut status = pending_status();
    assert_eq!(store.status(status.id).await.unwrap(), None);
    store.put_status(&status).await.unwrap();
    assert_eq!(
        store.status(status.id).await.unwrap().as_ref(),
        Some(&status)
    );
    status.state = StatusState::Complete;
    status.successes.append(&mut status.pendings);
    store.put_status(&status).await.unwrap();
    let read = store.status(status.id).await.unwrap().unwrap();
    assert_eq!(read, status);
    assert_eq!(
        read.request_timestamp.to_string(),
        "2024-03-01T10:00:00.123456Z"
    );
}

async fn interrupted_statuses_fail_their_pending_objects(store: &AnyStore) {
    let pending = pending_status();
    let complete = StatusRecord {
        id: Uuid::new_v4(),
        state: StatusState::Complete,
        pendings: Vec::new(),
        ..pending_status()
    };
    store.put_status(&pending).await.unwrap();
    store.put_status(&complete).await.unwrap();
    let n_changed = store
        .interrupt_pending_statuses("the server stopped")
        .await
        .unwrap();
    assert_eq!(n_changed, 1);
    let read = store.status(pending.id).await.unwrap().unwrap();
    assert_eq!(read.state, StatusState::Complete);
    assert!(read.pendings.is_empty());
    assert_eq!(
        read.failures.last(),
        Some(&detail("indicator--3", Some("the server stopped")))
    );
    assert_eq!(store.status(complete.id).await.unwrap().unwrap(), complete);
}

fn dated(object: stix::StixObject, date_added: &str) -> DatedObject {
    DatedObject {
        object: NewObject::from(object),
        date_added: ts(date_added),
        spec_version: None,
    }
}

async fn dates_in_collection(store: &AnyStore, collection: &store::Collection) -> Vec<String> {
    let query = ObjectQuery {
        versions: vec![VersionMatch::All],
        ..ObjectQuery::collection(collection.id)
    };
    let page = store
        .manifest(&AccessScope::unrestricted(), &query)
        .await
        .unwrap();
    page.items
        .iter()
        .map(|entry| format!("{} {}", entry.id, entry.date_added))
        .collect()
}

async fn import_keeps_given_dates_and_moves_ties_forward(store: &AnyStore) {
    let collection = store.default_collection().await.unwrap();
    let objects = [
        dated(
            indicator(3, "2020-01-01T00:00:00.000Z", ""),
            "2021-06-01T00:00:00Z",
        ),
        dated(
            indicator(1, "2020-01-01T00:00:00.000Z", ""),
            "2016-11-01T03:04:05Z",
        ),
        dated(
            indicator(2, "2020-01-01T00:00:00.000Z", ""),
            "2016-11-01T03:04:05Z",
        ),
        dated(domain(4, "example.org"), "2016-11-01T03:04:05.000001Z"),
    ];
    let report = store
        .import_objects(&collection, &objects, &AddOptions::default())
        .await
        .unwrap();
    assert!(report.committed);
    let added: Vec<String> = report
        .outcomes
        .iter()
        .map(|outcome| match &outcome.status {
            OutcomeStatus::Added { date_added } => format!("{} {date_added}", outcome.id),
            other => panic!("{other:?}"),
        })
        .collect();
    // Reported in input order; the two objects added at the same instant get consecutive
    // microseconds, and the observable that followed them by one microsecond moves past them.
    assert_eq!(
        added,
        [
            "indicator--00000000-0000-4000-8000-000000000003 2021-06-01T00:00:00.000000Z",
            "indicator--00000000-0000-4000-8000-000000000001 2016-11-01T03:04:05.000000Z",
            "indicator--00000000-0000-4000-8000-000000000002 2016-11-01T03:04:05.000001Z",
            "domain-name--00000000-0000-4000-8000-000000000004 2016-11-01T03:04:05.000002Z",
        ]
    );
    assert_eq!(
        dates_in_collection(store, &collection).await,
        [
            "indicator--00000000-0000-4000-8000-000000000001 2016-11-01T03:04:05.000000Z",
            "indicator--00000000-0000-4000-8000-000000000002 2016-11-01T03:04:05.000001Z",
            "domain-name--00000000-0000-4000-8000-000000000004 2016-11-01T03:04:05.000002Z",
            "indicator--00000000-0000-4000-8000-000000000003 2021-06-01T00:00:00.000000Z",
        ]
    );
    // The observable's version is its date_added, as for objects added live.
    assert_eq!(
        report.outcomes[3].version,
        Some(ts("2016-11-01T03:04:05.000002Z"))
    );
}

async fn import_after_stored_objects_moves_past_them(store: &AnyStore) {
    let collection = store.default_collection().await.unwrap();
    let live = store
        .add_objects(
            &collection,
            &[NewObject::from(indicator(
                1,
                "2020-01-01T00:00:00.000Z",
                "",
            ))],
            &AddOptions::default(),
        )
        .await
        .unwrap();
    let OutcomeStatus::Added {
        date_added: live_date,
    } = live.outcomes[0].status
    else {
        panic!("{live:?}")
    };
    let report = store
        .import_objects(
            &collection,
            &[dated(
                indicator(2, "2020-01-01T00:00:00.000Z", ""),
                "2016-11-01T03:04:05Z",
            )],
            &AddOptions::default(),
        )
        .await
        .unwrap();
    let OutcomeStatus::Added { date_added } = report.outcomes[0].status else {
        panic!("{report:?}")
    };
    assert_eq!(date_added.to_micros(), live_date.to_micros() + 1);
    // Objects added live afterwards still come later.
    let later = store
        .add_objects(
            &collection,
            &[NewObject::from(indicator(
                3,
                "2020-01-01T00:00:00.000Z",
                "",
            ))],
            &AddOptions::default(),
        )
        .await
        .unwrap();
    let OutcomeStatus::Added {
        date_added: later_date,
    } = later.outcomes[0].status
    else {
        panic!("{later:?}")
    };
    assert!(later_date > date_added);
}

async fn import_reports_already_present_and_conflicts_in_input_order(store: &AnyStore) {
    let collection = store.default_collection().await.unwrap();
    let first = [dated(
        indicator(1, "2020-01-01T00:00:00.000Z", ""),
        "2016-01-01T00:00:00Z",
    )];
    store
        .import_objects(&collection, &first, &AddOptions::default())
        .await
        .unwrap();
    let again = [
        dated(
            indicator(2, "2020-01-01T00:00:00.000Z", ""),
            "2017-01-01T00:00:00Z",
        ),
        dated(
            indicator(1, "2020-01-01T00:00:00.000Z", r#","labels":["changed"]"#),
            "2016-06-01T00:00:00Z",
        ),
        dated(
            indicator(1, "2020-01-01T00:00:00.000Z", ""),
            "2016-01-01T00:00:00Z",
        ),
    ];
    let all_or_nothing = store
        .import_objects(&collection, &again, &AddOptions::default())
        .await
        .unwrap();
    assert!(!all_or_nothing.committed);
    let statuses: Vec<&OutcomeStatus> = all_or_nothing
        .outcomes
        .iter()
        .map(|outcome| &outcome.status)
        .collect();
    assert_eq!(
        statuses,
        [
            &OutcomeStatus::NotStored,
            &OutcomeStatus::Conflict,
            &OutcomeStatus::AlreadyPresent {
                date_added: ts("2016-01-01T00:00:00Z")
            },
        ]
    );
    let per_object = store
        .import_objects(
            &collection,
            &again,
            &AddOptions {
                mode: WriteMode::PerObject,
                ..AddOptions::default()
            },
        )
        .await
        .unwrap();
    assert!(per_object.committed);
    assert_eq!(per_object.n_added(), 1);
    assert_eq!(per_object.n_conflicts(), 1);
    assert_eq!(per_object.n_already_present(), 1);
    assert!(matches!(
        per_object.outcomes[0].status,
        OutcomeStatus::Added { .. }
    ));
}
