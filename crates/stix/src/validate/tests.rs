//! Unit tests of the validation rules: one line of JSON per case and the diagnostics it
//! yields, as `check: path: message`.

use expect_test::{Expect, expect};
use serde_json::Value;

use super::*;

#[track_caller]
fn check_with(options: &ValidationOptions, json: &str, expect: Expect) {
    let value: Value = serde_json::from_str(json).expect("test JSON parses");
    let diagnostics = validate_value(&value, options);
    if let Some(by_parts) = validate_by_parts(&value, options) {
        assert_eq!(by_parts, diagnostics, "BundleValidator disagrees");
    }
    let lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let severity = if d.is_error() { "E" } else { "W" };
            format!(
                "{severity} {}: {}: {}",
                d.check.unwrap_or("-"),
                d.path,
                d.message
            )
        })
        .collect();
    expect.assert_eq(&lines.join("\n"));
}

/// Validates a bundle whose `objects` is a list with [`BundleValidator`], one object at a
/// time; `None` for other content.
fn validate_by_parts(value: &Value, options: &ValidationOptions) -> Option<Vec<Diagnostic>> {
    let mut properties = value.as_object()?.clone();
    if properties.get("type").and_then(Value::as_str) != Some("bundle") {
        return None;
    }
    let Some(Value::Array(objects)) = properties.remove("objects") else {
        return None;
    };
    let (validator, mut diagnostics) = BundleValidator::new(&properties, objects.len(), options);
    let mut keys = Vec::new();
    // Checked in reverse order, as threads might: the result is put back in index order.
    let mut per_object: Vec<Vec<Diagnostic>> = vec![Vec::new(); objects.len()];
    for (idx, object) in objects.iter().enumerate().rev() {
        let (found, key) = validator.check_object(idx, object);
        per_object[idx] = found;
        keys.push(key);
    }
    keys.reverse();
    diagnostics.extend(per_object.into_iter().flatten());
    diagnostics.extend(validator.finish(&keys));
    Some(diagnostics)
}

#[test]
fn bundle_validator_agrees_on_bundle_rules() {
    let id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
    let indicator = sdo(
        "indicator",
        r#", "pattern": "[url:value = 'http://x.example/']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z""#,
    );
    let relationship = format!(
        r#"{{"type": "relationship", "id": "relationship--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd30", {SDO}, "relationship_type": "indicates", "source_ref": "{id}", "target_ref": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd31"}}"#
    );
    let bundle = format!(
        r#"{{"type": "bundle", "id": "bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "x_extra": 1, "objects": [{indicator}, 3, {indicator}, {relationship}, {{"type": "relationship", "source_ref": "{id}"}}]}}"#
    );
    let options = ValidationOptions {
        enforce_refs: true,
        ..Default::default()
    };
    let value: Value = serde_json::from_str(&bundle).unwrap();
    let whole = validate_value(&value, &options);
    assert!(
        whole.iter().any(|d| d.check == Some("duplicate-ids"))
            && whole.iter().any(|d| d.check == Some("enforce-refs"))
            && whole.iter().any(|d| d.check == Some("bundle")),
        "{whole:#?}"
    );
    assert_eq!(validate_by_parts(&value, &options), Some(whole));
    let unknown = ValidationOptions {
        disabled: vec!["no-such-check".to_owned()],
        ..Default::default()
    };
    assert_eq!(
        validate_by_parts(&value, &unknown),
        Some(validate_value(&value, &unknown))
    );
    let empty: Value = serde_json::from_str(
        r#"{"type": "bundle", "id": "bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "objects": []}"#,
    )
    .unwrap();
    assert_eq!(
        validate_by_parts(&empty, &options),
        Some(validate_value(&empty, &options))
    );
}

#[track_caller]
fn check(json: &str, expect: Expect) {
    check_with(&ValidationOptions::default(), json, expect);
}

const SDO: &str = r#""spec_version": "2.1", "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z""#;

fn sdo(object_type: &str, rest: &str) -> String {
    format!(
        r#"{{"type": "{object_type}", "id": "{object_type}--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", {SDO}{rest}}}"#
    )
}

#[test]
fn valid_indicator_has_no_diagnostics() {
    check(
        &sdo(
            "indicator",
            r#", "name": "x", "description": "y", "indicator_types": ["malicious-activity"], "pattern": "[url:value = 'http://x.example/']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z""#,
        ),
        expect![[""]],
    );
}

