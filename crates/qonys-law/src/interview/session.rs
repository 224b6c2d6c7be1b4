//! An interview session: the library API the terminal and the web route finder share —
//! [`Interview::start`] / [`Interview::resume`], [`Interview::next_question`],
//! [`Interview::answer`], [`Interview::back`], [`Interview::why`] and
//! [`Interview::result`] — and its case file, which `qonys assess` reads.
//!
//! # Answers that stop mattering
//!
//! The answers form a log in the order they were given (answers read from a case file come
//! first, in the pack's declaration order). Giving a new answer appends it. **Changing** an
//! answer (answering a fact that is already in the log, with a different value) keeps its
//! place in the log and then *replays* the whole log from the start: each answer, in order,
//! is kept only if its fact decides at least one route that is still `needs_information`
//! given the answers kept before it — exactly the test a question must pass to be asked.
//! An answer that fails is removed from the case and moved to [`Interview::history`]: it is
//! kept there (with the fact whose change set it aside), never silently used, and the fact is
//! asked again if it becomes relevant again. Answers are never re-ordered.
//!
//! [`Interview::back`] undoes the last call of [`Interview::answer`] exactly, restoring the
//! answers and the history as they were before it.

use qonys_time::Date;

use super::next::Selector;
use super::typed::{BadAnswer, read_answer};
use crate::case::{AnswerError, CaseError, CaseFile, CaseMeta, Facts, RawValue, parse_answer};
use crate::engine::{Assessment, Evaluator};
use crate::pack::{FactIdx, FactType, Pack, V};

/// One answer in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The fact answered.
    pub fact: FactIdx,
    /// Its value (`V::Unknown` for "I don't know").
    pub value: V,
    /// The answer as a case file writes it.
    pub raw: RawValue,
}

/// An answer set aside because it stopped mattering after another answer changed.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAside {
    /// The answer.
    pub answer: Answer,
    /// The fact whose changed answer made it irrelevant.
    pub because_of: FactIdx,
}

/// The next question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The fact asked about.
    pub fact: FactIdx,
    /// Its number in the interview (answers so far + 1).
    pub number: usize,
    /// About how many questions are left, this one included: the distinct facts that still
    /// decide open routes.
    pub remaining: usize,
    /// How many open routes this answer decides.
    pub routes: u16,
    /// An earlier answer to this fact that was set aside, if any (to offer as a default).
    pub earlier: Option<RawValue>,
}

type Snapshot = (Vec<Answer>, Vec<SetAside>);

/// A guided interview over one pack on one as-of date.
#[derive(Debug, Clone)]
pub struct Interview<'p> {
    pack: &'p Pack,
    as_of: Date,
    meta: CaseMeta,
    /// The resumed case file: whatever it holds besides the answers is written back as read.
    base: CaseFile,
    log: Vec<Answer>,
    history: Vec<SetAside>,
    undo: Vec<Snapshot>,
    facts: Facts,
    selector: Selector,
}

/// The canonical raw form of a value (`unknown`, option ids, country codes, numbers, dates).
pub fn raw_of(pack: &Pack, fact: FactIdx, v: V) -> RawValue {
    let Some(f) = pack.facts.get(usize::from(fact)) else {
        return RawValue::Str("unknown".into());
    };
    match (v, &f.kind) {
        (V::Unknown, _) => RawValue::Str("unknown".into()),
        (V::Bool(b), _) => RawValue::Bool(b),
        (V::Num(n), _) => RawValue::Num(n),
        (V::Date(d), _) => RawValue::Date(d),
        (V::Sym(i), FactType::Country) => pack
            .countries
            .get(usize::from(i))
            .map_or(RawValue::Str("unknown".into()), |c| {
                RawValue::Str(c.code.clone())
            }),
        (V::Sym(i), _) => f
            .options
            .get(usize::from(i))
            .map_or(RawValue::Str("unknown".into()), |o| {
                RawValue::Str(o.id.clone())
            }),
        (V::Set(mask), _) => RawValue::List(
            f.options
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && mask & (1u64 << i) != 0)
                .map(|(_, o)| RawValue::Str(o.id.clone()))
                .collect(),
        ),
    }
}

impl<'p> Interview<'p> {
    /// A new interview with nothing known.
    pub fn start(pack: &'p Pack, as_of: Date) -> Interview<'p> {
        Interview {
            pack,
            as_of,
            meta: CaseMeta::default(),
            base: CaseFile::default(),
            log: Vec::new(),
            history: Vec::new(),
            undo: Vec::new(),
            facts: Facts::empty(pack),
            selector: Selector::new(),
        }
    }

    /// An interview that goes on from facts already known: every answered fact (including
    /// "I don't know") is taken as given, in declaration order, and is not asked again.
    pub fn resume(pack: &'p Pack, facts: &Facts, as_of: Date) -> Interview<'p> {
        let mut iv = Interview::start(pack, as_of);
        for i in 0..pack.facts.len() {
            let f = i as FactIdx;
            if facts.is_answered(f) {
                let value = facts.get(f);
                iv.log.push(Answer {
                    fact: f,
                    value,
                    raw: raw_of(pack, f, value),
                });
                iv.facts.set(f, value);
            }
        }
        iv
    }

    /// An interview that goes on from a case file (its answers are checked first).
    pub fn from_case_file(
        pack: &'p Pack,
        case: &CaseFile,
        as_of: Date,
    ) -> Result<Interview<'p>, CaseError> {
        let facts = case.bind(pack)?;
        let mut iv = Interview::resume(pack, &facts, as_of);
        iv.meta = case.meta.clone();
        iv.base = case.clone();
        Ok(iv)
    }

    /// The pack.
    pub fn pack(&self) -> &'p Pack {
        self.pack
    }

