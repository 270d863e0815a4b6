//! The parser: a recursive descent over the OASIS grammar, with precedence
//! `FOLLOWEDBY` < `OR` < `AND` < qualifiers at the observation level and `OR` < `AND` inside
//! brackets.
//!
//! Two modes share the code. [`Pattern::parse`] accepts what the grammar accepts, as the OASIS
//! matcher does. [`Pattern::validate`] also applies the specification's rules that the grammar
//! cannot express, as the OASIS validator does and more: one qualifier of each kind per
//! observation expression (STIX 2.1), hash values of the right form, positive `WITHIN` and
//! `REPEATS` counts, sets of one type, IP constants for `ISSUBSET`/`ISSUPERSET`, and regular
//! expressions that compile.
//!
//! Recursion happens only at `(` and `[`, and is bounded by [`MAX_DEPTH`].

use crate::ast::{
    Comparison, ComparisonExpr, Constant, ObjectPath, ObservationExpr, PathStep, Pattern,
    Qualifier, Seconds, StixVersion, Test,
};
use crate::error::Error;
use crate::lexer::{Keyword, Lexer, Token, TokenKind};
use crate::{net, rules};

/// How deeply parentheses and brackets may nest.
pub const MAX_DEPTH: usize = 64;

impl Pattern {
    /// Parses `text` against the STIX patterning grammar of `version`.
    ///
    /// This accepts every pattern the OASIS grammar accepts, including some that break rules
    /// of the specification the grammar cannot express (see [`Pattern::validate`]); it is what
    /// evaluation starts from, like the OASIS matcher.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Syntax`], [`Error::Invalid`] (a malformed constant) or
    /// [`Error::TooDeep`], each with the byte offset of the problem.
    ///
    /// # Examples
    ///
    /// ```
    /// use stix_pattern::{Pattern, StixVersion};
    ///
    /// let pattern = Pattern::parse("[ipv4-addr:value = '198.51.100.1']", StixVersion::V2_1)?;
    /// assert_eq!(pattern.to_string(), "[ipv4-addr:value = '198.51.100.1']");
    ///
    /// let error = Pattern::parse("[file:size = ]", StixVersion::V2_1).unwrap_err();
    /// assert_eq!(
    ///     error.to_string(),
    ///     "invalid pattern at offset 13: expected a constant, found ']'"
    /// );
    /// # Ok::<(), stix_pattern::Error>(())
    /// ```
    pub fn parse(text: &str, version: StixVersion) -> Result<Pattern, Error> {
        Parser::new(text, version, false)?.pattern()
    }

    /// Parses `text` and checks the specification's rules beyond the grammar.
    ///
    /// On top of [`Pattern::parse`], this refuses: two qualifiers of one kind applied directly
    /// to one bracketed observation expression (STIX 2.1 section 9.5.1; not a rule in 2.0);
    /// a hash compared with a value of the wrong form for its algorithm (`file:hashes.MD5 =
    /// 'f00'`); `WITHIN` and `REPEATS` counts that are not positive; `IN` sets mixing types
    /// (integers and floats mix); `ISSUBSET`/`ISSUPERSET` constants that are not an IP address
    /// or CIDR block; and `MATCHES` expressions that do not compile.
    ///
    /// # Errors
    ///
    /// As [`Pattern::parse`], plus [`Error::Invalid`] for a broken rule, at its offset.
    pub fn validate(text: &str, version: StixVersion) -> Result<Pattern, Error> {
        Parser::new(text, version, true)?.pattern()
    }
}

/// The parser state: the lexer and one token of lookahead.
struct Parser<'a> {
    lexer: Lexer<'a>,
    token: Token,
    version: StixVersion,
    strict: bool,
    depth: usize,
}

