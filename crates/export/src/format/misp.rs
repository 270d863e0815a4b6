//! `misp`: one MISP event, in MISP's JSON format (`{"Event": {...}}`), whose attributes are
//! the indicators' values.
//!
//! | value | attribute `type` | `category` |
//! |---|---|---|
//! | domain | `domain` | Network activity |
//! | address or block | `ip-dst` | Network activity |
//! | URL | `url` | Network activity |
//! | e-mail | `email` | Payload delivery |
//! | MD5, SHA-1, SHA-256, SHA-512, SHA3-256, SHA3-512, SSDEEP, TLSH | `md5`, `sha1`, ... | Payload delivery |
//!
//! This is the reverse of how MISP's own `misp-stix` maps attributes to patterns. Every
//! attribute has `to_ids` set, the indicator's name and id as `comment`, its version's
//! `modified` as `timestamp`, its TLP as a `tlp:` tag (MISP's TLP 2.0 taxonomy), its labels
//! as tags and its confidence as a `misp:confidence-level` tag. An attribute's `uuid` is the
//! indicator's UUID when the indicator has one value (so that MISP and Phalanx name the same
//! thing the same way), else a UUIDv5 of it and the value. The event carries the most
//! restrictive TLP of its attributes and the distribution that TLP allows (CLEAR: all
//! communities, GREEN: connected communities, AMBER: this community, AMBER+STRICT and RED:
//! your organisation only).
//!
//! The event is streamed: its attributes come first, the properties that depend on all of
//! them (`timestamp`, `Tag`, `distribution`) after.

use std::io::Write;

use policy::Tlp;
use serde_json::{Value as Json, json};
use uuid::Uuid;

use super::{Entry, FormatWriter, one_line};
use crate::Error;
use crate::options::ExportOptions;
use crate::output::Counted;
use crate::summary::{Reason, Summary};
use crate::value::{HashAlgorithm, Value};

pub(crate) struct MispWriter<'a> {
    out: Counted<std::io::BufWriter<&'a mut dyn Write>>,
    event: EventState,
    options: ExportOptions,
    buffer: Vec<u8>,
}

impl<'a> MispWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, options: &ExportOptions) -> Result<Self, Error> {
        let mut out = Counted::new(std::io::BufWriter::with_capacity(1 << 16, out));
        out.write_all(b"{\"Event\":{\"Attribute\":[")?;
        Ok(Self {
            out,
            event: EventState::default(),
            options: options.clone(),
            buffer: Vec::with_capacity(1024),
        })
    }
}

impl FormatWriter for MispWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error> {
        self.buffer.clear();
        let n_written =
            write_attributes(entry, &mut self.buffer, &mut self.event, summary, |_| {})?;
        self.out.write_all(&self.buffer)?;
        Ok(n_written)
    }

    fn observe_left_out(&mut self, _object: &stix::StixObject, changed: stix::StixTimestamp) {
        self.event.saw_change(changed);
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        let options = &self.options;
        let date = options.now.as_datetime().format("%Y-%m-%d").to_string();
        let info = format!("{} indicators exported on {date}", options.producer.name);
        let tail = event_properties(options, options.export_uuid(), &info, &date, &self.event);
        let tail = serde_json::to_string(&tail).expect("JSON values always serialise");
        // `tail` is a JSON object; splice its members after the attribute list.
        let members = &tail[1..tail.len() - 1];
        self.out.write_all(b"],")?;
        self.out.write_all(members.as_bytes())?;
        self.out.write_all(b"}}\n")?;
        self.out.flush()?;
        summary.n_bytes = self.out.n_bytes;
        Ok(())
    }
}

/// What an event's header needs to know of its attributes.
#[derive(Debug, Default, Clone)]
pub(crate) struct EventState {
    /// Attributes written so far.
    pub n_attributes: u64,
    /// The most restrictive TLP among them.
    pub tlp: Option<Tlp>,
    /// The latest change among the objects of the event, in seconds since 1970.
    pub timestamp: i64,
}

impl EventState {
    pub(crate) fn saw_change(&mut self, changed: stix::StixTimestamp) {
        self.timestamp = self.timestamp.max(changed.as_datetime().timestamp());
    }
}

