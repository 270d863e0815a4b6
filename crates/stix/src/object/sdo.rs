//! The nineteen STIX Domain Objects (STIX 2.1 section 4).

use serde_json::{Map, Number, Value};

use super::common::KillChainPhase;
use crate::{StixId, StixTimestamp};

stix_struct! {
    /// A type of TTP describing ways adversaries attempt to compromise targets.
    AttackPattern {
        /// A name that identifies the attack pattern.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Alternative names.
        aliases: Option<Vec<String>>,
        /// The kill chain phases in which it is used.
        kill_chain_phases: Option<Vec<KillChainPhase>>,
    }
}

stix_struct! {
    /// A grouping of adversarial behaviours over time against a set of targets.
    Campaign {
        /// A name that identifies the campaign.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Alternative names.
        aliases: Option<Vec<String>>,
        /// When the campaign was first seen.
        first_seen: Option<StixTimestamp>,
        /// When the campaign was last seen.
        last_seen: Option<StixTimestamp>,
        /// The campaign's primary goal.
        objective: Option<String>,
    }
}

stix_struct! {
    /// An action taken to prevent or respond to an attack.
    CourseOfAction {
        /// A name that identifies the course of action.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Reserved by STIX 2.1; must not be used.
        action: Option<Value>,
    }
}

stix_struct! {
    /// A set of objects that share a context.
    Grouping {
        /// A name that identifies the grouping.
        name: Option<String>,
        /// More details and context.
        description: Option<String>,
        /// The shared context (open vocabulary `grouping-context-ov`).
        context: String,
        /// The objects in the grouping.
        object_refs: Vec<StixId>,
    }
}

stix_struct! {
    /// An individual, organisation, group, system or class of them.
    Identity {
        /// The name of the identity.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Roles this identity performs.
        roles: Option<Vec<String>>,
        /// The kind of entity (open vocabulary `identity-class-ov`).
        identity_class: Option<String>,
        /// Industry sectors (open vocabulary `industry-sector-ov`).
        sectors: Option<Vec<String>>,
        /// Contact information.
        contact_information: Option<String>,
    }
}

stix_struct! {
    /// A security incident (a stub object in STIX 2.1).
    Incident {
        /// A name that identifies the incident.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// The kill chain phases the incident relates to.
        kill_chain_phases: Option<Vec<KillChainPhase>>,
    }
}

stix_struct! {
    /// A pattern that can be used to detect suspicious or malicious activity.
    Indicator {
        /// A name that identifies the indicator.
        name: Option<String>,
        /// More details and context.
        description: Option<String>,
        /// Categories (open vocabulary `indicator-type-ov`).
        indicator_types: Option<Vec<String>>,
        /// The detection pattern.
        pattern: String,
        /// The pattern language (open vocabulary `pattern-type-ov`), usually `stix`.
        pattern_type: String,
        /// The version of the pattern language.
        pattern_version: Option<String>,
        /// When the indicator becomes valid.
        valid_from: StixTimestamp,
        /// When the indicator stops being valid.
        valid_until: Option<StixTimestamp>,
        /// The kill chain phases it detects.
        kill_chain_phases: Option<Vec<KillChainPhase>>,
    }
}

stix_struct! {
    /// Systems, software services or other resources used in an intrusion.
    Infrastructure {
        /// A name that identifies the infrastructure.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Categories (open vocabulary `infrastructure-type-ov`).
        infrastructure_types: Option<Vec<String>>,
        /// Alternative names.
        aliases: Option<Vec<String>>,
        /// The kill chain phases it is used in.
        kill_chain_phases: Option<Vec<KillChainPhase>>,
        /// When it was first seen.
        first_seen: Option<StixTimestamp>,
        /// When it was last seen.
        last_seen: Option<StixTimestamp>,
    }
}

stix_struct! {
    /// A grouped set of adversarial behaviours and resources believed to be orchestrated by one
    /// organisation.
    IntrusionSet {
        /// A name that identifies the intrusion set.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Alternative names.
        aliases: Option<Vec<String>>,
        /// When it was first seen.
        first_seen: Option<StixTimestamp>,
        /// When it was last seen.
        last_seen: Option<StixTimestamp>,
        /// High-level goals.
        goals: Option<Vec<String>>,
        /// Organisational level (open vocabulary `attack-resource-level-ov`).
        resource_level: Option<String>,
        /// Primary motivation (open vocabulary `attack-motivation-ov`).
        primary_motivation: Option<String>,
        /// Secondary motivations (open vocabulary `attack-motivation-ov`).
        secondary_motivations: Option<Vec<String>>,
    }
}

stix_struct! {
    /// A geographic location.
    Location {
        /// A name for the location.
        name: Option<String>,
        /// More details and context.
        description: Option<String>,
        /// Latitude in decimal degrees (WGS 84), kept as written (`48` stays `48`).
        latitude: Option<Number>,
        /// Longitude in decimal degrees (WGS 84), kept as written.
        longitude: Option<Number>,
        /// Precision of the coordinates, in metres, kept as written.
        precision: Option<Number>,
        /// Region (open vocabulary `region-ov`).
        region: Option<String>,
        /// ISO 3166-1 alpha-2 country code.
        country: Option<String>,
        /// Sub-national administrative area.
        administrative_area: Option<String>,
        /// City.
        city: Option<String>,
        /// Street address.
        street_address: Option<String>,
        /// Postal code.
        postal_code: Option<String>,
    }
}

