//! STIX bundles: a wrapper around a list of objects, parsed in full before anything is used.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Diagnostic, Error, JsonPath};
use crate::object::CustomProperties;
use crate::{StixId, StixObject};

/// A STIX 2.1 bundle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bundle {
    /// Always `bundle`.
    #[serde(rename = "type")]
    pub object_type: BundleType,
    /// The bundle's identifier (`bundle--UUID`).
    pub id: StixId,
    /// The objects in the bundle.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<StixObject>,
    /// Other properties, such as the `spec_version` of a STIX 2.0 bundle.
    #[serde(flatten)]
    pub custom: CustomProperties,
}

/// The constant `type` of a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BundleType {
    /// `bundle`.
    #[default]
    #[serde(rename = "bundle")]
    Bundle,
}

impl Bundle {
    /// Creates a bundle with a fresh identifier.
    pub fn new(objects: Vec<StixObject>) -> Self {
        Self {
            object_type: BundleType::Bundle,
            id: StixId::new_v4("bundle").expect("`bundle` is a valid type name"),
            objects,
            custom: CustomProperties::new(),
        }
    }

    /// Parses a bundle, reporting every object that cannot be parsed rather than only the first.
    ///
    /// # Errors
    ///
    /// [`Error::Json`] for text that is not JSON; [`Error::Invalid`] with one diagnostic per
    /// problem, each with its path (`$.objects[3].valid_from`) and object id.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(text).map_err(Error::from_json)?;
        Self::from_value(value)
    }

    /// Parses a bundle from a JSON value; see [`Bundle::from_json`].
    ///
    /// # Errors
    ///
    /// As [`Bundle::from_json`], without the JSON syntax error.
    pub fn from_value(value: Value) -> Result<Self, Error> {
        let root = JsonPath::root();
        let Value::Object(mut map) = value else {
            return Err(Error::invalid(Diagnostic::error(
                None,
                root,
                "a bundle must be a JSON object",
            )));
        };
        let mut diagnostics = Vec::new();
        match map.remove("type") {
            Some(Value::String(object_type)) if object_type == "bundle" => {}
            _ => diagnostics.push(Diagnostic::error(
                None,
                root.key("type"),
                "a bundle's `type` must be \"bundle\"",
            )),
        }
        let id = match map.remove("id") {
            Some(Value::String(id)) => match StixId::parse(&id) {
                Ok(id) if id.object_type() == "bundle" => Some(id),
                Ok(_) => {
                    diagnostics.push(Diagnostic::error(
                        None,
                        root.key("id"),
                        "a bundle id must start with `bundle--`",
                    ));
                    None
                }
                Err(error) => {
                    diagnostics.push(Diagnostic::error(None, root.key("id"), error.to_string()));
                    None
                }
            },
            _ => {
                diagnostics.push(Diagnostic::error(
                    None,
                    root.key("id"),
                    "a bundle must have a string `id`",
                ));
                None
            }
        };
        let objects_path = root.key("objects");
        let values = match map.remove("objects") {
            Some(Value::Array(values)) => values,
            Some(_) => {
                diagnostics.push(Diagnostic::error(
                    None,
                    objects_path.clone(),
                    "`objects` must be a list",
                ));
                Vec::new()
            }
            None => Vec::new(),
        };
        let mut objects = Vec::with_capacity(values.len());
        for (idx, value) in values.into_iter().enumerate() {
            match StixObject::from_value(value) {
                Ok(object) => objects.push(object),
                Err(error) => {
                    let prefix = objects_path.index(idx);
                    diagnostics.extend(
                        error
                            .diagnostics()
                            .iter()
                            .cloned()
                            .map(|diagnostic| diagnostic.under(&prefix)),
                    );
                }
            }
        }
        match id {
            Some(id) if diagnostics.is_empty() => Ok(Self {
                object_type: BundleType::Bundle,
                id,
                objects,
                custom: map,
            }),
            _ => Err(Error::Invalid { diagnostics }),
        }
    }
}
