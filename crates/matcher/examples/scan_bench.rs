//! Measures scanning one log on one thread (`bench/matcher/run.sh`): the log is read into
//! memory first, so the figure is the matcher's, not the disk's. Prints wall time and the
//! thread's CPU time (from `/proc/thread-self/schedstat`, so other load on the machine does not
//! count), with MB/s and lines/s of each, and the number of matches.
//!
//! `cargo run --release -p matcher --example scan_bench -- BUNDLE LOG [MATCHES_OUT]`

use std::io::Write;
use std::time::Instant;

use matcher::{FormatSpec, IndicatorIndex, Input, ScanOptions, compile, read_bundle, scan_input};
use stix::StixTimestamp;

/// Nanoseconds this thread has run on a CPU.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (bundle, log, matches_out) = match args.as_slice() {
        [bundle, log] => (bundle, log, None),
        [bundle, log, out] => (bundle, log, Some(out)),
        _ => return Err("usage: scan_bench BUNDLE LOG [MATCHES_OUT]".into()),
    };
    let mut index = IndicatorIndex::new();
    read_bundle(std::fs::File::open(bundle)?, |_, record| {
        if let Ok(entry) = compile(&record) {
            index.upsert(&entry).expect("the index has room");
        }
    })?;
    index.shrink_to_fit();
    let text = std::fs::read(log)?;
    let bytes = text.len() as f64;
    let options = ScanOptions::new(StixTimestamp::parse("2024-06-01T00:00:00Z")?);
    // SCAN_REPEAT=n scans the log n times and keeps the fastest run: on a shared machine the
    // slower runs measure the neighbours.
    let repeat: u32 = std::env::var("SCAN_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut best: Option<(f64, Option<f64>, matcher::InputReport)> = None;
    for _ in 0..repeat {
        let input = Input::from_reader(log.as_str(), Box::new(std::io::Cursor::new(text.clone())));
        let cpu_before = thread_cpu_ns();
        let started = Instant::now();
        let report = scan_input(input, &FormatSpec::default(), &index, options, false)?;
        let wall = started.elapsed().as_secs_f64();
        let cpu = cpu_before
            .zip(thread_cpu_ns())
            .map(|(before, after)| (after - before) as f64 / 1e9);
        let faster = best.as_ref().is_none_or(|(best_wall, best_cpu, _)| {
            cpu.zip(*best_cpu)
                .map_or(wall < *best_wall, |(cpu, best)| cpu < best)
        });
        if faster {
            best = Some((wall, cpu, report));
        }
    }
    drop(text);
    let (wall, cpu, report) = best.expect("at least one scan");
    let lines = report.outcome.lines as f64;
    if let Some(path) = matches_out {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for found in &report.outcome.matches {
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({"line": found.line, "field": found.field, "value": found.value, "indicator": found.indicator}),
            )?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    println!(
        "{}",
        serde_json::json!({
            "log": log,
            "format": report.format,
            "bytes": report.outcome.bytes,
            "lines": report.outcome.lines,
            "matches": report.outcome.matches.len(),
            "malformed": report.outcome.n_malformed,
            "wall_s": wall,
            "cpu_s": cpu,
            "mb_per_s_wall": bytes / 1e6 / wall,
            "lines_per_s_wall": lines / wall,
            "mb_per_s_cpu": cpu.map(|cpu| bytes / 1e6 / cpu),
            "lines_per_s_cpu": cpu.map(|cpu| lines / cpu),
        })
    );
    Ok(())
}
