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

/// The relationships of a bundle: (type, source, target, confidence, description).
fn relationships(bundle: &Bundle) -> Vec<(String, StixId, StixId, Option<i64>, String)> {
    bundle
        .objects
        .iter()
        .filter_map(|object| match object {
            StixObject::Relationship(r) => Some((
                r.relationship_type.clone(),
                r.source_ref.clone(),
                r.target_ref.clone(),
                r.common.confidence,
                r.description.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

fn id_of(bundle: &Bundle, object_type: &str, needle: &str) -> StixId {
    bundle
        .objects
        .iter()
        .find(|object| {
            object.object_type() == object_type
                && serde_json::to_string(object).unwrap().contains(needle)
        })
        .unwrap_or_else(|| panic!("no {object_type} with {needle}"))
        .id()
        .clone()
}

fn malware_lookup() -> (StixId, HashMap<String, StixId>) {
    let malware = StixId::parse("malware--0a3ead4e-6d47-4ccb-854c-a6a4f9d96b22").unwrap();
    let lookup = HashMap::from([("S0154".to_owned(), malware.clone())]);
    (malware, lookup)
}

#[test]
fn a_pair_in_one_sentence_gives_one_related_to() {
    let (malware, lookup) = malware_lookup();
    let bundle = bundle_of(
        "Threat brief\n\nThe S0154 beacon called 185.220.101.4 twice, and S0154 called \
         185.220.101.4 again.",
        &lookup,
        false,
    );
    let indicator = id_of(&bundle, "indicator", "185.220.101.4");
    let edges = relationships(&bundle);
    assert_eq!(edges.len(), 1, "{edges:?}");
    let (kind, source, target, confidence, description) = &edges[0];
    assert_eq!(kind, "related-to");
    assert_eq!((source, target), (&indicator, &malware));
    assert_eq!(*confidence, Some(15));
    assert_eq!(
        description,
        "Named in the same sentence of report \"Threat brief\": \"The S0154 beacon called \
         185.220.101.4 twice, and S0154 called 185.220.101.4 again.\". Co-mention only: the \
         report may not state how they are related."
    );
    let StixObject::Report(report) = &bundle.objects[0] else {
        panic!("the report comes first");
    };
    let relationship = bundle.objects.last().unwrap().id();
    assert_eq!(relationship.object_type(), "relationship");
    assert!(report.object_refs.contains(relationship));
    assert!(report.object_refs.contains(&malware));
}

#[test]
fn different_sentences_give_no_relationship() {
    let (_, lookup) = malware_lookup();
    for text in [
        "S0154 is a commercial framework. The actor used 185.220.101.4 for staging.",
        "Indicators:\n185.220.101.4\nevil-c2.ru\nS0154",
        "The actor used S0154.\n\nThe server 185.220.101.4 hosted a page.",
        "The malware S0154 contacted the\n185.220.101.4 server.",
    ] {
        let bundle = bundle_of(text, &lookup, false);
        assert_eq!(relationships(&bundle), [], "{text}");
        assert!(
            bundle
                .objects
                .iter()
                .any(|o| o.object_type() == "indicator")
        );
    }
}

#[test]
fn a_defanged_url_and_a_cve_in_one_sentence_are_related() {
    let bundle = bundle_of(
        "Exploitation of CVE-2021-44228 pulled hxxps://evil-c2[.]ru/x.class. Unrelated: CVE-2020-0601.",
        &(),
        false,
    );
    let url = id_of(&bundle, "indicator", "https://evil-c2.ru/x.class");
    let cve = id_of(&bundle, "vulnerability", "CVE-2021-44228");
    let other = id_of(&bundle, "vulnerability", "CVE-2020-0601");
    let edges = relationships(&bundle);
    assert_eq!(edges.len(), 1, "{edges:?}");
    assert_eq!((&edges[0].1, &edges[0].2), (&url, &cve));
    // The quotation keeps the text as written, defanged.
    assert!(
        edges[0].4.contains("hxxps://evil-c2[.]ru/x.class"),
        "{}",
        edges[0].4
    );
    assert!(edges.iter().all(|edge| edge.2 != other && edge.1 != other));
}

#[test]
fn re_extraction_gives_the_same_relationship_ids() {
    let (_, lookup) = malware_lookup();
    let text = "S0154 beacons to evil-c2.ru and 185.220.101.4 (CVE-2021-44228 was the way in).";
    let ids = |bundle: &Bundle| {
        bundle
            .objects
            .iter()
            .filter(|o| o.object_type() == "relationship")
            .map(|o| o.id().clone())
            .collect::<Vec<_>>()
    };
    let first = ids(&bundle_of(text, &lookup, false));
    // Another document naming the same pair in another order gives the same edge.
    let second = ids(&bundle_of(text, &lookup, false));
    assert_eq!(first.len(), 6, "{first:?}");
    assert_eq!(first, second);
    let reordered = bundle_of("Seen: 185.220.101.4 with evil-c2.ru.", &(), false);
    let reordered = ids(&reordered);
    assert_eq!(reordered.len(), 1);
    assert!(first.contains(&reordered[0]));
}

#[test]
fn relationships_only_point_at_objects_in_the_bundle_or_resolved() {
    let (malware, lookup) = malware_lookup();
    // T1999 does not resolve, the documentation address and the Bitcoin address make no
    // indicator: none of them is related.
    let bundle = bundle_of(
        "S0154 and T1999 used 192.0.2.1, 1BoatSLRHtKNngkdXEeobR76b53LETtpyT and evil-c2.ru.",
        &lookup,
        false,
    );
    let mut known: Vec<StixId> = bundle.objects.iter().map(|o| o.id().clone()).collect();
    known.push(malware.clone());
    let edges = relationships(&bundle);
    assert_eq!(edges.len(), 1, "{edges:?}");
    for (_, source, target, _, _) in &edges {
        assert!(known.contains(source) && known.contains(target));
    }
}

#[test]
fn long_enumerations_relate_nothing() {
    let addresses: Vec<String> = (1..=9).map(|n| format!("185.220.101.{n}")).collect();
    let text = format!("The servers were {}.", addresses.join(", "));
    let bundle = bundle_of(&text, &(), false);
    assert_eq!(relationships(&bundle), []);
    let StixObject::Report(report) = &bundle.objects[0] else {
        panic!("the report comes first");
    };
    assert!(
        report
            .description
            .as_deref()
            .unwrap()
            .contains("1 sentences naming more than 8 objects")
    );
}

#[test]
fn bundles_with_relationships_validate() {
    let technique = StixId::parse("attack-pattern--7385dfaf-6886-4229-9ecd-6fd678040830").unwrap();
    let (_, mut lookup) = malware_lookup();
    lookup.insert("T1059.001".to_owned(), technique);
    let bundle = bundle_of(
        "S0154 ran T1059.001 against hxxp://198.51.100[.]7/a and evil-c2[.]ru (CVE-2021-44228). \
         A \"quoted\" sentence with 185.220.101.4\\ and evil-c2.ru.",
        &lookup,
        false,
    );
    assert!(relationships(&bundle).len() >= 4);
    let value = serde_json::to_value(&bundle).unwrap();
    let diagnostics = stix::validate_value(&value, &stix::ValidationOptions::default());
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(Bundle::from_json(&value.to_string()).unwrap(), bundle);
}

#[test]
fn table_rows_relate_their_cells_and_not_other_rows() {
    use extract::{Format, Limits};
    let (malware, lookup) = malware_lookup();
    let html = "<html><head><title>Advisory</title></head><body><table>\
                <tr><th>Indicator</th><th>Used by</th></tr>\
                <tr><td>185.220.101.4</td><td>S0154 beacon</td></tr>\
                <tr><td>evil-c2[.]ru</td><td>unknown</td></tr></table></body></html>";
    let markdown = "# Advisory\n\n| Indicator | Used by |\n|---|---|\n\
                    | 185.220.101.4 | S0154 beacon |\n| evil-c2[.]ru | unknown |\n";
    for (bytes, format) in [(html, Format::Html), (markdown, Format::Markdown)] {
        let document = Document::parse(bytes.as_bytes(), format, &Limits::default()).unwrap();
        let findings = Extractor::new().extract_document(&document);
        let now = StixTimestamp::parse("2026-03-04T05:06:07Z").unwrap();
        let bundle = report_bundle(&document, &findings, &ReportOptions::new(now), &lookup);
        let address = id_of(&bundle, "indicator", "185.220.101.4");
        let edges: Vec<_> = relationships(&bundle)
            .into_iter()
            .map(|(_, source, target, _, _)| (source, target))
            .collect();
        assert_eq!(edges, [(address, malware.clone())], "{format:?}");
    }
}
