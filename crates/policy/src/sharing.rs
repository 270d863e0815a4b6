//! Onward sharing: may an object that already reached one audience be passed to another?
//!
//! TLP 2.0 decides how far a piece of intelligence may travel once received; collections
//! decide who receives it first. The check here is applied wherever an object leaves the
//! collection it was shared in: copying or re-publishing it into another collection, widening
//! a collection's readers, and (later) federation and exports. The rules:
//!
//! - TLP:CLEAR may go anywhere;
//! - TLP:GREEN stays within the community (the participants of this node and of its
//!   federated peers), never on a public feed;
//! - TLP:AMBER and TLP:AMBER+STRICT stay with the participants who already received it;
//! - TLP:RED never travels: it is read only by its named recipients, where it was published.
//!
//! TLP 1.0 marking ids count as their TLP 2.0 counterparts and unmarked objects carry the
//! node's default level (see [`crate::tlp_of`] and the store's `default_tlp`).

use std::collections::BTreeSet;
use std::fmt;

use crate::{ParticipantId, Tlp};

/// Who receives an object in one place (a collection, a federation link, an export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// These participants only (a collection's readers).
    Participants(BTreeSet<ParticipantId>),
    /// Every participant of this node and of its federated peers (a collection readable by
    /// all).
    Community,
    /// Anyone, without authentication (a public feed or a published export).
    Public,
}

/// Why an object may not go to an audience.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{tlp} may not be shared {to}: {rule}")]
pub struct Refusal {
    /// The object's level.
    pub tlp: Tlp,
    /// Where it was to go, in words (`with 2 participants who have not received it`).
    pub to: String,
    /// The rule that refuses it.
    pub rule: &'static str,
}

impl Audience {
    /// Returns an audience of these participants.
    pub fn participants(participants: impl IntoIterator<Item = ParticipantId>) -> Self {
        Self::Participants(participants.into_iter().collect())
    }

    /// Returns the audience nobody belongs to (an object not stored anywhere yet).
    pub fn nobody() -> Self {
        Self::Participants(BTreeSet::new())
    }

    /// Returns whether every member of `self` is a member of `other`.
    pub fn is_within(&self, other: &Self) -> bool {
        match (self, other) {
            (_, Self::Public) => true,
            (Self::Public, _) => false,
            (_, Self::Community) => true,
            (Self::Community, Self::Participants(_)) => false,
            (Self::Participants(mine), Self::Participants(theirs)) => mine.is_subset(theirs),
        }
    }

    /// Returns the union of two audiences.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        match (self, other) {
            (Self::Public, _) | (_, Self::Public) => Self::Public,
            (Self::Community, _) | (_, Self::Community) => Self::Community,
            (Self::Participants(mine), Self::Participants(theirs)) => {
                Self::Participants(mine.union(theirs).copied().collect())
            }
        }
    }

    /// Returns the members of `self` that are not in `other`, in words, for messages.
    fn describe_beyond(&self, other: &Self) -> String {
        match (self, other) {
            (Self::Public, _) => "publicly".to_owned(),
            (Self::Community, _) => "with every participant of the community".to_owned(),
            (Self::Participants(mine), Self::Participants(theirs)) => {
                let n_new = mine.difference(theirs).count();
                format!(
                    "with {n_new} participant{} who did not receive it",
                    if n_new == 1 { "" } else { "s" }
                )
            }
            (Self::Participants(_), _) => "beyond its audience".to_owned(),
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Participants(participants) => {
                write!(f, "{} participant(s)", participants.len())
            }
            Self::Community => f.write_str("the community"),
            Self::Public => f.write_str("the public"),
        }
    }
}

