//! The working-day calendar: which civil dates are working days on the five-day week.
//!
//! A [`WorkCalendar`] is built from data rows ([`CalendarEntry`]) that the rule pack supplies —
//! public holidays, religious days off, weekend-substitute days, transfers ordered by the
//! government or the labour ministry, weekend days made working, and days off that were
//! published and later cancelled — together with the list of years the data **covers**. This
//! module holds no holiday data of its own (law is data; the loader lives in `qonys-law`).
//!
//! Outside the covered years only Saturdays and Sundays are days off, and every answer says
//! `covered = false` so that callers can warn "the holiday calendar for this year is not loaded".
//!
//! [`substitute_days_for`] implements the statutory substitute-day rule (Holidays Law art. 5):
//! a holiday on a Saturday or Sunday makes the next working day a day off. It is used to
//! *check* hand-entered data against the rule, not to replace the data: the government may
//! still transfer days by order, and only the published calendar is authoritative.

use std::collections::BTreeSet;

use crate::Date;

/// What a calendar row says about its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A statutory public holiday (national or state holiday, Holidays Law art. 1). A non-working
    /// day; when it falls on a Saturday or Sunday the next working day becomes a
    /// [`DayKind::Substitute`].
    Holiday,
    /// A religious day off (Orthodox Christmas, the first day of Kurban Ait; Labour Code
    /// art. 84(5)). A non-working day, but **no** substitute day is given when it falls on a
    /// weekend.
    DayOff,
    /// A weekday made a day off because a holiday fell on a Saturday or Sunday.
    Substitute,
    /// A weekday made a day off by a transfer order (Labour Code art. 85(3)); the other half of
    /// the transfer is usually a [`DayKind::WorkingWeekend`].
    Transfer,
    /// A Saturday or Sunday made a working day (by a transfer order).
    WorkingWeekend,
    /// A day off that was published and later withdrawn, so it is an ordinary day again
    /// (e.g. 30–31 Aug 2026 after Constitution Day moved). On a weekday it is a working day; on
    /// a Saturday or Sunday it is simply a weekend day.
    Cancelled,
}

impl DayKind {
    /// Whether a weekday carrying this kind is a working day.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::WorkingWeekend | DayKind::Cancelled)
    }
}

/// One data row of the working-day calendar, as the rule pack supplies it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CalendarEntry {
    /// The civil date the row is about.
    pub date: Date,
    /// What the row says about the date.
    pub kind: DayKind,
    /// Message key of the day's name (for example `holiday.nauryz`); a substitute day carries
    /// the key of the holiday it replaces, so that explanations can say "Nauryz".
    pub name_key: String,
    /// The row rests on thin or conflicting sources (shown to users as "verify").
    #[serde(default)]
    pub uncertain: bool,
}

impl CalendarEntry {
    /// A confirmed row.
    pub fn new(date: Date, kind: DayKind, name_key: impl Into<String>) -> CalendarEntry {
        CalendarEntry {
            date,
            kind,
            name_key: name_key.into(),
            uncertain: false,
        }
    }

    /// The same row, marked uncertain.
    pub fn uncertain(mut self) -> CalendarEntry {
        self.uncertain = true;
        self
    }
}

/// Why a set of calendar rows was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Two rows name the same date; the pack must say one thing per day.
    #[error("the calendar has two rows for {0}")]
    DuplicateDate(Date),
    /// A row lies in a year the calendar does not declare as covered.
    #[error("the calendar row for {date} lies in {year}, which is not among the covered years")]
    OutsideCoveredYears {
        /// The row's date.
        date: Date,
        /// Its year.
        year: i32,
    },
    /// The row's kind cannot fall on that day of the week (a working weekend on a weekday, or
    /// a substitute or transfer day on a weekend).
    #[error("a {kind:?} row cannot fall on a {weekday} ({date})")]
    WrongWeekday {
        /// The row's date.
        date: Date,
        /// The row's kind.
        kind: DayKind,
        /// English short name of the date's weekday.
        weekday: &'static str,
    },
}

