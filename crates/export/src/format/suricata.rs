//! `suricata`: one rule per indicator value, for Suricata 7 and later.
//!
//! | value | rules |
//! |---|---|
//! | domain | `dns.query`, `tls.sni` and `http.host` equal to the name (three rules) |
//! | domain suffix | the same three buffers ending with `.suffix` |
//! | `http` URL | `http.host` equal to the host and `http.uri.raw` equal to path and query, on the URL's port |
//! | address or CIDR block | an IP-only rule, traffic to or from it (`<>`) |
//! | MD5, SHA-1, SHA-256 | one rule per hash list and file protocol (`filemd5`, `filesha1`, `filesha256`); the lists are files of `suricata-datasets` |
//!
//! Matches are exact, as the STIX pattern is: a domain rule does not fire on subdomains, a
//! URL rule needs the same host, port, path and query. URLs of other schemes are left out
//! (`url-not-http`: Suricata sees no path inside TLS), as are e-mail addresses and other hash
//! algorithms (`kind-unsupported`). Hash values are counted as `in-datasets`: Suricata only
//! loads file hashes from list files.
//!
//! # Rule identifiers
//!
//! `sid`s are in `[sid_base, sid_base + sid_span)`, by default `[1 200 000 000, 2 100 000 000)`:
//! above the ranges the community allocates (sidallocation.org: 1–3 999 999 for Talos,
//! local rules, ET Open and ET Pro) and below 2^31, so that tools storing a `sid` in a signed
//! 32-bit integer keep working. A rule's `sid` is `sid_base + xxh3_64(indicator id, rule
//! kind, value) mod sid_span`: the same indicator value always gets the same `sid`, from one
//! export to the next and across nodes. When two rules of one export land on the same `sid`
//! (about one pair in 2 000 among 1 000 000 rules), the later one in the export takes the next
//! free `sid`; exports read from the store come in the order objects were added, so the rule
//! that was there first keeps its `sid`. The hash-list rules take their `sid`s the same way
//! from the list's name and protocol.
//!
//! `rev` is the indicator version's `modified` time in seconds since 1970 (at least 1): it
//! grows with every new version, as Suricata's `rev` must. `msg` is `PHALANX <PROTO> <TLP>
//! <name>`, with the dots of names written ` .` so that a domain in a message cannot be read
//! as a live name; `metadata` carries the indicator id, its TLP, `created_at` and
//! `updated_at`, and its confidence on the Low/Medium/High scale of STIX 2.1 appendix A.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;

use xxhash_rust::xxh3::Xxh3;

use super::{Entry, FormatWriter, one_line};
use crate::Error;
use crate::options::ExportOptions;
use crate::output::Counted;
use crate::summary::{Reason, Summary};
use crate::value::{HashAlgorithm, Value};

/// The first `sid` of the default range.
pub const DEFAULT_SID_BASE: u32 = 1_200_000_000;
/// The size of the default range.
pub const DEFAULT_SID_SPAN: u32 = 900_000_000;

/// The application protocols whose files Suricata hashes.
const FILE_PROTOCOLS: [&str; 6] = ["http", "http2", "smtp", "ftp-data", "smb", "nfs"];

/// The hash algorithms Suricata matches file hashes of, with the keyword and list file.
pub(crate) const HASH_LISTS: [(HashAlgorithm, &str, &str); 3] = [
    (HashAlgorithm::Md5, "filemd5", "phalanx-md5.lst"),
    (HashAlgorithm::Sha1, "filesha1", "phalanx-sha1.lst"),
    (HashAlgorithm::Sha256, "filesha256", "phalanx-sha256.lst"),
];

pub(crate) struct SuricataWriter<'a> {
    out: Counted<std::io::BufWriter<&'a mut dyn Write>>,
    sids: Sids,
    hash_lists: BTreeSet<HashAlgorithm>,
    header_written: bool,
    rule: String,
}

impl<'a> SuricataWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, options: &ExportOptions) -> Self {
        Self {
            out: Counted::new(std::io::BufWriter::with_capacity(1 << 16, out)),
            sids: Sids::new(options.suricata.sid_base, options.suricata.sid_span),
            hash_lists: BTreeSet::new(),
            header_written: false,
            rule: String::with_capacity(512),
        }
    }

    fn header(&mut self) -> Result<(), Error> {
        if !self.header_written {
            self.header_written = true;
            writeln!(
                self.out,
                "# Phalanx indicators for Suricata 7+; sids {} to {}.",
                self.sids.base,
                u64::from(self.sids.base) + u64::from(self.sids.span) - 1
            )?;
        }
        Ok(())
    }
}

