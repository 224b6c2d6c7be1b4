//! Raw answers and their conversion to typed fact values: booleans, options, sets, numbers
//! within bounds, money with its currency, dates and countries. The same conversion serves
//! case files, the JSON API and the interview, so an answer is accepted or refused the same
//! way everywhere.

use qonys_time::Date;

use crate::pack::{Fact, FactType, Pack, V};

/// An answer as written, before it is checked against the fact's type.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// Text: an option id, a country code, an amount with currency, a date, or `unknown`.
    Str(String),
    /// A date.
    Date(Date),
    /// Several values (set facts).
    List(Vec<RawValue>),
}

impl RawValue {
    /// From a TOML value.
    pub fn from_toml(v: toml::Value) -> Result<RawValue, String> {
        Ok(match v {
            toml::Value::Boolean(b) => RawValue::Bool(b),
            toml::Value::Integer(i) => RawValue::Num(i as f64),
            toml::Value::Float(f) => RawValue::Num(f),
            toml::Value::String(s) => RawValue::Str(s),
            toml::Value::Datetime(dt) => RawValue::Date(crate::pack::source::date_from_toml(&dt)?),
            toml::Value::Array(items) => RawValue::List(
                items
                    .into_iter()
                    .map(RawValue::from_toml)
                    .collect::<Result<_, _>>()?,
            ),
            toml::Value::Table(_) => return Err("expected a single value, found a table".into()),
        })
    }

    /// From a JSON value; `null` means "not answered".
    pub fn from_json(v: serde_json::Value) -> Result<Option<RawValue>, String> {
        Ok(Some(match v {
            serde_json::Value::Null => return Ok(None),
            serde_json::Value::Bool(b) => RawValue::Bool(b),
            serde_json::Value::Number(n) => RawValue::Num(n.as_f64().ok_or("number out of range")?),
            serde_json::Value::String(s) => RawValue::Str(s),
            serde_json::Value::Array(items) => RawValue::List(
                items
                    .into_iter()
                    .map(|i| {
                        RawValue::from_json(i)?.ok_or_else(|| "null inside a list".to_string())
                    })
                    .collect::<Result<_, _>>()?,
            ),
            serde_json::Value::Object(_) => {
                return Err("expected a single value, found an object".into());
            }
        }))
    }

    /// As a TOML value literal.
    pub fn to_toml(&self) -> String {
        match self {
            RawValue::Bool(b) => b.to_string(),
            RawValue::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            RawValue::Num(n) => n.to_string(),
            RawValue::Str(s) => super::toml_string(s),
            RawValue::Date(d) => d.to_string(),
            RawValue::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(RawValue::to_toml)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// As a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            RawValue::Bool(b) => serde_json::Value::Bool(*b),
            RawValue::Num(n) => serde_json::json!(n),
            RawValue::Str(s) => serde_json::Value::String(s.clone()),
            RawValue::Date(d) => serde_json::Value::String(d.to_string()),
            RawValue::List(items) => {
                serde_json::Value::Array(items.iter().map(RawValue::to_json).collect())
            }
        }
    }
}

/// Why an answer does not fit its fact.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AnswerError {
    /// What was expected, with an example.
    pub message: String,
}

fn fail<T>(message: impl Into<String>) -> Result<T, AnswerError> {
    Err(AnswerError {
        message: message.into(),
    })
}

fn found(raw: &RawValue) -> String {
    match raw {
        RawValue::Bool(b) => b.to_string(),
        RawValue::Num(n) => n.to_string(),
        RawValue::Str(s) => format!("\"{}\"", s.chars().take(60).collect::<String>()),
        RawValue::Date(d) => d.to_string(),
        RawValue::List(_) => "a list".into(),
    }
}

/// Reads an amount such as `5000000`, `5 000 000`, `5,000,000.50 KZT`, `USD 3000`, `₸5000`:
/// the number and the currency code, if one was written. Case files, the API and the interview
/// all read amounts with this one function.
pub fn parse_amount(text: &str) -> Option<(f64, Option<String>)> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let last = t.rfind(|c: char| c.is_ascii_digit())?;
    let (num, after) = t.split_at(last + 1);
    let (num, cur) = if after.trim().is_empty() {
        let first = num.find(|c: char| c.is_ascii_digit())?;
        let (before, n) = num.split_at(first);
        (n, before.trim())
    } else {
        (num, after.trim())
    };
    let currency = match cur.to_uppercase().as_str() {
        "" => None,
        "$" | "USD" | "US$" => Some("USD".to_string()),
        "₸" | "KZT" | "ТГ" | "ТЕНГЕ" | "ТЕҢГЕ" => Some("KZT".to_string()),
        "€" | "EUR" => Some("EUR".to_string()),
        "₽" | "RUB" | "РУБ" => Some("RUB".to_string()),
        other if other.len() == 3 && other.chars().all(|c| c.is_ascii_alphabetic()) => {
            Some(other.to_string())
        }
        _ => return None,
    };
    let mut digits = String::new();
    for c in num.chars() {
        match c {
            '0'..='9' | '.' => digits.push(c),
            ' ' | '\u{a0}' | '\u{202f}' | '_' | ',' | '\'' => {}
            _ => return None,
        }
    }
    let n: f64 = digits.parse().ok()?;
    let n = if negative { -n } else { n };
    n.is_finite().then_some((n, currency))
}

