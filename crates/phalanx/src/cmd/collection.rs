//! `phalanx collection create|list|access`: collections and who may read and write them.

use std::process::ExitCode;

use anyhow::Context;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use server::admin::{self, AccessRequest, CollectionRequest};
use store::{Accounts, AnyStore, Collection, CollectionAccess, Store};

use crate::global::GlobalArgs;
use crate::storage;

/// Arguments of `phalanx collection`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

/// Who may read and write, as given on the command line.
#[derive(Debug, clap::Args)]
struct AccessArgs {
    /// Participants that may read (comma-separated names).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "P1,P2",
        conflicts_with = "read_all"
    )]
    read: Vec<String>,
    /// Every participant of the node may read.
    #[arg(long)]
    read_all: bool,
    /// Participants that may add objects, comma-separated names (reading needs --read too;
    /// write without read makes a drop box).
    #[arg(long, value_delimiter = ',', value_name = "P1,P2")]
    write: Vec<String>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Creates a collection (and its API root when missing).
    Create {
        /// The title.
        title: String,
        /// The API root [default: default].
        #[arg(long, value_name = "NAME")]
        api_root: Option<String>,
        /// A short name, unique within the API root.
        #[arg(long)]
        alias: Option<String>,
        /// A description.
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        access: AccessArgs,
    },
    /// Lists collections with who may read and write them.
    List,
    /// Replaces who may read and write a collection (adding readers is refused when AMBER
    /// objects in it would reach participants that did not receive them).
    Access {
        /// The collection's id, alias or title.
        collection: String,
        #[command(flatten)]
        access: AccessArgs,
    },
}

/// Runs `phalanx collection`.
///
/// # Errors
///
/// Fails when the store fails or the request is refused.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    storage::runtime()?.block_on(async {
        let store = storage::open(global).await?;
        let rows = match args.command {
            Command::Create {
                title,
                api_root,
                alias,
                description,
                access,
            } => {
                let created = admin::create_collection(
                    &store,
                    &CollectionRequest {
                        title,
                        api_root,
                        alias,
                        description,
                        access: access_request(access),
                    },
                )
                .await
                .context("creating the collection")?;
                vec![created]
            }
            Command::List => {
                let mut rows = Vec::new();
                for collection in store.collections().await? {
                    let access = store.collection_access(collection.id).await?;
                    rows.push((collection, access));
                }
                rows
            }
            Command::Access { collection, access } => {
                let changed = admin::set_access(&store, &collection, &access_request(access))
                    .await
                    .context("changing the collection's access")?;
                vec![changed]
            }
        };
        print(global, &store, &rows).await?;
        Ok(ExitCode::SUCCESS)
    })
}

fn access_request(args: AccessArgs) -> AccessRequest {
    AccessRequest {
        read_all: args.read_all,
        read: args.read,
        write: args.write,
    }
}

async fn print(
    global: &GlobalArgs,
    store: &AnyStore,
    rows: &[(Collection, CollectionAccess)],
) -> anyhow::Result<()> {
    let mut named = Vec::with_capacity(rows.len());
    for (collection, access) in rows {
        named.push((
            collection,
            access,
            admin::named_access(store, access).await?,
        ));
    }
    if global.json {
        let rows: Vec<_> = named
            .iter()
            .map(|(collection, access, (read, write))| {
                serde_json::json!({
                    "id": collection.id,
                    "api_root": collection.api_root,
                    "title": collection.title,
                    "alias": collection.alias,
                    "description": collection.description,
                    "access": { "read_all": access.read_all, "read": read, "write": write },
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(());
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(["id", "api root", "title", "alias", "read", "write"]);
    for (collection, access, (read, write)) in &named {
        let readers = if access.read_all {
            "every participant".to_owned()
        } else {
            read.join(", ")
        };
        table.add_row([
            collection.id.to_string(),
            collection.api_root.clone(),
            collection.title.clone(),
            collection.alias.clone().unwrap_or_default(),
            readers,
            write.join(", "),
        ]);
    }
    println!("{table}");
    Ok(())
}
