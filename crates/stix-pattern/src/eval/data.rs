//! Observations: observed-data objects with the SCOs they cover, built from STIX JSON.
//!
//! A STIX 2.1 observed-data lists its SCOs in `object_refs`; they are looked up through a
//! [`ScoSource`] (the same bundle, or a store). The STIX 2.0 form (still allowed, deprecated,
//! in 2.1) embeds them in `objects`, keyed by local references such as `"0"`. Either way, an
//! [`Observation`] keeps each SCO with the key other SCOs use to reference it, and only those
//! SCOs can be followed from `_ref` properties (STIX 2.1 section 9.7.4).

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use crate::error::Error;
use crate::json::{JsonNumber, JsonValue};
use crate::timestamp::Instant;

/// Where the SCOs named in `object_refs` come from.
pub trait ScoSource<'a, V: JsonValue = Value> {
    /// Returns the SCO with identifier `id`, or `None` when the source does not hold it (the
    /// reference is then skipped, as the specification says for SCOs not found).
    fn sco(&self, id: &str) -> Option<Cow<'a, V>>;
}

/// SCOs held in memory, by identifier: the objects of a bundle, or any set a caller gathered.
#[derive(Debug, Clone)]
pub struct ScoMap<'a, V: JsonValue = Value> {
    objects: ScoIndex<'a, V>,
}

/// A list for the few objects of a typical bundle, a hash map beyond.
#[derive(Debug, Clone)]
enum ScoIndex<'a, V> {
    Few(Vec<(&'a str, &'a V)>),
    Many(HashMap<&'a str, &'a V>),
}

impl<'a, V: JsonValue> ScoMap<'a, V> {
    /// Indexes every object of `objects` that has a string `id` and is not observed-data; the
    /// first object with an id wins.
    pub fn new(objects: impl IntoIterator<Item = &'a V>) -> Self {
        Self::from_typed(
            objects
                .into_iter()
                .map(|object| (type_and_id(object), object)),
        )
    }

    /// As [`ScoMap::new`], with each object's `type` and `id` already read.
    fn from_typed(
        objects: impl IntoIterator<Item = ((Option<&'a str>, Option<&'a str>), &'a V)>,
    ) -> Self {
        let mut few: Vec<(&'a str, &'a V)> = objects
            .into_iter()
            .filter(|((kind, _), _)| *kind != Some("observed-data"))
            .filter_map(|((_, id), object)| Some((id?, object)))
            .collect();
        let objects = if few.len() <= INDEX_THRESHOLD {
            ScoIndex::Few(few)
        } else {
            let mut map = HashMap::with_capacity(few.len());
            for (id, object) in few.drain(..) {
                map.entry(id).or_insert(object);
            }
            ScoIndex::Many(map)
        };
        Self { objects }
    }
}

impl<'a, V: JsonValue> ScoSource<'a, V> for ScoMap<'a, V> {
    fn sco(&self, id: &str) -> Option<Cow<'a, V>> {
        let object = match &self.objects {
            ScoIndex::Few(list) => list
                .iter()
                .find(|(key, _)| *key == id)
                .map(|(_, object)| *object),
            ScoIndex::Many(map) => map.get(id).copied(),
        }?;
        Some(Cow::Borrowed(object))
    }
}

impl<'a> ScoSource<'a> for HashMap<String, Value> {
    fn sco(&self, id: &str) -> Option<Cow<'a, Value>> {
        self.get(id).map(|object| Cow::Owned(object.clone()))
    }
}

/// One observed-data object: its time window, how many times it was observed, and its SCOs.
///
/// It stands for `number_observed` observations, each somewhere in
/// `[first_observed, last_observed]` (STIX 2.1 section 9.1).
#[derive(Debug, Clone)]
pub struct Observation<'a, V: JsonValue = Value> {
    id: Option<String>,
    first_observed: Instant,
    last_observed: Instant,
    number_observed: u64,
    objects: Vec<(Cow<'a, str>, Cow<'a, V>)>,
    /// Position of each object by key, built when an observation holds many objects.
    index: Option<HashMap<String, usize>>,
}

