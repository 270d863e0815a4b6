//! MISP events (MISP's JSON export: `{"Event": {...}}`, a bare event, a list of them, or a
//! REST `{"response": [...]}`) and MISP feeds into STIX 2.1, following the mapping MISP's own
//! `misp-stix` uses:
//!
//! - the event's creator (`Orgc`) becomes an `identity` (`identity--<org uuid>`);
//! - the event becomes a `grouping` (`grouping--<event uuid>`, context
//!   `suspicious-activity`), or a `report` once published, naming every object made;
//! - an attribute for IDS becomes an `indicator` (`indicator--<attribute uuid>`) with the
//!   pattern `misp-stix` writes for its type, its comment as `description`, its category as a
//!   `misp-category` kill-chain phase, `misp:type`/`misp:category` and its tags as labels,
//!   its `misp:confidence-level` tag as `confidence`;
//! - another attribute with a simple observable form becomes `observed-data` over its
//!   observable (an SCO with a deterministic id);
//! - an object of the templates `file`, `url`, `domain-ip`, `ip-port`, `x509` and
//!   `registry-key` with an attribute for IDS becomes one indicator
//!   (`indicator--<object uuid>`).
//!
//! Markings: the `tlp:` tags (TLP 1.0 and 2.0 names) of the event, the object and the
//! attribute are combined and the most restrictive applies to each object made; without any,
//! the level chosen for the import applies. `misp-stix` marks an attribute with its own tags
//! only, which would let an attribute of a TLP:RED event be shared as if unmarked.
//!
//! What is not imported (galaxies, event reports, sightings, attributes without a STIX form,
//! other object templates) is listed in the diagnostics, one per record.

mod attribute;
mod feed;
mod json;
mod object;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use policy::Tlp;
use serde_json::{Map, Value as Json, json};
use stix::{JsonPath, StixId, StixObject, StixTimestamp};
use uuid::Uuid;

pub use feed::{FeedFiles, FsFeed, import_misp_feed};

use self::attribute::{check_value, map_attribute, to_ids_by_default};
use self::json::{Child, Node};
use self::object::{ObjectAttribute, object_pattern};
use super::{ImportDiagnostic, ImportError, ImportOptions, Imported, Location, check_size};

/// Reads MISP events into STIX objects.
///
/// # Errors
///
/// [`ImportError::TooLarge`], [`ImportError::Json`] for text that is not JSON, and
/// [`ImportError::Invalid`] (with the JSON path) when no event can be found or an event has
/// no valid `uuid`. Attributes and objects that cannot be imported are skipped with a
/// diagnostic each.
pub fn import_misp(input: &[u8], options: &ImportOptions) -> Result<Imported, ImportError> {
    check_size(input, options)?;
    let root: Json =
        serde_json::from_slice(input).map_err(|error| ImportError::from_json(&error))?;
    let mut imported = Imported::default();
    let root_path = JsonPath::root();
    let events = find_events(Node {
        value: &root,
        path: &root_path,
    })?;
    let mut levels = BTreeSet::new();
    let mut objects = Vec::new();
    for event in &events {
        read_event(
            event.node(),
            options,
            &mut objects,
            &mut levels,
            &mut imported,
        )?;
    }
    imported.objects = levels.into_iter().map(Tlp::marking_definition).collect();
    imported.objects.extend(objects);
    Ok(imported)
}

/// Finds the events of a document: `{"Event": …}`, a bare event, `{"response": [...]}`, or a
/// list of any of these.
fn find_events<'a>(node: Node<'a, '_>) -> Result<Vec<Child<'a>>, ImportError> {
    let unwrap_event = |child: Child<'a>| -> Child<'a> {
        match child.node().get("Event") {
            Some(event) => event,
            None => child,
        }
    };
    let items: Vec<Child<'a>> = match node.value {
        Json::Array(values) => values
            .iter()
            .enumerate()
            .map(|(idx, value)| Child {
                value,
                path: node.path.index(idx),
            })
            .collect(),
        Json::Object(map) if map.contains_key("response") => node.list("response"),
        Json::Object(_) => vec![Child {
            value: node.value,
            path: node.path.clone(),
        }],
        _ => {
            return Err(ImportError::invalid(
                Location::Path(node.path.clone()),
                "a MISP document is an event object or a list of events",
            ));
        }
    };
    let events: Vec<Child<'a>> = items.into_iter().map(unwrap_event).collect();
    if events.is_empty() {
        return Err(ImportError::invalid(
            Location::Path(node.path.clone()),
            "the document holds no MISP event",
        ));
    }
    Ok(events)
}

