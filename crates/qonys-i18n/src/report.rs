//! The assessment as a report in one language: every route with its verdict, each clause's
//! outcome as a sentence with its citations, the facts that would decide an open route, the
//! steps that remain, what would make a failing route fit, warnings and what to confirm.
//! The same report is the CLI's stable JSON (schema in `schemas/assessment.schema.json`),
//! the CLI's text table and the web pages' data.

use qonys_law::Lang;
use qonys_law::engine::eval::Env;
use qonys_law::engine::explain::{
    Need, NeedTree, Subject, clause_deciding_facts, clause_needs, clause_param_gaps, clause_values,
};
use qonys_law::engine::{Assessment, Outcome, Verdict};
use qonys_law::pack::{ClauseKind, CmpOp, Confidence, Pack, Provenance, Ty, V};
use schemars::JsonSchema;
use serde::Serialize;

use crate::Messages;
use crate::format;

/// Version of the report's JSON shape; changed only with a migration note.
pub const REPORT_FORMAT: u32 = 1;

/// A citation as shown to users.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CitationOut {
    /// Act title, when the citation is to a registered act.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub act: Option<String>,
    /// Act number and date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub act_reference: Option<String>,
    /// Article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Address.
    pub url: String,
    /// Tier A–D.
    pub tier: String,
}

/// A clause's result as shown to users.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClauseOut {
    /// Clause id.
    pub id: String,
    /// `eligibility`, `step` or `warning`.
    pub kind: String,
    /// `met`, `met_by_exception`, `not_met`, `unknown`, `not_applicable`, `not_in_force`,
    /// `triggered`, `not_triggered`, `trigger_unknown`.
    pub outcome: String,
    /// The outcome in words.
    pub outcome_label: String,
    /// The rule as a sentence, with its values filled in.
    pub text: String,
    /// The exception that applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionOut>,
    /// `confirmed` or `uncertain`.
    pub confidence: String,
    /// What to confirm, for uncertain clauses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<String>,
    /// What would make the clause hold (for clauses not met or undecided), one line each.
    pub what_would_change: Vec<String>,
    /// What the person can do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Facts that would decide the clause.
    pub deciding_facts: Vec<String>,
    /// Parameters the pack lacks for this date (no answer can decide the clause).
    pub missing_parameters: Vec<String>,
    /// Where the rule was read.
    pub citations: Vec<CitationOut>,
}

/// An exception that applied.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ExceptionOut {
    /// Exception id.
    pub id: String,
    /// The exception as a sentence.
    pub text: String,
    /// `confirmed` or `uncertain`.
    pub confidence: String,
    /// What to confirm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<String>,
    /// Where it was read.
    pub citations: Vec<CitationOut>,
}

/// A fact that would decide an open route.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FactOut {
    /// Fact id.
    pub id: String,
    /// The question to ask.
    pub question: String,
}

/// A warning as shown to users.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WarningOut {
    /// Warning id.
    pub id: String,
    /// The warning.
    pub text: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// `confirmed` or `uncertain`.
    pub confidence: String,
    /// Where it was read.
    pub citations: Vec<CitationOut>,
}

/// Something the verdict rests on that users must confirm.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConfirmOut {
    /// Clause or exception id.
    pub id: String,
    /// What to confirm.
    pub text: String,
}

/// One route in the report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RouteOut {
    /// Rank (1 = best).
    pub rank: usize,
    /// Route id.
    pub id: String,
    /// Route name.
    pub name: String,
    /// `temporary`, `permanent` or `short_stay`.
    pub kind: String,
    /// `fits`, `fits_with_conditions`, `needs_information` or `does_not_fit`.
    pub verdict: String,
    /// The verdict in words.
    pub verdict_label: String,
    /// Whether the route exists on the as-of date.
    pub in_force: bool,
    /// What the route is.
    pub summary: String,
    /// The permit it gives.
    pub permit: String,
    /// `direct`, `indirect` or `no`.
    pub path_to_permanent: String,
    /// Clause by clause.
    pub clauses: Vec<ClauseOut>,
    /// Facts that would decide the route (for `needs_information`).
    pub deciding_facts: Vec<FactOut>,
    /// Steps that remain (for `fits_with_conditions`).
    pub conditions: Vec<ConfirmOut>,
    /// Uncertain rules the verdict rests on.
    pub to_confirm: Vec<ConfirmOut>,
    /// Route warnings raised.
    pub warnings: Vec<WarningOut>,
    /// Where the route as a whole was read.
    pub citations: Vec<CitationOut>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssessmentReport {
    /// Report format version.
    pub format: u32,
    /// Rule pack id.
    pub pack: String,
    /// Rule pack version.
    pub pack_version: String,
    /// Date the rules were applied at.
    pub as_of: String,
    /// Language of the texts.
    pub language: String,
    /// Guidance disclaimer.
    pub disclaimer: String,
    /// Routes, best first (short-stay rules last).
    pub routes: Vec<RouteOut>,
    /// Case-level warnings.
    pub warnings: Vec<WarningOut>,
    /// Number of routes that fit (with or without conditions).
    pub routes_fitting: usize,
}

