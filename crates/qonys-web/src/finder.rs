//! The public route finder: the core's guided interview ([`qonys_law::interview`]) as web
//! pages, one question per page, then the result.
//!
//! No server session: the answers so far travel in the hidden `answers` field of every form
//! (a JSON list of `[fact id, answer]` pairs in the order given) and are replayed through
//! [`Interview::answer`] on every request, so each is re-checked against the pack. They are
//! only ever sent in POST bodies, never in a URL. `GET /finder` shows the first question and
//! changes nothing; `POST /finder` takes one action:
//!
//! - `next` — read the typed field(s) for `fact` and record the answer (errors are shown next
//!   to the field, with what was typed kept);
//! - `unknown` — "I don't know";
//! - `back` — undo the last answer and ask that question again, with the answer filled in;
//! - `result` — show the result with the answers so far;
//! - a `lang` field — switch language (remembered in a cookie) and show the same step again.
//!
//! "Why are you asking this?" needs no round trip: every question page carries the answer in
//! a `<details>` element.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawForm, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qonys_i18n::report::{
    AssessmentReport, CitationOut, ClauseOut, RouteOut, assessment_report, fill, value,
};
use qonys_law::case::RawValue;
use qonys_law::engine::explain::clause_values;
use qonys_law::interview::{BadAnswer, Interview, Question, read_answer};
use qonys_law::pack::{Fact, FactIdx, FactType, Ty};
use qonys_law::{Date, Lang, Pack};

use crate::AppState;
use crate::consult::ConsultForm;
use crate::lang::{self, Tr};
use crate::pages::{Layout, error_page, field, form_pairs};

/// Why the `answers` field could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the answers field is not readable: {0}")]
pub struct BadState(pub String);

/// Rebuilds the interview from the `answers` field.
pub fn rebuild<'p>(pack: &'p Pack, as_of: Date, state: &str) -> Result<Interview<'p>, BadState> {
    let mut iv = Interview::start(pack, as_of);
    if state.trim().is_empty() {
        return Ok(iv);
    }
    let v: serde_json::Value =
        serde_json::from_str(state).map_err(|e| BadState(format!("not JSON: {e}")))?;
    let items = v
        .as_array()
        .ok_or_else(|| BadState("expected a list".into()))?;
    if items.len() > pack.facts.len() {
        return Err(BadState("more answers than facts".into()));
    }
    for item in items {
        let pair = item
            .as_array()
            .filter(|p| p.len() == 2)
            .ok_or_else(|| BadState("expected [fact, answer] pairs".into()))?;
        let id = pair[0]
            .as_str()
            .ok_or_else(|| BadState("a fact id is not text".into()))?;
        let idx = pack
            .fact_idx(id)
            .ok_or_else(|| BadState(format!("no fact `{id}`")))?;
        let raw = RawValue::from_json(pair[1].clone())
            .map_err(BadState)?
            .ok_or_else(|| BadState(format!("no answer for `{id}`")))?;
        iv.answer(idx, raw)
            .map_err(|e| BadState(format!("{id}: {}", e.message)))?;
    }
    Ok(iv)
}

