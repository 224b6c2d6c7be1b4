//! The document checklist for one route and one case on a filing date: every document the
//! route asks for given the case's facts — conditions evaluated three-valued, so an
//! undecided condition lists the document as "may be needed" with the facts that decide
//! it — with why (the requirement and its citations), who provides it, the formality it
//! needs for its issuing state on the filing date, whether a translation is needed, and the
//! earliest issue date (or latest expiry) that still satisfies the validity window.

use qonys_time::Date;

use super::formalities::{FormalityDecision, translation_needed};
use super::{DocKind, DocRequirement, IssuedIn};
use crate::case::{CaseDocument, Facts};
use crate::engine::Evaluator;
use crate::engine::eval::truth;
use crate::engine::explain::deciding_facts;
use crate::pack::{FactIdx, Pack, V};

/// Whether a listed document is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Needed (no condition, or the condition holds).
    Required,
    /// Needed if the condition holds; these unknown facts decide it.
    MayBeNeeded(Vec<FactIdx>),
}

/// Where the issuing state used for the formality came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountrySource {
    /// From a document of this kind in the case file.
    CaseDocument,
    /// Presumed: the applicant's citizenship (home-country documents).
    Citizenship,
    /// Presumed: Kazakhstan (documents issued there).
    Kazakhstan,
}

/// One line of a checklist.
#[derive(Debug, Clone)]
pub struct ChecklistItem {
    /// Index in [`crate::documents::DocumentRules::requirements`].
    pub requirement: usize,
    /// Index in [`crate::documents::DocumentRules::kinds`].
    pub kind: usize,
    /// Needed or may be needed.
    pub need: Need,
    /// The issuing state used for the formality, and where it came from.
    pub issuing_country: Option<(String, CountrySource)>,
    /// The formality on the filing date (public documents whose issuing state is known).
    pub formality: Option<FormalityDecision>,
    /// Whether a notarised translation is needed (`None`: the language is not known).
    pub translation: Option<bool>,
    /// The earliest issue date still valid on the filing date.
    pub earliest_issue: Option<Date>,
    /// The document must not expire before this date.
    pub valid_until_at_least: Option<Date>,
    /// The case's documents of this kind (0-based indices into the case's documents).
    pub case_documents: Vec<usize>,
}

impl ChecklistItem {
    /// The requirement.
    pub fn requirement<'p>(&self, pack: &'p Pack) -> &'p DocRequirement {
        &pack.documents.requirements[self.requirement]
    }

    /// The document kind.
    pub fn kind<'p>(&self, pack: &'p Pack) -> &'p DocKind {
        &pack.documents.kinds[self.kind]
    }
}

/// A route's checklist.
#[derive(Debug, Clone)]
pub struct Checklist {
    /// Route index.
    pub route: usize,
    /// Filing date.
    pub filing_date: Date,
    /// Documents needed or possibly needed, in the pack's order.
    pub items: Vec<ChecklistItem>,
    /// Requirements whose condition is false for this case (not needed).
    pub not_needed: Vec<usize>,
}

/// The applicant's citizenship from the facts, as an alpha-2 code.
fn citizenship<'p>(pack: &'p Pack, facts: &Facts) -> Option<&'p str> {
    let f = pack.fact_idx("citizenship")?;
    match facts.get(f) {
        V::Sym(i) => pack.countries.get(usize::from(i)).map(|c| c.code.as_str()),
        _ => None,
    }
}

