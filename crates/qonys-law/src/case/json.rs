//! The JSON case-file reader: one pass over the text with serde, the answers of `facts` going
//! straight into the case's answer table (each value as [`RawValue::from_json`] reads it), the
//! other sections as JSON values handed to their readers. Errors are those of the TOML reader:
//! a syntax error with its line and column, or field errors naming each section or answer.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{CaseError, CaseFile, FieldError, RawValue};

/// Reads a JSON case file.
pub(super) fn parse(text: &str) -> Result<CaseFile, CaseError> {
    let mut out = CaseFile::default();
    let mut errors = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let syntax = |e: serde_json::Error| {
        CaseError::Syntax(format!("line {}, column {}: {e}", e.line(), e.column()))
    };
    let object = Top {
        out: &mut out,
        errors: &mut errors,
    }
    .deserialize(&mut de)
    .map_err(syntax)?;
    de.end().map_err(syntax)?;
    if !object {
        return Err(CaseError::Syntax("expected a JSON object".into()));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(CaseError::Fields(errors))
    }
}

/// Consumes any JSON value and says whether it was an object (read into the case) or not.
struct Top<'a> {
    out: &'a mut CaseFile,
    errors: &'a mut Vec<FieldError>,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<bool, A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<bool, A::Error> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = m.next_key::<String>()? {
            if seen.contains(&key) {
                m.next_value::<IgnoredAny>()?;
                self.errors.push(FieldError {
                    message: "given twice; give each section once".into(),
                    field: key,
                });
                continue;
            }
            if key == "facts" {
                m.next_value_seed(Answers {
                    out: self.out,
                    errors: self.errors,
                })?;
            } else {
                let value: serde_json::Value = m.next_value()?;
                self.out.read_json_section(&key, value, self.errors);
            }
            seen.push(key);
        }
        Ok(true)
    }
}

/// The `facts` section: each answer read as [`RawValue::from_json`] reads it.
struct Answers<'a> {
    out: &'a mut CaseFile,
    errors: &'a mut Vec<FieldError>,
}

impl<'de> DeserializeSeed<'de> for Answers<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Answers<'_> {
    fn not_an_object<E>(self) -> Result<(), E> {
        self.errors.push(FieldError {
            field: "facts".into(),
            message: "expected an object of answers".into(),
        });
        Ok(())
    }
}

impl<'de> Visitor<'de> for Answers<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of answers")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object()
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        // The last value of a key wins, as when a JSON object is read whole: a later value
        // replaces an earlier answer or error under the same key (`null`: not answered).
        while let Some(key) = m.next_key::<String>()? {
            let value = RawValue::from_json(m.next_value()?);
            if !self.errors.is_empty() {
                let field = format!("facts.{key}");
                self.errors.retain(|e| e.field != field);
            }
            match value {
                Ok(Some(r)) => {
                    self.out.facts.insert(key, r);
                }
                Ok(None) => {
                    self.out.facts.remove(&key);
                }
                Err(message) => {
                    self.out.facts.remove(&key);
                    self.errors.push(FieldError {
                        field: format!("facts.{key}"),
                        message,
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CaseError, CaseFile, RawValue};

    fn fields(text: &str) -> Vec<(String, String)> {
        match CaseFile::parse_json(text) {
            Err(CaseError::Fields(f)) => f.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("{text}: expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn answers_and_sections_read_in_one_pass() {
        let c = CaseFile::parse_json(
            r#"{"case": {"title": "T"}, "facts": {"a": 1, "b": "x", "c": [true], "d": null}}"#,
        )
        .expect("case");
        assert_eq!(c.meta.title.as_deref(), Some("T"));
        assert_eq!(c.facts.len(), 3);
        assert_eq!(c.facts["a"], RawValue::Num(1.0));
        assert_eq!(c.facts["b"], RawValue::Str("x".into()));
        assert_eq!(c.facts["c"], RawValue::List(vec![RawValue::Bool(true)]));
    }

    /// The last value of an answer wins, as when a JSON object is read whole.
    #[test]
    fn the_last_value_of_an_answer_wins() {
        let c = CaseFile::parse_json(r#"{"facts": {"a": 1, "a": null}}"#).expect("case");
        assert!(c.facts.is_empty());
        let c = CaseFile::parse_json(r#"{"facts": {"a": {}, "a": 2}}"#).expect("case");
        assert_eq!(c.facts["a"], RawValue::Num(2.0));
        assert_eq!(
            fields(r#"{"facts": {"a": 2, "a": {}}}"#),
            [(
                "facts.a".to_string(),
                "expected a single value, found an object".to_string()
            )]
        );
    }

    #[test]
    fn wrong_shapes_are_named() {
        for text in ["[]", "3", "\"x\"", "null"] {
            assert!(
                matches!(CaseFile::parse_json(text), Err(CaseError::Syntax(m)) if m == "expected a JSON object"),
                "{text}"
            );
        }
        assert_eq!(
            fields(r#"{"facts": [1, 2]}"#),
            [(
                "facts".to_string(),
                "expected an object of answers".to_string()
            )]
        );
        assert_eq!(
            fields(r#"{"facts": {}, "facts": {"a": 1}}"#),
            [(
                "facts".to_string(),
                "given twice; give each section once".to_string()
            )]
        );
        assert_eq!(fields(r#"{"nope": 1}"#)[0].0, "nope");
        match CaseFile::parse_json("{\"facts\": {\"a\": 1}}\n x") {
            Err(CaseError::Syntax(m)) => assert!(m.starts_with("line 2, column 2"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
