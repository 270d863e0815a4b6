//! The enumerations of STIX 2.1 (section 10): closed lists, any other value is an error.

use super::Vocab;

/// `encryption-algorithm-enum`: how an artifact's payload is encrypted.
pub const ENCRYPTION_ALGORITHM: Vocab = Vocab {
    name: "encryption-algorithm-enum",
    values: &["AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"],
};

/// `extension-type-enum`: what an extension definition adds.
pub const EXTENSION_TYPE: Vocab = Vocab {
    name: "extension-type-enum",
    values: &[
        "new-sdo",
        "new-sco",
        "new-sro",
        "property-extension",
        "toplevel-property-extension",
    ],
};

/// `network-socket-address-family-enum`.
pub const SOCKET_ADDRESS_FAMILY: Vocab = Vocab {
    name: "network-socket-address-family-enum",
    values: &[
        "AF_UNSPEC",
        "AF_INET",
        "AF_IPX",
        "AF_APPLETALK",
        "AF_NETBIOS",
        "AF_INET6",
        "AF_IRDA",
        "AF_BTH",
    ],
};

/// `network-socket-type-enum`.
pub const SOCKET_TYPE: Vocab = Vocab {
    name: "network-socket-type-enum",
    values: &[
        "SOCK_STREAM",
        "SOCK_DGRAM",
        "SOCK_RAW",
        "SOCK_RDM",
        "SOCK_SEQPACKET",
    ],
};

/// `opinion-enum`: degrees of agreement.
pub const OPINION: Vocab = Vocab {
    name: "opinion-enum",
    values: &[
        "strongly-disagree",
        "disagree",
        "neutral",
        "agree",
        "strongly-agree",
    ],
};

/// `windows-integrity-level-enum`.
pub const WINDOWS_INTEGRITY_LEVEL: Vocab = Vocab {
    name: "windows-integrity-level-enum",
    values: &["low", "medium", "high", "system"],
};

/// `windows-registry-datatype-enum`.
pub const WINDOWS_REGISTRY_DATATYPE: Vocab = Vocab {
    name: "windows-registry-datatype-enum",
    values: &[
        "REG_NONE",
        "REG_SZ",
        "REG_EXPAND_SZ",
        "REG_BINARY",
        "REG_DWORD",
        "REG_DWORD_BIG_ENDIAN",
        "REG_DWORD_LITTLE_ENDIAN",
        "REG_LINK",
        "REG_MULTI_SZ",
        "REG_RESOURCE_LIST",
        "REG_FULL_RESOURCE_DESCRIPTION",
        "REG_RESOURCE_REQUIREMENTS_LIST",
        "REG_QWORD",
        "REG_INVALID_TYPE",
    ],
};

/// `windows-service-start-type-enum`.
pub const WINDOWS_SERVICE_START_TYPE: Vocab = Vocab {
    name: "windows-service-start-type-enum",
    values: &[
        "SERVICE_AUTO_START",
        "SERVICE_BOOT_START",
        "SERVICE_DEMAND_START",
        "SERVICE_DISABLED",
        "SERVICE_SYSTEM_ALERT",
    ],
};

/// `windows-service-type-enum`.
pub const WINDOWS_SERVICE_TYPE: Vocab = Vocab {
    name: "windows-service-type-enum",
    values: &[
        "SERVICE_KERNEL_DRIVER",
        "SERVICE_FILE_SYSTEM_DRIVER",
        "SERVICE_WIN32_OWN_PROCESS",
        "SERVICE_WIN32_SHARE_PROCESS",
    ],
};

/// `windows-service-status-enum`.
pub const WINDOWS_SERVICE_STATUS: Vocab = Vocab {
    name: "windows-service-status-enum",
    values: &[
        "SERVICE_CONTINUE_PENDING",
        "SERVICE_PAUSE_PENDING",
        "SERVICE_PAUSED",
        "SERVICE_RUNNING",
        "SERVICE_START_PENDING",
        "SERVICE_STOP_PENDING",
        "SERVICE_STOPPED",
    ],
};
