//! Running the binary and building inputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

/// Runs `phalanx --data-dir DIR ARGS...` and returns its output.
pub fn phalanx(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_phalanx"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("PHALANX_DATABASE_URL")
        .output()
        .expect("the phalanx binary runs")
}

/// Returns stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Returns the number of object versions stored, from `phalanx stats --json`.
pub fn n_versions(data_dir: &Path) -> u64 {
    let output = phalanx(data_dir, &["--json", "stats"]);
    assert!(output.status.success(), "{output:?}");
    let stats: Value = serde_json::from_slice(&output.stdout).unwrap();
    stats["n_versions"].as_u64().unwrap()
}

/// A valid indicator with a number in its id and pattern.
pub fn indicator(n: u64) -> Value {
    json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-{n:012x}"),
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": format!("indicator {n}"),
        "description": "test indicator",
        "indicator_types": ["malicious-activity"],
        "pattern": format!("[domain-name:value = 'host{n}.example.com']"),
        "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z"
    })
}

/// Writes a bundle of `objects` to `dir/name` and returns its path.
pub fn write_bundle(dir: &Path, name: &str, objects: Vec<Value>) -> PathBuf {
    let bundle = json!({
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": objects,
    });
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    path
}

/// Returns `../shared/data/<relative>` beside the checkout, when present.
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let shared = std::env::var_os("PHALANX_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let path = shared.join("data").join(relative);
    path.exists().then_some(path)
}
