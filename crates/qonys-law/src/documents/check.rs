//! Consistency checks across one person's documents on a filing date. Each finding has a
//! stable code, a severity, the documents (0-based indices into the case's documents) and
//! the fields involved, and named arguments for the sentence the renderer builds
//! (`qonys-i18n`):
//!
//! * **names** (`name.*`): every document's holder name against the passport of the same
//!   holder, across scripts, with [`qonys_identity::names::compare`]; the passport's
//!   spelling is the reference;
//! * **MRZ** (`mrz.*`): parse, every check digit, and the zone against the name, date of
//!   birth, sex, nationality (alpha-3 / ICAO code from the pack's countries), expiry and
//!   number stated on the same document;
//! * **dates** (`date.*`): one date of birth per holder (a likely day/month swap named as
//!   such), documents fresh enough for the validity windows of the route's requirements,
//!   passport validity after filing, expired documents, and impossible orders (issued after
//!   filing or after expiry, an event after filing or before the holder's birth);
//! * **formalities** (`formality.*`): the apostille, legalisation and notarised translation
//!   the issuing state and language call for on the filing date, recorded on the document.

use qonys_identity::dates::likely_day_month_swap;
use qonys_identity::mrz::{Mrz, StatedIdentity};
use qonys_identity::names::{self, PersonName};
use qonys_time::Date;
use serde::Serialize;

use super::DocRequirement;
use super::formalities::{FormalityKind, translation_needed};
use crate::case::{CaseDocument, Facts};
use crate::engine::Evaluator;
use crate::engine::eval::truth;
use crate::pack::{Pack, V};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Must be fixed before filing.
    Error,
    /// Should be looked at.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code (`mrz.check_digit`, `name.transliteration`, `date.stale`, …).
    pub code: String,
    /// Severity.
    pub severity: Severity,
    /// The documents involved (0-based indices into the case's documents; the reference
    /// document first).
    pub documents: Vec<usize>,
    /// The fields involved, as paths (`document[2].holder_name`, 1-based like errors).
    pub fields: Vec<String>,
    /// Named values for the message (`reference`, `other`, `expected`, `found`, `days`, …).
    pub args: Vec<(String, String)>,
}

impl Finding {
    fn new(code: &str, severity: Severity, documents: &[usize]) -> Finding {
        Finding {
            code: code.to_string(),
            severity,
            documents: documents.to_vec(),
            fields: Vec::new(),
            args: Vec::new(),
        }
    }

    fn field(mut self, doc: usize, name: &str) -> Finding {
        self.fields.push(format!("document[{}].{name}", doc + 1));
        self
    }

    fn arg(mut self, k: &str, v: impl Into<String>) -> Finding {
        self.args.push((k.to_string(), v.into()));
        self
    }

    /// The value of a named argument.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
    }
}

/// Checks a case's documents on `filing_date`. With `route`, validity windows come from that
/// route's requirements (stale documents are errors); without, from every requirement of
/// the document's kind whose condition is not false (stale documents are warnings naming
/// the route).
pub fn check(
    pack: &Pack,
    facts: &Facts,
    docs: &[CaseDocument],
    filing_date: Date,
    route: Option<usize>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut ev = Evaluator::new();
    ev.prepare(pack, facts.values(), filing_date);
    let env = ev.env(facts.values(), filing_date);
    let applicable = |req: &DocRequirement| {
        req.effective.contains(filing_date)
            && route.is_none_or(|r| r == req.route)
            && req
                .applies_when
                .is_none_or(|n| truth(pack, n, &env) != Some(false))
    };

    // Holders, in order of first appearance.
    let mut holders: Vec<&str> = Vec::new();
    for d in docs {
        if !holders.contains(&d.holder.as_str()) {
            holders.push(&d.holder);
        }
    }
    for holder in holders {
        let group: Vec<usize> = (0..docs.len())
            .filter(|&i| docs[i].holder == holder)
            .collect();
        let passport = group.iter().copied().find(|&i| docs[i].kind == "passport");
        check_names(docs, &group, passport, &mut out);
        check_birth_dates(pack, facts, docs, &group, passport, holder, &mut out);
    }
    for (i, d) in docs.iter().enumerate() {
        if let Some(m) = &d.mrz {
            check_mrz(pack, i, d, m, filing_date, &mut out);
        }
        check_dates(
            pack,
            docs,
            i,
            filing_date,
            route.is_some(),
            &applicable,
            &mut out,
        );
        check_formalities(pack, i, d, filing_date, &mut out);
    }
    out.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.documents.first().cmp(&b.documents.first()))
    });
    out
}

