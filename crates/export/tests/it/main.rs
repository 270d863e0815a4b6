//! Integration tests of the `export` crate: golden files for every format, the sharing
//! policy across formats, and the importers.

mod golden;
mod import;
mod policy;
mod support;
