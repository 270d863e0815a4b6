//! `relationship-types`: the relationships the spec suggests between object types (the
//! "Relationships" tables of STIX 2.1 section 4 and the summary in appendix B).

use serde_json::{Map, Value};

use super::context::At;
use super::context::Ctx;
use super::get_str;
use crate::{Category, category_of};

/// Relationship types any two objects may have (section 5.1.1).
const COMMON: &[&str] = &["derived-from", "duplicate-of", "related-to"];

const ANY_SCO: &str = "*sco";

/// (source type, relationship type, target types)
const SUGGESTED: &[(&str, &str, &[&str])] = &[
    ("attack-pattern", "delivers", &["malware"]),
    (
        "attack-pattern",
        "targets",
        &["identity", "location", "vulnerability"],
    ),
    ("attack-pattern", "uses", &["malware", "tool"]),
    (
        "campaign",
        "attributed-to",
        &["intrusion-set", "threat-actor"],
    ),
    ("campaign", "compromises", &["infrastructure"]),
    ("campaign", "originates-from", &["location"]),
    (
        "campaign",
        "targets",
        &["identity", "location", "vulnerability"],
    ),
    (
        "campaign",
        "uses",
        &["attack-pattern", "infrastructure", "malware", "tool"],
    ),
    ("course-of-action", "investigates", &["indicator"]),
    (
        "course-of-action",
        "mitigates",
        &[
            "attack-pattern",
            "indicator",
            "malware",
            "tool",
            "vulnerability",
        ],
    ),
    (
        "course-of-action",
        "remediates",
        &["malware", "vulnerability"],
    ),
    ("identity", "located-at", &["location"]),
    (
        "indicator",
        "indicates",
        &[
            "attack-pattern",
            "campaign",
            "infrastructure",
            "intrusion-set",
            "malware",
            "threat-actor",
            "tool",
        ],
    ),
    ("indicator", "based-on", &["observed-data"]),
    (
        "infrastructure",
        "communicates-with",
        &[
            "infrastructure",
            "ipv4-addr",
            "ipv6-addr",
            "domain-name",
            "url",
        ],
    ),
    (
        "infrastructure",
        "consists-of",
        &["infrastructure", "observed-data", ANY_SCO],
    ),
    ("infrastructure", "controls", &["infrastructure", "malware"]),
    ("infrastructure", "delivers", &["malware"]),
    ("infrastructure", "has", &["vulnerability"]),
    ("infrastructure", "hosts", &["tool", "malware"]),
    ("infrastructure", "located-at", &["location"]),
    ("infrastructure", "uses", &["infrastructure"]),
    ("intrusion-set", "attributed-to", &["threat-actor"]),
    ("intrusion-set", "compromises", &["infrastructure"]),
    ("intrusion-set", "hosts", &["infrastructure"]),
    ("intrusion-set", "owns", &["infrastructure"]),
    ("intrusion-set", "originates-from", &["location"]),
    (
        "intrusion-set",
        "targets",
        &["identity", "location", "vulnerability"],
    ),
    (
        "intrusion-set",
        "uses",
        &["attack-pattern", "infrastructure", "malware", "tool"],
    ),
    ("malware", "authored-by", &["threat-actor", "intrusion-set"]),
    ("malware", "beacons-to", &["infrastructure"]),
    ("malware", "exfiltrates-to", &["infrastructure"]),
    (
        "malware",
        "communicates-with",
        &["ipv4-addr", "ipv6-addr", "domain-name", "url"],
    ),
    ("malware", "controls", &["malware"]),
    ("malware", "downloads", &["malware", "tool", "file"]),
    ("malware", "drops", &["malware", "tool", "file"]),
    ("malware", "exploits", &["vulnerability"]),
    ("malware", "originates-from", &["location"]),
    (
        "malware",
        "targets",
        &["identity", "infrastructure", "location", "vulnerability"],
    ),
    (
        "malware",
        "uses",
        &["attack-pattern", "infrastructure", "malware", "tool"],
    ),
    ("malware", "variant-of", &["malware"]),
    ("malware-analysis", "characterizes", &["malware"]),
    ("malware-analysis", "analysis-of", &["malware"]),
    ("malware-analysis", "static-analysis-of", &["malware"]),
    ("malware-analysis", "dynamic-analysis-of", &["malware"]),
    ("threat-actor", "attributed-to", &["identity"]),
    ("threat-actor", "compromises", &["infrastructure"]),
    ("threat-actor", "hosts", &["infrastructure"]),
    ("threat-actor", "owns", &["infrastructure"]),
    ("threat-actor", "impersonates", &["identity"]),
    ("threat-actor", "located-at", &["location"]),
    (
        "threat-actor",
        "targets",
        &["identity", "location", "vulnerability"],
    ),
    (
        "threat-actor",
        "uses",
        &["attack-pattern", "infrastructure", "malware", "tool"],
    ),
    ("tool", "delivers", &["malware"]),
    ("tool", "drops", &["malware"]),
    ("tool", "has", &["vulnerability"]),
    (
        "tool",
        "targets",
        &["identity", "infrastructure", "location", "vulnerability"],
    ),
    ("tool", "uses", &["infrastructure"]),
];

/// Reports a relationship between spec SDOs that the spec does not suggest.
pub(crate) fn check_relationship_type(ctx: &mut Ctx, map: &Map<String, Value>, path: &At<'_>) {
    let (Some(kind), Some(source), Some(target)) = (
        get_str(map, "relationship_type"),
        get_str(map, "source_ref"),
        get_str(map, "target_ref"),
    ) else {
        return;
    };
    let (Some((source, _)), Some((target, _))) = (source.split_once("--"), target.split_once("--"))
    else {
        return;
    };
    // Custom objects and custom relationship types between them are out of this check's scope.
    if COMMON.contains(&kind)
        || category_of(source) != Category::Domain
        || !matches!(category_of(target), Category::Domain | Category::Observable)
    {
        return;
    }
    let suggested = SUGGESTED
        .iter()
        .filter(|(from, _, _)| *from == source)
        .collect::<Vec<_>>();
    let message = match suggested.iter().find(|(_, name, _)| *name == kind) {
        None => format!("`{kind}` is not a relationship the spec suggests for `{source}` objects"),
        Some((_, _, targets)) => {
            let target_ok = targets.contains(&target)
                || (targets.contains(&ANY_SCO) && category_of(target) == Category::Observable);
            if target_ok {
                return;
            }
            format!("the spec does not suggest `{source}` `{kind}` `{target}`")
        }
    };
    ctx.should(
        "relationship-types",
        &path.key("relationship_type"),
        message,
    );
}
