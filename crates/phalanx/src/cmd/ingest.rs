//! `phalanx ingest`: validates STIX bundles or objects and stores each input whole or not at
//! all, then prints what was added, already present or rejected (and why, with the object id
//! and JSON path).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use policy::Tlp;
use serde_json::Value;
use stix::{Diagnostic, JsonPath, StixObject, ValidationOptions};
use store::{AddOptions, AnyStore, Collection, NewObject, OutcomeStatus, Store, WriteMode};

use crate::global::GlobalArgs;
use crate::{input, storage};

#[path = "ingest_bundle.rs"]
mod bundle;
#[path = "ingest_from.rs"]
mod from;
#[path = "ingest_report.rs"]
mod report;

/// Inputs with at least this many objects get a progress bar.
const PROGRESS_THRESHOLD: usize = 1_000;

/// How many warnings are listed per input (text and `--json`); all are counted by check, and
/// `phalanx validate --json` lists every one.
const MAX_LISTED_WARNINGS: usize = 100;

/// How many of the listed warnings text mode prints.
const MAX_PRINTED_WARNINGS: usize = 5;

/// Arguments of `phalanx ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// STIX 2.1 bundles or single objects (JSON), or with --report documents; `-` reads
    /// stdin, `.gz` files are decompressed. Each file is stored whole or not at all.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The collection to store into: its id, alias or title [default: the collection aliased
    /// `default`, created on first use].
    #[arg(long, value_name = "NAME")]
    collection: Option<String>,
    /// The TLP level of objects that carry no TLP marking (and of every record of a list).
    #[arg(long, value_name = "LEVEL", default_value = "amber", value_parser = policy::parse_tlp)]
    default_tlp: Tlp,
    /// Peers' formats: MISP events and feeds, indicator lists.
    #[command(flatten)]
    from: from::FromArgs,
    /// Report documents (text, Markdown, HTML, PDF).
    #[command(flatten)]
    report: report::ReportArgs,
}

/// What happened to one input.
#[derive(Debug, serde::Serialize)]
struct FileReport {
    file: String,
    collection: String,
    n_objects: usize,
    n_added: usize,
    n_already_present: usize,
    n_rejected: usize,
    /// Whether anything of this input was written (false when it was rejected whole).
    stored: bool,
    rejected: Vec<Rejection>,
    n_warnings: usize,
    /// Warning counts by validator check (`extref-hashes`, ...).
    warnings_by_check: BTreeMap<&'static str, usize>,
    /// The first warnings, at most [`MAX_LISTED_WARNINGS`].
    warnings: Vec<Diagnostic>,
    elapsed_ms: u128,
    /// Where the time went.
    timings_ms: Timings,
    /// With `--report`: the report made of the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<report::ReportSummary>,
}

/// Why an object, or a whole input, was refused.
#[derive(Debug, serde::Serialize)]
struct Rejection {
    object_id: Option<String>,
    path: String,
    reason: String,
}

impl From<&Diagnostic> for Rejection {
    fn from(diagnostic: &Diagnostic) -> Self {
        Self {
            object_id: diagnostic
                .object_id
                .as_ref()
                .map(|id| id.as_str().to_owned()),
            path: diagnostic.path.to_string(),
            reason: diagnostic.message.clone(),
        }
    }
}

/// Ingests each file and prints a summary; exits 1 when anything was rejected.
///
/// # Errors
///
/// Fails when the store cannot be opened or the collection does not exist.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    storage::runtime()?.block_on(run_async(global, args))
}

