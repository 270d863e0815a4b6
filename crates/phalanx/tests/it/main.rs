//! End-to-end tests of the `phalanx` binary: each runs the built binary on a temporary data
//! directory.

mod attack;
mod export_formats;
mod extract_report;
mod import_medallion;
mod ingest;
mod ingest_from;
mod kill;
mod match_;
mod serve;
mod support;
