//! The [`Extractor`]: configuration (the allow list) and the entry points.

use crate::benign::{AllowList, BenignRules};
use crate::document::Document;
use crate::finding::Finding;
use crate::scan;

/// Extracts indicators from text. Cheap to clone; build one and reuse it.
#[derive(Debug, Clone)]
pub struct Extractor {
    rules: BenignRules,
}

impl Default for Extractor {
    fn default() -> Self {
        Self::new()
    }
}

impl Extractor {
    /// Creates an extractor with the allow list shipped with Phalanx.
    pub fn new() -> Self {
        Self::with_allowlist(AllowList::builtin())
    }

    /// Creates an extractor with the given allow list (replacing the built-in one).
    pub fn with_allowlist(allowlist: AllowList) -> Self {
        Self {
            rules: BenignRules { allowlist },
        }
    }

    /// Extracts every indicator of `text`, in document order; offsets are byte offsets in
    /// `text`. Never fails: text without indicators gives an empty list.
    pub fn extract(&self, text: &str) -> Vec<Finding> {
        scan::scan(text, &self.rules)
    }

    /// Extracts the indicators of a parsed document (its text, then its link targets).
    pub fn extract_document(&self, document: &Document) -> Vec<Finding> {
        self.extract(&document.text)
    }
}
