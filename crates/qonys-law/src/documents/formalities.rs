//! Formalities for a foreign public document presented in Kazakhstan, by issuing state and
//! presentation (filing) date, from two dated tables of the pack: `data/apostille.toml`
//! (parties to the 1961 Apostille Convention with entry into force) and
//! `data/legal_assistance.toml` (Minsk 1993, Chisinau 2002 and bilateral treaties).
//!
//! The decision rule (see `/work/shared/law/formalities.md`, restated in the data files):
//! 1. a treaty in force on the date that exempts documents (Minsk or Chisinau for both
//!    states, the partner's withdrawal not yet effective) → no formality; a bilateral
//!    treaty whose document article is "unverified" never exempts on its own;
//! 2. both states Apostille parties and the date on or after both entries into force
//!    (Kazakhstan's 2001-01-30 and the issuing state's) → apostille;
//! 3. a party whose entry into force is blank, or a state absent from the table →
//!    **needs information** (never "legalise" on missing data), with the gap shown;
//! 4. otherwise → consular legalisation.
//!
//! A notarised translation into Kazakh or Russian is needed unless the document is in one
//! of them ([`translation_needed`]).

use std::collections::HashMap;

use qonys_time::Date;
use serde::Serialize;

use crate::pack::load::{Files, provenance};
use crate::pack::source::{ApostilleFile, ExemptsSrc, LegalAssistanceFile, PackDate};
use crate::pack::{Confidence, Provenance, Text};

/// A party to the Apostille Convention.
#[derive(Debug, Clone)]
pub struct ApostilleParty {
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Entry into force for that state; `None` = not verified.
    pub in_force: Option<Date>,
    /// Objections that matter for Kazakhstan.
    pub objections_note: Option<String>,
    /// Citations, confidence, review (the file's review date).
    pub provenance: Provenance,
}

/// A legal-assistance convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Convention {
    /// CIS Minsk Convention of 22 Jan 1993 (art. 13).
    Minsk1993,
    /// CIS Chisinau Convention of 7 Oct 2002.
    Chisinau2002,
    /// A bilateral legal-assistance treaty.
    Bilateral,
}

impl Convention {
    fn parse(s: &str) -> Option<Convention> {
        match s {
            "minsk_1993" => Some(Convention::Minsk1993),
            "chisinau_2002" => Some(Convention::Chisinau2002),
            "bilateral" => Some(Convention::Bilateral),
            _ => None,
        }
    }

    /// The identifier used in the data file.
    pub fn as_str(self) -> &'static str {
        match self {
            Convention::Minsk1993 => "minsk_1993",
            Convention::Chisinau2002 => "chisinau_2002",
            Convention::Bilateral => "bilateral",
        }
    }
}

/// Status of a treaty row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TreatyStatus {
    /// Kazakhstan's own ratification.
    KzRatified,
    /// In force between KZ and the partner.
    InForce,
    /// Probably in force; not confirmed.
    InForceUncertain,
    /// The partner's participation is not verified.
    PartyUnverified,
    /// Signed only.
    SignedOnly,
    /// Signed; ratification not verified.
    SignedRatificationUnverified,
    /// Signed, not ratified.
    SignedNotRatified,
    /// The partner withdrew (`valid_until` is the last day it applied).
    Withdrawn,
    /// No civil legal-assistance treaty found.
    NoneCivilFound,
    /// A draft.
    Draft,
}

const STATUSES: [(&str, TreatyStatus); 10] = [
    ("kz_ratified", TreatyStatus::KzRatified),
    ("in_force", TreatyStatus::InForce),
    ("in_force_uncertain", TreatyStatus::InForceUncertain),
    ("party_unverified", TreatyStatus::PartyUnverified),
    ("signed_only", TreatyStatus::SignedOnly),
    (
        "signed_ratification_unverified",
        TreatyStatus::SignedRatificationUnverified,
    ),
    ("signed_not_ratified", TreatyStatus::SignedNotRatified),
    ("withdrawn", TreatyStatus::Withdrawn),
    ("none_civil_found", TreatyStatus::NoneCivilFound),
    ("draft", TreatyStatus::Draft),
];

