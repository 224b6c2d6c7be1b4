//! The exported persons: CSV bytes → one typed column per fact of the pack ("build"), plus
//! OpenFisca's expected outputs. Every fact of the pack must have a column and every cell a
//! value: OpenFisca reads a missing input as its default, qonys as unknown, so the harness
//! refuses to guess. Values are bound with the same `parse_answer` as case files and the API
//! (memoised per distinct text for yes/no, option and country columns). With several threads
//! the file is split at line ends (the export has no quoted line breaks).

use anyhow::{Result, anyhow, bail};
use qonys_law::Pack;
use qonys_law::case::{RawValue, check_numbers, parse_answer};
use qonys_law::engine::{Columns, FactColumn};
use qonys_law::pack::{FactType, V};
use rayon::prelude::*;

/// The CSV's columns, resolved against the pack.
#[derive(Debug, Clone)]
pub struct Header {
    convs: Vec<Conv>,
    /// Names of the expected outputs (without `expected_`).
    pub expected: Vec<String>,
    body_start: usize,
    /// Fields to split to reach the last input column (the rest of a line is skipped).
    inputs_upto: usize,
}

#[derive(Debug, Clone, Copy)]
enum Conv {
    Fact { idx: usize, numeric: bool },
    Expected(usize),
}

/// The persons as typed fact columns and OpenFisca's outputs (row by row).
pub struct Table {
    /// Facts.
    pub cols: Columns,
    /// Expected outputs, `n × k`, row-major.
    pub expected: Vec<u8>,
}

struct Memo(Vec<(u128, Vec<u8>, V)>);

impl Header {
    fn new(pack: &Pack, line: &[u8], body_start: usize) -> Result<Header> {
        let mut convs = Vec::new();
        let mut expected = Vec::new();
        let mut seen = vec![false; pack.facts.len()];
        for name in line.split(|&b| b == b',') {
            let name = std::str::from_utf8(name)?.trim();
            if let Some(out) = name.strip_prefix("expected_") {
                convs.push(Conv::Expected(expected.len()));
                expected.push(out.to_string());
            } else if let Some(idx) = pack.fact_idx(name) {
                let idx = usize::from(idx);
                seen[idx] = true;
                let numeric = matches!(
                    pack.facts[idx].kind,
                    FactType::Integer | FactType::Number | FactType::Money(_)
                );
                convs.push(Conv::Fact { idx, numeric });
            } else {
                bail!(
                    "CSV column `{name}` is neither a fact of pack {} nor `expected_<output>`",
                    pack.meta.id
                );
            }
        }
        if let Some(missing) = seen.iter().position(|s| !s) {
            bail!(
                "the CSV has no column for fact `{}`: OpenFisca would use its default, qonys would treat it as unknown",
                pack.facts[missing].id
            );
        }
        let inputs_upto = convs
            .iter()
            .rposition(|c| matches!(c, Conv::Fact { .. }))
            .map_or(0, |i| i + 1);
        Ok(Header {
            convs,
            expected,
            body_start,
            inputs_upto,
        })
    }
}

impl Table {
    /// Reads the header line.
    pub fn header(pack: &Pack, bytes: &[u8]) -> Result<Header> {
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| anyhow!("the CSV has no header line"))?;
        let line = bytes[..end].strip_suffix(b"\r").unwrap_or(&bytes[..end]);
        Header::new(pack, line, end + 1)
    }

    /// Parses and binds the body's inputs on `threads` threads (the timed "build").
    pub fn build(pack: &Pack, h: &Header, bytes: &[u8], threads: usize) -> Result<Columns> {
        let body = &bytes[h.body_start.min(bytes.len())..];
        // Split at line ends into `threads` pieces.
        let mut cuts = vec![0];
        for t in 1..threads.max(1) {
            let at = body.len() * t / threads;
            let at = body[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(body.len(), |p| at + p + 1);
            if at > *cuts.last().unwrap_or(&0) {
                cuts.push(at);
            }
        }
        cuts.push(body.len());
        cuts.dedup();
        let pieces: Vec<&[u8]> = cuts.windows(2).map(|w| &body[w[0]..w[1]]).collect();
        let count = |p: &[u8]| {
            memchr::memchr_iter(b'\n', p).count()
                + usize::from(!p.is_empty() && !p.ends_with(b"\n"))
        };
        let counts: Vec<usize> = if pieces.len() == 1 {
            vec![count(pieces[0])]
        } else {
            pieces.par_iter().map(|p| count(p)).collect()
        };
        // Line numbers in errors: the header is line 1.
        let mut first_line = Vec::with_capacity(counts.len());
        let mut line = 2;
        for c in &counts {
            first_line.push(line);
            line += c;
        }
        let parts: Vec<Result<Columns>> = if pieces.len() == 1 {
            vec![build_piece(pack, h, pieces[0], counts[0], 2)]
        } else {
            (0..pieces.len())
                .into_par_iter()
                .map(|i| build_piece(pack, h, pieces[i], counts[i], first_line[i]))
                .collect()
        };
        let mut cols = Vec::new();
        for part in parts {
            cols.push(part?);
        }
        Ok(Columns::concat(cols))
    }

    /// Person `r` as a JSON case (`{"facts": {...}}`), as a web client would send it.
    pub fn json_case(&self, pack: &Pack, r: usize) -> String {
        let mut facts = serde_json::Map::new();
        for (i, f) in pack.facts.iter().enumerate() {
            let v = match self.cols.get(r, i) {
                V::Bool(b) => serde_json::Value::Bool(b),
                V::Num(n) => serde_json::json!(n),
                V::Sym(s) if f.kind == FactType::Country => pack
                    .countries
                    .get(usize::from(s))
                    .map_or(serde_json::Value::Null, |c| c.code.clone().into()),
                V::Sym(s) => f
                    .options
                    .get(usize::from(s))
                    .map_or(serde_json::Value::Null, |o| o.id.clone().into()),
                _ => serde_json::Value::Null,
            };
            facts.insert(f.id.clone(), v);
        }
        serde_json::json!({ "facts": facts }).to_string()
    }
}

