//! The crate's error type.

use std::path::PathBuf;

use stix::StixId;

/// Everything that stops a matcher operation. Problems in single log lines are not errors:
/// they are counted and reported as [`crate::Malformed`] and the run goes on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An object other than an indicator was given to the index.
    #[error("{id} is not an indicator")]
    NotAnIndicator {
        /// The object's id.
        id: StixId,
    },
    /// An indicator has a key longer than the index stores.
    #[error("indicator {id} has a key of {len} bytes, more than the 65535 the index stores")]
    KeyTooLong {
        /// The indicator.
        id: StixId,
        /// The key's length in bytes.
        len: usize,
    },
    /// The index would hold more than 4 GiB of key text or 2^32 keys.
    #[error("the indicator index is full (4 GiB of keys)")]
    IndexFull,
    /// A log could not be opened or read.
    #[error("reading {}", path.display())]
    Io {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The format of a log could not be recognised; `--format` names it.
    #[error("cannot recognise the format of {}: {reason}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was seen.
        reason: String,
    },
    /// A field map, column map or format name is not valid.
    #[error("invalid {what}: {reason}")]
    InvalidOption {
        /// Which option (`field map`, `column map`, ...).
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
}
