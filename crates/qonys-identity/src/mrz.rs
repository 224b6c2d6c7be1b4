//! Machine-readable zones (ICAO Doc 9303 Parts 4–7): the two or three lines of `A–Z 0–9 <`
//! printed at the bottom of a passport (TD3), an identity card (TD1, TD2) or a visa (MRV-A,
//! MRV-B). [`Mrz::parse`] reads them, verifies every check digit (7-3-1 weights, `<` = 0,
//! `A` = 10 … `Z` = 35) including the composite, and resolves two-digit years against a
//! reference date passed in by the caller — this module never reads the clock.
//!
//! A bad check digit is not a parse error: the zone is still read and the failure is
//! recorded in [`Mrz::checks`], so the caller can report "the MRZ says X, but its check
//! digit does not match" next to the other findings. Parse errors are reserved for text
//! that is not an MRZ at all (wrong line count or length, a character outside the MRZ
//! alphabet) and always name the line and column.

use std::fmt;

use qonys_time::Date;
use serde::Serialize;

use crate::translit::{self, System};

/// The document formats of ICAO Doc 9303.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MrzKind {
    /// Identity card, 3 lines × 30 characters (Part 5).
    Td1,
    /// Identity card or official travel document, 2 lines × 36 characters (Part 6).
    Td2,
    /// Passport, 2 lines × 44 characters (Part 4).
    Td3,
    /// Visa, full-size format, 2 lines × 44 characters (Part 7).
    MrvA,
    /// Visa, small format, 2 lines × 36 characters (Part 7).
    MrvB,
}

impl MrzKind {
    /// Number of lines of this format.
    pub fn line_count(self) -> usize {
        match self {
            MrzKind::Td1 => 3,
            _ => 2,
        }
    }

    /// Characters per line of this format.
    pub fn line_length(self) -> usize {
        match self {
            MrzKind::Td1 => 30,
            MrzKind::Td2 | MrzKind::MrvB => 36,
            MrzKind::Td3 | MrzKind::MrvA => 44,
        }
    }

    /// Short name as used in ICAO Doc 9303 (`TD1`, `TD2`, `TD3`, `MRV-A`, `MRV-B`).
    pub fn name(self) -> &'static str {
        match self {
            MrzKind::Td1 => "TD1",
            MrzKind::Td2 => "TD2",
            MrzKind::Td3 => "TD3",
            MrzKind::MrvA => "MRV-A",
            MrzKind::MrvB => "MRV-B",
        }
    }
}

impl fmt::Display for MrzKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Sex as encoded in the MRZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Sex {
    /// `M`.
    Male,
    /// `F`.
    Female,
    /// `<` or `X`: unspecified.
    Unspecified,
}

impl Sex {
    /// The MRZ character for this value (`M`, `F`, `<`).
    pub fn mrz_char(self) -> char {
        match self {
            Sex::Male => 'M',
            Sex::Female => 'F',
            Sex::Unspecified => '<',
        }
    }
}

/// The data a check digit protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CheckedField {
    /// Document number.
    DocumentNumber,
    /// Date of birth.
    BirthDate,
    /// Date of expiry.
    ExpiryDate,
    /// Personal number / optional data (TD3 only).
    OptionalData,
    /// Composite check digit over the other protected fields (TD1, TD2, TD3).
    Composite,
}

impl CheckedField {
    /// Machine-readable code, stable across releases (`document_number`, `birth_date`, …).
    pub fn code(self) -> &'static str {
        match self {
            CheckedField::DocumentNumber => "document_number",
            CheckedField::BirthDate => "birth_date",
            CheckedField::ExpiryDate => "expiry_date",
            CheckedField::OptionalData => "optional_data",
            CheckedField::Composite => "composite",
        }
    }
}

/// One verified check digit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckDigitResult {
    /// What the digit protects.
    pub field: CheckedField,
    /// The digit computed from the data (`'0'`…`'9'`).
    pub expected: char,
    /// The character printed in the zone.
    pub found: char,
    /// Whether they agree.
    pub ok: bool,
    /// 1-based line of the check digit.
    pub line: usize,
    /// 1-based column of the check digit.
    pub column: usize,
}

impl fmt::Display for CheckDigitResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.field {
            CheckedField::DocumentNumber => "document number",
            CheckedField::BirthDate => "date of birth",
            CheckedField::ExpiryDate => "date of expiry",
            CheckedField::OptionalData => "optional data",
            CheckedField::Composite => "composite",
        };
        if self.ok {
            write!(
                f,
                "line {}, column {}: {what} check digit {} is correct",
                self.line, self.column, self.found
            )
        } else {
            write!(
                f,
                "line {}, column {}: {what} check digit is {:?}, expected {:?}",
                self.line, self.column, self.found, self.expected
            )
        }
    }
}

/// Something in a field that was read but does not make sense (an impossible date, an
/// unknown sex code). The zone is still returned; the field is `None` or `Unspecified`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzFieldIssue {
    /// 1-based line.
    pub line: usize,
    /// 1-based column where the field starts.
    pub column: usize,
    /// Machine-readable code (`birth_date_invalid`, `expiry_date_invalid`, `sex_invalid`).
    pub code: &'static str,
    /// Human-readable explanation in English.
    pub message: String,
}

/// A machine-readable zone that has been read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mrz {
    /// Format.
    pub kind: MrzKind,
    /// Document code with fillers removed (`P`, `I`, `ID`, `V`, …).
    pub document_code: String,
    /// Issuing state or organisation (ICAO alpha-3, e.g. `KAZ`, `UTO`), fillers removed.
    pub issuing_state: String,
    /// Primary identifier (surname), with `<` turned into spaces.
    pub surname: String,
    /// Secondary identifier (given names), separated by single spaces.
    pub given_names: String,
    /// Document number, fillers removed (long TD1 numbers joined from the optional data).
    pub document_number: String,
    /// Nationality (ICAO alpha-3), fillers removed.
    pub nationality: String,
    /// Date of birth, when the six digits name a real day.
    pub birth_date: Option<Date>,
    /// Date of birth as printed (`YYMMDD`, may contain `<` for unknown parts).
    pub birth_date_raw: String,
    /// Sex.
    pub sex: Sex,
    /// Date of expiry, when the six digits name a real day.
    pub expiry_date: Option<Date>,
    /// Date of expiry as printed (`YYMMDD`).
    pub expiry_date_raw: String,
    /// Optional data (TD3 personal number; TD1 line 1 optional data; TD2 / MRV optional
    /// data), fillers at the ends removed.
    pub optional_data: String,
    /// Second optional-data field (TD1 line 2 only; empty otherwise).
    pub optional_data_2: String,
    /// Every check digit of the format, in the order they appear.
    pub checks: Vec<CheckDigitResult>,
    /// Fields that were read but are not meaningful.
    pub issues: Vec<MrzFieldIssue>,
}

