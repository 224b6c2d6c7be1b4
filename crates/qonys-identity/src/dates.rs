//! Reading the date spellings found on identity and civil documents: ISO `2026-03-21`,
//! `21.03.2026` (dots are always day first), `21/03/2026` and `03/21/2026` (slashes and
//! hyphens may be either order — flagged as ambiguous when both readings are real days),
//! English `21 MAR 2026` / `21 March 2026` / `March 21, 2026`, Russian `21 марта 2026 г.`
//! and Kazakh `21 наурыз 2026` / `2026 жылғы 21 наурыз`. Passport-style bilingual months
//! (`12 AUG/AOÛT 1974`) are read too.
//!
//! Two-digit years are refused: without the document's context a reader cannot tell the
//! century, and this module never guesses (the MRZ, which has its own rules, is read in
//! [`crate::mrz`]).

use qonys_time::Date;
use serde::Serialize;

/// The language a month name was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MonthLanguage {
    /// `March`, `MAR`, `Mar.`.
    English,
    /// `марта`, `март`, `мар.`.
    Russian,
    /// `наурыз`, `наурыздағы`.
    Kazakh,
    /// French, as on bilingual passport pages (`MARS`, `AOÛT`).
    French,
}

/// How a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DateSpelling {
    /// `2026-03-21` (also with `.` or `/`): year first.
    Iso,
    /// Digits, day first (`21.03.2026`, `21/03/2026`).
    NumericDayFirst,
    /// Digits, month first as in the US (`03/21/2026`).
    NumericMonthFirst,
    /// Month written as a word.
    MonthName(MonthLanguage),
}

/// A date read from a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DocumentDate {
    /// The date (for an ambiguous spelling, the day-first reading).
    pub date: Date,
    /// How it was written (for an ambiguous spelling, [`DateSpelling::NumericDayFirst`]).
    pub spelling: DateSpelling,
    /// The other reading when the spelling is ambiguous (`04/03/2026`: 4 March or 3 April).
    pub alternative: Option<Date>,
}

impl DocumentDate {
    /// Whether the text can be read as two different days.
    pub fn is_ambiguous(&self) -> bool {
        self.alternative.is_some()
    }
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentDateError {
    /// Nothing but whitespace.
    #[error("the date is empty")]
    Empty,
    /// Longer than [`MAX_DATE_CHARS`].
    #[error("{chars} characters is too long for a date (at most {max})")]
    TooLong {
        /// Characters found.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Not a spelling this reader knows.
    #[error(
        "{0:?} is not a date: expected e.g. 2026-03-21, 21.03.2026, 21/03/2026, 21 March 2026, 21 марта 2026 or 21 наурыз 2026"
    )]
    Unrecognised(String),
    /// A year written with two digits.
    #[error(
        "{0:?} has a two-digit year; write the year with four digits (the century cannot be guessed)"
    )]
    TwoDigitYear(String),
    /// A word where the month should be that is no month name this reader knows.
    #[error("{0:?} is not a month name (English, Russian or Kazakh)")]
    UnknownMonth(String),
    /// The parts do not name a real day.
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

/// Longest text accepted by [`parse_document_date`], in characters.
pub const MAX_DATE_CHARS: usize = 64;

/// Month names, lower case, by month number (index 0 = January). Russian has nominative,
/// genitive and abbreviated forms; Kazakh has the nominative (case endings are accepted
/// after it).
const MONTHS: &[(MonthLanguage, [&[&str]; 12])] = &[
    (
        MonthLanguage::English,
        [
            &["january", "jan"],
            &["february", "feb"],
            &["march", "mar"],
            &["april", "apr"],
            &["may"],
            &["june", "jun"],
            &["july", "jul"],
            &["august", "aug"],
            &["september", "sep", "sept"],
            &["october", "oct"],
            &["november", "nov"],
            &["december", "dec"],
        ],
    ),
    (
        MonthLanguage::Russian,
        [
            &["января", "январь", "янв"],
            &["февраля", "февраль", "фев", "февр"],
            &["марта", "март", "мар"],
            &["апреля", "апрель", "апр"],
            &["мая", "май"],
            &["июня", "июнь", "июн"],
            &["июля", "июль", "июл"],
            &["августа", "август", "авг"],
            &["сентября", "сентябрь", "сен", "сент"],
            &["октября", "октябрь", "окт"],
            &["ноября", "ноябрь", "ноя", "нояб"],
            &["декабря", "декабрь", "дек"],
        ],
    ),
    (
        MonthLanguage::Kazakh,
        [
            &["қаңтар"],
            &["ақпан"],
            &["наурыз"],
            &["сәуір"],
            &["мамыр"],
            &["маусым"],
            &["шілде"],
            &["тамыз"],
            &["қыркүйек"],
            &["қазан"],
            &["қараша"],
            &["желтоқсан"],
        ],
    ),
    (
        MonthLanguage::French,
        [
            &["janvier", "janv"],
            &["février", "fevrier", "févr", "fevr"],
            &["mars"],
            &["avril", "avr"],
            &["mai"],
            &["juin"],
            &["juillet", "juil"],
            &["août", "aout"],
            &["septembre"],
            &["octobre"],
            &["novembre"],
            &["décembre", "decembre", "déc"],
        ],
    ),
];

