//! TAXII 2.1 over HTTP: every endpoint of the specification as an axum [`Router`](axum::Router)
//! (discovery, API roots, status, collections, objects, one object, versions, manifest), with
//! media-type negotiation, filters, paging and the TAXII error message on every error.
//!
//! [`router`] builds the routes over a [`TaxiiState`] (a store and a [`TaxiiConfig`]); the
//! server nests it under `/taxii2` behind its authentication middleware, which puts the
//! caller's [`policy::Principal`] in each request. Reads apply the principal's
//! [`policy::AccessScope`] in the store, so a collection or object it may not read looks
//! exactly like one that does not exist. Writes ([`router`]'s POST) validate each object,
//! check onward sharing, store the valid ones in one transaction and report per object in a
//! stored status; large envelopes are processed in the background.
//!
//! This crate does not authenticate, rate-limit or listen on sockets (the `server` crate does),
//! and does not speak SQL (the `store` crate does).

mod config;
mod cursor;
mod error;
mod filters;
pub mod fuzzing;
mod ingest;
mod media;
mod principal;
mod resources;
mod routes;
mod state;

pub use config::TaxiiConfig;
pub use error::{ErrorMessage, TaxiiError, error_response};
pub use media::{STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE, check_accept, check_content_type};
pub use resources::{
    ApiRootResource, CollectionResource, CollectionsResource, Discovery, ManifestRecord,
    ManifestResource, StatusResource, VersionsResource,
};
pub use routes::{DATE_ADDED_FIRST, DATE_ADDED_LAST, fallback, router};
pub use state::TaxiiState;
