//! Documents: the report fixtures of `testdata/reports` in each format, and hostile PDFs.

use std::path::PathBuf;

use extract::{Document, Error, Extractor, Format, IocKind, Limits};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/reports")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

fn values(document: &Document, kind: IocKind) -> Vec<String> {
    let mut values: Vec<String> = Extractor::new()
        .extract_document(document)
        .into_iter()
        .filter(|finding| finding.kind == kind && finding.within.is_none())
        .map(|finding| finding.value)
        .collect();
    values.sort();
    values.dedup();
    values
}

#[test]
fn pdf_text_layer_and_title_are_read() {
    let bytes = fixture("briefing.pdf");
    assert_eq!(Format::detect(Some("x.bin"), &bytes), Format::Pdf);
    let document = Document::parse(&bytes, Format::Pdf, &Limits::default()).unwrap();
    assert_eq!(
        document.title.as_deref(),
        Some("Operation Glass Lantern: threat briefing")
    );
    assert_eq!(
        values(&document, IocKind::Cve),
        ["CVE-2021-44228", "CVE-2023-23397"]
    );
    assert_eq!(
        values(&document, IocKind::Url),
        [
            "ftp://files.glass-lantern.org/drop/stage2.bin",
            "https://update-check.xyz/api/v2/beacon"
        ]
    );
}

#[test]
fn pdf_and_text_give_the_same_findings() {
    let text = Document::parse(&fixture("briefing.txt"), Format::Text, &Limits::default()).unwrap();
    let pdf = Document::parse(&fixture("briefing.pdf"), Format::Pdf, &Limits::default()).unwrap();
    for kind in [
        IocKind::Ipv4,
        IocKind::Domain,
        IocKind::Email,
        IocKind::Sha256,
        IocKind::AttackTechnique,
    ] {
        assert_eq!(values(&text, kind), values(&pdf, kind), "{kind}");
    }
}

#[test]
fn html_hidden_content_is_skipped_and_links_are_read() {
    let document =
        Document::parse(&fixture("advisory.html"), Format::Html, &Limits::default()).unwrap();
    assert_eq!(
        document.title.as_deref(),
        Some("Advisory 2026-07: Lumen stealer infrastructure")
    );
    // 203.0.113.77 is in a script and 198.51.100.99 in a style sheet: never shown.
    assert_eq!(values(&document, IocKind::Ipv4), ["91.92.109.44"]);
    assert!(
        values(&document, IocKind::Url)
            .contains(&"https://dl.lumen-files.click/invoice_0712.zip".to_owned())
    );
}

#[test]
fn markdown_title_is_the_first_heading() {
    let document = Document::parse(
        &fixture("apt-report.md"),
        Format::Markdown,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        document.title.as_deref(),
        Some("Harbour Mist campaign against port authorities")
    );
    assert_eq!(values(&document, IocKind::Ipv6), ["2a0b:4140:1f::7c"]);
}

#[test]
fn garbage_pdf_is_an_error_not_a_panic() {
    let error = Document::parse(
        b"%PDF-1.7\nthis is not a pdf",
        Format::Pdf,
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(error, Error::Pdf { .. }), "{error}");
}

#[test]
fn pdf_decompression_bomb_is_refused() {
    // A page whose content stream inflates to 2 MiB, against a 1 MiB stream limit.
    let content = vec![b' '; 2 << 20];
    let compressed = {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&content).unwrap();
        encoder.finish().unwrap()
    };
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R >>".to_vec(),
        [
            format!(
                "<< /Length {} /Filter /FlateDecode >>\nstream\n",
                compressed.len()
            )
            .into_bytes(),
            compressed,
            b"\nendstream".to_vec(),
        ]
        .concat(),
    ];
    for (idx, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", idx + 1).into_bytes());
        pdf.extend(body);
        pdf.extend(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").into_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    let limits = Limits {
        max_pdf_stream_bytes: 1 << 20,
        ..Limits::default()
    };
    let error = Document::parse(&pdf, Format::Pdf, &limits).unwrap_err();
    assert!(matches!(error, Error::PdfLimit { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("inflates to more than 1048576 bytes"),
        "{error}"
    );
    // Within the default limits the same file reads (a blank page).
    assert!(Document::parse(&pdf, Format::Pdf, &Limits::default()).is_ok());
}