/// Words that may accompany a date and carry no information ("г.", "года", "жылғы").
const NOISE_WORDS: &[&str] = &[
    "г",
    "г.",
    "гг",
    "год",
    "года",
    "ж",
    "ж.",
    "жыл",
    "жылы",
    "жылғы",
    "of",
    "the",
];

/// Month number and language of a month word (`марта` → 3, Russian). A word of the form
/// `AUG/AOÛT` is read if every part is the same month.
fn month_of(word: &str) -> Option<(u32, MonthLanguage)> {
    let word = word.trim_end_matches('.');
    if word.contains('/') {
        let found: Vec<_> = word.split('/').map(month_of).collect();
        let first = (*found.first()?)?;
        return found
            .iter()
            .all(|m| m.is_some_and(|m| m.0 == first.0))
            .then_some(first);
    }
    for (lang, months) in MONTHS {
        for (i, forms) in months.iter().enumerate() {
            if forms.contains(&word) {
                return Some((i as u32 + 1, *lang));
            }
        }
    }
    // Kazakh case endings: "наурыздағы", "наурызда".
    let (_, kazakh) = MONTHS.iter().find(|(l, _)| *l == MonthLanguage::Kazakh)?;
    kazakh
        .iter()
        .enumerate()
        .find(|(_, forms)| forms.iter().any(|f| word.starts_with(f)))
        .map(|(i, _)| (i as u32 + 1, MonthLanguage::Kazakh))
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn real_day(year: i32, month: u32, day: u32) -> Result<Date, DocumentDateError> {
    Date::from_ymd(year, month, day).ok_or(DocumentDateError::NoSuchDay { year, month, day })
}

fn parse_numeric(t: &str, original: &str) -> Result<DocumentDate, DocumentDateError> {
    let sep = t.chars().find(|c| matches!(c, '.' | '/' | '-'));
    let Some(sep) = sep else {
        return Err(DocumentDateError::Unrecognised(original.to_string()));
    };
    let parts: Vec<&str> = t.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(DocumentDateError::Unrecognised(original.to_string()));
    };
    let (Some(na), Some(nb), Some(nc)) = (number(a), number(b), number(c)) else {
        return Err(DocumentDateError::Unrecognised(original.to_string()));
    };
    if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        let date = real_day(na as i32, nb, nc)?;
        return Ok(DocumentDate {
            date,
            spelling: DateSpelling::Iso,
            alternative: None,
        });
    }
    if a.len() > 2 || b.len() > 2 {
        return Err(DocumentDateError::Unrecognised(original.to_string()));
    }
    if c.len() != 4 {
        return Err(if c.len() <= 2 {
            DocumentDateError::TwoDigitYear(original.to_string())
        } else {
            DocumentDateError::Unrecognised(original.to_string())
        });
    }
    let year = nc as i32;
    if sep == '.' {
        let date = real_day(year, nb, na)?;
        return Ok(DocumentDate {
            date,
            spelling: DateSpelling::NumericDayFirst,
            alternative: None,
        });
    }
    let day_first = Date::from_ymd(year, nb, na);
    let month_first = Date::from_ymd(year, na, nb);
    match (day_first, month_first) {
        (Some(d), Some(m)) if d != m => Ok(DocumentDate {
            date: d,
            spelling: DateSpelling::NumericDayFirst,
            alternative: Some(m),
        }),
        (Some(d), _) => Ok(DocumentDate {
            date: d,
            spelling: DateSpelling::NumericDayFirst,
            alternative: None,
        }),
        (None, Some(m)) => Ok(DocumentDate {
            date: m,
            spelling: DateSpelling::NumericMonthFirst,
            alternative: None,
        }),
        (None, None) => Err(DocumentDateError::NoSuchDay {
            year,
            month: nb,
            day: na,
        }),
    }
}

/// A day number with an optional English ordinal suffix (`21`, `21st`).
fn day_number(word: &str) -> Option<u32> {
    let digits = word
        .strip_suffix("st")
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))
        .unwrap_or(word);
    if digits.len() <= 2 {
        number(digits)
    } else {
        None
    }
}

