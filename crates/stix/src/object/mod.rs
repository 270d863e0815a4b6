//! Typed STIX objects and the [`StixObject`] enum over all of them.
//!
//! Every struct keeps the common properties in `common` and anything the spec does not
//! define in `custom`, so that any object serializes back to JSON equal to its input.

/// Declares a STIX object struct: the common properties, the type's own properties (in spec
/// order) and the custom properties.
macro_rules! stix_struct {
    (
        $(#[$meta:meta])*
        $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[serde_with::skip_serializing_none]
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            /// The common properties (`id`, `created`, markings, ...).
            #[serde(flatten)]
            pub common: $crate::object::CommonProperties,
            $(
                $(#[$field_meta])*
                pub $field: $ty,
            )*
            /// Properties the spec does not define, kept verbatim.
            #[serde(flatten)]
            pub custom: $crate::object::CustomProperties,
        }
    };
}

mod common;
mod meta;
mod sco;
mod sdo;
mod sro;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub use common::{
    CommonProperties, CustomProperties, ExternalReference, GranularMarking, Hashes, KillChainPhase,
};
pub use meta::{ExtensionDefinition, LanguageContent, MarkingDefinition};
pub use sco::{
    Artifact, AutonomousSystem, Directory, DomainName, EmailAddr, EmailMessage, File, Ipv4Addr,
    Ipv6Addr, MacAddr, Mutex, NetworkTraffic, Process, Software, Url, UserAccount,
    WindowsRegistryKey, X509Certificate,
};
pub use sdo::{
    AttackPattern, Campaign, CourseOfAction, Grouping, Identity, Incident, Indicator,
    Infrastructure, IntrusionSet, Location, Malware, MalwareAnalysis, Note, ObservedData, Opinion,
    Report, ThreatActor, Tool, Vulnerability,
};
pub use sro::{Relationship, Sighting};

use crate::error::{Diagnostic, Error, JsonPath};
use crate::{ObjectType, StixId, StixTimestamp};

/// The broad kind of a STIX object, which decides its common-property rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// A STIX Domain Object (section 4).
    Domain,
    /// A STIX Cyber-observable Object (section 6).
    Observable,
    /// A STIX Relationship Object (section 5).
    Relationship,
    /// A marking definition, language content or extension definition.
    Meta,
    /// An object type the spec does not define.
    Custom,
}

/// An object of a type the spec does not define, such as `x-mitre-tactic`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomObject {
    /// The object's type name.
    #[serde(skip)]
    pub object_type: Option<ObjectType>,
    /// The common properties.
    #[serde(flatten)]
    pub common: CommonProperties,
    /// All other properties.
    #[serde(flatten)]
    pub custom: CustomProperties,
}