stix_struct! {
    /// Malicious code: a family or an instance.
    Malware {
        /// A name; required when `is_family` is true.
        name: Option<String>,
        /// More details and context.
        description: Option<String>,
        /// Categories (open vocabulary `malware-type-ov`).
        malware_types: Option<Vec<String>>,
        /// Whether this is a family rather than an instance.
        is_family: bool,
        /// Alternative names.
        aliases: Option<Vec<String>>,
        /// The kill chain phases it is used in.
        kill_chain_phases: Option<Vec<KillChainPhase>>,
        /// When it was first seen.
        first_seen: Option<StixTimestamp>,
        /// When it was last seen.
        last_seen: Option<StixTimestamp>,
        /// Operating systems it runs on (`software` objects).
        operating_system_refs: Option<Vec<StixId>>,
        /// Processor architectures (open vocabulary `processor-architecture-ov`).
        architecture_execution_envs: Option<Vec<String>>,
        /// Implementation languages (open vocabulary `implementation-language-ov`).
        implementation_languages: Option<Vec<String>>,
        /// Capabilities (open vocabulary `malware-capabilities-ov`).
        capabilities: Option<Vec<String>>,
        /// Samples (`file` or `artifact` objects).
        sample_refs: Option<Vec<StixId>>,
    }
}

stix_struct! {
    /// The result of a static or dynamic analysis of malware.
    MalwareAnalysis {
        /// The analysis product's name.
        product: String,
        /// The product's version.
        version: Option<String>,
        /// The virtual machine environment (`software`).
        host_vm_ref: Option<StixId>,
        /// The operating system (`software`).
        operating_system_ref: Option<StixId>,
        /// Other installed software (`software`).
        installed_software_refs: Option<Vec<StixId>>,
        /// Configuration version.
        configuration_version: Option<String>,
        /// Modules used.
        modules: Option<Vec<String>>,
        /// Analysis engine version.
        analysis_engine_version: Option<String>,
        /// Analysis definitions version.
        analysis_definition_version: Option<String>,
        /// When the sample was submitted.
        submitted: Option<StixTimestamp>,
        /// When the analysis started.
        analysis_started: Option<StixTimestamp>,
        /// When the analysis ended.
        analysis_ended: Option<StixTimestamp>,
        /// The name the product gave the result.
        result_name: Option<String>,
        /// The classification (open vocabulary `malware-result-ov`).
        result: Option<String>,
        /// Observables captured during analysis.
        analysis_sco_refs: Option<Vec<StixId>>,
        /// The analysed sample (`file` or `artifact`).
        sample_ref: Option<StixId>,
    }
}

stix_struct! {
    /// Analyst commentary on other objects.
    Note {
        /// A summary.
        r#abstract: Option<String>,
        /// The content of the note.
        content: String,
        /// Names of the authors.
        authors: Option<Vec<String>>,
        /// The objects the note is about.
        object_refs: Vec<StixId>,
    }
}

stix_struct! {
    /// Raw observations: cyber observables seen on systems and networks.
    ObservedData {
        /// Start of the observation window.
        first_observed: StixTimestamp,
        /// End of the observation window.
        last_observed: StixTimestamp,
        /// How many times the data was observed.
        number_observed: i64,
        /// Deprecated embedded observables, keyed by local index.
        objects: Option<Map<String, Value>>,
        /// The observed objects.
        object_refs: Option<Vec<StixId>>,
    }
}

stix_struct! {
    /// An assessment of the correctness of other objects.
    Opinion {
        /// The reasoning.
        explanation: Option<String>,
        /// Names of the authors.
        authors: Option<Vec<String>>,
        /// The opinion (enumeration `opinion-enum`).
        opinion: String,
        /// The objects the opinion is about.
        object_refs: Vec<StixId>,
    }
}

stix_struct! {
    /// A collection of threat intelligence on one or more topics.
    Report {
        /// A name that identifies the report.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Categories (open vocabulary `report-type-ov`).
        report_types: Option<Vec<String>>,
        /// When the report was published.
        published: StixTimestamp,
        /// The objects the report is about.
        object_refs: Vec<StixId>,
    }
}

stix_struct! {
    /// Individuals, groups or organisations believed to act with malicious intent.
    ThreatActor {
        /// A name that identifies the threat actor.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Categories (open vocabulary `threat-actor-type-ov`).
        threat_actor_types: Option<Vec<String>>,
        /// Alternative names.
        aliases: Option<Vec<String>>,
        /// When it was first seen.
        first_seen: Option<StixTimestamp>,
        /// When it was last seen.
        last_seen: Option<StixTimestamp>,
        /// Roles (open vocabulary `threat-actor-role-ov`).
        roles: Option<Vec<String>>,
        /// High-level goals.
        goals: Option<Vec<String>>,
        /// Skill (open vocabulary `threat-actor-sophistication-ov`).
        sophistication: Option<String>,
        /// Organisational level (open vocabulary `attack-resource-level-ov`).
        resource_level: Option<String>,
        /// Primary motivation (open vocabulary `attack-motivation-ov`).
        primary_motivation: Option<String>,
        /// Secondary motivations (open vocabulary `attack-motivation-ov`).
        secondary_motivations: Option<Vec<String>>,
        /// Personal motivations (open vocabulary `attack-motivation-ov`).
        personal_motivations: Option<Vec<String>>,
    }
}

stix_struct! {
    /// Legitimate software that can be used by threat actors.
    Tool {
        /// A name that identifies the tool.
        name: String,
        /// More details and context.
        description: Option<String>,
        /// Categories (open vocabulary `tool-type-ov`).
        tool_types: Option<Vec<String>>,
        /// Alternative names.
        aliases: Option<Vec<String>>,
        /// The kill chain phases it is used in.
        kill_chain_phases: Option<Vec<KillChainPhase>>,
        /// The tool's version.
        tool_version: Option<String>,
    }
}

stix_struct! {
    /// A mistake in software that can be used to gain unauthorised access.
    Vulnerability {
        /// A name that identifies the vulnerability.
        name: String,
        /// More details and context.
        description: Option<String>,
    }
}
