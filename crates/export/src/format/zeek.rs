//! `zeek-intel`: a file for Zeek's Intel framework (`Intel::read_files`).
//!
//! Tab-separated with a `#fields` header: `indicator`, `indicator_type`, `meta.source`,
//! `meta.desc`, `meta.url`; `-` marks an unset field. Types:
//!
//! | value | `indicator_type` | note |
//! |---|---|---|
//! | domain | `Intel::DOMAIN` | |
//! | address | `Intel::ADDR` | |
//! | CIDR block | `Intel::SUBNET` | |
//! | `http` URL | `Intel::URL` | Zeek matches URLs without the scheme: `host[:port]/path?query` |
//! | e-mail | `Intel::EMAIL` | |
//! | MD5, SHA-1, SHA-256 | `Intel::FILE_HASH` | the hashes Zeek's file analysis computes |
//!
//! URLs of other schemes are left out (`url-not-http`): Zeek sees no path inside TLS, and
//! without its scheme an `https` URL would match plain-HTTP requests the pattern does not
//! name. Other hash algorithms, and domain suffixes (Zeek matches names exactly), are left out
//! (`kind-unsupported`).

use std::io::Write;

use super::{Entry, FormatWriter, one_line};
use crate::Error;
use crate::options::ExportOptions;
use crate::output::Counted;
use crate::summary::{Reason, Summary};
use crate::value::{HashAlgorithm, Value};

/// The header line.
pub(crate) const HEADER: &str =
    "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n";

pub(crate) struct ZeekWriter<'a> {
    out: Counted<std::io::BufWriter<&'a mut dyn Write>>,
    source: String,
    options: ExportOptions,
    line: Vec<u8>,
}

impl<'a> ZeekWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, options: &ExportOptions) -> Result<Self, Error> {
        let mut out = Counted::new(std::io::BufWriter::with_capacity(1 << 16, out));
        out.write_all(HEADER.as_bytes())?;
        Ok(Self {
            out,
            source: field(&options.producer.name),
            options: options.clone(),
            line: Vec::with_capacity(512),
        })
    }
}

impl FormatWriter for ZeekWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error> {
        let id = entry.object.id();
        let desc = match entry.title() {
            Some(title) => field(&format!("{} {}", entry.tlp.name(), one_line(title))),
            None => field(&format!("{} {id}", entry.tlp.name())),
        };
        let url = self
            .options
            .object_url(id)
            .map_or_else(|| "-".to_owned(), |url| field(&url));
        let mut n_written = 0;
        for value in entry.values {
            let (indicator, kind): (std::borrow::Cow<'_, str>, &str) = match value {
                Value::Domain(domain) => (domain.into(), "Intel::DOMAIN"),
                Value::Ipv4(net) if net.prefix_len() == 32 => (value.text(), "Intel::ADDR"),
                Value::Ipv6(net) if net.prefix_len() == 128 => (value.text(), "Intel::ADDR"),
                Value::Ipv4(_) | Value::Ipv6(_) => (value.text(), "Intel::SUBNET"),
                Value::Url(url) => match zeek_url(url) {
                    Ok(url) => (url.into(), "Intel::URL"),
                    Err(reason) => {
                        summary.leave_out_value(value.kind(), reason, id);
                        continue;
                    }
                },
                Value::Email(email) => (email.into(), "Intel::EMAIL"),
                Value::Hash(
                    HashAlgorithm::Md5 | HashAlgorithm::Sha1 | HashAlgorithm::Sha256,
                    hash,
                ) => (hash.into(), "Intel::FILE_HASH"),
                Value::Hash(..) | Value::DomainSuffix(_) => {
                    summary.leave_out_value(value.kind(), Reason::KindUnsupported, id);
                    continue;
                }
            };
            self.line.clear();
            for (idx, part) in [
                indicator.as_ref(),
                kind,
                self.source.as_str(),
                desc.as_str(),
                url.as_str(),
            ]
            .into_iter()
            .enumerate()
            {
                if idx > 0 {
                    self.line.push(b'\t');
                }
                self.line.extend_from_slice(part.as_bytes());
            }
            self.line.push(b'\n');
            self.out.write_all(&self.line)?;
            n_written += 1;
        }
        Ok(n_written)
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        self.out.flush()?;
        summary.n_bytes = self.out.n_bytes;
        Ok(())
    }
}

/// Returns the URL as Zeek's HTTP analysis writes it (`host[:port]/path?query`), or why it
/// cannot be matched exactly.
pub(crate) fn zeek_url(url: &str) -> Result<String, Reason> {
    let rest = url.strip_prefix("http://").ok_or(Reason::UrlNotHttp)?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    if rest[..authority_end].contains('@') {
        // Credentials never appear in the Host header: the request Zeek sees would not show
        // them, so the URL cannot be matched exactly.
        return Err(Reason::InvalidForFormat);
    }
    let host = &rest[..authority_end];
    let host = host.strip_suffix(":80").unwrap_or(host);
    let tail = &rest[authority_end..];
    let tail = if tail.is_empty() { "/" } else { tail };
    Ok(field(&format!("{host}{tail}")))
}

/// Makes text fit one TSV field: no tabs or line breaks, `(empty)` never written as a value.
fn field(text: &str) -> String {
    let line = one_line(text);
    if line.is_empty() {
        "-".to_owned()
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_scheme_and_default_port() {
        assert_eq!(
            zeek_url("http://evil.example/a?b=1#frag").unwrap(),
            "evil.example/a?b=1"
        );
        assert_eq!(zeek_url("http://evil.example:80").unwrap(), "evil.example/");
        assert_eq!(
            zeek_url("http://evil.example:8080/x").unwrap(),
            "evil.example:8080/x"
        );
        assert_eq!(zeek_url("https://evil.example/x"), Err(Reason::UrlNotHttp));
        assert_eq!(
            zeek_url("http://u:p@evil.example/x"),
            Err(Reason::InvalidForFormat)
        );
    }
}
