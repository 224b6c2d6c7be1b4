//! Comparing a person's name as spelled on one document with the same person's name in
//! the passport, which is always the reference.
//!
//! [`compare`] classifies the pair as [`NameVerdict::Same`], [`NameVerdict::KnownVariant`]
//! (a spelling that is recognisably the same name — another transliteration system, case,
//! diacritics, hyphens — worth a warning because translations must follow the passport) or
//! [`NameVerdict::Different`] (an error), and lists every [`NameFinding`] with a stable
//! machine-readable code so that messages can be rendered in English, Russian and Kazakh.
//!
//! Across scripts, the Cyrillic side is transliterated under every system of
//! [`crate::translit`]; between two Latin spellings, known transliteration alternatives
//! (ZH/J/Z, KH/H/X, IU/YU/JU, IA/YA/JA, I/Y/J, E/YE, SHCH/SHH/SCH, KS/X, Q/K, GH/G, NG/N)
//! are treated as equivalent. An edit distance (strsim) is used only as a last hint: a
//! near miss is still different, but is reported as "looks like a typo".

use std::fmt;

use serde::Serialize;
use unicode_security::MixedScript;

use crate::translit::{self, Script, System};

/// A person's name split into its parts, as written on one document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PersonName {
    /// Surname (family name, primary identifier).
    pub surname: String,
    /// Given names, separated by single spaces (may be empty).
    pub given_names: String,
    /// Patronymic (Russian `Петрович`, Kazakh `Нұрланұлы`), when the document has one.
    pub patronymic: Option<String>,
}

/// Why a string could not be read as a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing but whitespace.
    #[error("the name is empty")]
    Empty,
    /// Longer than [`MAX_NAME_CHARS`].
    #[error("the name has {chars} characters; at most {max} are accepted")]
    TooLong {
        /// Characters found.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A character that does not belong in a name.
    #[error(
        "character {position} of the name is {found:?}; a name may contain letters, spaces, hyphens, apostrophes, full stops and one comma"
    )]
    InvalidCharacter {
        /// 1-based position in characters.
        position: usize,
        /// The character.
        found: char,
    },
    /// A comma or `<<` with nothing before it.
    #[error("no surname before the separator: expected \"SURNAME, Given Names\"")]
    MissingSurname,
}

/// Longest name accepted by [`PersonName::parse`], in characters.
pub const MAX_NAME_CHARS: usize = 200;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | 'ʹ' | 'ʺ' | '`' | '´' | '‘')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–')
}

fn allowed(c: char) -> bool {
    c.is_alphabetic()
        || c.is_whitespace()
        || is_apostrophe(c)
        || is_hyphen(c)
        || matches!(c, '.' | ',' | '<')
        || unicode_normalization::char::is_combining_mark(c)
}

fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace() || c == '<')
        .filter(|w| !w.is_empty())
        .collect()
}

fn join(ws: &[&str]) -> String {
    ws.join(" ")
}

/// Patronymic endings, upper case: Russian (Cyrillic and common Latin forms) and Kazakh
/// (`-ұлы` "son of", `-қызы` "daughter of", written together with the father's name).
const PATRONYMIC_ENDINGS: &[&str] = &[
    "ОВИЧ", "ЕВИЧ", "ЁВИЧ", "ЬИЧ", "МИЧ", "КИЧ", "ВВИЧ", "ОВНА", "ЕВНА", "ИЧНА", "ҰЛЫ", "ҚЫЗЫ",
    "УЛЫ", "КЫЗЫ", "OVICH", "EVICH", "OVITCH", "EVITCH", "YICH", "IICH", "MICH", "KICH", "OVNA",
    "EVNA", "ICHNA", "ULY", "KYZY", "QYZY", "UULU", "KIZI",
];

/// Whether `word` looks like a patronymic (Russian `-ович/-овна`, Kazakh `-ұлы/-қызы`).
pub fn is_patronymic(word: &str) -> bool {
    let upper = translit::fold_to_ascii_upper(word);
    let len = upper.chars().count();
    len >= 5
        && PATRONYMIC_ENDINGS
            .iter()
            .any(|e| upper.ends_with(e) && upper.chars().count() > e.chars().count() + 1)
}

impl PersonName {
    /// A name from its parts (whitespace collapsed).
    pub fn new(surname: &str, given_names: &str, patronymic: Option<&str>) -> PersonName {
        PersonName {
            surname: join(&words(surname)),
            given_names: join(&words(given_names)),
            patronymic: patronymic
                .map(|p| join(&words(p)))
                .filter(|p| !p.is_empty()),
        }
    }

    /// Reads a name written as one string, the way documents print it:
    /// * `SURNAME, Given Names` (comma) — `ERIKSSON, ANNA MARIA`;
    /// * `SURNAME<<GIVEN<NAMES` (MRZ form);
    /// * `Surname Given [Patronymic]` — `IVANOV IVAN`, `Иванов Иван Петрович`;
    /// * `Given Patronymic Surname` when the middle word is a patronymic
    ///   (`Иван Петрович Иванов`).
    ///
    /// Without a comma or a patronymic to tell, the first word is the surname (the order
    /// passports and Kazakh documents use).
    pub fn parse(text: &str) -> Result<PersonName, NameError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(NameError::Empty);
        }
        let chars = text.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(NameError::TooLong {
                chars,
                max: MAX_NAME_CHARS,
            });
        }
        if let Some((i, c)) = text.chars().enumerate().find(|(_, c)| !allowed(*c)) {
            return Err(NameError::InvalidCharacter {
                position: i + 1,
                found: c,
            });
        }
        let split = text
            .split_once("<<")
            .or_else(|| text.split_once(','))
            .map(|(a, b)| (a.to_string(), b.replace(',', " ")));
        if let Some((surname, given)) = split {
            let surname = words(&surname);
            if surname.is_empty() {
                return Err(NameError::MissingSurname);
            }
            let given = words(&given);
            return Ok(match given.split_last() {
                Some((last, rest)) if !rest.is_empty() && is_patronymic(last) => PersonName {
                    surname: join(&surname),
                    given_names: join(rest),
                    patronymic: Some((*last).to_string()),
                },
                _ => PersonName {
                    surname: join(&surname),
                    given_names: join(&given),
                    patronymic: None,
                },
            });
        }
        let ws = words(text);
        Ok(match ws.as_slice() {
            [] => return Err(NameError::Empty),
            [surname] => PersonName::new(surname, "", None),
            [first, .., last] if ws.len() >= 3 && is_patronymic(last) => PersonName {
                surname: (*first).to_string(),
                given_names: join(&ws[1..ws.len() - 1]),
                patronymic: Some((*last).to_string()),
            },
            [given, patronymic, surname] if is_patronymic(patronymic) => {
                PersonName::new(surname, given, Some(patronymic))
            }
            [surname, rest @ ..] => PersonName::new(surname, &join(rest), None),
        })
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.surname)?;
        if !self.given_names.is_empty() {
            write!(f, " {}", self.given_names)?;
        }
        if let Some(p) = &self.patronymic {
            write!(f, " {p}")?;
        }
        Ok(())
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    /// Worth knowing, nothing to fix.
    Info,
    /// Probably the same name, but the document should follow the passport.
    Warning,
    /// Not the same name.
    Error,
}

