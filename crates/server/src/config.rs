//! The node's configuration file (TOML): what an operator sets for `phalanx serve`.
//!
//! Every field has a default, so an empty file (or none) gives a working node on
//! `127.0.0.1:8080` without TLS. Unknown keys are refused, so a misspelt setting is an error
//! rather than silently ignored.
//!
//! ```toml
//! version = 1
//! listen = "0.0.0.0:8443"
//!
//! [node]
//! participant = "CERT-EU"     # the node's own participant (must exist)
//! default_tlp = "amber"       # marking of objects that carry no TLP marking
//!
//! [tls]
//! certificate = "/etc/phalanx/cert.pem"
//! key = "/etc/phalanx/key.pem"
//!
//! [limits]
//! max_content_length = 10485760
//! default_page_size = 100
//! max_page_size = 1000
//! max_inline_objects = 100    # larger TAXII envelopes are processed in the background
//! requests_per_minute = 3000
//! burst = 200
//! login_failures = 10         # failed logins per source, user name or token before backoff
//! login_backoff_seconds = 60  # how long further attempts get 429 after too many failures
//! shutdown_grace_seconds = 30
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use policy::Tlp;

/// The configuration format this build reads.
pub const CONFIG_VERSION: u32 = 1;

/// The configuration of a node.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The format of the file; must be [`CONFIG_VERSION`].
    pub version: u32,
    /// The address and port to listen on.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Who the node is and how it marks what it receives.
    #[serde(default)]
    pub node: NodeConfig,
    /// TLS: when given, the node serves HTTPS only.
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    /// Request limits.
    #[serde(default)]
    pub limits: Limits,
}

/// Who the node is and how it marks what it receives.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// The name of the participant that runs this node (it must exist in the store); named in
    /// TAXII discovery as the contact organisation.
    #[serde(default)]
    pub participant: Option<String>,
    /// The title of the node in TAXII discovery.
    #[serde(default = "default_title")]
    pub title: String,
    /// The TLP level given to objects that carry no TLP marking (TLP 2.0 names: `clear`,
    /// `green`, `amber`, `amber+strict`, `red`).
    #[serde(default = "default_tlp", with = "tlp_name")]
    pub default_tlp: Tlp,
}

/// Where the TLS certificate chain and private key are (PEM files).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The certificate chain, leaf first (PEM).
    pub certificate: PathBuf,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Request limits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// The largest request body accepted, in bytes (TAXII's `max_content_length`).
    #[serde(default = "default_max_content_length")]
    pub max_content_length: u64,
    /// The page size when a TAXII client gives no `limit`.
    #[serde(default = "default_page_size")]
    pub default_page_size: u32,
    /// The largest page served, whatever `limit` asks.
    #[serde(default = "default_max_page_size")]
    pub max_page_size: u32,
    /// TAXII Add Objects: an envelope with at most this many objects is stored before the
    /// POST answers (its status is `complete`); a larger one is processed in the background
    /// (the POST answers `pending` at once, and the client polls Get Status).
    #[serde(default = "default_max_inline_objects")]
    pub max_inline_objects: usize,
    /// Sustained requests per minute allowed per principal (per token, or per user for
    /// HTTP Basic); `0` disables rate limiting.
    #[serde(default = "default_requests_per_minute")]
    pub requests_per_minute: u32,
    /// How many requests a principal may make at once above the sustained rate.
    #[serde(default = "default_burst")]
    pub burst: u32,
    /// Failed authentications allowed from one source address (IPv6: one /64), for one user
    /// name or for one token before further attempts are refused with 429 for
    /// `login_backoff_seconds`; `0` disables failed-login throttling.
    #[serde(default = "default_login_failures")]
    pub login_failures: u32,
    /// How long attempts are refused after too many failed logins, in seconds (the failure
    /// budget refills over the same time).
    #[serde(default = "default_login_backoff_seconds")]
    pub login_backoff_seconds: u64,
    /// How long in-flight requests may run after a shutdown signal, in seconds.
    #[serde(default = "default_shutdown_grace_seconds")]
    pub shutdown_grace_seconds: u64,
}

/// Errors reading a configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read configuration file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML for this format (the message names the key and line).
    #[error("invalid configuration file {path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        message: String,
    },
    /// The file is written for another format version.
    #[error(
        "configuration file {path} has version {found}; this build reads version {CONFIG_VERSION}"
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// The version the file declares.
        found: u32,
    },
    /// A value is out of range.
    #[error("invalid configuration: {message}")]
    Value {
        /// What is wrong.
        message: String,
    },
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: CONFIG_VERSION,
            listen: default_listen(),
            node: NodeConfig::default(),
            tls: None,
            limits: Limits::default(),
        }
    }
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            participant: None,
            title: default_title(),
            default_tlp: default_tlp(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_content_length: default_max_content_length(),
            default_page_size: default_page_size(),
            max_page_size: default_max_page_size(),
            max_inline_objects: default_max_inline_objects(),
            requests_per_minute: default_requests_per_minute(),
            burst: default_burst(),
            login_failures: default_login_failures(),
            login_backoff_seconds: default_login_backoff_seconds(),
            shutdown_grace_seconds: default_shutdown_grace_seconds(),
        }
    }
}

