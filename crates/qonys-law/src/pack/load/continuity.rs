//! Loading the continuity data of a pack: `data/calendar.toml` into a
//! [`WorkCalendar`] with the day names kept for explanations, and `deadlines.toml` into
//! [`DeadlineRule`]s (triggers, spans, conditions compiled by the pack's compiler, ground
//! losses checked against the facts). Problems are reported like every other load error,
//! with file, line and column.

use std::collections::{BTreeMap, HashMap, HashSet};

use qonys_time::{CalendarEntry, CalendarError, DayKind, Direction, Roll, Unit, WorkCalendar};
use toml::Spanned;

use super::super::compile::Arena;
use super::super::deadline::*;
use super::super::model::*;
use super::super::source::*;
use super::{Files, period, provenance, text_of, valid_id};
use crate::case::{EventKind, RawValue, StatusKind, bind_table};

const CALENDAR: &str = "data/calendar.toml";
const DEADLINES: &str = "deadlines.toml";

/// A name key from a day's English name: `calendar.nauryz_meiramy`.
fn name_key(en: &str) -> String {
    let mut key = String::from("calendar.");
    let mut last_us = true;
    for c in en.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
            last_us = false;
        } else if !last_us {
            key.push('_');
            last_us = true;
        }
    }
    while key.ends_with('_') {
        key.pop();
    }
    key
}

/// Loads `data/calendar.toml`; without it, a weekends-only calendar.
pub(super) fn load_calendar(
    fs: &mut Files<'_>,
    acts: &HashMap<String, u16>,
) -> (WorkCalendar, CalendarNames) {
    let mut names = CalendarNames::new();
    if !fs.files.iter().any(|(p, _)| p == CALENDAR) {
        return (WorkCalendar::weekends_only(), names);
    }
    let Some(cf) = fs.parse::<CalendarFile>(CALENDAR) else {
        return (WorkCalendar::weekends_only(), names);
    };
    let f = CALENDAR;
    for w in &cf.weekend {
        if w != "saturday" && w != "sunday" {
            fs.error(
                f,
                0,
                format!("weekend day `{w}`: only the Saturday–Sunday weekend is modelled"),
            );
        }
    }
    let by_date: HashMap<qonys_time::Date, &CalendarDaySrc> =
        cf.day.iter().map(|d| (d.date.get_ref().0, d)).collect();
    let mut entries = Vec::with_capacity(cf.day.len());
    let mut at_of: HashMap<qonys_time::Date, usize> = HashMap::new();
    for d in &cf.day {
        let at = d.date.span().start;
        let date = d.date.get_ref().0;
        at_of.entry(date).or_insert(at);
        let what = format!("calendar day {date}");
        let name = text_of(fs, f, at, &format!("{what} name"), &d.name);
        provenance(
            fs,
            acts,
            f,
            at,
            &what,
            &d.cite,
            d.confidence,
            &d.uncertainty,
            d.reviewed.unwrap_or(cf.reviewed),
        );
        let kind = match d.kind {
            DayKindSrc::Holiday => DayKind::Holiday,
            DayKindSrc::DayOff => DayKind::DayOff,
            DayKindSrc::Substitute => DayKind::Substitute,
            DayKindSrc::Transfer => DayKind::Transfer,
            DayKindSrc::WorkingWeekend => DayKind::WorkingWeekend,
            DayKindSrc::Cancelled => DayKind::Cancelled,
        };
        let key = match (d.kind, d.substitute_for) {
            (DayKindSrc::Substitute, Some(h)) => match by_date.get(&h.0) {
                Some(hd) if hd.kind == DayKindSrc::Holiday => {
                    name_key(hd.name.get("en").map_or("", String::as_str))
                }
                _ => {
                    fs.error(
                        f,
                        at,
                        format!(
                            "{what}: `substitute_for = {}` names no holiday row of this file",
                            h.0
                        ),
                    );
                    continue;
                }
            },
            (DayKindSrc::Substitute, None) => {
                fs.error(
                    f,
                    at,
                    format!("{what} is a substitute day: say which holiday it replaces (`substitute_for = YYYY-MM-DD`)"),
                );
                continue;
            }
            (_, Some(_)) => {
                fs.error(
                    f,
                    at,
                    format!("{what}: only a substitute day has `substitute_for`"),
                );
                continue;
            }
            (_, None) => name_key(d.name.get("en").map_or("", String::as_str)),
        };
        if d.kind != DayKindSrc::Substitute {
            names.entry(key.clone()).or_insert(name);
        }
        let mut e = CalendarEntry::new(date, kind, key);
        if d.confidence == Confidence::Uncertain {
            e = e.uncertain();
        }
        entries.push(e);
    }
    match WorkCalendar::new(cf.covers.iter().copied(), entries) {
        Ok(c) => (c, names),
        Err(e) => {
            let date = match &e {
                CalendarError::DuplicateDate(d) => *d,
                CalendarError::OutsideCoveredYears { date, .. } => *date,
                CalendarError::WrongWeekday { date, .. } => *date,
            };
            let at = match &e {
                // The second row of a duplicate is the one to point at.
                CalendarError::DuplicateDate(d) => cf
                    .day
                    .iter()
                    .filter(|x| x.date.get_ref().0 == *d)
                    .nth(1)
                    .map_or(0, |x| x.date.span().start),
                _ => at_of.get(&date).copied().unwrap_or(0),
            };
            let hint = match &e {
                CalendarError::OutsideCoveredYears { year, .. } => {
                    format!(" (add {year} to `covers`)")
                }
                _ => String::new(),
            };
            fs.error(f, at, format!("{e}{hint}"));
            (WorkCalendar::weekends_only(), names)
        }
    }
}

