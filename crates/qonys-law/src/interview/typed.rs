//! Reading a person's typed reply to a question, by the fact's type: yes/no in three languages
//! (or 1 / 2), a choice by number, id or label in any language (several, comma-separated, for
//! multi-choice facts), dates (`YYYY-MM-DD` or `DD.MM.YYYY`), money with an optional currency
//! that must be the fact's own, whole numbers and numbers within the fact's bounds, countries
//! by ISO code or name in any language, and "I don't know" (`?`, `unknown`, `не знаю`,
//! `білмеймін`, …). The result is a canonical [`RawValue`] that
//! [`parse_answer`](crate::case::parse_answer) accepts; a refusal is a [`BadAnswer`] whose
//! message id and arguments a front end turns into a sentence in the person's language.

use qonys_time::Date;

use crate::case::{RawValue, parse_answer};
use crate::pack::{Fact, FactType, Lang, Pack, V};

/// Why a typed reply was refused. Each variant has a message id (`answer-invalid-…`) with
/// arguments for the catalogue, and an English [`Display`](std::fmt::Display).
#[derive(Debug, Clone, PartialEq)]
pub enum BadAnswer {
    /// Nothing was typed.
    Empty,
    /// Not yes or no.
    YesNo,
    /// Not one of the `count` choices.
    Choice {
        /// Number of choices.
        count: usize,
    },
    /// One item of a multiple choice is not a choice.
    Choices {
        /// The item as typed.
        item: String,
        /// Number of choices.
        count: usize,
    },
    /// Not a date.
    Date,
    /// Not a number.
    Number,
    /// Not a whole number.
    WholeNumber,
    /// Below the fact's minimum.
    TooSmall {
        /// The minimum.
        min: f64,
    },
    /// Above the fact's maximum.
    TooLarge {
        /// The maximum.
        max: f64,
    },
    /// A negative amount.
    Negative,
    /// Not an amount.
    Amount {
        /// The fact's currency.
        currency: String,
    },
    /// An amount in another currency.
    Currency {
        /// The fact's currency.
        expected: String,
        /// The currency typed.
        found: String,
    },
    /// No such country.
    Country {
        /// The text typed.
        text: String,
    },
    /// Refused by the case-file rules (English message).
    Other(String),
}

impl BadAnswer {
    /// The message id in the Fluent catalogue.
    pub fn message_id(&self) -> &'static str {
        match self {
            BadAnswer::Empty => "answer-invalid-empty",
            BadAnswer::YesNo => "answer-invalid-yes-no",
            BadAnswer::Choice { .. } => "answer-invalid-choice",
            BadAnswer::Choices { .. } => "answer-invalid-choices",
            BadAnswer::Date => "answer-invalid-date",
            BadAnswer::Number => "answer-invalid-number",
            BadAnswer::WholeNumber => "answer-invalid-whole",
            BadAnswer::TooSmall { .. } => "answer-invalid-too-small",
            BadAnswer::TooLarge { .. } => "answer-invalid-too-large",
            BadAnswer::Negative => "answer-invalid-negative",
            BadAnswer::Amount { .. } => "answer-invalid-amount",
            BadAnswer::Currency { .. } => "answer-invalid-currency",
            BadAnswer::Country { .. } => "answer-invalid-country",
            BadAnswer::Other(_) => "answer-invalid-other",
        }
    }

    /// The message's arguments as text.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            BadAnswer::Choice { count } => vec![("count", count.to_string())],
            BadAnswer::Choices { item, count } => {
                vec![("item", item.clone()), ("count", count.to_string())]
            }
            BadAnswer::TooSmall { min } => vec![("min", min.to_string())],
            BadAnswer::TooLarge { max } => vec![("max", max.to_string())],
            BadAnswer::Amount { currency } => vec![("currency", currency.clone())],
            BadAnswer::Currency { expected, found } => {
                vec![("expected", expected.clone()), ("found", found.clone())]
            }
            BadAnswer::Country { text } => vec![("text", text.clone())],
            BadAnswer::Other(m) => vec![("message", m.clone())],
            _ => Vec::new(),
        }
    }
}

impl std::fmt::Display for BadAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadAnswer::Empty => write!(f, "please type an answer, or ? if you don't know"),
            BadAnswer::YesNo => write!(f, "please answer yes or no (1 = yes, 2 = no)"),
            BadAnswer::Choice { count } => {
                write!(
                    f,
                    "please type a number from 1 to {count}, or a choice's name"
                )
            }
            BadAnswer::Choices { item, count } => write!(
                f,
                "\"{item}\" is not a choice: type numbers from 1 to {count}, separated by commas"
            ),
            BadAnswer::Date => write!(f, "please type a date as YYYY-MM-DD or DD.MM.YYYY"),
            BadAnswer::Number => write!(f, "please type a number"),
            BadAnswer::WholeNumber => write!(f, "please type a whole number"),
            BadAnswer::TooSmall { min } => write!(f, "please type at least {min}"),
            BadAnswer::TooLarge { max } => write!(f, "please type at most {max}"),
            BadAnswer::Negative => write!(f, "an amount cannot be negative"),
            BadAnswer::Amount { currency } => {
                write!(f, "please type an amount in {currency}, such as 5 000 000")
            }
            BadAnswer::Currency { expected, found } => write!(
                f,
                "this amount must be in {expected}, not {found}: convert it at the day's rate"
            ),
            BadAnswer::Country { text } => write!(
                f,
                "no country \"{text}\": type its ISO code (DE, KZ, CN) or its name"
            ),
            BadAnswer::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for BadAnswer {}

