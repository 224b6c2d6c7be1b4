//! The compiled rule pack: what the loader produces and the engine reads. Names are interned
//! to indices, texts are stored per language, expressions are flattened into one arena of
//! typed nodes, and every clause, exception, route and dated value keeps its provenance
//! (citations, confidence, review date) so explanations can cite it.

use std::collections::HashMap;

use qonys_time::Date;

pub use super::expr::{ArithOp, CmpOp};
pub use super::source::{
    ClauseKindSrc as ClauseKind, Confidence, PathToPermanentSrc as PathToPermanent, Tier,
};

/// A user-interface language.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Russian.
    Ru,
    /// Kazakh.
    Kk,
}

impl Lang {
    /// All languages, in the order texts are stored.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Kk];

    /// The language's code (`en`, `ru`, `kk`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Kk => "kk",
        }
    }

    /// Reads a language code.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" => Some(Lang::En),
            "ru" | "rus" | "russian" => Some(Lang::Ru),
            "kk" | "kaz" | "kazakh" | "kz" => Some(Lang::Kk),
            _ => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A text in every language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text([Box<str>; 3]);

impl Text {
    /// Builds a text from its three translations.
    pub fn new(en: &str, ru: &str, kk: &str) -> Text {
        Text([en.into(), ru.into(), kk.into()])
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        &self.0[lang.index()]
    }
}

/// Index of a fact in [`Pack::facts`].
pub type FactIdx = u16;
/// Index of a node in [`Pack::nodes`].
pub type NodeIdx = u32;

/// A runtime value. Money is a plain number in the currency its type names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum V {
    /// Not known.
    Unknown,
    /// Yes or no.
    Bool(bool),
    /// A number (or an amount of money).
    Num(f64),
    /// A date, as a day number.
    Date(Date),
    /// An option of an enum fact, or a country, by index.
    Sym(u16),
    /// The options chosen in a set fact, as a bit mask.
    Set(u64),
}

impl V {
    /// Whether the value is known.
    pub fn is_known(self) -> bool {
        !matches!(self, V::Unknown)
    }

    /// The value as a three-valued truth: `Some(b)` when it is a known boolean.
    pub fn truth(self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(b),
            _ => None,
        }
    }
}

/// The static type of an expression or a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// Boolean.
    Bool,
    /// Plain number.
    Num,
    /// Money in the named currency.
    Money(String),
    /// Date.
    Date,
    /// One option of the enum fact with this index.
    Opt(FactIdx),
    /// A country.
    Country,
    /// A set of options of the set fact with this index.
    Set(FactIdx),
}

/// Where something is defined in the pack's files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    /// Path relative to the pack folder.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// One place a rule was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    /// Index of the act in [`Pack::acts`].
    pub act: Option<u16>,
    /// Pinpoint within the act.
    pub article: Option<String>,
    /// Address.
    pub url: String,
    /// Source tier.
    pub tier: Tier,
    /// Date stated by the source.
    pub src_date: Option<Date>,
    /// Note.
    pub note: Option<String>,
}

/// Citations, confidence and review date.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// Where the rule was read.
    pub cites: Vec<Citation>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// What must be confirmed (uncertain items).
    pub uncertainty: Option<Text>,
    /// Last review.
    pub reviewed: Date,
}

impl Provenance {
    /// Whether users must be told to confirm this item.
    pub fn is_uncertain(&self) -> bool {
        self.confidence == Confidence::Uncertain
    }

    /// The best (lowest-letter) tier among the citations.
    pub fn best_tier(&self) -> Option<Tier> {
        self.cites.iter().map(|c| c.tier).min()
    }
}

/// A period in force, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    /// First day.
    pub from: Option<Date>,
    /// Last day.
    pub until: Option<Date>,
}

impl Period {
    /// Whether `d` falls in the period.
    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.until.is_none_or(|u| d <= u)
    }
}

/// A legal act in the register.
#[derive(Debug, Clone)]
pub struct Act {
    /// Key.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Number and date as written.
    pub reference: String,
    /// Official address.
    pub url: Option<String>,
}

/// The type of a fact.
#[derive(Debug, Clone, PartialEq)]
pub enum FactType {
    /// Yes / no.
    Bool,
    /// One of the options.
    Enum,
    /// Several of the options.
    Set,
    /// Whole number.
    Integer,
    /// Number.
    Number,
    /// Money in a currency.
    Money(String),
    /// Date.
    Date,
    /// Country.
    Country,
}

/// A choice of an enum or set fact.
#[derive(Debug, Clone)]
pub struct FactOption {
    /// Identifier.
    pub id: String,
    /// Label.
    pub label: Text,
}

/// A declared fact.
#[derive(Debug, Clone)]
pub struct Fact {
    /// Identifier.
    pub id: String,
    /// Type.
    pub kind: FactType,
    /// Noun phrase for explanations.
    pub label: Text,
    /// Question.
    pub question: Text,
    /// Help.
    pub help: Option<Text>,
    /// Options of enum and set facts.
    pub options: Vec<FactOption>,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Interview weight.
    pub ask_weight: u32,
    /// Who usually knows the answer.
    pub answered_by: Option<String>,
}

