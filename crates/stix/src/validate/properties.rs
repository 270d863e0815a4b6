//! The table-driven checks: each property against its kind (JSON type, range, vocabulary,
//! reference target), required properties, and the naming rules for unknown properties.

use serde_json::{Map, Value};

use super::context::At;
use super::context::Ctx;
use super::format;
use super::schema::{self, Kind, Prop, Target};
use crate::{Category, StixId, StixTimestamp};

/// Checks every property of `map` against `props`; properties not in `props` are custom and
/// only their names and shapes are checked. `object_type` names the STIX type for messages
/// and for the extensions the type may carry.
pub(crate) fn check_properties(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    object_type: &str,
    props: &[&[Prop]],
) {
    for prop in props.iter().flat_map(|props| props.iter()) {
        if prop.required && !map.contains_key(prop.name) {
            ctx.must(
                "required-properties",
                path,
                format!("`{object_type}` requires the property `{}`", prop.name),
            );
        }
    }
    for (name, value) in map {
        let prop_path = path.key(name);
        let known = schema::find_prop(props, name);
        if value.is_null() {
            ctx.must(
                "property-type",
                &prop_path,
                format!("`{name}` is null; leave an absent property out instead"),
            );
            continue;
        }
        match known {
            Some(prop) => check_kind(ctx, value, prop.kind, &prop_path, name, object_type),
            None => check_custom_property(ctx, name, value, &prop_path),
        }
    }
}

/// Checks the name and shape of a property the spec does not define.
pub(crate) fn check_custom_property(ctx: &mut Ctx, name: &str, value: &Value, path: &At<'_>) {
    if schema::is_reserved_property(name) {
        ctx.must(
            "reserved-names",
            path,
            format!("`{name}` is a reserved property name and must not be used"),
        );
    } else if !format::is_property_name(name) {
        ctx.must(
            "property-name",
            path,
            format!(
                "property name `{name}` must be 3 to 250 characters of a-z, 0-9 and `_`, starting with a letter"
            ),
        );
    }
    check_shape(ctx, value, path);
    if let Some(text) = value.as_str() {
        if name.ends_with("_bin") && !format::is_base64(text) {
            ctx.must(
                "value-format",
                path,
                format!("`{name}` ends in `_bin` so it must be base64"),
            );
        }
        if name.ends_with("_hex") && !format::is_hex(text) {
            ctx.must(
                "value-format",
                path,
                format!("`{name}` ends in `_hex` so it must be hex"),
            );
        }
    }
}

/// The shape rules that hold for any value: no nulls and no empty lists at the top of a
/// property.
fn check_shape(ctx: &mut Ctx, value: &Value, path: &At<'_>) {
    match value {
        Value::Array(items) if items.is_empty() => {
            ctx.must("empty-list", path, "lists must not be empty");
        }
        Value::Null => ctx.must("property-type", path, "null is not a STIX value"),
        _ => {}
    }
}