const UNKNOWN_WORDS: &[&str] = &[
    "?",
    "unknown",
    "i don't know",
    "i dont know",
    "don't know",
    "dont know",
    "idk",
    "not known",
    "не знаю",
    "незнаю",
    "неизвестно",
    "не известно",
    "білмеймін",
    "белгісіз",
    "bilmeimin",
];

fn normalize(text: &str) -> String {
    text.trim()
        .trim_end_matches(['.', '!'])
        .trim()
        .replace('’', "'")
        .to_lowercase()
}

/// Whether the reply means "I don't know".
pub fn is_unknown_word(text: &str) -> bool {
    let t = normalize(text);
    UNKNOWN_WORDS.contains(&t.as_str())
}

fn yes_no(text: &str) -> Option<bool> {
    match normalize(text).as_str() {
        "yes" | "y" | "true" | "1" | "да" | "д" | "иә" | "ия" | "иа" | "ие" => {
            Some(true)
        }
        "no" | "n" | "false" | "2" | "нет" | "н" | "жоқ" | "жок" => Some(false),
        _ => None,
    }
}

/// The option a typed item names: its number (1-based), its id, or its label in any language.
fn option_of(fact: &Fact, item: &str) -> Option<usize> {
    let t = normalize(item);
    if t.is_empty() {
        return None;
    }
    if let Ok(n) = t.parse::<usize>() {
        return (1..=fact.options.len()).contains(&n).then(|| n - 1);
    }
    fact.options.iter().position(|o| {
        o.id.eq_ignore_ascii_case(&t) || Lang::ALL.iter().any(|&l| normalize(o.label.get(l)) == t)
    })
}

/// Reads `DD.MM.YYYY` (one- or two-digit day and month).
fn dotted_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || !(1..=2).contains(&d.len())
        || !(1..=2).contains(&m.len())
    {
        return None;
    }
    Date::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn bounds(fact: &Fact, n: f64) -> Result<(), BadAnswer> {
    if let Some(min) = fact.min
        && n < min
    {
        return Err(BadAnswer::TooSmall { min });
    }
    if let Some(max) = fact.max
        && n > max
    {
        return Err(BadAnswer::TooLarge { max });
    }
    Ok(())
}

/// Reads a typed reply to the question about `fact`. Returns the canonical raw answer
/// (`RawValue::Str("unknown")` for "I don't know"), already checked against the fact.
pub fn read_answer(pack: &Pack, fact: &Fact, text: &str) -> Result<RawValue, BadAnswer> {
    let t = text.trim();
    if t.is_empty() {
        return Err(BadAnswer::Empty);
    }
    if is_unknown_word(t) {
        return Ok(RawValue::Str("unknown".into()));
    }
    let raw = match &fact.kind {
        FactType::Bool => RawValue::Bool(yes_no(t).ok_or(BadAnswer::YesNo)?),
        FactType::Enum => {
            let i = option_of(fact, t).ok_or(BadAnswer::Choice {
                count: fact.options.len(),
            })?;
            RawValue::Str(fact.options[i].id.clone())
        }
        FactType::Set => {
            let count = fact.options.len();
            let mut chosen: Vec<usize> = Vec::new();
            if t == "-" {
                // Nothing chosen.
            } else if let Some(i) = option_of(fact, t) {
                chosen.push(i);
            } else {
                let items: Vec<&str> = if t.contains([',', ';']) {
                    t.split([',', ';']).collect()
                } else {
                    t.split_whitespace().collect()
                };
                for item in items {
                    if item.trim().is_empty() {
                        continue;
                    }
                    let i = option_of(fact, item).ok_or_else(|| BadAnswer::Choices {
                        item: item.trim().chars().take(60).collect(),
                        count,
                    })?;
                    if !chosen.contains(&i) {
                        chosen.push(i);
                    }
                }
                if chosen.is_empty() {
                    return Err(BadAnswer::Choice { count });
                }
            }
            chosen.sort_unstable();
            RawValue::List(
                chosen
                    .into_iter()
                    .map(|i| RawValue::Str(fact.options[i].id.clone()))
                    .collect(),
            )
        }
        FactType::Date => match Date::parse(t) {
            Ok(d) => RawValue::Date(d),
            Err(_) => RawValue::Date(dotted_date(t).ok_or(BadAnswer::Date)?),
        },
        FactType::Integer | FactType::Number => {
            let n = match crate::case::parse_amount(t) {
                Some((n, None)) => n,
                _ => return Err(BadAnswer::Number),
            };
            if fact.kind == FactType::Integer && n.fract() != 0.0 {
                return Err(BadAnswer::WholeNumber);
            }
            bounds(fact, n)?;
            RawValue::Num(n)
        }
        FactType::Money(cur) => {
            let n = match crate::case::parse_amount(t) {
                Some((n, None)) => n,
                Some((n, Some(c))) if &c == cur => n,
                Some((_, Some(c))) => {
                    return Err(BadAnswer::Currency {
                        expected: cur.clone(),
                        found: c,
                    });
                }
                None => {
                    return Err(BadAnswer::Amount {
                        currency: cur.clone(),
                    });
                }
            };
            if n < 0.0 {
                return Err(BadAnswer::Negative);
            }
            bounds(fact, n)?;
            RawValue::Num(n)
        }
        FactType::Country => match parse_answer(pack, fact, &RawValue::Str(t.to_string())) {
            Ok(V::Sym(i)) if usize::from(i) < pack.countries.len() => {
                RawValue::Str(pack.countries[usize::from(i)].code.clone())
            }
            _ => {
                return Err(BadAnswer::Country {
                    text: t.chars().take(60).collect(),
                });
            }
        },
    };
    match parse_answer(pack, fact, &raw) {
        Ok(_) => Ok(raw),
        Err(e) => Err(BadAnswer::Other(e.message)),
    }
}
