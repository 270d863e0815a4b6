//! Runs the IOC conformance cases of `../shared/conformance/ioc_cases.jsonl` (ioc-finder,
//! iocextract and iocsearcher suites) against the extractor, and, given the peers' own outputs
//! on their cases (`bench/extract/peers_cases.py`), scores them with the same comparison.
//!
//! ```text
//! cargo run -p extract --example ioc_conformance -- CASES.jsonl [--peers PEERS.jsonl]
//!     [--failures FAILURES.jsonl] [--known DISAGREEMENTS.tsv] [--min-overall 95]
//! ```
//!
//! Each case says how it is compared (`match`): `exact_all_types` (every type of `types_scope`
//! equal as sets), `exact_for_listed_types` (every type of `expected` equal as sets),
//! `contains` (every expected value among ours) and `contains_any_type` (every expected value
//! among all our values, none of `not_expected`). Lists are compared as sets: the peers return
//! duplicates when several of their regular expressions match the same text.
//!
//! Our findings are shown to each case the way the tool that wrote it names and writes values
//! (its "view"): iocextract without `refang` returns the text as written, ioc-finder groups
//! ATT&CK ids by matrix (compared as a flat set of ids), and its options (`included_ioc_types`,
//! `parse_domain_from_url`, ...) drop the nested findings it would not report.
//!
//! Exits 1 when the overall pass rate is under `--min-overall` or when, for any type, our
//! rate on a peer's cases is under that peer's own rate (peers given with `--peers`) because
//! of a failing case that is not in `--known`, the list of documented disagreements (cases
//! where the peer's expected output is wrong by our rules, or where two peers contradict each
//! other). Known cases still count as failures in every rate printed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::Write;
use std::process::ExitCode;

use extract::{DefangForm, Document, Extractor, Finding, Format, IocKind, Limits};
use serde_json::Value;

type Output = BTreeMap<String, BTreeSet<String>>;

