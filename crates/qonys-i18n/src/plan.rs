//! The continuity plan as a report in one language: the timeline of deadlines (overdue, due
//! soon, later, possible now, done), each with how its date was computed ("arrival date
//! 2026-03-20 + 3 working days, skipping the weekend (21–22 Mar) and Nauryz meiramy
//! (23–25 Mar) → 2026-03-30"), the urgent warnings when a ground ended with the routes that
//! now fit, and the paths to permanent residence and citizenship. The same report gives the
//! CLI's JSON, its text and its iCalendar file ([`plan_calendar`]).

use qonys_law::Lang;
use qonys_law::case::{EventKind, History, StatusKind};
use qonys_law::continuity::{Item, ItemState, Plan, StepKind, TriggerRef};
use qonys_law::engine::Verdict;
use qonys_law::pack::deadline::{DeadlineKind, Severity};
use qonys_law::pack::{Confidence, Pack};
use qonys_time::{Alarm, AllDayEvent, Date, Direction, IcsCalendar, SkipReason, Step, Unit};
use serde::Serialize;

use crate::Messages;
use crate::format;
use crate::report::{CitationOut, citations, fill, value};
use qonys_law::engine::explain::clause_values;

/// One deadline or milestone.
#[derive(Debug, Clone, Serialize)]
pub struct ItemOut {
    /// Stable identifier (rule id and trigger date), used as the calendar UID.
    pub uid: String,
    /// The rule's id.
    pub rule: String,
    /// `deadline` or `milestone`.
    pub kind: String,
    /// `overdue`, `due_soon`, `later`, `available`, `done`.
    pub state: String,
    /// `urgent`, `important`, `info`.
    pub severity: String,
    /// Title.
    pub title: String,
    /// What must be done.
    pub action: String,
    /// What triggered it, in words ("arrival").
    pub trigger: String,
    /// The trigger date (ISO).
    pub anchor: String,
    /// The due date (ISO).
    pub due: String,
    /// The due date in words.
    pub due_text: String,
    /// Days from the as-of date to the due date (negative when past).
    pub days_left: i32,
    /// How the date was computed, in words.
    pub how: String,
    /// The structured computation steps (qonys-time), when computed by span.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// `confirmed` or `uncertain`.
    pub confidence: String,
    /// What to confirm, for uncertain rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_confirm: Option<String>,
    /// The rule applies only if a condition the facts do not decide holds.
    pub conditional: bool,
    /// Where the rule was read.
    pub citations: Vec<CitationOut>,
    /// The item is the date a ground ended (shown as an urgent warning, not as a task).
    pub ground_loss: bool,
}

/// A route suggested after a ground ended.
#[derive(Debug, Clone, Serialize)]
pub struct SuggestionOut {
    /// Route id.
    pub route: String,
    /// Route name.
    pub name: String,
    /// Verdict id.
    pub verdict: String,
    /// Verdict in words.
    pub verdict_label: String,
}

/// A ground that ended.
#[derive(Debug, Clone, Serialize)]
pub struct GroundLossOut {
    /// The rule's id.
    pub rule: String,
    /// Route id of the ground.
    pub route: String,
    /// Route name.
    pub route_name: String,
    /// Since when (ISO).
    pub since: String,
    /// Do by (ISO).
    pub due: String,
    /// The warning in words.
    pub warning: String,
    /// What to do.
    pub action: String,
    /// What to confirm, when the rule is uncertain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_confirm: Option<String>,
    /// The routes that fit the facts as they now stand.
    pub suggestions: Vec<SuggestionOut>,
}

/// A step of a path.
#[derive(Debug, Clone, Serialize)]
pub struct StepOut {
    /// `route` or `citizenship`.
    pub kind: String,
    /// Route id or citizenship rule id.
    pub id: String,
    /// Name in words.
    pub name: String,
    /// Earliest date (ISO), when it can be dated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest: Option<String>,
    /// The step in words, with its date.
    pub text: String,
    /// Verdict id on the as-of date (route steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    /// Already held.
    pub held: bool,
    /// What the step still needs, as sentences.
    pub needs: Vec<String>,
    /// Rests on an undecided condition.
    pub conditional: bool,
}

