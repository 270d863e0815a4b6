//! `csv`: one row per value, with the indicator it comes from.
//!
//! Columns: `value`, `kind` (see [`ValueKind`](crate::ValueKind)), `indicator_id`, `name`,
//! `tlp`, `confidence`, `valid_from`, `valid_until`, `modified`, `indicator_types`, `labels`
//! (both `;`-separated) and `url` (the object's page on the node, when configured). RFC 4180
//! quoting, a header row, `\n` line ends.

use std::io::Write;

use super::{Entry, FormatWriter, one_line};
use crate::Error;
use crate::options::ExportOptions;
use crate::output::Counted;
use crate::summary::Summary;

/// The header row.
pub(crate) const COLUMNS: [&str; 12] = [
    "value",
    "kind",
    "indicator_id",
    "name",
    "tlp",
    "confidence",
    "valid_from",
    "valid_until",
    "modified",
    "indicator_types",
    "labels",
    "url",
];

pub(crate) struct CsvWriter<'a> {
    out: ::csv::Writer<Counted<&'a mut dyn Write>>,
    options: ExportOptions,
}

impl<'a> CsvWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, options: &ExportOptions) -> Result<Self, Error> {
        let mut out = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::Any(b'\n'))
            .buffer_capacity(1 << 16)
            .from_writer(Counted::new(out));
        out.write_record(COLUMNS).map_err(csv_error)?;
        Ok(Self {
            out,
            options: options.clone(),
        })
    }
}

impl FormatWriter for CsvWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, _summary: &mut Summary) -> Result<u64, Error> {
        let indicator = entry
            .indicator
            .expect("the csv format is given indicators only");
        let id = entry.object.id().as_str();
        let name = entry.title().map(one_line).unwrap_or_default();
        let confidence = entry
            .confidence()
            .map(|c| c.to_string())
            .unwrap_or_default();
        let valid_from = indicator.valid_from.to_string();
        let valid_until = indicator
            .valid_until
            .map(|t| t.to_string())
            .unwrap_or_default();
        let modified = entry
            .object
            .modified()
            .map(|t| t.to_string())
            .unwrap_or_default();
        let indicator_types = indicator
            .indicator_types
            .as_deref()
            .unwrap_or_default()
            .join(";");
        let labels = entry
            .object
            .common()
            .labels
            .as_deref()
            .unwrap_or_default()
            .join(";");
        let url = self
            .options
            .object_url(entry.object.id())
            .unwrap_or_default();
        for value in entry.values {
            self.out
                .write_record([
                    value.text().as_ref(),
                    value.kind().as_str(),
                    id,
                    &name,
                    entry.tlp.name(),
                    &confidence,
                    &valid_from,
                    &valid_until,
                    &modified,
                    &indicator_types,
                    &labels,
                    &url,
                ])
                .map_err(csv_error)?;
        }
        Ok(entry.values.len() as u64)
    }

    fn finish(self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        let out = self
            .out
            .into_inner()
            .map_err(|error| Error::Io(error.into_error()))?;
        summary.n_bytes = out.n_bytes;
        Ok(())
    }
}

fn csv_error(error: ::csv::Error) -> Error {
    match error.into_kind() {
        ::csv::ErrorKind::Io(error) => Error::Io(error),
        other => Error::Io(std::io::Error::other(format!("{other:?}"))),
    }
}
