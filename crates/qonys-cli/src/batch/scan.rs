//! The fast path for JSON Lines profiles in `qonys batch`: a hand-written scanner for the
//! shape nearly every profile line has — one object, either flat or `{"id": …, "facts": {…}}`,
//! whose keys are fact names and whose answers are strings without escapes, plain decimal
//! numbers, `true`/`false`/`null` or lists of option ids — binding each answer straight to its
//! fact with the same binder as the serde path.
//!
//! It never decides anything the serde path would decide differently: whatever it does not
//! recognise (an escape, an exponent or a minus sign, more than 15 digits, an unknown key, an
//! answer that does not bind, a syntax error, trailing text) makes it give up, and the line
//! goes through the serde path, which gives the value or the error message. A test compares
//! the two paths value by value on generated profiles and on hand-written edge cases.

use qonys_law::Facts;
use qonys_law::case::RawValue;
use qonys_law::pack::{Fact, FactType, V};

use super::{AnswerSeed, Binder, Bound};

/// Binds one JSON line, or `None` when the line is not of the common shape (or is wrong).
pub(super) fn bind_fast(b: &Binder<'_>, text: &[u8]) -> Option<Bound> {
    // One UTF-8 check for the whole line; strings are then cut from it at their quotes.
    let text = std::str::from_utf8(text).ok()?;
    let mut c = Cursor {
        t: text,
        s: text.as_bytes(),
        i: 0,
    };
    let mut facts = Facts::empty(b.pack);
    let mut id = None;
    let (mut nested, mut flat) = (false, false);
    c.object(|c, key| {
        match key {
            "id" => {
                id = match c.peek()? {
                    b'"' => Some(c.string()?.to_string()),
                    b'n' => c.literal(b"null").then_some(None)?,
                    _ => Some(c.number()?.to_string()),
                };
            }
            "facts" => {
                nested = true;
                c.object(|c, key| answer(b, c, key, &mut facts))?;
            }
            _ => {
                flat = true;
                answer(b, c, key, &mut facts)?;
            }
        }
        Some(())
    })?;
    c.ws();
    if c.i != text.len() || (nested && flat) {
        return None;
    }
    Some(Bound { id, facts })
}

/// Reads the answer under `key` (a fact name) and records it.
fn answer(b: &Binder<'_>, c: &mut Cursor<'_>, key: &str, facts: &mut Facts) -> Option<()> {
    let idx = *b.names.get(key)?;
    let fact = &b.pack.facts[usize::from(idx)];
    if let Some(v) = c.value(b, fact)? {
        facts.set(idx, v);
    }
    Some(())
}

struct Cursor<'a> {
    t: &'a str,
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        let hit = self.s[self.i..].starts_with(word);
        if hit {
            self.i += word.len();
        }
        hit
    }

    /// `{ "key": value, … }`, calling `member` with the cursor at each value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            member(self, key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string with no escape and no control character.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        let len = memchr::memchr2(b'"', b'\\', &self.s[start..])?;
        let raw = &self.s[start..start + len];
        if self.s[start + len] != b'"' || raw.iter().fold(false, |any, &c| any | (c < 0x20)) {
            return None;
        }
        self.i = start + len + 1;
        // Both ends are ASCII quotes, so they are character boundaries.
        self.t.get(start..start + len)
    }

    /// A JSON number of the form `123` or `123.45` with at most 15 digits, exactly as
    /// serde_json reads it (the digits are an integer below 2^53 and the divisor a power of
    /// ten below 10^16: both exact, and one division rounds correctly).
    fn number(&mut self) -> Option<f64> {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        self.ws();
        let s = &self.s[self.i..];
        let int = s.iter().take_while(|c| c.is_ascii_digit()).count();
        if int == 0 || (int > 1 && s[0] == b'0') {
            return None;
        }
        let mut end = int;
        let mut decimals = 0;
        if s.get(end) == Some(&b'.') {
            decimals = s[end + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if decimals == 0 {
                return None;
            }
            end += 1 + decimals;
        }
        if int + decimals > 15 || matches!(s.get(end), Some(b'e' | b'E' | b'.' | b'0'..=b'9')) {
            return None;
        }
        let mantissa = s[..end]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .fold(0u64, |m, &c| m * 10 + u64::from(c - b'0'));
        self.i += end;
        Some(mantissa as f64 / POW10[decimals])
    }

    /// One answer: `Some(None)` for `null` (not answered), `None` to give up.
    fn value(&mut self, b: &Binder<'_>, fact: &Fact) -> Option<Option<V>> {
        let seed = AnswerSeed { b, fact };
        let bound = match self.peek()? {
            b'"' => seed.text(self.string()?),
            b't' if self.literal(b"true") => seed.slow(&RawValue::Bool(true)),
            b'f' if self.literal(b"false") => seed.slow(&RawValue::Bool(false)),
            b'n' if self.literal(b"null") => return Some(None),
            b'0'..=b'9' => seed.slow(&RawValue::Num(self.number()?)),
            b'[' if fact.kind == FactType::Set => return self.options(fact).map(Some),
            _ => return None,
        };
        bound?.ok().map(Some)
    }

    /// A list of option ids of a set fact, as its mask.
    fn options(&mut self, fact: &Fact) -> Option<V> {
        self.eat(b'[')?;
        let mut mask = 0u64;
        if self.peek()? == b']' {
            self.i += 1;
            return Some(V::Set(mask));
        }
        loop {
            mask |= 1 << fact.option_index(self.string()?.trim())?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(V::Set(mask));
                }
                _ => return None,
            }
        }
    }
}
