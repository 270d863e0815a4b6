//! Checking a bundle for ingest on every core: the bundle's own properties are parsed first,
//! with each object kept as its JSON text; then each object is parsed, validated and
//! converted (typed object and stored JSON) by whichever thread takes it, so that a thread
//! holds one object's JSON tree at a time and the input is parsed once.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use indicatif::ProgressBar;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use stix::validate::{BundleValidator, ObjectKey};
use stix::{Diagnostic, JsonPath, StixObject, ValidationOptions};
use store::NewObject;

/// Objects a thread takes at a time: small enough to share the work evenly, large enough that
/// taking it costs nothing.
const BLOCK_LEN: usize = 64;

/// A bundle split at its top level: its properties other than `objects`, parsed, and each
/// object as its JSON text.
pub(super) struct Split<'a> {
    pub properties: Map<String, Value>,
    pub objects: Vec<&'a RawValue>,
}

/// Splits `text` when it is a bundle (a JSON object whose `type` is `"bundle"`) with a list
/// of objects; `None` for anything else, including text that is not JSON, which the caller
/// parses whole to report it.
pub(super) fn split(text: &str) -> Option<Split<'_>> {
    let top: TopLevel<'_> = serde_json::from_str(text).ok()?;
    let objects = match top.objects {
        Some(Objects::List(objects)) => objects,
        Some(Objects::Other) | None => return None,
    };
    let mut properties = Map::new();
    for (key, raw) in top.properties {
        // Later duplicates of a key replace earlier ones, as when the text is parsed whole.
        properties.insert(key, serde_json::from_str(raw.get()).ok()?);
    }
    (properties.get("type").and_then(Value::as_str) == Some("bundle")).then_some(Split {
        properties,
        objects,
    })
}

/// What checking a bundle found.
pub(super) struct Checked {
    /// The typed objects with their stored JSON, in input order; empty when any diagnostic is
    /// an error.
    pub objects: Vec<NewObject>,
    /// Every error and the first `max_listed_warnings` warnings, in the order
    /// [`stix::validate_value`] gives them for the whole bundle.
    pub diagnostics: Vec<Diagnostic>,
    /// The warnings left out of `diagnostics`, counted by check (`other` when a warning
    /// names none). A large bundle can have hundreds of thousands of warnings (ATT&CK
    /// Enterprise: 115,000); keeping each one would cost more than the rest of the check.
    pub unlisted_warnings: BTreeMap<&'static str, usize>,
}

/// Keeps errors and the first `max_warnings` warnings, and counts the others by check.
struct Sink {
    max_warnings: usize,
    diagnostics: Vec<Diagnostic>,
    n_listed_warnings: usize,
    unlisted_warnings: BTreeMap<&'static str, usize>,
}

impl Sink {
    fn new(max_warnings: usize) -> Self {
        Self {
            max_warnings,
            diagnostics: Vec::new(),
            n_listed_warnings: 0,
            unlisted_warnings: BTreeMap::new(),
        }
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        if diagnostic.is_error() {
            self.diagnostics.push(diagnostic);
        } else if self.n_listed_warnings < self.max_warnings {
            self.n_listed_warnings += 1;
            self.diagnostics.push(diagnostic);
        } else {
            *self
                .unlisted_warnings
                .entry(diagnostic.check.unwrap_or("other"))
                .or_default() += 1;
        }
    }

    fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        for diagnostic in diagnostics {
            self.push(diagnostic);
        }
    }

    /// Appends what a later part of the bundle found: its listed warnings come after this
    /// sink's, so the first `max_warnings` of the two stay listed.
    fn append(&mut self, later: Sink) {
        self.extend(later.diagnostics);
        for (check, n) in later.unlisted_warnings {
            *self.unlisted_warnings.entry(check).or_default() += n;
        }
    }
}