/// Checks one value against its kind.
pub(crate) fn check_kind(
    ctx: &mut Ctx,
    value: &Value,
    kind: Kind,
    path: &At<'_>,
    name: &str,
    object_type: &str,
) {
    match kind {
        Kind::Str => {
            expect_type(ctx, value.is_string(), path, name, "a string");
        }
        Kind::Bool => {
            expect_type(ctx, value.is_boolean(), path, name, "a boolean");
        }
        Kind::Int { min, max } => match as_integer(value) {
            Some(number) if number < i128::from(min) || number > i128::from(max) => {
                ctx.must("value-range", path, range_message(name, min, max, number));
            }
            Some(_) => {}
            None => expect_type(ctx, false, path, name, "an integer"),
        },
        Kind::Num { min, max } => match value.as_f64() {
            Some(number) if number < min || number > max => ctx.must(
                "value-range",
                path,
                format!("`{name}` must be between {min} and {max}, not {number}"),
            ),
            Some(_) => {}
            None => expect_type(ctx, false, path, name, "a number"),
        },
        Kind::Timestamp => check_timestamp(ctx, value, path, name),
        Kind::Ref(target) => check_ref(ctx, value, target, path, name),
        Kind::Refs(target) => {
            for (idx, item) in non_empty_list(ctx, value, path, name) {
                check_ref(ctx, item, target, &path.index(idx), name);
            }
        }
        Kind::Strs => {
            for (idx, item) in non_empty_list(ctx, value, path, name) {
                expect_type(
                    ctx,
                    item.is_string(),
                    &path.index(idx),
                    name,
                    "a list of strings",
                );
            }
        }
        Kind::StrsMaybeEmpty => match value.as_array() {
            Some(items) => {
                for (idx, item) in items.iter().enumerate() {
                    expect_type(
                        ctx,
                        item.is_string(),
                        &path.index(idx),
                        name,
                        "a list of strings",
                    );
                }
            }
            None => expect_type(ctx, false, path, name, "a list of strings"),
        },
        Kind::Open(vocab, check) => match value.as_str() {
            Some(text) => open_value(ctx, text, vocab, check, path, name),
            None => expect_type(ctx, false, path, name, "a string"),
        },
        Kind::OpenList(vocab, check) => {
            for (idx, item) in non_empty_list(ctx, value, path, name) {
                match item.as_str() {
                    Some(text) => open_value(ctx, text, vocab, check, &path.index(idx), name),
                    None => expect_type(ctx, false, &path.index(idx), name, "a list of strings"),
                }
            }
        }
        Kind::Enum(vocab) => enum_value(ctx, value, vocab, path, name),
        Kind::EnumList(vocab) => {
            for (idx, item) in non_empty_list(ctx, value, path, name) {
                enum_value(ctx, item, vocab, &path.index(idx), name);
            }
        }
        Kind::Hashes => super::rules::check_hashes(ctx, value, path, name, object_type),
        Kind::Dict => check_dictionary(ctx, value, path, name),
        Kind::KillChainPhases => super::rules::check_kill_chain_phases(ctx, value, path, name),
        Kind::ExternalReferences => {
            super::rules::check_external_references(ctx, value, path, name);
        }
        Kind::GranularMarkings => {
            // Selectors are checked against the whole object in the marking rules.
            for (idx, item) in non_empty_list(ctx, value, path, name) {
                super::rules::check_granular_marking(ctx, item, &path.index(idx));
            }
        }
        Kind::Extensions => super::rules::check_extensions(ctx, value, path, object_type),
        Kind::Binary => match value.as_str() {
            Some(text) if !format::is_base64(text) => ctx.must(
                "value-format",
                path,
                format!("`{name}` must be base64-encoded binary data"),
            ),
            Some(_) => {}
            None => expect_type(ctx, false, path, name, "a base64 string"),
        },
        Kind::Hex => match value.as_str() {
            Some(text) if !format::is_hex(text) => ctx.must(
                "value-format",
                path,
                format!("`{name}` must be hex (an even number of hex digits)"),
            ),
            Some(_) => {}
            None => expect_type(ctx, false, path, name, "a hex string"),
        },
        Kind::Object(props) => match value.as_object() {
            Some(map) if map.is_empty() => {
                ctx.must("empty-list", path, format!("`{name}` must not be empty"));
            }
            Some(map) => check_properties(ctx, map, path, name, &[props]),
            None => expect_type(ctx, false, path, name, "an object"),
        },
        Kind::Objects(props) => {
            for (idx, item) in non_empty_list(ctx, value, path, name) {
                match item.as_object() {
                    Some(map) => check_properties(ctx, map, &path.index(idx), name, &[props]),
                    None => expect_type(ctx, false, &path.index(idx), name, "a list of objects"),
                }
            }
        }
        Kind::Any => {}
    }
}

/// Reports a JSON type mismatch when `ok` is false.
pub(crate) fn expect_type(ctx: &mut Ctx, ok: bool, path: &At<'_>, name: &str, expected: &str) {
    if !ok {
        ctx.must(
            "property-type",
            path,
            format!("`{name}` must be {expected}"),
        );
    }
}

/// Returns the items of a non-empty list, reporting a non-list or an empty list.
pub(crate) fn non_empty_list<'v>(
    ctx: &mut Ctx,
    value: &'v Value,
    path: &At<'_>,
    name: &str,
) -> std::iter::Enumerate<std::slice::Iter<'v, Value>> {
    match value.as_array() {
        Some(items) => {
            if items.is_empty() {
                ctx.must(
                    "empty-list",
                    path,
                    format!("`{name}` must not be an empty list"),
                );
            }
            items.iter().enumerate()
        }
        None => {
            expect_type(ctx, false, path, name, "a list");
            [].iter().enumerate()
        }
    }
}

/// Returns the value as an integer: a JSON integer, or a float with no fractional part.
pub(crate) fn as_integer(value: &Value) -> Option<i128> {
    if let Some(number) = value.as_i64() {
        return Some(i128::from(number));
    }
    if let Some(number) = value.as_u64() {
        return Some(i128::from(number));
    }
    None
}

fn range_message(name: &str, min: i64, max: i64, number: i128) -> String {
    match (min, max) {
        (min, i64::MAX) => format!("`{name}` must be at least {min}, not {number}"),
        (min, max) => format!("`{name}` must be between {min} and {max}, not {number}"),
    }
}