    /// The as-of date.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// The case metadata written with the case file.
    pub fn meta_mut(&mut self) -> &mut CaseMeta {
        &mut self.meta
    }

    /// The answers in force, in the order given.
    pub fn answers(&self) -> &[Answer] {
        &self.log
    }

    /// Answers set aside because they stopped mattering, oldest first.
    pub fn history(&self) -> &[SetAside] {
        &self.history
    }

    /// The facts the answers in force give.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// The next question, or `None` when no answer could change any verdict any more.
    pub fn next_question(&mut self) -> Option<Question> {
        let pick = self.selector.next(self.pack, &self.facts, self.as_of)?;
        let earlier = self
            .history
            .iter()
            .rev()
            .find(|s| s.answer.fact == pick.fact)
            .map(|s| s.answer.raw.clone());
        Some(Question {
            fact: pick.fact,
            number: self.log.len() + 1,
            remaining: pick.remaining,
            routes: pick.routes,
            earlier,
        })
    }

    /// Whether the interview is over (nothing left to ask).
    pub fn is_done(&mut self) -> bool {
        self.next_question().is_none()
    }

    /// Records an answer (`"unknown"` means "I don't know"), checked against the fact's type.
    /// Answering a fact already answered changes that answer and sets aside the answers that
    /// stop mattering (see the module documentation).
    pub fn answer(&mut self, fact: FactIdx, raw: RawValue) -> Result<(), AnswerError> {
        let Some(f) = self.pack.facts.get(usize::from(fact)) else {
            return Err(AnswerError {
                message: format!("no fact with index {fact}"),
            });
        };
        let value = parse_answer(self.pack, f, &raw)?;
        let answer = Answer {
            fact,
            value,
            raw: raw_of(self.pack, fact, value),
        };
        match self.log.iter().position(|a| a.fact == fact) {
            Some(i) if self.log[i] == answer => {}
            Some(i) => {
                self.undo.push((self.log.clone(), self.history.clone()));
                self.log[i] = answer;
                self.replay(fact);
            }
            None => {
                self.undo.push((self.log.clone(), self.history.clone()));
                self.facts.set(fact, value);
                self.log.push(answer);
            }
        }
        Ok(())
    }

    /// Reads a typed reply to the question about `fact` (see [`read_answer`]) and records it.
    pub fn answer_text(&mut self, fact: FactIdx, text: &str) -> Result<(), BadAnswer> {
        let Some(f) = self.pack.facts.get(usize::from(fact)) else {
            return Err(BadAnswer::Other(format!("no fact with index {fact}")));
        };
        let raw = read_answer(self.pack, f, text)?;
        self.answer(fact, raw)
            .map_err(|e| BadAnswer::Other(e.message))
    }

    /// Undoes the last [`Interview::answer`]; `false` when there is nothing to undo.
    pub fn back(&mut self) -> bool {
        let Some((log, history)) = self.undo.pop() else {
            return false;
        };
        self.log = log;
        self.history = history;
        self.rebuild();
        true
    }

    /// "Why are you asking this?": the `(route index, clause index)` pairs of the open
    /// routes' undecided clauses that `fact` decides.
    pub fn why(&mut self, fact: FactIdx) -> Vec<(u16, u16)> {
        self.selector.why(self.pack, &self.facts, self.as_of, fact)
    }

    /// The assessment of every route on the answers in force.
    pub fn result(&self) -> Assessment {
        Evaluator::new().assess(self.pack, &self.facts, self.as_of)
    }

    /// The answers in force as a case file (`qonys assess` reads it). Everything else a
    /// resumed case file held (its history, for instance) is kept as it was read.
    pub fn to_case_file(&self) -> CaseFile {
        let mut case = self.base.clone();
        case.meta = self.meta.clone();
        case.facts = self
            .log
            .iter()
            .map(|a| {
                (
                    self.pack.facts[usize::from(a.fact)].id.clone(),
                    a.raw.clone(),
                )
            })
            .collect();
        case
    }

    fn rebuild(&mut self) {
        self.facts = Facts::empty(self.pack);
        for a in &self.log {
            self.facts.set(a.fact, a.value);
        }
    }

    /// Replays the log after the answer to `changed` changed (module documentation).
    fn replay(&mut self, changed: FactIdx) {
        let old = std::mem::take(&mut self.log);
        self.facts = Facts::empty(self.pack);
        for a in old {
            if self
                .selector
                .decides_open_route(self.pack, &self.facts, self.as_of, a.fact)
            {
                self.facts.set(a.fact, a.value);
                self.log.push(a);
            } else {
                self.history.push(SetAside {
                    answer: a,
                    because_of: changed,
                });
            }
        }
    }
}
