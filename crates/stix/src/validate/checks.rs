//! The named checks, as data: each has a name (the OASIS validator's where one exists), says
//! whether it enforces a MUST or a SHOULD of the spec, and what it looks at.
//!
//! MUST checks always run and report errors. SHOULD checks report warnings, or errors in strict
//! mode, and can be enabled and disabled by name or by group, as with `stix2-validator`.

use std::collections::BTreeSet;

use super::ValidationOptions;

/// Whether a check enforces a requirement (MUST) or a recommendation (SHOULD) of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Requirement {
    /// A requirement: breaking it makes the content invalid.
    Must,
    /// A recommendation: a warning, or an error in strict mode.
    Should,
}

/// A named check.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct CheckInfo {
    /// The name used in diagnostics and in `enabled`/`disabled`.
    pub name: &'static str,
    /// The OASIS validator's numeric code, when the check is one of its SHOULD checks.
    pub code: Option<&'static str>,
    /// MUST or SHOULD.
    pub requirement: Requirement,
    /// What the check looks at.
    pub description: &'static str,
}

const fn must(name: &'static str, description: &'static str) -> CheckInfo {
    CheckInfo {
        name,
        code: None,
        requirement: Requirement::Must,
        description,
    }
}

const fn phalanx_should(name: &'static str, description: &'static str) -> CheckInfo {
    CheckInfo {
        name,
        code: None,
        requirement: Requirement::Should,
        description,
    }
}

const fn should(name: &'static str, code: &'static str, description: &'static str) -> CheckInfo {
    CheckInfo {
        name,
        code: Some(code),
        requirement: Requirement::Should,
        description,
    }
}

