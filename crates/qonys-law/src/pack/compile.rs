//! Name resolution and type checking of parsed expressions, producing typed nodes in the
//! pack's expression arena. Every mistake a pack author can make in an expression — an
//! undeclared fact, an option that does not exist, money compared across currencies, a
//! number compared with a date — is reported here with its position in the expression.

use std::collections::HashMap;

use super::expr::{Ast, CmpOp, Span};
use super::model::{Fact, FactIdx, FactType, Func, Node, NodeIdx, Ty, V};

/// A type or name error at a byte offset of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    /// Where.
    pub at: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

fn err<T>(span: Span, message: impl Into<String>) -> Result<T, CompileError> {
    Err(CompileError {
        at: span.start,
        message: message.into(),
    })
}

/// The names an expression may use.
pub(crate) struct Scope<'a> {
    pub facts: &'a [Fact],
    pub fact_index: &'a HashMap<String, FactIdx>,
    pub derived: &'a HashMap<String, (u16, Ty)>,
    pub params: &'a HashMap<String, (u16, Ty)>,
    pub countries: &'a HashMap<String, u16>,
    pub groups: &'a HashMap<String, Vec<u16>>,
}

/// The arena nodes are written into.
#[derive(Default)]
pub(crate) struct Arena {
    pub nodes: Vec<Node>,
    pub kids: Vec<NodeIdx>,
    pub lists: Vec<Vec<V>>,
}

impl Arena {
    fn push(&mut self, n: Node) -> NodeIdx {
        self.nodes.push(n);
        (self.nodes.len() - 1) as NodeIdx
    }
}

/// Describes a type for error messages.
pub(crate) fn describe(ty: &Ty, facts: &[Fact]) -> String {
    match ty {
        Ty::Bool => "a yes/no value".into(),
        Ty::Num => "a number".into(),
        Ty::Money(c) => format!("an amount in {c}"),
        Ty::Date => "a date".into(),
        Ty::Opt(f) => format!("a choice of `{}`", facts[usize::from(*f)].id),
        Ty::Country => "a country".into(),
        Ty::Set(f) => format!("the choices of `{}`", facts[usize::from(*f)].id),
    }
}

/// Type of a fact's value.
pub(crate) fn fact_ty(idx: FactIdx, f: &Fact) -> Ty {
    match &f.kind {
        FactType::Bool => Ty::Bool,
        FactType::Enum => Ty::Opt(idx),
        FactType::Set => Ty::Set(idx),
        FactType::Integer | FactType::Number => Ty::Num,
        FactType::Money(c) => Ty::Money(c.clone()),
        FactType::Date => Ty::Date,
        FactType::Country => Ty::Country,
    }
}

fn numeric(ty: &Ty) -> bool {
    matches!(ty, Ty::Num | Ty::Money(_))
}

/// Collects the bare names an expression refers to (for ordering derived facts).
pub(crate) fn names(ast: &Ast, out: &mut Vec<(String, Span)>) {
    match ast {
        Ast::Name(n, s) => out.push((n.clone(), *s)),
        Ast::Call(_, args, _) | Ast::List(args, _) | Ast::And(args, _) | Ast::Or(args, _) => {
            args.iter().for_each(|a| names(a, out));
        }
        Ast::Not(a, _) | Ast::Neg(a, _) => names(a, out),
        Ast::Cmp(_, a, b, _) | Ast::Arith(_, a, b, _) => {
            names(a, out);
            names(b, out);
        }
        Ast::In { item, set, .. } => {
            names(item, out);
            names(set, out);
        }
        _ => {}
    }
}

pub(crate) struct Compiler<'a, 'b> {
    pub scope: &'a Scope<'b>,
    pub arena: &'a mut Arena,
}

impl Compiler<'_, '_> {
    /// Compiles an expression that must be a yes/no condition.
    pub fn condition(&mut self, ast: &Ast) -> Result<NodeIdx, CompileError> {
        let (n, ty) = self.expr(ast)?;
        if ty != Ty::Bool {
            return err(
                ast.span(),
                format!(
                    "expected a condition (yes/no), but this is {}",
                    describe(&ty, self.scope.facts)
                ),
            );
        }
        Ok(n)
    }

