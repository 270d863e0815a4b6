//! The STIX Cyber-observable Objects (STIX 2.1 section 6).

use super::{INT, Kind, Prop, Target, TypeDef, UINT, opt, req};
use crate::Category;
use crate::vocab;

const ADDRESS_TARGETS: Target =
    Target::Types(&["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"]);
const ARTIFACT: Target = Target::Types(&["artifact"]);
const EMAIL_ADDR: Target = Target::Types(&["email-addr"]);
const USER_ACCOUNT: Target = Target::Types(&["user-account"]);
const PROCESS: Target = Target::Types(&["process"]);
const NETWORK_TRAFFIC: Target = Target::Types(&["network-traffic"]);

const fn sco(
    name: &'static str,
    props: &'static [Prop],
    extensions: &'static [&'static str],
) -> TypeDef {
    TypeDef {
        name,
        category: Category::Observable,
        props,
        extensions,
    }
}

/// A MIME part of a multipart e-mail (section 6.6.2).
const MIME_PART: &[Prop] = &[
    opt("body", Kind::Str),
    opt(
        "body_raw_ref",
        Kind::Ref(Target::Types(&["artifact", "file"])),
    ),
    opt("content_type", Kind::Str),
    opt("content_disposition", Kind::Str),
];

/// A Windows registry value (section 6.17.2).
const REGISTRY_VALUE: &[Prop] = &[
    opt("name", Kind::Str),
    opt("data", Kind::Str),
    opt("data_type", Kind::Enum(&vocab::WINDOWS_REGISTRY_DATATYPE)),
];

/// X.509 v3 extensions (section 6.18.2).
const X509_V3_EXTENSIONS: &[Prop] = &[
    opt("basic_constraints", Kind::Str),
    opt("name_constraints", Kind::Str),
    opt("policy_constraints", Kind::Str),
    opt("key_usage", Kind::Str),
    opt("extended_key_usage", Kind::Str),
    opt("subject_key_identifier", Kind::Str),
    opt("authority_key_identifier", Kind::Str),
    opt("subject_alternative_name", Kind::Str),
    opt("issuer_alternative_name", Kind::Str),
    opt("subject_directory_attributes", Kind::Str),
    opt("crl_distribution_points", Kind::Str),
    opt("inhibit_any_policy", Kind::Str),
    opt("private_key_usage_period_not_before", Kind::Timestamp),
    opt("private_key_usage_period_not_after", Kind::Timestamp),
    opt("certificate_policies", Kind::Str),
    opt("policy_mappings", Kind::Str),
];