/// Every check Phalanx runs.
pub const CHECKS: &[CheckInfo] = &[
    must(
        "json",
        "the input is a JSON object with a `type` (and an `id`)",
    ),
    must(
        "required-properties",
        "properties the spec requires are present",
    ),
    must(
        "property-type",
        "each property has the JSON type the spec gives it",
    ),
    must(
        "property-name",
        "property names are 3-250 characters of a-z, 0-9 and `_`, starting with a letter",
    ),
    must(
        "reserved-names",
        "reserved property and type names (`action`, `severity`, ...) are not used",
    ),
    must(
        "not-applicable",
        "properties that do not apply to the object's category are absent (e.g. `created` on an SCO)",
    ),
    must("type-format", "type names follow section 3.1"),
    must(
        "identifier-format",
        "identifiers are `type--UUID` with an RFC 4122 UUID, and an object's id starts with its own type",
    ),
    must("spec-version", "`spec_version` is `2.1`"),
    must(
        "timestamp-format",
        "timestamps are RFC 3339 in UTC with a trailing `Z` and name a real instant",
    ),
    must(
        "timestamp-precision",
        "`created` and `modified` are precise to the millisecond",
    ),
    must(
        "timestamp-order",
        "`modified >= created`, `valid_until > valid_from`, `last_seen >= first_seen`, ...",
    ),
    must("empty-list", "lists and dictionaries are not empty"),
    must(
        "value-range",
        "numbers are within the spec's range (`confidence` 0-100, ports, counts)",
    ),
    must(
        "enum-values",
        "values of closed vocabularies (enumerations) are listed values",
    ),
    must(
        "reference-types",
        "references point to objects of the types the spec allows",
    ),
    must(
        "value-format",
        "values have the format the spec requires (addresses, URLs, hex, base64, language tags, ...)",
    ),
    must(
        "hashes",
        "hashes dictionaries: key names and value formats of the hash algorithms",
    ),
    must(
        "external-references",
        "external references carry `source_name` and one of `description`, `url`, `external_id`; CVE and CAPEC ids are well formed",
    ),
    must(
        "kill-chain-phases",
        "kill chain phases carry `kill_chain_name` and `phase_name`",
    ),
    must(
        "granular-markings",
        "granular markings have selectors that select something in the object, and one of `marking_ref` or `lang`",
    ),
    must(
        "extensions",
        "extension keys are extension-definition ids or predefined extension names, with the properties the spec gives them",
    ),
    must(
        "dictionary-keys",
        "dictionary keys are at most 250 characters of a-z, A-Z, 0-9, `-` and `_`",
    ),
    must(
        "co-constraints",
        "properties that depend on each other (at least one of, exclusive, required when)",
    ),
    must(
        "marking-definition",
        "marking definitions: statement and TLP definitions, no circular marking references",
    ),
    must(
        "language-content",
        "language content: language tags as keys, property names inside",
    ),
    must(
        "extension-definition",
        "extension definitions: `extension_properties` only for top-level property extensions",
    ),
    must(
        "observed-data",
        "observed data: `objects` or `object_refs`, not both; the embedded observables and their references",
    ),
    must(
        "sco-id",
        "UUID versions of observables that have no id-contributing properties (UUIDv4), and of `process` (UUIDv4)",
    ),
    must(
        "bundle",
        "a bundle's type and id; objects in a bundle are STIX objects",
    ),
    must(
        "pattern",
        "indicator patterns of type `stix` parse (when a pattern checker is plugged in)",
    ),
    should(
        "custom-prefix",
        "101",
        "custom type, property and extension names start with `x-`/`x_` and a source prefix",
    ),
    should(
        "custom-prefix-lax",
        "102",
        "custom type, property and extension names start with `x-`/`x_`",
    ),
    should(
        "uuid-check",
        "103",
        "SDO, SRO and meta ids use UUIDv4; observable ids use UUIDv5 (and Phalanx: the deterministic one)",
    ),
    should(
        "open-vocab-format",
        "111",
        "open vocabulary values are lower case with hyphens",
    ),
    should(
        "kill-chain-names",
        "121",
        "kill chain and phase names are lower case with hyphens",
    ),
    should(
        "observable-object-keys",
        "141",
        "keys of observed-data `objects` are non-negative integers",
    ),
    should(
        "observable-dictionary-keys",
        "142",
        "dictionary keys of observables are lower case",
    ),
    should(
        "malware-analysis-product",
        "143",
        "malware-analysis `product` is lower case with hyphens",
    ),
    should(
        "windows-process-priority-format",
        "149",
        "windows-process-ext `priority` ends in `_CLASS`",
    ),
    should(
        "hash-length",
        "150",
        "hash algorithm names are at most 30 characters",
    ),
    should(
        "marking-definition-type",
        "201",
        "`definition_type` is `statement` or `tlp`",
    ),
    should(
        "relationship-types",
        "202",
        "relationship types are those the spec suggests between the two types",
    ),
    should(
        "duplicate-ids",
        "203",
        "objects with the same id in a bundle have different `modified`",
    ),
    should(
        "attack-motivation",
        "211",
        "values from attack-motivation-ov",
    ),
    should(
        "attack-resource-level",
        "212",
        "values from attack-resource-level-ov",
    ),
    should("identity-class", "213", "values from identity-class-ov"),
    should("indicator-types", "214", "values from indicator-type-ov"),
    should("industry-sector", "215", "values from industry-sector-ov"),
    should("malware-types", "216", "values from malware-type-ov"),
    should("report-types", "218", "values from report-type-ov"),
    should(
        "threat-actor-types",
        "219",
        "values from threat-actor-type-ov",
    ),
    should(
        "threat-actor-role",
        "220",
        "values from threat-actor-role-ov",
    ),
    should(
        "threat-actor-sophistication",
        "221",
        "values from threat-actor-sophistication-ov",
    ),
    should("tool-types", "222", "values from tool-type-ov"),
    should("region", "223", "values from region-ov"),
    should("grouping-context", "225", "values from grouping-context-ov"),
    should(
        "implementation-languages",
        "226",
        "values from implementation-language-ov",
    ),
    should(
        "infrastructure-types",
        "227",
        "values from infrastructure-type-ov",
    ),
    should(
        "malware-capabilities",
        "228",
        "values from malware-capabilities-ov",
    ),
    should(
        "processor-architecture",
        "230",
        "values from processor-architecture-ov",
    ),
    should("malware-result", "231", "values from malware-result-ov"),
    should(
        "hash-algo",
        "241",
        "hash algorithm names from hashing-algorithm-ov or starting with `x_`",
    ),
    should(
        "windows-pebinary-type",
        "243",
        "values from windows-pebinary-type-ov",
    ),
    should("account-type", "244", "values from account-type-ov"),
    should(
        "indicator-pattern-types",
        "245",
        "values from pattern-type-ov",
    ),
    should(
        "mime-type",
        "271",
        "file `mime_type` has the syntax of an IANA media type",
    ),
    should(
        "protocols",
        "272",
        "network-traffic `protocols` have the syntax of IANA service names",
    ),
    should(
        "ipfix",
        "273",
        "network-traffic `ipfix` keys have the syntax of IPFIX element names",
    ),
    should(
        "http-request-headers",
        "274",
        "http-request-ext `request_header` keys are HTTP header field names",
    ),
    should(
        "socket-options",
        "275",
        "socket-ext `options` keys are socket option names (`SO_*`, `TCP_*`, ...)",
    ),
    should(
        "pdf-doc-info",
        "276",
        "pdf-ext `document_info_dict` keys are PDF document information keys",
    ),
    should(
        "countries",
        "277",
        "location `country` is an ISO 3166-1 alpha-2 code",
    ),
    should(
        "network-traffic-ports",
        "301",
        "network traffic has both `src_port` and `dst_port`",
    ),
    should(
        "extref-hashes",
        "302",
        "external references with a `url` carry `hashes`",
    ),
    should(
        "indicator-properties",
        "303",
        "indicators have a `name` and a `description`",
    ),
    should(
        "deprecated-properties",
        "304",
        "deprecated properties (observed-data `objects`) are not used",
    ),
    should(
        "extension-description",
        "305",
        "extension definitions have a `description`",
    ),
    should(
        "extension-properties",
        "306",
        "top-level property extensions list their `extension_properties`",
    ),
    should(
        "extensions-use",
        "401",
        "custom objects, properties and observable extensions use the 2.1 extension mechanism",
    ),
    phalanx_should(
        "strict-types",
        "only the spec's object types are used (enabled by `strict_types`)",
    ),
    phalanx_should(
        "strict-properties",
        "only the spec's properties are used (enabled by `strict_properties`)",
    ),
    phalanx_should(
        "enforce-refs",
        "relationships and sightings refer to objects in the same bundle (enabled by `enforce_refs`)",
    ),
    phalanx_should(
        "sco-deterministic-id",
        "an observable's UUIDv5 id is the deterministic one of section 2.9 (a warning, never escalated by `strict`)",
    ),
];

