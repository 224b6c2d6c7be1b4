//! The rule-pack file format, as written by rule maintainers: the serde/schemars types that
//! TOML files deserialize into, before validation and compilation. These types are the
//! format's single definition — the JSON Schemas editors use (`schemas/rulepack-*.schema.json`)
//! are generated from them — so every field here is documented for pack authors.
//!
//! The provenance fields (`cite`, `confidence`, `uncertainty`, `reviewed`) are written out in
//! each struct rather than shared through `#[serde(flatten)]`: flattening buffers the table,
//! which loses the `Spanned` positions that located errors need and disables
//! `deny_unknown_fields`, so a typo in a key would pass silently.

use std::collections::BTreeMap;

use qonys_time::Date;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// A date written as a TOML local date (`2024-11-18`) or an ISO string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PackDate(pub Date);

impl<'de> Deserialize<'de> for PackDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PackDate;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date such as 2024-11-18")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PackDate, E> {
                Date::parse(v).map(PackDate).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<PackDate, A::Error> {
                let dt = toml::value::Datetime::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                date_from_toml(&dt)
                    .map(PackDate)
                    .map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Converts a TOML date (not a date-time) into a [`Date`].
pub fn date_from_toml(dt: &toml::value::Datetime) -> Result<Date, String> {
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .ok_or_else(|| format!("{dt} is not a real calendar day"))
        }
        _ => Err(format!(
            "expected a plain date such as 2024-11-18, found {dt}"
        )),
    }
}

/// Text in every language the pack declares: `{ en = "…", ru = "…", kk = "…" }`.
pub type TextSrc = BTreeMap<String, String>;

/// An expression in the pack's condition language, kept with its position in the file.
pub type ExprSrc = Spanned<String>;

/// How reliable a clause or value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Read in an official or legal-text source and consistent with the others.
    Confirmed,
    /// Thin, conflicting, outdated or only partly seen: users are told to confirm it.
    Uncertain,
}

/// Reliability tier of a source address.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, serde::Serialize,
)]
pub enum Tier {
    /// Official: adilet.zan.kz, egov.kz, gov.kz, ministries, HCCH, the depositary.
    A,
    /// Mirror of legal text.
    B,
    /// News outlet, law firm, university page.
    C,
    /// Aggregator or low-reliability guide.
    D,
}

/// One place a rule was read: an act and article, at an address, with the source's tier.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CitationSrc {
    /// Key of an `[[act]]` in `pack.toml`, when the citation is to a legal act.
    #[serde(default)]
    pub act: Option<String>,
    /// Pinpoint within the act: `art. 7`, `art. 28(2)(4)`, `Annex 1 cl. 31`.
    #[serde(default)]
    pub article: Option<String>,
    /// Address where the text was read.
    pub url: String,
    /// Reliability tier of that address.
    pub tier: Tier,
    /// Date the source itself states, if any.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub src_date: Option<PackDate>,
    /// Short note on what this source says or lacks.
    #[serde(default)]
    pub note: Option<String>,
}

/// A period during which a clause, route or value is in force. Both ends inclusive; an
/// absent end is open.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodSrc {
    /// First day in force.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub from: Option<PackDate>,
    /// Last day in force.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub until: Option<PackDate>,
}

/// `pack.toml`: identity of the pack and the register of legal acts it cites.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// The pack itself.
    pub pack: PackMetaSrc,
    /// Legal acts cited by `act = "…"` in citations.
    #[serde(default)]
    pub act: Vec<ActSrc>,
}

/// Identity of a rule pack.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackMetaSrc {
    /// Short identifier (`kz`).
    pub id: String,
    /// Version, changed with every reviewed change of the data (`2026.11.1`).
    pub version: String,
    /// Title shown to users.
    pub title: TextSrc,
    /// ISO 3166 code of the jurisdiction.
    pub jurisdiction: String,
    /// Languages every text must be given in; the first is the fallback.
    pub languages: Vec<String>,
    /// When the pack as a whole was last reviewed.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
    /// Shown with every result: guidance, not legal representation.
    pub disclaimer: TextSrc,
}

/// A legal act in the register.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActSrc {
    /// Key used by citations.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Title in every language.
    pub title: TextSrc,
    /// Number and date as written (`No. 477-IV of 22 Jul 2011`).
    pub reference: String,
    /// Official address of the text.
    #[serde(default)]
    pub url: Option<String>,
}

