//! `phalanx participant add|list|delete`: the organisations of the node.

use std::process::ExitCode;

use anyhow::Context;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use server::admin::{self, ParticipantRequest};
use store::{Accounts, Participant};

use crate::global::GlobalArgs;
use crate::storage;

/// Arguments of `phalanx participant`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Adds a participant; a government must come from the programme's area (EU, candidate
    /// countries, EFTA, GB, MC, VA).
    Add {
        /// The unique name (`CERT-EU`).
        name: String,
        /// ISO 3166-1 alpha-2 country code (`FR`).
        #[arg(long)]
        country: String,
        /// government, hub or partner.
        #[arg(long)]
        kind: String,
        /// The STIX identity id the organisation already uses (default: a fresh one).
        #[arg(long, value_name = "IDENTITY_ID")]
        identity: Option<String>,
    },
    /// Lists participants.
    List,
    /// Deletes a participant with its users, tokens and grants.
    Delete {
        /// Name or id.
        name: String,
    },
}

/// Runs `phalanx participant`.
///
/// # Errors
///
/// Fails when the store fails or the request is refused (eligibility, taken name).
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    storage::runtime()?.block_on(async {
        let store = storage::open(global).await?;
        match args.command {
            Command::Add {
                name,
                country,
                kind,
                identity,
            } => {
                let participant = admin::add_participant(
                    &store,
                    &ParticipantRequest {
                        name,
                        country,
                        kind,
                        identity,
                    },
                )
                .await
                .context("adding the participant")?;
                print(global, &[participant]);
            }
            Command::List => print(global, &store.participants().await?),
            Command::Delete { name } => {
                let participant = admin::participant(&store, &name).await?;
                store.delete_participant(participant.id).await?;
                if global.json {
                    println!("{}", serde_json::json!({ "deleted": participant.name }));
                } else {
                    println!("deleted participant {}", participant.name);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn print(global: &GlobalArgs, participants: &[Participant]) {
    if global.json {
        let rows: Vec<_> = participants
            .iter()
            .map(|participant| {
                serde_json::json!({
                    "id": participant.id,
                    "name": participant.name,
                    "country": participant.country,
                    "kind": participant.kind,
                    "identity": participant.identity.as_str(),
                    "created": participant.created.to_string(),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return;
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(["name", "country", "kind", "identity", "id"]);
    for participant in participants {
        table.add_row([
            participant.name.clone(),
            format!("{} ({})", participant.country, participant.country.name()),
            participant.kind.to_string(),
            participant.identity.as_str().to_owned(),
            participant.id.to_string(),
        ]);
    }
    println!("{table}");
}
