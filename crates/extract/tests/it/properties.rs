//! Properties: the extractor never panics, and every finding's offsets slice the input on
//! character boundaries to a non-empty text as written.

use extract::{Document, Extractor, Format, Limits};
use proptest::prelude::*;

/// Text mixing indicator-like fragments, defang tokens and arbitrary characters.
fn ioc_soup() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("hxxp://".to_owned()),
        Just("[.]".to_owned()),
        Just("(.)".to_owned()),
        Just("[dot]".to_owned()),
        Just(" at ".to_owned()),
        Just("@".to_owned()),
        Just("://".to_owned()),
        Just("\\".to_owned()),
        Just("HKLM\\".to_owned()),
        Just("C:\\".to_owned()),
        Just("CVE-2021-".to_owned()),
        Just("T1059.".to_owned()),
        Just("AML.".to_owned()),
        Just("rule x { condition: true }".to_owned()),
        Just("aHR0cDovL".to_owned()),
        Just("68747470".to_owned()),
        Just("%3A%2F%2F".to_owned()),
        Just("Mozilla/5.0 (".to_owned()),
        Just("arn:aws:".to_owned()),
        Just("é\u{a0}“”".to_owned()),
        "[a-z0-9.:/\\\\@\\[\\]() _-]{0,12}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn offsets_slice_the_input_to_the_text_as_written(text in ioc_soup()) {
        let findings = Extractor::new().extract(&text);
        for finding in &findings {
            prop_assert!(finding.span.start < finding.span.end, "{finding:?}");
            prop_assert!(text.is_char_boundary(finding.span.start), "{finding:?}");
            prop_assert!(text.is_char_boundary(finding.span.end), "{finding:?}");
            prop_assert!(!finding.as_written(&text).is_empty());
            prop_assert!(!finding.value.is_empty());
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = Extractor::new().extract(&text);
    }

    #[test]
    fn arbitrary_bytes_as_any_format_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for format in [Format::Text, Format::Markdown, Format::Html, Format::Pdf] {
            if let Ok(document) = Document::parse(&bytes, format, &Limits::default()) {
                let _ = Extractor::new().extract_document(&document);
            }
        }
    }
}
