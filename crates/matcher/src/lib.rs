//! The matcher: compiles active STIX indicators into an index of lookup keys and finds them
//! in DNS, proxy, flow and IDS logs at line rate.
//!
//! - [`IndicatorIndex`] holds the keys of every active indicator (domain names with their
//!   subdomains, IP networks, URLs, hashes, e-mail addresses), is updated incrementally, and
//!   answers lookups of normalised values ([`normalize`]).
//! - [`LogFormat`] recognises and reads Zeek (TSV and JSON), Suricata EVE, plain lists, CSV and
//!   JSON lines; [`ChunkReader`] cuts an input (gzip, zstd, stdin, a growing file) into chunks
//!   of whole lines that can be scanned on any thread.
//! - [`Probe`] looks the values of a chunk up and yields [`Match`]es; [`SightingBuilder`]
//!   aggregates matches into STIX Sightings.
//! - [`corpus`] generates logs with a known set of planted matches, for tests and benchmarks.
//!
//! This crate is synchronous and spawns no threads; it reads the logs it is given and does no
//! network or database IO. Callers parallelise over chunks.

pub mod corpus;
mod error;
mod evaluate;
pub mod format;
mod index;
mod indicators;
mod input;
pub mod normalize;
mod run;
mod scan;
mod sighting;
pub mod time;

pub use error::Error;
pub use format::{FormatName, FormatSpec, LogFormat};
pub use index::{
    DomainScope, Hit, IndexStats, IndicatorEntry, IndicatorIndex, IndicatorRef, Key, KeyKind,
    Upsert,
};
pub use indicators::{BundleError, CompileError, IndicatorRecord, compile, read_bundle};
pub use input::{Chunk, ChunkReader, Follow, Input, open_input};
pub use run::{InputReport, scan_input};
pub use scan::{ChunkOutcome, Malformed, Match, Probe, ScanOptions, ValueKind, detect_kind};
pub use sighting::SightingBuilder;