impl Fact {
    /// Index of the option with this id.
    pub fn option_index(&self, id: &str) -> Option<u16> {
        self.options
            .iter()
            .position(|o| o.id == id)
            .map(|i| i as u16)
    }
}

/// A derived fact: a named expression.
#[derive(Debug, Clone)]
pub struct Derived {
    /// Identifier.
    pub id: String,
    /// Noun phrase.
    pub label: Text,
    /// Root node.
    pub node: NodeIdx,
    /// Type.
    pub ty: Ty,
    /// Provenance, when the definition encodes law.
    pub provenance: Option<Provenance>,
}

/// A dated parameter value.
#[derive(Debug, Clone)]
pub struct ParamRow {
    /// Period in force.
    pub period: Period,
    /// Value, or `None` when the sources do not give it.
    pub value: Option<f64>,
    /// Provenance.
    pub provenance: Provenance,
}

/// A dated parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Identifier.
    pub id: String,
    /// Description.
    pub label: Text,
    /// Type of its values.
    pub ty: Ty,
    /// Unit word for display: `money`, `number`, `days`, `months`, `years`.
    pub unit: &'static str,
    /// Rows in date order, without gaps.
    pub rows: Vec<ParamRow>,
}

impl Param {
    /// The row in force on `d`.
    pub fn row_at(&self, d: Date) -> Option<&ParamRow> {
        self.rows.iter().find(|r| r.period.contains(d))
    }

    /// The value on `d` (unknown outside the rows or where the row has no value).
    pub fn value_at(&self, d: Date) -> V {
        match self.row_at(d).and_then(|r| r.value) {
            Some(v) => V::Num(v),
            None => V::Unknown,
        }
    }
}

/// An exception to a clause.
#[derive(Debug, Clone)]
pub struct Exception {
    /// Identifier.
    pub id: String,
    /// Statement.
    pub text: Text,
    /// When it holds.
    pub when: NodeIdx,
    /// Period in force.
    pub effective: Period,
    /// Provenance.
    pub provenance: Provenance,
}

/// A clause of a route.
#[derive(Debug, Clone)]
pub struct Clause {
    /// Identifier.
    pub id: String,
    /// Eligibility, step or warning.
    pub kind: ClauseKind,
    /// Statement, with `{name}` placeholders.
    pub text: Text,
    /// Applicability condition.
    pub applies_when: Option<NodeIdx>,
    /// The rule (or, for warnings, the trigger).
    pub rule: NodeIdx,
    /// What to do when not met.
    pub fix: Option<Text>,
    /// Placeholder values.
    pub values: Vec<(String, NodeIdx, Ty)>,
    /// Period in force.
    pub effective: Period,
    /// Exceptions.
    pub exceptions: Vec<Exception>,
    /// Provenance.
    pub provenance: Provenance,
    /// Where it is defined.
    pub loc: Loc,
}

/// Temporary, permanent or short stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteKind {
    /// A temporary stay for a purpose.
    Temporary,
    /// Permanent residence.
    Permanent,
    /// Visa-free short stay rules.
    ShortStay,
}

/// A route.
#[derive(Debug, Clone)]
pub struct Route {
    /// Identifier.
    pub id: String,
    /// Kind.
    pub kind: RouteKind,
    /// Name.
    pub name: Text,
    /// Summary.
    pub summary: Text,
    /// Permit given.
    pub permit: Text,
    /// Path to permanent residence.
    pub path_to_permanent: PathToPermanent,
    /// Ranking priority.
    pub priority: i32,
    /// Period the route exists.
    pub effective: Period,
    /// Provenance.
    pub provenance: Provenance,
    /// Clauses in explanation order.
    pub clauses: Vec<Clause>,
    /// Where it is defined.
    pub loc: Loc,
}

/// A case-level warning.
#[derive(Debug, Clone)]
pub struct CaseWarning {
    /// Identifier.
    pub id: String,
    /// Statement.
    pub text: Text,
    /// Trigger.
    pub triggers: NodeIdx,
    /// What to do.
    pub fix: Option<Text>,
    /// Period in force.
    pub effective: Period,
    /// Provenance.
    pub provenance: Provenance,
}

/// A country.
#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// Alpha-3 code.
    pub alpha3: String,
    /// Code used in passports' machine-readable zone, when it differs from alpha-3.
    pub mrz: Option<String>,
    /// Name.
    pub name: Text,
}

/// A named group of countries.
#[derive(Debug, Clone)]
pub struct CountryGroup {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: Text,
    /// Member country indices, sorted.
    pub members: Vec<u16>,
    /// Provenance.
    pub provenance: Provenance,
}

/// Functions of the condition language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// Whole years from the first date to the second.
    YearsBetween,
    /// Days from the first date to the second.
    DaysBetween,
    /// Date plus a number of days.
    AddDays,
    /// Date plus a number of months.
    AddMonths,
    /// The smaller number.
    Min,
    /// The larger number.
    Max,
}

