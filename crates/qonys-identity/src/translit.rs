//! Transliteration of Russian and Kazakh Cyrillic into Latin under the systems people's
//! documents actually use, kept as one data table ([`LETTERS`]) with a column per system.
//!
//! A name's Latin spelling is a fact printed on a document, not something to re-derive:
//! these tables exist so that a Cyrillic spelling on one document can be *compared* with a
//! Latin spelling on another ("is `ZHANNA` a transliteration of `Жанна`?"), never to
//! decide what a passport "should" say.
//!
//! Sources (checked November 2026):
//! * ICAO Doc 9303 Part 3 §6, Cyrillic table (also reproduced in Russian official acts,
//!   e.g. the annex on reading ICAO Doc 9303 published on docs.cntd.ru, and in the
//!   interscript `icao-*-Cyrl-Latn-9303` maps).
//! * Russian MVD order No. 310 of 26 May 1997 (pre-2010 foreign passports): Й→Y, Х→KH,
//!   Ц→TS, Щ→SHCH, Ь→', Ю→YU, Я→YA.
//! * GOST 7.79-2000 system B (Russian table as published; Х→X, Ц→CZ/C, Щ→SHH, Ы→Y`).
//! * BGN/PCGN 1947 for Russian and BGN/PCGN 1979 for Kazakh (UNGEGN Working Group on
//!   Romanization Systems, "Kazakh", version 4.0, March 2016).
//!
//! UNCERTAIN (see `kz-facts-2.md` §6): no official Kazakhstan transliteration table for
//! passports was found. The ICAO column for the Kazakh letters (Ә→A, Ғ→G, Қ→K, Ң→N,
//! Ө→O, Ұ→U, Ү→U, Һ→H, І→I) is the de-facto airline/ICAO-style practice, **not an
//! official KZ table**; the GOST 7.79 system B table published in the standard covers the
//! Slavic languages only, so its Kazakh letters here follow the system's own convention
//! (base letter + grave accent) and are likewise not from the standard.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A transliteration system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum System {
    /// ICAO Doc 9303 Part 3 (Russian passports since 2014, most MRZs): Й→I, Ю→IU, Я→IA,
    /// Ъ→IE. Kazakh letters by the unofficial ICAO-style column (UNCERTAIN, see module docs).
    Icao9303,
    /// Russian MVD passport system of 1997 (in use until 2010): Й→Y, Ю→YU, Я→YA, Х→KH,
    /// Ц→TS, Ж→ZH, Щ→SHCH, Е/Ё→E, Ь→'.
    RussianPassport1997,
    /// GOST 7.79-2000 system B (Х→X, Ц→CZ or C before И, Е, Ы, Й; Щ→SHH; Ы→Y`; Э→E`).
    Gost779B,
    /// BGN/PCGN: Russian 1947 (Е→YE initially and after vowels, Ё→Ë/YË, Й→Y) and Kazakh
    /// 1979 (Ә→Ä, Ғ→Gh, Қ→Q, Ң→Ng, Ө→Ö, Ұ→U, Ү→Ü, Һ→H, І→I; and, in Kazakh text, И→Ī,
    /// У→Ū, Э→Ė).
    BgnPcgn,
}

impl System {
    /// Every system, in the order [`variants`] reports them.
    pub const ALL: [System; 4] = [
        System::Icao9303,
        System::RussianPassport1997,
        System::Gost779B,
        System::BgnPcgn,
    ];

    /// Machine-readable code (`icao9303`, `ru_passport_1997`, `gost779b`, `bgn_pcgn`).
    pub fn code(self) -> &'static str {
        match self {
            System::Icao9303 => "icao9303",
            System::RussianPassport1997 => "ru_passport_1997",
            System::Gost779B => "gost779b",
            System::BgnPcgn => "bgn_pcgn",
        }
    }
}

/// The script a text is written in, judged from its letters only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Script {
    /// Only Latin letters.
    Latin,
    /// Only Cyrillic letters (Russian, Kazakh, other Cyrillic).
    Cyrillic,
    /// Letters from more than one script — Latin and Cyrillic together, for instance a
    /// Cyrillic `о` inside `Ivanov`.
    Mixed,
    /// No letters, or letters of some other script only.
    Other,
}

