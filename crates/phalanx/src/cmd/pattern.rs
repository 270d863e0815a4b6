//! `phalanx pattern`: STIX patterns on the command line.
//!
//! - `check PATTERN`: validates a pattern and prints its canonical form (exit 0), or the error
//!   with its offset (exit 1).
//! - `match PATTERN FILE`: evaluates a pattern against observed data (a bundle, a list of
//!   bundles or objects, or one observed-data) and prints the observations that bound it
//!   (exit 0), or that it did not match (exit 1).
//! - `test CASES.jsonl`: evaluates one `{"pattern", "observed_data", "stix_version"}` case per
//!   line and prints one answer per line, `{"matched": bool}` or `{"error": "…"}`; lines that
//!   carry an `expected` answer (a boolean or `"error"`) are compared with it, and the summary
//!   on stderr counts agreements (exit 1 on any disagreement).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use stix_pattern::{Evaluator, JsonValue, Observations, Pattern, StixVersion};

use crate::global::GlobalArgs;
use crate::input;

/// Arguments of `phalanx pattern`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Validates a pattern and prints its canonical form, or the error and where it is.
    Check {
        /// The pattern, e.g. "[ipv4-addr:value = '198.51.100.1']".
        pattern: String,
        #[command(flatten)]
        version: VersionArg,
    },
    /// Evaluates a pattern against observed data and prints the observations that bind it.
    Match {
        /// The pattern.
        pattern: String,
        /// A bundle, a JSON list of bundles or objects, or one observed-data object (`-` reads
        /// stdin, `.gz` is decompressed).
        file: PathBuf,
        #[command(flatten)]
        version: VersionArg,
    },
    /// Evaluates test cases, one JSON object per line, and prints one answer per line.
    Test {
        /// JSON lines with `pattern`, `observed_data` and optionally `stix_version` and
        /// `expected` (`-` reads stdin, `.gz` is decompressed).
        cases: PathBuf,
        #[command(flatten)]
        version: VersionArg,
    },
}

#[derive(Debug, clap::Args)]
struct VersionArg {
    /// The patterning language version (for `test`: of cases without `stix_version`).
    #[arg(long = "stix-version", value_name = "VERSION", value_parser = ["2.0", "2.1"], default_value = "2.1")]
    stix_version: String,
}

impl VersionArg {
    fn get(&self) -> StixVersion {
        StixVersion::parse(&self.stix_version).expect("clap allows only 2.0 and 2.1")
    }
}

/// Runs a `phalanx pattern` subcommand.
///
/// # Errors
///
/// Fails when an input file cannot be read or is not JSON.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Check { pattern, version } => Ok(check(global, &pattern, version.get())),
        Command::Match {
            pattern,
            file,
            version,
        } => run_match(global, &pattern, &file, version.get()),
        Command::Test { cases, version } => test(global, &cases, version.get()),
    }
}