/// Groups of SHOULD checks that can be enabled or disabled together.
const GROUPS: &[(&str, &str, &[&str])] = &[
    (
        "format-checks",
        "1",
        &[
            "custom-prefix",
            "custom-prefix-lax",
            "uuid-check",
            "open-vocab-format",
            "kill-chain-names",
            "observable-object-keys",
            "observable-dictionary-keys",
            "malware-analysis-product",
            "windows-process-priority-format",
            "hash-length",
        ],
    ),
    (
        "approved-values",
        "2",
        &[
            "marking-definition-type",
            "relationship-types",
            "duplicate-ids",
            "all-vocabs",
            "all-external-sources",
        ],
    ),
    (
        "all-vocabs",
        "210",
        &[
            "attack-motivation",
            "attack-resource-level",
            "identity-class",
            "indicator-types",
            "industry-sector",
            "malware-types",
            "report-types",
            "threat-actor-types",
            "threat-actor-role",
            "threat-actor-sophistication",
            "tool-types",
            "region",
            "grouping-context",
            "implementation-languages",
            "infrastructure-types",
            "malware-capabilities",
            "processor-architecture",
            "malware-result",
            "hash-algo",
            "windows-pebinary-type",
            "account-type",
            "indicator-pattern-types",
        ],
    ),
    (
        "all-external-sources",
        "270",
        &[
            "mime-type",
            "protocols",
            "ipfix",
            "http-request-headers",
            "socket-options",
            "pdf-doc-info",
            "countries",
        ],
    ),
];

