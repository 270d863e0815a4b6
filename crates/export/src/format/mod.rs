//! The export formats: one module per format, each a writer fed one object at a time.
//!
//! A writer gets an [`Entry`] per object that passed the selection (policy, filters,
//! validity) with the object's look-up values already compiled, writes what its format can
//! express, and records in the [`Summary`] every value it had to leave out and why.

pub(crate) mod bundle;
pub(crate) mod csv;
pub(crate) mod datasets;
pub(crate) mod misp;
pub(crate) mod misp_feed;
pub(crate) mod nftables;
pub(crate) mod rpz;
pub(crate) mod sentinel;
pub(crate) mod suricata;
pub(crate) mod text;
pub(crate) mod zeek;

use std::fmt;

use policy::Tlp;
use stix::{Indicator, StixObject, StixTimestamp};

use crate::Error;
use crate::options::ExportOptions;
use crate::output::Output;
use crate::summary::Summary;
use crate::value::Value;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A STIX 2.1 bundle of every selected object.
    Stix,
    /// CSV, one row per value: value, kind, indicator id, name, TLP, confidence, validity.
    Csv,
    /// One value a line.
    Txt,
    /// Suricata rules: DNS queries, TLS SNI, HTTP host and URI, IP addresses, and file hashes
    /// through the hash lists of `suricata-datasets`.
    Suricata,
    /// Suricata dataset and hash-list files, with the few rules that load them.
    SuricataDatasets,
    /// A Zeek Intel framework file.
    ZeekIntel,
    /// A DNS response-policy zone.
    Rpz,
    /// An nftables script defining IPv4 and IPv6 sets.
    Nftables,
    /// One MISP event in MISP's JSON format.
    Misp,
    /// A MISP feed directory: `manifest.json`, one file per event, `hashes.csv`.
    MispFeed,
    /// Request bodies for Microsoft Sentinel's STIX objects upload API, one per line.
    Sentinel,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 11] = [
        Self::Stix,
        Self::Csv,
        Self::Txt,
        Self::Suricata,
        Self::SuricataDatasets,
        Self::ZeekIntel,
        Self::Rpz,
        Self::Nftables,
        Self::Misp,
        Self::MispFeed,
        Self::Sentinel,
    ];

    /// Returns the format's name, as `--format` and the HTTP route take it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stix => "stix",
            Self::Csv => "csv",
            Self::Txt => "txt",
            Self::Suricata => "suricata",
            Self::SuricataDatasets => "suricata-datasets",
            Self::ZeekIntel => "zeek-intel",
            Self::Rpz => "rpz",
            Self::Nftables => "nftables",
            Self::Misp => "misp",
            Self::MispFeed => "misp-feed",
            Self::Sentinel => "sentinel",
        }
    }

    /// Parses a format's name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.as_str() == text)
    }

    /// Returns whether the format is a directory of files rather than one stream.
    pub fn is_directory(self) -> bool {
        matches!(self, Self::MispFeed | Self::SuricataDatasets)
    }

    /// Returns whether the format is a snapshot of what is valid now (rules, lists, zones,
    /// sets, MISP events), from which revoked, expired and not-yet-valid indicators are left
    /// out. The object formats (`stix`, `sentinel`) carry those too, so that the consumer
    /// learns of revocations.
    pub fn is_snapshot(self) -> bool {
        !matches!(self, Self::Stix | Self::Sentinel)
    }

    /// Returns whether the format is made of indicators' look-up values (rather than whole
    /// STIX objects).
    pub fn needs_values(self) -> bool {
        !matches!(self, Self::Stix | Self::Sentinel)
    }

    /// Returns the media type of the stream (of the first file, for directories).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Stix => "application/stix+json;version=2.1",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Misp | Self::MispFeed => "application/json",
            Self::Sentinel => "application/x-ndjson",
            Self::Rpz => "text/dns",
            Self::Txt
            | Self::Suricata
            | Self::SuricataDatasets
            | Self::ZeekIntel
            | Self::Nftables => "text/plain; charset=utf-8",
        }
    }

    /// Returns the usual file extension of the format's stream.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Stix | Self::Misp => "json",
            Self::Csv => "csv",
            Self::Txt => "txt",
            Self::Suricata => "rules",
            Self::ZeekIntel => "intel",
            Self::Rpz => "zone",
            Self::Nftables => "nft",
            Self::Sentinel => "jsonl",
            Self::MispFeed | Self::SuricataDatasets => "d",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One object that passed the selection, with what writers need of it.
