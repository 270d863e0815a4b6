//! MISP attribute types to STIX patterns and observables, following the mapping of MISP's
//! `misp-stix` converter (the differences are listed in `docs/misp-mapping.md`).

use serde_json::{Value as Json, json};

use crate::import::pattern::{hash_key, quote};

/// What an attribute becomes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mapped {
    /// The indicator's pattern type (`stix`, `snort`, `yara`, ...) and pattern.
    pub pattern: (String, String),
    /// The observable objects (without ids) an attribute not meant for IDS becomes, when it
    /// has a simple observable form.
    pub observables: Vec<Json>,
}

/// The attribute types whose `to_ids` is on when an attribute does not say (MISP's
/// `describeTypes.json` "sane defaults", for the types mapped here).
const TO_IDS_BY_DEFAULT: [&str; 80] = [
    "md5",
    "sha1",
    "sha256",
    "filename",
    "filename|md5",
    "filename|sha1",
    "filename|sha256",
    "ip-src",
    "ip-dst",
    "hostname",
    "domain",
    "domain|ip",
    "email",
    "email-src",
    "email-dst",
    "email-attachment",
    "url",
    "regkey",
    "regkey|value",
    "snort",
    "suricata",
    "yara",
    "sigma",
    "malware-sample",
    "mutex",
    "uri",
    "authentihash",
    "vhash",
    "ssdeep",
    "imphash",
    "telfhash",
    "pehash",
    "impfuzzy",
    "sha224",
    "sha384",
    "sha512",
    "sha512/224",
    "sha512/256",
    "sha3-224",
    "sha3-256",
    "sha3-384",
    "sha3-512",
    "tlsh",
    "filename|authentihash",
    "filename|vhash",
    "filename|ssdeep",
    "filename|imphash",
    "filename|impfuzzy",
    "filename|pehash",
    "filename|sha224",
    "filename|sha384",
    "filename|sha512",
    "filename|sha512/224",
    "filename|sha512/256",
    "filename|sha3-224",
    "filename|sha3-256",
    "filename|sha3-384",
    "filename|sha3-512",
    "filename|tlsh",
    "x509-fingerprint-sha1",
    "x509-fingerprint-md5",
    "x509-fingerprint-sha256",
    "ip-dst|port",
    "ip-src|port",
    "hostname|port",
    "bro",
    "zeek",
    "community-id",
    "ja3-fingerprint-md5",
    "jarm-fingerprint",
    "hassh-md5",
    "hasshserver-md5",
    "eppn",
    "favicon-mmh3",
    "dom-hash",
    "pattern-in-file",
    "pattern-in-traffic",
    "pattern-in-memory",
    "filename-pattern",
    "stix2-pattern",
];

/// Returns whether an attribute of `kind` is for IDS when it does not say.
pub(crate) fn to_ids_by_default(kind: &str) -> bool {
    TO_IDS_BY_DEFAULT.contains(&kind)
}

/// The STIX hash name of a MISP hash type.
pub(crate) fn hash_name(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "md5" => "MD5",
        "sha1" => "SHA-1",
        "sha224" => "SHA-224",
        "sha256" => "SHA-256",
        "sha384" => "SHA-384",
        "sha512" => "SHA-512",
        // misp-stix writes these as SHA-224 and SHA-256, which are other algorithms.
        "sha512/224" => "SHA-512/224",
        "sha512/256" => "SHA-512/256",
        "sha3-224" => "SHA3-224",
        "sha3-256" => "SHA3-256",
        "sha3-384" => "SHA3-384",
        "sha3-512" => "SHA3-512",
        "ssdeep" => "SSDEEP",
        "authentihash" => "AUTHENTIHASH",
        "imphash" => "IMPHASH",
        "impfuzzy" => "IMPFUZZY",
        "pehash" => "PEHASH",
        "tlsh" => "TLSH",
        "vhash" => "VHASH",
        "telfhash" => "TELFHASH",
        _ => return None,
    })
}