/// Whether a treaty exempts documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exempts {
    /// Exempts while in force.
    Yes,
    /// Does not.
    No,
    /// Not established: never exempts on its own.
    Unverified,
}

/// One treaty row.
#[derive(Debug, Clone)]
pub struct Treaty {
    /// Partner (alpha-2); `KZ` rows are Kazakhstan's own ratifications.
    pub country: String,
    /// Convention.
    pub convention: Convention,
    /// Status.
    pub status: TreatyStatus,
    /// Whether it exempts documents.
    pub exempts: Exempts,
    /// Took effect between KZ and the partner (`None` = not verified).
    pub in_force: Option<Date>,
    /// Last day it applied.
    pub valid_until: Option<Date>,
    /// Note from the data file.
    pub note: Option<String>,
    /// Citations, confidence, review.
    pub provenance: Provenance,
}

/// The two formalities tables.
#[derive(Debug, Clone, Default)]
pub struct Formalities {
    /// Apostille parties (including Kazakhstan's own row).
    pub parties: Vec<ApostilleParty>,
    /// Treaty rows.
    pub treaties: Vec<Treaty>,
}

/// What a document needs before it is accepted in Kazakhstan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormalityKind {
    /// Issued in Kazakhstan: nothing.
    Domestic,
    /// A treaty exempts it: no apostille, no legalisation.
    None,
    /// An apostille from the issuing state.
    Apostille,
    /// Consular legalisation.
    Legalisation,
    /// The data cannot decide: the gap is named.
    NeedsInformation,
}

impl FormalityKind {
    /// Stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            FormalityKind::Domestic => "domestic",
            FormalityKind::None => "none",
            FormalityKind::Apostille => "apostille",
            FormalityKind::Legalisation => "legalisation",
            FormalityKind::NeedsInformation => "needs_information",
        }
    }
}

/// Why the decision came out as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum FormalityReason {
    /// Issued in Kazakhstan.
    Domestic,
    /// A treaty exempts documents between the two states on the date.
    TreatyExempt {
        /// Which treaty.
        convention: Convention,
    },
    /// Both are Apostille parties and the date is on or after entry into force.
    ApostilleInForce {
        /// The later of the two entries into force.
        since: Date,
    },
    /// Both are parties but the Convention was not yet in force between them on the date.
    ApostilleNotYetInForce {
        /// When it entered (or enters) into force.
        from: Date,
    },
    /// The issuing state is a party, but its entry into force is not verified.
    EntryIntoForceUnknown,
    /// The issuing state is not in the data (absence is not proof of non-party status).
    CountryNotInData,
    /// A treaty exempted documents, but the partner's withdrawal took effect before the date.
    TreatyEnded {
        /// Which treaty.
        convention: Convention,
        /// Last day it applied.
        until: Date,
    },
}

impl FormalityReason {
    /// Stable identifier (for message catalogues).
    pub fn code(self) -> &'static str {
        match self {
            FormalityReason::Domestic => "domestic",
            FormalityReason::TreatyExempt { .. } => "treaty_exempt",
            FormalityReason::ApostilleInForce { .. } => "apostille_in_force",
            FormalityReason::ApostilleNotYetInForce { .. } => "apostille_not_yet_in_force",
            FormalityReason::EntryIntoForceUnknown => "entry_into_force_unknown",
            FormalityReason::CountryNotInData => "country_not_in_data",
            FormalityReason::TreatyEnded { .. } => "treaty_ended",
        }
    }
}

