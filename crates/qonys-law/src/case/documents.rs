//! The `[[document]]` array of a case file: one entry per document the person holds or will
//! file — its kind, issuing state, dates and language, the holder's name and date of birth
//! *as written on it* (Latin or Cyrillic; dates in any spelling
//! [`qonys_identity::dates::parse_document_date`] reads), the MRZ when it has one, and the
//! formalities already done. Reading checks each field's shape and names it in errors
//! (`document[2].issue_date: …`, documents numbered from 1 in file order);
//! [`CaseDocument::bind`] then checks kinds and countries against the pack.

use qonys_identity::dates::parse_document_date;
use qonys_identity::mrz::Sex;
use qonys_time::Date;

use super::FieldError;
use crate::pack::Pack;

/// A date as written on a document, with the day it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenDate {
    /// The text as written (`12.03.1990`, `12 MAR 1990`, `1990-03-12`).
    pub written: String,
    /// The day it was read as (day first when ambiguous).
    pub date: Date,
    /// The other reading when the spelling is ambiguous (`04/03/2026`).
    pub alternative: Option<Date>,
}

/// Whose document it is.
pub const HOLDERS: &[&str] = &[
    "applicant",
    "spouse",
    "child",
    "sponsor",
    "employer",
    "other",
];

/// One document of a case.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseDocument {
    /// Document kind id (from the pack's `documents.toml`).
    pub kind: String,
    /// Whose document it is: `applicant` (default), `spouse`, `child`, `sponsor`,
    /// `employer` or `other`. Names and dates of birth are compared per holder.
    pub holder: String,
    /// Issuing state, ISO 3166-1 alpha-2 (or alpha-3, or a name).
    pub issuing_country: Option<String>,
    /// Date of issue.
    pub issue_date: Option<WrittenDate>,
    /// Date of expiry.
    pub expiry_date: Option<WrittenDate>,
    /// Date of the event recorded (marriage, birth) for civil-status certificates.
    pub event_date: Option<WrittenDate>,
    /// Language(s) of the document (`en`, `ru`, `kk, en`).
    pub language: Option<String>,
    /// The holder's name as printed (`IVANOVA ZHANNA` or `Иванова Жанна Петровна`).
    pub holder_name: Option<String>,
    /// Date of birth as printed.
    pub date_of_birth: Option<WrittenDate>,
    /// Sex as printed.
    pub sex: Option<Sex>,
    /// Nationality as printed (alpha-2, alpha-3 or a country name).
    pub nationality: Option<String>,
    /// Document number.
    pub number: Option<String>,
    /// The machine-readable zone, lines separated by newlines.
    pub mrz: Option<String>,
    /// An apostille is attached.
    pub apostille: Option<bool>,
    /// The document has been legalised by a consul.
    pub legalisation: Option<bool>,
    /// A notarised translation into Kazakh or Russian exists.
    pub notarised_translation: Option<bool>,
    /// Free note.
    pub note: Option<String>,
}

const FIELDS: &[&str] = &[
    "kind",
    "holder",
    "issuing_country",
    "issue_date",
    "expiry_date",
    "event_date",
    "language",
    "holder_name",
    "date_of_birth",
    "sex",
    "nationality",
    "number",
    "mrz",
    "apostille",
    "legalisation",
    "notarised_translation",
    "note",
];

fn read_date(v: &toml::Value) -> Result<WrittenDate, String> {
    match v {
        toml::Value::Datetime(dt) => {
            let date = crate::pack::source::date_from_toml(dt)?;
            Ok(WrittenDate {
                written: date.to_string(),
                date,
                alternative: None,
            })
        }
        toml::Value::String(s) => match parse_document_date(s) {
            Ok(d) => Ok(WrittenDate {
                written: s.trim().to_string(),
                date: d.date,
                alternative: d.alternative,
            }),
            Err(e) => Err(format!(
                "expected a date as written on the document (1990-03-12, 12.03.1990, 12 MAR 1990, 12 марта 1990 г.): {e}"
            )),
        },
        other => Err(format!(
            "expected a date (1990-03-12 or as written, e.g. \"12.03.1990\"), found {}",
            other.type_str()
        )),
    }
}