/// The `answers` field for an interview's answers in force.
pub fn encode(iv: &Interview<'_>) -> String {
    let pack = iv.pack();
    let list: Vec<serde_json::Value> = iv
        .answers()
        .iter()
        .map(|a| {
            serde_json::json!([
                pack.facts
                    .get(usize::from(a.fact))
                    .map_or("", |f| f.id.as_str()),
                a.raw.to_json()
            ])
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// One choice of a radio, checkbox or select field.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// The label shown.
    pub label: String,
    /// Whether it is chosen.
    pub checked: bool,
}

/// The input of a question, by the fact's type.
#[derive(Debug, Clone)]
pub struct Field {
    /// `radio`, `checkbox`, `select`, `date`, `number` or `money`.
    pub kind: &'static str,
    /// Choices (radio, checkbox, select).
    pub choices: Vec<Choice>,
    /// The text in the box (date, number, money).
    pub value: String,
    /// The currency (money).
    pub currency: String,
    /// `min` attribute, or empty.
    pub min: String,
    /// `max` attribute, or empty.
    pub max: String,
    /// `step` attribute (`1` or `any`).
    pub step: String,
    /// The hint under the field.
    pub hint: String,
}

impl Field {
    /// Whether the field is a group of choices (shown in a fieldset with a legend).
    pub fn is_group(&self) -> bool {
        matches!(self.kind, "radio" | "checkbox")
    }
}

fn plain_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// What was answered, as the field's submitted values.
fn submitted_of(raw: &RawValue) -> Vec<String> {
    match raw {
        RawValue::Bool(b) => vec![if *b { "yes" } else { "no" }.to_string()],
        RawValue::Str(s) if s == "unknown" => Vec::new(),
        RawValue::Str(s) => vec![s.clone()],
        RawValue::Num(n) => vec![plain_number(*n)],
        RawValue::Date(d) => vec![d.to_string()],
        RawValue::List(items) => items.iter().flat_map(submitted_of).collect(),
    }
}

pub(crate) fn build_field(pack: &Pack, t: Tr<'_>, fact: &Fact, submitted: &[String]) -> Field {
    let lang = t.lang;
    let first = submitted.first().cloned().unwrap_or_default();
    let mut f = Field {
        kind: "number",
        choices: Vec::new(),
        value: String::new(),
        currency: String::new(),
        min: fact.min.map(plain_number).unwrap_or_default(),
        max: fact.max.map(plain_number).unwrap_or_default(),
        step: "any".into(),
        hint: String::new(),
    };
    match &fact.kind {
        FactType::Bool => {
            f.kind = "radio";
            f.choices = [("yes", "value-yes"), ("no", "value-no")]
                .iter()
                .map(|(v, id)| Choice {
                    value: (*v).into(),
                    label: t.get(id),
                    checked: first == *v,
                })
                .collect();
        }
        FactType::Enum | FactType::Set => {
            f.kind = if fact.kind == FactType::Enum {
                "radio"
            } else {
                "checkbox"
            };
            f.choices = fact
                .options
                .iter()
                .map(|o| Choice {
                    value: o.id.clone(),
                    label: o.label.get(lang).to_string(),
                    checked: submitted.iter().any(|s| s == &o.id),
                })
                .collect();
            if fact.kind == FactType::Set {
                f.hint = t.get("web-hint-choices");
            }
        }
        FactType::Country => {
            f.kind = "select";
            let mut cs: Vec<Choice> = pack
                .countries
                .iter()
                .map(|c| Choice {
                    value: c.code.clone(),
                    label: c.name.get(lang).to_string(),
                    checked: c.code.eq_ignore_ascii_case(&first),
                })
                .collect();
            cs.sort_by_cached_key(|c| c.label.to_lowercase());
            f.choices = cs;
        }
        FactType::Date => {
            f.kind = "date";
            f.value = first;
            f.hint = t.get("web-hint-date");
        }
        FactType::Money(c) => {
            f.kind = "money";
            f.value = first;
            f.currency = c.clone();
            f.hint = t.fmt("interview-hint-money", &[("currency", c)]);
        }
        FactType::Integer | FactType::Number => {
            f.value = first;
            if fact.kind == FactType::Integer {
                f.step = "1".into();
            }
        }
    }
    f
}

/// A question page.
#[derive(Template, WebTemplate)]
#[template(path = "question.html")]
pub struct QuestionPage<'a> {
    page: Layout<'a>,
    answers: String,
    fact_id: String,
    number: usize,
    progress: String,
    progress_max: usize,
    question: String,
    help: String,
    field: Field,
    error: String,
    earlier: String,
    why: Vec<String>,
    can_go_back: bool,
}

/// The result page.
#[derive(Template, WebTemplate)]
#[template(path = "result.html")]
pub struct ResultPage<'a> {
    page: Layout<'a>,
    answers: String,
    can_go_back: bool,
    report: AssessmentReport,
    heading: String,
    fitting: String,
    glance: Vec<GlanceRow>,
    bar: Vec<BarPart>,
    answered: Vec<(String, String, String)>,
    consult: Option<ConsultForm>,
    checklist: Option<qonys_i18n::checklist::ChecklistReport>,
}

