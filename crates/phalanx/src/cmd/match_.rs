//! `phalanx match`: runs every active indicator (from bundles or from the store) against DNS,
//! proxy, flow and IDS logs, prints one JSON line per match and a summary, and with
//! `--sightings` turns the matches into STIX Sightings that are stored (and so shared back) or
//! written as a bundle.
//!
//! Threads: the index is compiled on `--threads` threads, and each log is read on this thread
//! and cut into chunks of whole lines that worker threads scan; results are put back in input
//! order, so the output does not depend on the number of threads.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use matcher::format::{CsvSpec, parse_field_map};
use matcher::{
    ChunkOutcome, ChunkReader, CompileError, Follow, FormatName, FormatSpec, IndicatorEntry,
    IndicatorIndex, IndicatorRecord, LogFormat, Match, Probe, ScanOptions, SightingBuilder,
    ValueKind, compile, open_input, read_bundle,
};
use policy::{AccessScope, Tlp};
use serde::Serialize;
use stix::{Bundle, StixId, StixObject, StixTimestamp, ValidationOptions, validate_object};
use store::{AddOptions, NewObject, ObjectQuery, Store, VersionMatch, WriteMode};

use crate::global::GlobalArgs;
use crate::{input, storage};

/// How many malformed lines are listed per log (all are counted).
const DEFAULT_MAX_MALFORMED: usize = 100;
/// How many indicators that could not be compiled are listed (all are counted by reason).
const MAX_LISTED_COMPILE_ERRORS: usize = 20;
/// Indicators are compiled in batches of this many.
const COMPILE_BATCH: usize = 4096;
/// Stored indicators are read in pages of this many.
const STORE_PAGE: u32 = 5_000;

/// Arguments of `phalanx match`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Logs to scan: files, or `-` for standard input; gzip and zstd are decompressed.
    #[arg(required = true, value_name = "LOG")]
    logs: Vec<PathBuf>,
    /// The logs' format: auto, zeek, zeek-json, eve, list, csv or jsonl.
    #[arg(long, default_value = "auto", value_parser = parse_format)]
    format: FormatName,
    /// A STIX bundle of indicators (repeatable; `.gz` is decompressed). Without it, the
    /// indicators come from the store.
    #[arg(long = "indicators", value_name = "FILE")]
    indicators: Vec<PathBuf>,
    /// A collection to read indicators from (id, alias or title; repeatable) [default: every
    /// collection].
    #[arg(
        long = "collection",
        value_name = "NAME",
        conflicts_with = "indicators"
    )]
    collections: Vec<String>,
    /// Check validity windows at this time instead of each event's own time.
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_timestamp)]
    at: Option<StixTimestamp>,
    /// Threads for compiling indicators and scanning logs [default: the cores available].
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Keep reading a growing file (one log), as `tail -f` does, until interrupted.
    #[arg(long)]
    follow: bool,
    /// With --follow, how often to look for new lines, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    poll_ms: u64,
    /// With --follow and indicators from the store, how often to fetch new indicator
    /// versions, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    refresh_secs: u64,
    /// CSV column map: COLUMN=KIND items (a number from 1 or a header name; KIND is domain,
    /// ip, host, url, hash, md5, sha1, sha256, email, auto or time). Repeatable.
    #[arg(long = "column", value_name = "MAP")]
    columns: Vec<String>,
    /// CSV field delimiter.
    #[arg(long, value_name = "CHAR", default_value_t = ',')]
    delimiter: char,
    /// The first CSV line is a header (implied when a column is named).
    #[arg(long)]
    csv_header: bool,
    /// JSON-lines field map: PATH=KIND items (dotted paths; arrays are looked through).
    /// Repeatable.
    #[arg(long = "field", value_name = "MAP")]
    fields: Vec<String>,
    /// The kind of the values of plain lists (auto recognises each value).
    #[arg(long, value_name = "KIND", default_value = "auto", value_parser = parse_kind)]
    list_kind: ValueKind,
    /// Turn the matches into STIX Sightings, one per indicator seen.
    #[arg(long)]
    sightings: bool,
    /// The local participant's STIX identity, which sees and creates the sightings.
    #[arg(long, value_name = "IDENTITY_ID", env = "PHALANX_IDENTITY", value_parser = parse_identity)]
    identity: Option<StixId>,
    /// The collection that receives the sightings [default: the first --collection, else the
    /// default collection].
    #[arg(long, value_name = "NAME")]
    sightings_collection: Option<String>,
    /// Write the sightings as a bundle to this file instead of storing them.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The TLP marking of the sightings (where something was seen is itself sensitive).
    #[arg(long, value_name = "LEVEL", default_value = "amber", value_parser = policy::parse_tlp)]
    sightings_tlp: Tlp,
    /// Print no match lines, only the summary.
    #[arg(long)]
    quiet: bool,
    /// How many malformed lines to list per log (all are counted).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_MALFORMED)]
    max_malformed: usize,
}

