//! The export driver: takes objects one at a time, applies the sharing policy and the
//! filters, compiles indicators into look-up values, and feeds the format's writer.
//!
//! The order of the checks is the order of the reasons a summary gives: an object is counted
//! under the first reason that leaves it out.

use policy::{AccessScope, Audience, CollectionId, Tlp};
use stix::{StixId, StixObject, StixTimestamp};

use crate::Error;
use crate::format::{self, Entry, Format, FormatWriter};
use crate::keys::{self, IndicatorValues, compile_indicator};
use crate::options::ExportOptions;
use crate::output::Output;
use crate::summary::{Reason, Summary};
use crate::value::Value;

/// One object offered to an export, with what the store knows of it.
#[derive(Debug, Clone, Copy)]
pub struct ExportItem<'a> {
    /// The object.
    pub object: &'a StixObject,
    /// The TLP level the store applies (from its manifest); the stricter of it and the
    /// object's own markings is used.
    pub tlp: Option<Tlp>,
    /// The collection the object was read from, checked against the reader's scope.
    pub collection: Option<CollectionId>,
    /// When the store added this version.
    pub date_added: Option<StixTimestamp>,
    /// The object's JSON as stored, which the STIX formats copy instead of serialising the
    /// object again.
    pub json: Option<&'a str>,
    /// The indicator's values, compiled ahead with [`compile_indicator`] (for instance on
    /// several threads); compiled by [`Exporter::push`] when `None`.
    pub values: Option<&'a IndicatorValues>,
}

impl<'a> ExportItem<'a> {
    /// Offers an object read from a file: no store TLP, collection or `date_added`.
    pub fn new(object: &'a StixObject) -> Self {
        Self {
            object,
            tlp: None,
            collection: None,
            date_added: None,
            json: None,
            values: None,
        }
    }
}

/// An export in progress.
pub struct Exporter<'a> {
    format: Format,
    options: ExportOptions,
    tlp_markings: Vec<(StixId, Tlp)>,
    writer: Box<dyn FormatWriter + 'a>,
    summary: Summary,
    values: Vec<Value>,
}

impl<'a> Exporter<'a> {
    /// Starts an export of `format` into `output`.
    ///
    /// # Errors
    ///
    /// [`Error::NeedsDirectory`] or [`Error::NeedsStream`] when the output does not suit the
    /// format, [`Error::InvalidOption`] for settings the format cannot use, and
    /// [`Error::Io`] when the header cannot be written.
    pub fn new(format: Format, options: ExportOptions, output: Output<'a>) -> Result<Self, Error> {
        let writer = format::writer(format, &options, output)?;
        // The TLP marking ids, parsed once: `stix::tlp_of` parses them for every object.
        let tlp_markings = Tlp::ALL
            .into_iter()
            .map(|tlp| (tlp.marking_id(), tlp))
            .chain(
                stix::marking::TLP_1_0_MARKING_IDS
                    .iter()
                    .map(|(text, tlp)| {
                        (
                            StixId::parse(text)
                                .expect("the TLP 1.0 marking ids are valid identifiers"),
                            *tlp,
                        )
                    }),
            )
            .collect();
        Ok(Self {
            format,
            options,
            tlp_markings,
            writer,
            summary: Summary {
                format: format.as_str().to_owned(),
                ..Summary::default()
            },
            values: Vec::new(),
        })
    }

    /// Offers one object to the export.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output cannot be written.
    pub fn push(&mut self, item: ExportItem<'_>) -> Result<(), Error> {
        let object = item.object;
        let Some(tlp) = self.visible_tlp(&item) else {
            // What the reader may not see does not exist for it: not even counted.
            return Ok(());
        };
        self.summary.n_objects += 1;
        let changed = changed_at(&item, &self.options);
        if let Err(reason) = self.select(object, tlp, changed) {
            self.summary.leave_out(reason, object.id());
            self.writer.observe_left_out(object, changed);
            return Ok(());
        }
        self.values.clear();
        let indicator = object.as_indicator();
        if self.format.needs_values() {
            let indicator = indicator.expect("value formats select indicators only");
            let outcome = match item.values {
                Some(compiled) => {
                    for (kind, reason) in &compiled.left_out_keys {
                        self.summary.leave_out_key(kind, *reason, object.id());
                    }
                    compiled
                        .outcome
                        .as_ref()
                        .map(|values| self.values.extend_from_slice(values))
                        .map_err(|reason| *reason)
                }
                None => {
                    // Compiled here: the values are moved, not copied.
                    let compiled = compile_indicator(indicator);
                    for (kind, reason) in &compiled.left_out_keys {
                        self.summary.leave_out_key(kind, *reason, object.id());
                    }
                    compiled.outcome.map(|values| {
                        // The buffer is empty: take the compiled vector's allocation.
                        self.values = values;
                    })
                }
            };
            if let Err(reason) = outcome {
                self.summary.leave_out(reason, object.id());
                self.writer.observe_left_out(object, changed);
                return Ok(());
            }
            if !self.options.value_kinds.is_empty() {
                let kinds = &self.options.value_kinds;
                self.values.retain(|value| kinds.contains(&value.kind()));
                if self.values.is_empty() {
                    self.summary.leave_out(Reason::KindFiltered, object.id());
                    self.writer.observe_left_out(object, changed);
                    return Ok(());
                }
            }
        }
        let entry = Entry {
            object,
            indicator,
            tlp,
            values: &self.values,
            changed,
            json: item.json,
        };
        let n_written = self.writer.write(&entry, &mut self.summary)?;
        if n_written == 0 {
            self.summary.leave_out(Reason::NothingToWrite, object.id());
            self.writer.observe_left_out(object, changed);
        } else {
            self.summary.n_exported += 1;
            self.summary.n_values += n_written;
        }
        Ok(())
    }