/// A path to permanent residence and citizenship.
#[derive(Debug, Clone, Serialize)]
pub struct PathOut {
    /// The steps.
    pub steps: Vec<StepOut>,
}

/// The plan in one language.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    /// Version of this JSON shape.
    pub format: u32,
    /// Language code.
    pub lang: String,
    /// The as-of date (ISO).
    pub as_of: String,
    /// The current status in words.
    pub current: String,
    /// Deadlines and milestones, by due date.
    pub items: Vec<ItemOut>,
    /// Grounds that ended.
    pub ground_losses: Vec<GroundLossOut>,
    /// Paths to permanent residence and citizenship.
    pub paths: Vec<PathOut>,
    /// Years whose holidays were not loaded (weekends only were skipped).
    pub uncovered_years: Vec<i32>,
    /// Shown with every result.
    pub disclaimer: String,
}

const SHORT_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const SHORT_RU: [&str; 12] = [
    "янв.",
    "февр.",
    "мар.",
    "апр.",
    "мая",
    "июн.",
    "июл.",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
];
const SHORT_KK: [&str; 12] = [
    "қаң.", "ақп.", "нау.", "сәу.", "мам.", "мау.", "шіл.", "там.", "қыр.", "қаз.", "қар.", "жел.",
];

fn short_month(lang: Lang, d: Date) -> &'static str {
    let i = (d.month() as usize).saturating_sub(1).min(11);
    match lang {
        Lang::En => SHORT_EN[i],
        Lang::Ru => SHORT_RU[i],
        Lang::Kk => SHORT_KK[i],
    }
}

/// A short date range: `21–22 Mar`, `31 Mar – 2 Apr`, `23 Mar`.
pub fn short_range(lang: Lang, from: Date, to: Date) -> String {
    if from == to {
        format!("{} {}", from.day(), short_month(lang, from))
    } else if from.month() == to.month() && from.year() == to.year() {
        format!("{}–{} {}", from.day(), to.day(), short_month(lang, to))
    } else {
        format!(
            "{} {} – {} {}",
            from.day(),
            short_month(lang, from),
            to.day(),
            short_month(lang, to)
        )
    }
}

fn status_name(m: &Messages, lang: Lang, k: StatusKind) -> String {
    m.get(
        lang,
        &format!("plan-status-{}", k.as_str().replace('_', "-")),
    )
}

fn event_name(m: &Messages, lang: Lang, k: EventKind) -> String {
    m.get(
        lang,
        &format!("plan-event-{}", k.as_str().replace('_', "-")),
    )
}

fn trigger_text(m: &Messages, lang: Lang, history: &History, t: &TriggerRef) -> String {
    match t {
        TriggerRef::Event { kind, .. } => event_name(m, lang, *kind),
        TriggerRef::StatusStart { kind, index } => {
            let cat = history
                .statuses
                .get(*index)
                .and_then(|s| s.category.clone())
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            m.fmt(
                lang,
                "plan-trigger-status-start",
                &[("status", &format!("{}{cat}", status_name(m, lang, *kind)))],
            )
        }
        TriggerRef::StatusEnd { kind, index } => {
            let cat = history
                .statuses
                .get(*index)
                .and_then(|s| s.category.clone())
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            m.fmt(
                lang,
                "plan-trigger-status-end",
                &[("status", &format!("{}{cat}", status_name(m, lang, *kind)))],
            )
        }
    }
}

fn span_text(m: &Messages, lang: Lang, amount: u32, unit: Unit) -> String {
    let id = match unit {
        Unit::CalendarDays => "plan-span-calendar-days",
        Unit::WorkingDays => "plan-span-working-days",
        Unit::Months => "plan-span-months",
        Unit::Years => "plan-span-years",
    };
    m.get_args(
        lang,
        id,
        &[("count", fluent_bundle::FluentValue::from(i64::from(amount)))],
    )
}

