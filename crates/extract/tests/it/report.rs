//! STIX report bundles from documents.

use std::collections::HashMap;

use extract::{AttackLookup, Document, Extractor, ReportOptions, report_bundle};
use stix::{Bundle, StixId, StixObject, StixTimestamp};

fn bundle_of(text: &str, lookup: &dyn AttackLookup, include_benign: bool) -> Bundle {
    let document = Document::from_text(text);
    let findings = Extractor::new().extract_document(&document);
    let now = StixTimestamp::parse("2026-03-04T05:06:07Z").unwrap();
    let mut options = ReportOptions::new(now);
    options.include_benign = include_benign;
    report_bundle(&document, &findings, &options, lookup)
}

fn patterns(bundle: &Bundle) -> Vec<String> {
    bundle
        .objects
        .iter()
        .filter_map(StixObject::as_indicator)
        .map(|indicator| indicator.pattern.clone())
        .collect()
}

#[test]
fn indicators_use_refanged_values_and_skip_benign_ones() {
    let bundle = bundle_of(
        "C2 hxxp://evil-c2[.]ru/a from 185.220.101[.]4; docs at 192.0.2.5",
        &(),
        false,
    );
    assert_eq!(
        patterns(&bundle),
        [
            "[ipv4-addr:value = '185.220.101.4']",
            "[url:value = 'http://evil-c2.ru/a']"
        ]
    );
    let with_benign = bundle_of("C2 from 185.220.101[.]4; docs at 192.0.2.5", &(), true);
    assert_eq!(patterns(&with_benign).len(), 2);
}

#[test]
fn bundle_round_trips_through_the_stix_model() {
    let technique = StixId::parse("attack-pattern--7385dfaf-6886-4229-9ecd-6fd678040830").unwrap();
    let lookup = HashMap::from([("T1059.001".to_owned(), technique)]);
    let bundle = bundle_of(
        "APT report\nCVE-2024-3400 via T1059.001, C2 91.92.109.44, hash 3f786850e387550fdab836ed7e6dc881de23001b, \
         key HKCU\\Software\\Run\\x, file C:\\Users\\Public\\a.exe, UA Mozilla/5.0 (Windows NT 10.0) Gecko/1",
        &lookup,
        false,
    );
    let json = serde_json::to_string(&bundle).unwrap();
    let parsed = Bundle::from_json(&json).unwrap();
    assert_eq!(parsed, bundle);
    let StixObject::Report(report) = &bundle.objects[0] else {
        panic!("the report comes first");
    };
    assert_eq!(report.name, "APT report");
    assert_eq!(report.object_refs.len(), bundle.objects.len());
    assert_eq!(
        patterns(&bundle),
        [
            "[ipv4-addr:value = '91.92.109.44']",
            "[file:hashes.'SHA-1' = '3f786850e387550fdab836ed7e6dc881de23001b']",
            "[windows-registry-key:key = 'HKCU\\\\Software\\\\Run\\\\x']",
            "[file:name = 'a.exe' AND file:parent_directory_ref.path = 'C:\\\\Users\\\\Public']",
            "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'Mozilla/5.0 (Windows NT 10.0) Gecko/1']",
        ]
    );
}