/// Returns the check named `name` (or numbered, like the validator's `101`).
pub fn check_info(name: &str) -> Option<&'static CheckInfo> {
    CHECKS
        .iter()
        .find(|check| check.name == name || check.code == Some(name))
}

/// Returns whether `strict` turns this SHOULD check's findings into errors: the validator's
/// checks and the strict-* options do; Phalanx's own advisory checks stay warnings.
pub(crate) fn escalates_in_strict_mode(name: &str) -> bool {
    check_info(name).is_some_and(|check| check.code.is_some())
        || matches!(name, "strict-types" | "strict-properties" | "enforce-refs")
}

/// Error returned for a check name that cannot be enabled or disabled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckNameError {
    /// No check or group has this name.
    #[error("unknown check {0:?}")]
    Unknown(String),
    /// MUST checks always run.
    #[error("check {0:?} enforces a MUST of the spec and cannot be disabled")]
    Must(String),
}

/// Returns the SHOULD check names a name stands for: itself, or a group's members.
fn expand(name: &str, out: &mut BTreeSet<&'static str>) -> Result<(), CheckNameError> {
    if name == "all" {
        out.extend(should_names());
        return Ok(());
    }
    if let Some((_, _, members)) = GROUPS
        .iter()
        .find(|(group, code, _)| *group == name || *code == name)
    {
        for member in *members {
            expand(member, out)?;
        }
        return Ok(());
    }
    match check_info(name) {
        Some(check) if check.requirement == Requirement::Should => {
            out.insert(check.name);
            Ok(())
        }
        Some(check) => Err(CheckNameError::Must(check.name.to_owned())),
        None => Err(CheckNameError::Unknown(name.to_owned())),
    }
}

fn should_names() -> impl Iterator<Item = &'static str> {
    CHECKS
        .iter()
        .filter(|check| check.requirement == Requirement::Should)
        .filter(|check| {
            !matches!(
                check.name,
                "strict-types" | "strict-properties" | "enforce-refs"
            )
        })
        .map(|check| check.name)
}

/// The SHOULD checks that run for a set of options.
#[derive(Debug, Clone)]
pub(crate) struct EnabledChecks(BTreeSet<&'static str>);

impl EnabledChecks {
    /// Resolves `enabled` and `disabled` the way `stix2-validator` does: with neither, every
    /// SHOULD check runs except the custom-prefix ones (extensions-use covers custom content);
    /// `disabled` removes checks and groups from that set, and when `extensions-use` is
    /// disabled the custom-prefix checks take its place; `enabled` alone runs only the checks
    /// it names.
    pub(crate) fn resolve(options: &ValidationOptions) -> Result<Self, CheckNameError> {
        let mut disabled = BTreeSet::new();
        for name in &options.disabled {
            expand(name, &mut disabled)?;
        }
        let mut enabled = BTreeSet::new();
        for name in &options.enabled {
            expand(name, &mut enabled)?;
        }
        let mut set: BTreeSet<&'static str> = BTreeSet::new();
        if options.enabled.is_empty() || !options.disabled.is_empty() {
            set.extend(
                should_names()
                    .filter(|name| !matches!(*name, "custom-prefix" | "custom-prefix-lax"))
                    .filter(|name| !disabled.contains(name)),
            );
            let format_checks_disabled = options
                .disabled
                .iter()
                .any(|name| name == "format-checks" || name == "1" || name == "all");
            if disabled.contains("extensions-use") && !format_checks_disabled {
                if !disabled.contains("custom-prefix") {
                    set.insert("custom-prefix");
                } else if !disabled.contains("custom-prefix-lax") {
                    set.insert("custom-prefix-lax");
                }
            }
        }
        set.extend(enabled);
        if options.strict_types {
            set.insert("strict-types");
        }
        if options.strict_properties {
            set.insert("strict-properties");
        }
        if options.enforce_refs {
            set.insert("enforce-refs");
        }
        Ok(Self(set))
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }
}
