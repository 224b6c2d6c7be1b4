//! Benchmark of the document chain on the bundled Kazakhstan pack: the consistency checks
//! (names across scripts, MRZ with every check digit, dates, formalities) of a 20-document
//! case, and the permanent-residence checklist of the same case.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use qonys_law::documents::{check::check, checklist::checklist};
use qonys_law::{CaseFile, Date, bundled};
use std::hint::black_box;

/// A 20-document case: the applicant's passport (with its MRZ), spouse's and child's
/// passports, civil-status certificates, certificates with validity windows, sponsor and
/// institution papers — in Latin and Cyrillic, from several issuing states.
fn case_text() -> String {
    let mut s = String::from(
        r#"[facts]
citizenship = "DE"
date_of_birth = 1974-08-12
stay_goal = "permanent"

[[document]]
kind = "passport"
issuing_country = "DE"
language = "de, en"
holder_name = "ERIKSSON, ANNA MARIA"
date_of_birth = "12 AUG 1974"
sex = "F"
nationality = "DE"
number = "L898902C3"
issue_date = 2020-04-16
expiry_date = 2030-04-15
mrz = """
P<D<<ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
L898902C36D<<7408122F3004157<<<<<<<<<<<<<<04"""
"#,
    );
    let others = [
        (
            "criminal_record_certificate",
            "DE",
            "de",
            "Eriksson Anna Maria",
            "2026-05-02",
        ),
        (
            "medical_certificate_028",
            "KZ",
            "ru",
            "Эрикссон Анна Мария",
            "2026-06-10",
        ),
        (
            "bank_solvency_certificate",
            "KZ",
            "ru",
            "Эрикссон Анна",
            "2026-06-20",
        ),
        (
            "proof_of_residence",
            "KZ",
            "ru",
            "Эрикссон Анна Мария",
            "2026-06-01",
        ),
        (
            "birth_certificate",
            "DE",
            "de",
            "ERIKSSON ANNA MARIA",
            "1974-08-20",
        ),
        (
            "marriage_certificate",
            "DE",
            "de",
            "Eriksson Anna Maria",
            "2001-06-01",
        ),
        ("photo", "KZ", "ru", "Eriksson Anna Maria", "2026-06-01"),
        (
            "state_duty_receipt",
            "KZ",
            "ru",
            "Эрикссон Анна",
            "2026-06-25",
        ),
        (
            "health_insurance",
            "KZ",
            "ru",
            "ERIKSSON ANNA",
            "2026-06-01",
        ),
        (
            "income_statements",
            "DE",
            "en",
            "Anna Maria Eriksson",
            "2026-05-15",
        ),
        (
            "employment_contract",
            "KZ",
            "ru",
            "Эрикссон Анна Мария",
            "2026-03-01",
        ),
        ("work_permit", "KZ", "ru", "Eriksson Anna", "2026-03-10"),
        (
            "enrolment_letter",
            "KZ",
            "en",
            "Eriksson Anna Maria",
            "2026-04-01",
        ),
        (
            "business_registration",
            "KZ",
            "ru",
            "Эрикссон Анна Мария",
            "2025-11-01",
        ),
        (
            "investment_proof",
            "KZ",
            "en",
            "ERIKSSON ANNA MARIA",
            "2025-12-01",
        ),
        (
            "housing_consent",
            "KZ",
            "ru",
            "Эриксон Анна Мария",
            "2026-06-01",
        ),
        (
            "criminal_record_certificate",
            "KZ",
            "ru",
            "Эрикссон Анна Мария",
            "2026-01-15",
        ),
        (
            "medical_certificate_028",
            "KZ",
            "kk",
            "Эрикссон Анна Мария",
            "2025-12-12",
        ),
        (
            "bank_solvency_certificate",
            "KZ",
            "ru",
            "Ериксон Анна",
            "2026-06-22",
        ),
    ];
    for (kind, country, lang, name, issued) in others {
        s.push_str(&format!(
            "\n[[document]]\nkind = \"{kind}\"\nissuing_country = \"{country}\"\nlanguage = \"{lang}\"\nholder_name = \"{name}\"\ndate_of_birth = \"12.08.1974\"\nissue_date = \"{issued}\"\napostille = true\nnotarised_translation = true\n"
        ));
    }
    s
}

fn bench(c: &mut Criterion) {
    let pack = bundled::load().expect("bundled pack loads");
    let case = CaseFile::parse(&case_text()).expect("the bench case parses");
    assert_eq!(case.documents.len(), 20);
    let facts = case.bind(&pack).expect("facts bind");
    let filing = Date::from_ymd(2026, 7, 1).expect("date");
    let pr = pack.route_idx("permanent_residence").expect("route");
    c.bench_function("check_20_documents", |b| {
        b.iter(|| {
            black_box(check(
                &pack,
                &facts,
                black_box(&case.documents),
                filing,
                None,
            ))
        })
    });
    c.bench_function("checklist_permanent_residence_20_documents", |b| {
        b.iter(|| {
            black_box(checklist(
                &pack,
                &facts,
                black_box(&case.documents),
                pr,
                filing,
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
