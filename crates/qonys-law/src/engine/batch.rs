//! Columnar evaluation of a compiled pack over many people at once: the fast path for batch
//! runs and benchmarks. The same node arena that [`super::eval`] walks for one person is
//! scheduled once per as-of date into a flat list of column operations; each operation then
//! runs over a chunk of people (a few hundred lanes) in tight loops the compiler vectorises.
//!
//! Semantics are those of [`super::Evaluator::verdicts`], lane by lane (a test checks it on
//! every scenario of the bundled pack): three-valued truths are stored as one byte per lane
//! (`0` false, `1` unknown, `2` true, so Kleene `and` is `min`, `or` is `max` and `not` is
//! `2 - x`); numbers and sets carry a known-mask; options and countries use `u32::MAX` and
//! dates `i64::MIN` for "unknown". Sub-expressions that do not depend on facts (parameters,
//! constants, the as-of date) are evaluated once, by the scalar evaluator, and broadcast.
//!
//! [`clause_outcomes`] gives the clause-level outcomes of one person without allocating (for
//! "which clauses flipped" in what-if comparisons).

use qonys_time::Date;

use super::assess::{Evaluator, Outcome, Verdict, clause_outcome};
use super::eval::{Env, eval};
use crate::pack::{ArithOp, ClauseKind, CmpOp, FactType, Func, Node, NodeIdx, Pack, V};

const F: u8 = 0;
const U: u8 = 1;
const T: u8 = 2;
const SYM_UNKNOWN: u32 = u32::MAX;
const DATE_UNKNOWN: i64 = i64::MIN;

fn truth_byte(v: V) -> u8 {
    match v {
        V::Bool(true) => T,
        V::Bool(false) => F,
        _ => U,
    }
}

/// The static kind of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Truth,
    Num,
    Sym,
    Set,
    Date,
    /// Only unknown values (a constant `unknown`).
    Unknown,
}

/// One column of values (a fact over many people, or an intermediate result).
#[derive(Debug, Clone)]
pub enum Column {
    /// Three-valued truths (`0` false, `1` unknown, `2` true).
    Truth(Vec<u8>),
    /// Numbers with a known-mask (`1` known).
    Num(Vec<f64>, Vec<u8>),
    /// Option or country indices (`u32::MAX` unknown).
    Sym(Vec<u32>),
    /// Option bit masks with a known-mask.
    Set(Vec<u64>, Vec<u8>),
    /// Day numbers (`i64::MIN` unknown).
    Date(Vec<i64>),
}

impl Default for Column {
    fn default() -> Column {
        Column::Truth(Vec::new())
    }
}

impl Column {
    fn of_kind(kind: Kind, n: usize) -> Column {
        match kind {
            Kind::Truth | Kind::Unknown => Column::Truth(vec![U; n]),
            Kind::Num => Column::Num(vec![0.0; n], vec![0; n]),
            Kind::Sym => Column::Sym(vec![SYM_UNKNOWN; n]),
            Kind::Set => Column::Set(vec![0; n], vec![0; n]),
            Kind::Date => Column::Date(vec![DATE_UNKNOWN; n]),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Truth(v) => v.len(),
            Column::Num(v, _) => v.len(),
            Column::Sym(v) => v.len(),
            Column::Set(v, _) => v.len(),
            Column::Date(v) => v.len(),
        }
    }

    /// Writes `v` at `i` (a value of another kind is stored as unknown).
    fn put(&mut self, i: usize, v: V) {
        match self {
            Column::Truth(c) => c[i] = truth_byte(v),
            Column::Num(c, k) => match v {
                V::Num(x) => {
                    c[i] = x;
                    k[i] = 1;
                }
                _ => k[i] = 0,
            },
            Column::Sym(c) => {
                c[i] = match v {
                    V::Sym(s) => u32::from(s),
                    _ => SYM_UNKNOWN,
                }
            }
            Column::Set(c, k) => match v {
                V::Set(m) => {
                    c[i] = m;
                    k[i] = 1;
                }
                _ => k[i] = 0,
            },
            Column::Date(c) => {
                c[i] = match v {
                    V::Date(d) => i64::from(d.day_number()),
                    _ => DATE_UNKNOWN,
                }
            }
        }
    }

    fn get(&self, i: usize) -> V {
        match self {
            Column::Truth(c) => match c[i] {
                T => V::Bool(true),
                F => V::Bool(false),
                _ => V::Unknown,
            },
            Column::Num(c, k) => {
                if k[i] != 0 {
                    V::Num(c[i])
                } else {
                    V::Unknown
                }
            }
            Column::Sym(c) => u16::try_from(c[i]).map_or(V::Unknown, V::Sym),
            Column::Set(c, k) => {
                if k[i] != 0 {
                    V::Set(c[i])
                } else {
                    V::Unknown
                }
            }
            Column::Date(c) => {
                i32::try_from(c[i]).map_or(V::Unknown, |d| V::Date(Date::from_day_number(d)))
            }
        }
    }
}

fn fact_kind(t: &FactType) -> Kind {
    match t {
        FactType::Bool => Kind::Truth,
        FactType::Enum | FactType::Country => Kind::Sym,
        FactType::Set => Kind::Set,
        FactType::Integer | FactType::Number | FactType::Money(_) => Kind::Num,
        FactType::Date => Kind::Date,
    }
}

/// The facts of many people, one typed column per fact of the pack.
#[derive(Debug, Clone)]
pub struct Columns {
    len: usize,
    cols: Vec<Column>,
}

impl Columns {
    /// `len` people about whom nothing is known yet.
    pub fn new(pack: &Pack, len: usize) -> Columns {
        Columns {
            len,
            cols: pack
                .facts
                .iter()
                .map(|f| Column::of_kind(fact_kind(&f.kind), len))
                .collect(),
        }
    }

