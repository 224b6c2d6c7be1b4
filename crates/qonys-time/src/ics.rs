//! An iCalendar (RFC 5545) writer for all-day events, so that deadlines can be imported into
//! common calendar apps (`qonys plan --format ics`).
//!
//! The output is one `VCALENDAR` (`PRODID`, `VERSION:2.0`, `CALSCALE:GREGORIAN`,
//! `METHOD:PUBLISH`, optional `X-WR-CALNAME`) holding one `VEVENT` per [`AllDayEvent`]: `UID`,
//! `DTSTAMP`, `DTSTART;VALUE=DATE`, `DTEND;VALUE=DATE` (the next day — the end is exclusive),
//! `SUMMARY`, optional `DESCRIPTION`, optional `CATEGORIES`, `TRANSP:TRANSPARENT` (a deadline
//! does not make the person busy) and an optional `VALARM` (`ACTION:DISPLAY`).
//!
//! RFC 5545 details handled here:
//!
//! - text values escape `\` `;` `,` and line breaks (`\n`, `\r\n` and a lone `\r` all become
//!   `\n`); other control characters, which TEXT may not contain, are dropped;
//! - content lines longer than 75 octets are folded (CRLF followed by one space), never inside
//!   a UTF-8 character — Cyrillic and Kazakh letters take two octets each;
//! - every line ends with CRLF.
//!
//! No clock: the `DTSTAMP` value is given by the caller ([`UtcTimestamp`]).

use std::collections::BTreeSet;
use std::fmt;

use crate::Date;

/// A UTC date and time of day, for `DTSTAMP` (`YYYYMMDDTHHMMSSZ`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTimestamp {
    date: Date,
    hour: u8,
    minute: u8,
    second: u8,
}

impl UtcTimestamp {
    /// The instant `hour:minute:second` UTC on `date`; `None` if a part is out of range (a leap
    /// second, 60, is accepted as RFC 5545 allows it).
    pub fn new(date: Date, hour: u8, minute: u8, second: u8) -> Option<UtcTimestamp> {
        (hour < 24 && minute < 60 && second <= 60).then_some(UtcTimestamp {
            date,
            hour,
            minute,
            second,
        })
    }

    /// Midnight UTC at the start of `date`.
    pub fn midnight(date: Date) -> UtcTimestamp {
        UtcTimestamp {
            date,
            hour: 0,
            minute: 0,
            second: 0,
        }
    }

    /// The date part.
    pub fn date(self) -> Date {
        self.date
    }
}

impl fmt::Display for UtcTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.date.ymd();
        write!(
            f,
            "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
            self.hour, self.minute, self.second
        )
    }
}

/// A reminder attached to an event: a display alarm some whole days before its start (midnight
/// of the event day, in the calendar app's time zone).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Alarm {
    /// Days before the event day; 0 fires at the start of the day itself.
    pub days_before: u32,
    /// The reminder text.
    pub description: String,
}

/// One all-day event (a deadline, a holiday, a planned step).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AllDayEvent {
    /// Globally unique, stable identifier (the same deadline keeps its UID between exports, so
    /// that re-importing updates instead of duplicating).
    pub uid: String,
    /// The day of the event.
    pub date: Date,
    /// One-line title.
    pub summary: String,
    /// Longer text (how the date was computed, what to do); may span lines.
    pub description: Option<String>,
    /// Categories (for example "deadline", "overdue").
    pub categories: Vec<String>,
    /// Optional reminder.
    pub alarm: Option<Alarm>,
}

impl AllDayEvent {
    /// An event with a UID, a day and a title, and nothing else.
    pub fn new(uid: impl Into<String>, date: Date, summary: impl Into<String>) -> AllDayEvent {
        AllDayEvent {
            uid: uid.into(),
            date,
            summary: summary.into(),
            description: None,
            categories: Vec::new(),
            alarm: None,
        }
    }
}

