//! Criterion benchmark of the exports: 20 000 synthetic indicators per iteration in each
//! format, into a sink. The million-indicator figures come from `examples/export_bench.rs`
//! (run by `bench/export/run.sh`).

mod synthetic;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use export::{ExportItem, ExportOptions, Exporter, Format, MemoryDirectory, Output};
use policy::AccessScope;
use stix::StixTimestamp;

const COUNT: u64 = 20_000;

fn exports(c: &mut Criterion) {
    let objects = synthetic::indicators(COUNT);
    let now = StixTimestamp::parse("2024-06-01T00:00:00Z").expect("a valid time");
    let mut group = c.benchmark_group("export");
    group.throughput(Throughput::Elements(COUNT));
    group.sample_size(10);
    for format in Format::ALL {
        group.bench_function(format.as_str(), |b| {
            b.iter(|| {
                let options = ExportOptions::new(AccessScope::unrestricted(), now);
                let mut sink = std::io::sink();
                let mut directory = MemoryDirectory::new();
                let output = if format.is_directory() {
                    Output::Directory(&mut directory)
                } else {
                    Output::Stream(&mut sink)
                };
                let mut exporter = Exporter::new(format, options, output).expect("valid options");
                for object in &objects {
                    exporter
                        .push(ExportItem::new(object))
                        .expect("a sink takes everything");
                }
                exporter.finish().expect("a sink takes everything")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, exports);
criterion_main!(benches);
