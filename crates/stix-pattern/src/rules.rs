//! Rules of the specification that the grammar cannot express, shared by
//! [`crate::Pattern::validate`] and the evaluator.

use fancy_regex::{BytesMode, Regex, RegexBuilder};
use unicode_normalization::UnicodeNormalization;

use crate::ast::{Constant, ObjectPath, PathStep};

/// How many backtracking steps one `MATCHES` test may take before evaluation gives up: enough
/// for any sensible expression, small enough that a hostile one cannot stall a matcher.
pub(crate) const REGEX_BACKTRACK_LIMIT: usize = 1_000_000;

/// The hash algorithms whose values have a known form, keyed by name upper-cased without
/// hyphens (as the OASIS validator normalises them): the hex length(s), or `None` for SSDEEP.
const HASH_FORMS: &[(&str, &str, &[usize])] = &[
    ("MD5", "MD5", &[32]),
    ("MD6", "MD6", &[32, 40, 56, 64, 96, 128]),
    ("RIPEMD160", "RIPEMD-160", &[40]),
    ("SHA1", "SHA-1", &[40]),
    ("SHA224", "SHA-224", &[56]),
    ("SHA256", "SHA-256", &[64]),
    ("SHA384", "SHA-384", &[96]),
    ("SHA512", "SHA-512", &[128]),
    ("SHA3224", "SHA3-224", &[56]),
    ("SHA3256", "SHA3-256", &[64]),
    ("SHA3384", "SHA3-384", &[96]),
    ("SHA3512", "SHA3-512", &[128]),
    ("WHIRLPOOL", "WHIRLPOOL", &[128]),
    ("SSDEEP", "SSDEEP", &[]),
];

/// Checks that a constant compared with a hash (a path through a `hashes` dictionary ending in
/// a known algorithm name) has that algorithm's form.
///
/// `LIKE` and `MATCHES` operands are patterns, not hash values, and are not checked.
pub(crate) fn check_hash(path: &ObjectPath, constant: &Constant) -> Result<(), String> {
    let through_hashes = path
        .steps
        .iter()
        .any(|step| matches!(step, PathStep::Key(key) if key == "hashes"));
    let Some(PathStep::Key(algorithm)) = path.steps.last() else {
        return Ok(());
    };
    if !through_hashes {
        return Ok(());
    }
    let normalised: String = algorithm
        .to_uppercase()
        .chars()
        .filter(|c| *c != '-')
        .collect();
    let Some((_, name, lengths)) = HASH_FORMS.iter().find(|(key, _, _)| *key == normalised) else {
        return Ok(());
    };
    let Constant::String(value) = constant else {
        return Err(format!(
            "a {} constant is not a valid {name} hash",
            constant.type_name()
        ));
    };
    let valid = if lengths.is_empty() {
        (1..=128).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/+:.".contains(&b))
    } else {
        lengths.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit())
    };
    if valid {
        Ok(())
    } else {
        Err(format!("'{value}' is not a valid {name} hash"))
    }
}

/// Checks that the members of an `IN` set share one type; integers and floats mix, and so do
/// binary and hex constants (STIX 2.1 section 9.6.1: "constants of homogeneous data type").
pub(crate) fn check_homogeneous(members: &[Constant]) -> Result<(), String> {
    let family = |constant: &Constant| match constant {
        Constant::Int(_) | Constant::Float(_) => "number",
        Constant::Binary(_) | Constant::Hex(_) => "binary",
        other => other.type_name(),
    };
    let Some(first) = members.first() else {
        return Ok(());
    };
    match members
        .iter()
        .find(|member| family(member) != family(first))
    {
        Some(other) => Err(format!(
            "a set mixes {} and {} constants; its members must share one type",
            first.type_name(),
            other.type_name()
        )),
        None => Ok(()),
    }
}

/// Checks that a `MATCHES` operand compiles.
pub(crate) fn check_regex(pattern: &str) -> Result<(), String> {
    build_regex(pattern).map(|_| ())
}