/// Above this many SCOs, references are resolved through a hash map rather than a scan.
const INDEX_THRESHOLD: usize = 16;

/// Reads an object's `type` and `id` strings (the first of each) in one pass over its members.
fn type_and_id<V: JsonValue>(object: &V) -> (Option<&str>, Option<&str>) {
    let (mut kind, mut id) = (None, None);
    if let Some(members) = object.members() {
        for (key, value) in members {
            match key {
                "type" if kind.is_none() => kind = Some(value.as_str()),
                "id" if id.is_none() => id = Some(value.as_str()),
                _ => continue,
            }
            if kind.is_some() && id.is_some() {
                break;
            }
        }
    }
    (kind.flatten(), id.flatten())
}

/// The properties of an observed-data object the evaluator reads, found in one pass over its
/// members (the first occurrence of each, as a lookup by name finds).
struct ObservedDataFields<'a, V> {
    id: Option<&'a V>,
    first_observed: Option<&'a V>,
    last_observed: Option<&'a V>,
    number_observed: Option<&'a V>,
    object_refs: Option<&'a V>,
    objects: Option<&'a V>,
}

impl<'a, V: JsonValue> ObservedDataFields<'a, V> {
    fn read(observed_data: &'a V) -> Self {
        let mut fields = Self {
            id: None,
            first_observed: None,
            last_observed: None,
            number_observed: None,
            object_refs: None,
            objects: None,
        };
        if let Some(members) = observed_data.members() {
            for (key, value) in members {
                let slot = match key {
                    "id" => &mut fields.id,
                    "first_observed" => &mut fields.first_observed,
                    "last_observed" => &mut fields.last_observed,
                    "number_observed" => &mut fields.number_observed,
                    "object_refs" => &mut fields.object_refs,
                    "objects" => &mut fields.objects,
                    _ => continue,
                };
                slot.get_or_insert(value);
            }
        }
        fields
    }

    fn get(&self, property: &str) -> Option<&'a V> {
        match property {
            "first_observed" => self.first_observed,
            "last_observed" => self.last_observed,
            _ => None,
        }
    }
}

impl<'a, V: JsonValue> Observation<'a, V> {
    /// Builds an observation directly, for callers that have no observed-data object (for
    /// example a matcher turning a log event into SCOs).
    ///
    /// # Errors
    ///
    /// Returns [`Error::ObservedData`] when `number_observed` is zero or the window is
    /// reversed.
    pub fn new(
        id: Option<String>,
        first_observed: Instant,
        last_observed: Instant,
        number_observed: u64,
    ) -> Result<Self, Error> {
        let location = id.clone().unwrap_or_else(|| "observation".to_owned());
        if number_observed == 0 {
            return Err(Error::observed_data(
                location,
                "number_observed must be at least 1",
            ));
        }
        if last_observed < first_observed {
            return Err(Error::observed_data(
                location,
                "last_observed is earlier than first_observed",
            ));
        }
        Ok(Self {
            id,
            first_observed,
            last_observed,
            number_observed,
            objects: Vec::new(),
            index: None,
        })
    }

    /// Adds an SCO, under the key other SCOs of the observation reference it by (its `id` in
    /// STIX 2.1, its local key such as `"0"` in STIX 2.0); borrowed or owned.
    pub fn push_object(&mut self, key: impl Into<Cow<'a, str>>, object: Cow<'a, V>) {
        self.objects.push((key.into(), object));
        if self.objects.len() > INDEX_THRESHOLD {
            let next = self.objects.len() - 1;
            let index = self.index.get_or_insert_with(HashMap::new);
            if index.is_empty() {
                for (position, (key, _)) in self.objects.iter().enumerate() {
                    index.entry(key.to_string()).or_insert(position);
                }
            } else {
                index
                    .entry(self.objects[next].0.to_string())
                    .or_insert(next);
            }
        }
    }