macro_rules! stix_objects {
    ($( $variant:ident = $type_name:literal, $category:ident; )*) => {
        /// Any STIX 2.1 object, typed by its `type` property.
        #[derive(Debug, Clone, PartialEq)]
        pub enum StixObject {
            $(
                #[doc = concat!("A `", $type_name, "` object.")]
                $variant(Box<$variant>),
            )*
            /// An object of a type the spec does not define.
            Custom(Box<CustomObject>),
        }

        /// Every object type the spec defines, with its category.
        pub const SPEC_TYPES: &[(&str, Category)] = &[
            $( ($type_name, Category::$category), )*
        ];

        impl StixObject {
            /// Returns the object's type name.
            pub fn object_type(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $type_name, )*
                    Self::Custom(object) => object
                        .object_type
                        .as_ref()
                        .map_or_else(|| object.common.id.object_type(), ObjectType::as_str),
                }
            }

            /// Returns the object's category.
            pub fn category(&self) -> Category {
                match self {
                    $( Self::$variant(_) => Category::$category, )*
                    Self::Custom(_) => Category::Custom,
                }
            }

            /// Returns the common properties.
            pub fn common(&self) -> &CommonProperties {
                match self {
                    $( Self::$variant(object) => &object.common, )*
                    Self::Custom(object) => &object.common,
                }
            }

            /// Returns the common properties for modification.
            pub fn common_mut(&mut self) -> &mut CommonProperties {
                match self {
                    $( Self::$variant(object) => &mut object.common, )*
                    Self::Custom(object) => &mut object.common,
                }
            }

            /// Returns the properties the spec does not define for this type.
            pub fn custom_properties(&self) -> &CustomProperties {
                match self {
                    $( Self::$variant(object) => &object.custom, )*
                    Self::Custom(object) => &object.custom,
                }
            }

            fn serialize_inner<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(object) => Tagged { object_type: $type_name, inner: object }
                        .serialize(serializer), )*
                    Self::Custom(object) => Tagged { object_type: self.object_type(), inner: object }
                        .serialize(serializer),
                }
            }

            fn deserialize_typed(
                object_type: &str,
                value: Value,
            ) -> Result<Self, serde_path_to_error::Error<serde_json::Error>> {
                Ok(match object_type {
                    $( $type_name => Self::$variant(Box::new(deserialize_tracked(value)?)), )*
                    _ => {
                        let mut object: CustomObject = deserialize_tracked(value)?;
                        object.object_type = ObjectType::parse(object_type).ok();
                        Self::Custom(Box::new(object))
                    }
                })
            }
        }
    };
}

stix_objects! {
    AttackPattern = "attack-pattern", Domain;
    Campaign = "campaign", Domain;
    CourseOfAction = "course-of-action", Domain;
    Grouping = "grouping", Domain;
    Identity = "identity", Domain;
    Incident = "incident", Domain;
    Indicator = "indicator", Domain;
    Infrastructure = "infrastructure", Domain;
    IntrusionSet = "intrusion-set", Domain;
    Location = "location", Domain;
    Malware = "malware", Domain;
    MalwareAnalysis = "malware-analysis", Domain;
    Note = "note", Domain;
    ObservedData = "observed-data", Domain;
    Opinion = "opinion", Domain;
    Report = "report", Domain;
    ThreatActor = "threat-actor", Domain;
    Tool = "tool", Domain;
    Vulnerability = "vulnerability", Domain;
    Relationship = "relationship", Relationship;
    Sighting = "sighting", Relationship;
    Artifact = "artifact", Observable;
    AutonomousSystem = "autonomous-system", Observable;
    Directory = "directory", Observable;
    DomainName = "domain-name", Observable;
    EmailAddr = "email-addr", Observable;
    EmailMessage = "email-message", Observable;
    File = "file", Observable;
    Ipv4Addr = "ipv4-addr", Observable;
    Ipv6Addr = "ipv6-addr", Observable;
    MacAddr = "mac-addr", Observable;
    Mutex = "mutex", Observable;
    NetworkTraffic = "network-traffic", Observable;
    Process = "process", Observable;
    Software = "software", Observable;
    Url = "url", Observable;
    UserAccount = "user-account", Observable;
    WindowsRegistryKey = "windows-registry-key", Observable;
    X509Certificate = "x509-certificate", Observable;
    MarkingDefinition = "marking-definition", Meta;
    LanguageContent = "language-content", Meta;
    ExtensionDefinition = "extension-definition", Meta;
}

/// Deserializes `value`, tracking the path to the problem only when there is one: the plain
/// deserializer is cheaper, and most objects have no problem.
fn deserialize_tracked<T: serde::de::DeserializeOwned>(
    value: Value,
) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    match T::deserialize(&value) {
        Ok(object) => Ok(object),
        Err(_) => serde_path_to_error::deserialize(value),
    }
}

/// Returns the category of a type name: a spec type's own, or [`Category::Custom`].
pub fn category_of(object_type: &str) -> Category {
    SPEC_TYPES
        .iter()
        .find(|(name, _)| *name == object_type)
        .map_or(Category::Custom, |&(_, category)| category)
}