impl ResultPage<'_> {
    /// The heading of the best route's checklist.
    pub fn checklist_title(&self, route: &str) -> String {
        self.page.t.fmt("web-checklist-title", &[("route", route)])
    }

    /// A citation as one line: act, article, source tier.
    pub fn cite(&self, c: &CitationOut) -> String {
        let head = c.act.clone().or_else(|| c.act_reference.clone());
        let tier = self.page.t.fmt("web-tier", &[("tier", &c.tier)]);
        match (head, &c.article) {
            (Some(h), Some(a)) => format!("{h}, {a} ({tier})"),
            (Some(h), None) => format!("{h} ({tier})"),
            (None, Some(a)) => format!("{a}, {} ({tier})", c.url),
            (None, None) => format!("{} ({tier})", c.url),
        }
    }

    /// Whether a clause is listed under "Why" (not: not applicable, not in force, and no
    /// warnings — raised warnings have their own list with their fixes).
    pub fn shown(&self, c: &ClauseOut) -> bool {
        !matches!(
            c.outcome.as_str(),
            "not_applicable" | "not_in_force" | "not_triggered" | "trigger_unknown" | "triggered"
        )
    }

    /// The mark before a clause.
    pub fn mark(&self, c: &ClauseOut) -> &'static str {
        match c.outcome.as_str() {
            "met" | "met_by_exception" => "✓",
            "not_met" => "✗",
            "unknown" => "?",
            "triggered" => "!",
            _ => "·",
        }
    }

    /// The verdict bar's text alternative.
    pub fn bar_label(&self) -> String {
        self.bar
            .iter()
            .map(|b| b.label.clone())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One row of the routes-side-by-side view.
#[derive(Debug, Clone)]
pub struct GlanceRow {
    /// Route id (anchor of its section).
    pub id: String,
    /// Route name.
    pub name: String,
    /// Verdict id (CSS class).
    pub verdict: String,
    /// Verdict in words.
    pub verdict_label: String,
    /// Kind in words.
    pub kind: String,
    /// Path to permanent residence in words.
    pub path: String,
    /// What is missing or the next step, at most two lines.
    pub missing: Vec<String>,
    /// "…and N more", or empty.
    pub more: String,
}

/// One part of the verdict bar (an SVG rectangle).
#[derive(Debug, Clone)]
pub struct BarPart {
    /// Verdict id (CSS class).
    pub verdict: String,
    /// Legend text with the count.
    pub label: String,
    /// x in the 0–1000 view box.
    pub x: u32,
    /// Width in the 0–1000 view box.
    pub width: u32,
    /// Number of routes.
    pub count: usize,
}

fn glance_row(t: Tr<'_>, r: &RouteOut) -> GlanceRow {
    let line = |id: &str, text: &str| t.fmt(id, &[("text", text)]);
    let mut items: Vec<String> = match r.verdict.as_str() {
        "fits" => vec![line("web-glance-permit", &r.permit)],
        "fits_with_conditions" => r
            .conditions
            .iter()
            .map(|c| line("web-glance-do", &c.text))
            .collect(),
        "needs_information" => r
            .deciding_facts
            .iter()
            .map(|f| line("web-glance-ask", &f.question))
            .collect(),
        _ => r
            .clauses
            .iter()
            .filter(|c| c.outcome == "not_met" && c.kind != "warning")
            .map(|c| line("web-glance-not-met", &c.text))
            .collect(),
    };
    if !r.in_force {
        items = vec![t.get("web-route-not-in-force")];
    }
    let extra = items.len().saturating_sub(2);
    items.truncate(2);
    GlanceRow {
        id: r.id.clone(),
        name: r.name.clone(),
        verdict: r.verdict.clone(),
        verdict_label: r.verdict_label.clone(),
        kind: t.get(&format!("kind-{}", r.kind)),
        path: t.get(&format!("path-{}", r.path_to_permanent)),
        missing: items,
        more: if extra > 0 {
            t.fmt("web-glance-more", &[("count", &extra.to_string())])
        } else {
            String::new()
        },
    }
}

const VERDICTS: [&str; 4] = [
    "fits",
    "fits_with_conditions",
    "needs_information",
    "does_not_fit",
];

/// The verdict bar counts the residence routes (short stays are not a residence status),
/// like the report's `routes_fitting`.
fn verdict_bar(t: Tr<'_>, report: &AssessmentReport) -> Vec<BarPart> {
    let residence = |r: &&RouteOut| r.kind != "short_stay";
    let total = report.routes.iter().filter(residence).count().max(1);
    let mut x = 0u32;
    let mut out = Vec::new();
    for v in VERDICTS {
        let count = report
            .routes
            .iter()
            .filter(residence)
            .filter(|r| r.verdict == v)
            .count();
        if count == 0 {
            continue;
        }
        let width = (count * 1000 / total) as u32;
        out.push(BarPart {
            verdict: v.into(),
            label: format!("{}: {count}", t.get(&format!("verdict-{v}"))),
            x,
            width,
            count,
        });
        x += width;
    }
    if let Some(last) = out.last_mut() {
        last.width = 1000 - last.x;
    }
    out
}

fn fact_ty(idx: FactIdx, fact: &Fact) -> Ty {
    match &fact.kind {
        FactType::Bool => Ty::Bool,
        FactType::Enum => Ty::Opt(idx),
        FactType::Set => Ty::Set(idx),
        FactType::Integer | FactType::Number => Ty::Num,
        FactType::Money(c) => Ty::Money(c.clone()),
        FactType::Date => Ty::Date,
        FactType::Country => Ty::Country,
    }
}

fn finder_layout<'a>(
    st: &'a AppState,
    lang: Lang,
    title: String,
    hidden: Vec<(String, String)>,
) -> Layout<'a> {
    let mut page = Layout::plain(st, lang, title);
    page.switch_action = "/finder";
    page.switch_hidden = hidden;
    page
}