/// Parses, validates and converts the objects of `split` on `n_threads` threads (the calling
/// one included), advancing `progress` as objects are done; lists every error and the first
/// `max_listed_warnings` warnings.
pub(super) fn check(
    split: &Split<'_>,
    options: &ValidationOptions,
    n_threads: usize,
    max_listed_warnings: usize,
    progress: Option<&ProgressBar>,
) -> Checked {
    let n_objects = split.objects.len();
    let (validator, found) = BundleValidator::new(&split.properties, n_objects, options);
    let failed = AtomicBool::new(found.iter().any(Diagnostic::is_error));
    let mut sink = Sink::new(max_listed_warnings);
    sink.extend(found);
    let next_block = AtomicUsize::new(0);
    let n_blocks = n_objects.div_ceil(BLOCK_LEN);
    let work = || {
        let mut done = Vec::new();
        loop {
            let block_idx = next_block.fetch_add(1, Ordering::Relaxed);
            if block_idx >= n_blocks {
                return done;
            }
            let first = block_idx * BLOCK_LEN;
            let last = (first + BLOCK_LEN).min(n_objects);
            let block = check_block(split, &validator, first..last, &failed, max_listed_warnings);
            if let Some(bar) = progress {
                bar.inc((last - first) as u64);
            }
            done.push((block_idx, block));
        }
    };
    let mut blocks: Vec<(usize, Block)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..n_threads.max(1)).map(|_| scope.spawn(work)).collect();
        let mut blocks = work();
        for worker in workers {
            match worker.join() {
                Ok(done) => blocks.extend(done),
                // A panic is a bug in the checks: let it surface as one.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        blocks
    });
    blocks.sort_unstable_by_key(|(block_idx, _)| *block_idx);
    let mut objects = Vec::with_capacity(n_objects);
    let mut keys = Vec::with_capacity(n_objects);
    for (_, block) in blocks {
        objects.extend(block.objects);
        sink.append(block.diagnostics);
        keys.extend(block.keys);
    }
    sink.extend(validator.finish(&keys));
    if failed.load(Ordering::Relaxed) || sink.diagnostics.iter().any(Diagnostic::is_error) {
        objects = Vec::new();
    }
    Checked {
        objects,
        diagnostics: sink.diagnostics,
        unlisted_warnings: sink.unlisted_warnings,
    }
}

/// What one thread made of a run of consecutive objects.
struct Block {
    objects: Vec<NewObject>,
    /// Errors, the block's first warnings, and the count of the others: the first warnings of
    /// the bundle are among the first of each block.
    diagnostics: Sink,
    keys: Vec<ObjectKey>,
}

/// Checks the objects `range` of a bundle; once any object has an error (`failed`), objects
/// are still validated, to report every problem, but no longer converted.
fn check_block(
    split: &Split<'_>,
    validator: &BundleValidator<'_>,
    range: std::ops::Range<usize>,
    failed: &AtomicBool,
    max_listed_warnings: usize,
) -> Block {
    let mut block = Block {
        objects: Vec::with_capacity(range.len()),
        diagnostics: Sink::new(max_listed_warnings),
        keys: Vec::with_capacity(range.len()),
    };
    for idx in range {
        let value: Value = match serde_json::from_str(split.objects[idx].get()) {
            Ok(value) => value,
            Err(error) => {
                // The bundle was split, so its text is JSON; say so anyway rather than panic.
                let path = JsonPath::root().key("objects").index(idx);
                block.diagnostics.push(Diagnostic::error(
                    None,
                    path,
                    format!("invalid JSON: {error}"),
                ));
                block.keys.push(ObjectKey::default());
                failed.store(true, Ordering::Relaxed);
                continue;
            }
        };
        let (found, key) = validator.check_object(idx, &value);
        block.keys.push(key);
        let has_error = found.iter().any(Diagnostic::is_error);
        block.diagnostics.extend(found);
        if has_error {
            failed.store(true, Ordering::Relaxed);
            continue;
        }
        if failed.load(Ordering::Relaxed) {
            continue;
        }
        match StixObject::from_value(value) {
            Ok(object) => block.objects.push(NewObject::new(object)),
            Err(error) => {
                let path = JsonPath::root().key("objects").index(idx);
                block.diagnostics.extend(
                    error
                        .diagnostics()
                        .iter()
                        .cloned()
                        .map(|diagnostic| diagnostic.under(&path)),
                );
                failed.store(true, Ordering::Relaxed);
            }
        }
    }
    block
}

/// The top level of a JSON object: `objects` as the text of each item when it is a list, and
/// every other property as text.
struct TopLevel<'a> {
    properties: Vec<(String, &'a RawValue)>,
    objects: Option<Objects<'a>>,
}

/// A bundle's `objects` property.
enum Objects<'a> {
    List(Vec<&'a RawValue>),
    /// Anything but a list: the whole-text path reports it.
    Other,
}

impl<'de> de::Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TopLevelVisitor)
    }
}

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut top = TopLevel {
            properties: Vec::new(),
            objects: None,
        };
        while let Some(key) = map.next_key::<String>()? {
            if key == "objects" {
                top.objects = Some(map.next_value_seed(ObjectsSeed)?);
            } else {
                top.properties.push((key, map.next_value()?));
            }
        }
        Ok(top)
    }
}

/// Reads `objects`: a list keeps the text of each item, anything else is skipped.
struct ObjectsSeed;