/// Maps an attribute, or says why it has no STIX form here (including values MISP itself
/// would refuse for the type, such as a malformed domain name or hash).
pub(crate) fn map_attribute(kind: &str, value: &str) -> Result<Mapped, String> {
    check_value(kind, value)?;
    let stix = |pattern: String, observables: Vec<Json>| {
        Ok(Mapped {
            pattern: ("stix".to_owned(), pattern),
            observables,
        })
    };
    let pair = || {
        value
            .split_once('|')
            .ok_or_else(|| format!("a {kind} attribute needs two values separated by '|'"))
    };
    match kind {
        "domain" | "hostname" => stix(
            format!("[domain-name:value = {}]", quote(value)),
            vec![json!({"type": "domain-name", "value": value})],
        ),
        "domain|ip" => {
            let (domain, ip) = pair()?;
            stix(
                format!(
                    "[domain-name:value = {} AND domain-name:resolves_to_refs[*].value = {}]",
                    quote(domain),
                    quote(ip)
                ),
                vec![json!({"type": "domain-name", "value": domain})],
            )
        }
        "hostname|port" => {
            let (host, port) = pair()?;
            let port = port_number(port)?;
            stix(
                format!(
                    "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = {} AND network-traffic:dst_port = {port}]",
                    quote(host)
                ),
                vec![json!({"type": "domain-name", "value": host})],
            )
        }
        "ip-src" | "ip-dst" => {
            let side = &kind[3..];
            let (object_type, comparison) = ip_comparison(value)?;
            stix(
                format!(
                    "[network-traffic:{side}_ref.type = {} AND network-traffic:{side}_ref.value {comparison}]",
                    quote(object_type)
                ),
                vec![json!({"type": object_type, "value": value})],
            )
        }
        "ip-src|port" | "ip-dst|port" => {
            let side = &kind[3..6];
            let (ip, port) = pair()?;
            let (object_type, comparison) = ip_comparison(ip)?;
            let port = port_number(port)?;
            stix(
                format!(
                    "[network-traffic:{side}_ref.type = {} AND network-traffic:{side}_ref.value {comparison} AND network-traffic:{side}_port = {port}]",
                    quote(object_type)
                ),
                vec![json!({"type": object_type, "value": ip})],
            )
        }
        "url" | "link" | "uri" => stix(
            format!("[url:value = {}]", quote(value)),
            vec![json!({"type": "url", "value": value})],
        ),
        "email" => stix(
            format!("[email-addr:value = {}]", quote(value)),
            vec![json!({"type": "email-addr", "value": value})],
        ),
        "email-src" => stix(
            format!("[email-message:from_ref.value = {}]", quote(value)),
            vec![json!({"type": "email-addr", "value": value})],
        ),
        "email-dst" => stix(
            format!("[email-message:to_refs[*].value = {}]", quote(value)),
            vec![json!({"type": "email-addr", "value": value})],
        ),
        "email-subject" => stix(
            format!("[email-message:subject = {}]", quote(value)),
            vec![],
        ),
        "email-body" => stix(format!("[email-message:body = {}]", quote(value)), vec![]),
        "email-reply-to" => stix(
            format!(
                "[email-message:additional_header_fields.reply_to = {}]",
                quote(value)
            ),
            vec![],
        ),
        "email-x-mailer" => stix(
            format!(
                "[email-message:additional_header_fields.x_mailer = {}]",
                quote(value)
            ),
            vec![],
        ),
        "email-message-id" => stix(
            format!("[email-message:message_id = {}]", quote(value)),
            vec![],
        ),
        "email-header" => stix(
            format!("[email-message:received_lines[*] = {}]", quote(value)),
            vec![],
        ),
        "email-attachment" => stix(
            format!(
                "[email-message:body_multipart[*].body_raw_ref.name = {}]",
                quote(value)
            ),
            vec![],
        ),
        "filename" | "attachment" => stix(
            format!("[file:name = {}]", quote(value)),
            vec![json!({"type": "file", "name": value})],
        ),
        "malware-sample" => {
            let (name, md5) = pair()?;
            stix(
                format!(
                    "[file:name = {} AND file:hashes.MD5 = {}]",
                    quote(name),
                    quote(md5)
                ),
                vec![json!({"type": "file", "name": name, "hashes": {"MD5": md5}})],
            )
        }
        "mutex" => stix(
            format!("[mutex:name = {}]", quote(value)),
            vec![json!({"type": "mutex", "name": value})],
        ),
        "regkey" => stix(
            format!("[windows-registry-key:key = {}]", quote(value)),
            vec![json!({"type": "windows-registry-key", "key": value})],
        ),
        "regkey|value" => {
            let (key, data) = pair()?;
            stix(
                format!(
                    "[windows-registry-key:key = {} AND windows-registry-key:values[*].data = {}]",
                    quote(key),
                    quote(data)
                ),
                vec![json!({"type": "windows-registry-key", "key": key})],
            )
        }
        "x509-fingerprint-md5" | "x509-fingerprint-sha1" | "x509-fingerprint-sha256" => {
            let name = hash_name(&kind[17..]).expect("md5, sha1 and sha256 are hash types");
            stix(
                format!(
                    "[x509-certificate:hashes.{} = {}]",
                    hash_key(name),
                    quote(value)
                ),
                vec![json!({"type": "x509-certificate", "hashes": {name: value}})],
            )
        }
        "mac-address" => {
            let lower = value.to_ascii_lowercase();
            stix(
                format!("[mac-addr:value = {}]", quote(&lower)),
                vec![json!({"type": "mac-addr", "value": lower})],
            )
        }
        "AS" => {
            let number = as_number(value)?;
            stix(
                format!("[autonomous-system:number = {number}]"),
                vec![json!({"type": "autonomous-system", "number": number})],
            )
        }
        "port" => stix(
            format!("[network-traffic:dst_port = {}]", port_number(value)?),
            vec![],
        ),
        "size-in-bytes" => {
            let size: u64 = value
                .trim()
                .parse()
                .map_err(|_| format!("{value:?} is not a size in bytes"))?;
            stix(format!("[file:size = {size}]"), vec![])
        }
        "user-agent" => stix(
            format!(
                "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = {}]",
                quote(value)
            ),
            vec![],
        ),
        "http-method" => stix(
            format!(
                "[network-traffic:extensions.'http-request-ext'.request_method = {}]",
                quote(value)
            ),
            vec![],
        ),
        "github-username" => stix(
            format!(
                "[user-account:account_type = 'github' AND user-account:account_login = {}]",
                quote(value)
            ),
            vec![json!({"type": "user-account", "account_type": "github", "account_login": value})],
        ),
        "snort" | "suricata" | "yara" | "sigma" => Ok(Mapped {
            pattern: (kind.to_owned(), value.to_owned()),
            observables: vec![],
        }),
        _ => {
            if let Some(name) = hash_name(kind) {
                return stix(
                    format!("[file:hashes.{} = {}]", hash_key(name), quote(value)),
                    vec![json!({"type": "file", "hashes": {name: value}})],
                );
            }
            if let Some(hash_kind) = kind.strip_prefix("filename|")
                && let Some(name) = hash_name(hash_kind)
            {
                let (filename, hash) = pair()?;
                return stix(
                    format!(
                        "[file:name = {} AND file:hashes.{} = {}]",
                        quote(filename),
                        hash_key(name),
                        quote(hash)
                    ),
                    vec![json!({"type": "file", "name": filename, "hashes": {name: hash}})],
                );
            }
            Err(format!(
                "attributes of type {kind:?} have no STIX pattern here"
            ))
        }
    }
}

