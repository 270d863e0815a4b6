//! `phalanx ingest --from misp|misp-feed|csv|txt`: peers' formats read by the importers of the
//! `export` crate into a STIX bundle, which then goes through the same validation and
//! all-or-nothing write as a STIX input. What an importer skipped is reported as a warning
//! naming the line or JSON path.

use std::path::Path;

use export::import::list::{ListFormat, import_list};
use export::import::misp::{FsFeed, import_misp, import_misp_feed};
use export::import::{ImportDiagnostic, ImportOptions, Location};
use policy::Tlp;
use serde_json::{Value, json};
use stix::{Diagnostic, JsonPath, StixId, StixTimestamp};

use crate::input;

/// The format of an ingest's inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// STIX 2.1 bundles or objects.
    #[default]
    Stix,
    /// MISP events (MISP's JSON export, one event or a list).
    Misp,
    /// MISP feed directories (`manifest.json` and one file per event).
    MispFeed,
    /// CSV indicator lists (abuse.ch's ThreatFox, URLhaus and Feodo shapes, or any with a
    /// header naming the value column).
    Csv,
    /// Plain indicator lists, one value a line.
    Txt,
}

/// The options of an ingest from peers' formats.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FromArgs {
    /// The format of the inputs.
    #[arg(long, value_enum, default_value = "stix")]
    pub from: Source,
    /// The confidence (0 to 100) of imported indicators whose source gives none.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub confidence: Option<u8>,
    /// The name of the source, in indicator names and external references [default: the
    /// file's name].
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// The identity credited as `created_by_ref` of imported list indicators.
    #[arg(long, value_name = "IDENTITY_ID", value_parser = parse_identity)]
    pub created_by: Option<StixId>,
}

impl FromArgs {
    /// Returns whether the inputs are STIX.
    pub fn is_stix(&self) -> bool {
        self.from == Source::Stix
    }

    /// Reads one input of a peer's format into a bundle, with a warning for each record the
    /// importer skipped; `Err` when the input cannot be read at all. The chosen TLP marks
    /// what the source leaves unmarked.
    pub fn import(
        &self,
        path: &Path,
        tlp: Tlp,
    ) -> Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>> {
        let whole = |message: String| vec![Diagnostic::error(None, JsonPath::root(), message)];
        let source = self.source.clone().unwrap_or_else(|| {
            path.file_stem().map_or_else(
                || "import".to_owned(),
                |stem| stem.to_string_lossy().into_owned(),
            )
        });
        let mut options = ImportOptions::new(source, StixTimestamp::now());
        options.tlp = tlp;
        options.confidence = self.confidence;
        options.created_by = self.created_by.clone();
        let read = || {
            input::read_to_string(path)
                .map(String::into_bytes)
                .map_err(|error| whole(format!("{error:#}")))
        };
        let imported = match self.from {
            Source::Stix => return Err(whole("STIX inputs are read as STIX".to_owned())),
            Source::Misp => import_misp(&read()?, &options),
            Source::MispFeed => import_misp_feed(&mut FsFeed::new(path), &options),
            Source::Csv => import_list(&read()?, ListFormat::Csv, &options),
            Source::Txt => import_list(&read()?, ListFormat::Plain, &options),
        }
        .map_err(|error| whole(error.to_string()))?;
        let warnings = imported.diagnostics.iter().map(warning).collect();
        let objects: Vec<Value> = imported
            .objects
            .iter()
            .map(stix::StixObject::to_value)
            .collect();
        let bundle = json!({
            "type": "bundle",
            "id": StixId::new_v4("bundle").expect("bundle is a type name").as_str(),
            "objects": objects,
        });
        Ok((bundle, warnings))
    }
}

/// An importer's diagnostic as a warning of the ingest report.
fn warning(diagnostic: &ImportDiagnostic) -> Diagnostic {
    let (path, message) = match &diagnostic.location {
        Location::Path(path) => (path.clone(), diagnostic.message.clone()),
        other => (JsonPath::root(), format!("{other}: {}", diagnostic.message)),
    };
    let mut warning = Diagnostic::warning(None, path, message);
    warning.check = Some("import");
    warning
}

fn parse_identity(text: &str) -> Result<StixId, String> {
    let id = StixId::parse(text).map_err(|error| error.to_string())?;
    if id.object_type() == "identity" {
        Ok(id)
    } else {
        Err(format!("{text} is not an identity id"))
    }
}