/// Decides whether an object at level `tlp`, already received by `from`, may be shared with
/// `to`.
///
/// `from` is everyone who already received it (the union of the readers of every place it
/// is stored); an object stored nowhere yet is being published by its author, not shared
/// onward, and the caller does not ask.
///
/// # Errors
///
/// Returns the [`Refusal`] naming the rule.
pub fn may_share(tlp: Tlp, from: &Audience, to: &Audience) -> Result<(), Refusal> {
    let refuse = |rule: &'static str| Refusal {
        tlp,
        to: to.describe_beyond(from),
        rule,
    };
    match tlp {
        Tlp::Clear => Ok(()),
        Tlp::Green if *to == Audience::Public => Err(refuse(
            "TLP:GREEN stays within the community and never goes on a public feed",
        )),
        Tlp::Green => Ok(()),
        Tlp::Amber | Tlp::AmberStrict if to.is_within(from) => Ok(()),
        Tlp::Amber | Tlp::AmberStrict => Err(refuse(
            "TLP:AMBER and TLP:AMBER+STRICT stay with the participants who already received it",
        )),
        Tlp::Red => Err(Refusal {
            tlp,
            to: "in another place".to_owned(),
            rule: "TLP:RED never travels beyond where its named recipients received it",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn participants(ids: &[u128]) -> Audience {
        Audience::participants(
            ids.iter()
                .map(|&n| ParticipantId::new(uuid::Uuid::from_u128(n))),
        )
    }

    #[test]
    fn clear_goes_anywhere() {
        for to in [participants(&[9]), Audience::Community, Audience::Public] {
            assert_eq!(may_share(Tlp::Clear, &participants(&[1]), &to), Ok(()));
        }
    }

    #[test]
    fn green_stays_in_the_community() {
        assert_eq!(
            may_share(Tlp::Green, &participants(&[1]), &participants(&[2])),
            Ok(())
        );
        assert_eq!(
            may_share(Tlp::Green, &participants(&[1]), &Audience::Community),
            Ok(())
        );
        let refusal = may_share(Tlp::Green, &Audience::Community, &Audience::Public)
            .expect_err("never public");
        assert_eq!(
            refusal.to_string(),
            "TLP:GREEN may not be shared publicly: TLP:GREEN stays within the community and never goes on a public feed"
        );
    }

    #[test]
    fn amber_stays_with_those_who_received_it() {
        for tlp in [Tlp::Amber, Tlp::AmberStrict] {
            assert_eq!(
                may_share(tlp, &participants(&[1, 2]), &participants(&[2])),
                Ok(())
            );
            assert_eq!(
                may_share(tlp, &participants(&[1, 2]), &participants(&[1, 2])),
                Ok(())
            );
            assert_eq!(
                may_share(tlp, &Audience::Community, &participants(&[7])),
                Ok(())
            );
            let refusal = may_share(tlp, &participants(&[1, 2]), &participants(&[2, 3, 4]))
                .expect_err("3 and 4 did not receive it");
            assert!(
                refusal
                    .to_string()
                    .contains("with 2 participants who did not receive it"),
                "{refusal}"
            );
            assert!(may_share(tlp, &participants(&[1]), &Audience::Community).is_err());
            assert!(may_share(tlp, &Audience::Community, &Audience::Public).is_err());
        }
    }

    #[test]
    fn red_never_travels() {
        for to in [participants(&[1]), participants(&[]), Audience::Community] {
            assert!(may_share(Tlp::Red, &participants(&[1, 2]), &to).is_err());
        }
    }

    #[test]
    fn audiences_nest_and_unite() {
        assert!(participants(&[1]).is_within(&Audience::Community));
        assert!(Audience::Community.is_within(&Audience::Public));
        assert!(!Audience::Public.is_within(&Audience::Community));
        assert!(!Audience::Community.is_within(&participants(&[1])));
        assert!(Audience::nobody().is_within(&participants(&[])));
        assert_eq!(
            participants(&[1]).union(&participants(&[2])),
            participants(&[1, 2])
        );
        assert_eq!(
            participants(&[1]).union(&Audience::Community),
            Audience::Community
        );
    }
}