struct Args {
    cases: String,
    peers: Option<String>,
    failures: Option<String>,
    known: Option<String>,
    min_overall: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut cases = None;
    let mut peers = None;
    let mut failures = None;
    let mut known = None;
    let mut min_overall = 95.0;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--peers" => peers = args.next(),
            "--failures" => failures = args.next(),
            "--known" => known = args.next(),
            "--min-overall" => {
                min_overall = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--min-overall needs a number")?;
            }
            other if cases.is_none() => cases = Some(other.to_owned()),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    Ok(Args {
        cases: cases
            .ok_or("usage: ioc_conformance CASES.jsonl [--peers FILE] [--failures FILE]")?,
        peers,
        failures,
        known,
        min_overall,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let text = match fs::read_to_string(&args.cases) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cannot read {}: {error}", args.cases);
            return ExitCode::from(2);
        }
    };
    let peer_outputs = match &args.peers {
        Some(path) => match read_peers(path) {
            Ok(outputs) => Some(outputs),
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let known = match &args.known {
        Some(path) => match read_known(path) {
            Ok(known) => known,
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        },
        None => BTreeMap::new(),
    };
    let extractor = Extractor::new();
    // Failing cases that are not documented disagreements, per (tool, type).
    let mut unexplained: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut stale_known = Vec::new();
    let mut ours = Tally::default();
    let mut peers = Tally::default();
    let mut failures = Vec::new();
    for (line_idx, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Value = match serde_json::from_str(line) {
            Ok(case) => case,
            Err(error) => {
                eprintln!("{}:{}: invalid JSON: {error}", args.cases, line_idx + 1);
                return ExitCode::from(2);
            }
        };
        let id = case["id"].as_str().unwrap_or("?").to_owned();
        let tool = case["tool"]
            .as_str()
            .unwrap_or("?")
            .split(' ')
            .next()
            .unwrap_or("?")
            .to_owned();
        // Our own cases may name a document (`file`, relative to the working directory) in
        // any format the extractor reads; the others give the text.
        let document = match case["file"].as_str() {
            Some(path) => match read_document(path) {
                Ok(document) => document,
                Err(message) => {
                    eprintln!("{id}: {message}");
                    return ExitCode::from(2);
                }
            },
            None => Document::from_text(case["text"].as_str().unwrap_or("")),
        };
        let case_text = document.text.as_str();
        let findings = extractor.extract_document(&document);
        let produced = view(&tool, &case, case_text, &findings);
        let verdict = compare(&case, &produced);
        ours.add(&tool, &verdict);
        if verdict.pass && known.contains_key(&id) {
            stale_known.push(id.clone());
        }
        if !verdict.pass && !known.contains_key(&id) {
            for kind in verdict.failed_types() {
                *unexplained
                    .entry((tool.clone(), kind.to_owned()))
                    .or_default() += 1;
            }
        }
        if !verdict.pass {
            failures.push(serde_json::json!({
                "id": id,
                "tool": tool,
                "failed_types": verdict.failed_types(),
                "known_disagreement": known.get(&id),
                "text": case_text.chars().take(400).collect::<String>(),
                "expected": case["expected"],
                "ours": produced,
            }));
        }
        if let Some(outputs) = &peer_outputs
            && let Some(output) = outputs.get(&id)
        {
            peers.add(&tool, &compare(&case, output));
        }
    }
    println!(
        "IOC conformance: {} cases from {}",
        ours.total.n, args.cases
    );
    println!();
    println!(
        "{:<12} {:>7} {:>7} {:>8}   {:>8}",
        "tool", "cases", "passed", "ours %", "peer %"
    );
    for (tool, count) in &ours.by_tool {
        let peer = peers
            .by_tool
            .get(tool)
            .map_or("-".to_owned(), |c| format!("{:.1}", c.rate()));
        println!(
            "{tool:<12} {:>7} {:>7} {:>8.1}   {peer:>8}",
            count.n,
            count.passed,
            count.rate()
        );
    }
    println!(
        "{:<12} {:>7} {:>7} {:>8.1}",
        "all",
        ours.total.n,
        ours.total.passed,
        ours.total.rate()
    );
    println!();
    println!(
        "{:<12} {:<32} {:>6} {:>7} {:>8}   {:>8}",
        "tool", "type", "cases", "passed", "ours %", "peer %"
    );
    let mut below_peer = Vec::new();
    for ((tool, kind), count) in &ours.by_type {
        let peer = peers.by_type.get(&(tool.clone(), kind.clone()));
        let peer_text = peer.map_or("-".to_owned(), |c| format!("{:.1}", c.rate()));
        let n_unexplained = unexplained
            .get(&(tool.clone(), kind.clone()))
            .copied()
            .unwrap_or(0);
        let mark = match peer {
            Some(peer) if count.rate() + 1e-9 < peer.rate() => {
                if n_unexplained > 0 {
                    below_peer.push(format!("{tool}/{kind}"));
                    "  < peer (unexplained failures)"
                } else {
                    "  < peer (documented disagreements)"
                }
            }
            _ => "",
        };
        println!(
            "{tool:<12} {kind:<32} {:>6} {:>7} {:>8.1}   {peer_text:>8}{mark}",
            count.n,
            count.passed,
            count.rate()
        );
    }
    if let Some(path) = &args.failures {
        let written = fs::File::create(path).and_then(|mut file| {
            for failure in &failures {
                writeln!(file, "{failure}")?;
            }
            Ok(())
        });
        if let Err(error) = written {
            eprintln!("cannot write {path}: {error}");
            return ExitCode::from(2);
        }
        println!();
        println!("{} failing cases listed in {path}", failures.len());
    }
    let overall = ours.total.rate();
    let mut ok = true;
    if overall + 1e-9 < args.min_overall {
        println!(
            "FAIL: overall {overall:.1} % is under the target of {:.1} %",
            args.min_overall
        );
        ok = false;
    }
    if !below_peer.is_empty() {
        println!(
            "FAIL: under the peer that wrote the cases, with failures not in the list of documented disagreements, for: {}",
            below_peer.join(", ")
        );
        ok = false;
    }
    let n_known = failures
        .iter()
        .filter(|failure| !failure["known_disagreement"].is_null())
        .count();
    println!(
        "{} failing cases: {} documented disagreements with the peer that wrote them, {} others",
        failures.len(),
        n_known,
        failures.len() - n_known
    );
    if !stale_known.is_empty() {
        println!(
            "note: now passing, remove from the disagreements list: {}",
            stale_known.join(", ")
        );
    }
    if ok {
        println!(
            "OK: overall {overall:.1} % (target {:.1} %)",
            args.min_overall
        );
    }
    println!(
        "{} passed, {} failed",
        ours.total.passed,
        ours.total.n - ours.total.passed
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Reads the documented disagreements: `case-id<TAB>reason` lines, `#` comments.
fn read_known(path: &str) -> Result<BTreeMap<String, String>, String> {
    let text = fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))?;
    let mut known = BTreeMap::new();
    for (line_idx, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, reason) = line
            .split_once('\t')
            .ok_or_else(|| format!("{path}:{}: expected `case-id<TAB>reason`", line_idx + 1))?;
        known.insert(id.trim().to_owned(), reason.trim().to_owned());
    }
    Ok(known)
}

fn read_document(path: &str) -> Result<Document, String> {
    let bytes = fs::read(path).map_err(|error| format!("cannot read {path}: {error}"))?;
    let format = Format::detect(Some(path), &bytes);
    Document::parse(&bytes, format, &Limits::default()).map_err(|error| format!("{path}: {error}"))
}

fn read_peers(path: &str) -> Result<HashMap<String, Output>, String> {
    let text = fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))?;
    let mut outputs = HashMap::new();
    for (line_idx, line) in text.lines().enumerate() {
        let value: Value = serde_json::from_str(line)
            .map_err(|error| format!("{path}:{}: invalid JSON: {error}", line_idx + 1))?;
        let id = value["id"].as_str().unwrap_or("").to_owned();
        let mut output = Output::new();
        if let Some(map) = value["output"].as_object() {
            for (kind, values) in map {
                output.insert(kind.clone(), values_of(values));
            }
        }
        outputs.insert(id, output);
    }
    Ok(outputs)
}

