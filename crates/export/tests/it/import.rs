//! The importers: lists in abuse.ch's shapes, MISP events and feeds, and what they do with
//! bad input.

use std::collections::BTreeMap;
use std::io;

use export::import::list::{ListFormat, import_list};
use export::import::misp::{FeedFiles, FsFeed, import_misp, import_misp_feed};
use export::import::{ImportError, ImportOptions, Imported, Location};
use export::{ExportItem, Format};
use policy::{AccessScope, Tlp};
use proptest::prelude::*;
use stix::{StixObject, StixTimestamp};

use crate::support::{Produced, fixed_options, read_bundle, run, testdata};

fn options() -> ImportOptions {
    let mut options = ImportOptions::new(
        "abuse.ch",
        StixTimestamp::parse("2024-11-21T00:00:00Z").unwrap(),
    );
    options.tlp = Tlp::Green;
    options.confidence = Some(60);
    options
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(testdata().join(path)).unwrap()
}

/// The patterns of the indicators made, in order.
fn patterns(imported: &Imported) -> Vec<String> {
    imported
        .objects
        .iter()
        .filter_map(StixObject::as_indicator)
        .map(|indicator| indicator.pattern.clone())
        .collect()
}

fn diagnostics(imported: &Imported) -> Vec<String> {
    imported
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn threatfox_csv_gives_typed_indicators_with_context() {
    let imported = import_list(&read("lists/threatfox.csv"), ListFormat::Csv, &options()).unwrap();
    assert_eq!(
        patterns(&imported),
        [
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.44' AND network-traffic:dst_port = 7000]",
            "[domain-name:value = 'c2.evil.example']",
            "[url:value = 'http://dl.evil.example/payload.bin']",
            "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
            "[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = '2001:db8::44' AND network-traffic:dst_port = 443]",
        ]
    );
    assert_eq!(imported.n_records, 7);
    assert_eq!(
        diagnostics(&imported),
        [
            "line 11: cannot tell what kind of indicator \"not a value\" is; skipped",
            "line 13: \"d41d8cd98f00b204e9800998ecf8427e\" is not of the type \"sha256_hash\" its row gives; skipped",
        ]
    );
    let cobalt = imported.objects[2].as_indicator().unwrap();
    assert_eq!(
        cobalt.name.as_deref(),
        Some("Cobalt Strike botnet_cc: c2.evil.example")
    );
    assert_eq!(cobalt.common.confidence, Some(75));
    assert_eq!(cobalt.valid_from.to_string(), "2024-11-20T09:41:12Z");
    assert_eq!(
        cobalt.common.labels.as_deref(),
        Some(&["CobaltStrike".to_owned()][..])
    );
    let reference = &cobalt.common.external_references.as_ref().unwrap()[0];
    assert_eq!(reference.url.as_deref(), Some("https://reports.example/cs"));
    assert_eq!(policy::tlp_of(&imported.objects[2]), Some(Tlp::Green));
    // The marking definition comes first, so the bundle is self-contained.
    assert_eq!(imported.objects[0].object_type(), "marking-definition");
}

#[test]
fn urlhaus_csv_refangs_and_points_at_bad_rows() {
    let imported = import_list(&read("lists/urlhaus.csv"), ListFormat::Csv, &options()).unwrap();
    assert_eq!(
        patterns(&imported),
        [
            "[url:value = 'http://198.51.100.23:43616/i']",
            "[url:value = 'https://files.evil.example/inv.zip']",
            "[url:value = 'http://defanged.evil.example/x']",
        ]
    );
    assert_eq!(diagnostics(&imported).len(), 1);
    assert!(diagnostics(&imported)[0].starts_with("line 10: "));
    let first = imported.objects[1].as_indicator().unwrap();
    assert_eq!(first.common.confidence, Some(60), "the chosen confidence");
    assert_eq!(
        first.common.labels.as_deref().unwrap(),
        ["32-bit", "elf", "mips", "Mozi"]
    );
}

#[test]
fn feodo_lists_give_addresses_and_ports() {
    let csv = import_list(&read("lists/feodo.csv"), ListFormat::Csv, &options()).unwrap();
    assert_eq!(
        patterns(&csv),
        [
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.126' AND network-traffic:dst_port = 443]",
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.127' AND network-traffic:dst_port = 8080]",
        ]
    );
    assert_eq!(diagnostics(&csv).len(), 1, "{:?}", diagnostics(&csv));
    let plain = import_list(&read("lists/feodo.txt"), ListFormat::Plain, &options()).unwrap();
    assert_eq!(
        patterns(&plain),
        [
            "[ipv4-addr:value = '203.0.113.126']",
            "[ipv4-addr:value = '203.0.113.127']",
            "[ipv6-addr:value = '2001:db8::7']",
            "[domain-name:value = 'evil.example']",
        ]
    );
    assert_eq!(
        diagnostics(&plain),
        ["line 9: cannot tell what kind of indicator \"not_a_value\" is; skipped"]
    );
}

#[test]
fn importing_a_list_twice_names_the_same_indicators() {
    let first = import_list(&read("lists/feodo.txt"), ListFormat::Plain, &options()).unwrap();
    let mut later = options();
    later.now = StixTimestamp::parse("2025-01-01T00:00:00Z").unwrap();
    let second = import_list(&read("lists/feodo.txt"), ListFormat::Plain, &later).unwrap();
    let ids = |imported: &Imported| -> Vec<String> {
        imported
            .objects
            .iter()
            .map(|o| o.id().to_string())
            .collect()
    };
    assert_eq!(ids(&first), ids(&second));
}

#[test]
fn list_indicators_validate() {
    for (path, format) in [
        ("lists/threatfox.csv", ListFormat::Csv),
        ("lists/urlhaus.csv", ListFormat::Csv),
        ("lists/feodo.csv", ListFormat::Csv),
        ("lists/feodo.txt", ListFormat::Plain),
    ] {
        let imported = import_list(&read(path), format, &options()).unwrap();
        for object in &imported.objects {
            let diagnostics = stix::validate_object(object, &Default::default());
            assert!(
                diagnostics.iter().all(|d| !d.is_error()),
                "{path}: {}: {diagnostics:?}",
                object.id()
            );
        }
    }
}

#[test]
fn misp_event_attributes_become_indicators_named_after_them() {
    let imported = import_misp(&read("misp/events/domain_ip_attribute.json"), &options()).unwrap();
    let indicator = imported
        .objects
        .iter()
        .find_map(StixObject::as_indicator)
        .unwrap();
    assert_eq!(
        indicator.common.id.as_str(),
        "indicator--91ae0a21-c7ae-4c7f-b84b-b84a7ce53d1f"
    );
    assert_eq!(
        indicator.pattern,
        "[domain-name:value = 'circl.lu' AND domain-name:resolves_to_refs[*].value = '149.13.33.14']"
    );
    assert_eq!(
        indicator.description.as_deref(),
        Some("Domain|ip test attribute")
    );
    assert_eq!(indicator.valid_from.to_string(), "2020-10-25T16:22:00Z");
    assert_eq!(
        indicator.common.created_by_ref.as_ref().unwrap().as_str(),
        "identity--a0c22599-9e58-4da4-96ac-7051603fa951"
    );
    let types: Vec<&str> = imported
        .objects
        .iter()
        .map(StixObject::object_type)
        .collect();
    assert_eq!(
        types,
        ["marking-definition", "identity", "indicator", "grouping"]
    );
}

#[test]
fn misp_event_tlp_covers_untagged_attributes() {
    let event = br#"{"Event": {"uuid": "a6ef17d6-91cb-4a05-b10b-2f045daf874c", "info": "red event",
        "timestamp": "1603642920", "Tag": [{"name": "tlp:red"}],
        "Attribute": [
          {"uuid": "91ae0a21-c7ae-4c7f-b84b-b84a7ce53d1f", "type": "domain", "category": "Network activity",
           "value": "red.example", "to_ids": true},
          {"uuid": "91ae0a21-c7ae-4c7f-b84b-b84a7ce53d20", "type": "domain", "category": "Network activity",
           "value": "clear.example", "to_ids": true, "Tag": [{"name": "tlp:white"}]}]}}"#;
    let imported = import_misp(event, &options()).unwrap();
    for object in imported
        .objects
        .iter()
        .filter(|o| o.as_indicator().is_some())
    {
        assert_eq!(policy::tlp_of(object), Some(Tlp::Red), "{}", object.id());
    }
}

