//! `phalanx get`: prints the stored versions of one object, from every collection.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use policy::AccessScope;
use serde_json::Value;
use stix::StixId;
use store::{ObjectQuery, Store, StoredObject, VersionMatch};

use crate::global::GlobalArgs;
use crate::storage;

/// Arguments of `phalanx get`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The object's id (`type--UUID`).
    id: String,
    /// Prints every stored version, oldest first, instead of the latest.
    #[arg(long)]
    all_versions: bool,
    /// Looks only in this collection (id, alias or title) [default: every collection].
    #[arg(long, value_name = "NAME")]
    collection: Option<String>,
}

/// Prints the object's latest version (or every version); exits 1 when it is not stored.
///
/// # Errors
///
/// Fails when the id is malformed or the store cannot be read.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    storage::runtime()?.block_on(run_async(global, args))
}

async fn run_async(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    let id = StixId::parse(&args.id)?;
    let store = storage::open(global).await?;
    let collection = match &args.collection {
        Some(name) => Some(store.resolve_collection(name).await?.id),
        None => None,
    };
    let query = ObjectQuery {
        collection,
        ids: vec![id.clone()],
        versions: vec![if args.all_versions {
            VersionMatch::All
        } else {
            VersionMatch::Last
        }],
        // Every spec version: `get` shows what is stored, not TAXII's default view.
        spec_versions: vec!["2.0".to_owned(), "2.1".to_owned()],
        ..ObjectQuery::all_collections()
    };
    // Administration tooling on the node's own store reads without restriction.
    let mut versions = store
        .objects(&AccessScope::unrestricted(), &query)
        .await?
        .items;
    if versions.is_empty() {
        if global.json {
            println!(
                "{}",
                serde_json::json!({ "error": format!("object {id} not found") })
            );
        } else {
            eprintln!("object {id} not found");
        }
        return Ok(ExitCode::from(1));
    }
    if !args.all_versions {
        // One latest version per collection: keep the latest of all.
        versions.sort_by_key(|object| (object.entry.version, object.entry.date_added));
        versions.drain(..versions.len() - 1);
    }
    let mut text = String::new();
    if global.json {
        let list: Vec<Value> = versions
            .iter()
            .map(describe)
            .collect::<anyhow::Result<_>>()?;
        let body = serde_json::json!({ "id": id.as_str(), "versions": list });
        writeln!(text, "{body}")?;
    } else {
        for object in &versions {
            let entry = &object.entry;
            writeln!(
                text,
                "# version {} in collection {}, added {}, TLP {}{}",
                entry.version,
                entry.collection,
                entry.date_added,
                entry.tlp.as_str(),
                if entry.revoked { ", revoked" } else { "" }
            )?;
            let value: Value = serde_json::from_str(&object.json)?;
            writeln!(text, "{}", serde_json::to_string_pretty(&value)?)?;
        }
    }
    // A reader that stops early (`| head`) is not an error.
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn describe(object: &StoredObject) -> anyhow::Result<Value> {
    let entry = &object.entry;
    Ok(serde_json::json!({
        "collection": entry.collection,
        "version": entry.version,
        "date_added": entry.date_added,
        "spec_version": entry.spec_version,
        "tlp": entry.tlp,
        "revoked": entry.revoked,
        "object": serde_json::from_str::<Value>(&object.json)?,
    }))
}
