//! Options shared by every command, and the one place that reads environment variables and
//! installs the tracing subscriber.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tracing_subscriber::EnvFilter;

/// Options accepted before or after any command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Directory of the embedded store [default: $XDG_DATA_HOME/phalanx, or
    /// ~/.local/share/phalanx].
    #[arg(long, global = true, env = "PHALANX_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://...); when given, the embedded store is not used.
    #[arg(long, global = true, env = "PHALANX_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Prints machine-readable JSON on stdout instead of tables and prose.
    #[arg(long, global = true)]
    pub json: bool,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl GlobalArgs {
    /// Returns the data directory: `--data-dir`, else the XDG data directory.
    pub fn data_dir(&self) -> PathBuf {
        if let Some(dir) = &self.data_dir {
            return dir.clone();
        }
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
            })
            .unwrap_or_else(|| PathBuf::from("."));
        base.join("phalanx")
    }
}

/// Installs the tracing subscriber on stderr, filtered by `RUST_LOG` (default `warn`).
pub fn install_tracing(global: &GlobalArgs) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match global.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
