//! Writing generated Zeek `dns.log` and EVE JSON lines, with plants and their expected
//! matches.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use stix::StixId;

use super::{Corpus, GenIndicator, Kind, Value, WORDS, random_hex, timestamp};

/// A match the generator planted: the line, the field and value as the log holds them
/// (unescaped), and the indicator.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Expected {
    /// The line number, from 1, headers included.
    pub line: u64,
    /// The field, as the matcher names it.
    pub field: String,
    /// The value as written.
    pub value: String,
    /// The indicator it matches.
    pub indicator: StixId,
}

const SUBDOMAINS: &[&str] = &["www", "mail", "cdn", "static", "a1.b2", "x"];
const BACKGROUND_TLDS: &[&str] = &["com", "net", "org", "de", "fr", "co.uk", "io", "gov"];

/// What a plant puts in the log, in the form of the indicator's kind.
enum Planted {
    /// A domain name as written, and its normalised form for the expected-set check.
    Domain(String, String),
    Ip(IpAddr, String),
    Url {
        host: String,
        target: String,
        port: Option<u16>,
    },
    Hash {
        algo: &'static str,
        written: String,
    },
    Email {
        written: String,
        normalised: String,
    },
}

struct Plant<'a> {
    idx: u32,
    indicator: &'a GenIndicator,
    planted: Planted,
}

pub(super) fn write_zeek_dns(
    corpus: &Corpus,
    mut out: impl Write,
    lines: u64,
) -> io::Result<Vec<Expected>> {
    let spec = corpus.spec;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x5eed_0000_0000_d115);
    let mut expected = Vec::new();
    let open = zeek_date(spec.start_micros);
    let header = format!(
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t{open}\n\
         #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n\
         #types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n"
    );
    out.write_all(header.as_bytes())?;
    let header_lines = 8;
    let mut line = String::with_capacity(512);
    for idx in 0..lines {
        let line_no = header_lines + idx + 1;
        let micros = spec.start_micros + i64::try_from(idx).unwrap_or(i64::MAX) * spec.step_micros;
        let plant = (rng.random_range(0..spec.plant_every) == 0)
            .then(|| {
                choose_plant(
                    corpus,
                    &mut rng,
                    &[Kind::Domain, Kind::Ipv4, Kind::Ipv6],
                    false,
                )
            })
            .flatten();
        let mut query = background_domain(&mut rng);
        let mut qtype = ("1", "A");
        let mut answers: Vec<String> = (0..rng.random_range(0..3u32))
            .map(|_| background_v4(&mut rng).to_string())
            .collect();
        let mut resp_h = if rng.random_bool(0.5) {
            "9.9.9.9".to_owned()
        } else {
            "192.168.1.1".to_owned()
        };
        let mut planted_field = None;
        if let Some(plant) = &plant {
            match &plant.planted {
                Planted::Domain(written, _) => {
                    if rng.random_range(0..5u32) == 0 {
                        answers.insert(0, written.clone());
                        planted_field = Some(("answers", written.clone()));
                    } else {
                        query = written.clone();
                        planted_field = Some(("query", written.clone()));
                    }
                }
                Planted::Ip(addr, written) => {
                    if addr.is_ipv4() && rng.random_range(0..5u32) == 0 {
                        resp_h = written.clone();
                        planted_field = Some(("id.resp_h", written.clone()));
                    } else {
                        if addr.is_ipv6() {
                            qtype = ("28", "AAAA");
                        }
                        answers.push(written.clone());
                        planted_field = Some(("answers", written.clone()));
                    }
                }
                Planted::Url { .. } | Planted::Hash { .. } | Planted::Email { .. } => {}
            }
        }
        if let (Some(plant), Some((field, value))) = (&plant, planted_field) {
            push_expected(corpus, plant, line_no, micros, field, &value, &mut expected);
        }
        line.clear();
        let ttls = if answers.is_empty() {
            "-".to_owned()
        } else {
            vec!["300.000000"; answers.len()].join(",")
        };
        let answers = if answers.is_empty() {
            "-".to_owned()
        } else {
            answers.join(",")
        };
        let _ = writeln!(
            line,
            "{}\t{}\t{}\t{}\t{resp_h}\t53\tudp\t{}\t0.{:06}\t{query}\t1\tC_INTERNET\t{}\t{}\t0\tNOERROR\tF\tF\tT\tT\t0\t{answers}\t{ttls}\tF",
            zeek_time(micros),
            uid(&mut rng),
            client_v4(&mut rng),
            rng.random_range(1024..65535u32),
            rng.random_range(0..65535u32),
            rng.random_range(0..999_999u32),
            qtype.0,
            qtype.1,
        );
        out.write_all(line.as_bytes())?;
    }
    writeln!(
        out,
        "#close\t{}",
        zeek_date(spec.start_micros + i64::try_from(lines).unwrap_or(0) * spec.step_micros)
    )?;
    Ok(expected)
}

