//! Importers from peers' formats into STIX 2.1: MISP events and feeds ([`misp`]) and
//! indicator lists, plain or CSV ([`list`]).
//!
//! Importers read untrusted input: they never panic, refuse input larger than
//! [`ImportOptions::max_input_bytes`], and point at the line or JSON path of every problem.
//! They return what they could read as STIX objects plus a diagnostic for each record they
//! skipped; storing the result is all or nothing, and is the caller's decision.

pub mod list;
pub mod misp;
mod pattern;

use std::fmt;

use policy::Tlp;
use stix::{JsonPath, StixId, StixObject, StixTimestamp};
use uuid::Uuid;

/// The namespace of the UUIDv5 identifiers importers derive, so that importing the same
/// record twice names the same object.
pub const IMPORT_NAMESPACE: Uuid = Uuid::from_u128(0x5b7c_2f0e_8d41_4f7a_9c1d_3e6a_0b8f_4c21);

/// How imported objects are marked and attributed.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The TLP level of objects whose source gives none (a MISP event without `tlp:` tags,
    /// every record of a list).
    pub tlp: Tlp,
    /// The confidence of indicators whose source gives none.
    pub confidence: Option<u8>,
    /// The identity credited as `created_by_ref` of list records.
    pub created_by: Option<StixId>,
    /// The name of the source, used in names and external references (`urlhaus`).
    pub source: String,
    /// The time imported objects are created at when the source gives none.
    pub now: StixTimestamp,
    /// The largest input accepted, in bytes.
    pub max_input_bytes: usize,
}

/// The default [`ImportOptions::max_input_bytes`]: 256 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 256 << 20;

impl ImportOptions {
    /// Returns options that mark records TLP:AMBER (as the store does for unmarked
    /// objects), give no confidence, and name the source `source`.
    pub fn new(source: impl Into<String>, now: StixTimestamp) -> Self {
        Self {
            tlp: Tlp::Amber,
            confidence: None,
            created_by: None,
            source: source.into(),
            now,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
        }
    }
}

/// What an import read.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// The STIX objects, ready to validate and store (marking definitions first).
    pub objects: Vec<StixObject>,
    /// The records read (lines, attributes and objects, events).
    pub n_records: u64,
    /// One diagnostic per record skipped, or kept with a change.
    pub diagnostics: Vec<ImportDiagnostic>,
}

impl Imported {
    /// Returns how many objects of `object_type` were made.
    pub fn count(&self, object_type: &str) -> usize {
        self.objects
            .iter()
            .filter(|object| object.object_type() == object_type)
            .count()
    }
}

/// Where in the input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A 1-based line of a text input.
    Line(u64),
    /// A JSON path in a JSON input (`$.Event.Attribute[3].value`).
    Path(JsonPath),
    /// A file of a feed, with a location in it.
    File {
        /// The file's name.
        name: String,
        /// Where in the file.
        inner: Box<Location>,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(line) => write!(f, "line {line}"),
            Self::Path(path) => write!(f, "{path}"),
            Self::File { name, inner } => write!(f, "{name}: {inner}"),
        }
    }
}

/// A record an importer skipped, or read with a change, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDiagnostic {
    /// Where the record is.
    pub location: Location,
    /// What happened to it.
    pub message: String,
}

impl fmt::Display for ImportDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// An input that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input is larger than allowed.
    #[error("the input has {n_bytes} bytes, more than the {max_bytes} allowed")]
    TooLarge {
        /// The input's size.
        n_bytes: usize,
        /// The limit.
        max_bytes: usize,
    },
    /// The input is not well-formed JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// The input is not of the expected shape.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
}

impl ImportError {
    pub(crate) fn invalid(location: Location, message: impl Into<String>) -> Self {
        Self::Invalid {
            location,
            message: message.into(),
        }
    }

    pub(crate) fn from_json(error: &serde_json::Error) -> Self {
        Self::Json {
            line: error.line(),
            column: error.column(),
            message: error.to_string(),
        }
    }

    /// Places the error in a file of a feed.
    pub(crate) fn in_file(self, name: &str) -> Self {
        match self {
            Self::Invalid { location, message } => Self::Invalid {
                location: Location::File {
                    name: name.to_owned(),
                    inner: Box::new(location),
                },
                message,
            },
            Self::Json {
                line,
                column,
                message,
            } => Self::Invalid {
                location: Location::File {
                    name: name.to_owned(),
                    inner: Box::new(Location::Line(line as u64)),
                },
                message: format!("invalid JSON at column {column}: {message}"),
            },
            other @ Self::TooLarge { .. } => other,
        }
    }
}

pub(crate) fn check_size(input: &[u8], options: &ImportOptions) -> Result<(), ImportError> {
    if input.len() > options.max_input_bytes {
        return Err(ImportError::TooLarge {
            n_bytes: input.len(),
            max_bytes: options.max_input_bytes,
        });
    }
    Ok(())
}

/// Returns the UUIDv5 of `name` in the import namespace, as a STIX id of `object_type`.
pub(crate) fn derived_id(object_type: &str, name: &str) -> StixId {
    StixId::from_parts(
        object_type,
        Uuid::new_v5(&IMPORT_NAMESPACE, name.as_bytes()),
    )
    .expect("importers use spec type names")
}