impl<'de> DeserializeSeed<'de> for ObjectsSeed {
    type Value = Objects<'de>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectsSeed {
    type Value = Objects<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut objects = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            objects.push(raw);
        }
        Ok(Objects::List(objects))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Objects::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Objects::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Objects::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Objects::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Objects::Other)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Objects::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Objects::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(n: usize) -> Value {
        serde_json::json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
            "created": "2024-01-01T00:00:00.000Z",
            "modified": "2024-01-01T00:00:00.000Z",
            "pattern": "[ipv4-addr:value = '198.51.100.1']",
            "pattern_type": "stix",
            "valid_from": "2024-01-01T00:00:00Z",
        })
    }

    fn bundle_of(objects: &[Value]) -> Value {
        serde_json::json!({
            "type": "bundle",
            "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
            "objects": objects,
        })
    }

    #[test]
    fn splits_only_bundles_with_a_list_of_objects() {
        let bundle = r#"{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [{"a": 1}, [2], "three"]}"#;
        let parts = split(bundle).unwrap();
        assert_eq!(parts.properties.len(), 2);
        let texts: Vec<&str> = parts.objects.iter().map(|raw| raw.get()).collect();
        assert_eq!(texts, [r#"{"a": 1}"#, "[2]", r#""three""#]);
        for other in [
            r#"{"type": "bundle", "objects": {"a": [1]}}"#,
            r#"{"type": "bundle", "objects": null}"#,
            r#"{"type": "bundle"}"#,
            r#"{"type": "indicator", "objects": []}"#,
            r#"[{"type": "bundle", "objects": []}]"#,
            r#"{"type": "bundle", "objects": [1,]}"#,
            "",
        ] {
            assert!(split(other).is_none(), "{other}");
        }
    }

    #[test]
    fn checks_like_validate_value_on_any_number_of_threads() {
        let mut bad = indicator(7);
        bad["confidence"] = 101.into();
        let mut objects: Vec<Value> = (0..300).map(indicator).collect();
        objects[150] = bad;
        objects.push(Value::from(3));
        let bundle = bundle_of(&objects);
        let text = bundle.to_string();
        let options = ValidationOptions::default();
        let whole = stix::validate_value(&bundle, &options);
        assert_eq!(
            whole.iter().filter(|d| d.is_error()).count(),
            2,
            "{whole:#?}"
        );
        for n_threads in [1, 2, 5] {
            let checked = check(
                &split(&text).unwrap(),
                &options,
                n_threads,
                usize::MAX,
                None,
            );
            assert_eq!(checked.diagnostics, whole);
            assert!(checked.unlisted_warnings.is_empty());
            assert!(checked.objects.is_empty());
        }
        let good: Vec<Value> = (0..300).map(indicator).collect();
        let good_bundle = bundle_of(&good);
        let text = good_bundle.to_string();
        let checked = check(&split(&text).unwrap(), &options, 3, usize::MAX, None);
        // Warnings (SHOULDs such as a name for each indicator) only, and the same as for the
        // whole bundle.
        assert!(!checked.diagnostics.iter().any(|d| d.is_error()));
        let whole_good = stix::validate_value(&good_bundle, &options);
        assert_eq!(checked.diagnostics, whole_good);
        let ids: Vec<String> = checked
            .objects
            .iter()
            .map(|object| object.object().id().to_string())
            .collect();
        let expected: Vec<String> = good
            .iter()
            .map(|object| object["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(
            checked.objects[0].json(),
            StixObject::from_value(good[0].clone()).unwrap().to_json()
        );
    }

    #[test]
    fn lists_every_error_and_the_first_warnings_and_counts_the_others() {
        let mut objects: Vec<Value> = (0..300).map(indicator).collect();
        let mut bad = indicator(250);
        bad["confidence"] = 101.into();
        objects[250] = bad;
        let bundle = bundle_of(&objects);
        let text = bundle.to_string();
        let options = ValidationOptions::default();
        let whole = stix::validate_value(&bundle, &options);
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
            whole.iter().cloned().partition(Diagnostic::is_error);
        assert_eq!(errors.len(), 1);
        assert!(warnings.len() > 200, "{}", warnings.len());
        for n_threads in [1, 2, 5] {
            for max in [0, 1, 7, 150] {
                let checked = check(&split(&text).unwrap(), &options, n_threads, max, None);
                // The listed diagnostics are those of the whole bundle, in order, without the
                // warnings after the first `max`.
                let mut n_warnings = 0;
                let expected: Vec<Diagnostic> = whole
                    .iter()
                    .filter(|d| {
                        d.is_error() || {
                            n_warnings += 1;
                            n_warnings <= max
                        }
                    })
                    .cloned()
                    .collect();
                assert_eq!(checked.diagnostics, expected, "{n_threads} threads, {max}");
                let mut unlisted: BTreeMap<&str, usize> = BTreeMap::new();
                for warning in &warnings[max.min(warnings.len())..] {
                    *unlisted
                        .entry(warning.check.unwrap_or("other"))
                        .or_default() += 1;
                }
                assert_eq!(checked.unlisted_warnings, unlisted);
            }
        }
    }
}