fn parse_format(text: &str) -> Result<FormatName, String> {
    FormatName::parse(text).ok_or_else(|| {
        format!("unknown format `{text}` (auto, zeek, zeek-json, eve, list, csv, jsonl)")
    })
}

fn parse_kind(text: &str) -> Result<ValueKind, String> {
    ValueKind::parse(text).ok_or_else(|| {
        format!("unknown kind `{text}` (domain, ip, host, url, hash, md5, sha1, sha256, sha512, email, auto)")
    })
}

fn parse_timestamp(text: &str) -> Result<StixTimestamp, String> {
    StixTimestamp::parse(text).map_err(|error| error.to_string())
}

fn parse_identity(text: &str) -> Result<StixId, String> {
    match StixId::parse(text) {
        Ok(id) if id.object_type() == "identity" => Ok(id),
        Ok(id) => Err(format!("{id} is not an identity")),
        Err(error) => Err(error.to_string()),
    }
}

/// How the index was built.
#[derive(Debug, Default, Serialize)]
struct IndexReport {
    /// Where the indicators came from (files, or `store`).
    sources: Vec<String>,
    /// Indicator objects read.
    n_read: u64,
    /// Indicators in the index.
    n_indexed: usize,
    /// Indicators that need their pattern evaluated on candidate lines.
    n_evaluated: usize,
    /// Versions dropped as revoked.
    n_revoked: u64,
    /// Indicators not matched, by reason.
    not_indexed: BTreeMap<&'static str, u64>,
    /// The first of them, with the indicator and reason.
    errors: Vec<String>,
    /// Reading and compiling, in milliseconds.
    build_ms: u128,
    /// Heap memory of the index.
    heap_bytes: usize,
    /// Heap memory per indexed indicator.
    bytes_per_indicator: f64,
    #[serde(skip)]
    last_added: Option<StixTimestamp>,
}

impl IndexReport {
    fn count(&mut self, result: &Result<matcher::Upsert, CompileError>) {
        self.n_read += 1;
        match result {
            Ok(matcher::Upsert::Revoked) => self.n_revoked += 1,
            Ok(_) => {}
            Err(error) => {
                *self.not_indexed.entry(error.reason()).or_default() += 1;
                if self.errors.len() < MAX_LISTED_COMPILE_ERRORS {
                    self.errors.push(error.to_string());
                }
            }
        }
    }
}

/// What one log gave.
#[derive(Debug, Serialize)]
struct LogReport {
    file: String,
    format: Option<String>,
    compression: &'static str,
    lines: u64,
    bytes: u64,
    matches: usize,
    malformed: u64,
    malformed_lines: Vec<matcher::Malformed>,
    outside_validity: u64,
    evaluated: u64,
    evaluation_errors: u64,
}

