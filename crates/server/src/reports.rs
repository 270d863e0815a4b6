//! Reports into intelligence: a document (text, Markdown, HTML, PDF) read by the `extract`
//! crate, its ATT&CK and ATLAS ids resolved against the objects stored in the node
//! ([`StoreAttackLookup`]), and the resulting STIX bundle (a report, its indicators and
//! vulnerabilities, references to the resolved objects) checked and turned into objects to
//! store. `POST /api/v1/reports` and `phalanx ingest --report` both go through here.
//!
//! The steps are separate so that callers run the CPU-bound ones where they belong: reading
//! and extracting ([`read_report`]) and building ([`build_report`]) are synchronous, resolving
//! ([`StoreAttackLookup::resolve`]) reads the store.

use std::collections::{BTreeMap, HashMap};

use extract::{AttackLookup, Document, Extractor, Finding, Format, IocKind, Limits, ReportOptions};
use policy::{AccessScope, Tlp};
use stix::{Bundle, Diagnostic, JsonPath, StixId, StixObject, StixTimestamp, ValidationOptions};
use store::{
    Collection, ManifestEntry, NewObject, ObjectQuery, Store, VersionMatch, external_id_kind,
};

/// An ATT&CK or ATLAS id that names several stored objects, and the one chosen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AmbiguousId {
    /// The id as written (`T1059.001`).
    pub external_id: String,
    /// The object the report refers to: the one whose newest version is the most recent.
    pub chosen: StixId,
    /// The other objects carrying the id (not referred to).
    pub others: Vec<StixId>,
}

/// ATT&CK and ATLAS ids resolved to the objects stored in the node, for
/// [`extract::report_bundle`].
///
/// An id resolves to a stored object of the type its form names (`T…` and `AML.T…` to
/// `attack-pattern`, `TA…`/`AML.TA…` to `x-mitre-tactic`, `M…`/`AML.M…` to
/// `course-of-action`, `G…` to `intrusion-set`, `S…` to `malware` or `tool`) that carries it
/// as an external id of source `mitre-attack` (or `mitre-ics-attack`, `mitre-mobile-attack`)
/// or, for `AML.` ids, `mitre-atlas`, and that the reading scope may see. Of each object only
/// the newest visible version counts: an object whose newest version is revoked is not
/// referred to (its replacement carries its own id). A deprecated object that is not revoked
/// is still the object the id names and is referred to.
///
/// When several objects remain (the same id imported from two sources under different STIX
/// ids, say), the report refers to one, the object whose newest version is the most recent
/// (ties broken by the smaller STIX id, so the choice is stable), and the others are listed
/// in [`StoreAttackLookup::ambiguous`] for the caller to report; the report does not refer to
/// all of them, since one id names one technique.
#[derive(Debug, Clone, Default)]
pub struct StoreAttackLookup {
    resolved: HashMap<String, StixId>,
    ambiguous: Vec<AmbiguousId>,
    unresolved: Vec<String>,
}

impl StoreAttackLookup {
    /// Resolves the ATT&CK and ATLAS ids among `findings` against the store, as `scope` sees
    /// it (a caller can only refer to objects it may read).
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn resolve<S: Store>(
        store: &S,
        scope: &AccessScope,
        findings: &[Finding],
    ) -> store::Result<Self> {
        let mut ids: BTreeMap<&str, IocKind> = BTreeMap::new();
        for finding in findings {
            if !wanted_types(finding.kind).is_empty() {
                ids.insert(finding.value.as_str(), finding.kind);
            }
        }
        let mut lookup = Self::default();
        for (external_id, kind) in ids {
            let mut entries = Vec::new();
            for source in sources(kind) {
                let value = store::LookupValue::new(external_id_kind(source), external_id);
                entries.extend(store.lookup(scope, &value).await?);
            }
            match choose(&entries, wanted_types(kind)) {
                Some((chosen, others)) => {
                    if !others.is_empty() {
                        lookup.ambiguous.push(AmbiguousId {
                            external_id: external_id.to_owned(),
                            chosen: chosen.clone(),
                            others,
                        });
                    }
                    lookup.resolved.insert(external_id.to_owned(), chosen);
                }
                None => lookup.unresolved.push(external_id.to_owned()),
            }
        }
        Ok(lookup)
    }

