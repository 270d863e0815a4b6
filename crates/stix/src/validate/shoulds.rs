//! SHOULD checks of single objects that the property tables do not cover: id versions,
//! recommended properties, name formats, and values from registries outside STIX.

use serde_json::{Map, Value};

use super::context::At;
use super::context::Ctx;
use super::format;
use super::get_str;
use super::relationships;
use crate::vocab::{COUNTRY_CODES, HTTP_REQUEST_HEADERS, PDF_DOCUMENT_INFO_KEYS, SOCKET_OPTIONS};
use crate::{Category, StixId};

/// Dictionary properties of observables whose keys need not be lower case.
const DICTIONARY_KEY_EXCEPTIONS: &[&str] = &[
    "hashes",
    "file_header_hashes",
    "request_header",
    "additional_header_fields",
    "document_info_dict",
    "exif_tags",
    "ipfix",
    "options",
    "environment_variables",
    "key",
    "startup_info",
];

/// Runs the SHOULD checks of one object.
pub(crate) fn check_object_shoulds(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    object_type: &str,
    category: Category,
) {
    check_uuid(ctx, map, path, object_type, category);
    match object_type {
        "indicator" if (!map.contains_key("name") || !map.contains_key("description")) => {
            ctx.should(
                "indicator-properties",
                path,
                "an indicator should have a `name` and a `description`",
            );
        }
        "observed-data" => {
            if let Some(Value::Object(objects)) = map.get("objects") {
                ctx.should(
                    "deprecated-properties",
                    &path.key("objects"),
                    "`objects` is deprecated in STIX 2.1; use `object_refs`",
                );
                for key in objects.keys() {
                    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
                        ctx.should(
                            "observable-object-keys",
                            &path.key("objects").key(key),
                            format!("key {key:?} of `objects` should be a non-negative integer"),
                        );
                    }
                }
            }
        }
        "extension-definition" => {
            if !map.contains_key("description") {
                ctx.should(
                    "extension-description",
                    path,
                    "an extension definition should have a `description`",
                );
            }
            let is_toplevel = map
                .get("extension_types")
                .and_then(Value::as_array)
                .is_some_and(|types| types.iter().any(|t| t == "toplevel-property-extension"));
            if is_toplevel && !map.contains_key("extension_properties") {
                ctx.should(
                    "extension-properties",
                    path,
                    "a top-level property extension should list its `extension_properties`",
                );
            }
        }
        "malware-analysis" => {
            if let Some(product) = get_str(map, "product") {
                let ok = !product.is_empty()
                    && product
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !ok {
                    ctx.should(
                        "malware-analysis-product",
                        &path.key("product"),
                        format!(
                            "`product` {product:?} should be lower case with hyphens as separators"
                        ),
                    );
                }
            }
        }
        "location" => {
            if let Some(country) = get_str(map, "country")
                && !COUNTRY_CODES.contains(&country.to_ascii_uppercase().as_str())
            {
                ctx.should(
                    "countries",
                    &path.key("country"),
                    format!("`country` {country:?} should be an ISO 3166-1 alpha-2 code"),
                );
            }
        }
        "relationship" => relationships::check_relationship_type(ctx, map, path),
        _ => {}
    }
    if category == Category::Observable {
        check_observable_shoulds(ctx, map, path, object_type);
    }
}

/// `uuid-check`: SDOs, SROs and meta objects use UUIDv4, observables UUIDv5 (section 2.9).
fn check_uuid(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    object_type: &str,
    category: Category,
) {
    let Some(id) = get_str(map, "id").and_then(|id| StixId::parse(id).ok()) else {
        return;
    };
    let version = id.uuid().get_version_num();
    if category == Category::Observable {
        if object_type == "process" || crate::sco_id::uses_uuid_v4(object_type, map) {
            return;
        }
        if version != 5 {
            ctx.should(
                "uuid-check",
                &path.key("id"),
                format!("the id of an observable should be a UUIDv5, not a UUIDv{version}"),
            );
        } else if let Some(expected) = crate::sco_id::deterministic_id_of(object_type, map)
            && expected != id
        {
            ctx.should(
                "sco-deterministic-id",
                &path.key("id"),
                format!("the deterministic id of this observable is {expected} (section 2.9)"),
            );
        }
    } else if version != 4 {
        ctx.should(
            "uuid-check",
            &path.key("id"),
            format!("the id should be a UUIDv4, not a UUIDv{version}"),
        );
    }
}

