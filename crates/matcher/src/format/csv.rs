//! CSV logs with a column map (`3=domain`, `query=domain`, `ts=time`), read with the `csv`
//! crate (RFC 4180 quoting).
//!
//! Records are cut into chunks at line ends, so a quoted field must not hold a line break:
//! such a record is read as two broken ones and counted malformed.

use super::Role;
use super::parse_map_item;
use crate::error::Error;
use crate::scan::Probe;
use crate::time::TimeFormat;

/// Which column a map item names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// A column number, from 1.
    Number(usize),
    /// A column named in the header line.
    Name(String),
}

/// The user's description of a CSV log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvSpec {
    /// The field delimiter (`,` unless told).
    pub delimiter: u8,
    /// Whether the first line is a header (always so when a column is named).
    pub header: bool,
    /// The mapped columns.
    pub columns: Vec<(ColumnRef, Role)>,
}

impl CsvSpec {
    /// Reads a column map: `COLUMN=KIND` items separated by commas, COLUMN a number from 1 or
    /// a header name, KIND a value kind or `time`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOption`] naming the item that is wrong.
    pub fn parse(items: &[String], delimiter: u8, header: bool) -> Result<Self, Error> {
        let mut columns = Vec::new();
        for item in items.iter().flat_map(|item| item.split(',')) {
            let (column, role) = parse_map_item(item, "column map")?;
            let column = match column.parse::<usize>() {
                Ok(0) => {
                    return Err(Error::InvalidOption {
                        what: "column map",
                        reason: format!("`{item}`: columns are numbered from 1"),
                    });
                }
                Ok(number) => ColumnRef::Number(number),
                Err(_) => ColumnRef::Name(column.to_owned()),
            };
            columns.push((column, role));
        }
        if columns.is_empty() {
            return Err(Error::InvalidOption {
                what: "column map",
                reason: "no column given".to_owned(),
            });
        }
        let named = columns
            .iter()
            .any(|(column, _)| matches!(column, ColumnRef::Name(_)));
        Ok(Self {
            delimiter,
            header: header || named,
            columns,
        })
    }
}

/// A CSV spec with its columns resolved against the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvLayout {
    spec: CsvSpec,
    header_pending: bool,
    skip_first_record: bool,
    columns: Vec<(usize, String, Role)>,
    min_len: usize,
}

impl CsvLayout {
    pub(crate) fn new(spec: CsvSpec) -> Self {
        let header_pending = spec.header;
        let mut layout = Self {
            spec,
            header_pending,
            skip_first_record: false,
            columns: Vec::new(),
            min_len: 0,
        };
        layout.resolve(&[]);
        layout
    }

    pub(crate) fn header_pending(&self) -> bool {
        self.header_pending
    }

    /// Reads the header line at the start of `chunk`; returns the layout for the rest of the
    /// input, and marks `scan` (the state for this chunk) to skip the header record.
    pub(crate) fn after_header(&self, chunk: &[u8]) -> Option<(Self, Self)> {
        let mut reader = reader(self.spec.delimiter, chunk);
        let mut record = csv::ByteRecord::new();
        if !reader.read_byte_record(&mut record).ok()? {
            return None;
        }
        let names: Vec<String> = record
            .iter()
            .map(|name| String::from_utf8_lossy(name).trim().to_owned())
            .collect();
        let mut rest = self.clone();
        rest.header_pending = false;
        rest.resolve(&names);
        let mut this_chunk = rest.clone();
        this_chunk.skip_first_record = true;
        Some((rest, this_chunk))
    }

    fn resolve(&mut self, names: &[String]) {
        self.columns = self
            .spec
            .columns
            .iter()
            .filter_map(|(column, role)| match column {
                ColumnRef::Number(number) => {
                    let label = names
                        .get(number - 1)
                        .cloned()
                        .unwrap_or_else(|| format!("column {number}"));
                    Some((number - 1, label, *role))
                }
                ColumnRef::Name(name) => names
                    .iter()
                    .position(|header| header == name)
                    .map(|idx| (idx, name.clone(), *role)),
            })
            .collect();
        self.min_len = self
            .columns
            .iter()
            .map(|(idx, ..)| idx + 1)
            .max()
            .unwrap_or(0);
    }

    /// Names the columns of the map that the header does not have.
    pub fn missing_columns(&self) -> Vec<String> {
        self.spec
            .columns
            .iter()
            .filter_map(|(column, _)| match column {
                ColumnRef::Name(name)
                    if !self.columns.iter().any(|(_, label, _)| label == name) =>
                {
                    Some(name.clone())
                }
                _ => None,
            })
            .collect()
    }
}

fn reader(delimiter: u8, chunk: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(chunk)
}

pub(crate) fn scan_chunk(layout: &CsvLayout, chunk: &[u8], probe: &mut Probe<'_>) -> u64 {
    let mut reader = reader(layout.spec.delimiter, chunk);
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                probe.malformed(line, || format!("invalid CSV: {error}"));
                break;
            }
        }
        let line_no = record.position().map_or(0, csv::Position::line);
        if std::mem::take(&mut first) && layout.skip_first_record {
            continue;
        }
        if record.len() == 1 && record[0].trim_ascii().is_empty() {
            continue;
        }
        if record.len() < layout.min_len {
            let (expected, found) = (layout.min_len, record.len());
            probe.malformed(line_no, || {
                format!("expected at least {expected} columns, found {found}")
            });
            continue;
        }
        let mut time = None;
        for (idx, label, role) in &layout.columns {
            let value = &record[*idx];
            match role {
                Role::Time(format) => time = Some((value, *format)),
                Role::Value(kind) => probe.value(label, *kind, value),
                Role::HttpHost | Role::HttpTarget | Role::HttpPort => {}
            }
        }
        let time: Option<(&[u8], TimeFormat)> = time;
        if probe.end_line(line_no, time) {
            for (idx, label, role) in &layout.columns {
                if let Role::Value(kind) = role {
                    probe.observe(label, *kind, &record[*idx]);
                }
            }
            probe.evaluate_candidates();
        }
    }
    super::count_lines(chunk)
}