#[test]
fn misp_attributes_without_a_stix_form_are_listed() {
    let imported = import_misp(&read("misp/events/target_attributes.json"), &options()).unwrap();
    assert_eq!(imported.count("indicator"), 0);
    assert!(!imported.diagnostics.is_empty());
    for diagnostic in &imported.diagnostics {
        assert!(
            matches!(&diagnostic.location, Location::Path(path) if path.to_string().starts_with("$.Event")),
            "{diagnostic}"
        );
    }
}

#[test]
fn bad_misp_input_is_refused_with_its_place() {
    let error = import_misp(b"{\"Event\": {\"uuid\": ", &options()).unwrap_err();
    assert!(
        matches!(error, ImportError::Json { line: 1, .. }),
        "{error}"
    );
    let error = import_misp(br#"{"Event": {"info": "no uuid"}}"#, &options()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "$.Event.uuid: an event needs a valid `uuid`"
    );
    let error = import_misp(b"42", &options()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "$: a MISP document is an event object or a list of events"
    );
    let mut small = options();
    small.max_input_bytes = 10;
    let error = import_misp(&read("misp/events/domain_attribute.json"), &small).unwrap_err();
    assert!(matches!(error, ImportError::TooLarge { .. }));
    let imported = import_misp(
        br#"{"Event": {"uuid": "a6ef17d6-91cb-4a05-b10b-2f045daf874c",
            "Attribute": [{"type": "domain", "value": "x.example"}, "junk"]}}"#,
        &options(),
    )
    .unwrap();
    assert_eq!(
        diagnostics(&imported)[0],
        "$.Event.Attribute[0]: an attribute needs a `type`, a `value` and a valid `uuid`; skipped"
    );
    assert!(diagnostics(&imported)[1].starts_with("$.Event.Attribute[1]: "));
}