/// What an event lends to everything made from it.
struct EventContext {
    created_by: Option<StixId>,
    tlp: Option<Tlp>,
    timestamp: StixTimestamp,
    default_tlp: Tlp,
    default_confidence: Option<u8>,
}

fn read_event(
    event: Node<'_, '_>,
    options: &ImportOptions,
    out: &mut Vec<StixObject>,
    levels: &mut BTreeSet<Tlp>,
    imported: &mut Imported,
) -> Result<(), ImportError> {
    imported.n_records += 1;
    let event_uuid = uuid_of(event).ok_or_else(|| {
        ImportError::invalid(
            Location::Path(event.path.key("uuid")),
            "an event needs a valid `uuid`",
        )
    })?;
    let timestamp = event
        .text("timestamp")
        .and_then(|text| unix_time(&text))
        .unwrap_or(options.now);
    let tags = event.tag_names();
    let mut made: Vec<StixObject> = Vec::new();
    let created_by = match event.get("Orgc") {
        Some(orgc) => {
            let orgc = orgc.node();
            match uuid_of(orgc) {
                Some(uuid) => {
                    let id = StixId::from_parts("identity", uuid).expect("identity is a type name");
                    let name = orgc
                        .text("name")
                        .unwrap_or_else(|| "MISP organisation".to_owned());
                    push(
                        &mut made,
                        imported,
                        orgc.path,
                        json!({
                            "type": "identity",
                            "spec_version": "2.1",
                            "id": id.as_str(),
                            "created": ms(timestamp),
                            "modified": ms(timestamp),
                            "name": name,
                            "identity_class": "organization",
                        }),
                    );
                    Some(id)
                }
                None => {
                    diagnostic(
                        imported,
                        orgc.path,
                        "the creating organisation has no valid `uuid`; the objects are not attributed",
                    );
                    None
                }
            }
        }
        None => None,
    };
    let context = EventContext {
        created_by,
        tlp: tlp_of_tags(&tags),
        timestamp,
        default_tlp: options.tlp,
        default_confidence: options.confidence,
    };
    let mut refs: Vec<String> = Vec::new();
    for attribute in event.list("Attribute") {
        read_attribute(
            attribute.node(),
            &context,
            &mut made,
            &mut refs,
            levels,
            imported,
        );
    }
    for object in event.list("Object") {
        read_object(
            object.node(),
            &context,
            &mut made,
            &mut refs,
            levels,
            imported,
        );
    }
    for (key, what) in [
        ("Galaxy", "galaxies"),
        ("EventReport", "event reports"),
        ("Sighting", "sightings"),
    ] {
        let n = event.list(key).len();
        if n > 0 {
            diagnostic(
                imported,
                &event.path.key(key),
                &format!("{n} {what} not imported (only indicators and observables are)"),
            );
        }
    }
    if refs.is_empty() {
        diagnostic(imported, event.path, "the event has nothing to import");
    } else {
        let event_tlp = context.tlp.unwrap_or(options.tlp);
        levels.insert(event_tlp);
        let published = event.flag("published") == Some(true);
        let id_type = if published { "report" } else { "grouping" };
        let mut container = json!({
            "type": id_type,
            "spec_version": "2.1",
            "id": StixId::from_parts(id_type, event_uuid).expect("spec type names").as_str(),
            "created": ms(timestamp),
            "modified": ms(timestamp),
            "name": event.text("info").unwrap_or_else(|| format!("MISP event {event_uuid}")),
            "object_refs": refs,
            "object_marking_refs": [event_tlp.marking_id().as_str()],
        });
        let map = container.as_object_mut().expect("built as an object");
        if published {
            let published_at = event
                .text("publish_timestamp")
                .and_then(|text| unix_time(&text))
                .unwrap_or(timestamp);
            map.insert(
                "published".to_owned(),
                Json::String(published_at.to_string()),
            );
        } else {
            map.insert("context".to_owned(), json!("suspicious-activity"));
        }
        let labels: Vec<String> = std::iter::once("Threat-Report".to_owned())
            .chain(tags.iter().filter(|tag| tlp_of_tag(tag).is_none()).cloned())
            .collect();
        map.insert("labels".to_owned(), json!(labels));
        if let Some(id) = &context.created_by {
            map.insert("created_by_ref".to_owned(), json!(id.as_str()));
        }
        push(&mut made, imported, event.path, container);
    }
    out.extend(made);
    Ok(())
}