/// The end-of-run summary.
#[derive(Debug, Serialize)]
struct Summary {
    logs: Vec<LogReport>,
    lines: u64,
    bytes: u64,
    matches: u64,
    malformed: u64,
    outside_validity: u64,
    threads: usize,
    elapsed_ms: u128,
    scan_ms: u128,
    mb_per_s: f64,
    lines_per_s: f64,
    index: IndexReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    sightings: Option<SightingsReport>,
}

#[derive(Debug, Serialize)]
struct SightingsReport {
    count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    stored_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    written_to: Option<String>,
}

/// One match as printed.
#[derive(Serialize)]
struct MatchLine<'a> {
    file: &'a str,
    line: u64,
    time: Option<String>,
    field: &'a str,
    value: &'a str,
    kind: &'static str,
    key: String,
    indicator: &'a StixId,
    name: Option<&'a str>,
    producer: Option<&'a StixId>,
}

/// Runs `phalanx match`.
///
/// # Errors
///
/// Fails when an indicator bundle is not readable, the store cannot be read or written, a log
/// cannot be opened, or the options contradict each other. Malformed log lines are counted,
/// not errors.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    if args.sightings && args.identity.is_none() {
        bail!(
            "--sightings needs the local participant's identity: give --identity (or PHALANX_IDENTITY)"
        );
    }
    if args.follow && args.logs.len() != 1 {
        bail!(
            "--follow reads one growing file; {} logs were given",
            args.logs.len()
        );
    }
    let spec = format_spec(&args)?;
    let now = StixTimestamp::now();
    let mut options = ScanOptions::new(now);
    options.at = args.at.map(|at| at.to_micros());
    options.max_malformed_details = args.max_malformed;

    let mut report = IndexReport::default();
    let mut index = if args.indicators.is_empty() {
        let runtime = storage::runtime()?;
        runtime.block_on(load_from_store(
            global,
            &args.collections,
            threads,
            &mut report,
        ))?
    } else {
        load_bundles(&args.indicators, threads, &mut report)?
    };
    report.build_ms = started.elapsed().as_millis();
    report.n_indexed = index.len();
    report.n_evaluated = index.n_evaluated();
    report.heap_bytes = index.heap_bytes();
    report.bytes_per_indicator = if index.is_empty() {
        0.0
    } else {
        report.heap_bytes as f64 / index.len() as f64
    };
    tracing::info!(
        n_indexed = report.n_indexed,
        elapsed_ms = report.build_ms,
        "indicator index built"
    );
    if index.is_empty() {
        eprintln!(
            "warning: no indicator can be matched ({} read)",
            report.n_read
        );
    }

    let stop = Arc::new(AtomicBool::new(false));
    if args.follow {
        watch_interrupt(Arc::clone(&stop));
    }
    let scan_started = Instant::now();
    let mut sightings = SightingBuilder::new();
    let mut logs = Vec::new();
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let progress = progress_bar(&args.logs);
    for path in &args.logs {
        let follow = args.follow.then(|| Follow {
            poll: Duration::from_millis(args.poll_ms),
            stop: Arc::clone(&stop),
        });
        let input = open_input(path, follow.as_ref())
            .with_context(|| format!("opening {}", path.display()))?;
        let compression = input.compression;
        let file = path.display().to_string();
        let mut emit = |outcome: &ChunkOutcome| -> anyhow::Result<()> {
            progress.inc(outcome.bytes);
            for found in &outcome.matches {
                if args.sightings {
                    sightings.add(found, now);
                }
                if !args.quiet {
                    print_match(&mut out, &file, found)?;
                }
            }
            if args.follow {
                out.flush()?;
            }
            Ok(())
        };
        let (format, outcome) = if args.follow {
            let refresh = (args.indicators.is_empty()).then(|| Refresh {
                global,
                collections: &args.collections,
                every: Duration::from_secs(args.refresh_secs.max(1)),
            });
            scan_following(
                input,
                &spec,
                &mut index,
                options,
                refresh,
                &mut report,
                &mut emit,
            )?
        } else {
            scan_parallel(input, &spec, &index, options, threads, &mut emit)?
        };
        logs.push(LogReport {
            file,
            format,
            compression,
            lines: outcome.lines,
            bytes: outcome.bytes,
            matches: outcome.matches.len(),
            malformed: outcome.n_malformed,
            malformed_lines: outcome.malformed,
            outside_validity: outcome.n_outside_validity,
            evaluated: outcome.n_evaluated,
            evaluation_errors: outcome.n_evaluation_errors,
        });
    }
    out.flush()?;
    drop(out);
    progress.finish_and_clear();
    let scan_elapsed = scan_started.elapsed();

    let sightings_report = if args.sightings {
        let identity = args.identity.as_ref().expect("checked above");
        let markings = [args.sightings_tlp.marking_id()];
        let objects = sightings.build(identity, now, &markings);
        for object in &objects {
            let problems = validate_object(object, &ValidationOptions::default());
            if let Some(problem) = problems.first() {
                bail!(
                    "a sighting made from the matches is not valid STIX ({problem}); nothing was stored"
                );
            }
        }
        Some(save_sightings(global, &args, objects)?)
    } else {
        None
    };

    let bytes: u64 = logs.iter().map(|log| log.bytes).sum();
    let lines: u64 = logs.iter().map(|log| log.lines).sum();
    let seconds = scan_elapsed.as_secs_f64().max(1e-9);
    let summary = Summary {
        lines,
        bytes,
        matches: logs.iter().map(|log| log.matches as u64).sum(),
        malformed: logs.iter().map(|log| log.malformed).sum(),
        outside_validity: logs.iter().map(|log| log.outside_validity).sum(),
        logs,
        threads,
        elapsed_ms: started.elapsed().as_millis(),
        scan_ms: scan_elapsed.as_millis(),
        mb_per_s: bytes as f64 / 1e6 / seconds,
        lines_per_s: lines as f64 / seconds,
        index: report,
        sightings: sightings_report,
    };
    tracing::info!(
        n_lines = summary.lines,
        n_matches = summary.matches,
        elapsed_ms = summary.elapsed_ms,
        "match run finished"
    );
    if global.json {
        println!("{}", serde_json::json!({ "summary": summary }));
    } else {
        print_summary(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

fn format_spec(args: &Args) -> anyhow::Result<FormatSpec> {
    let csv = if args.columns.is_empty() {
        None
    } else {
        let delimiter = u8::try_from(args.delimiter)
            .ok()
            .filter(u8::is_ascii)
            .context("--delimiter must be one ASCII character")?;
        Some(CsvSpec::parse(&args.columns, delimiter, args.csv_header)?)
    };
    let fields = if args.fields.is_empty() {
        None
    } else {
        Some(parse_field_map(&args.fields)?)
    };
    if args.format == FormatName::Csv && csv.is_none() {
        bail!("--format csv needs a column map (--column)");
    }
    if args.format == FormatName::JsonLines && fields.is_none() {
        bail!("--format jsonl needs field paths (--field)");
    }
    Ok(FormatSpec {
        name: args.format,
        list_kind: args.list_kind,
        csv,
        fields,
    })
}

/// Reads bundles on one thread, compiles batches of indicators on `threads` threads, and
/// inserts them into the index here.
fn load_bundles(
    paths: &[PathBuf],
    threads: usize,
    report: &mut IndexReport,
) -> anyhow::Result<IndicatorIndex> {
    let mut index = IndicatorIndex::new();
    report.sources = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (batch_tx, batch_rx) = sync_channel::<Vec<IndicatorRecord>>(threads * 2);
        let batch_rx = Arc::new(Mutex::new(batch_rx));
        let (entry_tx, entry_rx) =
            sync_channel::<Vec<Result<IndicatorEntry, CompileError>>>(threads * 2);
        let reader = scope.spawn(move || -> anyhow::Result<()> {
            let mut batch = Vec::with_capacity(COMPILE_BATCH);
            for path in paths {
                let file = input::open(path)?;
                let mut sent = true;
                read_bundle(file, |_, record| {
                    batch.push(record);
                    if batch.len() == COMPILE_BATCH {
                        sent &= batch_tx
                            .send(std::mem::replace(
                                &mut batch,
                                Vec::with_capacity(COMPILE_BATCH),
                            ))
                            .is_ok();
                    }
                })
                .with_context(|| format!("reading indicators from {}", path.display()))?;
                if !sent {
                    break;
                }
            }
            if !batch.is_empty() {
                let _ = batch_tx.send(batch);
            }
            Ok(())
        });
        for _ in 0..threads {
            let batch_rx = Arc::clone(&batch_rx);
            let entry_tx = entry_tx.clone();
            scope.spawn(move || {
                loop {
                    let batch = {
                        let receiver = batch_rx.lock().expect("a compile worker panicked");
                        receiver.recv()
                    };
                    let Ok(batch) = batch else { break };
                    let compiled = batch.iter().map(compile).collect();
                    if entry_tx.send(compiled).is_err() {
                        break;
                    }
                }
            });
        }
        drop(entry_tx);
        for compiled in entry_rx {
            for result in compiled {
                let outcome = match result {
                    Ok(entry) => Ok(index.upsert(&entry)?),
                    Err(error) => Err(error),
                };
                report.count(&outcome);
            }
        }
        reader.join().expect("the bundle reader panicked")
    })?;
    index.shrink_to_fit();
    Ok(index)
}