/// The formality a document issued in one state needs when presented on one date.
#[derive(Debug, Clone, PartialEq)]
pub struct FormalityDecision {
    /// Issuing state (alpha-2).
    pub country: String,
    /// Presentation date.
    pub date: Date,
    /// What is needed.
    pub kind: FormalityKind,
    /// Why.
    pub reason: FormalityReason,
    /// Whether a row the decision rests on is uncertain (or an unverified treaty was set
    /// aside): the user is told to confirm.
    pub uncertain: bool,
    /// What to confirm, from the rows used, in every language.
    pub uncertainty: Vec<Text>,
    /// Citations of the rows used.
    pub cites: Vec<crate::pack::Citation>,
}

/// Kazakhstan's accession to the Apostille Convention took effect on 30 January 2001.
pub const KZ_APOSTILLE_IN_FORCE: (i32, u32, u32) = (2001, 1, 30);

impl Formalities {
    /// The Apostille row for a state.
    pub fn party(&self, country: &str) -> Option<&ApostilleParty> {
        self.parties.iter().find(|p| p.country == country)
    }

    fn kz_eif(&self) -> Option<Date> {
        let fixed = Date::from_ymd(
            KZ_APOSTILLE_IN_FORCE.0,
            KZ_APOSTILLE_IN_FORCE.1,
            KZ_APOSTILLE_IN_FORCE.2,
        );
        match self.party("KZ").and_then(|p| p.in_force) {
            Some(d) => Some(fixed.map_or(d, |f| f.max(d))),
            None => fixed,
        }
    }

    fn kz_ratified(&self, c: Convention) -> bool {
        self.treaties.iter().any(|t| {
            t.country == "KZ"
                && t.convention == c
                && t.status == TreatyStatus::KzRatified
                && t.exempts == Exempts::Yes
        })
    }

    /// Decides the formality for a public document issued in `country` (alpha-2) and
    /// presented in Kazakhstan on `date`.
    pub fn decide(&self, country: &str, date: Date) -> FormalityDecision {
        let country = country.trim().to_ascii_uppercase();
        let mut d = FormalityDecision {
            country: country.clone(),
            date,
            kind: FormalityKind::NeedsInformation,
            reason: FormalityReason::CountryNotInData,
            uncertain: false,
            uncertainty: Vec::new(),
            cites: Vec::new(),
        };
        if country == "KZ" {
            d.kind = FormalityKind::Domestic;
            d.reason = FormalityReason::Domestic;
            return d;
        }
        let use_row = |d: &mut FormalityDecision, p: &Provenance| {
            if p.confidence == Confidence::Uncertain {
                d.uncertain = true;
                if let Some(t) = &p.uncertainty
                    && !d.uncertainty.contains(t)
                {
                    d.uncertainty.push(t.clone());
                }
            }
            for c in &p.cites {
                if !d.cites.contains(c) {
                    d.cites.push(c.clone());
                }
            }
        };
        // 1. Treaty exemption.
        let mut ended = None;
        for t in self.treaties.iter().filter(|t| t.country == country) {
            match t.exempts {
                Exempts::Yes => {}
                Exempts::Unverified => {
                    // Never exempts alone; it is mentioned so the user can check it.
                    if matches!(
                        t.status,
                        TreatyStatus::InForce | TreatyStatus::InForceUncertain
                    ) {
                        use_row(&mut d, &t.provenance);
                    }
                    continue;
                }
                Exempts::No => continue,
            }
            if t.convention != Convention::Bilateral && !self.kz_ratified(t.convention) {
                continue;
            }
            let live = matches!(
                t.status,
                TreatyStatus::InForce | TreatyStatus::InForceUncertain | TreatyStatus::Withdrawn
            );
            if !live || t.in_force.is_some_and(|f| date < f) {
                continue;
            }
            match t.valid_until {
                Some(u) if date > u => {
                    ended = Some((t, u));
                    continue;
                }
                _ => {}
            }
            use_row(&mut d, &t.provenance);
            if t.status == TreatyStatus::InForceUncertain {
                d.uncertain = true;
            }
            d.kind = FormalityKind::None;
            d.reason = FormalityReason::TreatyExempt {
                convention: t.convention,
            };
            return d;
        }
        // 2-4. Apostille, needs information, legalisation.
        let Some(party) = self.party(&country) else {
            if let Some((t, _)) = ended {
                use_row(&mut d, &t.provenance);
            }
            d.kind = FormalityKind::NeedsInformation;
            d.reason = FormalityReason::CountryNotInData;
            return d;
        };
        use_row(&mut d, &party.provenance);
        if let Some((t, _)) = ended {
            use_row(&mut d, &t.provenance);
        }
        let (Some(eif), Some(kz)) = (party.in_force, self.kz_eif()) else {
            d.kind = FormalityKind::NeedsInformation;
            d.reason = FormalityReason::EntryIntoForceUnknown;
            d.uncertain = true;
            return d;
        };
        let since = eif.max(kz);
        if date >= since {
            d.kind = FormalityKind::Apostille;
            d.reason = FormalityReason::ApostilleInForce { since };
        } else {
            d.kind = FormalityKind::Legalisation;
            d.reason = match ended {
                Some((t, until)) if date > until => FormalityReason::TreatyEnded {
                    convention: t.convention,
                    until,
                },
                _ => FormalityReason::ApostilleNotYetInForce { from: since },
            };
        }
        d
    }
}

