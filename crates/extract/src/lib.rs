//! Indicator extraction: IP addresses and networks, domains (checked against the Public Suffix
//! List), URLs, e-mail addresses, hashes, CVE ids, ATT&CK and ATLAS ids, ASNs, registry keys,
//! file paths, cryptocurrency addresses (checksums verified) and more, from plain text,
//! Markdown, HTML and PDF, defanged forms included (`hxxps://evil[.]example`).
//!
//! Each [`Finding`] records its canonical value, the text as written, its byte offsets and how
//! it was defanged; documentation and well-known benign values are marked ([`Benign`]), never
//! dropped. [`report_bundle`] turns a document and its findings into a STIX 2.1 bundle: a report
//! whose `object_refs` name the indicators, vulnerabilities and ATT&CK/ATLAS objects found, and
//! the `related-to` relationships between those named in one sentence.
//!
//! # Relationships only within a sentence, and only `related-to`
//!
//! What the bundle asserts between two objects is that one sentence of the report names both,
//! nothing more. Each such pair gets one `related-to` relationship, the type STIX 2.1 defines
//! for links it does not specify, with `confidence` 15 (the "Low" value of the spec's
//! None/Low/Med/High scale) and a description that names the report and quotes the sentence
//! (one line, at most 280 characters around the two mentions). The pairs related are an
//! indicator with an ATT&CK/ATLAS technique, group or software, with a vulnerability or with
//! another indicator, and a vulnerability with a technique, group or software; only objects of
//! the bundle or ids the [`AttackLookup`] resolved take part (never a dangling reference: an
//! unresolved id, a benign value left without an indicator or a value STIX cannot express
//! relates nothing), and the report's `object_refs` include the relationships.
//!
//! The sentence is the unit because it is the smallest stretch of text in which a writer
//! states a link; a document, a section or a paragraph routinely names things side by side
//! that have nothing to do with each other (background on a malware family next to another
//! campaign's indicators). How the text is cut into sentences, lists, table rows and blocks is
//! defined precisely in the `passage` module: in short, blank lines, list items, headings,
//! table rows, code lines and, in HTML, every block element bound a sentence; `.`, `!` and `?`
//! followed by white space end one, never inside a finding; a line that starts with an
//! indicator is never joined to the line before. A sentence longer than 600 bytes or naming more
//! than 8 objects is an enumeration (an indicator table flattened to text, a list of hashes):
//! it relates nothing, and the report's description says how many there were.
//!
//! What is never written from proximity, at any confidence: `indicates`, `uses`,
//! `attributed-to`, `targets`, `exploits` or any other specific type. Such an edge is
//! intelligence that analysts and tools act on (a match on an indicator that `indicates` a
//! malware is reported as that malware), and a sentence may name two things to contrast them,
//! to rule one out, or to list what another vendor reported. Vulnerabilities named together,
//! ATT&CK objects named together, tactics and mitigations are not related either: CVE lists are
//! usually patch lists, and "G0016 used T1059" is a `uses` that only a reading of the sentence
//! can state. An analyst turns a `related-to` into a specific relationship after review.
//! Identifiers are UUIDv5 of source, type and target, so extracting a report again, or another
//! report naming the same pair, refers to the same relationship rather than adding a copy.
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
mod passage;
mod report;
mod scan;

pub use benign::AllowList;
pub use document::{Document, Format, Limits};
pub use error::Error;
pub use extractor::Extractor;
pub use finding::{Benign, DefangForm, DefangSet, Finding, IocKind};
pub use report::{AttackIndex, AttackLookup, ReportOptions, report_bundle, stix_pattern};
