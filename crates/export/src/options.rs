//! What an export is asked for: the reader, the filters, and each format's settings.

use policy::{AccessScope, Tlp};
use stix::StixTimestamp;
use uuid::Uuid;

use crate::value::ValueKind;

/// The options of one export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Whose export this is: objects the scope may not read are dropped as if they did not
    /// exist (the store applies the same scope when it reads; this is the second check).
    pub scope: AccessScope,
    /// Keep only TLP:CLEAR (`--public`, for feeds published to the world).
    pub public: bool,
    /// Keep only objects changed at or after this time (`date_added` when the store gives
    /// it, else `modified`).
    pub since: Option<StixTimestamp>,
    /// Keep only indicators whose `confidence` is at least this.
    pub min_confidence: Option<u8>,
    /// Keep only values of these kinds (none: every kind).
    pub value_kinds: Vec<ValueKind>,
    /// Keep only objects of these STIX types (none: every type the format carries).
    pub object_types: Vec<String>,
    /// The time validity is judged at (`valid_from`, `valid_until`); tests fix it.
    pub now: StixTimestamp,
    /// The level of objects that carry no TLP marking (the store's default is TLP:AMBER).
    pub default_tlp: Tlp,
    /// Who publishes the export.
    pub producer: Producer,
    /// The identifier of this export: the UUID of a STIX bundle, of a MISP event. `None`
    /// draws a random one; tests and reproducible exports fix it.
    pub export_id: Option<Uuid>,
    /// Settings of the RPZ format.
    pub rpz: RpzOptions,
    /// Settings of the Suricata formats.
    pub suricata: SuricataOptions,
    /// Settings of the nftables format.
    pub nftables: NftablesOptions,
    /// Settings of the Sentinel format.
    pub sentinel: SentinelOptions,
}

/// The producer of an export: named in Zeek's `meta.source`, MISP's `Orgc`, Sentinel's
/// `sourcesystem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Producer {
    /// A short name, such as the node's name (`phalanx`).
    pub name: String,
    /// The producer's organisation UUID (MISP `Orgc.uuid`).
    pub uuid: Uuid,
    /// The base URL of the node's object pages; an object's page is `{url}/{id}` (Zeek's
    /// `meta.url`, the CSV `url` column). `None` leaves them empty.
    pub object_url: Option<String>,
}

/// How an RPZ zone rewrites the names it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpzPolicy {
    /// Answer NXDOMAIN (`CNAME .`).
    Nxdomain,
    /// Answer NODATA (`CNAME *.`).
    Nodata,
    /// Answer with the sinkhole's name (`CNAME sinkhole.example.`).
    SinkholeName(String),
    /// Answer with the sinkhole's addresses (`A` and/or `AAAA` local data).
    SinkholeAddresses(Vec<std::net::IpAddr>),
}

/// Settings of the RPZ format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpzOptions {
    /// The zone's name, without trailing dot (`rpz.phalanx.invalid`).
    pub origin: String,
    /// What a listed name resolves to.
    pub policy: RpzPolicy,
    /// The name server named in `SOA` and `NS` (absolute, without trailing dot).
    pub name_server: String,
    /// The responsible mailbox in `SOA` form (`hostmaster.example`).
    pub hostmaster: String,
    /// The TTL of every record, in seconds.
    pub ttl: u32,
    /// The SOA serial; `None` derives it from the data (see the `rpz` module).
    pub serial: Option<u32>,
}

/// Settings of the Suricata formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuricataOptions {
    /// The first `sid` of the range rules are given.
    pub sid_base: u32,
    /// How many `sid`s the range holds.
    pub sid_span: u32,
}

/// Settings of the nftables format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftablesOptions {
    /// The table holding the sets (family `inet`).
    pub table: String,
}

/// Settings of the Sentinel format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentinelOptions {
    /// The `sourcesystem` of each request (Sentinel refuses `Microsoft Sentinel`).
    pub source_system: String,
    /// Objects per request; the API takes at most 100.
    pub objects_per_request: usize,
}

/// The most objects Sentinel's upload API takes in one request.
pub const SENTINEL_MAX_OBJECTS: usize = 100;

impl ExportOptions {
    /// Returns the options of an export for `scope` at `now`, with every filter off and the
    /// default settings of each format.
    pub fn new(scope: AccessScope, now: StixTimestamp) -> Self {
        Self {
            scope,
            public: false,
            since: None,
            min_confidence: None,
            value_kinds: Vec::new(),
            object_types: Vec::new(),
            now,
            default_tlp: Tlp::Amber,
            producer: Producer {
                name: "phalanx".to_owned(),
                uuid: Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:phalanx:producer:phalanx"),
                object_url: None,
            },
            export_id: None,
            rpz: RpzOptions {
                origin: "rpz.phalanx.invalid".to_owned(),
                policy: RpzPolicy::Nxdomain,
                name_server: "localhost".to_owned(),
                hostmaster: "hostmaster.localhost".to_owned(),
                ttl: 300,
                serial: None,
            },
            suricata: SuricataOptions {
                sid_base: crate::format::suricata::DEFAULT_SID_BASE,
                sid_span: crate::format::suricata::DEFAULT_SID_SPAN,
            },
            nftables: NftablesOptions {
                table: "phalanx".to_owned(),
            },
            sentinel: SentinelOptions {
                source_system: "Phalanx".to_owned(),
                objects_per_request: SENTINEL_MAX_OBJECTS,
            },
        }
    }

    /// Returns the export's UUID: the one given, or a fresh random one.
    pub(crate) fn export_uuid(&self) -> Uuid {
        self.export_id.unwrap_or_else(Uuid::new_v4)
    }

    /// Returns the page of an object on the node, when [`Producer::object_url`] is set.
    pub(crate) fn object_url(&self, id: &stix::StixId) -> Option<String> {
        self.producer
            .object_url
            .as_ref()
            .map(|base| format!("{}/{id}", base.trim_end_matches('/')))
    }
}
