//! What the extractor reports: one [`Finding`] per indicator occurrence, with its kind, its
//! canonical (refanged) value, where it was written and how.

use std::fmt;
use std::ops::Range;

use serde::{Serialize, Serializer};

/// The kind of an indicator or identifier found in a document.
///
/// The names (`as_str`) are the plural names ioc-finder uses where it has one, so that findings
/// can be compared with the peers' output and read by people who know those tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IocKind {
    /// An IPv4 address (`198.51.100.7`).
    Ipv4,
    /// An IPv4 network in CIDR notation (`198.51.100.0/24`).
    Ipv4Cidr,
    /// An IPv6 address.
    Ipv6,
    /// An IPv6 network in CIDR notation.
    Ipv6Cidr,
    /// A domain name whose suffix is in the Public Suffix List.
    Domain,
    /// A URL, with or without a scheme.
    Url,
    /// An e-mail address.
    Email,
    /// An XMPP (Jabber) address: an address on a host named `jabber` or `xmpp`.
    Xmpp,
    /// An MD5 digest (32 hex digits).
    Md5,
    /// A SHA-1 digest (40 hex digits).
    Sha1,
    /// A SHA-256 digest (64 hex digits).
    Sha256,
    /// A SHA-512 digest (128 hex digits).
    Sha512,
    /// An ssdeep fuzzy hash (`blocksize:hash:hash`).
    Ssdeep,
    /// A PE import hash, an MD5 introduced by `imphash` or `import hash`.
    Imphash,
    /// A PE Authenticode hash, a SHA-256 introduced by `authentihash`.
    Authentihash,
    /// A CVE identifier (`CVE-2021-44228`).
    Cve,
    /// An ATT&CK technique or sub-technique (`T1059`, `T1059.001`).
    AttackTechnique,
    /// An ATT&CK tactic (`TA0001`).
    AttackTactic,
    /// An ATT&CK mitigation (`M1036`).
    AttackMitigation,
    /// An ATT&CK group (`G0016`).
    AttackGroup,
    /// An ATT&CK software entry (`S0154`).
    AttackSoftware,
    /// An ATLAS technique or sub-technique (`AML.T0051`, `AML.T0051.000`).
    AtlasTechnique,
    /// An ATLAS tactic (`AML.TA0002`).
    AtlasTactic,
    /// An ATLAS mitigation (`AML.M0015`).
    AtlasMitigation,
    /// An autonomous system number, written `ASN1234` whatever the input form.
    Asn,
    /// A MAC address.
    MacAddress,
    /// A Windows registry key path.
    RegistryKey,
    /// A file path (Windows or Unix).
    FilePath,
    /// A browser user agent string.
    UserAgent,
    /// A YARA rule, with its imports and includes.
    YaraRule,
    /// An Amazon Resource Name.
    Arn,
    /// A TLP label (`TLP:AMBER`).
    TlpLabel,
    /// A Google Analytics tracker id (`UA-000000-1`).
    GoogleAnalyticsId,
    /// A Google AdSense publisher id (`pub-1234567891234567`).
    GoogleAdsenseId,
    /// A Bitcoin address (Base58Check or Bech32/Bech32m, checksum verified).
    Bitcoin,
    /// A Bitcoin Cash address (CashAddr, checksum verified).
    BitcoinCash,
    /// A Litecoin address (checksum verified).
    Litecoin,
    /// A Dogecoin address (checksum verified).
    Dogecoin,
    /// A Dash address (checksum verified).
    Dash,
    /// A Zcash transparent address (checksum verified).
    Zcash,
    /// A Monero address (checksum verified).
    Monero,
    /// An Ethereum address (EIP-55 checksum verified when mixed case).
    Ethereum,
    /// A Ripple (XRP) address (checksum verified).
    Ripple,
    /// A Tron address (checksum verified).
    Tron,
    /// A Tezos address (checksum verified).
    Tezos,
    /// A Solana address (a Base58 32-byte key; Solana has no checksum).
    Solana,
    /// A Cardano address (Shelley Bech32 or Byron Base58 with CRC, checksum verified).
    Cardano,
    /// A Tor v3 onion service address, written without `.onion` (checksum verified).
    Onion,
}