fn check_observable_shoulds(
    ctx: &mut Ctx,
    map: &Map<String, Value>,
    path: &At<'_>,
    object_type: &str,
) {
    check_dictionary_keys(ctx, map, path);
    let extension = |name: &str| {
        map.get("extensions")
            .and_then(|extensions| extensions.get(name))
    };
    match object_type {
        "file" => {
            if let Some(mime_type) = get_str(map, "mime_type")
                && !format::is_media_type(mime_type)
            {
                ctx.should(
                    "mime-type",
                    &path.key("mime_type"),
                    format!("`mime_type` {mime_type:?} should be an IANA media type"),
                );
            }
            if let Some(Value::Object(info)) =
                extension("pdf-ext").and_then(|pdf| pdf.get("document_info_dict"))
            {
                for key in info.keys() {
                    if !PDF_DOCUMENT_INFO_KEYS.contains(&key.as_str()) {
                        ctx.should(
                            "pdf-doc-info",
                            &path
                                .key("extensions")
                                .key("pdf-ext")
                                .key("document_info_dict")
                                .key(key),
                            format!("{key:?} is not a PDF document information key"),
                        );
                    }
                }
            }
        }
        "network-traffic" => {
            if !map.contains_key("src_port") || !map.contains_key("dst_port") {
                ctx.should(
                    "network-traffic-ports",
                    path,
                    "network traffic should have both `src_port` and `dst_port`",
                );
            }
            if let Some(Value::Array(protocols)) = map.get("protocols") {
                for (idx, protocol) in protocols.iter().enumerate() {
                    if let Some(text) = protocol.as_str()
                        && !format::is_service_name(text)
                    {
                        ctx.should(
                            "protocols",
                            &path.key("protocols").index(idx),
                            format!("{text:?} is not an IANA service name"),
                        );
                    }
                }
            }
            if let Some(Value::Object(ipfix)) = map.get("ipfix") {
                for key in ipfix.keys() {
                    let ok = key.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                        && key.len() > 1
                        && key.bytes().all(|b| b.is_ascii_alphanumeric());
                    if !ok {
                        ctx.should(
                            "ipfix",
                            &path.key("ipfix").key(key),
                            format!("{key:?} is not an IPFIX information element name"),
                        );
                    }
                }
            }
            if let Some(Value::Object(headers)) =
                extension("http-request-ext").and_then(|ext| ext.get("request_header"))
            {
                for key in headers.keys() {
                    if !HTTP_REQUEST_HEADERS
                        .iter()
                        .any(|name| name.eq_ignore_ascii_case(key))
                    {
                        ctx.should(
                            "http-request-headers",
                            &path
                                .key("extensions")
                                .key("http-request-ext")
                                .key("request_header")
                                .key(key),
                            format!("{key:?} is not a known HTTP request header field"),
                        );
                    }
                }
            }
            if let Some(Value::Object(options)) =
                extension("socket-ext").and_then(|ext| ext.get("options"))
            {
                for key in options.keys() {
                    let ok = SOCKET_OPTIONS.contains(&key.as_str());
                    if !ok {
                        ctx.should(
                            "socket-options",
                            &path
                                .key("extensions")
                                .key("socket-ext")
                                .key("options")
                                .key(key),
                            format!(
                                "{key:?} is not a known socket option (SO_*, IP_*, TCP_*, ...)"
                            ),
                        );
                    }
                }
            }
        }
        "process" => {
            if let Some(priority) = extension("windows-process-ext")
                .and_then(|ext| ext.get("priority"))
                .and_then(Value::as_str)
                && (!priority.ends_with("_CLASS") || priority.len() <= "_CLASS".len())
            {
                ctx.should(
                    "windows-process-priority-format",
                    &path
                        .key("extensions")
                        .key("windows-process-ext")
                        .key("priority"),
                    format!("`priority` {priority:?} should end in `_CLASS`"),
                );
            }
        }
        _ => {}
    }
}

/// `observable-dictionary-keys`: keys of observables' dictionaries are lower case.
fn check_dictionary_keys(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    for (key, value) in map {
        if key.chars().any(char::is_uppercase) {
            ctx.should(
                "observable-dictionary-keys",
                &path.key(key),
                format!("dictionary key {key:?} should be lower case"),
            );
        }
        if let Value::Object(inner) = value
            && !DICTIONARY_KEY_EXCEPTIONS.contains(&key.as_str())
        {
            check_dictionary_keys(ctx, inner, &path.key(key));
        }
    }
}