/// `facts.toml`: what the engine may know about a person.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactsFile {
    /// Declared facts.
    pub fact: Vec<FactSrc>,
}

/// The type of a fact's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactTypeSrc {
    /// Yes or no.
    Bool,
    /// One of `options`.
    Enum,
    /// Any number of `options` (multi-select).
    Set,
    /// A whole number (`min`/`max` optional).
    Integer,
    /// A number.
    Number,
    /// An amount in `currency`.
    Money,
    /// A calendar date.
    Date,
    /// A country, by ISO 3166-1 alpha-2 code.
    Country,
}

/// A fact the engine can reason about and the interview can ask.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactSrc {
    /// Identifier used in expressions and case files (`snake_case`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Value type.
    #[serde(rename = "type")]
    pub kind: FactTypeSrc,
    /// Short noun phrase used in explanations ("monthly income from abroad").
    pub label: TextSrc,
    /// The question put to the applicant.
    pub question: TextSrc,
    /// Optional help shown under the question.
    #[serde(default)]
    pub help: Option<TextSrc>,
    /// Choices for `enum` and `set` facts.
    #[serde(default)]
    pub options: Vec<OptionSrc>,
    /// Currency of a `money` fact (`KZT`, `USD`).
    #[serde(default)]
    pub currency: Option<String>,
    /// Smallest accepted value of a number.
    #[serde(default)]
    pub min: Option<f64>,
    /// Largest accepted value of a number.
    #[serde(default)]
    pub max: Option<f64>,
    /// Interview priority: among facts that decide the same number of open routes, the one
    /// with the higher weight is asked first. Default 10.
    #[serde(default)]
    pub ask_weight: Option<u32>,
    /// Who usually knows the answer (applicant, sponsor, employer, institution).
    #[serde(default)]
    pub answered_by: Option<String>,
}

/// One choice of an `enum` or `set` fact.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionSrc {
    /// Identifier used in expressions and case files.
    pub id: String,
    /// Label in every language.
    pub label: TextSrc,
}

/// `parameters.toml`: dated values.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParametersFile {
    /// Declared parameters.
    pub parameter: Vec<ParameterSrc>,
}

/// Unit of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamUnitSrc {
    /// An amount in `currency`.
    Money,
    /// A plain number (a multiplier, a count of MCI).
    Number,
    /// A number of days.
    Days,
    /// A number of months.
    Months,
    /// A number of years.
    Years,
}

/// A parameter whose value depends on the date.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterSrc {
    /// Identifier, used as `param.ID` in expressions.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Description in every language.
    pub label: TextSrc,
    /// Unit.
    pub unit: ParamUnitSrc,
    /// Currency of a money parameter.
    #[serde(default)]
    pub currency: Option<String>,
    /// Values, in date order; each holds from its `from` until the day before the next
    /// row's `from` (the last until `until`, or open). No gaps are allowed.
    pub value: Vec<ParamValueSrc>,
    /// Last day the parameter exists, if it ends.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub until: Option<PackDate>,
}

/// A parameter's value from a date.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamValueSrc {
    /// First day this value holds.
    #[schemars(with = "String")]
    pub from: PackDate,
    /// The value. Omit it and set `unknown = true` where the sources do not give it:
    /// the engine then reports the dependent clauses as needing information.
    #[serde(default)]
    pub value: Option<f64>,
    /// The value for this period is not known.
    #[serde(default)]
    pub unknown: bool,
    /// Where the rule was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain items: one sentence per language saying what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked this item against its sources.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
}

/// `derived.toml`: named expressions, reusable in clauses (`eaeu_citizen`, `age`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DerivedFile {
    /// Declared derived facts.
    pub derived: Vec<DerivedSrc>,
}

/// A named expression.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DerivedSrc {
    /// Identifier, used like a fact in expressions.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Short noun phrase for explanations.
    pub label: TextSrc,
    /// Its definition.
    #[schemars(with = "String")]
    pub expr: ExprSrc,
    /// Where the definition was read, when it encodes law (empty for pure conveniences
    /// such as `age`).
    #[serde(default)]
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain (default confirmed).
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// For uncertain definitions: what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked the definition.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub reviewed: Option<PackDate>,
}

