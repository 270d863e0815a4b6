//! Integration tests of the store: the conformance suite, run against SQLite always and
//! against PostgreSQL when `PHALANX_TEST_DATABASE_URL` is set.

mod accounts;
mod conformance;
mod external_ids;
mod fixtures;
mod taxii_support;