/// Whether a document written in `language` needs a notarised translation into Kazakh or
/// Russian: `Some(false)` when one of its languages is Kazakh or Russian, `Some(true)` when
/// it is known and neither, `None` when not given. Several languages may be listed
/// (`"kk, en"`, `"ru+de"`).
pub fn translation_needed(language: Option<&str>) -> Option<bool> {
    let l = language?.trim();
    if l.is_empty() {
        return None;
    }
    let official = l
        .split(|c: char| c == ',' || c == '+' || c == '/' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .any(|p| {
            matches!(
                p.to_lowercase().as_str(),
                "kk" | "kaz"
                    | "kazakh"
                    | "қазақ"
                    | "казахский"
                    | "ru"
                    | "rus"
                    | "russian"
                    | "русский"
                    | "орыс"
            )
        });
    Some(!official)
}

fn check_country(
    fs: &mut Files<'_>,
    f: &str,
    at: usize,
    code: &str,
    countries: &HashMap<String, u16>,
) {
    if !countries.contains_key(code) {
        fs.error(
            f,
            at,
            format!("`{code}` is not a country of data/countries.toml (ISO 3166-1 alpha-2)"),
        );
    }
}

/// Loads and validates the two tables (each optional): every row cited with a tier, ISO
/// dates, known country codes, a `withdrawn` row with `valid_until`, no row both withdrawn
/// and exempting without an end.
pub(crate) fn load_tables(
    fs: &mut Files<'_>,
    acts: &HashMap<String, u16>,
    countries: &HashMap<String, u16>,
) -> Formalities {
    let mut out = Formalities::default();
    let f = "data/apostille.toml";
    if !fs.text(f).is_empty()
        && let Some(af) = fs.parse::<ApostilleFile>(f)
    {
        for p in &af.party {
            let at = p.country.span().start;
            let code = p.country.get_ref().clone();
            check_country(fs, f, at, &code, countries);
            if out.parties.iter().any(|x| x.country == code) {
                fs.error(f, at, format!("Apostille party `{code}` is listed twice"));
            }
            let what = format!("Apostille party `{code}`");
            let prov = provenance(
                fs,
                acts,
                f,
                at,
                &what,
                &p.cite,
                p.confidence,
                &p.uncertainty,
                af.reviewed,
            );
            out.parties.push(ApostilleParty {
                country: code,
                in_force: p.in_force.map(|d| d.0),
                objections_note: p.objections_note.clone(),
                provenance: prov,
            });
        }
    }
    let f = "data/legal_assistance.toml";
    if !fs.text(f).is_empty()
        && let Some(lf) = fs.parse::<LegalAssistanceFile>(f)
    {
        for t in &lf.treaty {
            let at = t.country.span().start;
            let code = t.country.get_ref().clone();
            check_country(fs, f, at, &code, countries);
            let what = format!("treaty `{}` with `{code}`", t.convention);
            let convention = Convention::parse(&t.convention);
            if convention.is_none() {
                fs.error(
                    f,
                    at,
                    format!("{what}: convention must be minsk_1993, chisinau_2002 or bilateral"),
                );
            }
            let status = STATUSES
                .iter()
                .find(|(s, _)| *s == t.status)
                .map(|(_, s)| *s);
            if status.is_none() {
                let hint = crate::pack::closest(&t.status, STATUSES.iter().map(|(s, _)| *s))
                    .map(|c| format!(" — did you mean `{c}`?"))
                    .unwrap_or_default();
                fs.error(
                    f,
                    at,
                    format!("{what}: unknown status `{}`{hint}", t.status),
                );
            }
            if status == Some(TreatyStatus::Withdrawn) && t.valid_until.is_none() {
                fs.error(
                    f,
                    at,
                    format!(
                        "{what} is `withdrawn` but has no `valid_until` (the last day it applied)"
                    ),
                );
            }
            if let (Some(PackDate(a)), Some(PackDate(b))) = (t.in_force, t.valid_until)
                && b < a
            {
                fs.error(
                    f,
                    at,
                    format!("{what}: valid_until {b} is before in_force {a}"),
                );
            }
            if out
                .treaties
                .iter()
                .any(|x| x.country == code && Some(x.convention) == convention)
            {
                fs.error(f, at, format!("{what} is listed twice"));
            }
            let prov = provenance(
                fs,
                acts,
                f,
                at,
                &what,
                &t.cite,
                t.confidence,
                &t.uncertainty,
                lf.reviewed,
            );
            if let (Some(convention), Some(status)) = (convention, status) {
                out.treaties.push(Treaty {
                    country: code,
                    convention,
                    status,
                    exempts: match t.exempts_documents {
                        ExemptsSrc::Yes => Exempts::Yes,
                        ExemptsSrc::No => Exempts::No,
                        ExemptsSrc::Unverified => Exempts::Unverified,
                    },
                    in_force: t.in_force.map(|d| d.0),
                    valid_until: t.valid_until.map(|d| d.0),
                    note: t.note.clone(),
                    provenance: prov,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> Formalities {
        crate::bundled::load().expect("bundled pack").formalities
    }

    fn day(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    fn decide(c: &str, d: &str) -> FormalityDecision {
        tables().decide(c, day(d))
    }

    #[test]
    fn china_apostille_from_2023_11_07() {
        let before = decide("CN", "2023-11-06");
        assert_eq!(before.kind, FormalityKind::Legalisation);
        assert_eq!(
            before.reason,
            FormalityReason::ApostilleNotYetInForce {
                from: day("2023-11-07")
            }
        );
        // The bilateral treaty with an unverified document article never exempts alone,
        // but it is flagged for checking.
        assert!(before.uncertain);
        let after = decide("CN", "2023-11-07");
        assert_eq!(after.kind, FormalityKind::Apostille);
    }

    #[test]
    fn canada_apostille_from_2024_01_11() {
        assert_eq!(decide("CA", "2024-01-10").kind, FormalityKind::Legalisation);
        assert_eq!(decide("CA", "2024-01-11").kind, FormalityKind::Apostille);
        assert!(!decide("CA", "2024-01-11").uncertain);
    }

    #[test]
    fn ukraine_minsk_until_2023_12_28_then_apostille() {
        let before = decide("UA", "2023-12-28");
        assert_eq!(before.kind, FormalityKind::None);
        assert_eq!(
            before.reason,
            FormalityReason::TreatyExempt {
                convention: Convention::Minsk1993
            }
        );
        let after = decide("UA", "2023-12-29");
        assert_eq!(after.kind, FormalityKind::Apostille);
        // The Ukrainian entry into force rests on a tier-C source.
        assert!(after.uncertain);
    }

    #[test]
    fn russia_is_exempt_under_minsk() {
        let d = decide("RU", "2026-07-01");
        assert_eq!(d.kind, FormalityKind::None);
        assert!(!d.cites.is_empty());
    }

    #[test]
    fn germany_needs_an_apostille() {
        let d = decide("DE", "2026-07-01");
        assert_eq!(d.kind, FormalityKind::Apostille);
        assert_eq!(
            d.reason,
            FormalityReason::ApostilleInForce {
                since: day("2001-01-30")
            }
        );
    }

    #[test]
    fn a_party_with_blank_entry_into_force_needs_information() {
        let t = tables();
        let blank = t
            .parties
            .iter()
            .find(|p| {
                p.in_force.is_none()
                    && !t
                        .treaties
                        .iter()
                        .any(|x| x.country == p.country && x.exempts == Exempts::Yes)
            })
            .expect("the table has a party with a blank date and no exempting treaty");
        let d = t.decide(&blank.country, day("2026-07-01"));
        assert_eq!(d.kind, FormalityKind::NeedsInformation);
        assert_eq!(d.reason, FormalityReason::EntryIntoForceUnknown);
        assert!(d.uncertain);
        assert!(!d.uncertainty.is_empty());
    }

    #[test]
    fn a_country_not_in_the_file_needs_information_not_legalisation() {
        let t = tables();
        assert!(t.party("JP").is_none(), "Japan is listed as unverified");
        let d = t.decide("JP", day("2026-07-01"));
        assert_eq!(d.kind, FormalityKind::NeedsInformation);
        assert_eq!(d.reason, FormalityReason::CountryNotInData);
    }

    #[test]
    fn kazakh_documents_are_domestic() {
        assert_eq!(decide("kz", "2026-07-01").kind, FormalityKind::Domestic);
    }

    #[test]
    fn translation() {
        assert_eq!(translation_needed(Some("ru")), Some(false));
        assert_eq!(translation_needed(Some("kk, en")), Some(false));
        assert_eq!(translation_needed(Some("de")), Some(true));
        assert_eq!(translation_needed(Some("  ")), None);
        assert_eq!(translation_needed(None), None);
    }

    fn load_with(apostille: &str, treaties: &str) -> Result<crate::Pack, crate::pack::LoadErrors> {
        let mut files = crate::bundled::files();
        for (p, t) in &mut files {
            if p == "data/apostille.toml" {
                *t = apostille.to_string();
            }
            if p == "data/legal_assistance.toml" {
                *t = treaties.to_string();
            }
        }
        crate::pack::load(&files)
    }

    #[test]
    fn bad_rows_are_refused_with_their_location() {
        let apostille = "reviewed = 2026-11-25\n[[party]]\ncountry = \"QQ\"\nin_force = 2001-01-30\nconfidence = \"confirmed\"\ncite = []\n";
        let treaties = "reviewed = 2026-11-25\n[[treaty]]\ncountry = \"UA\"\nconvention = \"minsk_1993\"\nstatus = \"withdrawn\"\nexempts_documents = true\nconfidence = \"confirmed\"\ncite = [{ url = \"https://example.org\", tier = \"C\" }]\n";
        let e = load_with(apostille, treaties)
            .expect_err("refused")
            .to_string();
        assert!(e.contains("data/apostille.toml:3:"), "{e}");
        assert!(e.contains("`QQ` is not a country"), "{e}");
        assert!(e.contains("has no citation"), "{e}");
        assert!(e.contains("`withdrawn` but has no `valid_until`"), "{e}");
        let bad_date = "reviewed = 2026-11-25\n[[party]]\ncountry = \"DE\"\nin_force = \"30.01.2001\"\nconfidence = \"confirmed\"\ncite = [{ url = \"https://example.org\", tier = \"A\" }]\n";
        let e = load_with(bad_date, "reviewed = 2026-11-25\ntreaty = []\n")
            .expect_err("refused")
            .to_string();
        assert!(e.contains("data/apostille.toml"), "{e}");
    }
}