/// Which part of the name a finding concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NamePart {
    /// The surname.
    Surname,
    /// The given names.
    GivenNames,
    /// The patronymic.
    Patronymic,
    /// The name as a whole (order of parts).
    Whole,
}

/// The kinds of finding, each with a stable code (see [`FindingKind::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FindingKind {
    /// Only letter case differs (`Ivanov` / `IVANOV`). Info.
    Case,
    /// Only diacritics differ (`Müller` / `MULLER`, `Фёдор` / `Федор`). Warning.
    Diacritics,
    /// Only hyphens, apostrophes or spaces differ (`O'Brien` / `OBRIEN`). Warning.
    HyphenOrApostrophe,
    /// Another transliteration of the same name (`Janna` / passport `ZHANNA`). Warning:
    /// a translation should follow the passport.
    Transliteration,
    /// Two Cyrillic spellings that differ in Kazakh-specific letters (`Нурлан` /
    /// `Нұрлан`). Warning.
    CyrillicSpelling,
    /// The surname differs only in its gendered ending (`Ivanov` / `Ivanova`, `-uly` /
    /// `-kyzy`). Error: one of the documents uses the other sex's form.
    GenderedSurname,
    /// Surname and given names are exchanged. Warning.
    OrderSwapped,
    /// The passport has a patronymic, the document does not. Warning.
    PatronymicMissing,
    /// The document has a patronymic the passport does not (usual for foreign passports
    /// of Russian and Kazakh citizens). Info.
    PatronymicExtra,
    /// A given name of the passport is missing from the document. Warning.
    GivenNameMissing,
    /// The document has a given name the passport does not. Warning.
    GivenNameExtra,
    /// The document gives an initial where the passport spells the name out. Warning.
    Initials,
    /// A word mixes scripts, e.g. a Cyrillic `о` inside Latin `Ivanov` — invisible on
    /// paper, but it breaks searches and matching. Warning.
    MixedScript,
    /// Different, but within a small edit distance: looks like a typo. Error.
    Typo,
    /// Different. Error.
    Different,
}

impl FindingKind {
    /// Stable machine-readable code for message catalogues (`name.transliteration`, …).
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Case => "name.case",
            FindingKind::Diacritics => "name.diacritics",
            FindingKind::HyphenOrApostrophe => "name.hyphen_apostrophe",
            FindingKind::Transliteration => "name.transliteration",
            FindingKind::CyrillicSpelling => "name.cyrillic_spelling",
            FindingKind::GenderedSurname => "name.gendered_surname",
            FindingKind::OrderSwapped => "name.order_swapped",
            FindingKind::PatronymicMissing => "name.patronymic_missing",
            FindingKind::PatronymicExtra => "name.patronymic_extra",
            FindingKind::GivenNameMissing => "name.given_name_missing",
            FindingKind::GivenNameExtra => "name.given_name_extra",
            FindingKind::Initials => "name.initials",
            FindingKind::MixedScript => "name.mixed_script",
            FindingKind::Typo => "name.typo",
            FindingKind::Different => "name.different",
        }
    }

    /// Severity of this kind of finding.
    pub fn severity(self) -> Severity {
        match self {
            FindingKind::Case | FindingKind::PatronymicExtra => Severity::Info,
            FindingKind::GenderedSurname | FindingKind::Typo | FindingKind::Different => {
                Severity::Error
            }
            _ => Severity::Warning,
        }
    }
}

/// One observation about a name pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameFinding {
    /// What was found.
    pub kind: FindingKind,
    /// [`FindingKind::code`], repeated for serialisation.
    pub code: &'static str,
    /// [`FindingKind::severity`], repeated for serialisation.
    pub severity: Severity,
    /// Part of the name concerned.
    pub part: NamePart,
    /// The passport's spelling of that part.
    pub reference: String,
    /// The other document's spelling.
    pub other: String,
    /// Transliteration systems under which the two spellings agree (for
    /// [`FindingKind::Transliteration`], when known).
    pub systems: Vec<System>,
    /// An English explanation (renderers in other languages use `code` and the fields).
    pub detail: String,
}

impl NameFinding {
    fn new(
        kind: FindingKind,
        part: NamePart,
        reference: &str,
        other: &str,
        detail: String,
    ) -> NameFinding {
        NameFinding {
            kind,
            code: kind.code(),
            severity: kind.severity(),
            part,
            reference: reference.to_string(),
            other: other.to_string(),
            systems: Vec::new(),
            detail,
        }
    }
}

/// Overall classification of a name pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NameVerdict {
    /// The same name (identical, or a Cyrillic spelling whose transliteration under one
    /// of the systems gives exactly the Latin one).
    Same,
    /// Recognisably the same name spelled another way (warning or info).
    KnownVariant,
    /// Not the same name (error).
    Different,
}