/// The qualifier kinds, for the one-of-each-kind rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QualifierKind {
    Within,
    Repeats,
    StartStop,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, version: StixVersion, strict: bool) -> Result<Self, Error> {
        let mut lexer = Lexer::new(text, version);
        let token = lexer.next_token()?;
        Ok(Self {
            lexer,
            token,
            version,
            strict,
            depth: 0,
        })
    }

    fn pattern(mut self) -> Result<Pattern, Error> {
        if !matches!(self.token.kind, TokenKind::LBracket | TokenKind::LParen) {
            return Err(self.unexpected("an observation expression in square brackets"));
        }
        let expression = self.followed_by()?;
        if self.token.kind != TokenKind::Eof {
            return Err(
                self.unexpected("AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern")
            );
        }
        Ok(Pattern {
            version: self.version,
            expression,
        })
    }

    // --- observation expressions ---

    fn followed_by(&mut self) -> Result<ObservationExpr, Error> {
        self.chain(Keyword::FollowedBy, Self::or)
    }

    fn or(&mut self) -> Result<ObservationExpr, Error> {
        self.chain(Keyword::Or, Self::and)
    }

    fn and(&mut self) -> Result<ObservationExpr, Error> {
        self.chain(Keyword::And, Self::qualified)
    }

    /// An observation in brackets or parentheses, then its qualifiers.
    fn qualified(&mut self) -> Result<ObservationExpr, Error> {
        let bracketed = self.token.kind == TokenKind::LBracket;
        let expr = self.primary()?;
        // The one-of-each-kind rule applies to qualifiers written right after `[ … ]`, not to
        // those after a parenthesised group (as in the OASIS validator).
        let mut seen_kinds: Option<Vec<QualifierKind>> =
            (self.strict && bracketed && self.version == StixVersion::V2_1).then(Vec::new);
        let mut qualifiers = Vec::new();
        loop {
            let offset = self.token.start;
            let Some((kind, qualifier)) = self.qualifier()? else {
                break;
            };
            if let Some(seen) = &mut seen_kinds {
                if seen.contains(&kind) {
                    return Err(Error::invalid(
                        offset,
                        format!(
                            "a second {} qualifier on one observation expression \
                             (STIX 2.1 allows one of each kind)",
                            kind.as_str()
                        ),
                    ));
                }
                seen.push(kind);
            }
            qualifiers.push(qualifier);
        }
        if qualifiers.is_empty() {
            return Ok(expr);
        }
        Ok(match expr {
            ObservationExpr::Qualified {
                expr,
                qualifiers: mut inner,
            } => {
                inner.extend(qualifiers);
                ObservationExpr::Qualified {
                    expr,
                    qualifiers: inner,
                }
            }
            other => ObservationExpr::Qualified {
                expr: Box::new(other),
                qualifiers,
            },
        })
    }

    fn primary(&mut self) -> Result<ObservationExpr, Error> {
        match self.token.kind {
            TokenKind::LBracket => {
                self.enter()?;
                let comparison = self.comparison_or()?;
                self.expect(&TokenKind::RBracket, "AND, OR or ']'")?;
                self.depth -= 1;
                Ok(ObservationExpr::Comparison(comparison))
            }
            TokenKind::LParen => {
                self.enter()?;
                let expr = self.followed_by()?;
                self.expect(
                    &TokenKind::RParen,
                    "AND, OR, FOLLOWEDBY, a qualifier or ')'",
                )?;
                self.depth -= 1;
                Ok(expr)
            }
            _ => Err(self.unexpected("'[' or '('")),
        }
    }

    /// Parses a qualifier if one starts here.
    fn qualifier(&mut self) -> Result<Option<(QualifierKind, Qualifier)>, Error> {
        let TokenKind::Keyword(keyword) = self.token.kind else {
            return Ok(None);
        };
        let parsed = match keyword {
            Keyword::Within => {
                self.advance()?;
                let offset = self.token.start;
                let seconds = match self.token.kind {
                    TokenKind::Int {
                        negative: false,
                        value,
                    } => Seconds::Int(
                        u128::try_from(value).expect("a positive literal is not negative"),
                    ),
                    TokenKind::Float {
                        negative: false,
                        value,
                    } => Seconds::Float(value),
                    _ => return Err(self.unexpected("a positive number of seconds")),
                };
                if self.strict && seconds.as_f64() <= 0.0 {
                    return Err(Error::invalid(
                        offset,
                        "WITHIN needs a positive number of seconds",
                    ));
                }
                self.advance()?;
                self.expect_keyword(Keyword::Seconds)?;
                (QualifierKind::Within, Qualifier::Within(seconds))
            }
            Keyword::Repeats => {
                self.advance()?;
                let offset = self.token.start;
                let TokenKind::Int {
                    negative: false,
                    value,
                } = self.token.kind
                else {
                    return Err(self.unexpected("a positive integer"));
                };
                let count = u64::try_from(value)
                    .map_err(|_| Error::invalid(offset, "REPEATS count is out of range"))?;
                if self.strict && count == 0 {
                    return Err(Error::invalid(offset, "REPEATS needs a positive count"));
                }
                self.advance()?;
                self.expect_keyword(Keyword::Times)?;
                (QualifierKind::Repeats, Qualifier::Repeats(count))
            }
            Keyword::Start => {
                self.advance()?;
                let start = self.timestamp()?;
                self.expect_keyword(Keyword::Stop)?;
                let stop = self.timestamp()?;
                (
                    QualifierKind::StartStop,
                    Qualifier::StartStop { start, stop },
                )
            }
            _ => return Ok(None),
        };
        Ok(Some(parsed))
    }

    fn timestamp(&mut self) -> Result<crate::PatternTimestamp, Error> {
        let TokenKind::Timestamp(timestamp) = &self.token.kind else {
            return Err(self.unexpected("a timestamp t'…'"));
        };
        let timestamp = timestamp.clone();
        self.advance()?;
        Ok(timestamp)
    }

    // --- comparison expressions ---

    fn comparison_or(&mut self) -> Result<ComparisonExpr, Error> {
        self.chain(Keyword::Or, Self::comparison_and)
    }

    fn comparison_and(&mut self) -> Result<ComparisonExpr, Error> {
        self.chain(Keyword::And, Self::comparison)
    }

    fn comparison(&mut self) -> Result<ComparisonExpr, Error> {
        match self.token.kind {
            TokenKind::LParen => {
                self.enter()?;
                let inner = self.comparison_or()?;
                self.expect(&TokenKind::RParen, "AND, OR or ')'")?;
                self.depth -= 1;
                Ok(inner)
            }
            TokenKind::Keyword(Keyword::Not) if self.version == StixVersion::V2_1 => {
                self.advance()?;
                if self.token.kind != TokenKind::Keyword(Keyword::Exists) {
                    return Err(self.unexpected("EXISTS"));
                }
                self.advance()?;
                let path = self.object_path()?;
                Ok(ComparisonExpr::Comparison(Comparison {
                    path,
                    negated: true,
                    test: Test::Exists,
                }))
            }
            TokenKind::Keyword(Keyword::Exists) => {
                self.advance()?;
                let path = self.object_path()?;
                Ok(ComparisonExpr::Comparison(Comparison {
                    path,
                    negated: false,
                    test: Test::Exists,
                }))
            }
            TokenKind::Ident { .. } => {
                let path = self.object_path()?;
                let negated = self.eat_keyword(Keyword::Not)?;
                let test = self.test(&path)?;
                Ok(ComparisonExpr::Comparison(Comparison {
                    path,
                    negated,
                    test,
                }))
            }
            _ => Err(self.unexpected(match self.version {
                StixVersion::V2_0 => "an object path or '('",
                StixVersion::V2_1 => "an object path, EXISTS or '('",
            })),
        }
    }

    /// Parses the operator and operand after an object path (and optional `NOT`).
    fn test(&mut self, path: &ObjectPath) -> Result<Test, Error> {
        let operator = self.token.kind.clone();
        let test = match operator {
            TokenKind::Eq | TokenKind::Neq => {
                self.advance()?;
                let offset = self.token.start;
                let constant = self.constant(true)?;
                self.check_hash(path, &constant, offset)?;
                if operator == TokenKind::Eq {
                    Test::Equal(constant)
                } else {
                    Test::NotEqual(constant)
                }
            }
            TokenKind::Lt | TokenKind::Le | TokenKind::Gt | TokenKind::Ge => {
                self.advance()?;
                let offset = self.token.start;
                let constant = self.constant(false)?;
                self.check_hash(path, &constant, offset)?;
                match operator {
                    TokenKind::Lt => Test::Less(constant),
                    TokenKind::Le => Test::LessOrEqual(constant),
                    TokenKind::Gt => Test::Greater(constant),
                    _ => Test::GreaterOrEqual(constant),
                }
            }
            TokenKind::Keyword(Keyword::In) => {
                self.advance()?;
                Test::In(self.set(path)?)
            }
            TokenKind::Keyword(
                keyword @ (Keyword::Like
                | Keyword::Matches
                | Keyword::IsSubset
                | Keyword::IsSuperset),
            ) => {
                self.advance()?;
                let offset = self.token.start;
                let TokenKind::Str(text) = &self.token.kind else {
                    return Err(self.unexpected("a string constant"));
                };
                let text = text.clone();
                self.advance()?;
                match keyword {
                    Keyword::Like => Test::Like(text),
                    Keyword::Matches => {
                        if self.strict
                            && let Err(reason) = rules::check_regex(&text)
                        {
                            return Err(Error::invalid(offset, reason));
                        }
                        Test::Matches(text)
                    }
                    _ => {
                        if self.strict && net::parse_ip_or_cidr(&text).is_none() {
                            return Err(Error::invalid(
                                offset,
                                format!("'{text}' is not an IP address or CIDR block"),
                            ));
                        }
                        if keyword == Keyword::IsSubset {
                            Test::IsSubset(text)
                        } else {
                            Test::IsSuperset(text)
                        }
                    }
                }
            }
            _ => return Err(self.unexpected("a comparison operator")),
        };
        Ok(test)
    }

    /// Parses `( constant, … )`.
    fn set(&mut self, path: &ObjectPath) -> Result<Vec<Constant>, Error> {
        let open = self.token.start;
        self.expect(&TokenKind::LParen, "'('")?;
        let mut members = Vec::new();
        if self.token.kind == TokenKind::RParen {
            self.advance()?;
            return Ok(members);
        }
        loop {
            let offset = self.token.start;
            let constant = self.constant(true)?;
            self.check_hash(path, &constant, offset)?;
            members.push(constant);
            match self.token.kind {
                TokenKind::Comma => self.advance()?,
                TokenKind::RParen => {
                    self.advance()?;
                    break;
                }
                _ => return Err(self.unexpected("',' or ')'")),
            }
        }
        if self.strict
            && let Err(reason) = rules::check_homogeneous(&members)
        {
            return Err(Error::invalid(open, reason));
        }
        Ok(members)
    }

    /// Parses a constant; booleans only where `allow_bool` (they are not orderable).
    fn constant(&mut self, allow_bool: bool) -> Result<Constant, Error> {
        let constant = match &self.token.kind {
            TokenKind::Int { value, .. } => Constant::Int(*value),
            TokenKind::Float { value, .. } => Constant::Float(*value),
            TokenKind::Str(text) => Constant::String(text.clone()),
            TokenKind::Bool(value) if allow_bool => Constant::Bool(*value),
            TokenKind::Binary(bytes) => Constant::Binary(bytes.clone()),
            TokenKind::Hex(bytes) => Constant::Hex(bytes.clone()),
            TokenKind::Timestamp(timestamp) => Constant::Timestamp(timestamp.clone()),
            _ => {
                return Err(self.unexpected(if allow_bool {
                    "a constant"
                } else {
                    "a constant other than a boolean"
                }));
            }
        };
        self.advance()?;
        Ok(constant)
    }

    fn check_hash(
        &self,
        path: &ObjectPath,
        constant: &Constant,
        offset: usize,
    ) -> Result<(), Error> {
        if !self.strict {
            return Ok(());
        }
        rules::check_hash(path, constant).map_err(|reason| Error::invalid(offset, reason))
    }

    fn object_path(&mut self) -> Result<ObjectPath, Error> {
        let TokenKind::Ident { .. } = self.token.kind else {
            return Err(self.unexpected("an object type"));
        };
        let object_type = self.lexer.slice(&self.token).to_owned();
        self.advance()?;
        self.expect(&TokenKind::Colon, "':'")?;
        let mut steps = vec![PathStep::Key(self.property("a property name")?)];
        loop {
            match self.token.kind {
                TokenKind::Dot => {
                    self.advance()?;
                    steps.push(PathStep::Key(self.property("a property name or key")?));
                }
                TokenKind::LBracket => {
                    self.advance()?;
                    let step = match self.token.kind {
                        TokenKind::Int { value, .. } => PathStep::Index(value),
                        TokenKind::Asterisk => PathStep::AnyIndex,
                        _ => return Err(self.unexpected("a list index or '*'")),
                    };
                    self.advance()?;
                    self.expect(&TokenKind::RBracket, "']'")?;
                    steps.push(step);
                }
                _ => break,
            }
        }
        Ok(ObjectPath { object_type, steps })
    }

    /// A property name: an identifier without hyphen, or a quoted string.
    fn property(&mut self, expected: &str) -> Result<String, Error> {
        let name = match &self.token.kind {
            TokenKind::Ident { hyphen: false } => self.lexer.slice(&self.token).to_owned(),
            TokenKind::Str(text) => text.clone(),
            _ => return Err(self.unexpected(expected)),
        };
        self.advance()?;
        Ok(name)
    }

    /// Parses `operand (keyword operand)*` into one flat n-ary node.
    fn chain<T: Chain>(
        &mut self,
        keyword: Keyword,
        operand: fn(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut operands = vec![operand(self)?];
        while self.eat_keyword(keyword)? {
            operands.push(operand(self)?);
        }
        if operands.len() == 1 {
            return Ok(operands.pop().expect("one operand"));
        }
        let mut flat = Vec::with_capacity(operands.len());
        for operand in operands {
            match operand.split(keyword) {
                Ok(inner) => flat.extend(inner),
                Err(other) => flat.push(other),
            }
        }
        Ok(T::make(keyword, flat))
    }

    // --- token helpers ---

    fn advance(&mut self) -> Result<(), Error> {
        self.token = self.lexer.next_token()?;
        Ok(())
    }

    fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::TooDeep {
                offset: self.token.start,
                limit: MAX_DEPTH,
            });
        }
        self.depth += 1;
        self.advance()
    }

    fn eat_keyword(&mut self, keyword: Keyword) -> Result<bool, Error> {
        if self.token.kind == TokenKind::Keyword(keyword) {
            self.advance()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn expect_keyword(&mut self, keyword: Keyword) -> Result<(), Error> {
        if self.eat_keyword(keyword)? {
            Ok(())
        } else {
            Err(self.unexpected(keyword.as_str()))
        }
    }

    fn expect(&mut self, kind: &TokenKind, expected: &str) -> Result<(), Error> {
        if &self.token.kind == kind {
            self.advance()
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn unexpected(&self, expected: &str) -> Error {
        let found = if self.token.kind == TokenKind::Eof {
            "end of pattern".to_owned()
        } else {
            let text = self.lexer.slice(&self.token);
            match text.char_indices().nth(40) {
                Some((cut, _)) => format!("'{}…'", &text[..cut]),
                None => format!("'{text}'"),
            }
        };
        Error::Syntax {
            offset: self.token.start,
            expected: expected.to_owned(),
            found,
        }
    }
}

impl QualifierKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Within => "WITHIN",
            Self::Repeats => "REPEATS",
            Self::StartStop => "START/STOP",
        }
    }
}