    /// Compiles any expression.
    pub fn expr(&mut self, ast: &Ast) -> Result<(NodeIdx, Ty), CompileError> {
        match ast {
            Ast::Number(n, _) => Ok((self.arena.push(Node::Const(V::Num(*n))), Ty::Num)),
            Ast::Bool(b, _) => Ok((self.arena.push(Node::Const(V::Bool(*b))), Ty::Bool)),
            Ast::Date(d, _) => Ok((self.arena.push(Node::Const(V::Date(*d))), Ty::Date)),
            Ast::AsOf(_) => Ok((self.arena.push(Node::AsOf), Ty::Date)),
            Ast::Str(s, span) => err(
                *span,
                format!(
                    "the string \"{s}\" has no meaning on its own: compare it with a choice fact or a country (`citizenship == \"{s}\"`), or test membership (`\"{s}\" in purposes`)"
                ),
            ),
            Ast::Group(g, span) => err(
                *span,
                format!("`group.{g}` is a list of countries: use it as `citizenship in group.{g}`"),
            ),
            Ast::List(_, span) => err(
                *span,
                "a list can only follow `in` (`citizenship in [\"RU\", \"BY\"]`)",
            ),
            Ast::Name(name, span) => {
                if let Some(&idx) = self.scope.fact_index.get(name) {
                    let ty = fact_ty(idx, &self.scope.facts[usize::from(idx)]);
                    Ok((self.arena.push(Node::Fact(idx)), ty))
                } else if let Some((idx, ty)) = self.scope.derived.get(name) {
                    Ok((self.arena.push(Node::Derived(*idx)), ty.clone()))
                } else {
                    err(
                        *span,
                        format!(
                            "`{name}` is not a declared fact or derived fact (declare it in facts.toml or derived.toml)"
                        ),
                    )
                }
            }
            Ast::Param(name, span) => match self.scope.params.get(name) {
                Some((idx, ty)) => Ok((self.arena.push(Node::Param(*idx)), ty.clone())),
                None => err(
                    *span,
                    format!(
                        "`param.{name}` is not a declared parameter (declare it in parameters.toml)"
                    ),
                ),
            },
            Ast::Not(inner, _) => {
                let n = self.condition(inner)?;
                Ok((self.arena.push(Node::Not(n)), Ty::Bool))
            }
            Ast::And(items, _) | Ast::Or(items, _) => {
                let mut ids = Vec::with_capacity(items.len());
                for it in items {
                    ids.push(self.condition(it)?);
                }
                let start = self.arena.kids.len() as u32;
                self.arena.kids.extend(ids);
                let end = self.arena.kids.len() as u32;
                let node = if matches!(ast, Ast::And(..)) {
                    Node::And(start, end)
                } else {
                    Node::Or(start, end)
                };
                Ok((self.arena.push(node), Ty::Bool))
            }
            Ast::Neg(inner, span) => {
                let (n, ty) = self.expr(inner)?;
                if !numeric(&ty) {
                    return err(
                        *span,
                        format!("cannot negate {}", describe(&ty, self.scope.facts)),
                    );
                }
                Ok((self.arena.push(Node::Neg(n)), ty))
            }
            Ast::Arith(op, a, b, span) => {
                let (na, ta) = self.expr(a)?;
                let (nb, tb) = self.expr(b)?;
                use super::expr::ArithOp::*;
                let ty = match (op, &ta, &tb) {
                    (_, Ty::Num, Ty::Num) => Ty::Num,
                    (Add | Sub, Ty::Money(x), Ty::Money(y)) if x == y => ta.clone(),
                    (Mul, Ty::Money(_), Ty::Num) | (Div, Ty::Money(_), Ty::Num) => ta.clone(),
                    (Mul, Ty::Num, Ty::Money(_)) => tb.clone(),
                    (Div, Ty::Money(x), Ty::Money(y)) if x == y => Ty::Num,
                    _ => {
                        return err(
                            *span,
                            format!(
                                "cannot combine {} and {} with this operator",
                                describe(&ta, self.scope.facts),
                                describe(&tb, self.scope.facts)
                            ),
                        );
                    }
                };
                Ok((self.arena.push(Node::Arith(*op, na, nb)), ty))
            }
            Ast::Cmp(op, a, b, span) => self.compare(*op, a, b, *span),
            Ast::In {
                item,
                set,
                negated,
                span,
            } => self.membership(item, set, *negated, *span),
            Ast::Call(name, args, span) => self.call(name, args, *span),
        }
    }

