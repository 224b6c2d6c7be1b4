//! Evaluation of compiled expressions in Kleene three-valued logic. An unknown operand makes
//! a comparison or a sum unknown; `false and unknown` is false and `true or unknown` is true.
//! Nothing unknown is ever read as false or zero. Evaluation walks the node arena
//! recursively and allocates nothing.

use qonys_time::Date;

use crate::pack::{ArithOp, CmpOp, Func, Node, NodeIdx, Pack, V};

/// Everything an expression can read: the facts, the derived facts and parameters already
/// resolved for the as-of date, and the date itself.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// Fact values, by fact index.
    pub facts: &'a [V],
    /// Derived values, by derived index.
    pub derived: &'a [V],
    /// Parameter values on the as-of date, by parameter index.
    pub params: &'a [V],
    /// The as-of date.
    pub as_of: Date,
}

fn cmp(op: CmpOp, a: V, b: V) -> V {
    let ord = match (a, b) {
        (V::Num(x), V::Num(y)) => x.partial_cmp(&y),
        (V::Date(x), V::Date(y)) => Some(x.cmp(&y)),
        (V::Sym(x), V::Sym(y)) => Some(x.cmp(&y)),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(&y)),
        _ => None,
    };
    let Some(ord) = ord else { return V::Unknown };
    use std::cmp::Ordering::*;
    V::Bool(match op {
        CmpOp::Eq => ord == Equal,
        CmpOp::Ne => ord != Equal,
        CmpOp::Lt => ord == Less,
        CmpOp::Le => ord != Greater,
        CmpOp::Gt => ord == Greater,
        CmpOp::Ge => ord != Less,
    })
}

/// Evaluates node `n`.
pub fn eval(pack: &Pack, n: NodeIdx, env: &Env<'_>) -> V {
    match &pack.nodes[n as usize] {
        Node::Const(v) => *v,
        Node::Fact(f) => env
            .facts
            .get(usize::from(*f))
            .copied()
            .unwrap_or(V::Unknown),
        Node::Derived(d) => env
            .derived
            .get(usize::from(*d))
            .copied()
            .unwrap_or(V::Unknown),
        Node::Param(p) => env
            .params
            .get(usize::from(*p))
            .copied()
            .unwrap_or(V::Unknown),
        Node::AsOf => V::Date(env.as_of),
        Node::Not(a) => match eval(pack, *a, env) {
            V::Bool(b) => V::Bool(!b),
            _ => V::Unknown,
        },
        Node::And(s, e) => {
            let mut unknown = false;
            for &k in &pack.kids[*s as usize..*e as usize] {
                match eval(pack, k, env) {
                    V::Bool(false) => return V::Bool(false),
                    V::Bool(true) => {}
                    _ => unknown = true,
                }
            }
            if unknown { V::Unknown } else { V::Bool(true) }
        }
        Node::Or(s, e) => {
            let mut unknown = false;
            for &k in &pack.kids[*s as usize..*e as usize] {
                match eval(pack, k, env) {
                    V::Bool(true) => return V::Bool(true),
                    V::Bool(false) => {}
                    _ => unknown = true,
                }
            }
            if unknown { V::Unknown } else { V::Bool(false) }
        }
        Node::Cmp(op, a, b) => cmp(*op, eval(pack, *a, env), eval(pack, *b, env)),
        Node::Arith(op, a, b) => match (eval(pack, *a, env), eval(pack, *b, env)) {
            (V::Num(x), V::Num(y)) => {
                let r = match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div if y != 0.0 => x / y,
                    ArithOp::Div => return V::Unknown,
                };
                V::Num(r)
            }
            _ => V::Unknown,
        },
        Node::Neg(a) => match eval(pack, *a, env) {
            V::Num(x) => V::Num(-x),
            _ => V::Unknown,
        },
        Node::InList {
            item,
            list,
            negated,
        } => {
            let v = eval(pack, *item, env);
            if !v.is_known() {
                return V::Unknown;
            }
            let found = pack.lists[*list as usize]
                .iter()
                .any(|x| cmp(CmpOp::Eq, v, *x) == V::Bool(true));
            V::Bool(found != *negated)
        }
        Node::Contains {
            set,
            option,
            negated,
        } => match eval(pack, *set, env) {
            V::Set(mask) => V::Bool((mask & (1u64 << option) != 0) != *negated),
            _ => V::Unknown,
        },
        Node::Call(func, a, b) => {
            let (x, y) = (eval(pack, *a, env), eval(pack, *b, env));
            match (func, x, y) {
                (Func::YearsBetween, V::Date(d1), V::Date(d2)) => {
                    V::Num(f64::from(d1.whole_years_until(d2)))
                }
                (Func::DaysBetween, V::Date(d1), V::Date(d2)) => {
                    V::Num(f64::from(d1.days_until(d2)))
                }
                (Func::AddDays, V::Date(d), V::Num(k)) if k.abs() < 1e7 => {
                    V::Date(d.add_days(k as i32))
                }
                (Func::AddMonths, V::Date(d), V::Num(k)) if k.abs() < 1e5 => {
                    V::Date(d.add_months(k as i32))
                }
                (Func::Min, V::Num(p), V::Num(q)) => V::Num(p.min(q)),
                (Func::Max, V::Num(p), V::Num(q)) => V::Num(p.max(q)),
                _ => V::Unknown,
            }
        }
    }
}

/// Evaluates a condition to a three-valued truth: `Some(true)`, `Some(false)` or `None`.
pub fn truth(pack: &Pack, n: NodeIdx, env: &Env<'_>) -> Option<bool> {
    eval(pack, n, env).truth()
}
