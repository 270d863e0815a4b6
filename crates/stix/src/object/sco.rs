//! The eighteen STIX Cyber-observable Objects (STIX 2.1 section 6).
//!
//! Predefined observable extensions (`archive-ext`, `http-request-ext`, ...) stay as JSON in
//! [`CommonProperties::extensions`](super::CommonProperties::extensions); validation checks them.

use serde_json::{Map, Value};

use super::common::Hashes;
use crate::{StixId, StixTimestamp};

stix_struct! {
    /// Binary or file-like content.
    Artifact {
        /// The IANA media type.
        mime_type: Option<String>,
        /// The content, base64-encoded (exclusive with `url`).
        payload_bin: Option<String>,
        /// Where the content can be fetched (exclusive with `payload_bin`).
        url: Option<String>,
        /// Hashes of the content.
        hashes: Option<Hashes>,
        /// Encryption algorithm (enumeration `encryption-algorithm-enum`).
        encryption_algorithm: Option<String>,
        /// The key or password to decrypt the content.
        decryption_key: Option<String>,
    }
}

stix_struct! {
    /// An autonomous system.
    AutonomousSystem {
        /// The AS number.
        number: i64,
        /// The AS name.
        name: Option<String>,
        /// The Regional Internet Registry that assigned the number.
        rir: Option<String>,
    }
}

stix_struct! {
    /// A file-system directory.
    Directory {
        /// The path as written.
        path: String,
        /// The encoding of the path, if not Unicode.
        path_enc: Option<String>,
        /// Creation time.
        ctime: Option<StixTimestamp>,
        /// Modification time.
        mtime: Option<StixTimestamp>,
        /// Access time.
        atime: Option<StixTimestamp>,
        /// Files and directories it contains.
        contains_refs: Option<Vec<StixId>>,
    }
}

stix_struct! {
    /// A network domain name.
    DomainName {
        /// The domain name.
        value: String,
        /// Addresses or names it resolves to.
        resolves_to_refs: Option<Vec<StixId>>,
    }
}

stix_struct! {
    /// An e-mail address.
    EmailAddr {
        /// The address (`local@domain`).
        value: String,
        /// The display name.
        display_name: Option<String>,
        /// The user account it belongs to.
        belongs_to_ref: Option<StixId>,
    }
}

stix_struct! {
    /// An e-mail message (RFC 5322).
    EmailMessage {
        /// Whether the body is MIME multipart.
        is_multipart: bool,
        /// When the message was sent.
        date: Option<StixTimestamp>,
        /// The `Content-Type` header.
        content_type: Option<String>,
        /// The `From` address.
        from_ref: Option<StixId>,
        /// The `Sender` address.
        sender_ref: Option<StixId>,
        /// `To` addresses.
        to_refs: Option<Vec<StixId>>,
        /// `Cc` addresses.
        cc_refs: Option<Vec<StixId>>,
        /// `Bcc` addresses.
        bcc_refs: Option<Vec<StixId>>,
        /// The `Message-ID` header.
        message_id: Option<String>,
        /// The subject.
        subject: Option<String>,
        /// `Received` headers.
        received_lines: Option<Vec<String>>,
        /// Other headers.
        additional_header_fields: Option<Map<String, Value>>,
        /// The body, for non-multipart messages.
        body: Option<String>,
        /// The MIME parts, for multipart messages.
        body_multipart: Option<Vec<Value>>,
        /// The raw message (`artifact`).
        raw_email_ref: Option<StixId>,
    }
}

stix_struct! {
    /// A computer file.
    File {
        /// Hashes of the content.
        hashes: Option<Hashes>,
        /// Size in bytes.
        size: Option<i64>,
        /// The file name.
        name: Option<String>,
        /// The encoding of the name, if not Unicode.
        name_enc: Option<String>,
        /// The first bytes, in hex.
        magic_number_hex: Option<String>,
        /// The IANA media type.
        mime_type: Option<String>,
        /// Creation time.
        ctime: Option<StixTimestamp>,
        /// Modification time.
        mtime: Option<StixTimestamp>,
        /// Access time.
        atime: Option<StixTimestamp>,
        /// The directory holding the file.
        parent_directory_ref: Option<StixId>,
        /// Objects contained in the file.
        contains_refs: Option<Vec<StixId>>,
        /// The content (`artifact`).
        content_ref: Option<StixId>,
    }
}

stix_struct! {
    /// One or more IPv4 addresses (a CIDR block).
    Ipv4Addr {
        /// The address or CIDR block.
        value: String,
        /// MAC addresses it resolves to.
        resolves_to_refs: Option<Vec<StixId>>,
        /// Autonomous systems it belongs to.
        belongs_to_refs: Option<Vec<StixId>>,
    }
}

stix_struct! {
    /// One or more IPv6 addresses (a CIDR block).
    Ipv6Addr {
        /// The address or CIDR block.
        value: String,
        /// MAC addresses it resolves to.
        resolves_to_refs: Option<Vec<StixId>>,
        /// Autonomous systems it belongs to.
        belongs_to_refs: Option<Vec<StixId>>,
    }
}

stix_struct! {
    /// A MAC address.
    MacAddr {
        /// The address, lower case, colon-delimited.
        value: String,
    }
}

stix_struct! {
    /// A mutual-exclusion object.
    Mutex {
        /// The mutex name.
        name: String,
    }
}

