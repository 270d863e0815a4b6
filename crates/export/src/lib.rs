//! Exports for defenders' tools and importers from peers.
//!
//! An export takes STIX objects one at a time ([`Exporter::push`]), keeps those the reader
//! may see and the filters select, turns indicators into the values their patterns match
//! (domains, addresses, URLs, hashes, e-mail addresses; through the pattern compiler of
//! `stix-pattern`) and writes them in a [`Format`]: Suricata rules and datasets, a Zeek Intel
//! file, a DNS response-policy zone, nftables sets, MISP events and feeds, Sentinel upload
//! bodies, CSV, plain lists or a STIX bundle. Every export ends with a [`Summary`] of what
//! was written and what was left out, and why.
//!
//! The [`import`] module reads MISP events, MISP feeds and indicator lists (plain or CSV)
//! into STIX 2.1 objects.
//!
//! This crate does no network or database IO and spawns no threads; the only files it
//! touches are those of an [`FsDirectory`] it is given.

mod error;
mod exporter;
mod format;
pub mod import;
mod keys;
mod options;
mod output;
mod summary;
mod value;

pub use error::Error;
pub use exporter::{ExportItem, Exporter};
pub use format::Format;
pub use keys::{IndicatorValues, compile_indicator};
pub use options::{
    ExportOptions, NftablesOptions, Producer, RpzOptions, RpzPolicy, SENTINEL_MAX_OBJECTS,
    SentinelOptions, SuricataOptions,
};
pub use output::{Directory, DirectoryFile, FsDirectory, MemoryDirectory, Output};
pub use summary::{Count, MAX_EXAMPLES, Reason, Summary};
pub use value::{
    HashAlgorithm, Value, ValueError, ValueKind, parse_dns_name, parse_domain, parse_email,
    parse_hash, parse_ip, parse_url,
};

/// The default first `sid` of Suricata rules (see the `suricata` format).
pub const DEFAULT_SID_BASE: u32 = format::suricata::DEFAULT_SID_BASE;
/// The default number of `sid`s Suricata rules are spread over.
pub const DEFAULT_SID_SPAN: u32 = format::suricata::DEFAULT_SID_SPAN;