/// `routes/*.toml`: one route per file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteFile {
    /// The route.
    pub route: RouteSrc,
    /// Its clauses, in the order they are explained.
    #[serde(default)]
    pub clause: Vec<ClauseSrc>,
}

/// What a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RouteKindSrc {
    /// A temporary stay for a purpose.
    Temporary,
    /// Permanent residence.
    Permanent,
    /// Short visa-free stay rules every case touches (not a residence route; not ranked).
    ShortStay,
}

/// A legal route to residence.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteSrc {
    /// Stable identifier (`work`, `family_reunification`, …).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Temporary, permanent or short stay.
    pub kind: RouteKindSrc,
    /// Name in every language.
    pub name: TextSrc,
    /// One sentence: what the route is and whom it serves.
    pub summary: TextSrc,
    /// The visa and permit the route gives (`C3 work visa, then a temporary residence permit`).
    pub permit: TextSrc,
    /// Whether holding this status can lead to permanent residence: `direct`, `indirect`
    /// (through another route), or `no`.
    pub path_to_permanent: PathToPermanentSrc,
    /// Ranking among routes with the same verdict (higher first).
    #[serde(default)]
    pub priority: i32,
    /// When the route exists.
    #[serde(default)]
    pub effective: PeriodSrc,
    /// Where the rule was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain items: one sentence per language saying what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked this item against its sources.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
}

/// Whether a route leads to permanent residence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathToPermanentSrc {
    /// The status itself is a ground to apply for permanent residence.
    Direct,
    /// Only through another route.
    Indirect,
    /// No path.
    No,
}

/// How a clause affects its route's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClauseKindSrc {
    /// Must hold for the route to fit; false makes the route not fit.
    Eligibility,
    /// A step by the applicant, a sponsor or an institution that must be done before or
    /// soon after filing; while not done the route fits with conditions.
    Step,
    /// An honesty or risk warning, shown when `triggers` is true; never changes the verdict.
    Warning,
}

/// A clause: a general rule with its exceptions.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClauseSrc {
    /// Stable identifier, prefixed with the route id (`work.permit`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Eligibility, step or warning.
    pub kind: ClauseKindSrc,
    /// The rule stated in one sentence, in every language. May use `{name}` placeholders
    /// defined in `values`.
    pub text: TextSrc,
    /// The clause only applies when this holds (otherwise it is "not applicable").
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub applies_when: Option<ExprSrc>,
    /// The condition that satisfies the clause (eligibility and step clauses).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub rule: Option<ExprSrc>,
    /// The condition that raises the warning (warning clauses).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub triggers: Option<ExprSrc>,
    /// What the person can do when the clause is not met, in every language.
    #[serde(default)]
    pub fix: Option<TextSrc>,
    /// Named expressions whose values can be shown in `text` as `{name}`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub values: BTreeMap<String, ExprSrc>,
    /// When the clause is in force (outside it, it does not apply).
    #[serde(default)]
    pub effective: PeriodSrc,
    /// Exceptions: when one holds, the clause is satisfied whatever `rule` says.
    #[serde(default)]
    pub exception: Vec<ExceptionSrc>,
    /// Where the rule was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain items: one sentence per language saying what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked this item against its sources.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
}

/// An exception to a clause, with its own citation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionSrc {
    /// Stable identifier (`pr.solvency.kandas`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The exception stated in one sentence, in every language.
    pub text: TextSrc,
    /// When it holds.
    #[schemars(with = "String")]
    pub when: ExprSrc,
    /// When the exception is in force.
    #[serde(default)]
    pub effective: PeriodSrc,
    /// Where the rule was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain items: one sentence per language saying what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked this item against its sources.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
}

/// `warnings.toml`: warnings about the case as a whole (route honesty).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningsFile {
    /// Declared warnings.
    pub warning: Vec<WarningSrc>,
}

/// A case-level warning.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningSrc {
    /// Stable identifier (`honesty.no_purpose`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The warning in every language.
    pub text: TextSrc,
    /// When it is raised.
    #[schemars(with = "String")]
    pub triggers: ExprSrc,
    /// What to do about it.
    #[serde(default)]
    pub fix: Option<TextSrc>,
    /// When the warning's rule is in force.
    #[serde(default)]
    pub effective: PeriodSrc,
    /// Where the rule was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain items: one sentence per language saying what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked this item against its sources.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
}

