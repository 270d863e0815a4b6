//! Property tests: the printer and parser agree on every tree; the parser never panics; the
//! compiled keys never miss a match the evaluator finds, and decide exactly when they say so.

use std::borrow::Cow;

use proptest::prelude::*;
use serde_json::{Value, json};
use stix_pattern::{
    Comparison, ComparisonExpr, Constant, Decision, Evaluator, Instant, ObjectPath, Observation,
    ObservationExpr, Observations, PathStep, Pattern, PatternTimestamp, Qualifier, Seconds,
    StixVersion, Test, compile, sco_keys,
};

fn config() -> ProptestConfig {
    // Seeded by proptest's default deterministic runner; enough cases to reach the corners.
    ProptestConfig {
        cases: 512,
        ..ProptestConfig::default()
    }
}

// --- generators of arbitrary trees, in the parser's normal form ---

fn object_type() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_-]{0,12}".prop_filter("not a reserved word", |word| {
        !matches!(word.as_str(), "true" | "false")
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_]{0,8}",
        any::<String>(),
        Just("AND".to_owned()),
        Just("EXISTS".to_owned()),
        Just("it's a \\ key".to_owned()),
    ]
}

fn path() -> impl Strategy<Value = ObjectPath> {
    (
        object_type(),
        key(),
        prop::collection::vec(
            prop_oneof![
                key().prop_map(PathStep::Key),
                any::<i64>().prop_map(|index| PathStep::Index(i128::from(index))),
                Just(PathStep::AnyIndex),
            ],
            0..4,
        ),
    )
        .prop_map(|(object_type, first, rest)| {
            let mut steps = vec![PathStep::Key(first)];
            steps.extend(rest);
            ObjectPath { object_type, steps }
        })
}

fn timestamp() -> impl Strategy<Value = PatternTimestamp> {
    (
        0u32..10_000,
        1u32..=12,
        1u32..=31,
        0u32..=23,
        0u32..=59,
        0u32..=60,
        prop::option::of("[0-9]{1,12}"),
    )
        .prop_map(|(year, month, day, hour, minute, second, fraction)| {
            let fraction = fraction
                .map(|digits| format!(".{digits}"))
                .unwrap_or_default();
            let text = format!(
                "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z"
            );
            PatternTimestamp::parse(&text).expect("the generator follows the grammar's shape")
        })
}

fn constant() -> impl Strategy<Value = Constant> {
    prop_oneof![
        any::<i128>().prop_map(Constant::Int),
        any::<f64>()
            .prop_filter("finite", |value| value.is_finite())
            .prop_map(Constant::Float),
        any::<String>().prop_map(Constant::String),
        any::<bool>().prop_map(Constant::Bool),
        prop::collection::vec(any::<u8>(), 1..16).prop_map(Constant::Binary),
        prop::collection::vec(any::<u8>(), 0..16).prop_map(Constant::Hex),
        timestamp().prop_map(Constant::Timestamp),
    ]
}

fn orderable() -> impl Strategy<Value = Constant> {
    constant().prop_filter("booleans are not orderable", |constant| {
        !matches!(constant, Constant::Bool(_))
    })
}

fn test() -> impl Strategy<Value = Test> {
    prop_oneof![
        constant().prop_map(Test::Equal),
        constant().prop_map(Test::NotEqual),
        orderable().prop_map(Test::Less),
        orderable().prop_map(Test::LessOrEqual),
        orderable().prop_map(Test::Greater),
        orderable().prop_map(Test::GreaterOrEqual),
        prop::collection::vec(constant(), 0..4).prop_map(Test::In),
        any::<String>().prop_map(Test::Like),
        any::<String>().prop_map(Test::Matches),
        any::<String>().prop_map(Test::IsSubset),
        any::<String>().prop_map(Test::IsSuperset),
        Just(Test::Exists),
    ]
}

fn comparison_expr() -> impl Strategy<Value = ComparisonExpr> {
    let leaf = (path(), any::<bool>(), test()).prop_map(|(path, negated, test)| {
        ComparisonExpr::Comparison(Comparison {
            path,
            negated,
            test,
        })
    });
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|operands| flatten_comparisons(operands, true)),
            prop::collection::vec(inner, 2..4)
                .prop_map(|operands| flatten_comparisons(operands, false)),
        ]
    })
}

