//! The driver: checks one object (type, id, version, properties, then the rules of its type)
//! or a bundle of them.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::context::At;
use super::context::Ctx;
use super::get_str;
use super::properties::check_properties;
use super::schema::{self, Prop};
use super::{custom, shoulds, types};
use crate::{Category, ObjectType, StixId, StixTimestamp};

/// Properties that apply to SDOs and SROs but not to SCOs (section 3.2).
const DOMAIN_ONLY: &[&str] = &[
    "created",
    "modified",
    "created_by_ref",
    "revoked",
    "labels",
    "confidence",
    "lang",
    "external_references",
];

/// Common properties a marking definition may not have (section 7.2.1).
const NOT_FOR_MARKINGS: &[&str] = &["modified", "revoked", "labels", "confidence", "lang"];

/// Pairs of timestamps where the first must not be before (`>=`) or must be after (`>`) the
/// second (sections 4 to 6).
const TIMESTAMP_ORDER: &[(&str, &str, bool, &str)] = &[
    // (type or "*", later, strictly, earlier)
    ("*", "modified", false, "created"),
    ("campaign", "last_seen", false, "first_seen"),
    ("indicator", "valid_until", true, "valid_from"),
    ("infrastructure", "last_seen", false, "first_seen"),
    ("intrusion-set", "last_seen", false, "first_seen"),
    ("malware", "last_seen", false, "first_seen"),
    ("observed-data", "last_observed", false, "first_observed"),
    ("relationship", "stop_time", true, "start_time"),
    ("sighting", "last_seen", false, "first_seen"),
    ("threat-actor", "last_seen", false, "first_seen"),
    ("network-traffic", "end", false, "start"),
    (
        "malware-analysis",
        "analysis_ended",
        false,
        "analysis_started",
    ),
    (
        "x509-certificate",
        "validity_not_after",
        false,
        "validity_not_before",
    ),
];

/// Checks one object at `path`.
pub(crate) fn check_object(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    embedded_key: Option<&str>,
    bundle_version: Option<&str>,
) {
    let outer_id = ctx.object_id.take();
    ctx.object_id = get_str(map, "id").and_then(|id| StixId::parse(id).ok());
    let version = object_version(ctx, map, bundle_version);
    check_object_inner(ctx, map, path, embedded_key, version);
    ctx.object_id = outer_id;
}

/// Returns the STIX version an object is validated against, as `stix2-validator` decides it:
/// the `version` option, else the object's `spec_version`, else 2.1; inside a 2.0 bundle, 2.0;
/// and inside a 2.1 bundle an object with `created` but no `spec_version` is 2.0 content.
fn object_version(ctx: &Ctx, map: &Map<String, Value>, bundle_version: Option<&str>) -> Version {
    let declared = ctx
        .options
        .version
        .as_deref()
        .or_else(|| get_str(map, "spec_version"));
    match bundle_version {
        Some("2.0") => Version::V20,
        Some(_) if !map.contains_key("spec_version") && map.contains_key("created") => Version::V20,
        _ if declared == Some("2.0") => Version::V20,
        _ => Version::V21,
    }
}

/// The STIX version content is validated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// STIX 2.0: objects carry no `spec_version`; otherwise the 2.1 rules apply.
    V20,
    /// STIX 2.1.
    V21,
}

