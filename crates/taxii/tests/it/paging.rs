//! Paging with `limit` and `next`: every object exactly once, in `date_added` order, even
//! while objects are added between pages; `next` bound to its query; `limit` capped.

use axum::http::StatusCode;
use proptest::prelude::*;
use serde_json::{Value, json};
use taxii::TaxiiConfig;

use crate::harness::{Node, indicator, indicator_id, malware, manifest_url, objects_url};

const V1: &str = "2020-01-01T00:00:00.000Z";

/// Pages through `url` with `limit`, returning the ids seen, the number of pages and the
/// number of objects added while paging: `n_added_while_paging`, added to the collection
/// after the first page when another page follows it.
async fn page_through(
    node: &Node,
    url: &str,
    list: &str,
    limit: u32,
    n_added_while_paging: u64,
) -> (Vec<String>, usize, u64) {
    let analyst = node.analyst();
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    let mut n_pages = 0;
    let mut last_date: Option<String> = None;
    let mut n_added = 0;
    loop {
        let query = match &next {
            Some(next) => format!("{url}?limit={limit}&next={next}"),
            None => format!("{url}?limit={limit}"),
        };
        let answer = node.get(&analyst, &query).await;
        assert_eq!(answer.status, StatusCode::OK);
        let page = answer.json();
        let items = page[list].as_array().cloned().unwrap_or_default();
        assert!(items.len() <= limit as usize);
        if let Some(first) = answer.header("x-taxii-date-added-first") {
            assert!(
                last_date.as_deref() < Some(first),
                "pages overlap in date_added"
            );
            last_date = answer.header("x-taxii-date-added-last").map(str::to_owned);
        }
        seen.extend(
            items
                .iter()
                .map(|item| item["id"].as_str().unwrap().to_owned()),
        );
        n_pages += 1;
        if n_pages == 1 && n_added_while_paging > 0 && page.get("next").is_some() {
            n_added = n_added_while_paging;
            let added: Vec<Value> = (0..n_added_while_paging)
                .map(|n| malware(10_000 + n))
                .collect();
            node.add(&node.open, &added).await;
        }
        match page.get("next").and_then(Value::as_str) {
            Some(token) => {
                assert_eq!(page["more"], true);
                next = Some(token.to_owned());
            }
            None => {
                assert_eq!(page.get("more"), None);
                break;
            }
        }
    }
    (seen, n_pages, n_added)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Objects added in batches (each one transaction), paged with any limit, through the
    /// objects and the manifest endpoints: each exactly once, in the order added, and the
    /// objects added while paging come after all of them.
    #[test]
    fn paging_never_skips_or_repeats(
        batches in proptest::collection::vec(0u64..60, 1..4),
        limit in 1u32..40,
        n_added_while_paging in 0u64..5,
        manifest in any::<bool>(),
    ) {
        runtime().block_on(async {
            let node = Node::new().await;
            let mut expected = Vec::new();
            let mut n = 0;
            for size in &batches {
                let batch: Vec<Value> = (n..n + size).map(|n| indicator(n, V1, json!({}))).collect();
                expected.extend((n..n + size).map(indicator_id));
                n += size;
                if !batch.is_empty() {
                    node.add(&node.open, &batch).await;
                }
            }
            let (url, list) = if manifest {
                (manifest_url(&node.open), "objects")
            } else {
                (objects_url(&node.open), "objects")
            };
            let (seen, n_pages, n_added) =
                page_through(&node, &url, list, limit, n_added_while_paging).await;
            let n_expected = expected.len() + n_added as usize;
            prop_assert_eq!(&seen[..expected.len().min(seen.len())], &expected[..]);
            prop_assert_eq!(seen.len(), n_expected);
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), seen.len());
            prop_assert!(n_pages >= n_expected.div_ceil(limit as usize).max(1));
            Ok(())
        })?;
    }
}

#[tokio::test]
async fn next_belongs_to_its_query() {
    let node = Node::new().await;
    let analyst = node.analyst();
    let objects: Vec<Value> = (0..5).map(|n| indicator(n, V1, json!({}))).collect();
    node.add(&node.open, &objects).await;
    let url = objects_url(&node.open);
    let first = node
        .get(&analyst, &format!("{url}?match[type]=indicator&limit=2"))
        .await
        .json();
    let next = first["next"].as_str().unwrap();
    let same = node
        .get(
            &analyst,
            &format!("{url}?match[type]=indicator&limit=2&next={next}"),
        )
        .await;
    assert_eq!(same.status, StatusCode::OK);
    assert_eq!(same.object_versions().len(), 2);
    // A client may change the limit between pages (taxii2-client does).
    let larger = node
        .get(
            &analyst,
            &format!("{url}?match[type]=indicator&limit=10&next={next}"),
        )
        .await;
    assert_eq!(larger.object_versions().len(), 3);
    let other = node
        .get(&analyst, &format!("{url}?match[type]=malware&next={next}"))
        .await;
    assert!(
        other
            .taxii_error(StatusCode::BAD_REQUEST)
            .contains("given for a request with other filters")
    );
    let manifest = node
        .get(
            &analyst,
            &format!(
                "{}?match[type]=indicator&next={next}",
                manifest_url(&node.open)
            ),
        )
        .await;
    manifest.taxii_error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn limit_is_capped_and_defaults_to_the_page_size() {
    let node = Node::with_config(TaxiiConfig {
        default_page_size: 3,
        max_page_size: 4,
        ..TaxiiConfig::default()
    })
    .await;
    let analyst = node.analyst();
    let objects: Vec<Value> = (0..10).map(|n| indicator(n, V1, json!({}))).collect();
    node.add(&node.open, &objects).await;
    let url = objects_url(&node.open);
    let default = node.get(&analyst, &url).await;
    assert_eq!(default.object_versions().len(), 3);
    assert_eq!(default.json()["more"], true);
    let capped = node.get(&analyst, &format!("{url}?limit=100")).await;
    assert_eq!(capped.object_versions().len(), 4);
    let (seen, n_pages, _) = page_through(&node, &url, "objects", 100, 0).await;
    assert_eq!(seen.len(), 10);
    assert_eq!(n_pages, 3);
}
