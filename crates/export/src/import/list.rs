//! Indicator lists, plain (one value a line) or CSV, into STIX indicators.
//!
//! The kind of each value is detected: URL (`scheme://`), address and port (`1.2.3.4:443`,
//! `[2001:db8::1]:443`), IP address or CIDR block, e-mail address, file hash (MD5, SHA-1,
//! SHA-256 or SHA-512 by its length in hex), domain name; the usual defanged spellings
//! (`hxxp://`, `[.]`, `(.)`, `[at]`) are undone first. Lines starting with `#`, `;` or `//`
//! are comments.
//!
//! A CSV list is read by its header, which may be on a comment line as abuse.ch writes it
//! (`# "first_seen_utc","ioc_id","ioc_value","ioc_type",...` for ThreatFox, `# id,dateadded,
//! url,...` for URLhaus, `# first_seen_utc,dst_ip,dst_port,...` for Feodo Tracker). The value
//! is in the first column named `ioc_value`, `ioc`, `indicator`, `value`, `url`, `dst_ip`,
//! `ip_address`, `ip`, `domain`, `hostname`, a hash column (`sha256_hash`, ...) or `email`;
//! `ioc_type` or `type` names its kind when present (ThreatFox's `ip:port`, `domain`, `url`,
//! `md5_hash`, ...), `dst_port` or `port` adds a port to an address, `first_seen_utc`,
//! `first_seen` or `dateadded` gives `valid_from`, `confidence_level` or `confidence` the
//! confidence, `malware_printable`, `malware`, `threat_type` or `threat` the name, `tags`
//! the labels, and `reference`, `urlhaus_link` or `link` an external reference. Without a
//! header, the first field that is a value is used.
//!
//! Each record becomes one indicator, marked with the chosen TLP, whose id is a UUIDv5 of the
//! source and the pattern: importing the same list again names the same indicators.

use chrono::{NaiveDateTime, TimeZone, Utc};
use serde_json::{Value as Json, json};
use stix::{StixObject, StixTimestamp};

use super::pattern::{quote, value_pattern};
use super::{
    ImportDiagnostic, ImportError, ImportOptions, Imported, Location, check_size, derived_id,
};
use crate::value::{
    HashAlgorithm, Value, parse_domain, parse_email, parse_hash, parse_ip, parse_url,
};

/// The shape of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// One value a line.
    Plain,
    /// CSV with a header (possibly on a comment line) or without.
    Csv,
}

/// A value found in a list, with the port of an `address:port` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The value.
    pub value: Value,
    /// The port, for `address:port` records.
    pub port: Option<u16>,
}

/// Reads a list into indicators.
///
/// # Errors
///
/// [`ImportError::TooLarge`] for input over the limit. Lines that are not UTF-8 or not a
/// value are skipped with a diagnostic naming the line.
pub fn import_list(
    input: &[u8],
    format: ListFormat,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    check_size(input, options)?;
    let mut imported = Imported::default();
    imported.objects.push(options.tlp.marking_definition());
    match format {
        ListFormat::Plain => read_plain(input, options, &mut imported),
        ListFormat::Csv => read_csv(input, options, &mut imported),
    }
    Ok(imported)
}

