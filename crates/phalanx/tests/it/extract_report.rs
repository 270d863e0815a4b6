//! `phalanx extract` (table, `--json`, `--stix`) and `phalanx ingest --report`: the report
//! fixtures of `testdata/reports`, ATT&CK and ATLAS ids resolved against what was ingested
//! before, and documents that cannot be read stored nothing.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::{n_versions, phalanx, stdout, write_bundle};

const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
const POWERSHELL: &str = "attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736";
const APT3: &str = "intrusion-set--0bbdf25b-30ff-4894-a1cd-49260d0dd2d9";
const PROMPT_INJECTION: &str = "attack-pattern--00000000-0000-4000-8000-0000000a7105";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/reports")
        .join(name)
}

fn lines(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}")))
        .collect()
}

#[test]
fn extract_prints_findings_with_offsets_as_written_and_a_stix_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let briefing = fixture("briefing.txt");
    let text = std::fs::read_to_string(&briefing).unwrap();
    let output = phalanx(&data, &["--json", "extract", briefing.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let found = lines(&output);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["format"], "text");
    assert_eq!(
        found[0]["title"],
        "Operation Glass Lantern: threat briefing"
    );
    let findings = found[0]["findings"].as_array().unwrap();
    let find = |kind: &str, value: &str| {
        findings
            .iter()
            .find(|finding| finding["type"] == kind && finding["value"] == value)
            .unwrap_or_else(|| panic!("no {kind} {value} in {findings:#?}"))
    };
    let url = find("urls", "https://update-check.xyz/api/v2/beacon");
    assert_eq!(
        url["as_written"],
        "hxxps://update-check[.]xyz/api/v2/beacon"
    );
    let (start, end) = (
        url["start"].as_u64().unwrap() as usize,
        url["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &text[start..end],
        "hxxps://update-check[.]xyz/api/v2/beacon"
    );
    assert!(
        url["context"]
            .as_str()
            .unwrap()
            .contains("45.137.21(.)9 and hxxps://")
    );
    assert_eq!(
        find("cves", "CVE-2021-44228")["as_written"],
        "cve 2021-44228"
    );
    assert!(
        !find("ipv4s", "192.0.2.44")["benign"].is_null(),
        "documentation range"
    );
    assert!(find("ipv4s", "185.220.101.4")["benign"].is_null());
    // Version numbers and plain file names are marked, not dropped.
    assert_eq!(find("ipv4s", "2.4.1.8")["benign"], "likely-version");
    assert_eq!(find("domains", "setup.py")["benign"], "likely-file-name");

    // --stix: one bundle, the report first, a vulnerability per CVE.
    let output = phalanx(&data, &["extract", "--stix", briefing.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let bundle: Value = serde_json::from_slice(&output.stdout).unwrap();
    let objects = bundle["objects"].as_array().unwrap();
    assert_eq!(objects[0]["type"], "report");
    assert_eq!(
        objects[0]["name"],
        "Operation Glass Lantern: threat briefing"
    );
    let cves: Vec<&str> = objects
        .iter()
        .filter(|object| object["type"] == "vulnerability")
        .map(|object| object["name"].as_str().unwrap())
        .collect();
    assert_eq!(cves, ["CVE-2021-44228", "CVE-2023-23397"]);
    // Benign-marked findings make no indicator.
    let text = String::from_utf8_lossy(&output.stdout);
    for benign in ["192.0.2.44", "2.4.1.8", "setup.py", "'example.com'"] {
        assert!(!text.contains(benign), "{benign} in the bundle");
    }
    assert!(text.contains("[url:value = 'https://update-check.xyz/api/v2/beacon']"));
    assert_eq!(
        objects[0]["object_refs"].as_array().unwrap().len(),
        objects.len() - 1,
        "no ATT&CK bundle given: the report refers to its own objects only"
    );
    assert!(!data.exists(), "extract never creates a store");

    // The table, for people.
    let output = phalanx(&data, &["extract", briefing.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let table = stdout(&output);
    assert!(table.contains("update-check.xyz"), "{table}");
    assert!(table.contains("written defanged"), "{table}");

    // A file that cannot be read: exit 1, the error names it, the others are still read.
    let missing = dir.path().join("missing.txt");
    let output = phalanx(
        &data,
        &[
            "--json",
            "extract",
            missing.to_str().unwrap(),
            briefing.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let found = lines(&output);
    assert_eq!(found.len(), 2);
    assert!(
        found[0]["error"].as_str().unwrap().contains("missing.txt"),
        "{found:?}"
    );
    assert_eq!(found[1]["format"], "text");
}

/// A small knowledge base: two ATT&CK objects and an ATLAS technique named by the briefing.
fn knowledge_base(dir: &Path) -> PathBuf {
    let object = |object_type: &str, id: &str, source: &str, external_id: &str| {
        json!({
            "type": object_type,
            "spec_version": "2.1",
            "id": id,
            "created": "2018-01-01T00:00:00.000Z",
            "modified": "2024-01-01T00:00:00.000Z",
            "name": format!("{object_type} {external_id}"),
            "external_references": [{"source_name": source, "external_id": external_id}],
            "object_marking_refs": [GREEN],
        })
    };
    write_bundle(
        dir,
        "attack.json",
        vec![
            object("attack-pattern", POWERSHELL, "mitre-attack", "T1059.001"),
            object("intrusion-set", APT3, "mitre-attack", "G0016"),
            object(
                "attack-pattern",
                PROMPT_INJECTION,
                "mitre-atlas",
                "AML.T0051.000",
            ),
        ],
    )
}

#[test]
fn ingest_report_stores_the_report_and_refers_to_stored_attack_objects() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let attack = knowledge_base(dir.path());
    let output = phalanx(&data, &["ingest", attack.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let before = n_versions(&data);
    assert_eq!(before, 3);

    let pdf = fixture("briefing.pdf");
    let output = phalanx(
        &data,
        &[
            "--json",
            "ingest",
            "--report",
            "--default-tlp",
            "green",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let summary = &lines(&output)[0];
    assert_eq!(summary["stored"], true, "{summary}");
    assert_eq!(summary["n_rejected"], 0, "{summary}");
    let report = &summary["report"];
    assert_eq!(report["format"], "pdf");
    assert_eq!(report["name"], "Operation Glass Lantern: threat briefing");
    assert_eq!(report["n_attack_references"], 3, "{report}");
    assert_eq!(report["n_vulnerabilities"], 2, "{report}");
    let unresolved: Vec<&str> = report["unresolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    for id in ["T1566.002", "TA0011", "M1049", "S0154", "AML.T0024"] {
        assert!(unresolved.contains(&id), "{id} in {unresolved:?}");
    }
    assert_eq!(summary["n_objects"], report["n_objects"]);
    assert_eq!(summary["n_added"], report["n_objects"]);
    assert_eq!(
        n_versions(&data),
        before + report["n_objects"].as_u64().unwrap()
    );

    let report_id = report["report_id"].as_str().unwrap();
    let output = phalanx(&data, &["--json", "get", report_id]);
    assert!(output.status.success(), "{output:?}");
    let got: Value = serde_json::from_slice(&output.stdout).unwrap();
    let stored = &got["versions"][0]["object"];
    let refs: Vec<&str> = stored["object_refs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    for id in [POWERSHELL, APT3, PROMPT_INJECTION] {
        assert!(refs.contains(&id), "{id} in {refs:?}");
    }
    assert_eq!(stored["object_marking_refs"], json!([GREEN]));

    // `phalanx extract --stix` resolves against the store too (no --attack given).
    let output = phalanx(&data, &["extract", "--stix", pdf.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let bundle: Value = serde_json::from_slice(&output.stdout).unwrap();
    let refs = bundle["objects"][0]["object_refs"].as_array().unwrap();
    for id in [POWERSHELL, APT3, PROMPT_INJECTION] {
        assert!(refs.contains(&json!(id)), "{id} in {refs:?}");
    }

    // The same briefing as text: another report (its text differs from the PDF's text
    // layer), whose indicators the collection already holds: referred to, not rewritten.
    let txt = fixture("briefing.txt");
    let before = n_versions(&data);
    let output = phalanx(
        &data,
        &["--json", "ingest", "--report", txt.to_str().unwrap()],
    );
    assert!(output.status.success(), "{output:?}");
    let summary = &lines(&output)[0];
    let kept = summary["report"]["n_kept"].as_u64().unwrap();
    assert!(kept >= 10, "{summary}");
    assert_eq!(
        n_versions(&data),
        before + summary["n_added"].as_u64().unwrap()
    );
    assert_eq!(summary["n_objects"], summary["report"]["n_objects"]);

    // The text summary names the report and the ids the store lacks.
    let markdown = fixture("apt-report.md");
    let output = phalanx(
        &data,
        &[
            "ingest",
            "--report",
            "--title",
            "APT notes",
            markdown.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(text.contains("report report--"), "{text}");
    assert!(text.contains("\"APT notes\" (markdown)"), "{text}");
    assert!(text.contains("not in the store"), "{text}");
}

#[test]
fn a_report_that_cannot_be_read_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let broken = dir.path().join("broken.pdf");
    std::fs::write(&broken, b"%PDF-1.7\nthis is not a PDF body").unwrap();
    let output = phalanx(
        &data,
        &["--json", "ingest", "--report", broken.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let summary = &lines(&output)[0];
    assert_eq!(summary["stored"], false);
    let reason = summary["rejected"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("broken.pdf") && reason.contains("PDF"),
        "{reason}"
    );
    assert_eq!(n_versions(&data), 0);
    // --format belongs to --report, and --report does not mix with --from.
    let output = phalanx(
        &data,
        &["ingest", "--format", "pdf", broken.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let output = phalanx(
        &data,
        &[
            "ingest",
            "--report",
            "--from",
            "csv",
            broken.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}