    /// The number of people.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is nobody.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sets fact `fact` of person `row` (as [`crate::Facts::set`] would; a value of the wrong
    /// kind is stored as unknown, as the scalar evaluator reads it). Out-of-range indices are
    /// ignored.
    pub fn set(&mut self, row: usize, fact: usize, v: V) {
        if row < self.len
            && let Some(c) = self.cols.get_mut(fact)
        {
            c.put(row, v);
        }
    }

    /// Sets every fact of person `row` from a scalar fact vector.
    pub fn set_row(&mut self, row: usize, facts: &[V]) {
        for (f, v) in facts.iter().enumerate() {
            self.set(row, f, *v);
        }
    }

    /// Sets fact `fact` of every person to `value(row)`, as [`Columns::set`] would row by row
    /// (see [`FactColumn::fill`]). An out-of-range fact is ignored.
    pub fn fill(&mut self, fact: usize, value: impl FnMut(usize) -> V) {
        if let Some(c) = self.cols.get_mut(fact) {
            FactColumn(c).fill(value);
        }
    }

    /// Write access to each fact's column in the pack's order, to fill several at once (one
    /// per thread, say).
    pub fn facts_mut(&mut self) -> impl Iterator<Item = FactColumn<'_>> {
        self.cols.iter_mut().map(FactColumn)
    }

    /// Fact `fact` of person `row`.
    pub fn get(&self, row: usize, fact: usize) -> V {
        match self.cols.get(fact) {
            Some(c) if row < self.len => c.get(row),
            _ => V::Unknown,
        }
    }

    /// Joins several column sets of the same pack end to end.
    pub fn concat(parts: Vec<Columns>) -> Columns {
        let mut it = parts.into_iter();
        let Some(mut first) = it.next() else {
            return Columns {
                len: 0,
                cols: Vec::new(),
            };
        };
        for p in it {
            first.len += p.len;
            for (a, b) in first.cols.iter_mut().zip(p.cols) {
                match (a, b) {
                    (Column::Truth(x), Column::Truth(y)) => x.extend(y),
                    (Column::Num(x, k), Column::Num(y, l)) => {
                        x.extend(y);
                        k.extend(l);
                    }
                    (Column::Sym(x), Column::Sym(y)) => x.extend(y),
                    (Column::Set(x, k), Column::Set(y, l)) => {
                        x.extend(y);
                        k.extend(l);
                    }
                    (Column::Date(x), Column::Date(y)) => x.extend(y),
                    (a, b) => {
                        // Different packs: keep the lengths consistent, values unknown.
                        let kind = match &*a {
                            Column::Truth(_) => Kind::Truth,
                            Column::Num(..) => Kind::Num,
                            Column::Sym(_) => Kind::Sym,
                            Column::Set(..) => Kind::Set,
                            Column::Date(_) => Kind::Date,
                        };
                        let old = std::mem::take(a);
                        let mut merged = Column::of_kind(kind, old.len() + b.len());
                        for i in 0..old.len() {
                            merged.put(i, old.get(i));
                        }
                        *a = merged;
                    }
                }
            }
        }
        first
    }
}

/// One fact's column of a [`Columns`], open for writing; its kind and length stay as they are.
pub struct FactColumn<'a>(&'a mut Column);

impl FactColumn<'_> {
    /// Sets every person's value to `value(row)`, as [`Columns::set`] would row by row, but
    /// with the column's kind matched once instead of once per person (the bulk path for
    /// typed input arrays).
    pub fn fill(&mut self, mut value: impl FnMut(usize) -> V) {
        match &mut *self.0 {
            Column::Truth(c) => {
                for (i, x) in c.iter_mut().enumerate() {
                    *x = truth_byte(value(i));
                }
            }
            Column::Num(c, k) => {
                for (i, (x, known)) in c.iter_mut().zip(k.iter_mut()).enumerate() {
                    match value(i) {
                        V::Num(n) => {
                            *x = n;
                            *known = 1;
                        }
                        _ => *known = 0,
                    }
                }
            }
            Column::Sym(c) => {
                for (i, x) in c.iter_mut().enumerate() {
                    *x = match value(i) {
                        V::Sym(s) => u32::from(s),
                        _ => SYM_UNKNOWN,
                    };
                }
            }
            c @ (Column::Set(..) | Column::Date(_)) => {
                for i in 0..c.len() {
                    c.put(i, value(i));
                }
            }
        }
    }
}

/// Where an operand comes from.
#[derive(Debug, Clone, Copy)]
enum Src {
    Fact(u16),
    Slot(u32),
}

#[derive(Debug, Clone)]
enum Op {
    Not(Src, u32),
    AndOr {
        and: bool,
        kids: (u32, u32),
        out: u32,
    },
    Cmp(Kind, CmpOp, Src, Src, u32),
    Arith(ArithOp, Src, Src, u32),
    Neg(Src, u32),
    InList(Src, u32, bool, u32),
    Contains(Src, u64, bool, u32),
    Call(Func, Src, Src, u32),
    Unknown(u32),
}

#[derive(Debug, Clone)]
struct ClausePlan {
    step: bool,
    applies: Option<Src>,
    exceptions: Vec<Src>,
    rule: Src,
}

#[derive(Debug, Clone)]
struct RoutePlan {
    in_force: bool,
    clauses: Vec<ClausePlan>,
}

