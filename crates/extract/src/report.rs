//! From a document and its findings to a STIX 2.1 bundle: a `report` that refers to
//! everything, one `indicator` per distinct network or file indicator (STIX patterns, or YARA),
//! one `vulnerability` per CVE, references to the ATT&CK and ATLAS objects the text names
//! (resolved through an [`AttackLookup`]), and `related-to` relationships between what one
//! sentence names together (see the crate documentation for what they assert and what not).
//!
//! Identifiers are deterministic (UUIDv5 of the value; of source, type and target for
//! relationships), so extracting the same report twice, or two reports naming the same
//! indicator, gives the same objects rather than copies.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use stix::{
    Bundle, CommonProperties, ExternalReference, Indicator, Relationship, Report, StixId,
    StixObject, StixTimestamp, Vulnerability,
};
use uuid::Uuid;

use crate::document::Document;
use crate::finding::{Finding, IocKind};
use crate::passage;

/// The namespace of Phalanx's deterministic identifiers (UUIDv5).
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a4e_9b0d_4c57_8e21_5d3a_7f40_b6c9);

/// Finds the STIX object that an ATT&CK or ATLAS id names (`T1059.001`, `TA0001`, `M1036`,
/// `G0016`, `S0154`, `AML.T0051`): the store implements it; [`AttackIndex`] reads bundles.
pub trait AttackLookup {
    /// Returns the identifier of the object with this external id, if known.
    fn lookup(&self, external_id: &str) -> Option<StixId>;
}

impl AttackLookup for HashMap<String, StixId> {
    fn lookup(&self, external_id: &str) -> Option<StixId> {
        self.get(external_id).cloned()
    }
}

/// No ATT&CK data: nothing resolves.
impl AttackLookup for () {
    fn lookup(&self, _external_id: &str) -> Option<StixId> {
        None
    }
}

/// An index of ATT&CK and ATLAS objects by external id, built from STIX bundles.
#[derive(Debug, Clone, Default)]
pub struct AttackIndex {
    by_external_id: HashMap<String, StixId>,
}

impl AttackIndex {
    /// Creates an empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the objects of a bundle: attack patterns, courses of action, intrusion sets,
    /// malware, tools and tactics with a `mitre-attack`, `mitre-atlas` (or other `mitre-*`)
    /// external id. Revoked and deprecated objects are skipped.
    pub fn add_bundle(&mut self, bundle: &Bundle) {
        for object in &bundle.objects {
            if object.is_revoked()
                || object.custom_properties().get("x_mitre_deprecated") == Some(&Value::Bool(true))
            {
                continue;
            }
            let wanted = matches!(
                object.object_type(),
                "attack-pattern"
                    | "course-of-action"
                    | "intrusion-set"
                    | "malware"
                    | "tool"
                    | "x-mitre-tactic"
            );
            if !wanted {
                continue;
            }
            for reference in object.common().external_references.iter().flatten() {
                let Some(external_id) = &reference.external_id else {
                    continue;
                };
                if reference.source_name.starts_with("mitre-") {
                    self.by_external_id
                        .entry(external_id.clone())
                        .or_insert_with(|| object.id().clone());
                }
            }
        }
    }

    /// Returns the number of ids indexed.
    pub fn len(&self) -> usize {
        self.by_external_id.len()
    }

    /// Returns whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.by_external_id.is_empty()
    }
}

impl AttackLookup for AttackIndex {
    fn lookup(&self, external_id: &str) -> Option<StixId> {
        self.by_external_id.get(external_id).cloned()
    }
}

/// How the report is made.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The report's name; by default the document's title.
    pub name: Option<String>,
    /// When the report was published; also the indicators' `valid_from`.
    pub published: StixTimestamp,
    /// The `created`/`modified` time of new objects.
    pub created: StixTimestamp,
    /// The identity that creates the objects.
    pub created_by_ref: Option<StixId>,
    /// Markings applied to every object (TLP of the source, for instance).
    pub object_marking_refs: Vec<StixId>,
    /// Makes indicators of findings marked benign too (documentation, allow-listed, ...).
    pub include_benign: bool,
}