async fn run_async(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    let store = storage::open(global).await?;
    let collection = storage::collection(&store, args.collection.as_deref()).await?;
    let mut reports = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let report = ingest_file(
            &store,
            &collection,
            path,
            args.default_tlp,
            &args.from,
            &args.report,
        )
        .await?;
        if global.json {
            println!("{}", serde_json::to_string(&report)?);
        } else {
            print_report(&report);
        }
        reports.push(report);
    }
    if !global.json && reports.len() > 1 {
        let total = |field: fn(&FileReport) -> usize| reports.iter().map(field).sum::<usize>();
        println!(
            "total: {} objects in {} inputs: {} added, {} already present, {} rejected",
            total(|r| r.n_objects),
            reports.len(),
            total(|r| r.n_added),
            total(|r| r.n_already_present),
            total(|r| r.n_rejected),
        );
    }
    // Closing waits for the last connection, which folds the write-ahead log into the
    // database file, so that the next command does not have to.
    store.close().await;
    let any_rejected = reports.iter().any(|report| report.n_rejected > 0);
    Ok(if any_rejected {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[tracing::instrument(skip_all, fields(file = %path.display(), collection_id = %collection.id))]
async fn ingest_file(
    store: &AnyStore,
    collection: &Collection,
    path: &Path,
    default_tlp: Tlp,
    from: &from::FromArgs,
    reports: &report::ReportArgs,
) -> anyhow::Result<FileReport> {
    let started = Instant::now();
    let mut report = FileReport {
        file: path.display().to_string(),
        collection: collection.id.to_string(),
        n_objects: 0,
        n_added: 0,
        n_already_present: 0,
        n_rejected: 0,
        stored: false,
        rejected: Vec::new(),
        n_warnings: 0,
        warnings_by_check: BTreeMap::new(),
        warnings: Vec::new(),
        elapsed_ms: 0,
        timings_ms: Timings::default(),
        report: None,
    };
    let read = if reports.report {
        let started = Instant::now();
        reports
            .make(store, collection, path, default_tlp)
            .await?
            .and_then(|(value, warnings, summary)| {
                report.report = Some(summary);
                let timings = Timings {
                    parse: started.elapsed().as_millis(),
                    ..Timings::default()
                };
                check_value(value, warnings, timings)
            })
    } else {
        read(path, from, default_tlp)
    };
    let parsed = match read {
        Ok(parsed) => parsed,
        Err(diagnostics) => {
            report.n_rejected = 1;
            report.rejected = diagnostics.iter().map(Rejection::from).collect();
            report.elapsed_ms = started.elapsed().as_millis();
            return Ok(report);
        }
    };
    report.n_objects = parsed.n_objects;
    report.timings_ms = parsed.timings;
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = parsed
        .diagnostics
        .into_iter()
        .partition(Diagnostic::is_error);
    report.n_warnings = warnings.len() + parsed.unlisted_warnings.values().sum::<usize>();
    report.warnings_by_check = parsed.unlisted_warnings;
    for warning in &warnings {
        *report
            .warnings_by_check
            .entry(warning.check.unwrap_or("other"))
            .or_default() += 1;
    }
    report.warnings = warnings;
    report.warnings.truncate(MAX_LISTED_WARNINGS);
    if !errors.is_empty() {
        // A bundle is validated in full and stored whole or not at all: one invalid object
        // rejects the input.
        report.n_rejected = count_objects(&errors).max(1);
        report.rejected = errors.iter().map(Rejection::from).collect();
        report.elapsed_ms = started.elapsed().as_millis();
        return Ok(report);
    }
    let progress = progress_bar(parsed.objects.len(), "storing");
    let options = AddOptions {
        default_tlp,
        mode: WriteMode::AllOrNothing,
        spec_version: parsed.spec_version,
        progress: progress.clone().map(|bar| {
            Arc::new(move |n_written: u64| bar.set_position(n_written)) as store::ProgressFn
        }),
    };
    let objects = parsed.objects;
    let store_started = Instant::now();
    let result = store.add_objects(collection, &objects, &options).await;
    report.timings_ms.store = store_started.elapsed().as_millis();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let outcome = result.with_context(|| format!("storing {}", path.display()))?;
    report.n_added = outcome.n_added();
    report.n_already_present = outcome.n_already_present();
    report.n_rejected = outcome.n_conflicts();
    report.stored = outcome.committed;
    report.rejected = outcome
        .outcomes
        .iter()
        .enumerate()
        .filter(|(_, object)| object.status == OutcomeStatus::Conflict)
        .map(|(idx, object)| Rejection {
            object_id: Some(object.id.as_str().to_owned()),
            path: parsed_path(parsed.is_bundle, idx).to_string(),
            reason: match object.version {
                Some(version) => format!(
                    "a different object is already stored as version {version} of {}",
                    object.id
                ),
                None => format!("a different object is already stored as {}", object.id),
            },
        })
        .collect();
    if !outcome.committed {
        // Nothing was written: the objects that would have been added were not.
        report.n_added = 0;
    }
    // Freeing tens of thousands of typed objects takes a while: another thread does it while
    // this one reports and closes the store.
    std::thread::spawn(move || drop(objects));
    report.elapsed_ms = started.elapsed().as_millis();
    tracing::info!(
        n_objects = report.n_objects,
        n_added = report.n_added,
        n_rejected = report.n_rejected,
        elapsed_ms = report.elapsed_ms as u64,
        "ingest finished"
    );
    Ok(report)
}

/// A parsed input: its objects and every diagnostic (errors and warnings).
struct Parsed {
    n_objects: usize,
    /// The objects, when no diagnostic is an error.
    objects: Vec<NewObject>,
    /// Every error, and the warnings (all, or the first [`MAX_LISTED_WARNINGS`] of a STIX
    /// bundle checked on every core).
    diagnostics: Vec<Diagnostic>,
    /// The warnings left out of `diagnostics`, counted by check.
    unlisted_warnings: BTreeMap<&'static str, usize>,
    is_bundle: bool,
    spec_version: Option<String>,
    timings: Timings,
}

/// Where an ingest spends its time, in milliseconds of wall-clock time.
#[derive(Debug, Default, serde::Serialize)]
struct Timings {
    /// Reading (and decompressing) the input.
    read: u128,
    /// Parsing: a STIX bundle's own properties and where each object's text lies, or the
    /// whole input when it is something else (or an importer's input).
    parse: u128,
    /// Validating, then converting into typed objects and their stored JSON; a STIX bundle's
    /// objects are parsed, validated and converted one by one on every core, so that its
    /// whole time is here.
    check: u128,
    /// Storing: one transaction, its commit and the checkpoint of the write-ahead log.
    store: u128,
}

/// The validation ingest enforces: every MUST of the spec as an error (STIX patterns
/// included, checked by `stix-pattern`), every SHOULD as a warning.
fn validation_options() -> ValidationOptions {
    ValidationOptions {
        pattern_checker: Some(crate::cmd::validate::PATTERN_CHECKER),
        ..ValidationOptions::default()
    }
}

/// Reads, parses and validates one input; `Err` when it cannot be read or parsed at all.
///
/// The JSON is validated as written (so that the paths are the input's own); when it has no
/// error, its objects are converted into typed objects and serialized for the store, spread
/// over the available cores. A STIX bundle's objects are parsed, validated and converted one
/// by one on every core, its text parsed once.
fn read(path: &Path, from: &from::FromArgs, default_tlp: Tlp) -> Result<Parsed, Vec<Diagnostic>> {
    let whole = |message: String| vec![Diagnostic::error(None, JsonPath::root(), message)];
    let mut timings = Timings::default();
    let mut clock = Instant::now();
    let mut lap = |slot: &mut u128| {
        *slot = clock.elapsed().as_millis();
        clock = Instant::now();
    };
    let options = validation_options();
    let (value, import_warnings) = if from.is_stix() {
        let text = input::read_to_string(path).map_err(|error| whole(format!("{error:#}")))?;
        lap(&mut timings.read);
        if let Some(split) = bundle::split(&text) {
            lap(&mut timings.parse);
            return Ok(read_bundle(&split, &options, timings));
        }
        // Not a bundle with a list of objects (one object, or content to refuse): parsed
        // whole.
        let value: Value =
            serde_json::from_str(&text).map_err(|error| whole(json_error(&text, &error)))?;
        (value, Vec::new())
    } else {
        // MISP, lists: the importer's bundle, then the same checks as a STIX input.
        from.import(path, default_tlp)?
    };
    lap(&mut timings.parse);
    check_value(value, import_warnings, timings)
}

/// Validates a bundle (or one object) built in memory, as [`read`] does a parsed input, and
/// converts its objects; `warnings` come from whatever made it.
fn check_value(
    value: Value,
    import_warnings: Vec<Diagnostic>,
    timings: Timings,
) -> Result<Parsed, Vec<Diagnostic>> {
    let started = Instant::now();
    let mut diagnostics = stix::validate_value(&value, &validation_options());
    diagnostics.extend(import_warnings);
    let is_bundle = value.get("type").and_then(Value::as_str) == Some("bundle");
    let mut parsed = Parsed {
        n_objects: if is_bundle {
            value
                .get("objects")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        } else {
            1
        },
        objects: Vec::new(),
        diagnostics,
        unlisted_warnings: BTreeMap::new(),
        is_bundle,
        spec_version: value
            .get("spec_version")
            .filter(|_| is_bundle)
            .and_then(Value::as_str)
            .map(str::to_owned),
        timings,
    };
    if parsed.diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(parsed);
    }
    parsed.objects = convert(value, is_bundle)?;
    parsed.timings.check = started.elapsed().as_millis();
    Ok(parsed)
}

/// Checks a STIX bundle split by [`bundle::split`] on every core.
fn read_bundle(
    split: &bundle::Split<'_>,
    options: &ValidationOptions,
    mut timings: Timings,
) -> Parsed {
    let started = Instant::now();
    let n_objects = split.objects.len();
    let progress = progress_bar(n_objects, "checking");
    let n_threads = std::thread::available_parallelism().map_or(1, usize::from);
    let checked = bundle::check(
        split,
        options,
        n_threads,
        MAX_LISTED_WARNINGS,
        progress.as_ref(),
    );
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    timings.check = started.elapsed().as_millis();
    Parsed {
        n_objects,
        objects: checked.objects,
        diagnostics: checked.diagnostics,
        unlisted_warnings: checked.unlisted_warnings,
        is_bundle: true,
        spec_version: split
            .properties
            .get("spec_version")
            .and_then(Value::as_str)
            .map(str::to_owned),
        timings,
    }
}

/// Describes a JSON syntax error by its line, column and byte offset in `text`.
fn json_error(text: &str, error: &serde_json::Error) -> String {
    let (line, column) = (error.line(), error.column());
    // serde_json's message ends with the position, which this message gives first.
    let message = error.to_string();
    let message = message
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&message);
    if line == 0 {
        return format!("invalid JSON: {message}");
    }
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let offset = line_start + column.saturating_sub(1);
    format!("invalid JSON at line {line}, column {column} (byte {offset}): {message}")
}

