//! Parsing and printing: accepted patterns print their canonical form, refused ones their error
//! with its offset.

use expect_test::{Expect, expect};
use stix_pattern::{Pattern, StixVersion};

/// Parses leniently and prints the canonical form or the error.
#[track_caller]
fn check(text: &str, expect: Expect) {
    expect.assert_eq(&outcome(Pattern::parse(text, StixVersion::V2_1)));
}

/// Parses with the specification's rules (what `phalanx pattern check` does).
#[track_caller]
fn check_valid(text: &str, expect: Expect) {
    expect.assert_eq(&outcome(Pattern::validate(text, StixVersion::V2_1)));
}

#[track_caller]
fn check_2_0(text: &str, expect: Expect) {
    expect.assert_eq(&outcome(Pattern::validate(text, StixVersion::V2_0)));
}

fn outcome(result: Result<Pattern, stix_pattern::Error>) -> String {
    match result {
        Ok(pattern) => {
            let canonical = pattern.to_string();
            let reparsed =
                Pattern::parse(&canonical, pattern.version).expect("canonical form parses");
            assert_eq!(
                reparsed, pattern,
                "canonical form {canonical} parses to another tree"
            );
            canonical
        }
        Err(error) => format!("error: {error}"),
    }
}

#[test]
fn observation_operators_and_precedence() {
    check(
        "[a:b = 1] AND [c:d = 2] OR [e:f = 3] FOLLOWEDBY [g:h = 4]",
        expect!["[a:b = 1] AND [c:d = 2] OR [e:f = 3] FOLLOWEDBY [g:h = 4]"],
    );
    check(
        "[a:b = 1] AND ([c:d = 2] OR [e:f = 3])",
        expect!["[a:b = 1] AND ([c:d = 2] OR [e:f = 3])"],
    );
    check("(([a:b = 1]))", expect!["[a:b = 1]"]);
    check(
        "[a:b=1]AND([c:d=2]AND[e:f=3])",
        expect!["[a:b = 1] AND [c:d = 2] AND [e:f = 3]"],
    );
    check(
        "([a:b = 1] FOLLOWEDBY [c:d = 2]) FOLLOWEDBY [e:f = 3]",
        expect!["[a:b = 1] FOLLOWEDBY [c:d = 2] FOLLOWEDBY [e:f = 3]"],
    );
}

#[test]
fn qualifiers_bind_tighter_than_operators() {
    check(
        "[a:b = 1] FOLLOWEDBY [c:d = 2] REPEATS 5 TIMES",
        expect!["[a:b = 1] FOLLOWEDBY [c:d = 2] REPEATS 5 TIMES"],
    );
    check(
        "([a:b = 1] FOLLOWEDBY [c:d = 2]) WITHIN 300 SECONDS",
        expect!["([a:b = 1] FOLLOWEDBY [c:d = 2]) WITHIN 300 SECONDS"],
    );
    check(
        "[a:b = 1] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' WITHIN .5 SECONDS",
        expect![
            "[a:b = 1] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' WITHIN 0.5 SECONDS"
        ],
    );
    check(
        "[a:b = 1] WITHIN 5.0 SECONDS",
        expect!["[a:b = 1] WITHIN 5.0 SECONDS"],
    );
}

#[test]
fn repeated_qualifiers_are_grouped_to_stay_valid() {
    check(
        "[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS",
        expect!["([a:b = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS"],
    );
    check_valid(
        "([a:b = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS",
        expect!["([a:b = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS"],
    );
    check_valid(
        "[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS",
        expect![
            "error: invalid pattern at offset 27: a second WITHIN qualifier on one observation expression (STIX 2.1 allows one of each kind)"
        ],
    );
    check_valid(
        "[a:b = 1] REPEATS 2 TIMES WITHIN 3 SECONDS REPEATS 3 TIMES",
        expect![
            "error: invalid pattern at offset 43: a second REPEATS qualifier on one observation expression (STIX 2.1 allows one of each kind)"
        ],
    );
    check_2_0(
        "[a:b = 1] REPEATS 2 TIMES REPEATS 3 TIMES",
        expect!["([a:b = 1] REPEATS 2 TIMES) REPEATS 3 TIMES"],
    );
}

