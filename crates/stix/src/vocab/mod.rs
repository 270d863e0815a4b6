//! STIX 2.1 vocabularies (section 10) and other lists of values, kept as data.
//!
//! Open vocabularies (`*-ov`) list suggested values: other values are allowed, and the validator
//! reports them as warnings. Enumerations (`*-enum`) are closed: any other value is an error.

mod enums;
mod open;
mod registries;

pub use enums::*;
pub use open::*;
pub use registries::*;

/// A named list of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vocab {
    /// The spec's name, such as `malware-type-ov` or `opinion-enum`.
    pub name: &'static str,
    /// The values, in the spec's order.
    pub values: &'static [&'static str],
}

impl Vocab {
    /// Returns whether `value` is one of the listed values (case-sensitive).
    pub fn contains(&self, value: &str) -> bool {
        self.values.contains(&value)
    }

    /// Returns whether this is an open vocabulary (`*-ov`) rather than an enumeration.
    pub fn is_open(&self) -> bool {
        self.name.ends_with("-ov")
    }
}
