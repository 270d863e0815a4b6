//! The lexer: pattern text to tokens, following the longest-match rules of the OASIS ANTLR
//! grammar (`STIXPattern.g4`), so that for example `1SECONDS` is two tokens and `x-y` is one
//! identifier.
//!
//! Constants are decoded here (strings unescaped, base64 and hex decoded, timestamps checked),
//! so an invalid constant is reported at its first byte.

use base64::Engine as _;

use crate::ast::StixVersion;
use crate::error::Error;
use crate::timestamp::PatternTimestamp;

/// A token and where it is in the pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    LBracket,
    RBracket,
    LParen,
    RParen,
    Colon,
    Dot,
    Comma,
    Asterisk,
    Eq,
    Neq,
    Lt,
    Le,
    Gt,
    Ge,
    Keyword(Keyword),
    /// An identifier; `hyphen` when it contains `-` (allowed in object types only).
    Ident {
        hyphen: bool,
    },
    /// An integer; `negative` when written with a leading `-`.
    Int {
        negative: bool,
        value: i128,
    },
    /// A decimal number; `negative` when written with a leading `-`.
    Float {
        negative: bool,
        value: f64,
    },
    Str(String),
    Bool(bool),
    Binary(Vec<u8>),
    Hex(Vec<u8>),
    Timestamp(PatternTimestamp),
    /// A character the grammar names but never uses here (`+`, `-`, `^`, `/`).
    Punct,
    Eof,
}

/// The reserved words; `LAST` is reserved by the grammar without a use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Not,
    FollowedBy,
    Like,
    Matches,
    IsSuperset,
    IsSubset,
    Exists,
    Last,
    In,
    Start,
    Stop,
    Seconds,
    Within,
    Repeats,
    Times,
}

impl Keyword {
    const ALL: [(Keyword, &'static str); 17] = [
        (Keyword::And, "AND"),
        (Keyword::Or, "OR"),
        (Keyword::Not, "NOT"),
        (Keyword::FollowedBy, "FOLLOWEDBY"),
        (Keyword::Like, "LIKE"),
        (Keyword::Matches, "MATCHES"),
        (Keyword::IsSuperset, "ISSUPERSET"),
        (Keyword::IsSubset, "ISSUBSET"),
        (Keyword::Exists, "EXISTS"),
        (Keyword::Last, "LAST"),
        (Keyword::In, "IN"),
        (Keyword::Start, "START"),
        (Keyword::Stop, "STOP"),
        (Keyword::Seconds, "SECONDS"),
        (Keyword::Within, "WITHIN"),
        (Keyword::Repeats, "REPEATS"),
        (Keyword::Times, "TIMES"),
    ];

    /// Returns the keyword spelled `word` in `version`; keywords are case-sensitive, and
    /// `EXISTS` is an ordinary identifier in STIX 2.0.
    pub fn from_word(word: &str, version: StixVersion) -> Option<Keyword> {
        let keyword = Self::ALL
            .iter()
            .find(|(_, spelling)| *spelling == word)
            .map(|(keyword, _)| *keyword)?;
        (keyword != Keyword::Exists || version == StixVersion::V2_1).then_some(keyword)
    }

    /// Returns how the keyword is written.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(keyword, _)| *keyword == self)
            .map(|(_, spelling)| *spelling)
            .expect("every keyword is listed in ALL")
    }
}

/// Returns whether `word` would lex as something other than an identifier (a keyword or a
/// boolean), so that a property named like that must be quoted.
pub(crate) fn is_reserved(word: &str, version: StixVersion) -> bool {
    word == "true" || word == "false" || Keyword::from_word(word, version).is_some()
}

