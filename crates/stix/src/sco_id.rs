//! Deterministic identifiers of cyber-observable objects (STIX 2.1 section 2.9): a UUIDv5 in
//! the STIX namespace over the canonical JSON (RFC 8785) of the object's id-contributing
//! properties.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{StixId, StixObject};

/// The namespace of SCO identifiers (section 2.9).
pub const SCO_ID_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);

/// Returns the id-contributing properties of an observable type (the "ID Contributing
/// Properties" of each section 6.x), or `None` for types that are not spec observables.
/// `process` has none: its ids are UUIDv4.
pub fn id_contributing_properties(object_type: &str) -> Option<&'static [&'static str]> {
    Some(match object_type {
        "artifact" => &["hashes", "payload_bin"],
        "autonomous-system" => &["number"],
        "directory" => &["path"],
        "domain-name" | "email-addr" | "ipv4-addr" | "ipv6-addr" | "mac-addr" | "url" => &["value"],
        "email-message" => &["from_ref", "subject", "body"],
        "file" => &["hashes", "name", "extensions", "parent_directory_ref"],
        "mutex" => &["name"],
        "network-traffic" => &[
            "start",
            "end",
            "src_ref",
            "dst_ref",
            "src_port",
            "dst_port",
            "protocols",
            "extensions",
        ],
        "process" => &[],
        "software" => &["name", "cpe", "swid", "vendor", "version"],
        "user-account" => &["account_type", "user_id", "account_login"],
        "windows-registry-key" => &["key", "values"],
        "x509-certificate" => &["hashes", "serial_number"],
        _ => return None,
    })
}

/// Returns the deterministic id of an observable given as a JSON object, or `None` when its
/// type has no id-contributing properties or none of them is present (such objects use a
/// UUIDv4), or when `type` is not a spec observable type.
///
/// When `hashes` contributes, one hash is used: MD5, else SHA-1, else SHA-256, else SHA-512,
/// else the first algorithm in sorted order.
pub fn deterministic_id(object: &Map<String, Value>) -> Option<StixId> {
    let object_type = object.get("type")?.as_str()?;
    deterministic_id_of(object_type, object)
}

pub(crate) fn deterministic_id_of(
    object_type: &str,
    object: &Map<String, Value>,
) -> Option<StixId> {
    let names = id_contributing_properties(object_type)?;
    let mut contributing = Map::new();
    for name in names {
        let Some(value) = object.get(*name) else {
            continue;
        };
        let value = if *name == "hashes" {
            Value::Object(choose_one_hash(value.as_object()?)?)
        } else {
            value.clone()
        };
        contributing.insert((*name).to_owned(), value);
    }
    if contributing.is_empty() {
        return None;
    }
    let canonical = serde_jcs::to_string(&Value::Object(contributing)).ok()?;
    let uuid = Uuid::new_v5(&SCO_ID_NAMESPACE, canonical.as_bytes());
    StixId::from_parts(object_type, uuid).ok()
}

fn choose_one_hash(hashes: &Map<String, Value>) -> Option<Map<String, Value>> {
    let algorithm = ["MD5", "SHA-1", "SHA-256", "SHA-512"]
        .into_iter()
        .find(|algorithm| hashes.contains_key(*algorithm))
        .map(str::to_owned)
        .or_else(|| hashes.keys().next().cloned())?;
    let mut one = Map::new();
    one.insert(algorithm.clone(), hashes.get(&algorithm)?.clone());
    Some(one)
}

/// Returns whether an observable must use a UUIDv4 id: `process` always, and the types whose
/// id-contributing properties are all optional when none of them is present.
pub(crate) fn uses_uuid_v4(object_type: &str, object: &Map<String, Value>) -> bool {
    match id_contributing_properties(object_type) {
        Some([]) => true,
        Some(names) => {
            matches!(
                object_type,
                "artifact"
                    | "email-message"
                    | "user-account"
                    | "windows-registry-key"
                    | "x509-certificate"
            ) && !names.iter().any(|name| object.contains_key(*name))
        }
        None => false,
    }
}

impl StixObject {
    /// Returns the deterministic id this observable should have (section 2.9), or `None` for
    /// objects that are not spec observables or have no id-contributing property.
    pub fn deterministic_id(&self) -> Option<StixId> {
        match self.to_value() {
            Value::Object(map) => deterministic_id(&map),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_address_id_is_the_uuid5_of_its_canonical_value() {
        let object = serde_json::json!({"type": "ipv4-addr", "value": "198.51.100.3"});
        let id = deterministic_id(object.as_object().unwrap()).unwrap();
        let expected = Uuid::new_v5(&SCO_ID_NAMESPACE, br#"{"value":"198.51.100.3"}"#);
        assert_eq!(id.uuid(), expected);
        assert_eq!(id.object_type(), "ipv4-addr");
    }

    #[test]
    fn file_uses_one_hash_by_preference() {
        let both = serde_json::json!({"type": "file", "hashes": {"SHA-256": "aa", "MD5": "bb"}});
        let md5 = serde_json::json!({"type": "file", "hashes": {"MD5": "bb"}});
        assert_eq!(
            deterministic_id(both.as_object().unwrap()),
            deterministic_id(md5.as_object().unwrap())
        );
    }

    #[test]
    fn types_without_contributing_properties_have_none() {
        let process = serde_json::json!({"type": "process", "pid": 4});
        assert_eq!(deterministic_id(process.as_object().unwrap()), None);
        let account = serde_json::json!({"type": "user-account", "display_name": "x"});
        assert_eq!(deterministic_id(account.as_object().unwrap()), None);
        assert!(uses_uuid_v4("user-account", account.as_object().unwrap()));
    }
}