fn sco(object_type: &str, rest: &str) -> String {
    format!(
        r#"{{"type": "{object_type}", "spec_version": "2.1", "id": "{object_type}--ff1e0780-358c-4808-a8c7-d0fca4ef6ef4"{rest}}}"#
    )
}

#[test]
fn missing_required_property() {
    check(
        &sdo("attack-pattern", ""),
        expect!["E required-properties: $: `attack-pattern` requires the property `name`"],
    );
}

#[test]
fn id_must_match_type() {
    check(
        r#"{"type": "tool", "id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "spec_version": "2.1", "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z", "name": "x"}"#,
        expect![[
            r#"E identifier-format: $.id: the id "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f" must start with `tool--`"#
        ]],
    );
}

#[test]
fn malformed_uuid() {
    check(
        r#"{"type": "tool", "id": "tool--blablabla", "spec_version": "2.1", "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z", "name": "x"}"#,
        expect![[
            r#"E identifier-format: $.id: invalid identifier "tool--blablabla": the UUID must be 36 characters"#
        ]],
    );
}

#[test]
fn created_needs_millisecond_precision() {
    check(
        r#"{"type": "tool", "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "spec_version": "2.1", "created": "2016-04-06T20:03:48Z", "modified": "2016-04-06T20:03:48.000Z", "name": "x"}"#,
        expect![
            "E timestamp-precision: $.created: `created` must be precise to the millisecond (at least 3 fractional digits), not 2016-04-06T20:03:48Z"
        ],
    );
}

#[test]
fn timestamps_must_be_utc() {
    check(
        &sdo(
            "campaign",
            r#", "name": "x", "first_seen": "2016-04-06T20:03:48+01:00""#,
        ),
        expect![[
            r#"E timestamp-format: $.first_seen: `first_seen` "2016-04-06T20:03:48+01:00" is not a STIX timestamp: STIX timestamps must be UTC ending in 'Z' at offset 19"#
        ]],
    );
}

#[test]
fn modified_before_created() {
    check(
        r#"{"type": "tool", "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "spec_version": "2.1", "created": "2016-04-06T20:03:48.000123Z", "modified": "2016-04-06T20:03:48.000Z", "name": "x"}"#,
        expect![
            "E timestamp-order: $.modified: `modified` (2016-04-06T20:03:48.000Z) must be later than or equal to `created` (2016-04-06T20:03:48.000123Z)"
        ],
    );
}

#[test]
fn valid_until_must_follow_valid_from() {
    check(
        &sdo(
            "indicator",
            r#", "name": "x", "description": "y", "pattern": "[url:value = 'x']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z", "valid_until": "2016-01-01T00:00:00Z""#,
        ),
        expect![
            "E timestamp-order: $.valid_until: `valid_until` (2016-01-01T00:00:00Z) must be later than `valid_from` (2016-01-01T00:00:00Z)"
        ],
    );
}

#[test]
fn last_seen_before_first_seen() {
    check(
        &sdo(
            "campaign",
            r#", "name": "x", "first_seen": "2016-05-01T00:00:00Z", "last_seen": "2016-04-01T00:00:00Z""#,
        ),
        expect![
            "E timestamp-order: $.last_seen: `last_seen` (2016-04-01T00:00:00Z) must be later than or equal to `first_seen` (2016-05-01T00:00:00Z)"
        ],
    );
}

#[test]
fn stop_time_must_follow_start_time() {
    check(
        &sdo(
            "relationship",
            r#", "relationship_type": "uses", "source_ref": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "target_ref": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "start_time": "2016-05-01T00:00:00Z", "stop_time": "2016-05-01T00:00:00Z""#,
        ),
        expect![
            "E timestamp-order: $.stop_time: `stop_time` (2016-05-01T00:00:00Z) must be later than `start_time` (2016-05-01T00:00:00Z)"
        ],
    );
}

