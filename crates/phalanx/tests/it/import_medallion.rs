//! `phalanx import medallion`: API roots, collections with their ids, objects with their
//! `date_added`, statuses and grants, from our own fixture and from the data file medallion
//! ships (read from `../shared/conformance` when present).

use std::path::{Path, PathBuf};

use policy::{AccessScope, CollectionId, Country, ParticipantKind};
use serde_json::Value;
use store::{
    Accounts, AnyStore, NewParticipant, ObjectQuery, SqliteStore, StatusState, StatusStore, Store,
    VersionMatch,
};

use crate::support::{phalanx, stdout};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/medallion/small.json")
}

/// The medallion data file of `../shared/conformance`, when present.
fn shared_medallion() -> Option<PathBuf> {
    let shared = std::env::var_os("PHALANX_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let path = shared.join("conformance/medallion_default_data.json");
    path.exists().then_some(path)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn open(dir: &Path) -> AnyStore {
    AnyStore::Sqlite(SqliteStore::open(dir).await.unwrap())
}

fn import(dir: &Path, file: &Path, extra: &[&str]) -> (std::process::Output, Value) {
    let mut args = vec!["--json", "import", "medallion", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = phalanx(dir, &args);
    let report: Value = serde_json::from_str(stdout(&output).trim()).unwrap_or_else(|error| {
        panic!("{error}: {output:?}");
    });
    (output, report)
}

#[test]
fn imports_roots_collections_objects_with_their_dates_and_statuses() {
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let store = open(dir.path()).await;
        store
            .create_participant(&NewParticipant {
                name: "CERT-XX".to_owned(),
                country: Country::parse("FR").unwrap(),
                kind: ParticipantKind::Government,
                identity: None,
            })
            .await
            .unwrap();
    });
    let (output, report) = import(
        dir.path(),
        &fixture(),
        &["--grant", "CERT-XX", "--status-owner", "CERT-XX"],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(report["stored"], true);
    assert_eq!(report["n_statuses"], 2);
    assert_eq!(report["problems"], serde_json::json!([]));
    let collections = report["collections"].as_array().unwrap();
    assert_eq!(collections.len(), 2);
    assert_eq!(collections[0]["id"], "5d9a2c1b-8e7f-4a6b-9c0d-1e2f3a4b5c6d");
    assert_eq!(collections[0]["n_added"], 5);
    assert_eq!(collections[0]["readers"], serde_json::json!(["CERT-XX"]));
    assert_eq!(collections[0]["writers"], serde_json::json!(["CERT-XX"]));
    // Two of the three objects medallion added at the same instant move by a microsecond.
    assert_eq!(collections[0]["n_moved"], 2);
    assert_eq!(collections[1]["readers"], serde_json::json!([]));
    assert_eq!(collections[1]["writers"], serde_json::json!(["CERT-XX"]));
    assert!(
        report["notes"][0]
            .as_str()
            .unwrap()
            .contains("Test TAXII server")
    );

    runtime().block_on(async {
        let store = open(dir.path()).await;
        let roots: Vec<String> = store
            .api_roots()
            .await
            .unwrap()
            .into_iter()
            .map(|root| format!("{}: {}", root.name, root.title))
            .collect();
        assert!(roots.contains(&"intel: Shared intelligence".to_owned()), "{roots:?}");
        assert!(roots.contains(&"empty: An API root without collections".to_owned()));
        let id = CollectionId::parse("5d9a2c1b-8e7f-4a6b-9c0d-1e2f3a4b5c6d").unwrap();
        let collection = store.resolve_collection("community").await.unwrap();
        assert_eq!(collection.id, id);
        assert_eq!(collection.api_root, "intel");
        let query = ObjectQuery {
            versions: vec![VersionMatch::All],
            ..ObjectQuery::collection(id)
        };
        let page = store
            .manifest(&AccessScope::unrestricted(), &query)
            .await
            .unwrap();
        let dates: Vec<String> = page
            .items
            .iter()
            .map(|entry| format!("{} {} {}", entry.date_added, entry.id, entry.version))
            .collect();
        assert_eq!(
            dates,
            [
                "2019-03-01T10:00:00.000000Z indicator--3b6f5c5e-7e5a-4d0c-9d3a-2a0f5f6e7a01 2019-03-01T09:00:00.000000Z",
                "2019-03-01T10:00:00.000001Z malware--6a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d 2019-02-01T00:00:00.000000Z",
                "2019-03-01T10:00:00.000002Z relationship--0b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e 2019-03-01T09:30:00.000000Z",
                "2019-04-01T10:00:00.000000Z indicator--3b6f5c5e-7e5a-4d0c-9d3a-2a0f5f6e7a01 2019-04-01T09:00:00.000000Z",
                "2019-05-01T08:30:00.123456Z domain-name--ebde1661-e6d4-5cb7-a987-d14958c8680a 2019-05-01T08:30:00.123456Z",
            ]
        );
        let grants = store.collection_access(id).await.unwrap();
        assert!(grants.grants.iter().all(|grant| grant.read && grant.write));
        let participant = store.participant("CERT-XX").await.unwrap().unwrap();
        let status = store
            .status(uuid::Uuid::parse_str("0c9d8e7f-6a5b-4c3d-8e1f-2a3b4c5d6e7f").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(status.state, StatusState::Pending);
        assert_eq!(status.api_root, "intel");
        assert_eq!(status.owner, Some(participant.id.to_string()));
        assert_eq!(status.request_timestamp.to_string(), "2019-06-01T00:00:00.000000Z");
    });

    // Importing again adds nothing and changes nothing.
    let (output, again) = import(dir.path(), &fixture(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(again["collections"][0]["created"], false);
    assert_eq!(again["collections"][0]["n_added"], 0);
    assert_eq!(again["collections"][0]["n_already_present"], 5);
}

#[test]
fn a_problem_stops_the_import_before_anything_is_written_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut data: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture()).unwrap()).unwrap();
    data["intel"]["collections"][0]["objects"][2]["is_family"] = Value::from("sometimes");
    let file = dir.path().join("broken.json");
    std::fs::write(&file, data.to_string()).unwrap();
    let data_dir = dir.path().join("data");

    let (output, report) = import(&data_dir, &file, &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(report["stored"], false);
    assert_eq!(
        report["problems"][0]["path"],
        "$.intel.collections[0].objects[2].is_family"
    );
    assert_eq!(
        report["problems"][0]["object_id"],
        "malware--6a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    );
    assert!(
        !data_dir.join("phalanx.sqlite3").exists(),
        "the store was not even created"
    );

    let (output, report) = import(&data_dir, &file, &["--skip-invalid"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(report["stored"], true);
    assert_eq!(report["collections"][0]["n_added"], 4);
}

#[test]
fn an_unknown_participant_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = phalanx(
        dir.path(),
        &[
            "import",
            "medallion",
            fixture().to_str().unwrap(),
            "--grant",
            "NOBODY",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no participant named \"NOBODY\""),
        "{stderr}"
    );
}

#[test]
fn imports_the_data_file_medallion_ships() {
    let Some(file) = shared_medallion() else {
        eprintln!(
            "import medallion: SKIPPED the shared medallion_default_data.json (../shared/conformance is absent)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (output, report) = import(dir.path(), &file, &[]);
    // medallion's sample data is imported in full: every object is valid STIX 2.1 and has a
    // manifest record.
    assert!(output.status.success(), "{output:?}");
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");
    let collections = report["collections"].as_array().unwrap();
    assert_eq!(collections.len(), 5);
    let n_added: u64 = collections
        .iter()
        .map(|collection| collection["n_added"].as_u64().unwrap())
        .sum();
    assert_eq!(n_added, 8);
    assert_eq!(report["n_statuses"], 2);
    let names: Vec<&str> = report["api_roots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|root| root["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["api1", "api2", "trustgroup1"]);
}
