//! `phalanx match`: matches printed as JSON lines, the summary, thread-independence, and
//! sightings written as a bundle or stored and shared back.

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{phalanx, stdout, write_bundle};

const IDENTITY: &str = "identity--0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

fn testdata(relative: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../matcher/testdata")
        .join(relative)
        .display()
        .to_string()
}

/// Splits `--json` output into the match lines and the summary.
fn parse(output: &str) -> (Vec<Value>, Value) {
    let mut values: Vec<Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let summary = values.pop().expect("a summary line")["summary"].clone();
    (values, summary)
}

#[test]
fn prints_matches_and_a_summary_the_same_with_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let indicators = testdata("indicators.json");
    let logs = [
        testdata("zeek/dns.log"),
        testdata("eve/eve.json"),
        testdata("zeek/dns-malformed.log"),
    ];
    let run = |threads: &str| {
        let mut args = vec![
            "--json",
            "match",
            "--threads",
            threads,
            "--indicators",
            &indicators,
        ];
        args.extend(logs.iter().map(String::as_str));
        let output = phalanx(dir.path(), &args);
        assert!(output.status.success(), "{output:?}");
        parse(&stdout(&output))
    };
    let (matches, summary) = run("1");
    assert_eq!(matches.len(), 8 + 28 + 2);
    assert_eq!(summary["matches"], 38);
    assert_eq!(summary["malformed"], 3);
    assert_eq!(summary["index"]["n_indexed"], 19);
    assert_eq!(summary["logs"][2]["malformed_lines"][0]["line"], 10);
    let first = &matches[0];
    assert_eq!(first["file"], logs[0].as_str());
    assert_eq!(first["line"], 10);
    assert_eq!(first["field"], "query");
    assert_eq!(first["key"], "evil-domain.test");
    assert_eq!(first["name"], "evil domain");
    assert_eq!(first["producer"], IDENTITY);
    let (matches_3, _) = run("3");
    assert_eq!(matches, matches_3);
}

#[test]
fn sightings_are_written_as_a_valid_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sightings.json");
    let output = phalanx(
        dir.path(),
        &[
            "--json",
            "match",
            "--quiet",
            "--indicators",
            &testdata("indicators.json"),
            &testdata("eve/eve.json"),
            "--sightings",
            "--identity",
            IDENTITY,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let (matches, summary) = parse(&stdout(&output));
    assert!(matches.is_empty(), "--quiet prints no match line");
    assert_eq!(summary["sightings"]["count"], 13);
    let bundle = std::fs::read_to_string(&out).unwrap();
    let validated = phalanx(dir.path(), &["--json", "validate", out.to_str().unwrap()]);
    assert!(validated.status.success(), "{}", stdout(&validated));
    let bundle: Value = serde_json::from_str(&bundle).unwrap();
    let sightings: Vec<&Value> = bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|object| object["type"] == "sighting")
        .collect();
    assert_eq!(sightings.len(), 13);
    let evil = sightings
        .iter()
        .find(|sighting| {
            sighting["sighting_of_ref"] == "indicator--00000000-0000-4000-8000-000000000001"
        })
        .unwrap();
    assert_eq!(evil["count"], 4);
    assert_eq!(evil["first_seen"], "2024-01-15T10:00:00.000001Z");
    assert_eq!(evil["last_seen"], "2024-01-15T10:02:00.000000Z");
    assert_eq!(evil["where_sighted_refs"], serde_json::json!([IDENTITY]));
}

#[test]
fn indicators_come_from_the_store_and_sightings_go_back_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(testdata("indicators.json")).unwrap())
            .unwrap();
    // The store takes only valid objects: leave out the indicator with a broken pattern.
    let objects: Vec<Value> = all["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|object| object["name"] != "broken pattern")
        .cloned()
        .collect();
    let bundle = write_bundle(dir.path(), "indicators.json", objects);
    let ingested = phalanx(dir.path(), &["ingest", bundle.to_str().unwrap()]);
    assert!(ingested.status.success(), "{ingested:?}");
    let before = crate::support::n_versions(dir.path());
    let output = phalanx(
        dir.path(),
        &[
            "--json",
            "match",
            "--quiet",
            &testdata("eve/eve.json"),
            "--sightings",
            "--identity",
            IDENTITY,
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let (_, summary) = parse(&stdout(&output));
    assert_eq!(summary["matches"], 28);
    assert_eq!(summary["index"]["n_indexed"], 19);
    assert_eq!(summary["sightings"]["stored_in"], "default");
    assert_eq!(crate::support::n_versions(dir.path()), before + 13);
    let from_collection = phalanx(
        dir.path(),
        &[
            "--json",
            "match",
            "--quiet",
            "--collection",
            "default",
            &testdata("zeek/dns.log"),
        ],
    );
    assert!(from_collection.status.success(), "{from_collection:?}");
    assert_eq!(parse(&stdout(&from_collection)).1["matches"], 8);
}

#[test]
fn refuses_contradictory_options() {
    let dir = tempfile::tempdir().unwrap();
    let output = phalanx(
        dir.path(),
        &[
            "match",
            "--indicators",
            &testdata("indicators.json"),
            "--sightings",
            &testdata("eve/eve.json"),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("--sightings needs the local participant's identity")
    );
    let output = phalanx(
        dir.path(),
        &[
            "match",
            "--indicators",
            &testdata("indicators.json"),
            "--format",
            "csv",
            &testdata("other/proxy.csv"),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format csv needs a column map"));
}
