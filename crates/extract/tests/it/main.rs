//! Integration tests of the `extract` crate: one binary, one module per topic.

mod documents;
mod extraction;
mod properties;
mod report;
