//! `phalanx user add|list|password|delete`: the people and machine accounts of participants.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::Context;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use server::admin::{self, UserRequest};
use store::{Accounts, User};

use crate::global::GlobalArgs;
use crate::storage;

/// Arguments of `phalanx user`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Adds a user (the first admin of a node is made this way).
    Add {
        /// The unique name (no ':').
        name: String,
        /// The participant's name or id.
        #[arg(long)]
        participant: String,
        /// admin, analyst, reader or sync.
        #[arg(long)]
        role: String,
        /// Reads the password (at least 12 characters) from the first line of standard
        /// input; without it the user authenticates with tokens only.
        #[arg(long)]
        password_stdin: bool,
        /// The STIX identity id the person already has (default: a fresh one).
        #[arg(long, value_name = "IDENTITY_ID")]
        identity: Option<String>,
    },
    /// Lists users.
    List,
    /// Sets a user's password, read from the first line of standard input.
    Password {
        /// The user's name.
        name: String,
    },
    /// Deletes a user with its tokens.
    Delete {
        /// The user's name.
        name: String,
    },
}

/// Runs `phalanx user`.
///
/// # Errors
///
/// Fails when the store fails or the request is refused.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    let password = match &args.command {
        Command::Add {
            password_stdin: true,
            ..
        }
        | Command::Password { .. } => Some(read_password()?),
        _ => None,
    };
    storage::runtime()?.block_on(async {
        let store = storage::open(global).await?;
        match args.command {
            Command::Add {
                name,
                participant,
                role,
                identity,
                ..
            } => {
                let user = admin::add_user(
                    &store,
                    UserRequest {
                        name,
                        participant,
                        role,
                        password,
                        identity,
                    },
                )
                .await
                .context("adding the user")?;
                print(global, &[user]);
            }
            Command::List => print(global, &store.users().await?),
            Command::Password { name } => {
                let password = password.expect("read above for this command");
                admin::set_password(&store, &name, password).await?;
                if global.json {
                    println!(
                        "{}",
                        serde_json::json!({ "user": name, "password": "changed" })
                    );
                } else {
                    println!("password of {name} changed");
                }
            }
            Command::Delete { name } => {
                if !store.delete_user(&name).await? {
                    anyhow::bail!("no user is named {name:?}");
                }
                if global.json {
                    println!("{}", serde_json::json!({ "deleted": name }));
                } else {
                    println!("deleted user {name}");
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Reads one line of standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    anyhow::ensure!(!password.is_empty(), "no password on standard input");
    Ok(password)
}

fn print(global: &GlobalArgs, users: &[User]) {
    if global.json {
        let rows: Vec<_> = users
            .iter()
            .map(|user| {
                serde_json::json!({
                    "name": user.name,
                    "participant": user.participant_name,
                    "role": user.role,
                    "identity": user.identity.as_str(),
                    "has_password": user.has_password,
                    "created": user.created.to_string(),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return;
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(["name", "participant", "role", "password", "identity"]);
    for user in users {
        table.add_row([
            user.name.clone(),
            user.participant_name.clone(),
            user.role.to_string(),
            if user.has_password {
                "yes"
            } else {
                "tokens only"
            }
            .to_owned(),
            user.identity.as_str().to_owned(),
        ]);
    }
    println!("{table}");
}
