//! `phalanx token create|list|revoke`: API tokens, shown once at creation.

use std::process::ExitCode;

use anyhow::Context;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use server::admin;
use stix::StixTimestamp;
use store::{Accounts, ApiToken};

use crate::global::GlobalArgs;
use crate::storage;

/// Arguments of `phalanx token`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Creates a token for a user and prints it once (`--json` prints `{"token": ...}`).
    Create {
        /// The user it authenticates.
        #[arg(long)]
        user: String,
        /// How long it is valid (`90d`, `12h`, `1y`); for ever when absent.
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
        /// A label, to tell tokens apart in listings.
        #[arg(long)]
        label: Option<String>,
    },
    /// Lists tokens (never the tokens themselves).
    List {
        /// Only this user's tokens.
        #[arg(long)]
        user: Option<String>,
    },
    /// Revokes a token, by id or prefix.
    Revoke {
        /// The token's id or prefix.
        token: String,
    },
}

/// Runs `phalanx token`.
///
/// # Errors
///
/// Fails when the store fails, or the user or token does not exist.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    storage::runtime()?.block_on(async {
        let store = storage::open(global).await?;
        let now = StixTimestamp::now();
        match args.command {
            Command::Create {
                user,
                expires,
                label,
            } => {
                let valid_for = expires.as_deref().map(admin::parse_validity).transpose()?;
                let created = admin::create_token(&store, &user, label, valid_for, now)
                    .await
                    .context("creating the token")?;
                if global.json {
                    let mut body = listing(&created.token, now);
                    body["token"] = serde_json::json!(created.issued.token);
                    println!("{body}");
                } else {
                    println!("{}", created.issued.token);
                    eprintln!(
                        "token {} for {user}: shown once, it is not stored; use it as \
                         `Authorization: Bearer <token>`",
                        created.token.prefix
                    );
                }
            }
            Command::List { user } => {
                let tokens = store.tokens(user.as_deref()).await?;
                print(global, &tokens, now);
            }
            Command::Revoke { token } => {
                let revoked = store
                    .revoke_token(&token, now)
                    .await?
                    .with_context(|| format!("no token has id or prefix {token:?}"))?;
                print(global, &[revoked], now);
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn listing(token: &ApiToken, now: StixTimestamp) -> serde_json::Value {
    serde_json::json!({
        "id": token.id,
        "user": token.user,
        "prefix": token.prefix,
        "label": token.label,
        "created": token.created.to_string(),
        "expires": token.expires.map(|time| time.to_string()),
        "revoked": token.revoked.map(|time| time.to_string()),
        "last_used": token.last_used.map(|time| time.to_string()),
        "active": server::auth::is_active(token.expires, token.revoked, now),
    })
}

fn print(global: &GlobalArgs, tokens: &[ApiToken], now: StixTimestamp) {
    if global.json {
        let rows: Vec<_> = tokens.iter().map(|token| listing(token, now)).collect();
        println!("{}", serde_json::Value::Array(rows));
        return;
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(["prefix", "user", "label", "expires", "state", "last used"]);
    for token in tokens {
        let state = if token.revoked.is_some() {
            "revoked"
        } else if server::auth::is_active(token.expires, None, now) {
            "active"
        } else {
            "expired"
        };
        table.add_row([
            token.prefix.clone(),
            token.user.clone(),
            token.label.clone().unwrap_or_default(),
            token
                .expires
                .map_or_else(|| "never".to_owned(), |time| time.to_string()),
            state.to_owned(),
            token
                .last_used
                .map_or_else(String::new, |time| time.to_string()),
        ]);
    }
    println!("{table}");
}
