//! Writing STIX patterns for imported values: string constants quoted as STIX patterning
//! requires, and the patterns of the simple value kinds.

use crate::value::{HashAlgorithm, Value};

/// Returns `text` as a STIX pattern string constant: in single quotes, with `\` and `'`
/// escaped by a backslash (STIX 2.1 section 9.2).
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Returns the object path step of a hash algorithm, quoted when the name needs it
/// (`MD5`, `'SHA-256'`).
pub(crate) fn hash_key(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.to_owned()
    } else {
        quote(name)
    }
}

/// Returns the pattern matching a value: `[domain-name:value = '…']`, `[ipv4-addr:value =
/// '…']` (`ISSUBSET` for a CIDR block), `[url:value = '…']`, `[email-addr:value = '…']`,
/// `[file:hashes.'SHA-256' = '…']`.
pub(crate) fn value_pattern(value: &Value) -> Option<String> {
    Some(match value {
        Value::Domain(domain) => format!("[domain-name:value = {}]", quote(domain)),
        Value::DomainSuffix(domain) => {
            format!("[domain-name:value LIKE {}]", quote(&format!("%.{domain}")))
        }
        Value::Ipv4(net) if net.prefix_len() == 32 => {
            format!("[ipv4-addr:value = {}]", quote(&net.addr().to_string()))
        }
        Value::Ipv6(net) if net.prefix_len() == 128 => {
            format!("[ipv6-addr:value = {}]", quote(&net.addr().to_string()))
        }
        Value::Ipv4(net) => format!("[ipv4-addr:value ISSUBSET {}]", quote(&net.to_string())),
        Value::Ipv6(net) => format!("[ipv6-addr:value ISSUBSET {}]", quote(&net.to_string())),
        Value::Url(url) => format!("[url:value = {}]", quote(url)),
        Value::Email(email) => format!("[email-addr:value = {}]", quote(email)),
        Value::Hash(algorithm, hash) => {
            let name = match algorithm {
                HashAlgorithm::Other => return None,
                known => known.stix_name().expect("known algorithms have names"),
            };
            format!("[file:hashes.{} = {}]", hash_key(name), quote(hash))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_backslash_and_quote() {
        assert_eq!(quote(r"it's a\b"), r"'it\'s a\\b'");
        assert_eq!(hash_key("MD5"), "MD5");
        assert_eq!(hash_key("SHA-256"), "'SHA-256'");
    }
}
