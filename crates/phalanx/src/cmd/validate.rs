//! `phalanx validate`: checks STIX bundles or objects and reports every problem with its check,
//! object id and JSON path; `--cases` replays the OASIS validator's conformance cases.
//!
//! The options mirror `stix2-validator`'s (`--strict`, `--enable`, `--disable`,
//! `--strict-types`, `--strict-properties`, `--enforce-refs`, `--version`), so that a user of
//! that tool can use Phalanx the same way.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde_json::Value;
use stix::validate::{CHECKS, PatternChecker, Requirement, check_info};
use stix::{Diagnostic, ValidationOptions, validate_value};
use stix_pattern::{ComparisonExpr, ObservationExpr, PathStep, Pattern, StixVersion};

use crate::global::GlobalArgs;
use crate::input;

/// Arguments of `phalanx validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Bundles, single objects or lists of objects (JSON); `-` reads stdin, `.gz` files are
    /// decompressed.
    #[arg(required_unless_present_any = ["cases", "list_checks"])]
    files: Vec<PathBuf>,
    /// Reports SHOULD checks as errors instead of warnings.
    #[arg(long)]
    strict: bool,
    /// Refuses object types the spec does not define.
    #[arg(long)]
    strict_types: bool,
    /// Refuses properties the spec does not define.
    #[arg(long)]
    strict_properties: bool,
    /// Runs only these SHOULD checks or groups (repeat or separate with commas).
    #[arg(long = "enable", value_name = "CHECK", value_delimiter = ',')]
    enabled: Vec<String>,
    /// Does not run these SHOULD checks or groups (repeat or separate with commas).
    #[arg(long = "disable", value_name = "CHECK", value_delimiter = ',')]
    disabled: Vec<String>,
    /// Requires relationships and sightings to refer to objects in the same bundle.
    #[arg(long)]
    enforce_refs: bool,
    /// The STIX version to validate against (default: each object's `spec_version`, else 2.1).
    #[arg(long, value_name = "VERSION", value_parser = ["2.0", "2.1"])]
    version: Option<String>,
    /// Lists the checks (name, MUST/SHOULD, what they look at) and exits.
    #[arg(long, conflicts_with = "cases")]
    list_checks: bool,
    /// Replays conformance cases (JSON lines with `input`, `options`, `expected_valid`,
    /// `source`) and reports the agreement with their expected outcome.
    #[arg(long, value_name = "FILE")]
    cases: Option<PathBuf>,
    /// With `--cases`: what decides each case (MUST or SHOULD), one JSON line per case.
    #[arg(long, value_name = "FILE", requires = "cases")]
    decided_by: Option<PathBuf>,
    /// With `--cases`: documented disagreements on MUST-decided cases, one JSON line each
    /// (`line`, `sha256`, `reason`); they are reported but do not fail the run.
    #[arg(long, value_name = "FILE", requires = "cases")]
    deviations: Option<PathBuf>,
}

impl Args {
    fn options(&self) -> ValidationOptions {
        ValidationOptions {
            strict: self.strict,
            strict_types: self.strict_types,
            strict_properties: self.strict_properties,
            enabled: self.enabled.clone(),
            disabled: self.disabled.clone(),
            enforce_refs: self.enforce_refs,
            version: self.version.clone(),
            pattern_checker: Some(PATTERN_CHECKER),
        }
    }
}

/// Checks `stix` patterns with `stix-pattern`: the grammar and the rules beyond it.
pub const PATTERN_CHECKER: PatternChecker = PatternChecker(check_pattern);

fn check_pattern(pattern: &str, version: &str) -> Result<Vec<(String, String)>, String> {
    let version = if version == "2.0" {
        StixVersion::V2_0
    } else {
        StixVersion::V2_1
    };
    let pattern = Pattern::validate(pattern, version).map_err(|error| error.to_string())?;
    let mut paths = Vec::new();
    collect_paths(&pattern.expression, &mut paths);
    Ok(paths)
}

/// Collects `(object type, first property)` of every comparison of an observation expression.
fn collect_paths(expression: &ObservationExpr, out: &mut Vec<(String, String)>) {
    match expression {
        ObservationExpr::Comparison(comparison) => collect_comparison_paths(comparison, out),
        ObservationExpr::And(operands)
        | ObservationExpr::Or(operands)
        | ObservationExpr::FollowedBy(operands) => {
            for operand in operands {
                collect_paths(operand, out);
            }
        }
        ObservationExpr::Qualified { expr, .. } => collect_paths(expr, out),
    }
}