/// A pack scheduled for columnar evaluation on one as-of date, with its reusable buffers.
/// Clone it to give each thread its own.
#[derive(Debug, Clone)]
pub struct ColumnarEvaluator {
    as_of: Date,
    chunk: usize,
    slots: Vec<Column>,
    ops: Vec<Op>,
    kid_srcs: Vec<Src>,
    lists: Vec<Vec<V>>,
    derived: Vec<Src>,
    routes: Vec<RoutePlan>,
    verdicts: Vec<Vec<Verdict>>,
    elig: Vec<u8>,
    step: Vec<u8>,
    sat: Vec<u8>,
    start: usize,
    len: usize,
}

struct Planner<'p> {
    pack: &'p Pack,
    env_derived: Vec<V>,
    env_params: Vec<V>,
    as_of: Date,
    chunk: usize,
    uniform: Vec<Option<bool>>,
    kind: Vec<Option<Kind>>,
    src: Vec<Option<Src>>,
    slots: Vec<Column>,
    ops: Vec<Op>,
    kid_srcs: Vec<Src>,
    unknown_truth: Option<u32>,
}

impl Planner<'_> {
    fn node(&self, n: NodeIdx) -> &Node {
        &self.pack.nodes[n as usize]
    }

    fn derived_root(&self, d: u16) -> Option<NodeIdx> {
        self.pack.derived.get(usize::from(d)).map(|x| x.node)
    }

    fn kind(&mut self, n: NodeIdx) -> Kind {
        if let Some(k) = self.kind[n as usize] {
            return k;
        }
        let k = match self.node(n).clone() {
            Node::Const(v) => match v {
                V::Unknown => Kind::Unknown,
                V::Bool(_) => Kind::Truth,
                V::Num(_) => Kind::Num,
                V::Date(_) => Kind::Date,
                V::Sym(_) => Kind::Sym,
                V::Set(_) => Kind::Set,
            },
            Node::Fact(f) => self
                .pack
                .facts
                .get(usize::from(f))
                .map_or(Kind::Unknown, |f| fact_kind(&f.kind)),
            Node::Derived(d) => match self.derived_root(d) {
                Some(r) => self.kind(r),
                None => Kind::Unknown,
            },
            Node::Param(_) => Kind::Num,
            Node::AsOf => Kind::Date,
            Node::Not(_)
            | Node::And(..)
            | Node::Or(..)
            | Node::Cmp(..)
            | Node::InList { .. }
            | Node::Contains { .. } => Kind::Truth,
            Node::Arith(..) | Node::Neg(_) => Kind::Num,
            Node::Call(f, ..) => match f {
                Func::AddDays | Func::AddMonths => Kind::Date,
                _ => Kind::Num,
            },
        };
        self.kind[n as usize] = Some(k);
        k
    }

    /// Whether the node's value is the same for everyone (does not read a fact).
    fn uniform(&mut self, n: NodeIdx) -> bool {
        if let Some(u) = self.uniform[n as usize] {
            return u;
        }
        let u = match self.node(n).clone() {
            Node::Const(_) | Node::Param(_) | Node::AsOf => true,
            Node::Fact(_) => false,
            Node::Derived(d) => self.derived_root(d).is_none_or(|r| self.uniform(r)),
            Node::Not(a) | Node::Neg(a) => self.uniform(a),
            Node::And(s, e) | Node::Or(s, e) => {
                let kids: Vec<NodeIdx> = self.pack.kids[s as usize..e as usize].to_vec();
                kids.into_iter().all(|k| self.uniform(k))
            }
            Node::Cmp(_, a, b) | Node::Arith(_, a, b) | Node::Call(_, a, b) => {
                self.uniform(a) && self.uniform(b)
            }
            Node::InList { item, .. } => self.uniform(item),
            Node::Contains { set, .. } => self.uniform(set),
        };
        self.uniform[n as usize] = Some(u);
        u
    }

    fn new_slot(&mut self, kind: Kind) -> u32 {
        self.slots.push(Column::of_kind(kind, self.chunk));
        (self.slots.len() - 1) as u32
    }

    fn unknown_truth(&mut self) -> Src {
        if let Some(s) = self.unknown_truth {
            return Src::Slot(s);
        }
        let s = self.new_slot(Kind::Truth);
        self.unknown_truth = Some(s);
        Src::Slot(s)
    }

    /// A truth operand: the node's column if it is a truth, else "unknown" for everyone
    /// (the scalar evaluator reads a non-boolean as unknown).
    fn truth_src(&mut self, n: NodeIdx) -> Src {
        if self.kind(n) == Kind::Truth {
            self.src(n)
        } else {
            self.unknown_truth()
        }
    }

    /// Schedules node `n` (once) and returns where its column is.
    fn src(&mut self, n: NodeIdx) -> Src {
        if let Some(s) = self.src[n as usize] {
            return s;
        }
        let kind = self.kind(n);
        let s = if self.uniform(n) {
            let env = Env {
                facts: &[],
                derived: &self.env_derived,
                params: &self.env_params,
                as_of: self.as_of,
            };
            let v = eval(self.pack, n, &env);
            let slot = self.new_slot(kind);
            let col = &mut self.slots[slot as usize];
            for i in 0..self.chunk {
                col.put(i, v);
            }
            Src::Slot(slot)
        } else {
            match self.node(n).clone() {
                Node::Fact(f) => Src::Fact(f),
                Node::Derived(d) => match self.derived_root(d) {
                    Some(r) => self.src(r),
                    None => self.unknown_truth(),
                },
                Node::Not(a) => {
                    let a = self.truth_src(a);
                    let out = self.new_slot(Kind::Truth);
                    self.ops.push(Op::Not(a, out));
                    Src::Slot(out)
                }
                Node::And(s, e) | Node::Or(s, e) => {
                    let and = matches!(self.node(n), Node::And(..));
                    let kids: Vec<NodeIdx> = self.pack.kids[s as usize..e as usize].to_vec();
                    let srcs: Vec<Src> = kids.into_iter().map(|k| self.truth_src(k)).collect();
                    let start = self.kid_srcs.len() as u32;
                    self.kid_srcs.extend(srcs);
                    let out = self.new_slot(Kind::Truth);
                    self.ops.push(Op::AndOr {
                        and,
                        kids: (start, self.kid_srcs.len() as u32),
                        out,
                    });
                    Src::Slot(out)
                }
                Node::Cmp(op, a, b) => {
                    let (ka, kb) = (self.kind(a), self.kind(b));
                    let out = self.new_slot(Kind::Truth);
                    if ka == kb && matches!(ka, Kind::Truth | Kind::Num | Kind::Sym | Kind::Date) {
                        let (sa, sb) = (self.src(a), self.src(b));
                        self.ops.push(Op::Cmp(ka, op, sa, sb, out));
                    } else {
                        self.ops.push(Op::Unknown(out));
                    }
                    Src::Slot(out)
                }
                Node::Arith(op, a, b) => {
                    let out = self.new_slot(Kind::Num);
                    if self.kind(a) == Kind::Num && self.kind(b) == Kind::Num {
                        let (sa, sb) = (self.src(a), self.src(b));
                        self.ops.push(Op::Arith(op, sa, sb, out));
                    } else {
                        self.ops.push(Op::Unknown(out));
                    }
                    Src::Slot(out)
                }
                Node::Neg(a) => {
                    let out = self.new_slot(Kind::Num);
                    if self.kind(a) == Kind::Num {
                        let sa = self.src(a);
                        self.ops.push(Op::Neg(sa, out));
                    } else {
                        self.ops.push(Op::Unknown(out));
                    }
                    Src::Slot(out)
                }
                Node::InList {
                    item,
                    list,
                    negated,
                } => {
                    let k = self.kind(item);
                    let out = self.new_slot(Kind::Truth);
                    if matches!(
                        k,
                        Kind::Truth | Kind::Num | Kind::Sym | Kind::Date | Kind::Set
                    ) {
                        let sa = self.src(item);
                        self.ops.push(Op::InList(sa, list, negated, out));
                    } else {
                        self.ops.push(Op::Unknown(out));
                    }
                    Src::Slot(out)
                }
                Node::Contains {
                    set,
                    option,
                    negated,
                } => {
                    let out = self.new_slot(Kind::Truth);
                    if self.kind(set) == Kind::Set {
                        let sa = self.src(set);
                        let bit = 1u64.checked_shl(u32::from(option)).unwrap_or(0);
                        self.ops.push(Op::Contains(sa, bit, negated, out));
                    } else {
                        self.ops.push(Op::Unknown(out));
                    }
                    Src::Slot(out)
                }
                Node::Call(func, a, b) => {
                    let out = self.new_slot(kind);
                    let want = match func {
                        Func::YearsBetween | Func::DaysBetween => (Kind::Date, Kind::Date),
                        Func::AddDays | Func::AddMonths => (Kind::Date, Kind::Num),
                        Func::Min | Func::Max => (Kind::Num, Kind::Num),
                    };
                    if (self.kind(a), self.kind(b)) == want {
                        let (sa, sb) = (self.src(a), self.src(b));
                        self.ops.push(Op::Call(func, sa, sb, out));
                    } else {
                        self.ops.push(Op::Unknown(out));
                    }
                    Src::Slot(out)
                }
                // Uniform nodes are handled above.
                Node::Const(_) | Node::Param(_) | Node::AsOf => self.unknown_truth(),
            }
        };
        self.src[n as usize] = Some(s);
        s
    }
}