/// Returns whether `word` is an identifier without hyphen: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub(crate) fn is_plain_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Turns pattern text into tokens, on demand.
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    version: StixVersion,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str, version: StixVersion) -> Self {
        Self {
            text,
            pos: 0,
            version,
        }
    }

    /// Returns the text of a token.
    pub fn slice(&self, token: &Token) -> &'a str {
        &self.text[token.start..token.end]
    }

    /// Returns the next token, skipping whitespace and comments.
    pub fn next_token(&mut self) -> Result<Token, Error> {
        self.skip_trivia();
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let Some(&first) = bytes.get(start) else {
            return Ok(Token {
                kind: TokenKind::Eof,
                start,
                end: start,
            });
        };
        let next = bytes.get(start + 1).copied();
        let (kind, len) = match first {
            b'[' => (TokenKind::LBracket, 1),
            b']' => (TokenKind::RBracket, 1),
            b'(' => (TokenKind::LParen, 1),
            b')' => (TokenKind::RParen, 1),
            b':' => (TokenKind::Colon, 1),
            b',' => (TokenKind::Comma, 1),
            b'*' => (TokenKind::Asterisk, 1),
            b'=' if next == Some(b'=') => (TokenKind::Eq, 2),
            b'=' => (TokenKind::Eq, 1),
            b'!' if next == Some(b'=') => (TokenKind::Neq, 2),
            b'<' if next == Some(b'>') => (TokenKind::Neq, 2),
            b'<' if next == Some(b'=') => (TokenKind::Le, 2),
            b'<' => (TokenKind::Lt, 1),
            b'>' if next == Some(b'=') => (TokenKind::Ge, 2),
            b'>' => (TokenKind::Gt, 1),
            b'\'' => return self.string(start),
            b'.' if next.is_some_and(|b| b.is_ascii_digit()) => return self.number(start),
            b'.' => (TokenKind::Dot, 1),
            b'+' | b'-' | b'0'..=b'9' => return self.number(start),
            b'^' | b'/' => (TokenKind::Punct, 1),
            b't' | b'h' | b'b' if next == Some(b'\'') => {
                return self.prefixed_constant(start, first);
            }
            b if b.is_ascii_alphabetic() || b == b'_' => return Ok(self.word(start)),
            _ => {
                let found = self.text[start..].chars().next().expect("not at end");
                return Err(Error::Syntax {
                    offset: start,
                    expected: "a token".into(),
                    found: format!("'{found}'"),
                });
            }
        };
        self.pos = start + len;
        Ok(Token {
            kind,
            start,
            end: self.pos,
        })
    }

    fn skip_trivia(&mut self) {
        loop {
            let rest = &self.text[self.pos..];
            if let Some(c) = rest.chars().next().filter(|c| c.is_whitespace()) {
                self.pos += c.len_utf8();
            } else if rest.starts_with("//") {
                self.pos += rest.find(['\r', '\n']).unwrap_or(rest.len());
            } else if let Some(body) = rest.strip_prefix("/*") {
                // An unterminated comment is not a comment: the grammar then sees '/' and '*'.
                match body.find("*/") {
                    Some(end) => self.pos += 2 + end + 2,
                    None => return,
                }
            } else {
                return;
            }
        }
    }

    /// Lexes an identifier, keyword or boolean.
    fn word(&mut self, start: usize) -> Token {
        let bytes = self.text.as_bytes();
        let mut end = start + 1;
        let mut hyphen = false;
        while let Some(&b) = bytes.get(end) {
            if b == b'-' {
                hyphen = true;
            } else if !(b.is_ascii_alphanumeric() || b == b'_') {
                break;
            }
            end += 1;
        }
        self.pos = end;
        let word = &self.text[start..end];
        let kind = if hyphen {
            TokenKind::Ident { hyphen }
        } else if word == "true" {
            TokenKind::Bool(true)
        } else if word == "false" {
            TokenKind::Bool(false)
        } else if let Some(keyword) = Keyword::from_word(word, self.version) {
            TokenKind::Keyword(keyword)
        } else {
            TokenKind::Ident { hyphen: false }
        };
        Token { kind, start, end }
    }

    /// Lexes `IntPosLiteral`, `IntNegLiteral`, `FloatPosLiteral` or `FloatNegLiteral`, or a lone
    /// sign.
    fn number(&mut self, start: usize) -> Result<Token, Error> {
        let bytes = self.text.as_bytes();
        let mut idx = start;
        let negative = bytes[idx] == b'-';
        if matches!(bytes[idx], b'+' | b'-') {
            idx += 1;
        }
        let digits_start = idx;
        while bytes.get(idx).is_some_and(u8::is_ascii_digit) {
            idx += 1;
        }
        let int_end = idx;
        let is_float =
            bytes.get(idx) == Some(&b'.') && bytes.get(idx + 1).is_some_and(u8::is_ascii_digit);
        if is_float {
            idx += 1;
            while bytes.get(idx).is_some_and(u8::is_ascii_digit) {
                idx += 1;
            }
            self.pos = idx;
            let text = &self.text[start..idx];
            let value: f64 = text
                .parse()
                .map_err(|_| Error::invalid(start, format!("invalid number {text}")))?;
            if !value.is_finite() {
                return Err(Error::invalid(
                    start,
                    format!("number {text} is out of range"),
                ));
            }
            return Ok(Token {
                kind: TokenKind::Float { negative, value },
                start,
                end: idx,
            });
        }
        if int_end == digits_start {
            // A sign on its own.
            self.pos = start + 1;
            return Ok(Token {
                kind: TokenKind::Punct,
                start,
                end: start + 1,
            });
        }
        // An integer is '0' or starts with 1-9: "007" is three tokens, as in the grammar.
        let end = if bytes[digits_start] == b'0' {
            digits_start + 1
        } else {
            int_end
        };
        self.pos = end;
        let text = &self.text[start..end];
        let value: i128 = text
            .parse()
            .map_err(|_| Error::invalid(start, format!("integer {text} is out of range")))?;
        Ok(Token {
            kind: TokenKind::Int { negative, value },
            start,
            end,
        })
    }

    /// Lexes a string constant; only `\'` and `\\` are escapes (STIX 2.1 section 9.2).
    fn string(&mut self, start: usize) -> Result<Token, Error> {
        let (value, end) = self.quoted(start)?;
        self.pos = end;
        Ok(Token {
            kind: TokenKind::Str(value),
            start,
            end,
        })
    }

    /// Reads `'…'` starting at the quote at `start`; returns the unescaped text and the offset
    /// after the closing quote.
    fn quoted(&self, start: usize) -> Result<(String, usize), Error> {
        let mut value = String::new();
        let mut chars = self.text[start + 1..].char_indices();
        while let Some((idx, c)) = chars.next() {
            match c {
                '\'' => return Ok((value, start + 1 + idx + 1)),
                '\\' => match chars.next() {
                    Some((_, escaped @ ('\'' | '\\'))) => value.push(escaped),
                    Some((_, other)) => {
                        return Err(Error::invalid(
                            start + 1 + idx,
                            format!(
                                "invalid escape '\\{other}' in string: only \\' and \\\\ are allowed"
                            ),
                        ));
                    }
                    None => break,
                },
                other => value.push(other),
            }
        }
        Err(Error::invalid(start, "unterminated string"))
    }

    /// Lexes `t'…'`, `h'…'` or `b'…'` starting at the letter.
    fn prefixed_constant(&mut self, start: usize, letter: u8) -> Result<Token, Error> {
        let quote = start + 1;
        let body_start = quote + 1;
        // None of the three may contain a quote or a backslash, so the body ends at the next quote.
        let Some(len) = self.text[body_start..].find('\'') else {
            return Err(Error::invalid(start, "unterminated constant"));
        };
        let body = &self.text[body_start..body_start + len];
        let end = body_start + len + 1;
        let kind = match letter {
            b't' => TokenKind::Timestamp(PatternTimestamp::parse(body).map_err(|at| {
                Error::invalid(
                    start,
                    format!(
                        "invalid timestamp t'{body}' (at character {at} of the timestamp): \
                         expected YYYY-MM-DDTHH:MM:SS[.s]Z"
                    ),
                )
            })?),
            b'h' => TokenKind::Hex(decode_hex(body).ok_or_else(|| {
                Error::invalid(
                    start,
                    format!("invalid hex constant h'{body}': expected pairs of hex digits"),
                )
            })?),
            _ => TokenKind::Binary(decode_base64(body).ok_or_else(|| {
                Error::invalid(
                    start,
                    format!("invalid binary constant b'{body}': expected padded base64"),
                )
            })?),
        };
        self.pos = end;
        Ok(Token { kind, start, end })
    }
}

