//! Integration tests of the matcher: readers against hand-written logs, the planted corpus,
//! the index against a slow reference, the JSON scanner against serde_json, inputs.

mod corpus;
mod index;
mod inputs;
mod json_scanner;
mod readers;
mod sightings;
mod support;