/// `tests/*.toml`: scenario tests, run by `qonys rules test` and `cargo test`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The scenarios.
    pub scenario: Vec<ScenarioSrc>,
}

/// One scenario: facts in, verdicts and key reasons out.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSrc {
    /// Stable identifier.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What situation it describes.
    pub description: String,
    /// Date the rules are applied at.
    #[schemars(with = "String")]
    pub as_of: PackDate,
    /// The facts, as in a case file's `[facts]` table.
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub facts: toml::Table,
    /// Expected verdict per route id: `fits`, `fits_with_conditions`, `needs_information`,
    /// `does_not_fit`. Routes not named are not checked.
    pub expect: BTreeMap<String, String>,
    /// Per route: clause or exception ids that must appear among the route's decisive
    /// reasons (failed clauses, applied exceptions, open steps, undecided clauses).
    #[serde(default)]
    pub expect_reasons: BTreeMap<String, Vec<String>>,
    /// Per route: facts that must be named as deciding it.
    #[serde(default)]
    pub expect_missing: BTreeMap<String, Vec<String>>,
    /// Warning ids (route warning clauses or case warnings) that must be raised.
    #[serde(default)]
    pub expect_warnings: Vec<String>,
    /// Warning ids that must not be raised.
    #[serde(default)]
    pub expect_no_warnings: Vec<String>,
}

/// `data/countries.toml`: countries with their names, and named groups of countries.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountriesFile {
    /// When the table was last reviewed.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub reviewed: Option<PackDate>,
    /// Countries.
    pub country: Vec<CountrySrc>,
    /// Groups (EAEU, simplified-citizenship treaty states, …).
    #[serde(default)]
    pub group: Vec<GroupSrc>,
}

/// A country.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountrySrc {
    /// ISO 3166-1 alpha-2 code.
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// ISO 3166-1 alpha-3 code.
    pub alpha3: String,
    /// Code in passports' machine-readable zone where it differs from alpha-3 (`D`).
    #[serde(default)]
    pub mrz: Option<String>,
    /// Name in every language.
    pub name: TextSrc,
}

/// A named group of countries.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupSrc {
    /// Identifier, used as `group.ID` in expressions.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Name in every language.
    pub name: TextSrc,
    /// Alpha-2 codes of the members.
    pub members: Vec<String>,
    /// Where membership was read.
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// What must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// Last review.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub reviewed: Option<PackDate>,
}

/// `documents.toml`: the documents a route asks for — document kinds, and per-route
/// requirements with their conditions, validity windows and citations.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentsFile {
    /// Document kinds (passport, criminal-record certificate, …).
    pub kind: Vec<DocKindSrc>,
    /// Which route needs which document, when, and how fresh.
    pub requirement: Vec<DocRequirementSrc>,
}

/// Who obtains and hands over a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvidedBySrc {
    /// The applicant.
    Applicant,
    /// The family member or host in Kazakhstan who sponsors the applicant.
    Sponsor,
    /// The employer in Kazakhstan.
    Employer,
    /// An institution (university, akimat, Astana Hub, bank, clinic).
    Institution,
}

/// Where a document of this kind is normally issued, for the formalities it needs when the
/// case file does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuedInSrc {
    /// The applicant's state of citizenship (or residence): a foreign public document.
    HomeCountry,
    /// Kazakhstan: no apostille or legalisation.
    Kazakhstan,
    /// Either; the case file's `issuing_country` decides.
    Any,
}

/// A kind of document.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocKindSrc {
    /// Identifier used in requirements and in case files (`criminal_record_certificate`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Name in every language.
    pub label: TextSrc,
    /// What the document is and where it is obtained, in every language.
    pub description: TextSrc,
    /// Who provides it.
    pub provided_by: ProvidedBySrc,
    /// Whether it is a public document (issued by an authority or notary) that needs an
    /// apostille or legalisation when issued abroad (Apostille Convention art. 1).
    pub public_document: bool,
    /// Where it is normally issued.
    pub issued_in: IssuedInSrc,
    /// Whether it identifies its holder (name, date of birth) — checked against the
    /// passport.
    #[serde(default)]
    pub identity: bool,
    /// Whether it records an event with a date (marriage, birth) that must precede filing.
    #[serde(default)]
    pub event: bool,
    /// Whether it carries text that may need a translation (default true; false for a
    /// photograph).
    #[serde(default = "yes")]
    pub has_text: bool,
    /// Where the description was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain items: what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked this item.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
}