fn confidence(p: &Provenance) -> String {
    match p.confidence {
        Confidence::Confirmed => "confirmed".into(),
        Confidence::Uncertain => "uncertain".into(),
    }
}

/// The citations of a rule as shown to users (act title and localised article).
pub fn citations(pack: &Pack, p: &Provenance, lang: Lang) -> Vec<CitationOut> {
    p.cites
        .iter()
        .map(|c| {
            let act = c.act.and_then(|a| pack.act(a));
            CitationOut {
                act: act.map(|a| a.title.get(lang).to_string()),
                act_reference: act.map(|a| a.reference.clone()),
                article: c.article.as_deref().map(|x| localize_article(x, lang)),
                url: c.url.clone(),
                tier: format!("{:?}", c.tier),
            }
        })
        .collect()
}

/// Renders a value for users.
pub fn value(pack: &Pack, m: &Messages, lang: Lang, v: V, ty: Option<&Ty>) -> String {
    match v {
        V::Unknown => m.get(lang, "label-unknown-value"),
        V::Bool(b) => m.get(lang, if b { "value-yes" } else { "value-no" }),
        V::Num(n) => match ty {
            Some(Ty::Money(c)) => format::money(lang, n, c),
            _ => format::number(lang, n),
        },
        V::Date(d) => format::date(lang, d),
        V::Sym(s) => match ty {
            Some(Ty::Opt(f)) => pack.facts[usize::from(*f)]
                .options
                .get(usize::from(s))
                .map_or_else(|| s.to_string(), |o| o.label.get(lang).to_string()),
            _ => pack
                .countries
                .get(usize::from(s))
                .map_or_else(|| s.to_string(), |c| c.name.get(lang).to_string()),
        },
        V::Set(mask) => match ty {
            Some(Ty::Set(f)) => pack.facts[usize::from(*f)]
                .options
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, o)| o.label.get(lang).to_string())
                .collect::<Vec<_>>()
                .join(", "),
            _ => format!("{mask:b}"),
        },
    }
}

fn subject_info(pack: &Pack, lang: Lang, s: Subject) -> (String, Option<Ty>) {
    match s {
        Subject::Fact(f) => {
            let fact = &pack.facts[usize::from(f)];
            (fact.label.get(lang).to_string(), Some(fact_type(pack, f)))
        }
        Subject::Derived(d) => {
            let dv = &pack.derived[usize::from(d)];
            (dv.label.get(lang).to_string(), Some(dv.ty.clone()))
        }
        Subject::Param(p) => {
            let pm = &pack.params[usize::from(p)];
            (pm.label.get(lang).to_string(), Some(pm.ty.clone()))
        }
        Subject::Computed(_) => ("—".into(), None),
    }
}

fn fact_type(pack: &Pack, f: u16) -> Ty {
    use qonys_law::pack::FactType;
    match &pack.facts[usize::from(f)].kind {
        FactType::Bool => Ty::Bool,
        FactType::Enum => Ty::Opt(f),
        FactType::Set => Ty::Set(f),
        FactType::Integer | FactType::Number => Ty::Num,
        FactType::Money(c) => Ty::Money(c.clone()),
        FactType::Date => Ty::Date,
        FactType::Country => Ty::Country,
    }
}

fn op_id(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "op-eq",
        CmpOp::Ne => "op-ne",
        CmpOp::Lt => "op-lt",
        CmpOp::Le => "op-le",
        CmpOp::Gt => "op-gt",
        CmpOp::Ge => "op-ge",
    }
}

