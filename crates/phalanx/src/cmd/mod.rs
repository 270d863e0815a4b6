//! One module per command.

pub mod export;
pub mod get;
pub mod ingest;
pub mod stats;
pub mod validate;
