//! The OASIS conformance cases in `../shared/conformance` (read in place: their licences keep
//! them out of this repository): the pattern validator's valid and invalid patterns, and the
//! pattern matcher's cases. Every case must give the reference answer.
//!
//! The folder is found through `PHALANX_SHARED`, else `<repo>/../shared`; when it is absent the
//! tests say so and check nothing.

use std::path::PathBuf;

use serde_json::Value;
use stix_pattern::{Evaluator, Observations, Pattern, StixVersion};

fn shared_file(name: &str) -> Option<String> {
    let shared = std::env::var_os("PHALANX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let path = shared.join("conformance").join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) => {
            eprintln!(
                "conformance file {} is absent ({error}): skipping these cases",
                path.display()
            );
            None
        }
    }
}

/// Evaluates one matcher case: `Ok(matched)` or the error message.
fn run_case(case: &Value) -> Result<bool, String> {
    let version = case["stix_version"]
        .as_str()
        .and_then(StixVersion::parse)
        .unwrap_or_default();
    let pattern_text = case["pattern"].as_str().ok_or("no pattern")?;
    let pattern = Pattern::parse(pattern_text, version).map_err(|error| error.to_string())?;
    let observations =
        Observations::from_json(&case["observed_data"]).map_err(|error| error.to_string())?;
    let evaluator = Evaluator::new(&pattern).map_err(|error| error.to_string())?;
    let found = evaluator
        .evaluate(&observations)
        .map_err(|error| error.to_string())?;
    Ok(found.is_some())
}

#[test]
fn valid_patterns_parse() {
    let Some(text) = shared_file("patterns_valid.txt") else {
        return;
    };
    let failures: Vec<String> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| {
            Pattern::validate(line, StixVersion::V2_1)
                .err()
                .map(|error| format!("{line}\n    {error}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "valid patterns refused:\n{}",
        failures.join("\n")
    );
}

#[test]
fn invalid_patterns_are_refused() {
    let Some(text) = shared_file("patterns_invalid.txt") else {
        return;
    };
    let accepted: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter(|line| Pattern::validate(line, StixVersion::V2_1).is_ok())
        .collect();
    assert!(
        accepted.is_empty(),
        "invalid patterns accepted:\n{}",
        accepted.join("\n")
    );
}

#[test]
fn invalid_patterns_of_both_versions_are_refused_at_the_reference_offset() {
    let Some(text) = shared_file("patterns_invalid_errors.jsonl") else {
        return;
    };
    let mut problems = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("conformance lines are JSON");
        let pattern = case["pattern"].as_str().expect("pattern");
        let version = case["stix_version"]
            .as_str()
            .and_then(StixVersion::parse)
            .expect("version");
        let prefix = case["error_prefix"].as_str().expect("error_prefix");
        match Pattern::validate(pattern, version) {
            Ok(_) => problems.push(format!("{version:?} accepted {pattern}")),
            Err(error) => {
                // "FAIL: Error found at line 1:13. …" gives the reference's column; ours is a
                // byte offset, the same for these ASCII patterns.
                let reference = prefix
                    .strip_prefix("FAIL: Error found at line 1:")
                    .and_then(|rest| rest.split('.').next())
                    .and_then(|column| column.parse::<usize>().ok());
                if let (Some(reference), Some(offset)) = (reference, error.offset())
                    && reference != offset
                {
                    problems.push(format!(
                        "{pattern}: offset {offset}, reference {reference} ({prefix}); ours: {error}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn matcher_cases_give_the_reference_answer() {
    let Some(text) = shared_file("matcher_cases.jsonl") else {
        return;
    };
    let mut failures = Vec::new();
    let mut n_cases = 0;
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        n_cases += 1;
        let case: Value = serde_json::from_str(line).expect("conformance lines are JSON");
        let expected = case["expected"].as_bool().expect("boolean expectation");
        match run_case(&case) {
            Ok(matched) if matched == expected => {}
            outcome => failures.push(format!(
                "{} expected {expected}, got {outcome:?}",
                case["pattern"]
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n_cases} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn matcher_error_cases_are_refused() {
    let Some(text) = shared_file("matcher_error_cases.jsonl") else {
        return;
    };
    let mut failures = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("conformance lines are JSON");
        if let Ok(matched) = run_case(&case) {
            failures.push(format!(
                "{} {} gave {matched}",
                case["stix_version"], case["pattern"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "cases that should fail:\n{}",
        failures.join("\n")
    );
}