fn read_attribute(
    attribute: Node<'_, '_>,
    context: &EventContext,
    made: &mut Vec<StixObject>,
    refs: &mut Vec<String>,
    levels: &mut BTreeSet<Tlp>,
    imported: &mut Imported,
) {
    imported.n_records += 1;
    if attribute.flag("deleted") == Some(true) {
        diagnostic(imported, attribute.path, "deleted attribute skipped");
        return;
    }
    let (Some(kind), Some(value), Some(uuid)) = (
        attribute.text("type"),
        attribute.text("value"),
        uuid_of(attribute),
    ) else {
        diagnostic(
            imported,
            attribute.path,
            "an attribute needs a `type`, a `value` and a valid `uuid`; skipped",
        );
        return;
    };
    let mapped = match map_attribute(&kind, &value) {
        Ok(mapped) => mapped,
        Err(message) => {
            diagnostic(imported, attribute.path, &format!("{message}; skipped"));
            return;
        }
    };
    let tags = attribute.tag_names();
    let tlp = strictest(context.tlp, tlp_of_tags(&tags)).unwrap_or(context.default_tlp);
    levels.insert(tlp);
    let timestamp = attribute
        .text("timestamp")
        .and_then(|text| unix_time(&text))
        .unwrap_or(context.timestamp);
    let category = attribute.text("category");
    let mut labels = vec![format!("misp:type=\"{kind}\"")];
    if let Some(category) = &category {
        labels.push(format!("misp:category=\"{category}\""));
    }
    labels.extend(tags.iter().filter(|tag| tlp_of_tag(tag).is_none()).cloned());
    let to_ids = attribute
        .flag("to_ids")
        .unwrap_or_else(|| to_ids_by_default(&kind));
    let common = Common {
        created_by: context.created_by.as_ref(),
        timestamp,
        tlp,
        labels,
        confidence: confidence_of_tags(&tags).or(context.default_confidence),
    };
    if to_ids {
        let (pattern_type, pattern) = mapped.pattern;
        let indicator = common.indicator(
            uuid,
            attribute,
            &pattern_type,
            &pattern,
            category.as_deref(),
        );
        if let Some(id) = push(made, imported, attribute.path, indicator) {
            refs.push(id);
        }
    } else if mapped.observables.is_empty() {
        diagnostic(
            imported,
            attribute.path,
            &format!(
                "the {kind} attribute is not for IDS and has no simple observable form; skipped"
            ),
        );
    } else {
        let mut observable_ids = Vec::new();
        for observable in mapped.observables {
            let Json::Object(mut map) = observable else {
                continue;
            };
            let Some(id) = stix::sco_id::deterministic_id(&map) else {
                continue;
            };
            map.insert("spec_version".to_owned(), json!("2.1"));
            map.insert("id".to_owned(), json!(id.as_str()));
            if let Some(id) = push(made, imported, attribute.path, Json::Object(map)) {
                observable_ids.push(id);
            }
        }
        if observable_ids.is_empty() {
            return;
        }
        let mut observed = common.object("observed-data", uuid);
        let map = observed.as_object_mut().expect("built as an object");
        let observed_at = timestamp.with_frac_digits(0).to_string();
        map.insert("first_observed".to_owned(), json!(observed_at));
        map.insert("last_observed".to_owned(), json!(observed_at));
        map.insert("number_observed".to_owned(), json!(1));
        map.insert("object_refs".to_owned(), json!(observable_ids));
        if let Some(id) = push(made, imported, attribute.path, observed) {
            refs.extend(observable_ids);
            refs.push(id);
        }
    }
}

