//! A proleptic Gregorian civil date stored as a day number (days since 1970-01-01), so that
//! comparisons and day arithmetic are single integer operations and the type is `Copy` and
//! four bytes wide. Parsing accepts ISO 8601 `YYYY-MM-DD` only; other spellings people write
//! (`25.11.2026`, `11/25/2026`) are the business of the document parsers in `qonys-identity`.

use std::fmt;

/// A calendar date (no time of day, no time zone).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// Day of the week, Monday first (ISO 8601).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }

    /// Three-letter English abbreviation (`Mon` … `Sun`).
    pub fn short_name(self) -> &'static str {
        match self {
            Weekday::Monday => "Mon",
            Weekday::Tuesday => "Tue",
            Weekday::Wednesday => "Wed",
            Weekday::Thursday => "Thu",
            Weekday::Friday => "Fri",
            Weekday::Saturday => "Sat",
            Weekday::Sunday => "Sun",
        }
    }

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> u8 {
        self as u8
    }
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text is not of the form `YYYY-MM-DD`.
    #[error("expected a date written as YYYY-MM-DD (for example 2026-03-21), found {0:?}")]
    Format(String),
    /// The parts are numbers but do not name a real day.
    #[error("{year:04}-{month:02}-{day:02} is not a real calendar day")]
    NoSuchDay {
        /// Year as written.
        year: i32,
        /// Month as written.
        month: u32,
        /// Day as written.
        day: u32,
    },
}

