//! What a node operator decides about its TAXII service. The server's configuration file
//! (`server::config`) fills this in; tests build it directly.

use policy::Tlp;
use stix::ValidationOptions;

/// The TAXII settings of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxiiConfig {
    /// The server's title in discovery.
    pub title: String,
    /// The server's description in discovery.
    pub description: Option<String>,
    /// Contact information in discovery.
    pub contact: Option<String>,
    /// The URL clients reach the node at (`https://taxii.example.org`), used to give API
    /// roots absolute URLs in discovery; without it they are given as absolute paths
    /// (`/taxii2/default/`), which clients resolve against the discovery URL.
    pub public_url: Option<String>,
    /// The API root named as the default in discovery, when it exists.
    pub default_api_root: Option<String>,
    /// The largest request body accepted, in bytes (each API root's `max_content_length`).
    pub max_content_length: u64,
    /// How many results a page holds when the client gives no `limit`.
    pub default_page_size: u32,
    /// The most results a page holds, whatever `limit` asks.
    pub max_page_size: u32,
    /// Envelopes with more objects than this are processed in the background: the POST
    /// answers at once with a `pending` status that the client polls.
    pub max_inline_objects: usize,
    /// The TLP level of objects that carry no TLP marking.
    pub default_tlp: Tlp,
    /// How added objects are validated (every MUST of STIX 2.1 by default).
    pub validation: ValidationOptions,
}

impl Default for TaxiiConfig {
    fn default() -> Self {
        Self {
            title: "Phalanx".to_owned(),
            description: None,
            contact: None,
            public_url: None,
            default_api_root: Some(store::DEFAULT_NAME.to_owned()),
            max_content_length: 10 * 1024 * 1024,
            default_page_size: 100,
            max_page_size: 1_000,
            max_inline_objects: 100,
            default_tlp: Tlp::Amber,
            validation: ValidationOptions::default(),
        }
    }
}