fn skip_text(
    pack: &Pack,
    m: &Messages,
    lang: Lang,
    from: Date,
    to: Date,
    r: &SkipReason,
) -> String {
    let range = short_range(lang, from, to);
    match r {
        SkipReason::Weekend => m.fmt(lang, "plan-skip-weekend", &[("range", &range)]),
        SkipReason::DayOff {
            name_key,
            uncertain,
        } => {
            let name = pack
                .calendar_names
                .get(name_key)
                .map_or_else(|| name_key.clone(), |t| t.get(lang).to_string());
            let mut s = m.fmt(lang, "plan-skip-day", &[("name", &name), ("range", &range)]);
            if *uncertain {
                s.push_str(&format!(" ({})", m.get(lang, "plan-to-confirm-short")));
            }
            s
        }
    }
}

fn join_list(m: &Messages, lang: Lang, parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), m.get(lang, "plan-and")),
    }
}

/// How an item's date was computed, in words.
pub fn how_text(pack: &Pack, m: &Messages, lang: Lang, history: &History, item: &Item) -> String {
    let trigger = trigger_text(m, lang, history, &item.trigger);
    if let Some(s) = &item.stay {
        return m.get_args(
            lang,
            "plan-how-stay",
            &[
                (
                    "entry",
                    s.current_entry.unwrap_or(item.anchor).to_string().into(),
                ),
                ("days", i64::from(s.days_in_window).into()),
                ("left", i64::from(s.days_left_in_window).into()),
                ("stay", i64::from(s.current_stay_days).into()),
                ("due", item.due.to_string().into()),
            ],
        );
    }
    if let Some((used, max)) = item.absence {
        return m.get_args(
            lang,
            "plan-how-absence",
            &[
                ("used", i64::from(used).into()),
                ("max", i64::from(max).into()),
                ("due", item.due.to_string().into()),
            ],
        );
    }
    let Some(c) = &item.computation else {
        return String::new();
    };
    let sign = match c.direction {
        Direction::After => "+",
        Direction::Before => "−",
    };
    let mut skips = Vec::new();
    let mut extra = Vec::new();
    for step in &c.steps {
        match step {
            Step::Skipped { from, to, reason } => {
                skips.push(skip_text(pack, m, lang, *from, *to, reason))
            }
            Step::Rolled { from, to, reason } => {
                let why = skip_text(pack, m, lang, *from, *from, reason);
                extra.push(m.fmt(
                    lang,
                    "plan-how-rolled",
                    &[
                        ("from", &from.to_string()),
                        ("to", &to.to_string()),
                        ("why", &why),
                    ],
                ));
            }
            Step::Moved {
                clamped_to_month_end: true,
                lands_on,
                ..
            } => extra.push(m.fmt(lang, "plan-how-clamped", &[("date", &lands_on.to_string())])),
            Step::CalendarNotCovered(y) => {
                extra.push(m.fmt(lang, "plan-how-uncovered", &[("year", &y.to_string())]))
            }
            _ => {}
        }
    }
    let mut out = format!(
        "{} {} {sign} {}",
        m.fmt(lang, "plan-how-trigger-date", &[("trigger", &trigger)]),
        c.anchor,
        span_text(m, lang, c.span.amount, c.span.unit)
    );
    if c.span.unit == Unit::WorkingDays {
        out.push_str(&format!(" ({})", m.get(lang, "plan-how-not-counted")));
    }
    if !skips.is_empty() {
        out.push_str(&format!(
            ", {}",
            m.fmt(
                lang,
                "plan-how-skipping",
                &[("list", &join_list(m, lang, &skips))]
            )
        ));
    }
    for e in extra {
        out.push_str(&format!(", {e}"));
    }
    out.push_str(&format!(" → {}", c.due));
    out
}

fn state_id(s: ItemState) -> &'static str {
    match s {
        ItemState::Overdue => "overdue",
        ItemState::DueSoon => "due_soon",
        ItemState::Later => "later",
        ItemState::Available => "available",
        ItemState::Done => "done",
    }
}

fn severity_id(s: Severity) -> &'static str {
    match s {
        Severity::Urgent => "urgent",
        Severity::Important => "important",
        Severity::Info => "info",
    }
}

fn verdict_label(m: &Messages, lang: Lang, v: Verdict) -> String {
    m.get(lang, &format!("verdict-{}", v.as_str()))
}