/// The persons' inputs as typed arrays: the shape numpy holds them in before OpenFisca's
/// build. A number column is an array of `f64`; any other column is an array of codes into
/// its list of distinct texts, like an enum's index array and its names. They are read from
/// the CSV before the clock starts, just as OpenFisca's `generate()` is not timed.
pub struct TypedInputs {
    rows: usize,
    cols: Vec<TypedColumn>,
}

enum TypedColumn {
    Numbers {
        fact: usize,
        values: Vec<f64>,
    },
    Coded {
        fact: usize,
        names: Vec<String>,
        codes: Vec<u16>,
    },
}

impl TypedInputs {
    /// Reads the input columns of the CSV body into typed arrays (not timed).
    pub fn read(h: &Header, bytes: &[u8]) -> Result<TypedInputs> {
        let body = &bytes[h.body_start.min(bytes.len())..];
        let mut cols: Vec<Option<TypedColumn>> = h
            .convs
            .iter()
            .map(|c| match *c {
                Conv::Fact { idx, numeric: true } => Some(TypedColumn::Numbers {
                    fact: idx,
                    values: Vec::new(),
                }),
                Conv::Fact {
                    idx,
                    numeric: false,
                } => Some(TypedColumn::Coded {
                    fact: idx,
                    names: Vec::new(),
                    codes: Vec::new(),
                }),
                Conv::Expected(_) => None,
            })
            .collect();
        let rows = records(body, 2, Some(h.inputs_upto), |row, fields| {
            if fields.len() < h.inputs_upto {
                bail!(
                    "line {}: {} fields, the header has {}",
                    row + 2,
                    fields.len(),
                    h.convs.len()
                );
            }
            for (field, col) in fields.iter().zip(cols.iter_mut()) {
                match col {
                    Some(TypedColumn::Numbers { values, .. }) => {
                        values.push(parse_number(field).ok_or_else(|| {
                            anyhow!(
                                "line {}: `{}` is not a number",
                                row + 2,
                                String::from_utf8_lossy(field)
                            )
                        })?);
                    }
                    Some(TypedColumn::Coded { names, codes, .. }) => {
                        let code = match names.iter().position(|n| n.as_bytes() == *field) {
                            Some(c) => c,
                            None => {
                                names.push(String::from_utf8_lossy(field).into_owned());
                                names.len() - 1
                            }
                        };
                        codes.push(u16::try_from(code).map_err(|_| {
                            anyhow!(
                                "line {}: more than 65,536 distinct texts in a column",
                                row + 2
                            )
                        })?);
                    }
                    None => {}
                }
            }
            Ok(())
        })?;
        Ok(TypedInputs {
            rows,
            cols: cols.into_iter().flatten().collect(),
        })
    }

