//! Log formats: recognising them, and scanning chunks of their lines.
//!
//! A [`LogFormat`] is the state needed to scan a chunk: a Zeek header, a CSV header, a field
//! tree. [`LogFormat::begin_chunk`] is called in input order on the reading side: it returns
//! the state the chunk is scanned with and moves past the chunk's header lines, so chunks can
//! then be scanned on any thread, in any order.

mod csv;
pub mod json;
mod zeek;

use std::path::Path;
use std::sync::Arc;

pub use self::csv::{ColumnRef, CsvSpec};
pub use self::json::{FieldTree, Role};
pub use self::zeek::ZeekHeader;

use crate::error::Error;
use crate::normalize::HashAlgo;
use crate::scan::{Probe, ValueKind};
use crate::time::TimeFormat;

/// A log format as the user names it (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatName {
    /// Recognise it from the first line.
    Auto,
    /// Zeek tab-separated logs.
    Zeek,
    /// Zeek JSON logs.
    ZeekJson,
    /// Suricata EVE JSON.
    Eve,
    /// One value a line.
    List,
    /// CSV with a column map.
    Csv,
    /// JSON lines with field paths.
    JsonLines,
}

impl FormatName {
    /// Reads `auto`, `zeek`, `zeek-json`, `eve`, `list`, `csv` or `jsonl`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "auto" => Some(Self::Auto),
            "zeek" | "zeek-tsv" => Some(Self::Zeek),
            "zeek-json" => Some(Self::ZeekJson),
            "eve" | "suricata" => Some(Self::Eve),
            "list" | "plain" => Some(Self::List),
            "csv" => Some(Self::Csv),
            "jsonl" | "json" => Some(Self::JsonLines),
            _ => None,
        }
    }
}

/// What the user said about the format of the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// The format, or `Auto`.
    pub name: FormatName,
    /// The kind of the values of plain lists (`Auto` recognises each value).
    pub list_kind: ValueKind,
    /// The column map for CSV.
    pub csv: Option<CsvSpec>,
    /// The fields of JSON lines.
    pub fields: Option<FieldTree>,
}

impl Default for FormatSpec {
    fn default() -> Self {
        Self {
            name: FormatName::Auto,
            list_kind: ValueKind::Auto,
            csv: None,
            fields: None,
        }
    }
}

/// The state needed to scan chunks of one input.
#[derive(Debug, Clone, PartialEq)]
pub enum LogFormat {
    /// Zeek TSV with the header in effect.
    Zeek(Arc<ZeekHeader>),
    /// JSON lines of some kind, with the fields to visit.
    Json(JsonKind, Arc<FieldTree>),
    /// One value a line.
    List(ValueKind),
    /// CSV with its columns resolved.
    Csv(Arc<self::csv::CsvLayout>),
}

/// Which JSON logs a [`LogFormat::Json`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// Suricata EVE.
    Eve,
    /// Zeek JSON.
    Zeek,
    /// JSON lines with user-given fields.
    Lines,
}

impl LogFormat {
    /// Decides the format of an input from the spec and, for `Auto`, its first bytes.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownFormat`] when `Auto` cannot tell, and [`Error::InvalidOption`] when a
    /// format lacks its map (CSV without columns, JSON lines without fields).
    pub fn detect(spec: &FormatSpec, path: &Path, head: &[u8]) -> Result<Self, Error> {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let name = match spec.name {
            FormatName::Auto => detect_name(spec, path, head)?,
            name => name,
        };
        Ok(match name {
            FormatName::Zeek => Self::Zeek(Arc::new(ZeekHeader::default())),
            FormatName::ZeekJson => Self::Json(JsonKind::Zeek, Arc::new(zeek_json_tree())),
            FormatName::Eve => Self::Json(JsonKind::Eve, Arc::new(eve_tree())),
            FormatName::List | FormatName::Auto => Self::List(spec.list_kind),
            FormatName::Csv => {
                let csv = spec.csv.clone().ok_or_else(|| Error::InvalidOption {
                    what: "format",
                    reason: "CSV needs a column map (--column)".to_owned(),
                })?;
                Self::Csv(Arc::new(self::csv::CsvLayout::new(csv)))
            }
            FormatName::JsonLines => {
                let fields = spec.fields.clone().ok_or_else(|| Error::InvalidOption {
                    what: "format",
                    reason: "JSON lines need field paths (--field)".to_owned(),
                })?;
                Self::Json(JsonKind::Lines, Arc::new(fields))
            }
        })
    }

