//! `phalanx import`: migrates the data of another TAXII server into this node.
//!
//! `phalanx import medallion FILE` reads a data file of medallion, the OASIS reference TAXII
//! 2.1 server, and creates its API roots, its collections with their ids, its objects with the
//! `date_added` medallion gave them (so that clients that synchronised with `added_after` carry
//! on where they were) and its statuses. The whole file is read and validated first: a
//! problem anywhere stops the import before anything is written, unless `--skip-invalid`
//! imports the rest. Each collection's objects are then stored in one transaction. Running the
//! import again adds only what is missing.
//!
//! medallion's `can_read` and `can_write` flags apply to every user of a medallion server;
//! here access is granted per participant. The participants named by `--grant` (the
//! organisations that used the medallion server) get read on each collection medallion marked
//! `can_read` and write on each it marked `can_write`. Without `--grant` nobody is granted
//! anything, and collections stay unreadable until granted.

mod medallion;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use policy::{ParticipantId, Tlp};
use store::{
    Accounts, AddOptions, AnyStore, ApiRoot, CollectionAccess, Grant, ImportStore, NewCollection,
    OutcomeStatus, StatusStore, Store, WriteMode,
};

use crate::global::GlobalArgs;
use crate::{input, storage};
use medallion::Problem;

/// Imports with at least this many objects get a progress bar.
const PROGRESS_THRESHOLD: usize = 1_000;

/// Arguments of `phalanx import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    source: Source,
}

#[derive(Debug, clap::Subcommand)]
enum Source {
    /// Migrates a data file of medallion, the OASIS reference TAXII 2.1 server: API roots,
    /// collections (ids kept), objects (with their date_added) and statuses.
    Medallion(MedallionArgs),
}

#[derive(Debug, clap::Args)]
struct MedallionArgs {
    /// The medallion data file (JSON, as its memory backend reads it); `-` reads stdin,
    /// `.gz` files are decompressed.
    file: PathBuf,
    /// Participants that used the medallion server: each gets read on the collections
    /// medallion marked can_read and write on those it marked can_write (comma-separated or
    /// repeated; names or ids).
    #[arg(long, value_delimiter = ',', value_name = "PARTICIPANT")]
    grant: Vec<String>,
    /// The participant whose users may read the imported statuses [default: administrators
    /// only].
    #[arg(long, value_name = "PARTICIPANT")]
    status_owner: Option<String>,
    /// Imports what is valid when some objects are not (they are listed and the command
    /// exits 1); by default any problem stops the import before anything is written.
    #[arg(long)]
    skip_invalid: bool,
    /// The TLP level of objects that carry no TLP marking.
    #[arg(long, value_name = "LEVEL", default_value = "amber", value_parser = policy::parse_tlp)]
    default_tlp: Tlp,
}

/// What an import did.
#[derive(Debug, Default, serde::Serialize)]
struct Report {
    file: String,
    /// Whether anything was written (false when problems stopped the import).
    stored: bool,
    api_roots: Vec<ApiRootReport>,
    collections: Vec<CollectionReport>,
    n_statuses: usize,
    problems: Vec<Problem>,
    /// Settings of the medallion server that a node sets in its configuration file.
    notes: Vec<String>,
    elapsed_ms: u128,
}

#[derive(Debug, serde::Serialize)]
struct ApiRootReport {
    name: String,
    created: bool,
}

#[derive(Debug, serde::Serialize)]
struct CollectionReport {
    id: String,
    api_root: String,
    title: String,
    created: bool,
    /// The participants granted read, and write.
    readers: Vec<String>,
    writers: Vec<String>,
    n_objects: usize,
    n_added: usize,
    n_already_present: usize,
    n_conflicts: usize,
    /// How many objects got a later date_added than medallion's, to keep date_added strictly
    /// increasing in the collection.
    n_moved: usize,
}

/// Runs `phalanx import`.
///
/// # Errors
///
/// Fails when the file cannot be read, the store cannot be opened, or a named participant
/// does not exist.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    match args.source {
        Source::Medallion(args) => storage::runtime()?.block_on(medallion(global, args)),
    }
}

