//! Load generator of the TAXII benchmark: drives any TAXII 2.1 server (Phalanx, medallion)
//! with concurrent clients on one thread and prints one JSON line of figures per run.
//!
//! ```text
//! taxii-loadgen walk  URL AUTH LIMIT                       one client pages through all, checking
//! taxii-loadgen pages URL AUTH LIMIT CLIENTS SECONDS [FIRST LAST]
//!                                                          chains of pages (follow `next`); with FIRST
//!                                                          and LAST (date_added bounds) each chain starts
//!                                                          at a random added_after
//! taxii-loadgen get   URL AUTH IDS_FILE CLIENTS SECONDS    random GET URL{id}/
//! taxii-loadgen post  URL AUTH ENVELOPE_DIR CLIENTS SECONDS STATUS_URL
//!                                                          POST envelopes, then poll STATUS_URL{id}/ until
//!                                                          complete; latency is end to end
//! ```
//!
//! AUTH is the whole `Authorization` header value. Latencies are per request (per envelope,
//! end to end, for `post`); p50 and p99 are read from the sorted latencies.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

const TAXII: &str = "application/taxii+json;version=2.1";

/// How long a request may still run after a scenario's end; one still unanswered then is
/// abandoned and counted as an error (medallion needs minutes for one page at 10,000 objects).
const GRACE: Duration = Duration::from_secs(20);

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct Answer {
    status: u16,
    body: Bytes,
    date_first: Option<String>,
    date_last: Option<String>,
}

async fn send(
    client: &HttpClient,
    method: &str,
    url: &str,
    auth: &str,
    body: Option<Bytes>,
) -> Result<Answer, String> {
    let limit = HARD_DEADLINE.with(|deadline| deadline.get());
    match limit {
        Some(deadline) => tokio::time::timeout_at(
            tokio::time::Instant::from_std(deadline),
            send_now(client, method, url, auth, body),
        )
        .await
        .unwrap_or_else(|_| Err(format!("{url}: no answer {} s after the end of the run", GRACE.as_secs()))),
        None => send_now(client, method, url, auth, body).await,
    }
}

thread_local! {
    static HARD_DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

async fn send_now(
    client: &HttpClient,
    method: &str,
    url: &str,
    auth: &str,
    body: Option<Bytes>,
) -> Result<Answer, String> {
    let mut request = Request::builder()
        .method(method)
        .uri(url)
        .header("Accept", TAXII)
        .header("Authorization", auth);
    if body.is_some() {
        request = request.header("Content-Type", TAXII);
    }
    let request = request
        .body(Full::new(body.unwrap_or_default()))
        .map_err(|error| error.to_string())?;
    let response = client
        .request(request)
        .await
        .map_err(|error| format!("{url}: {error}"))?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let date_first = header("x-taxii-date-added-first");
    let date_last = header("x-taxii-date-added-last");
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| error.to_string())?
        .to_bytes();
    Ok(Answer {
        status,
        body,
        date_first,
        date_last,
    })
}

/// Finds the `next` value of an envelope without parsing the objects: it is written at the
/// start (Phalanx) or the end (medallion) of the body.
fn next_token(body: &[u8]) -> Option<String> {
    let window = |slice: &[u8]| -> Option<String> {
        let text = std::str::from_utf8(slice).ok()?;
        let start = text.find("\"next\"")? + "\"next\"".len();
        let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
        let rest = rest.strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_owned())
    };
    let head = &body[..body.len().min(512)];
    window(head).or_else(|| window(&body[body.len().saturating_sub(512)..]))
}

fn with_query(url: &str, query: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{query}")
}

/// Figures of a run.
#[derive(Default)]
struct Figures {
    latencies_us: Vec<u64>,
    n_errors: u64,
    n_items: u64,
    first_error: Option<String>,
}

impl Figures {
    fn merge(&mut self, other: Figures) {
        self.latencies_us.extend(other.latencies_us);
        self.n_errors += other.n_errors;
        self.n_items += other.n_items;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn error(&mut self, message: String) {
        self.n_errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(message);
        }
    }

