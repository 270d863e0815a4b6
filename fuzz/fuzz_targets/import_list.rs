//! Fuzzes the indicator-list importers (plain and CSV): any bytes give indicators and
//! diagnostics, never a panic, and every indicator made passes STIX validation.

#![no_main]

use export::import::ImportOptions;
use export::import::list::{ListFormat, import_list};
use libfuzzer_sys::fuzz_target;
use stix::{StixTimestamp, ValidationOptions, validate_object};

fuzz_target!(|data: &[u8]| {
    let now = StixTimestamp::parse("2024-01-01T00:00:00Z").expect("a valid time");
    let options = ImportOptions::new("fuzz", now);
    for format in [ListFormat::Plain, ListFormat::Csv] {
        let imported =
            import_list(data, format, &options).expect("lists under the size limit are read");
        for object in &imported.objects {
            let diagnostics = validate_object(object, &ValidationOptions::default());
            assert!(
                diagnostics.iter().all(|d| !d.is_error()),
                "{object:?}: {diagnostics:?}"
            );
        }
    }
});