/// One requirement as a sentence.
pub fn need_line(
    pack: &Pack,
    m: &Messages,
    lang: Lang,
    clause: &qonys_law::pack::Clause,
    need: &Need,
) -> String {
    match need {
        Need::Compare {
            subject,
            op,
            target,
            current,
        } => {
            let (name, ty) = subject_info(pack, lang, *subject);
            let target = value(pack, m, lang, *target, ty.as_ref());
            let mut s = match op {
                CmpOp::Eq => m.fmt(
                    lang,
                    "need-compare-eq",
                    &[("subject", &name), ("target", &target)],
                ),
                CmpOp::Ne => m.fmt(
                    lang,
                    "need-compare-ne",
                    &[("subject", &name), ("target", &target)],
                ),
                _ => m.fmt(
                    lang,
                    "need-compare",
                    &[
                        ("subject", &name),
                        ("op", &m.get(lang, op_id(*op))),
                        ("target", &target),
                    ],
                ),
            };
            if current.is_known() {
                s.push_str(&format!(
                    " ({})",
                    m.fmt(
                        lang,
                        "label-now",
                        &[("value", &value(pack, m, lang, *current, ty.as_ref()))]
                    )
                ));
            }
            s
        }
        Need::OneOf {
            subject,
            options,
            negated,
            current,
        } => {
            let (name, ty) = subject_info(pack, lang, *subject);
            let opts: Vec<String> = options
                .iter()
                .map(|o| value(pack, m, lang, *o, ty.as_ref()))
                .collect();
            let mut s = m.fmt(
                lang,
                if *negated {
                    "need-not-one-of"
                } else {
                    "need-one-of"
                },
                &[("subject", &name), ("options", &opts.join(", "))],
            );
            if current.is_known() {
                s.push_str(&format!(
                    " ({})",
                    m.fmt(
                        lang,
                        "label-now",
                        &[("value", &value(pack, m, lang, *current, ty.as_ref()))]
                    )
                ));
            }
            s
        }
        Need::Includes {
            subject,
            option,
            negated,
        } => {
            let (name, ty) = subject_info(pack, lang, *subject);
            let opt = value(
                pack,
                m,
                lang,
                V::Sym(*option),
                match &ty {
                    Some(Ty::Set(f)) => Some(Ty::Opt(*f)),
                    other => other.clone(),
                }
                .as_ref(),
            );
            m.fmt(
                lang,
                if *negated {
                    "need-not-includes"
                } else {
                    "need-includes"
                },
                &[("subject", &name), ("option", &opt)],
            )
        }
        Need::Is { subject, value: v } => {
            let (name, _) = subject_info(pack, lang, *subject);
            m.fmt(
                lang,
                if *v { "need-is-true" } else { "need-is-false" },
                &[("subject", &name)],
            )
        }
        Need::Exception { exception } => {
            let e = &clause.exceptions[usize::from(*exception)];
            m.fmt(lang, "need-exception", &[("text", e.text.get(lang))])
        }
    }
}

/// A need tree as indented lines.
pub fn need_lines(
    pack: &Pack,
    m: &Messages,
    lang: Lang,
    clause: &qonys_law::pack::Clause,
    tree: &NeedTree,
    depth: usize,
    out: &mut Vec<String>,
) {
    let pad = "  ".repeat(depth);
    match tree {
        NeedTree::Leaf(n) => out.push(format!("{pad}{}", need_line(pack, m, lang, clause, n))),
        NeedTree::Any(items) | NeedTree::All(items) => {
            let head = if matches!(tree, NeedTree::Any(_)) {
                "label-one-of"
            } else {
                "label-all-of"
            };
            out.push(format!("{pad}{}", m.get(lang, head)));
            for it in items {
                let mut sub = Vec::new();
                need_lines(pack, m, lang, clause, it, depth + 1, &mut sub);
                if let Some(first) = sub.first_mut() {
                    let trimmed = first.trim_start().to_string();
                    *first = format!("{}- {trimmed}", "  ".repeat(depth + 1));
                }
                out.extend(sub);
            }
        }
    }
}

/// Fills `{name}` placeholders.
pub fn fill(text: &str, values: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn outcome_id(o: Outcome) -> &'static str {
    match o {
        Outcome::NotInForce => "not_in_force",
        Outcome::NotApplicable => "not_applicable",
        Outcome::Met => "met",
        Outcome::MetByException(_) => "met_by_exception",
        Outcome::NotMet => "not_met",
        Outcome::Unknown => "unknown",
        Outcome::Triggered => "triggered",
        Outcome::NotTriggered => "not_triggered",
        Outcome::TriggerUnknown => "trigger_unknown",
    }
}