/// One Cyrillic letter (upper case) and its Latin form in each system, upper case.
/// Context rules (BGN/PCGN `YE`, GOST `C` before front vowels, Kazakh BGN/PCGN vowels) are
/// applied on top of this table by [`transliterate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Letter {
    /// The Cyrillic capital letter.
    pub cyrillic: char,
    /// ICAO Doc 9303.
    pub icao: &'static str,
    /// Russian passport 1997.
    pub passport_1997: &'static str,
    /// GOST 7.79-2000 system B.
    pub gost_b: &'static str,
    /// BGN/PCGN (Russian 1947 / Kazakh 1979), default (non-initial, Russian) form.
    pub bgn: &'static str,
}

const fn l(
    cyrillic: char,
    icao: &'static str,
    passport_1997: &'static str,
    gost_b: &'static str,
    bgn: &'static str,
) -> Letter {
    Letter {
        cyrillic,
        icao,
        passport_1997,
        gost_b,
        bgn,
    }
}

/// The transliteration table: Russian alphabet, then the nine Kazakh letters.
pub const LETTERS: &[Letter] = &[
    //  Cyr   ICAO    1997    GOST-B  BGN/PCGN
    l('А', "A", "A", "A", "A"),
    l('Б', "B", "B", "B", "B"),
    l('В', "V", "V", "V", "V"),
    l('Г', "G", "G", "G", "G"),
    l('Д', "D", "D", "D", "D"),
    l('Е', "E", "E", "E", "E"),
    l('Ё', "E", "E", "YO", "Ë"),
    l('Ж', "ZH", "ZH", "ZH", "ZH"),
    l('З', "Z", "Z", "Z", "Z"),
    l('И', "I", "I", "I", "I"),
    l('Й', "I", "Y", "J", "Y"),
    l('К', "K", "K", "K", "K"),
    l('Л', "L", "L", "L", "L"),
    l('М', "M", "M", "M", "M"),
    l('Н', "N", "N", "N", "N"),
    l('О', "O", "O", "O", "O"),
    l('П', "P", "P", "P", "P"),
    l('Р', "R", "R", "R", "R"),
    l('С', "S", "S", "S", "S"),
    l('Т', "T", "T", "T", "T"),
    l('У', "U", "U", "U", "U"),
    l('Ф', "F", "F", "F", "F"),
    l('Х', "KH", "KH", "X", "KH"),
    l('Ц', "TS", "TS", "CZ", "TS"),
    l('Ч', "CH", "CH", "CH", "CH"),
    l('Ш', "SH", "SH", "SH", "SH"),
    l('Щ', "SHCH", "SHCH", "SHH", "SHCH"),
    l('Ъ', "IE", "", "``", "\u{2BA}"),
    l('Ы', "Y", "Y", "Y`", "Y"),
    l('Ь', "", "'", "`", "\u{2B9}"),
    l('Э', "E", "E", "E`", "E"),
    l('Ю', "IU", "YU", "YU", "YU"),
    l('Я', "IA", "YA", "YA", "YA"),
    // Kazakh letters. ICAO and GOST columns: UNCERTAIN, not official (see module docs).
    l('Ә', "A", "A", "A`", "Ä"),
    l('Ғ', "G", "G", "G`", "GH"),
    l('Қ', "K", "K", "K`", "Q"),
    l('Ң', "N", "N", "N`", "NG"),
    l('Ө', "O", "O", "O`", "Ö"),
    l('Ұ', "U", "U", "U`", "U"),
    l('Ү', "U", "U", "U``", "Ü"),
    l('Һ', "H", "H", "H`", "H"),
    l('І', "I", "I", "I`", "I"),
];

/// Letters found in Kazakh but not in Russian.
pub const KAZAKH_LETTERS: &str = "ӘәҒғҚқҢңӨөҰұҮүҺһІі";

