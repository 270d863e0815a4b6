//! The common properties of each category of object (STIX 2.1 section 3.2, and sections 7
//! and 8 for the meta objects).

use super::{Kind, Prop, Target, opt, req};
use crate::Category;

const MARKINGS: Target = Target::Types(&["marking-definition"]);
const IDENTITY: Target = Target::Types(&["identity"]);

/// Common properties of SDOs and SROs.
const DOMAIN: &[Prop] = &[
    req("type", Kind::Str),
    req("spec_version", Kind::Str),
    req("id", Kind::Str),
    opt("created_by_ref", Kind::Ref(IDENTITY)),
    req("created", Kind::Timestamp),
    req("modified", Kind::Timestamp),
    opt("revoked", Kind::Bool),
    opt("labels", Kind::Strs),
    opt("confidence", Kind::Int { min: 0, max: 100 }),
    opt("lang", Kind::Str),
    opt("external_references", Kind::ExternalReferences),
    opt("object_marking_refs", Kind::Refs(MARKINGS)),
    opt("granular_markings", Kind::GranularMarkings),
    opt("extensions", Kind::Extensions),
];

/// Common properties of SCOs: no `created`, `modified`, `created_by_ref`, ...
const OBSERVABLE: &[Prop] = &[
    req("type", Kind::Str),
    opt("spec_version", Kind::Str),
    req("id", Kind::Str),
    opt("object_marking_refs", Kind::Refs(MARKINGS)),
    opt("granular_markings", Kind::GranularMarkings),
    opt("defanged", Kind::Bool),
    opt("extensions", Kind::Extensions),
];

/// Common properties of marking definitions (section 7.2.1): no `modified`, `revoked`,
/// `labels`, `confidence` or `lang`.
const MARKING_DEFINITION: &[Prop] = &[
    req("type", Kind::Str),
    req("spec_version", Kind::Str),
    req("id", Kind::Str),
    opt("created_by_ref", Kind::Ref(IDENTITY)),
    req("created", Kind::Timestamp),
    opt("external_references", Kind::ExternalReferences),
    opt("object_marking_refs", Kind::Refs(MARKINGS)),
    opt("granular_markings", Kind::GranularMarkings),
    opt("extensions", Kind::Extensions),
];

/// Common properties of language content (section 7.1): no `lang`.
const LANGUAGE_CONTENT: &[Prop] = &[
    req("type", Kind::Str),
    req("spec_version", Kind::Str),
    req("id", Kind::Str),
    opt("created_by_ref", Kind::Ref(IDENTITY)),
    req("created", Kind::Timestamp),
    req("modified", Kind::Timestamp),
    opt("revoked", Kind::Bool),
    opt("labels", Kind::Strs),
    opt("confidence", Kind::Int { min: 0, max: 100 }),
    opt("external_references", Kind::ExternalReferences),
    opt("object_marking_refs", Kind::Refs(MARKINGS)),
    opt("granular_markings", Kind::GranularMarkings),
    opt("extensions", Kind::Extensions),
];

/// Common properties of extension definitions (section 7.3): `created_by_ref` is required;
/// no `confidence`, `lang` or `extensions`.
const EXTENSION_DEFINITION: &[Prop] = &[
    req("type", Kind::Str),
    req("spec_version", Kind::Str),
    req("id", Kind::Str),
    req("created_by_ref", Kind::Ref(IDENTITY)),
    req("created", Kind::Timestamp),
    req("modified", Kind::Timestamp),
    opt("revoked", Kind::Bool),
    opt("labels", Kind::Strs),
    opt("external_references", Kind::ExternalReferences),
    opt("object_marking_refs", Kind::Refs(MARKINGS)),
    opt("granular_markings", Kind::GranularMarkings),
];

/// Returns the common properties that apply to an object of `object_type` in `category`.
///
/// Custom objects use the domain set when they carry `created` or `modified` and the
/// observable set otherwise; the caller decides by passing the category.
pub(crate) fn common_properties(object_type: &str, category: Category) -> &'static [Prop] {
    match (object_type, category) {
        ("marking-definition", _) => MARKING_DEFINITION,
        ("language-content", _) => LANGUAGE_CONTENT,
        ("extension-definition", _) => EXTENSION_DEFINITION,
        (_, Category::Observable) => OBSERVABLE,
        _ => DOMAIN,
    }
}

/// Returns whether a property name is reserved by the spec (section 3.1) and so may not be
/// used.
pub(crate) fn is_reserved_property(name: &str) -> bool {
    matches!(name, "severity" | "action" | "username" | "phone_numbers")
}
