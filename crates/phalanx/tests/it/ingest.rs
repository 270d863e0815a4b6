//! `phalanx ingest`: what is stored, what is rejected and how it is reported.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;

use crate::support::{indicator, n_versions, phalanx, stdout, write_bundle};

#[test]
fn bundle_with_one_invalid_object_stores_nothing_and_names_id_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = indicator(2);
    bad["confidence"] = 150.into();
    let path = write_bundle(
        dir.path(),
        "bad.json",
        vec![indicator(1), bad, indicator(3)],
    );
    let output = phalanx(
        &dir.path().join("data"),
        &["ingest", path.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(text.contains("nothing stored"), "{text}");
    assert!(
        text.contains("indicator--00000000-0000-4000-8000-000000000002 at $.objects[1].confidence"),
        "{text}"
    );
    assert_eq!(n_versions(&dir.path().join("data")), 0);
    // The same, for scripts.
    let output = phalanx(
        &dir.path().join("data"),
        &["--json", "ingest", path.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["stored"], false);
    assert_eq!(report["n_rejected"], 1);
    assert_eq!(
        report["rejected"][0]["object_id"],
        "indicator--00000000-0000-4000-8000-000000000002"
    );
    assert_eq!(report["rejected"][0]["path"], "$.objects[1].confidence");
}

#[test]
fn reingest_is_already_present_and_a_changed_version_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let path = write_bundle(dir.path(), "a.json", vec![indicator(1), indicator(2)]);
    let first = phalanx(&data, &["--json", "ingest", path.to_str().unwrap()]);
    assert!(first.status.success(), "{first:?}");
    let report: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(
        (report["n_added"].as_u64(), report["stored"].as_bool()),
        (Some(2), Some(true))
    );
    let again = phalanx(&data, &["--json", "ingest", path.to_str().unwrap()]);
    assert!(again.status.success());
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(report["n_already_present"], 2);
    assert_eq!(report["n_added"], 0);
    // Same id and modified, different content: a conflict, and the new object beside it is
    // not stored either.
    let mut changed = indicator(1);
    changed["name"] = "renamed".into();
    let path = write_bundle(dir.path(), "b.json", vec![indicator(3), changed]);
    let conflict = phalanx(&data, &["ingest", path.to_str().unwrap()]);
    assert_eq!(conflict.status.code(), Some(1));
    let text = stdout(&conflict);
    assert!(
        text.contains("rejected indicator--00000000-0000-4000-8000-000000000001 at $.objects[1]"),
        "{text}"
    );
    assert_eq!(n_versions(&data), 2);
}

#[test]
fn reads_single_objects_gzip_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let single = dir.path().join("one.json");
    std::fs::write(&single, indicator(1).to_string()).unwrap();
    let gz = dir.path().join("two.json.gz");
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(indicator(2).to_string().as_bytes())
        .unwrap();
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    let output = phalanx(
        &data,
        &["ingest", single.to_str().unwrap(), gz.to_str().unwrap()],
    );
    assert!(output.status.success(), "{output:?}");
    assert!(stdout(&output).contains("total: 2 objects in 2 inputs: 2 added"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_phalanx"))
        .arg("--data-dir")
        .arg(&data)
        .args(["ingest", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(indicator(3).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(n_versions(&data), 3);
}

#[test]
fn unreadable_input_is_a_rejection_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"type\": \"bundle\",\n \"id\": }").unwrap();
    let output = phalanx(
        &dir.path().join("data"),
        &["ingest", path.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("invalid JSON at line 2, column 8"),
        "{output:?}"
    );
}

#[test]
fn get_prints_versions_and_fails_on_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut newer = indicator(1);
    newer["modified"] = "2024-02-01T00:00:00.000Z".into();
    let path = write_bundle(dir.path(), "a.json", vec![indicator(1), newer]);
    assert!(
        phalanx(&data, &["ingest", path.to_str().unwrap()])
            .status
            .success()
    );
    let id = "indicator--00000000-0000-4000-8000-000000000001";
    let latest = phalanx(&data, &["--json", "get", id]);
    let body: Value = serde_json::from_slice(&latest.stdout).unwrap();
    assert_eq!(body["versions"].as_array().unwrap().len(), 1);
    assert_eq!(
        body["versions"][0]["object"]["modified"],
        "2024-02-01T00:00:00.000Z"
    );
    let all = phalanx(&data, &["--json", "get", id, "--all-versions"]);
    let body: Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(body["versions"].as_array().unwrap().len(), 2);
    let missing = phalanx(
        &data,
        &["get", "indicator--00000000-0000-4000-8000-00000000ffff"],
    );
    assert_eq!(missing.status.code(), Some(1));
}