type CompileFn<'c, 'a> =
    dyn Fn(&mut Files<'a>, &mut Arena, &str, &Spanned<String>, bool) -> Option<(NodeIdx, Ty)> + 'c;

fn status_kind(fs: &mut Files<'_>, at: usize, what: &str, s: &str) -> Option<Option<StatusKind>> {
    if s == "any" {
        return Some(None);
    }
    match StatusKind::parse(s) {
        Some(k) => Some(Some(k)),
        None => {
            fs.error(
                DEADLINES,
                at,
                format!(
                    "{what}: `{s}` is not a status kind; expected any, {}",
                    StatusKind::ALL.map(StatusKind::as_str).join(", ")
                ),
            );
            None
        }
    }
}

fn event_kind(fs: &mut Files<'_>, at: usize, what: &str, s: &str) -> Option<EventKind> {
    let k = EventKind::parse(s);
    if k.is_none() {
        let hint = super::closest(s, EventKind::ALL.iter().map(|k| k.as_str()))
            .map(|c| format!(" — did you mean `{c}`?"))
            .unwrap_or_default();
        fs.error(
            DEADLINES,
            at,
            format!("{what}: `{s}` is not an event kind{hint}"),
        );
    }
    k
}

fn param_index(
    fs: &mut Files<'_>,
    params: &[Param],
    at: usize,
    what: &str,
    id: &str,
    units: &[&str],
) -> Option<u16> {
    match params.iter().position(|p| p.id == id) {
        Some(i) if units.contains(&params[i].unit) => Some(i as u16),
        Some(i) => {
            fs.error(
                DEADLINES,
                at,
                format!(
                    "{what}: parameter `{id}` is in {}, expected {}",
                    params[i].unit,
                    units.join(" or ")
                ),
            );
            None
        }
        None => {
            let hint = super::closest(id, params.iter().map(|p| p.id.as_str()))
                .map(|c| format!(" — did you mean `{c}`?"))
                .unwrap_or_default();
            fs.error(
                DEADLINES,
                at,
                format!("{what}: no parameter `{id}` in parameters.toml{hint}"),
            );
            None
        }
    }
}

/// Loads `deadlines.toml` (optional). `route_ids` are the pack's routes, in order.
pub(super) fn load_deadlines<'a>(
    fs: &mut Files<'a>,
    acts: &HashMap<String, u16>,
    params: &[Param],
    route_ids: &[String],
    arena: &mut Arena,
    compile: &CompileFn<'_, 'a>,
    all_ids: &mut HashSet<String>,
) -> Vec<DeadlineRule> {
    let mut out = Vec::new();
    if !fs.files.iter().any(|(p, _)| p == DEADLINES) {
        return out;
    }
    let Some(df) = fs.parse::<DeadlinesFile>(DEADLINES) else {
        return out;
    };
    let f = DEADLINES;
    for d in &df.deadline {
        let at = d.id.span().start;
        let id = d.id.get_ref().clone();
        let what = format!("deadline `{id}`");
        if !valid_id(&id, true) {
            fs.error(
                f,
                at,
                format!("deadline id `{id}` must be snake_case (dots allowed)"),
            );
        }
        if !all_ids.insert(id.clone()) {
            fs.error(
                f,
                at,
                format!("deadline id `{id}` is used twice in the pack"),
            );
        }
        let title = text_of(fs, f, at, &format!("{what} title"), &d.title);
        let action = text_of(fs, f, at, &format!("{what} action"), &d.action);
        let prov = provenance(
            fs,
            acts,
            f,
            at,
            &what,
            &d.cite,
            d.confidence,
            &d.uncertainty,
            d.reviewed,
        );
        let effective = period(fs, f, at, &what, &d.effective);
        let t = &d.trigger;
        let trigger = match (&t.event, &t.status_start, &t.status_end) {
            (Some(e), None, None) => event_kind(fs, at, &what, e).map(Trigger::Event),
            (None, Some(s), None) => status_kind(fs, at, &what, s).map(Trigger::StatusStart),
            (None, None, Some(s)) => status_kind(fs, at, &what, s).map(Trigger::StatusEnd),
            _ => {
                fs.error(
                    f,
                    at,
                    format!("{what}: the trigger needs exactly one of `event`, `status_start`, `status_end`"),
                );
                None
            }
        };
        if let Some(g) = &t.ground {
            if t.event.is_some() {
                fs.error(
                    f,
                    at,
                    format!("{what}: `ground` filters status triggers only"),
                );
            }
            if !route_ids.iter().any(|r| r == g) {
                fs.error(
                    f,
                    at,
                    format!("{what}: trigger ground `{g}` is not a route of the pack"),
                );
            }
        }
        let amount = |fs: &mut Files<'a>, span: &SpanSrc| -> Option<Amount> {
            let units: &[&str] = match span.unit {
                SpanUnitSrc::CalendarDays | SpanUnitSrc::WorkingDays => &["days"],
                SpanUnitSrc::Months => &["months"],
                SpanUnitSrc::Years => &["years"],
            };
            match (span.amount, &span.param) {
                (Some(n), None) => Some(Amount::Literal(n)),
                (None, Some(p)) => param_index(fs, params, at, &what, p, units).map(Amount::Param),
                _ => {
                    fs.error(
                        f,
                        at,
                        format!("{what}: the span needs exactly one of `amount` and `param`"),
                    );
                    None
                }
            }
        };
        let method = match d.method {
            DeadlineMethodSrc::Span => match &d.span {
                Some(s) => amount(fs, s).map(|a| Method::Span {
                    amount: a,
                    unit: match s.unit {
                        SpanUnitSrc::CalendarDays => Unit::CalendarDays,
                        SpanUnitSrc::WorkingDays => Unit::WorkingDays,
                        SpanUnitSrc::Months => Unit::Months,
                        SpanUnitSrc::Years => Unit::Years,
                    },
                }),
                None => {
                    fs.error(
                        f,
                        at,
                        format!("{what} needs `span = {{ param = …, unit = … }}`"),
                    );
                    None
                }
            },
            DeadlineMethodSrc::AbsenceLimit => match &d.span {
                Some(s) if s.unit == SpanUnitSrc::CalendarDays => {
                    amount(fs, s).map(|a| Method::AbsenceLimit { max_days: a })
                }
                _ => {
                    fs.error(
                        f,
                        at,
                        format!("{what}: an absence limit needs `span = {{ param = …, unit = \"calendar_days\" }}`"),
                    );
                    None
                }
            },
            DeadlineMethodSrc::StayLimit => match &d.stay {
                Some(s) => {
                    let per_stay = s
                        .per_stay
                        .as_ref()
                        .map(|p| param_index(fs, params, at, &what, p, &["days"]));
                    let max = param_index(fs, params, at, &what, &s.max_days, &["days"]);
                    let win = param_index(fs, params, at, &what, &s.window_days, &["days"]);
                    match (per_stay, max, win) {
                        (Some(None), _, _) => None,
                        (p, Some(max_days), Some(window_days)) => Some(Method::StayLimit {
                            per_stay: p.flatten(),
                            max_days,
                            window_days,
                        }),
                        _ => None,
                    }
                }
                None => {
                    fs.error(f, at, format!("{what}: a stay limit needs `stay = {{ max_days = …, window_days = … }}`"));
                    None
                }
            },
        };
        if d.method == DeadlineMethodSrc::StayLimit
            && trigger.is_some_and(|t| t != Trigger::Event(EventKind::Arrival))
        {
            fs.error(
                f,
                at,
                format!("{what}: a stay limit is triggered by `event = \"arrival\"`"),
            );
        }
        if d.method != DeadlineMethodSrc::StayLimit && d.stay.is_some() {
            fs.error(
                f,
                at,
                format!("{what}: `stay` is only for `method = \"stay_limit\"`"),
            );
        }
        let when = d
            .when
            .as_ref()
            .and_then(|s| compile(fs, arena, f, s, true))
            .map(|(n, _)| n);
        let done_when = d
            .done_when
            .as_ref()
            .and_then(|s| compile(fs, arena, f, s, true))
            .map(|(n, _)| n);
        let mut done_by = Vec::new();
        for e in &d.done_by {
            if let Some(k) = event_kind(fs, at, &format!("{what} done_by"), e) {
                done_by.push(k);
            }
        }
        let mut unless_status = Vec::new();
        for s in &d.unless_status {
            if let Some(Some(k)) = status_kind(fs, at, &format!("{what} unless_status"), s) {
                unless_status.push(k);
            }
        }
        let ends_ground = match &d.ends_ground {
            Some(g) => match route_ids.iter().position(|r| r == &g.route) {
                Some(route) => {
                    let mut sets = BTreeMap::new();
                    for (k, v) in &g.sets {
                        match RawValue::from_toml(v.clone()) {
                            Ok(r) => {
                                sets.insert(k.clone(), r);
                            }
                            Err(m) => fs.error(f, at, format!("{what} ends_ground.sets.{k}: {m}")),
                        }
                    }
                    if g.on == GroundLossOn::Missed && d.kind == DeadlineKind::Milestone {
                        fs.error(f, at, format!("{what}: a milestone cannot be missed"));
                    }
                    Some(GroundLoss {
                        route,
                        on: g.on,
                        sets,
                    })
                }
                None => {
                    fs.error(
                        f,
                        at,
                        format!(
                            "{what}: ends_ground names route `{}`, which the pack does not have",
                            g.route
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        let direction = match d.direction {
            Some(DirectionSrc::Before) => Direction::Before,
            _ => Direction::After,
        };
        let roll = match d.roll {
            Some(RollSrc::NextWorkingDay) => Roll::NextWorkingDay,
            Some(RollSrc::PreviousWorkingDay) => Roll::PreviousWorkingDay,
            _ => Roll::None,
        };
        if let (Some(trigger), Some(method)) = (trigger, method) {
            out.push(DeadlineRule {
                loc: fs.loc(f, at),
                id,
                kind: d.kind,
                trigger_ground: t.ground.clone(),
                title,
                action,
                trigger,
                method,
                direction,
                roll,
                when,
                done_by,
                unless_status,
                done_when,
                ends_ground,
                severity: d.severity,
                effective,
                provenance: prov,
            });
        }
    }
    out
}

/// Checks every ground loss's `sets` against the compiled pack's facts.
pub(super) fn check_ground_facts(fs: &mut Files<'_>, pack: &Pack) {
    for d in &pack.deadlines {
        let Some(g) = &d.ends_ground else { continue };
        if let Err(e) = bind_table(pack, &g.sets, "ends_ground.sets") {
            let offset = line_offset(fs.text(&d.loc.file), d.loc.line);
            fs.error(&d.loc.file, offset, format!("deadline `{}`: {e}", d.id));
        }
    }
}

fn line_offset(text: &str, line: u32) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum()
}