impl ReportOptions {
    /// Options with both times set to `now` and no markings.
    pub fn new(now: StixTimestamp) -> Self {
        Self {
            name: None,
            published: now,
            created: now,
            created_by_ref: None,
            object_marking_refs: Vec::new(),
            include_benign: false,
        }
    }
}

/// Builds the STIX bundle of a report: see the module documentation for what goes in.
///
/// Only findings that stand on their own become objects: a domain inside a URL or an address
/// inside a network is covered by the outer finding's indicator.
pub fn report_bundle(
    document: &Document,
    findings: &[Finding],
    options: &ReportOptions,
    lookup: &dyn AttackLookup,
) -> Bundle {
    let name = options
        .name
        .clone()
        .or_else(|| document.title.clone())
        .unwrap_or_else(|| "Untitled report".to_owned());
    let mut objects: Vec<StixObject> = Vec::new();
    let mut referenced: Vec<StixId> = Vec::new();
    let mut unresolved: Vec<String> = Vec::new();
    let mut not_expressible: BTreeMap<&'static str, usize> = BTreeMap::new();
    // What each distinct (kind, value) became, for the relationships.
    let mut made: HashMap<(IocKind, &str), (StixId, Role)> = HashMap::new();

    // One entry per distinct (kind, value), with the first way it was written.
    let mut distinct: BTreeMap<(IocKind, &str), &Finding> = BTreeMap::new();
    for finding in findings.iter().filter(|finding| stands_alone(finding)) {
        distinct
            .entry((finding.kind, finding.value.as_str()))
            .or_insert(finding);
    }
    for ((kind, value), finding) in &distinct {
        match kind {
            IocKind::Cve => {
                let id = deterministic_id("vulnerability", &format!("cve:{value}"));
                made.insert((*kind, value), (id.clone(), Role::Vulnerability));
                let mut common = new_common(id.clone(), options);
                common.external_references = Some(vec![ExternalReference {
                    source_name: "cve".to_owned(),
                    description: None,
                    url: None,
                    hashes: None,
                    external_id: Some((*value).to_owned()),
                    custom: Map::new(),
                }]);
                objects.push(StixObject::Vulnerability(Box::new(Vulnerability {
                    common,
                    name: (*value).to_owned(),
                    description: None,
                    custom: Map::new(),
                })));
            }
            IocKind::AttackTechnique
            | IocKind::AttackTactic
            | IocKind::AttackMitigation
            | IocKind::AttackGroup
            | IocKind::AttackSoftware
            | IocKind::AtlasTechnique
            | IocKind::AtlasTactic
            | IocKind::AtlasMitigation => match lookup.lookup(value) {
                Some(id) => {
                    if related_attack_object(*kind, &id) {
                        made.insert((*kind, value), (id.clone(), Role::Attack));
                    }
                    if !referenced.contains(&id) {
                        referenced.push(id);
                    }
                }
                None => unresolved.push((*value).to_owned()),
            },
            _ => {
                if finding.benign.is_some() && !options.include_benign {
                    continue;
                }
                let Some((pattern, pattern_type)) = stix_pattern(finding) else {
                    *not_expressible.entry(kind.as_str()).or_default() += 1;
                    continue;
                };
                let id = deterministic_id("indicator", &format!("{}:{value}", kind.as_str()));
                made.insert((*kind, value), (id.clone(), Role::Indicator));
                let as_written = finding.as_written(&document.text);
                let mut description =
                    format!("{} extracted from report \"{name}\"", kind_label(*kind));
                if finding.is_defanged() {
                    description.push_str(&format!("; written defanged as `{as_written}`"));
                }
                let indicator = Indicator {
                    common: new_common(id, options),
                    name: Some(truncate(&format!("{}: {value}", kind_label(*kind)), 256)),
                    description: Some(description),
                    indicator_types: None,
                    pattern,
                    pattern_type: pattern_type.to_owned(),
                    pattern_version: (pattern_type == "stix").then(|| "2.1".to_owned()),
                    valid_from: options.published,
                    valid_until: None,
                    kill_chain_phases: None,
                    custom: Map::new(),
                };
                objects.push(StixObject::Indicator(Box::new(indicator)));
            }
        }
    }
    let related = co_mentions(document, findings, &made);
    for (pair, mention) in &related.pairs {
        objects.push(StixObject::Relationship(Box::new(related_to(
            pair, mention, document, &name, options,
        ))));
    }
    let mut object_refs: Vec<StixId> = objects.iter().map(|object| object.id().clone()).collect();
    object_refs.extend(referenced);
    let digest = Sha256::digest(document.text.as_bytes());
    let digest_hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let report_id = deterministic_id("report", &format!("report:{digest_hex}"));
    let mut description = format!(
        "Extracted by Phalanx from a {} document ({} findings).",
        document.format.as_str(),
        findings.len()
    );
    if !related.pairs.is_empty() {
        description.push_str(&format!(
            " {} related-to relationships between objects named in the same sentence \
             (confidence {CO_MENTION_CONFIDENCE}, not reviewed by an analyst).",
            related.pairs.len()
        ));
    }
    if related.enumerations > 0 {
        description.push_str(&format!(
            " {} sentences naming more than {MAX_OBJECTS_PER_SENTENCE} objects or longer than \
             {MAX_SENTENCE_BYTES} bytes were read as lists and related nothing.",
            related.enumerations
        ));
    }
    if !unresolved.is_empty() {
        description.push_str(&format!(
            " ATT&CK/ATLAS ids not in the store: {}.",
            unresolved.join(", ")
        ));
    }
    if !not_expressible.is_empty() {
        let kinds: Vec<String> = not_expressible
            .iter()
            .map(|(kind, n)| format!("{kind} ({n})"))
            .collect();
        description.push_str(&format!(" Without a STIX pattern: {}.", kinds.join(", ")));
    }
    let mut common = new_common(report_id, options);
    common.external_references = Some(vec![ExternalReference {
        source_name: "source-document".to_owned(),
        description: Some(format!(
            "SHA-256 of the text extracted from the {} document",
            document.format.as_str()
        )),
        url: None,
        hashes: Some(BTreeMap::from([("SHA-256".to_owned(), digest_hex)])),
        external_id: None,
        custom: Map::new(),
    }]);
    if object_refs.is_empty() {
        // STIX requires at least one reference: a report with nothing in it refers to itself
        // through a note would be noise, so it refers to its (empty) indicator set as a note.
        let note_id = deterministic_id("note", &format!("empty:{}", common.id));
        let note = stix::Note {
            common: new_common(note_id.clone(), options),
            r#abstract: Some("No indicators".to_owned()),
            content: "The extractor found no indicators in this document.".to_owned(),
            authors: None,
            object_refs: vec![common.id.clone()],
            custom: Map::new(),
        };
        objects.push(StixObject::Note(Box::new(note)));
        object_refs.push(note_id);
    }
    let report = Report {
        common,
        name,
        description: Some(description),
        report_types: Some(vec!["threat-report".to_owned()]),
        published: options.published,
        object_refs,
        custom: Map::new(),
    };
    objects.insert(0, StixObject::Report(Box::new(report)));
    let mut bundle = Bundle::new(objects);
    bundle.id = deterministic_id("bundle", &format!("bundle:{}", bundle.objects[0].id()));
    bundle
}