fn letter(upper: char) -> Option<&'static Letter> {
    LETTERS.iter().find(|l| l.cyrillic == upper)
}

fn upper_of(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{052F}' | '\u{1C80}'..='\u{1C8F}' | '\u{2DE0}'..='\u{2DFF}' | '\u{A640}'..='\u{A69F}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

/// The script of `text`, from its letters (digits, spaces and punctuation are ignored).
pub fn script_of(text: &str) -> Script {
    let (mut latin, mut cyrillic, mut other) = (false, false, false);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if is_latin(c) {
            latin = true;
        } else if is_cyrillic(c) {
            cyrillic = true;
        } else if !is_combining_mark(c) {
            other = true;
        }
    }
    match (latin, cyrillic, other) {
        (true, false, false) => Script::Latin,
        (false, true, false) => Script::Cyrillic,
        (false, false, _) => Script::Other,
        _ => Script::Mixed,
    }
}

/// Letters after which BGN/PCGN writes Е as `YE` and Ё as `YË`.
const VOWELS_AND_SIGNS: &str = "АЕЁИОУЫЭЮЯЙЪЬӘӨҮҰІ";

/// Latin form of one upper-case Cyrillic letter in context (`prev`, `next` upper-cased,
/// `None` at a word boundary).
fn latin_of(
    upper: char,
    prev: Option<char>,
    next: Option<char>,
    system: System,
    kazakh: bool,
) -> Option<&'static str> {
    let row = letter(upper)?;
    let word_start = prev.is_none();
    let after_vowel_or_sign = prev.is_some_and(|p| VOWELS_AND_SIGNS.contains(p));
    Some(match system {
        System::Icao9303 => row.icao,
        System::RussianPassport1997 => row.passport_1997,
        System::Gost779B => match upper {
            'Ц' if next.is_some_and(|n| "ИЕЫЙ".contains(n)) => "C",
            _ => row.gost_b,
        },
        System::BgnPcgn if kazakh => match upper {
            'И' => "Ī",
            'У' => "Ū",
            'Э' => "Ė",
            'Ё' => "YO",
            'Ъ' => "\"",
            'Ь' => "'",
            _ => row.bgn,
        },
        System::BgnPcgn => match upper {
            'Е' if word_start || after_vowel_or_sign => "YE",
            'Ё' if word_start || after_vowel_or_sign => "YË",
            _ => row.bgn,
        },
    })
}

/// Transliterates `text` under `system`. Cyrillic letters are replaced; everything else
/// (Latin letters, digits, spaces, punctuation, other scripts) is kept as it is, so the
/// function is total. Case follows the source: `Щербаков` → `Shcherbakov`, `ЩЕРБАКОВ` →
/// `SHCHERBAKOV`.
///
/// ```
/// use qonys_identity::translit::{transliterate, System};
/// assert_eq!(transliterate("Щербаков Юрий", System::Icao9303), "Shcherbakov Iurii");
/// assert_eq!(transliterate("Щербаков Юрий", System::RussianPassport1997), "Shcherbakov Yuriy");
/// ```
pub fn transliterate(text: &str, system: System) -> String {
    let chars: Vec<char> = text.chars().collect();
    let kazakh = chars.iter().any(|c| KAZAKH_LETTERS.contains(*c));
    let cyr_upper = |i: usize| -> Option<char> {
        chars
            .get(i)
            .copied()
            .filter(|c| is_cyrillic(*c))
            .map(upper_of)
    };
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if !is_cyrillic(c) {
            out.push(c);
            continue;
        }
        let upper = upper_of(c);
        let prev = i.checked_sub(1).and_then(cyr_upper);
        let next = cyr_upper(i + 1);
        let Some(latin) = latin_of(upper, prev, next, system, kazakh) else {
            out.push(c);
            continue;
        };
        let is_upper = c != c.to_lowercase().next().unwrap_or(c);
        if !is_upper {
            out.extend(latin.chars().flat_map(char::to_lowercase));
            continue;
        }
        let neighbour_upper = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|n| n.is_alphabetic() && n.is_uppercase())
        };
        let next_lower = chars
            .get(i + 1)
            .is_some_and(|n| n.is_alphabetic() && n.is_lowercase());
        let all_caps =
            !next_lower && (neighbour_upper(Some(i + 1)) || neighbour_upper(i.checked_sub(1)));
        if all_caps {
            out.push_str(latin);
        } else {
            let mut it = latin.chars();
            if let Some(first) = it.next() {
                out.push(first);
            }
            out.extend(it.flat_map(char::to_lowercase));
        }
    }
    out
}