#[test]
fn confidence_range() {
    check(
        &sdo("tool", r#", "name": "x", "confidence": 101"#),
        expect!["E value-range: $.confidence: `confidence` must be between 0 and 100, not 101"],
    );
}

#[test]
fn number_observed_range() {
    check(
        &sdo(
            "observed-data",
            r#", "first_observed": "2016-01-01T00:00:00Z", "last_observed": "2016-01-01T00:00:00Z", "number_observed": 0, "object_refs": ["ipv4-addr--ff1e0780-358c-5808-a8c7-d0fca4ef6ef4"]"#,
        ),
        expect![
            "E value-range: $.number_observed: `number_observed` must be between 1 and 999999999, not 0"
        ],
    );
}

#[test]
fn closed_vocabulary_is_an_error() {
    check(
        &sdo(
            "opinion",
            r#", "opinion": "maybe", "object_refs": ["tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]"#,
        ),
        expect![[
            r#"E enum-values: $.opinion: `opinion` must be one of the opinion-enum values (strongly-disagree, disagree, neutral, agree, strongly-agree), not "maybe""#
        ]],
    );
}

#[test]
fn open_vocabulary_is_a_warning_and_strict_makes_it_an_error() {
    let json = sdo("tool", r#", "name": "x", "tool_types": ["kitchen-sink"]"#);
    check(
        &json,
        expect![[
            r#"W tool-types: $.tool_types[0]: `tool_types` value "kitchen-sink" is not in the tool-type-ov vocabulary"#
        ]],
    );
    check_with(
        &ValidationOptions {
            strict: true,
            ..Default::default()
        },
        &json,
        expect![[
            r#"E tool-types: $.tool_types[0]: `tool_types` value "kitchen-sink" is not in the tool-type-ov vocabulary"#
        ]],
    );
}

#[test]
fn disabled_check_does_not_run() {
    let json = sdo("tool", r#", "name": "x", "tool_types": ["kitchen-sink"]"#);
    check_with(
        &ValidationOptions {
            strict: true,
            disabled: vec!["tool-types".into()],
            ..Default::default()
        },
        &json,
        expect![[""]],
    );
}

#[test]
fn created_by_ref_must_be_an_identity() {
    check(
        &sdo(
            "tool",
            r#", "name": "x", "created_by_ref": "source--f431f809-377b-45e0-aa1c-6a4751cae5ff""#,
        ),
        expect![
            "E reference-types: $.created_by_ref: `created_by_ref` must refer to `identity`, not to an object of type `source`"
        ],
    );
}

#[test]
fn sighting_refs_types() {
    check(
        &sdo(
            "sighting",
            r#", "sighting_of_ref": "relationship--f431f809-377b-45e0-aa1c-6a4751cae5ff", "where_sighted_refs": ["malware--f431f809-377b-45e0-aa1c-6a4751cae5ff"], "observed_data_refs": ["identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"]"#,
        ),
        expect![[r#"
            E reference-types: $.observed_data_refs[0]: `observed_data_refs` must refer to `observed-data`, not to an object of type `identity`
            E reference-types: $.sighting_of_ref: `sighting_of_ref` must refer to a domain object, not to an object of type `relationship`
            E reference-types: $.where_sighted_refs[0]: `where_sighted_refs` must refer to `identity` or `location`, not to an object of type `malware`"#]],
    );
}

#[test]
fn object_marking_refs_must_be_marking_definitions() {
    check(
        &sdo(
            "tool",
            r#", "name": "x", "object_marking_refs": ["indicator--44098fce-860f-48ae-8e50-ebd3cc5e41da"]"#,
        ),
        expect![
            "E reference-types: $.object_marking_refs[0]: `object_marking_refs` must refer to `marking-definition`, not to an object of type `indicator`"
        ],
    );
}

#[test]
fn empty_lists_are_refused() {
    check(
        &sdo("tool", r#", "name": "x", "aliases": [], "x_acme_tags": []"#),
        expect![[r#"
        E empty-list: $.aliases: `aliases` must not be an empty list
        E empty-list: $.x_acme_tags: lists must not be empty
        W extensions-use: $.x_acme_tags: custom property "x_acme_tags" should be defined by an extension (property-extension or toplevel-property-extension)"#]],
    );
}

#[test]
fn null_values_are_refused() {
    check(
        &sdo("tool", r#", "name": "x", "description": null"#),
        expect![
            "E property-type: $.description: `description` is null; leave an absent property out instead"
        ],
    );
}

#[test]
fn custom_property_names() {
    check(
        &sdo(
            "tool",
            r#", "name": "x", "9ome_custom_stuff": 1, "mp": 2, "x_acme_ok": 3"#,
        ),
        expect![[r#"
        E property-name: $.9ome_custom_stuff: property name `9ome_custom_stuff` must be 3 to 250 characters of a-z, 0-9 and `_`, starting with a letter
        E property-name: $.mp: property name `mp` must be 3 to 250 characters of a-z, 0-9 and `_`, starting with a letter
        W extensions-use: $.9ome_custom_stuff: custom property "9ome_custom_stuff" should be defined by an extension (property-extension or toplevel-property-extension)
        W extensions-use: $.mp: custom property "mp" should be defined by an extension (property-extension or toplevel-property-extension)
        W extensions-use: $.x_acme_ok: custom property "x_acme_ok" should be defined by an extension (property-extension or toplevel-property-extension)"#]],
    );
}

#[test]
fn custom_prefix_runs_when_extensions_use_is_disabled() {
    check_with(
        &ValidationOptions {
            strict: true,
            disabled: vec!["extensions-use".into()],
            ..Default::default()
        },
        &sdo(
            "tool",
            r#", "name": "x", "acme": 1, "x_acme": 2, "x_acme_ok": 3"#,
        ),
        expect![[r#"
            E custom-prefix: $.acme: custom property "acme" should start with `x_`, a source prefix and an underscore
            E custom-prefix: $.x_acme: custom property "x_acme" should start with `x_`, a source prefix and an underscore"#]],
    );
}

#[test]
fn sco_must_not_carry_created() {
    check(
        &sco(
            "ipv4-addr",
            r#", "value": "198.51.100.1", "created": "2016-04-06T20:03:48.000Z""#,
        ),
        expect![[r#"
        E not-applicable: $.created: `created` does not apply to a `ipv4-addr` object
        W uuid-check: $.id: the id of an observable should be a UUIDv5, not a UUIDv4
        W extensions-use: $.created: custom property "created" should be defined by an extension (property-extension or toplevel-property-extension)"#]],
    );
}

#[test]
fn sco_reference_types() {
    check(
        &sco(
            "email-addr",
            r#", "value": "a@example.com", "belongs_to_ref": "email-addr--ff1e0780-358c-5808-a8c7-d0fca4ef6ef4""#,
        ),
        expect![[r#"
            E reference-types: $.belongs_to_ref: `belongs_to_ref` must refer to `user-account`, not to an object of type `email-addr`
            W uuid-check: $.id: the id of an observable should be a UUIDv5, not a UUIDv4"#]],
    );
}

#[test]
fn ip_address_formats() {
    check(
        &sco("ipv4-addr", r#", "value": "192.168.0.1/33""#),
        expect![[r#"
        E value-format: $.value: `value` "192.168.0.1/33" is not an IPv4 address or CIDR block
        W uuid-check: $.id: the id of an observable should be a UUIDv5, not a UUIDv4"#]],
    );
    check(
        &sco("ipv6-addr", r#", "value": "fe80::1/129""#),
        expect![[r#"
        E value-format: $.value: `value` "fe80::1/129" is not an IPv6 address or CIDR block
        W uuid-check: $.id: the id of an observable should be a UUIDv5, not a UUIDv4"#]],
    );
}

#[test]
fn observable_uuid_versions() {
    check(&sco("process", r#", "pid": 4"#), expect![[""]]);
    check(
        r#"{"type": "process", "id": "process--ff1e0780-358c-5808-a8c7-d0fca4ef6ef4", "pid": 4}"#,
        expect!["E sco-id: $.id: a process id must be a UUIDv4 (section 6.11)"],
    );
    check(
        r#"{"type": "user-account", "id": "user-account--ff1e0780-358c-5808-a8c7-d0fca4ef6ef4", "display_name": "x"}"#,
        expect![
            "E sco-id: $.id: an observable without id-contributing properties must have a UUIDv4 id (section 2.9)"
        ],
    );
}

#[test]
fn malware_family_needs_a_name() {
    check(
        &sdo("malware", r#", "is_family": true"#),
        expect!["E co-constraints: $: a malware family (`is_family` true) requires `name`"],
    );
}

#[test]
fn location_needs_region_country_or_coordinates() {
    check(
        &sdo("location", r#", "latitude": 48.8, "precision": 10"#),
        expect![[r#"
        E co-constraints: $: a location requires `region`, `country`, or `latitude` and `longitude`
        E co-constraints: $: `latitude` and `longitude` go together
        E co-constraints: $.precision: `precision` requires `latitude` and `longitude`"#]],
    );
    check(
        &sdo("location", r#", "latitude": 91, "longitude": 2.3"#),
        expect!["E value-range: $.latitude: `latitude` must be between -90 and 90, not 91"],
    );
}

#[test]
fn observed_data_objects_and_object_refs() {
    check(
        &sdo(
            "observed-data",
            r#", "first_observed": "2016-01-01T00:00:00Z", "last_observed": "2016-01-01T00:00:00Z", "number_observed": 1"#,
        ),
        expect![
            "E observed-data: $: observed data requires `object_refs` (or the deprecated `objects`)"
        ],
    );
    check(
        &sdo(
            "observed-data",
            r#", "first_observed": "2016-01-01T00:00:00Z", "last_observed": "2016-01-01T00:00:00Z", "number_observed": 1, "objects": {"0": {"type": "domain-name", "value": "example.com", "resolves_to_refs": ["1", "2"]}, "1": {"type": "file", "name": "a"}}"#,
        ),
        expect![[r#"
            E reference-types: $.objects.0.resolves_to_refs[0]: `resolves_to_refs` must refer to `ipv4-addr` or `ipv6-addr` or `domain-name`, not to an object of type `file`
            E reference-types: $.objects.0.resolves_to_refs[1]: `resolves_to_refs` refers to "2", which is not a key of `objects`
            W deprecated-properties: $.objects: `objects` is deprecated in STIX 2.1; use `object_refs`"#]],
    );
}

#[test]
fn tlp_definitions_must_be_the_official_ones() {
    check(
        r#"{"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN", "definition": {"tlp": "green"}}"#,
        expect![[""]],
    );
    check(
        r#"{"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN", "definition": {"tlp": "amber"}}"#,
        expect![
            "E marking-definition: $: a `tlp` marking definition must be one of the four TLP 1.0 marking definitions of the spec, unchanged"
        ],
    );
}

#[test]
fn marking_definition_must_not_mark_itself() {
    check(
        r#"{"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--44098fce-860f-48ae-8e50-ebd3cc5e41da", "created": "2017-01-20T00:00:00.000Z", "definition_type": "statement", "definition": {"statement": "Copyright"}, "object_marking_refs": ["marking-definition--44098fce-860f-48ae-8e50-ebd3cc5e41da"]}"#,
        expect![
            "E marking-definition: $.object_marking_refs: a marking definition must not mark itself"
        ],
    );
}

#[test]
fn granular_marking_selectors_must_select() {
    check(
        &sdo(
            "tool",
            r#", "name": "x", "granular_markings": [{"marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "selectors": ["description", "[0]"]}]"#,
        ),
        expect![[r#"
            E granular-markings: $.granular_markings[0].selectors[1]: "[0]" is not a selector (`property`, `property.[index]`, `property.name`)
            E granular-markings: $.granular_markings[0].selectors[0]: selector "description" selects nothing in this object"#]],
    );
}

#[test]
fn language_content_keys() {
    check(
        &sdo(
            "language-content",
            r#", "object_ref": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "contents": {"español": {"name": "x"}, "de": {"a": "y"}}"#,
        ),
        expect![[r#"
            E language-content: $.contents.de.a: "a" in `contents` must be a property name
            E language-content: $.contents["español"]: key "español" of `contents` must be an RFC 5646 language tag"#]],
    );
}

#[test]
fn extension_definition_rules() {
    check(
        &sdo(
            "extension-definition",
            r#", "created_by_ref": "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "name": "x", "schema": "https://example.com/s.json", "version": "1.0", "extension_types": ["property-extension"], "extension_properties": ["x_a"]"#,
        ),
        expect![[r#"
            E extension-definition: $.extension_properties: `extension_properties` is only for extensions of type `toplevel-property-extension`
            W extension-description: $: an extension definition should have a `description`"#]],
    );
}

#[test]
fn extension_keys_and_predefined_extensions() {
    check(
        &sco(
            "file",
            r#", "name": "a.zip", "extensions": {"x-foobar": {"a": 1}, "archive-ext": {"comment": "c"}, "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {"rank": 5}}"#,
        ),
        expect![[r#"
            E required-properties: $.extensions.archive-ext: `archive-ext` requires the property `contains_refs`
            E extensions: $.extensions.extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e: an extension defined by an extension-definition requires `extension_type`
            E extensions: $.extensions.x-foobar: extension key "x-foobar" must be an extension-definition id or an extension name ending in `-ext`
            W uuid-check: $.id: the id of an observable should be a UUIDv5, not a UUIDv4
            W extensions-use: $.extensions.x-foobar: custom extension "x-foobar" should be an extension definition of type property-extension"#]],
    );
}

#[test]
fn external_reference_rules() {
    check(
        &sdo(
            "vulnerability",
            r#", "name": "x", "external_references": [{"source_name": "CVE", "external_id": "CVE-2016-1234"}, {"source_name": "cve", "external_id": "CVE-16-1"}, {"source_name": "x"}]"#,
        ),
        expect![[r#"
            E external-references: $.external_references[0].source_name: the CVE id CVE-2016-1234 requires `source_name` "cve", not "CVE"
            E external-references: $.external_references[1]: a `cve` external reference requires an `external_id` of the form CVE-YYYY-NNNN
            E external-references: $.external_references[2]: an external reference requires one of `description`, `url` or `external_id`"#]],
    );
}

#[test]
fn hashes_must_be_well_formed() {
    check(
        &sco(
            "file",
            r#", "hashes": {"MD5": "abc", "MD": "00", "x_acme_hash": "z"}"#,
        ),
        expect![[r#"
        E hashes: $.hashes.MD: hash algorithm name "MD" must be 3 to 250 characters of a-z, A-Z, 0-9, `-` and `_`
        W hash-algo: $.hashes.MD: hash algorithm "MD" is neither in hashing-algorithm-ov nor a custom name starting with `x_`
        E hashes: $.hashes.MD5: "abc" is not a well-formed MD5 hash
        W uuid-check: $.id: the id of an observable should be a UUIDv5, not a UUIDv4"#]],
    );
}

#[test]
fn unknown_check_name_is_reported() {
    check_with(
        &ValidationOptions {
            disabled: vec!["no-such-check".into()],
            ..Default::default()
        },
        "{}",
        expect![[r#"E -: $: unknown check "no-such-check""#]],
    );
}

#[test]
fn bundle_paths_name_the_object() {
    check(
        &format!(
            r#"{{"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": [{}, {}]}}"#,
            sdo("tool", r#", "name": "x""#),
            sdo(
                "indicator",
                r#", "pattern": "[url:value = 'x']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z", "valid_until": "2015-01-01T00:00:00Z""#
            )
        ),
        expect![[r#"
            E timestamp-order: $.objects[1].valid_until: `valid_until` (2015-01-01T00:00:00Z) must be later than `valid_from` (2016-01-01T00:00:00Z)
            W indicator-properties: $.objects[1]: an indicator should have a `name` and a `description`"#]],
    );
}

#[test]
fn pattern_checker_is_called_for_stix_patterns() {
    fn refuse(pattern: &str, version: &str) -> Result<Vec<(String, String)>, String> {
        Err(format!("refused {pattern:?} as {version}"))
    }
    check_with(
        &ValidationOptions {
            pattern_checker: Some(PatternChecker(refuse)),
            ..Default::default()
        },
        &sdo(
            "indicator",
            r#", "name": "x", "description": "y", "pattern": "[x:y = 1]", "pattern_type": "stix", "pattern_version": "2.1", "valid_from": "2016-01-01T00:00:00Z""#,
        ),
        expect![[
            r#"E pattern: $.pattern: `pattern` is not a valid STIX 2.1 pattern: refused "[x:y = 1]" as 2.1"#
        ]],
    );
}

#[test]
fn pattern_names_are_checked() {
    fn paths(_: &str, _: &str) -> Result<Vec<(String, String)>, String> {
        Ok(vec![
            ("ab".to_owned(), "value".to_owned()),
            ("file".to_owned(), "n".to_owned()),
            ("file".to_owned(), "acme".to_owned()),
            ("file".to_owned(), "name".to_owned()),
        ])
    }
    check_with(
        &ValidationOptions {
            pattern_checker: Some(PatternChecker(paths)),
            strict: true,
            disabled: vec!["extensions-use".into()],
            ..Default::default()
        },
        &sdo(
            "indicator",
            r#", "name": "x", "description": "y", "pattern": "[x:y = 1]", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z""#,
        ),
        expect![[r#"
            E pattern: $.pattern: "ab" in the pattern is not a valid observable type name
            E pattern: $.pattern: "n" in the pattern is not a valid property name
            E custom-prefix: $.pattern: custom property "acme" of `file` in the pattern should start with `x_`, a source prefix and an underscore"#]],
    );
}

#[test]
fn language_tags_are_checked_against_the_registry() {
    check(
        &sdo("tool", r#", "name": "x", "lang": "foo""#),
        expect![[r#"E value-format: $.lang: `lang` "foo" is not an RFC 5646 language tag"#]],
    );
    check(
        &sdo("tool", r#", "name": "x", "lang": "es-419""#),
        expect![[""]],
    );
}