/// Builds an AND or OR in normal form: operands of the same operator are spliced in.
fn flatten_comparisons(operands: Vec<ComparisonExpr>, and: bool) -> ComparisonExpr {
    let mut flat = Vec::new();
    for operand in operands {
        match (operand, and) {
            (ComparisonExpr::And(inner), true) | (ComparisonExpr::Or(inner), false) => {
                flat.extend(inner)
            }
            (other, _) => flat.push(other),
        }
    }
    if and {
        ComparisonExpr::And(flat)
    } else {
        ComparisonExpr::Or(flat)
    }
}

fn qualifier() -> impl Strategy<Value = Qualifier> {
    prop_oneof![
        any::<u64>().prop_map(|seconds| Qualifier::Within(Seconds::Int(u128::from(seconds)))),
        (0.0f64..1e12).prop_map(|seconds| Qualifier::Within(Seconds::Float(seconds))),
        any::<u64>().prop_map(Qualifier::Repeats),
        (timestamp(), timestamp()).prop_map(|(start, stop)| Qualifier::StartStop { start, stop }),
    ]
}

fn observation_expr() -> impl Strategy<Value = ObservationExpr> {
    let leaf = comparison_expr().prop_map(ObservationExpr::Comparison);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), prop::collection::vec(qualifier(), 1..3)).prop_map(
                |(expr, qualifiers)| {
                    match expr {
                        ObservationExpr::Qualified {
                            expr,
                            qualifiers: mut first,
                        } => {
                            first.extend(qualifiers);
                            ObservationExpr::Qualified {
                                expr,
                                qualifiers: first,
                            }
                        }
                        other => ObservationExpr::Qualified {
                            expr: Box::new(other),
                            qualifiers,
                        },
                    }
                }
            ),
            (0..3u8, prop::collection::vec(inner, 2..4)).prop_map(|(operator, operands)| {
                let mut flat = Vec::new();
                for operand in operands {
                    match (operator, operand) {
                        (0, ObservationExpr::And(inner))
                        | (1, ObservationExpr::Or(inner))
                        | (2, ObservationExpr::FollowedBy(inner)) => flat.extend(inner),
                        (_, other) => flat.push(other),
                    }
                }
                match operator {
                    0 => ObservationExpr::And(flat),
                    1 => ObservationExpr::Or(flat),
                    _ => ObservationExpr::FollowedBy(flat),
                }
            }),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn printing_then_parsing_gives_the_same_tree(expression in observation_expr()) {
        let pattern = Pattern { version: StixVersion::V2_1, expression };
        let text = pattern.to_string();
        let parsed = Pattern::parse(&text, StixVersion::V2_1);
        prop_assert_eq!(parsed.as_ref(), Ok(&pattern), "canonical text: {}", text);
        // The canonical text is stable.
        prop_assert_eq!(parsed.expect("checked above").to_string(), text);
    }

    #[test]
    fn the_parser_never_panics_on_text(text in any::<String>()) {
        let _ = Pattern::parse(&text, StixVersion::V2_1);
        let _ = Pattern::validate(&text, StixVersion::V2_0);
    }

    #[test]
    fn the_parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Pattern::validate(&text, StixVersion::V2_1);
    }

    #[test]
    fn the_parser_never_panics_on_damaged_patterns(
        expression in observation_expr(),
        cut in any::<prop::sample::Index>(),
        insert in prop_oneof![Just("'"), Just("["), Just("("), Just(")"), Just("]"), Just("\\"), Just("t'"), Just(" NOT "), Just("/*")],
    ) {
        let text = Pattern { version: StixVersion::V2_1, expression }.to_string();
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let damaged = format!("{}{insert}{}", &text[..at], &text[at..]);
        let _ = Pattern::validate(&damaged, StixVersion::V2_1);
    }
}

// --- the compiler against the evaluator ---

const DOMAINS: &[&str] = &["a.example", "b.example", "x.a.example", "evil.test"];
const IPV4: &[&str] = &[
    "10.0.0.1",
    "10.0.0.2",
    "192.0.2.7",
    "10.0.0.0/8",
    "192.0.2.7/32",
];
const IPV6: &[&str] = &["2001:db8::1", "2001:db8::/32"];
const URLS: &[&str] = &[
    "http://a.example/x",
    "https://b.example/",
    "http://evil.test/a?b=c",
];
const EMAILS: &[&str] = &["jane@a.example", "joe@b.example"];
const MD5S: &[&str] = &[
    "cead3f77f6cda6ec00f57d76c9a6879f",
    "79054025255fb1a26e4bc422aef54eb4",
];
const NAMES: &[&str] = &["a.exe", "b.dll"];