/// The result of [`compare`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameComparison {
    /// The classification: `Different` if any finding is an error, `KnownVariant` if there
    /// are findings, `Same` otherwise.
    pub verdict: NameVerdict,
    /// Every finding, surname first.
    pub findings: Vec<NameFinding>,
    /// For a Cyrillic/Latin pair: systems under which every part matched exactly.
    pub matched_systems: Vec<System>,
}

impl NameComparison {
    /// The findings of one kind.
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &NameFinding> {
        self.findings.iter().filter(move |f| f.kind == kind)
    }

    /// Whether there is a finding of `kind`.
    pub fn has(&self, kind: FindingKind) -> bool {
        self.of_kind(kind).next().is_some()
    }
}

// ---------------------------------------------------------------------------------------
// Normalisation

/// Cyrillic letters that look like Latin ones, and their look-alikes.
const CONFUSABLES: &[(char, char)] = &[
    ('а', 'a'),
    ('в', 'b'),
    ('е', 'e'),
    ('к', 'k'),
    ('м', 'm'),
    ('н', 'h'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('т', 't'),
    ('у', 'y'),
    ('х', 'x'),
    ('і', 'i'),
    ('ј', 'j'),
    ('ѕ', 's'),
    ('һ', 'h'),
    ('ԁ', 'd'),
    ('ү', 'y'),
    ('А', 'A'),
    ('В', 'B'),
    ('Е', 'E'),
    ('К', 'K'),
    ('М', 'M'),
    ('Н', 'H'),
    ('О', 'O'),
    ('Р', 'P'),
    ('С', 'C'),
    ('Т', 'T'),
    ('У', 'Y'),
    ('Х', 'X'),
    ('І', 'I'),
    ('Ј', 'J'),
    ('Ѕ', 'S'),
    ('Һ', 'H'),
    ('Ү', 'Y'),
];

fn latin_lookalike(c: char) -> Option<char> {
    CONFUSABLES
        .iter()
        .find(|(cy, _)| *cy == c)
        .map(|(_, la)| *la)
}

fn cyrillic_lookalike(c: char) -> Option<char> {
    CONFUSABLES
        .iter()
        .find(|(_, la)| *la == c)
        .map(|(cy, _)| *cy)
}

/// Words of `text` that mix Latin and Cyrillic, each rewritten into its majority script
/// (ties go to Latin). Returns the cleaned text and the list of `(word, odd characters)`.
fn unmix(text: &str) -> (String, Vec<(String, String)>) {
    let mut reports = Vec::new();
    let cleaned: Vec<String> = text
        .split(' ')
        .map(|word| {
            if word.is_single_script() || translit::script_of(word) != Script::Mixed {
                return word.to_string();
            }
            let latin = word
                .chars()
                .filter(|c| translit::script_of(&c.to_string()) == Script::Latin)
                .count();
            let cyr = word
                .chars()
                .filter(|c| translit::script_of(&c.to_string()) == Script::Cyrillic)
                .count();
            let to_latin = latin >= cyr;
            let mut odd = String::new();
            let fixed: String = word
                .chars()
                .map(|c| {
                    let script = translit::script_of(&c.to_string());
                    if to_latin && script == Script::Cyrillic {
                        odd.push(c);
                        latin_lookalike(c).unwrap_or(c)
                    } else if !to_latin && script == Script::Latin {
                        odd.push(c);
                        cyrillic_lookalike(c).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect();
            if !odd.is_empty() {
                reports.push((word.to_string(), odd));
            }
            fixed
        })
        .collect();
    (cleaned.join(" "), reports)
}

/// Comparison key of an already folded (upper-case, no diacritics) text: letters kept,
/// hyphens, `<` and whitespace become one space, apostrophes and other marks vanish.
fn key(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphabetic() {
            out.push(c);
        } else if (c.is_whitespace() || is_hyphen(c) || c == '<' || c == '.' || c == ',')
            && !out.ends_with(' ')
        {
            out.push(' ');
        }
    }
    out.trim().to_string()
}

fn has_cyrillic(s: &str) -> bool {
    matches!(translit::script_of(s), Script::Cyrillic | Script::Mixed)
}

/// Latin keys of a spelling: one per system for Cyrillic, one for Latin text.
fn latin_keys(s: &str) -> Vec<(Option<System>, String)> {
    if has_cyrillic(s) {
        System::ALL
            .iter()
            .map(|sys| {
                (
                    Some(*sys),
                    key(&translit::fold_to_ascii_upper(&translit::transliterate(
                        s, *sys,
                    ))),
                )
            })
            .collect()
    } else {
        vec![(None, key(&translit::fold_to_ascii_upper(s)))]
    }
}

/// Groups of interchangeable Latin spellings of one Cyrillic sound.
const EQUIVALENT_SPELLINGS: &[&[&str]] = &[
    &["SHCH", "SHH", "SCH", "SC", "STCH"],
    &["ZH", "J", "Z", "DZH", "DJ"],
    &["KH", "H", "X"],
    &["TS", "CZ", "C", "TZ"],
    &["CH", "TCH"],
    &["SH", "SCH"],
    &["IU", "YU", "JU"],
    &["IA", "YA", "JA"],
    &["II", "IY", "IJ", "YI", "I", "Y", "J"],
    &["E", "YE", "IE", "JE", "YO", "IO", "JO"],
    &["KS", "X"],
    &["Q", "K"],
    &["GH", "G"],
    &["NG", "N"],
    &["W", "V"],
];

/// Longest name part given to the variant matcher (its cost grows with the product of
/// the two lengths); longer parts are compared exactly.
const MAX_VARIANT_LEN: usize = 64;

/// Whether two Latin keys are spellings of one name under the equivalences above.
fn spelling_variants(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > MAX_VARIANT_LEN || b.len() > MAX_VARIANT_LEN {
        return a == b;
    }
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if i == a.len() && j == b.len() {
            return true;
        }
        let cell = i * width + j;
        if seen[cell] {
            continue;
        }
        seen[cell] = true;
        if i < a.len() && j < b.len() && a[i] == b[j] {
            stack.push((i + 1, j + 1));
        }
        for group in EQUIVALENT_SPELLINGS {
            for x in group.iter().filter(|x| a[i..].starts_with(x.as_bytes())) {
                for y in group.iter().filter(|y| b[j..].starts_with(y.as_bytes())) {
                    stack.push((i + x.len(), j + y.len()));
                }
            }
        }
    }
    false
}

/// Masculine and feminine surname endings (Latin keys).
const GENDERED_ENDINGS: &[(&[&str], &[&str])] = &[
    (&["OV"], &["OVA"]),
    (&["EV"], &["EVA"]),
    (&["IN"], &["INA"]),
    (&["YN"], &["YNA"]),
    (
        &["SKIY", "SKII", "SKIJ", "SKY", "SKI", "SKIJ"],
        &["SKAYA", "SKAIA", "SKAJA", "SKAA", "SKA"],
    ),
    (&["OY", "OI", "OJ"], &["AYA", "AIA", "AJA"]),
    (
        &["ULY", "UGLY", "OGLY", "UULU"],
        &["KYZY", "QYZY", "KIZI", "GYZY"],
    ),
];

/// If `a` and `b` are the two gendered forms of one surname, the endings found.
fn gendered_pair(a: &str, b: &str) -> Option<(String, String)> {
    for (masc, fem) in GENDERED_ENDINGS {
        for m in *masc {
            for f in *fem {
                for (ea, eb) in [(m, f), (f, m)] {
                    if let (Some(sa), Some(sb)) = (a.strip_suffix(*ea), b.strip_suffix(*eb))
                        && !sa.is_empty()
                        && (sa == sb || spelling_variants(sa, sb))
                    {
                        return Some(((*ea).to_string(), (*eb).to_string()));
                    }
                }
            }
        }
    }
    None
}

/// How one part of a name compares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PartMatch {
    Exact,
    /// Cyrillic/Latin pair equal under these systems.
    CrossScript(Vec<System>),
    Variant(FindingKind, Vec<System>, String),
    Different(FindingKind, String),
}

impl PartMatch {
    fn is_different(&self) -> bool {
        matches!(self, PartMatch::Different(..))
    }
}

fn compare_part(reference: &str, other: &str, surname: bool) -> PartMatch {
    if reference == other {
        return PartMatch::Exact;
    }
    let (ru, ou) = (reference.to_uppercase(), other.to_uppercase());
    if ru == ou {
        return PartMatch::Variant(FindingKind::Case, vec![], "only letter case differs".into());
    }
    let (rs, os) = (translit::script_of(reference), translit::script_of(other));
    let same_script = rs == os;
    let (rf, of) = (
        translit::fold_to_ascii_upper(reference),
        translit::fold_to_ascii_upper(other),
    );
    let (re, oe) = (
        translit::fold_to_ascii_upper_expanding(reference),
        translit::fold_to_ascii_upper_expanding(other),
    );
    if same_script && (rf == of || re == oe || re == of || oe == rf) {
        return PartMatch::Variant(
            FindingKind::Diacritics,
            vec![],
            "only diacritics differ".into(),
        );
    }
    if same_script && key(&rf) == key(&of) {
        return PartMatch::Variant(
            FindingKind::HyphenOrApostrophe,
            vec![],
            "only hyphens, apostrophes or spaces differ".into(),
        );
    }
    let rk = latin_keys(reference);
    let ok = latin_keys(other);
    let cross = has_cyrillic(reference) != has_cyrillic(other);
    if cross {
        let systems: Vec<System> = rk
            .iter()
            .flat_map(|(rs, r)| {
                ok.iter()
                    .filter(move |(_, o)| o == r)
                    .map(move |(os, _)| rs.or(*os))
            })
            .flatten()
            .collect();
        if !systems.is_empty() {
            let mut systems = systems;
            systems.sort();
            systems.dedup();
            return PartMatch::CrossScript(systems);
        }
    } else if has_cyrillic(reference) {
        // Both Cyrillic: Russian and Kazakh spellings of one name meet in ICAO Latin.
        let icao = |s: &str| {
            key(&translit::fold_to_ascii_upper(&translit::transliterate(
                s,
                System::Icao9303,
            )))
        };
        if icao(reference) == icao(other) {
            return PartMatch::Variant(
                FindingKind::CyrillicSpelling,
                vec![],
                "the Cyrillic spellings differ only in Kazakh-specific letters".into(),
            );
        }
    }
    let mut systems = Vec::new();
    let mut matched = false;
    for (rsys, r) in &rk {
        for (osys, o) in &ok {
            if spelling_variants(r, o) {
                matched = true;
                systems.extend(rsys.or(*osys));
            }
        }
    }
    if matched {
        systems.sort();
        systems.dedup();
        return PartMatch::Variant(
            FindingKind::Transliteration,
            systems,
            format!(
                "{other:?} is another transliteration of {reference:?}; a translation should follow the passport"
            ),
        );
    }
    if surname {
        for (_, r) in &rk {
            for (_, o) in &ok {
                if let Some((er, eo)) = gendered_pair(r, o) {
                    return PartMatch::Different(
                        FindingKind::GenderedSurname,
                        format!(
                            "the surname differs only in its gendered ending (-{} in the passport, -{} here)",
                            er.to_lowercase(),
                            eo.to_lowercase()
                        ),
                    );
                }
            }
        }
    }
    // Last hint: edit distance between the closest keys.
    let best = rk
        .iter()
        .flat_map(|(_, r)| {
            ok.iter().map(move |(_, o)| {
                (
                    strsim::damerau_levenshtein(r, o),
                    r.chars().count().max(o.chars().count()),
                )
            })
        })
        .min();
    if let Some((distance, len)) = best
        && distance > 0
        && ((len >= 4 && distance == 1) || (len >= 8 && distance == 2))
    {
        return PartMatch::Different(
            FindingKind::Typo,
            format!("different, but only {distance} letter(s) apart: looks like a typo"),
        );
    }
    PartMatch::Different(FindingKind::Different, "different names".into())
}

fn push_part(
    out: &mut Vec<NameFinding>,
    cross: &mut Option<Vec<System>>,
    m: PartMatch,
    part: NamePart,
    reference: &str,
    other: &str,
) {
    match m {
        PartMatch::Exact => {}
        PartMatch::CrossScript(systems) => {
            *cross = Some(match cross.take() {
                None => systems,
                Some(prev) => prev.into_iter().filter(|s| systems.contains(s)).collect(),
            });
        }
        PartMatch::Variant(kind, systems, detail) => {
            let mut f = NameFinding::new(kind, part, reference, other, detail);
            f.systems = systems;
            out.push(f);
        }
        PartMatch::Different(kind, detail) => {
            out.push(NameFinding::new(kind, part, reference, other, detail))
        }
    }
}

/// Word-level comparison of given names that differ as a whole: the words are aligned
/// (longest common subsequence, a word matching its variants or its initial); words left
/// over on one side only are missing or extra; left over on both sides, the given names
/// are different.
fn compare_given_words(
    out: &mut Vec<NameFinding>,
    cross: &mut Option<Vec<System>>,
    reference: &str,
    other: &str,
) {
    let rw = words(reference);
    let ow = words(other);
    let initial = |full: &str, short: &str| {
        let s = short.trim_end_matches('.');
        s.chars().count() == 1
            && latin_keys(full).iter().any(|(_, k)| {
                latin_keys(s)
                    .iter()
                    .any(|(_, sk)| !sk.is_empty() && k.starts_with(sk.as_str()))
            })
    };
    let matches = |r: &str, o: &str| !compare_part(r, o, false).is_different() || initial(r, o);
    // LCS table over words (names have a handful of words; the parser caps the length).
    let (n, m) = (rw.len(), ow.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if matches(rw[i], ow[j]) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut local = Vec::new();
    let (mut missing, mut extra) = (Vec::new(), Vec::new());
    while i < n || j < m {
        if i < n && j < m && matches(rw[i], ow[j]) && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
            if initial(rw[i], ow[j]) && compare_part(rw[i], ow[j], false).is_different() {
                local.push(NameFinding::new(
                    FindingKind::Initials,
                    NamePart::GivenNames,
                    rw[i],
                    ow[j],
                    format!("{:?} is only the initial of {:?}", ow[j], rw[i]),
                ));
            } else {
                push_part(
                    &mut local,
                    cross,
                    compare_part(rw[i], ow[j], false),
                    NamePart::GivenNames,
                    rw[i],
                    ow[j],
                );
            }
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
            missing.push(rw[i]);
            i += 1;
        } else {
            extra.push(ow[j]);
            j += 1;
        }
    }
    if lcs[0][0] == 0 || (!missing.is_empty() && !extra.is_empty()) {
        let kind = match compare_part(reference, other, false) {
            PartMatch::Different(kind, _) => kind,
            _ => FindingKind::Different,
        };
        let detail = if kind == FindingKind::Typo {
            "different given names, but close: looks like a typo".to_string()
        } else {
            "different given names".to_string()
        };
        out.push(NameFinding::new(
            kind,
            NamePart::GivenNames,
            reference,
            other,
            detail,
        ));
        return;
    }
    for r in missing {
        local.push(NameFinding::new(
            FindingKind::GivenNameMissing,
            NamePart::GivenNames,
            r,
            "",
            format!("the given name {r:?} of the passport is missing"),
        ));
    }
    for o in extra {
        local.push(NameFinding::new(
            FindingKind::GivenNameExtra,
            NamePart::GivenNames,
            "",
            o,
            format!("the given name {o:?} is not in the passport"),
        ));
    }
    out.extend(local);
}

fn compare_given(
    out: &mut Vec<NameFinding>,
    cross: &mut Option<Vec<System>>,
    reference: &str,
    other: &str,
) {
    let m = compare_part(reference, other, false);
    if m.is_different() && !reference.is_empty() && !other.is_empty() {
        compare_given_words(out, cross, reference, other);
    } else if reference.is_empty() != other.is_empty() {
        let (kind, r, o) = if other.is_empty() {
            (FindingKind::GivenNameMissing, reference, "")
        } else {
            (FindingKind::GivenNameExtra, "", other)
        };
        out.push(NameFinding::new(
            kind,
            NamePart::GivenNames,
            r,
            o,
            "given names present on one side only".into(),
        ));
    } else {
        push_part(out, cross, m, NamePart::GivenNames, reference, other);
    }
}

/// Given names and patronymic as one list of words, for documents that do not separate them.
fn given_and_patronymic(n: &PersonName) -> String {
    match &n.patronymic {
        Some(p) if n.given_names.is_empty() => p.clone(),
        Some(p) => format!("{} {p}", n.given_names),
        None => n.given_names.clone(),
    }
}

/// Compares the name on another document (`other`) with the passport's (`reference`).
pub fn compare(reference: &PersonName, other: &PersonName) -> NameComparison {
    let mut findings = Vec::new();

    // Mixed-script look-alikes, reported once per word and then repaired for matching.
    let mut clean = |n: &PersonName, is_reference: bool| -> PersonName {
        let mut fix = |s: &str, part: NamePart| -> String {
            let (fixed, reports) = unmix(s);
            for (word, odd) in reports {
                let (r, o) = if is_reference {
                    (word.as_str(), "")
                } else {
                    ("", word.as_str())
                };
                let codes: Vec<String> = odd
                    .chars()
                    .map(|c| format!("U+{:04X}", u32::from(c)))
                    .collect();
                findings.push(NameFinding::new(
                    FindingKind::MixedScript,
                    part,
                    r,
                    o,
                    format!(
                        "{word:?} mixes Latin and Cyrillic letters ({}){}",
                        codes.join(", "),
                        if is_reference {
                            " in the reference document"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            fixed
        };
        PersonName {
            surname: fix(&n.surname, NamePart::Surname),
            given_names: fix(&n.given_names, NamePart::GivenNames),
            patronymic: n
                .patronymic
                .as_deref()
                .map(|p| fix(p, NamePart::Patronymic)),
        }
    };
    let r = clean(reference, true);
    let o = clean(other, false);

    let mut cross: Option<Vec<System>> = None;
    let surname = compare_part(&r.surname, &o.surname, true);
    let given = compare_part(&r.given_names, &o.given_names, false);
    let swapped = surname.is_different()
        && given.is_different()
        && !r.given_names.is_empty()
        && !compare_part(&r.surname, &o.given_names, true).is_different()
        && !compare_part(&r.given_names, &o.surname, false).is_different();
    if swapped {
        findings.push(NameFinding::new(
            FindingKind::OrderSwapped,
            NamePart::Whole,
            &format!("{} {}", r.surname, r.given_names),
            &format!("{} {}", o.surname, o.given_names),
            "surname and given names are exchanged".into(),
        ));
        let s = compare_part(&r.surname, &o.given_names, true);
        push_part(
            &mut findings,
            &mut cross,
            s,
            NamePart::Surname,
            &r.surname,
            &o.given_names,
        );
        let g = compare_part(&r.given_names, &o.surname, false);
        push_part(
            &mut findings,
            &mut cross,
            g,
            NamePart::GivenNames,
            &r.given_names,
            &o.surname,
        );
    } else {
        push_part(
            &mut findings,
            &mut cross,
            surname,
            NamePart::Surname,
            &r.surname,
            &o.surname,
        );
        match (&r.patronymic, &o.patronymic) {
            // One side did not separate the patronymic from the given names.
            (Some(_), None) | (None, Some(_))
                if !compare_part(&given_and_patronymic(&r), &given_and_patronymic(&o), false)
                    .is_different()
                    && r.given_names != o.given_names
                    && !o.given_names.is_empty()
                    && !r.given_names.is_empty()
                    && words(&given_and_patronymic(&r)).len()
                        == words(&given_and_patronymic(&o)).len() =>
            {
                let (gr, go) = (given_and_patronymic(&r), given_and_patronymic(&o));
                let m = compare_part(&gr, &go, false);
                push_part(&mut findings, &mut cross, m, NamePart::GivenNames, &gr, &go);
            }
            (rp, op) => {
                compare_given(&mut findings, &mut cross, &r.given_names, &o.given_names);
                match (rp, op) {
                    (Some(rp), Some(op)) => {
                        let m = compare_part(rp, op, false);
                        push_part(&mut findings, &mut cross, m, NamePart::Patronymic, rp, op);
                    }
                    (Some(rp), None) => findings.push(NameFinding::new(
                        FindingKind::PatronymicMissing,
                        NamePart::Patronymic,
                        rp,
                        "",
                        format!("the passport has the patronymic {rp:?}, this document has none"),
                    )),
                    (None, Some(op)) => findings.push(NameFinding::new(
                        FindingKind::PatronymicExtra,
                        NamePart::Patronymic,
                        "",
                        op,
                        format!("this document adds the patronymic {op:?}, which the passport does not show"),
                    )),
                    (None, None) => {}
                }
            }
        }
    }

    let verdict = if findings.iter().any(|f| f.severity == Severity::Error) {
        NameVerdict::Different
    } else if findings.is_empty() {
        NameVerdict::Same
    } else {
        NameVerdict::KnownVariant
    };
    NameComparison {
        verdict,
        findings,
        matched_systems: cross.unwrap_or_default(),
    }
}

/// Parses both strings with [`PersonName::parse`] and compares them.
pub fn compare_strings(reference: &str, other: &str) -> Result<NameComparison, NameError> {
    Ok(compare(
        &PersonName::parse(reference)?,
        &PersonName::parse(other)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cmp(reference: &str, other: &str) -> NameComparison {
        compare_strings(reference, other).unwrap()
    }

    fn kinds(c: &NameComparison) -> Vec<FindingKind> {
        c.findings.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn parses_the_usual_spellings() {
        assert_eq!(
            PersonName::parse("IVANOV IVAN").unwrap(),
            PersonName::new("IVANOV", "IVAN", None)
        );
        assert_eq!(
            PersonName::parse("Иванов Иван Петрович").unwrap(),
            PersonName::new("Иванов", "Иван", Some("Петрович"))
        );
        assert_eq!(
            PersonName::parse("ERIKSSON, ANNA MARIA").unwrap(),
            PersonName::new("ERIKSSON", "ANNA MARIA", None)
        );
        assert_eq!(
            PersonName::parse("ERIKSSON<<ANNA<MARIA").unwrap(),
            PersonName::new("ERIKSSON", "ANNA MARIA", None)
        );
        assert_eq!(
            PersonName::parse("Иван Петрович Иванов").unwrap(),
            PersonName::new("Иванов", "Иван", Some("Петрович"))
        );
        assert_eq!(
            PersonName::parse("Әбілқайыров Қанат Нұрланұлы").unwrap(),
            PersonName::new("Әбілқайыров", "Қанат", Some("Нұрланұлы"))
        );
        assert_eq!(
            PersonName::parse("  IVANOVA   MARIA  IVANOVNA ").unwrap(),
            PersonName::new("IVANOVA", "MARIA", Some("IVANOVNA"))
        );
        assert_eq!(
            PersonName::parse("MULLER HANS DIETRICH").unwrap(),
            PersonName::new("MULLER", "HANS DIETRICH", None)
        );
        assert_eq!(
            PersonName::parse("O'Brien-Smith").unwrap().surname,
            "O'Brien-Smith"
        );
    }

    #[test]
    fn parse_errors_are_clear() {
        assert_eq!(PersonName::parse("  "), Err(NameError::Empty));
        assert_eq!(
            PersonName::parse("Ivan0v"),
            Err(NameError::InvalidCharacter {
                position: 5,
                found: '0'
            })
        );
        assert_eq!(PersonName::parse(", Anna"), Err(NameError::MissingSurname));
        assert!(matches!(
            PersonName::parse(&"A".repeat(300)),
            Err(NameError::TooLong { .. })
        ));
        assert!(
            PersonName::parse("Ivan0v")
                .unwrap_err()
                .to_string()
                .contains("character 5")
        );
    }

    #[test]
    fn identical_and_case() {
        assert_eq!(cmp("IVANOV IVAN", "IVANOV IVAN").verdict, NameVerdict::Same);
        let c = cmp("IVANOV IVAN", "Ivanov Ivan");
        assert_eq!(c.verdict, NameVerdict::KnownVariant);
        assert_eq!(kinds(&c), vec![FindingKind::Case, FindingKind::Case]);
        assert_eq!(c.findings[0].severity, Severity::Info);
    }

    #[test]
    fn cyrillic_document_against_latin_passport_is_the_same_name() {
        let c = cmp("SHCHERBAKOV IURII", "Щербаков Юрий");
        assert_eq!(c.verdict, NameVerdict::Same, "{c:?}");
        assert_eq!(c.matched_systems, vec![System::Icao9303]);
        let c = cmp("ZHANNA TSOI", "Жанна Цой");
        assert_eq!(c.verdict, NameVerdict::Same);
        let c = cmp("ABILKAIYROV KANAT", "Әбілқайыров Қанат");
        assert_eq!(c.verdict, NameVerdict::Same, "{c:?}");
        // Older passport system.
        let c = cmp("SHCHERBAKOV YURIY", "Щербаков Юрий");
        assert_eq!(c.verdict, NameVerdict::Same);
        assert!(c.matched_systems.contains(&System::RussianPassport1997));
    }

    #[test]
    fn transliteration_variant_is_a_warning() {
        let c = cmp("ZHANNA", "JANNA");
        assert_eq!(c.verdict, NameVerdict::KnownVariant);
        assert_eq!(kinds(&c), vec![FindingKind::Transliteration]);
        assert_eq!(c.findings[0].code, "name.transliteration");
        assert_eq!(c.findings[0].severity, Severity::Warning);
        let c = cmp("SHCHERBAKOV IURII", "Shcherbakov Yuriy");
        assert_eq!(c.verdict, NameVerdict::KnownVariant);
        assert_eq!(
            kinds(&c),
            vec![FindingKind::Case, FindingKind::Transliteration]
        );
        for (passport, other) in [
            ("KHAIRULLIN", "HAYRULLIN"),
            ("ALEKSEI", "ALEXEY"),
            ("NATALIA", "NATALYA"),
            ("MARIIA", "MARIYA"),
            ("YELENA", "ELENA"),
            ("TSOI", "CZOJ"),
            ("SHCHUKIN", "SCHUKIN"),
            ("KANAT", "QANAT"),
            ("SHCHERBAKOV", "ŠČERBAKOV"),
            ("SHCHERBAKOV", "SHHERBAKOV"),
            ("DZHAMBUL", "JAMBUL"),
            ("ZHENIS", "ZHENGIS"),
        ] {
            assert_eq!(
                cmp(passport, other).verdict,
                NameVerdict::KnownVariant,
                "{passport} / {other}"
            );
        }
        // Cyrillic document against a passport in another system: still a variant.
        let c = cmp("JANNA", "Жанна");
        assert_eq!(c.verdict, NameVerdict::KnownVariant);
    }

    #[test]
    fn diacritics_hyphens_apostrophes() {
        assert_eq!(
            kinds(&cmp("MULLER", "Müller")),
            vec![FindingKind::Diacritics]
        );
        assert_eq!(
            kinds(&cmp("MUELLER", "Müller")),
            vec![FindingKind::Diacritics]
        );
        assert_eq!(
            kinds(&cmp("Федоров", "Фёдоров")),
            vec![FindingKind::Diacritics]
        );
        assert_eq!(
            kinds(&cmp("OBRIEN", "O'BRIEN")),
            vec![FindingKind::HyphenOrApostrophe]
        );
        assert_eq!(
            kinds(&cmp("SMITH, ANNA MARIA", "SMITH, ANNA-MARIA")),
            vec![FindingKind::HyphenOrApostrophe]
        );
        assert_eq!(
            kinds(&cmp("Нурланов", "Нұрланов")),
            vec![FindingKind::CyrillicSpelling]
        );
    }

    #[test]
    fn gendered_surnames() {
        for (a, b) in [
            ("IVANOVA ANNA", "IVANOV ANNA"),
            ("Иванова Анна", "IVANOV ANNA"),
            ("SERGEEV OLEG", "SERGEEVA OLEG"),
            ("PUSHKINA ANNA", "PUSHKIN ANNA"),
            ("KOVALSKAYA ANNA", "KOVALSKY ANNA"),
            ("ZHUKOVSKII PETR", "ZHUKOVSKAIA PETR"),
            ("NURLANULY ASKAR", "NURLANKYZY ASKAR"),
            ("Нұрланұлы Асқар", "NURLANKYZY ASKAR"),
            ("TOLSTAYA ANNA", "TOLSTOY ANNA"),
        ] {
            let c = cmp(a, b);
            assert_eq!(c.verdict, NameVerdict::Different, "{a} / {b}");
            assert!(c.has(FindingKind::GenderedSurname), "{a} / {b}: {c:?}");
            assert_eq!(
                c.of_kind(FindingKind::GenderedSurname).next().unwrap().code,
                "name.gendered_surname"
            );
        }
    }

    #[test]
    fn order_swapped() {
        let c = cmp("IVANOV IVAN", "IVAN IVANOV");
        assert_eq!(kinds(&c), vec![FindingKind::OrderSwapped]);
        assert_eq!(c.verdict, NameVerdict::KnownVariant);
        let c = cmp("ERIKSSON, ANNA", "Анна Эрикссон");
        assert!(c.has(FindingKind::OrderSwapped), "{c:?}");
    }

    #[test]
    fn patronymic_missing_or_extra() {
        let c = cmp("IVANOV IVAN PETROVICH", "IVANOV IVAN");
        assert_eq!(kinds(&c), vec![FindingKind::PatronymicMissing]);
        assert_eq!(c.verdict, NameVerdict::KnownVariant);
        let c = cmp("IVANOV IVAN", "Иванов Иван Петрович");
        assert_eq!(kinds(&c), vec![FindingKind::PatronymicExtra]);
        assert_eq!(c.findings[0].severity, Severity::Info);
        let c = cmp("IVANOV IVAN PETROVICH", "IVANOV IVAN PAVLOVICH");
        assert_eq!(c.verdict, NameVerdict::Different);
        let c = cmp("ABILKAIYROV KANAT NURLANULY", "Әбілқайыров Қанат Нұрланұлы");
        assert_eq!(c.verdict, NameVerdict::Same, "{c:?}");
    }

    #[test]
    fn given_names_missing_extra_and_initials() {
        assert_eq!(
            kinds(&cmp("ERIKSSON, ANNA MARIA", "ERIKSSON, ANNA")),
            vec![FindingKind::GivenNameMissing]
        );
        assert_eq!(
            kinds(&cmp("ERIKSSON, ANNA", "ERIKSSON, ANNA MARIA")),
            vec![FindingKind::GivenNameExtra]
        );
        assert_eq!(
            kinds(&cmp("ERIKSSON, ANNA MARIA", "ERIKSSON, MARIA")),
            vec![FindingKind::GivenNameMissing]
        );
        assert_eq!(
            kinds(&cmp("ERIKSSON, ANNA MARIA", "ERIKSSON, A. MARIA")),
            vec![FindingKind::Initials]
        );
        assert_eq!(
            kinds(&cmp("IVANOV", "IVANOV IVAN")),
            vec![FindingKind::GivenNameExtra]
        );
    }

    #[test]
    fn mixed_script_lookalike() {
        let c = cmp("IVANOV IVAN", "Ivan\u{043E}v Ivan");
        assert_eq!(
            kinds(&c),
            vec![
                FindingKind::MixedScript,
                FindingKind::Case,
                FindingKind::Case
            ]
        );
        assert_eq!(c.findings[0].code, "name.mixed_script");
        assert!(
            c.findings[0].detail.contains("U+043E"),
            "{}",
            c.findings[0].detail
        );
        // Latin "o" inside Cyrillic "Иванов".
        let c = cmp("Иванов Иван", "Иванoв Иван");
        assert_eq!(kinds(&c), vec![FindingKind::MixedScript]);
    }

    #[test]
    fn different_and_typo() {
        let c = cmp("IVANOV IVAN", "PETROV IVAN");
        assert_eq!(c.verdict, NameVerdict::Different);
        assert_eq!(kinds(&c), vec![FindingKind::Different]);
        let c = cmp("IVANOV IVAN", "IVANOB IVAN");
        assert_eq!(c.verdict, NameVerdict::Different);
        assert_eq!(kinds(&c), vec![FindingKind::Typo]);
        assert!(c.findings[0].detail.contains("typo"));
        let c = cmp("ABILKAIYROV KANAT", "Әбілқайыров Қанап");
        assert_eq!(kinds(&c), vec![FindingKind::Typo], "{c:?}");
        assert_eq!(c.findings[0].part, NamePart::GivenNames);
    }

    #[test]
    fn codes_are_unique() {
        let all = [
            FindingKind::Case,
            FindingKind::Diacritics,
            FindingKind::HyphenOrApostrophe,
            FindingKind::Transliteration,
            FindingKind::CyrillicSpelling,
            FindingKind::GenderedSurname,
            FindingKind::OrderSwapped,
            FindingKind::PatronymicMissing,
            FindingKind::PatronymicExtra,
            FindingKind::GivenNameMissing,
            FindingKind::GivenNameExtra,
            FindingKind::Initials,
            FindingKind::MixedScript,
            FindingKind::Typo,
            FindingKind::Different,
        ];
        let mut codes: Vec<_> = all.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    proptest! {
        #[test]
        fn names_parse_never_panics(text in "\\PC{0,80}") {
            let _ = PersonName::parse(&text);
        }

        #[test]
        fn names_compare_never_panics(a in "[A-Za-zА-Яа-яӘәҚқҰұІі<,.' \\-]{0,40}", b in "\\PC{0,40}") {
            let _ = compare_strings(&a, &b);
            let _ = compare_strings(&b, &a);
        }

        #[test]
        fn a_name_is_the_same_as_itself(a in prop_oneof!["[A-Z]{1,12}( [A-Z]{1,12}){0,2}", "[А-ЯӘҚҰІ]{1,12}( [А-ЯӘҚҰІ]{1,12}){0,2}"]) {
            let c = compare_strings(&a, &a).unwrap();
            prop_assert_eq!(c.verdict, NameVerdict::Same);
        }

        #[test]
        fn icao_transliteration_of_a_cyrillic_name_is_the_same(a in "[А-ЯЁӘҒҚҢӨҰҮҺІ]{2,12} [А-ЯЁӘҒҚҢӨҰҮҺІ]{2,12}") {
            let latin = translit::transliterate(&a, System::Icao9303);
            prop_assume!(!latin.trim().is_empty() && words(&latin).len() == 2);
            let c = compare_strings(&latin, &a).unwrap();
            prop_assert_eq!(c.verdict, NameVerdict::Same, "{} / {}: {:?}", latin, a, c);
        }

        #[test]
        fn spelling_variants_is_symmetric(a in "[A-Z]{0,12}", b in "[A-Z]{0,12}") {
            prop_assert_eq!(spelling_variants(&a, &b), spelling_variants(&b, &a));
        }
    }
}