    /// Binds the arrays to the pack's fact columns: the "build" that matches OpenFisca's
    /// (arrays already in memory → the engine's input). Each distinct text of a coded column is
    /// bound once by `parse_answer`; each number column is checked by `check_numbers`, which
    /// refuses exactly what `parse_answer` refuses.
    pub fn bind(&self, pack: &Pack) -> Result<Columns> {
        let mut cols = Columns::new(pack, self.rows);
        let mut sinks: Vec<Option<FactColumn<'_>>> = cols.facts_mut().map(Some).collect();
        let mut jobs = Vec::with_capacity(self.cols.len());
        for col in &self.cols {
            let fact = match col {
                TypedColumn::Numbers { fact, .. } | TypedColumn::Coded { fact, .. } => *fact,
            };
            let sink = sinks[fact]
                .take()
                .ok_or_else(|| anyhow!("fact `{}` has two columns", pack.facts[fact].id))?;
            jobs.push((sink, fact, col));
        }
        // One column per task: the columns are independent, so both cores fill them.
        jobs.into_par_iter()
            .map(|(mut sink, fact, col)| -> Result<()> {
                let f = &pack.facts[fact];
                match col {
                    TypedColumn::Numbers { values, .. } => {
                        check_numbers(pack, f, values)
                            .map_err(|(r, e)| anyhow!("line {}: `{}`: {e}", r + 2, f.id))?;
                        sink.fill(|r| V::Num(values[r]));
                    }
                    TypedColumn::Coded { names, codes, .. } => {
                        let bound = names
                            .iter()
                            .map(|n| {
                                if n.is_empty() {
                                    bail!("`{}` is empty on some line (give every input)", f.id);
                                }
                                parse_answer(pack, f, &RawValue::Str(n.clone()))
                                    .map_err(|e| anyhow!("`{}`: {e}", f.id))
                            })
                            .collect::<Result<Vec<V>>>()?;
                        sink.fill(|r| bound[usize::from(codes[r])]);
                    }
                }
                Ok(())
            })
            .collect::<Result<Vec<()>>>()?;
        drop(sinks);
        Ok(cols)
    }
}

/// Calls `f(row, fields)` for every record of `piece`: a plain split at commas when the piece
/// has no quote character (the export never quotes), the `csv` crate otherwise.
fn records(
    piece: &[u8],
    first_line: usize,
    upto: Option<usize>,
    mut f: impl FnMut(usize, &[&[u8]]) -> Result<()>,
) -> Result<usize> {
    let mut fields: Vec<&[u8]> = Vec::with_capacity(32);
    let mut row = 0;
    if memchr::memchr(b'"', piece).is_none() {
        let mut pos = 0;
        while pos < piece.len() {
            let nl = memchr::memchr(b'\n', &piece[pos..]).map_or(piece.len(), |i| pos + i);
            let line = &piece[pos..nl];
            pos = nl + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            fields.clear();
            let mut s = 0;
            let mut done = false;
            for c in memchr::memchr_iter(b',', line) {
                fields.push(&line[s..c]);
                s = c + 1;
                if upto.is_some_and(|u| fields.len() >= u) {
                    done = true;
                    break;
                }
            }
            if !done {
                fields.push(&line[s..]);
            }
            f(row, &fields)?;
            row += 1;
        }
        return Ok(row);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(piece);
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => bail!("line {}: {e}", first_line + row),
        }
        let fs: Vec<&[u8]> = rec.iter().collect();
        f(row, &fs)?;
        row += 1;
    }
    Ok(row)
}

/// OpenFisca's expected outputs, row-major (not part of the timed build).
pub fn expected(h: &Header, bytes: &[u8]) -> Result<Vec<u8>> {
    let body = &bytes[h.body_start.min(bytes.len())..];
    let k = h.expected.len();
    let mut out = Vec::new();
    records(body, 2, None, |row, fields| {
        if fields.len() != h.convs.len() {
            bail!(
                "line {}: {} fields, the header has {}",
                row + 2,
                fields.len(),
                h.convs.len()
            );
        }
        let at = out.len();
        out.resize(at + k, 0);
        for (field, conv) in fields.iter().zip(&h.convs) {
            if let Conv::Expected(i) = *conv {
                out[at + i] = match *field {
                    b"true" => 1,
                    b"false" => 0,
                    other => std::str::from_utf8(other)
                        .ok()
                        .and_then(|s| s.parse::<u8>().ok())
                        .ok_or_else(|| {
                            anyhow!(
                                "line {}: expected_{}: `{}` is not true, false or a count",
                                row + 2,
                                h.expected[i],
                                String::from_utf8_lossy(other)
                            )
                        })?,
                };
            }
        }
        Ok(())
    })?;
    Ok(out)
}