/// Why text could not be read as an MRZ. Every variant names where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MrzError {
    /// No non-blank line.
    #[error("the MRZ is empty: expected 2 lines of 44 (passport), 2 of 36 or 3 of 30 characters")]
    Empty,
    /// The number and length of lines match no format.
    #[error(
        "{lines} line(s) of {lengths} characters is not an MRZ: expected 2 lines of 44 (TD3 passport, MRV-A visa), 2 of 36 (TD2, MRV-B) or 3 of 30 (TD1 identity card)"
    )]
    UnknownShape {
        /// Number of non-blank lines.
        lines: usize,
        /// Their lengths, comma-separated.
        lengths: String,
    },
    /// One line has a different length from the first.
    #[error("line {line} has {found} characters; a {kind} zone has {expected} on every line")]
    LineLength {
        /// 1-based line.
        line: usize,
        /// Format inferred from the other lines.
        kind: MrzKind,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// A character outside `A–Z 0–9 <`.
    #[error(
        "line {line}, column {column}: found {found:?}; an MRZ has only capital letters A–Z, digits 0–9 and the filler '<'"
    )]
    InvalidCharacter {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The character found.
        found: char,
    },
}

/// Value of one MRZ character for the check digit: digits as themselves, `A`=10 … `Z`=35,
/// `<` = 0. Anything else counts as 0 (it cannot occur in a parsed zone).
fn char_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A'..=b'Z' => u32::from(c - b'A') + 10,
        _ => 0,
    }
}

/// ICAO 9303 Part 3 §4.9 check digit of `data` (weights 7, 3, 1 repeating, modulus 10).
///
/// ```
/// assert_eq!(qonys_identity::mrz::check_digit("L898902C3"), '6');
/// assert_eq!(qonys_identity::mrz::check_digit("740812"), '2');
/// ```
pub fn check_digit(data: &str) -> char {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = data
        .bytes()
        .enumerate()
        .map(|(i, c)| char_value(c) * WEIGHTS[i % 3])
        .fold(0u32, |acc, v| (acc + v) % 10);
    char::from(b'0' + (sum % 10) as u8)
}

/// Layout: line index, start column (0-based), length.
type Span = (usize, usize, usize);

struct Layout {
    kind: MrzKind,
    code: Span,
    state: Span,
    name: Span,
    number: Span,
    number_check: Span,
    nationality: Span,
    birth: Span,
    birth_check: Span,
    sex: Span,
    expiry: Span,
    expiry_check: Span,
    optional: Span,
    optional_check: Option<Span>,
    optional_2: Option<Span>,
    /// Composite check digit and the spans it covers.
    composite: Option<(Span, &'static [Span])>,
}

const TD3_COMPOSITE: &[Span] = &[(1, 0, 10), (1, 13, 7), (1, 21, 22)];
const TD2_COMPOSITE: &[Span] = &[(1, 0, 10), (1, 13, 7), (1, 21, 14)];
const TD1_COMPOSITE: &[Span] = &[(0, 5, 25), (1, 0, 7), (1, 8, 7), (1, 18, 11)];

fn layout(kind: MrzKind) -> Layout {
    match kind {
        MrzKind::Td3 | MrzKind::MrvA => Layout {
            kind,
            code: (0, 0, 2),
            state: (0, 2, 3),
            name: (0, 5, 39),
            number: (1, 0, 9),
            number_check: (1, 9, 1),
            nationality: (1, 10, 3),
            birth: (1, 13, 6),
            birth_check: (1, 19, 1),
            sex: (1, 20, 1),
            expiry: (1, 21, 6),
            expiry_check: (1, 27, 1),
            optional: if kind == MrzKind::Td3 {
                (1, 28, 14)
            } else {
                (1, 28, 16)
            },
            optional_check: (kind == MrzKind::Td3).then_some((1, 42, 1)),
            optional_2: None,
            composite: (kind == MrzKind::Td3).then_some(((1, 43, 1), TD3_COMPOSITE)),
        },
        MrzKind::Td2 | MrzKind::MrvB => Layout {
            kind,
            code: (0, 0, 2),
            state: (0, 2, 3),
            name: (0, 5, 31),
            number: (1, 0, 9),
            number_check: (1, 9, 1),
            nationality: (1, 10, 3),
            birth: (1, 13, 6),
            birth_check: (1, 19, 1),
            sex: (1, 20, 1),
            expiry: (1, 21, 6),
            expiry_check: (1, 27, 1),
            optional: if kind == MrzKind::Td2 {
                (1, 28, 7)
            } else {
                (1, 28, 8)
            },
            optional_check: None,
            optional_2: None,
            composite: (kind == MrzKind::Td2).then_some(((1, 35, 1), TD2_COMPOSITE)),
        },
        MrzKind::Td1 => Layout {
            kind,
            code: (0, 0, 2),
            state: (0, 2, 3),
            name: (2, 0, 30),
            number: (0, 5, 9),
            number_check: (0, 14, 1),
            nationality: (1, 15, 3),
            birth: (1, 0, 6),
            birth_check: (1, 6, 1),
            sex: (1, 7, 1),
            expiry: (1, 8, 6),
            expiry_check: (1, 14, 1),
            optional: (0, 15, 15),
            optional_check: None,
            optional_2: Some((1, 18, 11)),
            composite: Some(((1, 29, 1), TD1_COMPOSITE)),
        },
    }
}

fn slice<'a>(lines: &[&'a str], (line, start, len): Span) -> &'a str {
    lines
        .get(line)
        .and_then(|l| l.get(start..start + len))
        .unwrap_or("")
}