#[derive(Default)]
struct Count {
    n: usize,
    passed: usize,
}

impl Count {
    fn rate(&self) -> f64 {
        if self.n == 0 {
            100.0
        } else {
            100.0 * self.passed as f64 / self.n as f64
        }
    }
}

#[derive(Default)]
struct Tally {
    total: Count,
    by_tool: BTreeMap<String, Count>,
    by_type: BTreeMap<(String, String), Count>,
}

impl Tally {
    fn add(&mut self, tool: &str, verdict: &Verdict) {
        self.total.n += 1;
        self.total.passed += usize::from(verdict.pass);
        let count = self.by_tool.entry(tool.to_owned()).or_default();
        count.n += 1;
        count.passed += usize::from(verdict.pass);
        for (kind, pass) in &verdict.types {
            let count = self
                .by_type
                .entry((tool.to_owned(), kind.clone()))
                .or_default();
            count.n += 1;
            count.passed += usize::from(*pass);
        }
    }
}

struct Verdict {
    pass: bool,
    types: Vec<(String, bool)>,
}

impl Verdict {
    fn failed_types(&self) -> Vec<&str> {
        self.types
            .iter()
            .filter(|(_, pass)| !pass)
            .map(|(kind, _)| kind.as_str())
            .collect()
    }
}

/// The values of an expected entry: a list, a dict of lists (ATT&CK ids by matrix, flattened),
/// or the Python repr of a set (`"{'1.2.3.4'}"`, as one ioc-finder case writes it).
fn values_of(value: &Value) -> BTreeSet<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Value::Object(map) => map.values().flat_map(values_of).collect(),
        Value::String(text) => {
            let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
            inner
                .split(',')
                .map(|item| item.trim().trim_matches('\'').trim_matches('"').to_owned())
                .filter(|item| !item.is_empty())
                .collect()
        }
        _ => BTreeSet::new(),
    }
}