/// Reads an operand's column slice for the current chunk.
fn col<'a>(slots: &'a [Column], cols: &'a Columns, src: Src) -> (&'a Column, usize) {
    match src {
        Src::Fact(f) => (&cols.cols[usize::from(f)], 1),
        Src::Slot(s) => (&slots[s as usize], 0),
    }
}

macro_rules! slice {
    ($c:expr, $fact:expr, $start:expr, $m:expr) => {{
        let off = if $fact == 1 { $start } else { 0 };
        off..off + $m
    }};
}

impl ColumnarEvaluator {
    /// The default number of people evaluated together (fits the working set in L2).
    pub const DEFAULT_CHUNK: usize = 512;

    /// Schedules `pack` for evaluation on `as_of`.
    pub fn new(pack: &Pack, as_of: Date) -> ColumnarEvaluator {
        ColumnarEvaluator::with_chunk(pack, as_of, Self::DEFAULT_CHUNK)
    }

    /// As [`ColumnarEvaluator::new`], with `chunk` people per chunk (at least 1).
    pub fn with_chunk(pack: &Pack, as_of: Date, chunk: usize) -> ColumnarEvaluator {
        let chunk = chunk.max(1);
        let mut ev = Evaluator::new();
        let unknown_facts = vec![V::Unknown; pack.facts.len()];
        ev.prepare(pack, &unknown_facts, as_of);
        let env = ev.env(&unknown_facts, as_of);
        let n = pack.nodes.len();
        let mut p = Planner {
            pack,
            env_derived: env.derived.to_vec(),
            env_params: env.params.to_vec(),
            as_of,
            chunk,
            uniform: vec![None; n],
            kind: vec![None; n],
            src: vec![None; n],
            slots: Vec::new(),
            ops: Vec::new(),
            kid_srcs: Vec::new(),
            unknown_truth: None,
        };
        let derived: Vec<Src> = pack.derived.iter().map(|d| p.src(d.node)).collect();
        let mut routes = Vec::with_capacity(pack.routes.len());
        for r in &pack.routes {
            let in_force = r.effective.contains(as_of);
            let mut clauses = Vec::new();
            if in_force {
                for c in &r.clauses {
                    if c.kind == ClauseKind::Warning || !c.effective.contains(as_of) {
                        continue;
                    }
                    let applies = c.applies_when.map(|a| p.truth_src(a));
                    let exceptions = c
                        .exceptions
                        .iter()
                        .filter(|e| e.effective.contains(as_of))
                        .map(|e| p.truth_src(e.when))
                        .collect();
                    let rule = p.truth_src(c.rule);
                    clauses.push(ClausePlan {
                        step: c.kind == ClauseKind::Step,
                        applies,
                        exceptions,
                        rule,
                    });
                }
            }
            routes.push(RoutePlan { in_force, clauses });
        }
        ColumnarEvaluator {
            as_of,
            chunk,
            slots: p.slots,
            ops: p.ops,
            kid_srcs: p.kid_srcs,
            lists: pack.lists.clone(),
            derived,
            verdicts: vec![vec![Verdict::DoesNotFit; chunk]; pack.routes.len()],
            routes,
            elig: vec![T; chunk],
            step: vec![T; chunk],
            sat: vec![T; chunk],
            start: 0,
            len: 0,
        }
    }