    /// Finishes the export and returns its summary.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the output cannot be written.
    pub fn finish(mut self) -> Result<Summary, Error> {
        self.writer.finish(&mut self.summary)?;
        tracing::info!(
            format = self.format.as_str(),
            n_objects = self.summary.n_objects,
            n_exported = self.summary.n_exported,
            n_values = self.summary.n_values,
            n_bytes = self.summary.n_bytes,
            "export finished"
        );
        Ok(self.summary)
    }

    /// Returns the summary so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Returns the TLP level of a version the reader may see, or `None` when it may not.
    fn visible_tlp(&self, item: &ExportItem<'_>) -> Option<Tlp> {
        let scope: &AccessScope = &self.options.scope;
        if let Some(collection) = &item.collection
            && !scope.can_read_collection(collection)
        {
            return None;
        }
        // The most restrictive TLP marking, object-level or granular, as `stix::tlp_of`.
        let own = item
            .object
            .marking_refs()
            .filter_map(|marking| {
                self.tlp_markings
                    .iter()
                    .find(|(id, _)| id == marking)
                    .map(|(_, tlp)| *tlp)
            })
            .max();
        let tlp = match (item.tlp, own) {
            (Some(stored), Some(own)) => stored.max(own),
            (Some(level), None) | (None, Some(level)) => level,
            (None, None) => self.options.default_tlp,
        };
        // Only TLP:RED needs the named recipients.
        let recipients = if tlp == Tlp::Red && !scope.is_unrestricted() {
            policy::red_recipients(item.object)
        } else {
            Vec::new()
        };
        scope.can_read_version(tlp, &recipients).then_some(tlp)
    }

    /// Applies the filters, in the order of the reasons.
    fn select(&self, object: &StixObject, tlp: Tlp, changed: StixTimestamp) -> Result<(), Reason> {
        let options = &self.options;
        // A public export is an onward share to everyone: the policy's rule keeps
        // TLP:CLEAR only, whoever received the object before.
        if options.public
            && policy::may_share(tlp, &Audience::Community, &Audience::Public).is_err()
        {
            return Err(Reason::NotClear);
        }
        if !self.format_carries(object) {
            return Err(Reason::NotForFormat);
        }
        if !options.object_types.is_empty()
            && !options
                .object_types
                .iter()
                .any(|wanted| wanted == object.object_type())
        {
            return Err(Reason::TypeFiltered);
        }
        if options.since.is_some_and(|since| changed < since) {
            return Err(Reason::BeforeSince);
        }
        let indicator = object.as_indicator();
        if self.format.is_snapshot() {
            if object.is_revoked() {
                return Err(Reason::Revoked);
            }
            if let Some(indicator) = indicator {
                if indicator
                    .valid_until
                    .is_some_and(|until| until <= options.now)
                {
                    return Err(Reason::Expired);
                }
                if indicator.valid_from > options.now {
                    return Err(Reason::NotYetValid);
                }
            }
        }
        if let Some(min) = options.min_confidence {
            match object.common().confidence {
                None => return Err(Reason::NoConfidence),
                Some(confidence) if confidence < i64::from(min) => {
                    return Err(Reason::BelowMinConfidence);
                }
                Some(_) => {}
            }
        }
        if let Some(indicator) = indicator {
            if self.format.needs_values() && indicator.pattern_type != "stix" {
                return Err(Reason::PatternType);
            }
            if !self.format.needs_values() && !keys::pattern_parses(indicator) {
                return Err(Reason::PatternInvalid);
            }
        }
        Ok(())
    }

    /// Returns whether the format carries objects of this type.
    fn format_carries(&self, object: &StixObject) -> bool {
        match self.format {
            Format::Stix => true,
            Format::Sentinel => format::sentinel::SUPPORTED_TYPES.contains(&object.object_type()),
            _ => object.as_indicator().is_some(),
        }
    }
}

/// Returns when the object last changed: when the store added this version, else the
/// version's own timestamp, else (observables) the epoch; an indicator whose validity began
/// or ended since then changed at that moment, because snapshots change with it.
fn changed_at(item: &ExportItem<'_>, options: &ExportOptions) -> StixTimestamp {
    let mut changed = item
        .date_added
        .or_else(|| item.object.version())
        .unwrap_or_else(|| StixTimestamp::from_micros(0).expect("the epoch is a valid time"));
    if let Some(indicator) = item.object.as_indicator() {
        for moment in [Some(indicator.valid_from), indicator.valid_until]
            .into_iter()
            .flatten()
        {
            if moment <= options.now && moment > changed {
                changed = moment;
            }
        }
    }
    changed
}