/// The question page for the interview's next question, or the result when nothing is left.
fn next_step(
    st: &AppState,
    lang: Lang,
    iv: &mut Interview<'_>,
    submitted: Option<Vec<String>>,
    error: Option<String>,
) -> Response {
    match iv.next_question() {
        Some(q) => question_page(st, lang, iv, &q, submitted, error),
        None => result_page(st, lang, iv),
    }
}

/// Asks about `fact` (again): the interview's next question when it is that fact, else the
/// question built for it — to change an earlier answer from the result page, or to show an
/// error next to a changed answer. The earlier answer is offered as the default.
fn ask_again(
    st: &AppState,
    lang: Lang,
    iv: &mut Interview<'_>,
    fact: FactIdx,
    submitted: Option<Vec<String>>,
    error: Option<String>,
) -> Response {
    let q = match iv.next_question() {
        Some(q) if q.fact == fact => q,
        next => {
            let position = iv.answers().iter().position(|a| a.fact == fact);
            Question {
                fact,
                number: position.map_or(iv.answers().len() + 1, |p| p + 1),
                remaining: next.map_or(1, |n| n.remaining),
                routes: 0,
                earlier: position.map(|p| iv.answers()[p].raw.clone()),
            }
        }
    };
    question_page(st, lang, iv, &q, submitted, error)
}

fn question_page(
    st: &AppState,
    lang: Lang,
    iv: &mut Interview<'_>,
    q: &Question,
    submitted: Option<Vec<String>>,
    error: Option<String>,
) -> Response {
    let pack = st.pack();
    let t = Tr {
        m: st.messages(),
        lang,
    };
    let Some(fact) = pack.facts.get(usize::from(q.fact)) else {
        return error_page(
            st,
            lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            "web-error-title",
            "web-error-text",
        );
    };
    let submitted =
        submitted.unwrap_or_else(|| q.earlier.as_ref().map(submitted_of).unwrap_or_default());
    let field = build_field(pack, t, fact, &submitted);
    let assessment = iv.result();
    let env = assessment.env();
    let mut why = Vec::new();
    for (ri, ci) in iv.why(q.fact) {
        let Some(route) = pack.routes.get(usize::from(ri)) else {
            continue;
        };
        let Some(clause) = route.clauses.get(usize::from(ci)) else {
            continue;
        };
        let vals: Vec<(String, String)> = clause_values(pack, clause, &env)
            .into_iter()
            .map(|(k, v, ty)| (k, value(pack, st.messages(), lang, v, Some(&ty))))
            .collect();
        let text = fill(clause.text.get(lang), &vals);
        why.push(t.fmt(
            "interview-why-line",
            &[("route", route.name.get(lang)), ("clause", &text)],
        ));
    }
    let earlier = q
        .earlier
        .as_ref()
        .and_then(|raw| {
            qonys_law::case::parse_answer(pack, fact, raw)
                .ok()
                .map(|v| value(pack, st.messages(), lang, v, Some(&fact_ty(q.fact, fact))))
        })
        .map(|v| t.fmt("interview-earlier", &[("value", &v)]))
        .unwrap_or_default();
    let answers = encode(iv);
    let hidden = vec![
        ("answers".to_string(), answers.clone()),
        ("view".to_string(), "question".to_string()),
    ];
    let page = QuestionPage {
        page: finder_layout(st, lang, fact.question.get(lang).to_string(), hidden),
        answers,
        fact_id: fact.id.clone(),
        number: q.number,
        progress: t.fmt(
            "interview-progress",
            &[
                ("number", &q.number.to_string()),
                ("remaining", &q.remaining.to_string()),
            ],
        ),
        progress_max: q.number + q.remaining.saturating_sub(1),
        question: fact.question.get(lang).to_string(),
        help: fact
            .help
            .as_ref()
            .map(|h| h.get(lang).to_string())
            .unwrap_or_default(),
        field,
        error: error.unwrap_or_default(),
        earlier,
        why,
        can_go_back: !iv.answers().is_empty(),
    };
    page.into_response()
}

