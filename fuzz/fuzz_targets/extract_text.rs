//! Fuzzes the extractor on arbitrary text: it must never panic, and every finding's offsets
//! must slice the input on character boundaries.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let findings = extract::Extractor::new().extract(&text);
    for finding in findings {
        assert!(
            text.get(finding.span.clone())
                .is_some_and(|written| !written.is_empty())
        );
    }
});
