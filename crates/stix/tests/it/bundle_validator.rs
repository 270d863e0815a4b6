//! [`BundleValidator`] gives the diagnostics of [`validate_value`] on real bundles and on every
//! case of the OASIS validator's suite, wrapped in a bundle, whatever the order in which the
//! objects are checked.

use std::path::PathBuf;

use serde_json::{Map, Value, json};
use stix::validate::BundleValidator;
use stix::{Diagnostic, ValidationOptions, validate_value};

fn shared(relative: &str) -> Option<PathBuf> {
    let root = std::env::var_os("PHALANX_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let path = root.join(relative);
    path.exists().then_some(path)
}

/// Validates `bundle` object by object, the objects in reverse order.
fn by_parts(bundle: &Value, options: &ValidationOptions) -> Vec<Diagnostic> {
    let mut properties: Map<String, Value> = bundle.as_object().unwrap().clone();
    let Some(Value::Array(objects)) = properties.remove("objects") else {
        panic!("a bundle with a list of objects")
    };
    let (validator, mut diagnostics) = BundleValidator::new(&properties, objects.len(), options);
    let mut per_object = vec![Vec::new(); objects.len()];
    let mut keys = vec![None; objects.len()];
    for (idx, object) in objects.iter().enumerate().rev() {
        let (found, key) = validator.check_object(idx, object);
        per_object[idx] = found;
        keys[idx] = Some(key);
    }
    let keys: Vec<_> = keys.into_iter().map(Option::unwrap).collect();
    diagnostics.extend(per_object.into_iter().flatten());
    diagnostics.extend(validator.finish(&keys));
    diagnostics
}

fn options_of(case: &Value) -> ValidationOptions {
    let options = &case["options"];
    let flag = |name: &str| options[name].as_bool().unwrap_or(false);
    let list = |name: &str| -> Vec<String> {
        match &options[name] {
            Value::Array(items) => items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect(),
            Value::String(text) => text.split(',').map(str::to_owned).collect(),
            _ => Vec::new(),
        }
    };
    ValidationOptions {
        strict: flag("strict"),
        strict_types: flag("strict_types"),
        strict_properties: flag("strict_properties"),
        enabled: list("enabled"),
        disabled: list("disabled"),
        enforce_refs: flag("enforce_refs"),
        version: options["version"].as_str().map(str::to_owned),
        pattern_checker: None,
    }
}

#[test]
fn agrees_with_validate_value_on_the_oasis_cases() {
    let Some(path) = shared("conformance/stix_validator_cases.jsonl") else {
        eprintln!("skipped: ../shared/conformance is absent");
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let mut n_compared = 0;
    for (line_idx, line) in text.lines().enumerate() {
        let case: Value = serde_json::from_str(line).unwrap();
        let options = options_of(&case);
        let input = &case["input"];
        let bundle = match input {
            Value::Object(map)
                if map.get("type") == Some(&json!("bundle"))
                    && map.get("objects").is_some_and(Value::is_array) =>
            {
                input.clone()
            }
            Value::Object(_) => json!({
                "type": "bundle",
                "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
                "objects": [input, input],
            }),
            _ => continue,
        };
        assert_eq!(
            by_parts(&bundle, &options),
            validate_value(&bundle, &options),
            "case on line {}",
            line_idx + 1
        );
        n_compared += 1;
    }
    assert!(n_compared > 500, "only {n_compared} cases compared");
}

#[test]
fn agrees_with_validate_value_on_attack_enterprise() {
    let Some(path) = shared("data/attack/enterprise-attack-18.1.json") else {
        eprintln!("skipped: ../shared/data is absent");
        return;
    };
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for options in [
        ValidationOptions::default(),
        ValidationOptions {
            strict: true,
            enforce_refs: true,
            strict_properties: true,
            ..Default::default()
        },
    ] {
        let whole = validate_value(&bundle, &options);
        assert!(!whole.is_empty(), "ATT&CK has warnings");
        assert_eq!(by_parts(&bundle, &options), whole);
    }
}