/// Checks a value as MISP validates attributes of its type: names, addresses, ports, hashes,
/// AS numbers, MAC addresses and HTTP methods must be well formed.
pub(crate) fn check_value(kind: &str, value: &str) -> Result<(), String> {
    let parts: Vec<&str> = if kind.contains('|') {
        value.splitn(2, '|').collect()
    } else {
        vec![value]
    };
    for (part_kind, part) in kind.split('|').zip(parts) {
        let ok = match part_kind {
            "domain" | "hostname" => {
                crate::value::parse_dns_name(part).is_ok() && part.contains('.')
            }
            "ip-src" | "ip-dst" => crate::value::parse_ip(part).is_ok(),
            "port" => part.trim().parse::<u16>().is_ok_and(|port| port > 0),
            "AS" => as_number(part).is_ok_and(|number| number > 0),
            "mac-address" => {
                let bytes: Vec<&str> = part.split([':', '-']).collect();
                bytes.len() == 6
                    && bytes
                        .iter()
                        .all(|byte| byte.len() == 2 && byte.bytes().all(|b| b.is_ascii_hexdigit()))
            }
            "http-method" => HTTP_METHODS.contains(&part),
            "x509-fingerprint-md5" => is_hex(part, 32),
            "x509-fingerprint-sha1" => is_hex(part, 40),
            "x509-fingerprint-sha256" => is_hex(part, 64),
            other => match hash_hex_len(other) {
                Some(len) => is_hex(part, len),
                None => true,
            },
        };
        if !ok {
            return Err(format!("{part:?} is not a valid {part_kind} value"));
        }
    }
    Ok(())
}