    /// The as-of date the evaluator was scheduled for.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// People per chunk.
    pub fn chunk_len(&self) -> usize {
        self.chunk
    }

    /// The number of column operations per chunk (after constant folding).
    pub fn op_count(&self) -> usize {
        self.ops.len()
    }

    /// Evaluates people `start..start + chunk_len()` of `cols` (fewer at the end); returns
    /// how many were evaluated. Results are read with [`ColumnarEvaluator::verdicts`] and
    /// [`ColumnarEvaluator::derived_value`] until the next call.
    pub fn eval_chunk(&mut self, cols: &Columns, start: usize) -> usize {
        let m = cols.len.saturating_sub(start).min(self.chunk);
        self.start = start;
        self.len = m;
        if m == 0 {
            return 0;
        }
        for i in 0..self.ops.len() {
            let op = self.ops[i].clone();
            self.run(&op, cols, start, m);
        }
        for ri in 0..self.routes.len() {
            self.route_verdicts(ri, cols, start, m);
        }
        m
    }

    /// The verdicts of route `route` (pack order) for the last chunk, one per person.
    pub fn verdicts(&self, route: usize) -> &[Verdict] {
        self.verdicts.get(route).map_or(&[], |v| &v[..self.len])
    }

    /// The value of derived fact `derived` for person `lane` of the last chunk.
    pub fn derived_value(&self, cols: &Columns, derived: usize, lane: usize) -> V {
        let Some(&src) = self.derived.get(derived) else {
            return V::Unknown;
        };
        if lane >= self.len {
            return V::Unknown;
        }
        match src {
            Src::Fact(f) => cols.get(self.start + lane, usize::from(f)),
            Src::Slot(s) => self.slots[s as usize].get(lane),
        }
    }

    /// The truths (`0` false, `1` unknown, `2` true) of a boolean derived fact for the last
    /// chunk, when it is computed in a column of its own.
    pub fn derived_truths(&self, derived: usize) -> Option<&[u8]> {
        match self.derived.get(derived)? {
            Src::Slot(s) => match &self.slots[*s as usize] {
                Column::Truth(t) => Some(&t[..self.len]),
                _ => None,
            },
            Src::Fact(_) => None,
        }
    }

    fn route_verdicts(&mut self, ri: usize, cols: &Columns, start: usize, m: usize) {
        let mut out = std::mem::take(&mut self.verdicts[ri]);
        let route = &self.routes[ri];
        if !route.in_force {
            out[..m].fill(Verdict::DoesNotFit);
            self.verdicts[ri] = out;
            return;
        }
        let elig = &mut self.elig[..m];
        let step = &mut self.step[..m];
        let sat = &mut self.sat[..m];
        elig.fill(T);
        step.fill(T);
        for c in &route.clauses {
            // not applies_when or exception… or rule, in Kleene logic.
            let (rc, rf) = col(&self.slots, cols, c.rule);
            match rc {
                Column::Truth(r) => sat.copy_from_slice(&r[slice!(rc, rf, start, m)]),
                _ => sat.fill(U),
            }
            if let Some(a) = c.applies {
                let (ac, af) = col(&self.slots, cols, a);
                if let Column::Truth(a) = ac {
                    for (s, &x) in sat.iter_mut().zip(&a[slice!(ac, af, start, m)]) {
                        *s = (*s).max(T - x.min(T));
                    }
                }
            }
            for &e in &c.exceptions {
                let (ec, ef) = col(&self.slots, cols, e);
                if let Column::Truth(e) = ec {
                    for (s, &x) in sat.iter_mut().zip(&e[slice!(ec, ef, start, m)]) {
                        *s = (*s).max(x);
                    }
                }
            }
            let acc = if c.step { &mut *step } else { &mut *elig };
            for (a, &s) in acc.iter_mut().zip(sat.iter()) {
                *a = (*a).min(s);
            }
        }
        for ((o, &e), &s) in out[..m].iter_mut().zip(elig.iter()).zip(step.iter()) {
            *o = if e == F {
                Verdict::DoesNotFit
            } else if e == U || s == U {
                Verdict::NeedsInformation
            } else if s == F {
                Verdict::FitsWithConditions
            } else {
                Verdict::Fits
            };
        }
        self.verdicts[ri] = out;
    }