/// Reads the last version of every indicator of the collections (every collection when none
/// is named) from the store, page by page.
async fn load_from_store(
    global: &GlobalArgs,
    names: &[String],
    threads: usize,
    report: &mut IndexReport,
) -> anyhow::Result<IndicatorIndex> {
    let store = storage::open(global).await?;
    let mut index = IndicatorIndex::new();
    let queries = store_queries(&store, names, None).await?;
    report.sources = if names.is_empty() {
        vec!["store: every collection".to_owned()]
    } else {
        names.iter().map(|name| format!("store: {name}")).collect()
    };
    for query in queries {
        add_stored(&store, query, threads, &mut index, report).await?;
    }
    index.shrink_to_fit();
    Ok(index)
}

async fn store_queries(
    store: &store::AnyStore,
    names: &[String],
    added_after: Option<StixTimestamp>,
) -> anyhow::Result<Vec<ObjectQuery>> {
    let base = |collection| ObjectQuery {
        types: vec!["indicator".to_owned()],
        // After the first load, every new version counts: upsert keeps the newest.
        versions: vec![if added_after.is_some() {
            VersionMatch::All
        } else {
            VersionMatch::Last
        }],
        limit: Some(STORE_PAGE),
        added_after,
        ..match collection {
            Some(collection) => ObjectQuery::collection(collection),
            None => ObjectQuery::all_collections(),
        }
    };
    if names.is_empty() {
        return Ok(vec![base(None)]);
    }
    let mut queries = Vec::new();
    for name in names {
        let collection = storage::collection(store, Some(name)).await?;
        queries.push(base(Some(collection.id)));
    }
    Ok(queries)
}

