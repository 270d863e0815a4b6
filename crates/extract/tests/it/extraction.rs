//! What the extractor finds in text, shown as `kind value [as written] {notes}` lines.

use expect_test::{Expect, expect};
use extract::Extractor;

#[track_caller]
fn check(text: &str, expect: Expect) {
    let findings = Extractor::new().extract(text);
    let mut lines = String::new();
    for finding in &findings {
        let written = finding.as_written(text);
        lines.push_str(&format!("{} {}", finding.kind, finding.value));
        if written != finding.value {
            lines.push_str(&format!(" [{written}]"));
        }
        let mut notes: Vec<String> = finding
            .defang
            .iter()
            .map(|form| form.as_str().to_owned())
            .collect();
        if let Some(benign) = finding.benign {
            notes.push(benign.as_str().to_owned());
        }
        if let Some(within) = finding.within {
            notes.push(format!("in {within}"));
        }
        if !notes.is_empty() {
            lines.push_str(&format!(" {{{}}}", notes.join(", ")));
        }
        lines.push('\n');
    }
    expect.assert_eq(&lines);
}

#[test]
fn defanged_url_is_refanged_and_keeps_how_it_was_written() {
    check(
        "beacon to hxxps://evil-c2[.]ru/gate.php?id=1.",
        expect![[r#"
            urls https://evil-c2.ru/gate.php?id=1 [hxxps://evil-c2[.]ru/gate.php?id=1] {bracket-dot, scheme}
            domains evil-c2.ru [evil-c2[.]ru] {bracket-dot, in urls}
        "#]],
    );
}

#[test]
fn defanged_addresses_in_many_styles() {
    check(
        "185.220.101[.]4 45.137.21(.)9 10{.}0{.}0{.}1 ops[at]evil-c2[.]ru admin @ evil-c2(dot)ru",
        expect![[r#"
            ipv4s 185.220.101.4 [185.220.101[.]4] {bracket-dot}
            ipv4s 45.137.21.9 [45.137.21(.)9] {bracket-dot}
            ipv4s 10.0.0.1 [10{.}0{.}0{.}1] {bracket-dot, non-routable}
            emails ops@evil-c2.ru [ops[at]evil-c2[.]ru] {bracket-dot, word-at}
            domains evil-c2.ru [evil-c2[.]ru] {bracket-dot, in emails}
            emails admin@evil-c2.ru [admin @ evil-c2(dot)ru] {word-dot, bracket-at}
            domains evil-c2.ru [evil-c2(dot)ru] {word-dot, in emails}
        "#]],
    );
}

#[test]
fn file_names_and_versions_are_not_domains_or_marked() {
    check(
        "Dropped invoice.pdf and svchost.exe; setup.py ran; version 10.2.3.4 of the agent; e.g. 1.2.3",
        expect![[r#"
            domains setup.py {likely-file-name}
            ipv4s 10.2.3.4 {likely-version}
        "#]],
    );
}

#[test]
fn documentation_and_vendor_values_are_marked_not_dropped() {
    check(
        "Test with 192.0.2.1, 2001:db8::7, www.example.com and https://learn.microsoft.com/x",
        expect![[r#"
            ipv4s 192.0.2.1 {documentation}
            ipv6s 2001:db8::7 {documentation}
            domains www.example.com {documentation}
            urls https://learn.microsoft.com/x {allowlisted}
            domains learn.microsoft.com {allowlisted, in urls}
        "#]],
    );
}

#[test]
fn cves_and_technique_ids() {
    check(
        "CVE-2021-44228, cve 2014-0160; T1059.001 and t1566, TA0011, M1049, AML.T0051.000, AML.TA0002",
        expect![[r#"
            cves CVE-2021-44228
            cves CVE-2014-0160 [cve 2014-0160]
            attack_techniques T1059.001
            attack_techniques T1566 [t1566]
            attack_tactics TA0011
            attack_mitigations M1049
            atlas_techniques AML.T0051.000
            atlas_tactics AML.TA0002
        "#]],
    );
}

#[test]
fn hashes_keywords_and_wallets() {
    check(
        "imphash: f34d5f2d4577ed6d9ceec516c1f5a744 sha1 3f786850e387550fdab836ed7e6dc881de23001b \
         wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        expect![[r#"
            imphashes f34d5f2d4577ed6d9ceec516c1f5a744
            sha1s 3f786850e387550fdab836ed7e6dc881de23001b
            bitcoin_addresses bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq
        "#]],
    );
}

#[test]
fn registry_keys_and_paths_with_spaces() {
    check(
        r"Writes HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options then C:\Program Files\Lantern Agent\agent.exe runs",
        expect![[r#"
            registry_key_paths HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options
            file_paths C:\Program Files\Lantern Agent\agent.exe
        "#]],
    );
}

#[test]
fn encoded_urls_are_decoded() {
    check(
        "powershell -enc aHR0cDovL2V2aWwtYzIucnUvc3RhZ2Uy and 687474703a2f2f6576696c2d63322e7275",
        expect![[r#"
            urls http://evil-c2.ru/stage2 [aHR0cDovL2V2aWwtYzIucnUvc3RhZ2Uy] {base64}
            urls http://evil-c2.ru [687474703a2f2f6576696c2d63322e7275] {hex}
        "#]],
    );
}

#[test]
fn prose_is_not_noise() {
    check(
        "We looked at example dot points and the red dot on the map. As 2014 ended, i.e. in Q4, \
         the std::vector class and the 11:04:10 timestamp showed nothing.",
        expect![[r#""#]],
    );
}
