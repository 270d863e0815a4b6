//! `phalanx stats`: what the store holds, per collection and per object type.

use std::collections::BTreeMap;
use std::process::ExitCode;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use policy::AccessScope;
use store::Store;

use crate::global::GlobalArgs;
use crate::storage;

/// Arguments of `phalanx stats`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Prints object, version and byte counts per collection and per type.
///
/// # Errors
///
/// Fails when the store cannot be read.
pub fn run(global: &GlobalArgs, _args: Args) -> anyhow::Result<ExitCode> {
    storage::runtime()?.block_on(async {
        let store = storage::open(global).await?;
        let collections = store.collections().await?;
        let stats = store.stats(&AccessScope::unrestricted()).await?;
        if global.json {
            let per_collection: Vec<_> = collections
                .iter()
                .map(|collection| {
                    let (n_objects, n_versions, n_bytes) = stats.totals(Some(collection.id));
                    serde_json::json!({
                        "collection": collection,
                        "n_objects": n_objects,
                        "n_versions": n_versions,
                        "n_bytes": n_bytes,
                        "types": stats.lines.iter()
                            .filter(|line| line.collection == collection.id)
                            .map(|line| serde_json::json!({
                                "type": line.object_type,
                                "n_objects": line.n_objects,
                                "n_versions": line.n_versions,
                                "n_bytes": line.n_bytes,
                            }))
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            let (n_objects, n_versions, n_bytes) = stats.totals(None);
            println!(
                "{}",
                serde_json::json!({
                    "collections": per_collection,
                    "n_objects": n_objects,
                    "n_versions": n_versions,
                    "n_bytes": n_bytes,
                })
            );
            return Ok(ExitCode::SUCCESS);
        }
        let mut by_collection = Table::new();
        by_collection.load_style(UTF8_FULL_CONDENSED).set_header([
            "collection",
            "api root",
            "alias",
            "id",
            "objects",
            "versions",
            "size",
        ]);
        for collection in &collections {
            let (n_objects, n_versions, n_bytes) = stats.totals(Some(collection.id));
            by_collection.add_row([
                collection.title.clone(),
                collection.api_root.clone(),
                collection.alias.clone().unwrap_or_default(),
                collection.id.to_string(),
                n_objects.to_string(),
                n_versions.to_string(),
                human_bytes(n_bytes),
            ]);
        }
        println!("{by_collection}");
        // Per type, over every collection.
        let mut per_type: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
        for line in &stats.lines {
            let counts = per_type.entry(&line.object_type).or_default();
            counts.0 += line.n_objects;
            counts.1 += line.n_versions;
            counts.2 += line.n_bytes;
        }
        let mut by_type = Table::new();
        by_type
            .load_style(UTF8_FULL_CONDENSED)
            .set_header(["type", "objects", "versions", "size"]);
        for (object_type, (n_objects, n_versions, n_bytes)) in &per_type {
            by_type.add_row([
                (*object_type).to_owned(),
                n_objects.to_string(),
                n_versions.to_string(),
                human_bytes(*n_bytes),
            ]);
        }
        let (n_objects, n_versions, n_bytes) = stats.totals(None);
        by_type.add_row([
            "total".to_owned(),
            n_objects.to_string(),
            n_versions.to_string(),
            human_bytes(n_bytes),
        ]);
        println!("{by_type}");
        Ok(ExitCode::SUCCESS)
    })
}

/// Prints a byte count with a binary unit (`45.3 MiB`).
fn human_bytes(n_bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n_bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n_bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn bytes_read_like_humans_write_them() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(46 * 1024 * 1024), "46.0 MiB");
    }
}