/// Detects the kind of a value and normalises it.
///
/// # Errors
///
/// Returns why the text is not a value of any kind.
pub fn detect(text: &str) -> Result<Detected, String> {
    let text = refang(text.trim());
    let text = text.as_str();
    if text.is_empty() {
        return Err("the value is empty".to_owned());
    }
    if text.contains("://") {
        return parse_url(text)
            .map(|url| Detected {
                value: Value::Url(url),
                port: None,
            })
            .map_err(|error| error.to_string());
    }
    if let Some((address, port)) = split_address_port(text) {
        let value = parse_ip(address).map_err(|error| error.to_string())?;
        let port = port
            .parse::<u16>()
            .map_err(|_| format!("{port:?} is not a port number"))?;
        return Ok(Detected {
            value,
            port: Some(port),
        });
    }
    if let Ok(value) = parse_ip(text) {
        return Ok(Detected { value, port: None });
    }
    if text.contains('@') {
        return parse_email(text)
            .map(|email| Detected {
                value: Value::Email(email),
                port: None,
            })
            .map_err(|error| error.to_string());
    }
    if text.bytes().all(|b| b.is_ascii_hexdigit()) {
        let algorithm = match text.len() {
            32 => Some(HashAlgorithm::Md5),
            40 => Some(HashAlgorithm::Sha1),
            64 => Some(HashAlgorithm::Sha256),
            128 => Some(HashAlgorithm::Sha512),
            _ => None,
        };
        if let Some(algorithm) = algorithm {
            return parse_hash(algorithm, text)
                .map(|value| Detected { value, port: None })
                .map_err(|error| error.to_string());
        }
    }
    parse_domain(text)
        .map(|domain| Detected {
            value: Value::Domain(domain),
            port: None,
        })
        .map_err(|_| format!("cannot tell what kind of indicator {:?} is", clip(text)))
}

/// Undoes the usual defanging: `hxxp` → `http`, `[.]`/`(.)`/`[dot]` → `.`, `[@]`/`[at]` → `@`,
/// `[:]` → `:`.
fn refang(text: &str) -> String {
    let mut out = text
        .replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[dot]", ".")
        .replace("[@]", "@")
        .replace("[at]", "@")
        .replace("[:]", ":")
        .replace("[://]", "://");
    for (defanged, scheme) in [
        ("hxxps://", "https://"),
        ("hxxp://", "http://"),
        ("fxp://", "ftp://"),
    ] {
        if out.len() >= defanged.len() && out[..defanged.len()].eq_ignore_ascii_case(defanged) {
            out.replace_range(..defanged.len(), scheme);
        }
    }
    out
}

/// Splits `1.2.3.4:443` or `[2001:db8::1]:443`; a bare IPv6 address is not split.
fn split_address_port(text: &str) -> Option<(&str, &str)> {
    if let Some(rest) = text.strip_prefix('[') {
        let (address, port) = rest.split_once("]:")?;
        return Some((address, port));
    }
    let (address, port) = text.rsplit_once(':')?;
    (address.contains('.') && !address.contains(':')).then_some((address, port))
}

fn read_plain(input: &[u8], options: &ImportOptions, imported: &mut Imported) {
    for (line_idx, raw) in input.split(|b| *b == b'\n').enumerate() {
        let line_no = line_idx as u64 + 1;
        let Ok(line) = std::str::from_utf8(raw) else {
            imported.diagnostics.push(ImportDiagnostic {
                location: Location::Line(line_no),
                message: "the line is not UTF-8; skipped".to_owned(),
            });
            continue;
        };
        let line = line.trim();
        if line.is_empty() || is_comment(line) {
            continue;
        }
        // abuse.ch plain lists put one value first on a line; anything after whitespace is
        // a comment.
        let value = line.split_whitespace().next().unwrap_or(line);
        imported.n_records += 1;
        match detect(value) {
            Ok(detected) => push_indicator(
                imported,
                options,
                &detected,
                &Record::default(),
                Location::Line(line_no),
            ),
            Err(message) => imported.diagnostics.push(ImportDiagnostic {
                location: Location::Line(line_no),
                message: format!("{message}; skipped"),
            }),
        }
    }
}

fn is_comment(line: &str) -> bool {
    line.starts_with('#') || line.starts_with(';') || line.starts_with("//")
}

/// What a CSV row says besides its value.
#[derive(Debug, Default)]
struct Record {
    first_seen: Option<StixTimestamp>,
    confidence: Option<u8>,
    context: Vec<String>,
    tags: Vec<String>,
    reference: Option<String>,
}

/// The columns of a CSV list, by role.
#[derive(Debug, Default)]
struct Columns {
    value: Option<usize>,
    kind: Option<usize>,
    port: Option<usize>,
    first_seen: Option<usize>,
    confidence: Option<usize>,
    context: Vec<usize>,
    tags: Option<usize>,
    reference: Option<usize>,
}