/// Writes the attributes of one entry (each preceded by a comma unless it is the event's
/// first), updates the event's state, calls `on_written` with the value of each attribute
/// written, and returns how many were written.
pub(crate) fn write_attributes(
    entry: &Entry<'_>,
    out: &mut Vec<u8>,
    event: &mut EventState,
    summary: &mut Summary,
    mut on_written: impl FnMut(&str),
) -> Result<u64, Error> {
    event.saw_change(entry.changed);
    let id = entry.object.id();
    let indicator_uuid = Uuid::parse_str(&id.as_str()[id.object_type().len() + 2..])
        .expect("STIX ids end with a UUID");
    let comment = match entry.title() {
        Some(title) => format!("{} ({id})", one_line(title)),
        None => id.to_string(),
    };
    let timestamp = entry
        .object
        .version()
        .unwrap_or(entry.changed)
        .as_datetime()
        .timestamp()
        .to_string();
    let mut tags = vec![json!({ "name": misp_tlp_tag(entry.tlp) })];
    if let Some(confidence) = entry.confidence() {
        tags.push(json!({ "name": confidence_tag(confidence) }));
    }
    for label in entry.object.common().labels.iter().flatten() {
        tags.push(json!({ "name": one_line(label) }));
    }
    let single = entry.values.len() == 1;
    let mut n_written = 0;
    for value in entry.values {
        let Some((attribute_type, category)) = attribute_type(value) else {
            summary.leave_out_value(value.kind(), Reason::KindUnsupported, id);
            continue;
        };
        let uuid = if single {
            indicator_uuid
        } else {
            Uuid::new_v5(
                &indicator_uuid,
                format!("{}:{}", value.kind().as_str(), value.text()).as_bytes(),
            )
        };
        let text = value.text();
        on_written(&text);
        let attribute = json!({
            "uuid": uuid.hyphenated().to_string(),
            "type": attribute_type,
            "category": category,
            "value": text,
            "to_ids": true,
            "comment": comment,
            "timestamp": timestamp,
            "distribution": "5",
            "Tag": tags,
        });
        if event.n_attributes > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut *out, &attribute).expect("writing to a Vec cannot fail");
        event.n_attributes += 1;
        n_written += 1;
    }
    if n_written > 0 {
        event.tlp = event.tlp.max(Some(entry.tlp));
    }
    Ok(n_written)
}

/// Returns the event's properties other than `Attribute`.
pub(crate) fn event_properties(
    options: &ExportOptions,
    uuid: Uuid,
    info: &str,
    date: &str,
    event: &EventState,
) -> Json {
    let tlp = event.tlp.unwrap_or(Tlp::Clear);
    let timestamp = if event.timestamp > 0 {
        event.timestamp
    } else {
        options.now.as_datetime().timestamp()
    };
    json!({
        "uuid": uuid.hyphenated().to_string(),
        "info": info,
        "date": date,
        "analysis": "2",
        "threat_level_id": "4",
        "published": false,
        "distribution": distribution(tlp),
        "timestamp": timestamp.to_string(),
        "Orgc": orgc(options),
        "Tag": [{ "name": misp_tlp_tag(tlp) }],
    })
}

/// The organisation that made the event.
pub(crate) fn orgc(options: &ExportOptions) -> Json {
    json!({
        "name": options.producer.name,
        "uuid": options.producer.uuid.hyphenated().to_string(),
    })
}

/// MISP's TLP taxonomy tag for a level.
pub(crate) fn misp_tlp_tag(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "tlp:clear",
        Tlp::Green => "tlp:green",
        Tlp::Amber => "tlp:amber",
        Tlp::AmberStrict => "tlp:amber+strict",
        Tlp::Red => "tlp:red",
    }
}

/// The MISP distribution a TLP level allows (`0` your organisation only ... `3` all
/// communities).
fn distribution(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "3",
        Tlp::Green => "2",
        Tlp::Amber => "1",
        Tlp::AmberStrict | Tlp::Red => "0",
    }
}

/// The `misp:confidence-level` tag nearest to a STIX confidence (the taxonomy's levels stand
/// for 100, 75, 50, 25 and 0).
fn confidence_tag(confidence: i64) -> &'static str {
    match confidence {
        88.. => "misp:confidence-level=\"completely-confident\"",
        63..=87 => "misp:confidence-level=\"usually-confident\"",
        38..=62 => "misp:confidence-level=\"fairly-confident\"",
        13..=37 => "misp:confidence-level=\"rarely-confident\"",
        _ => "misp:confidence-level=\"unconfident\"",
    }
}

/// The MISP attribute type and category of a value, or `None` for values MISP has no type
/// for (domain suffixes, hashes of other algorithms).
pub(crate) fn attribute_type(value: &Value) -> Option<(&'static str, &'static str)> {
    const NETWORK: &str = "Network activity";
    const PAYLOAD: &str = "Payload delivery";
    Some(match value {
        Value::Domain(_) => ("domain", NETWORK),
        Value::DomainSuffix(_) => return None,
        Value::Ipv4(_) | Value::Ipv6(_) => ("ip-dst", NETWORK),
        Value::Url(_) => ("url", NETWORK),
        Value::Email(_) => ("email", PAYLOAD),
        Value::Hash(algorithm, _) => (
            match algorithm {
                HashAlgorithm::Md5 => "md5",
                HashAlgorithm::Sha1 => "sha1",
                HashAlgorithm::Sha256 => "sha256",
                HashAlgorithm::Sha512 => "sha512",
                HashAlgorithm::Sha3_256 => "sha3-256",
                HashAlgorithm::Sha3_512 => "sha3-512",
                HashAlgorithm::Ssdeep => "ssdeep",
                HashAlgorithm::Tlsh => "tlsh",
                HashAlgorithm::Other => return None,
            },
            PAYLOAD,
        ),
    })
}
