//! Fuzzes evaluation on untrusted observed data: the input is a pattern on its first line and
//! JSON after it; the JSON is read as observations (bundles, lists, observed-data in either
//! form) and the pattern, when it parses, is evaluated against them within small limits.

#![no_main]

use libfuzzer_sys::fuzz_target;
use stix_pattern::{EvalLimits, Evaluator, Observations, Pattern, StixVersion, observation_keys};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (pattern, json) = text.split_once('\n').unwrap_or((text, "[]"));
    let Ok(value) = serde_json::from_str::<serde_json::Value>(json) else {
        return;
    };
    let Ok(observations) = Observations::from_json(&value) else {
        return;
    };
    for observation in observations.iter() {
        let _ = observation_keys(observation);
    }
    let Ok(pattern) = Pattern::parse(pattern, StixVersion::V2_1) else {
        return;
    };
    if let Ok(evaluator) = Evaluator::new(&pattern) {
        let limits = EvalLimits {
            max_steps: 100_000,
            max_depth: 100,
        };
        let _ = evaluator.with_limits(limits).evaluate(&observations);
    }
});