/// Reads the sex as printed: `M`/`F`/`X`, English, Russian or Kazakh words.
pub fn parse_sex(s: &str) -> Option<Sex> {
    match s.trim().to_lowercase().as_str() {
        "m" | "male" | "м" | "муж" | "муж." | "мужской" | "ер" | "е" => {
            Some(Sex::Male)
        }
        "f" | "female" | "ж" | "жен" | "жен." | "женский" | "әйел" | "ә" => {
            Some(Sex::Female)
        }
        "x" | "<" | "unspecified" => Some(Sex::Unspecified),
        _ => None,
    }
}

impl CaseDocument {
    /// Reads one `[[document]]` table; `n` is its 1-based number for error paths.
    pub fn from_table(n: usize, table: &toml::Table) -> Result<CaseDocument, Vec<FieldError>> {
        let mut errors = Vec::new();
        let field = |k: &str| format!("document[{n}].{k}");
        let mut d = CaseDocument {
            holder: "applicant".into(),
            ..CaseDocument::default()
        };
        let text = |k: &str, v: &toml::Value, errors: &mut Vec<FieldError>| -> Option<String> {
            match v {
                toml::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                toml::Value::String(_) => {
                    errors.push(FieldError {
                        field: field(k),
                        message: "is empty; leave the field out when it is not known".into(),
                    });
                    None
                }
                other => {
                    errors.push(FieldError {
                        field: field(k),
                        message: format!("expected text, found {}", other.type_str()),
                    });
                    None
                }
            }
        };
        let flag = |k: &str, v: &toml::Value, errors: &mut Vec<FieldError>| -> Option<bool> {
            match v {
                toml::Value::Boolean(b) => Some(*b),
                other => {
                    errors.push(FieldError {
                        field: field(k),
                        message: format!("expected true or false, found {}", other.type_str()),
                    });
                    None
                }
            }
        };
        let date = |k: &str, v: &toml::Value, errors: &mut Vec<FieldError>| match read_date(v) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(FieldError {
                    field: field(k),
                    message: m,
                });
                None
            }
        };
        for (k, v) in table {
            match k.as_str() {
                "kind" => d.kind = text(k, v, &mut errors).unwrap_or_default(),
                "holder" => {
                    if let Some(h) = text(k, v, &mut errors) {
                        if HOLDERS.contains(&h.as_str()) {
                            d.holder = h;
                        } else {
                            errors.push(FieldError {
                                field: field(k),
                                message: format!(
                                    "expected one of {}, found {h:?}",
                                    HOLDERS.join(", ")
                                ),
                            });
                        }
                    }
                }
                "issuing_country" => d.issuing_country = text(k, v, &mut errors),
                "issue_date" => d.issue_date = date(k, v, &mut errors),
                "expiry_date" => d.expiry_date = date(k, v, &mut errors),
                "event_date" => d.event_date = date(k, v, &mut errors),
                "language" => d.language = text(k, v, &mut errors),
                "holder_name" => d.holder_name = text(k, v, &mut errors),
                "date_of_birth" => d.date_of_birth = date(k, v, &mut errors),
                "sex" => {
                    if let Some(s) = text(k, v, &mut errors) {
                        match parse_sex(&s) {
                            Some(x) => d.sex = Some(x),
                            None => errors.push(FieldError {
                                field: field(k),
                                message: format!("expected M, F or X (or male / female, муж. / жен., ер / әйел), found {s:?}"),
                            }),
                        }
                    }
                }
                "nationality" => d.nationality = text(k, v, &mut errors),
                "number" => d.number = text(k, v, &mut errors),
                "mrz" => d.mrz = text(k, v, &mut errors),
                "apostille" => d.apostille = flag(k, v, &mut errors),
                "legalisation" | "legalization" => d.legalisation = flag(k, v, &mut errors),
                "notarised_translation" | "notarized_translation" => {
                    d.notarised_translation = flag(k, v, &mut errors)
                }
                "note" => d.note = text(k, v, &mut errors),
                other => {
                    let hint = crate::pack::closest(other, FIELDS.iter().copied())
                        .map(|c| format!(" — did you mean `{c}`?"))
                        .unwrap_or_default();
                    errors.push(FieldError {
                        field: field(other),
                        message: format!(
                            "unknown field{hint}; a document has: {}",
                            FIELDS.join(", ")
                        ),
                    });
                }
            }
        }
        if !table.contains_key("kind") {
            errors.push(FieldError {
                field: field("kind"),
                message: "missing: every document needs `kind = \"…\"` (e.g. \"passport\")".into(),
            });
        }
        if errors.is_empty() {
            Ok(d)
        } else {
            Err(errors)
        }
    }

    /// Reads the `document` array (TOML array of tables, or JSON array of objects already
    /// converted to TOML values).
    pub fn read_array(value: toml::Value) -> Result<Vec<CaseDocument>, Vec<FieldError>> {
        let toml::Value::Array(items) = value else {
            return Err(vec![FieldError {
                field: "document".into(),
                message: "expected an array of documents (`[[document]]` tables)".into(),
            }]);
        };
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                toml::Value::Table(t) => match CaseDocument::from_table(i + 1, t) {
                    Ok(d) => out.push(d),
                    Err(e) => errors.extend(e),
                },
                other => errors.push(FieldError {
                    field: format!("document[{}]", i + 1),
                    message: format!("expected a table of fields, found {}", other.type_str()),
                }),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Reads the `document` array of a JSON case file (`null` fields are left out).
    pub fn read_json(value: serde_json::Value) -> Result<Vec<CaseDocument>, Vec<FieldError>> {
        fn conv(v: serde_json::Value) -> Option<toml::Value> {
            Some(match v {
                serde_json::Value::Null => return None,
                serde_json::Value::Bool(b) => toml::Value::Boolean(b),
                serde_json::Value::Number(n) => match n.as_i64() {
                    Some(i) => toml::Value::Integer(i),
                    None => toml::Value::Float(n.as_f64().unwrap_or(0.0)),
                },
                serde_json::Value::String(s) => toml::Value::String(s),
                serde_json::Value::Array(a) => {
                    toml::Value::Array(a.into_iter().filter_map(conv).collect())
                }
                serde_json::Value::Object(o) => toml::Value::Table(
                    o.into_iter()
                        .filter_map(|(k, v)| conv(v).map(|v| (k, v)))
                        .collect(),
                ),
            })
        }
        match conv(value) {
            Some(v) => CaseDocument::read_array(v),
            None => Ok(Vec::new()),
        }
    }

    /// Checks the kind and the countries against the pack; `n` is the 1-based number.
    pub fn bind(&self, pack: &Pack, n: usize) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if pack.documents.kind(&self.kind).is_none() {
            let hint = crate::pack::closest(
                &self.kind,
                pack.documents.kinds.iter().map(|k| k.id.as_str()),
            )
            .map(|c| format!(" — did you mean `{c}`?"))
            .unwrap_or_default();
            errors.push(FieldError {
                field: format!("document[{n}].kind"),
                message: format!(
                    "no such document kind in rule pack `{}`{hint}",
                    pack.meta.id
                ),
            });
        }
        for (k, v) in [
            ("issuing_country", &self.issuing_country),
            ("nationality", &self.nationality),
        ] {
            if let Some(c) = v
                && super::input::find_country(pack, c).is_none()
            {
                errors.push(FieldError {
                    field: format!("document[{n}].{k}"),
                    message: format!("there is no country {c:?}: give its ISO code (DE, KZ, CN), alpha-3 code or name"),
                });
            }
        }
        errors
    }

    /// The issuing country's alpha-2 code, when given and known to the pack.
    pub fn issuing_country_code<'p>(&self, pack: &'p Pack) -> Option<&'p str> {
        let c = self.issuing_country.as_deref()?;
        super::input::find_country(pack, c).map(|i| pack.countries[usize::from(i)].code.as_str())
    }

    /// The nationality's pack index, when given and known.
    pub fn nationality_idx(&self, pack: &Pack) -> Option<u16> {
        super::input::find_country(pack, self.nationality.as_deref()?)
    }

    /// As a TOML `[[document]]` table.
    pub fn to_toml(&self) -> String {
        let s = super::toml_string;
        let mut out = String::from("\n[[document]]\n");
        out.push_str(&format!("kind = {}\n", s(&self.kind)));
        if self.holder != "applicant" {
            out.push_str(&format!("holder = {}\n", s(&self.holder)));
        }
        let text = [
            ("issuing_country", &self.issuing_country),
            ("language", &self.language),
            ("holder_name", &self.holder_name),
            ("nationality", &self.nationality),
            ("number", &self.number),
        ];
        for (k, v) in text {
            if let Some(v) = v {
                out.push_str(&format!("{k} = {}\n", s(v)));
            }
        }
        for (k, v) in [
            ("issue_date", &self.issue_date),
            ("expiry_date", &self.expiry_date),
            ("event_date", &self.event_date),
            ("date_of_birth", &self.date_of_birth),
        ] {
            if let Some(d) = v {
                out.push_str(&format!("{k} = {}\n", s(&d.written)));
            }
        }
        if let Some(x) = self.sex {
            out.push_str(&format!(
                "sex = \"{}\"\n",
                match x {
                    Sex::Male => "M",
                    Sex::Female => "F",
                    Sex::Unspecified => "X",
                }
            ));
        }
        if let Some(m) = &self.mrz {
            out.push_str(&format!("mrz = {}\n", s(m)));
        }
        for (k, v) in [
            ("apostille", self.apostille),
            ("legalisation", self.legalisation),
            ("notarised_translation", self.notarised_translation),
        ] {
            if let Some(b) = v {
                out.push_str(&format!("{k} = {b}\n"));
            }
        }
        if let Some(n) = &self.note {
            out.push_str(&format!("note = {}\n", s(n)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CaseFile;
    use crate::case::CaseError;

    fn field_errors(text: &str) -> Vec<String> {
        match CaseFile::parse(text) {
            Err(CaseError::Fields(e)) => e.into_iter().map(|e| e.to_string()).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_document_and_field() {
        let e = field_errors(
            "[[document]]\nkind = \"passport\"\n\n[[document]]\nkind = \"birth_certificate\"\nissue_date = \"31.02.2020\"\nsex = \"Q\"\napostile = true\n",
        );
        assert!(
            e.iter()
                .any(|m| m.starts_with("document[2].issue_date: expected a date")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m.starts_with("document[2].sex: expected M, F or X")),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|m| m
                    .contains("document[2].apostile: unknown field — did you mean `apostille`?")),
            "{e:?}"
        );
        let e = field_errors("[[document]]\nholder_name = \"X\"\n");
        assert_eq!(e, vec!["document[1].kind: missing: every document needs `kind = \"…\"` (e.g. \"passport\")".to_string()]);
    }

    #[test]
    fn json_and_toml_read_the_same_documents() {
        let toml = "[[document]]\nkind = \"passport\"\nissuing_country = \"KZ\"\ndate_of_birth = \"12 МАР 1990\"\nsex = \"ж\"\napostille = true\n";
        let json = r#"{"document": [{"kind": "passport", "issuing_country": "KZ", "date_of_birth": "12 МАР 1990", "sex": "ж", "apostille": true, "mrz": null}]}"#;
        let a = CaseFile::parse(toml);
        let b = CaseFile::parse(json);
        // "МАР" is not a month spelling the reader knows: both refuse it the same way.
        assert_eq!(a.is_err(), b.is_err());
        let toml = toml.replace("12 МАР 1990", "12 марта 1990");
        let json = json.replace("12 МАР 1990", "12 марта 1990");
        let a = CaseFile::parse(&toml).expect("toml");
        let b = CaseFile::parse(&json).expect("json");
        assert_eq!(a.documents, b.documents);
        let d = &a.documents[0];
        assert_eq!(d.sex, Some(Sex::Female));
        assert_eq!(
            d.date_of_birth.as_ref().map(|w| w.date),
            Date::from_ymd(1990, 3, 12)
        );
        assert_eq!(d.holder, "applicant");
    }

    #[test]
    fn documents_survive_a_round_trip_through_toml() {
        let pack = crate::bundled::load().expect("pack");
        let text = include_str!("../../../../examples/documents-planted-defects.toml");
        let a = CaseFile::parse(text).expect("parses");
        let b = CaseFile::parse(&a.to_toml(&pack)).expect("written file parses");
        assert_eq!(a.documents, b.documents);
    }

    #[test]
    fn binding_checks_kinds_and_countries() {
        let pack = crate::bundled::load().expect("pack");
        let a =
            CaseFile::parse("[[document]]\nkind = \"pasport\"\nissuing_country = \"Atlantis\"\n")
                .expect("parses");
        let e: Vec<String> = a.documents[0]
            .bind(&pack, 1)
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert!(
            e[0].contains("document[1].kind: no such document kind") && e[0].contains("`passport`"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("document[1].issuing_country: there is no country"),
            "{e:?}"
        );
    }
}
