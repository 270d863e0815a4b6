//! STIX 2.1 object model: typed objects, identifiers, timestamps and validation, with lossless
//! JSON round-trip of custom properties.
//!
//! Every object type of the spec has a struct ([`Indicator`], [`Relationship`], [`File`], ...)
//! and [`StixObject`] is the enum over them; types the spec does not define parse as
//! [`CustomObject`]. Parsing checks the shape of each property and reports the JSON path of
//! the first problem; [`validate`] applies the spec's rules.
//!
//! This crate does no IO and knows nothing about storage or HTTP.

mod bundle;
mod error;
mod id;
pub mod marking;
mod object;
pub mod sco_id;
mod timestamp;
pub mod validate;
pub mod vocab;

pub use bundle::{Bundle, BundleType};
pub use error::{Diagnostic, Error, JsonPath, Severity};
pub use id::{IdError, ObjectType, StixId};
pub use marking::{Tlp, tlp_of};
pub use object::*;
pub use timestamp::{StixTimestamp, TimestampError};
pub use validate::{ValidationOptions, validate_bundle, validate_object, validate_value};