pub(crate) struct Entry<'a> {
    /// The object.
    pub object: &'a StixObject,
    /// The object as an indicator, when it is one.
    pub indicator: Option<&'a Indicator>,
    /// The TLP level the policy applies to it.
    pub tlp: Tlp,
    /// Its look-up values (empty for the object formats).
    pub values: &'a [Value],
    /// When it last changed (`date_added`, else `modified`).
    pub changed: StixTimestamp,
    /// Its JSON as stored, when known.
    pub json: Option<&'a str>,
}

impl Entry<'_> {
    /// Returns the indicator's name, else its description's first line, else nothing.
    pub fn title(&self) -> Option<&str> {
        let indicator = self.indicator?;
        indicator
            .name
            .as_deref()
            .or_else(|| indicator.description.as_deref()?.lines().next())
            .map(str::trim)
            .filter(|text| !text.is_empty())
    }

    /// Returns the object's compact JSON: as stored when known, else serialised.
    pub fn json(&self) -> std::borrow::Cow<'_, str> {
        match self.json {
            Some(json) => std::borrow::Cow::Borrowed(json),
            None => std::borrow::Cow::Owned(self.object.to_json()),
        }
    }

    /// Returns the indicator's confidence, when it has one.
    pub fn confidence(&self) -> Option<i64> {
        self.object.common().confidence
    }
}

/// A format's writer.
pub(crate) trait FormatWriter {
    /// Writes what the format can express of `entry` and returns how many values (rules,
    /// lines, objects) it wrote; values left out are recorded in `summary`.
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error>;

    /// Learns of an object the reader may see that was left out: formats whose header
    /// depends on every change (the RPZ serial, MISP event timestamps) count it.
    fn observe_left_out(&mut self, _object: &StixObject, _changed: StixTimestamp) {}

    /// Finishes the output and records the bytes written in `summary`.
    fn finish(self: Box<Self>, summary: &mut Summary) -> Result<(), Error>;
}

/// Returns the writer of `format` over `output`.
pub(crate) fn writer<'a>(
    format: Format,
    options: &ExportOptions,
    output: Output<'a>,
) -> Result<Box<dyn FormatWriter + 'a>, Error> {
    Ok(match output {
        Output::Stream(out) => match format {
            Format::Stix => Box::new(bundle::StixWriter::new(out, options)?),
            Format::Csv => Box::new(csv::CsvWriter::new(out, options)?),
            Format::Txt => Box::new(text::TextWriter::new(out)),
            Format::Suricata => Box::new(suricata::SuricataWriter::new(out, options)),
            Format::ZeekIntel => Box::new(zeek::ZeekWriter::new(out, options)?),
            Format::Rpz => Box::new(rpz::RpzWriter::new(out, options)?),
            Format::Nftables => Box::new(nftables::NftablesWriter::new(out, options)?),
            Format::Misp => Box::new(misp::MispWriter::new(out, options)?),
            Format::Sentinel => Box::new(sentinel::SentinelWriter::new(out, options)?),
            Format::MispFeed | Format::SuricataDatasets => {
                return Err(Error::NeedsDirectory { format });
            }
        },
        Output::Directory(directory) => match format {
            Format::MispFeed => Box::new(misp_feed::MispFeedWriter::new(directory, options)),
            Format::SuricataDatasets => {
                Box::new(datasets::DatasetsWriter::new(directory, options)?)
            }
            _ => return Err(Error::NeedsStream { format }),
        },
    })
}

/// Returns the text with every character a one-line field cannot hold (control characters,
/// tabs, line breaks) replaced by a space, and runs of spaces collapsed.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !last_space && !out.is_empty() {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}
