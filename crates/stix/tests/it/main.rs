//! Integration tests of the STIX model.

mod round_trip;