/// The n-ary operators of the two levels, so that one parser function builds both.
trait Chain: Sized {
    /// Builds the node of `keyword` over `operands`.
    fn make(keyword: Keyword, operands: Vec<Self>) -> Self;
    /// Returns the operands if `self` is a node of `keyword`, to splice them in.
    fn split(self, keyword: Keyword) -> Result<Vec<Self>, Self>;
}

impl Chain for ObservationExpr {
    fn make(keyword: Keyword, operands: Vec<Self>) -> Self {
        match keyword {
            Keyword::And => Self::And(operands),
            Keyword::Or => Self::Or(operands),
            _ => Self::FollowedBy(operands),
        }
    }

    fn split(self, keyword: Keyword) -> Result<Vec<Self>, Self> {
        match (keyword, self) {
            (Keyword::And, Self::And(operands))
            | (Keyword::Or, Self::Or(operands))
            | (Keyword::FollowedBy, Self::FollowedBy(operands)) => Ok(operands),
            (_, other) => Err(other),
        }
    }
}

impl Chain for ComparisonExpr {
    fn make(keyword: Keyword, operands: Vec<Self>) -> Self {
        match keyword {
            Keyword::And => Self::And(operands),
            _ => Self::Or(operands),
        }
    }

    fn split(self, keyword: Keyword) -> Result<Vec<Self>, Self> {
        match (keyword, self) {
            (Keyword::And, Self::And(operands)) | (Keyword::Or, Self::Or(operands)) => Ok(operands),
            (_, other) => Err(other),
        }
    }
}
