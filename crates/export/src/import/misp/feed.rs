//! MISP feeds: a `manifest.json` naming events by UUID, and one `<uuid>.json` file per event.
//!
//! Only the events the manifest names are read, and only when their name is a UUID, so a
//! manifest cannot make the importer read any other file.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use policy::Tlp;
use serde_json::Value as Json;
use stix::{JsonPath, StixObject};
use uuid::Uuid;

use super::import_misp;
use crate::import::{ImportDiagnostic, ImportError, ImportOptions, Imported, Location};

/// The files of a feed.
pub trait FeedFiles {
    /// Returns the content of the file `name` of the feed.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be read.
    fn read(&mut self, name: &str) -> io::Result<Vec<u8>>;
}

/// A feed in a local directory.
#[derive(Debug, Clone)]
pub struct FsFeed {
    path: PathBuf,
}

impl FsFeed {
    /// Reads the feed in the directory `path`.
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_owned(),
        }
    }
}

impl FeedFiles for FsFeed {
    fn read(&mut self, name: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path.join(name))
    }
}

/// Reads every event a feed's manifest names.
///
/// # Errors
///
/// [`ImportError::Invalid`] when the manifest cannot be read, is not JSON or is not an object
/// keyed by event UUIDs. An event file that is missing or cannot be read is skipped with a
/// diagnostic naming it.
pub fn import_misp_feed(
    files: &mut dyn FeedFiles,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let manifest = files.read("manifest.json").map_err(|error| {
        ImportError::invalid(
            Location::File {
                name: "manifest.json".to_owned(),
                inner: Box::new(Location::Line(1)),
            },
            format!("cannot be read: {error}"),
        )
    })?;
    super::super::check_size(&manifest, options)?;
    let manifest: Json = serde_json::from_slice(&manifest)
        .map_err(|error| ImportError::from_json(&error).in_file("manifest.json"))?;
    let Json::Object(entries) = manifest else {
        return Err(ImportError::invalid(
            Location::Path(JsonPath::root()),
            "a feed manifest is an object keyed by event UUIDs",
        )
        .in_file("manifest.json"));
    };
    let mut imported = Imported::default();
    let mut levels = BTreeSet::new();
    let mut objects: Vec<StixObject> = Vec::new();
    for (key, _) in &entries {
        let Ok(uuid) = Uuid::try_parse(key) else {
            imported.diagnostics.push(ImportDiagnostic {
                location: Location::File {
                    name: "manifest.json".to_owned(),
                    inner: Box::new(Location::Path(JsonPath::root().key(key))),
                },
                message: "the key is not an event UUID; skipped".to_owned(),
            });
            continue;
        };
        let name = format!("{}.json", uuid.hyphenated());
        let event = match files.read(&name) {
            Ok(event) => event,
            Err(error) => {
                imported.diagnostics.push(ImportDiagnostic {
                    location: Location::File {
                        name: name.clone(),
                        inner: Box::new(Location::Line(1)),
                    },
                    message: format!("cannot be read ({error}); skipped"),
                });
                continue;
            }
        };
        match import_misp(&event, options) {
            Ok(one) => {
                imported.n_records += one.n_records;
                for object in one.objects {
                    match Tlp::ALL.iter().find(|tlp| tlp.marking_id() == *object.id()) {
                        Some(tlp) => {
                            levels.insert(*tlp);
                        }
                        None => objects.push(object),
                    }
                }
                imported
                    .diagnostics
                    .extend(
                        one.diagnostics
                            .into_iter()
                            .map(|diagnostic| ImportDiagnostic {
                                location: Location::File {
                                    name: name.clone(),
                                    inner: Box::new(diagnostic.location),
                                },
                                message: diagnostic.message,
                            }),
                    );
            }
            Err(error) => imported.diagnostics.push(ImportDiagnostic {
                location: Location::File {
                    name: name.clone(),
                    inner: Box::new(Location::Line(1)),
                },
                message: format!("{}; skipped", error.in_file(&name)),
            }),
        }
    }
    imported.objects = levels.into_iter().map(Tlp::marking_definition).collect();
    imported.objects.extend(objects);
    Ok(imported)
}
