//! Objects and stores for the tests.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use stix::StixObject;
use store::{NewObject, PostgresStore, SqliteStore};

/// Returns the id `type--00000000-0000-4000-8000-<n as 12 hex digits>`.
pub fn id(object_type: &str, n: u64) -> String {
    format!("{object_type}--00000000-0000-4000-8000-{n:012x}")
}

/// Returns an identity id.
pub fn identity(n: u64) -> stix::StixId {
    stix::StixId::parse(&id("identity", n)).unwrap()
}

/// An indicator, version `modified`, with extra JSON properties (`,"key":value...`).
pub fn indicator(n: u64, modified: &str, extra: &str) -> StixObject {
    StixObject::from_json(&format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"{}","created":"2020-01-01T00:00:00.000Z","modified":"{modified}","name":"indicator {n}","pattern":"[domain-name:value = 'example{n}.com']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"{extra}}}"#,
        id("indicator", n)
    ))
    .unwrap()
}

/// A domain-name observable (no version of its own).
pub fn domain(n: u64, value: &str) -> StixObject {
    StixObject::from_json(&format!(
        r#"{{"type":"domain-name","spec_version":"2.1","id":"{}","value":"{value}"}}"#,
        id("domain-name", n)
    ))
    .unwrap()
}

/// Wraps objects for `add_objects`.
pub fn new_objects(objects: impl IntoIterator<Item = StixObject>) -> Vec<NewObject> {
    objects.into_iter().map(NewObject::from).collect()
}

/// TLP marking properties.
pub const RED: &str =
    r#","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]"#;
/// TLP:GREEN (TLP 1.0 id).
pub const GREEN_V1: &str =
    r#","object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]"#;

/// A fresh SQLite store in a temporary directory (kept alive with the store).
pub async fn sqlite() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    (store, dir)
}

/// A fresh PostgreSQL store in its own schema, or `None` (said once, on the terminal) when
/// `PHALANX_TEST_DATABASE_URL` is not set.
pub async fn postgres() -> Option<PostgresStore> {
    static SAID: AtomicBool = AtomicBool::new(false);
    let Ok(url) = std::env::var("PHALANX_TEST_DATABASE_URL") else {
        if !SAID.swap(true, Ordering::Relaxed) {
            // Written to the process's stderr directly, past the test harness's capture, so
            // that a passing run still says what it did not check.
            let _ = writeln!(
                std::io::stderr(),
                "store conformance: PostgreSQL SKIPPED (PHALANX_TEST_DATABASE_URL is not set); only SQLite was checked"
            );
        }
        return None;
    };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    Some(
        PostgresStore::connect_in_schema(&url, &schema)
            .await
            .unwrap(),
    )
}