async fn add_stored(
    store: &store::AnyStore,
    mut query: ObjectQuery,
    threads: usize,
    index: &mut IndicatorIndex,
    report: &mut IndexReport,
) -> anyhow::Result<()> {
    let scope = AccessScope::unrestricted();
    loop {
        let page = store
            .objects(&scope, &query)
            .await
            .context("reading indicators from the store")?;
        let records: Vec<Result<IndicatorRecord, String>> = page
            .items
            .iter()
            .map(|stored| {
                serde_json::from_str::<IndicatorRecord>(&stored.json).map_err(|error| {
                    format!("{}: stored JSON is not readable: {error}", stored.entry.id)
                })
            })
            .collect();
        if let Some(last) = page.items.last() {
            report.last_added = Some(report.last_added.map_or(last.entry.date_added, |seen| {
                seen.max(last.entry.date_added)
            }));
        }
        let compiled = compile_parallel(&records, threads);
        for result in compiled {
            match result {
                Ok(Ok(entry)) => {
                    let outcome = index.upsert(&entry)?;
                    report.count(&Ok(outcome));
                }
                Ok(Err(error)) => report.count(&Err(error)),
                Err(message) => {
                    report.n_read += 1;
                    *report.not_indexed.entry("unreadable").or_default() += 1;
                    if report.errors.len() < MAX_LISTED_COMPILE_ERRORS {
                        report.errors.push(message);
                    }
                }
            }
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(()),
        }
    }
}

