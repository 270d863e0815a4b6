//! Rules for the nested types every object may use: hashes, kill chain phases, external
//! references, granular markings and extensions (STIX 2.1 sections 2.5 to 2.8, 7.2.3, 7.3).

use serde_json::Value;

use super::context::At;
use super::context::Ctx;
use super::format;
use super::properties::{
    check_custom_property, check_kind, check_properties, expect_type, non_empty_list,
};
use super::schema::{self, Kind, Target};
use crate::StixId;
use crate::vocab::HASHING_ALGORITHM;

/// Checks a hashes dictionary: well-formed keys, and values in the format of known algorithms.
pub(crate) fn check_hashes(
    ctx: &mut Ctx,
    value: &Value,
    path: &At<'_>,
    name: &str,
    object_type: &str,
) {
    let Some(map) = value.as_object() else {
        return expect_type(ctx, false, path, name, "a hashes dictionary");
    };
    if map.is_empty() {
        ctx.must(
            "empty-list",
            path,
            format!("`{name}` must not be an empty dictionary"),
        );
    }
    for (algorithm, hash) in map {
        let hash_path = path.key(algorithm);
        if !(3..=250).contains(&algorithm.len()) || !format::is_dictionary_key(algorithm) {
            ctx.must(
                "hashes",
                &hash_path,
                format!("hash algorithm name {algorithm:?} must be 3 to 250 characters of a-z, A-Z, 0-9, `-` and `_`"),
            );
        }
        let Some(hash) = hash.as_str() else {
            expect_type(ctx, false, &hash_path, algorithm, "a string");
            continue;
        };
        let hex_len = |len: usize| hash.len() == len && hash.bytes().all(|b| b.is_ascii_hexdigit());
        let ok = match algorithm.as_str() {
            "MD5" => hex_len(32),
            "SHA-1" => hex_len(40),
            "SHA-256" | "SHA3-256" => hex_len(64),
            "SHA-512" | "SHA3-512" => hex_len(128),
            "SSDEEP" => {
                (1..=128).contains(&hash.len())
                    && hash
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/+:.".contains(&b))
            }
            "TLSH" => {
                let body = hash.strip_prefix("T1").unwrap_or(hash);
                body.len() == 70 && body.bytes().all(|b| b.is_ascii_alphanumeric())
            }
            _ => true,
        };
        if !ok {
            ctx.must(
                "hashes",
                &hash_path,
                format!("{hash:?} is not a well-formed {algorithm} hash"),
            );
        }
        if !HASHING_ALGORITHM.contains(algorithm) && !algorithm.starts_with("x_") {
            ctx.should(
                "hash-algo",
                &hash_path,
                format!("hash algorithm {algorithm:?} is neither in hashing-algorithm-ov nor a custom name starting with `x_`"),
            );
        }
        if algorithm.len() > 30 && object_type != "external_references" {
            ctx.should(
                "hash-length",
                &hash_path,
                format!("hash algorithm name {algorithm:?} is longer than 30 characters"),
            );
        }
    }
}

/// Checks a list of kill chain phases (section 2.8).
pub(crate) fn check_kill_chain_phases(ctx: &mut Ctx, value: &Value, path: &At<'_>, name: &str) {
    for (idx, phase) in non_empty_list(ctx, value, path, name) {
        let phase_path = path.index(idx);
        let Some(map) = phase.as_object() else {
            expect_type(ctx, false, &phase_path, name, "a list of kill chain phases");
            continue;
        };
        for key in ["kill_chain_name", "phase_name"] {
            match map.get(key) {
                None => ctx.must(
                    "kill-chain-phases",
                    &phase_path,
                    format!("a kill chain phase requires `{key}`"),
                ),
                Some(Value::String(text)) => {
                    if !format::is_lower_hyphenated(text) {
                        ctx.should(
                            "kill-chain-names",
                            &phase_path.key(key),
                            format!(
                                "`{key}` {text:?} should be lower case with hyphens as separators"
                            ),
                        );
                    }
                }
                Some(_) => expect_type(ctx, false, &phase_path.key(key), key, "a string"),
            }
        }
        for (key, value) in map {
            if key != "kill_chain_name" && key != "phase_name" {
                check_custom_property(ctx, key, value, &phase_path.key(key));
            }
        }
    }
}

