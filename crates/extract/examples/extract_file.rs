//! Extracts one file and prints the number of findings and the time the extraction took (the
//! file is read first, so the figure is the extractor's throughput alone). Both the wall time
//! and the CPU time of the process (Linux `/proc/self/schedstat`) are given: on a shared
//! machine the CPU time is the fair measure of throughput per core.
//!
//! ```text
//! cargo run --release -p extract --example extract_file -- FILE [ROUNDS]
//! ```

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: extract_file FILE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            std::process::exit(2);
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let extractor = extract::Extractor::new();
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut n_findings = 0;
    for _ in 0..rounds {
        let cpu_started = cpu_seconds();
        let started = Instant::now();
        n_findings = extractor.extract(&text).len();
        best = best.min(started.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (cpu_started, cpu_seconds()) {
            best_cpu = best_cpu.min(after - before);
        }
    }
    let mb = text.len() as f64 / 1e6;
    println!(
        "{{\"bytes\": {}, \"findings\": {n_findings}, \"best_wall_seconds\": {best:.4}, \"best_cpu_seconds\": {best_cpu:.4}, \"mb_per_s_wall\": {:.1}, \"mb_per_s_cpu\": {:.1}}}",
        text.len(),
        mb / best,
        mb / best_cpu
    );
}

/// CPU time of this process so far (Linux), from the first field of `/proc/self/schedstat`.
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let nanos: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