impl Config {
    /// Parses a configuration from TOML text; `origin` names it in errors.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Invalid`] for malformed TOML or unknown keys, [`ConfigError::Version`]
    /// for another format version, [`ConfigError::Value`] for values out of range.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Self, ConfigError> {
        let config: Self = toml::from_str(text).map_err(|error| ConfigError::Invalid {
            path: origin.to_owned(),
            message: error.to_string().trim_end().to_owned(),
        })?;
        if config.version != CONFIG_VERSION {
            return Err(ConfigError::Version {
                path: origin.to_owned(),
                found: config.version,
            });
        }
        config.check()?;
        Ok(config)
    }

    /// Reads and parses a configuration file.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Read`] when the file cannot be read, and as [`Config::from_toml`].
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// Checks that the values make sense together.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Value`] naming the offending setting.
    pub fn check(&self) -> Result<(), ConfigError> {
        let limits = &self.limits;
        let fail = |message: String| Err(ConfigError::Value { message });
        if limits.max_content_length == 0 {
            return fail("limits.max_content_length must be at least 1".to_owned());
        }
        if limits.max_page_size == 0 || limits.default_page_size == 0 {
            return fail(
                "limits.default_page_size and max_page_size must be at least 1".to_owned(),
            );
        }
        if limits.default_page_size > limits.max_page_size {
            return fail(format!(
                "limits.default_page_size ({}) is larger than limits.max_page_size ({})",
                limits.default_page_size, limits.max_page_size
            ));
        }
        if limits.requests_per_minute > 0 && limits.burst == 0 {
            return fail("limits.burst must be at least 1 when rate limiting is on".to_owned());
        }
        if limits.login_failures > 0 && limits.login_backoff_seconds == 0 {
            return fail(
                "limits.login_backoff_seconds must be at least 1 when login throttling is on"
                    .to_owned(),
            );
        }
        Ok(())
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_title() -> String {
    "Phalanx".to_owned()
}

fn default_tlp() -> Tlp {
    Tlp::Amber
}

fn default_max_content_length() -> u64 {
    10 * 1024 * 1024
}

fn default_page_size() -> u32 {
    100
}

fn default_max_page_size() -> u32 {
    1000
}

fn default_max_inline_objects() -> usize {
    100
}

fn default_requests_per_minute() -> u32 {
    3000
}

fn default_burst() -> u32 {
    200
}

fn default_login_failures() -> u32 {
    10
}

fn default_login_backoff_seconds() -> u64 {
    60
}

fn default_shutdown_grace_seconds() -> u64 {
    30
}

/// Reads and writes a [`Tlp`] as its lower-case TLP 2.0 name (`amber+strict`), accepting
/// every spelling [`policy::parse_tlp`] accepts.
mod tlp_name {
    use policy::Tlp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(tlp: &Tlp, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(tlp.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tlp, D::Error> {
        let text = String::deserialize(deserializer)?;
        policy::parse_tlp(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml(text, Path::new("phalanx.toml"))
    }

    #[test]
    fn a_file_with_only_a_version_gives_the_defaults() {
        assert_eq!(parse("version = 1").expect("valid"), Config::default());
    }

    #[test]
    fn reads_every_setting() {
        let config = parse(
            r#"
version = 1
listen = "0.0.0.0:8443"
[node]
participant = "CERT-EU"
default_tlp = "TLP:AMBER+STRICT"
[tls]
certificate = "cert.pem"
key = "key.pem"
[limits]
max_content_length = 1000
default_page_size = 10
max_page_size = 20
max_inline_objects = 0
requests_per_minute = 0
burst = 0
"#,
        )
        .expect("valid");
        assert_eq!(config.listen.port(), 8443);
        assert_eq!(config.node.participant.as_deref(), Some("CERT-EU"));
        assert_eq!(config.node.default_tlp, Tlp::AmberStrict);
        assert_eq!(config.tls.expect("tls given").key, PathBuf::from("key.pem"));
        assert_eq!(config.limits.max_content_length, 1000);
        assert_eq!(config.limits.max_inline_objects, 0);
    }

    #[test]
    fn unknown_keys_wrong_versions_and_bad_values_are_refused() {
        let error = parse("version = 1\n[limits]\nmax_body = 3\n").expect_err("unknown key");
        assert!(error.to_string().contains("max_body"), "{error}");
        let error = parse("version = 2").expect_err("future version");
        assert!(error.to_string().contains("version 2"), "{error}");
        let error = parse("version = 1\n[node]\ndefault_tlp = \"purple\"\n").expect_err("tlp");
        assert!(error.to_string().contains("purple"), "{error}");
        let error = parse("version = 1\n[limits]\ndefault_page_size = 50\nmax_page_size = 10\n")
            .expect_err("page sizes");
        assert!(error.to_string().contains("default_page_size"), "{error}");
        assert!(
            parse("listen = \"127.0.0.1:1\"").is_err(),
            "version is required"
        );
    }
}
