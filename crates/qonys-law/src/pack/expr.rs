//! The condition language of rule packs: a lexer and a recursive-descent parser producing an
//! untyped syntax tree whose nodes remember their byte offsets in the expression text, so
//! that load errors can point at the exact column in the pack file. Typing and name
//! resolution happen later, in `compile.rs`.

use std::fmt;

/// A byte range within the expression text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A parse error at a byte offset of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// Where.
    pub at: usize,
    /// What was expected.
    pub message: String,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator that holds exactly when this one does not.
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// A syntax-tree node.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    /// A number literal.
    Number(f64, Span),
    /// A string literal (option id or country code).
    Str(String, Span),
    /// A date literal.
    Date(qonys_time::Date, Span),
    /// `true` / `false`.
    Bool(bool, Span),
    /// `as_of`.
    AsOf(Span),
    /// A bare name: a fact or derived fact.
    Name(String, Span),
    /// `param.NAME`.
    Param(String, Span),
    /// `group.NAME`.
    Group(String, Span),
    /// A function call.
    Call(String, Vec<Ast>, Span),
    /// `[a, b, c]`.
    List(Vec<Ast>, Span),
    /// `not x`.
    Not(Box<Ast>, Span),
    /// `-x`.
    Neg(Box<Ast>, Span),
    /// `a and b and …`.
    And(Vec<Ast>, Span),
    /// `a or b or …`.
    Or(Vec<Ast>, Span),
    /// `a OP b`.
    Cmp(CmpOp, Box<Ast>, Box<Ast>, Span),
    /// `a in b` (negated for `not in`).
    In {
        /// The item.
        item: Box<Ast>,
        /// The collection.
        set: Box<Ast>,
        /// `not in`.
        negated: bool,
        /// Whole expression.
        span: Span,
    },
    /// `a OP b` arithmetic.
    Arith(ArithOp, Box<Ast>, Box<Ast>, Span),
}

impl Ast {
    /// The source range of this node.
    pub fn span(&self) -> Span {
        match self {
            Ast::Number(_, s)
            | Ast::Str(_, s)
            | Ast::Date(_, s)
            | Ast::Bool(_, s)
            | Ast::AsOf(s)
            | Ast::Name(_, s)
            | Ast::Param(_, s)
            | Ast::Group(_, s)
            | Ast::Call(_, _, s)
            | Ast::List(_, s)
            | Ast::Not(_, s)
            | Ast::Neg(_, s)
            | Ast::And(_, s)
            | Ast::Or(_, s)
            | Ast::Cmp(_, _, _, s)
            | Ast::Arith(_, _, _, s) => *s,
            Ast::In { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Date(qonys_time::Date),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    End,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Num(n) => write!(f, "number {n}"),
            Tok::Str(s) => write!(f, "string \"{s}\""),
            Tok::Date(d) => write!(f, "date {d}"),
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Op(o) => write!(f, "`{o}`"),
            Tok::LParen => f.write_str("`(`"),
            Tok::RParen => f.write_str("`)`"),
            Tok::LBracket => f.write_str("`[`"),
            Tok::RBracket => f.write_str("`]`"),
            Tok::Comma => f.write_str("`,`"),
            Tok::Dot => f.write_str("`.`"),
            Tok::End => f.write_str("the end of the expression"),
        }
    }
}

fn lex(src: &str) -> Result<Vec<(Tok, Span)>, ParseError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = match c {
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b')' => {
                i += 1;
                Tok::RParen
            }
            b'[' => {
                i += 1;
                Tok::LBracket
            }
            b']' => {
                i += 1;
                Tok::RBracket
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b'.' => {
                i += 1;
                Tok::Dot
            }
            b'+' | b'-' | b'*' | b'/' => {
                i += 1;
                Tok::Op(match c {
                    b'+' => "+",
                    b'-' => "-",
                    b'*' => "*",
                    _ => "/",
                })
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = b.get(i + 1) == Some(&b'=');
                let op = match (c, two) {
                    (b'=', true) => "==",
                    (b'!', true) => "!=",
                    (b'<', true) => "<=",
                    (b'>', true) => ">=",
                    (b'<', false) => "<",
                    (b'>', false) => ">",
                    (b'=', false) => {
                        return Err(ParseError {
                            at: i,
                            message: "expected `==` (a single `=` is not an operator)".into(),
                        });
                    }
                    _ => {
                        return Err(ParseError {
                            at: i,
                            message: "expected `!=`; write `not` for negation".into(),
                        });
                    }
                };
                i += if two { 2 } else { 1 };
                Tok::Op(op)
            }
            b'"' => {
                i += 1;
                let s = i;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
                if i >= b.len() {
                    return Err(ParseError {
                        at: start,
                        message: "this string is not closed with `\"`".into(),
                    });
                }
                let text = src[s..i].to_string();
                i += 1;
                Tok::Str(text)
            }
            b'0'..=b'9' => {
                // A date (YYYY-MM-DD) or a number (digits, `_`, one `.`).
                if i + 10 <= b.len()
                    && b[i..i + 4].iter().all(u8::is_ascii_digit)
                    && b[i + 4] == b'-'
                    && b[i + 5..i + 7].iter().all(u8::is_ascii_digit)
                    && b[i + 7] == b'-'
                    && b[i + 8..i + 10].iter().all(u8::is_ascii_digit)
                {
                    let d = qonys_time::Date::parse(&src[i..i + 10]).map_err(|e| ParseError {
                        at: i,
                        message: e.to_string(),
                    })?;
                    i += 10;
                    Tok::Date(d)
                } else {
                    let mut text = String::new();
                    let mut seen_dot = false;
                    while i < b.len() {
                        match b[i] {
                            b'0'..=b'9' => text.push(b[i] as char),
                            b'_' => {}
                            b'.' if !seen_dot && b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                                seen_dot = true;
                                text.push('.');
                            }
                            _ => break,
                        }
                        i += 1;
                    }
                    let n: f64 = text.parse().map_err(|_| ParseError {
                        at: start,
                        message: format!("`{text}` is not a number"),
                    })?;
                    Tok::Num(n)
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                Tok::Ident(src[start..i].to_string())
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(ParseError {
                    at: i,
                    message: format!("unexpected character `{ch}`"),
                });
            }
        };
        out.push((tok, Span { start, end: i }));
    }
    out.push((
        Tok::End,
        Span {
            start: b.len(),
            end: b.len(),
        },
    ));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn span(&self) -> Span {
        self.toks[self.pos].1
    }