fn collect_comparison_paths(expression: &ComparisonExpr, out: &mut Vec<(String, String)>) {
    match expression {
        ComparisonExpr::Comparison(comparison) => {
            if let Some(PathStep::Key(property)) = comparison.path.steps.first() {
                out.push((comparison.path.object_type.clone(), property.clone()));
            }
        }
        ComparisonExpr::And(operands) | ComparisonExpr::Or(operands) => {
            for operand in operands {
                collect_comparison_paths(operand, out);
            }
        }
    }
}

/// Validates each file and prints the diagnostics; exits 1 when anything is invalid.
///
/// # Errors
///
/// Fails when a file cannot be read or a check name is unknown.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    if args.list_checks {
        list_checks(global);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(cases) = &args.cases {
        return run_cases(global, &args, cases);
    }
    let options = args.options();
    options.check_names()?;
    let mut any_error = false;
    let mut reports = Vec::new();
    for path in &args.files {
        let text = input::read_to_string(path)?;
        let diagnostics = check_text(&text, &options);
        any_error |= diagnostics.iter().any(Diagnostic::is_error);
        reports.push((path.display().to_string(), diagnostics));
    }
    if global.json {
        for (file, diagnostics) in &reports {
            let line = serde_json::json!({
                "file": file,
                "valid": !diagnostics.iter().any(Diagnostic::is_error),
                "n_errors": diagnostics.iter().filter(|d| d.is_error()).count(),
                "n_warnings": diagnostics.iter().filter(|d| !d.is_error()).count(),
                "diagnostics": diagnostics,
            });
            println!("{line}");
        }
    } else {
        print_reports(&reports);
    }
    Ok(if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_reports(reports: &[(String, Vec<Diagnostic>)]) {
    for (file, diagnostics) in reports {
        let n_errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let n_warnings = diagnostics.len() - n_errors;
        if diagnostics.is_empty() {
            println!("{file}: valid");
            continue;
        }
        let mut table = Table::new();
        table.load_style(UTF8_FULL_CONDENSED);
        table.set_header(["severity", "check", "object", "path", "message"]);
        for diagnostic in diagnostics {
            table.add_row([
                format!("{:?}", diagnostic.severity).to_lowercase(),
                diagnostic.check.unwrap_or("-").to_owned(),
                diagnostic
                    .object_id
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), ToString::to_string),
                diagnostic.path.to_string(),
                diagnostic.message.clone(),
            ]);
        }
        let verdict = if n_errors > 0 { "invalid" } else { "valid" };
        println!("{file}: {verdict} ({n_errors} errors, {n_warnings} warnings)");
        println!("{table}");
    }
}

fn list_checks(global: &GlobalArgs) {
    if global.json {
        for check in CHECKS {
            println!(
                "{}",
                serde_json::to_string(check).expect("checks serialize")
            );
        }
        return;
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(["check", "code", "requirement", "what it looks at"]);
    for check in CHECKS {
        table.add_row([
            check.name,
            check.code.unwrap_or(""),
            match check.requirement {
                Requirement::Must => "MUST",
                Requirement::Should => "SHOULD",
            },
            check.description,
        ]);
    }
    println!("{table}");
}

/// Parses `text` as JSON and validates it, turning a syntax error into a diagnostic.
fn check_text(text: &str, options: &ValidationOptions) -> Vec<Diagnostic> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => validate_value(&value, options),
        // serde_json's message already names the line and column.
        Err(error) => vec![Diagnostic::error(
            None,
            stix::JsonPath::root(),
            format!("invalid JSON: {error}"),
        )],
    }
}