/// A compiled `MATCHES` operand.
///
/// Most expressions use only what a finite automaton can do; they run on `regex-automata`'s
/// meta engine, in time linear in the input, and compile several times faster than through
/// `fancy-regex` (no eagerly built DFA). Expressions with look-around, backreferences or
/// atomic groups, which PCRE users write too, run on `fancy-regex`'s backtracking engine,
/// bounded by [`REGEX_BACKTRACK_LIMIT`].
#[derive(Debug)]
pub(crate) enum RegexMatcher {
    Automaton(regex_automata::meta::Regex),
    Backtracking(Regex),
}

impl RegexMatcher {
    /// Searches `haystack` (text for a text expression, bytes for a binary one).
    pub fn is_match(&self, haystack: &[u8]) -> Result<bool, String> {
        match self {
            Self::Automaton(regex) => Ok(regex.is_match(haystack)),
            Self::Backtracking(regex) => {
                regex.is_match(haystack).map_err(|error| error.to_string())
            }
        }
    }
}

/// Compiles a `MATCHES` operand for string values: NFC-normalised, with the DOTALL option and
/// a search anywhere in the value (STIX 2.1 section 9.6.1).
pub(crate) fn build_regex(pattern: &str) -> Result<RegexMatcher, String> {
    let normalised: String = pattern.nfc().collect();
    compile(&normalised, false)
        .map_err(|error| format!("invalid regular expression '{pattern}': {error}"))
}

/// Compiles a `MATCHES` operand for binary values (properties ending in `_bin` or `_hex`):
/// without the Unicode option, each code point below U+0100 standing for one byte.
///
/// Returns `Ok(None)` when the expression holds a code point of U+0100 or above, which no byte
/// can match (the comparison is then false).
pub(crate) fn build_binary_regex(pattern: &str) -> Result<Option<RegexMatcher>, String> {
    let mut converted = String::with_capacity(pattern.len());
    let mut escaped = false;
    for c in pattern.nfc() {
        let code = u32::from(c);
        if code >= 0x100 {
            return Ok(None);
        }
        if code >= 0x80 {
            // A byte above 0x7f must be written as a two-digit escape in a bytes-mode expression
            // (`\x{..}` would name a code point); after a backslash, "xHH" completes the escape
            // the backslash started.
            if escaped {
                converted.push_str(&format!("x{code:02x}"));
            } else {
                converted.push_str(&format!("\\x{code:02x}"));
            }
            escaped = false;
            continue;
        }
        escaped = c == '\\' && !escaped;
        converted.push(c);
    }
    compile(&converted, true)
        .map(Some)
        .map_err(|error| format!("invalid regular expression '{pattern}': {error}"))
}