/// A route's requirement of a document.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocRequirementSrc {
    /// Stable identifier, prefixed with the route id (`permanent_residence.criminal_record`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The route.
    pub route: String,
    /// The document kind.
    pub document: String,
    /// Why it is needed: the rule in one sentence, in every language.
    pub text: TextSrc,
    /// The document is only needed when this holds (three-valued: unknown lists the
    /// document as "may be needed").
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub applies_when: Option<ExprSrc>,
    /// The document may be at most this many days old on the filing date.
    #[serde(default)]
    pub max_age_days: Option<u32>,
    /// The document must remain valid more than this many days after the filing date.
    #[serde(default)]
    pub min_validity_days: Option<u32>,
    /// When the requirement is in force.
    #[serde(default)]
    pub effective: PeriodSrc,
    /// Where the rule was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain items: what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked this item.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
}

/// `data/apostille.toml`: parties to the Apostille Convention with the date it entered into
/// force between them and Kazakhstan.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApostilleFile {
    /// When the table was last reviewed.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
    /// Parties.
    pub party: Vec<ApostillePartySrc>,
}

/// A party to the Apostille Convention.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApostillePartySrc {
    /// ISO 3166-1 alpha-2 code.
    #[schemars(with = "String")]
    pub country: Spanned<String>,
    /// Entry into force for this state; omitted = not verified (never "not a party").
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub in_force: Option<PackDate>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// What must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// Objections to or by this state's accession that matter for Kazakhstan.
    #[serde(default)]
    pub objections_note: Option<String>,
    /// Where the row was read (at least one entry).
    pub cite: Vec<CitationSrc>,
}

/// `data/legal_assistance.toml`: treaties that exempt documents from apostille and
/// legalisation (Minsk 1993, Chisinau 2002, bilateral).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalAssistanceFile {
    /// When the table was last reviewed.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
    /// Treaty rows, one per partner and convention.
    pub treaty: Vec<TreatySrc>,
}

/// Whether a treaty row exempts documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[schemars(with = "serde_json::Value")]
pub enum ExemptsSrc {
    /// `true`: exempts while in force.
    Yes,
    /// `false`: does not exempt.
    No,
    /// `"unverified"`: not established; never exempts on its own.
    Unverified,
}

impl<'de> Deserialize<'de> for ExemptsSrc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            B(bool),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::B(true) => Ok(ExemptsSrc::Yes),
            Raw::B(false) => Ok(ExemptsSrc::No),
            Raw::S(s) if s == "unverified" => Ok(ExemptsSrc::Unverified),
            Raw::S(s) => Err(serde::de::Error::custom(format!(
                "expected true, false or \"unverified\", found {s:?}"
            ))),
        }
    }
}

/// One treaty between Kazakhstan and a partner.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TreatySrc {
    /// Partner, ISO 3166-1 alpha-2 (`KZ` rows record Kazakhstan's own ratification).
    #[schemars(with = "String")]
    pub country: Spanned<String>,
    /// `minsk_1993`, `chisinau_2002` or `bilateral`.
    pub convention: String,
    /// `kz_ratified`, `in_force`, `in_force_uncertain`, `party_unverified`, `signed_only`,
    /// `signed_ratification_unverified`, `signed_not_ratified`, `withdrawn`,
    /// `none_civil_found`, `draft`.
    pub status: String,
    /// Whether the treaty exempts documents: `true`, `false` or `"unverified"`.
    pub exempts_documents: ExemptsSrc,
    /// Date it took effect between KZ and the partner; omitted = not verified.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub in_force: Option<PackDate>,
    /// Last day it applied (required for `withdrawn`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub valid_until: Option<PackDate>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// What must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// Notes.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the row was read (at least one entry).
    pub cite: Vec<CitationSrc>,
}

