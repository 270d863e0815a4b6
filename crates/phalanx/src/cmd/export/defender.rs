//! The formats of the `export` crate (Suricata, Zeek, RPZ, nftables, MISP, Sentinel, CSV,
//! text, and STIX with filters or for a user): the store is read page by page with the
//! reader's scope and every object is handed to an `export::Exporter`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use export::{
    ExportItem, ExportOptions, Exporter, Format, FsDirectory, Output, Summary, ValueKind,
};
use indicatif::ProgressBar;
use policy::AccessScope;
use stix::{StixObject, StixTimestamp};
use store::{Accounts, AnyStore, Collection};

/// The filters and settings of an export made with the `export` crate.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Filters {
    /// Exports only objects added (or whose validity began or ended) at or after this time
    /// (RFC 3339, UTC).
    #[arg(long, value_name = "TS", value_parser = parse_time)]
    since: Option<StixTimestamp>,
    /// Exports only indicators whose confidence is at least N (0 to 100); indicators without
    /// a confidence are left out.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    min_confidence: Option<u8>,
    /// Exports only these value kinds (domain, domain-suffix, ipv4, ipv6, url, email, md5,
    /// sha1, sha256, sha512, ...) or, for stix and sentinel, these object types.
    #[arg(long, value_name = "TYPE", value_delimiter = ',')]
    types: Vec<String>,
    /// Keeps only TLP:CLEAR objects, for feeds published to the world.
    #[arg(long)]
    public: bool,
    /// Makes the export for this user: only what the user may read (its participant's
    /// collections, TLP:RED objects naming it) [default: everything, as administrator].
    #[arg(long, value_name = "USER")]
    for_user: Option<String>,
    /// The RPZ zone's name.
    #[arg(long, value_name = "NAME", default_value = "rpz.phalanx.invalid")]
    rpz_zone: String,
    /// Answer names of the RPZ zone with this sinkhole (a name, or addresses separated by
    /// commas) instead of NXDOMAIN.
    #[arg(long, value_name = "SINKHOLE")]
    rpz_sinkhole: Option<String>,
    /// The base URL of object pages, for Zeek's `meta.url` and the CSV `url` column.
    #[arg(long, value_name = "URL")]
    object_url: Option<String>,
}

impl Filters {
    /// Returns whether none of the filters is set (the STIX fast path applies).
    pub fn is_plain(&self) -> bool {
        self.since.is_none()
            && self.min_confidence.is_none()
            && self.types.is_empty()
            && !self.public
            && self.for_user.is_none()
    }
}

/// What an export with the `export` crate wrote, for `--json`.
#[derive(Debug, serde::Serialize)]
struct Report {
    #[serde(flatten)]
    summary: Summary,
    elapsed_ms: u128,
}

/// Runs an export in a format of the `export` crate (or a filtered STIX export) and prints
/// its summary: on stdout when the export goes to a file, else on stderr.
///
/// # Errors
///
/// Fails when the store cannot be read, the user is unknown, an option is invalid, or the
/// output cannot be written.
pub async fn run(
    global: &crate::global::GlobalArgs,
    args: &super::Args,
    store: &AnyStore,
    collections: &[Collection],
    started: std::time::Instant,
) -> anyhow::Result<()> {
    let format = args.format;
    let progress = ProgressBar::new_spinner();
    progress.set_style(
        indicatif::ProgressStyle::with_template("exporting: {pos} objects read ({per_sec})")
            .expect("the template is valid"),
    );
    let summary = if format.is_directory() {
        let Some(path) = &args.out else {
            anyhow::bail!(
                "the {format} format writes a directory of files: give it with --out DIR"
            );
        };
        export(
            store,
            collections,
            format,
            &args.filters,
            Destination::Directory(path.clone()),
            &progress,
        )
        .await?
    } else {
        let mut out = open_stream(args.out.as_deref())?;
        let summary = export(
            store,
            collections,
            format,
            &args.filters,
            Destination::Stream(&mut out),
            &progress,
        )
        .await?;
        out.flush().context("writing the export")?;
        summary
    };
    progress.finish_and_clear();
    let report = Report {
        summary,
        elapsed_ms: started.elapsed().as_millis(),
    };
    let text = if global.json {
        serde_json::to_string(&report)?
    } else {
        let mut lines = vec![format!(
            "exported {} of {} objects as {} values ({:.1} MB) in {:.1} s",
            report.summary.n_exported,
            report.summary.n_objects,
            report.summary.n_values,
            report.summary.n_bytes as f64 / 1e6,
            report.elapsed_ms as f64 / 1000.0
        )];
        lines.extend(
            report
                .summary
                .describe_left_out()
                .into_iter()
                .map(|line| format!("  left out: {line}")),
        );
        lines.join("\n")
    };
    if args.out.is_some() {
        println!("{text}");
    } else {
        eprintln!("{text}");
    }
    Ok(())
}