/// The `confidence` of a relationship drawn from co-mention: 15, the "Low" value of the
/// None/Low/Med/High scale of STIX 2.1 appendix A.
const CO_MENTION_CONFIDENCE: i64 = 15;

/// A sentence naming more distinct objects than this is a list: it relates none of them.
const MAX_OBJECTS_PER_SENTENCE: usize = 8;

/// A sentence longer than this (in bytes) is a list or a run-on extraction: it relates nothing.
const MAX_SENTENCE_BYTES: usize = 600;

/// The longest quotation of a sentence in a relationship's description, in characters.
const MAX_QUOTE_CHARS: usize = 280;

/// What a finding became in the bundle, in the order relationships point (source to target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Indicator,
    Vulnerability,
    Attack,
}

/// Whether a finding becomes an object of its own (a domain inside a URL is covered by the URL's
/// indicator; a CVE inside a URL is still a vulnerability).
fn stands_alone(finding: &Finding) -> bool {
    finding.kind == IocKind::Cve
        || finding
            .within
            .is_none_or(|outer| outer == IocKind::YaraRule)
}

/// Whether a resolved ATT&CK/ATLAS object takes part in co-mention relationships: techniques,
/// groups and software do; tactics and mitigations do not (an indicator is not "related to" a
/// tactic in any useful sense, and what a mitigation does to a CVE is a `mitigates` that the
/// sentence has to state).
fn related_attack_object(kind: IocKind, id: &StixId) -> bool {
    matches!(
        kind,
        IocKind::AttackTechnique
            | IocKind::AttackGroup
            | IocKind::AttackSoftware
            | IocKind::AtlasTechnique
    ) && matches!(
        id.object_type(),
        "attack-pattern" | "intrusion-set" | "malware" | "tool"
    )
}

