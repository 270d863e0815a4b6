//! Indicator extraction: IP addresses and networks, domains (checked against the Public Suffix
//! List), URLs, e-mail addresses, hashes, CVE ids, ATT&CK and ATLAS ids, ASNs, registry keys,
//! file paths, cryptocurrency addresses (checksums verified) and more, from plain text,
//! Markdown, HTML and PDF, defanged forms included (`hxxps://evil[.]example`).
//!
//! Each [`Finding`] records its canonical value, the text as written, its byte offsets and how
//! it was defanged; documentation and well-known benign values are marked ([`Benign`]), never
//! dropped. [`report_bundle`] turns a document and its findings into a STIX 2.1 bundle: a report
//! whose `object_refs` name the indicators, vulnerabilities and ATT&CK/ATLAS objects found.
//!
//! # No relationships from co-occurrence
//!
//! The bundle asserts no relationship between what it found. That an address and a malware
//! family appear in one document does not say that the address indicates that family: the
//! document may name the malware as background, compare campaigns, or list the indicators of
//! several intrusion sets. An `indicates` edge is intelligence that analysts and tools act on
//! (a match on the indicator is reported as the malware), so a co-occurrence is never written
//! as one, not even at low confidence. What the document does establish, that these indicators,
//! vulnerabilities, techniques, groups and software were reported together, is carried by the
//! report's `object_refs`, which is how STIX 2.1 expresses a report's context. Edges the text
//! states ("the C2 server of S0154 is ...") need a reading of the sentence that this crate does
//! not attempt: an analyst adds them after review.
//!
//! ```
//! let extractor = extract::Extractor::new();
//! let findings = extractor.extract("C2 at hxxps://evil-c2[.]ru/gate.php (CVE-2021-44228)");
//! let values: Vec<_> = findings.iter().map(|f| (f.kind.as_str(), f.value.as_str())).collect();
//! assert!(values.contains(&("urls", "https://evil-c2.ru/gate.php")));
//! assert!(values.contains(&("cves", "CVE-2021-44228")));
//! ```
//!
//! This crate is synchronous and does no IO: callers hand it bytes and get values back. It
//! knows nothing about the store; ATT&CK objects are looked up through [`AttackLookup`].

mod benign;
mod document;
mod error;
mod extractor;
mod finding;
mod report;
mod scan;

pub use benign::AllowList;
pub use document::{Document, Format, Limits};
pub use error::Error;
pub use extractor::Extractor;
pub use finding::{Benign, DefangForm, DefangSet, Finding, IocKind};
pub use report::{AttackIndex, AttackLookup, ReportOptions, report_bundle, stix_pattern};
