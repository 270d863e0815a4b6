//! PDF: the text layer, read with `lopdf`.
//!
//! A hostile PDF can hide a decompression bomb in any stream, so every compressed stream is
//! first inflated through a bounded reader (per stream and in total) before `lopdf` is asked
//! for the text; page count is bounded too, and a panic inside the parser is turned into an
//! error rather than taking the process down.

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Document as PdfDocument, Object};

use super::Limits;
use crate::error::Error;

/// Returns the title, the text of the pages (pages separated by form feeds turned into blank
/// lines) and warnings.
pub(super) fn text_layer(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Option<String>, String, Vec<String>), Error> {
    let result = catch_unwind(AssertUnwindSafe(|| read(bytes, limits)));
    match result {
        Ok(result) => result,
        Err(_) => Err(Error::Pdf {
            reason: "the PDF parser failed on this file".to_owned(),
        }),
    }
}

fn read(bytes: &[u8], limits: &Limits) -> Result<(Option<String>, String, Vec<String>), Error> {
    let document = PdfDocument::load_mem(bytes).map_err(|error| Error::Pdf {
        reason: error.to_string(),
    })?;
    check_streams(&document, limits)?;
    let mut warnings = Vec::new();
    let pages = document.get_pages();
    let mut numbers: Vec<u32> = pages.keys().copied().collect();
    if numbers.len() > limits.max_pdf_pages {
        warnings.push(format!(
            "{} pages: only the first {} were read (limit)",
            numbers.len(),
            limits.max_pdf_pages
        ));
        numbers.truncate(limits.max_pdf_pages);
    }
    let mut text = String::new();
    for number in numbers {
        match document.extract_text(&[number]) {
            Ok(page) => {
                text.push_str(&page);
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push('\n');
            }
            Err(error) => warnings.push(format!("page {number}: no text layer read ({error})")),
        }
        if text.len() > limits.max_text_bytes {
            warnings.push(format!(
                "text over {} bytes: later pages skipped (limit)",
                limits.max_text_bytes
            ));
            break;
        }
    }
    Ok((title(&document), text, warnings))
}

/// Inflates every Flate stream through a bounded reader, refusing the file when one stream or
/// all of them together are over the limits.
fn check_streams(document: &PdfDocument, limits: &Limits) -> Result<(), Error> {
    let mut total = 0usize;
    for (id, object) in &document.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        let filters = stream.filters().unwrap_or_default();
        if !filters.iter().any(|filter| filter == b"FlateDecode") {
            total += stream.content.len();
            continue;
        }
        let cap = limits.max_pdf_stream_bytes as u64 + 1;
        let mut decoder = flate2::read::ZlibDecoder::new(stream.content.as_slice()).take(cap);
        let mut sink = [0u8; 64 * 1024];
        let mut size = 0usize;
        loop {
            match decoder.read(&mut sink) {
                Ok(0) => break,
                Ok(read) => size += read,
                // A damaged stream is lopdf's problem to report; it cannot grow past this.
                Err(_) => break,
            }
        }
        if size > limits.max_pdf_stream_bytes {
            return Err(Error::PdfLimit {
                reason: format!(
                    "stream {} {} inflates to more than {} bytes",
                    id.0, id.1, limits.max_pdf_stream_bytes
                ),
            });
        }
        total += size;
        if total > limits.max_pdf_total_bytes {
            return Err(Error::PdfLimit {
                reason: format!(
                    "streams inflate to more than {} bytes in total",
                    limits.max_pdf_total_bytes
                ),
            });
        }
    }
    Ok(())
}

/// The `/Title` of the document information dictionary.
fn title(document: &PdfDocument) -> Option<String> {
    let info = document.trailer.get(b"Info").ok()?;
    let info = match info {
        Object::Reference(id) => document.get_object(*id).ok()?,
        other => other,
    };
    let title = info.as_dict().ok()?.get(b"Title").ok()?;
    let text = match title {
        Object::String(bytes, _) => decode_pdf_string(bytes),
        _ => return None,
    };
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// PDF text strings are UTF-16BE with a byte order mark, or PDFDocEncoding (Latin-1 here).
fn decode_pdf_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|b| char::from(*b)).collect()
    }
}
