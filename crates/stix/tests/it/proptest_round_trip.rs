//! Property tests: generated objects serialize, parse and serialize back to equal JSON, and
//! validation never panics on them.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use stix::{StixObject, ValidationOptions, validate_value};

fn uuid() -> impl Strategy<Value = String> {
    (any::<u128>()).prop_map(|bits| {
        let uuid = uuid::Builder::from_random_bytes(bits.to_be_bytes()).into_uuid();
        uuid.hyphenated().to_string()
    })
}

fn timestamp() -> impl Strategy<Value = String> {
    (
        1970u32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        0usize..=9,
        any::<u32>(),
    )
        .prop_map(
            |(year, month, day, hour, minute, second, n_digits, fraction)| {
                let mut text =
                    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
                if n_digits > 0 {
                    let digits = format!("{:09}", fraction % 1_000_000_000);
                    text.push('.');
                    text.push_str(&digits[..n_digits]);
                }
                text.push('Z');
                text
            },
        )
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ]{1,20}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
}

/// Arbitrary JSON for custom properties: nested, with integers, floats, unicode.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e12f64..1.0e12).prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 1..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn custom_properties() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("x_[a-z]{2,6}_[a-z]{1,6}", json_value(), 0..3)
        .prop_map(|map| map.into_iter().collect())
}

fn sdo(object_type: &'static str) -> impl Strategy<Value = Map<String, Value>> {
    (
        uuid(),
        timestamp(),
        prop::option::of(0i64..=100),
        prop::option::of(text()),
        custom_properties(),
    )
        .prop_map(move |(id, created, confidence, description, custom)| {
            let mut map = Map::new();
            map.insert("type".into(), json!(object_type));
            map.insert("spec_version".into(), json!("2.1"));
            map.insert("id".into(), json!(format!("{object_type}--{id}")));
            map.insert("created".into(), json!(created));
            map.insert("modified".into(), json!(created));
            if let Some(confidence) = confidence {
                map.insert("confidence".into(), json!(confidence));
            }
            if let Some(description) = description {
                map.insert("description".into(), json!(description));
            }
            map.extend(custom);
            map
        })
}

fn object() -> impl Strategy<Value = Value> {
    prop_oneof![
        (sdo("indicator"), text(), timestamp()).prop_map(|(mut map, name, valid_from)| {
            map.insert("name".into(), json!(name));
            map.insert(
                "pattern".into(),
                json!("[ipv4-addr:value = '198.51.100.1']"),
            );
            map.insert("pattern_type".into(), json!("stix"));
            map.insert("valid_from".into(), json!(valid_from));
            Value::Object(map)
        }),
        (sdo("malware"), text(), any::<bool>()).prop_map(|(mut map, name, is_family)| {
            map.insert("name".into(), json!(name));
            map.insert("is_family".into(), json!(is_family));
            map.insert("malware_types".into(), json!(["remote-access-trojan"]));
            Value::Object(map)
        }),
        (sdo("location"), -90i64..=90, (-180.0f64..180.0)).prop_map(
            |(mut map, latitude, longitude)| {
                map.insert("latitude".into(), json!(latitude));
                map.insert("longitude".into(), json!(longitude));
                Value::Object(map)
            }
        ),
        (sdo("relationship"), uuid(), uuid()).prop_map(|(mut map, source, target)| {
            map.insert("relationship_type".into(), json!("uses"));
            map.insert("source_ref".into(), json!(format!("malware--{source}")));
            map.insert(
                "target_ref".into(),
                json!(format!("attack-pattern--{target}")),
            );
            Value::Object(map)
        }),
        (sdo("x-acme-widget"), json_value()).prop_map(|(mut map, payload)| {
            map.insert("x_acme_payload".into(), payload);
            Value::Object(map)
        }),
        (uuid(), "[0-9a-f]{32}", text(), custom_properties()).prop_map(
            |(id, md5, name, custom)| {
                let mut map = Map::new();
                map.insert("type".into(), json!("file"));
                map.insert("id".into(), json!(format!("file--{id}")));
                map.insert("hashes".into(), json!({"MD5": md5}));
                map.insert("name".into(), json!(name));
                map.extend(custom);
                Value::Object(map)
            }
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn objects_round_trip_to_equal_json(value in object()) {
        let object = StixObject::from_value(value.clone()).expect("generated objects parse");
        prop_assert_eq!(object.to_value(), value.clone());
        let reparsed = StixObject::from_json(&object.to_json()).expect("serialized objects parse");
        prop_assert_eq!(reparsed, object);
    }

    #[test]
    fn validation_of_generated_objects_never_panics(value in object(), strict in any::<bool>()) {
        let options = ValidationOptions { strict, ..Default::default() };
        let _ = validate_value(&value, &options);
    }

    #[test]
    fn validation_of_arbitrary_json_never_panics(value in json_value()) {
        let _ = validate_value(&value, &ValidationOptions::default());
        if let Value::Object(mut map) = value {
            map.insert("type".into(), json!("indicator"));
            let _ = validate_value(&Value::Object(map), &ValidationOptions::default());
        }
    }
}