/// The result page for the answers in force.
fn result_page(st: &AppState, lang: Lang, iv: &Interview<'_>) -> Response {
    let consult = st.store().map(|_| ConsultForm::fresh(lang));
    result_page_with(st, lang, iv, consult)
}

/// The result page, with the consultation form in the state given (`None`: no form).
pub(crate) fn result_page_with(
    st: &AppState,
    lang: Lang,
    iv: &Interview<'_>,
    consult: Option<ConsultForm>,
) -> Response {
    let pack = st.pack();
    let m = st.messages();
    let t = Tr { m, lang };
    let a = iv.result();
    let report = assessment_report(pack, &a, m, lang);
    let as_of = Date::parse(&report.as_of)
        .map_or(report.as_of.clone(), |d| qonys_i18n::format::date(lang, d));
    let heading = m.fmt(
        lang,
        "heading-assessment",
        &[
            ("date", &as_of),
            ("pack", &report.pack),
            ("version", &report.pack_version),
        ],
    );
    let fitting = m.get_args(
        lang,
        "count-routes-fit",
        &[("count", fluent_bundle_value(report.routes_fitting))],
    );
    let fitting = capitalize(&fitting);
    let answered = iv
        .answers()
        .iter()
        .filter_map(|ans| {
            let f = pack.facts.get(usize::from(ans.fact))?;
            Some((
                f.label.get(lang).to_string(),
                value(pack, m, lang, ans.value, Some(&fact_ty(ans.fact, f))),
                f.id.clone(),
            ))
        })
        .collect();
    let checklist = best_route_checklist(pack, m, lang, iv, &report);
    let answers = encode(iv);
    let hidden = vec![
        ("answers".to_string(), answers.clone()),
        ("view".to_string(), "result".to_string()),
    ];
    let page = ResultPage {
        page: finder_layout(st, lang, t.get("web-result-title"), hidden),
        answers,
        can_go_back: !iv.answers().is_empty(),
        glance: report.routes.iter().map(|r| glance_row(t, r)).collect(),
        bar: verdict_bar(t, &report),
        heading,
        fitting,
        answered,
        report,
        consult,
        checklist,
    };
    page.into_response()
}

/// The document checklist of the best route of a result: the first route (in the report's
/// order) that fits, else the first that fits with conditions; `None` when none does. The
/// filing date is the as-of date of the assessment.
fn best_route_checklist(
    pack: &Pack,
    m: &qonys_i18n::Messages,
    lang: Lang,
    iv: &Interview<'_>,
    report: &AssessmentReport,
) -> Option<qonys_i18n::checklist::ChecklistReport> {
    let best = ["fits", "fits_with_conditions"]
        .iter()
        .find_map(|v| report.routes.iter().find(|r| r.verdict == *v && r.in_force))?;
    let route = pack.route_idx(&best.id)?;
    let list = qonys_law::documents::checklist::checklist(pack, iv.facts(), &[], route, iv.as_of());
    Some(qonys_i18n::checklist::checklist_report(
        pack, &list, m, lang,
    ))
}

/// The text with its first letter in upper case (a message used mid-sentence elsewhere).
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn fluent_bundle_value(n: usize) -> fluent_bundle::FluentValue<'static> {
    fluent_bundle::FluentValue::from(n as i64)
}

/// `GET /finder`: the first question (nothing is recorded).
pub async fn first_question(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang::from_headers(&headers);
    let pack = st.pack();
    let mut iv = Interview::start(pack, st.as_of());
    next_step(&st, lang, &mut iv, None, None)
}