/// Whether two roles may be related by co-mention: an indicator with anything, a vulnerability
/// with an ATT&CK object (vulnerabilities named together are usually a patch list, and ATT&CK
/// objects named together would be a `uses` that only the sentence can state).
fn may_relate(a: Role, b: Role) -> bool {
    matches!(
        (a.min(b), a.max(b)),
        (Role::Indicator, _) | (Role::Vulnerability, Role::Attack)
    )
}

/// The first sentence that names a pair, and how many sentences do.
struct Mention {
    sentence: Range<usize>,
    /// The spans of the two findings in that sentence (source's, target's).
    spans: (Range<usize>, Range<usize>),
    n_sentences: usize,
    last_sentence: usize,
}

/// The pairs named together, keyed by (source, target).
struct CoMentions {
    pairs: BTreeMap<(StixId, StixId), Mention>,
    /// Sentences that named objects but were too long or named too many to relate them.
    enumerations: usize,
}

/// Finds the pairs of objects named in the same sentence (see [`passage`]).
fn co_mentions(
    document: &Document,
    findings: &[Finding],
    made: &HashMap<(IocKind, &str), (StixId, Role)>,
) -> CoMentions {
    let sentences = passage::sentences(&document.text, document.format, findings);
    // The findings that became objects, by sentence.
    let mut by_sentence: BTreeMap<usize, Vec<(&Finding, &StixId, Role)>> = BTreeMap::new();
    for finding in findings.iter().filter(|finding| stands_alone(finding)) {
        let Some((id, role)) = made.get(&(finding.kind, finding.value.as_str())) else {
            continue;
        };
        let idx = sentences.partition_point(|sentence| sentence.end <= finding.span.start);
        // A finding across a sentence's end (a YARA rule over paragraphs) is in none.
        if sentences
            .get(idx)
            .is_some_and(|s| s.start <= finding.span.start && finding.span.end <= s.end)
        {
            by_sentence
                .entry(idx)
                .or_default()
                .push((finding, id, *role));
        }
    }
    let mut result = CoMentions {
        pairs: BTreeMap::new(),
        enumerations: 0,
    };
    for (idx, mentions) in by_sentence {
        let sentence = &sentences[idx];
        let mut ids: Vec<&StixId> = mentions.iter().map(|(_, id, _)| *id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() < 2 {
            continue;
        }
        if ids.len() > MAX_OBJECTS_PER_SENTENCE || sentence.len() > MAX_SENTENCE_BYTES {
            result.enumerations += 1;
            continue;
        }
        for (i, a) in mentions.iter().enumerate() {
            for b in &mentions[i + 1..] {
                let overlap = a.0.span.start < b.0.span.end && b.0.span.start < a.0.span.end;
                if a.1 == b.1 || overlap || !may_relate(a.2, b.2) {
                    continue;
                }
                let (source, target) = if (a.2, a.1) <= (b.2, b.1) {
                    (a, b)
                } else {
                    (b, a)
                };
                let mention = result
                    .pairs
                    .entry((source.1.clone(), target.1.clone()))
                    .or_insert_with(|| Mention {
                        sentence: sentence.clone(),
                        spans: (source.0.span.clone(), target.0.span.clone()),
                        n_sentences: 0,
                        last_sentence: usize::MAX,
                    });
                if mention.last_sentence != idx {
                    mention.last_sentence = idx;
                    mention.n_sentences += 1;
                }
            }
        }
    }
    result
}

/// The `related-to` relationship of a pair named together.
fn related_to(
    (source, target): &(StixId, StixId),
    mention: &Mention,
    document: &Document,
    report_name: &str,
    options: &ReportOptions,
) -> Relationship {
    let key = format!("{source}|related-to|{target}");
    let mut common = new_common(deterministic_id("relationship", &key), options);
    common.confidence = Some(CO_MENTION_CONFIDENCE);
    let quote = quote_sentence(&document.text, &mention.sentence, &mention.spans);
    let times = match mention.n_sentences {
        1 => String::new(),
        n => format!(" ({n} sentences; the first quoted)"),
    };
    Relationship {
        common,
        relationship_type: "related-to".to_owned(),
        description: Some(format!(
            "Named in the same sentence of report \"{report_name}\"{times}: \"{quote}\". \
             Co-mention only: the report may not state how they are related."
        )),
        source_ref: source.clone(),
        target_ref: target.clone(),
        start_time: None,
        stop_time: None,
        custom: Map::new(),
    }
}

/// The sentence as one line, cut to [`MAX_QUOTE_CHARS`] around the two mentions when longer.
fn quote_sentence(
    text: &str,
    sentence: &Range<usize>,
    spans: &(Range<usize>, Range<usize>),
) -> String {
    let collapse = |slice: &str| slice.split_whitespace().collect::<Vec<_>>().join(" ");
    let whole = collapse(&text[sentence.clone()]);
    if whole.chars().count() <= MAX_QUOTE_CHARS {
        return whole;
    }
    // Both mentions with some words around them; then cut what is still too long.
    let first = spans.0.start.min(spans.1.start);
    let last = spans.0.end.max(spans.1.end);
    let mut start = first.saturating_sub(80).max(sentence.start);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = last.saturating_add(80).min(sentence.end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut quote = collapse(&text[start..end]);
    if start > sentence.start {
        quote.insert(0, '…');
    }
    quote = truncate(&quote, MAX_QUOTE_CHARS);
    if end < sentence.end && !quote.ends_with('…') {
        quote.push('…');
    }
    quote
}

fn new_common(id: StixId, options: &ReportOptions) -> CommonProperties {
    // STIX 2.1 requires `created` and `modified` of relationships (and recommends it for every
    // object) to be precise to the millisecond.
    let mut common = CommonProperties::new_sdo(id, options.created.with_frac_digits(3));
    common.created_by_ref = options.created_by_ref.clone();
    if !options.object_marking_refs.is_empty() {
        common.object_marking_refs = Some(options.object_marking_refs.clone());
    }
    common
}

fn deterministic_id(object_type: &str, key: &str) -> StixId {
    StixId::from_parts(object_type, Uuid::new_v5(&NAMESPACE, key.as_bytes()))
        .expect("our object type names are valid")
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(max_chars - 1).collect();
        out.push('…');
        out
    }
}

fn kind_label(kind: IocKind) -> &'static str {
    match kind {
        IocKind::Ipv4 => "IPv4 address",
        IocKind::Ipv4Cidr => "IPv4 network",
        IocKind::Ipv6 => "IPv6 address",
        IocKind::Ipv6Cidr => "IPv6 network",
        IocKind::Domain => "Domain",
        IocKind::Url => "URL",
        IocKind::Email => "E-mail address",
        IocKind::Md5 => "MD5",
        IocKind::Sha1 => "SHA-1",
        IocKind::Sha256 => "SHA-256",
        IocKind::Sha512 => "SHA-512",
        IocKind::Ssdeep => "ssdeep",
        IocKind::Imphash => "Import hash",
        IocKind::RegistryKey => "Registry key",
        IocKind::FilePath => "File",
        IocKind::MacAddress => "MAC address",
        IocKind::Asn => "Autonomous system",
        IocKind::UserAgent => "User agent",
        IocKind::YaraRule => "YARA rule",
        IocKind::Onion => "Onion service",
        other => other.as_str(),
    }
}

