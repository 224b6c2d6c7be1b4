//! Why a route got its verdict: the facts that would decide an open clause, and — for a
//! clause that is not met — what would have to change, as a tree of alternatives ("one of:
//! savings of at least 5,709,000 KZT, or being an ethnic Kazakh, or …"). The results are
//! structured (fact indices, operators, values); `qonys-i18n` turns them into sentences.

use super::assess::{Assessment, Outcome, RouteResult};
use super::eval::{Env, eval};
use crate::pack::{Clause, ClauseKind, CmpOp, FactIdx, Node, NodeIdx, Pack, V};

/// What an atomic condition refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A fact.
    Fact(FactIdx),
    /// A derived fact.
    Derived(u16),
    /// A parameter.
    Param(u16),
    /// Some computed value (shown by the expression's position).
    Computed(NodeIdx),
}

/// One atomic requirement.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// `subject OP target`, with the subject's current value.
    Compare {
        /// What is compared.
        subject: Subject,
        /// The operator that must hold.
        op: CmpOp,
        /// The value to compare with.
        target: V,
        /// The subject's value now.
        current: V,
    },
    /// The subject must (or must not) be one of `options`.
    OneOf {
        /// What is tested.
        subject: Subject,
        /// The allowed (or forbidden) values.
        options: Vec<V>,
        /// Must NOT be one of them.
        negated: bool,
        /// The subject's value now.
        current: V,
    },
    /// A set fact must (or must not) include an option.
    Includes {
        /// The set fact.
        subject: Subject,
        /// The option index.
        option: u16,
        /// Must NOT include it.
        negated: bool,
    },
    /// A yes/no subject must have this value.
    Is {
        /// The subject.
        subject: Subject,
        /// The value it must have.
        value: bool,
    },
    /// The clause is met by one of its exceptions.
    Exception {
        /// Index of the exception in its clause.
        exception: u16,
    },
}

/// What would have to change, as a tree.
#[derive(Debug, Clone, PartialEq)]
pub enum NeedTree {
    /// All of these.
    All(Vec<NeedTree>),
    /// Any one of these.
    Any(Vec<NeedTree>),
    /// One requirement.
    Leaf(Need),
}

impl NeedTree {
    fn simplify(self) -> NeedTree {
        match self {
            NeedTree::All(mut v) | NeedTree::Any(mut v) if v.len() == 1 => v.remove(0).simplify(),
            NeedTree::All(v) => NeedTree::All(v.into_iter().map(NeedTree::simplify).collect()),
            NeedTree::Any(v) => NeedTree::Any(v.into_iter().map(NeedTree::simplify).collect()),
            leaf => leaf,
        }
    }
}

fn subject_of(pack: &Pack, n: NodeIdx) -> Subject {
    match pack.nodes[n as usize] {
        Node::Fact(f) => Subject::Fact(f),
        Node::Derived(d) => Subject::Derived(d),
        Node::Param(p) => Subject::Param(p),
        _ => Subject::Computed(n),
    }
}

fn is_const(pack: &Pack, n: NodeIdx) -> bool {
    matches!(pack.nodes[n as usize], Node::Const(_) | Node::Param(_))
}

