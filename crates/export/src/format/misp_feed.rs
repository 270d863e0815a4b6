//! `misp-feed`: a MISP feed directory, which a MISP instance adds as a feed of format "MISP
//! Feed" (from a URL serving the directory, or a local path):
//!
//! - `<event uuid>.json`: one MISP event per day on which indicators were created (UTC),
//!   with the attributes of the `misp` format;
//! - `manifest.json`: for each event, its `Orgc`, `Tag`, `info`, `date`, `analysis`,
//!   `threat_level_id` and `timestamp`, which MISP reads to decide what to fetch;
//! - `hashes.csv`: `md5(value),event uuid` for every attribute, which MISP uses to correlate
//!   without fetching events.
//!
//! Grouping by creation day keeps each indicator in the same event across all its versions,
//! so an event's UUID (a UUIDv5 of the producer's UUID and the day) is stable from one export
//! to the next, and a revoked or expired indicator raises the `timestamp` of the event it
//! leaves: MISP then fetches the event again and sees the attribute gone.
//!
//! Unlike the line formats, this writer holds the export's attributes (their JSON) in memory
//! until every event is complete.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::NaiveDate;
use md5::{Digest, Md5};
use serde_json::{Map, Value as Json};
use stix::{StixObject, StixTimestamp};
use uuid::Uuid;

use super::misp::{EventState, event_properties, write_attributes};
use super::{Entry, FormatWriter};
use crate::Error;
use crate::options::ExportOptions;
use crate::output::{Counted, Directory};
use crate::summary::Summary;

/// The manifest's file name.
pub(crate) const MANIFEST: &str = "manifest.json";
/// The hash list's file name.
pub(crate) const HASHES: &str = "hashes.csv";

pub(crate) struct MispFeedWriter<'a> {
    directory: &'a mut dyn Directory,
    options: ExportOptions,
    events: BTreeMap<NaiveDate, Event>,
}

#[derive(Default)]
struct Event {
    state: EventState,
    attributes: Vec<u8>,
    hashes: Vec<[u8; 16]>,
}

impl<'a> MispFeedWriter<'a> {
    pub(crate) fn new(directory: &'a mut dyn Directory, options: &ExportOptions) -> Self {
        Self {
            directory,
            options: options.clone(),
            events: BTreeMap::new(),
        }
    }

    /// The UUID of the event of `day`.
    fn event_uuid(&self, day: NaiveDate) -> Uuid {
        Uuid::new_v5(
            &self.options.producer.uuid,
            format!("phalanx misp-feed {day}").as_bytes(),
        )
    }
}

impl FormatWriter for MispFeedWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error> {
        let event = self.events.entry(creation_day(entry.object)).or_default();
        let hashes = &mut event.hashes;
        // MISP's hashes.csv holds the MD5 of each attribute's value text.
        write_attributes(
            entry,
            &mut event.attributes,
            &mut event.state,
            summary,
            |value| hashes.push(Md5::digest(value.as_bytes()).into()),
        )
    }

    fn observe_left_out(&mut self, object: &StixObject, changed: StixTimestamp) {
        if object.as_indicator().is_some() {
            self.events
                .entry(creation_day(object))
                .or_default()
                .state
                .saw_change(changed);
        }
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        let mut n_bytes = 0;
        let mut manifest = Map::new();
        let mut hashes = Counted::new(self.directory.create(HASHES)?);
        let events = std::mem::take(&mut self.events);
        for (day, event) in events {
            let uuid = self.event_uuid(day);
            let date = day.format("%Y-%m-%d").to_string();
            let info = format!(
                "{} indicators created on {date}",
                self.options.producer.name
            );
            let properties = event_properties(&self.options, uuid, &info, &date, &event.state);
            let properties_json =
                serde_json::to_string(&properties).expect("JSON values always serialise");
            let mut file = Counted::new(self.directory.create(&format!("{uuid}.json"))?);
            file.write_all(b"{\"Event\":{\"Attribute\":[")?;
            file.write_all(&event.attributes)?;
            file.write_all(b"],")?;
            file.write_all(&properties_json.as_bytes()[1..])?;
            file.write_all(b"}\n")?;
            n_bytes += file.n_bytes;
            file.inner.commit()?;
            let mut entry = Map::new();
            for key in [
                "Orgc",
                "Tag",
                "info",
                "date",
                "analysis",
                "threat_level_id",
                "timestamp",
            ] {
                entry.insert(key.to_owned(), properties[key].clone());
            }
            manifest.insert(uuid.hyphenated().to_string(), Json::Object(entry));
            for hash in &event.hashes {
                for byte in hash {
                    write!(hashes, "{byte:02x}")?;
                }
                writeln!(hashes, ",{uuid}")?;
            }
        }
        let mut file = Counted::new(self.directory.create(MANIFEST)?);
        serde_json::to_writer(&mut file, &manifest).map_err(std::io::Error::from)?;
        file.write_all(b"\n")?;
        n_bytes += file.n_bytes + hashes.n_bytes;
        file.inner.commit()?;
        hashes.inner.commit()?;
        summary.n_bytes = n_bytes;
        Ok(())
    }
}

/// The UTC day an object was created (its version's day for objects without `created`).
fn creation_day(object: &StixObject) -> NaiveDate {
    object
        .created()
        .or_else(|| object.version())
        .map_or(NaiveDate::MIN, |created| created.as_datetime().date_naive())
}
