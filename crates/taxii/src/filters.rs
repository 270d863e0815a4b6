//! URL parameters of the TAXII endpoints that read objects (section 3.5): `added_after`,
//! `limit`, `next` and `match[id|type|version|spec_version]`, each checked and turned into the
//! store's [`ObjectQuery`].
//!
//! Several values of one `match[...]` (comma-separated, or the parameter repeated) are ORed;
//! different parameters are ANDed. Parameters an endpoint does not define are ignored, as are
//! unknown parameters. `match[version]` defaults to `last` (every version for the versions
//! and delete endpoints) and `match[spec_version]` to the latest spec version of each object.

use policy::CollectionId;
use sha2::{Digest, Sha256};
use stix::{StixId, StixTimestamp};
use store::{ObjectQuery, VersionMatch};

use crate::TaxiiError;

/// The STIX spec versions a delete removes when `match[spec_version]` is absent.
pub(crate) const ALL_SPEC_VERSIONS: [&str; 2] = ["2.0", "2.1"];

/// The endpoint a request is for; each defines its own parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// Get Objects: every filter.
    Objects,
    /// Get Object Manifests: every filter.
    Manifest,
    /// Get an Object: `added_after`, `limit`, `next`, `match[version|spec_version]`.
    Object,
    /// Get Object Versions: `added_after`, `limit`, `next`, `match[spec_version]`.
    Versions,
    /// Delete an Object: `match[version|spec_version]`; every version by default.
    Delete,
}

impl Endpoint {
    fn defines(self, parameter: &str) -> bool {
        match self {
            Self::Objects | Self::Manifest => true,
            Self::Object => !matches!(parameter, "match[id]" | "match[type]"),
            Self::Versions => !matches!(parameter, "match[id]" | "match[type]" | "match[version]"),
            Self::Delete => matches!(parameter, "match[version]" | "match[spec_version]"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Objects => "objects",
            Self::Manifest => "manifest",
            Self::Object => "object",
            Self::Versions => "versions",
            Self::Delete => "delete",
        }
    }
}

/// The checked URL parameters of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Filters {
    pub added_after: Option<StixTimestamp>,
    pub limit: Option<u32>,
    pub next: Option<String>,
    pub ids: Vec<StixId>,
    pub types: Vec<String>,
    pub versions: Vec<VersionMatch>,
    pub spec_versions: Vec<String>,
}