/// A calendar file: the producer identifier, an optional display name and the events.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IcsCalendar {
    /// `PRODID`, for example `-//qonys//qonys 0.1//EN`.
    pub prodid: String,
    /// Display name (`X-WR-CALNAME`), shown by most calendar apps on import.
    pub name: Option<String>,
    /// The events, written in this order.
    pub events: Vec<AllDayEvent>,
}

/// Why a calendar could not be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    /// `PRODID` is empty.
    #[error("the calendar needs a product identifier (PRODID)")]
    EmptyProdId,
    /// An event has an empty UID.
    #[error("an event on {0} has an empty UID")]
    EmptyUid(Date),
    /// Two events share a UID.
    #[error("two events share the UID {0:?}")]
    DuplicateUid(String),
    /// A date that iCalendar cannot write (years 0000–9999, and the day after must exist).
    #[error("{0} cannot be written in an iCalendar file")]
    DateOutOfRange(Date),
}

/// Longest content line in octets, CRLF excluded (RFC 5545 §3.1).
const MAX_LINE_OCTETS: usize = 75;

/// Writes `calendar` as an RFC 5545 document, stamping every event with `dtstamp`.
pub fn write_calendar(calendar: &IcsCalendar, dtstamp: UtcTimestamp) -> Result<String, IcsError> {
    if calendar.prodid.trim().is_empty() {
        return Err(IcsError::EmptyProdId);
    }
    let mut uids = BTreeSet::new();
    for event in &calendar.events {
        if event.uid.is_empty() {
            return Err(IcsError::EmptyUid(event.date));
        }
        if !uids.insert(event.uid.as_str()) {
            return Err(IcsError::DuplicateUid(event.uid.clone()));
        }
        ics_date(event.date)?;
        ics_date(event.date.add_days(1)).map_err(|_| IcsError::DateOutOfRange(event.date))?;
    }
    if !(0..=9999).contains(&dtstamp.date.year()) {
        return Err(IcsError::DateOutOfRange(dtstamp.date));
    }

    let mut out = String::new();
    let mut line = |text: &str| fold_into(&mut out, text);
    line("BEGIN:VCALENDAR");
    line(&format!("PRODID:{}", escape_text(&calendar.prodid)));
    line("VERSION:2.0");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    if let Some(name) = &calendar.name {
        line(&format!("X-WR-CALNAME:{}", escape_text(name)));
    }
    for event in &calendar.events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape_text(&event.uid)));
        line(&format!("DTSTAMP:{dtstamp}"));
        line(&format!("DTSTART;VALUE=DATE:{}", ics_date(event.date)?));
        line(&format!(
            "DTEND;VALUE=DATE:{}",
            ics_date(event.date.add_days(1))?
        ));
        line(&format!("SUMMARY:{}", escape_text(&event.summary)));
        if let Some(description) = &event.description {
            line(&format!("DESCRIPTION:{}", escape_text(description)));
        }
        if !event.categories.is_empty() {
            let list: Vec<String> = event.categories.iter().map(|c| escape_text(c)).collect();
            line(&format!("CATEGORIES:{}", list.join(",")));
        }
        line("TRANSP:TRANSPARENT");
        if let Some(alarm) = &event.alarm {
            line("BEGIN:VALARM");
            line("ACTION:DISPLAY");
            if alarm.days_before == 0 {
                line("TRIGGER:PT0S");
            } else {
                line(&format!("TRIGGER:-P{}D", alarm.days_before));
            }
            line(&format!("DESCRIPTION:{}", escape_text(&alarm.description)));
            line("END:VALARM");
        }
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    Ok(out)
}

