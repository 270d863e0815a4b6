//! The open vocabularies of STIX 2.1 (section 10): suggested values, others allowed.

use super::Vocab;

/// `account-type-ov`: kinds of user accounts.
pub const ACCOUNT_TYPE: Vocab = Vocab {
    name: "account-type-ov",
    values: &[
        "facebook",
        "ldap",
        "nis",
        "openid",
        "radius",
        "skype",
        "tacacs",
        "twitter",
        "unix",
        "windows-local",
        "windows-domain",
    ],
};

/// `attack-motivation-ov`: why an adversary acts.
pub const ATTACK_MOTIVATION: Vocab = Vocab {
    name: "attack-motivation-ov",
    values: &[
        "accidental",
        "coercion",
        "dominance",
        "ideology",
        "notoriety",
        "organizational-gain",
        "personal-gain",
        "personal-satisfaction",
        "revenge",
        "unpredictable",
    ],
};

/// `attack-resource-level-ov`: the organisational level an adversary works at.
pub const ATTACK_RESOURCE_LEVEL: Vocab = Vocab {
    name: "attack-resource-level-ov",
    values: &[
        "individual",
        "club",
        "contest",
        "team",
        "organization",
        "government",
    ],
};

/// `grouping-context-ov`: why objects are grouped.
pub const GROUPING_CONTEXT: Vocab = Vocab {
    name: "grouping-context-ov",
    values: &["suspicious-activity", "malware-analysis", "unspecified"],
};

/// `hashing-algorithm-ov`: names of hash algorithms in `hashes` dictionaries.
pub const HASHING_ALGORITHM: Vocab = Vocab {
    name: "hashing-algorithm-ov",
    values: &[
        "MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH",
    ],
};

/// `identity-class-ov`: the kind of entity an identity is.
pub const IDENTITY_CLASS: Vocab = Vocab {
    name: "identity-class-ov",
    values: &[
        "individual",
        "group",
        "system",
        "organization",
        "class",
        "unknown",
    ],
};

/// `implementation-language-ov`: programming languages.
pub const IMPLEMENTATION_LANGUAGE: Vocab = Vocab {
    name: "implementation-language-ov",
    values: &[
        "applescript",
        "bash",
        "c",
        "c++",
        "c#",
        "go",
        "java",
        "javascript",
        "lua",
        "objective-c",
        "perl",
        "php",
        "powershell",
        "python",
        "ruby",
        "scala",
        "swift",
        "typescript",
        "visual-basic",
        "x86-32",
        "x86-64",
    ],
};

/// `indicator-type-ov`: categories of indicators.
pub const INDICATOR_TYPE: Vocab = Vocab {
    name: "indicator-type-ov",
    values: &[
        "anomalous-activity",
        "anonymization",
        "benign",
        "compromised",
        "malicious-activity",
        "attribution",
        "unknown",
    ],
};

/// `industry-sector-ov`: industry sectors.
pub const INDUSTRY_SECTOR: Vocab = Vocab {
    name: "industry-sector-ov",
    values: &[
        "agriculture",
        "aerospace",
        "automotive",
        "chemical",
        "commercial",
        "communications",
        "construction",
        "defense",
        "education",
        "energy",
        "entertainment",
        "financial-services",
        "government",
        "emergency-services",
        "government-local",
        "government-national",
        "government-public-services",
        "government-regional",
        "healthcare",
        "hospitality-leisure",
        "infrastructure",
        "dams",
        "nuclear",
        "water",
        "insurance",
        "manufacturing",
        "mining",
        "non-profit",
        "pharmaceuticals",
        "retail",
        "technology",
        "telecommunications",
        "transportation",
        "utilities",
    ],
};

/// `infrastructure-type-ov`: kinds of infrastructure.
pub const INFRASTRUCTURE_TYPE: Vocab = Vocab {
    name: "infrastructure-type-ov",
    values: &[
        "amplification",
        "anonymization",
        "botnet",
        "command-and-control",
        "control-system",
        "exfiltration",
        "firewall",
        "hosting-malware",
        "hosting-target-lists",
        "phishing",
        "reconnaissance",
        "routers-switches",
        "staging",
        "workstation",
        "unknown",
    ],
};

/// `malware-capabilities-ov`: what malware can do.
pub const MALWARE_CAPABILITIES: Vocab = Vocab {
    name: "malware-capabilities-ov",
    values: &[
        "accesses-remote-machines",
        "anti-debugging",
        "anti-disassembly",
        "anti-emulation",
        "anti-memory-forensics",
        "anti-sandbox",
        "anti-vm",
        "captures-input-peripherals",
        "captures-output-peripherals",
        "captures-system-state-data",
        "cleans-traces-of-infection",
        "commits-fraud",
        "communicates-with-c2",
        "compromises-data-availability",
        "compromises-data-integrity",
        "compromises-system-availability",
        "controls-local-machine",
        "degrades-security-software",
        "degrades-system-updates",
        "determines-c2-server",
        "emails-spam",
        "escalates-privileges",
        "evades-av",
        "exfiltrates-data",
        "fingerprints-host",
        "hides-artifacts",
        "hides-executing-code",
        "infects-files",
        "infects-remote-machines",
        "installs-other-components",
        "persists-after-system-reboot",
        "prevents-artifact-access",
        "prevents-artifact-deletion",
        "probes-network-environment",
        "self-modifies",
        "steals-authentication-credentials",
        "violates-system-operational-integrity",
    ],
};