fn compare(case: &Value, produced: &Output) -> Verdict {
    let empty = BTreeSet::new();
    let expected: BTreeMap<String, BTreeSet<String>> = case["expected"]
        .as_object()
        .map(|map| map.iter().map(|(k, v)| (k.clone(), values_of(v))).collect())
        .unwrap_or_default();
    let mut types = Vec::new();
    match case["match"].as_str().unwrap_or("") {
        "exact_all_types" => {
            let scope: Vec<String> = case["types_scope"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            for kind in scope {
                let want = expected.get(&kind).unwrap_or(&empty);
                let got = produced.get(&kind).unwrap_or(&empty);
                if want.is_empty() && got.is_empty() {
                    continue;
                }
                types.push((kind, want == got));
            }
            if types.is_empty() {
                types.push(("(nothing)".to_owned(), true));
            }
        }
        "exact_for_listed_types" => {
            for (kind, want) in &expected {
                types.push((kind.clone(), produced.get(kind).unwrap_or(&empty) == want));
            }
        }
        "contains" => {
            for (kind, want) in &expected {
                let got = produced.get(kind).unwrap_or(&empty);
                types.push((kind.clone(), want.is_subset(got)));
            }
        }
        "contains_any_type" => {
            let all: BTreeSet<&String> = produced.values().flatten().collect();
            let not_expected: BTreeSet<String> = case["not_expected"]
                .as_object()
                .map(|map| map.values().flat_map(values_of).collect())
                .unwrap_or_default();
            for (kind, want) in &expected {
                let pass = want.iter().all(|v| all.contains(v))
                    && !not_expected.iter().any(|v| all.contains(v));
                types.push((kind.clone(), pass));
            }
        }
        other => types.push((format!("(unknown match {other})"), false)),
    }
    let pass = types.iter().all(|(_, pass)| *pass);
    Verdict { pass, types }
}

/// Our findings as the tool that wrote the case would report them.
fn view(tool: &str, case: &Value, text: &str, findings: &[Finding]) -> Output {
    match tool {
        "iocextract" => iocextract_view(case, text, findings),
        "ioc-finder" => ioc_finder_view(case, text, findings),
        // Our own cases: canonical values, by our kind names.
        "phalanx" => {
            let mut output = Output::new();
            for finding in findings {
                output
                    .entry(finding.kind.as_str().to_owned())
                    .or_default()
                    .insert(finding.value.clone());
            }
            output
        }
        _ => {
            // iocsearcher: our canonical values and the text as written both count.
            let mut output = Output::new();
            for finding in findings {
                let entry = output.entry(finding.kind.as_str().to_owned()).or_default();
                entry.insert(finding.value.clone());
                entry.insert(finding.as_written(text).to_owned());
            }
            output
        }
    }
}

fn option_false(case: &Value, name: &str) -> bool {
    case["options"][name].as_bool() == Some(false)
}

/// Whether a nested finding lies in the host of the URL (or e-mail address) containing it.
fn in_host(finding: &Finding, findings: &[Finding], outer: IocKind) -> bool {
    findings.iter().any(|other| {
        other.kind == outer
            && other.span.start <= finding.span.start
            && finding.span.end <= other.span.end
            && other.host.as_ref().is_some_and(|host| {
                host.start <= finding.span.start && finding.span.end <= host.end
            })
    })
}

/// Whether a finding nested in a URL lies in its query or fragment (ioc-finder's
/// `parse_from_url_path` covers only the path).
fn in_query(finding: &Finding, text: &str, findings: &[Finding]) -> bool {
    findings.iter().any(|url| {
        url.kind == IocKind::Url
            && url.span.start <= finding.span.start
            && finding.span.end <= url.span.end
            && url
                .as_written(text)
                .find(['?', '#'])
                .is_some_and(|idx| url.span.start + idx < finding.span.start)
    })
}

/// ioc-finder's `*_complete` values: the run of non-space characters around the finding (the
/// quote before an address, the `,foo,bar` after a URL).
fn complete(finding: &Finding, text: &str, left: bool, right: bool) -> String {
    let bytes = text.as_bytes();
    let mut start = finding.span.start;
    let mut end = finding.span.end;
    if left {
        while start > 0
            && !bytes[start - 1].is_ascii_whitespace()
            && !matches!(bytes[start - 1], b'<' | b'>')
        {
            start -= 1;
        }
    }
    if right {
        while end < bytes.len()
            && bytes[end] == b','
            && bytes.get(end + 1).is_some_and(|b| !b.is_ascii_whitespace())
        {
            end += 1;
            while end < bytes.len() && !bytes[end].is_ascii_whitespace() && bytes[end] != b',' {
                end += 1;
            }
        }
    }
    // The finding itself as written, refanged when it was defanged, with what surrounds it.
    let middle = if finding.is_defanged() {
        finding.value.as_str()
    } else {
        finding.as_written(text)
    };
    format!(
        "{}{}{}",
        text.get(start..finding.span.start).unwrap_or(""),
        middle,
        text.get(finding.span.end..end).unwrap_or("")
    )
}

fn ioc_finder_view(case: &Value, text: &str, findings: &[Finding]) -> Output {
    let included: Option<BTreeSet<String>> =
        case["options"]["included_ioc_types"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str())
                    .map(|name| match name {
                        "email_addresses" => "emails".to_owned(),
                        "email_addresses_complete" => "emails_complete".to_owned(),
                        other => other.to_owned(),
                    })
                    .collect()
            });
    let mut output = Output::new();
    for finding in findings {
        let within_url = finding.within == Some(IocKind::Url);
        if within_url && finding.kind != IocKind::Url {
            let host = in_host(finding, findings, IocKind::Url);
            if host && option_false(case, "parse_domain_from_url") {
                continue;
            }
            if !host
                && !in_query(finding, text, findings)
                && option_false(case, "parse_from_url_path")
            {
                continue;
            }
        }
        if finding.kind == IocKind::Url
            && !finding.value.contains("://")
            && option_false(case, "parse_urls_without_scheme")
        {
            continue;
        }
        if finding.kind == IocKind::Domain {
            if finding.within == Some(IocKind::Email)
                && option_false(case, "parse_domain_from_email_address")
            {
                continue;
            }
            if finding.within == Some(IocKind::Xmpp)
                && option_false(case, "parse_domain_name_from_xmpp_address")
            {
                continue;
            }
        }
        if finding.kind == IocKind::Ipv4
            && finding.within == Some(IocKind::Ipv4Cidr)
            && option_false(case, "parse_address_from_cidr")
        {
            continue;
        }
        // ioc-finder lower-cases addresses but leaves address literals (`[IPv6:...]`) alone.
        let value = match finding.kind {
            IocKind::Email | IocKind::Xmpp if !finding.value.contains('[') => {
                finding.value.to_lowercase()
            }
            _ => finding.value.clone(),
        };
        let names: Vec<(&str, String)> = match finding.kind {
            IocKind::Email => vec![
                ("emails", value.clone()),
                ("emails_complete", complete(finding, text, true, false)),
            ],
            IocKind::Url => vec![
                ("urls", value.clone()),
                ("urls_complete", complete(finding, text, false, true)),
            ],
            IocKind::Onion => vec![],
            kind => vec![(kind_name(kind), value)],
        };
        for (name, value) in names {
            if included
                .as_ref()
                .is_some_and(|included| !included.contains(name))
            {
                continue;
            }
            output.entry(name.to_owned()).or_default().insert(value);
        }
    }
    output
}

