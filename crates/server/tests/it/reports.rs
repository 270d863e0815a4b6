//! Reports: ATT&CK and ATLAS ids resolved against the store (`StoreAttackLookup`, on SQLite
//! and, when `PHALANX_TEST_DATABASE_URL` is set, PostgreSQL), and `POST /api/v1/reports`:
//! who may post, which bodies are read, what is stored (all or nothing).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use policy::AccessScope;
use serde_json::{Value, json};
use server::admin::{AccessRequest, CollectionRequest};
use server::reports::StoreAttackLookup;
use stix::{StixId, StixObject};
use store::{AddOptions, Collection, NewObject, ObjectQuery, Store, VersionMatch};

use crate::support::{Answer, Auth, Node};

const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

const POWERSHELL: &str = "attack-pattern--970a3432-3237-47ad-bcca-7d8cbb217736";
const POWERSHELL_HIDDEN: &str = "attack-pattern--00000000-0000-4000-8000-000000000001";
const OLD_POWERSHELL: &str = "attack-pattern--fb8d023d-45be-47e9-bc51-f56bcae6435b";
const PHISHING_OLD: &str = "attack-pattern--00000000-0000-4000-8000-000000000002";
const PHISHING_NEW: &str = "attack-pattern--a62a8db3-f23a-4d8f-afd6-9dbc77e7813b";
const EXECUTION: &str = "x-mitre-tactic--4ca45d45-df4d-4613-8980-bac22d278fa5";
const MITIGATION: &str = "course-of-action--90c218c3-fbf8-4830-98a7-e8cfb7eaa485";
const APT28: &str = "intrusion-set--bef4c620-0787-42a8-a96d-b7eb6e85917c";
const COBALT: &str = "tool--aafea02e-ece5-4bb2-91a6-3bf8c7f38a39";
const PROMPT_INJECTION: &str = "attack-pattern--00000000-0000-4000-8000-000000000003";
const CITING_REPORT: &str = "report--00000000-0000-4000-8000-000000000004";

/// An object of a MITRE knowledge base: `type`, `id`, external id and source, `modified`.
fn mitre(object_type: &str, id: &str, source: &str, external_id: &str, modified: &str) -> Value {
    let mut value = json!({
        "type": object_type,
        "spec_version": "2.1",
        "id": id,
        "created": "2018-01-01T00:00:00.000Z",
        "modified": modified,
        "name": format!("{object_type} {external_id}"),
        "external_references": [{"source_name": source, "external_id": external_id}],
    });
    if object_type == "malware" {
        value["is_family"] = json!(true);
    }
    value
}

fn object(value: Value) -> NewObject {
    NewObject::from(StixObject::from_value(value).unwrap())
}

async fn collection(node: &Node, title: &str, read: &[&str], write: &[&str]) -> Collection {
    let names = |list: &[&str]| list.iter().map(|name| (*name).to_owned()).collect();
    server::admin::create_collection(
        node.store(),
        &CollectionRequest {
            title: title.to_owned(),
            api_root: None,
            alias: None,
            description: None,
            access: AccessRequest {
                read_all: false,
                read: names(read),
                write: names(write),
            },
        },
    )
    .await
    .unwrap()
    .0
}

