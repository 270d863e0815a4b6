//! Rules of single object types that tie properties together or constrain a value's format
//! (STIX 2.1 sections 4 to 7).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::context::At;
use super::context::Ctx;
use super::format;
use super::get_str;
use super::objects::check_object;
use super::properties::expect_type;
use crate::StixId;
use crate::marking;

/// Runs the rules of `object_type`.
pub(crate) fn check_type_rules(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    object_type: &str,
) {
    if let Some(Value::String(tag)) = map.get("lang")
        && !format::is_language_tag(tag)
    {
        ctx.must(
            "value-format",
            &path.key("lang"),
            format!("`lang` {tag:?} is not an RFC 5646 language tag"),
        );
    }
    match object_type {
        "indicator" => check_pattern(ctx, map, path),
        "malware" => {
            if map.get("is_family") == Some(&Value::Bool(true)) && !map.contains_key("name") {
                ctx.must(
                    "co-constraints",
                    path,
                    "a malware family (`is_family` true) requires `name`",
                );
            }
        }
        "malware-analysis" => at_least_one(
            ctx,
            map,
            path,
            object_type,
            &["result", "analysis_sco_refs"],
        ),
        "location" => check_location(ctx, map, path),
        "observed-data" => check_observed_data(ctx, map, path),
        "relationship" => {
            if let Some(kind) = get_str(map, "relationship_type")
                && (kind.is_empty()
                    || !kind
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
            {
                ctx.must(
                    "value-format",
                    &path.key("relationship_type"),
                    format!("`relationship_type` {kind:?} may only contain a-z, 0-9 and `-`"),
                );
            }
        }
        "marking-definition" => check_marking_definition(ctx, map, path),
        "language-content" => check_language_content(ctx, map, path),
        "extension-definition" => {
            let extension_types: Vec<&str> = map
                .get("extension_types")
                .and_then(Value::as_array)
                .map(|types| types.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if map.contains_key("extension_properties")
                && !extension_types.contains(&"toplevel-property-extension")
            {
                ctx.must(
                    "extension-definition",
                    &path.key("extension_properties"),
                    "`extension_properties` is only for extensions of type `toplevel-property-extension`",
                );
            }
        }
        _ => check_observable_rules(ctx, map, path, object_type),
    }
}

/// Section 4.7: an indicator's `pattern` MUST be valid in its `pattern_type` language; for
/// `stix` patterns the plugged-in checker decides.
fn check_pattern(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    let Some(checker) = ctx.options.pattern_checker else {
        return;
    };
    let (Some("stix"), Some(pattern)) = (get_str(map, "pattern_type"), get_str(map, "pattern"))
    else {
        return;
    };
    let version = get_str(map, "pattern_version")
        .or_else(|| get_str(map, "spec_version"))
        .unwrap_or("2.1");
    let paths = match (checker.0)(pattern, version) {
        Ok(paths) => paths,
        Err(reason) => {
            ctx.must(
                "pattern",
                &path.key("pattern"),
                format!("`pattern` is not a valid STIX {version} pattern: {reason}"),
            );
            return;
        }
    };
    let pattern_path = path.key("pattern");
    for (object_type, property) in &paths {
        let def = super::schema::type_def(object_type)
            .filter(|def| def.category == crate::Category::Observable);
        if def.is_none() {
            if crate::ObjectType::parse(object_type).is_err() {
                ctx.must(
                    "pattern",
                    &pattern_path,
                    format!("{object_type:?} in the pattern is not a valid observable type name"),
                );
                continue;
            }
            if !super::custom::is_strict_type_name(object_type) {
                ctx.should(
                    "custom-prefix",
                    &pattern_path,
                    format!("custom observable type {object_type:?} in the pattern should start with `x-`, a source prefix and a hyphen"),
                );
            }
            if !object_type.starts_with("x-") {
                ctx.should(
                    "custom-prefix-lax",
                    &pattern_path,
                    format!("custom observable type {object_type:?} in the pattern should start with `x-`"),
                );
            }
            ctx.should(
                "strict-types",
                &pattern_path,
                format!("`{object_type}` in the pattern is not an observable type of the spec"),
            );
        }
        let known = def.is_some_and(|def| {
            def.props.iter().any(|prop| prop.name == property)
                || super::schema::common_properties(object_type, crate::Category::Observable)
                    .iter()
                    .any(|prop| prop.name == property)
        });
        if known {
            continue;
        }
        let name_ok = (3..=250).contains(&property.len())
            && property
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !name_ok {
            ctx.must(
                "pattern",
                &pattern_path,
                format!("{property:?} in the pattern is not a valid property name"),
            );
            continue;
        }
        if def.is_none() {
            continue; // custom observables need no prefix on their own properties
        }
        if !super::custom::is_strict_property_name(property) {
            ctx.should(
                "custom-prefix",
                &pattern_path,
                format!("custom property {property:?} of `{object_type}` in the pattern should start with `x_`, a source prefix and an underscore"),
            );
        }
        if !property.starts_with("x_") {
            ctx.should(
                "custom-prefix-lax",
                &pattern_path,
                format!("custom property {property:?} of `{object_type}` in the pattern should start with `x_`"),
            );
        }
        ctx.should(
            "strict-properties",
            &pattern_path,
            format!(
                "`{property}` in the pattern is not a property the spec defines for `{object_type}`"
            ),
        );
    }
}

fn at_least_one(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    object_type: &str,
    names: &[&str],
) {
    if !names.iter().any(|name| map.contains_key(*name)) {
        ctx.must(
            "co-constraints",
            path,
            format!(
                "`{object_type}` requires at least one of {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
}

fn check_location(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    let has = |name: &str| map.contains_key(name);
    if !(has("region") || has("country") || (has("latitude") && has("longitude"))) {
        ctx.must(
            "co-constraints",
            path,
            "a location requires `region`, `country`, or `latitude` and `longitude`",
        );
    }
    if has("latitude") != has("longitude") {
        ctx.must(
            "co-constraints",
            path,
            "`latitude` and `longitude` go together",
        );
    }
    if has("precision") && !(has("latitude") && has("longitude")) {
        ctx.must(
            "co-constraints",
            &path.key("precision"),
            "`precision` requires `latitude` and `longitude`",
        );
    }
}

fn check_observed_data(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    match (map.get("objects"), map.get("object_refs")) {
        (Some(_), Some(_)) => ctx.must(
            "observed-data",
            path,
            "observed data has `objects` or `object_refs`, not both",
        ),
        (None, None) => ctx.must(
            "observed-data",
            path,
            "observed data requires `object_refs` (or the deprecated `objects`)",
        ),
        _ => {}
    }
    let Some(objects) = map.get("objects") else {
        return;
    };
    let objects_path = path.key("objects");
    let Some(objects) = objects.as_object() else {
        return expect_type(
            ctx,
            false,
            &objects_path,
            "objects",
            "a dictionary of observables",
        );
    };
    if objects.is_empty() {
        ctx.must("empty-list", &objects_path, "`objects` must not be empty");
    }
    let types: HashMap<String, String> = objects
        .iter()
        .filter_map(|(key, object)| Some((key.clone(), object.get("type")?.as_str()?.to_owned())))
        .collect();
    let outer = ctx.embedded_types.replace(types);
    for (key, object) in objects {
        let object_path = objects_path.key(key);
        match object.as_object() {
            Some(object_map) if object_map.contains_key("type") => {
                check_object(ctx, object_map, &object_path, Some(key), Some("2.1"));
            }
            Some(_) => ctx.must(
                "required-properties",
                &object_path,
                "an observable requires `type`",
            ),
            None => expect_type(ctx, false, &object_path, key, "an observable object"),
        }
    }
    ctx.embedded_types = outer;
}

fn check_marking_definition(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    let own_id = get_str(map, "id");
    if let Some(Value::Array(refs)) = map.get("object_marking_refs")
        && refs.iter().any(|id| id.as_str() == own_id)
    {
        ctx.must(
            "marking-definition",
            &path.key("object_marking_refs"),
            "a marking definition must not mark itself",
        );
    }
    if let Some(Value::Array(markings)) = map.get("granular_markings") {
        for (idx, marking) in markings.iter().enumerate() {
            if marking.get("marking_ref").and_then(Value::as_str) == own_id {
                ctx.must(
                    "marking-definition",
                    &path.key("granular_markings").index(idx).key("marking_ref"),
                    "a marking definition must not mark itself",
                );
            }
        }
    }
    let definition_type = get_str(map, "definition_type");
    if !map.contains_key("extensions")
        && (definition_type.is_none() || !map.contains_key("definition"))
    {
        ctx.must(
            "marking-definition",
            path,
            "a marking definition requires `definition_type` and `definition`, or an extension that defines it",
        );
    }
    if map.contains_key("definition") != map.contains_key("definition_type") {
        ctx.must(
            "marking-definition",
            path,
            "`definition` and `definition_type` go together",
        );
    }
    let definition = map.get("definition");
    if let Some(definition) = definition
        && !definition.is_object()
    {
        expect_type(
            ctx,
            false,
            &path.key("definition"),
            "definition",
            "an object",
        );
    }
    match definition_type {
        Some("statement")
            if !definition
                .and_then(|d| d.get("statement"))
                .is_some_and(Value::is_string) =>
        {
            ctx.must(
                "marking-definition",
                &path.key("definition"),
                "a statement marking requires a string `statement`",
            );
        }
        Some("tlp") => {
            // Section 7.2.1.4: the TLP 1.0 markings are fixed objects; others are not TLP.
            let matches_official = own_id
                .and_then(|id| StixId::parse(id).ok())
                .and_then(|id| marking::tlp_v1_definition(&id))
                .is_some_and(|official| official == Value::Object(map.clone()));
            if !matches_official {
                ctx.must(
                    "marking-definition",
                    path,
                    "a `tlp` marking definition must be one of the four TLP 1.0 marking definitions of the spec, unchanged",
                );
            }
        }
        _ => {}
    }
}

fn check_language_content(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    let contents_path = path.key("contents");
    let Some(contents) = map.get("contents") else {
        return;
    };
    let Some(contents) = contents.as_object() else {
        return expect_type(ctx, false, &contents_path, "contents", "a dictionary");
    };
    if contents.is_empty() {
        ctx.must("empty-list", &contents_path, "`contents` must not be empty");
    }
    for (language, translations) in contents {
        let language_path = contents_path.key(language);
        if !format::is_language_tag(language) {
            ctx.must(
                "language-content",
                &language_path,
                format!("key {language:?} of `contents` must be an RFC 5646 language tag"),
            );
        }
        let Some(translations) = translations.as_object() else {
            expect_type(
                ctx,
                false,
                &language_path,
                language,
                "a dictionary of translated properties",
            );
            continue;
        };
        for property in translations.keys() {
            if !format::is_property_name(property) {
                ctx.must(
                    "language-content",
                    &language_path.key(property),
                    format!("{property:?} in `contents` must be a property name"),
                );
            }
        }
    }
}

fn check_observable_rules(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    object_type: &str,
) {
    let value_format = |ctx: &mut Ctx, name: &str, ok: fn(&str) -> bool, what: &str| {
        if let Some(text) = get_str(map, name)
            && !ok(text)
        {
            ctx.must(
                "value-format",
                &path.key(name),
                format!("`{name}` {text:?} is not {what}"),
            );
        }
    };
    match object_type {
        "artifact" => {
            match (map.contains_key("payload_bin"), map.contains_key("url")) {
                (true, true) => ctx.must(
                    "co-constraints",
                    path,
                    "an artifact has `payload_bin` or `url`, not both",
                ),
                (false, false) => ctx.must(
                    "co-constraints",
                    path,
                    "an artifact requires `payload_bin` or `url`",
                ),
                (false, true) if !map.contains_key("hashes") => {
                    ctx.must(
                        "co-constraints",
                        path,
                        "an artifact with a `url` requires `hashes`",
                    );
                }
                _ => {}
            }
            if map.contains_key("decryption_key") && !map.contains_key("encryption_algorithm") {
                ctx.must(
                    "co-constraints",
                    &path.key("decryption_key"),
                    "`decryption_key` requires `encryption_algorithm`",
                );
            }
            value_format(
                ctx,
                "mime_type",
                format::is_media_type,
                "an IANA media type",
            );
            value_format(ctx, "url", format::is_uri, "a URL");
        }
        "directory" => value_format(
            ctx,
            "path_enc",
            format::is_charset_name,
            "an IANA character set name",
        ),
        "email-addr" => value_format(
            ctx,
            "value",
            format::is_email_address,
            "an e-mail address without a display name",
        ),
        "email-message" => check_email_message(ctx, map, path),
        "file" => {
            at_least_one(ctx, map, path, object_type, &["hashes", "name"]);
            value_format(
                ctx,
                "name_enc",
                format::is_charset_name,
                "an IANA character set name",
            );
        }
        "ipv4-addr" => value_format(
            ctx,
            "value",
            format::is_ipv4_cidr,
            "an IPv4 address or CIDR block",
        ),
        "ipv6-addr" => value_format(
            ctx,
            "value",
            format::is_ipv6_cidr,
            "an IPv6 address or CIDR block",
        ),
        "mac-addr" => value_format(
            ctx,
            "value",
            format::is_mac_address,
            "a lower-case, colon-separated MAC address",
        ),
        "network-traffic" => {
            at_least_one(ctx, map, path, object_type, &["src_ref", "dst_ref"]);
            if map.get("is_active") == Some(&Value::Bool(true)) && map.contains_key("end") {
                ctx.must(
                    "co-constraints",
                    &path.key("end"),
                    "`end` must be absent while `is_active` is true",
                );
            }
        }
        "process" => {
            any_own_property(ctx, map, path, object_type);
            uuid_v4(
                ctx,
                map,
                path,
                "a process id must be a UUIDv4 (section 6.11)",
            );
        }
        "software" => {
            value_format(ctx, "cpe", format::is_cpe23, "a CPE 2.3 formatted string");
            if let Some(Value::Array(languages)) = map.get("languages") {
                for (idx, language) in languages.iter().enumerate() {
                    // STIX 2.0 used ISO 639-2 codes (`eng`); 2.1 uses RFC 5646 tags, and
                    // the older three-letter form stays accepted for compatibility.
                    if let Some(text) = language.as_str()
                        && !format::is_language_tag(text)
                        && !(text.len() == 3 && text.bytes().all(|b| b.is_ascii_lowercase()))
                    {
                        ctx.must(
                            "value-format",
                            &path.key("languages").index(idx),
                            format!("{text:?} is not a language tag"),
                        );
                    }
                }
            }
        }
        "url" => value_format(ctx, "value", format::is_uri, "a URL"),
        "user-account" | "x509-certificate" => any_own_property(ctx, map, path, object_type),
        "windows-registry-key" => {
            any_own_property(ctx, map, path, object_type);
            if let Some(key) = get_str(map, "key") {
                let upper = key.to_ascii_uppercase();
                let hive = upper.split('\\').next().unwrap_or_default();
                if matches!(hive, "HKLM" | "HKCC" | "HKCR" | "HKCU" | "HKU") {
                    ctx.must(
                        "value-format",
                        &path.key("key"),
                        "`key` must name the hive in full (HKEY_LOCAL_MACHINE, not HKLM)",
                    );
                }
            }
        }
        _ => {}
    }
    if object_type != "process" && crate::sco_id::uses_uuid_v4(object_type, map) {
        uuid_v4(
            ctx,
            map,
            path,
            "an observable without id-contributing properties must have a UUIDv4 id (section 2.9)",
        );
    }
}

fn uuid_v4(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>, message: &str) {
    if let Some(id) = get_str(map, "id").and_then(|id| StixId::parse(id).ok())
        && id.uuid().get_version_num() != 4
    {
        ctx.must("sco-id", &path.key("id"), message);
    }
}

/// Observables whose properties are all optional need at least one of them.
fn any_own_property(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>, object_type: &str) {
    const COMMON: &[&str] = &[
        "type",
        "id",
        "spec_version",
        "object_marking_refs",
        "granular_markings",
        "defanged",
    ];
    if !map.keys().any(|key| !COMMON.contains(&key.as_str())) {
        ctx.must(
            "co-constraints",
            path,
            format!("`{object_type}` requires at least one property of its own"),
        );
    }
}

fn check_email_message(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    match map.get("is_multipart") {
        Some(Value::Bool(true)) if map.contains_key("body") => {
            ctx.must(
                "co-constraints",
                &path.key("body"),
                "a multipart message has `body_multipart`, not `body`",
            );
        }
        Some(Value::Bool(false)) if map.contains_key("body_multipart") => {
            ctx.must(
                "co-constraints",
                &path.key("body_multipart"),
                "a message that is not multipart has no `body_multipart`",
            );
        }
        _ => {}
    }
    if let Some(Value::Array(parts)) = map.get("body_multipart") {
        for (idx, part) in parts.iter().enumerate() {
            if let Some(part) = part.as_object()
                && part.contains_key("body") == part.contains_key("body_raw_ref")
            {
                ctx.must(
                    "co-constraints",
                    &path.key("body_multipart").index(idx),
                    "a MIME part has exactly one of `body` and `body_raw_ref`",
                );
            }
        }
    }
}