stix_struct! {
    /// A network connection or flow.
    NetworkTraffic {
        /// When the traffic started.
        start: Option<StixTimestamp>,
        /// When the traffic ended.
        end: Option<StixTimestamp>,
        /// Whether the traffic is still ongoing.
        is_active: Option<bool>,
        /// The source (address, domain or MAC).
        src_ref: Option<StixId>,
        /// The destination (address, domain or MAC).
        dst_ref: Option<StixId>,
        /// The source port.
        src_port: Option<i64>,
        /// The destination port.
        dst_port: Option<i64>,
        /// The protocols, outermost first.
        protocols: Vec<String>,
        /// Bytes sent by the source.
        src_byte_count: Option<i64>,
        /// Bytes sent by the destination.
        dst_byte_count: Option<i64>,
        /// Packets sent by the source.
        src_packets: Option<i64>,
        /// Packets sent by the destination.
        dst_packets: Option<i64>,
        /// IPFIX data.
        ipfix: Option<Map<String, Value>>,
        /// Bytes sent by the source (`artifact`).
        src_payload_ref: Option<StixId>,
        /// Bytes sent by the destination (`artifact`).
        dst_payload_ref: Option<StixId>,
        /// Traffic encapsulated in this one.
        encapsulates_refs: Option<Vec<StixId>>,
        /// Traffic that encapsulates this one.
        encapsulated_by_ref: Option<StixId>,
    }
}

stix_struct! {
    /// A running instance of a program.
    Process {
        /// Whether the process is hidden.
        is_hidden: Option<bool>,
        /// The process id.
        pid: Option<i64>,
        /// When the process was created.
        created_time: Option<StixTimestamp>,
        /// The working directory.
        cwd: Option<String>,
        /// The full command line.
        command_line: Option<String>,
        /// Environment variables.
        environment_variables: Option<Map<String, Value>>,
        /// Connections it opened (`network-traffic`).
        opened_connection_refs: Option<Vec<StixId>>,
        /// The user that created it (`user-account`).
        creator_user_ref: Option<StixId>,
        /// Its executable (`file`).
        image_ref: Option<StixId>,
        /// Its parent (`process`).
        parent_ref: Option<StixId>,
        /// Its children (`process`).
        child_refs: Option<Vec<StixId>>,
    }
}

stix_struct! {
    /// A software product.
    Software {
        /// The product name.
        name: String,
        /// The CPE 2.3 name.
        cpe: Option<String>,
        /// The SWID tag.
        swid: Option<String>,
        /// Supported languages (ISO 639-2).
        languages: Option<Vec<String>>,
        /// The vendor.
        vendor: Option<String>,
        /// The version.
        version: Option<String>,
    }
}

stix_struct! {
    /// A uniform resource locator.
    Url {
        /// The URL.
        value: String,
    }
}

stix_struct! {
    /// A user account.
    UserAccount {
        /// The account's identifier (a UID, SID, ...).
        user_id: Option<String>,
        /// A cleartext credential.
        credential: Option<String>,
        /// The login name.
        account_login: Option<String>,
        /// The kind of account (open vocabulary `account-type-ov`).
        account_type: Option<String>,
        /// The display name.
        display_name: Option<String>,
        /// Whether it is a service account.
        is_service_account: Option<bool>,
        /// Whether it has elevated privileges.
        is_privileged: Option<bool>,
        /// Whether it can escalate privileges.
        can_escalate_privs: Option<bool>,
        /// Whether it is disabled.
        is_disabled: Option<bool>,
        /// When it was created.
        account_created: Option<StixTimestamp>,
        /// When it expires.
        account_expires: Option<StixTimestamp>,
        /// When the credential last changed.
        credential_last_changed: Option<StixTimestamp>,
        /// First login.
        account_first_login: Option<StixTimestamp>,
        /// Last login.
        account_last_login: Option<StixTimestamp>,
    }
}

stix_struct! {
    /// A Windows registry key.
    WindowsRegistryKey {
        /// The full key path, starting with the hive.
        key: Option<String>,
        /// The key's values.
        values: Option<Vec<Value>>,
        /// When the key was last modified.
        modified_time: Option<StixTimestamp>,
        /// The user that created it (`user-account`).
        creator_user_ref: Option<StixId>,
        /// The number of subkeys.
        number_of_subkeys: Option<i64>,
    }
}

stix_struct! {
    /// An X.509 v3 certificate.
    X509Certificate {
        /// Whether it is self-signed.
        is_self_signed: Option<bool>,
        /// Hashes of the whole certificate.
        hashes: Option<Hashes>,
        /// The X.509 version.
        version: Option<String>,
        /// The serial number.
        serial_number: Option<String>,
        /// The signature algorithm.
        signature_algorithm: Option<String>,
        /// The issuer's distinguished name.
        issuer: Option<String>,
        /// Start of validity.
        validity_not_before: Option<StixTimestamp>,
        /// End of validity.
        validity_not_after: Option<StixTimestamp>,
        /// The subject's distinguished name.
        subject: Option<String>,
        /// The subject's public key algorithm.
        subject_public_key_algorithm: Option<String>,
        /// The RSA modulus.
        subject_public_key_modulus: Option<String>,
        /// The RSA exponent.
        subject_public_key_exponent: Option<i64>,
        /// X.509 v3 extensions.
        x509_v3_extensions: Option<Map<String, Value>>,
    }
}
