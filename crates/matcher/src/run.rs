//! Scanning a whole input on the calling thread: the simple driver for tests and small jobs.
//! The `phalanx match` command spreads the same steps over threads.

use serde::Serialize;

use crate::error::Error;
use crate::format::{FormatSpec, LogFormat};
use crate::index::IndicatorIndex;
use crate::input::{ChunkReader, Input};
use crate::scan::{ChunkOutcome, Probe, ScanOptions};

/// What scanning one input found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputReport {
    /// The input's path (`-` for standard input).
    pub path: String,
    /// The format it was read as (`zeek:dns`, `eve`, ...); `None` for an empty input.
    pub format: Option<String>,
    /// Lines, bytes, matches and malformed lines, with line numbers from the input's start.
    pub outcome: ChunkOutcome,
}

/// Scans `input` to its end: detects its format from the first chunk, then scans chunk after
/// chunk, numbering lines from the start of the input.
///
/// # Errors
///
/// [`Error::Io`] when reading fails and [`Error::UnknownFormat`] or [`Error::InvalidOption`]
/// when the format cannot be decided; malformed lines are not errors.
pub fn scan_input(
    input: Input,
    spec: &FormatSpec,
    index: &IndicatorIndex,
    options: ScanOptions,
    follow: bool,
) -> Result<InputReport, Error> {
    let path = input.path.clone();
    let mut reader = ChunkReader::new(input, follow);
    let mut format: Option<LogFormat> = None;
    let mut report = ChunkOutcome::default();
    let mut probe = Probe::new(index, options);
    while let Some(chunk) = reader.next_chunk()? {
        let format = match &mut format {
            Some(format) => format,
            None => format.insert(LogFormat::detect(spec, &path, &chunk)?),
        };
        let state = format.begin_chunk(&chunk);
        state.scan_chunk(&chunk, &mut probe);
        let mut outcome = probe.take_outcome();
        outcome.rebase(report.lines);
        report.absorb(outcome, options.max_malformed_details);
        reader.recycle(chunk);
    }
    Ok(InputReport {
        path: path.display().to_string(),
        format: format.map(|format| format.name()),
        outcome: report,
    })
}
