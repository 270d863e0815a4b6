//! `phalanx extract`: indicators from text, Markdown, HTML and PDF reports, as a table, as
//! JSON, or as a STIX 2.1 report bundle.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use extract::{
    AllowList, AttackIndex, Document, Extractor, Finding, Format, IocKind, Limits, ReportOptions,
};
use indicatif::{ProgressBar, ProgressStyle};
use policy::AccessScope;
use serde_json::json;
use server::reports::StoreAttackLookup;
use stix::{Bundle, StixTimestamp};

use crate::global::GlobalArgs;
use crate::{input, storage};

/// Arguments of `phalanx extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports to read (text, Markdown, HTML or PDF); `-` reads stdin, `.gz` is decompressed.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Input format; by default guessed from the file name and content.
    #[arg(long, value_parser = ["text", "markdown", "html", "pdf"])]
    format: Option<String>,
    /// Prints a STIX 2.1 bundle (a report referring to its indicators, vulnerabilities and the
    /// ATT&CK/ATLAS objects named, and low-confidence `related-to` within one sentence).
    #[arg(long)]
    stix: bool,
    /// ATT&CK or ATLAS STIX bundles used to resolve technique, tactic, mitigation, group and
    /// software ids into references (repeatable) [default: the objects stored in the node,
    /// when --data-dir or --database-url names an existing store].
    #[arg(long, value_name = "BUNDLE")]
    attack: Vec<PathBuf>,
    /// An allow list (one domain per line) added to the built-in one.
    #[arg(long, value_name = "FILE")]
    allowlist: Vec<PathBuf>,
    /// Makes STIX indicators of benign-marked findings too (documentation, allow-listed, ...).
    #[arg(long)]
    include_benign: bool,
    /// The report's name (default: the document's title).
    #[arg(long)]
    name: Option<String>,
    /// The report's `published` time, RFC 3339 UTC (default: now).
    #[arg(long)]
    published: Option<String>,
    /// Only these kinds, comma-separated (`urls,domains,cves`); see the table's first column.
    #[arg(long, value_delimiter = ',')]
    types: Vec<String>,
    /// Bytes of context on each side of a finding in JSON output.
    #[arg(long, default_value_t = 40)]
    context: usize,
}

/// Extracts and prints; exits 1 when a file could not be read as a document.
///
/// # Errors
///
/// Fails when an option is invalid or an ATT&CK bundle or allow list cannot be read.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    let mut types = Vec::new();
    for name in &args.types {
        let kind = IocKind::parse(name.trim())
            .with_context(|| format!("unknown type {name:?} in --types"))?;
        types.push(kind);
    }
    let format = args.format.as_deref().and_then(Format::parse);
    let published = match &args.published {
        Some(text) => StixTimestamp::parse(text).with_context(|| format!("--published {text}"))?,
        None => StixTimestamp::now(),
    };
    let mut allowlist = AllowList::builtin();
    for path in &args.allowlist {
        let text = input::read_to_string(path)?;
        allowlist.extend(AllowList::parse(&text));
    }
    let extractor = Extractor::with_allowlist(allowlist);
    let attack = load_attack(&args.attack)?;
    // Without bundles, `--stix` resolves ids against the node's store, when there is one.
    let stored = if args.stix && args.attack.is_empty() {
        existing_store(global)?
    } else {
        None
    };
    let limits = Limits::default();
    let progress = progress_bar(args.files.len());
    let mut failed = false;
    for path in &args.files {
        progress.set_message(path.display().to_string());
        let result = read_document(path, format, &limits);
        progress.inc(1);
        let document = match result {
            Ok(document) => document,
            Err(error) => {
                failed = true;
                if global.json || args.stix {
                    println!(
                        "{}",
                        json!({ "file": path.display().to_string(), "error": format!("{error:#}") })
                    );
                } else {
                    progress.suspend(|| eprintln!("{}: {error:#}", path.display()));
                }
                continue;
            }
        };
        let mut findings = extractor.extract_document(&document);
        if !types.is_empty() {
            findings.retain(|finding| types.contains(&finding.kind));
        }
        progress.suspend(|| {
            if args.stix {
                let mut options = ReportOptions::new(published);
                options.published = published;
                options.name.clone_from(&args.name);
                options.include_benign = args.include_benign;
                let bundle = match &stored {
                    Some((runtime, store)) => {
                        let lookup = runtime.block_on(StoreAttackLookup::resolve(
                            store,
                            &AccessScope::unrestricted(),
                            &findings,
                        ));
                        match lookup {
                            Ok(lookup) => {
                                extract::report_bundle(&document, &findings, &options, &lookup)
                            }
                            Err(error) => {
                                eprintln!("{}: resolving ATT&CK ids: {error}", path.display());
                                failed = true;
                                return;
                            }
                        }
                    }
                    None => extract::report_bundle(&document, &findings, &options, &attack),
                };
                print_bundle(&bundle, args.files.len() == 1);
            } else if global.json {
                print_json(path, &document, &findings, args.context);
            } else {
                print_table(path, &document, &findings);
            }
        });
    }
    progress.finish_and_clear();
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn progress_bar(n_files: usize) -> ProgressBar {
    if n_files < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(n_files as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .expect("a valid constant template"),
    );
    bar
}