const VALUE_COLUMNS: [&str; 21] = [
    "ioc_value",
    "ioc",
    "indicator",
    "value",
    "url",
    "dst_ip",
    "ip_address",
    "ip",
    "domain",
    "hostname",
    "sha256_hash",
    "sha256",
    "sha1_hash",
    "sha1",
    "md5_hash",
    "md5",
    "sha512",
    "sha3_384_hash",
    "email",
    "observable",
    "host",
];

impl Columns {
    fn from_header(names: &[String]) -> Option<Self> {
        let find = |candidates: &[&str]| {
            candidates
                .iter()
                .find_map(|candidate| names.iter().position(|name| name == candidate))
        };
        let value = find(&VALUE_COLUMNS)?;
        Some(Self {
            value: Some(value),
            kind: find(&["ioc_type", "type", "indicator_type"]),
            port: find(&["dst_port", "port"]),
            first_seen: find(&["first_seen_utc", "first_seen", "dateadded", "date_added"]),
            confidence: find(&["confidence_level", "confidence"]),
            context: ["malware_printable", "malware", "threat_type", "threat"]
                .iter()
                .filter_map(|name| names.iter().position(|column| column == name))
                .collect(),
            tags: find(&["tags"]),
            reference: find(&["reference", "urlhaus_link", "link"]),
        })
    }
}

fn read_csv(input: &[u8], options: &ImportOptions, imported: &mut Imported) {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(input);
    let mut columns: Option<Columns> = None;
    let mut last_comment: Option<Vec<String>> = None;
    let mut record = ::csv::ByteRecord::new();
    loop {
        let line_no = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                imported.diagnostics.push(ImportDiagnostic {
                    location: Location::Line(error.position().map_or(line_no, |p| p.line())),
                    message: format!("unreadable CSV ({error}); the rest of the file is skipped"),
                });
                break;
            }
        }
        let line_no = record.position().map_or(line_no, |p| p.line());
        let fields: Vec<String> = match record
            .iter()
            .map(|field| std::str::from_utf8(field).map(unquote))
            .collect::<Result<_, _>>()
        {
            Ok(fields) => fields,
            Err(_) => {
                imported.diagnostics.push(ImportDiagnostic {
                    location: Location::Line(line_no),
                    message: "the row is not UTF-8; skipped".to_owned(),
                });
                continue;
            }
        };
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if fields.first().is_some_and(|first| is_comment(first)) {
            // A commented header: `# "a","b"` or `# a,b`; the `#` sticks to the first name.
            let mut names: Vec<String> = fields.iter().map(|field| header_name(field)).collect();
            if let Some(first) = names.first_mut() {
                *first = header_name(first.trim_start_matches(['#', ';', '/']));
            }
            last_comment = Some(names);
            continue;
        }
        if columns.is_none() {
            let names: Vec<String> = fields.iter().map(|field| header_name(field)).collect();
            if let Some(found) = Columns::from_header(&names) {
                columns = Some(found);
                continue;
            }
            columns = Some(
                last_comment
                    .take()
                    .and_then(|names| Columns::from_header(&names))
                    .unwrap_or_default(),
            );
        }
        let columns = columns.as_ref().expect("set just above");
        imported.n_records += 1;
        match read_row(&fields, columns) {
            Ok((detected, row)) => {
                push_indicator(imported, options, &detected, &row, Location::Line(line_no));
            }
            Err(message) => imported.diagnostics.push(ImportDiagnostic {
                location: Location::Line(line_no),
                message: format!("{message}; skipped"),
            }),
        }
    }
}