/// `YYYYMMDD`, for years 0000–9999.
fn ics_date(date: Date) -> Result<String, IcsError> {
    let (y, m, d) = date.ymd();
    if !(0..=9999).contains(&y) || date.add_days(1) == date {
        return Err(IcsError::DateOutOfRange(date));
    }
    Ok(format!("{y:04}{m:02}{d:02}"))
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c < ' ' || c == '\u{7f}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded at 75 octets on character boundaries, each physical line ending in
/// CRLF and each continuation starting with one space.
fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = MAX_LINE_OCTETS;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (head, tail) = rest.split_at(cut);
        out.push_str(head);
        out.push_str("\r\n ");
        rest = tail;
        // The leading space of a continuation line counts towards its 75 octets.
        limit = MAX_LINE_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A component read back from the text: name, properties `(NAME, params, raw value)` and
    /// sub-components.
    /// A property read back: name, parameters, raw value.
    type Property = (String, Vec<(String, String)>, String);

    #[derive(Debug, Default)]
    struct Component {
        name: String,
        props: Vec<Property>,
        children: Vec<Component>,
    }

    impl Component {
        fn all(&self, name: &str) -> Vec<&Property> {
            self.props.iter().filter(|p| p.0 == name).collect()
        }

        fn one(&self, name: &str) -> &str {
            let found = self.all(name);
            assert_eq!(found.len(), 1, "{name} in {}", self.name);
            &found[0].2
        }

        fn text(&self, name: &str) -> String {
            unescape(self.one(name)).unwrap()
        }
    }

    /// A strict reader of the RFC 5545 subset we write: CRLF only, lines of at most 75 octets
    /// each valid UTF-8 on its own, unfolding, BEGIN/END nesting.
    fn parse(text: &str) -> Result<Component, String> {
        let bytes = text.as_bytes();
        if !bytes.ends_with(b"\r\n") {
            return Err("no final CRLF".into());
        }
        let body = &bytes[..bytes.len() - 2];
        let mut physical: Vec<&[u8]> = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < body.len() {
            if body[i] == b'\r' && body.get(i + 1) == Some(&b'\n') {
                physical.push(&body[start..i]);
                i += 2;
                start = i;
            } else {
                i += 1;
            }
        }
        physical.push(&body[start..]);
        let mut logical: Vec<String> = Vec::new();
        for phys in physical {
            if phys.contains(&b'\r') || phys.contains(&b'\n') {
                return Err("bare CR or LF".into());
            }
            if phys.len() > MAX_LINE_OCTETS {
                return Err(format!("line of {} octets", phys.len()));
            }
            let phys = std::str::from_utf8(phys).map_err(|e| format!("fold split UTF-8: {e}"))?;
            match phys.strip_prefix(' ').or_else(|| phys.strip_prefix('\t')) {
                Some(rest) => logical.last_mut().ok_or("starts folded")?.push_str(rest),
                None => logical.push(phys.to_string()),
            }
        }
        let mut stack: Vec<Component> = Vec::new();
        for (i, l) in logical.iter().enumerate() {
            let colon = l.find(':').ok_or(format!("no colon: {l}"))?;
            let (head, value) = (&l[..colon], &l[colon + 1..]);
            let mut parts = head.split(';');
            let name = parts.next().unwrap_or_default().to_ascii_uppercase();
            let params = parts
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (k.to_ascii_uppercase(), v.to_string())
                })
                .collect();
            match name.as_str() {
                "BEGIN" => stack.push(Component {
                    name: value.to_string(),
                    ..Component::default()
                }),
                "END" => {
                    let done = stack.pop().ok_or("END without BEGIN")?;
                    if done.name != value {
                        return Err(format!("END:{value} closes {}", done.name));
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None if i + 1 == logical.len() => return Ok(done),
                        None => return Err("text after the calendar".into()),
                    }
                }
                _ => stack
                    .last_mut()
                    .ok_or("property outside a component")?
                    .props
                    .push((name, params, value.to_string())),
            }
        }
        Err("unterminated component".into())
    }

    fn unescape(v: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut chars = v.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('\\') => out.push('\\'),
                Some(';') => out.push(';'),
                Some(',') => out.push(','),
                Some('n' | 'N') => out.push('\n'),
                other => return Err(format!("bad escape \\{other:?}")),
            }
        }
        Ok(out)
    }

    /// Splits a list value on unescaped commas, then unescapes each item.
    fn list(v: &str) -> Vec<String> {
        let mut items = Vec::new();
        let mut current = String::new();
        let mut chars = v.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    current.push(c);
                    if let Some(n) = chars.next() {
                        current.push(n);
                    }
                }
                ',' => items.push(std::mem::take(&mut current)),
                c => current.push(c),
            }
        }
        items.push(current);
        items.iter().map(|i| unescape(i).unwrap()).collect()
    }

    /// What a text value reads back as: line breaks as `\n`, forbidden controls gone.
    fn normalized(s: &str) -> String {
        let s = s.replace("\r\n", "\n").replace('\r', "\n");
        s.chars()
            .filter(|&c| c == '\n' || c == '\t' || !(c < ' ' || c == '\u{7f}'))
            .collect()
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn stamp() -> UtcTimestamp {
        UtcTimestamp::new(d("2026-11-25"), 22, 46, 1).unwrap()
    }

    const KAZAKH: &str = "Шетелдік азаматтың келгені туралы хабарлама келген күннен бастап үш жұмыс \
        күні ішінде берілуі тиіс; демалыс және мереке күндері (Наурыз мейрамы, 21–25 наурыз) \
        есептелмейді. Қосымша: өтініш, төлқұжат көшірмесі, тұрғылықты жері туралы анықтама.";
    const RUSSIAN: &str = "Уведомление о прибытии иностранца подаётся принимающей стороной в \
        течение трёх рабочих дней со дня прибытия, без учёта выходных и праздничных дней,\n\
        например: 2026-03-20 + 3 рабочих дня → 2026-03-30.";

    fn sample() -> IcsCalendar {
        IcsCalendar {
            prodid: "-//qonys//qonys 0.1//EN".into(),
            name: Some("qonys: сроки / мерзімдер".into()),
            events: vec![
                AllDayEvent {
                    uid: "arrival-notice-2026-03-20@qonys".into(),
                    date: d("2026-03-30"),
                    summary: "Уведомление о прибытии; срок".into(),
                    description: Some(RUSSIAN.into()),
                    categories: vec!["deadline".into(), "registration, arrival".into()],
                    alarm: Some(Alarm {
                        days_before: 2,
                        description: "Осталось 2 дня".into(),
                    }),
                },
                AllDayEvent {
                    description: Some(KAZAKH.into()),
                    ..AllDayEvent::new("kk@qonys", d("2026-12-31"), "Мерзім: тіркеу")
                },
            ],
        }
    }

    #[test]
    fn small_calendar_is_written_exactly() {
        let cal = IcsCalendar {
            prodid: "-//qonys//qonys 0.1//EN".into(),
            name: None,
            events: vec![AllDayEvent {
                alarm: Some(Alarm {
                    days_before: 0,
                    description: "Today".into(),
                }),
                categories: vec!["deadline".into()],
                ..AllDayEvent::new("a@qonys", d("2026-03-30"), "Notify; arrival, host")
            }],
        };
        let text = write_calendar(&cal, stamp()).unwrap();
        assert_eq!(
            text,
            "BEGIN:VCALENDAR\r\nPRODID:-//qonys//qonys 0.1//EN\r\nVERSION:2.0\r\n\
             CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:a@qonys\r\n\
             DTSTAMP:20261125T224601Z\r\nDTSTART;VALUE=DATE:20260330\r\n\
             DTEND;VALUE=DATE:20260331\r\nSUMMARY:Notify\\; arrival\\, host\r\n\
             CATEGORIES:deadline\r\nTRANSP:TRANSPARENT\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n\
             TRIGGER:PT0S\r\nDESCRIPTION:Today\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
    }

    #[test]
    fn long_russian_and_kazakh_text_round_trips() {
        let cal = sample();
        let text = write_calendar(&cal, stamp()).unwrap();
        assert!(text.contains("\r\n "), "long lines are folded");
        let root = parse(&text).unwrap();
        assert_eq!(root.name, "VCALENDAR");
        assert_eq!(root.one("VERSION"), "2.0");
        assert_eq!(root.one("CALSCALE"), "GREGORIAN");
        assert_eq!(root.text("PRODID"), cal.prodid);
        assert_eq!(root.text("X-WR-CALNAME"), "qonys: сроки / мерзімдер");
        assert_eq!(root.children.len(), 2);
        for (event, back) in cal.events.iter().zip(&root.children) {
            assert_eq!(back.name, "VEVENT");
            assert_eq!(back.text("UID"), event.uid);
            assert_eq!(back.one("DTSTAMP"), "20261125T224601Z");
            let start = back.all("DTSTART")[0];
            assert_eq!(start.1, vec![("VALUE".to_string(), "DATE".to_string())]);
            assert_eq!(start.2, ics_date(event.date).unwrap());
            assert_eq!(
                back.all("DTEND")[0].2,
                ics_date(event.date.add_days(1)).unwrap()
            );
            assert_eq!(back.text("SUMMARY"), event.summary);
            assert_eq!(
                back.all("DESCRIPTION")
                    .first()
                    .map(|p| unescape(&p.2).unwrap()),
                event.description.clone()
            );
            let cats = back.all("CATEGORIES");
            assert_eq!(
                cats.first().map(|p| list(&p.2)).unwrap_or_default(),
                event.categories
            );
            match &event.alarm {
                Some(alarm) => {
                    let a = &back.children[0];
                    assert_eq!(a.name, "VALARM");
                    assert_eq!(a.one("ACTION"), "DISPLAY");
                    assert_eq!(a.one("TRIGGER"), format!("-P{}D", alarm.days_before));
                    assert_eq!(a.text("DESCRIPTION"), alarm.description);
                }
                None => assert!(back.children.is_empty()),
            }
        }
        // The year-end event ends on the first day of the next year.
        assert_eq!(root.children[1].one("DTEND"), "20270101");
    }

    #[test]
    fn folding_respects_octets_and_characters() {
        let mut out = String::new();
        let line = format!("DESCRIPTION:{}", "ә".repeat(100));
        fold_into(&mut out, &line);
        for phys in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(phys.len() <= 75);
        }
        // 12 ASCII octets + 63 two-octet letters would be 138; the first line holds 75 octets
        // only if it ends on a boundary: "DESCRIPTION:" (12) + 31 letters (62) = 74.
        assert_eq!(out.split("\r\n").next().unwrap().len(), 74);
        assert_eq!(out.replace("\r\n ", "").trim_end(), line);
        let mut short = String::new();
        fold_into(&mut short, "VERSION:2.0");
        assert_eq!(short, "VERSION:2.0\r\n");
    }

    #[test]
    fn text_escaping() {
        assert_eq!(escape_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(escape_text("x\r\ny\rz"), "x\\ny\\nz");
        assert_eq!(escape_text("bell\u{7}\ttab\u{7f}"), "bell\ttab");
        assert_eq!(escape_text("Қазақстан: «Наурыз»"), "Қазақстан: «Наурыз»");
    }

    #[test]
    fn invalid_calendars_are_errors() {
        let mut cal = sample();
        cal.prodid = " ".into();
        assert_eq!(write_calendar(&cal, stamp()), Err(IcsError::EmptyProdId));
        let mut cal = sample();
        cal.events[1].uid = cal.events[0].uid.clone();
        assert!(matches!(
            write_calendar(&cal, stamp()),
            Err(IcsError::DuplicateUid(_))
        ));
        let mut cal = sample();
        cal.events[0].uid.clear();
        assert!(matches!(
            write_calendar(&cal, stamp()),
            Err(IcsError::EmptyUid(_))
        ));
        for bad in [Date::from_ymd(9999, 12, 31), Date::from_ymd(-1, 6, 1)] {
            let mut cal = sample();
            cal.events[0].date = bad.unwrap();
            assert!(matches!(
                write_calendar(&cal, stamp()),
                Err(IcsError::DateOutOfRange(_))
            ));
        }
        let cal = sample();
        let old = UtcTimestamp::midnight(Date::from_ymd(-5, 1, 1).unwrap());
        assert!(write_calendar(&cal, old).is_err());
        assert!(UtcTimestamp::new(d("2026-01-01"), 24, 0, 0).is_none());
        assert_eq!(
            UtcTimestamp::midnight(d("2026-01-01")).to_string(),
            "20260101T000000Z"
        );
        // An empty calendar is still a valid document.
        let empty = IcsCalendar {
            prodid: "-//x//y//EN".into(),
            name: None,
            events: vec![],
        };
        assert!(parse(&write_calendar(&empty, stamp()).unwrap()).is_ok());
    }

    fn arb_text() -> impl Strategy<Value = String> {
        let special = proptest::sample::select(vec![
            '\\', ';', ',', '\n', '\r', '\t', ':', '"', '=', 'ә', 'Қ', 'ң', 'ө', 'ж', 'Ё', '😀',
            '\u{1}', '\u{7f}', '\u{85}', ' ',
        ]);
        proptest::collection::vec(prop_oneof![2 => any::<char>(), 3 => special], 0..250)
            .prop_map(String::from_iter)
    }

    proptest! {
        #[test]
        fn any_text_round_trips(summary in arb_text(), description in arb_text(), uid in arb_text(),
                                cats in proptest::collection::vec(arb_text(), 0..4), day in 0i32..2_900_000,
                                alarm in proptest::option::of((0u32..400, arb_text()))) {
            let event = AllDayEvent {
                uid: format!("u{uid}"),
                date: Date::from_day_number(day),
                summary: summary.clone(),
                description: Some(description.clone()),
                categories: cats.clone(),
                alarm: alarm.clone().map(|(days_before, description)| Alarm { days_before, description }),
            };
            let cal = IcsCalendar { prodid: "-//qonys//test//EN".into(), name: Some(summary.clone()), events: vec![event] };
            let text = write_calendar(&cal, stamp()).unwrap();
            let root = parse(&text).map_err(TestCaseError::fail)?;
            prop_assert_eq!(root.text("X-WR-CALNAME"), normalized(&summary));
            let back = &root.children[0];
            prop_assert_eq!(back.text("UID"), normalized(&format!("u{uid}")));
            prop_assert_eq!(back.text("SUMMARY"), normalized(&summary));
            prop_assert_eq!(back.text("DESCRIPTION"), normalized(&description));
            let expected: Vec<String> = cats.iter().map(|c| normalized(c)).collect();
            let got = back.all("CATEGORIES").first().map(|p| list(&p.2)).unwrap_or_default();
            prop_assert_eq!(got, expected);
            prop_assert_eq!(back.one("DTSTART"), ics_date(Date::from_day_number(day)).unwrap());
            if let Some((_, text)) = alarm {
                prop_assert_eq!(back.children[0].text("DESCRIPTION"), normalized(&text));
            }
        }

        #[test]
        fn folding_never_splits_characters(text in arb_text()) {
            let line = escape_text(&text);
            let mut out = String::new();
            fold_into(&mut out, &line);
            let lines: Vec<&str> = out.strip_suffix("\r\n").unwrap().split("\r\n").collect();
            for (i, l) in lines.iter().enumerate() {
                prop_assert!(l.len() <= MAX_LINE_OCTETS);
                if i > 0 {
                    prop_assert!(l.starts_with(' '));
                }
            }
            let unfolded: String = lines.iter().enumerate().map(|(i, l)| if i == 0 { *l } else { &l[1..] }).collect();
            prop_assert_eq!(unfolded, line);
        }
    }
}
