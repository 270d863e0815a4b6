//! First start of a node from the command line: the first administrator is made with
//! `participant add`, `user add --password-stdin` and `token create --json`, then
//! `phalanx serve` answers authenticated requests over a real socket and stops gracefully on
//! SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::support::{phalanx, stdout};

/// Sends one HTTP/1.1 request and returns the status code and body.
fn http(address: &str, path: &str, authorization: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("the node accepts connections");
    let auth =
        authorization.map_or_else(String::new, |value| format!("Authorization: {value}\r\n"));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response}"));
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

#[test]
fn first_start_makes_an_admin_from_the_cli_and_serves_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    let refused = phalanx(
        data,
        &[
            "participant",
            "add",
            "US-CERT",
            "--country",
            "US",
            "--kind",
            "government",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("US (United States"), "{message}");
    assert!(message.contains("programme's area"), "{message}");

    let added = phalanx(
        data,
        &[
            "--json",
            "participant",
            "add",
            "CERT-EU",
            "--country",
            "be",
            "--kind",
            "government",
        ],
    );
    assert!(added.status.success(), "{added:?}");
    let participants: Value = serde_json::from_str(&stdout(&added)).unwrap();
    assert_eq!(participants[0]["country"], "BE");

    let mut user = Command::new(env!("CARGO_BIN_EXE_phalanx"))
        .arg("--data-dir")
        .arg(data)
        .args([
            "user",
            "add",
            "admin",
            "--participant",
            "CERT-EU",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env_remove("PHALANX_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    user.stdin
        .take()
        .unwrap()
        .write_all(b"a long admin passphrase\n")
        .unwrap();
    let output = user.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");

    let created = phalanx(
        data,
        &[
            "--json",
            "token",
            "create",
            "--user",
            "admin",
            "--expires",
            "90d",
        ],
    );
    assert!(created.status.success(), "{created:?}");
    let token: Value = serde_json::from_str(&stdout(&created)).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("phx_"));
    let listed = phalanx(data, &["--json", "token", "list"]);
    assert!(
        !stdout(&listed).contains(&token),
        "listings never show a token"
    );

    let collection = phalanx(
        data,
        &[
            "--json",
            "collection",
            "create",
            "Ransomware",
            "--alias",
            "ransomware",
            "--read",
            "CERT-EU",
            "--write",
            "CERT-EU",
        ],
    );
    assert!(collection.status.success(), "{collection:?}");
    let collection: Value = serde_json::from_str(&stdout(&collection)).unwrap();
    assert_eq!(
        collection[0]["access"]["read"],
        serde_json::json!(["CERT-EU"])
    );

    let mut node = Command::new(env!("CARGO_BIN_EXE_phalanx"))
        .arg("--data-dir")
        .arg(data)
        .args(["--json", "serve", "--listen", "127.0.0.1:0"])
        .env_remove("PHALANX_DATABASE_URL")
        .env_remove("PHALANX_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(node.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let started: Value = serde_json::from_str(&line).unwrap();
    let url = started["listening"].as_str().unwrap();
    let address = url.trim_start_matches("http://").to_owned();

    let (status, _) = http(&address, "/api/v1/whoami", None);
    assert_eq!(status, 401);
    let (status, body) = http(&address, "/api/v1/whoami", Some(&format!("Bearer {token}")));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"role\":\"admin\""), "{body}");
    let basic = format!("Basic {}", base64_of("admin:a long admin passphrase"));
    let (status, body) = http(&address, "/taxii2/default/collections/", Some(&basic));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Ransomware"), "{body}");

    // SIGTERM: the node stops by itself, successfully.
    let terminated = Command::new("kill")
        .args(["-TERM", &node.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(node.wait());
    });
    let status = receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("the node stops within 30 s of SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}