/// Stores the knowledge base: a readable collection with the objects the lookup must find
/// (and must pass over), and a collection the scope does not read.
async fn knowledge_base(node: &Node, readers: &[&str]) -> (Collection, Collection) {
    let attack = collection(node, "ATT&CK", readers, &[]).await;
    let hidden = collection(node, "Hidden", &[], &[]).await;
    let mut revoked = mitre(
        "attack-pattern",
        OLD_POWERSHELL,
        "mitre-attack",
        "T1086",
        "2020-01-01T00:00:00.000Z",
    );
    revoked["revoked"] = json!(true);
    let mut citing = mitre(
        "report",
        CITING_REPORT,
        "mitre-attack",
        "T1059.001",
        "2025-01-01T00:00:00.000Z",
    );
    citing["published"] = json!("2025-01-01T00:00:00Z");
    citing["object_refs"] = json!([POWERSHELL]);
    let objects = [
        mitre(
            "attack-pattern",
            POWERSHELL,
            "mitre-attack",
            "T1059.001",
            "2023-01-01T00:00:00.000Z",
        ),
        mitre(
            "attack-pattern",
            POWERSHELL,
            "mitre-attack",
            "T1059.001",
            "2024-04-01T00:00:00.000Z",
        ),
        // The newest version is revoked: the technique is no longer referred to.
        mitre(
            "attack-pattern",
            OLD_POWERSHELL,
            "mitre-attack",
            "T1086",
            "2019-01-01T00:00:00.000Z",
        ),
        revoked,
        // Two objects carry T1566: the one changed last is chosen.
        mitre(
            "attack-pattern",
            PHISHING_OLD,
            "mitre-attack",
            "T1566",
            "2021-01-01T00:00:00.000Z",
        ),
        mitre(
            "attack-pattern",
            PHISHING_NEW,
            "mitre-attack",
            "T1566",
            "2024-01-01T00:00:00.000Z",
        ),
        mitre(
            "x-mitre-tactic",
            EXECUTION,
            "mitre-attack",
            "TA0002",
            "2022-01-01T00:00:00.000Z",
        ),
        mitre(
            "course-of-action",
            MITIGATION,
            "mitre-attack",
            "M1038",
            "2022-01-01T00:00:00.000Z",
        ),
        mitre(
            "intrusion-set",
            APT28,
            "mitre-attack",
            "G0007",
            "2022-01-01T00:00:00.000Z",
        ),
        mitre(
            "tool",
            COBALT,
            "mitre-attack",
            "S0154",
            "2022-01-01T00:00:00.000Z",
        ),
        mitre(
            "attack-pattern",
            PROMPT_INJECTION,
            "mitre-atlas",
            "AML.T0051",
            "2022-01-01T00:00:00.000Z",
        ),
        // A report citing a technique is not the technique.
        citing,
    ];
    node.store()
        .add_objects(&attack, &objects.map(object), &AddOptions::default())
        .await
        .unwrap();
    node.store()
        .add_objects(
            &hidden,
            &[
                object(mitre(
                    "attack-pattern",
                    POWERSHELL_HIDDEN,
                    "mitre-attack",
                    "T1059.001",
                    "2026-01-01T00:00:00.000Z",
                )),
                object(mitre(
                    "attack-pattern",
                    "attack-pattern--00000000-0000-4000-8000-000000000005",
                    "mitre-attack",
                    "T1003",
                    "2022-01-01T00:00:00.000Z",
                )),
            ],
            &AddOptions::default(),
        )
        .await
        .unwrap();
    (attack, hidden)
}

const TEXT: &str = "APT28 (G0007) ran PowerShell (T1059.001, tactic TA0002) after phishing (T1566), \
                    used S0154 and the old T1086; mitigation M1038. LLM prompt injection: AML.T0051. \
                    Credential dumping T1003 is in a collection the reader cannot see.";