    /// Returns the ids that named several objects, with the one chosen.
    pub fn ambiguous(&self) -> &[AmbiguousId] {
        &self.ambiguous
    }

    /// Returns the ids that named no visible, non-revoked object of the right type.
    pub fn unresolved(&self) -> &[String] {
        &self.unresolved
    }

    /// Returns how many ids resolved.
    pub fn len(&self) -> usize {
        self.resolved.len()
    }

    /// Returns whether no id resolved.
    pub fn is_empty(&self) -> bool {
        self.resolved.is_empty()
    }
}

impl AttackLookup for StoreAttackLookup {
    fn lookup(&self, external_id: &str) -> Option<StixId> {
        self.resolved.get(external_id).cloned()
    }
}

/// The object types an id of this kind may name; empty for kinds that are not ATT&CK or
/// ATLAS ids.
fn wanted_types(kind: IocKind) -> &'static [&'static str] {
    match kind {
        IocKind::AttackTechnique | IocKind::AtlasTechnique => &["attack-pattern"],
        IocKind::AttackTactic | IocKind::AtlasTactic => &["x-mitre-tactic"],
        IocKind::AttackMitigation | IocKind::AtlasMitigation => &["course-of-action"],
        IocKind::AttackGroup => &["intrusion-set"],
        IocKind::AttackSoftware => &["malware", "tool"],
        _ => &[],
    }
}

/// The `source_name`s under which ids of this kind are published.
fn sources(kind: IocKind) -> &'static [&'static str] {
    match kind {
        IocKind::AtlasTechnique | IocKind::AtlasTactic | IocKind::AtlasMitigation => {
            &["mitre-atlas"]
        }
        _ => &["mitre-attack", "mitre-ics-attack", "mitre-mobile-attack"],
    }
}

/// Picks the object to refer to among the versions found (see [`StoreAttackLookup`]): the
/// chosen id and the other candidates.
fn choose(entries: &[ManifestEntry], types: &[&str]) -> Option<(StixId, Vec<StixId>)> {
    // The newest visible version of each object, across collections.
    let mut newest: BTreeMap<&StixId, &ManifestEntry> = BTreeMap::new();
    for entry in entries
        .iter()
        .filter(|entry| types.contains(&entry.object_type.as_str()))
    {
        let slot = newest.entry(&entry.id).or_insert(entry);
        if (entry.version, entry.date_added) > (slot.version, slot.date_added) {
            *slot = entry;
        }
    }
    let mut candidates: Vec<&ManifestEntry> = newest
        .into_values()
        .filter(|entry| !entry.revoked)
        .collect();
    // Most recent version first; then the smaller id.
    candidates.sort_by(|a, b| {
        b.version
            .cmp(&a.version)
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
    let (first, rest) = candidates.split_first()?;
    Some((
        first.id.clone(),
        rest.iter().map(|entry| entry.id.clone()).collect(),
    ))
}

/// Reads a document and extracts its findings.
///
/// # Errors
///
/// [`extract::Error`] when the document is over the limits or is a PDF that cannot be read.
pub fn read_report(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    extractor: &Extractor,
) -> Result<(Document, Vec<Finding>), extract::Error> {
    let document = Document::parse(bytes, format, limits)?;
    let findings = extractor.extract_document(&document);
    Ok((document, findings))
}

/// How a report is made and marked.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    /// The report's name [default: the document's title].
    pub name: Option<String>,
    /// The TLP level every object is marked with (the official TLP 2.0 marking).
    pub tlp: Tlp,
    /// The report's `published` time and the objects' `created`/`modified`.
    pub now: StixTimestamp,
    /// The identity credited as `created_by_ref`.
    pub created_by_ref: Option<StixId>,
}

/// What went into a report bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReportCounts {
    /// Findings in the document (nested ones and benign ones included).
    pub n_findings: usize,
    /// Indicators the report refers to (made now, or already held: see `n_kept`).
    pub n_indicators: usize,
    /// Vulnerabilities the report refers to (one per CVE).
    pub n_vulnerabilities: usize,
    /// ATT&CK and ATLAS objects of the store the report refers to.
    pub n_attack_references: usize,
    /// Objects in the bundle to write, the report included.
    pub n_objects: usize,
    /// Indicators and vulnerabilities the collection already held under the same id (from an
    /// earlier report): referred to, not written again (see [`settle_versions`]).
    pub n_kept: usize,
}