fn parse_bool_word(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "да" | "иә" | "ия" => Some(true),
        "false" | "no" | "n" | "нет" | "жоқ" => Some(false),
        _ => None,
    }
}

/// Checks one raw answer against its fact and converts it. The string `unknown` (any case)
/// is accepted for every fact and means "I don't know".
pub fn parse_answer(pack: &Pack, fact: &Fact, raw: &RawValue) -> Result<V, AnswerError> {
    if let RawValue::Str(s) = raw
        && s.trim().eq_ignore_ascii_case("unknown")
    {
        return Ok(V::Unknown);
    }
    match &fact.kind {
        FactType::Bool => match raw {
            RawValue::Bool(b) => Ok(V::Bool(*b)),
            RawValue::Str(s) => match parse_bool_word(s) {
                Some(b) => Ok(V::Bool(b)),
                None => fail(format!(
                    "expected yes or no (true / false), found {}",
                    found(raw)
                )),
            },
            _ => fail(format!(
                "expected yes or no (true / false), found {}",
                found(raw)
            )),
        },
        FactType::Enum => {
            let opts = || {
                fact.options
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match raw {
                RawValue::Str(s) => match fact.option_index(s.trim()) {
                    Some(i) => Ok(V::Sym(i)),
                    None => fail(format!("expected one of: {}; found {}", opts(), found(raw))),
                },
                _ => fail(format!("expected one of: {}; found {}", opts(), found(raw))),
            }
        }
        FactType::Set => {
            let opts = || {
                fact.options
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let items: Vec<&RawValue> = match raw {
                RawValue::List(items) => items.iter().collect(),
                single @ RawValue::Str(_) => vec![single],
                _ => {
                    return fail(format!(
                        "expected a list of choices from: {}; found {}",
                        opts(),
                        found(raw)
                    ));
                }
            };
            let mut mask = 0u64;
            for it in items {
                let RawValue::Str(s) = it else {
                    return fail(format!(
                        "expected choices from: {}; found {}",
                        opts(),
                        found(it)
                    ));
                };
                match fact.option_index(s.trim()) {
                    Some(i) => mask |= 1 << i,
                    None => {
                        return fail(format!(
                            "\"{s}\" is not a choice; the choices are: {}",
                            opts()
                        ));
                    }
                }
            }
            Ok(V::Set(mask))
        }
        FactType::Integer | FactType::Number => {
            let n = match raw {
                RawValue::Num(n) => *n,
                RawValue::Str(s) => match parse_amount(s) {
                    Some((n, None)) => n,
                    _ => return fail(format!("expected a number, found {}", found(raw))),
                },
                _ => return fail(format!("expected a number, found {}", found(raw))),
            };
            number_answer(fact, n)
        }
        FactType::Money(cur) => {
            // Built only when an error is reported (this path is hot in batch binding).
            let example = || format!("for example 5000000 or \"5 000 000 {cur}\"");
            let n = match raw {
                RawValue::Num(n) => *n,
                RawValue::Str(s) => match parse_amount(s) {
                    Some((n, None)) => n,
                    Some((n, Some(c))) if &c == cur => n,
                    Some((_, Some(c))) => {
                        return fail(format!(
                            "this amount must be in {cur}, found an amount in {c}; convert it at the rate of the day ({})",
                            example()
                        ));
                    }
                    None => {
                        return fail(format!(
                            "expected an amount in {cur} ({}), found {}",
                            example(),
                            found(raw)
                        ));
                    }
                },
                _ => {
                    return fail(format!(
                        "expected an amount in {cur} ({}), found {}",
                        example(),
                        found(raw)
                    ));
                }
            };
            number_answer(fact, n)
        }
        FactType::Date => match raw {
            RawValue::Date(d) => Ok(V::Date(*d)),
            RawValue::Str(s) => match Date::parse(s) {
                Ok(d) => Ok(V::Date(d)),
                Err(e) => fail(e.to_string()),
            },
            _ => fail(format!(
                "expected a date such as 1990-05-01, found {}",
                found(raw)
            )),
        },
        FactType::Country => match raw {
            RawValue::Str(s) => match find_country(pack, s) {
                Some(i) => Ok(V::Sym(i)),
                None => fail(format!(
                    "expected a country as an ISO code (\"DE\", \"KZ\", \"CN\") or its name, found {}",
                    found(raw)
                )),
            },
            _ => fail(format!(
                "expected a country code such as \"DE\", found {}",
                found(raw)
            )),
        },
    }
}

/// The checks every numeric answer passes, whatever its spelling: a whole number for an
/// integer fact, no negative amount of money, and the fact's bounds.
#[inline]
fn number_answer(fact: &Fact, n: f64) -> Result<V, AnswerError> {
    match fact.kind {
        FactType::Integer if n.fract() != 0.0 => {
            return fail(format!("expected a whole number, found {n}"));
        }
        FactType::Money(_) if n < 0.0 => {
            return fail(format!("an amount cannot be negative, found {n}"));
        }
        _ => {}
    }
    check_bounds(fact, n)?;
    Ok(V::Num(n))
}

/// Checks a whole column of numeric answers to one fact, as [`parse_answer`] checks each of
/// them (the bulk path for typed input arrays): `Err((i, error))` names the first refused value.
pub fn check_numbers(pack: &Pack, fact: &Fact, values: &[f64]) -> Result<(), (usize, AnswerError)> {
    match fact.kind {
        FactType::Integer | FactType::Number | FactType::Money(_) => {
            for (i, &n) in values.iter().enumerate() {
                number_answer(fact, n).map_err(|e| (i, e))?;
            }
            Ok(())
        }
        _ => match values.first() {
            Some(&n) => parse_answer(pack, fact, &RawValue::Num(n))
                .map(|_| ())
                .map_err(|e| (0, e)),
            None => Ok(()),
        },
    }
}

fn check_bounds(fact: &Fact, n: f64) -> Result<(), AnswerError> {
    if let Some(min) = fact.min
        && n < min
    {
        return fail(format!("expected at least {min}, found {n}"));
    }
    if let Some(max) = fact.max
        && n > max
    {
        return fail(format!("expected at most {max}, found {n}"));
    }
    Ok(())
}

/// Finds a country by alpha-2 or alpha-3 code, or by its name in any language.
pub fn find_country(pack: &Pack, text: &str) -> Option<u16> {
    let t = text.trim();
    if let Some(i) = pack.country_idx(t) {
        return Some(i);
    }
    let upper = t.to_uppercase();
    let lower = t.to_lowercase();
    pack.countries
        .iter()
        .position(|c| {
            c.alpha3 == upper
                || crate::pack::Lang::ALL
                    .iter()
                    .any(|&l| c.name.get(l).to_lowercase() == lower)
        })
        .map(|i| i as u16)
}

#[cfg(test)]
mod tests {
    use super::{RawValue, check_numbers, parse_amount, parse_answer};

    /// The bulk check refuses exactly the values `parse_answer` refuses, with the same message,
    /// on every fact of the bundled pack.
    #[test]
    fn a_column_of_numbers_is_checked_as_each_answer_is() {
        let pack = crate::bundled::load().expect("bundled pack");
        let values = [
            0.0,
            1.0,
            2.5,
            -1.0,
            17.0,
            150.0,
            3_000.0,
            1e12,
            -0.5,
            f64::NAN,
        ];
        for fact in &pack.facts {
            let first_bad = values
                .iter()
                .position(|&n| parse_answer(&pack, fact, &RawValue::Num(n)).is_err());
            match check_numbers(&pack, fact, &values) {
                Ok(()) => assert_eq!(first_bad, None, "{}", fact.id),
                Err((i, e)) => {
                    assert_eq!(Some(i), first_bad, "{}", fact.id);
                    let want =
                        parse_answer(&pack, fact, &RawValue::Num(values[i])).expect_err("refused");
                    assert_eq!(e.to_string(), want.to_string(), "{}", fact.id);
                }
            }
            for (i, &n) in values.iter().enumerate() {
                let one = check_numbers(&pack, fact, &[n]).is_ok();
                assert_eq!(
                    one,
                    parse_answer(&pack, fact, &RawValue::Num(n)).is_ok(),
                    "{} value {i}",
                    fact.id
                );
            }
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("5000000"), Some((5_000_000.0, None)));
        assert_eq!(
            parse_amount("5 000 000 KZT"),
            Some((5_000_000.0, Some("KZT".into())))
        );
        assert_eq!(
            parse_amount("$3,000.50"),
            Some((3000.5, Some("USD".into())))
        );
        assert_eq!(parse_amount("3000 usd"), Some((3000.0, Some("USD".into()))));
        assert_eq!(parse_amount("12 тенге"), Some((12.0, Some("KZT".into()))));
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount("12 apples"), None);
    }
}
