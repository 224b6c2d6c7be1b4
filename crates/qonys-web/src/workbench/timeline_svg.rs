//! The case's timeline as a server-rendered inline SVG — status periods as bars, deadlines
//! as marks (overdue in red), today's line, and the path to permanent residence and
//! citizenship ahead — plus the same content as table rows for screen readers and print.
//! Drawn from `qonys-i18n`'s plan report (wording) and the case history (periods); no
//! reasoning here, only geometry.

use qonys_i18n::plan::PlanReport;
use qonys_law::Date;
use qonys_law::case::History;

use crate::lang::Tr;

/// The drawing's width in SVG units.
const W: f64 = 800.0;
/// Left margin (lane labels).
const LEFT: f64 = 110.0;
/// Right margin.
const RIGHT: f64 = 20.0;

/// One row of the text equivalent.
#[derive(Debug, Clone)]
pub struct Row {
    /// The date (or period) in words.
    pub when: String,
    /// What it is.
    pub what: String,
    /// Its state in words.
    pub state: String,
    /// CSS class (`overdue`, `soon`, `later`, `done`, `path`, `status`).
    pub class: &'static str,
    /// Day number of the date, for the order.
    pub at: i32,
}

/// The timeline: the SVG markup and its text equivalent.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// `<svg …>…</svg>`, safe to insert (all text escaped).
    pub svg: String,
    /// The rows of the table.
    pub rows: Vec<Row>,
}

/// Escapes text for SVG/HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn parse(s: &str) -> Option<Date> {
    Date::parse(s).ok()
}

fn state_class(state: &str) -> &'static str {
    match state {
        "overdue" => "overdue",
        "due_soon" => "soon",
        "done" => "done",
        _ => "later",
    }
}

fn color(class: &str) -> &'static str {
    match class {
        "overdue" => "#b42318",
        "soon" => "#9a6700",
        "done" => "#8c959f",
        "path" => "#1a7f37",
        _ => "#0b5cad",
    }
}

