//! Unit tests of the validation rules: one line of JSON per case and the diagnostics it
//! yields, as `check: path: message`.

use expect_test::{Expect, expect};
use serde_json::Value;

use super::*;

#[track_caller]
fn check_with(options: &ValidationOptions, json: &str, expect: Expect) {
    let value: Value = serde_json::from_str(json).expect("test JSON parses");
    let lines: Vec<String> = validate_value(&value, options)
        .iter()
        .map(|d| {
            let severity = if d.is_error() { "E" } else { "W" };
            format!(
                "{severity} {}: {}: {}",
                d.check.unwrap_or("-"),
                d.path,
                d.message
            )
        })
        .collect();
    expect.assert_eq(&lines.join("\n"));
}

#[track_caller]
fn check(json: &str, expect: Expect) {
    check_with(&ValidationOptions::default(), json, expect);
}

const SDO: &str = r#""spec_version": "2.1", "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z""#;

fn sdo(object_type: &str, rest: &str) -> String {
    format!(
        r#"{{"type": "{object_type}", "id": "{object_type}--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", {SDO}{rest}}}"#
    )
}

#[test]
fn valid_indicator_has_no_diagnostics() {
    check(
        &sdo(
            "indicator",
            r#", "name": "x", "description": "y", "indicator_types": ["malicious-activity"], "pattern": "[url:value = 'http://x.example/']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z""#,
        ),
        expect![[""]],
    );
}
