//! The onward-sharing check of the write path: before objects are added to a collection,
//! every object version that is already stored elsewhere is leaving the place it was shared
//! in, and [`policy::may_share`] decides whether it may reach the new collection's readers.
//!
//! TAXII's add-objects handler, the CLI's ingest into a named collection and (later)
//! federation call [`onward_sharing_refusals`] with the target collection and the objects,
//! and refuse the objects it names. Widening a collection's readers is checked the same way
//! by [`widening_refusals`].

use std::collections::HashMap;

use policy::{Audience, CollectionId, Refusal, Tlp};
use stix::{StixId, StixObject};

use crate::accounts::{Accounts, CollectionAccess, Placement};
use crate::query::ObjectQuery;
use crate::{Result, Store};

/// An object of a write that may not go to the target collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnwardRefusal {
    /// The object's index in the write.
    pub index: usize,
    /// The object's id.
    pub id: StixId,
    /// Why.
    pub refusal: Refusal,
}

/// Returns the objects of a write into `target` that the onward-sharing policy refuses.
///
/// An object version (id and version) stored in no other collection is a first publication
/// and is not checked here. One stored elsewhere already reached the readers of those
/// collections (`from`); it may reach the target's readers (`to`) only as
/// [`policy::may_share`] allows, at the most restrictive of its stored levels and its own
/// marking (unmarked: `default_tlp`).
///
/// # Errors
///
/// A store error.
pub async fn onward_sharing_refusals<S: Accounts>(
    store: &S,
    target: CollectionId,
    objects: &[StixObject],
    default_tlp: Tlp,
) -> Result<Vec<OnwardRefusal>> {
    let ids: Vec<StixId> = objects.iter().map(|object| object.id().clone()).collect();
    let placements = store.placements(&ids).await?;
    let mut by_version: HashMap<(&str, i64), Vec<&Placement>> = HashMap::new();
    for placement in &placements {
        by_version
            .entry((placement.id.as_str(), placement.version.to_micros()))
            .or_default()
            .push(placement);
    }
    let mut audiences: HashMap<CollectionId, Audience> = HashMap::new();
    let to = store.collection_access(target).await?.audience();
    let mut refusals = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        // Observables have no version of their own: any stored copy of the same id counts.
        let elsewhere: Vec<&Placement> = match object.version() {
            Some(version) => by_version
                .get(&(object.id().as_str(), version.to_micros()))
                .map(|found| found.to_vec())
                .unwrap_or_default(),
            None => placements
                .iter()
                .filter(|placement| placement.id == *object.id())
                .collect(),
        }
        .into_iter()
        .filter(|placement| placement.collection != target)
        .collect();
        if elsewhere.is_empty() {
            continue;
        }
        let own = policy::tlp_of(object).unwrap_or(default_tlp);
        let tlp = elsewhere
            .iter()
            .map(|placement| placement.tlp)
            .fold(own, Tlp::max);
        let mut from = Audience::nobody();
        for placement in &elsewhere {
            let audience = match audiences.get(&placement.collection) {
                Some(audience) => audience.clone(),
                None => {
                    let audience = store
                        .collection_access(placement.collection)
                        .await?
                        .audience();
                    audiences.insert(placement.collection, audience.clone());
                    audience
                }
            };
            from = from.union(&audience);
        }
        if let Err(refusal) = policy::may_share(tlp, &from, &to) {
            refusals.push(OnwardRefusal {
                index,
                id: object.id().clone(),
                refusal,
            });
        }
    }
    Ok(refusals)
}

/// A change of a collection's readers that the policy refuses, with the count of stored
/// versions that would reach new participants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideningRefusal {
    /// The most restrictive level among the versions concerned.
    pub refusal: Refusal,
    /// How many versions of the collection may not reach the new readers.
    pub n_versions: u64,
}

/// Checks a change of `collection`'s access from `current` to `proposed`: when readers are
/// added, every version already in the collection would reach them, so each must be allowed
/// to travel there (CLEAR and GREEN may; AMBER and AMBER+STRICT may not). TLP:RED versions
/// stay readable by their named recipients only, wherever they are, and do not block a
/// widening.
///
/// # Errors
///
/// A store error.
pub async fn widening_refusals<S: Accounts + Store>(
    store: &S,
    collection: CollectionId,
    current: &CollectionAccess,
    proposed: &CollectionAccess,
) -> Result<Option<WideningRefusal>> {
    let from = current.audience();
    let to = proposed.audience();
    if to.is_within(&from) {
        return Ok(None);
    }
    let query = ObjectQuery {
        versions: Vec::new(),
        spec_versions: vec!["2.0".to_owned(), "2.1".to_owned()],
        limit: Some(10_000),
        ..ObjectQuery::collection(collection)
    };
    let mut worst: Option<(Tlp, u64)> = None;
    let mut page = store
        .manifest(&policy::AccessScope::unrestricted(), &query)
        .await?;
    loop {
        for entry in &page.items {
            if entry.tlp == Tlp::Red || policy::may_share(entry.tlp, &from, &to).is_ok() {
                continue;
            }
            worst = Some(match worst {
                Some((tlp, n)) => (tlp.max(entry.tlp), n + 1),
                None => (entry.tlp, 1),
            });
        }
        let Some(next) = page.next else { break };
        page = store
            .manifest(
                &policy::AccessScope::unrestricted(),
                &ObjectQuery {
                    after: Some(next),
                    ..query.clone()
                },
            )
            .await?;
    }
    Ok(worst.map(|(tlp, n_versions)| WideningRefusal {
        refusal: policy::may_share(tlp, &from, &to)
            .expect_err("a version counted here was refused"),
        n_versions,
    }))
}
