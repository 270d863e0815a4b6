//! Golden files: each case in `testdata/golden/<case>/` has an `options.json` (the clock,
//! the producer, `public`, and optionally `input`, another case's bundle) and an
//! `input.json` bundle; the output of every format is compared with `expected.<format>`
//! (a directory for the formats made of several files) and its summary with
//! `summary.<format>.json`. `UPDATE_EXPECT=1` rewrites them.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use export::{ExportItem, Format, Producer};
use policy::AccessScope;
use serde_json::Value;
use stix::StixTimestamp;
use uuid::Uuid;

use crate::support::{Produced, fixed_options, read_bundle, run, testdata};

#[test]
fn every_format_matches_its_golden_files() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut mismatches = Vec::new();
    let mut cases: Vec<_> = fs::read_dir(testdata().join("golden"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no golden cases");
    for case in cases {
        let settings: Value =
            serde_json::from_str(&fs::read_to_string(case.join("options.json")).unwrap()).unwrap();
        let input = case.join(settings["input"].as_str().unwrap_or("input.json"));
        let objects = read_bundle(&input);
        let items: Vec<ExportItem<'_>> = objects.iter().map(ExportItem::new).collect();
        let mut options = fixed_options(AccessScope::unrestricted());
        options.now = StixTimestamp::parse(settings["now"].as_str().unwrap()).unwrap();
        options.export_id = settings["export_id"]
            .as_str()
            .map(|id| Uuid::parse_str(id).unwrap());
        options.public = settings["public"].as_bool().unwrap_or(false);
        let producer = &settings["producer"];
        options.producer = Producer {
            name: producer["name"].as_str().unwrap().to_owned(),
            uuid: Uuid::parse_str(producer["uuid"].as_str().unwrap()).unwrap(),
            object_url: producer["object_url"].as_str().map(str::to_owned),
        };
        for format in Format::ALL {
            let (produced, summary) = run(format, &items, &options);
            let summary = serde_json::to_string_pretty(&summary).unwrap() + "\n";
            check_file(
                &case.join(format!("summary.{format}.json")),
                summary.as_bytes(),
                update,
                &mut mismatches,
            );
            let expected = case.join(format!("expected.{format}"));
            match produced {
                Produced::Stream(bytes) => check_file(&expected, &bytes, update, &mut mismatches),
                Produced::Files(files) => check_dir(&expected, &files, update, &mut mismatches),
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden files differ (rerun with UPDATE_EXPECT=1 and review the diff):\n{}",
        mismatches.join("\n")
    );
}

fn check_file(path: &Path, actual: &[u8], update: bool, mismatches: &mut Vec<String>) {
    if update {
        fs::write(path, actual).unwrap();
        return;
    }
    match fs::read(path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => mismatches.push(format!(
            "{}: differs\n--- expected\n{}\n--- actual\n{}",
            path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        )),
        Err(error) => mismatches.push(format!("{}: {error}", path.display())),
    }
}

fn check_dir(
    path: &Path,
    files: &BTreeMap<String, Vec<u8>>,
    update: bool,
    mismatches: &mut Vec<String>,
) {
    if update {
        let _ = fs::remove_dir_all(path);
        fs::create_dir_all(path).unwrap();
    }
    let expected_names: Vec<String> = fs::read_dir(path)
        .map(|entries| {
            let mut names: Vec<String> = entries
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        })
        .unwrap_or_default();
    if !update {
        let actual_names: Vec<String> = files.keys().cloned().collect();
        if expected_names != actual_names {
            mismatches.push(format!(
                "{}: files {expected_names:?}, made {actual_names:?}",
                path.display()
            ));
        }
    }
    for (name, bytes) in files {
        check_file(&path.join(name), bytes, update, mismatches);
    }
}
