//! Integration tests of the STIX model.

mod round_trip;
mod sco_ids;