async fn lookup_cases(node: &Node) {
    node.participant("CERT-XX", "FR", "government").await;
    let (attack, _hidden) = knowledge_base(node, &["CERT-XX"]).await;
    let findings = extract::Extractor::new().extract(TEXT);
    let scope = AccessScope::principal([attack.id], []);
    let lookup = StoreAttackLookup::resolve(node.store(), &scope, &findings)
        .await
        .unwrap();
    let resolved = |id: &str| extract::AttackLookup::lookup(&lookup, id).map(|id| id.to_string());
    assert_eq!(resolved("T1059.001").as_deref(), Some(POWERSHELL));
    assert_eq!(resolved("TA0002").as_deref(), Some(EXECUTION));
    assert_eq!(resolved("M1038").as_deref(), Some(MITIGATION));
    assert_eq!(resolved("G0007").as_deref(), Some(APT28));
    assert_eq!(resolved("S0154").as_deref(), Some(COBALT));
    assert_eq!(resolved("AML.T0051").as_deref(), Some(PROMPT_INJECTION));
    assert_eq!(resolved("T1566").as_deref(), Some(PHISHING_NEW));
    assert_eq!(resolved("T1086"), None, "revoked");
    assert_eq!(resolved("T1003"), None, "not readable in the scope");
    assert_eq!(lookup.len(), 7);
    let ambiguous = lookup.ambiguous();
    assert_eq!(ambiguous.len(), 1, "{ambiguous:?}");
    assert_eq!(ambiguous[0].external_id, "T1566");
    assert_eq!(ambiguous[0].chosen.as_str(), PHISHING_NEW);
    assert_eq!(ambiguous[0].others, [StixId::parse(PHISHING_OLD).unwrap()]);
    let mut unresolved = lookup.unresolved().to_vec();
    unresolved.sort();
    assert_eq!(unresolved, ["T1003", "T1086"]);
    // Unrestricted, the hidden collection counts too: its newer copy of T1059.001 wins and
    // the visible one is listed as the other candidate.
    let all = StoreAttackLookup::resolve(node.store(), &AccessScope::unrestricted(), &findings)
        .await
        .unwrap();
    assert_eq!(
        extract::AttackLookup::lookup(&all, "T1059.001")
            .map(|id| id.to_string())
            .as_deref(),
        Some(POWERSHELL_HIDDEN)
    );
    assert_eq!(
        extract::AttackLookup::lookup(&all, "T1003")
            .map(|id| id.to_string())
            .as_deref(),
        Some("attack-pattern--00000000-0000-4000-8000-000000000005")
    );
}

#[tokio::test]
async fn lookup_resolves_stored_attack_and_atlas_ids_on_sqlite() {
    lookup_cases(&Node::new().await).await;
}

#[tokio::test]
async fn lookup_resolves_stored_attack_and_atlas_ids_on_postgres() {
    let Some(node) = Node::postgres().await else {
        eprintln!("reports: PostgreSQL SKIPPED (PHALANX_TEST_DATABASE_URL is not set)");
        return;
    };
    lookup_cases(&node).await;
}

/// A node with a `Reports` collection that CERT-XX writes and CERT-YY only reads, the
/// knowledge base readable by both, and a token for each of: alice (analyst, CERT-XX), rita
/// (reader, CERT-XX), yann (analyst, CERT-YY), zoe (analyst, CERT-ZZ, no grant).
struct Setup {
    node: Node,
    reports: Collection,
    alice: Auth,
    rita: Auth,
    yann: Auth,
    zoe: Auth,
}