/// A report bundle ready to check and store.
#[derive(Debug, Clone)]
pub struct BuiltReport {
    /// The report's id.
    pub report_id: StixId,
    /// The report's name.
    pub name: String,
    /// The format the document was read as.
    pub format: Format,
    /// The bundle: the report first.
    pub bundle: Bundle,
    /// What it holds.
    pub counts: ReportCounts,
    /// Ids that named several stored objects.
    pub ambiguous: Vec<AmbiguousId>,
    /// ATT&CK/ATLAS ids the store did not resolve (also named in the report's description).
    pub unresolved: Vec<String>,
    /// Problems met reading the document that did not stop it.
    pub warnings: Vec<String>,
}

/// Builds the report bundle of a document, every object marked with `settings.tlp`.
pub fn build_report(
    document: &Document,
    findings: &[Finding],
    settings: &ReportSettings,
    lookup: &StoreAttackLookup,
) -> BuiltReport {
    let mut options = ReportOptions::new(settings.now);
    options.name.clone_from(&settings.name);
    options.created_by_ref.clone_from(&settings.created_by_ref);
    options.object_marking_refs = vec![settings.tlp.marking_id()];
    let bundle = extract::report_bundle(document, findings, &options, lookup);
    let report = bundle
        .objects
        .first()
        .expect("report_bundle puts the report first");
    let (report_id, name, n_refs) = match report {
        StixObject::Report(report) => (
            report.common.id.clone(),
            report.name.clone(),
            report.object_refs.len(),
        ),
        other => unreachable!(
            "report_bundle puts the report first, not a {}",
            other.object_type()
        ),
    };
    let count = |object_type: &str| {
        bundle
            .objects
            .iter()
            .filter(|object| object.object_type() == object_type)
            .count()
    };
    let n_in_bundle = bundle.objects.len() - 1;
    let counts = ReportCounts {
        n_findings: findings.len(),
        n_indicators: count("indicator"),
        n_vulnerabilities: count("vulnerability"),
        // What the report refers to beyond the bundle's own objects.
        n_attack_references: n_refs.saturating_sub(n_in_bundle),
        n_objects: bundle.objects.len(),
        n_kept: 0,
    };
    BuiltReport {
        report_id,
        name,
        format: document.format,
        counts,
        ambiguous: lookup.ambiguous().to_vec(),
        unresolved: lookup.unresolved().to_vec(),
        warnings: document.warnings.clone(),
        bundle,
    }
}

/// Fits a built report to what the collection already holds, so that writing it makes
/// proper new versions rather than rewriting history.
///
/// Ids are deterministic (the same indicator from two reports is one object), and STIX keeps
/// an object's `created` for all its versions. So an indicator or vulnerability that the
/// collection already holds is left out of the bundle (the report still refers to it) rather
/// than written again with a new `created` and a description naming another report; and a
/// report the collection already holds (the same document posted again) keeps the stored
/// `created`, its new version being the `modified` of this one.
///
/// # Errors
///
/// A database error.
pub async fn settle_versions<S: Store>(
    built: &mut BuiltReport,
    store: &S,
    collection: &Collection,
) -> store::Result<()> {
    let query = ObjectQuery {
        ids: built
            .bundle
            .objects
            .iter()
            .map(|object| object.id().clone())
            .collect(),
        versions: vec![VersionMatch::Last],
        ..ObjectQuery::collection(collection.id)
    };
    // The writer's own collection, as the store's conflict check sees it.
    let stored = store.objects(&AccessScope::unrestricted(), &query).await?;
    let mut stored_report_created = None;
    let mut held: Vec<StixId> = Vec::new();
    for object in &stored.items {
        if object.entry.id == built.report_id {
            stored_report_created = StixObject::from_json(&object.json)
                .ok()
                .and_then(|stored| stored.created());
        } else {
            held.push(object.entry.id.clone());
        }
    }
    let before = built.bundle.objects.len();
    built
        .bundle
        .objects
        .retain(|object| !held.contains(object.id()));
    built.counts.n_kept = before - built.bundle.objects.len();
    built.counts.n_objects = built.bundle.objects.len();
    if let (Some(created), Some(StixObject::Report(report))) =
        (stored_report_created, built.bundle.objects.first_mut())
    {
        report.common.created = Some(created);
    }
    Ok(())
}

