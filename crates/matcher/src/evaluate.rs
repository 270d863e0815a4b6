//! Building a STIX observation from the values of one log line, so that a pattern its keys
//! cannot decide (an `AND` of properties, a reference, a qualifier) can be evaluated on the
//! line by the `stix-pattern` evaluator.
//!
//! The line becomes one observation (`number_observed` 1, first and last observed at the
//! event's time) holding these SCOs, with values in normal form:
//!
//! - a `domain-name`, `ipv4-addr`/`ipv6-addr`, `url` or `email-addr` per value;
//! - one `file` with every hash of the line in `hashes`;
//! - a `network-traffic` whose `src_ref` and `dst_ref` are the addresses of the source and
//!   destination fields (`id.orig_h`/`id.resp_h`, `src_ip`/`dest_ip`);
//! - for DNS, the queried name's `resolves_to_refs` are the answers;
//! - for mail, an `email-message` whose `from_ref` is the sender and `to_refs` the recipients.
//!
//! Multi-observation patterns (`[a] AND [b]` across events, `FOLLOWEDBY`, `REPEATS`) are
//! evaluated against the single line too, so they match only when one line satisfies them.

use std::net::IpAddr;

use serde_json::{Map, Value, json};
use stix_pattern::{Instant, Observation, Observations};

use crate::normalize::{self, HashAlgo};
use crate::scan::ValueKind;

/// One value of a line, as the readers give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Observed {
    pub field: String,
    pub kind: ValueKind,
    pub value: Vec<u8>,
}

const SOURCE_FIELDS: &[&str] = &["id.orig_h", "src_ip", "src"];
const DESTINATION_FIELDS: &[&str] = &["id.resp_h", "dest_ip", "dst"];
const QUERY_FIELDS: &[&str] = &[
    "query",
    "dns.rrname",
    "dns.queries.rrname",
    "dns.query.rrname",
];
const ANSWER_FIELDS: &[&str] = &[
    "answers",
    "dns.rdata",
    "dns.answers.rdata",
    "dns.grouped.A",
    "dns.grouped.AAAA",
    "dns.grouped.CNAME",
];
const SENDER_FIELDS: &[&str] = &["mailfrom", "from", "smtp.mail_from", "email.from"];

/// Builds the observation of a line; `None` when the line gave no value.
pub(crate) fn observation(values: &[Observed], micros: i64) -> Option<Observations<'static>> {
    let mut objects: Vec<Value> = Vec::new();
    let mut key_of_value: Vec<(String, usize)> = Vec::new();
    let mut source = None;
    let mut destination = None;
    let mut query = None;
    let mut answers = Vec::new();
    let mut sender = None;
    let mut recipients = Vec::new();
    let mut hashes = Map::new();
    for observed in values {
        let hash_algo = match observed.kind {
            ValueKind::Hash(algo) => Some(algo),
            // A hash known only by its length is taken as the common algorithm of that length.
            ValueKind::AnyHash => HashAlgo::by_hex_len(observed.value.trim_ascii().len())
                .first()
                .copied(),
            _ => None,
        };
        if let Some(algo) = hash_algo {
            if let Some(hex) = normalize::hash(&String::from_utf8_lossy(&observed.value), algo) {
                hashes.insert(algo.as_str().to_owned(), Value::String(hex));
            }
            continue;
        }
        let Some((object_type, value)) = sco_value(observed) else {
            continue;
        };
        let dedupe_key = format!("{object_type}\u{0}{value}");
        let idx = match key_of_value.iter().find(|(key, _)| *key == dedupe_key) {
            Some((_, idx)) => *idx,
            None => {
                objects.push(json!({ "type": object_type, "value": value }));
                key_of_value.push((dedupe_key, objects.len() - 1));
                objects.len() - 1
            }
        };
        let field = observed.field.as_str();
        if SOURCE_FIELDS.contains(&field) {
            source.get_or_insert(idx);
        } else if DESTINATION_FIELDS.contains(&field) {
            destination.get_or_insert(idx);
        } else if QUERY_FIELDS.contains(&field) && object_type == "domain-name" {
            query.get_or_insert(idx);
        } else if ANSWER_FIELDS.contains(&field) && !answers.contains(&idx) {
            answers.push(idx);
        } else if object_type == "email-addr" {
            if SENDER_FIELDS.contains(&field) && sender.is_none() {
                sender = Some(idx);
            } else if !recipients.contains(&idx) {
                recipients.push(idx);
            }
        }
    }
    if let Some(query) = query
        && !answers.is_empty()
    {
        let refs: Vec<Value> = answers
            .iter()
            .map(|idx| Value::String(idx.to_string()))
            .collect();
        objects[query]["resolves_to_refs"] = Value::Array(refs);
    }
    if source.is_some() || destination.is_some() {
        let mut traffic = json!({ "type": "network-traffic", "protocols": ["ip"] });
        if let Some(source) = source {
            traffic["src_ref"] = Value::String(source.to_string());
        }
        if let Some(destination) = destination {
            traffic["dst_ref"] = Value::String(destination.to_string());
        }
        objects.push(traffic);
    }
    if sender.is_some() || !recipients.is_empty() {
        let mut message = json!({ "type": "email-message", "is_multipart": false });
        if let Some(sender) = sender {
            message["from_ref"] = Value::String(sender.to_string());
        }
        if !recipients.is_empty() {
            let refs: Vec<Value> = recipients
                .iter()
                .map(|idx| Value::String(idx.to_string()))
                .collect();
            message["to_refs"] = Value::Array(refs);
        }
        objects.push(message);
    }
    if !hashes.is_empty() {
        objects.push(json!({ "type": "file", "hashes": hashes }));
    }
    if objects.is_empty() {
        return None;
    }
    let instant = Instant {
        seconds: micros.div_euclid(1_000_000),
        nanos: u32::try_from(micros.rem_euclid(1_000_000) * 1_000)
            .expect("under a second of nanoseconds"),
    };
    let mut observation = Observation::new(None, instant, instant, 1).ok()?;
    for (idx, object) in objects.into_iter().enumerate() {
        observation.push_object(idx.to_string(), std::borrow::Cow::Owned(object));
    }
    Some(Observations::new(vec![observation]))
}

