//! Each reader against hand-written logs, with the indicators of `testdata/indicators.json`.

use expect_test::{Expect, expect};
use matcher::format::{CsvSpec, parse_field_map};
use matcher::{FormatName, FormatSpec, ValueKind};

use crate::support::{render, scan, test_index};

#[track_caller]
fn check(relative: &str, spec: &FormatSpec, expect: Expect) {
    let (index, _) = test_index();
    let report = scan(relative, spec, &index);
    let malformed: String = report
        .outcome
        .malformed
        .iter()
        .map(|malformed| format!("malformed {}: {}\n", malformed.line, malformed.reason))
        .collect();
    let summary = format!(
        "format {} lines {} matches {} malformed {} outside-validity {} evaluated {}\n",
        report.format.as_deref().unwrap_or("-"),
        report.outcome.lines,
        report.outcome.matches.len(),
        report.outcome.n_malformed,
        report.outcome.n_outside_validity,
        report.outcome.n_evaluated,
    );
    expect.assert_eq(&format!(
        "{summary}{}{malformed}",
        render(&report.outcome.matches)
    ));
}

fn auto() -> FormatSpec {
    FormatSpec::default()
}

#[test]
fn compile_reports_what_it_cannot_match() {
    let (index, errors) = test_index();
    expect![[r#"
        other-pattern-type: indicator--00000000-0000-4000-8000-000000000014: pattern_type `snort` is not matched against logs (only `stix`)
        unsupported-keys: indicator--00000000-0000-4000-8000-000000000015: no key the matcher can look up in logs (windows-registry-key)
        invalid-pattern: indicator--00000000-0000-4000-8000-000000000016: invalid pattern at offset 24: expected AND, OR or ']', found end of pattern
    "#]]
    .assert_eq(&(errors.join("\n") + "\n"));
    assert_eq!(index.len(), 19);
}

#[test]
fn zeek_dns_tsv() {
    check(
        "zeek/dns.log",
        &auto(),
        expect![[r#"
        format zeek:dns lines 15 matches 8 malformed 0 outside-validity 1 evaluated 2
        10 query=Login.EVIL-Domain.test. -> evil-domain.test (evil domain) @2024-01-15T10:00:01.250000Z
        10 answers=evil-cname.test -> evil-cname.test (CNAME target) @2024-01-15T10:00:01.250000Z
        10 answers=198.51.100.77 -> 198.51.100.77 (bad address) @2024-01-15T10:00:01.250000Z
        10 answers=198.51.100.77 -> 198.51.100.0/24 (bad network) @2024-01-15T10:00:01.250000Z
        10 query=Login.EVIL-Domain.test. -> login.evil-domain.test (resolution) @2024-01-15T10:00:01.250000Z
        11 query=exact-only.test -> exact-only.test (exact domain) @2024-01-15T10:00:02.500000Z
        13 query=xn--bcher-kva.test -> xn--bcher-kva.test (IDN domain) @2024-01-15T10:00:04.000000Z
        13 answers=2001:db8:bad::1 -> 2001:db8:bad::/48 (bad v6 network) @2024-01-15T10:00:04.000000Z
    "#]],
    );
}

#[test]
fn zeek_dns_json() {
    check(
        "zeek/dns.json",
        &auto(),
        expect![[r#"
        format zeek-json lines 6 matches 8 malformed 0 outside-validity 1 evaluated 2
        2 query=Login.EVIL-Domain.test. -> evil-domain.test (evil domain) @2024-01-15T10:00:01.250000Z
        2 answers=evil-cname.test -> evil-cname.test (CNAME target) @2024-01-15T10:00:01.250000Z
        2 answers=198.51.100.77 -> 198.51.100.77 (bad address) @2024-01-15T10:00:01.250000Z
        2 answers=198.51.100.77 -> 198.51.100.0/24 (bad network) @2024-01-15T10:00:01.250000Z
        2 query=Login.EVIL-Domain.test. -> login.evil-domain.test (resolution) @2024-01-15T10:00:01.250000Z
        3 query=exact-only.test -> exact-only.test (exact domain) @2024-01-15T10:00:02.500000Z
        5 query=xn--bcher-kva.test -> xn--bcher-kva.test (IDN domain) @2024-01-15T10:00:04.000000Z
        5 answers=2001:db8:bad::1 -> 2001:db8:bad::/48 (bad v6 network) @2024-01-15T10:00:04.000000Z
    "#]],
    );
}

#[test]
fn zeek_http_tsv() {
    check(
        "zeek/http.log",
        &auto(),
        expect![[r#"
        format zeek:http lines 12 matches 4 malformed 0 outside-validity 0 evaluated 0
        9 uri=http://Malware-Host.test:8080/payload/%7Estage2.bin?x=1 -> http://malware-host.test:8080/payload/~stage2.bin?x=1 (payload URL) @2024-01-15T10:01:40.100000Z
        10 id.resp_h=198.51.100.7 -> 198.51.100.0/24 (bad network) @2024-01-15T10:01:41.100000Z
        10 referrer=http://referrer.evil-domain.test/landing -> http://referrer.evil-domain.test/landing (landing URL) @2024-01-15T10:01:41.100000Z
        11 uri=HTTP://Proxy-Target.test:80/a/./b/../c -> http://proxy-target.test/a/c (proxied URL) @2024-01-15T10:01:42.100000Z
    "#]],
    );
}

#[test]
fn zeek_http_json() {
    check(
        "zeek/http.json",
        &auto(),
        expect![[r#"
        format zeek-json lines 3 matches 4 malformed 0 outside-validity 0 evaluated 0
        1 url=http://Malware-Host.test:8080/payload/%7Estage2.bin?x=1 -> http://malware-host.test:8080/payload/~stage2.bin?x=1 (payload URL) @2024-01-15T10:01:40.100000Z
        2 id.resp_h=198.51.100.7 -> 198.51.100.0/24 (bad network) @2024-01-15T10:01:41.100000Z
        2 referrer=http://referrer.evil-domain.test/landing -> http://referrer.evil-domain.test/landing (landing URL) @2024-01-15T10:01:41.100000Z
        3 url=HTTP://Proxy-Target.test:80/a/./b/../c -> http://proxy-target.test/a/c (proxied URL) @2024-01-15T10:01:42.100000Z
    "#]],
    );
}

#[test]
fn zeek_conn_ssl_files_tsv() {
    check(
        "zeek/conn.log",
        &auto(),
        expect![[r#"
        format zeek:conn lines 12 matches 2 malformed 0 outside-validity 1 evaluated 0
        9 id.resp_h=198.51.100.200 -> 198.51.100.0/24 (bad network) @2024-01-15T10:03:20.000000Z
        11 id.orig_h=2001:db8:bad::42 -> 2001:db8:bad::/48 (bad v6 network) @2024-01-15T10:03:22.000000Z
    "#]],
    );
    check(
        "zeek/ssl.log",
        &auto(),
        expect![[r#"
        format zeek:ssl lines 11 matches 1 malformed 0 outside-validity 0 evaluated 0
        9 server_name=cdn.EVIL-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:05:00.000000Z
    "#]],
    );
    check(
        "zeek/files.log",
        &auto(),
        expect![[r#"
        format zeek:files lines 11 matches 4 malformed 0 outside-validity 0 evaluated 0
        9 md5=44D88612FEA8A8F36DE82E1278ABB02F -> 44d88612fea8a8f36de82e1278abb02f (EICAR md5) @2024-01-15T10:06:40.000000Z
        9 sha1=3395856ce81f2b7382dee72602f798b642f14140 -> 3395856ce81f2b7382dee72602f798b642f14140 (SHA-1 of stage2) @2024-01-15T10:06:40.000000Z
        9 sha256=275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f -> 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f (stage2 sha256) @2024-01-15T10:06:40.000000Z
        10 id.resp_h=198.51.100.7 -> 198.51.100.0/24 (bad network) @2024-01-15T10:06:41.000000Z
    "#]],
    );
}

#[test]
fn zeek_conn_ssl_files_json() {
    check(
        "zeek/conn.json",
        &auto(),
        expect![[r#"
        format zeek-json lines 3 matches 2 malformed 0 outside-validity 1 evaluated 0
        1 id.resp_h=198.51.100.200 -> 198.51.100.0/24 (bad network) @2024-01-15T10:03:20.000000Z
        3 id.orig_h=2001:db8:bad::42 -> 2001:db8:bad::/48 (bad v6 network) @2024-01-15T10:03:22.000000Z
    "#]],
    );
    check(
        "zeek/ssl.json",
        &auto(),
        expect![[r#"
        format zeek-json lines 2 matches 1 malformed 0 outside-validity 0 evaluated 0
        1 server_name=cdn.EVIL-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:05:00.000000Z
    "#]],
    );
    check(
        "zeek/files.json",
        &auto(),
        expect![[r#"
        format zeek-json lines 2 matches 4 malformed 0 outside-validity 0 evaluated 0
        1 md5=44D88612FEA8A8F36DE82E1278ABB02F -> 44d88612fea8a8f36de82e1278abb02f (EICAR md5) @2024-01-15T10:06:40.000000Z
        1 sha1=3395856ce81f2b7382dee72602f798b642f14140 -> 3395856ce81f2b7382dee72602f798b642f14140 (SHA-1 of stage2) @2024-01-15T10:06:40.000000Z
        1 sha256=275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f -> 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f (stage2 sha256) @2024-01-15T10:06:40.000000Z
        2 id.resp_h=198.51.100.7 -> 198.51.100.0/24 (bad network) @2024-01-15T10:06:41.000000Z
    "#]],
    );
}

#[test]
fn zeek_malformed_lines_are_counted_and_the_run_goes_on() {
    check(
        "zeek/dns-malformed.log",
        &auto(),
        expect![[r#"
        format zeek:dns lines 13 matches 2 malformed 3 outside-validity 0 evaluated 0
        9 query=evil-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:00:00.000001Z
        13 query=www.evil-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:00:02.000001Z
        malformed 10: expected 24 fields, found 4
        malformed 11: field ts: invalid time `17053128x0.000001`
        malformed 12: field id.orig_h: invalid address `10.1.1.999`
    "#]],
    );
}

#[test]
fn suricata_eve() {
    check(
        "eve/eve.json",
        &auto(),
        expect![[r#"
        format eve lines 10 matches 28 malformed 0 outside-validity 0 evaluated 3
        1 dns.rrname=Login.EVIL-Domain.test. -> evil-domain.test (evil domain) @2024-01-15T10:00:00.000001Z
        2 dns.rrname=login.evil-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:00:01.000000Z
        2 dns.answers.rrname=login.evil-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:00:01.000000Z
        2 dns.answers.rdata=evil-cname.test -> evil-cname.test (CNAME target) @2024-01-15T10:00:01.000000Z
        2 dns.answers.rrname=evil-cname.test -> evil-cname.test (CNAME target) @2024-01-15T10:00:01.000000Z
        2 dns.answers.rdata=198.51.100.77 -> 198.51.100.77 (bad address) @2024-01-15T10:00:01.000000Z
        2 dns.answers.rdata=198.51.100.77 -> 198.51.100.0/24 (bad network) @2024-01-15T10:00:01.000000Z
        2 dns.grouped.CNAME=evil-cname.test -> evil-cname.test (CNAME target) @2024-01-15T10:00:01.000000Z
        2 dns.grouped.A=198.51.100.77 -> 198.51.100.77 (bad address) @2024-01-15T10:00:01.000000Z
        2 dns.grouped.A=198.51.100.77 -> 198.51.100.0/24 (bad network) @2024-01-15T10:00:01.000000Z
        2 dns.rrname=login.evil-domain.test -> login.evil-domain.test (resolution) @2024-01-15T10:00:01.000000Z
        2 dns.answers.rrname=login.evil-domain.test -> login.evil-domain.test (resolution) @2024-01-15T10:00:01.000000Z
        3 dns.queries.rrname=xn--bcher-kva.test -> xn--bcher-kva.test (IDN domain) @2024-01-15T10:00:02.000000Z
        3 dns.answers.rrname=xn--bcher-kva.test -> xn--bcher-kva.test (IDN domain) @2024-01-15T10:00:02.000000Z
        3 dns.answers.rdata=2001:db8:bad::1 -> 2001:db8:bad::/48 (bad v6 network) @2024-01-15T10:00:02.000000Z
        4 url=http://Malware-Host.test:8080/payload/%7Estage2.bin?x=1 -> http://malware-host.test:8080/payload/~stage2.bin?x=1 (payload URL) @2024-01-15T10:01:00.100000Z
        5 dest_ip=198.51.100.7 -> 198.51.100.0/24 (bad network) @2024-01-15T10:01:01.100000Z
        5 http.hostname=bücher.test -> xn--bcher-kva.test (IDN domain) @2024-01-15T10:01:01.100000Z
        5 http.http_refer=http://referrer.evil-domain.test/landing -> http://referrer.evil-domain.test/landing (landing URL) @2024-01-15T10:01:01.100000Z
        6 tls.sni=cdn.EVIL-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:02:00.000000Z
        7 fileinfo.md5=44d88612fea8a8f36de82e1278abb02f -> 44d88612fea8a8f36de82e1278abb02f (EICAR md5) @2024-01-15T10:03:00.000000Z
        7 fileinfo.sha1=3395856CE81F2B7382DEE72602F798B642F14140 -> 3395856ce81f2b7382dee72602f798b642f14140 (SHA-1 of stage2) @2024-01-15T10:03:00.000000Z
        7 fileinfo.sha256=275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f -> 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f (stage2 sha256) @2024-01-15T10:03:00.000000Z
        7 url=http://malware-host.test:8080/payload/~stage2.bin?x=1 -> http://malware-host.test:8080/payload/~stage2.bin?x=1 (payload URL) @2024-01-15T10:03:00.000000Z
        8 dest_ip=198.51.100.200 -> 198.51.100.0/24 (bad network) @2024-01-15T10:04:00.000000Z
        9 src_ip=2001:db8:bad::42 -> 2001:db8:bad::/48 (bad v6 network) @2024-01-15T10:05:00.000000Z
        10 smtp.mail_from=<Phisher@Evil-Mail.test> -> phisher@evil-mail.test (phishing sender) @2024-01-15T10:06:00.000000Z
        10 email.from="Billing" <phisher@evil-mail.test> -> phisher@evil-mail.test (phishing sender) @2024-01-15T10:06:00.000000Z
    "#]],
    );
}

#[test]
fn suricata_eve_with_escapes_gives_the_same_matches() {
    let (index, _) = test_index();
    let plain = scan("eve/eve.json", &auto(), &index);
    let escaped = scan("eve/eve-escaped.json", &auto(), &index);
    assert_eq!(
        render(&plain.outcome.matches),
        render(&escaped.outcome.matches)
    );
    assert!(!plain.outcome.matches.is_empty());
}

#[test]
fn suricata_eve_malformed_lines() {
    check(
        "eve/eve-malformed.json",
        &auto(),
        expect![[r#"
        format eve lines 6 matches 2 malformed 4 outside-validity 0 evaluated 1
        1 dns.rrname=Login.EVIL-Domain.test. -> evil-domain.test (evil domain) @2024-01-15T10:00:00.000001Z
        5 dns.rrname=www.evil-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:09:00.000000Z
        malformed 2: invalid JSON at byte 66: expected a string key
        malformed 3: invalid JSON at byte 0: expected a JSON object
        malformed 4: invalid JSON at byte 406: expected a string key
        malformed 6: invalid JSON at byte 0: expected a JSON object
    "#]],
    );
}

#[test]
fn plain_list() {
    check(
        "other/values.txt",
        &auto(),
        expect![[r#"
        format list lines 10 matches 7 malformed 0 outside-validity 0 evaluated 0
        3 value=WWW.EVIL-DOMAIN.TEST. -> evil-domain.test (evil domain) @-
        5 value=198.51.100.77 -> 198.51.100.77 (bad address) @-
        5 value=198.51.100.77 -> 198.51.100.0/24 (bad network) @-
        6 value=2001:db8:bad::99 -> 2001:db8:bad::/48 (bad v6 network) @-
        7 value=http://malware-host.test:8080/payload/~stage2.bin?x=1 -> http://malware-host.test:8080/payload/~stage2.bin?x=1 (payload URL) @-
        8 value=Phisher@evil-mail.test -> phisher@evil-mail.test (phishing sender) @-
        9 value=44D88612FEA8A8F36DE82E1278ABB02F -> 44d88612fea8a8f36de82e1278abb02f (EICAR md5) @-
    "#]],
    );
}

#[test]
fn plain_list_of_one_kind() {
    let spec = FormatSpec {
        name: FormatName::List,
        list_kind: ValueKind::Domain,
        ..FormatSpec::default()
    };
    check(
        "other/values.txt",
        &spec,
        expect![[r#"
        format list lines 10 matches 1 malformed 0 outside-validity 0 evaluated 0
        3 value=WWW.EVIL-DOMAIN.TEST. -> evil-domain.test (evil domain) @-
    "#]],
    );
}

#[test]
fn csv_with_a_column_map() {
    let columns = ["host=domain,url=url,client=ip,time=time".to_owned()];
    let spec = FormatSpec {
        csv: Some(CsvSpec::parse(&columns, b',', false).unwrap()),
        ..FormatSpec::default()
    };
    check(
        "other/proxy.csv",
        &spec,
        expect![[r#"
        format csv lines 5 matches 4 malformed 1 outside-validity 0 evaluated 0
        3 host=cdn.evil-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:00:01.000000Z
        5 url=http://malware-host.test:8080/payload/%7estage2.bin?x=1 -> http://malware-host.test:8080/payload/~stage2.bin?x=1 (payload URL) @2024-01-15T10:00:03.000000Z
        5 client=198.51.100.77 -> 198.51.100.77 (bad address) @2024-01-15T10:00:03.000000Z
        5 client=198.51.100.77 -> 198.51.100.0/24 (bad network) @2024-01-15T10:00:03.000000Z
        malformed 4: expected at least 4 columns, found 2
    "#]],
    );
}

#[test]
fn csv_columns_by_number() {
    let columns = ["3=domain".to_owned(), "4=url,2=ip".to_owned()];
    let spec = FormatSpec {
        csv: Some(CsvSpec::parse(&columns, b',', true).unwrap()),
        ..FormatSpec::default()
    };
    check(
        "other/proxy.csv",
        &spec,
        expect![[r#"
        format csv lines 5 matches 4 malformed 1 outside-validity 0 evaluated 0
        3 host=cdn.evil-domain.test -> evil-domain.test (evil domain) @-
        5 url=http://malware-host.test:8080/payload/%7estage2.bin?x=1 -> http://malware-host.test:8080/payload/~stage2.bin?x=1 (payload URL) @-
        5 client=198.51.100.77 -> 198.51.100.77 (bad address) @-
        5 client=198.51.100.77 -> 198.51.100.0/24 (bad network) @-
        malformed 4: expected at least 4 columns, found 2
    "#]],
    );
}

#[test]
fn json_lines_with_field_paths() {
    let fields = ["query.name=domain,query.answers.data=host,when=time".to_owned()];
    let spec = FormatSpec {
        fields: Some(parse_field_map(&fields).unwrap()),
        ..FormatSpec::default()
    };
    check(
        "other/custom.jsonl",
        &spec,
        expect![[r#"
        format jsonl lines 3 matches 3 malformed 1 outside-validity 1 evaluated 0
        1 query.name=www.evil-domain.test -> evil-domain.test (evil domain) @2024-01-15T10:00:00.000000Z
        1 query.answers.data=198.51.100.77 -> 198.51.100.77 (bad address) @2024-01-15T10:00:00.000000Z
        1 query.answers.data=198.51.100.77 -> 198.51.100.0/24 (bad network) @2024-01-15T10:00:00.000000Z
        malformed 3: invalid JSON at byte 65: expected ',' or '}'
    "#]],
    );
}

#[test]
fn at_overrides_event_times() {
    let (index, _) = test_index();
    let mut options = crate::support::options();
    // On 2024-02-02 the "not yet valid" address is valid and "expired" has expired.
    options.at = Some(
        stix::StixTimestamp::parse("2024-02-02T00:00:00Z")
            .unwrap()
            .to_micros(),
    );
    let input = matcher::open_input(&crate::support::testdata("zeek/conn.log"), None).unwrap();
    let report = matcher::scan_input(input, &auto(), &index, options, false).unwrap();
    expect![[r#"
        9 id.resp_h=198.51.100.200 -> 198.51.100.0/24 (bad network) @2024-01-15T10:03:20.000000Z
        10 id.resp_h=192.0.2.10 -> 192.0.2.10 (not yet valid) @2024-01-15T10:03:21.000000Z
        11 id.orig_h=2001:db8:bad::42 -> 2001:db8:bad::/48 (bad v6 network) @2024-01-15T10:03:22.000000Z
    "#]].assert_eq(&render(&report.outcome.matches));
}
