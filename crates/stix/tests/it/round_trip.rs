//! Every object of a real bundle serializes back to JSON equal to its input.

use std::path::PathBuf;

use serde_json::Value;
use stix::{Bundle, StixObject};

fn shared_data(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(relative);
    path.exists().then_some(path)
}

fn assert_round_trips(relative: &str) {
    let Some(path) = shared_data(relative) else {
        eprintln!("skipped: {relative} not found beside the checkout (../shared/data)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let input: Value = serde_json::from_str(&text).unwrap();
    let bundle = Bundle::from_json(&text).unwrap();
    let inputs = input["objects"].as_array().unwrap();
    assert_eq!(bundle.objects.len(), inputs.len());
    for (object, original) in bundle.objects.iter().zip(inputs) {
        assert_eq!(
            &object.to_value(),
            original,
            "{} does not round-trip",
            object.id()
        );
        let reparsed = StixObject::from_json(&object.to_json()).unwrap();
        assert_eq!(&reparsed, object);
    }
    assert_eq!(serde_json::to_value(&bundle).unwrap(), input);
}

#[test]
fn attack_enterprise_round_trips() {
    assert_round_trips("attack/enterprise-attack-18.1.json");
}

#[test]
fn attack_ics_round_trips() {
    assert_round_trips("attack/ics-attack-18.1.json");
}

#[test]
fn atlas_round_trips() {
    assert_round_trips("atlas/stix-atlas.json");
}
