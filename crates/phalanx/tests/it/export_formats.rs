//! `phalanx export` in the formats of the `export` crate: what an administrator, a public
//! feed and a user each get, a MISP feed directory, and the summary.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::{self, phalanx, stdout, write_bundle};

const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const ALICE: &str = "identity--00000000-0000-4000-8000-0000000000aa";
const BOB: &str = "identity--00000000-0000-4000-8000-0000000000bb";

/// The test indicator `n` of `support`, for `domain`, with a marking and RED recipients.
fn indicator(n: u64, domain: &str, marking: &str, recipients: &[&str]) -> Value {
    let mut indicator = support::indicator(n);
    indicator["pattern"] = json!(format!("[domain-name:value = '{domain}']"));
    indicator["object_marking_refs"] = json!([marking]);
    if !recipients.is_empty() {
        indicator["x_phalanx_recipients"] = json!(recipients);
    }
    indicator
}

fn run(data: &Path, args: &[&str]) -> std::process::Output {
    let output = phalanx(data, args);
    assert!(output.status.success(), "{args:?}: {output:?}");
    output
}

/// A store with a collection shared with alice's participant and one that is not.
fn store(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("data");
    run(
        &data,
        &[
            "participant",
            "add",
            "CERT-XX",
            "--country",
            "FR",
            "--kind",
            "government",
        ],
    );
    run(
        &data,
        &[
            "user",
            "add",
            "alice",
            "--participant",
            "CERT-XX",
            "--role",
            "reader",
            "--identity",
            ALICE,
        ],
    );
    run(
        &data,
        &["collection", "create", "Shared", "--alias", "shared"],
    );
    run(
        &data,
        &["collection", "create", "Private", "--alias", "private"],
    );
    // Readers are granted before AMBER objects arrive: widening afterwards is refused.
    run(
        &data,
        &["collection", "access", "shared", "--read", "CERT-XX"],
    );
    let shared = write_bundle(
        dir,
        "shared.json",
        vec![
            indicator(1, "clear.example", CLEAR, &[]),
            indicator(2, "amber.example", AMBER, &[]),
            indicator(3, "red-alice.example", RED, &[ALICE]),
            indicator(4, "red-bob.example", RED, &[BOB]),
        ],
    );
    let private = write_bundle(
        dir,
        "private.json",
        vec![indicator(5, "private.example", CLEAR, &[])],
    );
    run(
        &data,
        &["ingest", "--collection", "shared", shared.to_str().unwrap()],
    );
    run(
        &data,
        &[
            "ingest",
            "--collection",
            "private",
            private.to_str().unwrap(),
        ],
    );
    data
}

/// The names an RPZ export lists (without the wildcards).
fn zone_names(zone: &str) -> Vec<String> {
    let mut names: Vec<String> = zone
        .lines()
        .filter(|line| line.ends_with(" CNAME .") && !line.starts_with('*'))
        .map(|line| line.split(' ').next().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn each_reader_gets_what_it_may_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = store(dir.path());
    let zone = |extra: &[&str]| {
        let out = dir.path().join("zone");
        let mut args = vec!["export", "--format", "rpz", "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        run(&data, &args);
        zone_names(&std::fs::read_to_string(&out).unwrap())
    };
    assert_eq!(
        zone(&[]),
        [
            "amber.example",
            "clear.example",
            "private.example",
            "red-alice.example",
            "red-bob.example"
        ]
    );
    assert_eq!(zone(&["--public"]), ["clear.example", "private.example"]);
    assert_eq!(
        zone(&["--for-user", "alice"]),
        ["amber.example", "clear.example", "red-alice.example"]
    );
    assert_eq!(
        zone(&["--for-user", "alice", "--public"]),
        ["clear.example"]
    );
    assert_eq!(zone(&["--collection", "private"]), ["private.example"]);
}

#[test]
fn directory_formats_need_a_directory_and_summaries_say_what_was_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let data = store(dir.path());
    let output = phalanx(&data, &["export", "--format", "misp-feed"]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--out DIR"),
        "{output:?}"
    );
    let feed = dir.path().join("feed");
    let output = run(
        &data,
        &[
            "--json",
            "export",
            "--format",
            "misp-feed",
            "--public",
            "--out",
            feed.to_str().unwrap(),
        ],
    );
    let summary: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(summary["format"], "misp-feed");
    assert_eq!(summary["n_exported"], 2);
    assert_eq!(summary["left_out"]["not-clear"]["n"], 3);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(feed.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest.as_object().unwrap().len(), 1);
    assert!(feed.join("hashes.csv").exists());
    // A stream format writes to stdout and its summary to stderr.
    let output = run(&data, &["export", "--format", "txt", "--for-user", "alice"]);
    let mut lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    lines.sort();
    assert_eq!(
        lines,
        ["amber.example", "clear.example", "red-alice.example"]
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("exported 3 of 3 objects"));
    let output = phalanx(
        &data,
        &["export", "--format", "txt", "--for-user", "nobody"],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no user named \"nobody\""));
}