    fn bump(&mut self) -> (Tok, Span) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn err<T>(&self, expected: &str) -> Result<T, ParseError> {
        Err(ParseError {
            at: self.span().start,
            message: format!("expected {expected}, found {}", self.peek()),
        })
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                at: self.span().start,
                message: format!("the expression nests deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Ast, ParseError> {
        self.enter()?;
        let r = self.or();
        self.depth -= 1;
        r
    }

    fn or(&mut self) -> Result<Ast, ParseError> {
        let first = self.and()?;
        if !self.is_word("or") {
            return Ok(first);
        }
        let start = first.span().start;
        let mut items = vec![first];
        while self.is_word("or") {
            self.bump();
            items.push(self.and()?);
        }
        let end = items.last().map_or(start, |a| a.span().end);
        Ok(Ast::Or(items, Span { start, end }))
    }

    fn and(&mut self) -> Result<Ast, ParseError> {
        let first = self.not()?;
        if !self.is_word("and") {
            return Ok(first);
        }
        let start = first.span().start;
        let mut items = vec![first];
        while self.is_word("and") {
            self.bump();
            items.push(self.not()?);
        }
        let end = items.last().map_or(start, |a| a.span().end);
        Ok(Ast::And(items, Span { start, end }))
    }

    fn not(&mut self) -> Result<Ast, ParseError> {
        if self.is_word("not") {
            let (_, s) = self.bump();
            self.enter()?;
            let inner = self.not();
            self.depth -= 1;
            let inner = inner?;
            let span = Span {
                start: s.start,
                end: inner.span().end,
            };
            return Ok(Ast::Not(Box::new(inner), span));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Ast, ParseError> {
        let left = self.sum()?;
        let start = left.span().start;
        let op = match self.peek() {
            Tok::Op("==") => Some(CmpOp::Eq),
            Tok::Op("!=") => Some(CmpOp::Ne),
            Tok::Op("<") => Some(CmpOp::Lt),
            Tok::Op("<=") => Some(CmpOp::Le),
            Tok::Op(">") => Some(CmpOp::Gt),
            Tok::Op(">=") => Some(CmpOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.bump();
            let right = self.sum()?;
            let span = Span {
                start,
                end: right.span().end,
            };
            return Ok(Ast::Cmp(op, Box::new(left), Box::new(right), span));
        }
        let negated = if self.is_word("not")
            && matches!(self.toks.get(self.pos + 1), Some((Tok::Ident(w), _)) if w == "in")
        {
            self.bump();
            true
        } else {
            false
        };
        if self.is_word("in") {
            self.bump();
            let set = self.sum()?;
            let span = Span {
                start,
                end: set.span().end,
            };
            return Ok(Ast::In {
                item: Box::new(left),
                set: Box::new(set),
                negated,
                span,
            });
        }
        if negated {
            return self.err("`in` after `not`");
        }
        Ok(left)
    }

    fn sum(&mut self) -> Result<Ast, ParseError> {
        let mut left = self.prod()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => ArithOp::Add,
                Tok::Op("-") => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.bump();
            let right = self.prod()?;
            let span = Span {
                start: left.span().start,
                end: right.span().end,
            };
            left = Ast::Arith(op, Box::new(left), Box::new(right), span);
        }
    }

    fn prod(&mut self) -> Result<Ast, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => ArithOp::Mul,
                Tok::Op("/") => ArithOp::Div,
                _ => return Ok(left),
            };
            self.bump();
            let right = self.unary()?;
            let span = Span {
                start: left.span().start,
                end: right.span().end,
            };
            left = Ast::Arith(op, Box::new(left), Box::new(right), span);
        }
    }

