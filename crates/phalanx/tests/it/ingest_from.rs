//! `phalanx ingest --from`: MISP events and feeds and indicator lists go through the
//! importers, then the same validation and all-or-nothing write as STIX inputs.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{phalanx, stdout};

fn testdata(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../export/testdata")
        .join(relative)
}

fn ingest_json(data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json", "ingest"];
    all.extend_from_slice(args);
    let output = phalanx(data, &all);
    assert!(output.status.success(), "{args:?}: {output:?}");
    serde_json::from_str(stdout(&output).trim()).unwrap()
}

fn values(data: &Path) -> Vec<String> {
    let output = phalanx(data, &["export", "--format", "txt"]);
    assert!(output.status.success(), "{output:?}");
    let mut values: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    values.sort();
    values
}

#[test]
fn lists_are_imported_with_their_skipped_lines_as_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let threatfox = testdata("lists/threatfox.csv");
    let report = ingest_json(
        &data,
        &[
            "--from",
            "csv",
            "--default-tlp",
            "green",
            "--confidence",
            "60",
            threatfox.to_str().unwrap(),
        ],
    );
    assert_eq!(report["n_added"], 6, "{report}");
    assert_eq!(report["warnings_by_check"]["import"], 2, "{report}");
    let lines: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["check"] == "import")
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(lines[0].starts_with("line 11: "), "{lines:?}");
    let feodo = testdata("lists/feodo.txt");
    ingest_json(&data, &["--from", "txt", feodo.to_str().unwrap()]);
    assert_eq!(
        values(&data),
        [
            "2001:db8::7",
            "203.0.113.126",
            "203.0.113.127",
            "c2.evil.example",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "evil.example",
            "http://dl.evil.example/payload.bin",
        ]
    );
}

#[test]
fn a_misp_feed_exported_by_one_node_is_ingested_by_another() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    let threatfox = testdata("lists/threatfox.csv");
    ingest_json(&first, &["--from", "csv", threatfox.to_str().unwrap()]);
    let event = testdata("misp/events/domain_attribute.json");
    ingest_json(&first, &["--from", "misp", event.to_str().unwrap()]);
    let feed = dir.path().join("feed");
    let output = phalanx(
        &first,
        &[
            "export",
            "--format",
            "misp-feed",
            "--out",
            feed.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let report = ingest_json(&second, &["--from", "misp-feed", feed.to_str().unwrap()]);
    assert_eq!(report["n_rejected"], 0, "{report}");
    assert_eq!(values(&second), values(&first));
    assert!(values(&first).contains(&"circl.lu".to_owned()));
}

#[test]
fn an_input_an_importer_cannot_read_is_rejected_whole() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, br#"{"Event": {"info": "no uuid"}}"#).unwrap();
    let output = phalanx(
        &data,
        &["--json", "ingest", "--from", "misp", bad.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(report["stored"], false);
    assert_eq!(
        report["rejected"][0]["reason"],
        "$.Event.uuid: an event needs a valid `uuid`"
    );
}
