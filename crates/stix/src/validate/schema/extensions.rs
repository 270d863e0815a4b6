//! The predefined extensions of the observable objects (STIX 2.1 sections 6.x.2).

use super::{INT, Kind, Prop, Target, UINT, opt, req};
use crate::vocab;

const ALTERNATE_DATA_STREAM: &[Prop] = &[
    req("name", Kind::Str),
    opt("hashes", Kind::Hashes),
    opt("size", UINT),
];

const PE_OPTIONAL_HEADER: &[Prop] = &[
    opt("magic_hex", Kind::Hex),
    opt("major_linker_version", INT),
    opt("minor_linker_version", INT),
    opt("size_of_code", UINT),
    opt("size_of_initialized_data", UINT),
    opt("size_of_uninitialized_data", UINT),
    opt("address_of_entry_point", INT),
    opt("base_of_code", INT),
    opt("base_of_data", INT),
    opt("image_base", INT),
    opt("section_alignment", INT),
    opt("file_alignment", INT),
    opt("major_os_version", INT),
    opt("minor_os_version", INT),
    opt("major_image_version", INT),
    opt("minor_image_version", INT),
    opt("major_subsystem_version", INT),
    opt("minor_subsystem_version", INT),
    opt("win32_version_value_hex", Kind::Hex),
    opt("size_of_image", UINT),
    opt("size_of_headers", UINT),
    opt("checksum_hex", Kind::Hex),
    opt("subsystem_hex", Kind::Hex),
    opt("dll_characteristics_hex", Kind::Hex),
    opt("size_of_stack_reserve", UINT),
    opt("size_of_stack_commit", UINT),
    opt("size_of_heap_reserve", UINT),
    opt("size_of_heap_commit", UINT),
    opt("loader_flags_hex", Kind::Hex),
    opt("number_of_rva_and_sizes", INT),
    opt("hashes", Kind::Hashes),
];

const PE_SECTION: &[Prop] = &[
    req("name", Kind::Str),
    opt("size", UINT),
    opt(
        "entropy",
        Kind::Num {
            min: f64::MIN,
            max: f64::MAX,
        },
    ),
    opt("hashes", Kind::Hashes),
];

/// One predefined extension: its name, properties, and the properties of which at least one
/// must be present (empty when the spec requires none in particular).
pub(crate) struct ExtensionDef {
    pub name: &'static str,
    pub props: &'static [Prop],
    pub at_least_one_of: &'static [&'static str],
}

