//! Fuzzes the STIX bundle parser and validation: `Bundle::from_json`, then `validate_bundle`
//! on what parsed, and `validate_value` on any JSON (strict and default options).

#![no_main]

use libfuzzer_sys::fuzz_target;
use stix::{Bundle, ValidationOptions, validate_bundle, validate_value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let default = ValidationOptions::default();
    let strict = ValidationOptions {
        strict: true,
        strict_types: true,
        strict_properties: true,
        enforce_refs: true,
        ..ValidationOptions::default()
    };
    if let Ok(bundle) = Bundle::from_json(text) {
        let _ = validate_bundle(&bundle, &default);
        let _ = validate_bundle(&bundle, &strict);
        let value = serde_json::to_value(&bundle).expect("a parsed bundle serializes");
        let reparsed = Bundle::from_value(value).expect("a serialized bundle parses again");
        assert_eq!(reparsed, bundle);
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = validate_value(&value, &default);
        let _ = validate_value(&value, &strict);
    }
});
