//! Converts peers' files to a STIX 2.1 bundle on stdout, with the importer's diagnostics on
//! stderr: `cargo run -p export --example import -- misp|misp-feed|csv|txt PATH`.
//!
//! Used by `bench/misp-interop/compare.py` to compare the MISP importer with `misp-stix`.

use std::process::ExitCode;

use export::import::list::{ListFormat, import_list};
use export::import::misp::{FsFeed, import_misp, import_misp_feed};
use export::import::{ImportOptions, Imported};
use stix::{Bundle, StixTimestamp};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, path] = args.as_slice() else {
        eprintln!("usage: import misp|misp-feed|csv|txt PATH");
        return ExitCode::from(2);
    };
    let now = StixTimestamp::parse("2024-01-01T00:00:00Z").expect("a valid timestamp");
    let options = ImportOptions::new("example", now);
    let read = || std::fs::read(path).map_err(|error| error.to_string());
    let result: Result<Imported, String> = match from.as_str() {
        "misp" => read().and_then(|input| import_misp(&input, &options).map_err(|e| e.to_string())),
        "misp-feed" => {
            import_misp_feed(&mut FsFeed::new(path), &options).map_err(|e| e.to_string())
        }
        "csv" => read().and_then(|input| {
            import_list(&input, ListFormat::Csv, &options).map_err(|e| e.to_string())
        }),
        "txt" => read().and_then(|input| {
            import_list(&input, ListFormat::Plain, &options).map_err(|e| e.to_string())
        }),
        other => Err(format!("unknown source {other:?}")),
    };
    match result {
        Ok(imported) => {
            for diagnostic in &imported.diagnostics {
                eprintln!("{diagnostic}");
            }
            let mut bundle = Bundle::new(imported.objects);
            bundle.id = stix::StixId::parse("bundle--00000000-0000-4000-8000-000000000000")
                .expect("a valid id");
            println!(
                "{}",
                serde_json::to_string(&bundle).expect("bundles serialise")
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