/// Converts the objects of a bundle (or the one object) into typed objects with their stored
/// JSON, one chunk per core.
fn convert(value: Value, is_bundle: bool) -> Result<Vec<NewObject>, Vec<Diagnostic>> {
    let one = |value: Value, path: &JsonPath| {
        StixObject::from_value(value)
            .map(NewObject::new)
            .map_err(|error| {
                error
                    .diagnostics()
                    .iter()
                    .cloned()
                    .map(|diagnostic| diagnostic.under(path))
                    .collect::<Vec<_>>()
            })
    };
    if !is_bundle {
        return one(value, &JsonPath::root()).map(|object| vec![object]);
    }
    let values = match value {
        Value::Object(mut map) => match map.remove("objects") {
            Some(Value::Array(values)) => values,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let n_objects = values.len();
    let n_threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk_len = n_objects.div_ceil(n_threads).max(1);
    let mut chunks: Vec<Vec<Value>> = Vec::with_capacity(n_threads);
    let mut values = values.into_iter();
    loop {
        let chunk: Vec<Value> = values.by_ref().take(chunk_len).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    let objects_path = JsonPath::root().key("objects");
    let converted: Vec<(Vec<NewObject>, Vec<Diagnostic>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = chunks
            .into_iter()
            .enumerate()
            .map(|(chunk_idx, chunk)| {
                let objects_path = &objects_path;
                scope.spawn(move || {
                    let mut objects = Vec::with_capacity(chunk.len());
                    let mut diagnostics = Vec::new();
                    for (offset, value) in chunk.into_iter().enumerate() {
                        let path = objects_path.index(chunk_idx * chunk_len + offset);
                        match one(value, &path) {
                            Ok(object) => objects.push(object),
                            Err(found) => diagnostics.extend(found),
                        }
                    }
                    (objects, diagnostics)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| match worker.join() {
                Ok(result) => result,
                // A panic is a bug in the conversion: let it surface as one.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let mut objects = Vec::with_capacity(n_objects);
    let mut diagnostics = Vec::new();
    for (converted_objects, found) in converted {
        objects.extend(converted_objects);
        diagnostics.extend(found);
    }
    if diagnostics.is_empty() {
        Ok(objects)
    } else {
        Err(diagnostics)
    }
}

/// Returns the JSON path of the `idx`-th object of an input.
fn parsed_path(is_bundle: bool, idx: usize) -> JsonPath {
    if is_bundle {
        JsonPath::root().key("objects").index(idx)
    } else {
        JsonPath::root()
    }
}

/// Counts the distinct objects named by error diagnostics.
fn count_objects(errors: &[Diagnostic]) -> usize {
    let mut ids: Vec<_> = errors
        .iter()
        .map(|diagnostic| diagnostic.object_id.as_ref().map(|id| id.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// Returns a progress bar for `n_objects` objects, labelled with what is done to them, for
/// inputs large enough to need one.
fn progress_bar(n_objects: usize, doing: &str) -> Option<ProgressBar> {
    if n_objects < PROGRESS_THRESHOLD {
        return None;
    }
    let bar = ProgressBar::new(n_objects as u64);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{doing} {{bar:40}} {{pos}}/{{len}} objects ({{per_sec}}, {{eta}})"
        ))
        .expect("the template is valid"),
    );
    Some(bar)
}

fn print_report(report: &FileReport) {
    let seconds = report.elapsed_ms as f64 / 1000.0;
    if report.n_rejected > 0 && !report.stored {
        println!(
            "{}: rejected, nothing stored: {} of {} objects invalid or in conflict ({seconds:.1} s)",
            report.file, report.n_rejected, report.n_objects
        );
    } else {
        println!(
            "{}: {} objects: {} added, {} already present, {} rejected ({seconds:.1} s)",
            report.file,
            report.n_objects,
            report.n_added,
            report.n_already_present,
            report.n_rejected
        );
    }
    if let Some(made) = &report.report {
        report::print(made);
    }
    for rejection in &report.rejected {
        match &rejection.object_id {
            Some(id) => println!(
                "  rejected {id} at {}: {}",
                rejection.path, rejection.reason
            ),
            None => println!("  rejected at {}: {}", rejection.path, rejection.reason),
        }
    }
    if report.n_warnings == 0 {
        return;
    }
    let by_check: Vec<String> = report
        .warnings_by_check
        .iter()
        .map(|(check, n)| format!("{n} {check}"))
        .collect();
    println!(
        "  {} warnings (stored anyway): {}",
        report.n_warnings,
        by_check.join(", ")
    );
    for warning in report.warnings.iter().take(MAX_PRINTED_WARNINGS) {
        println!("  warning: {warning}");
    }
    if report.n_warnings > MAX_PRINTED_WARNINGS {
        println!("  ... (`phalanx validate --json FILE` lists every warning)");
    }
}