impl Filters {
    /// Reads the parameters of `query` (the raw query string) that `endpoint` defines.
    ///
    /// # Errors
    ///
    /// [`TaxiiError::BadRequest`] naming the parameter and value that cannot be used.
    pub(crate) fn parse(query: Option<&str>, endpoint: Endpoint) -> Result<Self, TaxiiError> {
        let mut filters = Self::default();
        let Some(query) = query else {
            return Ok(filters);
        };
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if !endpoint.defines(&name) {
                continue;
            }
            let bad = |reason: &str| {
                TaxiiError::BadRequest(format!("invalid {name} value {value:?}: {reason}"))
            };
            match name.as_ref() {
                "added_after" => {
                    if filters.added_after.is_some() {
                        return Err(bad("added_after may be given once"));
                    }
                    let timestamp =
                        StixTimestamp::parse(&value).map_err(|error| bad(error.reason))?;
                    filters.added_after = Some(timestamp);
                }
                "limit" => {
                    if filters.limit.is_some() {
                        return Err(bad("limit may be given once"));
                    }
                    let limit: u32 = value
                        .parse()
                        .map_err(|_| bad("expected a positive integer"))?;
                    if limit == 0 {
                        return Err(bad("expected a positive integer"));
                    }
                    filters.limit = Some(limit);
                }
                "next" => {
                    if filters.next.is_some() {
                        return Err(bad("next may be given once"));
                    }
                    filters.next = Some(value.into_owned());
                }
                "match[id]" => {
                    for item in items(&value, &bad)? {
                        let id = StixId::parse(item).map_err(|_| {
                            bad(&format!("{item:?} is not a STIX identifier (type--UUID)"))
                        })?;
                        filters.ids.push(id);
                    }
                }
                "match[type]" => {
                    for item in items(&value, &bad)? {
                        if !is_type_name(item) {
                            return Err(bad(&format!("{item:?} is not a STIX type name")));
                        }
                        filters.types.push(item.to_owned());
                    }
                }
                "match[version]" => {
                    for item in items(&value, &bad)? {
                        filters.versions.push(match item {
                            "first" => VersionMatch::First,
                            "last" => VersionMatch::Last,
                            "all" => VersionMatch::All,
                            timestamp => {
                                VersionMatch::At(StixTimestamp::parse(timestamp).map_err(|_| {
                                    bad(&format!(
                                        "{timestamp:?} is neither first, last, all nor a timestamp"
                                    ))
                                })?)
                            }
                        });
                    }
                }
                "match[spec_version]" => {
                    for item in items(&value, &bad)? {
                        if !is_spec_version(item) {
                            return Err(bad(&format!("{item:?} is not a spec version like 2.1")));
                        }
                        filters.spec_versions.push(item.to_owned());
                    }
                }
                _ => {}
            }
        }
        filters.ids.sort();
        filters.ids.dedup();
        filters.types.sort();
        filters.types.dedup();
        filters.spec_versions.sort();
        filters.spec_versions.dedup();
        Ok(filters)
    }

    /// Returns the store query of these filters in `collection`, for `endpoint` (whose
    /// defaults apply), of object `object` when the endpoint names one, with `page_size`
    /// results at most.
    pub(crate) fn query(
        &self,
        endpoint: Endpoint,
        collection: CollectionId,
        object: Option<&StixId>,
        page_size: u32,
    ) -> ObjectQuery {
        let versions = if self.versions.is_empty() {
            match endpoint {
                Endpoint::Versions | Endpoint::Delete => vec![VersionMatch::All],
                _ => vec![VersionMatch::Last],
            }
        } else {
            self.versions.clone()
        };
        let spec_versions = if self.spec_versions.is_empty() && endpoint == Endpoint::Delete {
            ALL_SPEC_VERSIONS.iter().map(|v| (*v).to_owned()).collect()
        } else {
            self.spec_versions.clone()
        };
        let ids = match object {
            Some(id) => vec![id.clone()],
            None => self.ids.clone(),
        };
        ObjectQuery {
            collection: Some(collection),
            added_after: self.added_after,
            ids,
            types: self.types.clone(),
            versions,
            spec_versions,
            limit: (endpoint != Endpoint::Delete).then_some(page_size),
            after: None,
        }
    }

    /// Returns a fingerprint of everything that selects results (not `limit` or `next`), to
    /// which a `next` cursor is bound: a cursor from another query is refused.
    pub(crate) fn fingerprint(
        &self,
        endpoint: Endpoint,
        collection: CollectionId,
        object: Option<&StixId>,
    ) -> [u8; 8] {
        let mut versions: Vec<String> = self
            .versions
            .iter()
            .map(|version| match version {
                VersionMatch::First => "first".to_owned(),
                VersionMatch::Last => "last".to_owned(),
                VersionMatch::All => "all".to_owned(),
                VersionMatch::At(timestamp) => timestamp.to_micros().to_string(),
            })
            .collect();
        versions.sort();
        let canonical = format!(
            "{}|{collection}|{}|{}|{}|{}|{}|{}",
            endpoint.name(),
            object.map_or("", StixId::as_str),
            self.added_after
                .map_or_else(String::new, |t| t.to_micros().to_string()),
            self.ids
                .iter()
                .map(StixId::as_str)
                .collect::<Vec<_>>()
                .join(","),
            self.types.join(","),
            versions.join(","),
            self.spec_versions.join(","),
        );
        let digest = Sha256::digest(canonical.as_bytes());
        let mut fingerprint = [0u8; 8];
        fingerprint.copy_from_slice(&digest[..8]);
        fingerprint
    }
}

/// Splits a comma-separated value; empty items are an error.
fn items<'v>(value: &'v str, bad: &dyn Fn(&str) -> TaxiiError) -> Result<Vec<&'v str>, TaxiiError> {
    value
        .split(',')
        .map(|item| {
            let item = item.trim();
            if item.is_empty() {
                Err(bad("empty item in a comma-separated list"))
            } else {
                Ok(item)
            }
        })
        .collect()
}

