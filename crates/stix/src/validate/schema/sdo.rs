//! The STIX Domain Objects, relationship objects and meta objects (STIX 2.1 sections 4, 5, 7).

use super::{Kind, Prop, Target, TypeDef, opt, req};
use crate::Category;
use crate::vocab;

const SOFTWARE: Target = Target::Types(&["software"]);

const fn sdo(name: &'static str, props: &'static [Prop]) -> TypeDef {
    TypeDef {
        name,
        category: Category::Domain,
        props,
        extensions: &[],
    }
}

/// Every non-observable type of the spec.
pub(super) const TYPES: &[TypeDef] = &[
    sdo(
        "attack-pattern",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt("aliases", Kind::Strs),
            opt("kill_chain_phases", Kind::KillChainPhases),
        ],
    ),
    sdo(
        "campaign",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt("aliases", Kind::Strs),
            opt("first_seen", Kind::Timestamp),
            opt("last_seen", Kind::Timestamp),
            opt("objective", Kind::Str),
        ],
    ),
    sdo(
        "course-of-action",
        &[req("name", Kind::Str), opt("description", Kind::Str)],
    ),
    sdo(
        "grouping",
        &[
            opt("name", Kind::Str),
            opt("description", Kind::Str),
            req(
                "context",
                Kind::Open(&vocab::GROUPING_CONTEXT, "grouping-context"),
            ),
            req("object_refs", Kind::Refs(Target::Any)),
        ],
    ),
    sdo(
        "identity",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt("roles", Kind::Strs),
            opt(
                "identity_class",
                Kind::Open(&vocab::IDENTITY_CLASS, "identity-class"),
            ),
            opt(
                "sectors",
                Kind::OpenList(&vocab::INDUSTRY_SECTOR, "industry-sector"),
            ),
            opt("contact_information", Kind::Str),
        ],
    ),
    sdo(
        "incident",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt("kill_chain_phases", Kind::KillChainPhases),
        ],
    ),
    sdo(
        "indicator",
        &[
            opt("name", Kind::Str),
            opt("description", Kind::Str),
            opt(
                "indicator_types",
                Kind::OpenList(&vocab::INDICATOR_TYPE, "indicator-types"),
            ),
            req("pattern", Kind::Str),
            req(
                "pattern_type",
                Kind::Open(&vocab::PATTERN_TYPE, "indicator-pattern-types"),
            ),
            opt("pattern_version", Kind::Str),
            req("valid_from", Kind::Timestamp),
            opt("valid_until", Kind::Timestamp),
            opt("kill_chain_phases", Kind::KillChainPhases),
        ],
    ),
    sdo(
        "infrastructure",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt(
                "infrastructure_types",
                Kind::OpenList(&vocab::INFRASTRUCTURE_TYPE, "infrastructure-types"),
            ),
            opt("aliases", Kind::Strs),
            opt("kill_chain_phases", Kind::KillChainPhases),
            opt("first_seen", Kind::Timestamp),
            opt("last_seen", Kind::Timestamp),
        ],
    ),
    sdo(
        "intrusion-set",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt("aliases", Kind::Strs),
            opt("first_seen", Kind::Timestamp),
            opt("last_seen", Kind::Timestamp),
            opt("goals", Kind::Strs),
            opt(
                "resource_level",
                Kind::Open(&vocab::ATTACK_RESOURCE_LEVEL, "attack-resource-level"),
            ),
            opt(
                "primary_motivation",
                Kind::Open(&vocab::ATTACK_MOTIVATION, "attack-motivation"),
            ),
            opt(
                "secondary_motivations",
                Kind::OpenList(&vocab::ATTACK_MOTIVATION, "attack-motivation"),
            ),
        ],
    ),
    sdo(
        "location",
        &[
            opt("name", Kind::Str),
            opt("description", Kind::Str),
            opt(
                "latitude",
                Kind::Num {
                    min: -90.0,
                    max: 90.0,
                },
            ),
            opt(
                "longitude",
                Kind::Num {
                    min: -180.0,
                    max: 180.0,
                },
            ),
            opt(
                "precision",
                Kind::Num {
                    min: f64::MIN,
                    max: f64::MAX,
                },
            ),
            opt("region", Kind::Open(&vocab::REGION, "region")),
            opt("country", Kind::Str),
            opt("administrative_area", Kind::Str),
            opt("city", Kind::Str),
            opt("street_address", Kind::Str),
            opt("postal_code", Kind::Str),
        ],
    ),
    sdo(
        "malware",
        &[
            opt("name", Kind::Str),
            opt("description", Kind::Str),
            opt(
                "malware_types",
                Kind::OpenList(&vocab::MALWARE_TYPE, "malware-types"),
            ),
            req("is_family", Kind::Bool),
            opt("aliases", Kind::Strs),
            opt("kill_chain_phases", Kind::KillChainPhases),
            opt("first_seen", Kind::Timestamp),
            opt("last_seen", Kind::Timestamp),
            opt("operating_system_refs", Kind::Refs(SOFTWARE)),
            opt(
                "architecture_execution_envs",
                Kind::OpenList(&vocab::PROCESSOR_ARCHITECTURE, "processor-architecture"),
            ),
            opt(
                "implementation_languages",
                Kind::OpenList(&vocab::IMPLEMENTATION_LANGUAGE, "implementation-languages"),
            ),
            opt(
                "capabilities",
                Kind::OpenList(&vocab::MALWARE_CAPABILITIES, "malware-capabilities"),
            ),
            opt(
                "sample_refs",
                Kind::Refs(Target::Types(&["file", "artifact"])),
            ),
        ],
    ),
    sdo(
        "malware-analysis",
        &[
            req("product", Kind::Str),
            opt("version", Kind::Str),
            opt("host_vm_ref", Kind::Ref(SOFTWARE)),
            opt("operating_system_ref", Kind::Ref(SOFTWARE)),
            opt("installed_software_refs", Kind::Refs(SOFTWARE)),
            opt("configuration_version", Kind::Str),
            opt("modules", Kind::Strs),
            opt("analysis_engine_version", Kind::Str),
            opt("analysis_definition_version", Kind::Str),
            opt("submitted", Kind::Timestamp),
            opt("analysis_started", Kind::Timestamp),
            opt("analysis_ended", Kind::Timestamp),
            opt("result_name", Kind::Str),
            opt(
                "result",
                Kind::Open(&vocab::MALWARE_RESULT, "malware-result"),
            ),
            opt("analysis_sco_refs", Kind::Refs(Target::Sco)),
            opt(
                "sample_ref",
                Kind::Ref(Target::Types(&["file", "artifact", "network-traffic"])),
            ),
        ],
    ),
    sdo(
        "note",
        &[
            opt("abstract", Kind::Str),
            req("content", Kind::Str),
            opt("authors", Kind::Strs),
            req("object_refs", Kind::Refs(Target::Any)),
        ],
    ),
    sdo(
        "observed-data",
        &[
            req("first_observed", Kind::Timestamp),
            req("last_observed", Kind::Timestamp),
            req(
                "number_observed",
                Kind::Int {
                    min: 1,
                    max: 999_999_999,
                },
            ),
            opt("objects", Kind::Any),
            opt("object_refs", Kind::Refs(Target::ScoOrSro)),
        ],
    ),
    sdo(
        "opinion",
        &[
            opt("explanation", Kind::Str),
            opt("authors", Kind::Strs),
            req("opinion", Kind::Enum(&vocab::OPINION)),
            req("object_refs", Kind::Refs(Target::Any)),
        ],
    ),
    sdo(
        "report",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt(
                "report_types",
                Kind::OpenList(&vocab::REPORT_TYPE, "report-types"),
            ),
            req("published", Kind::Timestamp),
            req("object_refs", Kind::Refs(Target::Any)),
        ],
    ),
    sdo(
        "threat-actor",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt(
                "threat_actor_types",
                Kind::OpenList(&vocab::THREAT_ACTOR_TYPE, "threat-actor-types"),
            ),
            opt("aliases", Kind::Strs),
            opt("first_seen", Kind::Timestamp),
            opt("last_seen", Kind::Timestamp),
            opt(
                "roles",
                Kind::OpenList(&vocab::THREAT_ACTOR_ROLE, "threat-actor-role"),
            ),
            opt("goals", Kind::Strs),
            opt(
                "sophistication",
                Kind::Open(
                    &vocab::THREAT_ACTOR_SOPHISTICATION,
                    "threat-actor-sophistication",
                ),
            ),
            opt(
                "resource_level",
                Kind::Open(&vocab::ATTACK_RESOURCE_LEVEL, "attack-resource-level"),
            ),
            opt(
                "primary_motivation",
                Kind::Open(&vocab::ATTACK_MOTIVATION, "attack-motivation"),
            ),
            opt(
                "secondary_motivations",
                Kind::OpenList(&vocab::ATTACK_MOTIVATION, "attack-motivation"),
            ),
            opt(
                "personal_motivations",
                Kind::OpenList(&vocab::ATTACK_MOTIVATION, "attack-motivation"),
            ),
        ],
    ),
    sdo(
        "tool",
        &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            opt(
                "tool_types",
                Kind::OpenList(&vocab::TOOL_TYPE, "tool-types"),
            ),
            opt("aliases", Kind::Strs),
            opt("kill_chain_phases", Kind::KillChainPhases),
            opt("tool_version", Kind::Str),
        ],
    ),
    sdo(
        "vulnerability",
        &[req("name", Kind::Str), opt("description", Kind::Str)],
    ),
    TypeDef {
        name: "relationship",
        category: Category::Relationship,
        props: &[
            req("relationship_type", Kind::Str),
            opt("description", Kind::Str),
            req("source_ref", Kind::Ref(Target::Relatable)),
            req("target_ref", Kind::Ref(Target::Relatable)),
            opt("start_time", Kind::Timestamp),
            opt("stop_time", Kind::Timestamp),
        ],
        extensions: &[],
    },
    TypeDef {
        name: "sighting",
        category: Category::Relationship,
        props: &[
            opt("description", Kind::Str),
            opt("first_seen", Kind::Timestamp),
            opt("last_seen", Kind::Timestamp),
            opt(
                "count",
                Kind::Int {
                    min: 0,
                    max: 999_999_999,
                },
            ),
            req("sighting_of_ref", Kind::Ref(Target::Sdo)),
            opt(
                "observed_data_refs",
                Kind::Refs(Target::Types(&["observed-data"])),
            ),
            opt(
                "where_sighted_refs",
                Kind::Refs(Target::Types(&["identity", "location"])),
            ),
            opt("summary", Kind::Bool),
        ],
        extensions: &[],
    },
    TypeDef {
        name: "marking-definition",
        category: Category::Meta,
        props: &[
            opt("name", Kind::Str),
            opt(
                "definition_type",
                Kind::Open(&vocab::MARKING_DEFINITION_TYPE, "marking-definition-type"),
            ),
            opt("definition", Kind::Any),
        ],
        extensions: &[],
    },
    TypeDef {
        name: "language-content",
        category: Category::Meta,
        props: &[
            req("object_ref", Kind::Ref(Target::NotBundle)),
            opt("object_modified", Kind::Timestamp),
            req("contents", Kind::Any),
        ],
        extensions: &[],
    },
    TypeDef {
        name: "extension-definition",
        category: Category::Meta,
        props: &[
            req("name", Kind::Str),
            opt("description", Kind::Str),
            req("schema", Kind::Str),
            req("version", Kind::Str),
            req("extension_types", Kind::EnumList(&vocab::EXTENSION_TYPE)),
            opt("extension_properties", Kind::Strs),
        ],
        extensions: &[],
    },
];
