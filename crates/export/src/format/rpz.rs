//! `rpz`: a DNS response-policy zone (the RPZ draft, as BIND, Unbound, Knot Resolver and
//! PowerDNS Recursor read it) listing every indicator domain and its subdomains.
//!
//! ```text
//! $ORIGIN rpz.phalanx.invalid.
//! $TTL 300
//! @ IN SOA localhost. hostmaster.localhost. ( 1718000000 3600 600 604800 300 )
//! @ IN NS localhost.
//! evil.example CNAME .
//! *.evil.example CNAME .
//! ```
//!
//! A domain suffix (a pattern's `LIKE '%.example'`) gets the wildcard only. The action is
//! NXDOMAIN (`CNAME .`), NODATA (`CNAME *.`) or a sinkhole (a `CNAME` to its
//! name, or `A`/`AAAA` records of its addresses). Names are sorted and written once.
//!
//! # Serial
//!
//! The SOA serial is the latest change, in seconds since 1970, among every object the reader
//! may see that was offered to the export, written or left out: when a domain is added, a
//! version revoked, or an indicator expires or becomes valid, the serial grows, so secondary
//! servers transfer the new zone; an unchanged store gives an unchanged serial (and an
//! unchanged zone). Objects deleted from the store leave no trace and do not raise it; a
//! fixed serial can be given instead ([`RpzOptions::serial`](crate::RpzOptions::serial)).
//! Seconds since 1970 fit the 32-bit serial until 2106.

use std::io::Write;
use std::net::IpAddr;

use stix::{StixObject, StixTimestamp};

use super::{Entry, FormatWriter};
use crate::Error;
use crate::options::{ExportOptions, RpzOptions, RpzPolicy};
use crate::output::Counted;
use crate::summary::{Reason, Summary};
use crate::value::{MAX_DOMAIN_LEN, Value, parse_dns_name};

pub(crate) struct RpzWriter<'a> {
    out: Counted<std::io::BufWriter<&'a mut dyn Write>>,
    options: RpzOptions,
    /// Listed names, and whether the name itself is listed (not only the names below it).
    domains: std::collections::BTreeMap<Box<str>, bool>,
    latest_change: Option<StixTimestamp>,
}

impl<'a> RpzWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, options: &ExportOptions) -> Result<Self, Error> {
        let mut rpz = options.rpz.clone();
        rpz.origin = checked_name("RPZ zone name", &rpz.origin)?;
        rpz.name_server = checked_name("RPZ name server", &rpz.name_server)?;
        rpz.hostmaster = checked_name("RPZ hostmaster", &rpz.hostmaster)?;
        match &mut rpz.policy {
            RpzPolicy::SinkholeName(name) => *name = checked_name("RPZ sinkhole", name)?,
            RpzPolicy::SinkholeAddresses(addresses) if addresses.is_empty() => {
                return Err(Error::InvalidOption {
                    name: "RPZ sinkhole",
                    reason: "give at least one address".to_owned(),
                });
            }
            _ => {}
        }
        Ok(Self {
            out: Counted::new(std::io::BufWriter::with_capacity(1 << 16, out)),
            options: rpz,
            domains: std::collections::BTreeMap::new(),
            latest_change: None,
        })
    }

    fn saw_change(&mut self, changed: StixTimestamp) {
        if self.latest_change.is_none_or(|latest| changed > latest) {
            self.latest_change = Some(changed);
        }
    }

    fn write_rule(&mut self, owner: &str) -> Result<(), Error> {
        match &self.options.policy {
            RpzPolicy::Nxdomain => writeln!(self.out, "{owner} CNAME .")?,
            RpzPolicy::Nodata => writeln!(self.out, "{owner} CNAME *.")?,
            RpzPolicy::SinkholeName(name) => writeln!(self.out, "{owner} CNAME {name}.")?,
            RpzPolicy::SinkholeAddresses(addresses) => {
                for address in addresses {
                    let kind = match address {
                        IpAddr::V4(_) => "A",
                        IpAddr::V6(_) => "AAAA",
                    };
                    writeln!(self.out, "{owner} {kind} {address}")?;
                }
            }
        }
        Ok(())
    }
}

impl FormatWriter for RpzWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error> {
        self.saw_change(entry.changed);
        let id = entry.object.id();
        let mut n_written = 0;
        for value in entry.values {
            let (domain, apex) = match value {
                Value::Domain(domain) => (domain, true),
                Value::DomainSuffix(domain) => (domain, false),
                _ => {
                    summary.leave_out_value(value.kind(), Reason::KindUnsupported, id);
                    continue;
                }
            };
            // The wildcard owner `*.<domain>.<origin>` must fit DNS's 253 characters.
            if domain.len() + 2 + 1 + self.options.origin.len() > MAX_DOMAIN_LEN {
                summary.leave_out_value(value.kind(), Reason::InvalidForFormat, id);
                continue;
            }
            match self.domains.get_mut(domain.as_str()) {
                Some(listed_apex) if *listed_apex || !apex => {
                    summary.leave_out_value(value.kind(), Reason::Duplicate, id);
                }
                Some(listed_apex) => {
                    *listed_apex = true;
                    n_written += 1;
                }
                None => {
                    self.domains.insert(domain.as_str().into(), apex);
                    n_written += 1;
                }
            }
        }
        Ok(n_written)
    }

    fn observe_left_out(&mut self, _object: &StixObject, changed: StixTimestamp) {
        self.saw_change(changed);
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        let serial = self.options.serial.unwrap_or_else(|| {
            self.latest_change.map_or(1, |changed| {
                u32::try_from(changed.as_datetime().timestamp().max(1)).unwrap_or(u32::MAX)
            })
        });
        let RpzOptions {
            origin,
            name_server,
            hostmaster,
            ttl,
            ..
        } = &self.options;
        let header = format!(
            "; Phalanx response-policy zone.\n$ORIGIN {origin}.\n$TTL {ttl}\n@ IN SOA {name_server}. {hostmaster}. ( {serial} 3600 600 604800 {ttl} )\n@ IN NS {name_server}.\n"
        );
        self.out.write_all(header.as_bytes())?;
        let domains = std::mem::take(&mut self.domains);
        for (domain, apex) in &domains {
            if *apex {
                self.write_rule(domain)?;
            }
            self.write_rule(&format!("*.{domain}"))?;
        }
        self.out.flush()?;
        summary.n_bytes = self.out.n_bytes;
        Ok(())
    }
}

fn checked_name(name: &'static str, value: &str) -> Result<String, Error> {
    parse_dns_name(value).map_err(|error| Error::InvalidOption {
        name,
        reason: error.to_string(),
    })
}
