//! MISP objects to STIX patterns: the templates whose attributes describe one thing a sensor
//! can see (`file`, `url`, `domain-ip`, `ip-port`, `x509`, `registry-key`).
//!
//! As in `misp-stix`, an object becomes an indicator when one of its attributes is for IDS,
//! and its pattern is made of those attributes only (an attribute that does not say is for
//! IDS when its type is by default).

use crate::import::pattern::{hash_key, quote};

use super::attribute::hash_name;

/// One attribute of an object: its relation, type and value.
#[derive(Debug, Clone)]
pub(crate) struct ObjectAttribute {
    pub relation: String,
    pub kind: String,
    pub value: String,
}

/// Returns the STIX pattern of an object from its IDS attributes, or why it has none.
pub(crate) fn object_pattern(
    template: &str,
    attributes: &[ObjectAttribute],
) -> Result<String, String> {
    let mut terms: Vec<String> = Vec::new();
    match template {
        "file" => {
            for attribute in attributes {
                match (attribute.relation.as_str(), attribute.kind.as_str()) {
                    (_, "filename") => {
                        terms.push(format!("file:name = {}", quote(&attribute.value)))
                    }
                    ("size-in-bytes", _) => {
                        if let Ok(size) = attribute.value.trim().parse::<u64>() {
                            terms.push(format!("file:size = {size}"));
                        }
                    }
                    ("mimetype" | "mime-type", _) => {
                        terms.push(format!("file:mime_type = {}", quote(&attribute.value)));
                    }
                    (_, kind) => {
                        if let Some(name) = hash_name(kind) {
                            terms.push(format!(
                                "file:hashes.{} = {}",
                                hash_key(name),
                                quote(&attribute.value)
                            ));
                        }
                    }
                }
            }
        }
        "url" => {
            for attribute in attributes.iter().filter(|a| a.relation == "url") {
                terms.push(format!("url:value = {}", quote(&attribute.value)));
            }
        }
        "domain-ip" => {
            // A `hostname` relation is not the domain the addresses belong to; misp-stix
            // keeps it as a custom property, which no observation carries.
            for attribute in attributes {
                if attribute.relation == "domain" {
                    terms.push(format!("domain-name:value = {}", quote(&attribute.value)));
                }
            }
            for attribute in attributes {
                if matches!(attribute.kind.as_str(), "ip-dst" | "ip-src") {
                    terms.push(format!(
                        "domain-name:resolves_to_refs[*].value = {}",
                        quote(&attribute.value)
                    ));
                }
            }
        }
        "ip-port" => {
            let mut endpoints = Vec::new();
            for attribute in attributes {
                let side = if attribute.kind == "ip-src" || attribute.relation == "src-ip" {
                    "src"
                } else {
                    "dst"
                };
                match attribute.kind.as_str() {
                    "ip-dst" | "ip-src" => {
                        let object_type = if attribute.value.contains(':') {
                            "ipv6-addr"
                        } else {
                            "ipv4-addr"
                        };
                        endpoints.push(format!(
                            "(network-traffic:{side}_ref.type = '{object_type}' AND network-traffic:{side}_ref.value = {})",
                            quote(&attribute.value)
                        ));
                    }
                    "domain" | "hostname" => endpoints.push(format!(
                        "(network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = {})",
                        quote(&attribute.value)
                    )),
                    "port" => {
                        if let Ok(port) = attribute.value.trim().parse::<u16>() {
                            let side = if attribute.relation.starts_with("src") { "src" } else { "dst" };
                            terms.push(format!("network-traffic:{side}_port = {port}"));
                        }
                    }
                    _ => {}
                }
            }
            // The addresses and names of an ip-port object are alternative names of one
            // endpoint: traffic to any of them matches.
            match endpoints.len() {
                0 => {}
                1 => terms.insert(0, endpoints.remove(0)),
                _ => terms.insert(0, format!("({})", endpoints.join(" OR "))),
            }
        }
        "x509" => {
            for attribute in attributes {
                if let Some(algorithm) = attribute.kind.strip_prefix("x509-fingerprint-")
                    && let Some(name) = hash_name(algorithm)
                {
                    terms.push(format!(
                        "x509-certificate:hashes.{} = {}",
                        hash_key(name),
                        quote(&attribute.value)
                    ));
                }
            }
            for attribute in attributes {
                let property = match attribute.relation.as_str() {
                    "serial-number" => "serial_number",
                    "issuer" => "issuer",
                    "subject" => "subject",
                    "signature_algorithm" => "signature_algorithm",
                    _ => continue,
                };
                terms.push(format!(
                    "x509-certificate:{property} = {}",
                    quote(&attribute.value)
                ));
            }
        }
        "registry-key" => {
            for attribute in attributes.iter().filter(|a| a.relation == "key") {
                terms.push(format!(
                    "windows-registry-key:key = {}",
                    quote(&attribute.value)
                ));
            }
        }
        other => {
            return Err(format!(
                "MISP objects of template {other:?} are not imported"
            ));
        }
    }
    if terms.is_empty() {
        return Err(format!(
            "the {template} object has no attribute for IDS that a pattern can hold"
        ));
    }
    Ok(format!("[{}]", terms.join(" AND ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(relation: &str, kind: &str, value: &str) -> ObjectAttribute {
        ObjectAttribute {
            relation: relation.to_owned(),
            kind: kind.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn builds_object_patterns() {
        assert_eq!(
            object_pattern(
                "file",
                &[
                    attribute("md5", "md5", "abc"),
                    attribute("filename", "filename", "a.exe")
                ]
            )
            .unwrap(),
            "[file:hashes.MD5 = 'abc' AND file:name = 'a.exe']"
        );
        assert_eq!(
            object_pattern(
                "ip-port",
                &[
                    attribute("ip", "ip-dst", "149.13.33.14"),
                    attribute("domain", "domain", "circl.lu")
                ]
            )
            .unwrap(),
            "[((network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '149.13.33.14') OR (network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'circl.lu'))]"
        );
        assert!(object_pattern("mutex", &[attribute("name", "text", "x")]).is_err());
        assert!(object_pattern("url", &[attribute("domain", "domain", "circl.lu")]).is_err());
    }
}