async fn medallion(global: &GlobalArgs, args: MedallionArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let text = input::read_to_string(&args.file)?;
    let validation = stix::ValidationOptions::default();
    let data = tokio::task::spawn_blocking(move || medallion::read(&text, &validation))
        .await
        .context("reading the medallion file")?;
    let mut report = Report {
        file: args.file.display().to_string(),
        ..Report::default()
    };
    let data = match data {
        Ok(data) => data,
        Err(problem) => {
            report.problems.push(problem);
            return finish(global, report, started);
        }
    };
    report.problems = data.problems;
    if !report.problems.is_empty() && !args.skip_invalid {
        return finish(global, report, started);
    }
    let store = storage::open(global).await?;
    let grantees = participants(&store, &args.grant).await?;
    let status_owner = match &args.status_owner {
        Some(name) => Some(participant(&store, name).await?.0.to_string()),
        None => None,
    };
    report.notes = notes(data.discovery.as_ref(), &data.api_roots);
    let n_objects: usize = data
        .api_roots
        .iter()
        .flat_map(|root| &root.collections)
        .map(|collection| collection.objects.len())
        .sum();
    let progress = progress_bar(n_objects);
    let mut n_done = 0u64;
    report.stored = true;
    for root in data.api_roots {
        let created = create_api_root(&store, &root).await?;
        report.api_roots.push(ApiRootReport {
            name: root.name.clone(),
            created,
        });
        for collection in root.collections {
            let collection_report = import_collection(
                &store,
                &root.name,
                collection,
                &grantees,
                &args,
                progress.clone(),
                n_done,
            )
            .await?;
            n_done += collection_report.n_objects as u64;
            report.collections.push(collection_report);
        }
        for mut status in root.statuses {
            status.owner.clone_from(&status_owner);
            store
                .put_status(&status)
                .await
                .with_context(|| format!("storing status {}", status.id))?;
            report.n_statuses += 1;
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    finish(global, report, started)
}

/// Creates an API root; returns false when one of that name exists (it is used as is).
async fn create_api_root(store: &AnyStore, root: &medallion::ApiRoot) -> anyhow::Result<bool> {
    let api_root = ApiRoot {
        name: root.name.clone(),
        title: root.title.clone(),
        description: root.description.clone(),
    };
    match store.create_api_root(&api_root).await {
        Ok(()) => Ok(true),
        Err(store::Error::AlreadyExists { .. }) => Ok(false),
        Err(error) => Err(error).with_context(|| format!("creating API root {}", root.name)),
    }
}

#[tracing::instrument(skip_all, fields(collection_id = %collection.id))]
async fn import_collection(
    store: &AnyStore,
    api_root: &str,
    collection: medallion::Collection,
    grantees: &[(ParticipantId, String)],
    args: &MedallionArgs,
    progress: Option<ProgressBar>,
    n_done: u64,
) -> anyhow::Result<CollectionReport> {
    let existing = store
        .collections()
        .await?
        .into_iter()
        .find(|existing| existing.id == collection.id);
    let (target, created) = match existing {
        Some(existing) if existing.api_root == api_root => (existing, false),
        Some(existing) => bail!(
            "collection {} exists in API root {}, not {api_root}",
            existing.id,
            existing.api_root
        ),
        None => {
            let new = NewCollection {
                id: Some(collection.id),
                description: collection.description.clone(),
                alias: collection.alias.clone(),
                ..NewCollection::new(api_root, collection.title.clone())
            };
            let created = store
                .create_collection(&new)
                .await
                .with_context(|| format!("creating collection {}", collection.id))?;
            (created, true)
        }
    };
    // Grants come before the objects: the participants that read the collection on medallion
    // already received what it holds.
    let mut access = store.collection_access(target.id).await?;
    for (participant, _) in grantees {
        if !(collection.can_read || collection.can_write) {
            break;
        }
        let grant = access
            .grants
            .iter_mut()
            .find(|grant| grant.participant == *participant);
        match grant {
            Some(grant) => {
                grant.read |= collection.can_read;
                grant.write |= collection.can_write;
            }
            None => access.grants.push(Grant {
                participant: *participant,
                read: collection.can_read,
                write: collection.can_write,
            }),
        }
    }
    store
        .set_collection_access(target.id, &access)
        .await
        .with_context(|| format!("granting access to collection {}", target.id))?;
    let names: BTreeMap<ParticipantId, &str> = grantees
        .iter()
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    let named = |access: &CollectionAccess, pick: fn(&Grant) -> bool| -> Vec<String> {
        access
            .grants
            .iter()
            .filter(|grant| pick(grant))
            .map(|grant| {
                names
                    .get(&grant.participant)
                    .map_or_else(|| grant.participant.to_string(), |name| (*name).to_owned())
            })
            .collect()
    };
    let options = AddOptions {
        default_tlp: args.default_tlp,
        mode: if args.skip_invalid {
            WriteMode::PerObject
        } else {
            WriteMode::AllOrNothing
        },
        spec_version: None,
        progress: progress.map(|bar| {
            Arc::new(move |n_written: u64| bar.set_position(n_done + n_written))
                as store::ProgressFn
        }),
    };
    let given: Vec<i64> = collection
        .objects
        .iter()
        .map(|object| object.date_added.to_micros())
        .collect();
    let outcome = store
        .import_objects(&target, &collection.objects, &options)
        .await
        .with_context(|| format!("storing the objects of collection {}", target.id))?;
    let n_moved = outcome
        .outcomes
        .iter()
        .zip(&given)
        .filter(|(outcome, given)| {
            matches!(outcome.status, OutcomeStatus::Added { date_added } if date_added.to_micros() != **given)
        })
        .count();
    Ok(CollectionReport {
        id: target.id.to_string(),
        api_root: api_root.to_owned(),
        title: target.title,
        created,
        readers: named(&access, |grant| grant.read),
        writers: named(&access, |grant| grant.write),
        n_objects: collection.objects.len(),
        n_added: if outcome.committed {
            outcome.n_added()
        } else {
            0
        },
        n_already_present: outcome.n_already_present(),
        n_conflicts: outcome.n_conflicts(),
        n_moved,
    })
}

/// Resolves participant names (or ids).
async fn participants(
    store: &AnyStore,
    names: &[String],
) -> anyhow::Result<Vec<(ParticipantId, String)>> {
    let mut found = Vec::with_capacity(names.len());
    for name in names {
        found.push(participant(store, name).await?);
    }
    Ok(found)
}

async fn participant(store: &AnyStore, name: &str) -> anyhow::Result<(ParticipantId, String)> {
    let participant = store.participant(name).await?.with_context(|| {
        format!("no participant named {name:?} (create it with `phalanx participant add`)")
    })?;
    Ok((participant.id, participant.name))
}

/// Lists what the medallion server set that a node sets in its configuration file.
fn notes(
    discovery: Option<&medallion::Discovery>,
    api_roots: &[medallion::ApiRoot],
) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(title) = discovery.and_then(|discovery| discovery.title.as_deref()) {
        notes.push(format!(
            "medallion's discovery title was {title:?}: set `title` under [node] in the configuration file to keep it"
        ));
    }
    let mut lengths: Vec<u64> = api_roots
        .iter()
        .filter_map(|root| root.max_content_length)
        .collect();
    lengths.sort_unstable();
    lengths.dedup();
    if let Some(smallest) = lengths.first() {
        notes.push(format!(
            "medallion's API roots accepted bodies of up to {} bytes; a node sets one max_content_length for all API roots ([limits] in the configuration file)",
            smallest
        ));
    }
    notes
}

fn progress_bar(n_objects: usize) -> Option<ProgressBar> {
    if n_objects < PROGRESS_THRESHOLD {
        return None;
    }
    let bar = ProgressBar::new(n_objects as u64);
    bar.set_style(
        ProgressStyle::with_template("importing {bar:40} {pos}/{len} objects ({per_sec}, {eta})")
            .expect("the template is valid"),
    );
    Some(bar)
}

/// Prints the report and returns the exit code: 1 when anything was refused.
fn finish(global: &GlobalArgs, mut report: Report, started: Instant) -> anyhow::Result<ExitCode> {
    report.elapsed_ms = started.elapsed().as_millis();
    let n_conflicts: usize = report.collections.iter().map(|c| c.n_conflicts).sum();
    tracing::info!(
        n_collections = report.collections.len(),
        n_problems = report.problems.len(),
        n_conflicts,
        elapsed_ms = report.elapsed_ms as u64,
        "import finished"
    );
    if global.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_report(&report);
    }
    Ok(if report.problems.is_empty() && n_conflicts == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(report: &Report) {
    let seconds = report.elapsed_ms as f64 / 1000.0;
    if !report.stored {
        println!(
            "{}: nothing imported: {} problem{} ({seconds:.1} s); --skip-invalid imports the rest",
            report.file,
            report.problems.len(),
            if report.problems.len() == 1 { "" } else { "s" }
        );
    }
    for root in &report.api_roots {
        let how = if root.created {
            "created"
        } else {
            "already present"
        };
        println!("API root {}: {how}", root.name);
    }
    for collection in &report.collections {
        let how = if collection.created {
            "created"
        } else {
            "existing"
        };
        println!(
            "collection {} ({}) in {}, {how}: {} objects: {} added, {} already present, {} in conflict{}",
            collection.id,
            collection.title,
            collection.api_root,
            collection.n_objects,
            collection.n_added,
            collection.n_already_present,
            collection.n_conflicts,
            if collection.n_moved > 0 {
                format!(
                    " ({} given a later date_added to keep it increasing)",
                    collection.n_moved
                )
            } else {
                String::new()
            }
        );
        println!(
            "  readers: {}; writers: {}",
            list_or_none(&collection.readers),
            list_or_none(&collection.writers)
        );
    }
    if report.stored {
        println!(
            "{}: {} API roots, {} collections, {} statuses ({seconds:.1} s)",
            report.file,
            report.api_roots.len(),
            report.collections.len(),
            report.n_statuses
        );
    }
    for problem in &report.problems {
        match &problem.object_id {
            Some(id) => println!("  refused {id} at {}: {}", problem.path, problem.reason),
            None => println!("  refused at {}: {}", problem.path, problem.reason),
        }
    }
    for note in &report.notes {
        println!("  note: {note}");
    }
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none (grant with `phalanx collection access`)".to_owned()
    } else {
        names.join(", ")
    }
}