/// Quotes a string for a STIX pattern: `'` and `\` are escaped with a backslash.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Returns the detection pattern of a finding and its pattern type (`stix` or `yara`), or
/// `None` when STIX 2.1 has no observable for its kind (cryptocurrency addresses, ATT&CK ids,
/// TLP labels, ...).
pub fn stix_pattern(finding: &Finding) -> Option<(String, &'static str)> {
    let value = finding.value.as_str();
    let stix = |pattern: String| Some((pattern, "stix"));
    match finding.kind {
        IocKind::Ipv4 | IocKind::Ipv4Cidr => stix(format!("[ipv4-addr:value = {}]", quote(value))),
        IocKind::Ipv6 | IocKind::Ipv6Cidr => stix(format!("[ipv6-addr:value = {}]", quote(value))),
        IocKind::Domain => stix(format!("[domain-name:value = {}]", quote(value))),
        IocKind::Onion => stix(format!(
            "[domain-name:value = {}]",
            quote(&format!("{value}.onion"))
        )),
        IocKind::Url => stix(format!("[url:value = {}]", quote(value))),
        IocKind::Email => stix(format!("[email-addr:value = {}]", quote(value))),
        IocKind::Md5 => stix(format!("[file:hashes.'MD5' = {}]", quote(value))),
        IocKind::Sha1 => stix(format!("[file:hashes.'SHA-1' = {}]", quote(value))),
        IocKind::Sha256 => stix(format!("[file:hashes.'SHA-256' = {}]", quote(value))),
        IocKind::Sha512 => stix(format!("[file:hashes.'SHA-512' = {}]", quote(value))),
        IocKind::Ssdeep => stix(format!("[file:hashes.'SSDEEP' = {}]", quote(value))),
        IocKind::Imphash => stix(format!(
            "[file:extensions.'windows-pebinary-ext'.imphash = {}]",
            quote(value)
        )),
        IocKind::RegistryKey => stix(format!("[windows-registry-key:key = {}]", quote(value))),
        IocKind::FilePath => {
            let sep = if value.contains('\\') { '\\' } else { '/' };
            match value.rsplit_once(sep) {
                Some((dir, name)) if !dir.is_empty() => stix(format!(
                    "[file:name = {} AND file:parent_directory_ref.path = {}]",
                    quote(name),
                    quote(dir)
                )),
                _ => stix(format!(
                    "[file:name = {}]",
                    quote(value.trim_start_matches(sep))
                )),
            }
        }
        IocKind::MacAddress => {
            let hex: String = value
                .chars()
                .filter(char::is_ascii_hexdigit)
                .collect::<String>()
                .to_ascii_lowercase();
            let pairs: Vec<&str> = (0..hex.len())
                .step_by(2)
                .map(|idx| &hex[idx..idx + 2])
                .collect();
            stix(format!("[mac-addr:value = {}]", quote(&pairs.join(":"))))
        }
        IocKind::Asn => {
            let number = value.trim_start_matches("ASN");
            stix(format!("[autonomous-system:number = {number}]"))
        }
        IocKind::UserAgent => stix(format!(
            "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = {}]",
            quote(value)
        )),
        IocKind::YaraRule => Some((value.to_owned(), "yara")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Extractor;

    fn bundle_for(text: &str, lookup: &dyn AttackLookup) -> Bundle {
        let document = Document::from_text(text);
        let findings = Extractor::new().extract(&document.text);
        let now = StixTimestamp::parse("2026-01-02T03:04:05Z").unwrap();
        report_bundle(&document, &findings, &ReportOptions::new(now), lookup)
    }

    #[test]
    fn report_refers_to_every_object() {
        let bundle = bundle_for(
            "Beacon to hxxp://evil-c2[.]ru/a and 185.220.101.4, CVE-2021-44228",
            &(),
        );
        let report = bundle.objects[0].clone();
        let StixObject::Report(report) = report else {
            panic!("first object is the report");
        };
        let ids: Vec<_> = bundle.objects[1..]
            .iter()
            .map(|object| object.id().clone())
            .collect();
        assert_eq!(report.object_refs, ids);
        let types: Vec<_> = bundle
            .objects
            .iter()
            .map(|object| object.object_type())
            .collect();
        // One sentence names all three: each pair is related.
        assert_eq!(
            types,
            [
                "report",
                "indicator",
                "indicator",
                "vulnerability",
                "relationship",
                "relationship",
                "relationship"
            ]
        );
    }

    #[test]
    fn ids_are_deterministic() {
        let first = bundle_for("evil-c2.ru", &());
        let second = bundle_for("evil-c2.ru", &());
        let ids = |bundle: &Bundle| {
            bundle
                .objects
                .iter()
                .map(|object| object.id().clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&first), ids(&second));
        assert_eq!(first.id, second.id);
    }

    #[test]
    fn attack_ids_resolve_through_the_lookup() {
        let technique =
            StixId::parse("attack-pattern--7385dfaf-6886-4229-9ecd-6fd678040830").unwrap();
        let malware = StixId::parse("malware--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22").unwrap();
        let lookup = HashMap::from([
            ("T1059.001".to_owned(), technique.clone()),
            ("S0154".to_owned(), malware.clone()),
        ]);
        let bundle = bundle_for(
            "S0154 used T1059.001 from 185.220.101.4; T1999 unknown",
            &lookup,
        );
        let StixObject::Report(report) = &bundle.objects[0] else {
            panic!("first object is the report");
        };
        assert!(report.object_refs.contains(&technique));
        assert!(report.object_refs.contains(&malware));
        assert!(
            report
                .description
                .as_deref()
                .unwrap()
                .contains("not in the store: T1999")
        );
        // Named together is not "indicates" nor "uses": the address is related to the
        // technique and the malware, and the technique and the malware to nothing.
        let indicator = bundle.objects[1].id().clone();
        assert_eq!(indicator.object_type(), "indicator");
        let mut edges: Vec<_> = bundle
            .objects
            .iter()
            .filter_map(|object| match object {
                StixObject::Relationship(r) => Some((
                    r.relationship_type.as_str(),
                    r.source_ref.clone(),
                    r.target_ref.clone(),
                )),
                _ => None,
            })
            .collect();
        edges.sort();
        let mut expected = vec![
            ("related-to", indicator.clone(), technique.clone()),
            ("related-to", indicator, malware.clone()),
        ];
        expected.sort();
        assert_eq!(edges, expected);
    }

    #[test]
    fn patterns_escape_quotes_and_backslashes() {
        let findings = Extractor::new().extract(r"HKLM\Software\O'Brien\Run");
        let key = findings
            .iter()
            .find(|f| f.kind == IocKind::RegistryKey)
            .unwrap();
        assert_eq!(
            stix_pattern(key).unwrap().0,
            r"[windows-registry-key:key = 'HKLM\\Software\\O\'Brien\\Run']"
        );
    }
}