    fn report(mut self, mode: &str, clients: usize, elapsed: Duration) -> Value {
        self.latencies_us.sort_unstable();
        let percentile = |p: f64| -> f64 {
            if self.latencies_us.is_empty() {
                return 0.0;
            }
            let idx = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
            self.latencies_us[idx] as f64 / 1000.0
        };
        let seconds = elapsed.as_secs_f64();
        json!({
            "mode": mode,
            "clients": clients,
            "seconds": (seconds * 100.0).round() / 100.0,
            "requests": self.latencies_us.len(),
            "requests_per_second": (self.latencies_us.len() as f64 / seconds * 10.0).round() / 10.0,
            "items_per_second": (self.n_items as f64 / seconds).round(),
            "p50_ms": percentile(0.50),
            "p99_ms": percentile(0.99),
            "max_ms": percentile(1.0),
            "errors": self.n_errors,
            "first_error": self.first_error,
        })
    }
}

/// One client paging through everything, checking that no object is skipped or repeated
/// and that `date_added` strictly increases from page to page.
async fn walk(client: &HttpClient, url: &str, auth: &str, limit: u32) -> Value {
    let started = Instant::now();
    let mut seen: HashSet<String> = HashSet::new();
    let mut n_repeated = 0u64;
    let mut n_pages = 0u64;
    let mut n_order_errors = 0u64;
    let mut last_date: Option<String> = None;
    let mut next: Option<String> = None;
    let mut latencies = Figures::default();
    loop {
        let page_url = match &next {
            Some(next) => with_query(url, &format!("limit={limit}&next={next}")),
            None => with_query(url, &format!("limit={limit}")),
        };
        let sent = Instant::now();
        let answer = match send(client, "GET", &page_url, auth, None).await {
            Ok(answer) if answer.status == 200 => answer,
            Ok(answer) => {
                latencies.error(format!(
                    "{page_url}: {} {}",
                    answer.status,
                    String::from_utf8_lossy(&answer.body)
                ));
                break;
            }
            Err(error) => {
                latencies.error(error);
                break;
            }
        };
        latencies
            .latencies_us
            .push(sent.elapsed().as_micros() as u64);
        n_pages += 1;
        let envelope: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        for object in envelope["objects"].as_array().into_iter().flatten() {
            let id = object["id"].as_str().unwrap_or_default().to_owned();
            if !seen.insert(id) {
                n_repeated += 1;
            }
        }
        if let Some(first) = &answer.date_first {
            if last_date.as_ref().is_some_and(|last| last >= first) {
                n_order_errors += 1;
            }
            last_date.clone_from(&answer.date_last);
        }
        match envelope["next"].as_str() {
            Some(token) if envelope["more"] == true => next = Some(token.to_owned()),
            _ => break,
        }
    }
    let mut report = latencies.report("walk", 1, started.elapsed());
    report["pages"] = json!(n_pages);
    report["distinct_objects"] = json!(seen.len());
    report["repeated_objects"] = json!(n_repeated);
    report["pages_out_of_order"] = json!(n_order_errors);
    report
}

/// Chains of pages: each client follows `next` to the end, then starts again.
async fn pages_client(
    client: HttpClient,
    url: String,
    auth: String,
    limit: u32,
    range: Option<(String, String)>,
    deadline: Instant,
    seed: u64,
) -> Figures {
    let mut figures = Figures::default();
    let mut rng = seed;
    let mut next: Option<String> = None;
    // The filters of the chain's first request, repeated with each `next` (TAXII servers
    // refuse a `next` with other filters).
    let mut filters = String::new();
    while Instant::now() < deadline {
        if next.is_none() {
            filters = match &range {
                Some((first, last)) => {
                    format!("&added_after={}", random_between(&mut rng, first, last))
                }
                None => String::new(),
            };
        }
        let page_url = match &next {
            Some(next) => with_query(&url, &format!("limit={limit}{filters}&next={next}")),
            None => with_query(&url, &format!("limit={limit}{filters}")),
        };
        let sent = Instant::now();
        match send(&client, "GET", &page_url, &auth, None).await {
            Ok(answer) if answer.status == 200 => {
                figures
                    .latencies_us
                    .push(sent.elapsed().as_micros() as u64);
                figures.n_items += count_objects(&answer.body);
                next = next_token(&answer.body);
            }
            Ok(answer) => {
                figures.error(format!("{} {}", answer.status, String::from_utf8_lossy(&answer.body)));
                next = None;
            }
            Err(error) => {
                figures.error(error);
                next = None;
            }
        }
    }
    figures
}