fn check_names(
    docs: &[CaseDocument],
    group: &[usize],
    passport: Option<usize>,
    out: &mut Vec<Finding>,
) {
    let Some(p) = passport else { return };
    let Some(ref_text) = docs[p].holder_name.as_deref() else {
        return;
    };
    let Ok(reference) = PersonName::parse(ref_text) else {
        out.push(
            Finding::new("name.unreadable", Severity::Error, &[p])
                .field(p, "holder_name")
                .arg("name", ref_text),
        );
        return;
    };
    for &i in group {
        if i == p {
            continue;
        }
        let Some(text) = docs[i].holder_name.as_deref() else {
            continue;
        };
        let Ok(other) = PersonName::parse(text) else {
            out.push(
                Finding::new("name.unreadable", Severity::Error, &[i])
                    .field(i, "holder_name")
                    .arg("name", text),
            );
            continue;
        };
        let cmp = names::compare(&reference, &other);
        for f in &cmp.findings {
            let severity = match f.severity {
                names::Severity::Error => Severity::Error,
                names::Severity::Warning => Severity::Warning,
                names::Severity::Info => Severity::Info,
            };
            out.push(
                Finding::new(f.code, severity, &[p, i])
                    .field(p, "holder_name")
                    .field(i, "holder_name")
                    .arg("reference", f.reference.clone())
                    .arg("other", f.other.clone())
                    .arg("part", format!("{:?}", f.part).to_lowercase()),
            );
        }
    }
}

fn check_birth_dates(
    pack: &Pack,
    facts: &Facts,
    docs: &[CaseDocument],
    group: &[usize],
    passport: Option<usize>,
    holder: &str,
    out: &mut Vec<Finding>,
) {
    // The reference: the passport's stated date of birth, else the first document's.
    let reference = passport
        .filter(|&p| docs[p].date_of_birth.is_some())
        .or_else(|| {
            group
                .iter()
                .copied()
                .find(|&i| docs[i].date_of_birth.is_some())
        });
    let Some(r) = reference else { return };
    let Some(rd) = docs[r].date_of_birth.as_ref().map(|w| w.date) else {
        return;
    };
    for &i in group {
        let Some(w) = &docs[i].date_of_birth else {
            continue;
        };
        if i == r || w.date == rd {
            continue;
        }
        let f = if w.alternative == Some(rd) {
            Finding::new("date.dob_ambiguous", Severity::Warning, &[r, i])
        } else if likely_day_month_swap(rd, w.date) {
            Finding::new("date.dob_swap", Severity::Error, &[r, i])
        } else {
            Finding::new("date.dob_mismatch", Severity::Error, &[r, i])
        };
        out.push(
            f.field(r, "date_of_birth")
                .field(i, "date_of_birth")
                .arg("reference", rd.to_string())
                .arg("other", w.written.clone()),
        );
    }
    if holder == "applicant"
        && let Some(fi) = pack.fact_idx("date_of_birth")
        && let V::Date(fd) = facts.get(fi)
        && fd != rd
    {
        let code = if likely_day_month_swap(rd, fd) {
            "date.dob_swap"
        } else {
            "date.dob_mismatch"
        };
        let mut f = Finding::new(code, Severity::Error, &[r])
            .field(r, "date_of_birth")
            .arg("reference", rd.to_string())
            .arg("other", fd.to_string());
        f.fields.push("facts.date_of_birth".into());
        out.push(f);
    }
}

