//! Fuzzes document reading (HTML and PDF, with small limits) followed by extraction: reading
//! may fail with an error, never panic or run away.

#![no_main]

use extract::{Document, Extractor, Format, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_input_bytes: 1 << 20,
        max_pdf_pages: 16,
        max_pdf_stream_bytes: 1 << 20,
        max_pdf_total_bytes: 4 << 20,
        max_text_bytes: 1 << 20,
    };
    let format = match data.first() {
        Some(b) if b % 2 == 0 => Format::Html,
        _ => Format::Pdf,
    };
    if let Ok(document) = Document::parse(data, format, &limits) {
        let _ = Extractor::new().extract_document(&document);
    }
});