type Compiled = Result<Result<IndicatorEntry, CompileError>, String>;

fn compile_parallel(records: &[Result<IndicatorRecord, String>], threads: usize) -> Vec<Compiled> {
    let chunk = records.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|record| record.as_ref().map(compile).map_err(Clone::clone))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a compile worker panicked"))
            .collect()
    })
}

/// Scans one log: chunks are read here and scanned on `threads` workers; outcomes are handed
/// to `emit` in input order with line numbers from the start of the log.
fn scan_parallel(
    input: matcher::Input,
    spec: &FormatSpec,
    index: &IndicatorIndex,
    options: ScanOptions,
    threads: usize,
    emit: &mut dyn FnMut(&ChunkOutcome) -> anyhow::Result<()>,
) -> anyhow::Result<(Option<String>, ChunkOutcome)> {
    let path = input.path.clone();
    let mut reader = ChunkReader::new(input, false);
    let mut format: Option<LogFormat> = None;
    let mut total = ChunkOutcome::default();
    let mut collect = |mut outcome: ChunkOutcome, total: &mut ChunkOutcome| -> anyhow::Result<()> {
        outcome.rebase(total.lines);
        emit(&outcome)?;
        total.absorb(outcome, options.max_malformed_details);
        Ok(())
    };
    if threads == 1 {
        let mut probe = Probe::new(index, options);
        while let Some(chunk) = reader.next_chunk()? {
            let format = match &mut format {
                Some(format) => format,
                None => format.insert(LogFormat::detect(spec, &path, &chunk)?),
            };
            format.begin_chunk(&chunk).scan_chunk(&chunk, &mut probe);
            collect(probe.take_outcome(), &mut total)?;
            reader.recycle(chunk);
        }
        return Ok((format.map(|format| format.name()), total));
    }
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (work_tx, work_rx) = sync_channel::<(u64, LogFormat, Vec<u8>)>(threads * 2);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = channel::<(u64, ChunkOutcome, Vec<u8>)>();
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                let mut probe = Probe::new(index, options);
                loop {
                    let job = {
                        let receiver = work_rx.lock().expect("a scan worker panicked");
                        receiver.recv()
                    };
                    let Ok((seq, state, chunk)) = job else { break };
                    state.scan_chunk(&chunk, &mut probe);
                    if done_tx.send((seq, probe.take_outcome(), chunk)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut pending: BTreeMap<u64, ChunkOutcome> = BTreeMap::new();
        let mut next_seq = 0u64;
        let mut sent = 0u64;
        let mut drain = |pending: &mut BTreeMap<u64, ChunkOutcome>,
                         next_seq: &mut u64,
                         total: &mut ChunkOutcome,
                         reader: &mut ChunkReader,
                         wait: bool|
         -> anyhow::Result<()> {
            let mut first = wait;
            loop {
                let received = if first {
                    first = false;
                    done_rx.recv().ok()
                } else {
                    done_rx.try_recv().ok()
                };
                let Some((seq, outcome, chunk)) = received else {
                    break;
                };
                reader.recycle(chunk);
                pending.insert(seq, outcome);
                while let Some(outcome) = pending.remove(next_seq) {
                    collect(outcome, total)?;
                    *next_seq += 1;
                }
            }
            Ok(())
        };
        while let Some(chunk) = reader.next_chunk()? {
            let format = match &mut format {
                Some(format) => format,
                None => format.insert(LogFormat::detect(spec, &path, &chunk)?),
            };
            let state = format.begin_chunk(&chunk);
            work_tx
                .send((sent, state, chunk))
                .context("a scan worker stopped")?;
            sent += 1;
            drain(&mut pending, &mut next_seq, &mut total, &mut reader, false)?;
        }
        drop(work_tx);
        while next_seq < sent {
            drain(&mut pending, &mut next_seq, &mut total, &mut reader, true)?;
        }
        Ok(())
    })?;
    Ok((format.map(|format| format.name()), total))
}