fn kind_name(kind: IocKind) -> &'static str {
    kind.as_str()
}

/// iocextract reports a URL with a defanged host and spaces in it twice: whole (its generic
/// expression allows the spaces) and as far as its bracket expression reaches, which stops at
/// a space (`http://a[.]a /path` also gives `http://a[.]a`; `http:// a[.]a/x` also gives
/// `a[.]a/x`). This derives that second reading from the finding's host offsets.
fn bracket_reading(finding: &Finding, text: &str) -> Option<String> {
    let host = finding.host.clone()?;
    let host_text = text.get(host.clone())?;
    let bracketed = ["[.]", "(.)", "{.}"]
        .iter()
        .any(|dot| host_text.contains(dot));
    if !bracketed || !finding.as_written(text).contains(' ') {
        return None;
    }
    let bytes = text.as_bytes();
    let start = if host.start > finding.span.start && bytes[host.start - 1] == b' ' {
        host.start
    } else {
        finding.span.start
    };
    let end = if bytes.get(host.end) == Some(&b' ') && host.end < finding.span.end {
        host.end
    } else {
        finding.span.end
    };
    text.get(start..end).map(str::to_owned)
}

fn iocextract_view(case: &Value, text: &str, findings: &[Finding]) -> Output {
    let refang = case["options"]["refang"].as_bool() == Some(true);
    let function = case["options"]["iocextract_function"]
        .as_str()
        .unwrap_or("extract_iocs");
    let value_of = |finding: &Finding| {
        if refang {
            finding.value.clone()
        } else {
            finding.as_written(text).to_owned()
        }
    };
    let encoded = |finding: &Finding| {
        finding.defang.contains(DefangForm::Base64)
            || finding.defang.contains(DefangForm::Hex)
            || finding.defang.contains(DefangForm::Percent)
    };
    // iocextract's bracket expression reports a defanged domain on its own as a URL.
    let is_url = |finding: &Finding| {
        finding.kind == IocKind::Url
            || (finding.kind == IocKind::Domain
                && finding.is_defanged()
                && finding.within.is_none())
    };
    let hash = |kind: IocKind| match kind {
        IocKind::Md5 | IocKind::Imphash => Some("md5s"),
        IocKind::Sha1 => Some("sha1s"),
        IocKind::Sha256 | IocKind::Authentihash => Some("sha256s"),
        IocKind::Sha512 => Some("sha512s"),
        _ => None,
    };
    let mut output = Output::new();
    let mut add = |name: &str, value: String| {
        output.entry(name.to_owned()).or_default().insert(value);
    };
    for finding in findings {
        let value = value_of(finding);
        if !refang
            && finding.kind == IocKind::Url
            && matches!(function, "extract_urls" | "extract_iocs")
            && let Some(cut) = bracket_reading(finding, text)
        {
            add(
                if function == "extract_urls" {
                    "urls"
                } else {
                    "any"
                },
                cut,
            );
        }
        match function {
            "extract_urls" if is_url(finding) => add("urls", value),
            "extract_encoded_urls" if finding.kind == IocKind::Url && encoded(finding) => {
                add("urls", value)
            }
            "extract_emails" if matches!(finding.kind, IocKind::Email | IocKind::Xmpp) => {
                add("emails", value)
            }
            "extract_ipv4s" if finding.kind == IocKind::Ipv4 => add("ipv4s", value),
            "extract_ipv6s" if finding.kind == IocKind::Ipv6 => add("ipv6s", value),
            "extract_ips" if matches!(finding.kind, IocKind::Ipv4 | IocKind::Ipv6) => {
                add("ips", value)
            }
            "extract_yara_rules" if finding.kind == IocKind::YaraRule => add("yara_rules", value),
            "extract_hashes" if hash(finding.kind).is_some() => add("hashes", value),
            "extract_iocs" => {
                if is_url(finding)
                    || hash(finding.kind).is_some()
                    || matches!(
                        finding.kind,
                        IocKind::Email
                            | IocKind::Xmpp
                            | IocKind::Ipv4
                            | IocKind::Ipv6
                            | IocKind::YaraRule
                    )
                {
                    add("any", value);
                }
            }
            name => {
                if let Some(kind) = hash(finding.kind)
                    && name == format!("extract_{}_hashes", kind.trim_end_matches('s'))
                {
                    add(kind, value);
                }
            }
        }
    }
    output
}