/// One SCO, well formed and in normal form; `index` makes its id unique in the observation.
fn sco() -> impl Strategy<Value = Value> {
    let pick = |pool: &'static [&'static str]| prop::sample::select(pool);
    prop_oneof![
        pick(DOMAINS).prop_map(|value| json!({"type": "domain-name", "value": value})),
        pick(IPV4).prop_map(|value| json!({"type": "ipv4-addr", "value": value})),
        pick(IPV6).prop_map(|value| json!({"type": "ipv6-addr", "value": value})),
        pick(URLS).prop_map(|value| json!({"type": "url", "value": value})),
        pick(EMAILS).prop_map(|value| json!({"type": "email-addr", "value": value})),
        (pick(MD5S), pick(NAMES), 0u32..2000)
            .prop_map(|(md5, name, size)| json!({"type": "file", "name": name, "size": size, "hashes": {"MD5": md5}})),
        (0u32..3, prop_oneof![Just(80u32), Just(443u32)])
            .prop_map(|(target, port)| json!({"type": "network-traffic", "dst_ref": format!("ref-{target}"), "dst_port": port})),
    ]
}

/// One observation: up to four SCOs keyed `ref-0`, `ref-1`, ... and a time window.
fn observation() -> impl Strategy<Value = (Vec<Value>, i64, i64, u64)> {
    (
        prop::collection::vec(sco(), 1..4),
        0i64..20,
        0i64..5,
        1u64..3,
    )
}

fn build<'a>(specs: &'a [(Vec<Value>, i64, i64, u64)]) -> Observations<'a> {
    let list = specs
        .iter()
        .enumerate()
        .map(|(idx, (scos, start, length, count))| {
            let first = Instant {
                seconds: 1_700_000_000 + start,
                nanos: 0,
            };
            let last = Instant {
                seconds: first.seconds + length,
                nanos: 0,
            };
            let mut observation =
                Observation::new(Some(format!("observed-data--{idx}")), first, last, *count)
                    .expect("valid window and count");
            for (sco_idx, object) in scos.iter().enumerate() {
                observation.push_object(format!("ref-{sco_idx}"), Cow::Borrowed(object));
            }
            observation
        })
        .collect();
    Observations::new(list)
}

/// Comparisons over the same vocabulary, some key-bearing and some not.
fn vocabulary_comparison() -> impl Strategy<Value = String> {
    let pick = |pool: &'static [&'static str]| prop::sample::select(pool);
    prop_oneof![
        pick(DOMAINS).prop_map(|value| format!("domain-name:value = '{value}'")),
        pick(DOMAINS).prop_map(|value| format!("domain-name:value != '{value}'")),
        pick(DOMAINS).prop_map(|value| format!("domain-name:value LIKE '%.{value}'")),
        (pick(DOMAINS), pick(DOMAINS))
            .prop_map(|(a, b)| format!("domain-name:value IN ('{a}', '{b}')")),
        pick(IPV4).prop_map(|value| format!("ipv4-addr:value = '{value}'")),
        pick(IPV4).prop_map(|value| format!("ipv4-addr:value ISSUBSET '{value}'")),
        pick(IPV6).prop_map(|value| format!("ipv6-addr:value ISSUBSET '{value}'")),
        pick(IPV4).prop_map(|value| format!("network-traffic:dst_ref.value = '{value}'")),
        pick(DOMAINS).prop_map(|value| format!("network-traffic:dst_ref.value = '{value}'")),
        pick(URLS).prop_map(|value| format!("url:value = '{value}'")),
        pick(EMAILS).prop_map(|value| format!("email-addr:value = '{value}'")),
        pick(MD5S).prop_map(|value| format!("file:hashes.MD5 = '{value}'")),
        pick(NAMES).prop_map(|value| format!("file:name = '{value}'")),
        Just("file:size > 1000".to_owned()),
        Just("network-traffic:dst_port = 443".to_owned()),
        Just("domain-name:value MATCHES '^a'".to_owned()),
        Just("EXISTS file:name".to_owned()),
    ]
}

