//! Running a node: binding the listener (HTTPS with rustls when a certificate is configured),
//! serving [`app`](crate::app), and shutting down gracefully.
//!
//! On the shutdown signal the node stops accepting connections, lets in-flight requests
//! finish (up to `limits.shutdown_grace_seconds`), then cancels [`AppState::shutdown`] and
//! waits, within the same grace, for the background jobs in [`AppState::jobs`].

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;

use crate::state::AppState;

/// Errors starting a node.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address cannot be bound.
    #[error("cannot listen on {address}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The TLS certificate or key cannot be loaded.
    #[error("cannot load the TLS certificate {certificate} or key {key}")]
    Tls {
        /// The certificate file.
        certificate: std::path::PathBuf,
        /// The key file.
        key: std::path::PathBuf,
        /// The IO or PEM error.
        #[source]
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server failed")]
    Io(#[source] std::io::Error),
}

/// A bound but not yet serving node: its address is known (useful with port 0).
pub struct Bound {
    listener: std::net::TcpListener,
    address: SocketAddr,
    tls: Option<RustlsConfig>,
}

impl Bound {
    /// Returns the address the node listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Returns whether the node serves HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }
}

/// Binds `address` and loads the TLS configuration of `state`'s config, if any.
///
/// # Errors
///
/// [`ServeError::Bind`] or [`ServeError::Tls`].
pub async fn bind(state: &AppState, address: SocketAddr) -> Result<Bound, ServeError> {
    let tls = match &state.config.tls {
        Some(tls) => {
            // rustls needs one process-wide crypto provider; `ring` builds everywhere without
            // a C toolchain beyond cc. Installing it twice is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = RustlsConfig::from_pem_file(&tls.certificate, &tls.key)
                .await
                .map_err(|source| ServeError::Tls {
                    certificate: tls.certificate.clone(),
                    key: tls.key.clone(),
                    source,
                })?;
            Some(config)
        }
        None => None,
    };
    let listener = std::net::TcpListener::bind(address)
        .map_err(|source| ServeError::Bind { address, source })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Bind { address, source })?;
    let address = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { address, source })?;
    Ok(Bound {
        listener,
        address,
        tls,
    })
}

/// Serves the node until `shutdown` completes, then shuts down gracefully.
///
/// # Errors
///
/// [`ServeError::Io`] when the server fails.
pub async fn serve(
    state: AppState,
    bound: Bound,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let grace = Duration::from_secs(state.config.limits.shutdown_grace_seconds);
    let handle: Handle<SocketAddr> = Handle::new();
    let watcher = handle.clone();
    let jobs_shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!(
            grace_seconds = grace.as_secs(),
            "shutting down: finishing in-flight requests"
        );
        jobs_shutdown.cancel();
        watcher.graceful_shutdown(Some(grace));
    });
    let limits = state.rate_limits.clone();
    let login_throttle = state.login_throttle.clone();
    let housekeeping = state.shutdown.clone();
    state.jobs.spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                () = housekeeping.cancelled() => break,
                _ = ticks.tick() => {
                    limits.shrink();
                    login_throttle.shrink();
                }
            }
        }
    });
    let jobs = state.jobs.clone();
    let taxii = state.taxii.clone();
    match taxii.recover_interrupted_statuses().await {
        Ok(0) => {}
        Ok(n_statuses) => tracing::warn!(
            n_statuses,
            "completed statuses left pending by a previous run"
        ),
        Err(error) => {
            tracing::warn!(%error, "cannot complete statuses left pending by a previous run")
        }
    }
    let service = crate::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = match bound.tls {
        Some(tls) => {
            axum_server::from_tcp_rustls(bound.listener, tls)
                .map_err(ServeError::Io)?
                .handle(handle)
                .serve(service)
                .await
        }
        None => {
            axum_server::from_tcp(bound.listener)
                .map_err(ServeError::Io)?
                .handle(handle)
                .serve(service)
                .await
        }
    };
    jobs.close();
    let all_jobs = async {
        jobs.wait().await;
        taxii.wait_for_jobs().await;
    };
    if tokio::time::timeout(grace, all_jobs).await.is_err() {
        tracing::warn!(
            n_jobs = jobs.len(),
            "background jobs still running at the end of the grace period"
        );
    }
    tracing::info!("node stopped");
    result.map_err(ServeError::Io)
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