/// A feed held in memory.
struct MemoryFeed(BTreeMap<String, Vec<u8>>);

impl FeedFiles for MemoryFeed {
    fn read(&mut self, name: &str) -> io::Result<Vec<u8>> {
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, name.to_owned()))
    }
}

#[test]
fn a_misp_feed_made_by_the_export_imports_back_to_the_same_values() {
    let objects = read_bundle(&testdata().join("golden/mixed/input.json"));
    let items: Vec<ExportItem<'_>> = objects.iter().map(ExportItem::new).collect();
    let options_out = fixed_options(AccessScope::unrestricted());
    let (Produced::Files(files), summary) = run(Format::MispFeed, &items, &options_out) else {
        panic!("misp-feed makes files");
    };
    let (Produced::Stream(txt), _) = run(Format::Txt, &items, &options_out) else {
        panic!("txt makes a stream");
    };
    let imported = import_misp_feed(&mut MemoryFeed(files), &options()).unwrap();
    assert_eq!(imported.count("indicator") as u64, summary.n_values);
    // Every exported value comes back as the pattern of an indicator; the text export lists
    // the values once each.
    let patterns = patterns(&imported).join("\n");
    for line in String::from_utf8(txt).unwrap().lines() {
        assert!(
            patterns.contains(&format!("'{line}'")),
            "{line} is not in\n{patterns}"
        );
    }
}

#[test]
fn a_feed_manifest_cannot_name_other_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("manifest.json"),
        br#"{"../../etc/passwd": {}, "a6ef17d6-91cb-4a05-b10b-2f045daf874c": {}}"#,
    )
    .unwrap();
    let imported = import_misp_feed(&mut FsFeed::new(dir.path()), &options()).unwrap();
    let messages = diagnostics(&imported);
    assert_eq!(
        messages,
        [
            "manifest.json: $[\"../../etc/passwd\"]: the key is not an event UUID; skipped",
            "a6ef17d6-91cb-4a05-b10b-2f045daf874c.json: line 1: cannot be read (No such file or directory (os error 2)); skipped",
        ]
    );
}

proptest! {
    #[test]
    fn importers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = import_misp(&bytes, &options());
        let _ = import_list(&bytes, ListFormat::Csv, &options());
        let _ = import_list(&bytes, ListFormat::Plain, &options());
    }

    #[test]
    fn misp_shaped_input_never_panics(value in "[a-z|:./'\"0-9 -]{0,40}", kind in prop::sample::select(vec![
        "domain", "ip-src", "ip-dst|port", "hostname|port", "md5", "filename|sha256", "AS", "port",
        "regkey|value", "mac-address", "url", "email-src", "size-in-bytes", "malware-sample",
    ])) {
        let event = serde_json::json!({"Event": {"uuid": "a6ef17d6-91cb-4a05-b10b-2f045daf874c",
            "Attribute": [{"uuid": "91ae0a21-c7ae-4c7f-b84b-b84a7ce53d1f", "type": kind, "value": value, "to_ids": true}],
            "Object": [{"uuid": "91ae0a21-c7ae-4c7f-b84b-b84a7ce53d20", "name": "ip-port",
                "Attribute": [{"object_relation": "ip", "type": "ip-dst", "value": value}]}]}});
        let imported = import_misp(event.to_string().as_bytes(), &options()).unwrap();
        for object in &imported.objects {
            let diagnostics = stix::validate_object(object, &Default::default());
            prop_assert!(diagnostics.iter().all(|d| !d.is_error()), "{object:?}: {diagnostics:?}");
        }
    }
}
