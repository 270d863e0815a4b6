//! IP addresses and CIDR blocks as STIX writes them (`198.51.100.1`, `198.51.100.0/24`,
//! `2001:db8::/32`), for `ISSUBSET`, `ISSUPERSET` and lookup keys.

use std::net::IpAddr;

use ipnet::IpNet;

/// Parses an address (as a one-address block) or a CIDR block; host bits after the prefix are
/// cleared, so `192.168.0.1/24` is `192.168.0.0/24`.
pub(crate) fn parse_ip_or_cidr(text: &str) -> Option<IpNet> {
    match text.split_once('/') {
        None => text.parse::<IpAddr>().ok().map(IpNet::from),
        Some((address, prefix)) => {
            // A prefix is plain decimal digits: no sign, no spaces.
            if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let address: IpAddr = address.parse().ok()?;
            let prefix: u8 = prefix.parse().ok()?;
            IpNet::new(address, prefix).ok().map(|net| net.trunc())
        }
    }
}

/// Returns whether `inner` lies within `outer` (equal blocks included).
pub(crate) fn is_subset(inner: &IpNet, outer: &IpNet) -> bool {
    match (inner, outer) {
        (IpNet::V4(inner), IpNet::V4(outer)) => outer.contains(inner),
        (IpNet::V6(inner), IpNet::V6(outer)) => outer.contains(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_addresses_and_blocks() {
        let net = |text: &str| parse_ip_or_cidr(text).map(|net| net.to_string());
        assert_eq!(net("198.51.100.1").as_deref(), Some("198.51.100.1/32"));
        assert_eq!(net("192.168.0.1/24").as_deref(), Some("192.168.0.0/24"));
        assert_eq!(
            net("2001:0db8:dead:beef:0000:0000:0000:0000/64").as_deref(),
            Some("2001:db8:dead:beef::/64")
        );
        assert_eq!(net("0.0.0.0/0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(net("1.2.3.4/33"), None);
        assert_eq!(net("1.2.3.4/+8"), None);
        assert_eq!(net("1.2.3"), None);
        assert_eq!(net("example.com"), None);
    }

    #[test]
    fn subset_needs_the_same_family() {
        let net = |text: &str| parse_ip_or_cidr(text).expect("valid");
        assert!(is_subset(&net("11.22.33.44"), &net("11.22.41.123/20")));
        assert!(!is_subset(&net("11.22.33.44"), &net("11.22.123.41/20")));
        assert!(is_subset(&net("10.0.0.0/8"), &net("10.0.0.0/8")));
        assert!(!is_subset(&net("10.0.0.0/8"), &net("10.0.0.0/16")));
        assert!(!is_subset(&net("::1"), &net("0.0.0.0/0")));
    }
}