fn check_object_inner(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    embedded_key: Option<&str>,
    version: Version,
) {
    let object_type = match map.get("type") {
        Some(Value::String(object_type)) => object_type.as_str(),
        Some(_) => {
            return ctx.must(
                "property-type",
                &path.key("type"),
                "`type` must be a string",
            );
        }
        None => {
            return ctx.must("required-properties", path, "a STIX object requires `type`");
        }
    };
    if let Err(error) = ObjectType::parse(object_type) {
        ctx.must("type-format", &path.key("type"), error.to_string());
    }
    if object_type == "action" {
        ctx.must(
            "reserved-names",
            &path.key("type"),
            "`action` is a reserved type name",
        );
    }
    let def = schema::type_def(object_type);
    let category = match def {
        Some(def) => def.category,
        None if map.contains_key("created") || map.contains_key("modified") => Category::Domain,
        None => Category::Observable,
    };
    // Observables embedded in the deprecated `objects` of observed-data have no id.
    if embedded_key.is_none() {
        check_id(ctx, map, path, object_type);
    }
    let common = schema::common_properties(object_type, category);
    let own: &[Prop] = def.map_or(&[], |def| def.props);
    // Embedded observables need neither `id` nor `spec_version`; STIX 2.0 objects have no
    // `spec_version` (their bundle carries it).
    let common_owned: Vec<Prop>;
    let common: &[Prop] = if embedded_key.is_some() {
        &[]
    } else if version == Version::V20 {
        common_owned = common
            .iter()
            .filter(|prop| prop.name != "spec_version")
            .copied()
            .collect();
        &common_owned
    } else {
        common
    };
    check_properties(ctx, map, path, object_type, &[common, own]);
    if let Some(Value::String(spec_version)) = map.get("spec_version")
        && version == Version::V21
        && !matches!(spec_version.as_str(), "2.1" | "2.0")
    {
        ctx.must(
            "spec-version",
            &path.key("spec_version"),
            format!("`spec_version` must be \"2.1\" (or \"2.0\"), not {spec_version:?}"),
        );
    }
    let not_applicable: &[&str] = match (object_type, category) {
        ("marking-definition", _) => NOT_FOR_MARKINGS,
        (_, Category::Observable) if def.is_some() => DOMAIN_ONLY,
        (_, Category::Domain | Category::Relationship) if def.is_some() => &["defanged"],
        _ => &[],
    };
    for name in not_applicable {
        if map.contains_key(*name) {
            ctx.must(
                "not-applicable",
                &path.key(name),
                format!("`{name}` does not apply to a `{object_type}` object"),
            );
        }
    }
    check_timestamps(ctx, map, path, object_type);
    check_selectors(ctx, map, path);
    types::check_type_rules(ctx, map, path, object_type);
    shoulds::check_object_shoulds(ctx, map, path, object_type, category);
    custom::check_custom_content(ctx, map, path, object_type, category);
}

fn check_id(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>, object_type: &str) {
    match map.get("id") {
        Some(Value::String(text)) => match StixId::parse(text) {
            Ok(id) if id.object_type() != object_type => ctx.must(
                "identifier-format",
                &path.key("id"),
                format!("the id {text:?} must start with `{object_type}--`"),
            ),
            Ok(_) => {}
            Err(error) => ctx.must("identifier-format", &path.key("id"), error.to_string()),
        },
        Some(_) => ctx.must("property-type", &path.key("id"), "`id` must be a string"),
        None => {} // reported as a missing required property
    }
}

fn timestamp(map: &Map<String, Value>, name: &str) -> Option<StixTimestamp> {
    get_str(map, name).and_then(|text| StixTimestamp::parse(text).ok())
}

fn check_timestamps(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>, object_type: &str) {
    // STIX 2.1 section 3.2: `created` and `modified` MUST be precise to the millisecond.
    for name in ["created", "modified"] {
        if let Some(value) = timestamp(map, name)
            && value.frac_digits() < 3
        {
            ctx.must(
                    "timestamp-precision",
                    &path.key(name),
                    format!("`{name}` must be precise to the millisecond (at least 3 fractional digits), not {value}"),
                );
        }
    }
    for &(for_type, later, strictly, earlier) in TIMESTAMP_ORDER {
        if for_type != "*" && for_type != object_type {
            continue;
        }
        let (Some(later_value), Some(earlier_value)) =
            (timestamp(map, later), timestamp(map, earlier))
        else {
            continue;
        };
        let ok = if strictly {
            later_value > earlier_value
        } else {
            later_value >= earlier_value
        };
        if !ok {
            let relation = if strictly {
                "later than"
            } else {
                "later than or equal to"
            };
            ctx.must(
                "timestamp-order",
                &path.key(later),
                format!(
                    "`{later}` ({later_value}) must be {relation} `{earlier}` ({earlier_value})"
                ),
            );
        }
    }
}

/// Checks that each granular-marking selector selects something in the object (7.2.3.1).
fn check_selectors(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    let Some(Value::Array(markings)) = map.get("granular_markings") else {
        return;
    };
    let root = Value::Object(map.clone());
    for (idx, marking) in markings.iter().enumerate() {
        let Some(Value::Array(selectors)) = marking.get("selectors") else {
            continue;
        };
        for (selector_idx, selector) in selectors.iter().enumerate() {
            let Some(text) = selector.as_str() else {
                continue;
            };
            if !super::format::is_selector(text) {
                continue; // reported with the marking
            }
            if select(&root, text).is_none() {
                ctx.must(
                    "granular-markings",
                    &path
                        .key("granular_markings")
                        .index(idx)
                        .key("selectors")
                        .index(selector_idx),
                    format!("selector {text:?} selects nothing in this object"),
                );
            }
        }
    }
}