    fn literal_for(&self, s: &str, span: Span, ty: &Ty) -> Result<V, CompileError> {
        match ty {
            Ty::Opt(f) | Ty::Set(f) => {
                let fact = &self.scope.facts[usize::from(*f)];
                match fact.option_index(s) {
                    Some(i) => Ok(V::Sym(i)),
                    None => {
                        let known: Vec<&str> = fact.options.iter().map(|o| o.id.as_str()).collect();
                        err(
                            span,
                            format!(
                                "\"{s}\" is not an option of `{}`; its options are: {}",
                                fact.id,
                                known.join(", ")
                            ),
                        )
                    }
                }
            }
            Ty::Country => match self.scope.countries.get(&s.to_ascii_uppercase()) {
                Some(&i) if s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase()) => {
                    Ok(V::Sym(i))
                }
                _ => err(
                    span,
                    format!(
                        "\"{s}\" is not an ISO 3166-1 alpha-2 country code in data/countries.toml (write it in capitals, e.g. \"KZ\")"
                    ),
                ),
            },
            other => err(
                span,
                format!(
                    "a string cannot be compared with {}",
                    describe(other, self.scope.facts)
                ),
            ),
        }
    }

    fn compare(
        &mut self,
        op: CmpOp,
        a: &Ast,
        b: &Ast,
        span: Span,
    ) -> Result<(NodeIdx, Ty), CompileError> {
        // A string literal takes the type of the other side.
        let (na, ta, nb, tb) = match (a, b) {
            (Ast::Str(..), Ast::Str(..)) => {
                return err(span, "comparing two strings is always the same answer");
            }
            (Ast::Str(s, ss), other) | (other, Ast::Str(s, ss)) => {
                let (no, to) = self.expr(other)?;
                let v = self.literal_for(s, *ss, &to)?;
                if matches!(to, Ty::Set(_)) {
                    return err(
                        span,
                        "test a set with `in` (`\"work\" in purposes`), not with a comparison",
                    );
                }
                let nl = self.arena.push(Node::Const(v));
                if matches!(a, Ast::Str(..)) {
                    (nl, to.clone(), no, to)
                } else {
                    (no, to.clone(), nl, to)
                }
            }
            _ => {
                let (na, ta) = self.expr(a)?;
                let (nb, tb) = self.expr(b)?;
                (na, ta, nb, tb)
            }
        };
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        let ok = match (&ta, &tb) {
            (Ty::Num, Ty::Num) | (Ty::Date, Ty::Date) => true,
            (Ty::Money(x), Ty::Money(y)) => x == y,
            (Ty::Money(_), Ty::Num) | (Ty::Num, Ty::Money(_)) => true,
            (Ty::Bool, Ty::Bool) | (Ty::Country, Ty::Country) => !ordered,
            (Ty::Opt(x), Ty::Opt(y)) => x == y && !ordered,
            _ => false,
        };
        if !ok {
            return err(
                span,
                format!(
                    "cannot compare {} with {} using `{}`",
                    describe(&ta, self.scope.facts),
                    describe(&tb, self.scope.facts),
                    op.symbol()
                ),
            );
        }
        Ok((self.arena.push(Node::Cmp(op, na, nb)), Ty::Bool))
    }

    fn membership(
        &mut self,
        item: &Ast,
        set: &Ast,
        negated: bool,
        span: Span,
    ) -> Result<(NodeIdx, Ty), CompileError> {
        // `"opt" in set_fact`
        if let Ast::Str(s, ss) = item {
            let (ns, ts) = self.expr(set)?;
            let Ty::Set(_) = ts else {
                return err(
                    set.span(),
                    format!(
                        "`\"{s}\" in …` needs a multi-choice (set) fact on the right, but this is {}",
                        describe(&ts, self.scope.facts)
                    ),
                );
            };
            let V::Sym(option) = self.literal_for(s, *ss, &ts)? else {
                return err(*ss, "expected an option");
            };
            return Ok((
                self.arena.push(Node::Contains {
                    set: ns,
                    option,
                    negated,
                }),
                Ty::Bool,
            ));
        }
        let (ni, ti) = self.expr(item)?;
        let values: Vec<V> = match set {
            Ast::Group(g, gs) => {
                if ti != Ty::Country {
                    return err(
                        item.span(),
                        format!(
                            "only a country can be tested against `group.{g}`, but this is {}",
                            describe(&ti, self.scope.facts)
                        ),
                    );
                }
                match self.scope.groups.get(g) {
                    Some(m) => m.iter().map(|&c| V::Sym(c)).collect(),
                    None => {
                        return err(
                            *gs,
                            format!("`group.{g}` is not a country group in data/countries.toml"),
                        );
                    }
                }
            }
            Ast::List(items, _) => {
                let mut vals = Vec::with_capacity(items.len());
                for it in items {
                    let v = match it {
                        Ast::Str(s, ss) => self.literal_for(s, *ss, &ti)?,
                        Ast::Number(n, ns) if numeric(&ti) => {
                            let _ = ns;
                            V::Num(*n)
                        }
                        Ast::Date(d, _) if ti == Ty::Date => V::Date(*d),
                        other => {
                            return err(
                                other.span(),
                                format!(
                                    "list items must be literals matching {}",
                                    describe(&ti, self.scope.facts)
                                ),
                            );
                        }
                    };
                    vals.push(v);
                }
                vals
            }
            other => {
                return err(
                    other.span(),
                    "expected a list (`[\"RU\", \"BY\"]`) or a country group (`group.eaeu`) after `in`",
                );
            }
        };
        if matches!(ti, Ty::Bool | Ty::Set(_)) {
            return err(
                item.span(),
                format!("`in` cannot test {}", describe(&ti, self.scope.facts)),
            );
        }
        self.arena.lists.push(values);
        let list = (self.arena.lists.len() - 1) as u32;
        let _ = span;
        Ok((
            self.arena.push(Node::InList {
                item: ni,
                list,
                negated,
            }),
            Ty::Bool,
        ))
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Ast],
        span: Span,
    ) -> Result<(NodeIdx, Ty), CompileError> {
        let (func, want, ret): (Func, [&str; 2], Ty) = match name {
            "years_between" => (Func::YearsBetween, ["date", "date"], Ty::Num),
            "days_between" => (Func::DaysBetween, ["date", "date"], Ty::Num),
            "add_days" => (Func::AddDays, ["date", "number"], Ty::Date),
            "add_months" => (Func::AddMonths, ["date", "number"], Ty::Date),
            "min" => (Func::Min, ["number", "number"], Ty::Num),
            "max" => (Func::Max, ["number", "number"], Ty::Num),
            _ => {
                return err(
                    span,
                    format!(
                        "`{name}` is not a function; the functions are years_between, days_between, add_days, add_months, min, max"
                    ),
                );
            }
        };
        if args.len() != 2 {
            return err(
                span,
                format!("`{name}` takes 2 arguments, {} given", args.len()),
            );
        }
        let mut nodes = [0; 2];
        let mut tys = Vec::with_capacity(2);
        for (i, a) in args.iter().enumerate() {
            let (n, t) = self.expr(a)?;
            let ok = match want[i] {
                "date" => t == Ty::Date,
                _ => numeric(&t),
            };
            if !ok {
                return err(
                    a.span(),
                    format!(
                        "argument {} of `{name}` must be a {}, but this is {}",
                        i + 1,
                        want[i],
                        describe(&t, self.scope.facts)
                    ),
                );
            }
            nodes[i] = n;
            tys.push(t);
        }
        let ret = match (func, &tys[..]) {
            (Func::Min | Func::Max, [a, b]) if a == b => a.clone(),
            (Func::Min | Func::Max, [Ty::Money(c), Ty::Num] | [Ty::Num, Ty::Money(c)]) => {
                Ty::Money(c.clone())
            }
            (Func::Min | Func::Max, _) => {
                return err(span, "`min`/`max` need numbers of the same kind");
            }
            _ => ret,
        };
        Ok((self.arena.push(Node::Call(func, nodes[0], nodes[1])), ret))
    }
}
