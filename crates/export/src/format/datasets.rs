//! `suricata-datasets`: list files for Suricata 7 datasets and file-hash keywords, and the
//! rules that load them. A handful of rules over large lists is how Suricata takes a million
//! indicators; the per-indicator rules of `suricata` carry names and TLP instead.
//!
//! Files (every one is always written, empty or not, so that the rules load):
//!
//! | file | content | read by |
//! |---|---|---|
//! | `phalanx-domains.lst` | domain names, base64 (a `string` dataset) | `dns.query`, `tls.sni`, `http.host` |
//! | `phalanx-ip.lst` | IPv4 and IPv6 addresses (an `ip` dataset) | `ip.src`, `ip.dst` |
//! | `phalanx-md5.lst`, `phalanx-sha1.lst`, `phalanx-sha256.lst` | hex hashes, one a line | `filemd5`, `filesha1`, `filesha256` |
//! | `phalanx-datasets.rules` | the rules | |
//!
//! Datasets compare exact bytes: names are lower case, as DNS queries almost always are
//! (Suricata 7 has no `to_lowercase` transform). CIDR blocks, URLs and e-mail addresses have
//! no dataset form and are left out (`kind-unsupported`; the `suricata` and `nftables`
//! exports carry blocks).

use std::io::Write;

use base64::Engine as _;

use super::text::Seen;
use super::{Entry, FormatWriter};
use crate::Error;
use crate::format::suricata::{HASH_LISTS, Sids, hash_list_rules};
use crate::options::ExportOptions;
use crate::output::{Counted, Directory, DirectoryFile};
use crate::summary::{Reason, Summary};
use crate::value::{HashAlgorithm, Value};

/// The domain list.
pub(crate) const DOMAINS: &str = "phalanx-domains.lst";
/// The address list.
pub(crate) const ADDRESSES: &str = "phalanx-ip.lst";
/// The rules file.
pub(crate) const RULES: &str = "phalanx-datasets.rules";

pub(crate) struct DatasetsWriter<'a> {
    directory: &'a mut dyn Directory,
    domains: Counted<Box<dyn DirectoryFile>>,
    addresses: Counted<Box<dyn DirectoryFile>>,
    hashes: Vec<(HashAlgorithm, Counted<Box<dyn DirectoryFile>>)>,
    seen: Seen,
    sids: Sids,
    line: Vec<u8>,
}

impl<'a> DatasetsWriter<'a> {
    pub(crate) fn new(
        directory: &'a mut dyn Directory,
        options: &ExportOptions,
    ) -> Result<Self, Error> {
        let domains = Counted::new(directory.create(DOMAINS)?);
        let addresses = Counted::new(directory.create(ADDRESSES)?);
        let mut hashes = Vec::new();
        for (algorithm, _, list) in HASH_LISTS {
            hashes.push((algorithm, Counted::new(directory.create(list)?)));
        }
        Ok(Self {
            directory,
            domains,
            addresses,
            hashes,
            seen: Seen::default(),
            sids: Sids::new(options.suricata.sid_base, options.suricata.sid_span),
            line: Vec::with_capacity(256),
        })
    }
}

impl FormatWriter for DatasetsWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error> {
        let id = entry.object.id();
        let mut n_written = 0;
        for value in entry.values {
            self.line.clear();
            let out = match value {
                Value::Domain(domain) => {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(domain);
                    self.line.extend_from_slice(encoded.as_bytes());
                    &mut self.domains
                }
                Value::Ipv4(net) if net.prefix_len() == 32 => {
                    value.write_text(&mut self.line)?;
                    &mut self.addresses
                }
                Value::Ipv6(net) if net.prefix_len() == 128 => {
                    value.write_text(&mut self.line)?;
                    &mut self.addresses
                }
                Value::Hash(algorithm, hash) => {
                    match self.hashes.iter_mut().find(|(known, _)| known == algorithm) {
                        Some((_, out)) => {
                            self.line.extend_from_slice(hash.as_bytes());
                            out
                        }
                        None => {
                            summary.leave_out_value(value.kind(), Reason::KindUnsupported, id);
                            continue;
                        }
                    }
                }
                Value::Ipv4(_)
                | Value::Ipv6(_)
                | Value::Url(_)
                | Value::Email(_)
                | Value::DomainSuffix(_) => {
                    summary.leave_out_value(value.kind(), Reason::KindUnsupported, id);
                    continue;
                }
            };
            if !self.seen.insert(value) {
                summary.leave_out_value(value.kind(), Reason::Duplicate, id);
                continue;
            }
            self.line.push(b'\n');
            out.write_all(&self.line)?;
            n_written += 1;
        }
        Ok(n_written)
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        let mut rules = Counted::new(self.directory.create(RULES)?);
        writeln!(
            rules,
            "# Phalanx datasets for Suricata 7+: keep the .lst files beside this file."
        )?;
        for (proto, buffer) in [
            ("dns", "dns.query"),
            ("tls", "tls.sni"),
            ("http", "http.host"),
        ] {
            let sid = self.sids.assign("dataset", buffer, DOMAINS)?;
            writeln!(
                rules,
                "alert {proto} any any -> any any (msg:\"PHALANX {} name on the Phalanx domain list\"; {buffer}; dataset:isset,phalanx-domains,type string,load {DOMAINS}; classtype:bad-unknown; sid:{sid}; rev:1; metadata:phalanx_list {DOMAINS};)",
                proto.to_ascii_uppercase()
            )?;
        }
        for buffer in ["ip.dst", "ip.src"] {
            let sid = self.sids.assign("dataset", buffer, ADDRESSES)?;
            writeln!(
                rules,
                "alert ip any any -> any any (msg:\"PHALANX IP address on the Phalanx address list\"; {buffer}; dataset:isset,phalanx-ip,type ip,load {ADDRESSES}; classtype:bad-unknown; sid:{sid}; rev:1; metadata:phalanx_list {ADDRESSES};)"
            )?;
        }
        hash_list_rules(
            &mut rules,
            &mut self.sids,
            HASH_LISTS.iter().map(|(algorithm, ..)| *algorithm),
        )?;
        let mut n_bytes = rules.n_bytes;
        rules.inner.commit()?;
        let Self {
            domains,
            addresses,
            hashes,
            ..
        } = *self;
        for file in [domains, addresses]
            .into_iter()
            .chain(hashes.into_iter().map(|(_, file)| file))
        {
            n_bytes += file.n_bytes;
            file.inner.commit()?;
        }
        summary.n_bytes = n_bytes;
        Ok(())
    }
}