const EXTENSIONS: &[ExtensionDef] = &[
    ExtensionDef {
        name: "archive-ext",
        props: &[
            req(
                "contains_refs",
                Kind::Refs(Target::Types(&["file", "directory"])),
            ),
            opt("comment", Kind::Str),
        ],
        at_least_one_of: &[],
    },
    ExtensionDef {
        name: "ntfs-ext",
        props: &[
            opt("sid", Kind::Str),
            opt(
                "alternate_data_streams",
                Kind::Objects(ALTERNATE_DATA_STREAM),
            ),
        ],
        at_least_one_of: &["sid", "alternate_data_streams"],
    },
    ExtensionDef {
        name: "pdf-ext",
        props: &[
            opt("version", Kind::Str),
            opt("is_optimized", Kind::Bool),
            opt("document_info_dict", Kind::Dict),
            opt("pdfid0", Kind::Str),
            opt("pdfid1", Kind::Str),
        ],
        at_least_one_of: &[
            "version",
            "is_optimized",
            "document_info_dict",
            "pdfid0",
            "pdfid1",
        ],
    },
    ExtensionDef {
        name: "raster-image-ext",
        props: &[
            opt("image_height", INT),
            opt("image_width", INT),
            opt("bits_per_pixel", INT),
            opt("exif_tags", Kind::Dict),
        ],
        at_least_one_of: &["image_height", "image_width", "bits_per_pixel", "exif_tags"],
    },
    ExtensionDef {
        name: "windows-pebinary-ext",
        props: &[
            req(
                "pe_type",
                Kind::Open(&vocab::WINDOWS_PEBINARY_TYPE, "windows-pebinary-type"),
            ),
            opt("imphash", Kind::Str),
            opt("machine_hex", Kind::Hex),
            opt("number_of_sections", UINT),
            opt("time_date_stamp", Kind::Timestamp),
            opt("pointer_to_symbol_table_hex", Kind::Hex),
            opt("number_of_symbols", UINT),
            opt("size_of_optional_header", UINT),
            opt("characteristics_hex", Kind::Hex),
            opt("file_header_hashes", Kind::Hashes),
            opt("optional_header", Kind::Object(PE_OPTIONAL_HEADER)),
            opt("sections", Kind::Objects(PE_SECTION)),
        ],
        at_least_one_of: &[],
    },
    ExtensionDef {
        name: "http-request-ext",
        props: &[
            req("request_method", Kind::Str),
            req("request_value", Kind::Str),
            opt("request_version", Kind::Str),
            opt("request_header", Kind::Dict),
            opt("message_body_length", UINT),
            opt(
                "message_body_data_ref",
                Kind::Ref(Target::Types(&["artifact"])),
            ),
        ],
        at_least_one_of: &[],
    },
    ExtensionDef {
        name: "icmp-ext",
        props: &[
            req("icmp_type_hex", Kind::Hex),
            req("icmp_code_hex", Kind::Hex),
        ],
        at_least_one_of: &[],
    },
    ExtensionDef {
        name: "socket-ext",
        props: &[
            req("address_family", Kind::Enum(&vocab::SOCKET_ADDRESS_FAMILY)),
            opt("is_blocking", Kind::Bool),
            opt("is_listening", Kind::Bool),
            opt("options", Kind::Dict),
            opt("socket_type", Kind::Enum(&vocab::SOCKET_TYPE)),
            opt("socket_descriptor", UINT),
            opt("socket_handle", INT),
        ],
        at_least_one_of: &[],
    },
    ExtensionDef {
        name: "tcp-ext",
        props: &[
            opt("src_flags_hex", Kind::Hex),
            opt("dst_flags_hex", Kind::Hex),
        ],
        at_least_one_of: &["src_flags_hex", "dst_flags_hex"],
    },
    ExtensionDef {
        name: "windows-process-ext",
        props: &[
            opt("aslr_enabled", Kind::Bool),
            opt("dep_enabled", Kind::Bool),
            opt("priority", Kind::Str),
            opt("owner_sid", Kind::Str),
            opt("window_title", Kind::Str),
            opt("startup_info", Kind::Dict),
            opt(
                "integrity_level",
                Kind::Enum(&vocab::WINDOWS_INTEGRITY_LEVEL),
            ),
        ],
        at_least_one_of: &[
            "aslr_enabled",
            "dep_enabled",
            "priority",
            "owner_sid",
            "window_title",
            "startup_info",
            "integrity_level",
        ],
    },
    ExtensionDef {
        name: "windows-service-ext",
        props: &[
            opt("service_name", Kind::Str),
            opt("descriptions", Kind::Strs),
            opt("display_name", Kind::Str),
            opt("group_name", Kind::Str),
            opt("start_type", Kind::Enum(&vocab::WINDOWS_SERVICE_START_TYPE)),
            opt("service_dll_refs", Kind::Refs(Target::Types(&["file"]))),
            opt("service_type", Kind::Enum(&vocab::WINDOWS_SERVICE_TYPE)),
            opt("service_status", Kind::Enum(&vocab::WINDOWS_SERVICE_STATUS)),
        ],
        at_least_one_of: &[
            "service_name",
            "descriptions",
            "display_name",
            "group_name",
            "start_type",
            "service_dll_refs",
            "service_type",
            "service_status",
        ],
    },
    ExtensionDef {
        name: "unix-account-ext",
        props: &[
            opt(
                "gid",
                Kind::Num {
                    min: f64::MIN,
                    max: f64::MAX,
                },
            ),
            opt("groups", Kind::Strs),
            opt("home_dir", Kind::Str),
            opt("shell", Kind::Str),
        ],
        at_least_one_of: &["gid", "groups", "home_dir", "shell"],
    },
];

/// Returns the predefined extension named `name`.
pub(crate) fn predefined_extension(name: &str) -> Option<&'static ExtensionDef> {
    EXTENSIONS.iter().find(|def| def.name == name)
}