fn select<'v>(root: &'v Value, selector: &str) -> Option<&'v Value> {
    let mut current = root;
    for segment in selector.split('.') {
        current = match segment
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            Some(index) => current.as_array()?.get(index.parse::<usize>().ok()?)?,
            None => current.as_object()?.get(segment)?,
        };
    }
    Some(current)
}

/// Checks a bundle at `path`: its own properties, every object, and the rules across objects.
pub(crate) fn check_bundle(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    let object_version = check_envelope(ctx, map, path);
    let objects_path = path.key("objects");
    let objects = match map.get("objects") {
        None => return,
        Some(Value::Array(objects)) => objects,
        Some(_) => return ctx.must("property-type", &objects_path, "`objects` must be a list"),
    };
    check_objects_len(ctx, objects.len(), &objects_path);
    let mut keys = Vec::with_capacity(objects.len());
    for (idx, object) in objects.iter().enumerate() {
        check_bundle_item(ctx, object, &objects_path.index(idx), object_version);
        keys.push(ObjectKey::of(ctx, object));
    }
    check_bundle_shoulds(ctx, &keys, &objects_path);
}

/// Checks a bundle's own properties (`type`, `id`, `spec_version` and no others; `objects` is
/// left to the caller) and returns the STIX version its objects are validated against.
pub(crate) fn check_envelope<'m>(
    ctx: &mut Ctx,
    map: &'m Map<String, Value>,
    path: &At<'_>,
) -> Option<&'m str> {
    if get_str(map, "type") != Some("bundle") {
        ctx.must(
            "bundle",
            &path.key("type"),
            "a bundle's `type` must be \"bundle\"",
        );
    }
    match map.get("id") {
        Some(Value::String(text)) => match StixId::parse(text) {
            Ok(id) if id.object_type() == "bundle" => {}
            Ok(_) => ctx.must(
                "identifier-format",
                &path.key("id"),
                "a bundle id must start with `bundle--`",
            ),
            Err(error) => ctx.must("identifier-format", &path.key("id"), error.to_string()),
        },
        Some(_) => ctx.must("property-type", &path.key("id"), "`id` must be a string"),
        None => ctx.must("required-properties", path, "a bundle requires `id`"),
    }
    let bundle_version = ctx
        .options
        .version
        .as_deref()
        .or_else(|| get_str(map, "spec_version"))
        .unwrap_or("2.1");
    // A STIX 2.0 bundle carries the version of its objects (STIX 2.0 part 1, section 5).
    if bundle_version == "2.0" && get_str(map, "spec_version") != Some("2.0") {
        ctx.must(
            "spec-version",
            &path.key("spec_version"),
            "a STIX 2.0 bundle requires `spec_version` \"2.0\"",
        );
    }
    check_bundle_own_shoulds(ctx, map, path);
    get_str(map, "spec_version").or(Some("2.1"))
}

/// Checks the length of a bundle's `objects` list: when present, it must not be empty.
pub(crate) fn check_objects_len(ctx: &mut Ctx, n_objects: usize, objects_path: &At<'_>) {
    if n_objects == 0 {
        ctx.must(
            "empty-list",
            objects_path,
            "`objects` must not be an empty list",
        );
    }
}

/// Checks one item of a bundle's `objects` at `path`.
pub(crate) fn check_bundle_item(
    ctx: &mut Ctx,
    object: &Value,
    path: &At<'_>,
    object_version: Option<&str>,
) {
    match object {
        Value::Object(object_map) => check_object(ctx, object_map, path, None, object_version),
        _ => ctx.must(
            "bundle",
            path,
            "each item of `objects` must be a STIX object",
        ),
    }
}

/// What the rules across a bundle's objects (`duplicate-ids`, `enforce-refs`) need to know of
/// one object, so that the objects themselves need not be kept until the end of the bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectKey {
    /// `id`, when it is a string.
    id: Option<String>,
    /// `modified`, when it is a string and `duplicate-ids` runs.
    modified: Option<String>,
    /// The references `enforce-refs` checks, as (property, id), when that check runs.
    refs: Vec<(&'static str, String)>,
}

