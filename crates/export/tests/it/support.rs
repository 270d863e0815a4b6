//! Helpers shared by the tests: reading cases, running an export into memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use export::{ExportItem, ExportOptions, Exporter, Format, MemoryDirectory, Output, Summary};
use policy::AccessScope;
use stix::{Bundle, StixObject, StixTimestamp};
use uuid::Uuid;

/// The crate's `testdata` directory.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

/// What an export produced: one stream, or files by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Produced {
    Stream(Vec<u8>),
    Files(BTreeMap<String, Vec<u8>>),
}

impl Produced {
    /// Every byte produced, files concatenated (for searching).
    pub fn all_bytes(&self) -> Vec<u8> {
        match self {
            Self::Stream(bytes) => bytes.clone(),
            Self::Files(files) => files.values().flatten().copied().collect(),
        }
    }
}

/// Exports items in `format` into memory.
pub fn run(
    format: Format,
    items: &[ExportItem<'_>],
    options: &ExportOptions,
) -> (Produced, Summary) {
    if format.is_directory() {
        let mut directory = MemoryDirectory::new();
        let mut exporter =
            Exporter::new(format, options.clone(), Output::Directory(&mut directory)).unwrap();
        for item in items {
            exporter.push(*item).unwrap();
        }
        let summary = exporter.finish().unwrap();
        (Produced::Files(directory.files()), summary)
    } else {
        let mut out = Vec::new();
        let mut exporter =
            Exporter::new(format, options.clone(), Output::Stream(&mut out)).unwrap();
        for item in items {
            exporter.push(*item).unwrap();
        }
        let summary = exporter.finish().unwrap();
        (Produced::Stream(out), summary)
    }
}

/// Reads the objects of a bundle file.
pub fn read_bundle(path: &Path) -> Vec<StixObject> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Bundle::from_json(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .objects
}

/// Options with a fixed clock and export id, for reproducible output.
pub fn fixed_options(scope: AccessScope) -> ExportOptions {
    let mut options =
        ExportOptions::new(scope, StixTimestamp::parse("2024-06-01T00:00:00Z").unwrap());
    options.export_id = Some(Uuid::from_u128(0x5f0c3c0e_6a3b_4d1e_9f55_1c2b3a4d5e6f));
    options
}