    /// Returns the format's name, for reports: `zeek` (with its path, `zeek:dns`), `eve`,
    /// `zeek-json`, `jsonl`, `list`, `csv`.
    pub fn name(&self) -> String {
        match self {
            Self::Zeek(header) if !header.path.is_empty() => format!("zeek:{}", header.path),
            Self::Zeek(_) => "zeek".to_owned(),
            Self::Json(JsonKind::Eve, _) => "eve".to_owned(),
            Self::Json(JsonKind::Zeek, _) => "zeek-json".to_owned(),
            Self::Json(JsonKind::Lines, _) => "jsonl".to_owned(),
            Self::List(_) => "list".to_owned(),
            Self::Csv(_) => "csv".to_owned(),
        }
    }

    /// Returns the state to scan `chunk` with, and moves `self` past the chunk's header lines.
    /// Call it for every chunk of an input, in order.
    pub fn begin_chunk(&mut self, chunk: &[u8]) -> Self {
        let state = self.clone();
        match self {
            Self::Zeek(header) => {
                if chunk.first() == Some(&b'#') || memchr::memmem::find(chunk, b"\n#").is_some() {
                    let header = Arc::make_mut(header);
                    for line in chunk.split(|&byte| byte == b'\n') {
                        if line.first() == Some(&b'#') {
                            header.apply_line(line);
                        }
                    }
                }
            }
            Self::Csv(layout) => {
                if layout.header_pending()
                    && let Some((rest, this_chunk)) = layout.after_header(chunk)
                {
                    *layout = Arc::new(rest);
                    return Self::Csv(Arc::new(this_chunk));
                }
            }
            Self::Json(..) | Self::List(_) => {}
        }
        state
    }

    /// Scans a chunk of complete lines with this state (from [`LogFormat::begin_chunk`]).
    pub fn scan_chunk(&self, chunk: &[u8], probe: &mut Probe<'_>) {
        let lines = match self {
            Self::Zeek(header) => zeek::scan_chunk(header, chunk, probe),
            Self::Json(_, tree) => json::scan_chunk(tree, chunk, probe),
            Self::List(kind) => scan_list(*kind, chunk, probe),
            Self::Csv(layout) => self::csv::scan_chunk(layout, chunk, probe),
        };
        probe.outcome.lines += lines;
        probe.outcome.bytes += chunk.len() as u64;
    }
}

/// Counts lines: newlines, plus a last line without one.
pub(crate) fn count_lines(chunk: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', chunk).count() as u64;
    newlines + u64::from(!chunk.is_empty() && chunk.last() != Some(&b'\n'))
}

fn detect_name(spec: &FormatSpec, path: &Path, head: &[u8]) -> Result<FormatName, Error> {
    if spec.csv.is_some() {
        return Ok(FormatName::Csv);
    }
    if spec.fields.is_some() {
        return Ok(FormatName::JsonLines);
    }
    let first_line = head.split(|&byte| byte == b'\n').next().unwrap_or_default();
    let first_line = first_line.trim_ascii();
    if first_line.starts_with(b"#separator") || first_line.starts_with(b"#fields") {
        return Ok(FormatName::Zeek);
    }
    if first_line.starts_with(b"{") {
        let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(first_line) else {
            return Err(Error::UnknownFormat {
                path: path.to_owned(),
                reason: "the first line starts like JSON but is not a JSON object".to_owned(),
            });
        };
        if object.contains_key("event_type") {
            return Ok(FormatName::Eve);
        }
        let zeekish = ["uid", "fuid", "_path", "id.orig_h", "id"]
            .iter()
            .any(|key| object.contains_key(*key));
        if object.contains_key("ts") && zeekish {
            return Ok(FormatName::ZeekJson);
        }
        return Err(Error::UnknownFormat {
            path: path.to_owned(),
            reason:
                "JSON lines that are neither Suricata EVE nor Zeek: name the fields with --field"
                    .to_owned(),
        });
    }
    let is_csv_name = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"));
    if is_csv_name {
        return Err(Error::UnknownFormat {
            path: path.to_owned(),
            reason: "a CSV file needs a column map: give --column".to_owned(),
        });
    }
    Ok(FormatName::List)
}

fn scan_list(kind: ValueKind, chunk: &[u8], probe: &mut Probe<'_>) -> u64 {
    let mut line_no = 0u64;
    for line in lines(chunk) {
        line_no += 1;
        let value = line.trim_ascii();
        if value.is_empty() || value.first() == Some(&b'#') {
            continue;
        }
        if std::str::from_utf8(value).is_err() {
            probe.malformed(line_no, || "invalid UTF-8".to_owned());
            continue;
        }
        probe.value("value", kind, value);
        if probe.end_line(line_no, None) {
            probe.observe("value", kind, value);
            probe.evaluate_candidates();
        }
    }
    line_no
}

/// Iterates the lines of a chunk, without their `\n` (a last line may lack one).
pub(crate) fn lines(chunk: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= chunk.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &chunk[start..]).map_or(chunk.len(), |len| start + len);
        let line = &chunk[start..end];
        start = end + 1;
        Some(line)
    })
}