    /// Reads one observed-data object. SCOs come from `object_refs` through `source`, or from
    /// the embedded `objects` when there is no `object_refs`.
    ///
    /// `location` names the object in errors when it has no `id` (for example a JSON path).
    ///
    /// # Errors
    ///
    /// Returns [`Error::ObservedData`] naming the object and property when a required property
    /// is missing or malformed, `number_observed` is below 1, or `last_observed` precedes
    /// `first_observed`.
    pub fn from_observed_data(
        observed_data: &'a V,
        source: &impl ScoSource<'a, V>,
        location: &str,
    ) -> Result<Self, Error> {
        Self::read(observed_data, source, &|| location.to_owned())
    }

    /// As [`Observation::from_observed_data`], with the location made only for an error.
    fn read(
        observed_data: &'a V,
        source: &impl ScoSource<'a, V>,
        location: &dyn Fn() -> String,
    ) -> Result<Self, Error> {
        let fields = ObservedDataFields::read(observed_data);
        let id = fields.id.and_then(V::as_str).map(str::to_owned);
        let here = |property: &str| match &id {
            Some(id) => format!("{id} ({}.{property})", location()),
            None => format!("{}.{property}", location()),
        };
        let timestamp = |property: &str| -> Result<Instant, Error> {
            let text = fields
                .get(property)
                .ok_or_else(|| Error::observed_data(here(property), "missing"))?
                .as_str()
                .ok_or_else(|| Error::observed_data(here(property), "not a string"))?;
            Instant::parse_stix(text).ok_or_else(|| {
                Error::observed_data(here(property), format!("{text:?} is not a STIX timestamp"))
            })
        };
        let first_observed = timestamp("first_observed")?;
        let last_observed = timestamp("last_observed")?;
        let number_observed = fields
            .number_observed
            .ok_or_else(|| Error::observed_data(here("number_observed"), "missing"))?
            .as_number()
            .and_then(|number| match number {
                JsonNumber::Int(count) => u64::try_from(count).ok(),
                JsonNumber::Float(_) => None,
            })
            .filter(|count| *count >= 1)
            .ok_or_else(|| {
                Error::observed_data(here("number_observed"), "not an integer of at least 1")
            })?;
        if last_observed < first_observed {
            return Err(Error::observed_data(
                here("last_observed"),
                "earlier than first_observed",
            ));
        }
        let mut observation = Self {
            id: id.clone(),
            first_observed,
            last_observed,
            number_observed,
            objects: Vec::new(),
            index: None,
        };
        if let Some(refs) = fields.object_refs {
            let refs = refs
                .as_array()
                .ok_or_else(|| Error::observed_data(here("object_refs"), "not a list"))?;
            for (ref_idx, reference) in refs.iter().enumerate() {
                let reference = reference.as_str().ok_or_else(|| {
                    Error::observed_data(here(&format!("object_refs[{ref_idx}]")), "not a string")
                })?;
                if let Some(object) = source.sco(reference) {
                    observation.push_object(reference, object);
                }
            }
        } else if let Some(objects) = fields.objects {
            let objects = objects
                .members()
                .ok_or_else(|| Error::observed_data(here("objects"), "not a dictionary"))?;
            for (key, object) in objects {
                observation.push_object(key, Cow::Borrowed(object));
            }
        } else {
            return Err(Error::observed_data(
                here("object_refs"),
                "observed-data has neither object_refs nor objects",
            ));
        }
        Ok(observation)
    }

    /// Returns the observed-data identifier, when there was one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Returns the start of the observation window.
    pub fn first_observed(&self) -> Instant {
        self.first_observed
    }

    /// Returns the end of the observation window.
    pub fn last_observed(&self) -> Instant {
        self.last_observed
    }

    /// Returns how many observations this object stands for.
    pub fn number_observed(&self) -> u64 {
        self.number_observed
    }

    /// Returns the SCOs with their reference keys.
    pub fn objects(&self) -> impl Iterator<Item = (&str, &V)> {
        self.objects
            .iter()
            .map(|(key, object)| (key.as_ref(), object.as_ref()))
    }