    fn run(&mut self, op: &Op, cols: &Columns, start: usize, m: usize) {
        let out_slot = match op {
            Op::Not(_, o)
            | Op::AndOr { out: o, .. }
            | Op::Cmp(.., o)
            | Op::Arith(.., o)
            | Op::Neg(_, o)
            | Op::InList(.., o)
            | Op::Contains(.., o)
            | Op::Call(.., o)
            | Op::Unknown(o) => *o as usize,
        };
        let mut out = std::mem::take(&mut self.slots[out_slot]);
        let slots = &self.slots;
        match (op, &mut out) {
            (Op::Unknown(_), o) => match o {
                Column::Truth(v) => v[..m].fill(U),
                Column::Num(_, k) | Column::Set(_, k) => k[..m].fill(0),
                Column::Sym(v) => v[..m].fill(SYM_UNKNOWN),
                Column::Date(v) => v[..m].fill(DATE_UNKNOWN),
            },
            (Op::Not(a, _), Column::Truth(o)) => {
                let (ac, af) = col(slots, cols, *a);
                match ac {
                    Column::Truth(a) => {
                        for (o, &x) in o[..m].iter_mut().zip(&a[slice!(ac, af, start, m)]) {
                            *o = T - x.min(T);
                        }
                    }
                    _ => o[..m].fill(U),
                }
            }
            (Op::AndOr { and, kids, .. }, Column::Truth(o)) => {
                o[..m].fill(if *and { T } else { F });
                for &k in &self.kid_srcs[kids.0 as usize..kids.1 as usize] {
                    let (kc, kf) = col(slots, cols, k);
                    let Column::Truth(x) = kc else {
                        let v = U;
                        for o in o[..m].iter_mut() {
                            *o = if *and { (*o).min(v) } else { (*o).max(v) };
                        }
                        continue;
                    };
                    let x = &x[slice!(kc, kf, start, m)];
                    if *and {
                        for (o, &x) in o[..m].iter_mut().zip(x) {
                            *o = (*o).min(x);
                        }
                    } else {
                        for (o, &x) in o[..m].iter_mut().zip(x) {
                            *o = (*o).max(x);
                        }
                    }
                }
            }
            (Op::Cmp(kind, cop, a, b, _), Column::Truth(o)) => {
                let (ac, af) = col(slots, cols, *a);
                let (bc, bf) = col(slots, cols, *b);
                let o = &mut o[..m];
                let ra = slice!(ac, af, start, m);
                let rb = slice!(bc, bf, start, m);
                match (kind, ac, bc) {
                    (Kind::Num, Column::Num(x, kx), Column::Num(y, ky)) => {
                        cmp_num(*cop, &x[ra.clone()], &kx[ra], &y[rb.clone()], &ky[rb], o)
                    }
                    (Kind::Sym, Column::Sym(x), Column::Sym(y)) => {
                        cmp_ord(*cop, &x[ra], &y[rb], SYM_UNKNOWN, o)
                    }
                    (Kind::Date, Column::Date(x), Column::Date(y)) => {
                        cmp_ord(*cop, &x[ra], &y[rb], DATE_UNKNOWN, o)
                    }
                    (Kind::Truth, Column::Truth(x), Column::Truth(y)) => {
                        for ((o, &p), &q) in o.iter_mut().zip(&x[ra]).zip(&y[rb]) {
                            *o = if p == U || q == U || p > T || q > T {
                                U
                            } else {
                                ord_truth(*cop, p.cmp(&q))
                            };
                        }
                    }
                    _ => o.fill(U),
                }
            }
            (Op::Arith(aop, a, b, _), Column::Num(o, ko)) => {
                let (ac, af) = col(slots, cols, *a);
                let (bc, bf) = col(slots, cols, *b);
                let ra = slice!(ac, af, start, m);
                let rb = slice!(bc, bf, start, m);
                match (ac, bc) {
                    (Column::Num(x, kx), Column::Num(y, ky)) => {
                        let (x, kx, y, ky) = (&x[ra.clone()], &kx[ra], &y[rb.clone()], &ky[rb]);
                        let (o, ko) = (&mut o[..m], &mut ko[..m]);
                        match aop {
                            ArithOp::Add => arith(x, kx, y, ky, o, ko, |p, q| p + q),
                            ArithOp::Sub => arith(x, kx, y, ky, o, ko, |p, q| p - q),
                            ArithOp::Mul => arith(x, kx, y, ky, o, ko, |p, q| p * q),
                            ArithOp::Div => {
                                for i in 0..m {
                                    let ok = kx[i] & ky[i] & u8::from(y[i] != 0.0);
                                    ko[i] = ok;
                                    o[i] = if ok != 0 { x[i] / y[i] } else { 0.0 };
                                }
                            }
                        }
                    }
                    _ => ko[..m].fill(0),
                }
            }
            (Op::Neg(a, _), Column::Num(o, ko)) => {
                let (ac, af) = col(slots, cols, *a);
                match ac {
                    Column::Num(x, kx) => {
                        let r = slice!(ac, af, start, m);
                        for ((o, ko), (&x, &k)) in o[..m]
                            .iter_mut()
                            .zip(ko[..m].iter_mut())
                            .zip(x[r.clone()].iter().zip(&kx[r]))
                        {
                            *o = -x;
                            *ko = k;
                        }
                    }
                    _ => ko[..m].fill(0),
                }
            }
            (Op::InList(a, list, negated, _), Column::Truth(o)) => {
                let (ac, af) = col(slots, cols, *a);
                let r = slice!(ac, af, start, m);
                let list = self.lists.get(*list as usize).map_or(&[][..], |l| &l[..]);
                let yes = if *negated { F } else { T };
                let no = if *negated { T } else { F };
                let o = &mut o[..m];
                match ac {
                    Column::Sym(x) => {
                        let items: Vec<u32> = list
                            .iter()
                            .filter_map(|v| match v {
                                V::Sym(s) => Some(u32::from(*s)),
                                _ => None,
                            })
                            .collect();
                        for (o, &x) in o.iter_mut().zip(&x[r]) {
                            *o = if x == SYM_UNKNOWN {
                                U
                            } else if items.contains(&x) {
                                yes
                            } else {
                                no
                            };
                        }
                    }
                    _ => {
                        // Rare kinds: lane by lane through the scalar comparison.
                        for (i, o) in o.iter_mut().enumerate() {
                            let v = ac.get(r.start + i);
                            *o = if !v.is_known() {
                                U
                            } else if list.iter().any(|x| scalar_eq(v, *x)) {
                                yes
                            } else {
                                no
                            };
                        }
                    }
                }
            }
            (Op::Contains(a, bit, negated, _), Column::Truth(o)) => {
                let (ac, af) = col(slots, cols, *a);
                let r = slice!(ac, af, start, m);
                match ac {
                    Column::Set(x, k) => {
                        for ((o, &x), &k) in o[..m].iter_mut().zip(&x[r.clone()]).zip(&k[r]) {
                            *o = if k == 0 {
                                U
                            } else if ((x & bit) != 0) != *negated {
                                T
                            } else {
                                F
                            };
                        }
                    }
                    _ => o[..m].fill(U),
                }
            }
            (Op::Call(func, a, b, _), o) => {
                let (ac, af) = col(slots, cols, *a);
                let (bc, bf) = col(slots, cols, *b);
                let ra = slice!(ac, af, start, m);
                let rb = slice!(bc, bf, start, m);
                for i in 0..m {
                    let x = ac.get(ra.start + i);
                    let y = bc.get(rb.start + i);
                    o.put(i, call(*func, x, y));
                }
            }
            // A kind mismatch between an operation and its output cannot be planned; leave
            // the lanes unknown rather than panic.
            (_, o) => {
                let kind = match o {
                    Column::Truth(_) => Kind::Truth,
                    Column::Num(..) => Kind::Num,
                    Column::Sym(_) => Kind::Sym,
                    Column::Set(..) => Kind::Set,
                    Column::Date(_) => Kind::Date,
                };
                *o = Column::of_kind(kind, self.chunk);
            }
        }
        self.slots[out_slot] = out;
    }
}