impl FormatWriter for SuricataWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error> {
        self.header()?;
        let id = entry.object.id();
        let common = RuleCommon::new(entry);
        let mut n_written = 0;
        for value in entry.values {
            match value {
                Value::Domain(domain) | Value::DomainSuffix(domain) => {
                    // A name matches exactly; a suffix matches the names strictly below it.
                    let (content, anchors, kind) = match value {
                        Value::Domain(_) => (content(domain), "startswith; endswith; ", "name"),
                        _ => (content(&format!(".{domain}")), "endswith; ", "suffix"),
                    };
                    for (proto, buffer, nocase) in [
                        ("dns", "dns.query", true),
                        ("tls", "tls.sni", true),
                        ("http", "http.host", false),
                    ] {
                        let sid =
                            self.sids
                                .assign(id.as_str(), &format!("{buffer} {kind}"), domain)?;
                        self.rule.clear();
                        common.open(&mut self.rule, proto, "any", &proto.to_ascii_uppercase());
                        self.rule.push_str(buffer);
                        self.rule.push_str("; content:\"");
                        self.rule.push_str(&content);
                        self.rule
                            .push_str(if nocase { "\"; nocase; " } else { "\"; " });
                        self.rule.push_str(anchors);
                        common.close(&mut self.rule, sid);
                        self.out.write_all(self.rule.as_bytes())?;
                        n_written += 1;
                    }
                }
                Value::Url(url) => match split_http_url(url) {
                    Ok(parts) => {
                        let sid = self.sids.assign(id.as_str(), "http.uri.raw", url)?;
                        self.rule.clear();
                        common.open(&mut self.rule, "http", &parts.port.to_string(), "HTTP URL");
                        self.rule.push_str("http.host; content:\"");
                        self.rule.push_str(&content(&parts.host));
                        self.rule
                            .push_str("\"; startswith; endswith; http.uri.raw; content:\"");
                        self.rule.push_str(&content(&parts.target));
                        self.rule
                            .push_str("\"; fast_pattern; startswith; endswith; ");
                        common.close(&mut self.rule, sid);
                        self.out.write_all(self.rule.as_bytes())?;
                        n_written += 1;
                    }
                    Err(reason) => summary.leave_out_value(value.kind(), reason, id),
                },
                Value::Ipv4(_) | Value::Ipv6(_) => {
                    let text = value.text();
                    let sid = self.sids.assign(id.as_str(), "ip", &text)?;
                    self.rule.clear();
                    self.rule.push_str("alert ip ");
                    self.rule.push_str(&text);
                    self.rule.push_str(" any <> any any (msg:\"PHALANX IP ");
                    self.rule.push_str(&common.msg);
                    self.rule.push_str("\"; ");
                    common.close(&mut self.rule, sid);
                    self.out.write_all(self.rule.as_bytes())?;
                    n_written += 1;
                }
                Value::Hash(algorithm, _)
                    if HASH_LISTS.iter().any(|(known, ..)| known == algorithm) =>
                {
                    self.hash_lists.insert(*algorithm);
                    summary.leave_out_value(value.kind(), Reason::InDatasets, id);
                }
                Value::Email(_) | Value::Hash(..) => {
                    summary.leave_out_value(value.kind(), Reason::KindUnsupported, id);
                }
            }
        }
        Ok(n_written)
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        self.header()?;
        let algorithms: Vec<HashAlgorithm> = self.hash_lists.iter().copied().collect();
        summary.n_values += hash_list_rules(&mut self.out, &mut self.sids, algorithms.into_iter())?;
        self.out.flush()?;
        summary.n_bytes = self.out.n_bytes;
        Ok(())
    }
}

/// Writes, for each algorithm, one rule per file protocol that matches files whose hash is
/// on the algorithm's list, and returns how many rules it wrote.
pub(crate) fn hash_list_rules(
    out: &mut impl Write,
    sids: &mut Sids,
    algorithms: impl Iterator<Item = HashAlgorithm>,
) -> Result<u64, Error> {
    let mut n_rules = 0;
    for algorithm in algorithms {
        let Some((_, keyword, list)) = HASH_LISTS.iter().find(|(known, ..)| *known == algorithm)
        else {
            continue;
        };
        let name = algorithm.stix_name().expect("listed algorithms have names");
        for proto in FILE_PROTOCOLS {
            let sid = sids.assign("hash-list", proto, list)?;
            writeln!(
                out,
                "alert {proto} any any -> any any (msg:\"PHALANX FILE {name} of a file on the Phalanx hash list\"; {keyword}:{list}; classtype:trojan-activity; sid:{sid}; rev:1; metadata:phalanx_list {list};)"
            )?;
            n_rules += 1;
        }
    }
    Ok(n_rules)
}

/// What every rule of one indicator shares.
struct RuleCommon {
    msg: String,
    classtype: &'static str,
    rev: u32,
    metadata: String,
}