/// Decodes the body of `h'…'`: an even number of hex digits, possibly none.
fn decode_hex(body: &str) -> Option<Vec<u8>> {
    hex::decode(body).ok()
}

/// Decodes the body of `b'…'`: padded base64 of at least one byte, as the grammar's
/// `BinaryLiteral` requires. Line feeds are ignored, as STIX 2.1 section 9.2 requires.
fn decode_base64(body: &str) -> Option<Vec<u8>> {
    let compact: String = body.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    let bytes = compact.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    let n_padding = bytes.iter().rev().take_while(|b| **b == b'=').count();
    let is_base64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    if n_padding > 2 || !bytes[..bytes.len() - n_padding].iter().all(is_base64) {
        return None;
    }
    // The grammar does not require the unused bits of the last character to be zero.
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    engine.decode(bytes).ok()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    #[track_caller]
    fn check(text: &str, expect: Expect) {
        let mut lexer = Lexer::new(text, StixVersion::V2_1);
        let mut out = String::new();
        loop {
            match lexer.next_token() {
                Ok(token) => {
                    let eof = token.kind == TokenKind::Eof;
                    out.push_str(&format!(
                        "{}..{} {:?}\n",
                        token.start, token.end, token.kind
                    ));
                    if eof {
                        break;
                    }
                }
                Err(error) => {
                    out.push_str(&format!("error: {error}\n"));
                    break;
                }
            }
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn numbers_follow_longest_match() {
        check(
            "007 1SECONDS -0 +5 .5 -.5 1. 1e5",
            expect![[r#"
                0..1 Int { negative: false, value: 0 }
                1..2 Int { negative: false, value: 0 }
                2..3 Int { negative: false, value: 7 }
                4..5 Int { negative: false, value: 1 }
                5..12 Keyword(Seconds)
                13..15 Int { negative: true, value: 0 }
                16..18 Int { negative: false, value: 5 }
                19..21 Float { negative: false, value: 0.5 }
                22..25 Float { negative: true, value: -0.5 }
                26..27 Int { negative: false, value: 1 }
                27..28 Dot
                29..30 Int { negative: false, value: 1 }
                30..32 Ident { hyphen: false }
                32..32 Eof
            "#]],
        );
    }

    #[test]
    fn words_and_prefixed_constants() {
        check(
            "win-registry-key AND ANDx true trueish EXISTS t'2020-01-01T00:00:00Z' h'0aFF' b'YQ==' ht",
            expect![[r#"
                0..16 Ident { hyphen: true }
                17..20 Keyword(And)
                21..25 Ident { hyphen: false }
                26..30 Bool(true)
                31..38 Ident { hyphen: false }
                39..45 Keyword(Exists)
                46..69 Timestamp(PatternTimestamp { text: "2020-01-01T00:00:00Z" })
                70..77 Hex([10, 255])
                78..85 Binary([97])
                86..88 Ident { hyphen: false }
                88..88 Eof
            "#]],
        );
    }

    #[test]
    fn strings_allow_only_two_escapes() {
        check(
            r"'it\'s' 'a\\b' 'x\d'",
            expect![[r#"
                0..7 Str("it's")
                8..14 Str("a\\b")
                error: invalid pattern at offset 17: invalid escape '\d' in string: only \' and \\ are allowed
            "#]],
        );
        check(
            "'open",
            expect![[r#"
            error: invalid pattern at offset 0: unterminated string
        "#]],
        );
    }

    #[test]
    fn comments_and_unicode_whitespace_are_skipped() {
        check(
            "[\u{3000}a /* x */ // y\n]",
            expect![[r#"
                0..1 LBracket
                4..5 Ident { hyphen: false }
                19..20 RBracket
                20..20 Eof
            "#]],
        );
    }

    #[test]
    fn invalid_constants_are_reported_at_their_prefix() {
        check(
            "= b'===='",
            expect![[r#"
            0..1 Eq
            error: invalid pattern at offset 2: invalid binary constant b'====': expected padded base64
        "#]],
        );
        check(
            "b''",
            expect![[r#"
            error: invalid pattern at offset 0: invalid binary constant b'': expected padded base64
        "#]],
        );
        check(
            "h'abc'",
            expect![[r#"
            error: invalid pattern at offset 0: invalid hex constant h'abc': expected pairs of hex digits
        "#]],
        );
        check(
            "t'2457-73-22T32:81:84.1Z'",
            expect![[r#"
                error: invalid pattern at offset 0: invalid timestamp t'2457-73-22T32:81:84.1Z' (at character 5 of the timestamp): expected YYYY-MM-DDTHH:MM:SS[.s]Z
            "#]],
        );
        check(
            "?",
            expect![[r#"
            error: invalid pattern at offset 0: expected a token, found '?'
        "#]],
        );
    }

    #[test]
    fn exists_is_an_identifier_in_stix_2_0() {
        let mut lexer = Lexer::new("EXISTS", StixVersion::V2_0);
        assert_eq!(
            lexer.next_token().map(|token| token.kind),
            Ok(TokenKind::Ident { hyphen: false })
        );
    }
}
