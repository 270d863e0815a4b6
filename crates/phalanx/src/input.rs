//! Reading input files: `-` for stdin, transparent gzip for `.gz` files.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use anyhow::Context;
use flate2::read::MultiGzDecoder;

/// Reads a whole input into a string: `-` is stdin, a `.gz` suffix is gunzipped.
///
/// # Errors
///
/// Fails when the file cannot be opened, is not valid gzip, or is not UTF-8.
pub fn read_to_string(path: &Path) -> anyhow::Result<String> {
    // A plain file is read into a string of its size, in one copy, rather than one that
    // doubles as it fills (a 46 MB bundle would be copied and faulted in twice more).
    let is_plain = path.as_os_str() != "-" && path.extension().is_none_or(|ext| ext != "gz");
    let size = if is_plain {
        std::fs::metadata(path).map_or(0, |metadata| metadata.len())
    } else {
        0
    };
    let mut text = String::with_capacity(usize::try_from(size).unwrap_or(0));
    open(path)?
        .read_to_string(&mut text)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(text)
}

/// Opens an input for streaming: `-` is stdin, a `.gz` suffix is gunzipped.
///
/// # Errors
///
/// Fails when the file cannot be opened.
pub fn open(path: &Path) -> anyhow::Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader = BufReader::with_capacity(1 << 20, file);
    if path.extension().is_some_and(|ext| ext == "gz") {
        Ok(Box::new(MultiGzDecoder::new(reader)))
    } else {
        Ok(Box::new(reader))
    }
}