fn read_row(fields: &[String], columns: &Columns) -> Result<(Detected, Record), String> {
    let field = |idx: Option<usize>| {
        idx.and_then(|idx| fields.get(idx))
            .map(String::as_str)
            .filter(|text| !text.is_empty())
    };
    let mut detected = match columns.value {
        Some(idx) => {
            let text = field(Some(idx)).ok_or("the value column is empty")?;
            detect_typed(text, field(columns.kind))?
        }
        None => fields
            .iter()
            .find_map(|text| detect(text).ok())
            .ok_or("no field of the row is an indicator value")?,
    };
    if detected.port.is_none()
        && let Some(port) = field(columns.port)
        && matches!(detected.value, Value::Ipv4(_) | Value::Ipv6(_))
    {
        detected.port = Some(
            port.parse()
                .map_err(|_| format!("{port:?} is not a port number"))?,
        );
    }
    let mut row = Record {
        first_seen: field(columns.first_seen).and_then(parse_time),
        confidence: field(columns.confidence)
            .and_then(|text| text.parse::<u8>().ok())
            .filter(|confidence| *confidence <= 100),
        context: Vec::new(),
        tags: field(columns.tags)
            .map(|tags| {
                tags.split(',')
                    .map(str::trim)
                    .filter(|tag| !tag.is_empty() && *tag != "None")
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        reference: field(columns.reference)
            .filter(|url| url.starts_with("http"))
            .map(str::to_owned),
    };
    for idx in &columns.context {
        if let Some(text) = field(Some(*idx))
            && !row
                .context
                .iter()
                .any(|known| known.eq_ignore_ascii_case(text))
        {
            row.context.push(text.to_owned());
        }
    }
    Ok((detected, row))
}

/// Detects a value whose kind a `type` column may name (ThreatFox's `ioc_type`).
fn detect_typed(text: &str, kind: Option<&str>) -> Result<Detected, String> {
    let detected = detect(text)?;
    let expected = match kind.map(str::to_ascii_lowercase).as_deref() {
        Some("ip:port") => Some(detected.port.is_some()),
        Some("domain" | "hostname") => Some(matches!(detected.value, Value::Domain(_))),
        Some("url") => Some(matches!(detected.value, Value::Url(_))),
        Some("md5_hash") => Some(matches!(detected.value, Value::Hash(HashAlgorithm::Md5, _))),
        Some("sha1_hash") => Some(matches!(
            detected.value,
            Value::Hash(HashAlgorithm::Sha1, _)
        )),
        Some("sha256_hash") => Some(matches!(
            detected.value,
            Value::Hash(HashAlgorithm::Sha256, _)
        )),
        _ => None,
    };
    match expected {
        Some(false) => Err(format!(
            "{:?} is not of the type {:?} its row gives",
            clip(text),
            kind.unwrap_or_default()
        )),
        _ => Ok(detected),
    }
}

fn push_indicator(
    imported: &mut Imported,
    options: &ImportOptions,
    detected: &Detected,
    record: &Record,
    location: Location,
) {
    let Some(pattern) = pattern_of(detected) else {
        return;
    };
    let id = derived_id("indicator", &format!("{}\u{0}{pattern}", options.source));
    // STIX wants `created` and `modified` to the millisecond; `valid_from` as the source
    // gives it.
    let valid_from = record.first_seen.unwrap_or(options.now);
    let created = valid_from.with_frac_digits(3);
    let value_text = match detected.port {
        Some(port) => match &detected.value {
            Value::Ipv6(_) => format!("[{}]:{port}", detected.value.text()),
            _ => format!("{}:{port}", detected.value.text()),
        },
        None => detected.value.text().into_owned(),
    };
    let name = if record.context.is_empty() {
        value_text
    } else {
        format!("{}: {value_text}", record.context.join(" "))
    };
    let mut object = json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": id.as_str(),
        "created": created.to_string(),
        "modified": created.to_string(),
        "name": name,
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": valid_from.to_string(),
        "object_marking_refs": [options.tlp.marking_id().as_str()],
    });
    let map = object.as_object_mut().expect("built as an object");
    if let Some(created_by) = &options.created_by {
        map.insert(
            "created_by_ref".to_owned(),
            Json::String(created_by.to_string()),
        );
    }
    if let Some(confidence) = record.confidence.or(options.confidence) {
        map.insert("confidence".to_owned(), json!(confidence));
    }
    if !record.tags.is_empty() {
        map.insert("labels".to_owned(), json!(record.tags));
    }
    if let Some(url) = &record.reference {
        map.insert(
            "external_references".to_owned(),
            json!([{ "source_name": options.source, "url": url }]),
        );
    }
    match StixObject::from_value(object) {
        Ok(object) => imported.objects.push(object),
        Err(error) => imported.diagnostics.push(ImportDiagnostic {
            location,
            message: format!("could not build an indicator: {error}; skipped"),
        }),
    }
}