/// Where to fetch new indicator versions from while following a log.
struct Refresh<'a> {
    global: &'a GlobalArgs,
    collections: &'a [String],
    every: Duration,
}

/// Scans a growing log on this thread, fetching new indicator versions from the store every
/// so often and applying them to the index in place.
fn scan_following(
    input: matcher::Input,
    spec: &FormatSpec,
    index: &mut IndicatorIndex,
    options: ScanOptions,
    refresh: Option<Refresh<'_>>,
    report: &mut IndexReport,
    emit: &mut dyn FnMut(&ChunkOutcome) -> anyhow::Result<()>,
) -> anyhow::Result<(Option<String>, ChunkOutcome)> {
    let path = input.path.clone();
    let mut reader = ChunkReader::new(input, true);
    let mut format: Option<LogFormat> = None;
    let mut total = ChunkOutcome::default();
    let mut last_refresh = Instant::now();
    let runtime = refresh.as_ref().map(|_| storage::runtime()).transpose()?;
    while let Some(chunk) = reader.next_chunk()? {
        if let (Some(refresh), Some(runtime)) = (&refresh, &runtime)
            && last_refresh.elapsed() >= refresh.every
        {
            last_refresh = Instant::now();
            let before = index.len();
            runtime.block_on(async {
                let store = storage::open(refresh.global).await?;
                for query in store_queries(&store, refresh.collections, report.last_added).await? {
                    add_stored(&store, query, 1, index, report).await?;
                }
                anyhow::Ok(())
            })?;
            tracing::info!(
                n_before = before,
                n_after = index.len(),
                "indicator index refreshed"
            );
        }
        let format = match &mut format {
            Some(format) => format,
            None => format.insert(LogFormat::detect(spec, &path, &chunk)?),
        };
        let state = format.begin_chunk(&chunk);
        let mut probe = Probe::new(index, options);
        state.scan_chunk(&chunk, &mut probe);
        let mut outcome = probe.take_outcome();
        outcome.rebase(total.lines);
        emit(&outcome)?;
        total.absorb(outcome, options.max_malformed_details);
        reader.recycle(chunk);
    }
    Ok((format.map(|format| format.name()), total))
}

/// Ends a `--follow` run cleanly on Ctrl-C: the reader stops at the end of what was written,
/// and the summary and sightings still come out.
fn watch_interrupt(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        if runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
            stop.store(true, Ordering::Relaxed);
        }
    });
}