/// The fields of Suricata EVE JSON that are looked up (Suricata 5 to 8: the DNS answer forms
/// of EVE versions 1, 2 and 3 are all read).
pub fn eve_tree() -> FieldTree {
    use ValueKind::{Domain, Email, Host, Ip, Url};
    let mut tree = FieldTree::new();
    tree.add_dotted("timestamp", Role::Time(TimeFormat::Iso8601));
    let values: &[(&str, ValueKind)] = &[
        ("src_ip", Ip),
        ("dest_ip", Ip),
        ("dns.rrname", Domain),
        ("dns.rdata", Host),
        ("dns.query.rrname", Domain),
        ("dns.queries.rrname", Domain),
        ("dns.answers.rrname", Domain),
        ("dns.answers.rdata", Host),
        ("dns.grouped.A", Ip),
        ("dns.grouped.AAAA", Ip),
        ("dns.grouped.CNAME", Domain),
        ("http.http_refer", Url),
        ("tls.sni", Domain),
        ("quic.sni", Domain),
        ("fileinfo.md5", ValueKind::Hash(HashAlgo::Md5)),
        ("fileinfo.sha1", ValueKind::Hash(HashAlgo::Sha1)),
        ("fileinfo.sha256", ValueKind::Hash(HashAlgo::Sha256)),
        ("smtp.mail_from", Email),
        ("smtp.rcpt_to", Email),
        ("email.from", Email),
        ("email.to", Email),
        ("email.cc", Email),
    ];
    for (path, kind) in values {
        tree.add_dotted(path, Role::Value(*kind));
    }
    tree.add_dotted("http.hostname", Role::HttpHost);
    tree.add_dotted("http.url", Role::HttpTarget);
    tree.add_dotted("http.http_port", Role::HttpPort);
    tree
}

/// The fields of Zeek JSON logs that are looked up (the same as for Zeek TSV, named).
pub fn zeek_json_tree() -> FieldTree {
    use ValueKind::{Domain, Email, Host, Ip, Url};
    let mut tree = FieldTree::new();
    tree.add_dotted("ts", Role::Time(TimeFormat::Auto));
    let values: &[(&str, ValueKind)] = &[
        ("id.orig_h", Ip),
        ("id.resp_h", Ip),
        ("tx_hosts", Ip),
        ("rx_hosts", Ip),
        ("query", Domain),
        ("answers", Host),
        ("server_name", Domain),
        ("san.dns", Domain),
        ("referrer", Url),
        ("md5", ValueKind::Hash(HashAlgo::Md5)),
        ("sha1", ValueKind::Hash(HashAlgo::Sha1)),
        ("sha256", ValueKind::Hash(HashAlgo::Sha256)),
        ("mailfrom", Email),
        ("rcptto", Email),
        ("from", Email),
        ("to", Email),
        ("cc", Email),
        ("reply_to", Email),
    ];
    for (path, kind) in values {
        tree.add_dotted(path, Role::Value(*kind));
    }
    tree.add_dotted("host", Role::HttpHost);
    tree.add_dotted("uri", Role::HttpTarget);
    tree
}

/// Reads a field map for JSON lines: `PATH=KIND` items separated by commas, where KIND is a
/// [`ValueKind`] name or `time` (`dns.rrname=domain,src_ip=ip,ts=time`).
///
/// # Errors
///
/// [`Error::InvalidOption`] naming the item that is not `PATH=KIND`.
pub fn parse_field_map(items: &[String]) -> Result<FieldTree, Error> {
    let mut tree = FieldTree::new();
    for item in items.iter().flat_map(|item| item.split(',')) {
        let (path, role) = parse_map_item(item, "field map")?;
        tree.add_dotted(path, role);
    }
    Ok(tree)
}

pub(crate) fn parse_map_item<'a>(
    item: &'a str,
    what: &'static str,
) -> Result<(&'a str, Role), Error> {
    let invalid = |reason: String| Error::InvalidOption { what, reason };
    let (path, kind) = item
        .split_once('=')
        .ok_or_else(|| invalid(format!("`{item}` is not NAME=KIND")))?;
    let (path, kind) = (path.trim(), kind.trim());
    if path.is_empty() {
        return Err(invalid(format!("`{item}` has an empty name")));
    }
    let role = match kind {
        "time" => Role::Time(TimeFormat::Auto),
        _ => Role::Value(ValueKind::parse(kind).ok_or_else(|| {
            invalid(format!(
                "unknown kind `{kind}` in `{item}` (domain, ip, host, url, hash, md5, sha1, sha256, sha512, email, auto, time)"
            ))
        })?),
    };
    Ok((path, role))
}