async fn setup(node: Node) -> Setup {
    for (name, country) in [("CERT-XX", "FR"), ("CERT-YY", "DE"), ("CERT-ZZ", "IT")] {
        node.participant(name, country, "government").await;
    }
    for (user, participant, role) in [
        ("alice", "CERT-XX", "analyst"),
        ("rita", "CERT-XX", "reader"),
        ("yann", "CERT-YY", "analyst"),
        ("zoe", "CERT-ZZ", "analyst"),
    ] {
        node.user(user, participant, role, None).await;
    }
    knowledge_base(&node, &["CERT-XX", "CERT-YY"]).await;
    let reports = collection(&node, "Reports", &["CERT-XX", "CERT-YY"], &["CERT-XX"]).await;
    let alice = Auth::Bearer(node.token("alice").await);
    let rita = Auth::Bearer(node.token("rita").await);
    let yann = Auth::Bearer(node.token("yann").await);
    let zoe = Auth::Bearer(node.token("zoe").await);
    Setup {
        node,
        reports,
        alice,
        rita,
        yann,
        zoe,
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/reports")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

async fn post(
    node: &Node,
    path: &str,
    auth: &Auth,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Answer {
    let Auth::Bearer(token) = auth else {
        panic!("the tests authenticate with tokens");
    };
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    node.send(request.body(Body::from(body)).unwrap()).await
}

/// The latest version of every object of a collection, by id.
async fn stored(node: &Node, collection: &Collection) -> Vec<StixObject> {
    let query = ObjectQuery {
        versions: vec![VersionMatch::Last],
        ..ObjectQuery::collection(collection.id)
    };
    let page = node
        .store()
        .objects(&AccessScope::unrestricted(), &query)
        .await
        .unwrap();
    page.items
        .iter()
        .map(|stored| StixObject::from_json(&stored.json).unwrap())
        .collect()
}

#[tokio::test]
async fn a_writer_posts_a_text_report_and_everything_is_stored() {
    let setup = setup(Node::new().await).await;
    let text = format!(
        "Lantern advisory\n\n{TEXT}\nC2: hxxps://evil-c2[.]ru/gate.php and 203.0.113.7 (documentation), CVE-2021-44228."
    );
    let answer = post(
        &setup.node,
        "/api/v1/reports?collection=Reports&tlp=green",
        &setup.alice,
        Some("text/plain; charset=utf-8"),
        text.into_bytes(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{answer:?}");
    let body = answer.json();
    assert_eq!(body["name"], "Lantern advisory");
    assert_eq!(body["format"], "text");
    assert_eq!(body["collection"], setup.reports.id.to_string());
    assert_eq!(body["n_vulnerabilities"], 1);
    assert_eq!(body["n_attack_references"], 7, "{body}");
    assert_eq!(body["unresolved"], json!(["T1003", "T1086"]));
    assert_eq!(body["ambiguous"][0]["external_id"], "T1566");
    let objects = stored(&setup.node, &setup.reports).await;
    assert_eq!(body["n_objects"], objects.len());
    assert_eq!(body["n_added"], objects.len());
    let report = objects
        .iter()
        .find(|object| object.id().as_str() == body["report_id"])
        .expect("the report is stored");
    let StixObject::Report(report) = report else {
        panic!("{report:?}");
    };
    let refs: Vec<&str> = report.object_refs.iter().map(StixId::as_str).collect();
    for id in [
        POWERSHELL,
        PHISHING_NEW,
        EXECUTION,
        MITIGATION,
        APT28,
        COBALT,
        PROMPT_INJECTION,
    ] {
        assert!(refs.contains(&id), "{id} in {refs:?}");
    }
    assert!(!refs.contains(&OLD_POWERSHELL));
    let patterns: Vec<&str> = objects
        .iter()
        .filter_map(StixObject::as_indicator)
        .map(|indicator| indicator.pattern.as_str())
        .collect();
    assert!(
        patterns.contains(&"[url:value = 'https://evil-c2.ru/gate.php']"),
        "{patterns:?}"
    );
    // The documentation address is marked benign by the extractor: no indicator.
    assert!(
        !patterns
            .iter()
            .any(|pattern| pattern.contains("203.0.113.7")),
        "{patterns:?}"
    );
    for object in &objects {
        let marking: Vec<&str> = object
            .object_marking_refs()
            .iter()
            .map(StixId::as_str)
            .collect();
        assert_eq!(marking, [GREEN], "{}", object.id());
    }
    // Posting the same document again adds nothing new.
    let again = post(
        &setup.node,
        "/api/v1/reports?collection=Reports&tlp=green",
        &setup.alice,
        Some("text/plain"),
        format!("Lantern advisory\n\n{TEXT}\nC2: hxxps://evil-c2[.]ru/gate.php and 203.0.113.7 (documentation), CVE-2021-44228.").into_bytes(),
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED, "{again:?}");
    let again = again.json();
    assert_eq!(again["report_id"], body["report_id"]);
    assert_eq!(again["n_added"], 0);
    // The report is already present; its indicators and vulnerability are kept as stored.
    assert_eq!(again["n_objects"], 1);
    assert_eq!(again["n_already_present"], 1);
    assert_eq!(
        again["n_kept"].as_u64().unwrap() + 1,
        body["n_objects"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn pdf_html_markdown_and_multipart_bodies_are_read() {
    let setup = setup(Node::new().await).await;
    let cases = [
        (
            "application/pdf",
            "briefing.pdf",
            "pdf",
            "Operation Glass Lantern: threat briefing",
        ),
        ("text/html", "advisory.html", "html", ""),
        ("text/markdown", "apt-report.md", "markdown", ""),
    ];
    for (content_type, file, format, title) in cases {
        let answer = post(
            &setup.node,
            "/api/v1/reports?collection=Reports",
            &setup.alice,
            Some(content_type),
            fixture(file),
        )
        .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{file}: {answer:?}");
        let body = answer.json();
        assert_eq!(body["format"], format, "{file}");
        assert!(body["n_indicators"].as_u64().unwrap() > 0, "{file}: {body}");
        if !title.is_empty() {
            assert_eq!(body["name"], title);
        }
    }
    // A multipart upload: the part's file name names the format, the form the collection and
    // title. The same document later under another name and TLP: a new version of the report.
    setup.node.clock.set("2026-11-02T12:00:00Z");
    let boundary = "phalanx-test-boundary";
    let mut form = Vec::new();
    for (name, value) in [
        ("collection", "Reports"),
        ("title", "Uploaded briefing"),
        ("tlp", "amber"),
    ] {
        form.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    form.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"briefing.pdf\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    form.extend_from_slice(&fixture("briefing.pdf"));
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let answer = post(
        &setup.node,
        "/api/v1/reports",
        &setup.alice,
        Some(&format!("multipart/form-data; boundary={boundary}")),
        form,
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{answer:?}");
    let body = answer.json();
    assert_eq!(body["name"], "Uploaded briefing");
    assert_eq!(body["format"], "pdf");
    let objects = stored(&setup.node, &setup.reports).await;
    let report = objects
        .iter()
        .find(|object| object.id().as_str() == body["report_id"])
        .expect("stored");
    let marking: Vec<&str> = report
        .object_marking_refs()
        .iter()
        .map(StixId::as_str)
        .collect();
    assert_eq!(marking, [AMBER]);
    // A new version of the report: `created` as first stored, `modified` now; the indicators
    // and vulnerabilities, already held, are not written again.
    assert_eq!(
        report.created().unwrap(),
        stix::StixTimestamp::parse("2026-11-01T12:00:00Z").unwrap()
    );
    assert_eq!(
        report.modified().unwrap(),
        stix::StixTimestamp::parse("2026-11-02T12:00:00Z").unwrap()
    );
    assert_eq!(body["n_objects"], 1, "{body}");
    assert_eq!(body["n_added"], 1, "{body}");
    // Kept: the indicators, vulnerabilities and the `related-to` relationships between what
    // one sentence names together, all from the first upload.
    let StixObject::Report(new_version) = report else {
        panic!("a report");
    };
    let n_relationships = new_version
        .object_refs
        .iter()
        .filter(|id| id.object_type() == "relationship")
        .count() as u64;
    assert!(n_relationships > 0);
    assert_eq!(
        body["n_kept"],
        body["n_indicators"].as_u64().unwrap()
            + body["n_vulnerabilities"].as_u64().unwrap()
            + n_relationships
    );
    for object in objects
        .iter()
        .filter(|object| object.object_type() == "indicator")
    {
        assert_eq!(
            object.modified().unwrap(),
            stix::StixTimestamp::parse("2026-11-01T12:00:00Z").unwrap(),
            "{}",
            object.id()
        );
    }
}

#[tokio::test]
async fn only_writers_of_the_collection_may_post() {
    let setup = setup(Node::new().await).await;
    let before = stored(&setup.node, &setup.reports).await.len();
    let text = || TEXT.as_bytes().to_vec();
    let path = "/api/v1/reports?collection=Reports";
    // A reader of a participant with write access: its role does not write.
    let answer = post(&setup.node, path, &setup.rita, Some("text/plain"), text()).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{answer:?}");
    // An analyst whose participant only reads the collection.
    let answer = post(&setup.node, path, &setup.yann, Some("text/plain"), text()).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{answer:?}");
    assert!(
        answer.json()["detail"]
            .as_str()
            .unwrap()
            .contains("may read but not write")
    );
    // A participant without any grant: the collection answers as missing.
    let answer = post(&setup.node, path, &setup.zoe, Some("text/plain"), text()).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{answer:?}");
    // No credentials.
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(TEXT))
        .unwrap();
    assert_eq!(
        setup.node.send(request).await.status,
        StatusCode::UNAUTHORIZED
    );
    // No collection named.
    let answer = post(
        &setup.node,
        "/api/v1/reports",
        &setup.alice,
        Some("text/plain"),
        text(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{answer:?}");
    // A bad TLP level.
    let answer = post(
        &setup.node,
        "/api/v1/reports?collection=Reports&tlp=purple",
        &setup.alice,
        Some("text/plain"),
        text(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{answer:?}");
    assert!(answer.json()["detail"].as_str().unwrap().contains("purple"));
    assert_eq!(
        stored(&setup.node, &setup.reports).await.len(),
        before,
        "nothing stored"
    );
}

#[tokio::test]
async fn other_media_types_are_refused_with_415() {
    let setup = setup(Node::new().await).await;
    for content_type in [Some("application/json"), Some("image/png"), None] {
        let answer = post(
            &setup.node,
            "/api/v1/reports?collection=Reports",
            &setup.alice,
            content_type,
            b"{\"text\": \"T1059.001\"}".to_vec(),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}: {answer:?}"
        );
        assert!(
            answer.json()["detail"]
                .as_str()
                .unwrap()
                .contains("application/pdf")
        );
    }
    // A broken PDF is a document that cannot be read: 422, naming why.
    let answer = post(
        &setup.node,
        "/api/v1/reports?collection=Reports",
        &setup.alice,
        Some("application/pdf"),
        b"%PDF-1.7\nnot really".to_vec(),
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{answer:?}"
    );
    assert!(answer.json()["detail"].as_str().unwrap().contains("PDF"));
    assert!(stored(&setup.node, &setup.reports).await.is_empty());
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413_and_nothing_is_stored() {
    let mut config = server::Config::default();
    config.limits.max_content_length = 4096;
    let setup = setup(Node::with_config(config).await).await;
    let big = "C2 at hxxp://evil[.]example.ru/x and 198.51.100.1\n".repeat(200);
    assert!(big.len() > 4096);
    for (content_type, body) in [
        ("text/plain", big.clone().into_bytes()),
        ("multipart/form-data; boundary=b", format!("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.txt\"\r\n\r\n{big}\r\n--b--\r\n").into_bytes()),
    ] {
        let answer = post(&setup.node, "/api/v1/reports?collection=Reports", &setup.alice, Some(content_type), body).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{content_type}: {answer:?}");
        assert!(answer.json()["detail"].as_str().unwrap().contains("4096"), "{answer:?}");
    }
    // Without Content-Length, the limit holds while the body is read.
    let Auth::Bearer(token) = &setup.alice else {
        unreachable!()
    };
    let stream = futures::stream::iter(
        big.into_bytes()
            .chunks(512)
            .map(|chunk| Ok::<_, std::io::Error>(chunk.to_vec()))
            .collect::<Vec<_>>(),
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/reports?collection=Reports")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from_stream(stream))
        .unwrap();
    let answer = setup.node.send(request).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{answer:?}");
    assert!(stored(&setup.node, &setup.reports).await.is_empty());
}

#[tokio::test]
async fn a_conflicting_object_stores_nothing() {
    let setup = setup(Node::new().await).await;
    let text = "Advisory\nC2 at hxxps://evil-c2[.]ru/gate.php, CVE-2021-44228"
        .as_bytes()
        .to_vec();
    let path = "/api/v1/reports?collection=Reports";
    let first = post(
        &setup.node,
        path,
        &setup.alice,
        Some("text/plain"),
        text.clone(),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let n_stored = stored(&setup.node, &setup.reports).await.len();
    // Same ids and times, another name: the report conflicts with the stored version.
    let answer = post(
        &setup.node,
        &format!("{path}&title=Renamed"),
        &setup.alice,
        Some("text/plain"),
        text,
    )
    .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{answer:?}");
    assert!(
        answer.json()["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was stored")
    );
    assert_eq!(stored(&setup.node, &setup.reports).await.len(), n_stored);
}
