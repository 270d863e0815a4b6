//! Times the export of synthetic indicators in every format (or those named) and prints a
//! Markdown table: `cargo run --release -p export --example export_bench -- --count 1000000
//! [--format NAME]... [--out DIR]`.
//!
//! The indicators are made in memory first (not timed); each format then exports all of them
//! into a byte-counting sink (or into `DIR` with its summary, for checks by other tools), once
//! compiling each pattern inside `Exporter::push` (one thread), and once compiling the
//! patterns ahead on every core with `export::compile_indicator` (`--threads`, default: the
//! available parallelism) and writing on one. The figures are recorded in
//! `bench/results/export.md` by `bench/export/run.sh`.
//!
//! The machine may be shared: besides wall-clock time, each row gives the CPU time of this
//! process (user + system, every thread, from `/proc/self/stat`; Linux only) and the rates
//! per CPU second, which depend much less on what else runs.

#[path = "../benches/synthetic.rs"]
mod synthetic;

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use export::{
    Directory, DirectoryFile, ExportItem, ExportOptions, Exporter, Format, FsDirectory,
    IndicatorValues, Output, compile_indicator,
};
use policy::AccessScope;
use stix::StixTimestamp;

fn main() -> ExitCode {
    let mut count: u64 = 100_000;
    let mut formats = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--count", Some(value)) => match value.parse() {
                Ok(parsed) => count = parsed,
                Err(_) => return usage(),
            },
            ("--format", Some(value)) => match Format::parse(&value) {
                Some(format) => formats.push(format),
                None => return usage(),
            },
            ("--out", Some(value)) => out = Some(PathBuf::from(value)),
            ("--threads", Some(value)) => match value.parse() {
                Ok(parsed) if parsed > 0 => threads = parsed,
                _ => return usage(),
            },
            _ => return usage(),
        }
    }
    if formats.is_empty() {
        formats = Format::ALL.to_vec();
    }
    let started = Instant::now();
    let objects = synthetic::indicators(count);
    eprintln!(
        "made {count} indicators in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let now = StixTimestamp::parse("2024-06-01T00:00:00Z").expect("a valid time");
    println!(
        "| format | objects | written | values | MB | wall s | CPU s | objects/s (wall) | MB/s (wall) | objects per CPU s | MB per CPU s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // What the pattern compiler of stix-pattern alone costs, which every value format pays.
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    let mut n_keys = 0;
    for object in &objects {
        if let Some(indicator) = object.as_indicator()
            && let Ok(Some(pattern)) = stix_pattern::parse_indicator(indicator)
        {
            n_keys += stix_pattern::compile(&pattern).keys.len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_started;
    println!(
        "| (parse and compile patterns only) | {} | | {n_keys} | | {seconds:.2} | {cpu:.2} | {:.0} | | {:.0} | |",
        objects.len(),
        objects.len() as f64 / seconds,
        objects.len() as f64 / cpu,
    );
    for format in formats {
        let max_threads = threads;
        for threads in [1, max_threads] {
            let options = ExportOptions::new(AccessScope::unrestricted(), now);
            let started = Instant::now();
            let cpu_started = cpu_seconds();
            let compiled =
                (threads > 1 && format.needs_values()).then(|| compile_ahead(&objects, threads));
            // The writing alone (one thread), when the patterns were compiled ahead.
            let write_started = (Instant::now(), cpu_seconds());
            let summary = match (&out, format.is_directory()) {
                (Some(dir), true) => {
                    let mut directory = FsDirectory::create_all(dir.join(format.as_str()))
                        .expect("the output directory can be made");
                    export(
                        format,
                        options,
                        Output::Directory(&mut directory),
                        &objects,
                        compiled.as_deref(),
                    )
                }
                (Some(dir), false) => {
                    fs::create_dir_all(dir).expect("the output directory can be made");
                    let file =
                        fs::File::create(dir.join(format!("{format}.{}", format.extension())))
                            .expect("the output file can be made");
                    let mut file = io::BufWriter::with_capacity(1 << 20, file);
                    export(
                        format,
                        options,
                        Output::Stream(&mut file),
                        &objects,
                        compiled.as_deref(),
                    )
                }
                (None, true) => export(
                    format,
                    options,
                    Output::Directory(&mut Discard),
                    &objects,
                    compiled.as_deref(),
                ),
                (None, false) => export(
                    format,
                    options,
                    Output::Stream(&mut io::sink()),
                    &objects,
                    compiled.as_deref(),
                ),
            };
            let seconds = started.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu_started;
            let writing = (
                write_started.0.elapsed().as_secs_f64(),
                cpu_seconds() - write_started.1,
            );
            if let Some(dir) = &out {
                fs::write(
                    dir.join(format!("{format}.summary.json")),
                    serde_json::to_string_pretty(&summary).expect("summaries serialise"),
                )
                .expect("the summary can be written");
            }
            let megabytes = summary.n_bytes as f64 / 1e6;
            let label = if compiled.is_some() {
                format!("{format} (patterns compiled on {threads} threads)")
            } else {
                format.to_string()
            };
            println!(
                "| {label} | {} | {} | {} | {megabytes:.1} | {seconds:.2} | {cpu:.2} | {:.0} | {:.1} | {:.0} | {:.1} |",
                summary.n_objects,
                summary.n_exported,
                summary.n_values,
                summary.n_objects as f64 / seconds,
                megabytes / seconds,
                summary.n_objects as f64 / cpu,
                megabytes / cpu,
            );
            if compiled.is_some() {
                let (seconds, cpu) = writing;
                println!(
                    "| {format} (writing only, one thread, after compiling on {threads}) | {} | {} | {} | {megabytes:.1} | {seconds:.2} | {cpu:.2} | {:.0} | {:.1} | {:.0} | {:.1} |",
                    summary.n_objects,
                    summary.n_exported,
                    summary.n_values,
                    summary.n_objects as f64 / seconds,
                    megabytes / seconds,
                    summary.n_objects as f64 / cpu,
                    megabytes / cpu,
                );
            }
            if threads == 1 && (out.is_some() || !format.needs_values() || max_threads == 1) {
                // One run per format is enough for the object formats and for checks.
                break;
            }
        }
    }
    ExitCode::SUCCESS
}

fn export(
    format: Format,
    options: ExportOptions,
    output: Output<'_>,
    objects: &[stix::StixObject],
    compiled: Option<&[IndicatorValues]>,
) -> export::Summary {
    let mut exporter = Exporter::new(format, options, output).expect("the options are valid");
    for (idx, object) in objects.iter().enumerate() {
        let item = ExportItem {
            values: compiled.map(|compiled| &compiled[idx]),
            ..ExportItem::new(object)
        };
        exporter.push(item).expect("the sink takes everything");
    }
    exporter.finish().expect("the sink takes everything")
}

/// Compiles every indicator's pattern on `threads` threads, in order.
fn compile_ahead(objects: &[stix::StixObject], threads: usize) -> Vec<IndicatorValues> {
    let chunk = objects.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = objects
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|object| match object.as_indicator() {
                            Some(indicator) => compile_indicator(indicator),
                            None => IndicatorValues {
                                outcome: Err(export::Reason::NotForFormat),
                                left_out_keys: Vec::new(),
                            },
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("compiling does not panic"))
            .collect()
    })
}

/// Returns the CPU time this process has used so far (user + system, every thread), in
/// seconds, from `/proc/self/stat` (in clock ticks of 1/100 s, the Linux default); 0 when it
/// cannot be read.
fn cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name (which may hold spaces) start after the last ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = |idx: usize| {
        fields
            .get(idx)
            .and_then(|field| field.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / 100.0
}

fn usage() -> ExitCode {
    eprintln!("usage: export_bench [--count N] [--format NAME]... [--out DIR] [--threads N]");
    ExitCode::from(2)
}

/// A directory that keeps nothing.
struct Discard;

impl Directory for Discard {
    fn create(&mut self, _name: &str) -> io::Result<Box<dyn DirectoryFile>> {
        Ok(Box::new(DiscardFile))
    }
}

struct DiscardFile;

impl Write for DiscardFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl DirectoryFile for DiscardFile {
    fn commit(self: Box<Self>) -> io::Result<()> {
        Ok(())
    }
}