fn parse_words(t: &str, original: &str) -> Result<DocumentDate, DocumentDateError> {
    let tokens: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && !NOISE_WORDS.contains(w))
        .collect();
    let (mut year, mut day, mut month) = (None, None, None);
    let mut short_year = false;
    for tok in &tokens {
        let tok = tok.trim_end_matches('.');
        let tok = tok
            .strip_suffix("г")
            .filter(|t| number(t).is_some())
            .unwrap_or(tok);
        if tok.len() == 4 && number(tok).is_some() && year.is_none() {
            year = number(tok).map(|y| y as i32);
        } else if let Some(d) = day_number(tok).filter(|_| day.is_none()) {
            day = Some(d);
        } else if let Some(m) = month_of(tok).filter(|_| month.is_none()) {
            month = Some(m);
        } else if number(tok).is_some() && day.is_some() && year.is_none() {
            short_year = true;
        } else if tok.chars().all(char::is_alphabetic) && month.is_none() {
            return Err(DocumentDateError::UnknownMonth(tok.to_string()));
        } else {
            return Err(DocumentDateError::Unrecognised(original.to_string()));
        }
    }
    match (year, month, day) {
        (Some(y), Some((m, lang)), Some(d)) => Ok(DocumentDate {
            date: real_day(y, m, d)?,
            spelling: DateSpelling::MonthName(lang),
            alternative: None,
        }),
        (None, Some(_), Some(_)) if short_year => {
            Err(DocumentDateError::TwoDigitYear(original.to_string()))
        }
        _ => Err(DocumentDateError::Unrecognised(original.to_string())),
    }
}

/// Reads a date as written on a document. The result says how it was written and, for a
/// slash or hyphen spelling that reads as two different real days (`04/03/2026`), gives
/// the day-first reading with the month-first one as [`DocumentDate::alternative`].
///
/// ```
/// use qonys_identity::dates::parse_document_date;
/// let d = parse_document_date("21 марта 2026 г.").unwrap();
/// assert_eq!(d.date.to_string(), "2026-03-21");
/// assert!(parse_document_date("04/03/2026").unwrap().is_ambiguous());
/// ```
pub fn parse_document_date(text: &str) -> Result<DocumentDate, DocumentDateError> {
    let original = text.trim();
    if original.is_empty() {
        return Err(DocumentDateError::Empty);
    }
    let chars = original.chars().count();
    if chars > MAX_DATE_CHARS {
        return Err(DocumentDateError::TooLong {
            chars,
            max: MAX_DATE_CHARS,
        });
    }
    let lowered: String = original
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '«' | '»' | '"' | '“' | '”' | '„' | '\''))
        .collect();
    let words: Vec<&str> = lowered
        .split_whitespace()
        .filter(|w| !NOISE_WORDS.contains(w))
        .collect();
    match words.as_slice() {
        [] => Err(DocumentDateError::Unrecognised(original.to_string())),
        [single] if single.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
            // "21.03.2026г." — the year word may be glued to the digits.
            let digits = ["г.", "г", "ж.", "ж"]
                .iter()
                .find_map(|w| single.strip_suffix(w))
                .unwrap_or(single)
                .trim_end_matches('.');
            if digits.contains(char::is_alphabetic) {
                // "21-MAR-2026", "21.mar.2026": separators around a month name.
                parse_words(&single.replace(['-', '.'], " "), original)
            } else {
                parse_numeric(digits, original)
            }
        }
        _ => parse_words(&words.join(" "), original),
    }
}