impl IocKind {
    /// Every kind, in a stable order.
    pub const ALL: &'static [IocKind] = &[
        Self::Ipv4,
        Self::Ipv4Cidr,
        Self::Ipv6,
        Self::Ipv6Cidr,
        Self::Domain,
        Self::Url,
        Self::Email,
        Self::Xmpp,
        Self::Md5,
        Self::Sha1,
        Self::Sha256,
        Self::Sha512,
        Self::Ssdeep,
        Self::Imphash,
        Self::Authentihash,
        Self::Cve,
        Self::AttackTechnique,
        Self::AttackTactic,
        Self::AttackMitigation,
        Self::AttackGroup,
        Self::AttackSoftware,
        Self::AtlasTechnique,
        Self::AtlasTactic,
        Self::AtlasMitigation,
        Self::Asn,
        Self::MacAddress,
        Self::RegistryKey,
        Self::FilePath,
        Self::UserAgent,
        Self::YaraRule,
        Self::Arn,
        Self::TlpLabel,
        Self::GoogleAnalyticsId,
        Self::GoogleAdsenseId,
        Self::Bitcoin,
        Self::BitcoinCash,
        Self::Litecoin,
        Self::Dogecoin,
        Self::Dash,
        Self::Zcash,
        Self::Monero,
        Self::Ethereum,
        Self::Ripple,
        Self::Tron,
        Self::Tezos,
        Self::Solana,
        Self::Cardano,
        Self::Onion,
    ];

    /// Returns the kind's name, as used in JSON output and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ipv4 => "ipv4s",
            Self::Ipv4Cidr => "ipv4_cidrs",
            Self::Ipv6 => "ipv6s",
            Self::Ipv6Cidr => "ipv6_cidrs",
            Self::Domain => "domains",
            Self::Url => "urls",
            Self::Email => "emails",
            Self::Xmpp => "xmpp_addresses",
            Self::Md5 => "md5s",
            Self::Sha1 => "sha1s",
            Self::Sha256 => "sha256s",
            Self::Sha512 => "sha512s",
            Self::Ssdeep => "ssdeeps",
            Self::Imphash => "imphashes",
            Self::Authentihash => "authentihashes",
            Self::Cve => "cves",
            Self::AttackTechnique => "attack_techniques",
            Self::AttackTactic => "attack_tactics",
            Self::AttackMitigation => "attack_mitigations",
            Self::AttackGroup => "attack_groups",
            Self::AttackSoftware => "attack_software",
            Self::AtlasTechnique => "atlas_techniques",
            Self::AtlasTactic => "atlas_tactics",
            Self::AtlasMitigation => "atlas_mitigations",
            Self::Asn => "asns",
            Self::MacAddress => "mac_addresses",
            Self::RegistryKey => "registry_key_paths",
            Self::FilePath => "file_paths",
            Self::UserAgent => "user_agents",
            Self::YaraRule => "yara_rules",
            Self::Arn => "arns",
            Self::TlpLabel => "tlp_labels",
            Self::GoogleAnalyticsId => "google_analytics_tracker_ids",
            Self::GoogleAdsenseId => "google_adsense_publisher_ids",
            Self::Bitcoin => "bitcoin_addresses",
            Self::BitcoinCash => "bitcoincash_addresses",
            Self::Litecoin => "litecoin_addresses",
            Self::Dogecoin => "dogecoin_addresses",
            Self::Dash => "dash_addresses",
            Self::Zcash => "zcash_addresses",
            Self::Monero => "monero_addresses",
            Self::Ethereum => "ethereum_addresses",
            Self::Ripple => "ripple_addresses",
            Self::Tron => "tron_addresses",
            Self::Tezos => "tezos_addresses",
            Self::Solana => "solana_addresses",
            Self::Cardano => "cardano_addresses",
            Self::Onion => "onion_addresses",
        }
    }

    /// Parses a kind name as printed by [`IocKind::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.as_str() == name)
    }

    /// Returns whether this kind is a cryptocurrency address.
    pub fn is_crypto_address(self) -> bool {
        matches!(
            self,
            Self::Bitcoin
                | Self::BitcoinCash
                | Self::Litecoin
                | Self::Dogecoin
                | Self::Dash
                | Self::Zcash
                | Self::Monero
                | Self::Ethereum
                | Self::Ripple
                | Self::Tron
                | Self::Tezos
                | Self::Solana
                | Self::Cardano
        )
    }
}

impl fmt::Display for IocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for IocKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One way of defanging an indicator, recorded so that an analyst sees how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum DefangForm {
    /// A dot in brackets, parentheses or braces: `[.]`, `(.)`, `{.}`, `[.`, `.]`.
    BracketDot = 0,
    /// The word `dot` for a dot: `[dot]`, ` DOT `.
    WordDot,
    /// A backslash before a dot: `\.`.
    EscapedDot,
    /// An at sign in brackets (`[@]`) or spaced (` @ `).
    BracketAt,
    /// The word `at` for an at sign: `[at]`, ` AT `.
    WordAt,
    /// A scheme with letters replaced: `hxxp`, `hXXps`, `h__p`.
    Scheme,
    /// A colon in brackets: `[:]`, `[://]`.
    BracketColon,
    /// A slash in brackets: `[/]`.
    BracketSlash,
    /// A scheme separator replaced: `http__`, `https:__`, `http:\\`.
    Separator,
    /// Spaces inserted inside the indicator.
    Spaces,
    /// The slash forms `/AT/` and `/DOT/`.
    SlashWord,
    /// Base64-encoded.
    Base64,
    /// Hex-encoded.
    Hex,
    /// Percent-encoded.
    Percent,
}

impl DefangForm {
    const ALL: [DefangForm; 14] = [
        Self::BracketDot,
        Self::WordDot,
        Self::EscapedDot,
        Self::BracketAt,
        Self::WordAt,
        Self::Scheme,
        Self::BracketColon,
        Self::BracketSlash,
        Self::Separator,
        Self::Spaces,
        Self::SlashWord,
        Self::Base64,
        Self::Hex,
        Self::Percent,
    ];