/// The pattern of a detected value: the value's own pattern, or for `address:port` the
/// network traffic to that address and port.
fn pattern_of(detected: &Detected) -> Option<String> {
    match (detected.port, &detected.value) {
        (Some(port), Value::Ipv4(_) | Value::Ipv6(_)) => {
            let object_type = if matches!(detected.value, Value::Ipv4(_)) {
                "ipv4-addr"
            } else {
                "ipv6-addr"
            };
            Some(format!(
                "[network-traffic:dst_ref.type = {} AND network-traffic:dst_ref.value = {} AND network-traffic:dst_port = {port}]",
                quote(object_type),
                quote(&detected.value.text())
            ))
        }
        _ => value_pattern(&detected.value),
    }
}

/// Reads `2024-11-20 10:22:05` (UTC, as abuse.ch writes it) or an RFC 3339 time.
fn parse_time(text: &str) -> Option<StixTimestamp> {
    if let Ok(time) = StixTimestamp::parse(text) {
        return Some(time);
    }
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(StixTimestamp::from_datetime(time.with_timezone(&Utc), 0));
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| {
            NaiveDateTime::parse_from_str(&format!("{text} 00:00:00"), "%Y-%m-%d %H:%M:%S")
        })
        .ok()?;
    Some(StixTimestamp::from_datetime(
        Utc.from_utc_datetime(&naive),
        0,
    ))
}

/// Strips the quotes a field kept because a space preceded them (`, "x"`).
fn unquote(text: &str) -> String {
    let trimmed = text.trim();
    match trimmed
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(inner) => inner.replace("\"\"", "\""),
        None => trimmed.to_owned(),
    }
}

fn header_name(text: &str) -> String {
    unquote(text).trim().to_ascii_lowercase()
}

fn clip(text: &str) -> String {
    text.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_kind() {
        let kind = |text: &str| detect(text).map(|d| (d.value.kind().as_str(), d.port));
        assert_eq!(kind("hxxp://evil[.]example/x"), Ok(("url", None)));
        assert_eq!(kind("198.51.100.7"), Ok(("ipv4", None)));
        assert_eq!(kind("198.51.100.0/24"), Ok(("ipv4", None)));
        assert_eq!(kind("198.51.100.7:443"), Ok(("ipv4", Some(443))));
        assert_eq!(kind("[2001:db8::1]:8443"), Ok(("ipv6", Some(8443))));
        assert_eq!(kind("2001:db8::1"), Ok(("ipv6", None)));
        assert_eq!(kind("bad[@]evil.example"), Ok(("email", None)));
        assert_eq!(kind("d41d8cd98f00b204e9800998ecf8427e"), Ok(("md5", None)));
        assert_eq!(kind(&"a".repeat(64)), Ok(("sha256", None)));
        assert_eq!(kind("Evil.Example."), Ok(("domain", None)));
        assert!(kind("not a value").is_err());
        assert!(kind("198.51.100.7:99999").is_err());
        assert!(kind(&"a".repeat(33)).is_err());
    }

    #[test]
    fn reads_times_as_abuse_ch_writes_them() {
        assert_eq!(
            parse_time("2024-11-20 10:22:05").unwrap().to_string(),
            "2024-11-20T10:22:05Z"
        );
        assert_eq!(
            parse_time("2024-11-20").unwrap().to_string(),
            "2024-11-20T00:00:00Z"
        );
        assert!(parse_time("yesterday").is_none());
    }
}
