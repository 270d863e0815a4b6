//! Integration tests of STIX patterning: parsing, printing, evaluation, key compilation, the
//! OASIS conformance cases and property tests.

mod conformance;
mod eval;
mod parse;
mod properties;