/// Builds the checklist of `route` (index) for a case on `filing_date`.
pub fn checklist(
    pack: &Pack,
    facts: &Facts,
    documents: &[CaseDocument],
    route: usize,
    filing_date: Date,
) -> Checklist {
    let mut ev = Evaluator::new();
    ev.prepare(pack, facts.values(), filing_date);
    let env = ev.env(facts.values(), filing_date);
    let mut items = Vec::new();
    let mut not_needed = Vec::new();
    for (ri, req) in pack.documents.requirements.iter().enumerate() {
        if req.route != route || !req.effective.contains(filing_date) {
            continue;
        }
        let need = match req.applies_when {
            None => Need::Required,
            Some(n) => match truth(pack, n, &env) {
                Some(true) => Need::Required,
                Some(false) => {
                    not_needed.push(ri);
                    continue;
                }
                None => {
                    let mut fx = Vec::new();
                    deciding_facts(pack, n, &env, &mut fx);
                    Need::MayBeNeeded(fx)
                }
            },
        };
        let kind = &pack.documents.kinds[req.kind];
        let case_documents: Vec<usize> = documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == kind.id)
            .map(|(i, _)| i)
            .collect();
        let first = case_documents.first().map(|&i| &documents[i]);
        let issuing_country = match first.and_then(|d| d.issuing_country_code(pack)) {
            Some(c) => Some((c.to_string(), CountrySource::CaseDocument)),
            None => match kind.issued_in {
                IssuedIn::Kazakhstan => Some(("KZ".to_string(), CountrySource::Kazakhstan)),
                IssuedIn::HomeCountry => {
                    citizenship(pack, facts).map(|c| (c.to_string(), CountrySource::Citizenship))
                }
                IssuedIn::Any => None,
            },
        };
        let formality = if kind.public_document {
            issuing_country
                .as_ref()
                .map(|(c, _)| pack.formalities.decide(c, filing_date))
        } else {
            None
        };
        let domestic = issuing_country.as_ref().is_some_and(|(c, _)| c == "KZ");
        let translation = if domestic || !kind.has_text {
            Some(false)
        } else {
            translation_needed(first.and_then(|d| d.language.as_deref()))
        };
        items.push(ChecklistItem {
            requirement: ri,
            kind: req.kind,
            need,
            issuing_country,
            formality,
            translation,
            earliest_issue: req
                .max_age_days
                .map(|d| filing_date.add_days(-(d.min(100_000) as i32))),
            valid_until_at_least: req
                .min_validity_days
                .map(|d| filing_date.add_days(d.min(100_000) as i32 + 1)),
            case_documents,
        });
    }
    Checklist {
        route,
        filing_date,
        items,
        not_needed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CaseFile;
    use crate::documents::formalities::FormalityKind;

    fn list(text: &str, route: &str, date: &str) -> (crate::Pack, Checklist) {
        let pack = crate::bundled::load().expect("bundled pack");
        let case = CaseFile::parse(text).expect("case parses");
        let facts = case.bind(&pack).expect("facts bind");
        let r = pack.route_idx(route).expect("route");
        let c = checklist(
            &pack,
            &facts,
            &case.documents,
            r,
            Date::parse(date).expect("date"),
        );
        (pack, c)
    }

    fn ids(pack: &crate::Pack, c: &Checklist) -> Vec<String> {
        c.items.iter().map(|i| i.kind(pack).id.clone()).collect()
    }

    #[test]
    fn marriage_certificate_only_for_a_spouse_and_unknown_means_may_be_needed() {
        let (pack, c) = list(
            "[facts]\nsponsor_relationship = \"spouse\"\n",
            "family_reunification",
            "2026-07-01",
        );
        let m = c
            .items
            .iter()
            .find(|i| i.kind(&pack).id == "marriage_certificate")
            .expect("listed");
        assert_eq!(m.need, Need::Required);
        assert!(!ids(&pack, &c).contains(&"birth_certificate".to_string()));

        let (pack, c) = list(
            "[facts]\nsponsor_relationship = \"child\"\n",
            "family_reunification",
            "2026-07-01",
        );
        assert!(!ids(&pack, &c).contains(&"marriage_certificate".to_string()));
        assert!(ids(&pack, &c).contains(&"birth_certificate".to_string()));

        let (pack, c) = list("[facts]\n", "family_reunification", "2026-07-01");
        let m = c
            .items
            .iter()
            .find(|i| i.kind(&pack).id == "marriage_certificate")
            .expect("listed");
        let rel = pack.fact_idx("sponsor_relationship").expect("fact");
        assert_eq!(m.need, Need::MayBeNeeded(vec![rel]));
    }

    #[test]
    fn windows_and_formalities_on_the_filing_date() {
        let (pack, c) = list(
            "[facts]\ncitizenship = \"CN\"\n",
            "permanent_residence",
            "2026-07-01",
        );
        let cr = c
            .items
            .iter()
            .find(|i| i.kind(&pack).id == "criminal_record_certificate")
            .expect("listed");
        assert_eq!(cr.earliest_issue, Date::from_ymd(2026, 1, 2));
        assert_eq!(
            cr.issuing_country,
            Some(("CN".to_string(), CountrySource::Citizenship))
        );
        assert_eq!(
            cr.formality.as_ref().map(|f| f.kind),
            Some(FormalityKind::Apostille)
        );
        let p = c
            .items
            .iter()
            .find(|i| i.kind(&pack).id == "passport")
            .expect("listed");
        assert_eq!(p.valid_until_at_least, Date::from_ymd(2026, 12, 29));
        // Before China's accession the same certificate needed legalisation.
        let (pack, c) = list(
            "[facts]\ncitizenship = \"CN\"\n",
            "permanent_residence",
            "2023-06-01",
        );
        let cr = c
            .items
            .iter()
            .find(|i| i.kind(&pack).id == "criminal_record_certificate")
            .expect("listed");
        assert_eq!(
            cr.formality.as_ref().map(|f| f.kind),
            Some(FormalityKind::Legalisation)
        );
    }

    #[test]
    fn every_route_has_a_checklist_with_a_passport() {
        let pack = crate::bundled::load().expect("bundled pack");
        let facts = crate::Facts::empty(&pack);
        for (ri, r) in pack.routes.iter().enumerate() {
            let c = checklist(
                &pack,
                &facts,
                &[],
                ri,
                Date::from_ymd(2026, 7, 1).expect("d"),
            );
            assert!(
                c.items.iter().any(|i| i.kind(&pack).id == "passport"),
                "{} lists a passport",
                r.id
            );
        }
    }
}
