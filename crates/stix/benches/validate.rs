//! Parsing and validating the ATT&CK Enterprise bundle (24,771 objects) from
//! `../shared/data`, with the default options (SHOULD checks as warnings) and with MUST rules
//! only. Skips with a message when the shared folder is absent.
//!
//! `cargo bench -p stix --bench validate`; the peer figure (`stix2.parse`) is measured by
//! `bench/stix-validate.sh` in the same run.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use stix::{Bundle, ValidationOptions, validate_value};

fn attack_bundle() -> Option<String> {
    let shared = std::env::var_os("PHALANX_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let path = shared.join("data/attack/enterprise-attack-18.1.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("skipped: {} not found (set PHALANX_SHARED)", path.display());
            None
        }
    }
}

fn bench(c: &mut Criterion) {
    let Some(text) = attack_bundle() else {
        return;
    };
    let value: Value = serde_json::from_str(&text).expect("the ATT&CK bundle is JSON");
    let must_only = ValidationOptions {
        disabled: vec!["all".to_owned()],
        ..ValidationOptions::default()
    };
    let mut group = c.benchmark_group("attack-enterprise");
    group.sample_size(10);
    group.bench_function("Bundle::from_json", |b| {
        b.iter(|| Bundle::from_json(&text).expect("parses"));
    });
    group.bench_function("validate_value default", |b| {
        b.iter(|| validate_value(&value, &ValidationOptions::default()));
    });
    group.bench_function("validate_value MUST only", |b| {
        b.iter(|| validate_value(&value, &must_only));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
