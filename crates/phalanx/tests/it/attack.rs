//! ATT&CK Enterprise: every object is stored, and the export gives each one back JSON-equal.

use std::collections::HashMap;

use serde_json::Value;

use crate::support::{phalanx, shared_data, stdout};

#[test]
fn attack_enterprise_ingests_and_exports_json_equal() {
    let Some(path) = shared_data("attack/enterprise-attack-18.1.json") else {
        eprintln!("skipped: ../shared/data/attack not found beside the checkout");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let output = phalanx(&data, &["--json", "ingest", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stdout(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["n_added"], 24_771);
    assert_eq!(report["n_rejected"], 0);

    let exported = dir.path().join("export.json");
    let output = phalanx(
        &data,
        &[
            "export",
            "--format",
            "stix",
            "--out",
            exported.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");

    let input: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let export: Value = serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(export["type"], "bundle");
    let key = |object: &Value| {
        format!(
            "{} {}",
            object["id"].as_str().unwrap(),
            object["modified"].as_str().unwrap_or("")
        )
    };
    let exported: HashMap<String, &Value> = export["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|object| (key(object), object))
        .collect();
    let inputs = input["objects"].as_array().unwrap();
    assert_eq!(inputs.len(), 24_771);
    assert_eq!(exported.len(), inputs.len());
    for object in inputs {
        assert_eq!(
            exported.get(&key(object)),
            Some(&object),
            "{} differs",
            key(object)
        );
    }
}