fn scalar_eq(a: V, b: V) -> bool {
    match (a, b) {
        (V::Num(x), V::Num(y)) => x == y,
        (V::Date(x), V::Date(y)) => x == y,
        (V::Sym(x), V::Sym(y)) => x == y,
        (V::Bool(x), V::Bool(y)) => x == y,
        _ => false,
    }
}

fn call(func: Func, x: V, y: V) -> V {
    match (func, x, y) {
        (Func::YearsBetween, V::Date(d1), V::Date(d2)) => {
            V::Num(f64::from(d1.whole_years_until(d2)))
        }
        (Func::DaysBetween, V::Date(d1), V::Date(d2)) => V::Num(f64::from(d1.days_until(d2))),
        (Func::AddDays, V::Date(d), V::Num(k)) if k.abs() < 1e7 => V::Date(d.add_days(k as i32)),
        (Func::AddMonths, V::Date(d), V::Num(k)) if k.abs() < 1e5 => {
            V::Date(d.add_months(k as i32))
        }
        (Func::Min, V::Num(p), V::Num(q)) => V::Num(p.min(q)),
        (Func::Max, V::Num(p), V::Num(q)) => V::Num(p.max(q)),
        _ => V::Unknown,
    }
}

fn ord_truth(op: CmpOp, ord: std::cmp::Ordering) -> u8 {
    use std::cmp::Ordering::*;
    let b = match op {
        CmpOp::Eq => ord == Equal,
        CmpOp::Ne => ord != Equal,
        CmpOp::Lt => ord == Less,
        CmpOp::Le => ord != Greater,
        CmpOp::Gt => ord == Greater,
        CmpOp::Ge => ord != Less,
    };
    if b { T } else { F }
}

#[inline]
fn tri(known: bool, b: bool) -> u8 {
    // known → 0 or 2; unknown → 1 (branch-free).
    (u8::from(known) * (u8::from(b) * 2)) + u8::from(!known)
}

fn cmp_num(op: CmpOp, x: &[f64], kx: &[u8], y: &[f64], ky: &[u8], o: &mut [u8]) {
    macro_rules! go {
        ($f:expr) => {
            for i in 0..o.len() {
                let (p, q) = (x[i], y[i]);
                let known = (kx[i] & ky[i]) != 0 && !p.is_nan() && !q.is_nan();
                o[i] = tri(known, $f(p, q));
            }
        };
    }
    match op {
        CmpOp::Eq => go!(|p: f64, q: f64| p == q),
        CmpOp::Ne => go!(|p: f64, q: f64| p != q),
        CmpOp::Lt => go!(|p: f64, q: f64| p < q),
        CmpOp::Le => go!(|p: f64, q: f64| p <= q),
        CmpOp::Gt => go!(|p: f64, q: f64| p > q),
        CmpOp::Ge => go!(|p: f64, q: f64| p >= q),
    }
}

fn cmp_ord<X: Ord + Copy>(op: CmpOp, x: &[X], y: &[X], unknown: X, o: &mut [u8]) {
    macro_rules! go {
        ($f:expr) => {
            for ((o, &p), &q) in o.iter_mut().zip(x).zip(y) {
                let known = p != unknown && q != unknown;
                *o = tri(known, $f(p, q));
            }
        };
    }
    match op {
        CmpOp::Eq => go!(|p: X, q: X| p == q),
        CmpOp::Ne => go!(|p: X, q: X| p != q),
        CmpOp::Lt => go!(|p: X, q: X| p < q),
        CmpOp::Le => go!(|p: X, q: X| p <= q),
        CmpOp::Gt => go!(|p: X, q: X| p > q),
        CmpOp::Ge => go!(|p: X, q: X| p >= q),
    }
}