#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "type")]
    object_type: &'a str,
    #[serde(flatten)]
    inner: &'a T,
}

impl StixObject {
    /// Parses one object from JSON text.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Json`] for text that is not JSON, and [`Error::Invalid`] with the JSON
    /// path and object id when a property is missing or has the wrong shape. Semantic rules
    /// (vocabularies, reference types, ...) are checked by [`validate`](crate::validate).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(text).map_err(Error::from_json)?;
        Self::from_value(value)
    }

    /// Parses one object from a JSON value.
    ///
    /// # Errors
    ///
    /// As [`StixObject::from_json`], without the JSON syntax error.
    pub fn from_value(value: Value) -> Result<Self, Error> {
        let Value::Object(mut map) = value else {
            return Err(Error::invalid(Diagnostic::error(
                None,
                JsonPath::root(),
                "a STIX object must be a JSON object",
            )));
        };
        let object_id = map
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| StixId::parse(id).ok());
        let object_type = match map.remove("type") {
            Some(Value::String(object_type)) => object_type,
            Some(_) => {
                return Err(Error::invalid(Diagnostic::error(
                    object_id,
                    JsonPath::root().key("type"),
                    "`type` must be a string",
                )));
            }
            None => {
                return Err(Error::invalid(Diagnostic::error(
                    object_id,
                    JsonPath::root(),
                    "missing required property `type`",
                )));
            }
        };
        if let Err(error) = ObjectType::parse(&object_type) {
            return Err(Error::invalid(Diagnostic::error(
                object_id,
                JsonPath::root().key("type"),
                error.to_string(),
            )));
        }
        Self::deserialize_typed(&object_type, Value::Object(map)).map_err(|error| {
            let path = JsonPath::from_serde(error.path());
            let message = error.into_inner().to_string();
            Error::invalid(Diagnostic::error(object_id, path, message))
        })
    }

    /// Serializes the object to compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a STIX object always serializes")
    }

    /// Serializes the object to a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a STIX object always serializes")
    }

    /// Returns the object's identifier.
    pub fn id(&self) -> &StixId {
        &self.common().id
    }

    /// Returns the `spec_version` property, if present.
    pub fn spec_version(&self) -> Option<&str> {
        self.common().spec_version.as_deref()
    }

    /// Returns `created`, if present.
    pub fn created(&self) -> Option<StixTimestamp> {
        self.common().created
    }

    /// Returns `modified`, if present.
    pub fn modified(&self) -> Option<StixTimestamp> {
        self.common().modified
    }

    /// Returns the timestamp that names this version: `modified`, else `created`.
    ///
    /// Observables have neither; their version is the time a server added them.
    pub fn version(&self) -> Option<StixTimestamp> {
        self.modified().or_else(|| self.created())
    }

    /// Returns whether the object is revoked.
    pub fn is_revoked(&self) -> bool {
        self.common().revoked == Some(true)
    }

    /// Returns the object-level marking references.
    pub fn object_marking_refs(&self) -> &[StixId] {
        self.common().object_marking_refs.as_deref().unwrap_or(&[])
    }

    /// Returns every marking definition referenced, object-level and granular.
    pub fn marking_refs(&self) -> impl Iterator<Item = &StixId> {
        let granular = self
            .common()
            .granular_markings
            .iter()
            .flatten()
            .filter_map(|marking| marking.marking_ref.as_ref());
        self.object_marking_refs().iter().chain(granular)
    }

    /// Returns the indicator, if this is one.
    pub fn as_indicator(&self) -> Option<&Indicator> {
        match self {
            Self::Indicator(indicator) => Some(indicator),
            _ => None,
        }
    }
}

impl Serialize for StixObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_inner(serializer)
    }
}

impl<'de> Deserialize<'de> for StixObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_value(value).map_err(serde::de::Error::custom)
    }
}
