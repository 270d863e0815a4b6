//! `phalanx validate`: checks STIX bundles or objects and reports every problem with its path.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;
use stix::{Bundle, Diagnostic, StixObject};

use crate::global::GlobalArgs;
use crate::input;

/// Arguments of `phalanx validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Bundles or single objects (JSON); `-` reads stdin, `.gz` files are decompressed.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Validates each file and prints the diagnostics; exits 1 when any file has an error.
///
/// # Errors
///
/// Fails when a file cannot be read.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    let mut any_error = false;
    let mut reports = Vec::new();
    for path in &args.files {
        let text = input::read_to_string(path)?;
        let diagnostics = check(&text);
        any_error |= diagnostics.iter().any(Diagnostic::is_error);
        reports.push((path.display().to_string(), diagnostics));
    }
    if global.json {
        for (file, diagnostics) in &reports {
            let line = serde_json::json!({
                "file": file,
                "valid": !diagnostics.iter().any(Diagnostic::is_error),
                "diagnostics": diagnostics,
            });
            println!("{line}");
        }
    } else {
        for (file, diagnostics) in &reports {
            if diagnostics.is_empty() {
                println!("{file}: valid");
            }
            for diagnostic in diagnostics {
                println!("{file}: {:?}: {diagnostic}", diagnostic.severity);
            }
        }
    }
    Ok(if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(text: &str) -> Vec<Diagnostic> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            return vec![Diagnostic::error(
                None,
                stix::JsonPath::root(),
                format!(
                    "invalid JSON at line {}, column {}: {error}",
                    error.line(),
                    error.column()
                ),
            )];
        }
    };
    let result = if value.get("type").and_then(Value::as_str) == Some("bundle") {
        Bundle::from_value(value).map(|_| ())
    } else {
        StixObject::from_value(value).map(|_| ())
    };
    match result {
        Ok(()) => Vec::new(),
        Err(error) => error.diagnostics().to_vec(),
    }
}
