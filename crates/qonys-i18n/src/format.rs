//! Numbers, money and dates as each language writes them: `5,709,000 KZT` in English,
//! `5 709 000 KZT` in Russian and Kazakh; dates as `1 March 2026`, `1 марта 2026 г.`,
//! `2026 жылғы 1 наурыз`.

use qonys_law::Lang;
use qonys_time::Date;

/// A number with thousands separators and at most two decimals.
pub fn number(lang: Lang, n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let neg = n < 0.0;
    let rounded = (n.abs() * 100.0).round() / 100.0;
    let int = rounded.trunc() as u64;
    let frac = ((rounded - rounded.trunc()) * 100.0).round() as u64;
    let digits = int.to_string();
    let sep = match lang {
        Lang::En => ",",
        Lang::Ru | Lang::Kk => "\u{202f}",
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    if frac > 0 {
        out.push(if lang == Lang::En { '.' } else { ',' });
        out.push_str(&format!("{frac:02}"));
    }
    if neg { format!("-{out}") } else { out }
}

/// An amount with its currency code.
pub fn money(lang: Lang, n: f64, currency: &str) -> String {
    format!("{} {currency}", number(lang, n))
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_RU: [&str; 12] = [
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
const MONTHS_KK: [&str; 12] = [
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

/// A date in words.
pub fn date(lang: Lang, d: Date) -> String {
    let (y, m, day) = d.ymd();
    let mi = (m as usize).saturating_sub(1).min(11);
    match lang {
        Lang::En => format!("{day} {} {y}", MONTHS_EN[mi]),
        Lang::Ru => format!("{day} {} {y} г.", MONTHS_RU[mi]),
        Lang::Kk => format!("{y} жылғы {day} {}", MONTHS_KK[mi]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_per_language() {
        assert_eq!(number(Lang::En, 5_709_000.0), "5,709,000");
        assert_eq!(number(Lang::Ru, 5_709_000.0), "5\u{202f}709\u{202f}000");
        assert_eq!(number(Lang::En, 3000.5), "3,000.50");
        assert_eq!(number(Lang::En, 999.0), "999");
        assert_eq!(money(Lang::Kk, 300_000.0, "USD"), "300\u{202f}000 USD");
    }

    #[test]
    fn dates_per_language() {
        let d = Date::from_ymd(2026, 3, 1).unwrap();
        assert_eq!(date(Lang::En, d), "1 March 2026");
        assert_eq!(date(Lang::Ru, d), "1 марта 2026 г.");
        assert_eq!(date(Lang::Kk, d), "2026 жылғы 1 наурыз");
    }
}