fn arith(
    x: &[f64],
    kx: &[u8],
    y: &[f64],
    ky: &[u8],
    o: &mut [f64],
    ko: &mut [u8],
    f: impl Fn(f64, f64) -> f64,
) {
    for i in 0..o.len() {
        o[i] = f(x[i], y[i]);
        ko[i] = kx[i] & ky[i];
    }
}

/// The outcome of every clause of every route for one person, written into `out` in pack
/// order (route by route, clause by clause; routes not in force give `NotInForce`), without
/// allocating once `out` has its capacity. The same outcomes as [`crate::assess`] reports.
pub fn clause_outcomes(
    ev: &mut Evaluator,
    pack: &Pack,
    facts: &[V],
    as_of: Date,
    out: &mut Vec<Outcome>,
) {
    ev.prepare(pack, facts, as_of);
    let env = ev.env(facts, as_of);
    out.clear();
    for r in &pack.routes {
        let in_force = r.effective.contains(as_of);
        for c in &r.clauses {
            out.push(if in_force {
                clause_outcome(pack, c, &env)
            } else {
                Outcome::NotInForce
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled;

    /// The columnar path gives the same verdicts as `assess` on every scenario of the bundled
    /// pack, also with facts forgotten one by one (unknowns), on several dates.
    #[test]
    fn columnar_equals_assess_on_every_scenario() {
        let pack = bundled::load().expect("bundled pack");
        let mut rows: Vec<Vec<V>> = Vec::new();
        for s in &pack.scenarios {
            let full = s.facts.values().to_vec();
            rows.push(full.clone());
            for f in 0..full.len() {
                if full[f].is_known() {
                    let mut r = full.clone();
                    r[f] = V::Unknown;
                    rows.push(r);
                }
            }
        }
        rows.push(vec![V::Unknown; pack.facts.len()]);
        let mut cols = Columns::new(&pack, rows.len());
        for (i, r) in rows.iter().enumerate() {
            cols.set_row(i, r);
        }
        // The bulk path stores exactly what the row-by-row path stores, unknowns included.
        let mut bulk = Columns::new(&pack, rows.len());
        for (f, mut col) in bulk.facts_mut().enumerate() {
            col.fill(|r| rows[r][f]);
        }
        let mut one = Columns::new(&pack, rows.len());
        one.fill(0, |r| rows[r][0]);
        for (r, row) in rows.iter().enumerate() {
            assert_eq!(one.get(r, 0), row[0], "row {r}");
            for (f, v) in row.iter().enumerate() {
                assert_eq!(bulk.get(r, f), cols.get(r, f), "row {r}, fact {f}");
                assert_eq!(bulk.get(r, f), *v, "row {r}, fact {f}");
            }
        }
        for d in [
            Date::from_ymd(2024, 9, 1),
            Date::from_ymd(2025, 3, 1),
            Date::from_ymd(2026, 9, 1),
            Date::from_ymd(2010, 1, 1),
        ] {
            let as_of = d.expect("date");
            // A small chunk exercises several chunks and a partial last one.
            let mut ce = ColumnarEvaluator::with_chunk(&pack, as_of, 37);
            let mut ev = Evaluator::new();
            let mut start = 0;
            while start < cols.len() {
                let m = ce.eval_chunk(&cols, start);
                for lane in 0..m {
                    let mut facts = crate::Facts::empty(&pack);
                    for (f, v) in rows[start + lane].iter().enumerate() {
                        if v.is_known() {
                            facts.set(f as u16, *v);
                        }
                    }
                    let a = ev.assess(&pack, &facts, as_of);
                    for (ri, _) in pack.routes.iter().enumerate() {
                        let want = a.routes.iter().find(|r| usize::from(r.route) == ri);
                        assert_eq!(
                            Some(ce.verdicts(ri)[lane]),
                            want.map(|r| r.verdict),
                            "row {} route {} on {as_of}",
                            start + lane,
                            pack.routes[ri].id
                        );
                    }
                    ev.prepare(&pack, &rows[start + lane], as_of);
                    let env = ev.env(&rows[start + lane], as_of);
                    for d in 0..pack.derived.len() {
                        let got = ce.derived_value(&cols, d, lane);
                        let want = env.derived[d];
                        assert!(
                            got == want || (got.is_known() == want.is_known() && !got.is_known()),
                            "derived {} row {}: {got:?} != {want:?}",
                            pack.derived[d].id,
                            start + lane
                        );
                    }
                }
                start += m;
            }
        }
    }

    #[test]
    fn clause_outcomes_match_assess() {
        let pack = bundled::load().expect("bundled pack");
        let mut ev = Evaluator::new();
        let mut out = Vec::new();
        for s in &pack.scenarios {
            let a = ev.assess(&pack, &s.facts, s.as_of);
            clause_outcomes(&mut ev, &pack, s.facts.values(), s.as_of, &mut out);
            let mut offset = 0;
            for (ri, r) in pack.routes.iter().enumerate() {
                let rr = a
                    .routes
                    .iter()
                    .find(|x| usize::from(x.route) == ri)
                    .expect("route");
                let got: Vec<Outcome> = out[offset..offset + r.clauses.len()].to_vec();
                let want: Vec<Outcome> = a.clauses(rr).iter().map(|c| c.outcome).collect();
                assert_eq!(got, want, "{} {}", s.id, r.id);
                offset += r.clauses.len();
            }
        }
    }
}
