//! The errors of exports. Importers have their own ([`ImportError`](crate::import::ImportError)):
//! they point into the input.

use crate::format::Format;

/// An export that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The output could not be written.
    #[error("writing the export failed")]
    Io(#[from] std::io::Error),
    /// The format writes several files and was given one stream.
    #[error("the {format} format writes a directory of files; give it a directory")]
    NeedsDirectory {
        /// The format asked for.
        format: Format,
    },
    /// The format writes one stream and was given a directory.
    #[error("the {format} format writes one stream; give it a file or stdout")]
    NeedsStream {
        /// The format asked for.
        format: Format,
    },
    /// An option has a value the format cannot use.
    #[error("invalid {name}: {reason}")]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
}