/// Every observable type of the spec.
pub(super) const TYPES: &[TypeDef] = &[
    sco(
        "artifact",
        &[
            opt("mime_type", Kind::Str),
            opt("payload_bin", Kind::Binary),
            opt("url", Kind::Str),
            opt("hashes", Kind::Hashes),
            opt(
                "encryption_algorithm",
                Kind::Enum(&vocab::ENCRYPTION_ALGORITHM),
            ),
            opt("decryption_key", Kind::Str),
        ],
        &[],
    ),
    sco(
        "autonomous-system",
        &[
            req("number", INT),
            opt("name", Kind::Str),
            opt("rir", Kind::Str),
        ],
        &[],
    ),
    sco(
        "directory",
        &[
            req("path", Kind::Str),
            opt("path_enc", Kind::Str),
            opt("ctime", Kind::Timestamp),
            opt("mtime", Kind::Timestamp),
            opt("atime", Kind::Timestamp),
            opt(
                "contains_refs",
                Kind::Refs(Target::Types(&["file", "directory"])),
            ),
        ],
        &[],
    ),
    sco(
        "domain-name",
        &[
            req("value", Kind::Str),
            opt(
                "resolves_to_refs",
                Kind::Refs(Target::Types(&["ipv4-addr", "ipv6-addr", "domain-name"])),
            ),
        ],
        &[],
    ),
    sco(
        "email-addr",
        &[
            req("value", Kind::Str),
            opt("display_name", Kind::Str),
            opt("belongs_to_ref", Kind::Ref(USER_ACCOUNT)),
        ],
        &[],
    ),
    sco(
        "email-message",
        &[
            req("is_multipart", Kind::Bool),
            opt("date", Kind::Timestamp),
            opt("content_type", Kind::Str),
            opt("from_ref", Kind::Ref(EMAIL_ADDR)),
            opt("sender_ref", Kind::Ref(EMAIL_ADDR)),
            opt("to_refs", Kind::Refs(EMAIL_ADDR)),
            opt("cc_refs", Kind::Refs(EMAIL_ADDR)),
            opt("bcc_refs", Kind::Refs(EMAIL_ADDR)),
            opt("message_id", Kind::Str),
            opt("subject", Kind::Str),
            opt("received_lines", Kind::StrsMaybeEmpty),
            opt("additional_header_fields", Kind::Dict),
            opt("body", Kind::Str),
            opt("body_multipart", Kind::Objects(MIME_PART)),
            opt("raw_email_ref", Kind::Ref(ARTIFACT)),
        ],
        &[],
    ),
    sco(
        "file",
        &[
            opt("hashes", Kind::Hashes),
            opt("size", UINT),
            opt("name", Kind::Str),
            opt("name_enc", Kind::Str),
            opt("magic_number_hex", Kind::Hex),
            opt("mime_type", Kind::Str),
            opt("ctime", Kind::Timestamp),
            opt("mtime", Kind::Timestamp),
            opt("atime", Kind::Timestamp),
            opt(
                "parent_directory_ref",
                Kind::Ref(Target::Types(&["directory"])),
            ),
            opt("contains_refs", Kind::Refs(Target::Sco)),
            opt("content_ref", Kind::Ref(ARTIFACT)),
        ],
        &[
            "archive-ext",
            "ntfs-ext",
            "pdf-ext",
            "raster-image-ext",
            "windows-pebinary-ext",
        ],
    ),
    sco(
        "ipv4-addr",
        &[
            req("value", Kind::Str),
            opt("resolves_to_refs", Kind::Refs(Target::Types(&["mac-addr"]))),
            opt(
                "belongs_to_refs",
                Kind::Refs(Target::Types(&["autonomous-system"])),
            ),
        ],
        &[],
    ),
    sco(
        "ipv6-addr",
        &[
            req("value", Kind::Str),
            opt("resolves_to_refs", Kind::Refs(Target::Types(&["mac-addr"]))),
            opt(
                "belongs_to_refs",
                Kind::Refs(Target::Types(&["autonomous-system"])),
            ),
        ],
        &[],
    ),
    sco("mac-addr", &[req("value", Kind::Str)], &[]),
    sco("mutex", &[req("name", Kind::Str)], &[]),
    sco(
        "network-traffic",
        &[
            opt("start", Kind::Timestamp),
            opt("end", Kind::Timestamp),
            opt("is_active", Kind::Bool),
            opt("src_ref", Kind::Ref(ADDRESS_TARGETS)),
            opt("dst_ref", Kind::Ref(ADDRESS_TARGETS)),
            opt("src_port", Kind::Int { min: 0, max: 65535 }),
            opt("dst_port", Kind::Int { min: 0, max: 65535 }),
            req("protocols", Kind::Strs),
            opt("src_byte_count", UINT),
            opt("dst_byte_count", UINT),
            opt("src_packets", UINT),
            opt("dst_packets", UINT),
            opt("ipfix", Kind::Dict),
            opt("src_payload_ref", Kind::Ref(ARTIFACT)),
            opt("dst_payload_ref", Kind::Ref(ARTIFACT)),
            opt("encapsulates_refs", Kind::Refs(NETWORK_TRAFFIC)),
            opt("encapsulated_by_ref", Kind::Ref(NETWORK_TRAFFIC)),
        ],
        &["http-request-ext", "icmp-ext", "socket-ext", "tcp-ext"],
    ),
    sco(
        "process",
        &[
            opt("is_hidden", Kind::Bool),
            opt("pid", INT),
            opt("created_time", Kind::Timestamp),
            opt("cwd", Kind::Str),
            opt("command_line", Kind::Str),
            opt("environment_variables", Kind::Dict),
            opt("opened_connection_refs", Kind::Refs(NETWORK_TRAFFIC)),
            opt("creator_user_ref", Kind::Ref(USER_ACCOUNT)),
            opt("image_ref", Kind::Ref(Target::Types(&["file"]))),
            opt("parent_ref", Kind::Ref(PROCESS)),
            opt("child_refs", Kind::Refs(PROCESS)),
        ],
        &["windows-process-ext", "windows-service-ext"],
    ),
    sco(
        "software",
        &[
            req("name", Kind::Str),
            opt("cpe", Kind::Str),
            opt("swid", Kind::Str),
            opt("languages", Kind::Strs),
            opt("vendor", Kind::Str),
            opt("version", Kind::Str),
        ],
        &[],
    ),
    sco("url", &[req("value", Kind::Str)], &[]),
    sco(
        "user-account",
        &[
            opt("user_id", Kind::Str),
            opt("credential", Kind::Str),
            opt("account_login", Kind::Str),
            opt(
                "account_type",
                Kind::Open(&vocab::ACCOUNT_TYPE, "account-type"),
            ),
            opt("display_name", Kind::Str),
            opt("is_service_account", Kind::Bool),
            opt("is_privileged", Kind::Bool),
            opt("can_escalate_privs", Kind::Bool),
            opt("is_disabled", Kind::Bool),
            opt("account_created", Kind::Timestamp),
            opt("account_expires", Kind::Timestamp),
            opt("credential_last_changed", Kind::Timestamp),
            opt("account_first_login", Kind::Timestamp),
            opt("account_last_login", Kind::Timestamp),
        ],
        &["unix-account-ext"],
    ),
    sco(
        "windows-registry-key",
        &[
            opt("key", Kind::Str),
            opt("values", Kind::Objects(REGISTRY_VALUE)),
            opt("modified_time", Kind::Timestamp),
            opt("creator_user_ref", Kind::Ref(USER_ACCOUNT)),
            opt("number_of_subkeys", UINT),
        ],
        &[],
    ),
    sco(
        "x509-certificate",
        &[
            opt("is_self_signed", Kind::Bool),
            opt("hashes", Kind::Hashes),
            opt("version", Kind::Str),
            opt("serial_number", Kind::Str),
            opt("signature_algorithm", Kind::Str),
            opt("issuer", Kind::Str),
            opt("validity_not_before", Kind::Timestamp),
            opt("validity_not_after", Kind::Timestamp),
            opt("subject", Kind::Str),
            opt("subject_public_key_algorithm", Kind::Str),
            opt("subject_public_key_modulus", Kind::Str),
            opt("subject_public_key_exponent", UINT),
            opt("x509_v3_extensions", Kind::Object(X509_V3_EXTENSIONS)),
        ],
        &[],
    ),
];
