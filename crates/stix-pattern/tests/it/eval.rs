//! Evaluation against observed data: each case prints the observations that bound the match,
//! "no match", or the error.

use expect_test::{Expect, expect};
use serde_json::{Value, json};
use stix_pattern::{EvalLimits, Evaluator, Observations, Pattern, StixVersion};

#[track_caller]
fn check(pattern: &str, data: &Value, expect: Expect) {
    check_version(pattern, data, StixVersion::V2_1, expect);
}

#[track_caller]
fn check_version(pattern: &str, data: &Value, version: StixVersion, expect: Expect) {
    expect.assert_eq(&outcome(pattern, data, version, EvalLimits::default()));
}

fn outcome(pattern: &str, data: &Value, version: StixVersion, limits: EvalLimits) -> String {
    let run = || -> Result<String, stix_pattern::Error> {
        let pattern = Pattern::parse(pattern, version)?;
        let observations = Observations::from_json(data)?;
        let found = Evaluator::new(&pattern)?
            .with_limits(limits)
            .evaluate(&observations)?;
        Ok(match found {
            None => "no match".to_owned(),
            Some(found) => {
                let bound: Vec<String> = found
                    .observations
                    .iter()
                    .map(|bound| {
                        let id = observations
                            .get(bound.index)
                            .and_then(|o| o.id())
                            .unwrap_or("?");
                        format!("{id}×{}", bound.count)
                    })
                    .collect();
                format!("matched by {}", bound.join(", "))
            }
        })
    };
    run().unwrap_or_else(|error| format!("error: {error}"))
}

/// A bundle of observed-data objects, one per `(time, number_observed, scos)`, each SCO
/// referenced by its `id` (given or made up).
fn bundle(observations: &[(&str, u64, Vec<Value>)]) -> Value {
    let mut objects = Vec::new();
    for (obs_idx, (time, count, scos)) in observations.iter().enumerate() {
        let mut refs = Vec::new();
        for (sco_idx, sco) in scos.iter().enumerate() {
            let mut sco = sco.clone();
            let id = sco
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    format!(
                        "{}--{obs_idx}-{sco_idx}",
                        sco["type"].as_str().expect("type")
                    )
                });
            sco["id"] = json!(id);
            refs.push(json!(id));
            objects.push(sco);
        }
        objects.push(json!({
            "type": "observed-data",
            "id": format!("observed-data--{obs_idx}"),
            "first_observed": time,
            "last_observed": time,
            "number_observed": count,
            "object_refs": refs,
        }));
    }
    json!({"type": "bundle", "id": "bundle--0", "objects": objects})
}

fn person(name: &str, age: u64) -> Value {
    json!({"type": "person", "name": name, "age": age})
}

#[test]
fn comparisons_start_from_one_object() {
    let data = bundle(&[(
        "2020-01-01T00:00:00Z",
        1,
        vec![person("alice", 10), person("bob", 15)],
    )]);
    check(
        "[person:name = 'alice' AND person:age < 12]",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[person:name = 'alice' AND person:age > 12]",
        &data,
        expect!["no match"],
    );
    check(
        "[person:name = 'alice' OR person:age > 12]",
        &data,
        expect!["matched by observed-data--0×1"],
    );
}