/// Why a date is, or is not, a working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum DayReason {
    /// A Saturday or Sunday with no row (or with a [`DayKind::Cancelled`] row).
    Weekend,
    /// A holiday; the index of its row in [`WorkCalendar::entries`]. Also given for a holiday
    /// that falls on a weekend.
    Holiday(usize),
    /// A religious day off; the row index.
    DayOff(usize),
    /// A weekend-substitute day; the row index.
    Substitute(usize),
    /// A transferred day off; the row index.
    Transfer(usize),
    /// A Saturday or Sunday made working; the row index.
    WorkingWeekend(usize),
    /// A weekday whose published day off was cancelled, so it is working; the row index.
    Cancelled(usize),
    /// An ordinary Monday–Friday.
    Ordinary,
}

impl DayReason {
    /// The index of the calendar row behind this reason, if any.
    pub fn entry_index(self) -> Option<usize> {
        match self {
            DayReason::Holiday(i)
            | DayReason::DayOff(i)
            | DayReason::Substitute(i)
            | DayReason::Transfer(i)
            | DayReason::WorkingWeekend(i)
            | DayReason::Cancelled(i) => Some(i),
            DayReason::Weekend | DayReason::Ordinary => None,
        }
    }
}

/// The answer of [`WorkCalendar::is_working_day`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct WorkingDay {
    /// A working day on the five-day week.
    pub working: bool,
    /// Why.
    pub reason: DayReason,
    /// The date's year is covered by holiday data. When `false` only weekends were considered
    /// and the caller should warn that holidays may be missing.
    pub covered: bool,
}

/// A substitute day produced by the statutory rule ([`substitute_days_for`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct SubstituteDay {
    /// The weekday that becomes a day off.
    pub date: Date,
    /// The weekend holiday it replaces.
    pub replaces: Date,
    /// The holiday's name key.
    pub name_key: String,
}

/// The working-day calendar: calendar rows for the covered years, weekends everywhere.
///
/// Build it with [`WorkCalendar::new`] from the rule pack's rows; [`WorkCalendar::weekends_only`]
/// is the calendar with no holiday data at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Rows sorted by date, at most one per date.
    entries: Vec<CalendarEntry>,
    covered: BTreeSet<i32>,
}

impl WorkCalendar {
    /// A calendar from the rule pack's rows and the years those rows describe completely.
    ///
    /// Refused when two rows share a date, a row lies outside the covered years, or a row's
    /// kind cannot fall on its weekday (a working weekend on a weekday; a substitute or transfer
    /// day on a Saturday or Sunday). Rows may come in any order.
    pub fn new(
        covered_years: impl IntoIterator<Item = i32>,
        entries: impl IntoIterator<Item = CalendarEntry>,
    ) -> Result<WorkCalendar, CalendarError> {
        let covered: BTreeSet<i32> = covered_years.into_iter().collect();
        let mut entries: Vec<CalendarEntry> = entries.into_iter().collect();
        entries.sort_by_key(|e| e.date);
        for pair in entries.windows(2) {
            if pair[0].date == pair[1].date {
                return Err(CalendarError::DuplicateDate(pair[0].date));
            }
        }
        for e in &entries {
            let year = e.date.year();
            if !covered.contains(&year) {
                return Err(CalendarError::OutsideCoveredYears { date: e.date, year });
            }
            let weekday = e.date.weekday();
            let fits = match e.kind {
                DayKind::WorkingWeekend => weekday.is_weekend(),
                DayKind::Substitute | DayKind::Transfer => !weekday.is_weekend(),
                DayKind::Holiday | DayKind::DayOff | DayKind::Cancelled => true,
            };
            if !fits {
                return Err(CalendarError::WrongWeekday {
                    date: e.date,
                    kind: e.kind,
                    weekday: weekday.short_name(),
                });
            }
        }
        Ok(WorkCalendar { entries, covered })
    }

    /// A calendar without holiday data: Saturdays and Sundays are the only days off and no year
    /// is covered.
    pub fn weekends_only() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// All rows, sorted by date. [`DayReason`] indices point into this slice.
    pub fn entries(&self) -> &[CalendarEntry] {
        &self.entries
    }

    /// The row at `index` (as found in a [`DayReason`]).
    pub fn entry(&self, index: usize) -> Option<&CalendarEntry> {
        self.entries.get(index)
    }

    /// The row for `date` and its index, if there is one.
    pub fn entry_on(&self, date: Date) -> Option<(usize, &CalendarEntry)> {
        self.entries
            .binary_search_by_key(&date, |e| e.date)
            .ok()
            .map(|i| (i, &self.entries[i]))
    }

