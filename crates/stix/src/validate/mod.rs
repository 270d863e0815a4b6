//! Validation of STIX 2.1 content against the rules of the spec.
//!
//! Every diagnostic names its check (see [`CHECKS`]), the object id and the JSON path of the
//! problem. MUST rules of the spec are errors. SHOULD rules are warnings, or errors in strict
//! mode; they can be enabled and disabled by the names the OASIS `stix2-validator` uses, so
//! that [`ValidationOptions`] reads like that tool's options.
//!
//! Three entry points: [`validate_object`] and [`validate_bundle`] check parsed content, and
//! [`validate_value`] parses JSON and checks it, including what parsing normalises away
//! (`null` values, for instance).

mod checks;
mod context;
mod custom;
mod format;
mod objects;
mod properties;
mod relationships;
mod rules;
mod schema;
mod shoulds;
mod types;

use serde_json::{Map, Value};

pub use checks::{CHECKS, CheckInfo, CheckNameError, Requirement, check_info};
pub use objects::ObjectKey;

use crate::error::{Diagnostic, JsonPath};
use crate::{Bundle, StixObject};
use checks::EnabledChecks;
use context::{At, Ctx};

/// Options of a validation run, named like the options of the OASIS `stix2-validator`.
///
/// [`ValidationOptions::default`] is what `phalanx ingest` enforces: every MUST as an error,
/// every SHOULD check as a warning. Build other options with struct update syntax:
///
/// ```
/// let options = stix::ValidationOptions { strict: true, ..Default::default() };
/// assert!(options.strict);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationOptions {
    /// Reports SHOULD checks as errors instead of warnings.
    pub strict: bool,
    /// Refuses object types the spec does not define (check `strict-types`).
    pub strict_types: bool,
    /// Refuses properties the spec does not define (check `strict-properties`).
    pub strict_properties: bool,
    /// SHOULD checks (or groups: `format-checks`, `approved-values`, `all-vocabs`,
    /// `all-external-sources`, `all`) to run; when given without `disabled`, only these run.
    pub enabled: Vec<String>,
    /// SHOULD checks (or groups) not to run.
    pub disabled: Vec<String>,
    /// Requires relationships and sightings in a bundle to refer to objects of that bundle.
    pub enforce_refs: bool,
    /// The STIX version to validate against; `None` reads `spec_version` (default `2.1`).
    pub version: Option<String>,
    /// Checks the syntax of STIX patterns (`pattern_type` `stix`); this crate has no pattern
    /// parser, so callers plug one in (the `phalanx` binary uses `stix-pattern`). `None`
    /// leaves patterns unchecked.
    pub pattern_checker: Option<PatternChecker>,
}

/// A STIX pattern check: given the pattern and its version (`pattern_version`, else the
/// object's `spec_version`, else `2.1`), returns the object paths the pattern compares as
/// `(object type, first property)` pairs, or why the pattern is invalid.
///
/// The paths let validation check the names a pattern uses (type and property name formats,
/// custom prefixes, `strict_types`, `strict_properties`).
#[derive(Clone, Copy)]
pub struct PatternChecker(pub PatternCheckFn);

/// The function a [`PatternChecker`] wraps: `(pattern, version)` to the `(object type, first
/// property)` pairs the pattern compares, or the reason it is invalid.
pub type PatternCheckFn = fn(pattern: &str, version: &str) -> Result<Vec<PatternPath>, String>;

/// An object type and the first property of a path in a pattern, such as `("file", "hashes")`.
pub type PatternPath = (String, String);

impl std::fmt::Debug for PatternChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatternChecker")
    }
}

