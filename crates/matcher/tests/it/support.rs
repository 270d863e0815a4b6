//! Helpers shared by the tests: loading the test indicators and scanning test files.

use std::path::{Path, PathBuf};

use matcher::{
    FormatSpec, IndicatorIndex, InputReport, Match, ScanOptions, compile, open_input, read_bundle,
    scan_input,
};
use stix::StixTimestamp;

/// Returns the path of a file under `testdata/`.
pub fn testdata(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(relative)
}

/// Builds the index of `testdata/indicators.json`; returns it with the compile errors, as
/// `reason: message` lines.
pub fn test_index() -> (IndicatorIndex, Vec<String>) {
    let file = std::fs::File::open(testdata("indicators.json")).unwrap();
    let mut index = IndicatorIndex::new();
    let mut errors = Vec::new();
    read_bundle(file, |_, record| match compile(&record) {
        Ok(entry) => {
            index.upsert(&entry).unwrap();
        }
        Err(error) => errors.push(format!("{}: {error}", error.reason())),
    })
    .unwrap();
    (index, errors)
}

/// Options with a fixed clock (2024-01-20), for events without a time.
pub fn options() -> ScanOptions {
    ScanOptions::new(StixTimestamp::parse("2024-01-20T00:00:00Z").unwrap())
}

/// Scans a test file with a format spec.
pub fn scan(relative: &str, spec: &FormatSpec, index: &IndicatorIndex) -> InputReport {
    let input = open_input(&testdata(relative), None).unwrap();
    scan_input(input, spec, index, options(), false).unwrap()
}

/// Prints matches one a line: `line field=value -> key (indicator name) @time`.
pub fn render(matches: &[Match]) -> String {
    let mut out = String::new();
    for found in matches {
        let time = found
            .time
            .map(|time| time.to_string())
            .unwrap_or_else(|| "-".to_owned());
        out.push_str(&format!(
            "{} {}={} -> {} ({}) @{}\n",
            found.line,
            found.field,
            found.value,
            found.key,
            found.name.as_deref().unwrap_or("?"),
            time
        ));
    }
    out
}