/// Opens the node's store when it exists (a PostgreSQL URL, or a data directory holding a
/// database), never creating one, with the runtime its reads run on.
fn existing_store(
    global: &GlobalArgs,
) -> anyhow::Result<Option<(tokio::runtime::Runtime, store::AnyStore)>> {
    if let store::StoreLocation::Sqlite { data_dir } = storage::location(global)
        && !data_dir.join(store::DATABASE_FILE).exists()
    {
        return Ok(None);
    }
    let runtime = storage::runtime()?;
    let store = runtime.block_on(storage::open(global))?;
    Ok(Some((runtime, store)))
}

fn load_attack(paths: &[PathBuf]) -> anyhow::Result<AttackIndex> {
    let mut index = AttackIndex::new();
    for path in paths {
        let text = input::read_to_string(path)?;
        let bundle = Bundle::from_json(&text)
            .map_err(|error| anyhow::anyhow!("{error}"))
            .with_context(|| format!("reading ATT&CK bundle {}", path.display()))?;
        index.add_bundle(&bundle);
    }
    tracing::info!(n_ids = index.len(), "ATT&CK index loaded");
    Ok(index)
}

/// Reads a document (`-` is stdin, `.gz` is decompressed), its format given or guessed from
/// the file name and content; at most one byte over the limit is read, so that the parser names
/// the limit.
pub(crate) fn read_document(
    path: &Path,
    format: Option<Format>,
    limits: &Limits,
) -> anyhow::Result<Document> {
    let mut bytes = Vec::new();
    input::open(path)?
        .take(limits.max_input_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    let name = path.to_str().map(|name| name.trim_end_matches(".gz"));
    let format = format.unwrap_or_else(|| Format::detect(name, &bytes));
    Ok(Document::parse(&bytes, format, limits)?)
}

fn print_bundle(bundle: &Bundle, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(bundle)
    } else {
        serde_json::to_string(bundle)
    };
    println!("{}", text.expect("a bundle always serializes"));
}

fn print_json(path: &Path, document: &Document, findings: &[Finding], width: usize) {
    let findings: Vec<_> = findings
        .iter()
        .map(|finding| {
            json!({
                "type": finding.kind,
                "value": finding.value,
                "as_written": finding.as_written(&document.text),
                "start": finding.span.start,
                "end": finding.span.end,
                "defang": finding.defang,
                "benign": finding.benign,
                "within": finding.within,
                "context": finding.context(&document.text, width),
            })
        })
        .collect();
    let line = json!({
        "file": path.display().to_string(),
        "format": document.format.as_str(),
        "title": document.title,
        "warnings": document.warnings,
        "findings": findings,
    });
    println!("{line}");
}

fn print_table(path: &Path, document: &Document, findings: &[Finding]) {
    // One row per distinct value; nested findings (a domain inside a URL) are left out of the
    // table as they are implied by the outer one.
    let mut rows: BTreeMap<(IocKind, &str), (usize, &Finding)> = BTreeMap::new();
    for finding in findings.iter().filter(|finding| finding.within.is_none()) {
        rows.entry((finding.kind, finding.value.as_str()))
            .and_modify(|(count, _)| *count += 1)
            .or_insert((1, finding));
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(["type", "value", "written", "note", "n", "offset"]);
    for ((kind, value), (count, first)) in &rows {
        let written = first.as_written(&document.text);
        let written = if written == *value {
            String::new()
        } else {
            shorten(written, 48)
        };
        let note = first
            .benign
            .map(|benign| benign.as_str().to_owned())
            .unwrap_or_default();
        table.add_row([
            kind.as_str().to_owned(),
            shorten(value, 80),
            written,
            note,
            count.to_string(),
            first.span.start.to_string(),
        ]);
    }
    let title = document.title.as_deref().unwrap_or("(untitled)");
    println!(
        "{} ({}, \"{}\")",
        path.display(),
        document.format.as_str(),
        shorten(title, 60)
    );
    for warning in &document.warnings {
        println!("warning: {warning}");
    }
    if !rows.is_empty() {
        println!("{table}");
    }
    let n_defanged = findings
        .iter()
        .filter(|finding| finding.is_defanged())
        .count();
    let n_benign = rows
        .values()
        .filter(|(_, finding)| finding.benign.is_some())
        .count();
    println!(
        "{} findings, {} distinct values, {} written defanged, {} marked benign",
        findings.len(),
        rows.len(),
        n_defanged,
        n_benign
    );
}

fn shorten(text: &str, max_chars: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max_chars {
        flat
    } else {
        let mut out: String = flat.chars().take(max_chars - 1).collect();
        out.push('…');
        out
    }
}
