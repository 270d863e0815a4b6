//! The crate's error type.

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The document is larger than the configured limit.
    #[error("document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The document's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The PDF could not be parsed.
    #[error("invalid PDF: {reason}")]
    Pdf {
        /// What went wrong, and where when known.
        reason: String,
    },
    /// The PDF needs more resources than the limits allow (pages, decompressed streams).
    #[error("PDF over the limits: {reason}")]
    PdfLimit {
        /// Which limit was hit.
        reason: String,
    },
}