fn clause_text(pack: &Pack, m: &Messages, lang: Lang, plan: &Plan, id: &str) -> String {
    match pack.find_clause(id) {
        Some((r, c, None)) => {
            let clause = &pack.routes[r].clauses[c];
            let env = plan.assessment.env();
            let values: Vec<(String, String)> = clause_values(pack, clause, &env)
                .into_iter()
                .map(|(k, v, ty)| (k, value(pack, m, lang, v, Some(&ty))))
                .collect();
            fill(clause.text.get(lang), &values)
        }
        Some((r, c, Some(e))) => pack.routes[r].clauses[c].exceptions[e]
            .text
            .get(lang)
            .to_string(),
        None => id.to_string(),
    }
}

/// Builds the plan report in `lang`.
pub fn plan_report(
    pack: &Pack,
    history: &History,
    plan: &Plan,
    m: &Messages,
    lang: Lang,
) -> PlanReport {
    let current = match &plan.current {
        Some(s) => {
            let mut name = status_name(m, lang, s.kind);
            if let Some(c) = &s.category {
                name.push_str(&format!(" {c}"));
            }
            let ground = s
                .ground
                .as_deref()
                .and_then(|g| pack.route_idx(g))
                .map(|i| {
                    m.fmt(
                        lang,
                        "plan-current-ground",
                        &[("ground", pack.routes[i].name.get(lang))],
                    )
                })
                .unwrap_or_default();
            let from = format::date(lang, s.valid_from);
            let validity = match s.valid_to {
                Some(d) => m.fmt(
                    lang,
                    "plan-valid",
                    &[("from", &from), ("until", &format::date(lang, d))],
                ),
                None => m.fmt(lang, "plan-valid-open", &[("from", &from)]),
            };
            m.fmt(
                lang,
                "plan-current",
                &[
                    ("status", &name),
                    ("ground", &ground),
                    ("validity", &validity),
                ],
            )
        }
        None => m.get(lang, "plan-no-status"),
    };
    // UIDs stay stable between exports: rule and trigger date, with an ordinal only when the
    // same rule fires twice on one date.
    let mut seen: std::collections::HashMap<(usize, Date), u32> = std::collections::HashMap::new();
    let items = plan
        .items
        .iter()
        .map(|i| {
            let rule = &pack.deadlines[i.rule];
            let n = seen.entry((i.rule, i.anchor)).or_insert(0);
            *n += 1;
            let ordinal = if *n > 1 {
                format!("-{n}")
            } else {
                String::new()
            };
            ItemOut {
                uid: format!("{}.{}{ordinal}@qonys", rule.id, i.anchor),
                rule: rule.id.clone(),
                kind: match rule.kind {
                    DeadlineKind::Deadline => "deadline".into(),
                    DeadlineKind::Milestone => "milestone".into(),
                },
                state: state_id(i.state).into(),
                severity: severity_id(rule.severity).into(),
                title: rule.title.get(lang).to_string(),
                action: rule.action.get(lang).to_string(),
                trigger: trigger_text(m, lang, history, &i.trigger),
                anchor: i.anchor.to_string(),
                due: i.due.to_string(),
                due_text: format::date(lang, i.due),
                days_left: i.days_left,
                how: how_text(pack, m, lang, history, i),
                steps: i
                    .computation
                    .as_ref()
                    .filter(|_| i.stay.is_none() && i.absence.is_none())
                    .map(|c| c.steps.clone())
                    .unwrap_or_default(),
                confidence: match rule.provenance.confidence {
                    Confidence::Confirmed => "confirmed".into(),
                    Confidence::Uncertain => "uncertain".into(),
                },
                to_confirm: rule
                    .provenance
                    .uncertainty
                    .as_ref()
                    .map(|t| t.get(lang).to_string()),
                conditional: i.conditional,
                citations: citations(pack, &rule.provenance, lang),
                ground_loss: plan
                    .ground_losses
                    .iter()
                    .any(|g| g.rule == i.rule && g.since == i.anchor),
            }
        })
        .collect();
    let ground_losses = plan
        .ground_losses
        .iter()
        .map(|g| {
            let rule = &pack.deadlines[g.rule];
            let route = &pack.routes[g.route];
            GroundLossOut {
                rule: rule.id.clone(),
                route: route.id.clone(),
                route_name: route.name.get(lang).to_string(),
                since: g.since.to_string(),
                due: g.due.to_string(),
                warning: m.fmt(
                    lang,
                    "plan-ground-lost",
                    &[
                        ("route", route.name.get(lang)),
                        ("since", &format::date(lang, g.since)),
                        ("due", &format::date(lang, g.due)),
                    ],
                ),
                action: rule.action.get(lang).to_string(),
                to_confirm: rule
                    .provenance
                    .uncertainty
                    .as_ref()
                    .map(|t| t.get(lang).to_string()),
                suggestions: g
                    .suggestions
                    .iter()
                    .map(|s| SuggestionOut {
                        route: pack.routes[s.route].id.clone(),
                        name: pack.routes[s.route].name.get(lang).to_string(),
                        verdict: s.verdict.as_str().into(),
                        verdict_label: verdict_label(m, lang, s.verdict),
                    })
                    .collect(),
            }
        })
        .collect();
    let paths = plan
        .paths
        .iter()
        .map(|p| PathOut {
            steps: p
                .steps
                .iter()
                .map(|s| {
                    let (kind, id, name) = match s.kind {
                        StepKind::Route { route } => (
                            "route",
                            pack.routes[route].id.clone(),
                            pack.routes[route].name.get(lang).to_string(),
                        ),
                        StepKind::Citizenship { rule } => (
                            "citizenship",
                            pack.deadlines[rule].id.clone(),
                            m.get(lang, "plan-step-citizenship"),
                        ),
                    };
                    let text = match (s.held, s.earliest) {
                        (true, Some(d)) => m.fmt(
                            lang,
                            "plan-step-held",
                            &[("name", &name), ("date", &format::date(lang, d))],
                        ),
                        (_, Some(d)) => m.fmt(
                            lang,
                            "plan-step-from",
                            &[("name", &name), ("date", &format::date(lang, d))],
                        ),
                        (_, None) => m.fmt(lang, "plan-step-undated", &[("name", &name)]),
                    };
                    StepOut {
                        kind: kind.into(),
                        id,
                        name,
                        earliest: s.earliest.map(|d| d.to_string()),
                        text,
                        verdict: s.verdict.map(|v| v.as_str().to_string()),
                        held: s.held,
                        needs: s
                            .needs
                            .iter()
                            .map(|n| clause_text(pack, m, lang, plan, n))
                            .collect(),
                        conditional: s.conditional,
                    }
                })
                .collect(),
        })
        .collect();
    PlanReport {
        format: 1,
        lang: lang.code().into(),
        as_of: plan.as_of.to_string(),
        current,
        items,
        ground_losses,
        paths,
        uncovered_years: plan.uncovered_years.clone(),
        disclaimer: pack.meta.disclaimer.get(lang).to_string(),
    }
}