/// Comparisons read directly on the object that carries the key.
fn key_comparison() -> impl Strategy<Value = String> {
    let pick = |pool: &'static [&'static str]| prop::sample::select(pool);
    prop_oneof![
        pick(DOMAINS).prop_map(|value| format!("domain-name:value = '{value}'")),
        pick(DOMAINS).prop_map(|value| format!("domain-name:value LIKE '%.{value}'")),
        (pick(DOMAINS), pick(DOMAINS))
            .prop_map(|(a, b)| format!("domain-name:value IN ('{a}', '{b}')")),
        pick(IPV4).prop_map(|value| format!("ipv4-addr:value = '{value}'")),
        pick(IPV4).prop_map(|value| format!("ipv4-addr:value ISSUBSET '{value}'")),
        pick(IPV6).prop_map(|value| format!("ipv6-addr:value ISSUBSET '{value}'")),
        pick(URLS).prop_map(|value| format!("url:value = '{value}'")),
        pick(EMAILS).prop_map(|value| format!("email-addr:value = '{value}'")),
        pick(MD5S).prop_map(|value| format!("file:hashes.MD5 = '{value}'")),
        pick(NAMES).prop_map(|value| format!("file:name = '{value}'")),
    ]
}

/// ORs of key comparisons, in and across brackets: patterns whose keys may decide.
fn deciding_pattern() -> impl Strategy<Value = String> {
    let bracket = prop::collection::vec(key_comparison(), 1..3)
        .prop_map(|parts| format!("[{}]", parts.join(" OR ")));
    prop::collection::vec(bracket, 1..3).prop_map(|parts| parts.join(" OR "))
}

fn vocabulary_pattern() -> impl Strategy<Value = String> {
    let bracket =
        prop::collection::vec((vocabulary_comparison(), any::<bool>()), 1..3).prop_map(|parts| {
            let mut text = String::from("[");
            for (idx, (comparison, and)) in parts.iter().enumerate() {
                if idx > 0 {
                    text.push_str(if *and { " AND " } else { " OR " });
                }
                text.push_str(comparison);
            }
            text.push(']');
            text
        });
    let qualified = (bracket, 0u8..5).prop_map(|(bracket, qualifier)| match qualifier {
        0 => format!("{bracket} WITHIN 3 SECONDS"),
        1 => format!("{bracket} REPEATS 2 TIMES"),
        2 => format!("{bracket} START t'2023-11-14T22:13:25Z' STOP t'2023-11-14T22:13:35Z'"),
        _ => bracket,
    });
    prop::collection::vec((qualified, 0u8..3), 1..3).prop_map(|parts| {
        let mut text = String::new();
        for (idx, (part, operator)) in parts.iter().enumerate() {
            if idx > 0 {
                text.push_str(match operator {
                    0 => " AND ",
                    1 => " OR ",
                    _ => " FOLLOWEDBY ",
                });
            }
            text.push_str(part);
        }
        text
    })
}

proptest! {
    // Most random cases do not match; more of them give enough matches to check.
    #![proptest_config(ProptestConfig { cases: 4096, ..config() })]

    #[test]
    fn compiled_keys_never_miss_a_match(
        text in vocabulary_pattern(),
        specs in prop::collection::vec(observation(), 1..5),
    ) {
        let pattern = Pattern::parse(&text, StixVersion::V2_1).expect("the vocabulary is valid");
        let observations = build(&specs);
        let compiled = compile(&pattern);
        let found = Evaluator::new(&pattern).expect("evaluable").evaluate(&observations);
        let found = found.expect("no evaluation error on well-formed data");
        if let (Some(found), false) = (&found, compiled.decision == Decision::NoKeys) {
            let hit = found.observations.iter().any(|bound| {
                observations.get(bound.index).expect("bound index").objects()
                    .flat_map(|(_, object)| sco_keys(object))
                    .any(|key| compiled.is_hit(&key))
            });
            prop_assert!(hit, "{} matched {:?} but no key of {:?} was hit", text, found, compiled);
        }
    }

    #[test]
    fn deciding_keys_are_exact(
        text in deciding_pattern(),
        spec in observation(),
    ) {
        let pattern = Pattern::parse(&text, StixVersion::V2_1).expect("the vocabulary is valid");
        let compiled = compile(&pattern);
        prop_assume!(compiled.decision == Decision::KeysDecide);
        let specs = [spec];
        let observations = build(&specs);
        let hit = observations.get(0).expect("one observation").objects()
            .flat_map(|(_, object)| sco_keys(object))
            .any(|key| compiled.is_hit(&key));
        let found = Evaluator::new(&pattern).expect("evaluable").evaluate(&observations).expect("no error");
        prop_assert_eq!(hit, found.is_some(), "{} on {:?}: keys {:?}", text, specs[0].0, compiled.keys);
    }
}