/// What decides a case's expected outcome in the reference, from `--decided-by`.
#[derive(Debug, Clone, serde::Deserialize)]
struct DecidedBy {
    line: usize,
    sha256: String,
    decided_by: String,
    #[serde(default)]
    should_codes: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

/// A documented disagreement, from `--deviations`.
#[derive(Debug, Clone, serde::Deserialize)]
struct Deviation {
    line: usize,
    sha256: String,
    reason: String,
}

/// The outcome of one case.
#[derive(Debug, serde::Serialize)]
struct CaseOutcome {
    line: usize,
    source: String,
    expected_valid: bool,
    phalanx_valid: bool,
    agrees: bool,
    /// `MUST` or `SHOULD`: what decides the disagreement (see docs/stix-validation.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_by: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deviation: Option<String>,
}

fn read_lines<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let text = input::read_to_string(path)?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(idx, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{} line {}", path.display(), idx + 1))
        })
        .collect()
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn case_options(options: &Value) -> ValidationOptions {
    let flag = |name: &str| options.get(name).and_then(Value::as_bool).unwrap_or(false);
    ValidationOptions {
        strict: flag("strict"),
        strict_types: flag("strict_types"),
        strict_properties: flag("strict_properties"),
        enabled: string_list(options.get("enabled")),
        disabled: string_list(options.get("disabled")),
        enforce_refs: flag("enforce_refs"),
        version: options
            .get("version")
            .and_then(Value::as_str)
            .map(str::to_owned),
        pattern_checker: Some(PATTERN_CHECKER),
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Explains a disagreement from Phalanx's side.
fn explain(
    expected_valid: bool,
    diagnostics: &[Diagnostic],
    decided: Option<&DecidedBy>,
    options: &Value,
) -> (&'static str, String) {
    let unsupported: Vec<&str> = options
        .as_object()
        .into_iter()
        .flat_map(|map| map.keys())
        .filter(|key| {
            !matches!(
                key.as_str(),
                "strict"
                    | "strict_types"
                    | "strict_properties"
                    | "enabled"
                    | "disabled"
                    | "enforce_refs"
                    | "version"
            )
        })
        .map(String::as_str)
        .collect();
    if !unsupported.is_empty() {
        return (
            "SHOULD",
            format!(
                "uses validator options Phalanx does not offer: {}",
                unsupported.join(", ")
            ),
        );
    }
    if expected_valid {
        let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
        let must = errors.iter().any(|d| {
            d.check
                .and_then(check_info)
                .is_some_and(|check| check.requirement == Requirement::Must)
        });
        let listed = errors
            .iter()
            .map(|d| format!("{} {}: {}", d.check.unwrap_or("-"), d.path, d.message))
            .collect::<Vec<_>>()
            .join("; ");
        let decided_by = if must { "MUST" } else { "SHOULD" };
        (decided_by, format!("Phalanx reports: {listed}"))
    } else {
        match decided {
            Some(decided) if decided.decided_by == "SHOULD" => (
                "SHOULD",
                format!(
                    "the reference rejects it only in strict mode, by SHOULD checks {:?}; Phalanx does not",
                    decided.should_codes
                ),
            ),
            Some(decided) => (
                "MUST",
                format!(
                    "the reference rejects it by a MUST rule{}; Phalanx finds no error",
                    decided
                        .note
                        .as_ref()
                        .map(|note| format!(" ({note})"))
                        .unwrap_or_default()
                ),
            ),
            None => (
                "MUST",
                "the reference rejects it; Phalanx finds no error (no classification given)"
                    .to_owned(),
            ),
        }
    }
}

fn run_cases(global: &GlobalArgs, args: &Args, cases_path: &Path) -> anyhow::Result<ExitCode> {
    let text = input::read_to_string(cases_path)?;
    let decided: HashMap<usize, DecidedBy> = match &args.decided_by {
        Some(path) => read_lines::<DecidedBy>(path)?
            .into_iter()
            .map(|entry| (entry.line, entry))
            .collect(),
        None => HashMap::new(),
    };
    let deviations: HashMap<usize, Deviation> = match &args.deviations {
        Some(path) => read_lines::<Deviation>(path)?
            .into_iter()
            .map(|entry| (entry.line, entry))
            .collect(),
        None => HashMap::new(),
    };
    let mut outcomes = Vec::new();
    let mut stale = Vec::new();
    for (line_idx, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Value = serde_json::from_str(line)
            .with_context(|| format!("{} line {}", cases_path.display(), line_idx + 1))?;
        let hash = sha256_hex(line);
        let decided_entry = decided.get(&line_idx).filter(|entry| entry.sha256 == hash);
        if args.decided_by.is_some() && decided_entry.is_none() {
            stale.push(line_idx);
        }
        let options_value = case.get("options").cloned().unwrap_or(Value::Null);
        let options = case_options(&options_value);
        let expected_valid = case
            .get("expected_valid")
            .and_then(Value::as_bool)
            .with_context(|| format!("line {line_idx}: `expected_valid` missing"))?;
        let input = case.get("input").cloned().unwrap_or(Value::Null);
        let diagnostics = validate_value(&input, &options);
        let phalanx_valid = !diagnostics.iter().any(Diagnostic::is_error);
        let source = case
            .get("source")
            .and_then(Value::as_str)
            .unwrap_or("-")
            .to_owned();
        let agrees = phalanx_valid == expected_valid;
        let (decided_by, reason) = if agrees {
            (None, None)
        } else {
            let (decided_by, reason) =
                explain(expected_valid, &diagnostics, decided_entry, &options_value);
            (Some(decided_by), Some(reason))
        };
        let deviation = deviations
            .get(&line_idx)
            .filter(|entry| entry.sha256 == hash && !agrees)
            .map(|entry| entry.reason.clone());
        outcomes.push(CaseOutcome {
            line: line_idx,
            source,
            expected_valid,
            phalanx_valid,
            agrees,
            decided_by,
            reason,
            deviation,
        });
    }
    let failing_must: Vec<&CaseOutcome> = outcomes
        .iter()
        .filter(|outcome| outcome.decided_by == Some("MUST") && outcome.deviation.is_none())
        .collect();
    let now_agreeing: Vec<usize> = deviations
        .keys()
        .copied()
        .filter(|line| outcomes.iter().any(|o| o.line == *line && o.agrees))
        .collect();
    if global.json {
        print_cases_json(&outcomes, &failing_must, &stale);
    } else {
        print_cases_text(&outcomes, &failing_must, &stale, &now_agreeing);
    }
    Ok(if failing_must.is_empty() && stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn source_file(source: &str) -> &str {
    let path = source.split("::").next().unwrap_or(source);
    path.rsplit('/').next().unwrap_or(path)
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".to_owned();
    }
    // Counts stay far below 2^52, so the conversion to f64 is exact.
    #[expect(clippy::cast_precision_loss, reason = "counts of test cases are small")]
    let ratio = part as f64 * 100.0 / whole as f64;
    format!("{ratio:.1} %")
}

fn print_cases_text(
    outcomes: &[CaseOutcome],
    failing_must: &[&CaseOutcome],
    stale: &[usize],
    now_agreeing: &[usize],
) {
    let n_agree = outcomes.iter().filter(|o| o.agrees).count();
    println!(
        "agreement with the reference: {n_agree}/{} ({})",
        outcomes.len(),
        percent(n_agree, outcomes.len())
    );
    let mut per_file: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for outcome in outcomes {
        let entry = per_file.entry(source_file(&outcome.source)).or_default();
        entry.1 += 1;
        if outcome.agrees {
            entry.0 += 1;
        }
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(["source file", "agree", "cases", "agreement"]);
    for (file, (agree, total)) in &per_file {
        table.add_row([
            (*file).to_owned(),
            agree.to_string(),
            total.to_string(),
            percent(*agree, *total),
        ]);
    }
    println!("{table}");
    let disagreements: Vec<&CaseOutcome> = outcomes.iter().filter(|o| !o.agrees).collect();
    println!("\ndisagreements: {}", disagreements.len());
    for outcome in &disagreements {
        let label = match (&outcome.deviation, outcome.decided_by) {
            (Some(_), _) => "MUST, documented deviation",
            (None, Some("MUST")) => "MUST, FAILING",
            _ => "SHOULD",
        };
        println!(
            "- line {} [{label}] expected {} got {} ({})",
            outcome.line,
            verdict(outcome.expected_valid),
            verdict(outcome.phalanx_valid),
            outcome.source
        );
        if let Some(reason) = &outcome.reason {
            println!("    {reason}");
        }
        if let Some(deviation) = &outcome.deviation {
            println!("    why Phalanx differs: {deviation}");
        }
    }
    let n_deviations = disagreements
        .iter()
        .filter(|o| o.deviation.is_some())
        .count();
    let n_should = disagreements
        .iter()
        .filter(|o| o.decided_by == Some("SHOULD"))
        .count();
    println!(
        "\nMUST-decided disagreements: {} ({} failing, {n_deviations} documented deviations); SHOULD-decided disagreements: {n_should}",
        failing_must.len() + n_deviations,
        failing_must.len()
    );
    for line in now_agreeing {
        println!("note: documented deviation on line {line} now agrees; remove it from the list");
    }
    if !stale.is_empty() {
        println!(
            "the classification file does not match {} case lines (first: {:?}); regenerate it",
            stale.len(),
            &stale[..stale.len().min(5)]
        );
    }
    if !failing_must.is_empty() {
        let lines: Vec<String> = failing_must.iter().map(|o| o.line.to_string()).collect();
        println!("FAILING MUST-decided cases: lines {}", lines.join(", "));
    }
}

fn print_cases_json(outcomes: &[CaseOutcome], failing_must: &[&CaseOutcome], stale: &[usize]) {
    let n_agree = outcomes.iter().filter(|o| o.agrees).count();
    let report = serde_json::json!({
        "n_cases": outcomes.len(),
        "n_agree": n_agree,
        "failing_must_lines": failing_must.iter().map(|o| o.line).collect::<Vec<_>>(),
        "stale_classification_lines": stale,
        "disagreements": outcomes.iter().filter(|o| !o.agrees).collect::<Vec<_>>(),
    });
    println!("{report}");
}

fn verdict(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_json_names_line_and_column_once() {
        let diagnostics = check_text("{\n  \"type\": }", &ValidationOptions::default());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].message,
            "invalid JSON: expected value at line 2 column 11"
        );
    }

    #[test]
    fn case_options_map_the_validator_names() {
        let options = case_options(&serde_json::json!({
            "strict": true, "disabled": ["extensions-use"], "version": "2.1"
        }));
        assert!(options.strict && !options.strict_types);
        assert_eq!(options.disabled, ["extensions-use"]);
        assert_eq!(options.version.as_deref(), Some("2.1"));
    }

    #[test]
    fn sha256_is_hex_of_the_line() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