fn build_piece(
    pack: &Pack,
    h: &Header,
    piece: &[u8],
    rows: usize,
    first_line: usize,
) -> Result<Columns> {
    let mut cols = Columns::new(pack, rows);
    let mut memos: Vec<Memo> = h.convs.iter().map(|_| Memo(Vec::new())).collect();
    let n = records(piece, first_line, Some(h.inputs_upto), |row, fields| {
        if row >= rows {
            bail!("line {}: more records than lines", first_line + row);
        }
        if fields.len() < h.inputs_upto {
            bail!(
                "line {}: {} fields, the header has {}",
                first_line + row,
                fields.len(),
                h.convs.len()
            );
        }
        if fields.len() > h.inputs_upto && fields.len() != h.convs.len() {
            bail!(
                "line {}: {} fields, the header has {}",
                first_line + row,
                fields.len(),
                h.convs.len()
            );
        }
        for (ci, (&field, conv)) in fields.iter().zip(&h.convs).enumerate() {
            let Conv::Fact { idx, numeric } = *conv else {
                continue;
            };
            let fact = &pack.facts[idx];
            if field.is_empty() {
                bail!(
                    "line {}: `{}` is empty (give every input)",
                    first_line + row,
                    fact.id
                );
            }
            let parsed = if numeric {
                parse_number(field).map(|x| parse_answer(pack, fact, &RawValue::Num(x)))
            } else {
                memos[ci].find(field).map(Ok)
            };
            let v = match parsed {
                Some(r) => r,
                None => {
                    let s = String::from_utf8_lossy(field).into_owned();
                    let r = parse_answer(pack, fact, &RawValue::Str(s));
                    if let Ok(v) = r
                        && !numeric
                    {
                        memos[ci].add(field, v);
                    }
                    r
                }
            }
            .map_err(|e| anyhow!("line {}: `{}`: {e}", first_line + row, fact.id))?;
            cols.set(row, idx, v);
        }
        Ok(())
    })?;
    if n != rows {
        bail!("line {}: {n} records but {rows} lines", first_line);
    }
    Ok(cols)
}

impl Memo {
    /// A key for texts of up to 16 bytes (longer ones are compared in full).
    fn key(t: &[u8]) -> Option<u128> {
        if t.len() > 15 {
            return None;
        }
        let mut b = [0u8; 16];
        b[..t.len()].copy_from_slice(t);
        b[15] = t.len() as u8;
        Some(u128::from_le_bytes(b))
    }

    fn find(&self, t: &[u8]) -> Option<V> {
        match Memo::key(t) {
            Some(k) => self
                .0
                .iter()
                .find(|(key, long, _)| *key == k && long.is_empty())
                .map(|e| e.2),
            None => self.0.iter().find(|e| e.1 == t).map(|e| e.2),
        }
    }

    fn add(&mut self, t: &[u8], v: V) {
        if self.0.len() < 64 {
            match Memo::key(t) {
                Some(k) => self.0.push((k, Vec::new(), v)),
                None => self.0.push((0, t.to_vec(), v)),
            }
        }
    }
}

/// A CSV number: plain decimals (`123`, `4567.89`, at most 15 digits) exactly and without
/// going through `str`, everything else (signs, exponents, long mantissas) by `str::parse`.
/// The fast path gives the correctly rounded value, as `str::parse` does: the digits form an
/// integer below 2^53 and the divisor a power of ten below 10^16, both exact in an `f64`, and
/// one IEEE division rounds correctly.
fn parse_number(field: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut decimals = 0usize;
    let mut dot = false;
    let mut plain = true;
    for &b in field {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                decimals += usize::from(dot);
                if digits > 15 {
                    plain = false;
                    break;
                }
            }
            b'.' if !dot => dot = true,
            _ => {
                plain = false;
                break;
            }
        }
    }
    if plain && digits > 0 {
        return Some(mantissa as f64 / POW10[decimals]);
    }
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    /// The fast path agrees with `str::parse` bit for bit, and the rest falls back to it.
    #[test]
    fn numbers_parse_as_std_does() {
        let mut texts: Vec<String> = [
            "0",
            "0.0",
            "3000.0",
            "2999.99",
            "0.1",
            "0.3",
            "12.",
            ".5",
            "123456789012345",
            "1234567890123456",
            "9007199254740993",
            "1e3",
            "-2.5",
            "+7",
            "5999.995",
            "0.000000000000001",
            "11999999.99",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let cents = x % 1_200_000_000;
            texts.push(format!("{}.{:02}", cents / 100, cents % 100));
            texts.push(format!("{}", (x >> 20) % 1_000_000_000_000_000));
        }
        for t in &texts {
            assert_eq!(
                parse_number(t.as_bytes()).map(f64::to_bits),
                t.parse::<f64>().ok().map(f64::to_bits),
                "{t}"
            );
        }
        for bad in ["", ".", "1.2.3", "abc", "1,5", "inf", "NaN"] {
            assert_eq!(parse_number(bad.as_bytes()), None, "{bad}");
        }
    }
}