impl ObjectKey {
    /// Takes what the enabled checks of `ctx` need of `object`.
    pub(crate) fn of(ctx: &Ctx, object: &Value) -> Self {
        let Some(map) = object.as_object() else {
            return Self::default();
        };
        let id = get_str(map, "id").map(str::to_owned);
        let modified = if ctx.runs("duplicate-ids") {
            get_str(map, "modified").map(str::to_owned)
        } else {
            None
        };
        let mut refs = Vec::new();
        if ctx.runs("enforce-refs") {
            let names: &[&'static str] = match get_str(map, "type") {
                Some("relationship") => &["source_ref", "target_ref"],
                Some("sighting") => &[
                    "sighting_of_ref",
                    "observed_data_refs",
                    "where_sighted_refs",
                ],
                _ => &[],
            };
            for name in names {
                match map.get(*name) {
                    Some(Value::String(id)) => refs.push((*name, id.clone())),
                    Some(Value::Array(items)) => refs.extend(
                        items
                            .iter()
                            .filter_map(Value::as_str)
                            .map(|id| (*name, id.to_owned())),
                    ),
                    _ => {}
                }
            }
        }
        Self { id, modified, refs }
    }
}

/// The SHOULD checks of the bundle itself: a UUIDv4 id and no custom properties.
fn check_bundle_own_shoulds(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    let outer_id = std::mem::replace(
        &mut ctx.object_id,
        get_str(map, "id").and_then(|id| StixId::parse(id).ok()),
    );
    if let Some(id) = ctx.object_id.clone()
        && id.uuid().get_version_num() != 4
    {
        ctx.should(
            "uuid-check",
            &path.key("id"),
            format!(
                "a bundle id should be a UUIDv4, not a UUIDv{}",
                id.uuid().get_version_num()
            ),
        );
    }
    for name in map.keys() {
        if !matches!(name.as_str(), "type" | "id" | "objects" | "spec_version") {
            ctx.should(
                "extensions-use",
                &path.key(name),
                format!("`{name}` is not a property of a bundle"),
            );
            ctx.should(
                "strict-properties",
                &path.key(name),
                format!("`{name}` is not a property of a bundle"),
            );
        }
    }
    ctx.object_id = outer_id;
}

/// The rules across a bundle's objects: no two objects with the same id and `modified`
/// (`duplicate-ids`), and, with `enforce-refs`, relationships and sightings referring only to
/// objects of the bundle.
pub(crate) fn check_bundle_shoulds(ctx: &mut Ctx, keys: &[ObjectKey], objects_path: &At<'_>) {
    let mut versions: HashMap<&str, Vec<&str>> = HashMap::new();
    let enforce_refs = ctx.runs("enforce-refs");
    let ids: HashSet<&str> = if enforce_refs {
        keys.iter().filter_map(|key| key.id.as_deref()).collect()
    } else {
        HashSet::new()
    };
    let check_duplicates = ctx.runs("duplicate-ids");
    for (idx, key) in keys.iter().enumerate() {
        // The diagnostics name the object, whose id is parsed only when there is one.
        let object_id = || key.id.as_deref().and_then(|id| StixId::parse(id).ok());
        if check_duplicates
            && let (Some(id), Some(modified)) = (key.id.as_deref(), key.modified.as_deref())
        {
            let seen = versions.entry(id).or_default();
            if seen.contains(&modified) {
                let outer_id = std::mem::replace(&mut ctx.object_id, object_id());
                ctx.should(
                    "duplicate-ids",
                    &objects_path.index(idx),
                    format!("{id} appears twice with `modified` {modified}; versions of an object need different `modified` values"),
                );
                ctx.object_id = outer_id;
            }
            seen.push(modified);
        }
        if enforce_refs {
            for (name, target) in &key.refs {
                if !ids.contains(target.as_str()) {
                    let outer_id = std::mem::replace(&mut ctx.object_id, object_id());
                    ctx.should(
                        "enforce-refs",
                        &objects_path.index(idx).key(name),
                        format!("`{name}` refers to {target}, which is not in this bundle"),
                    );
                    ctx.object_id = outer_id;
                }
            }
        }
    }
}
