//! Documents: the text the extractor reads, taken from plain text, Markdown, HTML (visible text
//! and link targets) or PDF (the text layer), with the document's title.

mod html;
mod pdf;

use crate::error::Error;

/// The format of an input document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (UTF-8; invalid bytes are replaced).
    Text,
    /// Markdown, read as text; the title is the first heading.
    Markdown,
    /// HTML: visible text, then the targets of links, images, scripts and forms.
    Html,
    /// PDF: the text layer of each page.
    Pdf,
}

impl Format {
    /// Guesses the format from a file name and the first bytes of the content.
    pub fn detect(name: Option<&str>, bytes: &[u8]) -> Self {
        if bytes.starts_with(b"%PDF-") {
            return Self::Pdf;
        }
        let ext = name
            .and_then(|name| name.rsplit_once('.'))
            .map(|(_, ext)| ext.to_ascii_lowercase());
        match ext.as_deref() {
            Some("pdf") => Self::Pdf,
            Some("html" | "htm" | "xhtml") => Self::Html,
            Some("md" | "markdown") => Self::Markdown,
            _ => {
                let head = &bytes[..bytes.len().min(512)];
                let head = String::from_utf8_lossy(head).to_ascii_lowercase();
                let head = head.trim_start();
                if head.starts_with("<!doctype html") || head.starts_with("<html") {
                    Self::Html
                } else {
                    Self::Text
                }
            }
        }
    }

    /// Parses a format name (`text`, `markdown`, `html`, `pdf`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "text" | "txt" => Some(Self::Text),
            "markdown" | "md" => Some(Self::Markdown),
            "html" => Some(Self::Html),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }

    /// Returns the format's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
            Self::Html => "html",
            Self::Pdf => "pdf",
        }
    }
}

/// Bounds on what one document may cost, so that a hostile file cannot exhaust the machine.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_bytes: usize,
    /// Most PDF pages read (further pages are skipped with a warning).
    pub max_pdf_pages: usize,
    /// Largest decompressed size of one PDF stream, in bytes.
    pub max_pdf_stream_bytes: usize,
    /// Largest total decompressed size of all PDF streams, in bytes.
    pub max_pdf_total_bytes: usize,
    /// Largest extracted text kept, in bytes (the rest is cut with a warning).
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 256 << 20,
            max_pdf_pages: 2000,
            max_pdf_stream_bytes: 64 << 20,
            max_pdf_total_bytes: 512 << 20,
            max_text_bytes: 256 << 20,
        }
    }
}

/// A document ready for extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The format it was read from.
    pub format: Format,
    /// The title: HTML `<title>`, PDF `/Title`, the first Markdown heading, or the first line.
    pub title: Option<String>,
    /// The text the extractor reads; finding offsets are byte offsets in it.
    pub text: String,
    /// Problems met while reading that did not stop it (invalid UTF-8, pages skipped, ...).
    pub warnings: Vec<String>,
}

impl Document {
    /// Reads a document from its bytes.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] when the input is over `limits.max_input_bytes`; [`Error::Pdf`] and
    /// [`Error::PdfLimit`] for PDFs that cannot be read within the limits. Text, Markdown and
    /// HTML always read (invalid UTF-8 is replaced and reported in `warnings`).
    pub fn parse(bytes: &[u8], format: Format, limits: &Limits) -> Result<Self, Error> {
        if bytes.len() > limits.max_input_bytes {
            return Err(Error::TooLarge {
                size: bytes.len(),
                limit: limits.max_input_bytes,
            });
        }
        let mut warnings = Vec::new();
        let mut document = match format {
            Format::Text | Format::Markdown => {
                let text = utf8(bytes, &mut warnings);
                let title = if format == Format::Markdown {
                    markdown_title(&text).or_else(|| first_line(&text))
                } else {
                    first_line(&text)
                };
                Self {
                    format,
                    title,
                    text,
                    warnings,
                }
            }
            Format::Html => {
                let source = utf8(bytes, &mut warnings);
                let (title, text) = html::visible_text(&source);
                Self {
                    format,
                    title: title.or_else(|| first_line(&text)),
                    text,
                    warnings,
                }
            }
            Format::Pdf => {
                let (title, text, pdf_warnings) = pdf::text_layer(bytes, limits)?;
                warnings.extend(pdf_warnings);
                Self {
                    format,
                    title: title.or_else(|| first_line(&text)),
                    text,
                    warnings,
                }
            }
        };
        if document.text.len() > limits.max_text_bytes {
            let mut cut = limits.max_text_bytes;
            while !document.text.is_char_boundary(cut) {
                cut -= 1;
            }
            document.text.truncate(cut);
            document
                .warnings
                .push(format!("text cut at {cut} bytes (limit)"));
        }
        Ok(document)
    }

    /// Wraps text that is already in memory.
    pub fn from_text(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            format: Format::Text,
            title: first_line(&text),
            text,
            warnings: Vec::new(),
        }
    }
}

fn utf8(bytes: &[u8], warnings: &mut Vec<String>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(error) => {
            warnings.push(format!(
                "invalid UTF-8 at byte {}: replaced with U+FFFD",
                error.valid_up_to()
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

/// The first non-empty line, trimmed and cut to 200 characters.
fn first_line(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|line| !line.is_empty())?;
    let line = line.strip_prefix("title:").map_or(line, str::trim);
    Some(line.chars().take(200).collect())
}

/// The first ATX heading (`# Title`) of a Markdown document.
fn markdown_title(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim_start)
        .find(|line| line.starts_with('#'))
        .map(|line| {
            line.trim_start_matches('#')
                .trim()
                .chars()
                .take(200)
                .collect()
        })
        .filter(|title: &String| !title.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_from_names_and_content() {
        assert_eq!(Format::detect(Some("a.PDF"), b""), Format::Pdf);
        assert_eq!(Format::detect(None, b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(Format::detect(None, b"  <!DOCTYPE html><p>x"), Format::Html);
        assert_eq!(Format::detect(Some("notes.md"), b"# x"), Format::Markdown);
        assert_eq!(Format::detect(Some("-"), b"plain"), Format::Text);
    }

    #[test]
    fn titles_come_from_the_document() {
        let limits = Limits::default();
        let markdown =
            Document::parse(b"intro\n\n## APT report\ntext", Format::Markdown, &limits).unwrap();
        assert_eq!(markdown.title.as_deref(), Some("APT report"));
        let text = Document::parse(b"\n\n  First line  \nsecond", Format::Text, &limits).unwrap();
        assert_eq!(text.title.as_deref(), Some("First line"));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported() {
        let document =
            Document::parse(b"ok \xff 1.2.3.4", Format::Text, &Limits::default()).unwrap();
        assert!(document.text.contains('\u{fffd}'));
        assert_eq!(
            document.warnings,
            ["invalid UTF-8 at byte 3: replaced with U+FFFD"]
        );
    }

    #[test]
    fn oversized_input_is_refused() {
        let limits = Limits {
            max_input_bytes: 4,
            ..Limits::default()
        };
        let error = Document::parse(b"12345", Format::Text, &limits).unwrap_err();
        assert_eq!(
            error.to_string(),
            "document is 5 bytes, over the limit of 4 bytes"
        );
    }
}