    /// The covered years, ascending.
    pub fn covered_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.covered.iter().copied()
    }

    /// Whether holiday data for `year` is loaded.
    pub fn covers(&self, year: i32) -> bool {
        self.covered.contains(&year)
    }

    /// Whether `date` is a working day on the five-day week, why, and whether the answer rests on
    /// holiday data (`covered`).
    pub fn is_working_day(&self, date: Date) -> WorkingDay {
        let weekend = date.weekday().is_weekend();
        let covered = self.covers(date.year());
        let plain = |covered| WorkingDay {
            working: !weekend,
            reason: if weekend {
                DayReason::Weekend
            } else {
                DayReason::Ordinary
            },
            covered,
        };
        let Some((i, entry)) = self.entry_on(date) else {
            return plain(covered);
        };
        let (working, reason) = match entry.kind {
            DayKind::Holiday => (false, DayReason::Holiday(i)),
            DayKind::DayOff => (false, DayReason::DayOff(i)),
            DayKind::Substitute => (false, DayReason::Substitute(i)),
            DayKind::Transfer => (false, DayReason::Transfer(i)),
            DayKind::WorkingWeekend => (true, DayReason::WorkingWeekend(i)),
            DayKind::Cancelled if weekend => return plain(covered),
            DayKind::Cancelled => (true, DayReason::Cancelled(i)),
        };
        WorkingDay {
            working,
            reason,
            covered,
        }
    }

    /// The first working day strictly after `date`; `None` only at the end of the supported
    /// date range.
    pub fn next_working_day(&self, date: Date) -> Option<Date> {
        self.step_to_working_day(date, 1)
    }

    /// The last working day strictly before `date`; `None` only at the start of the supported
    /// date range.
    pub fn previous_working_day(&self, date: Date) -> Option<Date> {
        self.step_to_working_day(date, -1)
    }

    fn step_to_working_day(&self, date: Date, step: i32) -> Option<Date> {
        let mut d = date;
        loop {
            let next = d.add_days(step);
            if next == d {
                return None;
            }
            d = next;
            if self.is_working_day(d).working {
                return Some(d);
            }
        }
    }

    /// Number of working days from `first` to `last`, both included (0 when `last < first`).
    pub fn working_days_in(&self, first: Date, last: Date) -> u32 {
        if last < first {
            return 0;
        }
        let total = first.days_until(last) + 1;
        // Weekdays by whole weeks plus a remainder, then corrections from the rows.
        let weeks = total / 7;
        let mut weekdays = weeks * 5;
        let start = first.add_days(weeks * 7);
        for k in 0..(total % 7) {
            if !start.add_days(k).weekday().is_weekend() {
                weekdays += 1;
            }
        }
        let lo = self.entries.partition_point(|e| e.date < first);
        let hi = self.entries.partition_point(|e| e.date <= last);
        for e in &self.entries[lo..hi] {
            let weekend = e.date.weekday().is_weekend();
            match e.kind {
                DayKind::Holiday | DayKind::DayOff | DayKind::Substitute | DayKind::Transfer
                    if !weekend =>
                {
                    weekdays -= 1
                }
                DayKind::WorkingWeekend if weekend => weekdays += 1,
                _ => {}
            }
        }
        u32::try_from(weekdays).unwrap_or(0)
    }
}

