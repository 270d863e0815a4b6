//! Sentences: the stretches of a document's text within which two findings count as named
//! together (see "Relationships only within a sentence" in the crate documentation).
//!
//! The text is first cut into blocks, then each block into sentences:
//! - **Blocks.** A blank line ends a block. In HTML every line is a block, since the document
//!   reader puts each block element (paragraph, list item, heading, table row with its cells
//!   separated by tabs, ...) on its own line and the link targets each on their own line after
//!   the body (so a link target is related to nothing). In text, Markdown and PDF
//!   a list item (`- `, `* `, `+ `, `•`, `1. `, `1) `), a heading (`#`), a table row (`|`) and
//!   each line of a fenced code block (```` ``` ````, `~~~`) is a block by itself; any other line
//!   continues the line before it (wrapped prose) only when it starts with a lower-case letter
//!   that does not begin a finding and the line before does not end with `:`. So a list of
//!   indicators one per line, or a line that starts with an indicator, is never joined to its
//!   neighbours: a sentence that wraps right before an indicator is cut there, missing a pair
//!   rather than inventing one.
//! - **Sentences.** Inside a block, `.`, `!` or `?` (closing quotes and brackets allowed after
//!   it) followed by white space ends a sentence, unless the next word starts with a lower-case
//!   letter or the word before is a common abbreviation (`e.g.`, `i.e.`, `cf.`, `vs.`, `Fig.`,
//!   `Inc.`, ...) or a single letter (an initial). A break is never placed inside a finding:
//!   the dots of `evil[.]example` or `T1059.001` end nothing.

use std::ops::Range;

use crate::document::Format;
use crate::finding::Finding;

/// Words that end with a dot without ending a sentence (compared in lower case, dot excluded).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "cf", "vs", "viz", "al", "fig", "figs", "no", "nos", "approx", "incl", "inc",
    "ltd", "corp", "co", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "p", "pp", "vol", "sec", "ch",
    "ref", "u.s", "u.k", "e.u", "ver",
];

/// Returns the sentences of `text` (trimmed of white space, in order, never empty and never
/// overlapping), `findings` being the findings made from it.
pub(crate) fn sentences(text: &str, format: Format, findings: &[Finding]) -> Vec<Range<usize>> {
    let spans = Spans::new(findings);
    let mut out = Vec::new();
    for block in blocks(text, format, &spans) {
        split_block(text, block, &spans, &mut out);
    }
    out
}

/// The findings' spans, merged, for "is this position inside a finding" questions.
struct Spans {
    merged: Vec<Range<usize>>,
    starts: Vec<usize>,
}

impl Spans {
    fn new(findings: &[Finding]) -> Self {
        let mut spans: Vec<Range<usize>> = findings.iter().map(|f| f.span.clone()).collect();
        spans.sort_by_key(|span| (span.start, span.end));
        let mut starts: Vec<usize> = spans.iter().map(|span| span.start).collect();
        starts.dedup();
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        Self { merged, starts }
    }

    /// Whether a break between `pos - 1` and `pos` would cut a finding.
    fn cuts(&self, pos: usize) -> bool {
        let idx = self.merged.partition_point(|span| span.end <= pos);
        self.merged
            .get(idx)
            .is_some_and(|span| span.start < pos && pos < span.end)
    }

    /// Whether a finding starts at `pos`.
    fn starts_at(&self, pos: usize) -> bool {
        self.starts.binary_search(&pos).is_ok()
    }
}

/// What a line is, for the block rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Blank,
    /// A list item, heading or table row: starts a block.
    Starter,
    /// A code fence line.
    Fence,
    /// Anything else.
    Plain,
}

fn classify(line: &str) -> Line {
    let trimmed = line.trim_start();
    if trimmed.is_empty() {
        return Line::Blank;
    }
    if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
        return Line::Fence;
    }
    let bullet = ["- ", "* ", "+ ", "• ", "· ", "‣ ", "– "]
        .iter()
        .any(|marker| trimmed.starts_with(marker))
        || trimmed == "-"
        || trimmed == "*";
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = (1..=3).contains(&digits)
        && matches!(trimmed.as_bytes().get(digits), Some(b'.' | b')'))
        && trimmed
            .as_bytes()
            .get(digits + 1)
            .is_none_or(|b| b.is_ascii_whitespace());
    if bullet || numbered || trimmed.starts_with('#') || trimmed.starts_with('|') {
        Line::Starter
    } else {
        Line::Plain
    }
}