/// The SCO type and normal-form value of a value, for the kinds that are SCOs with a `value`.
fn sco_value(observed: &Observed) -> Option<(&'static str, String)> {
    let raw = observed.value.as_slice();
    let text = || String::from_utf8_lossy(raw).into_owned();
    let ip = |addr: IpAddr| match addr {
        IpAddr::V4(v4) => ("ipv4-addr", v4.to_string()),
        IpAddr::V6(v6) => ("ipv6-addr", v6.to_string()),
    };
    match observed.kind {
        ValueKind::Domain => normalize::domain(&text()).map(|name| ("domain-name", name)),
        ValueKind::Ip => normalize::ip(raw).map(ip),
        ValueKind::Host | ValueKind::Auto => match normalize::ip(raw) {
            Some(addr) => Some(ip(addr)),
            None => {
                let text = text();
                let host = match text.rsplit_once(':') {
                    Some((host, port)) if port.bytes().all(|byte| byte.is_ascii_digit()) => {
                        host.to_owned()
                    }
                    _ => text,
                };
                normalize::domain(&host).map(|name| ("domain-name", name))
            }
        },
        ValueKind::Url => normalize::url(&text()).map(|url| ("url", url)),
        ValueKind::Email => normalize::email(&text()).map(|address| ("email-addr", address)),
        ValueKind::Hash(_) | ValueKind::AnyHash => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stix_pattern::{Evaluator, Pattern, StixVersion};

    fn observed(field: &str, kind: ValueKind, value: &str) -> Observed {
        Observed {
            field: field.to_owned(),
            kind,
            value: value.as_bytes().to_vec(),
        }
    }

    fn matches(pattern: &str, values: &[Observed]) -> bool {
        let pattern = Pattern::parse(pattern, StixVersion::V2_1).unwrap();
        let observations = observation(values, 1_705_312_800_000_000).unwrap();
        Evaluator::new(&pattern)
            .unwrap()
            .evaluate(&observations)
            .unwrap()
            .is_some()
    }

    #[test]
    fn dns_lines_link_names_to_answers_and_traffic_to_addresses() {
        let line = [
            observed("id.orig_h", ValueKind::Ip, "10.1.1.10"),
            observed("id.resp_h", ValueKind::Ip, "192.168.1.1"),
            observed("query", ValueKind::Domain, "Evil.Example."),
            observed("answers", ValueKind::Host, "198.51.100.7"),
        ];
        assert!(matches(
            "[domain-name:value = 'evil.example' AND domain-name:resolves_to_refs[*].value = '198.51.100.7']",
            &line
        ));
        assert!(!matches(
            "[domain-name:value = 'evil.example' AND domain-name:resolves_to_refs[*].value = '198.51.100.8']",
            &line
        ));
        assert!(matches(
            "[network-traffic:src_ref.value = '10.1.1.10' AND network-traffic:dst_ref.value = '192.168.1.1']",
            &line
        ));
        assert!(!matches(
            "[network-traffic:dst_ref.value = '10.1.1.10']",
            &line
        ));
    }

    #[test]
    fn files_and_mail_become_their_objects() {
        let line = [
            observed(
                "md5",
                ValueKind::Hash(HashAlgo::Md5),
                "44D88612FEA8A8F36DE82E1278ABB02F",
            ),
            observed("smtp.mail_from", ValueKind::Email, "<Phisher@Evil.test>"),
            observed("smtp.rcpt_to", ValueKind::Email, "victim@example.org"),
        ];
        assert!(matches(
            "[file:hashes.MD5 = '44d88612fea8a8f36de82e1278abb02f']",
            &line
        ));
        assert!(matches(
            "[email-message:from_ref.value = 'phisher@evil.test' AND email-message:to_refs[*].value = 'victim@example.org']",
            &line
        ));
    }
}