fn days_text(m: &Messages, lang: Lang, days: i32) -> String {
    let (id, n) = if days < 0 {
        ("plan-days-overdue", -days)
    } else if days == 0 {
        return m.get(lang, "plan-today");
    } else {
        ("plan-days-left", days)
    };
    m.get_args(lang, id, &[("count", i64::from(n).into())])
}

/// The report as text.
pub fn render_plan_text(r: &PlanReport, m: &Messages, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&m.fmt(lang, "plan-title", &[("date", &r.as_of)]));
    out.push('\n');
    out.push_str(&r.current);
    out.push_str("\n\n");
    for g in &r.ground_losses {
        out.push_str(&format!("‼ {}\n", g.warning));
        out.push_str(&format!("  {}\n", g.action));
        if let Some(c) = &g.to_confirm {
            out.push_str(&format!(
                "  [{}] {c}\n",
                m.get(lang, "plan-to-confirm-short")
            ));
        }
        if g.suggestions.is_empty() {
            out.push_str(&format!("  {}\n", m.get(lang, "plan-ground-none")));
        } else {
            out.push_str(&format!("  {}\n", m.get(lang, "plan-ground-suggest")));
            for s in &g.suggestions {
                out.push_str(&format!("    • {} — {}\n", s.name, s.verdict_label));
            }
        }
        out.push('\n');
    }
    let sections = [
        ("overdue", "plan-section-overdue"),
        ("due_soon", "plan-section-due-soon"),
        ("later", "plan-section-later"),
        ("available", "plan-section-available"),
        ("done", "plan-section-done"),
    ];
    let mut any = false;
    for (state, id) in sections {
        let items: Vec<&ItemOut> = r
            .items
            .iter()
            .filter(|i| i.state == state && !i.ground_loss)
            .collect();
        if items.is_empty() {
            continue;
        }
        any = true;
        out.push_str(&m.get(lang, id));
        out.push('\n');
        for i in items {
            let when = if state == "done" || state == "available" {
                String::new()
            } else {
                format!(" ({})", days_text(m, lang, i.days_left))
            };
            out.push_str(&format!("  {} — {}{when}\n", i.due_text, i.title));
            if state != "done" {
                out.push_str(&format!("    {}\n", i.action));
            }
            out.push_str(&format!("    {}: {}\n", m.get(lang, "plan-how"), i.how));
            if i.conditional {
                out.push_str(&format!("    {}\n", m.get(lang, "plan-if-applies")));
            }
            if state == "overdue" {
                out.push_str(&format!("    {}\n", m.get(lang, "plan-unless-done")));
            }
            if let Some(c) = &i.to_confirm {
                out.push_str(&format!(
                    "    [{}] {c}\n",
                    m.get(lang, "plan-to-confirm-short")
                ));
            }
        }
        out.push('\n');
    }
    if !any {
        out.push_str(&m.get(lang, "plan-nothing"));
        out.push_str("\n\n");
    }
    if !r.paths.is_empty() {
        out.push_str(&m.get(lang, "plan-paths"));
        out.push('\n');
        for (n, p) in r.paths.iter().enumerate() {
            out.push_str(&format!("  {}. ", n + 1));
            let steps: Vec<String> = p.steps.iter().map(|s| s.text.clone()).collect();
            out.push_str(&steps.join(" → "));
            out.push('\n');
            for s in &p.steps {
                for need in s.needs.iter().take(3) {
                    out.push_str(&format!(
                        "     {} {}: {need}\n",
                        s.name,
                        m.get(lang, "plan-step-needs")
                    ));
                }
                if s.conditional {
                    out.push_str(&format!(
                        "     {}: {}\n",
                        s.name,
                        m.get(lang, "plan-if-applies")
                    ));
                }
            }
        }
        out.push('\n');
    }
    for y in &r.uncovered_years {
        out.push_str(&m.fmt(lang, "plan-uncovered", &[("year", &y.to_string())]));
        out.push('\n');
    }
    out.push_str(&r.disclaimer);
    out.push('\n');
    out
}