impl RuleCommon {
    fn new(entry: &Entry<'_>) -> Self {
        let id = entry.object.id();
        let title = entry.title().map_or_else(|| id.to_string(), one_line);
        let msg = format!("{} {}", entry.tlp.name(), msg_text(&title));
        let malicious = entry
            .indicator
            .and_then(|indicator| indicator.indicator_types.as_deref())
            .unwrap_or_default()
            .iter()
            .any(|kind| kind == "malicious-activity" || kind == "compromised");
        let modified = entry.object.version();
        let rev = modified
            .map(|t| t.as_datetime().timestamp())
            .map_or(1, |seconds| {
                u32::try_from(seconds.max(1)).unwrap_or(u32::MAX)
            });
        let mut metadata = format!("phalanx_id {id}, tlp {}", entry.tlp.as_str());
        if let Some(created) = entry.object.created() {
            metadata.push_str(&format!(
                ", created_at {}",
                created.as_datetime().format("%Y_%m_%d")
            ));
        }
        if let Some(modified) = modified {
            metadata.push_str(&format!(
                ", updated_at {}",
                modified.as_datetime().format("%Y_%m_%d")
            ));
        }
        if let Some(confidence) = entry.confidence() {
            metadata.push_str(", confidence ");
            metadata.push_str(confidence_word(confidence));
        }
        Self {
            msg,
            classtype: if malicious {
                "trojan-activity"
            } else {
                "bad-unknown"
            },
            rev,
            metadata,
        }
    }

    /// Writes `alert <proto> any any -> any <port> (msg:"PHALANX <label> <msg>"; `.
    fn open(&self, rule: &mut String, proto: &str, port: &str, label: &str) {
        rule.push_str("alert ");
        rule.push_str(proto);
        rule.push_str(" any any -> any ");
        rule.push_str(port);
        rule.push_str(" (msg:\"PHALANX ");
        rule.push_str(label);
        rule.push(' ');
        rule.push_str(&self.msg);
        rule.push_str("\"; ");
    }

    /// Writes `classtype`, `sid`, `rev`, `metadata` and the end of the rule.
    fn close(&self, rule: &mut String, sid: u32) {
        rule.push_str("classtype:");
        rule.push_str(self.classtype);
        rule.push_str("; sid:");
        rule.push_str(&sid.to_string());
        rule.push_str("; rev:");
        rule.push_str(&self.rev.to_string());
        rule.push_str("; metadata:");
        rule.push_str(&self.metadata);
        rule.push_str(";)\n");
    }
}

/// The `sid`s of one export: derived from what the rule matches, moved to the next free one
/// on a collision.
pub(crate) struct Sids {
    base: u32,
    span: u32,
    used: HashSet<u32>,
}

impl Sids {
    pub(crate) fn new(base: u32, span: u32) -> Self {
        // A zero span would leave no sid; a range past u32::MAX would wrap.
        let span = span.max(1).min(u32::MAX - base.min(u32::MAX - 1));
        Self {
            base,
            span,
            used: HashSet::new(),
        }
    }

    /// Returns the `sid` of the rule matching `value` with `kind` for `indicator_id`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOption`] when every `sid` of the range is taken (a range too small
    /// for the export).
    pub(crate) fn assign(
        &mut self,
        indicator_id: &str,
        kind: &str,
        value: &str,
    ) -> Result<u32, Error> {
        let mut hasher = Xxh3::new();
        for part in [indicator_id, kind, value] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        let span = u64::from(self.span);
        let mut offset = hasher.digest() % span;
        if self.used.len() as u64 >= span {
            return Err(Error::InvalidOption {
                name: "sid range",
                reason: format!("its {span} sids are all taken: give a larger range"),
            });
        }
        loop {
            let sid = self.base + u32::try_from(offset).expect("offset < span <= u32::MAX");
            if self.used.insert(sid) {
                return Ok(sid);
            }
            offset = (offset + 1) % span;
        }
    }
}

/// A URL split the way Suricata's HTTP buffers see it.
struct HttpUrl {
    host: String,
    port: u16,
    target: String,
}

/// Splits an `http` URL into host, port and request target, or says why it cannot be
/// matched exactly.
fn split_http_url(url: &str) -> Result<HttpUrl, Reason> {
    let rest = url.strip_prefix("http://").ok_or(Reason::UrlNotHttp)?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if authority.contains('@') || authority.starts_with('[') {
        // Credentials never reach the Host header, and `http.host` normalises IPv6 literals
        // differently from the URL's bracketed form.
        return Err(Reason::InvalidForFormat);
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().map_err(|_| Reason::InvalidForFormat)?),
        None => (authority, 80),
    };
    let target = &rest[authority_end..];
    let target = if target.is_empty() {
        "/".to_owned()
    } else if target.starts_with('?') {
        format!("/{target}")
    } else {
        target.to_owned()
    };
    Ok(HttpUrl {
        host: host.to_owned(),
        port,
        target,
    })
}