/// Where an export goes.
pub enum Destination<'a> {
    /// A stream (a file or stdout).
    Stream(&'a mut dyn Write),
    /// A directory, for the formats made of several files.
    Directory(PathBuf),
}

/// Exports the latest version of every object of `collections` the reader may see.
///
/// # Errors
///
/// Fails when the store cannot be read, the user is unknown, an option is invalid, or the
/// output cannot be written.
pub async fn export(
    store: &AnyStore,
    collections: &[Collection],
    format: Format,
    filters: &Filters,
    destination: Destination<'_>,
    progress: &ProgressBar,
) -> anyhow::Result<Summary> {
    let scope = match &filters.for_user {
        Some(name) => scope_of_user(store, name).await?,
        None => AccessScope::unrestricted(),
    };
    let options = options(format, filters, scope.clone())?;
    let mut directory;
    let output = match destination {
        Destination::Stream(out) => Output::Stream(out),
        Destination::Directory(path) => {
            directory = FsDirectory::create_all(&path)
                .with_context(|| format!("creating {}", path.display()))?;
            Output::Directory(&mut directory)
        }
    };
    let mut exporter = Exporter::new(format, options, output)?;
    super::for_each_object(store, &scope, collections, false, |stored| {
        progress.inc(1);
        // The value formats carry indicators only: other objects are not even parsed.
        if format.needs_values() && stored.entry.object_type != "indicator" {
            return Ok(());
        }
        let object = StixObject::from_json(&stored.json)
            .with_context(|| format!("reading stored object {}", stored.entry.id))?;
        exporter.push(ExportItem {
            object: &object,
            tlp: Some(stored.entry.tlp),
            collection: Some(stored.entry.collection),
            date_added: Some(stored.entry.date_added),
            json: Some(&stored.json),
            values: None,
        })?;
        Ok(())
    })
    .await?;
    Ok(exporter.finish()?)
}

/// Opens the stream of a stream format: the file, or stdout.
///
/// # Errors
///
/// Fails when the file cannot be created.
pub fn open_stream(out: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match out {
        Some(path) => Box::new(BufWriter::with_capacity(
            1 << 20,
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout().lock())),
    })
}

/// Returns the scope of a user: its participant's readable collections and its identities.
async fn scope_of_user(store: &AnyStore, name: &str) -> anyhow::Result<AccessScope> {
    let user = store
        .user(name)
        .await?
        .with_context(|| format!("no user named {name:?}"))?;
    let participant = store
        .participant(&user.participant.to_string())
        .await?
        .with_context(|| format!("the participant of user {name:?} does not exist"))?;
    let grants = store.participant_grants(participant.id).await?;
    Ok(AccessScope::principal(
        grants.readable,
        [user.identity, participant.identity],
    ))
}

fn options(format: Format, filters: &Filters, scope: AccessScope) -> anyhow::Result<ExportOptions> {
    let mut options = ExportOptions::new(scope, StixTimestamp::now());
    options.public = filters.public;
    options.since = filters.since;
    options.min_confidence = filters.min_confidence;
    for name in &filters.types {
        match ValueKind::parse(name) {
            Some(kind) if format.needs_values() => options.value_kinds.push(kind),
            _ => options.object_types.push(name.clone()),
        }
    }
    options.producer.object_url = filters.object_url.clone();
    options.rpz.origin = filters.rpz_zone.clone();
    if let Some(sinkhole) = &filters.rpz_sinkhole {
        let addresses: Result<Vec<std::net::IpAddr>, _> = sinkhole
            .split(',')
            .map(|part| part.trim().parse())
            .collect();
        options.rpz.policy = match addresses {
            Ok(addresses) => export::RpzPolicy::SinkholeAddresses(addresses),
            Err(_) => export::RpzPolicy::SinkholeName(sinkhole.clone()),
        };
    }
    Ok(options)
}

fn parse_time(text: &str) -> Result<StixTimestamp, String> {
    StixTimestamp::parse(text).map_err(|error| error.to_string())
}