/// Checks a list of external references (section 2.5).
pub(crate) fn check_external_references(ctx: &mut Ctx, value: &Value, path: &At<'_>, name: &str) {
    for (idx, reference) in non_empty_list(ctx, value, path, name) {
        let ref_path = path.index(idx);
        let Some(map) = reference.as_object() else {
            expect_type(ctx, false, &ref_path, name, "a list of external references");
            continue;
        };
        for (key, item) in map {
            let item_path = ref_path.key(key);
            match key.as_str() {
                "source_name" | "description" | "external_id" => {
                    expect_type(ctx, item.is_string(), &item_path, key, "a string");
                }
                "url" => match item.as_str() {
                    Some(url) if !format::is_uri(url) => ctx.must(
                        "value-format",
                        &item_path,
                        format!("`url` {url:?} is not a URI"),
                    ),
                    Some(_) => {}
                    None => expect_type(ctx, false, &item_path, key, "a string"),
                },
                "hashes" => check_hashes(ctx, item, &item_path, key, "external_references"),
                _ => check_custom_property(ctx, key, item, &item_path),
            }
        }
        let source_name = map.get("source_name").and_then(Value::as_str);
        let external_id = map.get("external_id").and_then(Value::as_str);
        if !map.contains_key("source_name") {
            ctx.must(
                "external-references",
                &ref_path,
                "an external reference requires `source_name`",
            );
        }
        if !["description", "url", "external_id"]
            .iter()
            .any(|key| map.contains_key(*key))
        {
            ctx.must(
                "external-references",
                &ref_path,
                "an external reference requires one of `description`, `url` or `external_id`",
            );
        }
        // Section 2.5: references to CVE and CAPEC entries use these source names and ids.
        match (source_name, external_id) {
            (Some("cve"), id) if !id.is_some_and(is_cve_id) => ctx.must(
                "external-references",
                &ref_path,
                "a `cve` external reference requires an `external_id` of the form CVE-YYYY-NNNN",
            ),
            (Some("capec"), id) if !id.is_some_and(is_capec_id) => ctx.must(
                "external-references",
                &ref_path,
                "a `capec` external reference requires an `external_id` of the form CAPEC-N",
            ),
            // The reverse: a CVE or CAPEC id is given with that source name, exactly.
            (Some(name), Some(id)) if is_cve_id(id) && name != "cve" => ctx.must(
                "external-references",
                &ref_path.key("source_name"),
                format!("the CVE id {id} requires `source_name` \"cve\", not {name:?}"),
            ),
            (Some(name), Some(id)) if is_capec_id(id) && name != "capec" => ctx.must(
                "external-references",
                &ref_path.key("source_name"),
                format!("the CAPEC id {id} requires `source_name` \"capec\", not {name:?}"),
            ),
            _ => {}
        }
        if map.contains_key("url") && !map.contains_key("hashes") {
            ctx.should(
                "extref-hashes",
                &ref_path,
                format!(
                    "external reference {:?} has a `url` but no `hashes`",
                    source_name.unwrap_or_default()
                ),
            );
        }
    }
}

fn is_cve_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && number.bytes().all(|b| b.is_ascii_digit())
        && (number.len() == 4 || !number.starts_with('0'))
}