/// What must change for node `n` to evaluate to `want`. Only the parts that are currently
/// the wrong way round are included.
pub fn needs(pack: &Pack, n: NodeIdx, want: bool, env: &Env<'_>) -> Option<NeedTree> {
    let now = eval(pack, n, env);
    if now == V::Bool(want) {
        return None;
    }
    let tree = match &pack.nodes[n as usize] {
        Node::Not(a) => return needs(pack, *a, !want, env),
        Node::And(s, e) | Node::Or(s, e) => {
            let is_and = matches!(pack.nodes[n as usize], Node::And(..));
            let kids: Vec<NeedTree> = pack.kids[*s as usize..*e as usize]
                .iter()
                .filter_map(|&k| needs(pack, k, want, env))
                .collect();
            // and→true needs all wrong kids; or→true needs any; duals for false.
            if is_and == want {
                NeedTree::All(kids)
            } else {
                NeedTree::Any(kids)
            }
        }
        Node::Cmp(op, a, b) => {
            let op = if want { *op } else { op.negated() };
            let (subj, target_node, op) = if is_const(pack, *b) || !is_const(pack, *a) {
                (*a, *b, op)
            } else {
                (*b, *a, flip(op))
            };
            NeedTree::Leaf(Need::Compare {
                subject: subject_of(pack, subj),
                op,
                target: eval(pack, target_node, env),
                current: eval(pack, subj, env),
            })
        }
        Node::InList {
            item,
            list,
            negated,
        } => NeedTree::Leaf(Need::OneOf {
            subject: subject_of(pack, *item),
            options: pack.lists[*list as usize].clone(),
            negated: *negated == want,
            current: eval(pack, *item, env),
        }),
        Node::Contains {
            set,
            option,
            negated,
        } => NeedTree::Leaf(Need::Includes {
            subject: subject_of(pack, *set),
            option: *option,
            negated: *negated == want,
        }),
        Node::Fact(_) | Node::Derived(_) => NeedTree::Leaf(Need::Is {
            subject: subject_of(pack, n),
            value: want,
        }),
        _ => return None,
    };
    Some(tree.simplify())
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

/// What would make a clause that is not met (or not yet decided) hold: any one of its
/// exceptions, or the rule.
pub fn clause_needs(pack: &Pack, clause: &Clause, env: &Env<'_>) -> Option<NeedTree> {
    let mut alternatives = Vec::new();
    if let Some(t) = needs(pack, clause.rule, true, env) {
        alternatives.push(t);
    }
    for (i, e) in clause.exceptions.iter().enumerate() {
        if e.effective.contains(env.as_of) {
            alternatives.push(NeedTree::Leaf(Need::Exception {
                exception: i as u16,
            }));
        }
    }
    if alternatives.is_empty() {
        None
    } else {
        Some(NeedTree::Any(alternatives).simplify())
    }
}

/// Adds the unknown facts that decide node `n` (when `n` is itself unknown) to `out`.
pub fn deciding_facts(pack: &Pack, n: NodeIdx, env: &Env<'_>, out: &mut Vec<FactIdx>) {
    if eval(pack, n, env).is_known() {
        return;
    }
    match &pack.nodes[n as usize] {
        Node::Fact(f) => {
            if !out.contains(f) {
                out.push(*f);
            }
        }
        Node::Derived(d) => deciding_facts(pack, pack.derived[usize::from(*d)].node, env, out),
        Node::Not(a) | Node::Neg(a) => deciding_facts(pack, *a, env, out),
        Node::And(s, e) | Node::Or(s, e) => {
            for &k in &pack.kids[*s as usize..*e as usize] {
                deciding_facts(pack, k, env, out);
            }
        }
        Node::Cmp(_, a, b) | Node::Arith(_, a, b) | Node::Call(_, a, b) => {
            deciding_facts(pack, *a, env, out);
            deciding_facts(pack, *b, env, out);
        }
        Node::InList { item, .. } => deciding_facts(pack, *item, env, out),
        Node::Contains { set, .. } => deciding_facts(pack, *set, env, out),
        Node::Const(_) | Node::Param(_) | Node::AsOf => {}
    }
}

/// The unknown facts that decide a clause whose outcome is unknown.
pub fn clause_deciding_facts(pack: &Pack, clause: &Clause, env: &Env<'_>, out: &mut Vec<FactIdx>) {
    if let Some(a) = clause.applies_when {
        deciding_facts(pack, a, env, out);
    }
    for e in &clause.exceptions {
        if e.effective.contains(env.as_of) {
            deciding_facts(pack, e.when, env, out);
        }
    }
    deciding_facts(pack, clause.rule, env, out);
}

/// Whether a clause's parameters for the as-of date are missing (an `unknown = true` row):
/// then no answer from the person can decide it.
pub fn clause_param_gaps(pack: &Pack, clause: &Clause, env: &Env<'_>, out: &mut Vec<u16>) {
    fn walk(pack: &Pack, n: NodeIdx, env: &Env<'_>, out: &mut Vec<u16>) {
        match &pack.nodes[n as usize] {
            Node::Param(p) => {
                if !env.params[usize::from(*p)].is_known() && !out.contains(p) {
                    out.push(*p);
                }
            }
            Node::Derived(d) => walk(pack, pack.derived[usize::from(*d)].node, env, out),
            Node::Not(a) | Node::Neg(a) => walk(pack, *a, env, out),
            Node::And(s, e) | Node::Or(s, e) => {
                for &k in &pack.kids[*s as usize..*e as usize] {
                    walk(pack, k, env, out);
                }
            }
            Node::Cmp(_, a, b) | Node::Arith(_, a, b) | Node::Call(_, a, b) => {
                walk(pack, *a, env, out);
                walk(pack, *b, env, out);
            }
            Node::InList { item, .. } => walk(pack, *item, env, out),
            Node::Contains { set, .. } => walk(pack, *set, env, out),
            Node::Const(_) | Node::Fact(_) | Node::AsOf => {}
        }
    }
    walk(pack, clause.rule, env, out);
}

/// The facts that decide a route whose verdict is open (`needs_information`), in clause order.
pub fn route_deciding_facts(pack: &Pack, a: &Assessment, r: &RouteResult) -> Vec<FactIdx> {
    let env = a.env();
    let route = &pack.routes[usize::from(r.route)];
    let mut out = Vec::new();
    for cr in a.clauses(r) {
        let clause = &route.clauses[usize::from(cr.clause)];
        if clause.kind != ClauseKind::Warning && cr.outcome == Outcome::Unknown {
            clause_deciding_facts(pack, clause, &env, &mut out);
        }
    }
    out
}

/// The values of a clause's `{placeholders}` on the as-of date.
pub fn clause_values(
    pack: &Pack,
    clause: &Clause,
    env: &Env<'_>,
) -> Vec<(String, V, crate::pack::Ty)> {
    clause
        .values
        .iter()
        .map(|(name, n, ty)| (name.clone(), eval(pack, *n, env), ty.clone()))
        .collect()
}

/// The ids of the clauses and exceptions a verdict rests on: failed eligibility clauses for
/// `does_not_fit`, undecided ones for `needs_information`, open steps for
/// `fits_with_conditions`; and, whatever the verdict, the exceptions that applied.
pub fn decisive_ids<'p>(pack: &'p Pack, a: &Assessment, r: &RouteResult) -> Vec<&'p str> {
    let route = &pack.routes[usize::from(r.route)];
    let mut out = Vec::new();
    for cr in a.clauses(r) {
        let clause = &route.clauses[usize::from(cr.clause)];
        match cr.outcome {
            Outcome::MetByException(e) => out.push(clause.exceptions[usize::from(e)].id.as_str()),
            Outcome::NotMet | Outcome::Unknown => out.push(clause.id.as_str()),
            Outcome::Triggered => out.push(clause.id.as_str()),
            _ => {}
        }
    }
    out
}
