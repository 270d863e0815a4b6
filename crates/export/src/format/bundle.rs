//! `stix`: a STIX 2.1 bundle of every selected object, streamed object by object, followed
//! by the TLP marking definitions the objects reference and the export did not carry.
//!
//! Objects are written as stored (their JSON is kept byte for byte when the store gives it),
//! revoked versions included, so that a consumer learns of revocations.

use std::collections::BTreeSet;
use std::io::Write;

use stix::{StixId, Tlp};

use super::{Entry, FormatWriter};
use crate::Error;
use crate::options::ExportOptions;
use crate::output::Counted;
use crate::summary::Summary;

pub(crate) struct StixWriter<'a> {
    out: Counted<std::io::BufWriter<&'a mut dyn Write>>,
    n_objects: u64,
    markings_written: BTreeSet<StixId>,
    markings_referenced: BTreeSet<StixId>,
}

impl<'a> StixWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, options: &ExportOptions) -> Result<Self, Error> {
        let mut out = Counted::new(std::io::BufWriter::with_capacity(1 << 16, out));
        write!(
            out,
            r#"{{"type":"bundle","id":"bundle--{}""#,
            options.export_uuid().hyphenated()
        )?;
        Ok(Self {
            out,
            n_objects: 0,
            markings_written: BTreeSet::new(),
            markings_referenced: BTreeSet::new(),
        })
    }

    fn push_json(&mut self, json: &str) -> Result<(), Error> {
        // STIX 2.1: a bundle's `objects`, when present, must not be empty, so the list opens
        // with its first object.
        let separator: &[u8] = if self.n_objects == 0 {
            b",\"objects\":[\n"
        } else {
            b",\n"
        };
        self.out.write_all(separator)?;
        self.out.write_all(json.as_bytes())?;
        self.n_objects += 1;
        Ok(())
    }
}

impl FormatWriter for StixWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, _summary: &mut Summary) -> Result<u64, Error> {
        let object = entry.object;
        if object.object_type() == "marking-definition" {
            self.markings_written.insert(object.id().clone());
        }
        for marking in object.marking_refs() {
            if !self.markings_referenced.contains(marking) {
                self.markings_referenced.insert(marking.clone());
            }
        }
        let json = entry.json();
        self.push_json(&json)?;
        Ok(1)
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        let missing: Vec<StixId> = self
            .markings_referenced
            .difference(&self.markings_written)
            .cloned()
            .collect();
        for marking in missing {
            let definition = if Tlp::ALL.iter().any(|tlp| tlp.marking_id() == marking) {
                Tlp::from_marking_ref(&marking).map(|tlp| tlp.marking_definition().to_json())
            } else {
                stix::marking::tlp_v1_definition(&marking).map(|value| value.to_string())
            };
            if let Some(json) = definition {
                self.push_json(&json)?;
                summary.n_values += 1;
            }
        }
        let end: &[u8] = if self.n_objects == 0 {
            b"}\n"
        } else {
            b"\n]}\n"
        };
        self.out.write_all(end)?;
        self.out.flush()?;
        summary.n_bytes = self.out.n_bytes;
        Ok(())
    }
}