/// Checks every object of a built report as any ingest does and returns them ready to
/// store; `Err` with every error diagnostic (paths within the bundle) otherwise.
///
/// # Errors
///
/// The error diagnostics: the extractor made an object that breaks a rule of the spec.
pub fn check_report(
    built: &BuiltReport,
    options: &ValidationOptions,
) -> Result<Vec<NewObject>, Vec<Diagnostic>> {
    let objects_path = JsonPath::root().key("objects");
    let errors: Vec<Diagnostic> = built
        .bundle
        .objects
        .iter()
        .enumerate()
        .flat_map(|(idx, object)| {
            let path = objects_path.index(idx);
            stix::validate_object(object, options)
                .into_iter()
                .filter(Diagnostic::is_error)
                .map(move |diagnostic| diagnostic.under(&path))
        })
        .collect();
    if errors.is_empty() {
        Ok(built
            .bundle
            .objects
            .iter()
            .cloned()
            .map(NewObject::new)
            .collect())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, object_type: &str, version: &str, revoked: bool) -> ManifestEntry {
        ManifestEntry {
            collection: policy::CollectionId::new_v4(),
            id: StixId::parse(id).unwrap(),
            object_type: object_type.to_owned(),
            version: StixTimestamp::parse(version).unwrap(),
            date_added: StixTimestamp::parse(version).unwrap(),
            spec_version: "2.1".to_owned(),
            tlp: Tlp::Clear,
            revoked,
        }
    }

    const A: &str = "attack-pattern--00000000-0000-4000-8000-00000000000a";
    const B: &str = "attack-pattern--00000000-0000-4000-8000-00000000000b";

    #[test]
    fn a_revoked_newest_version_drops_the_object_and_a_revoked_older_one_does_not() {
        let entries = [
            entry(A, "attack-pattern", "2020-01-01T00:00:00Z", false),
            entry(A, "attack-pattern", "2021-01-01T00:00:00Z", true),
            entry(B, "attack-pattern", "2019-01-01T00:00:00Z", true),
            entry(B, "attack-pattern", "2019-06-01T00:00:00Z", false),
        ];
        let (chosen, others) = choose(&entries, &["attack-pattern"]).unwrap();
        assert_eq!(chosen.as_str(), B);
        assert!(others.is_empty());
    }

    #[test]
    fn several_objects_give_the_most_recent_and_list_the_others() {
        let entries = [
            entry(A, "attack-pattern", "2020-01-01T00:00:00Z", false),
            entry(B, "attack-pattern", "2022-01-01T00:00:00Z", false),
        ];
        let (chosen, others) = choose(&entries, &["attack-pattern"]).unwrap();
        assert_eq!(chosen.as_str(), B);
        assert_eq!(others, [StixId::parse(A).unwrap()]);
        // Same version: the smaller id, whatever the order found.
        let entries = [
            entry(B, "attack-pattern", "2020-01-01T00:00:00Z", false),
            entry(A, "attack-pattern", "2020-01-01T00:00:00Z", false),
        ];
        assert_eq!(choose(&entries, &["attack-pattern"]).unwrap().0.as_str(), A);
    }

    #[test]
    fn other_types_never_resolve() {
        let report = "report--00000000-0000-4000-8000-00000000000c";
        let entries = [entry(report, "report", "2020-01-01T00:00:00Z", false)];
        assert!(choose(&entries, &["attack-pattern"]).is_none());
    }
}