/// Counts the objects of an envelope by their `"id":` keys at the top level of each object
/// (every STIX object has exactly one; nested objects have none).
fn count_objects(body: &[u8]) -> u64 {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    value["objects"].as_array().map_or(0, |objects| objects.len() as u64)
}

/// Returns a timestamp between two RFC 3339 UTC timestamps of the same length (microseconds),
/// picked by a xorshift generator.
fn random_between(rng: &mut u64, first: &str, last: &str) -> String {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    let fraction = (*rng % 1_000_000) as f64 / 1_000_000.0;
    let to_micros = |text: &str| -> i64 {
        // YYYY-MM-DDTHH:MM:SS.ffffffZ, within one day range assumptions avoided: use days.
        let (date, time) = text.trim_end_matches('Z').split_once('T').unwrap_or(("", ""));
        let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
        let (y, m, d) = (
            parts.next().unwrap_or(1970),
            parts.next().unwrap_or(1),
            parts.next().unwrap_or(1),
        );
        let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
        let mut hms = hms.split(':').map(|p| p.parse::<i64>().unwrap_or(0));
        let (h, mi, s) = (
            hms.next().unwrap_or(0),
            hms.next().unwrap_or(0),
            hms.next().unwrap_or(0),
        );
        let micros: i64 = format!("{frac:0<6}")[..6].parse().unwrap_or(0);
        (days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + s) * 1_000_000 + micros
    };
    let (low, high) = (to_micros(first), to_micros(last));
    let at = low + ((high - low) as f64 * fraction) as i64;
    let (days, rest) = (at.div_euclid(86_400_000_000), at.rem_euclid(86_400_000_000));
    let (y, m, d) = civil_from_days(days);
    let seconds = rest / 1_000_000;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        rest % 1_000_000
    )
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

async fn get_client(
    client: HttpClient,
    url: String,
    auth: String,
    ids: std::sync::Arc<Vec<String>>,
    deadline: Instant,
    seed: u64,
) -> Figures {
    let mut figures = Figures::default();
    let mut rng = seed;
    while Instant::now() < deadline {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let id = &ids[(rng % ids.len() as u64) as usize];
        let sent = Instant::now();
        match send(&client, "GET", &format!("{url}{id}/"), &auth, None).await {
            Ok(answer) if answer.status == 200 => {
                figures
                    .latencies_us
                    .push(sent.elapsed().as_micros() as u64);
                figures.n_items += 1;
            }
            Ok(answer) => figures.error(format!("{id}: {}", answer.status)),
            Err(error) => figures.error(error),
        }
    }
    figures
}

async fn post_client(
    client: HttpClient,
    url: String,
    auth: String,
    status_url: String,
    envelopes: std::sync::Arc<Vec<(Bytes, u64)>>,
    next_envelope: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    deadline: Instant,
) -> Figures {
    let mut figures = Figures::default();
    while Instant::now() < deadline {
        let idx = next_envelope.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Each envelope is sent once, so that every object is new to the server.
        let Some((body, n_objects)) = envelopes.get(idx).cloned() else {
            break;
        };
        let sent = Instant::now();
        let mut status = match send(&client, "POST", &url, &auth, Some(body)).await {
            Ok(answer) if answer.status == 202 => {
                serde_json::from_slice::<Value>(&answer.body).unwrap_or(Value::Null)
            }
            Ok(answer) => {
                figures.error(format!("POST {}: {}", answer.status, String::from_utf8_lossy(&answer.body)));
                continue;
            }
            Err(error) => {
                figures.error(error);
                continue;
            }
        };
        while status["status"] == "pending" {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let id = status["id"].as_str().unwrap_or_default();
            match send(&client, "GET", &format!("{status_url}{id}/"), &auth, None).await {
                Ok(answer) if answer.status == 200 => {
                    status = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
                }
                Ok(answer) => {
                    figures.error(format!("status {}", answer.status));
                    break;
                }
                Err(error) => {
                    figures.error(error);
                    break;
                }
            }
        }
        figures
            .latencies_us
            .push(sent.elapsed().as_micros() as u64);
        let succeeded = status["success_count"].as_u64().unwrap_or(0);
        figures.n_items += succeeded;
        if succeeded != n_objects {
            figures.error(format!(
                "envelope {idx}: {succeeded} of {n_objects} succeeded: {}",
                status["failures"].to_string().chars().take(300).collect::<String>()
            ));
        }
    }
    figures
}

