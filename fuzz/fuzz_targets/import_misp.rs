//! Fuzzes the MISP importer: any bytes as a MISP event document must give objects or an
//! error, never a panic, and every object made must pass STIX validation.

#![no_main]

use export::import::ImportOptions;
use export::import::misp::import_misp;
use libfuzzer_sys::fuzz_target;
use stix::{StixTimestamp, ValidationOptions, validate_object};

fuzz_target!(|data: &[u8]| {
    let now = StixTimestamp::parse("2024-01-01T00:00:00Z").expect("a valid time");
    let options = ImportOptions::new("fuzz", now);
    if let Ok(imported) = import_misp(data, &options) {
        for object in &imported.objects {
            let diagnostics = validate_object(object, &ValidationOptions::default());
            assert!(
                diagnostics.iter().all(|d| !d.is_error()),
                "{object:?}: {diagnostics:?}"
            );
        }
    }
});