/// `malware-result-ov`: verdicts of a malware analysis.
pub const MALWARE_RESULT: Vocab = Vocab {
    name: "malware-result-ov",
    values: &["malicious", "suspicious", "benign", "unknown"],
};

/// `malware-type-ov`: categories of malware.
pub const MALWARE_TYPE: Vocab = Vocab {
    name: "malware-type-ov",
    values: &[
        "adware",
        "backdoor",
        "bot",
        "bootkit",
        "ddos",
        "downloader",
        "dropper",
        "exploit-kit",
        "keylogger",
        "ransomware",
        "remote-access-trojan",
        "resource-exploitation",
        "rogue-security-software",
        "rootkit",
        "screen-capture",
        "spyware",
        "trojan",
        "unknown",
        "virus",
        "webshell",
        "wiper",
        "worm",
    ],
};

/// `pattern-type-ov`: pattern languages of indicators.
pub const PATTERN_TYPE: Vocab = Vocab {
    name: "pattern-type-ov",
    values: &["stix", "pcre", "sigma", "snort", "suricata", "yara"],
};

/// `processor-architecture-ov`: processor architectures.
pub const PROCESSOR_ARCHITECTURE: Vocab = Vocab {
    name: "processor-architecture-ov",
    values: &[
        "alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64",
    ],
};

/// `region-ov`: world regions (UN M49 based).
pub const REGION: Vocab = Vocab {
    name: "region-ov",
    values: &[
        "africa",
        "eastern-africa",
        "middle-africa",
        "northern-africa",
        "southern-africa",
        "western-africa",
        "americas",
        "caribbean",
        "central-america",
        "latin-america-caribbean",
        "northern-america",
        "south-america",
        "asia",
        "central-asia",
        "eastern-asia",
        "southern-asia",
        "south-eastern-asia",
        "western-asia",
        "europe",
        "eastern-europe",
        "northern-europe",
        "southern-europe",
        "western-europe",
        "oceania",
        "antarctica",
        "australia-new-zealand",
        "melanesia",
        "micronesia",
        "polynesia",
    ],
};

/// `report-type-ov`: what a report is mainly about.
pub const REPORT_TYPE: Vocab = Vocab {
    name: "report-type-ov",
    values: &[
        "attack-pattern",
        "campaign",
        "identity",
        "indicator",
        "intrusion-set",
        "malware",
        "observed-data",
        "threat-actor",
        "threat-report",
        "tool",
        "vulnerability",
    ],
};

/// `threat-actor-type-ov`: categories of threat actors.
pub const THREAT_ACTOR_TYPE: Vocab = Vocab {
    name: "threat-actor-type-ov",
    values: &[
        "activist",
        "competitor",
        "crime-syndicate",
        "criminal",
        "hacker",
        "insider-accidental",
        "insider-disgruntled",
        "nation-state",
        "sensationalist",
        "spy",
        "terrorist",
        "unknown",
    ],
};

/// `threat-actor-role-ov`: roles a threat actor plays.
pub const THREAT_ACTOR_ROLE: Vocab = Vocab {
    name: "threat-actor-role-ov",
    values: &[
        "agent",
        "director",
        "independent",
        "infrastructure-architect",
        "infrastructure-operator",
        "malware-author",
        "sponsor",
    ],
};

/// `threat-actor-sophistication-ov`: skill levels.
pub const THREAT_ACTOR_SOPHISTICATION: Vocab = Vocab {
    name: "threat-actor-sophistication-ov",
    values: &[
        "none",
        "minimal",
        "intermediate",
        "advanced",
        "expert",
        "innovator",
        "strategic",
    ],
};

/// `tool-type-ov`: categories of tools.
pub const TOOL_TYPE: Vocab = Vocab {
    name: "tool-type-ov",
    values: &[
        "denial-of-service",
        "exploitation",
        "information-gathering",
        "network-capture",
        "credential-exploitation",
        "remote-access",
        "vulnerability-scanning",
        "unknown",
    ],
};

/// `windows-pebinary-type-ov`: kinds of PE binaries.
pub const WINDOWS_PEBINARY_TYPE: Vocab = Vocab {
    name: "windows-pebinary-type-ov",
    values: &["dll", "exe", "sys"],
};

/// `marking-definition-type`: the definition types of STIX 2.1 section 7.2.1.
pub const MARKING_DEFINITION_TYPE: Vocab = Vocab {
    name: "marking-definition-type-ov",
    values: &["statement", "tlp"],
};
