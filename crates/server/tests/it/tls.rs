//! HTTPS: with a certificate and key configured, the node serves TLS (rustls) on a real
//! socket, and stops when its shutdown signal completes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName};
use server::Config;
use server::config::TlsConfig;

use crate::support::Node;

/// Sends `GET path` over TLS, trusting only `certificate`, and returns the raw response.
fn https_get(address: SocketAddr, certificate: Vec<u8>, path: &str, token: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(certificate)).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(address).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    write!(
        tls,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    // The server may close without close_notify after `Connection: close`; what was read
    // before that is the whole response.
    let _ = tls.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_the_configured_certificate_and_stops_on_signal() {
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let certificate = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&certificate, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let config = Config {
        tls: Some(TlsConfig {
            certificate: certificate.clone(),
            key: key.clone(),
        }),
        ..Config::default()
    };
    let node = Node::with_config(config).await;
    node.participant("CERT-EU", "BE", "government").await;
    node.user("root", "CERT-EU", "admin", None).await;
    let token = node.token("root").await;

    let bound = server::serve::bind(&node.state, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert!(bound.is_tls());
    let address = bound.address();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server::serve::serve(node.state.clone(), bound, async {
        let _ = stopped.await;
    }));
    let der = generated.cert.der().to_vec();
    let response =
        tokio::task::spawn_blocking(move || https_get(address, der, "/api/v1/whoami", &token))
            .await
            .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"user\":\"root\""), "{response}");
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();

    // A missing key is named in the error.
    let broken = Config {
        tls: Some(TlsConfig {
            certificate,
            key: dir.path().join("missing.pem"),
        }),
        ..Config::default()
    };
    let node = Node::with_config(broken).await;
    let Err(error) = server::serve::bind(&node.state, "127.0.0.1:0".parse().unwrap()).await else {
        panic!("a missing key must be refused");
    };
    assert!(error.to_string().contains("missing.pem"), "{error}");
}
