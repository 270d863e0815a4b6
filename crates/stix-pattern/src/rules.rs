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

/// Compiles a `MATCHES` operand for string values: NFC-normalised, with the DOTALL option and
/// a search anywhere in the value (STIX 2.1 section 9.6.1).
pub(crate) fn build_regex(pattern: &str) -> Result<Regex, String> {
    let normalised: String = pattern.nfc().collect();
    RegexBuilder::new(&normalised)
        .dot_matches_new_line(true)
        .backtrack_limit(REGEX_BACKTRACK_LIMIT)
        .build()
        .map_err(|error| format!("invalid regular expression '{pattern}': {error}"))
}

/// Compiles a `MATCHES` operand for binary values (properties ending in `_bin` or `_hex`):
/// without the Unicode option, each code point below U+0100 standing for one byte.
///
/// Returns `Ok(None)` when the expression holds a code point of U+0100 or above, which no byte
/// can match (the comparison is then false).
pub(crate) fn build_binary_regex(pattern: &str) -> Result<Option<Regex>, String> {
    let mut converted = String::with_capacity(pattern.len());
    let mut escaped = false;
    for c in pattern.nfc() {
        let code = u32::from(c);
        if code >= 0x100 {
            return Ok(None);
        }
        if code >= 0x80 {
            // A byte above 0x7f must be written as an escape in a bytes-mode expression; after a
            // backslash, "x{..}" completes the escape the backslash started.
            if escaped {
                converted.push_str(&format!("x{{{code:02x}}}"));
            } else {
                converted.push_str(&format!("\\x{{{code:02x}}}"));
            }
            escaped = false;
            continue;
        }
        escaped = c == '\\' && !escaped;
        converted.push(c);
    }
    RegexBuilder::new(&converted)
        .bytes_mode(BytesMode::Ascii)
        .dot_matches_new_line(true)
        .backtrack_limit(REGEX_BACKTRACK_LIMIT)
        .build()
        .map(Some)
        .map_err(|error| format!("invalid regular expression '{pattern}': {error}"))
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
        let regex = build_binary_regex(r"\x61li[c\x01]e")
            .expect("compiles")
            .expect("convertible");
        assert_eq!(regex.is_match(&b"alice"[..]).ok(), Some(true));
        let regex = build_binary_regex("^\u{e9}\\\u{e8}$")
            .expect("compiles")
            .expect("convertible");
        assert_eq!(regex.is_match(&[0xe9u8, 0xe8][..]).ok(), Some(true));
        assert!(
            build_binary_regex("\u{103}lice")
                .expect("compiles")
                .is_none()
        );
    }
}