#[test]
fn comparison_operators_constants_and_not() {
    check(
        "[x:a == 1 AND x:b <> -2 AND x:c NOT < +3.25 AND x:d >= -.5 AND x:e NOT IN ('a', 'it\\'s') AND x:f LIKE 'a%_' AND x:g NOT MATCHES '^\\\\d+$']",
        expect![[
            r#"[x:a = 1 AND x:b != -2 AND x:c NOT < 3.25 AND x:d >= -0.5 AND x:e NOT IN ('a', 'it\'s') AND x:f LIKE 'a%_' AND x:g NOT MATCHES '^\\d+$']"#
        ]],
    );
    check(
        "[x:a = true OR x:b = b'dGhpcyBpcyBhIHRlc3Q=' OR x:c = h'FFD8' OR x:d = t'2018-03-22T12:11:14.1Z' OR x:e = h'']",
        expect![
            "[x:a = true OR x:b = b'dGhpcyBpcyBhIHRlc3Q=' OR x:c = h'ffd8' OR x:d = t'2018-03-22T12:11:14.1Z' OR x:e = h'']"
        ],
    );
    check(
        "[ipv4-addr:value ISSUBSET '198.51.100.0/24' AND ipv6-addr:value NOT ISSUPERSET '2001:db8::1']",
        expect![
            "[ipv4-addr:value ISSUBSET '198.51.100.0/24' AND ipv6-addr:value NOT ISSUPERSET '2001:db8::1']"
        ],
    );
    check(
        "[EXISTS windows-registry-key:values AND NOT EXISTS file:name]",
        expect!["[EXISTS windows-registry-key:values AND NOT EXISTS file:name]"],
    );
    check("[x:a IN ()]", expect!["[x:a IN ()]"]);
}

#[test]
fn comparison_grouping() {
    check(
        "[(a:b = 1 OR a:c = 2) AND a:d = 3 OR (a:e = 4 AND a:f = 5)]",
        expect!["[(a:b = 1 OR a:c = 2) AND a:d = 3 OR a:e = 4 AND a:f = 5]"],
    );
    check(
        "( [(network-traffic:dst_port IN(443,6443,8443) AND network-traffic:src_packets != 0) ])",
        expect![
            "[network-traffic:dst_port IN (443, 6443, 8443) AND network-traffic:src_packets != 0]"
        ],
    );
}

#[test]
fn object_paths_quote_only_what_they_must() {
    check(
        "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
        expect!["[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]"],
    );
    check(
        "[some-type:'has.dot' = 2 AND x:'plain'.'AND'.'true'[+1][-2] = 1 AND x:'' = 1]",
        expect!["[some-type:'has.dot' = 2 AND x:plain.'AND'.'true'[1][-2] = 1 AND x:'' = 1]"],
    );
    check(
        "[file:hashes.'SHA-256' = 'x']",
        expect!["[file:hashes.'SHA-256' = 'x']"],
    );
}

#[test]
fn syntax_errors_name_the_offset_and_what_was_expected() {
    check(
        "file:size = 1280",
        expect![
            "error: invalid pattern at offset 0: expected an observation expression in square brackets, found 'file'"
        ],
    );
    check(
        "[file:size = ]",
        expect!["error: invalid pattern at offset 13: expected a constant, found ']'"],
    );
    check(
        "[file.size = 1280]",
        expect!["error: invalid pattern at offset 5: expected ':', found '.'"],
    );
    check(
        "[file:name MATCHES /.*\\.dll/]",
        expect!["error: invalid pattern at offset 19: expected a string constant, found '/'"],
    );
    check(
        "[x:y = 1] WITHIN 5 HOURS",
        expect!["error: invalid pattern at offset 19: expected SECONDS, found 'HOURS'"],
    );
    check(
        "[x:y = 1] WITHIN -5 SECONDS",
        expect![
            "error: invalid pattern at offset 17: expected a positive number of seconds, found '-5'"
        ],
    );
    check(
        "[foo:bar=1] within 2 seconds",
        expect![
            "error: invalid pattern at offset 12: expected AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern, found 'within'"
        ],
    );
    check(
        "[x:y = 1",
        expect![
            "error: invalid pattern at offset 8: expected AND, OR or ']', found end of pattern"
        ],
    );
    check(
        "[x:y.0 = 1]",
        expect!["error: invalid pattern at offset 4: expected a comparison operator, found '.0'"],
    );
    check(
        "[some-type:needs-quotes = 1]",
        expect![
            "error: invalid pattern at offset 11: expected a property name, found 'needs-quotes'"
        ],
    );
    check(
        "[x:y > true]",
        expect![
            "error: invalid pattern at offset 7: expected a constant other than a boolean, found 'true'"
        ],
    );
    check(
        "[x:y = null]",
        expect!["error: invalid pattern at offset 7: expected a constant, found 'null'"],
    );
    check(
        "[x:AND = 1]",
        expect!["error: invalid pattern at offset 3: expected a property name, found 'AND'"],
    );
    check(
        "[x:y = 1] AND NOT [x:y = 2]",
        expect!["error: invalid pattern at offset 14: expected '[' or '(', found 'NOT'"],
    );
    check(
        "",
        expect![
            "error: invalid pattern at offset 0: expected an observation expression in square brackets, found end of pattern"
        ],
    );
}