#[test]
fn not_negates_but_a_missing_property_is_false() {
    let data = bundle(&[("2020-01-01T00:00:00Z", 1, vec![person("alice", 10)])]);
    check(
        "[person:name NOT = 'bob']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check("[person:nickname NOT = 'bob']", &data, expect!["no match"]);
    check("[person:nickname != 'bob']", &data, expect!["no match"]);
    check(
        "[person:age NOT > 'x']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[EXISTS person:age]",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[NOT EXISTS person:nickname]",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check("[NOT EXISTS person:name]", &data, expect!["no match"]);
    check("[NOT EXISTS file:name]", &data, expect!["no match"]);
}

#[test]
fn number_observed_counts_for_repeats_and_and() {
    let data = bundle(&[
        ("2020-01-01T00:00:00Z", 3, vec![person("alice", 10)]),
        ("2020-01-01T00:00:05Z", 2, vec![person("bob", 15)]),
    ]);
    check(
        "[person:age < 20] REPEATS 5 TIMES",
        &data,
        expect!["matched by observed-data--0×3, observed-data--1×2"],
    );
    check(
        "[person:age < 20] REPEATS 6 TIMES",
        &data,
        expect!["no match"],
    );
    check(
        "[person:name = 'alice'] AND [person:name = 'alice']",
        &data,
        expect!["matched by observed-data--0×2"],
    );
    check(
        "([person:name = 'alice'] AND [person:name = 'bob']) REPEATS 2 TIMES",
        &data,
        expect!["matched by observed-data--0×2, observed-data--1×2"],
    );
    check(
        "([person:name = 'alice'] AND [person:name = 'bob']) REPEATS 3 TIMES",
        &data,
        expect!["no match"],
    );
}

#[test]
fn temporal_qualifiers_and_followedby() {
    let data = bundle(&[
        ("2020-01-01T00:00:00Z", 1, vec![person("alice", 10)]),
        ("2020-01-01T00:00:05Z", 1, vec![person("bob", 15)]),
    ]);
    check(
        "[person:name = 'alice'] FOLLOWEDBY [person:name = 'bob']",
        &data,
        expect!["matched by observed-data--0×1, observed-data--1×1"],
    );
    check(
        "[person:name = 'bob'] FOLLOWEDBY [person:name = 'alice']",
        &data,
        expect!["no match"],
    );
    check(
        "([person:name = 'alice'] AND [person:name = 'bob']) WITHIN 5 SECONDS",
        &data,
        expect!["matched by observed-data--0×1, observed-data--1×1"],
    );
    check(
        "([person:name = 'alice'] AND [person:name = 'bob']) WITHIN 4.999 SECONDS",
        &data,
        expect!["no match"],
    );
    check(
        "[person:name = 'bob'] START t'2020-01-01T00:00:05Z' STOP t'2020-01-01T00:00:06Z'",
        &data,
        expect!["matched by observed-data--1×1"],
    );
    check(
        "[person:name = 'bob'] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:05Z'",
        &data,
        expect!["no match"],
    );
    check(
        "[person:age > 0] START t'2020-01-01T00:00:01Z' STOP t'2020-01-01T00:00:00Z'",
        &data,
        expect!["no match"],
    );
}

#[test]
fn references_are_followed_within_the_observation() {
    let data = bundle(&[(
        "2020-01-01T00:00:00Z",
        1,
        vec![
            json!({"type": "network-traffic", "dst_ref": "ipv4-addr--a", "src_ref": "ipv4-addr--missing"}),
            json!({"type": "ipv4-addr", "id": "ipv4-addr--a", "value": "198.51.100.1"}),
            json!({"type": "domain-name", "value": "example.com", "resolves_to_refs": ["ipv4-addr--a", "ipv4-addr--missing"]}),
        ],
    )]);
    check(
        "[network-traffic:dst_ref.value = '198.51.100.1']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[network-traffic:dst_ref.value = '198.51.100.1/32']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[network-traffic:src_ref.value = '198.51.100.1']",
        &data,
        expect!["no match"],
    );
    check(
        "[domain-name:resolves_to_refs[*].value ISSUBSET '198.51.100.0/24']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[domain-name:resolves_to_refs[0].value = '198.51.100.1']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[domain-name:resolves_to_refs[1].value = '198.51.100.1']",
        &data,
        expect!["no match"],
    );
    check(
        "[EXISTS network-traffic:src_ref]",
        &data,
        expect!["no match"],
    );
}

#[test]
fn stix_2_0_embeds_its_objects() {
    let data = json!([{
        "type": "observed-data",
        "id": "observed-data--x",
        "first_observed": "2020-01-01T00:00:00Z",
        "last_observed": "2020-01-01T00:00:00Z",
        "number_observed": 1,
        "objects": {
            "0": {"type": "network-traffic", "src_ref": "1"},
            "1": {"type": "ipv4-addr", "value": "203.0.113.10"},
        }
    }]);
    check_version(
        "[network-traffic:src_ref.value = '203.0.113.10']",
        &data,
        StixVersion::V2_0,
        expect!["matched by observed-data--x×1"],
    );
    check_version(
        "[observed-data:number_observed = 1]",
        &data,
        StixVersion::V2_1,
        expect!["no match"],
    );
}

#[test]
fn binary_and_text_operators() {
    let data = bundle(&[(
        "2020-01-01T00:00:00Z",
        1,
        vec![
            json!({"type": "artifact", "payload_bin": "1MOyoQIABAA=", "mime_type": "application/vnd.tcpdump.pcap"}),
        ],
    )]);
    check(
        "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[artifact:payload_bin = h'd4c3b2a102000400']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[artifact:mime_type LIKE 'application/%.pcap']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[artifact:mime_type MATCHES '(?i)TCPDUMP']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
    check(
        "[artifact:mime_type MATCHES '(?<=vnd\\\\.)tcpdump']",
        &data,
        expect!["matched by observed-data--0×1"],
    );
}

#[test]
fn data_errors_name_the_object() {
    let mut data = bundle(&[(
        "2020-01-01T00:00:00Z",
        1,
        vec![json!({"type": "event", "when": "yesterday"})],
    )]);
    check(
        "[event:when = t'2020-01-01T00:00:00Z']",
        &data,
        expect![[r#"error: cannot evaluate pattern: value "yesterday" is not a valid timestamp"#]],
    );
    data["objects"][1]["number_observed"] = json!(0);
    check(
        "[event:when = 'x']",
        &data,
        expect![
            "error: invalid observed data at observed-data--0 ($.objects[1].number_observed): not an integer of at least 1"
        ],
    );
    check(
        "[x:y = t'2024-02-30T00:00:00Z']",
        &json!([]),
        expect![
            "error: cannot evaluate pattern: timestamp constant t'2024-02-30T00:00:00Z' names no real instant"
        ],
    );
    check(
        "[x:y = 1] WITHIN 0 SECONDS",
        &json!([]),
        expect!["error: cannot evaluate pattern: WITHIN needs a positive number of seconds"],
    );
    check(
        "[x:y IN (1, 'a')]",
        &json!([]),
        expect![
            "error: cannot evaluate pattern: a set mixes integer and string constants; its members must share one type"
        ],
    );
}

#[test]
fn work_is_bounded() {
    let times: Vec<String> = (0..40)
        .map(|second| format!("2020-01-01T00:00:{second:02}Z"))
        .collect();
    let many: Vec<(&str, u64, Vec<Value>)> = times
        .iter()
        .map(|time| (time.as_str(), 1, vec![person("alice", 10)]))
        .collect();
    let data = bundle(&many);
    // Forty observations cannot make 41 repetitions, nor 21 pairs: capacity bounds answer at
    // once, without a search.
    let limits = EvalLimits {
        max_steps: 100,
        max_depth: 1_000,
    };
    let run = |pattern: &str| outcome(pattern, &data, StixVersion::V2_1, limits);
    expect!["no match"].assert_eq(&run("[person:age < 20] REPEATS 41 TIMES"));
    expect!["no match"].assert_eq(&run(
        "([person:age < 20] AND [person:age < 20]) REPEATS 21 TIMES",
    ));
    // No two observations are within half a second: the search has to try every pair.
    expect![
        "error: pattern too complex to evaluate: the search for a match took more than 100 steps"
    ]
    .assert_eq(&run(
        "([person:age < 20] AND [person:age < 20]) WITHIN 0.5 SECONDS",
    ));
    let limits = EvalLimits {
        max_steps: 1_000_000,
        max_depth: 10,
    };
    expect!["error: pattern too complex to evaluate: a match needs more than 10 observations bound at once"].assert_eq(
        &outcome("([person:age < 20] AND [person:age < 20]) REPEATS 20 TIMES", &data, StixVersion::V2_1, limits),
    );
}

#[test]
fn the_deepest_allowed_search_fits_on_a_two_mebibyte_stack() {
    // 1,000 observations bound at once (the default limit), on the stack size of a tokio
    // blocking thread.
    let times: Vec<String> = (0..1_000)
        .map(|second| {
            format!(
                "2020-01-01T{:02}:{:02}:{:02}Z",
                second / 3600,
                second / 60 % 60,
                second % 60
            )
        })
        .collect();
    let many: Vec<(&str, u64, Vec<Value>)> = times
        .iter()
        .map(|time| (time.as_str(), 1, vec![person("alice", 10)]))
        .collect();
    let data = bundle(&many);
    let outcome = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            outcome(
                "([person:age < 20] AND [person:name = 'alice']) REPEATS 500 TIMES",
                &data,
                StixVersion::V2_1,
                EvalLimits::default(),
            )
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    assert!(
        outcome.starts_with("matched by observed-data--0×1, observed-data--1×1"),
        "{outcome}"
    );
}