/// Draws the timeline of a plan report and a history on `as_of`.
pub fn draw(t: Tr<'_>, report: &PlanReport, history: &History, as_of: Date) -> Timeline {
    let lang = t.lang;
    let date = |d: Date| qonys_i18n::format::date(lang, d);
    let mut rows = Vec::new();
    // The span: from the first thing known (or a year back) to the last (or a year ahead).
    let mut lo = as_of.add_days(-365);
    let mut hi = as_of.add_days(365);
    for s in &history.statuses {
        lo = lo.min(s.valid_from);
        hi = hi.max(s.valid_to.unwrap_or(s.valid_from));
    }
    let items: Vec<(Date, &qonys_i18n::plan::ItemOut)> = report
        .items
        .iter()
        .filter_map(|i| parse(&i.due).map(|d| (d, i)))
        .collect();
    for (d, _) in &items {
        lo = lo.min(*d);
        hi = hi.max(*d);
    }
    let mut steps = Vec::new();
    for p in report.paths.iter().take(1) {
        for s in &p.steps {
            if let Some(d) = s.earliest.as_deref().and_then(parse) {
                steps.push((d, s));
                hi = hi.max(d);
            }
        }
    }
    // Keep the drawing readable: at most twenty years on one line.
    hi = hi.min(lo.add_years(20)).max(as_of.add_days(30));
    let lo = lo.add_days(-30);
    let hi = hi.add_days(60);
    let span = f64::from(lo.days_until(hi).max(1));
    // Anything past the drawn span sits on its edge (the table gives the exact date).
    let x = |d: Date| {
        (LEFT + (W - LEFT - RIGHT) * f64::from(lo.days_until(d)) / span).clamp(LEFT, W - RIGHT)
    };
    let h = 196.0;
    let mut s = String::new();
    let title = t.get("wb-timeline-title");
    s.push_str(&format!(
        r#"<svg class="wb-timeline" id="timeline-svg" viewBox="0 0 {W} {h}" role="img" aria-labelledby="tl-title tl-desc" xmlns="http://www.w3.org/2000/svg"><title id="tl-title">{}</title><desc id="tl-desc">{}</desc>"#,
        esc(&title),
        esc(&t.get("wb-timeline-desc"))
    ));
    // Year ticks.
    let (y0, _, _) = lo.ymd();
    let (y1, _, _) = hi.ymd();
    for y in y0..=y1 {
        if let Some(d) = Date::from_ymd(y, 1, 1).filter(|d| *d >= lo && *d <= hi) {
            let xx = x(d);
            s.push_str(&format!(
                r##"<line x1="{xx:.1}" y1="18" x2="{xx:.1}" y2="{:.1}" stroke="#d0d7de" stroke-width="1"/><text x="{:.1}" y="14" font-size="10" fill="#57606a">{y}</text>"##,
                h - 10.0,
                xx + 2.0
            ));
        }
    }
    // Lanes.
    for (yy, id) in [
        (45.0, "wb-lane-status"),
        (95.0, "wb-lane-deadlines"),
        (145.0, "wb-lane-path"),
    ] {
        s.push_str(&format!(
            r##"<text x="4" y="{yy}" font-size="11" fill="#1b1f23">{}</text>"##,
            esc(&t.get(id))
        ));
    }
    // Status periods as bars.
    for p in &history.statuses {
        let from = p.valid_from.max(lo);
        let to = p.valid_to.unwrap_or(hi).min(hi);
        let name = {
            let mut n = t.get(&format!(
                "plan-status-{}",
                p.kind.as_str().replace('_', "-")
            ));
            if let Some(c) = &p.category {
                n.push(' ');
                n.push_str(c);
            }
            n
        };
        let when = match p.valid_to {
            Some(e) => format!("{} – {}", date(p.valid_from), date(e)),
            None => format!("{} –", date(p.valid_from)),
        };
        let (xa, xb) = (x(from), x(to).max(x(from) + 2.0));
        s.push_str(&format!(
            r##"<g class="wbt-status"><rect x="{xa:.1}" y="32" width="{:.1}" height="20" rx="3" fill="#cfe2ff" stroke="#0b5cad"/><text x="{:.1}" y="46" font-size="10" fill="#1b1f23">{}</text><title>{} {}</title></g>"##,
            xb - xa,
            xa + 3.0,
            esc(&name),
            esc(&name),
            esc(&when)
        ));
        rows.push(Row {
            when,
            what: name,
            state: t.get("wb-tl-status"),
            class: "status",
            at: p.valid_from.day_number(),
        });
    }
    // Deadlines as marks.
    for (d, i) in &items {
        let class = state_class(&i.state);
        let xx = x(*d);
        s.push_str(&format!(
            r#"<g class="wbt-mark {class}"><path d="M{xx:.1} 84 l7 11 l-7 11 l-7 -11 z" fill="{}"/><title>{} — {}</title></g>"#,
            color(class),
            esc(&i.title),
            esc(&i.due_text)
        ));
        rows.push(Row {
            when: i.due_text.clone(),
            what: format!("{} — {}", i.title, i.action),
            state: t.get(&format!("wb-tl-state-{}", i.state.replace('_', "-"))),
            class,
            at: d.day_number(),
        });
    }
    // The path ahead. Labels that would overlap go on the next of two label lines (and are
    // shortened when long); the full name is in the mark's tooltip and the table.
    let mut line_ends = [f64::MIN; 2];
    for (d, st) in &steps {
        let xx = x(*d);
        let short: String = if st.name.chars().count() > 28 {
            st.name
                .chars()
                .take(27)
                .chain(std::iter::once('…'))
                .collect()
        } else {
            st.name.clone()
        };
        let half = 2.9 * short.chars().count() as f64;
        let (lx, anchor) = if xx + half > W - 2.0 {
            (W - 2.0, "end")
        } else if xx - half < 2.0 {
            (2.0, "start")
        } else {
            (xx, "middle")
        };
        let (left, right) = match anchor {
            "end" => (lx - 2.0 * half, lx),
            "start" => (lx, lx + 2.0 * half),
            _ => (lx - half, lx + half),
        };
        let line = line_ends
            .iter()
            .position(|end| left > *end + 4.0)
            .unwrap_or_else(|| usize::from(line_ends[1] < line_ends[0]));
        line_ends[line] = right;
        let ly = 160.0 + 12.0 * line as f64;
        s.push_str(&format!(
            r##"<g class="wbt-path"><circle cx="{xx:.1}" cy="140" r="6" fill="#1a7f37"/><text x="{lx:.1}" y="{ly:.1}" font-size="10" text-anchor="{anchor}" fill="#1a7f37">{}</text><title>{}: {}</title></g>"##,
            esc(&short),
            esc(&st.name),
            esc(&st.text)
        ));
        rows.push(Row {
            when: date(*d),
            what: st.name.clone(),
            state: t.get("wb-tl-path"),
            class: "path",
            at: d.day_number(),
        });
    }
    // Today.
    let xt = x(as_of);
    s.push_str(&format!(
        r##"<g class="wbt-today" id="today-line"><line x1="{xt:.1}" y1="20" x2="{xt:.1}" y2="{:.1}" stroke="#1b1f23" stroke-width="2" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" font-size="10" font-weight="700" fill="#1b1f23">{}</text></g>"##,
        h - 8.0,
        xt + 3.0,
        h - 4.0,
        esc(&t.fmt("wb-today", &[("date", &date(as_of))]))
    ));
    s.push_str("</svg>");
    rows.sort_by_key(|r| r.at);
    Timeline { svg: s, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
