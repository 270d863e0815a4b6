//! A node on a temporary store, accounts to call it with, and requests through `oneshot`.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine;
use http_body_util::BodyExt;
use serde_json::Value;
use server::{AppState, Clock, Config, admin};
use stix::StixTimestamp;
use store::{AnyStore, SqliteStore};
use tower::ServiceExt;

/// Where every test's log lines go: one global subscriber, installed before any server code
/// runs, so that no event is lost to per-thread subscriber races.
static LOGS: OnceLock<Captured> = OnceLock::new();

#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Self;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn install_logs() {
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(captured.clone())
            .with_ansi(false)
            .init();
        captured
    });
}

/// Returns everything logged so far by the tests of this binary.
pub fn captured_logs() -> String {
    install_logs();
    let bytes = LOGS.get().expect("installed").0.lock().unwrap().clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A clock the test sets.
#[derive(Debug)]
pub struct TestClock(pub Mutex<StixTimestamp>);

impl Clock for TestClock {
    fn now(&self) -> StixTimestamp {
        *self.0.lock().unwrap()
    }
}

impl TestClock {
    pub fn set(&self, text: &str) {
        *self.0.lock().unwrap() = StixTimestamp::parse(text).unwrap();
    }
}

/// A node for one test.
pub struct Node {
    pub state: AppState,
    pub clock: Arc<TestClock>,
    _dir: tempfile::TempDir,
}

/// An answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .map_or("", |value| value.to_str().unwrap())
    }
}

/// Credentials for a request.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Basic(String, String),
    Bearer(String),
    Raw(String),
}

impl Node {
    pub async fn new() -> Self {
        Self::with_config(Config::default()).await
    }

    pub async fn with_config(config: Config) -> Self {
        install_logs();
        let dir = tempfile::tempdir().unwrap();
        let store = AnyStore::Sqlite(SqliteStore::open(dir.path()).await.unwrap());
        Self::on(store, config, dir)
    }

    /// A node on PostgreSQL in a fresh schema, when `PHALANX_TEST_DATABASE_URL` is set.
    pub async fn postgres() -> Option<Self> {
        install_logs();
        let url = std::env::var("PHALANX_TEST_DATABASE_URL").ok()?;
        let schema = format!("s_{}", uuid::Uuid::new_v4().simple());
        let store = store::PostgresStore::connect_in_schema(&url, &schema)
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        Some(Self::on(AnyStore::Postgres(store), Config::default(), dir))
    }

    fn on(store: AnyStore, config: Config, dir: tempfile::TempDir) -> Self {
        let clock = Arc::new(TestClock(Mutex::new(
            StixTimestamp::parse("2026-11-01T12:00:00Z").unwrap(),
        )));
        let state = AppState::new(store, config).with_clock(clock.clone());
        Self {
            state,
            clock,
            _dir: dir,
        }
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn store(&self) -> &AnyStore {
        &self.state.store
    }

    pub async fn participant(&self, name: &str, country: &str, kind: &str) -> store::Participant {
        admin::add_participant(
            self.store(),
            &admin::ParticipantRequest {
                name: name.to_owned(),
                country: country.to_owned(),
                kind: kind.to_owned(),
                identity: None,
            },
        )
        .await
        .unwrap()
    }

    pub async fn user(
        &self,
        name: &str,
        participant: &str,
        role: &str,
        password: Option<&str>,
    ) -> store::User {
        admin::add_user(
            self.store(),
            admin::UserRequest {
                name: name.to_owned(),
                participant: participant.to_owned(),
                role: role.to_owned(),
                password: password.map(str::to_owned),
                identity: None,
            },
        )
        .await
        .unwrap()
    }

    pub async fn token(&self, user: &str) -> String {
        admin::create_token(self.store(), user, None, None, self.clock.now())
            .await
            .unwrap()
            .issued
            .token
    }

    /// Sends a request through the real router.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        body: Option<Value>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        match auth {
            Auth::None => {}
            Auth::Basic(user, password) => {
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                request = request.header(header::AUTHORIZATION, format!("Basic {encoded}"));
            }
            Auth::Bearer(token) => {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            Auth::Raw(value) => {
                request = request.header(header::AUTHORIZATION, value.as_str());
            }
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            None => request.body(Body::empty()).unwrap(),
        };
        self.send(request).await
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = server::app(self.state.clone())
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn store_participants(&self) -> usize {
        use store::Accounts;
        self.store().participants().await.unwrap().len()
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Answer {
        self.call(Method::GET, path, auth, None).await
    }

    /// A node with one admin (token-authenticated) of a government participant.
    pub async fn with_admin() -> (Self, Auth) {
        let node = Self::new().await;
        node.participant("CERT-EU", "BE", "government").await;
        node.user("root", "CERT-EU", "admin", None).await;
        let token = node.token("root").await;
        (node, Auth::Bearer(token))
    }
}