/// The Latin spellings of a Cyrillic `text` under every system, without duplicates (the
/// first system giving a spelling is reported).
pub fn variants(cyrillic: &str) -> Vec<(System, String)> {
    let mut out: Vec<(System, String)> = Vec::with_capacity(System::ALL.len());
    for system in System::ALL {
        let t = transliterate(cyrillic, system);
        if !out.iter().any(|(_, s)| *s == t) {
            out.push((system, t));
        }
    }
    out
}

/// Latin letters that do not decompose under NFKD, and their plain forms.
const UNDECOMPOSABLE: &[(char, &str)] = &[
    ('Ø', "O"),
    ('ø', "O"),
    ('Æ', "AE"),
    ('æ', "AE"),
    ('Œ', "OE"),
    ('œ', "OE"),
    ('Ł', "L"),
    ('ł', "L"),
    ('Đ', "D"),
    ('đ', "D"),
    ('Ð', "D"),
    ('ð', "D"),
    ('Þ', "TH"),
    ('þ', "TH"),
    ('ı', "I"),
    ('ß', "SS"),
    ('ẞ', "SS"),
    ('Ŋ', "NG"),
    ('ŋ', "NG"),
    ('Ħ', "H"),
    ('ħ', "H"),
];

/// Compatibility-decomposes `text` (NFKD), drops combining marks and upper-cases it:
/// `Äūezov` → `AUEZOV`, `Zoë` → `ZOE`. Letters without a decomposition (`Ø`, `Æ`, `Ł`,
/// `ß`, …) get their usual plain forms. Non-Latin letters are upper-cased and kept.
pub fn fold_to_ascii_upper(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if let Some((_, plain)) = UNDECOMPOSABLE.iter().find(|(u, _)| *u == c) {
            out.push_str(plain);
        } else {
            out.extend(c.to_uppercase());
        }
    }
    out
}

/// Letters that ICAO Doc 9303 Part 3 also allows to be written as two letters, and the
/// German/Scandinavian expansions used for them (`Müller` → `MUELLER`).
const EXPANSIONS: &[(char, &str)] = &[
    ('Ä', "AE"),
    ('ä', "AE"),
    ('Ö', "OE"),
    ('ö', "OE"),
    ('Ü', "UE"),
    ('ü', "UE"),
    ('Å', "AA"),
    ('å', "AA"),
    ('Ø', "OE"),
    ('ø', "OE"),
];