    fn unary(&mut self) -> Result<Ast, ParseError> {
        if matches!(self.peek(), Tok::Op("-")) {
            let (_, s) = self.bump();
            self.enter()?;
            let inner = self.unary();
            self.depth -= 1;
            let inner = inner?;
            let span = Span {
                start: s.start,
                end: inner.span().end,
            };
            return Ok(Ast::Neg(Box::new(inner), span));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Ast, ParseError> {
        let (tok, span) = self.bump();
        match tok {
            Tok::Num(n) => Ok(Ast::Number(n, span)),
            Tok::Str(s) => Ok(Ast::Str(s, span)),
            Tok::Date(d) => Ok(Ast::Date(d, span)),
            Tok::LParen => {
                let inner = self.expr()?;
                if *self.peek() != Tok::RParen {
                    return self.err("`)`");
                }
                self.bump();
                Ok(inner)
            }
            Tok::LBracket => {
                let mut items = Vec::new();
                if *self.peek() != Tok::RBracket {
                    loop {
                        items.push(self.expr()?);
                        match self.peek() {
                            Tok::Comma => {
                                self.bump();
                                if *self.peek() == Tok::RBracket {
                                    break;
                                }
                            }
                            Tok::RBracket => break,
                            _ => return self.err("`,` or `]`"),
                        }
                    }
                }
                let end = self.span().end;
                self.bump();
                Ok(Ast::List(
                    items,
                    Span {
                        start: span.start,
                        end,
                    },
                ))
            }
            Tok::Ident(name) => match name.as_str() {
                "true" => Ok(Ast::Bool(true, span)),
                "false" => Ok(Ast::Bool(false, span)),
                "as_of" => Ok(Ast::AsOf(span)),
                "and" | "or" | "not" | "in" => Err(ParseError {
                    at: span.start,
                    message: format!("expected a value, found the keyword `{name}`"),
                }),
                "param" | "group" if *self.peek() == Tok::Dot => {
                    self.bump();
                    let (t, s2) = self.bump();
                    let Tok::Ident(field) = t else {
                        return Err(ParseError {
                            at: s2.start,
                            message: format!("expected a name after `{name}.`, found {t}"),
                        });
                    };
                    let whole = Span {
                        start: span.start,
                        end: s2.end,
                    };
                    Ok(if name == "param" {
                        Ast::Param(field, whole)
                    } else {
                        Ast::Group(field, whole)
                    })
                }
                _ if *self.peek() == Tok::LParen => {
                    self.bump();
                    let mut args = Vec::new();
                    if *self.peek() != Tok::RParen {
                        loop {
                            args.push(self.expr()?);
                            match self.peek() {
                                Tok::Comma => {
                                    self.bump();
                                }
                                Tok::RParen => break,
                                _ => return self.err("`,` or `)`"),
                            }
                        }
                    }
                    let end = self.span().end;
                    self.bump();
                    Ok(Ast::Call(
                        name,
                        args,
                        Span {
                            start: span.start,
                            end,
                        },
                    ))
                }
                _ => Ok(Ast::Name(name, span)),
            },
            other => Err(ParseError {
                at: span.start,
                message: format!("expected a value, found {other}"),
            }),
        }
    }
}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Ast, ParseError> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let ast = p.expr()?;
    if *p.peek() != Tok::End {
        return p.err("an operator (`and`, `or`, `==`, …) or the end of the expression");
    }
    Ok(ast)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn precedence() {
        let a = parse("a or b and not c").unwrap();
        let Ast::Or(items, _) = a else {
            panic!("or at top")
        };
        assert!(matches!(items[1], Ast::And(..)));
        let a = parse("savings_kzt >= param.pr_solvency_mci * param.mci").unwrap();
        let Ast::Cmp(CmpOp::Ge, _, right, _) = a else {
            panic!("cmp")
        };
        assert!(matches!(*right, Ast::Arith(ArithOp::Mul, ..)));
    }

    #[test]
    fn literals_and_membership() {
        let a = parse(r#"citizenship in ["RU", "BY"] and as_of >= 2024-11-18"#).unwrap();
        assert!(matches!(a, Ast::And(..)));
        let a = parse(r#""work" not in purposes"#).unwrap();
        assert!(matches!(a, Ast::In { negated: true, .. }));
        assert!(matches!(parse("300_000.5").unwrap(), Ast::Number(n, _) if n == 300_000.5));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse("a = b").unwrap_err();
        assert_eq!(e.at, 2);
        let e = parse("a and (b or c").unwrap_err();
        assert!(e.message.contains("`)`"), "{}", e.message);
        let e = parse("a b").unwrap_err();
        assert_eq!(e.at, 2);
        let e = parse("x == 2026-02-30").unwrap_err();
        assert!(e.message.contains("not a real calendar day"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "(".repeat(500) + "a" + &")".repeat(500);
        assert!(parse(&src).is_err());
        let src = "not ".repeat(500) + "a";
        assert!(parse(&src).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_expression_like_text(s in "[a-z_ ().\\[\\],\"0-9<>=!+*/-]{0,60}") {
            let _ = parse(&s);
        }
    }
}