fn first_char(s: &str) -> char {
    s.chars().next().unwrap_or('<')
}

/// A field with fillers at both ends removed and inner fillers turned into spaces.
fn unfill(s: &str) -> String {
    s.trim_matches('<')
        .split('<')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A field with fillers removed at both ends, inner fillers kept (document numbers).
fn trim_fill(s: &str) -> String {
    s.trim_matches('<').to_string()
}

fn split_name(field: &str) -> (String, String) {
    match field.find("<<") {
        Some(i) => (unfill(&field[..i]), unfill(&field[i + 2..])),
        None => (unfill(field), String::new()),
    }
}

fn two_digits(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() == 2 && b.iter().all(u8::is_ascii_digit) {
        Some(u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'))
    } else {
        None
    }
}

fn yymmdd(raw: &str) -> Option<(u32, u32, u32)> {
    Some((
        two_digits(raw.get(0..2)?)?,
        two_digits(raw.get(2..4)?)?,
        two_digits(raw.get(4..6)?)?,
    ))
}

/// A date of birth from `YYMMDD`: the latest century that does not put it after `reference`.
pub fn resolve_birth_date(raw: &str, reference: Date) -> Option<Date> {
    let (yy, mm, dd) = yymmdd(raw)?;
    let century = reference.year().div_euclid(100) * 100;
    [century, century - 100, century - 200]
        .into_iter()
        .filter_map(|c| Date::from_ymd(c + yy as i32, mm, dd))
        .find(|d| *d <= reference)
}

/// A date of expiry from `YYMMDD`: the year in the window from 50 years before to 49 years
/// after `reference`'s year.
pub fn resolve_expiry_date(raw: &str, reference: Date) -> Option<Date> {
    let (yy, mm, dd) = yymmdd(raw)?;
    let ry = reference.year();
    let mut year = ry.div_euclid(100) * 100 + yy as i32;
    if year > ry + 49 {
        year -= 100;
    } else if year < ry - 50 {
        year += 100;
    }
    Date::from_ymd(year, mm, dd)
}

fn valid_mrz_char(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<'
}

fn detect_kind(lines: &[&str]) -> Result<MrzKind, MrzError> {
    let count = lines.len();
    let first_len = lines.first().map_or(0, |l| l.chars().count());
    let visa = lines.first().is_some_and(|l| l.starts_with('V'));
    let kind = match (count, first_len) {
        (3, 30) => MrzKind::Td1,
        (2, 36) if visa => MrzKind::MrvB,
        (2, 36) => MrzKind::Td2,
        (2, 44) if visa => MrzKind::MrvA,
        (2, 44) => MrzKind::Td3,
        _ => {
            return Err(MrzError::UnknownShape {
                lines: count,
                lengths: lines
                    .iter()
                    .map(|l| l.chars().count().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    };
    for (i, l) in lines.iter().enumerate() {
        let found = l.chars().count();
        if found != kind.line_length() {
            return Err(MrzError::LineLength {
                line: i + 1,
                kind,
                expected: kind.line_length(),
                found,
            });
        }
    }
    Ok(kind)
}

/// Splits text into MRZ lines: blank lines dropped, each line trimmed; one unbroken line of
/// 90, 88 or 72 characters is cut into the lines of the format it fits.
fn split_lines(text: &str) -> Vec<String> {
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if let [single] = lines.as_slice() {
        let chars: Vec<char> = single.chars().collect();
        let width = match chars.len() {
            90 => 30,
            88 => 44,
            72 => 36,
            _ => return lines,
        };
        return chars.chunks(width).map(|c| c.iter().collect()).collect();
    }
    lines
}

impl Mrz {
    /// Reads an MRZ given as one string (lines separated by newlines, surrounding
    /// whitespace and blank lines ignored; a single unbroken line of 90, 88 or 72
    /// characters is also accepted). Two-digit years are resolved against `reference`
    /// (normally the date the document is checked): a birth date is never after it, an
    /// expiry date falls within 50 years of it.
    pub fn parse(text: &str, reference: Date) -> Result<Mrz, MrzError> {
        let lines = split_lines(text);
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        Mrz::parse_lines(&refs, reference)
    }

    /// Reads an MRZ given line by line (each line trimmed, blank lines ignored).
    pub fn parse_lines(lines: &[&str], reference: Date) -> Result<Mrz, MrzError> {
        let lines: Vec<&str> = lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return Err(MrzError::Empty);
        }
        // Characters first: a lower-case or stray character is a clearer message than a
        // length mismatch it may have caused.
        for (i, l) in lines.iter().enumerate() {
            if let Some((col, c)) = l.chars().enumerate().find(|(_, c)| !valid_mrz_char(*c)) {
                return Err(MrzError::InvalidCharacter {
                    line: i + 1,
                    column: col + 1,
                    found: c,
                });
            }
        }
        let kind = detect_kind(&lines)?;
        Ok(read(&layout(kind), &lines, reference))
    }

    /// True when every check digit matches.
    pub fn checks_ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    /// The check digits that do not match.
    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckDigitResult> {
        self.checks.iter().filter(|c| !c.ok)
    }

    /// Writes the zone back out from the fields, with freshly computed check digits.
    /// Fields longer than their slot are truncated (names as ICAO does: cut at the end).
    /// Parsing the result with the same reference date gives back the same fields.
    pub fn to_lines(&self) -> Vec<String> {
        let lay = layout(self.kind);
        let width = self.kind.line_length();
        let mut grid: Vec<Vec<u8>> = vec![vec![b'<'; width]; self.kind.line_count()];
        let mut put = |(line, start, len): Span, value: &str| {
            if let Some(row) = grid.get_mut(line) {
                for (i, b) in value.bytes().take(len).enumerate() {
                    if let Some(cell) = row.get_mut(start + i) {
                        *cell = b;
                    }
                }
            }
        };
        let fill = |s: &str| -> String {
            s.chars()
                .map(|c| if valid_mrz_char(c) { c } else { '<' })
                .collect()
        };
        put(lay.code, &fill(&self.document_code));
        put(lay.state, &fill(&self.issuing_state));
        let name = if self.given_names.is_empty() {
            fill(&self.surname)
        } else {
            format!("{}<<{}", fill(&self.surname), fill(&self.given_names))
        };
        put(lay.name, &name);
        let number = fill(&self.document_number);
        let mut optional = fill(&self.optional_data);
        if self.kind == MrzKind::Td1 && number.len() > 9 {
            // Long document number: first nine in place, `<` as its check digit, the rest
            // plus the real check digit at the start of the optional data.
            put(lay.number, &number[..9]);
            put(lay.number_check, "<");
            optional = format!("{}{}<{}", &number[9..], check_digit(&number), optional);
        } else {
            put(lay.number, &number);
            let padded = format!("{number:<<9}");
            put(
                lay.number_check,
                &check_digit(&padded[..9.min(padded.len())]).to_string(),
            );
        }
        put(lay.nationality, &fill(&self.nationality));
        put(lay.birth, &fill(&self.birth_date_raw));
        put(
            lay.birth_check,
            &check_digit(&format!("{:<<6}", fill(&self.birth_date_raw))).to_string(),
        );
        put(lay.sex, &self.sex.mrz_char().to_string());
        put(lay.expiry, &fill(&self.expiry_date_raw));
        put(
            lay.expiry_check,
            &check_digit(&format!("{:<<6}", fill(&self.expiry_date_raw))).to_string(),
        );
        put(lay.optional, &optional);
        if let Some(span) = lay.optional_2 {
            put(span, &fill(&self.optional_data_2));
        }
        let text = |grid: &Vec<Vec<u8>>, (line, start, len): Span| -> String {
            grid.get(line)
                .and_then(|r| r.get(start..start + len))
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        };
        if let Some(span) = lay.optional_check {
            let data = text(&grid, lay.optional);
            let digit = check_digit(&data);
            let (line, start, _) = span;
            if let Some(cell) = grid.get_mut(line).and_then(|r| r.get_mut(start)) {
                *cell = digit as u8;
            }
        }
        if let Some(((line, start, _), covered)) = lay.composite {
            let data: String = covered.iter().map(|s| text(&grid, *s)).collect();
            let digit = check_digit(&data);
            if let Some(cell) = grid.get_mut(line).and_then(|r| r.get_mut(start)) {
                *cell = digit as u8;
            }
        }
        grid.into_iter()
            .map(|r| String::from_utf8_lossy(&r).into_owned())
            .collect()
    }
}

fn read(lay: &Layout, lines: &[&str], reference: Date) -> Mrz {
    let get = |span: Span| slice(lines, span);
    let mut checks = Vec::new();
    let mut issues = Vec::new();
    let mut check = |field: CheckedField, data: &str, at: Span, filler_ok: bool| {
        let found = first_char(get(at));
        let expected = check_digit(data);
        let ok = found == expected || (filler_ok && found == '<');
        checks.push(CheckDigitResult {
            field,
            expected,
            found,
            ok,
            line: at.0 + 1,
            column: at.1 + 1,
        });
    };

    let (surname, given_names) = split_name(get(lay.name));

    // Document number, including the TD1 extension into the optional data.
    let number_raw = get(lay.number);
    let mut optional_raw = get(lay.optional).to_string();
    let mut document_number = trim_fill(number_raw);
    let number_check_char = first_char(get(lay.number_check));
    if lay.kind == MrzKind::Td1 && number_check_char == '<' && !optional_raw.starts_with('<') {
        let ext_len = optional_raw.find('<').unwrap_or(optional_raw.len());
        if ext_len >= 2 {
            let ext = &optional_raw[..ext_len - 1];
            let full = format!("{number_raw}{ext}");
            let digit_col = lay.optional.1 + ext_len - 1;
            check(
                CheckedField::DocumentNumber,
                &full,
                (0, digit_col, 1),
                false,
            );
            document_number = trim_fill(&full);
            optional_raw = optional_raw.get(ext_len + 1..).unwrap_or("").to_string();
        } else {
            check(
                CheckedField::DocumentNumber,
                number_raw,
                lay.number_check,
                false,
            );
        }
    } else {
        check(
            CheckedField::DocumentNumber,
            number_raw,
            lay.number_check,
            false,
        );
    }

    let birth_raw = get(lay.birth);
    check(CheckedField::BirthDate, birth_raw, lay.birth_check, false);
    let expiry_raw = get(lay.expiry);
    check(
        CheckedField::ExpiryDate,
        expiry_raw,
        lay.expiry_check,
        false,
    );
    if let Some(span) = lay.optional_check {
        let data = get(lay.optional);
        let all_filler = data.bytes().all(|b| b == b'<');
        check(CheckedField::OptionalData, data, span, all_filler);
    }
    if let Some((span, covered)) = lay.composite {
        let data: String = covered.iter().map(|s| get(*s)).collect();
        check(CheckedField::Composite, &data, span, false);
    }

    let birth_date = resolve_birth_date(birth_raw, reference);
    if birth_date.is_none() && !birth_raw.bytes().all(|b| b == b'<') {
        issues.push(MrzFieldIssue {
            line: lay.birth.0 + 1,
            column: lay.birth.1 + 1,
            code: "birth_date_invalid",
            message: format!(
                "date of birth {birth_raw:?} is not a real day on or before {reference} (expected YYMMDD)"
            ),
        });
    }
    let expiry_date = resolve_expiry_date(expiry_raw, reference);
    if expiry_date.is_none() {
        issues.push(MrzFieldIssue {
            line: lay.expiry.0 + 1,
            column: lay.expiry.1 + 1,
            code: "expiry_date_invalid",
            message: format!("date of expiry {expiry_raw:?} is not a real day (expected YYMMDD)"),
        });
    }
    let sex = match first_char(get(lay.sex)) {
        'M' => Sex::Male,
        'F' => Sex::Female,
        '<' | 'X' => Sex::Unspecified,
        other => {
            issues.push(MrzFieldIssue {
                line: lay.sex.0 + 1,
                column: lay.sex.1 + 1,
                code: "sex_invalid",
                message: format!("sex {other:?} is not one of M, F, X or '<'"),
            });
            Sex::Unspecified
        }
    };

    Mrz {
        kind: lay.kind,
        document_code: trim_fill(get(lay.code)),
        issuing_state: trim_fill(get(lay.state)),
        surname,
        given_names,
        document_number,
        nationality: trim_fill(get(lay.nationality)),
        birth_date,
        birth_date_raw: birth_raw.to_string(),
        sex,
        expiry_date,
        expiry_date_raw: expiry_raw.to_string(),
        optional_data: trim_fill(&optional_raw),
        optional_data_2: lay
            .optional_2
            .map(|s| trim_fill(get(s)))
            .unwrap_or_default(),
        checks,
        issues,
    }
}

/// What another document (or the applicant) states about the holder, to compare with the
/// MRZ. Leave a field `None` when it is not stated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatedIdentity {
    /// Surname, in any script.
    pub surname: Option<String>,
    /// Given names, in any script.
    pub given_names: Option<String>,
    /// Date of birth.
    pub birth_date: Option<Date>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Nationality as ICAO alpha-3 (`KAZ`, `RUS`, `D` for Germany).
    pub nationality: Option<String>,
    /// Date of expiry of the document the MRZ belongs to.
    pub expiry_date: Option<Date>,
}

/// A stated field that the MRZ contradicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MrzField {
    /// Surname.
    Surname,
    /// Given names.
    GivenNames,
    /// Date of birth.
    BirthDate,
    /// Sex.
    Sex,
    /// Nationality.
    Nationality,
    /// Date of expiry.
    ExpiryDate,
}

impl MrzField {
    /// Machine-readable code for message catalogues (`mrz.mismatch.surname`, …).
    pub fn code(self) -> &'static str {
        match self {
            MrzField::Surname => "mrz.mismatch.surname",
            MrzField::GivenNames => "mrz.mismatch.given_names",
            MrzField::BirthDate => "mrz.mismatch.birth_date",
            MrzField::Sex => "mrz.mismatch.sex",
            MrzField::Nationality => "mrz.mismatch.nationality",
            MrzField::ExpiryDate => "mrz.mismatch.expiry_date",
        }
    }
}

/// One disagreement between the MRZ and a stated identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzMismatch {
    /// Which field.
    pub field: MrzField,
    /// The value in the MRZ, as printed (names in MRZ form).
    pub in_mrz: String,
    /// The stated value.
    pub stated: String,
}

/// A name in the form the MRZ would print it: Latin capitals (Cyrillic through the ICAO
/// table, diacritics removed), words separated by `<`, apostrophes dropped.
pub fn mrz_name_form(name: &str) -> String {
    to_mrz_words(&translit::fold_to_ascii_upper(&translit::transliterate(
        name,
        System::Icao9303,
    )))
}

/// Every form an issuing state may have printed `name` in: Cyrillic through each
/// transliteration system (Russian passports before 2014 used the 1997 system), Latin
/// diacritics dropped (`MULLER`) or expanded as ICAO Doc 9303 Part 3 allows (`MUELLER`).
pub fn mrz_name_forms(name: &str) -> Vec<String> {
    let mut forms: Vec<String> = Vec::new();
    for system in System::ALL {
        let latin = translit::transliterate(name, system);
        for folded in [
            translit::fold_to_ascii_upper(&latin),
            translit::fold_to_ascii_upper_expanding(&latin),
        ] {
            let form = to_mrz_words(&folded);
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms
}

fn to_mrz_words(folded: &str) -> String {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '\'' && c != '’')
        .map(|w| w.replace(['\'', '’'], ""))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("<")
}

/// True when `mrz` (MRZ form) is `stated` cut short because the name field was full.
fn names_agree(mrz: &str, stated: &str, field_full: bool) -> bool {
    mrz == stated || (field_full && !mrz.is_empty() && stated.starts_with(mrz))
}

impl Mrz {
    /// Compares the zone with what another document states. Names are compared in MRZ
    /// form, accepting any form in [`mrz_name_forms`] (a Cyrillic name through any of the
    /// transliteration systems, Latin diacritics dropped or expanded); a name cut short
    /// because the MRZ name field is full is not a mismatch. Dates, sex and nationality must be equal;
    /// a stated sex of [`Sex::Unspecified`] matches anything.
    pub fn compare(&self, stated: &StatedIdentity) -> Vec<MrzMismatch> {
        let mut out = Vec::new();
        let lay = layout(self.kind);
        let field_full = {
            // The field is full when the name fills it to the last character.
            let (_, _, len) = lay.name;
            let mrz_name = if self.given_names.is_empty() {
                mrz_name_form(&self.surname)
            } else {
                format!(
                    "{}<<{}",
                    mrz_name_form(&self.surname),
                    mrz_name_form(&self.given_names)
                )
            };
            mrz_name.len() >= len
        };
        let mrz_surname = mrz_name_form(&self.surname);
        let mrz_given = mrz_name_form(&self.given_names);
        if let Some(s) = &stated.surname {
            // The surname is cut only if nothing of the given names fits after it.
            let full = field_full && mrz_given.is_empty();
            if !mrz_name_forms(s)
                .iter()
                .any(|f| names_agree(&mrz_surname, f, full))
            {
                out.push(MrzMismatch {
                    field: MrzField::Surname,
                    in_mrz: mrz_surname.clone(),
                    stated: s.clone(),
                });
            }
        }
        if let Some(g) = &stated.given_names
            && !mrz_name_forms(g)
                .iter()
                .any(|f| names_agree(&mrz_given, f, field_full))
        {
            out.push(MrzMismatch {
                field: MrzField::GivenNames,
                in_mrz: mrz_given.clone(),
                stated: g.clone(),
            });
        }
        if let Some(d) = stated.birth_date
            && self.birth_date != Some(d)
        {
            out.push(MrzMismatch {
                field: MrzField::BirthDate,
                in_mrz: self
                    .birth_date
                    .map_or_else(|| self.birth_date_raw.clone(), |d| d.to_string()),
                stated: d.to_string(),
            });
        }
        if let Some(s) = stated.sex
            && s != Sex::Unspecified
            && s != self.sex
        {
            out.push(MrzMismatch {
                field: MrzField::Sex,
                in_mrz: self.sex.mrz_char().to_string(),
                stated: s.mrz_char().to_string(),
            });
        }
        if let Some(n) = &stated.nationality {
            let stated_n = translit::fold_to_ascii_upper(n.trim());
            if stated_n != self.nationality {
                out.push(MrzMismatch {
                    field: MrzField::Nationality,
                    in_mrz: self.nationality.clone(),
                    stated: n.clone(),
                });
            }
        }
        if let Some(d) = stated.expiry_date
            && self.expiry_date != Some(d)
        {
            out.push(MrzMismatch {
                field: MrzField::ExpiryDate,
                in_mrz: self
                    .expiry_date
                    .map_or_else(|| self.expiry_date_raw.clone(), |d| d.to_string()),
                stated: d.to_string(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    const REF: &str = "2026-11-25";

    const TD3: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];
    const TD2: [&str; 2] = [
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ];
    const TD1: [&str; 3] = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];

    #[test]
    fn check_digits_of_the_icao_examples() {
        assert_eq!(check_digit("L898902C3"), '6');
        assert_eq!(check_digit("740812"), '2');
        assert_eq!(check_digit("120415"), '9');
        assert_eq!(check_digit("ZE184226B<<<<<"), '1');
        assert_eq!(check_digit("D23145890"), '7');
        assert_eq!(check_digit("<<<<<<"), '0');
    }

    #[test]
    fn icao_td3_specimen() {
        let m = Mrz::parse_lines(&TD3, day(REF)).unwrap();
        assert_eq!(m.kind, MrzKind::Td3);
        assert_eq!(m.document_code, "P");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.document_number, "L898902C3");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(m.birth_date, Some(day("1974-08-12")));
        assert_eq!(m.sex, Sex::Female);
        assert_eq!(m.expiry_date, Some(day("2012-04-15")));
        assert_eq!(m.optional_data, "ZE184226B");
        assert_eq!(m.checks.len(), 5);
        assert!(m.checks_ok(), "{:?}", m.checks);
        assert!(m.issues.is_empty());
    }

    #[test]
    fn icao_td2_specimen() {
        let m = Mrz::parse_lines(&TD2, day(REF)).unwrap();
        assert_eq!(m.kind, MrzKind::Td2);
        assert_eq!(m.document_code, "I");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(m.birth_date, Some(day("1974-08-12")));
        assert_eq!(m.expiry_date, Some(day("2012-04-15")));
        assert_eq!(m.checks.len(), 4);
        assert!(m.checks_ok(), "{:?}", m.checks);
    }

    #[test]
    fn icao_td1_specimen() {
        let m = Mrz::parse_lines(&TD1, day(REF)).unwrap();
        assert_eq!(m.kind, MrzKind::Td1);
        assert_eq!(m.document_code, "I");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.sex, Sex::Female);
        assert_eq!(m.birth_date, Some(day("1974-08-12")));
        assert_eq!(m.expiry_date, Some(day("2012-04-15")));
        assert_eq!(m.checks.len(), 4);
        assert!(m.checks_ok(), "{:?}", m.checks);
    }

    #[test]
    fn one_string_with_newlines_and_whitespace() {
        let text = format!("  \n {}  \r\n\t{}\n\n", TD3[0], TD3[1]);
        let m = Mrz::parse(&text, day(REF)).unwrap();
        assert!(m.checks_ok());
        let joined = format!("{}{}", TD2[0], TD2[1]);
        assert_eq!(Mrz::parse(&joined, day(REF)).unwrap().kind, MrzKind::Td2);
        let joined = TD1.concat();
        assert_eq!(Mrz::parse(&joined, day(REF)).unwrap().kind, MrzKind::Td1);
    }

    #[test]
    fn corrupted_document_number_fails_its_digit_and_the_composite() {
        let bad = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C46UTO7408122F1204159ZE184226B<<<<<10",
        ];
        let m = Mrz::parse_lines(&bad, day(REF)).unwrap();
        let failed: Vec<_> = m.failed_checks().map(|c| c.field).collect();
        assert_eq!(
            failed,
            vec![CheckedField::DocumentNumber, CheckedField::Composite]
        );
        let c = &m.checks[0];
        assert_eq!((c.line, c.column, c.found), (2, 10, '6'));
        assert_ne!(c.expected, '6');
        assert_eq!(
            c.to_string(),
            format!(
                "line 2, column 10: document number check digit is '6', expected '{}'",
                c.expected
            )
        );
    }

    #[test]
    fn corrupted_birth_date_and_check_digit() {
        // Birth date 740812 → 740821 (day/month typo) with the original digit.
        let bad = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408212F1204159ZE184226B<<<<<10",
        ];
        let m = Mrz::parse_lines(&bad, day(REF)).unwrap();
        let failed: Vec<_> = m.failed_checks().map(|c| c.field).collect();
        assert_eq!(
            failed,
            vec![CheckedField::BirthDate, CheckedField::Composite]
        );
        // Only the composite digit altered.
        let bad = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<11",
        ];
        let m = Mrz::parse_lines(&bad, day(REF)).unwrap();
        let failed: Vec<_> = m.failed_checks().map(|c| c.field).collect();
        assert_eq!(failed, vec![CheckedField::Composite]);
        // TD1 composite.
        let bad = [
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<7",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let m = Mrz::parse_lines(&bad, day(REF)).unwrap();
        assert_eq!(
            m.failed_checks().map(|c| c.field).collect::<Vec<_>>(),
            vec![CheckedField::Composite]
        );
        // TD2 expiry.
        let bad = [
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "D231458907UTO7408122F1204158<<<<<<<6",
        ];
        let m = Mrz::parse_lines(&bad, day(REF)).unwrap();
        assert_eq!(
            m.failed_checks().map(|c| c.field).collect::<Vec<_>>(),
            vec![CheckedField::ExpiryDate, CheckedField::Composite]
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let bad = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F12o4159ZE184226B<<<<<10",
        ];
        let err = Mrz::parse_lines(&bad, day(REF)).unwrap_err();
        assert_eq!(
            err,
            MrzError::InvalidCharacter {
                line: 2,
                column: 24,
                found: 'o'
            }
        );
        assert!(err.to_string().contains("line 2, column 24"), "{err}");
        let short = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<1",
        ];
        let err = Mrz::parse_lines(&short, day(REF)).unwrap_err();
        assert!(
            matches!(
                err,
                MrzError::LineLength {
                    line: 2,
                    expected: 44,
                    found: 43,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(matches!(
            Mrz::parse("P<UTO", day(REF)),
            Err(MrzError::UnknownShape { .. })
        ));
        assert_eq!(Mrz::parse(" \n ", day(REF)), Err(MrzError::Empty));
    }

    #[test]
    fn impossible_date_is_an_issue_not_a_panic() {
        let mut lines = Mrz::parse_lines(&TD3, day(REF)).unwrap();
        lines.birth_date_raw = "741312".into();
        let text = lines.to_lines().join("\n");
        let m = Mrz::parse(&text, day(REF)).unwrap();
        assert_eq!(m.birth_date, None);
        assert!(m.checks_ok());
        assert_eq!(m.issues[0].code, "birth_date_invalid");
        assert_eq!((m.issues[0].line, m.issues[0].column), (2, 14));
    }

    #[test]
    fn two_digit_years_follow_the_reference_date() {
        let r = day("2026-11-25");
        assert_eq!(resolve_birth_date("261124", r), Some(day("2026-11-24")));
        assert_eq!(resolve_birth_date("261126", r), Some(day("1926-11-26")));
        assert_eq!(resolve_birth_date("000229", r), Some(day("2000-02-29")));
        assert_eq!(resolve_expiry_date("360101", r), Some(day("2036-01-01")));
        assert_eq!(resolve_expiry_date("750101", r), Some(day("2075-01-01")));
        assert_eq!(resolve_expiry_date("770101", r), Some(day("1977-01-01")));
        assert_eq!(resolve_expiry_date("12<415", r), None);
    }

    #[test]
    fn long_td1_document_number() {
        let mut m = Mrz::parse_lines(&TD1, day(REF)).unwrap();
        m.document_number = "D23145890123".into();
        m.optional_data = "XYZ".into();
        let lines = m.to_lines();
        assert_eq!(&lines[0][14..15], "<");
        let back = Mrz::parse_lines(
            &lines.iter().map(String::as_str).collect::<Vec<_>>(),
            day(REF),
        )
        .unwrap();
        assert_eq!(back.document_number, "D23145890123");
        assert_eq!(back.optional_data, "XYZ");
        assert!(back.checks_ok(), "{:?}", back.checks);
    }

    #[test]
    fn specimens_render_back_identically() {
        for lines in [&TD3[..], &TD2[..], &TD1[..]] {
            let m = Mrz::parse_lines(lines, day(REF)).unwrap();
            assert_eq!(
                m.to_lines(),
                lines.iter().map(|s| s.to_string()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn visas() {
        let mut m = Mrz::parse_lines(&TD3, day(REF)).unwrap();
        m.kind = MrzKind::MrvA;
        m.document_code = "V".into();
        let lines = m.to_lines();
        let back = Mrz::parse(&lines.join("\n"), day(REF)).unwrap();
        assert_eq!(back.kind, MrzKind::MrvA);
        assert_eq!(back.checks.len(), 3);
        assert!(back.checks_ok());
        m.kind = MrzKind::MrvB;
        let back = Mrz::parse(&m.to_lines().join("\n"), day(REF)).unwrap();
        assert_eq!(back.kind, MrzKind::MrvB);
        assert!(back.checks_ok());
    }

    #[test]
    fn compare_with_stated_identity() {
        let m = Mrz::parse_lines(&TD3, day(REF)).unwrap();
        let same = StatedIdentity {
            surname: Some("Eriksson".into()),
            given_names: Some("Anna Maria".into()),
            birth_date: Some(day("1974-08-12")),
            sex: Some(Sex::Female),
            nationality: Some("uto".into()),
            expiry_date: Some(day("2012-04-15")),
        };
        assert_eq!(m.compare(&same), vec![]);
        let other = StatedIdentity {
            surname: Some("Erikson".into()),
            birth_date: Some(day("1974-12-08")),
            sex: Some(Sex::Male),
            nationality: Some("SWE".into()),
            expiry_date: Some(day("2022-04-15")),
            ..StatedIdentity::default()
        };
        let fields: Vec<_> = m.compare(&other).into_iter().map(|x| x.field).collect();
        assert_eq!(
            fields,
            vec![
                MrzField::Surname,
                MrzField::BirthDate,
                MrzField::Sex,
                MrzField::Nationality,
                MrzField::ExpiryDate
            ]
        );
    }

    #[test]
    fn compare_cyrillic_name_through_icao() {
        let mut m = Mrz::parse_lines(&TD3, day(REF)).unwrap();
        m.surname = "SHCHERBAKOV".into();
        m.given_names = "IURII".into();
        let stated = StatedIdentity {
            surname: Some("Щербаков".into()),
            given_names: Some("Юрий".into()),
            ..StatedIdentity::default()
        };
        assert_eq!(m.compare(&stated), vec![]);
    }

    #[test]
    fn compare_accepts_older_systems_and_expanded_umlauts() {
        let mut m = Mrz::parse_lines(&TD3, day(REF)).unwrap();
        m.surname = "MUELLER".into();
        m.given_names = "YURIY".into();
        let stated = StatedIdentity {
            surname: Some("Müller".into()),
            given_names: Some("Юрий".into()),
            ..StatedIdentity::default()
        };
        assert_eq!(m.compare(&stated), vec![]);
        let stated = StatedIdentity {
            surname: Some("Muller".into()),
            given_names: Some("Юлий".into()),
            ..StatedIdentity::default()
        };
        let fields: Vec<_> = m.compare(&stated).into_iter().map(|x| x.field).collect();
        assert_eq!(fields, vec![MrzField::Surname, MrzField::GivenNames]);
    }

    #[test]
    fn truncated_name_is_not_a_mismatch() {
        let mut m = Mrz::parse_lines(&TD3, day(REF)).unwrap();
        m.surname = "ABDULLAYEVA-NURSULTANOVA".into();
        m.given_names = "GULNARA MAKHAMBETOVNA".into();
        let m = Mrz::parse(&m.to_lines().join("\n"), day(REF)).unwrap();
        assert_eq!(m.given_names, "GULNARA MAKHA");
        let stated = StatedIdentity {
            surname: Some("Abdullayeva-Nursultanova".into()),
            given_names: Some("Gulnara Makhambetovna".into()),
            ..StatedIdentity::default()
        };
        assert_eq!(m.compare(&stated), vec![]);
    }

    fn field(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".to_vec()),
            len,
        )
        .prop_map(|v| String::from_utf8(v).unwrap_or_default())
    }

    fn letters(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
            len,
        )
        .prop_map(|v| String::from_utf8(v).unwrap_or_default())
    }

    fn any_mrz() -> impl Strategy<Value = Mrz> {
        (
            prop::sample::select(vec![
                MrzKind::Td1,
                MrzKind::Td2,
                MrzKind::Td3,
                MrzKind::MrvA,
                MrzKind::MrvB,
            ]),
            letters(3..=3),
            letters(1..=8),
            letters(1..=6),
            field(1..=9),
            letters(3..=3),
            (1930i32..=2025, 1u32..=12, 1u32..=28),
            prop::sample::select(vec![Sex::Male, Sex::Female, Sex::Unspecified]),
            (2020i32..=2060, 1u32..=12, 1u32..=28),
            field(0..=5),
        )
            .prop_map(
                |(kind, state, surname, given, number, nat, b, sex, e, opt)| {
                    let code = if matches!(kind, MrzKind::MrvA | MrzKind::MrvB) {
                        "V"
                    } else if matches!(kind, MrzKind::Td3) {
                        "P"
                    } else {
                        "I"
                    };
                    let birth = Date::from_ymd(b.0, b.1, b.2).unwrap_or(Date::from_day_number(0));
                    let expiry = Date::from_ymd(e.0, e.1, e.2).unwrap_or(Date::from_day_number(0));
                    let yymmdd = |d: Date| {
                        let (y, m, dd) = d.ymd();
                        format!("{:02}{:02}{:02}", y.rem_euclid(100), m, dd)
                    };
                    Mrz {
                        kind,
                        document_code: code.into(),
                        issuing_state: state,
                        surname,
                        given_names: given,
                        document_number: number,
                        nationality: nat,
                        birth_date: Some(birth),
                        birth_date_raw: yymmdd(birth),
                        sex,
                        expiry_date: Some(expiry),
                        expiry_date_raw: yymmdd(expiry),
                        optional_data: opt,
                        optional_data_2: String::new(),
                        checks: vec![],
                        issues: vec![],
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn mrz_parse_never_panics(text in "\\PC{0,120}") {
            let _ = Mrz::parse(&text, day(REF));
        }

        #[test]
        fn mrz_parse_never_panics_on_mrz_alphabet(text in "[A-Z0-9<\n]{0,100}") {
            let _ = Mrz::parse(&text, day(REF));
        }

        #[test]
        fn mrz_never_panics_on_right_shape(l1 in "[A-Z0-9<]{44}", l2 in "[A-Z0-9<]{44}", l3 in "[A-Z0-9<]{30}") {
            let r = day(REF);
            if let Ok(m) = Mrz::parse_lines(&[&l1, &l2], r) {
                let _ = m.to_lines();
                let _ = m.compare(&StatedIdentity { surname: Some("Иванов".into()), ..Default::default() });
            }
            let _ = Mrz::parse_lines(&[&l1[..36], &l2[..36]], r);
            let _ = Mrz::parse_lines(&[&l3, &l1[..30], &l2[..30]], r).map(|m| m.to_lines());
        }

        #[test]
        fn built_mrz_parses_back_identically(m in any_mrz()) {
            let lines = m.to_lines();
            let back = Mrz::parse(&lines.join("\n"), day(REF)).unwrap();
            prop_assert!(back.checks_ok(), "{:?} {:?}", lines, back.checks);
            prop_assert!(back.issues.is_empty());
            prop_assert_eq!(&back.kind, &m.kind);
            prop_assert_eq!(&back.surname, &m.surname);
            prop_assert_eq!(&back.given_names, &m.given_names);
            prop_assert_eq!(&back.document_number, &m.document_number);
            prop_assert_eq!(back.birth_date, m.birth_date);
            prop_assert_eq!(back.expiry_date, m.expiry_date);
            prop_assert_eq!(back.sex, m.sex);
            prop_assert_eq!(&back.nationality, &m.nationality);
            prop_assert_eq!(&back.optional_data, &m.optional_data);
            prop_assert_eq!(back.to_lines(), lines);
        }

        #[test]
        fn any_single_substitution_is_caught(m in any_mrz(), pos in 0usize..200, c in prop::sample::select(b"0123456789".to_vec())) {
            // Changing one digit of a check-digit-protected numeric field breaks a check.
            let lines = m.to_lines();
            let lay = layout(m.kind);
            let (line, start, len) = lay.birth;
            let at = start + pos % len;
            let mut bytes = lines[line].clone().into_bytes();
            prop_assume!(bytes[at] != c);
            bytes[at] = c;
            let mut changed = lines.clone();
            changed[line] = String::from_utf8(bytes).unwrap_or_default();
            let back = Mrz::parse(&changed.join("\n"), day(REF)).unwrap();
            prop_assert!(!back.checks_ok());
        }
    }
}
