//! Measures building the indicator index from a bundle (`bench/matcher/run.sh`): the time to
//! read the bundle, to compile the patterns (on one thread and on N), to insert into the index,
//! and the index's heap memory counted by a counting allocator. Each step reports wall time
//! and the process's CPU time (user + system, all threads, from `/proc/self/stat`), as the
//! machine may be shared and wall time then measures the neighbours too.
//!
//! `cargo run --release -p matcher --example index_build -- BUNDLE THREADS`
#![expect(
    unsafe_code,
    reason = "a counting global allocator measures the index's heap; it only forwards to the system allocator"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

use matcher::{IndicatorEntry, IndicatorIndex, IndicatorRecord, compile, read_bundle};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// CPU seconds (user + system) the process has used, all threads; `None` off Linux.
fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): state is
    // field 3, utime and stime fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux).
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// CPU seconds used since `before`.
fn cpu_since(before: Option<f64>) -> Option<f64> {
    before
        .zip(process_cpu_s())
        .map(|(before, now)| now - before)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [bundle, threads] = args.as_slice() else {
        return Err("usage: index_build BUNDLE THREADS".into());
    };
    let threads: usize = threads.parse()?;

    let cpu = process_cpu_s();
    let started = Instant::now();
    let mut records: Vec<IndicatorRecord> = Vec::new();
    read_bundle(std::fs::File::open(bundle)?, |_, record| {
        records.push(record)
    })?;
    let read_s = started.elapsed().as_secs_f64();
    let read_cpu_s = cpu_since(cpu);

    let cpu = process_cpu_s();
    let started = Instant::now();
    let single: Vec<_> = records.iter().map(compile).collect();
    let compile_1_s = started.elapsed().as_secs_f64();
    let compile_1_cpu_s = cpu_since(cpu);
    drop(single);

    let cpu = process_cpu_s();
    let started = Instant::now();
    let chunk = records.len().div_ceil(threads).max(1);
    let compiled: Vec<Result<IndicatorEntry, _>> = std::thread::scope(|scope| {
        let workers: Vec<_> = records
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(compile).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("no panic"))
            .collect()
    });
    let compile_n_s = started.elapsed().as_secs_f64();
    let compile_n_cpu_s = cpu_since(cpu);
    let n_errors = compiled.iter().filter(|result| result.is_err()).count();
    drop(records);

    let before = LIVE.load(Ordering::Relaxed);
    let cpu = process_cpu_s();
    let started = Instant::now();
    let mut index = IndicatorIndex::with_capacity(compiled.len());
    for entry in compiled.iter().flatten() {
        index.upsert(entry)?;
    }
    index.shrink_to_fit();
    let insert_s = started.elapsed().as_secs_f64();
    let insert_cpu_s = cpu_since(cpu);
    let counted = LIVE.load(Ordering::Relaxed) - before;
    let stats = index.stats();
    let per_indicator = counted as f64 / index.len() as f64;
    println!(
        "{}",
        serde_json::json!({
            "indicators_read": compiled.len(),
            "not_indexed": n_errors,
            "indexed": index.len(),
            "evaluated": index.n_evaluated(),
            "keys": { "domains": stats.domains, "ips": stats.ips, "others": stats.others },
            "read_bundle_s": read_s,
            "read_bundle_cpu_s": read_cpu_s,
            "compile_1_thread_s": compile_1_s,
            "compile_1_thread_cpu_s": compile_1_cpu_s,
            "compile_s": compile_n_s,
            "compile_cpu_s": compile_n_cpu_s,
            "compile_threads": threads,
            "insert_s": insert_s,
            "insert_cpu_s": insert_cpu_s,
            "build_s": compile_n_s + insert_s,
            "build_cpu_s": compile_n_cpu_s.zip(insert_cpu_s).map(|(compile, insert)| compile + insert),
            "heap_bytes_counted": counted,
            "bytes_per_indicator": per_indicator,
            "heap_bytes_reported": stats.heap_bytes,
        })
    );
    Ok(())
}
