//! Errors and diagnostics: every problem names the object and the JSON path where it was found.

use std::fmt;

use crate::StixId;

/// The error type of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is not well-formed JSON; `message` (serde_json's) already names the line and
    /// column, so the display does not repeat them.
    #[error("invalid JSON: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// The input is JSON but not valid STIX; each diagnostic says where.
    #[error("{}", DisplayDiagnostics(.diagnostics))]
    Invalid {
        /// The problems found, at least one of them an error.
        diagnostics: Vec<Diagnostic>,
    },
}

impl Error {
    pub(crate) fn from_json(error: serde_json::Error) -> Self {
        Self::Json {
            line: error.line(),
            column: error.column(),
            message: error.to_string(),
        }
    }

    pub(crate) fn invalid(diagnostic: Diagnostic) -> Self {
        Self::Invalid {
            diagnostics: vec![diagnostic],
        }
    }

    /// Returns the diagnostics of an [`Error::Invalid`], or none.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Invalid { diagnostics } => diagnostics,
            Self::Json { .. } => &[],
        }
    }
}

struct DisplayDiagnostics<'a>(&'a [Diagnostic]);

impl fmt::Display for DisplayDiagnostics<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut errors = self.0.iter().filter(|d| d.severity == Severity::Error);
        match errors.next() {
            Some(first) => {
                write!(f, "{first}")?;
                let n_more = errors.count();
                if n_more > 0 {
                    write!(f, " (and {n_more} more)")?;
                }
                Ok(())
            }
            None => f.write_str("invalid STIX"),
        }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A recommendation of the spec (SHOULD) is not followed.
    Warning,
    /// A requirement of the spec (MUST) is broken; the object is refused.
    Error,
}

/// One problem found in an object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Whether this is an error or a warning.
    pub severity: Severity,
    /// The object's id, when it could be read.
    pub object_id: Option<StixId>,
    /// Where in the JSON the problem is.
    pub path: JsonPath,
    /// What is wrong, in lower case without a trailing period.
    pub message: String,
    /// The name of the check that found it (validator check codes), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<&'static str>,
}

impl Diagnostic {
    /// Creates an error diagnostic.
    pub fn error(object_id: Option<StixId>, path: JsonPath, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            object_id,
            path,
            message: message.into(),
            check: None,
        }
    }

    /// Creates a warning diagnostic.
    pub fn warning(object_id: Option<StixId>, path: JsonPath, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(object_id, path, message)
        }
    }

    /// Returns the diagnostic with its path placed under `prefix` (for objects in a bundle).
    pub fn under(mut self, prefix: &JsonPath) -> Self {
        self.path = prefix.join(&self.path);
        self
    }

    /// Returns whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.object_id {
            Some(id) => write!(f, "{id} at {}: {}", self.path, self.message),
            None => write!(f, "at {}: {}", self.path, self.message),
        }
    }
}

/// A JSON path such as `$.objects[3].external_references[0].url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JsonPath(String);

impl JsonPath {
    /// Returns the root path, `$`.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Returns this path extended by an object key.
    pub fn key(&self, key: &str) -> Self {
        let mut path = self.clone();
        path.push_key(key);
        path
    }

    /// Returns this path extended by an array index.
    pub fn index(&self, index: usize) -> Self {
        let mut path = self.clone();
        path.push_index(index);
        path
    }

    /// Extends this path by an object key, in place.
    pub(crate) fn push_key(&mut self, key: &str) {
        if key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && !key.is_empty()
        {
            self.0.push('.');
            self.0.push_str(key);
        } else {
            self.0.push('[');
            self.0.push_str(&serde_json::Value::from(key).to_string());
            self.0.push(']');
        }
    }

    /// Extends this path by an array index, in place.
    pub(crate) fn push_index(&mut self, index: usize) {
        use std::fmt::Write as _;
        let _ = write!(self.0, "[{index}]");
    }

    /// Returns `other` appended to this path.
    pub fn join(&self, other: &Self) -> Self {
        Self(format!("{}{}", self.0, other.0))
    }

    pub(crate) fn from_serde(path: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment;
        let mut out = Self::root();
        for segment in path.iter() {
            out = match segment {
                Segment::Seq { index } => out.index(*index),
                Segment::Map { key } => out.key(key),
                Segment::Enum { variant } => out.key(variant),
                Segment::Unknown => out,
            };
        }
        out
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}", self.0)
    }
}

impl serde::Serialize for JsonPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_like_jsonpath() {
        let path = JsonPath::root()
            .key("objects")
            .index(3)
            .key("external_references")
            .index(0)
            .key("url");
        assert_eq!(path.to_string(), "$.objects[3].external_references[0].url");
        assert_eq!(JsonPath::root().key("a b").to_string(), "$[\"a b\"]");
    }

    #[test]
    fn json_error_names_the_position_once() {
        let error = crate::StixObject::from_json("{\n  \"type\": }").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid JSON: expected value at line 2 column 11"
        );
        assert!(matches!(
            error,
            Error::Json {
                line: 2,
                column: 11,
                ..
            }
        ));
    }
}
