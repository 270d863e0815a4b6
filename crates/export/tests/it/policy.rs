//! The sharing policy on the way out: a RED or AMBER object never appears in a `--public`
//! export, nor in an export made for a principal that may not read it, whatever the format.
//!
//! Each object carries a domain, an address and a hash of its own; the test looks for each
//! of them in every format's output, in every form a format writes them (text, base64 in
//! Suricata datasets, MD5 of the value in MISP feed hash lists, the pattern in STIX and
//! Sentinel output).

use base64::Engine as _;
use export::{ExportItem, Format};
use md5::{Digest, Md5};
use policy::{AccessScope, CollectionId, Tlp};
use stix::{StixId, StixObject};
use uuid::Uuid;

use crate::support::{fixed_options, run};

struct Case {
    object: StixObject,
    collection: CollectionId,
    domain: String,
    address: String,
    hash: String,
}

fn identity(n: u128) -> StixId {
    StixId::from_parts("identity", Uuid::from_u128(n)).unwrap()
}

fn cases(collections: [CollectionId; 2], me: &StixId, other: &StixId) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut n = 0u32;
    for (collection_idx, collection) in collections.iter().enumerate() {
        for tlp in Tlp::ALL {
            let recipients: Vec<Option<&StixId>> = if tlp == Tlp::Red {
                vec![Some(me), Some(other)]
            } else {
                vec![None]
            };
            for recipient in recipients {
                n += 1;
                let domain = format!("policy-{n}.example");
                let address = format!("198.51.{}.7", 100 + n);
                let hash = format!("{:064x}", 0xabcdef00_u64 + u64::from(n));
                let mut value = serde_json::json!({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
                    "created": "2024-05-01T00:00:00.000Z",
                    "modified": "2024-05-01T00:00:00.000Z",
                    "name": format!("{} in collection {collection_idx}", tlp.name()),
                    "pattern": format!("[domain-name:value = '{domain}'] OR [ipv4-addr:value = '{address}'] OR [file:hashes.'SHA-256' = '{hash}']"),
                    "pattern_type": "stix",
                    "valid_from": "2024-05-01T00:00:00Z",
                    "object_marking_refs": [tlp.marking_id().as_str()],
                });
                if let Some(recipient) = recipient {
                    value["x_phalanx_recipients"] = serde_json::json!([recipient.as_str()]);
                }
                cases.push(Case {
                    object: StixObject::from_value(value).unwrap(),
                    collection: *collection,
                    domain,
                    address,
                    hash,
                });
            }
        }
    }
    cases
}

/// The forms in which a format may write the case's values.
fn forms(case: &Case) -> Vec<Vec<u8>> {
    let mut forms = Vec::new();
    for value in [&case.domain, &case.address, &case.hash] {
        forms.push(value.as_bytes().to_vec());
        forms.push(
            base64::engine::general_purpose::STANDARD
                .encode(value)
                .into_bytes(),
        );
        forms.push(hex(&Md5::digest(value.as_bytes())).into_bytes());
    }
    forms.push(case.object.id().as_str().as_bytes().to_vec());
    forms
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Exports in every format and checks, for every case, that it appears exactly when
/// `allowed` says so.
fn check(scope: AccessScope, public: bool, allowed: impl Fn(&Case) -> bool) {
    let me = identity(1);
    let other = identity(2);
    let collections = [
        CollectionId::new(Uuid::from_u128(10)),
        CollectionId::new(Uuid::from_u128(11)),
    ];
    let cases = cases(collections, &me, &other);
    let items: Vec<ExportItem<'_>> = cases
        .iter()
        .map(|case| ExportItem {
            collection: Some(case.collection),
            ..ExportItem::new(&case.object)
        })
        .collect();
    let mut options = fixed_options(scope);
    options.public = public;
    let mut n_allowed = 0;
    for format in Format::ALL {
        let (produced, summary) = run(format, &items, &options);
        let bytes = produced.all_bytes();
        for case in &cases {
            let found = forms(case).iter().any(|form| contains(&bytes, form));
            if allowed(case) {
                n_allowed += 1;
                assert!(found, "{format}: {} should be exported", case.object.id());
            } else {
                assert!(
                    !found,
                    "{format}: {} must not be exported",
                    case.object.id()
                );
            }
        }
        // What the reader may not see is not even counted.
        let n_visible = cases
            .iter()
            .filter(|case| visible(case, &options.scope))
            .count();
        assert_eq!(summary.n_objects, n_visible as u64, "{format}");
    }
    assert!(n_allowed > 0, "the check must see something exported");
}

fn visible(case: &Case, scope: &AccessScope) -> bool {
    scope.can_read_collection(&case.collection)
        && scope.can_read_version(
            policy::tlp_of(&case.object).unwrap(),
            &policy::red_recipients(&case.object),
        )
}

#[test]
fn public_exports_carry_only_tlp_clear() {
    check(AccessScope::unrestricted(), true, |case| {
        policy::tlp_of(&case.object) == Some(Tlp::Clear)
    });
}

#[test]
fn principal_exports_carry_only_what_the_principal_may_read() {
    let scope = AccessScope::principal([CollectionId::new(Uuid::from_u128(10))], [identity(1)]);
    check(scope.clone(), false, |case| visible(case, &scope));
}

#[test]
fn public_principal_exports_carry_only_clear_objects_it_may_read() {
    let scope = AccessScope::principal([CollectionId::new(Uuid::from_u128(10))], [identity(1)]);
    check(scope.clone(), true, |case| {
        visible(case, &scope) && policy::tlp_of(&case.object) == Some(Tlp::Clear)
    });
}
