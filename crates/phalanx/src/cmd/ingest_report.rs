//! `phalanx ingest --report`: report documents (text, Markdown, HTML, PDF) made into STIX
//! reports by `server::reports` (the same steps as `POST /api/v1/reports`): indicators,
//! vulnerabilities and references to the ATT&CK and ATLAS objects stored in the node, every
//! object marked with the `--default-tlp` level. The bundle then goes through the same
//! validation and all-or-nothing write as a STIX input.

use std::path::Path;

use anyhow::Context;
use extract::{Extractor, Format, Limits};
use policy::{AccessScope, Tlp};
use serde_json::Value;
use server::reports::{
    AmbiguousId, ReportCounts, ReportSettings, StoreAttackLookup, build_report, settle_versions,
};
use stix::{Diagnostic, JsonPath, StixTimestamp};
use store::{AnyStore, Collection};

/// The options of an ingest of report documents.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReportArgs {
    /// Reads the inputs as report documents (text, Markdown, HTML or PDF) and stores the STIX
    /// report made of each: its indicators, vulnerabilities and references to the stored
    /// ATT&CK/ATLAS objects it names, marked with --default-tlp.
    #[arg(long, conflicts_with = "from")]
    pub report: bool,
    /// The documents' format [default: guessed from the file name and content].
    #[arg(long, requires = "report", value_parser = ["text", "markdown", "html", "pdf"])]
    pub format: Option<String>,
    /// The report's name [default: the document's title, else its first line].
    #[arg(long, requires = "report", value_name = "NAME")]
    pub title: Option<String>,
}

/// What the report of one input holds (in the ingest summary).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportSummary {
    /// The report's STIX id.
    pub report_id: String,
    /// The report's name.
    pub name: String,
    /// The format the document was read as.
    pub format: &'static str,
    /// What went into the bundle.
    #[serde(flatten)]
    pub counts: ReportCounts,
    /// ATT&CK/ATLAS ids that no stored object carries.
    pub unresolved: Vec<String>,
    /// Ids that named several stored objects, and the one referred to.
    pub ambiguous: Vec<AmbiguousId>,
}

/// A report input made into a bundle: its JSON, warnings to report and the summary.
pub type Made = (Value, Vec<Diagnostic>, ReportSummary);

impl ReportArgs {
    /// Reads one document and makes its report bundle, resolving ATT&CK and ATLAS ids against
    /// everything the store holds and leaving out what `collection` already holds (see
    /// [`settle_versions`]); the inner `Err` when the document cannot be read.
    ///
    /// # Errors
    ///
    /// A database error while resolving ids.
    pub async fn make(
        &self,
        store: &AnyStore,
        collection: &Collection,
        path: &Path,
        tlp: Tlp,
    ) -> anyhow::Result<Result<Made, Vec<Diagnostic>>> {
        let whole = |message: String| vec![Diagnostic::error(None, JsonPath::root(), message)];
        let format = self.format.as_deref().and_then(Format::parse);
        let document = match crate::cmd::extract::read_document(path, format, &Limits::default()) {
            Ok(document) => document,
            Err(error) => return Ok(Err(whole(format!("{}: {error:#}", path.display())))),
        };
        let findings = Extractor::new().extract_document(&document);
        // The operator's command sees the whole store.
        let lookup = StoreAttackLookup::resolve(store, &AccessScope::unrestricted(), &findings)
            .await
            .context("resolving ATT&CK and ATLAS ids")?;
        let settings = ReportSettings {
            name: self.title.clone(),
            tlp,
            now: StixTimestamp::now(),
            created_by_ref: None,
        };
        let mut built = build_report(&document, &findings, &settings, &lookup);
        settle_versions(&mut built, store, collection)
            .await
            .context("reading the collection's versions of the report's objects")?;
        let mut warnings: Vec<Diagnostic> = built
            .warnings
            .iter()
            .map(|message| warning(format!("{}: {message}", path.display())))
            .collect();
        for ambiguous in &built.ambiguous {
            let others: Vec<&str> = ambiguous.others.iter().map(|id| id.as_str()).collect();
            warnings.push(warning(format!(
                "{} names several stored objects: referred to {}, not {}",
                ambiguous.external_id,
                ambiguous.chosen,
                others.join(", ")
            )));
        }
        let summary = ReportSummary {
            report_id: built.report_id.to_string(),
            name: built.name.clone(),
            format: built.format.as_str(),
            counts: built.counts.clone(),
            unresolved: built.unresolved.clone(),
            ambiguous: built.ambiguous.clone(),
        };
        let value = serde_json::to_value(&built.bundle).context("serializing the report")?;
        Ok(Ok((value, warnings, summary)))
    }
}

fn warning(message: String) -> Diagnostic {
    let mut warning = Diagnostic::warning(None, JsonPath::root(), message);
    warning.check = Some("report");
    warning
}

/// Prints the report line of the text summary.
pub fn print(summary: &ReportSummary) {
    println!(
        "  report {} \"{}\" ({}): {} findings, {} indicators, {} vulnerabilities, {} ATT&CK/ATLAS references",
        summary.report_id,
        summary.name,
        summary.format,
        summary.counts.n_findings,
        summary.counts.n_indicators,
        summary.counts.n_vulnerabilities,
        summary.counts.n_attack_references,
    );
    if !summary.unresolved.is_empty() {
        println!(
            "  ATT&CK/ATLAS ids not in the store: {}",
            summary.unresolved.join(", ")
        );
    }
}