    /// Returns the SCO that `reference` names within this observation.
    pub(crate) fn resolve(&self, reference: &str) -> Option<&V> {
        let position = match &self.index {
            Some(index) => *index.get(reference)?,
            None => self.objects.iter().position(|(key, _)| key == reference)?,
        };
        Some(self.objects[position].1.as_ref())
    }
}

/// Writes the JSON path of an object from its indices in a top-level list and in a bundle.
fn path(item_idx: Option<usize>, object_idx: Option<usize>) -> String {
    let mut path = String::from("$");
    if let Some(item_idx) = item_idx {
        path.push_str(&format!("[{item_idx}]"));
    }
    if let Some(object_idx) = object_idx {
        path.push_str(&format!(".objects[{object_idx}]"));
    }
    path
}

/// The observations a pattern is evaluated against, in order.
#[derive(Debug, Clone, Default)]
pub struct Observations<'a, V: JsonValue = Value> {
    list: Vec<Observation<'a, V>>,
}

impl<'a, V: JsonValue> Observations<'a, V> {
    /// Wraps observations built by the caller.
    pub fn new(list: Vec<Observation<'a, V>>) -> Self {
        Self { list }
    }

    /// Reads observations from STIX JSON: a bundle, a list of bundles and/or objects, or a
    /// single observed-data object.
    ///
    /// Every observed-data object found becomes an observation; its `object_refs` are resolved
    /// against all the other objects given, whatever bundle they came in.
    ///
    /// # Errors
    ///
    /// Returns [`Error::ObservedData`] with the JSON path (and object id) of the first problem.
    pub fn from_json(value: &'a V) -> Result<Self, Error> {
        // Where each object came from, as (item of a top-level list, object of a bundle), to
        // name it in errors; the path text is only made for an error.
        let mut objects: Vec<(Option<usize>, Option<usize>, &'a V)> = Vec::new();
        let (items, top_level): (&'a [V], bool) = match value.as_array() {
            Some(items) => (items, true),
            None => (std::slice::from_ref(value), false),
        };
        for (item_idx, item) in items.iter().enumerate() {
            let item_idx = top_level.then_some(item_idx);
            if item.get("type").and_then(V::as_str) == Some("bundle") {
                let list = item.get("objects").and_then(V::as_array).ok_or_else(|| {
                    Error::observed_data(
                        format!("{}.objects", path(item_idx, None)),
                        "a bundle needs an objects list",
                    )
                })?;
                objects.extend(
                    list.iter()
                        .enumerate()
                        .map(|(object_idx, object)| (item_idx, Some(object_idx), object)),
                );
            } else {
                objects.push((item_idx, None, item));
            }
        }
        // Each object's type and id, read once.
        let mut typed = Vec::with_capacity(objects.len());
        for (item_idx, object_idx, object) in &objects {
            let (kind, id) = type_and_id(*object);
            let Some(kind) = kind else {
                return Err(Error::observed_data(
                    path(*item_idx, *object_idx),
                    "not an object with a string type",
                ));
            };
            typed.push((kind, id));
        }
        let source = ScoMap::from_typed(
            typed
                .iter()
                .zip(&objects)
                .map(|((kind, id), (_, _, object))| ((Some(*kind), *id), *object)),
        );
        let list = objects
            .iter()
            .zip(&typed)
            .filter(|(_, (kind, _))| *kind == "observed-data")
            .map(|((item_idx, object_idx, object), _)| {
                Observation::read(*object, &source, &|| path(*item_idx, *object_idx))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { list })
    }

    /// Returns the number of observed-data objects.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Returns whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Returns the observation at `index`.
    pub fn get(&self, index: usize) -> Option<&Observation<'a, V>> {
        self.list.get(index)
    }

    /// Iterates over the observations in order.
    pub fn iter(&self) -> impl Iterator<Item = &Observation<'a, V>> {
        self.list.iter()
    }
}