/// A node of the compiled expression arena.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A constant.
    Const(V),
    /// A fact's value.
    Fact(FactIdx),
    /// A derived fact's value.
    Derived(u16),
    /// A parameter's value on the as-of date.
    Param(u16),
    /// The as-of date.
    AsOf,
    /// Negation.
    Not(NodeIdx),
    /// Conjunction of `kids[start..end]`.
    And(u32, u32),
    /// Disjunction of `kids[start..end]`.
    Or(u32, u32),
    /// Comparison.
    Cmp(CmpOp, NodeIdx, NodeIdx),
    /// Arithmetic.
    Arith(ArithOp, NodeIdx, NodeIdx),
    /// Arithmetic negation.
    Neg(NodeIdx),
    /// Membership of a value in a constant list `lists[list]`.
    InList {
        /// The value.
        item: NodeIdx,
        /// The list.
        list: u32,
        /// `not in`.
        negated: bool,
    },
    /// Whether a set fact contains an option.
    Contains {
        /// The set.
        set: NodeIdx,
        /// Option index.
        option: u16,
        /// `not in`.
        negated: bool,
    },
    /// Function call on two arguments.
    Call(Func, NodeIdx, NodeIdx),
}

/// Identity of a pack.
#[derive(Debug, Clone)]
pub struct PackMeta {
    /// Identifier.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: Text,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// Last review of the pack.
    pub reviewed: Date,
    /// Disclaimer shown with every result.
    pub disclaimer: Text,
}

/// A compiled, validated rule pack.
#[derive(Debug, Clone)]
pub struct Pack {
    /// Identity.
    pub meta: PackMeta,
    /// Register of acts.
    pub acts: Vec<Act>,
    /// Facts.
    pub facts: Vec<Fact>,
    /// Derived facts, in dependency order (each only uses earlier ones).
    pub derived: Vec<Derived>,
    /// Parameters.
    pub params: Vec<Param>,
    /// Routes.
    pub routes: Vec<Route>,
    /// Case-level warnings.
    pub warnings: Vec<CaseWarning>,
    /// Countries.
    pub countries: Vec<Country>,
    /// Country groups.
    pub groups: Vec<CountryGroup>,
    /// Expression arena.
    pub nodes: Vec<Node>,
    /// Children of `And`/`Or` nodes.
    pub kids: Vec<NodeIdx>,
    /// Constant lists of `InList` nodes.
    pub lists: Vec<Vec<V>>,
    /// Scenario tests.
    pub scenarios: Vec<super::load::Scenario>,
    /// Data files the core does not interpret itself (path, text), for later layers.
    pub data_files: Vec<(String, String)>,
    /// Document kinds and the routes' document requirements (`documents.toml`).
    pub documents: crate::documents::DocumentRules,
    /// Apostille parties and exempting treaties (`data/apostille.toml`,
    /// `data/legal_assistance.toml`).
    pub formalities: crate::documents::formalities::Formalities,
    /// The working-day calendar (`data/calendar.toml`; weekends only without it).
    pub calendar: qonys_time::WorkCalendar,
    /// Display names of the calendar's days, by name key.
    pub calendar_names: super::deadline::CalendarNames,
    /// Deadline rules (`deadlines.toml`).
    pub deadlines: Vec<super::deadline::DeadlineRule>,
    pub(crate) fact_index: HashMap<String, FactIdx>,
    pub(crate) country_index: HashMap<String, u16>,
}

impl Pack {
    /// The fact with this id.
    pub fn fact_idx(&self, id: &str) -> Option<FactIdx> {
        self.fact_index.get(id).copied()
    }

    /// The fact with this id.
    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.fact_idx(id).map(|i| &self.facts[usize::from(i)])
    }

    /// The country with this alpha-2 code.
    pub fn country_idx(&self, code: &str) -> Option<u16> {
        self.country_index.get(&code.to_ascii_uppercase()).copied()
    }

    /// The route with this id.
    pub fn route_idx(&self, id: &str) -> Option<usize> {
        self.routes.iter().position(|r| r.id == id)
    }

    /// The parameter with this id.
    pub fn param(&self, id: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.id == id)
    }

    /// The act with this index.
    pub fn act(&self, idx: u16) -> Option<&Act> {
        self.acts.get(usize::from(idx))
    }

    /// Finds a clause or exception by id: `(route, clause, exception)`.
    pub fn find_clause(&self, id: &str) -> Option<(usize, usize, Option<usize>)> {
        for (ri, r) in self.routes.iter().enumerate() {
            for (ci, c) in r.clauses.iter().enumerate() {
                if c.id == id {
                    return Some((ri, ci, None));
                }
                if let Some(ei) = c.exceptions.iter().position(|e| e.id == id) {
                    return Some((ri, ci, Some(ei)));
                }
            }
        }
        None
    }
}
