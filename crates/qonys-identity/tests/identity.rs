//! One person's documents read together through the public API: a Kazakh passport (MRZ),
//! a Kazakh-language birth certificate, an English translation and two certificates with
//! planted defects. Each defect must show up as exactly one finding of the right kind.

use qonys_identity::dates::{likely_day_month_swap, parse_document_date};
use qonys_identity::mrz::{CheckedField, Mrz, MrzField, MrzKind, Sex, StatedIdentity};
use qonys_identity::names::{FindingKind, NameVerdict, PersonName, compare};
use qonys_time::Date;

fn day(s: &str) -> Date {
    Date::parse(s).expect("test date")
}

fn passport() -> Vec<String> {
    Mrz {
        kind: MrzKind::Td3,
        document_code: "P".into(),
        issuing_state: "KAZ".into(),
        surname: "ABILKAIYROV".into(),
        given_names: "KANAT".into(),
        document_number: "N12345678".into(),
        nationality: "KAZ".into(),
        birth_date: Some(day("1988-04-03")),
        birth_date_raw: "880403".into(),
        sex: Sex::Male,
        expiry_date: Some(day("2031-05-10")),
        expiry_date_raw: "310510".into(),
        optional_data: "880403300123".into(),
        optional_data_2: String::new(),
        checks: vec![],
        issues: vec![],
    }
    .to_lines()
}

const FILING: &str = "2026-11-25";

#[test]
fn a_consistent_chain_has_no_findings() {
    let lines = passport();
    let mrz = Mrz::parse(&lines.join("\n"), day(FILING)).expect("passport MRZ");
    assert!(mrz.checks_ok());
    let reference = PersonName::new(&mrz.surname, &mrz.given_names, None);

    // Birth certificate in Kazakh, with patronymic, date in Kazakh.
    let birth_certificate = PersonName::parse("Әбілқайыров Қанат Нұрланұлы").unwrap();
    let c = compare(&reference, &birth_certificate);
    assert_eq!(c.verdict, NameVerdict::KnownVariant);
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].kind, FindingKind::PatronymicExtra);
    let born = parse_document_date("1988 жылғы 3 сәуір").unwrap();
    assert_eq!(Some(born.date), mrz.birth_date);

    let stated = StatedIdentity {
        surname: Some("Әбілқайыров".into()),
        given_names: Some("Қанат".into()),
        birth_date: Some(born.date),
        sex: Some(Sex::Male),
        nationality: Some("KAZ".into()),
        expiry_date: parse_document_date("10.05.2031").ok().map(|d| d.date),
    };
    assert_eq!(mrz.compare(&stated), vec![]);
}

#[test]
fn planted_defects_each_give_one_finding() {
    // 1. MRZ check-digit error: one digit of the document number mistyped.
    let mut lines = passport();
    let corrupted: String = lines[1]
        .char_indices()
        .map(|(i, c)| {
            if i == 3 {
                if c == '9' { '8' } else { '9' }
            } else {
                c
            }
        })
        .collect();
    lines[1] = corrupted;
    let mrz = Mrz::parse(&lines.join("\n"), day(FILING)).unwrap();
    let failed: Vec<_> = mrz.failed_checks().map(|c| c.field).collect();
    assert_eq!(
        failed,
        vec![CheckedField::DocumentNumber, CheckedField::Composite]
    );

    let reference = PersonName::new("ABILKAIYROV", "KANAT", None);

    // 2. Translation in another transliteration system (BGN/PCGN): a warning.
    let translation = PersonName::parse("Abilqayyrov, Qanat").unwrap();
    let c = compare(&reference, &translation);
    assert_eq!(c.verdict, NameVerdict::KnownVariant);
    let kinds: Vec<_> = c.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![FindingKind::Transliteration, FindingKind::Transliteration]
    );

    // 3. Police certificate with the feminine surname: an error of its own kind.
    let police = PersonName::parse("ABILKAIYROVA KANAT").unwrap();
    let c = compare(&reference, &police);
    assert_eq!(c.verdict, NameVerdict::Different);
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].kind, FindingKind::GenderedSurname);

    // 4. Medical certificate with day and month swapped.
    let medical = parse_document_date("04.03.1988").unwrap();
    assert!(likely_day_month_swap(day("1988-04-03"), medical.date));
    let stated = StatedIdentity {
        birth_date: Some(medical.date),
        ..StatedIdentity::default()
    };
    let mismatches = mrz.compare(&stated);
    assert_eq!(mismatches.len(), 1);
    assert_eq!(mismatches[0].field, MrzField::BirthDate);

    // 5. A Cyrillic look-alike letter typed into a Latin name.
    let typed = PersonName::parse("ABILKAIYR\u{041E}V KANAT").unwrap();
    let c = compare(&reference, &typed);
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].kind, FindingKind::MixedScript);
    assert_eq!(c.findings[0].code, "name.mixed_script");
}

#[test]
fn error_messages_say_where_and_what() {
    let err = Mrz::parse("P<KAZABILKAIYROV<<KANAT\nN123", day(FILING)).unwrap_err();
    assert!(err.to_string().contains("expected 2 lines of 44"), "{err}");
    let mut lines = passport();
    lines[0] = lines[0].replacen('K', "k", 1);
    let err = Mrz::parse(&lines.join("\n"), day(FILING)).unwrap_err();
    assert_eq!(err.to_string().split(':').next(), Some("line 1, column 3"));
    let err = parse_document_date("3 сәуір 88").unwrap_err();
    assert!(err.to_string().contains("four digits"), "{err}");
    let err = PersonName::parse("Ivanov 2").unwrap_err();
    assert!(err.to_string().contains("character 8"), "{err}");
}