fn check_timestamp(ctx: &mut Ctx, value: &Value, path: &At<'_>, name: &str) {
    match value.as_str() {
        Some(text) => {
            if let Err(error) = StixTimestamp::parse(text) {
                ctx.must(
                    "timestamp-format",
                    path,
                    format!(
                        "`{name}` {text:?} is not a STIX timestamp: {} at offset {}",
                        error.reason, error.offset
                    ),
                );
            }
        }
        None => expect_type(ctx, false, path, name, "a timestamp string"),
    }
}

/// Checks an identifier and the type of object it points to.
pub(crate) fn check_ref(ctx: &mut Ctx, value: &Value, target: Target, path: &At<'_>, name: &str) {
    let Some(text) = value.as_str() else {
        return expect_type(ctx, false, path, name, "an identifier string");
    };
    // Inside the deprecated observed-data `objects`, references are keys of that dictionary.
    let embedded_type = ctx
        .embedded_types
        .as_ref()
        .map(|types| types.get(text).cloned());
    let object_type = match embedded_type {
        Some(Some(object_type)) => object_type,
        Some(None) => {
            ctx.must(
                "reference-types",
                path,
                format!("`{name}` refers to {text:?}, which is not a key of `objects`"),
            );
            return;
        }
        None => match StixId::parse(text) {
            Ok(id) => id.object_type().to_owned(),
            Err(error) => {
                ctx.must("identifier-format", path, format!("`{name}`: {error}"));
                return;
            }
        },
    };
    let object_type = object_type.as_str();
    let category = crate::category_of(object_type);
    let allowed = object_type != "bundle"
        && match target {
            Target::Types(types) => types.contains(&object_type),
            Target::Sco => category == Category::Observable || category == Category::Custom,
            Target::Sdo => matches!(category, Category::Domain | Category::Custom),
            Target::Relatable => !matches!(
                object_type,
                "relationship"
                    | "sighting"
                    | "bundle"
                    | "marking-definition"
                    | "language-content"
                    | "extension-definition"
            ),
            Target::ScoOrSro => matches!(
                category,
                Category::Observable | Category::Relationship | Category::Custom
            ),
            Target::NotBundle => !matches!(object_type, "bundle" | "language-content"),
            Target::Any => true,
        };
    if !allowed {
        ctx.must(
            "reference-types",
            path,
            format!(
                "`{name}` must refer to {}, not to an object of type `{object_type}`",
                describe(target)
            ),
        );
    }
}

fn describe(target: Target) -> String {
    match target {
        Target::Types(types) => types
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(" or "),
        Target::Sco => "a cyber-observable object".to_owned(),
        Target::Sdo => "a domain object".to_owned(),
        Target::Relatable => "a domain or cyber-observable object".to_owned(),
        Target::ScoOrSro => "a cyber-observable or relationship object".to_owned(),
        Target::NotBundle => "a STIX object other than a bundle or language content".to_owned(),
        Target::Any => "a STIX object".to_owned(),
    }
}

fn open_value(
    ctx: &mut Ctx,
    text: &str,
    vocab: &crate::vocab::Vocab,
    check: &'static str,
    path: &At<'_>,
    name: &str,
) {
    if !vocab.contains(text) {
        ctx.should(
            check,
            path,
            format!(
                "`{name}` value {text:?} is not in the {} vocabulary",
                vocab.name
            ),
        );
    }
    if !format::is_lower_hyphenated(text) && vocab.name != "hashing-algorithm-ov" {
        ctx.should(
            "open-vocab-format",
            path,
            format!(
                "open vocabulary value {text:?} should be lower case with hyphens as separators"
            ),
        );
    }
}

fn enum_value(
    ctx: &mut Ctx,
    value: &Value,
    vocab: &crate::vocab::Vocab,
    path: &At<'_>,
    name: &str,
) {
    match value.as_str() {
        Some(text) if !vocab.contains(text) => ctx.must(
            "enum-values",
            path,
            format!(
                "`{name}` must be one of the {} values ({}), not {text:?}",
                vocab.name,
                vocab.values.join(", ")
            ),
        ),
        Some(_) => {}
        None => expect_type(ctx, false, path, name, "a string"),
    }
}

/// Checks a dictionary: a non-empty object with well-formed keys and no null or empty-list
/// values.
pub(crate) fn check_dictionary(ctx: &mut Ctx, value: &Value, path: &At<'_>, name: &str) {
    let Some(map) = value.as_object() else {
        return expect_type(ctx, false, path, name, "a dictionary");
    };
    if map.is_empty() {
        ctx.must(
            "empty-list",
            path,
            format!("`{name}` must not be an empty dictionary"),
        );
    }
    for (key, item) in map {
        let item_path = path.key(key);
        if !format::is_dictionary_key(key) {
            ctx.must(
                "dictionary-keys",
                &item_path,
                format!("dictionary key {key:?} must be at most 250 characters of a-z, A-Z, 0-9, `-` and `_`"),
            );
        }
        check_shape(ctx, item, &item_path);
    }
}
