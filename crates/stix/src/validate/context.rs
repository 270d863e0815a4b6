//! The state of a validation run: the options, the object being checked, and the
//! diagnostics found so far.

use std::collections::HashMap;

use super::ValidationOptions;
use super::checks::EnabledChecks;
use crate::StixId;
use crate::error::{Diagnostic, JsonPath, Severity};

/// Collects diagnostics for one run.
pub(crate) struct Ctx<'a> {
    pub options: &'a ValidationOptions,
    enabled: &'a EnabledChecks,
    /// The id of the object being checked, when it could be read.
    pub object_id: Option<StixId>,
    /// While checking the observables embedded in observed-data `objects`: the type of each
    /// key, since their references are keys rather than identifiers.
    pub embedded_types: Option<HashMap<String, String>>,
    out: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(options: &'a ValidationOptions, enabled: &'a EnabledChecks) -> Self {
        Self {
            options,
            enabled,
            object_id: None,
            embedded_types: None,
            out: Vec::new(),
        }
    }

    /// Reports the breach of a MUST of the spec.
    pub(crate) fn must(&mut self, check: &'static str, path: &At<'_>, message: impl Into<String>) {
        self.push(Severity::Error, check, (*path).to_path(), message.into());
    }

    /// Returns whether a SHOULD check runs.
    pub(crate) fn runs(&self, check: &str) -> bool {
        self.enabled.contains(check)
    }

    /// Reports the breach of a SHOULD of the spec, if that check runs: a warning, or an error
    /// in strict mode.
    pub(crate) fn should(
        &mut self,
        check: &'static str,
        path: &At<'_>,
        message: impl Into<String>,
    ) {
        if self.runs(check) {
            let path = (*path).to_path();
            let severity = if self.options.strict && super::checks::escalates_in_strict_mode(check)
            {
                Severity::Error
            } else {
                Severity::Warning
            };
            self.push(severity, check, path, message.into());
        }
    }

    fn push(&mut self, severity: Severity, check: &'static str, path: JsonPath, message: String) {
        debug_assert!(
            super::check_info(check).is_some(),
            "check {check} is not in CHECKS"
        );
        self.out.push(Diagnostic {
            severity,
            object_id: self.object_id.clone(),
            path,
            message,
            check: Some(check),
        });
    }

    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        self.out
    }
}

/// A JSON path built only when a diagnostic needs it: validation visits every property, and
/// most visits find nothing to report.
#[derive(Clone, Copy)]
pub(crate) enum At<'a> {
    /// A materialized path.
    Base(&'a JsonPath),
    /// An object key under a path.
    Key(&'a At<'a>, &'a str),
    /// A list index under a path.
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    /// Returns this path extended by an object key.
    pub(crate) fn key<'b>(&'b self, key: &'b str) -> At<'b> {
        At::Key(self, key)
    }

    /// Returns this path extended by a list index.
    pub(crate) fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }

    /// Builds the path, from its base outwards.
    pub(crate) fn to_path(self) -> JsonPath {
        // Collect the segments first so that the path is built by appending, not by copying
        // it once per level.
        let mut segments: Vec<At<'_>> = Vec::new();
        let mut current = self;
        let base = loop {
            match current {
                At::Base(path) => break path,
                At::Key(parent, _) | At::Index(parent, _) => {
                    segments.push(current);
                    current = *parent;
                }
            }
        };
        let mut path = base.clone();
        for segment in segments.into_iter().rev() {
            match segment {
                At::Key(_, key) => path.push_key(key),
                At::Index(_, index) => path.push_index(index),
                At::Base(_) => unreachable!("only the loop's end is a base"),
            }
        }
        path
    }
}