fn check(global: &GlobalArgs, text: &str, version: StixVersion) -> ExitCode {
    match Pattern::validate(text, version) {
        Ok(pattern) => {
            if global.json {
                let body = json!({
                    "valid": true,
                    "stix_version": version.as_str(),
                    "canonical": pattern.to_string(),
                });
                println!("{body}");
            } else {
                println!("{pattern}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            if global.json {
                let body =
                    json!({ "valid": false, "error": error.to_string(), "offset": error.offset() });
                println!("{body}");
            } else {
                eprintln!("error: {error}");
                if let Some(offset) = error.offset() {
                    eprintln!("  {}", text.replace(['\n', '\r', '\t'], " "));
                    let column = text
                        .get(..offset)
                        .map_or(offset, |before| before.chars().count());
                    eprintln!("  {}^", " ".repeat(column));
                }
            }
            ExitCode::from(1)
        }
    }
}

fn run_match(
    global: &GlobalArgs,
    text: &str,
    file: &std::path::Path,
    version: StixVersion,
) -> anyhow::Result<ExitCode> {
    let pattern = Pattern::parse(text, version).map_err(|error| anyhow::anyhow!(error))?;
    // The evaluator accepts what the grammar accepts, as the OASIS matcher does; rules beyond
    // the grammar are reported without stopping the evaluation.
    let warning = Pattern::validate(text, version)
        .err()
        .map(|error| error.to_string());
    let data: Value = serde_json::from_str(&input::read_to_string(file)?)
        .with_context(|| format!("parsing {} as JSON", file.display()))?;
    let observations = Observations::from_json(&data).map_err(|error| anyhow::anyhow!(error))?;
    let evaluator = Evaluator::new(&pattern).map_err(|error| anyhow::anyhow!(error))?;
    let found = evaluator
        .evaluate(&observations)
        .map_err(|error| anyhow::anyhow!(error))?;
    let bindings: Vec<Value> = found
        .iter()
        .flat_map(|found| &found.observations)
        .map(|bound| {
            let observation = observations
                .get(bound.index)
                .expect("bindings index the observations");
            json!({
                "observed_data": observation.id(),
                "index": bound.index,
                "count": bound.count,
                "number_observed": observation.number_observed(),
            })
        })
        .collect();
    if global.json {
        let body = json!({
            "matched": found.is_some(),
            "n_observations": observations.len(),
            "bindings": bindings,
            "warnings": warning.iter().collect::<Vec<_>>(),
        });
        println!("{body}");
    } else {
        if let Some(warning) = &warning {
            eprintln!("warning: {warning}");
        }
        match &found {
            Some(_) => {
                println!(
                    "matched ({} observed-data read); bound by:",
                    observations.len()
                );
                for binding in &bindings {
                    let id = binding["observed_data"].as_str().map_or_else(
                        || format!("observed-data #{}", binding["index"]),
                        str::to_owned,
                    );
                    println!(
                        "  {id}  {} of {} observations",
                        binding["count"], binding["number_observed"]
                    );
                }
            }
            None => println!("no match ({} observed-data read)", observations.len()),
        }
    }
    Ok(if found.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Counts of a `test` run.
#[derive(Debug, Default)]
struct Tally {
    n_cases: usize,
    n_matched: usize,
    n_not_matched: usize,
    n_errors: usize,
    n_with_expectation: usize,
    disagreements: Vec<usize>,
}

fn test(
    global: &GlobalArgs,
    cases: &std::path::Path,
    default_version: StixVersion,
) -> anyhow::Result<ExitCode> {
    // Cases are read one line at a time into one buffer: memory stays flat whatever the size
    // of the file, and no time goes into faulting in pages for a copy of all of it.
    let mut reader = BufReader::with_capacity(1 << 16, input::open(cases)?);
    let total_bytes = std::fs::metadata(cases)
        .ok()
        .filter(|meta| meta.is_file() && cases.extension().is_none_or(|ext| ext != "gz"))
        .map(|meta| meta.len());
    let progress = match total_bytes {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {elapsed}")
                .expect("the template is valid"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} read {elapsed}")
                .expect("the template is valid"),
        ),
    };
    let started = Instant::now();
    let mut tally = Tally::default();
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut line = String::new();
    let mut line_no = 0;
    let mut bytes_read = 0_u64;
    loop {
        line.clear();
        let n_read = reader
            .read_line(&mut line)
            .with_context(|| format!("reading {} after line {line_no}", cases.display()))?;
        if n_read == 0 {
            break;
        }
        line_no += 1;
        bytes_read += n_read as u64;
        if line_no % 256 == 0 {
            progress.set_position(bytes_read);
        }
        let text = line.strip_suffix('\n').unwrap_or(&line);
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.trim().is_empty() {
            continue;
        }
        // sonic-rs reads each case several times faster than serde_json, and the evaluator
        // works on its values directly.
        let (answer, expected) = match sonic_rs::from_str::<sonic_rs::Value>(text) {
            Ok(case) => (
                evaluate_case(&case, default_version),
                expected_answer(&case),
            ),
            Err(error) => (Err(format!("line {line_no}: invalid JSON: {error}")), None),
        };
        tally.n_cases += 1;
        match &answer {
            Ok(true) => {
                tally.n_matched += 1;
                out.write_all(b"{\"matched\":true}\n")
            }
            Ok(false) => {
                tally.n_not_matched += 1;
                out.write_all(b"{\"matched\":false}\n")
            }
            Err(error) => {
                tally.n_errors += 1;
                writeln!(out, "{}", json!({ "error": error }))
            }
        }
        .context("writing to stdout")?;
        if let Some(expected) = expected {
            tally.n_with_expectation += 1;
            let agrees = match (&answer, &expected) {
                (Ok(matched), Expected::Matched(want)) => matched == want,
                (Err(_), Expected::Error) => true,
                _ => false,
            };
            if !agrees {
                tally.disagreements.push(line_no);
            }
        }
    }
    progress.set_position(bytes_read);
    out.flush().context("writing to stdout")?;
    progress.finish_and_clear();
    let elapsed_ms = started.elapsed().as_millis();
    if global.json {
        let summary = json!({
            "n_cases": tally.n_cases,
            "n_matched": tally.n_matched,
            "n_not_matched": tally.n_not_matched,
            "n_errors": tally.n_errors,
            "n_with_expectation": tally.n_with_expectation,
            "n_disagreements": tally.disagreements.len(),
            "disagreeing_lines": tally.disagreements,
            "elapsed_ms": elapsed_ms,
        });
        eprintln!("{summary}");
    } else {
        eprintln!(
            "{} cases in {elapsed_ms} ms: {} matched, {} not matched, {} errors",
            tally.n_cases, tally.n_matched, tally.n_not_matched, tally.n_errors
        );
        if tally.n_with_expectation > 0 {
            eprintln!(
                "{} of {} cases with an expected answer agree",
                tally.n_with_expectation - tally.disagreements.len(),
                tally.n_with_expectation
            );
            for line_no in &tally.disagreements {
                eprintln!("  disagrees: line {line_no}");
            }
        }
    }
    Ok(if tally.disagreements.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The answer a case expects.
enum Expected {
    Matched(bool),
    Error,
    /// Something else: never agrees.
    Unknown,
}

fn expected_answer(case: &sonic_rs::Value) -> Option<Expected> {
    let expected = JsonValue::get(case, "expected")?;
    Some(match (expected.as_bool(), expected.as_str()) {
        (Some(matched), _) => Expected::Matched(matched),
        (None, Some("error")) => Expected::Error,
        _ => Expected::Unknown,
    })
}

/// Evaluates one test case: whether it matched, or the error.
fn evaluate_case(case: &sonic_rs::Value, default_version: StixVersion) -> Result<bool, String> {
    let version = match JsonValue::get(case, "stix_version") {
        None => default_version,
        Some(value) => match value.as_str() {
            Some(text) => {
                StixVersion::parse(text).ok_or_else(|| format!("unknown stix_version {text:?}"))?
            }
            None if sonic_rs::JsonValueTrait::is_null(value) => default_version,
            None => return Err("stix_version is not a string".to_owned()),
        },
    };
    let text = JsonValue::get(case, "pattern")
        .and_then(JsonValue::as_str)
        .ok_or("the case has no pattern string")?;
    let data = JsonValue::get(case, "observed_data").ok_or("the case has no observed_data")?;
    let pattern = Pattern::parse(text, version).map_err(|error| error.to_string())?;
    let observations = Observations::from_json(data).map_err(|error| error.to_string())?;
    let evaluator = Evaluator::new(&pattern).map_err(|error| error.to_string())?;
    let found = evaluator
        .evaluate(&observations)
        .map_err(|error| error.to_string())?;
    Ok(found.is_some())
}
