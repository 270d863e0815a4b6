//! Writes a STIX bundle in every export format (or the ones named), for checks by other
//! tools: `cargo run -p export --example export -- BUNDLE OUT_DIR [--public] [--now TIME]
//! [--format NAME]...`.
//!
//! Stream formats go to `OUT_DIR/<format>.<extension>`, directory formats to
//! `OUT_DIR/<format>/`, and each summary to `OUT_DIR/<format>.summary.json`. Used by
//! `.ci/steps/70-exports.sh`.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use export::{ExportItem, ExportOptions, Exporter, Format, FsDirectory, Output};
use policy::AccessScope;
use stix::{Bundle, StixTimestamp};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(bundle), Some(out_dir)) = (args.next(), args.next()) else {
        return Err(
            "usage: export BUNDLE OUT_DIR [--public] [--now TIME] [--format NAME]...".into(),
        );
    };
    let mut public = false;
    let mut now = StixTimestamp::now();
    let mut formats = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--public" => public = true,
            "--now" => {
                let text = args.next().ok_or("--now needs a time")?;
                now = StixTimestamp::parse(&text).map_err(|e| e.to_string())?;
            }
            "--format" => {
                let name = args.next().ok_or("--format needs a name")?;
                formats.push(Format::parse(&name).ok_or(format!("unknown format {name}"))?);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if formats.is_empty() {
        formats = Format::ALL.to_vec();
    }
    let text = fs::read_to_string(&bundle).map_err(|e| format!("{bundle}: {e}"))?;
    let objects = Bundle::from_json(&text)
        .map_err(|e| format!("{bundle}: {e}"))?
        .objects;
    let out_dir = PathBuf::from(out_dir);
    fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    for format in formats {
        let mut options = ExportOptions::new(AccessScope::unrestricted(), now);
        options.public = public;
        let summary = if format.is_directory() {
            let mut directory = FsDirectory::create_all(out_dir.join(format.as_str()))
                .map_err(|e| e.to_string())?;
            export(format, options, Output::Directory(&mut directory), &objects)?
        } else {
            let path = out_dir.join(format!("{format}.{}", format.extension()));
            let mut file =
                std::io::BufWriter::new(fs::File::create(&path).map_err(|e| e.to_string())?);
            export(format, options, Output::Stream(&mut file), &objects)?
        };
        fs::write(
            out_dir.join(format!("{format}.summary.json")),
            serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        eprintln!(
            "{format}: {} of {} objects, {} values, {} bytes",
            summary.n_exported, summary.n_objects, summary.n_values, summary.n_bytes
        );
    }
    Ok(())
}

fn export(
    format: Format,
    options: ExportOptions,
    output: Output<'_>,
    objects: &[stix::StixObject],
) -> Result<export::Summary, String> {
    let mut exporter = Exporter::new(format, options, output).map_err(|e| e.to_string())?;
    for object in objects {
        exporter
            .push(ExportItem::new(object))
            .map_err(|e| e.to_string())?;
    }
    exporter.finish().map_err(|e| e.to_string())
}
