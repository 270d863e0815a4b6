//! Fuzzes the STIX pattern parser, printer, evaluator and key compiler: any text is parsed
//! (grammar only and with the specification's rules, as 2.0 and 2.1); a pattern that parses
//! must print to a canonical text that parses back to the same tree, compile, and evaluate
//! against a small fixed set of observations without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use stix_pattern::{EvalLimits, Evaluator, Observations, Pattern, StixVersion, compile};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let version = if mode & 1 == 0 {
        StixVersion::V2_1
    } else {
        StixVersion::V2_0
    };
    let _ = Pattern::validate(&text, version);
    let Ok(pattern) = Pattern::parse(&text, version) else {
        return;
    };
    let canonical = pattern.to_string();
    let reparsed = Pattern::parse(&canonical, version).expect("the canonical text parses");
    assert_eq!(reparsed, pattern, "canonical text {canonical:?}");
    let _ = compile(&pattern);
    let observed = serde_json::json!([{
        "type": "observed-data",
        "id": "observed-data--1",
        "first_observed": "2020-01-01T00:00:00Z",
        "last_observed": "2020-01-01T00:00:09Z",
        "number_observed": 3,
        "objects": {
            "0": {"type": "network-traffic", "dst_ref": "1", "dst_port": 443, "protocols": ["tcp"]},
            "1": {"type": "ipv4-addr", "value": "198.51.100.1"},
            "2": {"type": "file", "name": "a.exe", "hashes": {"MD5": "cead3f77f6cda6ec00f57d76c9a6879f"}, "payload_bin": "YWJj"},
            "3": {"type": "domain-name", "value": "example.com", "resolves_to_refs": ["1"]}
        }
    }]);
    let observations = Observations::from_json(&observed).expect("the fixed data is valid");
    if let Ok(evaluator) = Evaluator::new(&pattern) {
        let limits = EvalLimits {
            max_steps: 100_000,
            max_depth: 100,
        };
        let _ = evaluator.with_limits(limits).evaluate(&observations);
    }
});