/// `data/calendar.toml`: the working-day calendar — public holidays, religious days off,
/// weekend-substitute days, transfers and working weekends for the years it covers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    /// When the table was last reviewed.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
    /// The years the rows describe completely; outside them only weekends are days off.
    pub covers: Vec<i32>,
    /// The weekend days (`["saturday", "sunday"]`; the five-day week is the only one modelled).
    #[serde(default)]
    pub weekend: Vec<String>,
    /// The statutory rule behind the rows (documentation for maintainers, with citations).
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, serde_json::Value>>")]
    pub rule: Option<toml::Table>,
    /// One row per non-working day (or working weekend, or cancelled day off).
    #[serde(default)]
    pub day: Vec<CalendarDaySrc>,
    /// The acts that transferred days off (documentation for maintainers, with citations).
    #[serde(default)]
    #[schemars(with = "Vec<BTreeMap<String, serde_json::Value>>")]
    pub transfer_act: Vec<toml::Table>,
}

/// What a calendar row says about its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKindSrc {
    /// A statutory holiday (a weekend-dated one is listed too; its substitute is a separate row).
    Holiday,
    /// A religious day off (no substitute when on a weekend).
    DayOff,
    /// A weekday off because a holiday fell on a weekend (`substitute_for` names it).
    Substitute,
    /// A weekday off by a transfer act.
    Transfer,
    /// A Saturday or Sunday made a working day.
    WorkingWeekend,
    /// A day off that was published and later withdrawn (a working day again).
    Cancelled,
}

/// One row of the working-day calendar.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDaySrc {
    /// The date.
    #[schemars(with = "String")]
    pub date: Spanned<PackDate>,
    /// What the row says about it.
    pub kind: DayKindSrc,
    /// The day's name in every language (explanations say "skipping Nauryz").
    pub name: TextSrc,
    /// For a substitute day: the weekend holiday it replaces (its row gives the name shown).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub substitute_for: Option<PackDate>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain rows: what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// Where the row was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Last review (default: the file's `reviewed`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub reviewed: Option<PackDate>,
}

/// `deadlines.toml`: deadline rules — what must be done by when after an event or around a
/// status's start or end — as dated, cited data.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesFile {
    /// The rules.
    pub deadline: Vec<DeadlineSrc>,
}

/// Whether a rule sets a limit (it can be missed) or marks a date from which something
/// becomes possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKindSrc {
    /// Must be done by the date; overdue after it.
    #[default]
    Deadline,
    /// Possible from the date (for example, applying for citizenship); never overdue.
    Milestone,
}

/// How a rule's date is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineMethodSrc {
    /// The trigger date plus or minus `span`, with `roll`.
    #[default]
    Span,
    /// The visa-free stay counter (`stay`: days per stay, days in a rolling window): the last
    /// day the person may stay, from the arrivals and departures in the history.
    StayLimit,
    /// Days abroad per calendar year while holding permanent residence (`span.param` gives
    /// the limit): the date by which the person must be back.
    AbsenceLimit,
}

/// How urgent a rule's deadline is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SeveritySrc {
    /// Missing it costs the status or brings a fine.
    Urgent,
    /// Missing it causes trouble or delay.
    Important,
    /// For information (milestones, reminders).
    Info,
}

/// What starts a rule: an event kind, or the start or end of a status (of a kind, or any).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerSrc {
    /// An event kind (`arrival`, `address_change`, `employment_end`, …).
    #[serde(default)]
    pub event: Option<String>,
    /// The start of a status of this kind (`visa`, `temporary_residence_permit`,
    /// `permanent_residence`, `visa_free`, or `any`).
    #[serde(default)]
    pub status_start: Option<String>,
    /// The end (`valid_to`) of a status of this kind, or `any`.
    #[serde(default)]
    pub status_end: Option<String>,
    /// With `status_start` / `status_end`: only statuses resting on this ground (a route id).
    #[serde(default)]
    pub ground: Option<String>,
}

/// The unit of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpanUnitSrc {
    /// Calendar days (the trigger day is day 0).
    CalendarDays,
    /// Working days (the trigger day is not counted; holidays from `data/calendar.toml`).
    WorkingDays,
    /// Months (clamped to the month end).
    Months,
    /// Years (29 Feb → 28 Feb).
    Years,
}