fn print_match(out: &mut impl Write, file: &str, found: &Match) -> anyhow::Result<()> {
    let line = MatchLine {
        file,
        line: found.line,
        time: found.time.map(|time| time.to_string()),
        field: &found.field,
        value: &found.value,
        kind: found.key.kind().as_str(),
        key: found.key.to_string(),
        indicator: &found.indicator,
        name: found.name.as_deref(),
        producer: found.producer.as_ref(),
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn progress_bar(logs: &[PathBuf]) -> ProgressBar {
    let plain_sizes: Option<u64> = logs
        .iter()
        .map(|path| {
            let meta = std::fs::metadata(path).ok()?;
            let compressed = path
                .extension()
                .is_some_and(|extension| extension == "gz" || extension == "zst");
            (!compressed && meta.is_file()).then_some(meta.len())
        })
        .sum();
    let bar = match plain_sizes {
        Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template(
                    "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
                )
                .expect("the template is valid"),
            ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {binary_bytes} {binary_bytes_per_sec}")
                .expect("the template is valid"),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

/// Stores the sightings in a collection, or writes them as a bundle with `--out`.
fn save_sightings(
    global: &GlobalArgs,
    args: &Args,
    objects: Vec<StixObject>,
) -> anyhow::Result<SightingsReport> {
    let count = objects.len();
    if let Some(out) = &args.out {
        let mut all = vec![args.sightings_tlp.marking_definition()];
        all.extend(objects);
        let bundle = Bundle::new(all);
        let text = serde_json::to_string_pretty(&bundle).context("serialising the sightings")?;
        write_file(out, &text)?;
        return Ok(SightingsReport {
            count,
            stored_in: None,
            written_to: Some(out.display().to_string()),
        });
    }
    let runtime = storage::runtime()?;
    runtime.block_on(async {
        let store = storage::open(global).await?;
        let name = args
            .sightings_collection
            .as_deref()
            .or(args.collections.first().map(String::as_str));
        let collection = storage::collection(&store, name).await?;
        let new: Vec<NewObject> = objects.into_iter().map(NewObject::new).collect();
        let options = AddOptions {
            default_tlp: args.sightings_tlp,
            mode: WriteMode::AllOrNothing,
            ..AddOptions::default()
        };
        store
            .add_objects(&collection, &new, &options)
            .await
            .with_context(|| format!("storing the sightings in {}", collection.title))?;
        Ok(SightingsReport {
            count,
            stored_in: Some(
                collection
                    .alias
                    .clone()
                    .unwrap_or_else(|| collection.title.clone()),
            ),
            written_to: None,
        })
    })
}

fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    if path.as_os_str() == "-" {
        println!("{text}");
        return Ok(());
    }
    std::fs::write(path, format!("{text}\n")).with_context(|| format!("writing {}", path.display()))
}

fn print_summary(summary: &Summary) {
    let index = &summary.index;
    eprintln!(
        "indicators: {} read, {} indexed ({} evaluated on candidates), {} revoked, {} not matched; built in {} ms, {:.0} bytes per indicator",
        index.n_read,
        index.n_indexed,
        index.n_evaluated,
        index.n_revoked,
        index.not_indexed.values().sum::<u64>(),
        index.build_ms,
        index.bytes_per_indicator,
    );
    for (reason, count) in &index.not_indexed {
        eprintln!("  not matched, {reason}: {count}");
    }
    for error in index.errors.iter().take(5) {
        eprintln!("  {error}");
    }
    for log in &summary.logs {
        eprintln!(
            "{}: {} ({}), {} lines, {} bytes, {} matches, {} malformed",
            log.file,
            log.format.as_deref().unwrap_or("empty"),
            log.compression,
            log.lines,
            log.bytes,
            log.matches,
            log.malformed,
        );
        for malformed in log.malformed_lines.iter().take(5) {
            eprintln!("  line {}: {}", malformed.line, malformed.reason);
        }
        if log.malformed > 5 {
            eprintln!(
                "  ... {} more malformed lines (--json lists up to --max-malformed)",
                log.malformed - 5
            );
        }
    }
    eprintln!(
        "{} lines, {} bytes, {} matches, {} malformed, {} outside validity; {} ms ({:.1} MB/s, {:.0} lines/s, {} threads)",
        summary.lines,
        summary.bytes,
        summary.matches,
        summary.malformed,
        summary.outside_validity,
        summary.elapsed_ms,
        summary.mb_per_s,
        summary.lines_per_s,
        summary.threads,
    );
    if let Some(sightings) = &summary.sightings {
        match (&sightings.stored_in, &sightings.written_to) {
            (Some(collection), _) => {
                eprintln!("{} sightings stored in {collection}", sightings.count)
            }
            (_, Some(file)) => eprintln!("{} sightings written to {file}", sightings.count),
            _ => {}
        }
    }
}
