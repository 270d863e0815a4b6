//! The shape of every STIX 2.1 object type as data: each property's name, kind (which drives
//! the type, range, vocabulary and reference checks) and whether it is required.
//!
//! The tables follow the property tables of the spec (sections 3 to 8); rules that tie several
//! properties together live in the rule modules beside this one.

mod common;
mod extensions;
mod sco;
mod sdo;

use crate::Category;
use crate::vocab::Vocab;

pub(crate) use common::{common_properties, is_reserved_property};
pub(crate) use extensions::predefined_extension;

/// What a property holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// A string.
    Str,
    /// A boolean.
    Bool,
    /// An integer within an inclusive range.
    Int { min: i64, max: i64 },
    /// A number (integer or float) within an inclusive range.
    Num { min: f64, max: f64 },
    /// A timestamp.
    Timestamp,
    /// An identifier of an object of the given kinds.
    Ref(Target),
    /// A non-empty list of identifiers of objects of the given kinds.
    Refs(Target),
    /// A non-empty list of strings.
    Strs,
    /// A string from an open vocabulary, checked by the named SHOULD check.
    Open(&'static Vocab, &'static str),
    /// A non-empty list of strings from an open vocabulary.
    OpenList(&'static Vocab, &'static str),
    /// A string from an enumeration.
    Enum(&'static Vocab),
    /// A non-empty list of strings from an enumeration.
    EnumList(&'static Vocab),
    /// A hashes dictionary.
    Hashes,
    /// A dictionary.
    Dict,
    /// A non-empty list of kill chain phases.
    KillChainPhases,
    /// A non-empty list of external references.
    ExternalReferences,
    /// A non-empty list of granular markings.
    GranularMarkings,
    /// An extensions dictionary.
    Extensions,
    /// Base64-encoded binary data.
    Binary,
    /// Hex-encoded binary data.
    Hex,
    /// An object with known properties.
    Object(&'static [Prop]),
    /// A non-empty list of objects with known properties.
    Objects(&'static [Prop]),
    /// A non-empty list of objects with known properties that may be empty (`received_lines`).
    StrsMaybeEmpty,
    /// Any JSON value (checked by a rule module).
    Any,
}

/// The kinds of objects a reference may point to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// One of these types.
    Types(&'static [&'static str]),
    /// Any STIX Cyber-observable Object, including custom observables.
    Sco,
    /// Any STIX Domain Object or custom object (`sighting_of_ref`).
    Sdo,
    /// Anything a relationship may link: not a relationship, sighting, bundle, marking
    /// definition, language content or extension definition.
    Relatable,
    /// An SCO or an SRO (`observed-data` `object_refs`).
    ScoOrSro,
    /// Any object except a bundle or language content (`language-content` `object_ref`).
    NotBundle,
    /// Any object.
    Any,
}

/// One property of a type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prop {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

/// Declares a required property.
pub(crate) const fn req(name: &'static str, kind: Kind) -> Prop {
    Prop {
        name,
        kind,
        required: true,
    }
}

/// Declares an optional property.
pub(crate) const fn opt(name: &'static str, kind: Kind) -> Prop {
    Prop {
        name,
        kind,
        required: false,
    }
}

/// An integer with no bounds beyond JSON's.
pub(crate) const INT: Kind = Kind::Int {
    min: i64::MIN,
    max: i64::MAX,
};

/// A non-negative integer.
pub(crate) const UINT: Kind = Kind::Int {
    min: 0,
    max: i64::MAX,
};

/// The definition of one object type of the spec.
#[derive(Debug)]
pub(crate) struct TypeDef {
    pub name: &'static str,
    pub category: Category,
    pub props: &'static [Prop],
    /// The predefined extensions an SCO may carry (`archive-ext`, ...).
    pub extensions: &'static [&'static str],
}

/// Returns the definition of a spec type, or `None` for custom types.
pub(crate) fn type_def(object_type: &str) -> Option<&'static TypeDef> {
    sdo::TYPES
        .iter()
        .chain(sco::TYPES)
        .find(|def| def.name == object_type)
}

/// Finds the property named `name` among `props`. Validation looks up every property of every
/// object, so this compares the length and first byte before the whole name.
pub(crate) fn find_prop<'p>(props: &[&'p [Prop]], name: &str) -> Option<&'p Prop> {
    let first = name.as_bytes().first().copied();
    props.iter().flat_map(|props| props.iter()).find(|prop| {
        prop.name.len() == name.len()
            && prop.name.as_bytes().first().copied() == first
            && prop.name == name
    })
}