pub(super) fn write_eve(
    corpus: &Corpus,
    mut out: impl Write,
    lines: u64,
) -> io::Result<Vec<Expected>> {
    let spec = corpus.spec;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x5eed_0000_0000_e7e0);
    let mut expected = Vec::new();
    let mut line = String::with_capacity(1024);
    let all_kinds = [
        Kind::Domain,
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Url,
        Kind::Hash,
        Kind::Email,
    ];
    for idx in 0..lines {
        let line_no = idx + 1;
        let micros = spec.start_micros + i64::try_from(idx).unwrap_or(i64::MAX) * spec.step_micros;
        let plant = (rng.random_range(0..spec.plant_every) == 0)
            .then(|| choose_plant(corpus, &mut rng, &all_kinds, true))
            .flatten();
        let mut found: Vec<(&'static str, String)> = Vec::new();
        line.clear();
        let event = match plant.as_ref().map(|plant| &plant.planted) {
            None => match rng.random_range(0..100u32) {
                0..35 => "dns",
                35..50 => "http",
                50..65 => "tls",
                65..85 => "flow",
                85..92 => "fileinfo",
                92..97 => "alert",
                _ => "smtp",
            },
            Some(Planted::Domain(..)) => ["dns", "dns", "http", "tls"][rng.random_range(0..4usize)],
            Some(Planted::Ip(..)) => ["dns", "flow", "alert"][rng.random_range(0..3usize)],
            Some(Planted::Url { .. }) => "http",
            Some(Planted::Hash { .. }) => "fileinfo",
            Some(Planted::Email { .. }) => "smtp",
        };
        let mut src = IpAddr::V4(client_v4(&mut rng));
        let mut dest = if rng.random_range(0..10u32) == 0 {
            background_v6(&mut rng)
        } else {
            IpAddr::V4(background_v4(&mut rng))
        };
        if let Some(Planted::Ip(addr, written)) = plant.as_ref().map(|plant| &plant.planted)
            && event != "dns"
        {
            if rng.random_bool(0.5) {
                dest = *addr;
                found.push(("dest_ip", written.clone()));
            } else {
                src = *addr;
                found.push(("src_ip", written.clone()));
            }
        }
        let proto = if event == "dns" { "UDP" } else { "TCP" };
        let _ = write!(
            line,
            "{{\"timestamp\":\"{}\",\"flow_id\":{},\"in_iface\":\"eth0\",\"event_type\":\"{event}\",\"src_ip\":\"{}\",\"src_port\":{},\"dest_ip\":\"{}\",\"dest_port\":{},\"proto\":\"{proto}\"",
            eve_time(micros),
            rng.random_range(1_000_000_000_000u64..9_000_000_000_000_000u64),
            ip_text(&src, plant.as_ref(), &found, "src_ip"),
            rng.random_range(1024..65535u32),
            ip_text(&dest, plant.as_ref(), &found, "dest_ip"),
            match event {
                "dns" => 53,
                "http" | "fileinfo" => 80,
                "tls" => 443,
                "smtp" => 25,
                _ => rng.random_range(1..65535u32),
            },
        );
        match event {
            "dns" => write_eve_dns(&mut line, &mut rng, plant.as_ref(), &mut found),
            "http" => {
                line.push_str(",\"tx_id\":0,");
                write_eve_http(&mut line, &mut rng, plant.as_ref(), &mut found);
            }
            "tls" => write_eve_tls(&mut line, &mut rng, plant.as_ref(), &mut found),
            "flow" => write_eve_flow(&mut line, &mut rng, micros),
            "fileinfo" => {
                line.push(',');
                write_eve_http(&mut line, &mut rng, None, &mut found);
                write_eve_fileinfo(&mut line, &mut rng, plant.as_ref(), &mut found);
            }
            "alert" => write_eve_alert(&mut line, &mut rng),
            _ => write_eve_smtp(&mut line, &mut rng, plant.as_ref(), &mut found),
        }
        line.push_str("}\n");
        if let Some(plant) = &plant {
            for (field, value) in &found {
                push_expected(corpus, plant, line_no, micros, field, value, &mut expected);
            }
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(expected)
}

/// The text of an address field: the plant's own spelling when the address is the plant.
fn ip_text(
    addr: &IpAddr,
    plant: Option<&Plant<'_>>,
    found: &[(&'static str, String)],
    field: &str,
) -> String {
    if plant.is_some()
        && let Some((_, written)) = found.iter().find(|(name, _)| *name == field)
    {
        return written.clone();
    }
    addr.to_string()
}

fn write_eve_dns(
    line: &mut String,
    rng: &mut ChaCha8Rng,
    plant: Option<&Plant<'_>>,
    found: &mut Vec<(&'static str, String)>,
) {
    let mut rrname = json_string(&background_domain(rng), false);
    let mut rrtype = "A";
    let mut rdata = background_v4(rng).to_string();
    match plant.map(|plant| &plant.planted) {
        Some(Planted::Domain(written, _)) => {
            rrname = json_string(written, rng.random_bool(0.5));
            found.push(("dns.rrname", written.clone()));
        }
        Some(Planted::Ip(addr, written)) => {
            rdata.clone_from(written);
            if addr.is_ipv6() {
                rrtype = "AAAA";
            }
        }
        _ => {}
    }
    let is_answer =
        plant.is_some_and(|plant| matches!(plant.planted, Planted::Ip(..))) || rng.random_bool(0.5);
    if !is_answer {
        let _ = write!(
            line,
            ",\"dns\":{{\"type\":\"query\",\"id\":{},\"rrname\":{rrname},\"rrtype\":\"{rrtype}\",\"tx_id\":0,\"opcode\":0}}",
            rng.random_range(0..65535u32)
        );
        return;
    }
    if let Some(Planted::Domain(written, _)) = plant.map(|plant| &plant.planted) {
        found.push(("dns.answers.rrname", written.clone()));
    }
    if let Some(Planted::Ip(_, written)) = plant.map(|plant| &plant.planted) {
        found.push(("dns.answers.rdata", written.clone()));
        found.push((
            if rrtype == "A" {
                "dns.grouped.A"
            } else {
                "dns.grouped.AAAA"
            },
            written.clone(),
        ));
    }
    let _ = write!(
        line,
        ",\"dns\":{{\"version\":2,\"type\":\"answer\",\"id\":{},\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"rrname\":{rrname},\"rrtype\":\"{rrtype}\",\"rcode\":\"NOERROR\",\"answers\":[{{\"rrname\":{rrname},\"rrtype\":\"{rrtype}\",\"ttl\":{},\"rdata\":\"{rdata}\"}}],\"grouped\":{{\"{rrtype}\":[\"{rdata}\"]}}}}",
        rng.random_range(0..65535u32),
        rng.random_range(1..86400u32),
    );
}

fn write_eve_http(
    line: &mut String,
    rng: &mut ChaCha8Rng,
    plant: Option<&Plant<'_>>,
    found: &mut Vec<(&'static str, String)>,
) {
    let mut hostname = json_string(&background_domain(rng), false);
    let mut url = format!(
        "/{}/{}.html",
        WORDS[rng.random_range(0..WORDS.len())],
        rng.random_range(0..100_000u32)
    );
    let mut port = String::new();
    match plant.map(|plant| &plant.planted) {
        Some(Planted::Domain(written, _)) => {
            hostname = json_string(written, rng.random_bool(0.5));
            found.push(("http.hostname", written.clone()));
        }
        Some(Planted::Url {
            host,
            target,
            port: planted_port,
        }) => {
            hostname = json_string(host, false);
            url.clone_from(target);
            let value = if target
                .get(..7)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
            {
                target.clone()
            } else {
                match planted_port {
                    Some(80) | None => format!("http://{host}{target}"),
                    Some(other) => format!("http://{host}:{other}{target}"),
                }
            };
            if let Some(planted_port) = planted_port {
                port = format!(",\"http_port\":{planted_port}");
            }
            found.push(("url", value));
        }
        _ => {}
    }
    let _ = write!(
        line,
        "\"http\":{{\"hostname\":{hostname}{port},\"url\":{},\"http_user_agent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36\",\"http_content_type\":\"text/html\",\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":{}}}",
        json_string(&url, false),
        rng.random_range(100..100_000u32),
    );
}

fn write_eve_tls(
    line: &mut String,
    rng: &mut ChaCha8Rng,
    plant: Option<&Plant<'_>>,
    found: &mut Vec<(&'static str, String)>,
) {
    let mut sni = json_string(&background_domain(rng), false);
    if let Some(Planted::Domain(written, _)) = plant.map(|plant| &plant.planted) {
        sni = json_string(written, rng.random_bool(0.5));
        found.push(("tls.sni", written.clone()));
    }
    let _ = write!(
        line,
        ",\"tls\":{{\"subject\":\"CN={}\",\"issuerdn\":\"C=US, O=Let's Encrypt, CN=R3\",\"serial\":\"{}\",\"fingerprint\":\"{}\",\"sni\":{sni},\"version\":\"TLS 1.2\",\"notbefore\":\"2023-11-01T00:00:00\",\"notafter\":\"2024-02-01T00:00:00\",\"ja3\":{{\"hash\":\"{}\"}},\"ja3s\":{{\"hash\":\"{}\"}}}}",
        background_domain(rng),
        random_hex(rng, 8),
        random_hex(rng, 20),
        random_hex(rng, 16),
        random_hex(rng, 16),
    );
}

fn write_eve_flow(line: &mut String, rng: &mut ChaCha8Rng, micros: i64) {
    let _ = write!(
        line,
        ",\"app_proto\":\"failed\",\"flow\":{{\"pkts_toserver\":{},\"pkts_toclient\":{},\"bytes_toserver\":{},\"bytes_toclient\":{},\"start\":\"{}\",\"end\":\"{}\",\"age\":{},\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false}}",
        rng.random_range(1..100u32),
        rng.random_range(1..100u32),
        rng.random_range(60..100_000u32),
        rng.random_range(60..100_000u32),
        eve_time(micros - 30_000_000),
        eve_time(micros),
        rng.random_range(0..60u32),
    );
}

fn write_eve_fileinfo(
    line: &mut String,
    rng: &mut ChaCha8Rng,
    plant: Option<&Plant<'_>>,
    found: &mut Vec<(&'static str, String)>,
) {
    let mut md5 = random_hex(rng, 16);
    let mut sha1 = random_hex(rng, 20);
    let mut sha256 = random_hex(rng, 32);
    if let Some(Planted::Hash { algo, written }) = plant.map(|plant| &plant.planted) {
        match *algo {
            "MD5" => {
                md5.clone_from(written);
                found.push(("fileinfo.md5", written.clone()));
            }
            "SHA-1" => {
                sha1.clone_from(written);
                found.push(("fileinfo.sha1", written.clone()));
            }
            _ => {
                sha256.clone_from(written);
                found.push(("fileinfo.sha256", written.clone()));
            }
        }
    }
    let _ = write!(
        line,
        ",\"app_proto\":\"http\",\"fileinfo\":{{\"filename\":\"/{}.exe\",\"magic\":\"PE32 executable (GUI) Intel 80386, for MS Windows\",\"gaps\":false,\"state\":\"CLOSED\",\"md5\":\"{md5}\",\"sha1\":\"{sha1}\",\"sha256\":\"{sha256}\",\"stored\":false,\"size\":{},\"tx_id\":0}}",
        WORDS[rng.random_range(0..WORDS.len())],
        rng.random_range(1000..10_000_000u32),
    );
}

fn write_eve_alert(line: &mut String, rng: &mut ChaCha8Rng) {
    let _ = write!(
        line,
        ",\"alert\":{{\"action\":\"allowed\",\"gid\":1,\"signature_id\":{},\"rev\":3,\"signature\":\"ET POLICY Suspicious outbound connection\",\"category\":\"Potentially Bad Traffic\",\"severity\":2}}",
        rng.random_range(2_000_000..2_100_000u32),
    );
}

fn write_eve_smtp(
    line: &mut String,
    rng: &mut ChaCha8Rng,
    plant: Option<&Plant<'_>>,
    found: &mut Vec<(&'static str, String)>,
) {
    let mut mail_from = format!(
        "<{}@{}>",
        WORDS[rng.random_range(0..WORDS.len())],
        background_domain(rng)
    );
    let mut rcpt_to = format!(
        "<{}@{}>",
        WORDS[rng.random_range(0..WORDS.len())],
        background_domain(rng)
    );
    let mut from = format!(
        "\"Sender\" <{}@{}>",
        WORDS[rng.random_range(0..WORDS.len())],
        background_domain(rng)
    );
    if let Some(Planted::Email { written, .. }) = plant.map(|plant| &plant.planted) {
        match rng.random_range(0..3u32) {
            0 => {
                mail_from.clone_from(written);
                found.push(("smtp.mail_from", written.clone()));
            }
            1 => {
                rcpt_to.clone_from(written);
                found.push(("smtp.rcpt_to", written.clone()));
            }
            _ => {
                from.clone_from(written);
                found.push(("email.from", written.clone()));
            }
        }
    }
    let _ = write!(
        line,
        ",\"tx_id\":0,\"smtp\":{{\"helo\":\"{}\",\"mail_from\":{},\"rcpt_to\":[{}]}},\"email\":{{\"status\":\"PARSE_DONE\",\"from\":{},\"to\":[{}]}}",
        background_domain(rng),
        json_string(&mail_from, false),
        json_string(&rcpt_to, false),
        json_string(&from, false),
        json_string(&rcpt_to, false),
    );
    if let Some((field, value)) = found.last()
        && *field == "smtp.rcpt_to"
    {
        // `rcpt_to` is also written as `email.to`.
        let value = value.clone();
        found.push(("email.to", value));
    }
}

/// Picks an indicator of one of `kinds` and a variant of its value to plant.
fn choose_plant<'a>(
    corpus: &'a Corpus,
    rng: &mut ChaCha8Rng,
    kinds: &[Kind],
    unicode_ok: bool,
) -> Option<Plant<'a>> {
    let kind = kinds[rng.random_range(0..kinds.len())];
    let candidates = &corpus.by_kind[kind as usize];
    if candidates.is_empty() {
        return None;
    }
    let idx = candidates[rng.random_range(0..candidates.len())];
    let indicator = &corpus.indicators[idx as usize];
    let value = match &indicator.superseded {
        Some(old) if rng.random_range(0..4u32) == 0 => old,
        _ => &indicator.value,
    };
    let planted = match value {
        Value::Domain { pattern, ascii, .. } => {
            let use_unicode = unicode_ok && pattern != ascii && rng.random_bool(0.5);
            let base = if use_unicode {
                pattern.clone()
            } else {
                ascii.clone()
            };
            let mut name = if rng.random_range(0..5u32) < 2 {
                format!(
                    "{}.{base}",
                    SUBDOMAINS[rng.random_range(0..SUBDOMAINS.len())]
                )
            } else {
                base
            };
            name = match rng.random_range(0..4u32) {
                0 => name.to_uppercase(),
                1 => mixed_case(&name, rng),
                _ => name,
            };
            if rng.random_range(0..5u32) == 0 {
                name.push('.');
            }
            let normalised = crate::normalize::domain(&name).expect("planted names are valid");
            Planted::Domain(name, normalised)
        }
        Value::Ipv4 { addr, len } => {
            let host_bits = 32 - u32::from(*len);
            let offset = if host_bits == 0 {
                0
            } else {
                rng.random_range(0..(1u32 << host_bits))
            };
            let addr = Ipv4Addr::from(addr.to_bits() + offset);
            Planted::Ip(IpAddr::V4(addr), addr.to_string())
        }
        Value::Ipv6 { addr, len } => {
            let host_bits = 128 - u32::from(*len);
            let offset = if host_bits == 0 {
                0
            } else {
                rng.random::<u128>() & ((1u128 << host_bits) - 1)
            };
            let addr = Ipv6Addr::from(addr.to_bits() + offset);
            let written = match rng.random_range(0..3u32) {
                0 => addr.to_string().to_uppercase(),
                1 => addr
                    .segments()
                    .iter()
                    .map(|segment| format!("{segment:04x}"))
                    .collect::<Vec<_>>()
                    .join(":"),
                _ => addr.to_string(),
            };
            Planted::Ip(IpAddr::V6(addr), written)
        }
        Value::Url { host, path } => {
            let host = match rng.random_range(0..3u32) {
                0 => host.to_uppercase(),
                1 => mixed_case(host, rng),
                _ => host.clone(),
            };
            let mut target = match rng.random_range(0..3u32) {
                0 => path.replace('~', "%7e"),
                1 => path.replace("%2F", "%2f"),
                _ => path.clone(),
            };
            let port = match rng.random_range(0..4u32) {
                0 => Some(80),
                _ => None,
            };
            if rng.random_range(0..4u32) == 0 {
                // A proxy's absolute request target, with the default port written out.
                target = format!("HTTP://{host}:80{target}");
            }
            Planted::Url { host, target, port }
        }
        Value::Hash { algo, hex } => {
            let written = if rng.random_bool(0.3) {
                hex.to_uppercase()
            } else {
                hex.clone()
            };
            Planted::Hash { algo, written }
        }
        Value::Email { local, domain } => {
            let address = match rng.random_range(0..3u32) {
                0 => format!("{local}@{domain}").to_uppercase(),
                1 => format!("{local}@{}", domain.to_uppercase()),
                _ => format!("{local}@{domain}"),
            };
            let written = match rng.random_range(0..3u32) {
                0 => format!("<{address}>"),
                1 => format!("\"Someone\" <{address}>"),
                _ => address,
            };
            let normalised =
                crate::normalize::email(&written).expect("planted addresses are valid");
            Planted::Email {
                written,
                normalised,
            }
        }
    };
    Some(Plant {
        idx,
        indicator,
        planted,
    })
}

/// Records the matches a planted value makes: the indicator and its family members whose
/// current value covers it, that are not revoked and are valid at the line's time. The plant
/// of a superseded value or of a subdomain of an exact-only name matches nothing.
fn push_expected(
    corpus: &Corpus,
    plant: &Plant<'_>,
    line: u64,
    micros: i64,
    field: &str,
    value: &str,
    expected: &mut Vec<Expected>,
) {
    let own = [plant.idx];
    let members: &[u32] = if plant.indicator.family.is_empty() {
        &own
    } else {
        &plant.indicator.family
    };
    for &member in members {
        let indicator = &corpus.indicators[member as usize];
        let active = !indicator.revoked
            && indicator.valid_from <= micros
            && indicator.valid_until.is_none_or(|until| micros < until);
        if active && covers(&indicator.value, &plant.planted) {
            expected.push(Expected {
                line,
                field: field.to_owned(),
                value: value.to_owned(),
                indicator: indicator.id.clone(),
            });
        }
    }
}

/// Whether an indicator value covers a planted value (the obvious definition of each kind).
fn covers(value: &Value, planted: &Planted) -> bool {
    match (value, planted) {
        (Value::Domain { ascii, exact, .. }, Planted::Domain(_, name)) => {
            name == ascii || (!exact && name.ends_with(&format!(".{ascii}")))
        }
        (Value::Ipv4 { addr, len }, Planted::Ip(IpAddr::V4(planted), _)) => {
            let mask = if *len == 0 { 0 } else { u32::MAX << (32 - len) };
            planted.to_bits() & mask == addr.to_bits()
        }
        (Value::Ipv6 { addr, len }, Planted::Ip(IpAddr::V6(planted), _)) => {
            let mask = if *len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            planted.to_bits() & mask == addr.to_bits()
        }
        (
            Value::Url { host, path },
            Planted::Url {
                host: planted_host,
                target,
                port,
            },
        ) => {
            let absolute = format!("http://{host}{path}");
            let written = if target.starts_with("HTTP://") {
                target.clone()
            } else {
                match port {
                    Some(80) | None => format!("http://{planted_host}{target}"),
                    Some(other) => format!("http://{planted_host}:{other}{target}"),
                }
            };
            crate::normalize::url(&written) == crate::normalize::url(&absolute)
        }
        (
            Value::Hash { algo, hex },
            Planted::Hash {
                algo: planted_algo,
                written,
            },
        ) => algo == planted_algo && hex.eq_ignore_ascii_case(written),
        (Value::Email { local, domain }, Planted::Email { normalised, .. }) => {
            *normalised == format!("{local}@{domain}").to_lowercase()
        }
        _ => false,
    }
}

fn mixed_case(text: &str, rng: &mut ChaCha8Rng) -> String {
    text.chars()
        .map(|ch| {
            if rng.random_bool(0.5) {
                ch.to_uppercase().next().unwrap_or(ch)
            } else {
                ch
            }
        })
        .collect()
}

/// Writes a JSON string; with `escape_unicode`, non-ASCII characters as `\u` escapes (as
/// Suricata does), else raw.
fn json_string(text: &str, escape_unicode: bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ch if (ch as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", ch as u32);
            }
            ch if escape_unicode && !ch.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

fn background_domain(rng: &mut ChaCha8Rng) -> String {
    let word = WORDS[rng.random_range(0..WORDS.len())];
    let tld = BACKGROUND_TLDS[rng.random_range(0..BACKGROUND_TLDS.len())];
    let number = rng.random_range(0..50_000u32);
    match rng.random_range(0..4u32) {
        0 => format!("{word}{number}.{tld}"),
        1 => format!("www.{word}{number}.{tld}"),
        2 => format!(
            "{}.{word}{number}.{tld}",
            SUBDOMAINS[rng.random_range(0..SUBDOMAINS.len())]
        ),
        _ => format!(
            "api.{word}{number}.cdn{}.{tld}",
            rng.random_range(0..100u32)
        ),
    }
}

fn background_v4(rng: &mut ChaCha8Rng) -> Ipv4Addr {
    Ipv4Addr::from((rng.random_range(150..224u32) << 24) | rng.random_range(0..(1u32 << 24)))
}

fn background_v6(rng: &mut ChaCha8Rng) -> IpAddr {
    let bits = (0x2a0u128 << 116) | (rng.random::<u128>() >> 12);
    IpAddr::V6(Ipv6Addr::from(bits))
}

fn client_v4(rng: &mut ChaCha8Rng) -> Ipv4Addr {
    if rng.random_bool(0.5) {
        Ipv4Addr::from((10u32 << 24) | rng.random_range(0..(1u32 << 24)))
    } else {
        Ipv4Addr::from((192u32 << 24) | (168 << 16) | rng.random_range(0..(1u32 << 16)))
    }
}

fn uid(rng: &mut ChaCha8Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut uid = String::with_capacity(18);
    uid.push('C');
    for _ in 0..17 {
        uid.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
    }
    uid
}

fn zeek_time(micros: i64) -> String {
    format!(
        "{}.{:06}",
        micros.div_euclid(1_000_000),
        micros.rem_euclid(1_000_000)
    )
}

fn zeek_date(micros: i64) -> String {
    let text = timestamp(micros);
    // `2024-01-15T00:00:00.000000Z` -> `2024-01-15-00-00-00`, as Zeek writes `#open`.
    text.get(..19).unwrap_or(&text).replace(['T', ':'], "-")
}

fn eve_time(micros: i64) -> String {
    let text = timestamp(micros);
    format!("{}+0000", text.trim_end_matches('Z'))
}