fn check_mrz(
    pack: &Pack,
    i: usize,
    d: &CaseDocument,
    text: &str,
    filing: Date,
    out: &mut Vec<Finding>,
) {
    let mrz = match Mrz::parse(text, filing) {
        Ok(m) => m,
        Err(e) => {
            out.push(
                Finding::new("mrz.unreadable", Severity::Error, &[i])
                    .field(i, "mrz")
                    .arg("detail", e.to_string()),
            );
            return;
        }
    };
    for c in mrz.failed_checks() {
        out.push(
            Finding::new("mrz.check_digit", Severity::Error, &[i])
                .field(i, "mrz")
                .arg("field", c.field.code())
                .arg("line", c.line.to_string())
                .arg("column", c.column.to_string())
                .arg("found", c.found.to_string())
                .arg("expected", c.expected.to_string()),
        );
    }
    for issue in &mrz.issues {
        out.push(
            Finding::new("mrz.field_invalid", Severity::Error, &[i])
                .field(i, "mrz")
                .arg("field", issue.code)
                .arg("line", issue.line.to_string())
                .arg("column", issue.column.to_string()),
        );
    }
    let name = d
        .holder_name
        .as_deref()
        .and_then(|t| PersonName::parse(t).ok());
    let nationality = d.nationality_idx(pack).map(|c| {
        let c = &pack.countries[usize::from(c)];
        c.mrz.clone().unwrap_or_else(|| c.alpha3.clone())
    });
    let stated = StatedIdentity {
        surname: name.as_ref().map(|n| n.surname.clone()),
        given_names: name
            .as_ref()
            .map(|n| n.given_names.clone())
            .filter(|g| !g.is_empty()),
        birth_date: d.date_of_birth.as_ref().map(|w| w.date),
        sex: d.sex,
        nationality,
        expiry_date: d.expiry_date.as_ref().map(|w| w.date),
    };
    for m in mrz.compare(&stated) {
        let field = match m.field {
            qonys_identity::mrz::MrzField::Surname | qonys_identity::mrz::MrzField::GivenNames => {
                "holder_name"
            }
            qonys_identity::mrz::MrzField::BirthDate => "date_of_birth",
            qonys_identity::mrz::MrzField::Sex => "sex",
            qonys_identity::mrz::MrzField::Nationality => "nationality",
            qonys_identity::mrz::MrzField::ExpiryDate => "expiry_date",
        };
        out.push(
            Finding::new("mrz.mismatch", Severity::Error, &[i])
                .field(i, "mrz")
                .field(i, field)
                .arg("field", field)
                .arg("in_mrz", m.in_mrz)
                .arg("stated", m.stated),
        );
    }
    if let Some(n) = &d.number {
        let stated: String = n
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase();
        let in_mrz = mrz.document_number.trim_end_matches('<').to_string();
        if !stated.is_empty() && stated != in_mrz {
            out.push(
                Finding::new("mrz.mismatch", Severity::Error, &[i])
                    .field(i, "mrz")
                    .field(i, "number")
                    .arg("field", "number")
                    .arg("in_mrz", in_mrz)
                    .arg("stated", n.clone()),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_dates(
    pack: &Pack,
    docs: &[CaseDocument],
    i: usize,
    filing: Date,
    route_given: bool,
    applicable: &dyn Fn(&DocRequirement) -> bool,
    out: &mut Vec<Finding>,
) {
    let d = &docs[i];
    let issue = d.issue_date.as_ref().map(|w| w.date);
    let expiry = d.expiry_date.as_ref().map(|w| w.date);
    let event = d.event_date.as_ref().map(|w| w.date);
    let dob = d.date_of_birth.as_ref().map(|w| w.date).or_else(|| {
        docs.iter()
            .filter(|o| o.holder == d.holder && o.kind == "passport")
            .find_map(|o| o.date_of_birth.as_ref().map(|w| w.date))
    });
    if let Some(s) = issue
        && s > filing
    {
        out.push(
            Finding::new("date.issued_after_filing", Severity::Error, &[i])
                .field(i, "issue_date")
                .arg("date", s.to_string())
                .arg("filing", filing.to_string()),
        );
    }
    if let (Some(s), Some(e)) = (issue, expiry)
        && s > e
    {
        out.push(
            Finding::new("date.issue_after_expiry", Severity::Error, &[i])
                .field(i, "issue_date")
                .field(i, "expiry_date")
                .arg("issued", s.to_string())
                .arg("expires", e.to_string()),
        );
    }
    if let Some(ev) = event {
        if ev > filing {
            out.push(
                Finding::new("date.event_after_filing", Severity::Error, &[i])
                    .field(i, "event_date")
                    .arg("date", ev.to_string())
                    .arg("filing", filing.to_string()),
            );
        }
        if let Some(s) = issue
            && s < ev
        {
            out.push(
                Finding::new("date.issued_before_event", Severity::Error, &[i])
                    .field(i, "issue_date")
                    .field(i, "event_date")
                    .arg("issued", s.to_string())
                    .arg("event", ev.to_string()),
            );
        }
        if let Some(b) = dob
            && ev < b
        {
            out.push(
                Finding::new("date.event_before_birth", Severity::Error, &[i])
                    .field(i, "event_date")
                    .arg("date", ev.to_string())
                    .arg("birth", b.to_string()),
            );
        }
    }
    if let (Some(s), Some(b)) = (issue, dob)
        && s < b
    {
        out.push(
            Finding::new("date.issued_before_birth", Severity::Error, &[i])
                .field(i, "issue_date")
                .arg("date", s.to_string())
                .arg("birth", b.to_string()),
        );
    }
    let expired = expiry.is_some_and(|e| e < filing);
    if let Some(e) = expiry
        && expired
    {
        out.push(
            Finding::new("date.expired", Severity::Error, &[i])
                .field(i, "expiry_date")
                .arg("date", e.to_string())
                .arg("filing", filing.to_string()),
        );
    }
    let Some(kind) = pack.documents.kind_idx(&d.kind) else {
        return;
    };
    let severity = if route_given {
        Severity::Error
    } else {
        Severity::Warning
    };
    let reqs: Vec<&DocRequirement> = pack
        .documents
        .requirements
        .iter()
        .filter(|r| r.kind == kind && applicable(r))
        .collect();
    // Freshness: the strictest window the document fails.
    if let Some(s) = issue {
        let age = s.days_until(filing);
        if let Some(r) = reqs
            .iter()
            .filter(|r| r.max_age_days.is_some_and(|m| age > m as i32))
            .min_by_key(|r| r.max_age_days)
        {
            let max = r.max_age_days.unwrap_or(0);
            out.push(
                Finding::new("date.stale", severity, &[i])
                    .field(i, "issue_date")
                    .arg("issued", s.to_string())
                    .arg("days", age.to_string())
                    .arg("max", max.to_string())
                    .arg(
                        "earliest",
                        filing.add_days(-(max.min(100_000) as i32)).to_string(),
                    )
                    .arg("route", pack.routes[r.route].id.clone())
                    .arg("requirement", r.id.clone()),
            );
        }
    }
    if let Some(e) = expiry
        && !expired
    {
        let left = filing.days_until(e);
        if let Some(r) = reqs
            .iter()
            .filter(|r| r.min_validity_days.is_some_and(|m| left <= m as i32))
            .max_by_key(|r| r.min_validity_days)
        {
            let min = r.min_validity_days.unwrap_or(0);
            out.push(
                Finding::new("date.validity_too_short", severity, &[i])
                    .field(i, "expiry_date")
                    .arg("expires", e.to_string())
                    .arg("days", left.to_string())
                    .arg("min", min.to_string())
                    .arg("route", pack.routes[r.route].id.clone())
                    .arg("requirement", r.id.clone()),
            );
        }
    }
}

fn check_formalities(
    pack: &Pack,
    i: usize,
    d: &CaseDocument,
    filing: Date,
    out: &mut Vec<Finding>,
) {
    let Some(kind) = pack.documents.kind(&d.kind) else {
        return;
    };
    let country = d.issuing_country_code(pack);
    if country == Some("KZ") {
        return;
    }
    if kind.public_document {
        match country {
            None => out.push(
                Finding::new("formality.country_unknown", Severity::Info, &[i])
                    .field(i, "issuing_country"),
            ),
            Some(c) => {
                let dec = pack.formalities.decide(c, filing);
                match dec.kind {
                    FormalityKind::Apostille if d.apostille != Some(true) => out.push(
                        Finding::new("formality.apostille_missing", Severity::Error, &[i])
                            .field(i, "apostille")
                            .arg("country", c)
                            .arg("date", filing.to_string()),
                    ),
                    FormalityKind::Legalisation if d.legalisation != Some(true) => out.push(
                        Finding::new("formality.legalisation_missing", Severity::Error, &[i])
                            .field(i, "legalisation")
                            .arg("country", c)
                            .arg("date", filing.to_string()),
                    ),
                    FormalityKind::NeedsInformation
                        if d.apostille != Some(true) && d.legalisation != Some(true) =>
                    {
                        out.push(
                            Finding::new("formality.unverified", Severity::Warning, &[i])
                                .field(i, "issuing_country")
                                .arg("country", c)
                                .arg("reason", dec.reason.code()),
                        )
                    }
                    _ => {}
                }
            }
        }
    }
    match translation_needed(d.language.as_deref()) {
        Some(true) if d.notarised_translation != Some(true) => out.push(
            Finding::new("formality.translation_missing", Severity::Error, &[i])
                .field(i, "notarised_translation")
                .arg("language", d.language.clone().unwrap_or_default()),
        ),
        None if country.is_some() && d.notarised_translation != Some(true) => out.push(
            Finding::new("formality.language_unknown", Severity::Info, &[i]).field(i, "language"),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CaseFile;

    const PLANTED: &str = include_str!("../../../../examples/documents-planted-defects.toml");

    fn run(text: &str, route: Option<&str>) -> Vec<Finding> {
        let pack = crate::bundled::load().expect("bundled pack");
        let case = CaseFile::parse(text).expect("case parses");
        for (i, d) in case.documents.iter().enumerate() {
            assert!(d.bind(&pack, i + 1).is_empty(), "document {} binds", i + 1);
        }
        let facts = case.bind(&pack).expect("facts bind");
        let route = route.map(|r| pack.route_idx(r).expect("route"));
        check(
            &pack,
            &facts,
            &case.documents,
            Date::from_ymd(2026, 7, 1).expect("date"),
            route,
        )
    }

    fn summary(f: &[Finding]) -> Vec<(String, Severity, Vec<usize>)> {
        let mut v: Vec<_> = f
            .iter()
            .map(|f| (f.code.clone(), f.severity, f.documents.clone()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn planted_defects_yield_exactly_the_expected_findings() {
        let got = summary(&run(PLANTED, Some("permanent_residence")));
        let mut want = vec![
            ("mrz.check_digit".to_string(), Severity::Error, vec![0]),
            ("date.stale".to_string(), Severity::Error, vec![1]),
            ("date.dob_swap".to_string(), Severity::Error, vec![0, 2]),
            (
                "name.transliteration".to_string(),
                Severity::Warning,
                vec![0, 3],
            ),
            (
                "name.mixed_script".to_string(),
                Severity::Warning,
                vec![0, 4],
            ),
            (
                "formality.apostille_missing".to_string(),
                Severity::Error,
                vec![5],
            ),
        ];
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn without_a_route_a_stale_certificate_is_a_warning_naming_the_route() {
        let f = run(PLANTED, None);
        let stale = f.iter().find(|f| f.code == "date.stale").expect("stale");
        assert_eq!(stale.severity, Severity::Warning);
        assert_eq!(stale.get("route"), Some("permanent_residence"));
        assert_eq!(stale.get("earliest"), Some("2026-01-02"));
        assert_eq!(stale.fields, vec!["document[2].issue_date".to_string()]);
    }

    #[test]
    fn the_mrz_finding_names_the_field_and_digits() {
        let f = run(PLANTED, None);
        let m = f.iter().find(|f| f.code == "mrz.check_digit").expect("mrz");
        assert_eq!(m.get("field"), Some("composite"));
        assert_eq!(m.get("found"), Some("5"));
        assert_eq!(m.get("expected"), Some("0"));
    }

    #[test]
    fn a_clean_case_has_no_findings() {
        let fixed = PLANTED
            .replace("<<<<<<<<<<<<<<05\"", "<<<<<<<<<<<<<<00\"")
            .replace("20 ноября 2025 г.", "20 мая 2026 г.")
            .replace(
                "date_of_birth = \"03.05.1990\"",
                "date_of_birth = \"05.03.1990\"",
            )
            .replace("IVANOVA JANNA", "IVANOVA ZHANNA")
            .replace("Иванова Жаннa", "Иванова Жанна")
            .replace("apostille = false", "apostille = true");
        assert_eq!(summary(&run(&fixed, Some("permanent_residence"))), vec![]);
    }

    #[test]
    fn impossible_dates_and_expiry() {
        let text = r#"
[[document]]
kind = "passport"
issuing_country = "KZ"
holder_name = "SEITKALI AIGERIM"
date_of_birth = 1995-01-20
issue_date = 2027-01-01
expiry_date = 2026-08-01

[[document]]
kind = "marriage_certificate"
issuing_country = "KZ"
holder_name = "Сейтқали Айгерім"
event_date = 2026-09-01
issue_date = 2026-08-15
"#;
        let codes: Vec<String> = run(text, Some("permanent_residence"))
            .into_iter()
            .map(|f| f.code)
            .collect();
        for c in [
            "date.issued_after_filing",
            "date.issue_after_expiry",
            "date.validity_too_short",
            "date.event_after_filing",
            "date.issued_before_event",
        ] {
            assert!(codes.contains(&c.to_string()), "{c} in {codes:?}");
        }
    }

    #[test]
    fn an_expired_passport_and_a_missing_translation() {
        let text = r#"
[[document]]
kind = "passport"
issuing_country = "CN"
language = "zh"
holder_name = "WANG LI"
expiry_date = 2026-01-01

[[document]]
kind = "criminal_record_certificate"
issuing_country = "JP"
language = "ja"
notarised_translation = false
"#;
        let f = run(text, None);
        let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
        assert!(codes.contains(&"date.expired"), "{codes:?}");
        assert!(
            codes.contains(&"formality.translation_missing"),
            "{codes:?}"
        );
        // Japan is not in the Apostille table: needs information, never "legalise".
        assert!(codes.contains(&"formality.unverified"), "{codes:?}");
        assert!(
            !codes.contains(&"formality.legalisation_missing"),
            "{codes:?}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever the documents say, checking them never panics and every finding names
        /// documents that exist.
        #[test]
        fn never_panics_on_any_document(
            name in "\\PC{0,40}",
            other in "[A-Za-zА-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі<\\- ]{0,30}",
            dob in "[0-9./ -]{0,12}",
            mrz in "[A-Z0-9<\\n]{0,100}",
            lang in "[a-z, ]{0,8}",
        ) {
            let pack = crate::bundled::load().expect("bundled pack");
            let mut docs = Vec::new();
            for (kind, n) in [("passport", &name), ("marriage_certificate", &other), ("criminal_record_certificate", &name)] {
                let mut t = toml::Table::new();
                t.insert("kind".into(), toml::Value::String(kind.into()));
                if !n.trim().is_empty() {
                    t.insert("holder_name".into(), toml::Value::String(n.clone()));
                }
                t.insert("mrz".into(), toml::Value::String(format!("{mrz}x")));
                t.insert("language".into(), toml::Value::String(format!("{lang}x")));
                t.insert("issuing_country".into(), toml::Value::String("DE".into()));
                if let Ok(d) = CaseDocument::from_table(1, &t) {
                    docs.push(d);
                }
                t.insert("date_of_birth".into(), toml::Value::String(dob.clone()));
                if let Ok(d) = CaseDocument::from_table(2, &t) {
                    docs.push(d);
                }
            }
            let facts = crate::Facts::empty(&pack);
            let f = check(&pack, &facts, &docs, Date::from_ymd(2026, 7, 1).expect("d"), None);
            for x in &f {
                proptest::prop_assert!(x.documents.iter().all(|&i| i < docs.len()));
            }
        }
    }
}