/// Compiles with the automaton when it can, else with the backtracking engine.
fn compile(pattern: &str, binary: bool) -> Result<RegexMatcher, String> {
    use regex_automata::{meta, nfa::thompson::WhichCaptures, util::syntax};
    let automaton = meta::Builder::new()
        .configure(
            meta::Config::new()
                // Only whether there is a match matters, and expressions are compiled for one
                // evaluation over short property values: skip what costs build time and only
                // pays off on long inputs (the lazy DFA and the reverse NFA it needs); the
                // bounded backtracker or the PikeVM then search in linear time.
                .which_captures(WhichCaptures::None)
                .dfa(false)
                .hybrid(false)
                .onepass(false)
                .auto_prefilter(false),
        )
        .syntax(
            syntax::Config::new()
                .dot_matches_new_line(true)
                .unicode(!binary)
                .utf8(!binary),
        )
        .build(pattern);
    if let Ok(regex) = automaton {
        return Ok(RegexMatcher::Automaton(regex));
    }
    let mode = if binary {
        BytesMode::Ascii
    } else {
        BytesMode::Unicode
    };
    RegexBuilder::new(pattern)
        .bytes_mode(mode)
        .dot_matches_new_line(true)
        .backtrack_limit(REGEX_BACKTRACK_LIMIT)
        .build()
        .map(RegexMatcher::Backtracking)
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Pattern, StixVersion};

    fn path(text: &str) -> ObjectPath {
        let pattern =
            Pattern::parse(&format!("[{text} = 1]"), StixVersion::V2_1).expect("valid path");
        match pattern.expression {
            crate::ObservationExpr::Comparison(crate::ComparisonExpr::Comparison(comparison)) => {
                comparison.path
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn hashes_must_have_their_algorithm_form() {
        let md5 = path("file:hashes.MD5");
        let string = |text: &str| Constant::String(text.to_owned());
        assert_eq!(
            check_hash(&md5, &string("cead3f77f6cda6ec00f57d76c9a6879f")),
            Ok(())
        );
        assert_eq!(
            check_hash(&path("file:hashes.'SHA-256'"), &string("f00")),
            Err("'f00' is not a valid SHA-256 hash".to_owned())
        );
        assert_eq!(
            check_hash(&path("file:hashes.sha256"), &Constant::Int(5)),
            Err("a integer constant is not a valid SHA-256 hash".to_owned())
        );
        assert_eq!(check_hash(&path("file:hashes.TLSH"), &string("x")), Ok(()));
        assert_eq!(check_hash(&path("file:name"), &string("x")), Ok(()));
        assert_eq!(check_hash(&path("file:hashes[*]"), &string("x")), Ok(()));
        assert_eq!(
            check_hash(
                &path("file:hashes.ssdeep"),
                &string("3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C")
            ),
            Ok(())
        );
    }

    #[test]
    fn sets_share_one_type() {
        assert_eq!(
            check_homogeneous(&[Constant::Int(1), Constant::Float(2.5)]),
            Ok(())
        );
        assert_eq!(
            check_homogeneous(&[Constant::Binary(vec![1]), Constant::Hex(vec![2])]),
            Ok(())
        );
        assert_eq!(
            check_homogeneous(&[Constant::Int(1), Constant::Bool(true)]),
            Err(
                "a set mixes integer and boolean constants; its members must share one type"
                    .to_owned()
            )
        );
    }

    #[test]
    fn binary_expressions_match_bytes() {
        let compile = |pattern: &str| {
            build_binary_regex(pattern)
                .expect("compiles")
                .expect("convertible")
        };
        assert_eq!(compile(r"\x61li[c\x01]e").is_match(b"alice"), Ok(true));
        assert_eq!(
            compile("^\u{e9}\\\u{e8}$").is_match(&[0xe9, 0xe8]),
            Ok(true)
        );
        assert_eq!(compile("^[\u{e9}]$").is_match(&[0xe9]), Ok(true));
        assert!(
            build_binary_regex("\u{103}lice")
                .expect("compiles")
                .is_none()
        );
        // Look-behind needs the backtracking engine, in bytes mode too.
        let regex = compile(r"(?<=\x00)\xff");
        assert!(matches!(regex, RegexMatcher::Backtracking(_)));
        assert_eq!(regex.is_match(&[0, 0xff]), Ok(true));
        assert_eq!(regex.is_match(&[1, 0xff]), Ok(false));
    }

    #[test]
    fn text_expressions_pick_an_engine() {
        let plain = build_regex(r".+\@example\.com$").expect("compiles");
        assert!(matches!(plain, RegexMatcher::Automaton(_)));
        assert_eq!(plain.is_match(b"jane@example.com"), Ok(true));
        assert_eq!(
            build_regex("a.b").expect("compiles").is_match(b"a\nb"),
            Ok(true)
        );
        let fancy = build_regex(r"(\w)\1").expect("compiles");
        assert!(matches!(fancy, RegexMatcher::Backtracking(_)));
        assert_eq!(fancy.is_match(b"abba"), Ok(true));
        assert!(build_regex("(").is_err());
    }
}