/// A length of time: a literal `amount` or a `param`eter's value on the trigger date.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpanSrc {
    /// A fixed number of units.
    #[serde(default)]
    pub amount: Option<u32>,
    /// A parameter (unit days, months or years) whose value on the trigger date is the amount.
    #[serde(default)]
    pub param: Option<String>,
    /// The unit.
    pub unit: SpanUnitSrc,
}

/// Parameters of the visa-free stay counter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StayLimitsSrc {
    /// Parameter: longest single stay in days (omit when there is no per-stay cap).
    #[serde(default)]
    pub per_stay: Option<String>,
    /// Parameter: most days of stay in a rolling window.
    pub max_days: String,
    /// Parameter: length of the rolling window in days.
    pub window_days: String,
}

/// When a rule's trigger takes away the ground of the current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroundLossOnSrc {
    /// The trigger event itself ends the ground (a contract ended, a divorce).
    Triggered,
    /// Missing the deadline ends the ground (capital not transferred in time).
    Missed,
}

/// A ground the rule can take away, and how the facts change when it does.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroundLossSrc {
    /// The route whose ground ends (the current status's `ground` must be this route).
    pub route: String,
    /// Whether the trigger or a missed deadline ends it.
    pub on: GroundLossOnSrc,
    /// The facts as they now stand, in case-file form (`has_employment_offer = false`); the
    /// route engine is re-run on them to suggest the route that now fits.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub sets: toml::Table,
}

/// A deadline rule.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineSrc {
    /// Stable identifier (`registration.host_notification`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Deadline (default) or milestone.
    #[serde(default)]
    pub kind: DeadlineKindSrc,
    /// A short title in every language ("Host notifies your arrival").
    pub title: TextSrc,
    /// What must be done, in every language.
    pub action: TextSrc,
    /// What starts the rule.
    pub trigger: TriggerSrc,
    /// How the date is computed (default `span`).
    #[serde(default)]
    pub method: DeadlineMethodSrc,
    /// The length of time (methods `span` and `absence_limit`).
    #[serde(default)]
    pub span: Option<SpanSrc>,
    /// The counter's parameters (method `stay_limit`).
    #[serde(default)]
    pub stay: Option<StayLimitsSrc>,
    /// `after` (default) or `before` the trigger date.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub direction: Option<DirectionSrc>,
    /// What to do when a calendar-day, month or year date falls on a non-working day:
    /// `none` (default), `next_working_day`, `previous_working_day`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub roll: Option<RollSrc>,
    /// The rule applies only to people for whom this holds (evaluated on the case's facts).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub when: Option<ExprSrc>,
    /// Event kinds that, all dated on or after the trigger, mean the obligation was met.
    #[serde(default)]
    pub done_by: Vec<String>,
    /// Status kinds during which the rule does not apply (a trigger dated while such a status
    /// is held is skipped: registration rules do not bind permanent residents).
    #[serde(default)]
    pub unless_status: Vec<String>,
    /// A condition on the facts that means the latest occurrence was met
    /// (`arrival_registered`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub done_when: Option<ExprSrc>,
    /// The ground this rule can take away.
    #[serde(default)]
    pub ends_ground: Option<GroundLossSrc>,
    /// Urgent, important or info.
    pub severity: SeveritySrc,
    /// The period in force, keyed to the TRIGGER date (an arrival on 2026-06-30 follows the
    /// old rule, one on 2026-07-01 the new).
    #[serde(default)]
    pub effective: PeriodSrc,
    /// Where the rule was read (at least one entry).
    pub cite: Vec<CitationSrc>,
    /// Confirmed or uncertain.
    pub confidence: Confidence,
    /// For uncertain items: one sentence per language saying what must be confirmed.
    #[serde(default)]
    pub uncertainty: Option<TextSrc>,
    /// When a maintainer last checked this item against its sources.
    #[schemars(with = "String")]
    pub reviewed: PackDate,
}

/// `after` or `before`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionSrc {
    /// After the trigger.
    After,
    /// Before the trigger.
    Before,
}

/// The roll rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollSrc {
    /// Keep the date.
    None,
    /// Next working day.
    NextWorkingDay,
    /// Previous working day.
    PreviousWorkingDay,
}

fn yes() -> bool {
    true
}