fn read_object(
    object: Node<'_, '_>,
    context: &EventContext,
    made: &mut Vec<StixObject>,
    refs: &mut Vec<String>,
    levels: &mut BTreeSet<Tlp>,
    imported: &mut Imported,
) {
    imported.n_records += 1;
    if object.flag("deleted") == Some(true) {
        diagnostic(imported, object.path, "deleted object skipped");
        return;
    }
    let (Some(template), Some(uuid)) = (object.text("name"), uuid_of(object)) else {
        diagnostic(
            imported,
            object.path,
            "an object needs a `name` and a valid `uuid`; skipped",
        );
        return;
    };
    let mut ids_attributes = Vec::new();
    let mut tlp = context.tlp;
    let mut tags = Vec::new();
    let mut timestamp = object
        .text("timestamp")
        .and_then(|text| unix_time(&text))
        .unwrap_or(context.timestamp);
    for attribute in object.list("Attribute") {
        let attribute = attribute.node();
        if attribute.flag("deleted") == Some(true) {
            continue;
        }
        let (Some(relation), Some(kind), Some(value)) = (
            attribute.text("object_relation"),
            attribute.text("type"),
            attribute.text("value"),
        ) else {
            diagnostic(
                imported,
                attribute.path,
                "an object attribute needs `object_relation`, `type` and `value`; skipped",
            );
            continue;
        };
        let attribute_tags = attribute.tag_names();
        tlp = strictest(tlp, tlp_of_tags(&attribute_tags));
        tags.extend(attribute_tags);
        if let Some(time) = attribute
            .text("timestamp")
            .and_then(|text| unix_time(&text))
        {
            timestamp = timestamp.max(time);
        }
        if attribute
            .flag("to_ids")
            .unwrap_or_else(|| to_ids_by_default(&kind))
        {
            if let Err(message) = check_value(&kind, &value) {
                diagnostic(
                    imported,
                    attribute.path,
                    &format!("{message}; left out of the object's pattern"),
                );
                continue;
            }
            ids_attributes.push(ObjectAttribute {
                relation,
                kind,
                value,
            });
        }
    }
    if ids_attributes.is_empty() {
        diagnostic(
            imported,
            object.path,
            &format!(
                "the {template} object has no attribute for IDS (observables of MISP objects are not imported); skipped"
            ),
        );
        return;
    }
    let pattern = match object_pattern(&template, &ids_attributes) {
        Ok(pattern) => pattern,
        Err(message) => {
            diagnostic(imported, object.path, &format!("{message}; skipped"));
            return;
        }
    };
    let tlp = tlp.unwrap_or(context.default_tlp);
    levels.insert(tlp);
    let category = object.text("meta-category");
    let mut labels = Vec::new();
    if let Some(category) = &category {
        labels.push(format!("misp:category=\"{category}\""));
    }
    labels.push(format!("misp:name=\"{template}\""));
    let common = Common {
        created_by: context.created_by.as_ref(),
        timestamp,
        tlp,
        labels,
        confidence: confidence_of_tags(&tags).or(context.default_confidence),
    };
    let indicator = common.indicator(uuid, object, "stix", &pattern, category.as_deref());
    if let Some(id) = push(made, imported, object.path, indicator) {
        refs.push(id);
    }
}

/// The common properties of an object made from an attribute or object.
struct Common<'a> {
    created_by: Option<&'a StixId>,
    timestamp: StixTimestamp,
    tlp: Tlp,
    labels: Vec<String>,
    confidence: Option<u8>,
}

impl Common<'_> {
    fn object(&self, object_type: &str, uuid: Uuid) -> Json {
        let mut object = json!({
            "type": object_type,
            "spec_version": "2.1",
            "id": StixId::from_parts(object_type, uuid).expect("spec type names").as_str(),
            "created": ms(self.timestamp),
            "modified": ms(self.timestamp),
            "labels": self.labels,
            "object_marking_refs": [self.tlp.marking_id().as_str()],
        });
        let map = object.as_object_mut().expect("built as an object");
        if let Some(id) = self.created_by {
            map.insert("created_by_ref".to_owned(), json!(id.as_str()));
        }
        if let Some(confidence) = self.confidence {
            map.insert("confidence".to_owned(), json!(confidence));
        }
        object
    }
}

impl Common<'_> {
    /// An indicator made from an attribute or object (`node`): its comment as description,
    /// its validity (`first_seen`, else the timestamp; `last_seen`), its category as a
    /// `misp-category` kill-chain phase.
    fn indicator(
        &self,
        uuid: Uuid,
        node: Node<'_, '_>,
        pattern_type: &str,
        pattern: &str,
        category: Option<&str>,
    ) -> Json {
        let mut indicator = self.object("indicator", uuid);
        let map = indicator.as_object_mut().expect("built as an object");
        if let Some(comment) = node.text("comment").filter(|c| !c.trim().is_empty()) {
            map.insert("description".to_owned(), json!(comment));
        }
        map.insert("pattern".to_owned(), json!(pattern));
        map.insert("pattern_type".to_owned(), json!(pattern_type));
        if pattern_type == "stix" {
            map.insert("pattern_version".to_owned(), json!("2.1"));
        }
        set_validity(map, node, self.timestamp);
        if let Some(category) = category {
            map.insert(
                "kill_chain_phases".to_owned(),
                json!([{ "kill_chain_name": "misp-category", "phase_name": category }]),
            );
        }
        indicator
    }
}

