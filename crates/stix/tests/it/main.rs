//! Integration tests of the STIX model.

mod bundle_validator;
mod proptest_round_trip;
mod round_trip;
mod sco_ids;
