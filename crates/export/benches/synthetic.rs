//! Synthetic indicators for the export benchmarks: one value each, a mix of kinds and TLP
//! levels like a national CSIRT's store (40 % domains, 30 % IPv4 addresses, 10 % URLs, 20 %
//! file hashes; CLEAR, GREEN and AMBER in turn).

use stix::StixObject;

/// The TLP 2.0 marking ids used in turn.
const MARKINGS: [&str; 3] = [
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
];

/// Returns the pattern of the `n`-th indicator.
pub fn pattern(n: u64) -> String {
    match n % 10 {
        0..=3 => format!("[domain-name:value = 'host{n}.zone{}.example']", n % 997),
        4..=6 => format!(
            "[ipv4-addr:value = '{}.{}.{}.{}']",
            10 + (n >> 24) % 200,
            (n >> 16) & 255,
            (n >> 8) & 255,
            n & 255
        ),
        7 => format!(
            "[url:value = 'http://host{n}.example/p/{n}?q={}']",
            n % 7919
        ),
        8 => format!(
            "[file:hashes.'SHA-256' = '{:064x}']",
            u128::from(n) * 0x9e37_79b9_7f4a_7c15
        ),
        _ => format!("[file:hashes.MD5 = '{:032x}']", u128::from(n) * 0x9e37_79b9),
    }
}

/// Returns the `n`-th indicator.
pub fn indicator(n: u64) -> StixObject {
    let json = format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--{:08x}-0000-4000-8000-{:012x}","created":"2024-05-01T00:00:00.000Z","modified":"2024-05-02T00:00:00.000Z","name":"Synthetic indicator {n}","indicator_types":["malicious-activity"],"confidence":{},"pattern":"{}","pattern_type":"stix","pattern_version":"2.1","valid_from":"2024-05-01T00:00:00Z","object_marking_refs":["{}"]}}"#,
        n >> 48,
        n & 0xffff_ffff_ffff,
        n % 101,
        pattern(n),
        MARKINGS[(n % 3) as usize]
    );
    StixObject::from_json(&json).expect("synthetic indicators are valid")
}

/// Returns `count` indicators.
pub fn indicators(count: u64) -> Vec<StixObject> {
    (0..count).map(indicator).collect()
}