/// Like [`fold_to_ascii_upper`], but with `Ä Ö Ü Å Ø` expanded to `AE OE UE AA OE` as
/// German and Scandinavian passports print them: `Müller` → `MUELLER`.
pub fn fold_to_ascii_upper_expanding(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.nfc() {
        match EXPANSIONS.iter().find(|(e, _)| *e == c) {
            Some((_, plain)) => out.push_str(plain),
            None => out.push_str(&fold_to_ascii_upper(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_covers_russian_and_kazakh_alphabets() {
        for c in "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІ".chars()
        {
            assert!(letter(c).is_some(), "missing {c}");
        }
        for c in "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі".chars()
        {
            let t = transliterate(&c.to_string(), System::Icao9303);
            assert!(t.chars().all(|x| x.is_ascii_lowercase()), "{c} → {t}");
        }
    }

    // ICAO Doc 9303 Part 3: published examples.
    #[test]
    fn icao_published_examples() {
        assert_eq!(
            fold_to_ascii_upper(&transliterate("Щербаков Юрий", System::Icao9303)),
            "SHCHERBAKOV IURII"
        );
        assert_eq!(
            transliterate("ЩЕРБАКОВ ЮРИЙ", System::Icao9303),
            "SHCHERBAKOV IURII"
        );
        // Examples given by the Russian migration service when ICAO was adopted (2014).
        assert_eq!(transliterate("Андрей", System::Icao9303), "Andrei");
        assert_eq!(transliterate("Яна", System::Icao9303), "Iana");
        assert_eq!(transliterate("Наталья", System::Icao9303), "Natalia");
        assert_eq!(transliterate("Анастасия", System::Icao9303), "Anastasiia");
        assert_eq!(transliterate("Хилл", System::Icao9303), "Khill"); // KZ passport "KHILL"
        assert_eq!(transliterate("Объедков", System::Icao9303), "Obieedkov");
        assert_eq!(transliterate("Жанна Цой", System::Icao9303), "Zhanna Tsoi");
        assert_eq!(transliterate("Фёдор", System::Icao9303), "Fedor");
        assert_eq!(transliterate("Эльвира", System::Icao9303), "Elvira");
    }

    #[test]
    fn icao_style_kazakh_letters() {
        assert_eq!(
            transliterate("Қанат Әбілқайыров", System::Icao9303),
            "Kanat Abilkaiyrov"
        );
        assert_eq!(
            transliterate("ҒАЛЫМ ҰЛАН ҮМІТ", System::Icao9303),
            "GALYM ULAN UMIT"
        );
        assert_eq!(transliterate("Өмірзақ Һ", System::Icao9303), "Omirzak H");
        assert_eq!(
            transliterate("Ерлан Жеңіс", System::Icao9303),
            "Erlan Zhenis"
        );
    }

    #[test]
    fn russian_passport_1997_examples() {
        // Examples of the pre-2010 system ("Andrey", "Yana", "Valeriy", "Dmitriy").
        assert_eq!(
            transliterate("Андрей", System::RussianPassport1997),
            "Andrey"
        );
        assert_eq!(transliterate("Яна", System::RussianPassport1997), "Yana");
        assert_eq!(
            transliterate("Валерий", System::RussianPassport1997),
            "Valeriy"
        );
        assert_eq!(
            transliterate("Дмитрий", System::RussianPassport1997),
            "Dmitriy"
        );
        assert_eq!(transliterate("Юлия", System::RussianPassport1997), "Yuliya");
        assert_eq!(
            transliterate("Щукин", System::RussianPassport1997),
            "Shchukin"
        );
        assert_eq!(transliterate("Игорь", System::RussianPassport1997), "Igor'");
        assert_eq!(transliterate("Алёна", System::RussianPassport1997), "Alena");
    }

    // GOST 7.79-2000 system B, examples from the standard's description.
    #[test]
    fn gost_7_79_b_examples() {
        assert_eq!(transliterate("щит", System::Gost779B), "shhit");
        assert_eq!(transliterate("центр", System::Gost779B), "centr");
        assert_eq!(transliterate("Цой", System::Gost779B), "Czoj");
        assert_eq!(transliterate("цирк", System::Gost779B), "cirk");
        assert_eq!(transliterate("химический", System::Gost779B), "ximicheskij");
        assert_eq!(transliterate("был", System::Gost779B), "by`l");
        assert_eq!(transliterate("это", System::Gost779B), "e`to");
        assert_eq!(transliterate("съезд", System::Gost779B), "s``ezd");
        assert_eq!(transliterate("альбом", System::Gost779B), "al`bom");
        assert_eq!(transliterate("южный", System::Gost779B), "yuzhny`j");
        assert_eq!(transliterate("ёлка", System::Gost779B), "yolka");
        assert_eq!(
            transliterate("Щербаков Юрий", System::Gost779B),
            "Shherbakov Yurij"
        );
    }

    // BGN/PCGN: Russian 1947 and Kazakh 1979 published examples.
    #[test]
    fn bgn_pcgn_examples() {
        assert_eq!(transliterate("Елена", System::BgnPcgn), "Yelena");
        assert_eq!(transliterate("Сергеев", System::BgnPcgn), "Sergeyev");
        assert_eq!(
            transliterate("Щербаков Юрий", System::BgnPcgn),
            "Shcherbakov Yuriy"
        );
        assert_eq!(transliterate("Горбачёв", System::BgnPcgn), "Gorbachëv");
        assert_eq!(transliterate("Ёлкин", System::BgnPcgn), "Yëlkin");
        // Kazakh 1979 (UNGEGN / Wikipedia examples).
        assert_eq!(transliterate("Абай", System::BgnPcgn), "Abay");
        assert_eq!(transliterate("Әуезов", System::BgnPcgn), "Äūezov");
        assert_eq!(transliterate("Жамбыл", System::BgnPcgn), "Zhambyl");
        assert_eq!(transliterate("Шиелі", System::BgnPcgn), "Shīeli");
        assert_eq!(transliterate("Өскемен", System::BgnPcgn), "Öskemen");
        assert_eq!(transliterate("Шымкент", System::BgnPcgn), "Shymkent");
        assert_eq!(
            transliterate("Қанат Әбілқайыров", System::BgnPcgn),
            "Qanat Äbilqayyrov"
        );
        assert_eq!(
            transliterate("Ғалым Жеңіс Үміт Һ", System::BgnPcgn),
            "Ghalym Zhengis Ümit H"
        );
    }

    #[test]
    fn variants_are_deduplicated() {
        let v = variants("Анна");
        assert_eq!(v, vec![(System::Icao9303, "Anna".to_string())]);
        let v = variants("Юрий");
        let spellings: Vec<&str> = v.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(spellings, vec!["Iurii", "Yuriy", "Yurij"]);
    }

    #[test]
    fn script_detection() {
        assert_eq!(script_of("Ivanov"), Script::Latin);
        assert_eq!(script_of("Zoë O'Brien-Müller"), Script::Latin);
        assert_eq!(script_of("Иванов"), Script::Cyrillic);
        assert_eq!(script_of("Әбілқайыров"), Script::Cyrillic);
        assert_eq!(script_of("Ivan\u{043E}v"), Script::Mixed);
        assert_eq!(script_of("123 -"), Script::Other);
        assert_eq!(script_of("王"), Script::Other);
        assert_eq!(script_of("Ivan 王"), Script::Mixed);
    }

    #[test]
    fn folding() {
        assert_eq!(fold_to_ascii_upper("Äūezov"), "AUEZOV");
        assert_eq!(fold_to_ascii_upper("Øresund Straße"), "ORESUND STRASSE");
        assert_eq!(fold_to_ascii_upper("ﬁ"), "FI");
        assert_eq!(
            fold_to_ascii_upper_expanding("Müller Åsa Zoë"),
            "MUELLER AASA ZOE"
        );
        assert_eq!(fold_to_ascii_upper_expanding("Mu\u{308}ller"), "MUELLER");
    }

    proptest! {
        #[test]
        fn transliteration_never_panics_and_leaves_no_russian_or_kazakh_letter(text in "\\PC{0,60}") {
            for system in System::ALL {
                let out = transliterate(&text, system);
                prop_assert!(!out.chars().any(|c| letter(upper_of(c)).is_some()), "{text:?} → {out:?}");
            }
            let _ = variants(&text);
            let _ = script_of(&text);
            let _ = fold_to_ascii_upper(&text);
            let _ = fold_to_ascii_upper_expanding(&text);
        }

        #[test]
        fn latin_text_is_unchanged(text in "[A-Za-z '\\-]{0,40}") {
            for system in System::ALL {
                prop_assert_eq!(transliterate(&text, system), text.clone());
            }
        }

        #[test]
        fn icao_output_of_cyrillic_names_is_ascii(text in "[А-ЯЁа-яёӘәҒғҚқҢңӨөҰұҮүҺһІі \\-]{0,30}") {
            let out = transliterate(&text, System::Icao9303);
            prop_assert!(out.is_ascii());
            prop_assert!(script_of(&out) != Script::Cyrillic);
        }
    }
}