    /// Returns the form's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BracketDot => "bracket-dot",
            Self::WordDot => "word-dot",
            Self::EscapedDot => "escaped-dot",
            Self::BracketAt => "bracket-at",
            Self::WordAt => "word-at",
            Self::Scheme => "scheme",
            Self::BracketColon => "bracket-colon",
            Self::BracketSlash => "bracket-slash",
            Self::Separator => "separator",
            Self::Spaces => "spaces",
            Self::SlashWord => "slash-word",
            Self::Base64 => "base64",
            Self::Hex => "hex",
            Self::Percent => "percent",
        }
    }
}

/// The set of defang forms used in one indicator; empty when it was written plainly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DefangSet(u16);

impl DefangSet {
    /// The empty set: written as is.
    pub const NONE: DefangSet = DefangSet(0);

    /// Returns whether no defang form was used.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Adds a form.
    pub fn insert(&mut self, form: DefangForm) {
        self.0 |= 1 << form as u8;
    }

    /// Returns whether `form` is in the set.
    pub fn contains(self, form: DefangForm) -> bool {
        self.0 & (1 << form as u8) != 0
    }

    /// Returns the union of two sets.
    #[must_use]
    pub fn union(self, other: DefangSet) -> DefangSet {
        DefangSet(self.0 | other.0)
    }

    /// Returns the forms in the set.
    pub fn iter(self) -> impl Iterator<Item = DefangForm> {
        DefangForm::ALL
            .into_iter()
            .filter(move |form| self.contains(*form))
    }
}

impl Serialize for DefangSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(DefangForm::as_str))
    }
}

/// Why a finding is probably not an indicator of compromise. Marked findings are reported, never
/// dropped, and are left out of STIX indicators unless asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Benign {
    /// A documentation value: RFC 5737 and RFC 3849 ranges, RFC 2606 and RFC 6761 names.
    Documentation,
    /// A private, loopback, link-local or otherwise non-routable address.
    NonRoutable,
    /// A well-known vendor or service domain from the allow list.
    Allowlisted,
    /// Probably a file name whose extension is also a top-level domain (`setup.py`, `a.zip`).
    LikelyFileName,
    /// Probably a version number (`v1.2.3.4`).
    LikelyVersion,
}

impl Benign {
    /// Returns the reason's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Documentation => "documentation",
            Self::NonRoutable => "non-routable",
            Self::Allowlisted => "allowlisted",
            Self::LikelyFileName => "likely-file-name",
            Self::LikelyVersion => "likely-version",
        }
    }
}

/// One occurrence of an indicator in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What was found.
    #[serde(rename = "type")]
    pub kind: IocKind,
    /// The canonical value: refanged and normalised (lower-case host names, `ASN1234`, ...).
    pub value: String,
    /// Byte offsets of the text as written, in the document's text.
    pub span: Range<usize>,
    /// How the indicator was defanged; empty when written plainly.
    pub defang: DefangSet,
    /// Why the value is probably benign, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benign: Option<Benign>,
    /// The kind of the innermost other finding that contains this one (a domain inside a URL,
    /// an address inside an e-mail address), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<IocKind>,
    /// For URLs and e-mail addresses: the byte offsets of the host as written.
    #[serde(skip)]
    pub host: Option<Range<usize>>,
}

impl Finding {
    /// Returns the text as written in `text`, the document text the finding was made from.
    ///
    /// Returns an empty string when `text` is not that document (the span does not fit).
    pub fn as_written<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.span.clone()).unwrap_or("")
    }

    /// Returns up to `width` bytes of context on each side of the finding, on whole
    /// characters, with line breaks and tabs turned into spaces.
    pub fn context(&self, text: &str, width: usize) -> String {
        let mut start = self.span.start.saturating_sub(width).min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = self.span.end.saturating_add(width).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text[start..end]
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect()
    }

    /// Returns whether the value was written defanged.
    pub fn is_defanged(&self) -> bool {
        !self.defang.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for kind in IocKind::ALL {
            assert_eq!(IocKind::parse(kind.as_str()), Some(*kind));
        }
    }

    #[test]
    fn defang_set_lists_its_forms() {
        let mut set = DefangSet::NONE;
        set.insert(DefangForm::Scheme);
        set.insert(DefangForm::BracketDot);
        let names: Vec<_> = set.iter().map(DefangForm::as_str).collect();
        assert_eq!(names, ["bracket-dot", "scheme"]);
        assert!(!set.is_empty());
    }

    #[test]
    fn context_stays_on_char_boundaries() {
        let text = "é1.2.3.4é and more";
        let finding = Finding {
            kind: IocKind::Ipv4,
            value: "1.2.3.4".into(),
            span: 2..9,
            defang: DefangSet::NONE,
            benign: None,
            within: None,
            host: None,
        };
        assert_eq!(finding.as_written(text), "1.2.3.4");
        assert_eq!(finding.context(text, 1), "é1.2.3.4é");
    }
}
