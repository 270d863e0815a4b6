//! `phalanx serve`: runs the node (TAXII 2.1 and the admin API) until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use server::{AppState, Config};
use store::Accounts;

use crate::global::GlobalArgs;
use crate::storage;

/// Arguments of `phalanx serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on [default: the config's `listen`, else 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// The node's configuration file (TOML, see `server::config`).
    #[arg(long, value_name = "FILE", env = "PHALANX_CONFIG")]
    config: Option<PathBuf>,
    /// TAXII Add Objects: envelopes with at most N objects are stored before the POST
    /// answers (status `complete`), larger ones in the background (status `pending`)
    /// [default: the config's `limits.max_inline_objects`, else 100].
    #[arg(long, value_name = "N")]
    max_inline_objects: Option<usize>,
}

/// Runs the node until a shutdown signal, then stops gracefully.
///
/// # Errors
///
/// Fails when the configuration, the store or the listener cannot be used.
pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<ExitCode> {
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(max_inline_objects) = args.max_inline_objects {
        config.limits.max_inline_objects = max_inline_objects;
    }
    let listen = args.listen.unwrap_or(config.listen);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let store = storage::open(global).await?;
        if let Some(name) = &config.node.participant {
            anyhow::ensure!(
                store.participant(name).await?.is_some(),
                "the configured node participant {name:?} does not exist: add it with \
                 `phalanx participant add {name} --country CC --kind government|hub|partner`"
            );
        }
        let first_start = store.users().await?.is_empty();
        let state = AppState::new(store, config);
        let bound = server::serve::bind(&state, listen).await?;
        let scheme = if bound.is_tls() { "https" } else { "http" };
        let url = format!("{scheme}://{}", bound.address());
        if global.json {
            println!(
                "{}",
                serde_json::json!({ "listening": url, "taxii": format!("{url}/taxii2/"), "api": format!("{url}/api/v1/") })
            );
        } else {
            eprintln!("phalanx: serving TAXII 2.1 at {url}/taxii2/ and the admin API at {url}/api/v1/ (Ctrl-C stops)");
        }
        if first_start {
            eprintln!(
                "phalanx: no users yet; create the first administrator with\n  \
                 phalanx participant add NAME --country CC --kind government\n  \
                 phalanx user add ADMIN --participant NAME --role admin --password-stdin\n  \
                 phalanx token create --user ADMIN"
            );
        }
        server::serve::serve(state, bound, server::serve::shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}
