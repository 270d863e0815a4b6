//! One module per command.

pub mod collection;
pub mod export;
pub mod extract;
pub mod get;
pub mod import;
pub mod ingest;
pub mod match_;
pub mod participant;
pub mod pattern;
pub mod serve;
pub mod stats;
pub mod token;
pub mod user;
pub mod validate;
