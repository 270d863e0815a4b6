//! `sentinel`: request bodies for Microsoft Sentinel's STIX objects upload API
//! (`POST https://api.ti.sentinel.azure.com/workspaces/{workspaceId}/threat-intelligence-stix-objects:upload?api-version=2024-02-01-preview`),
//! one JSON body per line:
//!
//! ```json
//! {"sourcesystem":"Phalanx","stixobjects":[{"type":"indicator",...}, ...]}
//! ```
//!
//! Each body holds at most 100 objects, the API's limit per request (it also takes at most
//! 100 requests a minute per user, which the sender paces). The API takes indicators,
//! attack patterns, threat actors, identities and relationships; other types are left out
//! (`not-for-format`). Objects are sent as stored, revoked versions included, so that
//! Sentinel learns of revocations; `sourcesystem` may not be `Microsoft Sentinel`.

use std::io::Write;

use super::{Entry, FormatWriter};
use crate::Error;
use crate::options::{ExportOptions, SENTINEL_MAX_OBJECTS};
use crate::output::Counted;
use crate::summary::Summary;

/// The object types the upload API takes.
pub(crate) const SUPPORTED_TYPES: [&str; 5] = [
    "indicator",
    "attack-pattern",
    "threat-actor",
    "identity",
    "relationship",
];

pub(crate) struct SentinelWriter<'a> {
    out: Counted<std::io::BufWriter<&'a mut dyn Write>>,
    opening: String,
    per_request: usize,
    in_request: usize,
}

impl<'a> SentinelWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, options: &ExportOptions) -> Result<Self, Error> {
        let source = options.sentinel.source_system.trim();
        if source.is_empty() || source.eq_ignore_ascii_case("Microsoft Sentinel") {
            return Err(Error::InvalidOption {
                name: "Sentinel source system",
                reason: "it must be given and may not be `Microsoft Sentinel`".to_owned(),
            });
        }
        let per_request = options.sentinel.objects_per_request;
        if !(1..=SENTINEL_MAX_OBJECTS).contains(&per_request) {
            return Err(Error::InvalidOption {
                name: "Sentinel objects per request",
                reason: format!("{per_request} is not between 1 and {SENTINEL_MAX_OBJECTS}"),
            });
        }
        let opening = format!(
            "{{\"sourcesystem\":{},\"stixobjects\":[",
            serde_json::Value::String(source.to_owned())
        );
        Ok(Self {
            out: Counted::new(std::io::BufWriter::with_capacity(1 << 16, out)),
            opening,
            per_request,
            in_request: 0,
        })
    }
}

impl FormatWriter for SentinelWriter<'_> {
    fn write(&mut self, entry: &Entry<'_>, _summary: &mut Summary) -> Result<u64, Error> {
        if self.in_request == self.per_request {
            self.out.write_all(b"]}\n")?;
            self.in_request = 0;
        }
        if self.in_request == 0 {
            self.out.write_all(self.opening.as_bytes())?;
        } else {
            self.out.write_all(b",")?;
        }
        self.out.write_all(entry.json().as_bytes())?;
        self.in_request += 1;
        Ok(1)
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<(), Error> {
        if self.in_request > 0 {
            self.out.write_all(b"]}\n")?;
        }
        self.out.flush()?;
        summary.n_bytes = self.out.n_bytes;
        Ok(())
    }
}
