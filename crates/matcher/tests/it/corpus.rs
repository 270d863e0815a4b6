//! The generated corpus at small scale: the matches equal the planted set exactly, through the
//! whole path (bundle text, compile, index, readers).

use std::collections::BTreeSet;

use matcher::corpus::{Corpus, CorpusSpec, Expected};
use matcher::{FormatSpec, IndicatorIndex, Input, compile, read_bundle, scan_input};

use crate::support::options;

fn index_of(corpus: &Corpus) -> IndicatorIndex {
    let mut bundle = Vec::new();
    corpus.write_bundle(&mut bundle).unwrap();
    let mut index = IndicatorIndex::new();
    let mut errors = Vec::new();
    read_bundle(bundle.as_slice(), |_, record| match compile(&record) {
        Ok(entry) => {
            index.upsert(&entry).unwrap();
        }
        Err(error) => errors.push(error.to_string()),
    })
    .unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    index
}

fn found(log: Vec<u8>, index: &IndicatorIndex) -> BTreeSet<Expected> {
    let input = Input::from_reader("corpus", Box::new(std::io::Cursor::new(log)));
    let report = scan_input(input, &FormatSpec::default(), index, options(), false).unwrap();
    assert_eq!(
        report.outcome.n_malformed, 0,
        "{:?}",
        report.outcome.malformed
    );
    report
        .outcome
        .matches
        .into_iter()
        .map(|found| Expected {
            line: found.line,
            field: found.field,
            value: found.value,
            indicator: found.indicator,
        })
        .collect()
}

#[track_caller]
fn check_equal(expected: Vec<Expected>, found: BTreeSet<Expected>) {
    let n_expected = expected.len();
    let expected: BTreeSet<Expected> = expected.into_iter().collect();
    assert_eq!(
        expected.len(),
        n_expected,
        "the generator recorded a match twice"
    );
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed {missed:#?}\nextra {extra:#?}"
    );
}

#[test]
fn zeek_dns_matches_equal_the_planted_set() {
    let lines = 40_000;
    let mut spec = CorpusSpec::new(7, 20_000, lines);
    spec.plant_every = 20;
    let corpus = Corpus::generate(spec);
    let index = index_of(&corpus);
    let mut log = Vec::new();
    let expected = corpus.write_zeek_dns(&mut log, lines).unwrap();
    assert!(expected.len() > 1_000, "{}", expected.len());
    check_equal(expected, found(log, &index));
}

#[test]
fn eve_matches_equal_the_planted_set() {
    let lines = 40_000;
    let mut spec = CorpusSpec::new(11, 20_000, lines);
    spec.plant_every = 20;
    let corpus = Corpus::generate(spec);
    let index = index_of(&corpus);
    let mut log = Vec::new();
    let expected = corpus.write_eve(&mut log, lines).unwrap();
    assert!(expected.len() > 1_000, "{}", expected.len());
    check_equal(expected, found(log, &index));
}

#[test]
fn the_same_seed_gives_the_same_corpus() {
    let spec = CorpusSpec::new(3, 500, 2_000);
    let write = || {
        let corpus = Corpus::generate(spec);
        let mut bundle = Vec::new();
        corpus.write_bundle(&mut bundle).unwrap();
        let mut log = Vec::new();
        corpus.write_eve(&mut log, 2_000).unwrap();
        (bundle, log)
    };
    assert_eq!(write(), write());
}
