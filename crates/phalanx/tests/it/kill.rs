//! A process killed in the middle of an ingest leaves no partial bundle behind.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use policy::AccessScope;
use store::{ObjectQuery, SqliteStore, Store, VersionMatch};

use crate::support::{indicator, phalanx, write_bundle};

/// Objects in the bundle that is killed: many multi-row INSERTs, so that the kill lands
/// between two of them.
const N_LARGE: u64 = 20_000;

#[test]
fn sigkill_during_ingest_leaves_all_or_none_of_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let small = write_bundle(dir.path(), "small.json", (0..10).map(indicator).collect());
    assert!(
        phalanx(&data, &["ingest", small.to_str().unwrap()])
            .status
            .success()
    );
    let large = write_bundle(
        dir.path(),
        "large.json",
        (1_000..1_000 + N_LARGE).map(indicator).collect(),
    );

    // The store logs each multi-row INSERT at debug level; the first one shows the
    // transaction is open and holds rows. Kill the process right then.
    let mut child = Command::new(env!("CARGO_BIN_EXE_phalanx"))
        .arg("--data-dir")
        .arg(&data)
        .args(["ingest", large.to_str().unwrap()])
        .env("RUST_LOG", "store=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut n_inserts_seen = 0;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains("inserted object versions") {
            n_inserts_seen += 1;
            if n_inserts_seen == 3 {
                break;
            }
        }
    }
    assert_eq!(n_inserts_seen, 3, "the ingest ended before it was killed");
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(!status.success());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = SqliteStore::open(&data).await.unwrap();
        assert_eq!(store.check_integrity().await.unwrap(), Vec::<String>::new());
        let all = ObjectQuery {
            versions: vec![VersionMatch::All],
            ..ObjectQuery::all_collections()
        };
        // None of the killed bundle: it was killed before its transaction committed.
        assert_eq!(
            store
                .count(&AccessScope::unrestricted(), &all)
                .await
                .unwrap(),
            10
        );
    });

    // The store takes the same bundle again, whole, after the crash.
    let again = phalanx(&data, &["ingest", large.to_str().unwrap()]);
    assert!(again.status.success(), "{again:?}");
    runtime.block_on(async {
        let store = SqliteStore::open(&data).await.unwrap();
        assert!(store.check_integrity().await.unwrap().is_empty());
        let query = ObjectQuery {
            versions: vec![VersionMatch::All],
            limit: Some(5_000),
            ..ObjectQuery::collection(store.default_collection().await.unwrap().id)
        };
        let mut query = query;
        let mut n_seen = 0;
        let mut last = None;
        loop {
            let page = store
                .manifest(&AccessScope::unrestricted(), &query)
                .await
                .unwrap();
            for entry in &page.items {
                assert!(Some(entry.date_added) > last);
                last = Some(entry.date_added);
                n_seen += 1;
            }
            match page.next {
                Some(cursor) => query.after = Some(cursor),
                None => break,
            }
        }
        assert_eq!(n_seen, 10 + N_LARGE);
    });
}
