//! `nftables`: an `nft -f` script that fills two interval sets, `indicators_v4` and
//! `indicators_v6`, in the table `inet <table>` (by default `inet phalanx`).
//!
//! ```text
//! table inet phalanx {
//!     set indicators_v4 { type ipv4_addr; flags interval; }
//!     set indicators_v6 { type ipv6_addr; flags interval; }
//! }
//! flush set inet phalanx indicators_v4
//! flush set inet phalanx indicators_v6
//! add element inet phalanx indicators_v4 { 198.51.100.7, 203.0.113.0/24 }
//! ```
//!
//! `nft -f` applies the script as one transaction: the table and sets are created when
//! missing, then emptied and filled, so a reload never leaves the firewall without the list
//! and never touches chains the operator keeps in the table (sets can only be used by rules
//! of their own table, so the drop rules go there:
//! `ip daddr @indicators_v4 drop`). Addresses and blocks are merged into the fewest CIDR
//! blocks covering exactly the same addresses, since an interval set refuses overlapping
//! elements.

use std::io::Write;

use ipnet::{Ipv4Net, Ipv6Net};

use super::{Entry, FormatWriter};
use crate::Error;
use crate::options::ExportOptions;
use crate::output::Counted;
use crate::summary::{Reason, Summary};
use crate::value::Value;

/// The IPv4 set.
pub(crate) const SET_V4: &str = "indicators_v4";
/// The IPv6 set.
pub(crate) const SET_V6: &str = "indicators_v6";

pub(crate) struct NftablesWriter<'a> {
    out: Counted<std::io::BufWriter<&'a mut dyn Write>>,
    table: String,
    v4: Vec<Ipv4Net>,
    v6: Vec<Ipv6Net>,
}

impl<'a> NftablesWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, options: &ExportOptions) -> Result<Self, Error> {
        let table = options.nftables.table.clone();
        let mut chars = table.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid || table.len() > 64 {
            return Err(Error::InvalidOption {
                name: "nftables table",
                reason: format!(
                    "{table:?} is not an nftables name (a letter, then letters, digits or '_', at most 64)"
                ),
            });
        }
        Ok(Self {
            out: Counted::new(std::io::BufWriter::with_capacity(1 << 16, out)),
            table,
            v4: Vec::new(),
            v6: Vec::new(),
        })
    }

    fn elements<N: std::fmt::Display + Copy>(
        &mut self,
        set: &str,
        nets: &[N],
        is_host: impl Fn(N) -> bool,
        addr: impl Fn(N) -> std::net::IpAddr,
    ) -> Result<(), Error> {
        if nets.is_empty() {
            return Ok(());
        }
        writeln!(self.out, "add element inet {} {set} {{", self.table)?;
        for (idx, net) in nets.iter().enumerate() {
            let separator = if idx + 1 == nets.len() { "" } else { "," };
            if is_host(*net) {
                writeln!(self.out, "\t{}{separator}", addr(*net))?;
            } else {
                writeln!(self.out, "\t{net}{separator}")?;
            }
        }
        writeln!(self.out, "}}")?;
        Ok(())
    }
}

impl FormatWriter for NftablesWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, summary: &mut Summary) -> Result<u64, Error> {
        let mut n_written = 0;
        for value in entry.values {
            match value {
                Value::Ipv4(net) => self.v4.push(*net),
                Value::Ipv6(net) => self.v6.push(*net),
                _ => {
                    summary.leave_out_value(
                        value.kind(),
                        Reason::KindUnsupported,
                        entry.object.id(),
                    );
                    continue;
                }
            }
            n_written += 1;
        }
        Ok(n_written)
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        let v4 = Ipv4Net::aggregate(&std::mem::take(&mut self.v4));
        let v6 = Ipv6Net::aggregate(&std::mem::take(&mut self.v6));
        let table = self.table.clone();
        write!(
            self.out,
            "#!/usr/sbin/nft -f\n# Phalanx indicators: {} IPv4 and {} IPv6 elements after merging.\n\
             table inet {table} {{\n\
             \tset {SET_V4} {{ type ipv4_addr; flags interval; }}\n\
             \tset {SET_V6} {{ type ipv6_addr; flags interval; }}\n\
             }}\n\
             flush set inet {table} {SET_V4}\n\
             flush set inet {table} {SET_V6}\n",
            v4.len(),
            v6.len()
        )?;
        self.elements(
            SET_V4,
            &v4,
            |net| net.prefix_len() == 32,
            |net| net.addr().into(),
        )?;
        self.elements(
            SET_V6,
            &v6,
            |net| net.prefix_len() == 128,
            |net| net.addr().into(),
        )?;
        self.out.flush()?;
        summary.n_bytes = self.out.n_bytes;
        Ok(())
    }
}