fn usage() -> ! {
    eprintln!("usage: see the header of bench/taxii/loadgen/src/main.rs");
    std::process::exit(2)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |idx: usize| args.get(idx).cloned().unwrap_or_else(|| usage());
    let number = |idx: usize| -> u64 { arg(idx).parse().unwrap_or_else(|_| usage()) };
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(256)
        .build_http();
    if let Some(seconds) = args.get(5).and_then(|s| s.parse::<u64>().ok()) {
        let deadline = Instant::now() + Duration::from_secs(seconds) + GRACE;
        HARD_DEADLINE.with(|cell| cell.set(Some(deadline)));
    }
    let report = match arg(0).as_str() {
        "walk" => walk(&client, &arg(1), &arg(2), number(3) as u32).await,
        "pages" => {
            let clients = number(4) as usize;
            let deadline = Instant::now() + Duration::from_secs(number(5));
            let range = args.get(6).zip(args.get(7)).map(|(a, b)| (a.clone(), b.clone()));
            let started = Instant::now();
            let tasks: Vec<_> = (0..clients)
                .map(|n| {
                    tokio::spawn(pages_client(
                        client.clone(),
                        arg(1),
                        arg(2),
                        number(3) as u32,
                        range.clone(),
                        deadline,
                        0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1),
                    ))
                })
                .collect();
            let mut figures = Figures::default();
            for task in tasks {
                figures.merge(task.await.expect("a client task ends"));
            }
            figures.report("pages", clients, started.elapsed())
        }
        "get" => {
            let ids: Vec<String> = std::fs::read_to_string(arg(3))
                .unwrap_or_else(|error| panic!("reading {}: {error}", arg(3)))
                .lines()
                .map(str::to_owned)
                .collect();
            let ids = std::sync::Arc::new(ids);
            let clients = number(4) as usize;
            let deadline = Instant::now() + Duration::from_secs(number(5));
            let started = Instant::now();
            let tasks: Vec<_> = (0..clients)
                .map(|n| {
                    tokio::spawn(get_client(
                        client.clone(),
                        arg(1),
                        arg(2),
                        ids.clone(),
                        deadline,
                        0x2545_F491_4F6C_DD1D ^ (n as u64 + 1),
                    ))
                })
                .collect();
            let mut figures = Figures::default();
            for task in tasks {
                figures.merge(task.await.expect("a client task ends"));
            }
            figures.report("get", clients, started.elapsed())
        }
        "post" => {
            let mut files: Vec<_> = std::fs::read_dir(arg(3))
                .unwrap_or_else(|error| panic!("reading {}: {error}", arg(3)))
                .map(|entry| entry.expect("a directory entry").path())
                .collect();
            files.sort();
            let envelopes: Vec<(Bytes, u64)> = files
                .iter()
                .map(|path| {
                    let text = std::fs::read(path).expect("an envelope file");
                    let value: Value = serde_json::from_slice(&text).expect("an envelope");
                    let n = value["objects"].as_array().map_or(0, Vec::len) as u64;
                    (Bytes::from(text), n)
                })
                .collect();
            let envelopes = std::sync::Arc::new(envelopes);
            let next_envelope = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let clients = number(4) as usize;
            let deadline = Instant::now() + Duration::from_secs(number(5));
            let started = Instant::now();
            let tasks: Vec<_> = (0..clients)
                .map(|_| {
                    tokio::spawn(post_client(
                        client.clone(),
                        arg(1),
                        arg(2),
                        arg(6),
                        envelopes.clone(),
                        next_envelope.clone(),
                        deadline,
                    ))
                })
                .collect();
            let mut figures = Figures::default();
            for task in tasks {
                figures.merge(task.await.expect("a client task ends"));
            }
            figures.report("post", clients, started.elapsed())
        }
        _ => usage(),
    };
    println!("{report}");
}
