//! Properties and nested types shared by many object types (STIX 2.1 sections 2 and 3).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::skip_serializing_none;

use crate::{StixId, StixTimestamp};

/// A hashes dictionary: algorithm name (e.g. `SHA-256`) to hex value.
pub type Hashes = BTreeMap<String, String>;

/// Properties unknown to the spec, kept verbatim so that objects round-trip.
pub type CustomProperties = Map<String, Value>;

/// The common properties of STIX objects (STIX 2.1 section 3.2).
///
/// Which of them are required, allowed or forbidden depends on the kind of object (domain,
/// observable, relationship, marking); parsing accepts any of them and
/// [`validate`](crate::validate) applies the rules, so that the error can name the path.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommonProperties {
    /// The version of the STIX specification used (`2.1`).
    pub spec_version: Option<String>,
    /// The object's identifier.
    pub id: StixId,
    /// The identity that created the object.
    pub created_by_ref: Option<StixId>,
    /// When this object was created.
    pub created: Option<StixTimestamp>,
    /// When this version of the object was made; together with `id` it names the version.
    pub modified: Option<StixTimestamp>,
    /// Whether the object has been revoked by its creator.
    pub revoked: Option<bool>,
    /// Terms describing the object (an open set).
    pub labels: Option<Vec<String>>,
    /// The creator's confidence in the correctness of the data, 0 to 100.
    pub confidence: Option<i64>,
    /// The language of the text properties (RFC 5646).
    pub lang: Option<String>,
    /// References to non-STIX information.
    pub external_references: Option<Vec<ExternalReference>>,
    /// Markings that apply to the whole object.
    pub object_marking_refs: Option<Vec<StixId>>,
    /// Markings that apply to parts of the object.
    pub granular_markings: Option<Vec<GranularMarking>>,
    /// Whether an observable's values are defanged.
    pub defanged: Option<bool>,
    /// Extensions, keyed by extension-definition id or predefined extension name.
    pub extensions: Option<Map<String, Value>>,
}

impl CommonProperties {
    /// Creates the common properties of a new object with only an identifier.
    pub fn new(id: StixId) -> Self {
        Self {
            spec_version: None,
            id,
            created_by_ref: None,
            created: None,
            modified: None,
            revoked: None,
            labels: None,
            confidence: None,
            lang: None,
            external_references: None,
            object_marking_refs: None,
            granular_markings: None,
            defanged: None,
            extensions: None,
        }
    }

    /// Creates the common properties of a new domain object or relationship: `spec_version`
    /// 2.1 and `created` = `modified` = `timestamp`.
    pub fn new_sdo(id: StixId, timestamp: StixTimestamp) -> Self {
        Self {
            spec_version: Some("2.1".to_owned()),
            created: Some(timestamp),
            modified: Some(timestamp),
            ..Self::new(id)
        }
    }
}

/// A reference to non-STIX information (STIX 2.1 section 2.5).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalReference {
    /// The source of the reference, such as `mitre-attack` or `cve`.
    pub source_name: String,
    /// A human-readable description.
    pub description: Option<String>,
    /// A URL for the reference.
    pub url: Option<String>,
    /// Hashes of the content at `url`.
    pub hashes: Option<Hashes>,
    /// The identifier in the external source, such as `T1059.001` or `CVE-2021-44228`.
    pub external_id: Option<String>,
    /// Custom properties.
    #[serde(flatten)]
    pub custom: CustomProperties,
}

/// A phase of a kill chain (STIX 2.1 section 2.8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KillChainPhase {
    /// The kill chain's name, such as `mitre-attack`.
    pub kill_chain_name: String,
    /// The phase's name, such as `execution`.
    pub phase_name: String,
    /// Custom properties.
    #[serde(flatten)]
    pub custom: CustomProperties,
}

/// A marking that applies to selected parts of an object (STIX 2.1 section 7.2.3).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GranularMarking {
    /// A language marking (exclusive with `marking_ref`).
    pub lang: Option<String>,
    /// The marking definition that applies.
    pub marking_ref: Option<StixId>,
    /// Selectors of the properties the marking applies to.
    pub selectors: Vec<String>,
    /// Custom properties.
    #[serde(flatten)]
    pub custom: CustomProperties,
}