#[test]
fn constants_are_checked() {
    check(
        "[x:y = t'2024-13-01T12:00:00Z']",
        expect![
            "error: invalid pattern at offset 7: invalid timestamp t'2024-13-01T12:00:00Z' (at character 5 of the timestamp): expected YYYY-MM-DDTHH:MM:SS[.s]Z"
        ],
    );
    check(
        "[x:y = t'2024-02-30T12:00:00Z']",
        expect!["[x:y = t'2024-02-30T12:00:00Z']"],
    );
    check(
        "[x:y = 1e5]",
        expect!["error: invalid pattern at offset 8: expected AND, OR or ']', found 'e5'"],
    );
    check(
        "[x:y = 170141183460469231731687303715884105728]",
        expect![
            "error: invalid pattern at offset 7: integer 170141183460469231731687303715884105728 is out of range"
        ],
    );
    check(
        "[x:y = 'a\\x']",
        expect![[
            r#"error: invalid pattern at offset 9: invalid escape '\x' in string: only \' and \\ are allowed"#
        ]],
    );
}

#[test]
fn specification_rules_beyond_the_grammar() {
    check_valid(
        "[file:hashes.'SHA-256' = 'f00']",
        expect!["error: invalid pattern at offset 25: 'f00' is not a valid SHA-256 hash"],
    );
    check_valid(
        "[file:hashes.MD5 IN ('cead3f77f6cda6ec00f57d76c9a6879f', 'zz')]",
        expect!["error: invalid pattern at offset 57: 'zz' is not a valid MD5 hash"],
    );
    check_valid(
        "[file:hashes.MD5 LIKE 'cead%']",
        expect!["[file:hashes.MD5 LIKE 'cead%']"],
    );
    check_valid(
        "[x:y = 1] WITHIN 0 SECONDS",
        expect!["error: invalid pattern at offset 17: WITHIN needs a positive number of seconds"],
    );
    check_valid(
        "[x:y = 1] REPEATS 0 TIMES",
        expect!["error: invalid pattern at offset 18: REPEATS needs a positive count"],
    );
    check_valid(
        "[x:y IN (1, 'a')]",
        expect![
            "error: invalid pattern at offset 8: a set mixes integer and string constants; its members must share one type"
        ],
    );
    check_valid("[x:y IN (1, 2.5)]", expect!["[x:y IN (1, 2.5)]"]);
    check_valid(
        "[x:y ISSUBSET 'example.com']",
        expect![
            "error: invalid pattern at offset 14: 'example.com' is not an IP address or CIDR block"
        ],
    );
    check_valid(
        "[x:y MATCHES '(']",
        expect![
            "error: invalid pattern at offset 13: invalid regular expression '(': Parsing error at position 1: Opening parenthesis without closing parenthesis"
        ],
    );
    check("[x:y MATCHES '(']", expect!["[x:y MATCHES '(']"]);
}

#[test]
fn stix_2_0_has_no_exists() {
    check_2_0(
        "[EXISTS x:y]",
        expect!["error: invalid pattern at offset 8: expected ':', found 'x'"],
    );
    check_2_0("[x:EXISTS = 1]", expect!["[x:'EXISTS' = 1]"]);
    check_2_0(
        "[x:y = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
        expect!["[x:y = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'"],
    );
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("{}[x:y = 1]{}", "(".repeat(100), ")".repeat(100));
    check(
        &deep,
        expect!["error: invalid pattern at offset 64: nested deeper than 64 levels"],
    );
    let long = vec!["[x:y = 1]"; 10_000].join(" AND ");
    assert!(Pattern::parse(&long, StixVersion::V2_1).is_ok());
}