/// Whether `a` and `b` look like one date with day and month exchanged: same year,
/// different dates, `a`'s day is `b`'s month and the other way round (so both are ≤ 12).
pub fn likely_day_month_swap(a: Date, b: Date) -> bool {
    let (ya, ma, da) = a.ymd();
    let (yb, mb, db) = b.ymd();
    a != b && ya == yb && ma == db && da == mb
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn read(s: &str) -> DocumentDate {
        parse_document_date(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn every_supported_spelling() {
        let expected = day("2026-03-21");
        for s in [
            "2026-03-21",
            "21.03.2026",
            "21.03.2026 г.",
            "21.03.2026г.",
            "21/03/2026",
            "03/21/2026",
            "21-03-2026",
            "21 MAR 2026",
            "21 Mar. 2026",
            "21 March 2026",
            "March 21, 2026",
            "21st March 2026",
            "21 марта 2026",
            "21 марта 2026 г.",
            "21 марта 2026 года",
            "«21» марта 2026 г.",
            "21 мар. 2026",
            "21 наурыз 2026",
            "21 наурыз 2026 ж.",
            "2026 жылғы 21 наурыз",
            "2026 жылғы 21 наурыздағы",
            "21 MAR/MARS 2026",
            "  21 MARCH 2026  ",
            "21-Mar-2026",
        ] {
            let d = read(s);
            assert_eq!(d.date, expected, "{s}");
            assert!(!d.is_ambiguous(), "{s}");
        }
    }

    #[test]
    fn spelling_is_reported() {
        assert_eq!(read("2026-03-21").spelling, DateSpelling::Iso);
        assert_eq!(read("21.03.2026").spelling, DateSpelling::NumericDayFirst);
        assert_eq!(read("03/21/2026").spelling, DateSpelling::NumericMonthFirst);
        assert_eq!(
            read("21 MAR 2026").spelling,
            DateSpelling::MonthName(MonthLanguage::English)
        );
        assert_eq!(
            read("21 марта 2026").spelling,
            DateSpelling::MonthName(MonthLanguage::Russian)
        );
        assert_eq!(
            read("21 наурыз 2026").spelling,
            DateSpelling::MonthName(MonthLanguage::Kazakh)
        );
        assert_eq!(read("12 AUG/AOÛT 1974").date, day("1974-08-12"));
    }

    #[test]
    fn slashes_are_ambiguous_when_both_readings_are_real() {
        let d = read("04/03/2026");
        assert!(d.is_ambiguous());
        assert_eq!(d.date, day("2026-03-04"));
        assert_eq!(d.alternative, Some(day("2026-04-03")));
        assert!(!read("03/03/2026").is_ambiguous());
        // Dots are day first in every country whose documents use them.
        assert!(!read("04.03.2026").is_ambiguous());
    }

    #[test]
    fn clear_errors() {
        assert_eq!(parse_document_date(""), Err(DocumentDateError::Empty));
        assert_eq!(
            parse_document_date("31.02.2026"),
            Err(DocumentDateError::NoSuchDay {
                year: 2026,
                month: 2,
                day: 31
            })
        );
        assert!(matches!(
            parse_document_date("21.03.26"),
            Err(DocumentDateError::TwoDigitYear(_))
        ));
        assert!(matches!(
            parse_document_date("21 марта 26"),
            Err(DocumentDateError::TwoDigitYear(_))
        ));
        assert!(matches!(
            parse_document_date("21 Brumaire 2026"),
            Err(DocumentDateError::UnknownMonth(_))
        ));
        assert!(matches!(
            parse_document_date("yesterday"),
            Err(DocumentDateError::UnknownMonth(_))
        ));
        assert!(matches!(
            parse_document_date("13/13/2026"),
            Err(DocumentDateError::NoSuchDay { .. })
        ));
        assert!(matches!(
            parse_document_date("1/2/3/4"),
            Err(DocumentDateError::Unrecognised(_))
        ));
        let msg = parse_document_date("21.03.26").unwrap_err().to_string();
        assert!(msg.contains("four digits"), "{msg}");
    }

    #[test]
    fn day_month_swap() {
        assert!(likely_day_month_swap(day("1990-03-04"), day("1990-04-03")));
        assert!(!likely_day_month_swap(day("1990-03-04"), day("1991-04-03")));
        assert!(!likely_day_month_swap(day("1990-03-03"), day("1990-03-03")));
        assert!(!likely_day_month_swap(day("1990-03-21"), day("1990-03-22")));
    }

    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    const KK: [&str; 12] = [
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ];

    proptest! {
        #[test]
        fn document_dates_never_panics(text in "\\PC{0,70}") {
            let _ = parse_document_date(&text);
        }

        #[test]
        fn document_dates_never_panics_on_date_like_text(text in "[0-9./\\- ]{0,20}( [a-zа-яәқңұүі.]{0,9})?( [0-9г.]{0,6})?") {
            let _ = parse_document_date(&text);
        }

        #[test]
        fn every_spelling_round_trips(n in 0i32..200_000) {
            let date = Date::from_day_number(n - 50_000);
            let (y, m, d) = date.ymd();
            prop_assume!((1000..=9999).contains(&y));
            let mi = (m - 1) as usize;
            for s in [
                date.to_string(),
                format!("{d:02}.{m:02}.{y}"),
                format!("{d} {} {y}", EN[mi]),
                format!("{d} {} {y} г.", RU[mi]),
                format!("{y} жылғы {d} {}", KK[mi]),
            ] {
                let r = parse_document_date(&s);
                prop_assert_eq!(r.map(|r| r.date), Ok(date), "{}", s);
            }
            let slashed = parse_document_date(&format!("{m:02}/{d:02}/{y}")).unwrap();
            prop_assert!(slashed.date == date || slashed.alternative == Some(date));
        }

        #[test]
        fn swap_is_symmetric(a in 0i32..30_000, b in 0i32..30_000) {
            let (a, b) = (Date::from_day_number(a), Date::from_day_number(b));
            prop_assert_eq!(likely_day_month_swap(a, b), likely_day_month_swap(b, a));
            if likely_day_month_swap(a, b) {
                prop_assert!(a.day() <= 12 && a.month() <= 12);
            }
        }
    }
}
