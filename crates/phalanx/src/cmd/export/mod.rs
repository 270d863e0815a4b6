//! `phalanx export`: writes stored objects out in a chosen format, streaming page by page.
//!
//! Each format is a module with a writer; [`Format`] lists them. A new format adds a variant
//! and a module, and reads objects through [`for_each_object`].

mod defender;
mod stix;

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use export::Format;
use indicatif::{ProgressBar, ProgressStyle};
use policy::AccessScope;
use store::{AnyStore, Collection, ObjectQuery, Store, StoredObject, VersionMatch};

use crate::global::GlobalArgs;
use crate::storage;

/// Objects read from the store per page.
const PAGE_SIZE: u32 = 2_000;

/// Parses `--format`: one of the `export` crate's formats.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Format::ALL.map(Format::as_str))
        .map(|name| Format::parse(&name).expect("only listed names get through"))
}

/// Arguments of `phalanx export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The output format: stix, csv, txt, suricata, suricata-datasets (a directory),
    /// zeek-intel, rpz, nftables, misp, misp-feed (a directory) or sentinel.
    #[arg(long, value_parser = format_parser())]
    format: Format,
    /// Exports only this collection (id, alias or title) [default: every collection].
    #[arg(long, value_name = "NAME")]
    collection: Option<String>,
    /// Writes to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Exports every stored version instead of the latest version of each object.
    #[arg(long)]
    all_versions: bool,
    /// Filters and settings of the formats other than an unfiltered STIX bundle.
    #[command(flatten)]
    filters: defender::Filters,
}

/// What an export wrote.
#[derive(Debug, Default, serde::Serialize)]
struct Summary {
    n_objects: u64,
    n_bytes: u64,
    elapsed_ms: u128,
}

/// Exports the selected objects.
///
/// # Errors
///
/// Fails when the store cannot be read or the output cannot be written.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    storage::runtime()?.block_on(run_async(global, args))
}

async fn run_async(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let store = storage::open(global).await?;
    let collections = match &args.collection {
        Some(name) => vec![store.resolve_collection(name).await?],
        None => store.collections().await?,
    };
    if args.format != Format::Stix || !args.filters.is_plain() {
        // Rules, lists, zones, MISP, Sentinel, and filtered STIX: the `export` crate.
        defender::run(global, &args, &store, &collections, started).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let out: Box<dyn Write> = match &args.out {
        Some(path) => {
            Box::new(File::create(path).with_context(|| format!("creating {}", path.display()))?)
        }
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, out);
    let progress = ProgressBar::new_spinner();
    progress.set_style(
        ProgressStyle::with_template("exporting {pos} objects ({per_sec})")
            .expect("the template is valid"),
    );
    let mut summary = Summary::default();
    // Only an unfiltered STIX bundle reaches here: the stored JSON is spliced as it is.
    {
        let mut writer = stix::BundleWriter::new(&mut out)?;
        if let [collection] = collections.as_slice() {
            // One collection: the stored JSON streams from one statement straight into the
            // output buffer, the fast path.
            for_each_json_page(&store, collection, args.all_versions, |json, n_objects| {
                writer.push_joined(json, n_objects)?;
                // The bar's lock is taken once per thousand objects, not once per object.
                if writer.n_objects() % 1_000 < n_objects {
                    progress.set_position(writer.n_objects());
                }
                Ok(())
            })
            .await?;
        } else {
            let scope = AccessScope::unrestricted();
            for_each_object(&store, &scope, &collections, args.all_versions, |object| {
                writer.push(&object.json)?;
                progress.inc(1);
                Ok(())
            })
            .await?;
        }
        (summary.n_objects, summary.n_bytes) = writer.finish()?;
    }
    out.flush().context("writing the export")?;
    progress.finish_and_clear();
    summary.elapsed_ms = started.elapsed().as_millis();
    tracing::info!(
        n_objects = summary.n_objects,
        elapsed_ms = summary.elapsed_ms as u64,
        "export finished"
    );
    // The summary goes to stdout only when the export itself does not.
    let line = if global.json {
        serde_json::to_string(&summary)?
    } else {
        format!(
            "exported {} objects ({:.1} MB) in {:.1} s",
            summary.n_objects,
            summary.n_bytes as f64 / 1e6,
            summary.elapsed_ms as f64 / 1000.0
        )
    };
    if args.out.is_some() {
        println!("{line}");
    } else {
        eprintln!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Returns the query of an export of one collection: the latest versions (or all), of every
/// spec version the store holds.
fn export_query(collection: &Collection, all_versions: bool) -> ObjectQuery {
    ObjectQuery {
        versions: vec![if all_versions {
            VersionMatch::All
        } else {
            VersionMatch::Last
        }],
        // Every spec version the store holds, not only each object's latest.
        spec_versions: vec!["2.0".to_owned(), "2.1".to_owned()],
        limit: Some(PAGE_SIZE),
        ..ObjectQuery::collection(collection.id)
    }
}

/// Calls `each` with the JSON of every selected object version of one collection, in
/// date_added order, as text joined by commas with the number of versions in it (one at a
/// time on SQLite, a page at a time on PostgreSQL: see [`AnyStore::for_each_json`]).
///
/// # Errors
///
/// Fails when the store fails or `each` does.
pub async fn for_each_json_page(
    store: &AnyStore,
    collection: &Collection,
    all_versions: bool,
    mut each: impl FnMut(&str, u64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let scope = AccessScope::unrestricted();
    let query = export_query(collection, all_versions);
    let mut failed = None;
    store
        .for_each_json(&scope, &query, |json, n_objects| {
            match each(json, n_objects) {
                Ok(()) => ControlFlow::Continue(()),
                Err(error) => {
                    failed = Some(error);
                    ControlFlow::Break(())
                }
            }
        })
        .await?;
    failed.map_or(Ok(()), Err)
}

/// Calls `each` with every selected object version, page by page, collection by collection,
/// in date_added order. An object version stored in several collections is given once.
///
/// Exports are administration tooling on the node's own store and read without restriction,
/// unless made for a user (`--for-user`), whose scope is then given.
///
/// # Errors
///
/// Fails when the store fails or `each` does.
pub async fn for_each_object(
    store: &AnyStore,
    scope: &AccessScope,
    collections: &[Collection],
    all_versions: bool,
    mut each: impl FnMut(&StoredObject) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut seen: HashSet<(String, i64)> = HashSet::new();
    let dedupe = collections.len() > 1;
    for collection in collections {
        let mut query = export_query(collection, all_versions);
        loop {
            let page = store.objects(scope, &query).await?;
            for object in &page.items {
                if dedupe
                    && !seen.insert((
                        object.entry.id.as_str().to_owned(),
                        object.entry.version.to_micros(),
                    ))
                {
                    continue;
                }
                each(object)?;
            }
            match page.next {
                Some(cursor) => query.after = Some(cursor),
                None => break,
            }
        }
    }
    Ok(())
}