impl PartialEq for PatternChecker {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

impl Eq for PatternChecker {}

impl ValidationOptions {
    /// Checks that every name in `enabled` and `disabled` is a known SHOULD check or group.
    ///
    /// # Errors
    ///
    /// Returns [`CheckNameError`] for an unknown name or a MUST check in `disabled`.
    pub fn check_names(&self) -> Result<(), CheckNameError> {
        EnabledChecks::resolve(self).map(|_| ())
    }
}

/// Validates one parsed object; paths are relative to the object (`$.valid_until`).
///
/// Unknown names in `options.enabled`/`options.disabled` are reported as one error at `$`
/// (call [`ValidationOptions::check_names`] first to refuse them up front).
pub fn validate_object(object: &StixObject, options: &ValidationOptions) -> Vec<Diagnostic> {
    let value = object.to_value();
    let Value::Object(map) = &value else {
        unreachable!("a STIX object serializes to a JSON object")
    };
    run(options, |ctx| {
        objects::check_object(ctx, map, &At::Base(&JsonPath::root()), None, None)
    })
}

/// Validates a parsed bundle: every object (paths like `$.objects[3].valid_until`) and the
/// bundle-level rules (duplicate versions, references within the bundle).
pub fn validate_bundle(bundle: &Bundle, options: &ValidationOptions) -> Vec<Diagnostic> {
    let value = serde_json::to_value(bundle).expect("a bundle always serializes");
    let Value::Object(map) = &value else {
        unreachable!("a bundle serializes to a JSON object")
    };
    run(options, |ctx| {
        objects::check_bundle(ctx, map, &At::Base(&JsonPath::root()))
    })
}

/// Parses and validates JSON: a bundle, one object, or a list of objects.
///
/// This sees the JSON as written, so it also reports what a parse would normalise, such as
/// properties set to `null`. The result agrees with parsing plus [`validate_bundle`] or
/// [`validate_object`] on everything else.
pub fn validate_value(value: &Value, options: &ValidationOptions) -> Vec<Diagnostic> {
    run(options, |ctx| match value {
        Value::Object(map) if map.get("type").and_then(Value::as_str) == Some("bundle") => {
            objects::check_bundle(ctx, map, &At::Base(&JsonPath::root()));
        }
        Value::Object(map) => {
            objects::check_object(ctx, map, &At::Base(&JsonPath::root()), None, None)
        }
        Value::Array(values) => {
            for (idx, value) in values.iter().enumerate() {
                let path = JsonPath::root().index(idx);
                match value {
                    Value::Object(map) => {
                        objects::check_object(ctx, map, &At::Base(&path), None, None)
                    }
                    _ => ctx.must(
                        "json",
                        &At::Base(&path),
                        "a STIX object must be a JSON object",
                    ),
                }
            }
        }
        _ => ctx.must(
            "json",
            &At::Base(&JsonPath::root()),
            "STIX content must be a JSON object (a bundle or an object) or a list of objects",
        ),
    })
}

/// Validates a bundle one part at a time: its own properties ([`BundleValidator::new`]), then
/// each object ([`BundleValidator::check_object`], in any order and on any thread), then the
/// rules across objects ([`BundleValidator::finish`]).
///
/// A caller that parsed the bundle's objects one by one can so check each object while it is
/// at hand, on several threads, and drop it before the next: concatenated in that order (the
/// objects' diagnostics by index), the diagnostics are those [`validate_value`] gives for the
/// whole bundle.
///
/// ```
/// use serde_json::{Map, Value, json};
/// use stix::validate::BundleValidator;
///
/// let objects = [json!({"type": "x-acme-widget"})];
/// let mut properties = Map::new();
/// properties.insert("type".into(), "bundle".into());
/// properties.insert("id".into(), "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d".into());
/// let options = stix::ValidationOptions::default();
/// let (validator, mut diagnostics) = BundleValidator::new(&properties, objects.len(), &options);
/// let mut keys = Vec::new();
/// for (idx, object) in objects.iter().enumerate() {
///     let (found, key) = validator.check_object(idx, object);
///     diagnostics.extend(found);
///     keys.push(key);
/// }
/// diagnostics.extend(validator.finish(&keys));
/// let mut whole = properties.clone();
/// whole.insert("objects".into(), Value::Array(objects.to_vec()));
/// assert_eq!(diagnostics, stix::validate_value(&Value::Object(whole), &options));
/// ```
#[derive(Debug)]
pub struct BundleValidator<'a> {
    options: &'a ValidationOptions,
    /// `None` when the options name unknown checks (reported once, by [`BundleValidator::new`]).
    enabled: Option<EnabledChecks>,
    /// The STIX version the bundle gives its objects.
    object_version: Option<String>,
}

impl<'a> BundleValidator<'a> {
    /// Checks the bundle's own properties; `properties` holds every property of the bundle but
    /// `objects`, which is a list of `n_objects` items.
    pub fn new(
        properties: &Map<String, Value>,
        n_objects: usize,
        options: &'a ValidationOptions,
    ) -> (Self, Vec<Diagnostic>) {
        debug_assert!(
            !properties.contains_key("objects"),
            "the objects are checked one by one"
        );
        let enabled = match EnabledChecks::resolve(options) {
            Ok(enabled) => enabled,
            Err(error) => {
                let validator = Self {
                    options,
                    enabled: None,
                    object_version: None,
                };
                let diagnostic = Diagnostic::error(None, JsonPath::root(), error.to_string());
                return (validator, vec![diagnostic]);
            }
        };
        let mut ctx = Ctx::new(options, &enabled);
        let root = JsonPath::root();
        let path = At::Base(&root);
        let object_version =
            objects::check_envelope(&mut ctx, properties, &path).map(str::to_owned);
        objects::check_objects_len(&mut ctx, n_objects, &path.key("objects"));
        let diagnostics = ctx.finish();
        let validator = Self {
            options,
            enabled: Some(enabled),
            object_version,
        };
        (validator, diagnostics)
    }

    /// Checks the `idx`-th object of the bundle (paths like `$.objects[3].valid_until`), and
    /// returns its diagnostics with what [`BundleValidator::finish`] needs of it.
    pub fn check_object(&self, idx: usize, object: &Value) -> (Vec<Diagnostic>, ObjectKey) {
        let Some(enabled) = &self.enabled else {
            return (Vec::new(), ObjectKey::default());
        };
        let mut ctx = Ctx::new(self.options, enabled);
        let root = JsonPath::root();
        let base = At::Base(&root);
        let objects_path = base.key("objects");
        objects::check_bundle_item(
            &mut ctx,
            object,
            &objects_path.index(idx),
            self.object_version.as_deref(),
        );
        let key = ObjectKey::of(&ctx, object);
        (ctx.finish(), key)
    }

    /// Checks the rules across the bundle's objects, given the key of every object in order.
    pub fn finish(&self, keys: &[ObjectKey]) -> Vec<Diagnostic> {
        let Some(enabled) = &self.enabled else {
            return Vec::new();
        };
        let mut ctx = Ctx::new(self.options, enabled);
        let root = JsonPath::root();
        let base = At::Base(&root);
        objects::check_bundle_shoulds(&mut ctx, keys, &base.key("objects"));
        ctx.finish()
    }
}

fn run(options: &ValidationOptions, body: impl FnOnce(&mut Ctx)) -> Vec<Diagnostic> {
    match EnabledChecks::resolve(options) {
        Ok(enabled) => {
            let mut ctx = Ctx::new(options, &enabled);
            body(&mut ctx);
            ctx.finish()
        }
        Err(error) => vec![Diagnostic::error(None, JsonPath::root(), error.to_string())],
    }
}

/// Returns the string value of `key`, if it is a string.
fn get_str<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests;