/// The blocks of `text`, as byte ranges (not yet trimmed).
fn blocks(text: &str, format: Format, spans: &Spans) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut current: Option<Range<usize>> = None;
    // The previous line was a heading, table row or fence line: single-line blocks.
    let mut single = false;
    let mut in_fence = false;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let range = start..start + line.len();
        start = range.end;
        let kind = classify(line);
        // A finding across the line break (a wrapped URL, a YARA rule) keeps the lines together.
        let spans_break = spans.cuts(range.start);
        let joins = spans_break
            || match current.as_ref() {
                None => false,
                Some(block) => {
                    format != Format::Html
                        && !in_fence
                        && !single
                        && kind == Line::Plain
                        && continues(text, block, range.start, line, spans)
                }
            };
        if kind == Line::Fence && !spans_break {
            in_fence = !in_fence;
        }
        match (&mut current, joins) {
            (Some(block), true) => block.end = range.end,
            _ => {
                if let Some(block) = current.take() {
                    out.push(block);
                }
                if kind != Line::Blank {
                    current = Some(range);
                }
            }
        }
        let trimmed = line.trim_start();
        single =
            in_fence || kind == Line::Fence || trimmed.starts_with('#') || trimmed.starts_with('|');
    }
    out.extend(current);
    out
}

/// Whether `line` (at `line_start`) continues the sentence of `block`: it starts with a
/// lower-case letter that is not the start of a finding, and the block does not end with `:`.
fn continues(
    text: &str,
    block: &Range<usize>,
    line_start: usize,
    line: &str,
    spans: &Spans,
) -> bool {
    let before = text[block.clone()].trim_end();
    if before.ends_with(':') {
        return false;
    }
    let indent = line.len() - line.trim_start().len();
    let first = line_start + indent;
    line.trim_start()
        .chars()
        .next()
        .is_some_and(char::is_lowercase)
        && !spans.starts_at(first)
}

/// Cuts one block into sentences, pushing their trimmed ranges to `out`.
fn split_block(text: &str, block: Range<usize>, spans: &Spans, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut sentence_start = block.start;
    let mut idx = block.start;
    while idx < block.end {
        let byte = bytes[idx];
        if matches!(byte, b'.' | b'!' | b'?') && !spans.cuts(idx) && !spans.cuts(idx + 1) {
            // Closing quotes and brackets belong to the sentence they close.
            let mut end = idx + 1;
            while end < block.end {
                let rest = &text[end..block.end];
                let Some(c) = rest.chars().next() else { break };
                if matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»') {
                    end += c.len_utf8();
                } else {
                    break;
                }
            }
            let after = &text[end..block.end];
            let next_word = after.trim_start();
            let followed_by_space = after.len() != next_word.len() || next_word.is_empty();
            let next_lower = next_word.chars().next().is_some_and(char::is_lowercase);
            if followed_by_space
                && !next_lower
                && (byte != b'.' || !abbreviation(&text[sentence_start..idx]))
            {
                push_trimmed(text, sentence_start..end, out);
                sentence_start = end;
                idx = end;
                continue;
            }
        }
        idx += 1;
    }
    push_trimmed(text, sentence_start..block.end, out);
}

/// Whether the word that ends `before` (the dot excluded) is an abbreviation or an initial.
fn abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    let mut letters = word.chars();
    let initial = matches!((letters.next(), letters.next()), (Some(c), None) if c.is_uppercase());
    initial || ABBREVIATIONS.contains(&lower.as_str())
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.start + slice.trim_end().len();
    if start < end {
        out.push(start..end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Extractor;

    fn split(text: &str, format: Format) -> Vec<&str> {
        let findings = Extractor::new().extract(text);
        sentences(text, format, &findings)
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    #[test]
    fn sentences_end_at_terminators_but_not_inside_findings() {
        assert_eq!(
            split(
                "The loader used T1059.001 and evil[.]example. It then, e.g. via \
                 185.220.101.4, beaconed!  \"Done.\" Next one",
                Format::Text
            ),
            [
                "The loader used T1059.001 and evil[.]example.",
                "It then, e.g. via 185.220.101.4, beaconed!",
                "\"Done.\"",
                "Next one"
            ]
        );
    }

    #[test]
    fn wrapped_prose_joins_but_lists_and_indicator_lines_do_not() {
        let text = "The implant contacted the\nserver at evil.example over TLS.\n\
                    Indicators:\nevil.example\n185.220.101.4 C2 server\n\
                    - item one\n  continued here\n| a | b |\n| c | d |\n\nNew paragraph";
        assert_eq!(
            split(text, Format::Markdown),
            [
                "The implant contacted the\nserver at evil.example over TLS.",
                "Indicators:",
                "evil.example",
                "185.220.101.4 C2 server",
                "- item one\n  continued here",
                "| a | b |",
                "| c | d |",
                "New paragraph"
            ]
        );
    }

    #[test]
    fn html_lines_are_blocks() {
        assert_eq!(
            split("C2 server\nevil.example is used\nby S0154", Format::Html),
            ["C2 server", "evil.example is used", "by S0154"]
        );
    }

    #[test]
    fn fenced_code_lines_stand_alone() {
        assert_eq!(
            split(
                "```\ncurl evil.example\nand 185.220.101.4\n```",
                Format::Markdown
            ),
            ["```", "curl evil.example", "and 185.220.101.4", "```"]
        );
    }
}