/// Sets `valid_from` (`first_seen`, else the timestamp) and `valid_until` (`last_seen`, when
/// later).
fn set_validity(map: &mut Map<String, Json>, node: Node<'_, '_>, timestamp: StixTimestamp) {
    let first_seen = node.text("first_seen").and_then(|text| iso_time(&text));
    let valid_from = first_seen.unwrap_or_else(|| timestamp.with_frac_digits(0));
    map.insert("valid_from".to_owned(), json!(valid_from.to_string()));
    if let Some(last_seen) = node.text("last_seen").and_then(|text| iso_time(&text))
        && last_seen > valid_from
    {
        map.insert("valid_until".to_owned(), json!(last_seen.to_string()));
    }
}

/// Parses the object and adds it, or records why it could not be made.
fn push(
    made: &mut Vec<StixObject>,
    imported: &mut Imported,
    path: &JsonPath,
    value: Json,
) -> Option<String> {
    match StixObject::from_value(value) {
        Ok(object) => {
            let id = object.id().to_string();
            made.push(object);
            Some(id)
        }
        Err(error) => {
            diagnostic(
                imported,
                path,
                &format!("could not be made into STIX ({error}); skipped"),
            );
            None
        }
    }
}

fn diagnostic(imported: &mut Imported, path: &JsonPath, message: &str) {
    imported.diagnostics.push(ImportDiagnostic {
        location: Location::Path(path.clone()),
        message: message.to_owned(),
    });
}

fn uuid_of(node: Node<'_, '_>) -> Option<Uuid> {
    let text = node.text("uuid")?;
    let uuid = Uuid::try_parse(text.trim()).ok()?;
    (!uuid.is_nil()).then_some(uuid)
}

/// A MISP timestamp: seconds since 1970, as text or number.
fn unix_time(text: &str) -> Option<StixTimestamp> {
    let seconds: i64 = text.trim().parse().ok()?;
    let micros = seconds.checked_mul(1_000_000)?;
    StixTimestamp::from_micros(micros)
}

/// A MISP `first_seen`/`last_seen`: RFC 3339 with any offset, converted to UTC.
fn iso_time(text: &str) -> Option<StixTimestamp> {
    let time = DateTime::parse_from_rfc3339(text.trim()).ok()?;
    Some(StixTimestamp::from_datetime(time.with_timezone(&Utc), 0))
}

/// A timestamp written with milliseconds, as `misp-stix` writes `created` and `modified`.
fn ms(timestamp: StixTimestamp) -> String {
    timestamp.with_frac_digits(3).to_string()
}

/// The TLP level a MISP tag names (`tlp:amber`, `tlp:white`, `tlp:amber+strict`, ...).
fn tlp_of_tag(tag: &str) -> Option<Tlp> {
    let name = tag.trim().to_ascii_lowercase();
    let level = name.strip_prefix("tlp:")?;
    Some(match level.trim_matches('"') {
        "white" | "clear" => Tlp::Clear,
        "green" => Tlp::Green,
        "amber" => Tlp::Amber,
        "amber+strict" => Tlp::AmberStrict,
        "red" => Tlp::Red,
        _ => return None,
    })
}

/// The most restrictive TLP level among tags.
fn tlp_of_tags(tags: &[String]) -> Option<Tlp> {
    tags.iter().filter_map(|tag| tlp_of_tag(tag)).max()
}

fn strictest(a: Option<Tlp>, b: Option<Tlp>) -> Option<Tlp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The confidence a `misp:confidence-level` tag gives (the last one, as `misp-stix` reads
/// them).
fn confidence_of_tags(tags: &[String]) -> Option<u8> {
    tags.iter().rev().find_map(|tag| {
        let level = tag
            .strip_prefix("misp:confidence-level=")?
            .trim_matches('"');
        Some(match level {
            "completely-confident" => 100,
            "usually-confident" => 75,
            "fairly-confident" => 50,
            "rarely-confident" => 25,
            "unconfident" => 0,
            _ => return None,
        })
    })
}