/// Returns whether `text` can be a STIX type name (STIX 2.1 section 3.1: 3 to 250 characters,
/// lower-case ASCII letters, digits and hyphens).
fn is_type_name(text: &str) -> bool {
    (3..=250).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Returns whether `text` looks like a spec version: digits, a dot, digits.
fn is_spec_version(text: &str) -> bool {
    text.split_once('.').is_some_and(|(major, minor)| {
        !major.is_empty()
            && !minor.is_empty()
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    #[track_caller]
    fn check(query: &str, endpoint: Endpoint, expect: Expect) {
        let shown = match Filters::parse(Some(query), endpoint) {
            Ok(filters) => format!(
                "added_after={:?} limit={:?} next={:?} ids={:?} types={:?} versions={:?} spec={:?}",
                filters.added_after.map(|t| t.to_string()),
                filters.limit,
                filters.next,
                filters.ids.iter().map(StixId::as_str).collect::<Vec<_>>(),
                filters.types,
                filters.versions,
                filters.spec_versions
            ),
            Err(error) => format!("{} {error}", error.status().as_u16()),
        };
        expect.assert_eq(&shown);
    }

    #[test]
    fn reads_every_filter_and_merges_repeated_matches() {
        check(
            "added_after=2016-02-01T00:00:01.000Z&limit=10&next=abc&match[id]=indicator--00000000-0000-4000-8000-000000000001&match[type]=indicator,malware&match[type]=indicator&match[version]=first,last,2016-01-01T01:01:01.123456Z&match[spec_version]=2.0,2.1&unknown=1",
            Endpoint::Objects,
            expect![[
                r#"added_after=Some("2016-02-01T00:00:01.000Z") limit=Some(10) next=Some("abc") ids=["indicator--00000000-0000-4000-8000-000000000001"] types=["indicator", "malware"] versions=[First, Last, At(StixTimestamp(2016-01-01T01:01:01.123456Z))] spec=["2.0", "2.1"]"#
            ]],
        );
        check(
            "match%5Btype%5D=indicator",
            Endpoint::Manifest,
            expect![[
                r#"added_after=None limit=None next=None ids=[] types=["indicator"] versions=[] spec=[]"#
            ]],
        );
    }

    #[test]
    fn ignores_parameters_the_endpoint_does_not_define() {
        check(
            "match[type]=indicator&match[id]=x&limit=5&match[version]=all",
            Endpoint::Object,
            expect![[
                r#"added_after=None limit=Some(5) next=None ids=[] types=[] versions=[All] spec=[]"#
            ]],
        );
        check(
            "match[version]=first&limit=5&match[spec_version]=2.1",
            Endpoint::Versions,
            expect![[
                r#"added_after=None limit=Some(5) next=None ids=[] types=[] versions=[] spec=["2.1"]"#
            ]],
        );
        check(
            "limit=5&added_after=x&match[version]=last",
            Endpoint::Delete,
            expect![[
                r#"added_after=None limit=None next=None ids=[] types=[] versions=[Last] spec=[]"#
            ]],
        );
    }

    #[test]
    fn refuses_unusable_values_naming_parameter_and_value() {
        let cases = [
            (
                "added_after=yesterday",
                expect![[r#"400 invalid added_after value "yesterday": expected a digit"#]],
            ),
            (
                "added_after=2016-01-01T00:00:00Z&added_after=2016-01-01T00:00:00Z",
                expect![[
                    r#"400 invalid added_after value "2016-01-01T00:00:00Z": added_after may be given once"#
                ]],
            ),
            (
                "limit=0",
                expect![[r#"400 invalid limit value "0": expected a positive integer"#]],
            ),
            (
                "limit=-3",
                expect![[r#"400 invalid limit value "-3": expected a positive integer"#]],
            ),
            (
                "match[id]=indicator--nope",
                expect![[
                    r#"400 invalid match[id] value "indicator--nope": "indicator--nope" is not a STIX identifier (type--UUID)"#
                ]],
            ),
            (
                "match[type]=Indicator",
                expect![[
                    r#"400 invalid match[type] value "Indicator": "Indicator" is not a STIX type name"#
                ]],
            ),
            (
                "match[type]=indicator,,malware",
                expect![[
                    r#"400 invalid match[type] value "indicator,,malware": empty item in a comma-separated list"#
                ]],
            ),
            (
                "match[version]=newest",
                expect![[
                    r#"400 invalid match[version] value "newest": "newest" is neither first, last, all nor a timestamp"#
                ]],
            ),
            (
                "match[spec_version]=2",
                expect![[
                    r#"400 invalid match[spec_version] value "2": "2" is not a spec version like 2.1"#
                ]],
            ),
        ];
        for (query, expected) in cases {
            check(query, Endpoint::Objects, expected);
        }
    }

    #[test]
    fn defaults_depend_on_the_endpoint() {
        let collection = CollectionId::new_v4();
        let filters = Filters::default();
        let objects = filters.query(Endpoint::Objects, collection, None, 100);
        assert_eq!(objects.versions, [VersionMatch::Last]);
        assert!(objects.spec_versions.is_empty());
        assert_eq!(objects.limit, Some(100));
        let versions = filters.query(Endpoint::Versions, collection, None, 100);
        assert_eq!(versions.versions, [VersionMatch::All]);
        let delete = filters.query(Endpoint::Delete, collection, None, 100);
        assert_eq!(delete.versions, [VersionMatch::All]);
        assert_eq!(delete.spec_versions, ["2.0", "2.1"]);
        assert_eq!(delete.limit, None);
    }

    #[test]
    fn fingerprint_binds_filters_but_not_limit_or_next() {
        let collection = CollectionId::new_v4();
        let parse = |query| Filters::parse(Some(query), Endpoint::Objects).unwrap();
        let print = |query| parse(query).fingerprint(Endpoint::Objects, collection, None);
        assert_eq!(
            print("match[type]=indicator&limit=5"),
            print("match[type]=indicator&limit=50&next=x")
        );
        assert_eq!(
            print("match[type]=malware,indicator"),
            print("match[type]=indicator&match[type]=malware")
        );
        assert_ne!(print("match[type]=indicator"), print("match[type]=malware"));
        assert_ne!(print(""), print("added_after=2016-01-01T00:00:00Z"));
        assert_ne!(
            print(""),
            parse("").fingerprint(Endpoint::Manifest, collection, None)
        );
        assert_ne!(
            print(""),
            parse("").fingerprint(Endpoint::Objects, CollectionId::new_v4(), None)
        );
    }
}