/// The HTTP methods MISP accepts in `http-method` attributes.
const HTTP_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// The length in hex digits of the fixed-length hash types.
fn hash_hex_len(kind: &str) -> Option<usize> {
    Some(match kind {
        "md5" | "imphash" => 32,
        "sha1" | "pehash" => 40,
        "sha224" | "sha512/224" | "sha3-224" => 56,
        "sha256" | "sha512/256" | "sha3-256" | "authentihash" => 64,
        "sha384" | "sha3-384" => 96,
        "sha512" | "sha3-512" => 128,
        _ => return None,
    })
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The address type and the comparison (`= 'a'`, or `ISSUBSET 'block'`) of an address.
fn ip_comparison(value: &str) -> Result<(&'static str, String), String> {
    let address = value.split('/').next().unwrap_or(value);
    let object_type = match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => "ipv4-addr",
        Ok(std::net::IpAddr::V6(_)) => "ipv6-addr",
        Err(_) => return Err(format!("{value:?} is not an IP address")),
    };
    let operator = if value.contains('/') { "ISSUBSET" } else { "=" };
    Ok((object_type, format!("{operator} {}", quote(value))))
}

fn port_number(text: &str) -> Result<u16, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a port number"))
}

fn as_number(text: &str) -> Result<u32, String> {
    let digits = text.trim();
    let digits = digits
        .strip_prefix("AS")
        .or_else(|| digits.strip_prefix("as"))
        .unwrap_or(digits);
    digits
        .parse()
        .map_err(|_| format!("{text:?} is not an autonomous system number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(kind: &str, value: &str) -> String {
        map_attribute(kind, value).unwrap().pattern.1
    }

    #[test]
    fn maps_like_misp_stix() {
        assert_eq!(
            pattern("domain", "circl.lu"),
            "[domain-name:value = 'circl.lu']"
        );
        assert_eq!(
            pattern("ip-src", "1.2.3.4"),
            "[network-traffic:src_ref.type = 'ipv4-addr' AND network-traffic:src_ref.value = '1.2.3.4']"
        );
        assert_eq!(
            pattern("ip-dst", "2001:db8::/32"),
            "[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value ISSUBSET '2001:db8::/32']"
        );
        assert_eq!(
            pattern("filename|sha256", &format!("a.exe|{}", "ab".repeat(32))),
            format!(
                "[file:name = 'a.exe' AND file:hashes.'SHA-256' = '{}']",
                "ab".repeat(32)
            )
        );
        assert_eq!(pattern("AS", "AS174"), "[autonomous-system:number = 174]");
        assert_eq!(pattern("mutex", "it's"), r"[mutex:name = 'it\'s']");
        assert_eq!(
            map_attribute("snort", "alert ip any any")
                .unwrap()
                .pattern
                .0,
            "snort"
        );
        assert!(map_attribute("btc", "1E38kt7ryhbRXUzbam6iQ6sd93VHUUdjEE").is_err());
        assert!(map_attribute("ip-src|port", "1.2.3.4").is_err());
        assert!(map_attribute("port", "http").is_err());
        assert!(map_attribute("domain", "broken.circl's.domain").is_err());
        assert!(map_attribute("md5", "\"b2a5abfeef9e36964281a31e17b57c97\"").is_err());
        assert!(map_attribute("hostname|port", "'circl.lu'|8443").is_err());
        assert!(map_attribute("http-method", "\"POST\"").is_err());
    }

    #[test]
    fn defaults_follow_misp() {
        assert!(to_ids_by_default("domain"));
        assert!(!to_ids_by_default("AS"));
        assert!(!to_ids_by_default("text"));
    }
}