/// The report's open deadlines and milestones as calendar events (done items left out),
/// each with a reminder a week before (the day itself when overdue or possible now).
pub fn plan_calendar(r: &PlanReport, m: &Messages, lang: Lang) -> IcsCalendar {
    let events = r
        .items
        .iter()
        .filter(|i| i.state != "done")
        .filter_map(|i| {
            let date = Date::parse(&i.due).ok()?;
            let mut description = format!("{}\n{}: {}", i.action, m.get(lang, "plan-how"), i.how);
            if let Some(c) = &i.to_confirm {
                description.push_str(&format!("\n[{}] {c}", m.get(lang, "plan-to-confirm-short")));
            }
            for c in &i.citations {
                description.push_str(&format!("\n{}", c.url));
            }
            let soon = i.days_left > 7;
            Some(AllDayEvent {
                uid: i.uid.clone(),
                date,
                summary: i.title.clone(),
                description: Some(description),
                categories: vec![i.severity.clone(), i.state.clone()],
                alarm: Some(Alarm {
                    days_before: if soon { 7 } else { 0 },
                    description: i.title.clone(),
                }),
            })
        })
        .collect();
    IcsCalendar {
        prodid: "-//qonys//qonys plan//EN".into(),
        name: Some(m.fmt(lang, "plan-title", &[("date", &r.as_of)])),
        events,
    }
}
