//! Checking a bundle for ingest on every core: the bundle's own properties are parsed first,
//! with each object kept as its JSON text; then each object is parsed, validated and
//! converted (typed object and stored JSON) by whichever thread takes it, so that a thread
//! holds one object's JSON tree at a time and the input is parsed once.

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
    /// Every diagnostic, in the order [`stix::validate_value`] gives them for the whole
    /// bundle.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses, validates and converts the objects of `split` on `n_threads` threads (the calling
/// one included), advancing `progress` as objects are done.
pub(super) fn check(
    split: &Split<'_>,
    options: &ValidationOptions,
    n_threads: usize,
    progress: Option<&ProgressBar>,
) -> Checked {
    let n_objects = split.objects.len();
    let (validator, mut diagnostics) = BundleValidator::new(&split.properties, n_objects, options);
    let failed = AtomicBool::new(diagnostics.iter().any(Diagnostic::is_error));
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
            let block = check_block(split, &validator, first..last, &failed);
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
        diagnostics.extend(block.diagnostics);
        keys.extend(block.keys);
    }
    diagnostics.extend(validator.finish(&keys));
    if failed.load(Ordering::Relaxed) || diagnostics.iter().any(Diagnostic::is_error) {
        objects = Vec::new();
    }
    Checked {
        objects,
        diagnostics,
    }
}

/// What one thread made of a run of consecutive objects.
struct Block {
    objects: Vec<NewObject>,
    diagnostics: Vec<Diagnostic>,
    keys: Vec<ObjectKey>,
}

/// Checks the objects `range` of a bundle; once any object has an error (`failed`), objects
/// are still validated, to report every problem, but no longer converted.
fn check_block(
    split: &Split<'_>,
    validator: &BundleValidator<'_>,
    range: std::ops::Range<usize>,
    failed: &AtomicBool,
) -> Block {
    let mut block = Block {
        objects: Vec::with_capacity(range.len()),
        diagnostics: Vec::new(),
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
        let bundle = serde_json::json!({
            "type": "bundle",
            "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
            "objects": objects,
        });
        let text = bundle.to_string();
        let options = ValidationOptions::default();
        let whole = stix::validate_value(&bundle, &options);
        assert_eq!(
            whole.iter().filter(|d| d.is_error()).count(),
            2,
            "{whole:#?}"
        );
        for n_threads in [1, 2, 5] {
            let checked = check(&split(&text).unwrap(), &options, n_threads, None);
            assert_eq!(checked.diagnostics, whole);
            assert!(checked.objects.is_empty());
        }
        let good: Vec<Value> = (0..300).map(indicator).collect();
        let good_bundle = serde_json::json!({
            "type": "bundle",
            "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
            "objects": good,
        });
        let text = good_bundle.to_string();
        let checked = check(&split(&text).unwrap(), &options, 3, None);
        // Warnings (SHOULDs such as a name for each indicator) only, and the same as for the
        // whole bundle.
        assert!(!checked.diagnostics.iter().any(|d| d.is_error()));
        assert_eq!(
            checked.diagnostics,
            stix::validate_value(&good_bundle, &options)
        );
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
}