/// The substitute days the statutory rule gives for `year` (Holidays Law art. 5, as applied by
/// every 2025/2026 calendar source):
///
/// - each [`DayKind::Holiday`] row of `year` on a Saturday or Sunday makes the next working day a
///   day off, so two weekend holiday days give two substitutes;
/// - "next working day" skips weekends, other holidays, religious days off, transferred days off
///   and substitutes already given (if the Monday is itself a holiday the substitute comes after
///   it: 2026 Nauryz 21–22 Mar Sat–Sun and Mon 23 Mar → Tue 24 and Wed 25 Mar);
/// - religious days off ([`DayKind::DayOff`]) get no substitute, and cancelled rows count as
///   ordinary days.
///
/// The result is sorted by the replaced holiday. Rows of other kinds in `entries` are only used
/// as obstacles; hand-entered [`DayKind::Substitute`] rows are ignored, so the output can be
/// compared with them.
pub fn substitute_days_for(year: i32, entries: &[CalendarEntry]) -> Vec<SubstituteDay> {
    let blocked: BTreeSet<Date> = entries
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                DayKind::Holiday | DayKind::DayOff | DayKind::Transfer
            )
        })
        .map(|e| e.date)
        .collect();
    let mut weekend_holidays: Vec<&CalendarEntry> = entries
        .iter()
        .filter(|e| {
            e.kind == DayKind::Holiday && e.date.year() == year && e.date.weekday().is_weekend()
        })
        .collect();
    weekend_holidays.sort_by_key(|e| e.date);
    weekend_holidays.dedup_by_key(|e| e.date);

    let mut given: BTreeSet<Date> = BTreeSet::new();
    let mut out = Vec::new();
    for holiday in weekend_holidays {
        let mut candidate = holiday.date;
        let found = loop {
            let next = candidate.add_days(1);
            if next == candidate {
                break None;
            }
            candidate = next;
            if !candidate.weekday().is_weekend()
                && !blocked.contains(&candidate)
                && !given.contains(&candidate)
            {
                break Some(candidate);
            }
        };
        if let Some(date) = found {
            given.insert(date);
            out.push(SubstituteDay {
                date,
                replaces: holiday.date,
                name_key: holiday.name_key.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn row(date: &str, kind: DayKind, key: &str) -> CalendarEntry {
        CalendarEntry::new(d(date), kind, key)
    }

    /// 2025, straight from kz-facts-2.md §8 (MLSP order No. 436 moved Sun 5 Jan to Fri 3 Jan).
    pub(crate) fn rows_2025() -> Vec<CalendarEntry> {
        use DayKind::*;
        vec![
            row("2025-01-01", Holiday, "holiday.new_year"),
            row("2025-01-02", Holiday, "holiday.new_year"),
            row("2025-01-03", Transfer, "transfer.mlsp_436_2024"),
            row("2025-01-05", WorkingWeekend, "transfer.mlsp_436_2024"),
            row("2025-01-07", DayOff, "day_off.orthodox_christmas"),
            row("2025-03-08", Holiday, "holiday.womens_day"),
            row("2025-03-10", Substitute, "holiday.womens_day"),
            row("2025-03-21", Holiday, "holiday.nauryz"),
            row("2025-03-22", Holiday, "holiday.nauryz"),
            row("2025-03-23", Holiday, "holiday.nauryz"),
            row("2025-03-24", Substitute, "holiday.nauryz"),
            row("2025-03-25", Substitute, "holiday.nauryz"),
            row("2025-05-01", Holiday, "holiday.unity_day"),
            row("2025-05-07", Holiday, "holiday.defender_day"),
            row("2025-05-09", Holiday, "holiday.victory_day"),
            row("2025-06-06", DayOff, "day_off.kurban_ait"),
            row("2025-07-06", Holiday, "holiday.capital_day"),
            row("2025-07-07", Substitute, "holiday.capital_day"),
            row("2025-08-30", Holiday, "holiday.constitution_day"),
            row("2025-09-01", Substitute, "holiday.constitution_day"),
            row("2025-10-25", Holiday, "holiday.republic_day"),
            row("2025-10-27", Substitute, "holiday.republic_day"),
            row("2025-12-16", Holiday, "holiday.independence_day"),
        ]
    }

    /// 2026, straight from kz-facts-2.md §8; with `cancelled` the 30–31 Aug days off are
    /// withdrawn (§1.4, uncertain), otherwise they are as published in December 2025.
    pub(crate) fn rows_2026(cancelled: bool) -> Vec<CalendarEntry> {
        use DayKind::*;
        let mut rows = vec![
            row("2026-01-01", Holiday, "holiday.new_year"),
            row("2026-01-02", Holiday, "holiday.new_year"),
            row("2026-01-07", DayOff, "day_off.orthodox_christmas"),
            row("2026-03-08", Holiday, "holiday.womens_day"),
            row("2026-03-09", Substitute, "holiday.womens_day"),
            row("2026-03-21", Holiday, "holiday.nauryz"),
            row("2026-03-22", Holiday, "holiday.nauryz"),
            row("2026-03-23", Holiday, "holiday.nauryz"),
            row("2026-03-24", Substitute, "holiday.nauryz"),
            row("2026-03-25", Substitute, "holiday.nauryz"),
            row("2026-05-01", Holiday, "holiday.unity_day"),
            row("2026-05-07", Holiday, "holiday.defender_day"),
            row("2026-05-09", Holiday, "holiday.victory_day"),
            row("2026-05-11", Substitute, "holiday.victory_day"),
            row("2026-05-27", DayOff, "day_off.kurban_ait").uncertain(),
            row("2026-07-06", Holiday, "holiday.capital_day"),
            row("2026-10-25", Holiday, "holiday.republic_day"),
            row("2026-10-26", Substitute, "holiday.republic_day"),
            row("2026-12-16", Holiday, "holiday.independence_day"),
        ];
        if cancelled {
            rows.push(row("2026-08-30", Cancelled, "holiday.constitution_day").uncertain());
            rows.push(row("2026-08-31", Cancelled, "holiday.constitution_day").uncertain());
        } else {
            rows.push(row("2026-08-30", Holiday, "holiday.constitution_day"));
            rows.push(row("2026-08-31", Substitute, "holiday.constitution_day"));
        }
        rows
    }

    /// The calendar for 2025 and 2026 (with the 30–31 Aug 2026 cancellation).
    pub(crate) fn kz_calendar() -> WorkCalendar {
        let mut rows = rows_2025();
        rows.extend(rows_2026(true));
        WorkCalendar::new([2025, 2026], rows).unwrap()
    }

    fn year_count(cal: &WorkCalendar, year: i32) -> u32 {
        let first = Date::from_ymd(year, 1, 1).unwrap();
        let last = Date::from_ymd(year, 12, 31).unwrap();
        cal.working_days_in(first, last)
    }

    fn brute_count(cal: &WorkCalendar, first: Date, last: Date) -> u32 {
        let mut n = 0;
        let mut day = first;
        while day <= last {
            if cal.is_working_day(day).working {
                n += 1;
            }
            day = day.add_days(1);
        }
        n
    }

    #[test]
    fn working_days_2025_is_246() {
        let cal = WorkCalendar::new([2025], rows_2025()).unwrap();
        assert_eq!(year_count(&cal, 2025), 246);
        let first = d("2025-01-01");
        assert_eq!(brute_count(&cal, first, d("2025-12-31")), 246);
        // Sunday 5 Jan 2025 was worked (MLSP order No. 436); Friday 3 Jan was off.
        let sunday = cal.is_working_day(d("2025-01-05"));
        assert!(sunday.working && sunday.covered);
        assert!(matches!(sunday.reason, DayReason::WorkingWeekend(_)));
        assert!(matches!(
            cal.is_working_day(d("2025-01-03")).reason,
            DayReason::Transfer(_)
        ));
    }

    #[test]
    fn working_days_2026_is_247_with_cancellation_and_246_without() {
        let cancelled = WorkCalendar::new([2026], rows_2026(true)).unwrap();
        let published = WorkCalendar::new([2026], rows_2026(false)).unwrap();
        assert_eq!(year_count(&cancelled, 2026), 247);
        assert_eq!(year_count(&published, 2026), 246);
        let first = d("2026-01-01");
        let last = d("2026-12-31");
        assert_eq!(brute_count(&cancelled, first, last), 247);
        assert_eq!(brute_count(&published, first, last), 246);

        let mon = cancelled.is_working_day(d("2026-08-31"));
        assert!(mon.working);
        assert!(matches!(mon.reason, DayReason::Cancelled(_)));
        let idx = mon.reason.entry_index().unwrap();
        assert!(cancelled.entry(idx).unwrap().uncertain);
        // A cancelled Sunday is still a weekend day.
        let sun = cancelled.is_working_day(d("2026-08-30"));
        assert_eq!((sun.working, sun.reason), (false, DayReason::Weekend));
        assert!(!published.is_working_day(d("2026-08-31")).working);
    }

    fn substitutes_in_data(rows: &[CalendarEntry]) -> Vec<Date> {
        let mut v: Vec<Date> = rows
            .iter()
            .filter(|e| e.kind == DayKind::Substitute)
            .map(|e| e.date)
            .collect();
        v.sort();
        v
    }

    fn generated(year: i32, rows: &[CalendarEntry]) -> Vec<Date> {
        let mut v: Vec<Date> = substitute_days_for(year, rows)
            .into_iter()
            .map(|s| s.date)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn hand_entered_substitutes_agree_with_the_statutory_rule() {
        let r25 = rows_2025();
        assert_eq!(generated(2025, &r25), substitutes_in_data(&r25));
        for cancelled in [true, false] {
            let r26 = rows_2026(cancelled);
            assert_eq!(
                generated(2026, &r26),
                substitutes_in_data(&r26),
                "{cancelled}"
            );
        }
        // Every substitute names the holiday it replaces.
        for s in substitute_days_for(2025, &r25) {
            let (_, entry) = WorkCalendar::new([2025], r25.clone())
                .unwrap()
                .entry_on(s.date)
                .map(|(i, e)| (i, e.clone()))
                .unwrap();
            assert_eq!(entry.name_key, s.name_key);
        }
    }

    #[test]
    fn nauryz_2026_substitutes_come_after_the_monday_holiday() {
        let subs = substitute_days_for(2026, &rows_2026(true));
        let nauryz: Vec<(Date, Date)> = subs
            .iter()
            .filter(|s| s.name_key == "holiday.nauryz")
            .map(|s| (s.replaces, s.date))
            .collect();
        assert_eq!(
            nauryz,
            vec![
                (d("2026-03-21"), d("2026-03-24")),
                (d("2026-03-22"), d("2026-03-25"))
            ]
        );
        assert_eq!(d("2026-03-24").weekday().short_name(), "Tue");
    }

    #[test]
    fn religious_days_off_get_no_substitute() {
        // Orthodox Christmas on Sunday 7 Jan 2029 would give nothing; a holiday on the same
        // weekend does.
        let rows = vec![
            row("2029-01-07", DayKind::DayOff, "day_off.orthodox_christmas"),
            row("2029-01-06", DayKind::Holiday, "holiday.test"),
        ];
        let subs = substitute_days_for(2029, &rows);
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].date, d("2029-01-08"));
        // A Monday religious day off pushes the substitute on.
        let rows = vec![
            row("2029-01-06", DayKind::Holiday, "holiday.test"),
            row("2029-01-08", DayKind::DayOff, "day_off.test"),
        ];
        assert_eq!(substitute_days_for(2029, &rows)[0].date, d("2029-01-09"));
    }

    #[test]
    fn outside_covered_years_only_weekends_count() {
        let cal = kz_calendar();
        let jan1 = cal.is_working_day(d("2027-01-01"));
        assert!(jan1.working && !jan1.covered);
        assert_eq!(jan1.reason, DayReason::Ordinary);
        let sat = cal.is_working_day(d("2027-01-02"));
        assert!(!sat.working && !sat.covered);
        let nauryz = cal.is_working_day(d("2026-03-23"));
        assert!(!nauryz.working && nauryz.covered);
        // A weekend holiday reports the holiday, not just the weekend.
        assert!(matches!(
            cal.is_working_day(d("2026-03-21")).reason,
            DayReason::Holiday(_)
        ));
    }

    #[test]
    fn bad_rows_are_refused() {
        let dup = vec![
            row("2026-01-01", DayKind::Holiday, "a"),
            row("2026-01-01", DayKind::DayOff, "b"),
        ];
        assert_eq!(
            WorkCalendar::new([2026], dup),
            Err(CalendarError::DuplicateDate(d("2026-01-01")))
        );
        assert!(matches!(
            WorkCalendar::new([2025], rows_2026(true)),
            Err(CalendarError::OutsideCoveredYears { year: 2026, .. })
        ));
        // The 2026 conflict note: "24–25 Mar, Monday and Tuesday" — a working weekend on a
        // weekday is refused.
        assert!(matches!(
            WorkCalendar::new([2026], [row("2026-03-24", DayKind::WorkingWeekend, "x")]),
            Err(CalendarError::WrongWeekday { .. })
        ));
        assert!(matches!(
            WorkCalendar::new([2026], [row("2026-03-21", DayKind::Substitute, "x")]),
            Err(CalendarError::WrongWeekday { .. })
        ));
    }

    #[test]
    fn next_and_previous_working_day() {
        let cal = kz_calendar();
        assert_eq!(cal.next_working_day(d("2026-03-20")), Some(d("2026-03-26")));
        assert_eq!(
            cal.previous_working_day(d("2026-03-26")),
            Some(d("2026-03-20"))
        );
        assert_eq!(cal.next_working_day(d("2024-12-31")), Some(d("2025-01-05")));
        let end = Date::from_ymd(9999, 12, 31).unwrap();
        assert_eq!(cal.next_working_day(end), None);
        let start = Date::from_ymd(-9999, 1, 1).unwrap();
        assert!(cal.previous_working_day(start).is_none());
    }

    #[test]
    fn rows_deserialize_from_pack_spelling() {
        let json = r#"{"date":"2026-08-31","kind":"cancelled","name_key":"holiday.constitution_day","uncertain":true}"#;
        let e: CalendarEntry = serde_json::from_str(json).unwrap();
        assert_eq!(e.kind, DayKind::Cancelled);
        let e: CalendarEntry = serde_json::from_str(
            r#"{"date":"2025-01-05","kind":"working_weekend","name_key":"x"}"#,
        )
        .unwrap();
        assert!(!e.uncertain);
    }

    /// A random but well-formed calendar for 2026: each picked day gets a kind that fits its
    /// weekday.
    pub(crate) fn arb_calendar() -> impl Strategy<Value = WorkCalendar> {
        proptest::collection::btree_map(0i32..365, 0u8..6, 0..60).prop_map(|days| {
            let jan1 = Date::from_ymd(2026, 1, 1).unwrap();
            let rows = days.into_iter().map(|(offset, k)| {
                let date = jan1.add_days(offset);
                let kind = if date.weekday().is_weekend() {
                    [
                        DayKind::Holiday,
                        DayKind::DayOff,
                        DayKind::WorkingWeekend,
                        DayKind::Cancelled,
                    ][usize::from(k % 4)]
                } else {
                    [
                        DayKind::Holiday,
                        DayKind::DayOff,
                        DayKind::Substitute,
                        DayKind::Transfer,
                        DayKind::Cancelled,
                        DayKind::Holiday,
                    ][usize::from(k)]
                };
                CalendarEntry::new(date, kind, format!("k{k}"))
            });
            WorkCalendar::new([2026], rows).unwrap()
        })
    }

    proptest! {
        #[test]
        fn count_agrees_with_brute_force(cal in arb_calendar(), a in 20_300i32..20_900, len in -5i32..500) {
            let first = Date::from_day_number(a);
            let last = first.add_days(len);
            prop_assert_eq!(cal.working_days_in(first, last), if len < 0 { 0 } else { brute_count(&cal, first, last) });
        }

        #[test]
        fn next_working_day_skips_only_non_working_days(cal in arb_calendar(), a in 20_300i32..20_900) {
            let from = Date::from_day_number(a);
            let next = cal.next_working_day(from).unwrap();
            prop_assert!(cal.is_working_day(next).working);
            prop_assert_eq!(cal.working_days_in(from.add_days(1), next), 1);
            let prev = cal.previous_working_day(from).unwrap();
            prop_assert!(cal.is_working_day(prev).working);
            prop_assert_eq!(cal.working_days_in(prev, from.add_days(-1)), 1);
        }

        #[test]
        fn substitutes_are_free_weekdays(days in proptest::collection::btree_set(0i32..365, 0..40)) {
            let jan1 = Date::from_ymd(2026, 1, 1).unwrap();
            let rows: Vec<CalendarEntry> = days.iter().map(|&o| CalendarEntry::new(jan1.add_days(o), DayKind::Holiday, "h")).collect();
            let subs = substitute_days_for(2026, &rows);
            let weekend_holidays = rows.iter().filter(|e| e.date.weekday().is_weekend()).count();
            prop_assert_eq!(subs.len(), weekend_holidays);
            let mut seen = BTreeSet::new();
            for s in &subs {
                prop_assert!(!s.date.weekday().is_weekend());
                prop_assert!(s.date > s.replaces);
                prop_assert!(!days.contains(&jan1.days_until(s.date)));
                prop_assert!(seen.insert(s.date));
            }
        }

        #[test]
        fn arbitrary_rows_never_panic(rows in proptest::collection::vec((-3_000_000i32..3_000_000, 0u8..6), 0..20), years in proptest::collection::vec(-9999i32..9999, 0..5)) {
            let kinds = [DayKind::Holiday, DayKind::DayOff, DayKind::Substitute, DayKind::Transfer, DayKind::WorkingWeekend, DayKind::Cancelled];
            let entries: Vec<CalendarEntry> = rows.iter().map(|&(n, k)| CalendarEntry::new(Date::from_day_number(n), kinds[usize::from(k)], "x")).collect();
            let _ = substitute_days_for(2026, &entries);
            if let Ok(cal) = WorkCalendar::new(years, entries) {
                for e in cal.entries() {
                    let _ = cal.is_working_day(e.date);
                    let _ = cal.next_working_day(e.date);
                }
            }
        }
    }
}