fn kind_id(k: ClauseKind) -> &'static str {
    match k {
        ClauseKind::Eligibility => "eligibility",
        ClauseKind::Step => "step",
        ClauseKind::Warning => "warning",
    }
}

/// Builds the report of an assessment in one language.
pub fn assessment_report(
    pack: &Pack,
    a: &Assessment,
    m: &Messages,
    lang: Lang,
) -> AssessmentReport {
    let env: Env<'_> = a.env();
    let mut routes = Vec::new();
    for (rank, r) in a.routes.iter().enumerate() {
        let route = &pack.routes[usize::from(r.route)];
        let mut clauses = Vec::new();
        let mut deciding: Vec<u16> = Vec::new();
        let mut conditions = Vec::new();
        let mut to_confirm = Vec::new();
        let mut warnings = Vec::new();
        if route.provenance.is_uncertain()
            && r.verdict != Verdict::DoesNotFit
            && let Some(u) = &route.provenance.uncertainty
        {
            to_confirm.push(ConfirmOut {
                id: route.id.clone(),
                text: u.get(lang).to_string(),
            });
        }
        for cr in a.clauses(r) {
            let c = &route.clauses[usize::from(cr.clause)];
            let vals: Vec<(String, String)> = clause_values(pack, c, &env)
                .into_iter()
                .map(|(k, v, ty)| (k, value(pack, m, lang, v, Some(&ty))))
                .collect();
            let text = fill(c.text.get(lang), &vals);
            let mut what = Vec::new();
            let mut facts_here = Vec::new();
            let mut gaps = Vec::new();
            match cr.outcome {
                Outcome::NotMet | Outcome::Unknown if c.kind != ClauseKind::Warning => {
                    if let Some(t) = clause_needs(pack, c, &env) {
                        need_lines(pack, m, lang, c, &t, 0, &mut what);
                    }
                    if cr.outcome == Outcome::Unknown {
                        clause_deciding_facts(pack, c, &env, &mut facts_here);
                        clause_param_gaps(pack, c, &env, &mut gaps);
                        if r.verdict == Verdict::NeedsInformation {
                            for f in &facts_here {
                                if !deciding.contains(f) {
                                    deciding.push(*f);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            let exception = match cr.outcome {
                Outcome::MetByException(e) => {
                    let ex = &c.exceptions[usize::from(e)];
                    if ex.provenance.is_uncertain()
                        && r.verdict != Verdict::DoesNotFit
                        && let Some(u) = &ex.provenance.uncertainty
                    {
                        to_confirm.push(ConfirmOut {
                            id: ex.id.clone(),
                            text: u.get(lang).to_string(),
                        });
                    }
                    Some(ExceptionOut {
                        id: ex.id.clone(),
                        text: ex.text.get(lang).to_string(),
                        confidence: confidence(&ex.provenance),
                        uncertainty: ex
                            .provenance
                            .uncertainty
                            .as_ref()
                            .map(|u| u.get(lang).to_string()),
                        citations: citations(pack, &ex.provenance, lang),
                    })
                }
                _ => None,
            };
            if c.kind == ClauseKind::Step
                && cr.outcome == Outcome::NotMet
                && r.verdict != Verdict::DoesNotFit
            {
                conditions.push(ConfirmOut {
                    id: c.id.clone(),
                    text: c
                        .fix
                        .as_ref()
                        .map_or_else(|| text.clone(), |f| f.get(lang).to_string()),
                });
            }
            if c.provenance.is_uncertain()
                && r.verdict != Verdict::DoesNotFit
                && matches!(
                    cr.outcome,
                    Outcome::Met | Outcome::Triggered | Outcome::Unknown | Outcome::NotMet
                )
                && let Some(u) = &c.provenance.uncertainty
            {
                to_confirm.push(ConfirmOut {
                    id: c.id.clone(),
                    text: u.get(lang).to_string(),
                });
            }
            if cr.outcome == Outcome::Triggered {
                warnings.push(WarningOut {
                    id: c.id.clone(),
                    text: text.clone(),
                    fix: c.fix.as_ref().map(|f| f.get(lang).to_string()),
                    confidence: confidence(&c.provenance),
                    citations: citations(pack, &c.provenance, lang),
                });
            }
            clauses.push(ClauseOut {
                id: c.id.clone(),
                kind: kind_id(c.kind).into(),
                outcome: outcome_id(cr.outcome).into(),
                outcome_label: m.get(lang, &format!("outcome-{}", outcome_id(cr.outcome))),
                text,
                exception,
                confidence: confidence(&c.provenance),
                uncertainty: c
                    .provenance
                    .uncertainty
                    .as_ref()
                    .map(|u| u.get(lang).to_string()),
                what_would_change: what,
                fix: c.fix.as_ref().map(|f| f.get(lang).to_string()),
                deciding_facts: facts_here
                    .iter()
                    .map(|&f| pack.facts[usize::from(f)].id.clone())
                    .collect(),
                missing_parameters: gaps
                    .iter()
                    .map(|&p| pack.params[usize::from(p)].id.clone())
                    .collect(),
                citations: citations(pack, &c.provenance, lang),
            });
        }
        let kind = match route.kind {
            qonys_law::pack::RouteKind::Temporary => "temporary",
            qonys_law::pack::RouteKind::Permanent => "permanent",
            qonys_law::pack::RouteKind::ShortStay => "short_stay",
        };
        let path = match route.path_to_permanent {
            qonys_law::pack::PathToPermanent::Direct => "direct",
            qonys_law::pack::PathToPermanent::Indirect => "indirect",
            qonys_law::pack::PathToPermanent::No => "no",
        };
        routes.push(RouteOut {
            rank: rank + 1,
            id: route.id.clone(),
            name: route.name.get(lang).to_string(),
            kind: kind.into(),
            verdict: r.verdict.as_str().into(),
            verdict_label: m.get(lang, &format!("verdict-{}", r.verdict.as_str())),
            in_force: r.in_force,
            summary: route.summary.get(lang).to_string(),
            permit: route.permit.get(lang).to_string(),
            path_to_permanent: path.into(),
            clauses,
            deciding_facts: deciding
                .iter()
                .map(|&f| {
                    let fact = &pack.facts[usize::from(f)];
                    FactOut {
                        id: fact.id.clone(),
                        question: fact.question.get(lang).to_string(),
                    }
                })
                .collect(),
            conditions,
            to_confirm,
            warnings,
            citations: citations(pack, &route.provenance, lang),
        });
    }
    let warnings = a
        .warnings
        .iter()
        .map(|&w| {
            let w = &pack.warnings[usize::from(w)];
            WarningOut {
                id: w.id.clone(),
                text: w.text.get(lang).to_string(),
                fix: w.fix.as_ref().map(|f| f.get(lang).to_string()),
                confidence: confidence(&w.provenance),
                citations: citations(pack, &w.provenance, lang),
            }
        })
        .collect();
    let routes_fitting = a
        .routes
        .iter()
        .filter(|r| {
            matches!(r.verdict, Verdict::Fits | Verdict::FitsWithConditions)
                && pack.routes[usize::from(r.route)].kind != qonys_law::pack::RouteKind::ShortStay
        })
        .count();
    AssessmentReport {
        format: REPORT_FORMAT,
        pack: pack.meta.id.clone(),
        pack_version: pack.meta.version.clone(),
        as_of: a.as_of.to_string(),
        language: lang.code().into(),
        disclaimer: pack.meta.disclaimer.get(lang).to_string(),
        routes,
        warnings,
        routes_fitting,
    }
}

fn mark(outcome: &str) -> &'static str {
    match outcome {
        "met" | "met_by_exception" => "✓",
        "not_met" => "✗",
        "unknown" | "trigger_unknown" => "?",
        "triggered" => "!",
        _ => "·",
    }
}

/// The report as readable text: a verdict table, then each route with its reasons.
pub fn render_text(r: &AssessmentReport, m: &Messages, lang: Lang, pack: &Pack) -> String {
    let mut out = String::new();
    let as_of =
        qonys_time::Date::parse(&r.as_of).map_or(r.as_of.clone(), |d| format::date(lang, d));
    out.push_str(&m.fmt(
        lang,
        "heading-assessment",
        &[
            ("date", &as_of),
            ("pack", &r.pack),
            ("version", &r.pack_version),
        ],
    ));
    out.push_str("\n\n");
    let width = r
        .routes
        .iter()
        .map(|x| x.name.chars().count())
        .max()
        .unwrap_or(10)
        .min(48);
    for route in &r.routes {
        let pad = width.saturating_sub(route.name.chars().count());
        out.push_str(&format!(
            "  {:>2}. {}{}  {}\n",
            route.rank,
            route.name,
            " ".repeat(pad),
            route.verdict_label
        ));
    }
    out.push('\n');
    out.push_str(&m.get_args(
        lang,
        "count-routes-fit",
        &[(
            "count",
            fluent_bundle::FluentValue::from(r.routes_fitting as i64),
        )],
    ));
    out.push('\n');
    if !r.warnings.is_empty() {
        out.push_str(&format!("\n{}:\n", m.get(lang, "label-case-warnings")));
        for w in &r.warnings {
            out.push_str(&format!("  ! {}\n", w.text));
            if let Some(f) = &w.fix {
                out.push_str(&format!("    → {f}\n"));
            }
        }
    }
    for route in &r.routes {
        out.push_str(&format!(
            "\n{}\n",
            m.fmt(
                lang,
                "heading-route",
                &[
                    ("rank", &route.rank.to_string()),
                    ("name", &route.name),
                    ("verdict", &route.verdict_label)
                ]
            )
        ));
        out.push_str(&format!("   {}\n", route.summary));
        out.push_str(&format!(
            "   {}: {}\n",
            m.get(lang, "label-permit"),
            route.permit
        ));
        if !route.in_force {
            out.push_str(&format!(
                "   {}\n",
                m.fmt(lang, "label-route-not-in-force", &[("date", &as_of)])
            ));
            continue;
        }
        for c in &route.clauses {
            if matches!(
                c.outcome.as_str(),
                "not_applicable" | "not_in_force" | "not_triggered" | "trigger_unknown"
            ) {
                continue;
            }
            out.push_str(&format!("   {} {}", mark(&c.outcome), c.text));
            out.push_str(&format!(" [{}]", cite_short(c.citations.first(), pack)));
            out.push('\n');
            if let Some(e) = &c.exception {
                out.push_str(&format!(
                    "       {}: {}\n",
                    m.get(lang, "label-exception"),
                    e.text
                ));
            }
            if c.kind == "eligibility" && !c.what_would_change.is_empty() && c.outcome == "not_met"
            {
                out.push_str(&format!(
                    "       {}:\n",
                    m.get(lang, "label-what-would-change")
                ));
                for l in &c.what_would_change {
                    out.push_str(&format!("         {l}\n"));
                }
            }
        }
        if !route.deciding_facts.is_empty() {
            out.push_str(&format!("   {}:\n", m.get(lang, "label-tell-us")));
            for f in &route.deciding_facts {
                out.push_str(&format!("     - {}\n", f.question));
            }
        }
        if !route.conditions.is_empty() {
            out.push_str(&format!("   {}:\n", m.get(lang, "label-to-do")));
            for c in &route.conditions {
                out.push_str(&format!("     - {}\n", c.text));
            }
        }
        if !route.to_confirm.is_empty() {
            out.push_str(&format!("   {}:\n", m.get(lang, "label-to-confirm")));
            for c in &route.to_confirm {
                out.push_str(&format!("     ? {}\n", c.text));
            }
        }
    }
    out.push_str(&format!(
        "\n{}\n{}\n",
        m.get(lang, "footer-uncertain"),
        r.disclaimer
    ));
    out
}

/// An article reference in the user's language: `art. 7` → `ст. 7` / `7-бап`.
pub fn localize_article(article: &str, lang: Lang) -> String {
    let Some(rest) = article.strip_prefix("art. ") else {
        return article.to_string();
    };
    match lang {
        Lang::En => article.to_string(),
        Lang::Ru => format!("ст. {rest}"),
        Lang::Kk => {
            let (num, tail) = rest.split_at(
                rest.find(|c: char| !(c.is_ascii_digit() || c == '-'))
                    .unwrap_or(rest.len()),
            );
            if num.is_empty() {
                article.to_string()
            } else {
                format!("{num}-бап{tail}")
            }
        }
    }
}

fn cite_short(c: Option<&CitationOut>, _pack: &Pack) -> String {
    match c {
        Some(c) => {
            let head = c.act.clone().or_else(|| c.act_reference.clone());
            match (head, &c.article) {
                (Some(h), Some(a)) => format!("{h}, {a}; {}", c.tier),
                (Some(h), None) => format!("{h}; {}", c.tier),
                (None, Some(a)) => format!("{a}; {} {}", c.url, c.tier),
                (None, None) => format!("{} {}", c.url, c.tier),
            }
        }
        None => "—".into(),
    }
}