fn is_capec_id(id: &str) -> bool {
    id.strip_prefix("CAPEC-")
        .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks one granular marking (section 7.2.3) apart from what its selectors select.
pub(crate) fn check_granular_marking(ctx: &mut Ctx, value: &Value, path: &At<'_>) {
    let Some(map) = value.as_object() else {
        return expect_type(
            ctx,
            false,
            path,
            "granular_markings",
            "a list of granular markings",
        );
    };
    match map.get("selectors") {
        None => ctx.must(
            "granular-markings",
            path,
            "a granular marking requires `selectors`",
        ),
        Some(selectors) => {
            let selectors_path = path.key("selectors");
            for (idx, selector) in non_empty_list(ctx, selectors, &selectors_path, "selectors") {
                match selector.as_str() {
                    Some(text) if !format::is_selector(text) => ctx.must(
                        "granular-markings",
                        &selectors_path.index(idx),
                        format!("{text:?} is not a selector (`property`, `property.[index]`, `property.name`)"),
                    ),
                    Some(_) => {}
                    None => expect_type(ctx, false, &selectors_path.index(idx), "selectors", "a list of strings"),
                }
            }
        }
    }
    match (map.get("marking_ref"), map.get("lang")) {
        (Some(_), Some(_)) => ctx.must(
            "granular-markings",
            path,
            "a granular marking has either `marking_ref` or `lang`, not both",
        ),
        (None, None) => ctx.must(
            "granular-markings",
            path,
            "a granular marking requires `marking_ref` (or `lang`)",
        ),
        _ => {}
    }
    for (key, item) in map {
        let item_path = path.key(key);
        match key.as_str() {
            "selectors" => {}
            "marking_ref" => super::properties::check_ref(
                ctx,
                item,
                Target::Types(&["marking-definition"]),
                &item_path,
                key,
            ),
            "lang" => match item.as_str() {
                Some(tag) if !format::is_language_tag(tag) => ctx.must(
                    "value-format",
                    &item_path,
                    format!("{tag:?} is not an RFC 5646 language tag"),
                ),
                Some(_) => {}
                None => expect_type(ctx, false, &item_path, key, "a string"),
            },
            _ => check_custom_property(ctx, key, item, &item_path),
        }
    }
}

/// Checks an `extensions` dictionary (sections 3.2 and 7.3): each key is an
/// extension-definition id or an extension name ending in `-ext`; predefined observable
/// extensions carry the properties the spec gives them.
pub(crate) fn check_extensions(ctx: &mut Ctx, value: &Value, path: &At<'_>, object_type: &str) {
    let Some(map) = value.as_object() else {
        return expect_type(ctx, false, path, "extensions", "a dictionary");
    };
    if map.is_empty() {
        ctx.must(
            "empty-list",
            path,
            "`extensions` must not be an empty dictionary",
        );
    }
    let allowed_predefined = schema::type_def(object_type).map_or(&[][..], |def| def.extensions);
    for (key, extension) in map {
        let ext_path = path.key(key);
        let Some(fields) = extension.as_object() else {
            expect_type(ctx, false, &ext_path, key, "an object");
            continue;
        };
        if fields.is_empty() {
            ctx.must(
                "empty-list",
                &ext_path,
                format!("extension `{key}` must not be empty"),
            );
        }
        if key.starts_with("extension-definition--") {
            match StixId::parse(key) {
                Ok(id) if id.object_type() == "extension-definition" => {}
                _ => {
                    ctx.must(
                        "identifier-format",
                        &ext_path,
                        format!("extension key {key:?} is not an extension-definition identifier"),
                    );
                }
            }
            match fields.get("extension_type") {
                None => ctx.must(
                    "extensions",
                    &ext_path,
                    "an extension defined by an extension-definition requires `extension_type`",
                ),
                Some(kind) => check_kind(
                    ctx,
                    kind,
                    Kind::Enum(&crate::vocab::EXTENSION_TYPE),
                    &ext_path.key("extension_type"),
                    "extension_type",
                    object_type,
                ),
            }
            for (name, item) in fields {
                if name != "extension_type" {
                    check_custom_property(ctx, name, item, &ext_path.key(name));
                }
            }
        } else if is_extension_name(key) {
            match schema::predefined_extension(key)
                .filter(|_| allowed_predefined.contains(&key.as_str()))
            {
                Some(def) => {
                    check_properties(ctx, fields, &ext_path, key, &[def.props]);
                    if !def.at_least_one_of.is_empty()
                        && !def
                            .at_least_one_of
                            .iter()
                            .any(|name| fields.contains_key(*name))
                    {
                        ctx.must(
                            "extensions",
                            &ext_path,
                            format!(
                                "`{key}` requires at least one of {}",
                                def.at_least_one_of.join(", ")
                            ),
                        );
                    }
                }
                None => {
                    for (name, item) in fields {
                        check_custom_property(ctx, name, item, &ext_path.key(name));
                    }
                }
            }
        } else {
            ctx.must(
                "extensions",
                &ext_path,
                format!("extension key {key:?} must be an extension-definition id or an extension name ending in `-ext`"),
            );
        }
    }
}

/// Extension names: lower-case words joined by hyphens, ending in `-ext`.
pub(crate) fn is_extension_name(name: &str) -> bool {
    name.strip_suffix("-ext").is_some_and(|stem| {
        !stem.is_empty()
            && stem.as_bytes()[0].is_ascii_lowercase()
            && !stem.contains("--")
            && !stem.ends_with('-')
            && stem
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}
