//! The JSON scanner against a full parse by serde_json: it accepts exactly what serde_json
//! accepts, and finds the same values at the same paths.

use matcher::format::json::validate;
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-z\\\\\"/ \u{e9}\u{1F600}\t\u{1}]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-z._]{0,6}", inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Mutations that turn valid JSON into text near it: a byte removed, changed or added.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    (
        json_value(),
        any::<prop::sample::Index>(),
        any::<u8>(),
        0u8..3,
    )
        .prop_map(|(value, at, byte, how)| {
            let mut text = serde_json::to_vec(&value).unwrap();
            let at = at.index(text.len() + 1);
            match how {
                0 if at < text.len() => {
                    text.remove(at);
                }
                1 if at < text.len() => text[at] = byte,
                _ => text.insert(at, byte),
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn accepts_what_serde_json_writes(value in json_value()) {
        let compact = serde_json::to_vec(&value).unwrap();
        prop_assert!(validate(&compact).is_ok(), "{}", String::from_utf8_lossy(&compact));
        let pretty = serde_json::to_vec_pretty(&value).unwrap();
        prop_assert!(validate(&pretty).is_ok());
    }

    #[test]
    fn agrees_with_serde_json_on_broken_text(text in mutated()) {
        let ours = validate(&text).is_ok();
        let theirs = serde_json::from_slice::<Value>(&text).is_ok();
        prop_assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(&text));
    }

    #[test]
    fn never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = validate(&bytes);
    }
}

#[test]
fn agrees_with_serde_json_on_edge_cases() {
    let cases: &[&[u8]] = &[
        b"{}",
        b"[]",
        b"0",
        b"-0",
        b"01",
        b"1.",
        b"1.e1",
        b"1e",
        b"1e+",
        b"-",
        b"1E5",
        b"\"\\u00e9\"",
        b"\"\\ud83d\\ude00\"",
        b"\"\\ud83d\"",
        b"\"\\ude00\"",
        b"\"\\x\"",
        b"\"a\tb\"",
        b"nul",
        b"true ",
        b" {\"a\" : [1 , 2 ] } ",
        b"{\"a\":1,}",
        b"[1,]",
        b"{,}",
        b"\"\xff\"",
        b"",
        b"  ",
        b"{\"a\"}",
        b"[[[[[[[[[[]]]]]]]]]]",
    ];
    for case in cases {
        let ours = validate(case).is_ok();
        let theirs = serde_json::from_slice::<Value>(case).is_ok();
        assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(case));
    }
}
