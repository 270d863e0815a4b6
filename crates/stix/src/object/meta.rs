//! Meta objects: marking definitions, language content and extension definitions
//! (STIX 2.1 sections 7 and 8).

use serde_json::{Map, Value};

use crate::{StixId, StixTimestamp};

stix_struct! {
    /// A data marking, such as a TLP level or a statement.
    MarkingDefinition {
        /// A name for the marking.
        name: Option<String>,
        /// The kind of definition (`statement`, `tlp`); TLP 2.0 uses an extension instead.
        definition_type: Option<String>,
        /// The definition, whose shape depends on `definition_type`.
        definition: Option<Value>,
    }
}

stix_struct! {
    /// Translations of an object's text properties.
    LanguageContent {
        /// The object translated.
        object_ref: StixId,
        /// The version of that object.
        object_modified: Option<StixTimestamp>,
        /// Translations, keyed by language code, then by property name.
        contents: Map<String, Value>,
    }
}

stix_struct! {
    /// The definition of a STIX extension.
    ExtensionDefinition {
        /// A name for the extension.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// A URL or text of the JSON schema.
        schema: String,
        /// The extension's version.
        version: String,
        /// What the extension adds (`new-sdo`, `property-extension`, ...).
        extension_types: Vec<String>,
        /// Top-level properties added by a `toplevel-property-extension`.
        extension_properties: Option<Vec<String>>,
    }
}