/// Smallest and largest years accepted, to keep arithmetic far from overflow.
const MIN_YEAR: i32 = -9999;
const MAX_YEAR: i32 = 9999;

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Number of days in `month` of `year`.
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl Date {
    /// The date `year-month-day`, or `None` if no such day exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// The date from a day number (days since 1970-01-01).
    pub fn from_day_number(n: i32) -> Date {
        Date(n.clamp(
            days_from_civil(MIN_YEAR, 1, 1),
            days_from_civil(MAX_YEAR, 12, 31),
        ))
    }

    /// Days since 1970-01-01 (negative before).
    pub fn day_number(self) -> i32 {
        self.0
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.ymd().1
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u32 {
        self.ymd().2
    }

    /// Day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3).
        match (self.0 + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    /// This date moved by `days` calendar days (negative moves back).
    pub fn add_days(self, days: i32) -> Date {
        Date::from_day_number(self.0.saturating_add(days))
    }

    /// This date moved by whole months; a day that does not exist in the target month is
    /// clamped to that month's last day (31 Jan + 1 month = 28/29 Feb).
    pub fn add_months(self, months: i32) -> Date {
        let (y, m, d) = self.ymd();
        let total = y * 12 + (m as i32 - 1) + months;
        let ny = total.div_euclid(12).clamp(MIN_YEAR, MAX_YEAR);
        let nm = total.rem_euclid(12) as u32 + 1;
        let nd = d.min(days_in_month(ny, nm));
        Date(days_from_civil(ny, nm, nd))
    }

    /// This date moved by whole years (29 Feb clamps to 28 Feb in common years).
    pub fn add_years(self, years: i32) -> Date {
        self.add_months(years.saturating_mul(12))
    }

    /// Calendar days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i32 {
        other.0 - self.0
    }

    /// Whole years completed from `self` to `later` — a person's age on `later` when `self`
    /// is their date of birth. Negative when `later` is before `self`.
    pub fn whole_years_until(self, later: Date) -> i32 {
        let (y1, m1, d1) = self.ymd();
        let (y2, m2, d2) = later.ymd();
        let mut years = y2 - y1;
        if (m2, d2) < (m1, d1) {
            years -= 1;
        }
        if later < self && years < 0 && (m2, d2) > (m1, d1) {
            years += 1;
        }
        years
    }

    /// Whole months completed from `self` to `later`.
    pub fn whole_months_until(self, later: Date) -> i32 {
        let (y1, m1, d1) = self.ymd();
        let (y2, m2, d2) = later.ymd();
        let mut months = (y2 - y1) * 12 + m2 as i32 - m1 as i32;
        if d2 < d1 && later.add_days(1).month() == m2 {
            months -= 1;
        }
        months
    }

    /// First day of this date's month.
    pub fn first_of_month(self) -> Date {
        let (y, m, _) = self.ymd();
        Date(days_from_civil(y, m, 1))
    }

    /// Last day of this date's month.
    pub fn last_of_month(self) -> Date {
        let (y, m, _) = self.ymd();
        Date(days_from_civil(y, m, days_in_month(y, m)))
    }

    /// Reads `YYYY-MM-DD` (ISO 8601 calendar date, four-digit year).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let t = text.trim();
        let b = t.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return Err(DateError::Format(text.chars().take(40).collect()));
        }
        let num = |r: std::ops::Range<usize>| -> u32 {
            b[r].iter().fold(0, |acc, c| acc * 10 + u32::from(c - b'0'))
        };
        let (year, month, day) = (num(0..4) as i32, num(5..7), num(8..10));
        Date::from_ymd(year, month, day).ok_or(DateError::NoSuchDay { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        if (0..=9999).contains(&y) {
            write!(f, "{y:04}-{m:02}-{d:02}")
        } else {
            write!(f, "{y:+05}-{m:02}-{d:02}")
        }
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn known_weekdays() {
        assert_eq!(d("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(d("2026-03-24").weekday(), Weekday::Tuesday);
        assert_eq!(d("2025-01-05").weekday(), Weekday::Sunday);
        assert_eq!(d("2000-02-29").weekday(), Weekday::Tuesday);
    }

    #[test]
    fn parse_rejects_bad_text() {
        assert!(matches!(
            Date::parse("2026-02-30"),
            Err(DateError::NoSuchDay { .. })
        ));
        assert!(matches!(
            Date::parse("25.11.2026"),
            Err(DateError::Format(_))
        ));
        assert!(Date::parse("").is_err());
        assert!(Date::parse("2026-1-01").is_err());
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        assert_eq!(d("2026-01-31").add_months(1), d("2026-02-28"));
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2024-02-29").add_years(1), d("2025-02-28"));
        assert_eq!(d("2026-11-25").add_months(-11), d("2025-12-25"));
    }

    #[test]
    fn ages() {
        assert_eq!(d("2008-11-26").whole_years_until(d("2026-11-25")), 17);
        assert_eq!(d("2008-11-25").whole_years_until(d("2026-11-25")), 18);
        assert_eq!(d("2000-02-29").whole_years_until(d("2001-02-28")), 0);
        assert_eq!(d("2000-02-29").whole_years_until(d("2001-03-01")), 1);
    }

    #[test]
    fn serde_round_trip() {
        let v = serde_json::to_string(&d("2026-07-01")).unwrap();
        assert_eq!(v, "\"2026-07-01\"");
        let back: Date = serde_json::from_str(&v).unwrap();
        assert_eq!(back, d("2026-07-01"));
    }

    proptest! {
        #[test]
        fn day_number_round_trips(n in -3_000_000i32..3_000_000) {
            let date = Date::from_day_number(n);
            let (y, m, dd) = date.ymd();
            prop_assert_eq!(Date::from_ymd(y, m, dd), Some(date));
            prop_assert_eq!(Date::parse(&date.to_string()).ok().filter(|_| y >= 0), if y >= 0 { Some(date) } else { None });
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = Date::parse(&s);
        }

        #[test]
        fn add_days_is_consistent(n in -100_000i32..100_000, k in -1000i32..1000) {
            let a = Date::from_day_number(n);
            prop_assert_eq!(a.add_days(k).days_until(a), -k);
            prop_assert_eq!(a.add_days(k).weekday().index(), ((a.weekday().index() as i32 + k).rem_euclid(7)) as u8);
        }

        #[test]
        fn age_is_monotonic(n in 0i32..30_000, k in 0i32..20_000) {
            let birth = Date::from_day_number(n);
            let later = birth.add_days(k);
            let age = birth.whole_years_until(later);
            prop_assert!(age >= 0);
            prop_assert!(birth.add_years(age) <= later || birth.month() == 2 && birth.day() == 29);
        }
    }
}
