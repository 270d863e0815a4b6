//! Sharing policy: the TLP 2.0 level of an object, who may read a TLP:RED object, and the
//! [`AccessScope`] that every read of stored objects takes.
//!
//! The store turns an [`AccessScope`] into SQL so that every read path (objects, one object,
//! versions, manifest, counts) filters the same way; an object a scope may not read behaves
//! exactly like a missing one.
//!
//! This crate does no IO: it knows nothing about databases, HTTP or configuration files.

mod collection;
mod eligibility;
mod principal;
mod recipients;
mod scope;
mod sharing;
mod tlp;

pub use collection::{CollectionId, CollectionIdError};
pub use eligibility::{
    AreaError, AreaGroup, Country, CountryError, EligibilityError, ParticipantKind,
    ParticipantKindError, ProgrammeArea,
};
pub use principal::{ParticipantId, ParticipantIdError, Principal, Role, RoleParseError};
pub use recipients::{RECIPIENTS_PROPERTY, red_recipients};
pub use scope::AccessScope;
pub use sharing::{Audience, Refusal, may_share};
pub use tlp::{Tlp, TlpParseError, parse_tlp, tlp_of};