/// Escapes a `content` string: bytes with a meaning in rules, and anything not printable
/// ASCII, are written as `|hex|`.
fn content(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_hex = false;
    for byte in text.bytes() {
        // Suricata needs `"`, `;`, `\` and `|` escaped; the other punctuation its style
        // guides ask for in hex is escaped too, so that rules read the same in every tool.
        let plain = (0x20..0x7f).contains(&byte)
            && !matches!(
                byte,
                b'"' | b';'
                    | b'\\'
                    | b'|'
                    | b':'
                    | b' '
                    | b'\''
                    | b'{'
                    | b'/'
                    | b'`'
                    | b'$'
                    | b'('
                    | b')'
            );
        if plain {
            if in_hex {
                out.push('|');
                in_hex = false;
            }
            out.push(char::from(byte));
        } else {
            out.push_str(if in_hex { " " } else { "|" });
            out.push_str(&format!("{byte:02X}"));
            in_hex = true;
        }
    }
    if in_hex {
        out.push('|');
    }
    out
}

/// Makes text safe for `msg`: escapes `"`, `;` and `\`, spaces out the dots of names
/// (`evil .example`), and keeps at most 160 characters.
fn msg_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous: Option<char> = None;
    for (n, c) in text.chars().enumerate() {
        if n >= 160 {
            out.push_str("...");
            break;
        }
        match c {
            '"' | ';' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '.' if previous.is_some_and(|p| p.is_alphanumeric() || p == '_') => out.push_str(" ."),
            _ => out.push(c),
        }
        previous = Some(c);
    }
    out
}

/// The Low/Medium/High scale of STIX 2.1 appendix A.
fn confidence_word(confidence: i64) -> &'static str {
    match confidence {
        i64::MIN..=0 => "None",
        1..=29 => "Low",
        30..=69 => "Medium",
        _ => "High",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_escapes_what_rules_give_meaning_to() {
        assert_eq!(content("evil.example"), "evil.example");
        assert_eq!(content("/a;b\"c|d\\e"), "|2F|a|3B|b|22|c|7C|d|5C|e");
        assert_eq!(content("a: (b)"), "a|3A 20 28|b|29|");
        assert_eq!(content("x\u{e9}"), "x|C3 A9|");
    }

    #[test]
    fn msg_spaces_out_names_and_escapes() {
        assert_eq!(
            msg_text("C2 at evil.example; \"x\""),
            "C2 at evil .example\\; \\\"x\\\""
        );
        assert_eq!(msg_text("version 1.2"), "version 1 .2");
        assert_eq!(msg_text("end."), "end .");
        assert_eq!(msg_text("... ."), "... .");
    }

    #[test]
    fn urls_split_into_host_port_and_target() {
        let url = split_http_url("http://evil.example:8080/a;b?c=1#f").unwrap();
        assert_eq!(
            (url.host.as_str(), url.port, url.target.as_str()),
            ("evil.example", 8080, "/a;b?c=1")
        );
        let url = split_http_url("http://evil.example?q").unwrap();
        assert_eq!((url.port, url.target.as_str()), (80, "/?q"));
        assert!(matches!(
            split_http_url("https://evil.example/"),
            Err(Reason::UrlNotHttp)
        ));
        assert!(matches!(
            split_http_url("http://[2001:db8::1]/"),
            Err(Reason::InvalidForFormat)
        ));
    }

    #[test]
    fn sids_are_stable_and_unique() {
        let mut sids = Sids::new(DEFAULT_SID_BASE, DEFAULT_SID_SPAN);
        let first = sids
            .assign("indicator--a", "dns.query", "evil.example")
            .unwrap();
        let mut again = Sids::new(DEFAULT_SID_BASE, DEFAULT_SID_SPAN);
        assert_eq!(
            again
                .assign("indicator--a", "dns.query", "evil.example")
                .unwrap(),
            first
        );
        assert!((DEFAULT_SID_BASE..DEFAULT_SID_BASE + DEFAULT_SID_SPAN).contains(&first));
        // In a range of 3 sids, three rules get the three sids whatever their hashes.
        let mut tiny = Sids::new(10, 3);
        let mut got: Vec<u32> = (0..3)
            .map(|n| tiny.assign("i", "k", &n.to_string()).unwrap())
            .collect();
        got.sort_unstable();
        assert_eq!(got, [10, 11, 12]);
        assert!(tiny.assign("i", "k", "3").is_err());
    }

    #[test]
    fn confidence_follows_appendix_a() {
        let words: Vec<&str> = [0, 1, 29, 30, 69, 70, 100].map(confidence_word).to_vec();
        assert_eq!(
            words,
            ["None", "Low", "Low", "Medium", "Medium", "High", "High"]
        );
    }
}