/// The error message for a refused answer, in the page's language.
pub(crate) fn bad_answer_text(t: Tr<'_>, field: &Field, e: &BadAnswer) -> String {
    if *e == BadAnswer::Empty {
        return t.get(if field.kind == "radio" || field.kind == "select" {
            "web-error-choose"
        } else {
            "web-error-empty"
        });
    }
    let args = e.args();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    t.fmt(e.message_id(), &args)
}

/// `POST /finder`: one step of the finder (see the module documentation).
pub async fn step(
    State(st): State<AppState>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = form_pairs(&body);
    let mut lang = lang::from_headers(&headers);
    let switched = field(&form, "lang").and_then(lang::parse);
    if let Some(l) = switched {
        lang = l;
    }
    let pack = st.pack();
    let state = field(&form, "answers").unwrap_or("");
    let mut iv = match rebuild(pack, st.as_of(), state) {
        Ok(iv) => iv,
        Err(_) => {
            return error_page(
                &st,
                lang,
                StatusCode::BAD_REQUEST,
                "web-bad-state-title",
                "web-bad-state-text",
            );
        }
    };
    let response = if switched.is_some() {
        if field(&form, "view") == Some("result") {
            result_page(&st, lang, &iv)
        } else {
            next_step(&st, lang, &mut iv, None, None)
        }
    } else {
        match field(&form, "action").unwrap_or("next") {
            "back" => {
                let last = iv.answers().last().cloned();
                iv.back();
                let submitted = last.map(|a| submitted_of(&a.raw));
                next_step(&st, lang, &mut iv, submitted, None)
            }
            "result" => result_page(&st, lang, &iv),
            "change" => match field(&form, "fact").and_then(|id| pack.fact_idx(id)) {
                Some(idx) => ask_again(&st, lang, &mut iv, idx, None, None),
                None => next_step(&st, lang, &mut iv, None, None),
            },
            "unknown" => match field(&form, "fact").and_then(|id| pack.fact_idx(id)) {
                Some(idx) => {
                    let _ = iv.answer(idx, RawValue::Str("unknown".into()));
                    next_step(&st, lang, &mut iv, None, None)
                }
                None => next_step(&st, lang, &mut iv, None, None),
            },
            _ => answer_step(&st, lang, &mut iv, &form),
        }
    };
    match switched {
        Some(l) => {
            let mut r = response;
            if let Ok(v) = lang::cookie(l).parse() {
                r.headers_mut().insert(SET_COOKIE, v);
            }
            r
        }
        None => response,
    }
}

/// Reads and records the answer to the posted `fact`, or shows the question again with the
/// error next to the field.
fn answer_step(
    st: &AppState,
    lang: Lang,
    iv: &mut Interview<'_>,
    form: &[(String, String)],
) -> Response {
    let pack = st.pack();
    let Some(idx) = field(form, "fact").and_then(|id| pack.fact_idx(id)) else {
        return next_step(st, lang, iv, None, None);
    };
    let fact = &pack.facts[usize::from(idx)];
    let values: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "value")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    let text = match fact.kind {
        FactType::Set if values.is_empty() => "-".to_string(),
        FactType::Set => values.join(","),
        _ => values.first().cloned().unwrap_or_default(),
    };
    let t = Tr {
        m: st.messages(),
        lang,
    };
    let outcome = read_answer(pack, fact, &text)
        .and_then(|raw| iv.answer(idx, raw).map_err(|e| BadAnswer::Other(e.message)));
    match outcome {
        Ok(()) => next_step(st, lang, iv, None, None),
        Err(e) => {
            let field = build_field(pack, t, fact, &values);
            let msg = bad_answer_text(t, &field, &e);
            // Ask the same question again, with what was typed.
            ask_again(st, lang, iv, idx, Some(values), Some(msg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_refuses_garbage() {
        let pack = qonys_law::bundled::load().expect("bundled pack");
        let as_of = Date::from_ymd(2026, 6, 1).expect("date");
        let mut iv = Interview::start(&pack, as_of);
        let goal = pack.fact_idx("stay_goal").expect("stay_goal");
        iv.answer(goal, RawValue::Str("temporary".into()))
            .expect("answer");
        let text = encode(&iv);
        let again = rebuild(&pack, as_of, &text).expect("rebuild");
        assert_eq!(again.answers(), iv.answers());
        for bad in [
            "{",
            "{}",
            "[1]",
            "[[\"nope\", 1]]",
            "[[\"stay_goal\", \"martian\"]]",
        ] {
            assert!(rebuild(&pack, as_of, bad).is_err(), "{bad}");
        }
    }
}
