//! The document checklist of a route as people read it: the [`ChecklistReport`] (stable
//! JSON), plain text for the terminal, and a standalone printable HTML page — inline CSS
//! with print rules, no JavaScript, nothing fetched — that an adviser hands to a client,
//! with a box to tick for every document. All three are rendered from the same report, in
//! English, Russian or Kazakh.

use fluent_bundle::FluentValue;
use qonys_law::Lang;
use qonys_law::documents::ProvidedBy;
use qonys_law::documents::checklist::{Checklist, CountrySource, Need};
use qonys_law::documents::formalities::{FormalityDecision, FormalityKind, FormalityReason};
use qonys_law::pack::{Pack, Provenance};
use serde::Serialize;

use crate::Messages;
use crate::format;
use crate::report::{CitationOut, localize_article};

/// Citations as shown to users.
pub fn citations(pack: &Pack, p: &Provenance, lang: Lang) -> Vec<CitationOut> {
    p.cites
        .iter()
        .map(|c| {
            let act = c.act.and_then(|a| pack.act(a));
            CitationOut {
                act: act.map(|a| a.title.get(lang).to_string()),
                act_reference: act.map(|a| a.reference.clone()),
                article: c.article.as_deref().map(|x| localize_article(x, lang)),
                url: c.url.clone(),
                tier: format!("{:?}", c.tier),
            }
        })
        .collect()
}

/// The act part of a citation (title, reference, article), empty for a bare address.
pub fn citation_head(c: &CitationOut) -> String {
    match (&c.act, &c.act_reference, &c.article) {
        (Some(a), Some(r), Some(ar)) => format!("{a} ({r}), {ar}"),
        (Some(a), Some(r), None) => format!("{a} ({r})"),
        (Some(a), None, Some(ar)) => format!("{a}, {ar}"),
        (Some(a), None, None) => a.clone(),
        (None, _, _) => String::new(),
    }
}

/// One citation on one line.
pub fn citation_line(c: &CitationOut) -> String {
    let head = citation_head(c);
    if head.is_empty() {
        format!("{} [{}]", c.url, c.tier)
    } else {
        format!("{head} — {} [{}]", c.url, c.tier)
    }
}

/// The formality a document needs, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct FormalityOut {
    /// `domestic`, `none`, `apostille`, `legalisation`, `needs_information`.
    pub kind: String,
    /// Why (`treaty_exempt`, `apostille_in_force`, …).
    pub reason: String,
    /// Issuing state (alpha-2).
    pub country: String,
    /// Whether the issuing state was presumed from the applicant's citizenship.
    pub presumed: bool,
    /// Whether the data it rests on is uncertain.
    pub uncertain: bool,
}

/// One document of the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItemOut {
    /// Requirement id.
    pub requirement: String,
    /// Document kind id.
    pub document: String,
    /// Document name.
    pub label: String,
    /// What it is.
    pub description: String,
    /// `required` or `may_be_needed`.
    pub need: String,
    /// The need in words (with the facts to tell us, when undecided).
    pub need_text: String,
    /// Facts that decide an undecided requirement.
    pub deciding_facts: Vec<String>,
    /// `applicant`, `sponsor`, `employer`, `institution`.
    pub provided_by: String,
    /// Who provides it, in words.
    pub provided_by_text: String,
    /// Why it is needed.
    pub why: String,
    /// Formality for its issuing state on the filing date (public documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formality: Option<FormalityOut>,
    /// Whether a notarised translation is needed (`null`: the language is not known).
    pub translation: Option<bool>,
    /// Formalities and translation in words.
    pub formalities_text: Vec<String>,
    /// Earliest issue date still valid on filing (ISO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest_issue: Option<String>,
    /// The document must not expire before this date (ISO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until_at_least: Option<String>,
    /// Validity windows in words.
    pub validity_text: Vec<String>,
    /// The case file's documents of this kind (1-based, as in `document[n]`).
    pub in_file: Vec<usize>,
    /// What to confirm (uncertain requirement, kind or formality data).
    pub to_confirm: Vec<String>,
    /// Where the requirement was read.
    pub sources: Vec<CitationOut>,
}

/// A requirement that does not apply to this case.
#[derive(Debug, Clone, Serialize)]
pub struct NotNeededOut {
    /// Requirement id.
    pub requirement: String,
    /// Document kind id.
    pub document: String,
    /// Document name.
    pub label: String,
}

/// A route's document checklist, ready to print or serialise.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistReport {
    /// Language code.
    pub lang: String,
    /// Pack id and version.
    pub pack: String,
    /// Route id.
    pub route: String,
    /// Route name.
    pub route_name: String,
    /// Filing date (ISO).
    pub filing_date: String,
    /// Heading.
    pub title: String,
    /// Filing date line.
    pub filing_text: String,
    /// Count sentence.
    pub summary: String,
    /// The documents.
    pub items: Vec<ChecklistItemOut>,
    /// Documents the route lists that this case does not need.
    pub not_needed: Vec<NotNeededOut>,
    /// Guidance, not legal representation.
    pub disclaimer: String,
}

fn provided_by_id(p: ProvidedBy) -> &'static str {
    match p {
        ProvidedBy::Applicant => "applicant",
        ProvidedBy::Sponsor => "sponsor",
        ProvidedBy::Employer => "employer",
        ProvidedBy::Institution => "institution",
    }
}

/// The name of a country in `lang`, or its code.
pub fn country_name(pack: &Pack, code: &str, lang: Lang) -> String {
    pack.country_idx(code)
        .and_then(|i| pack.countries.get(usize::from(i)))
        .map_or_else(|| code.to_string(), |c| c.name.get(lang).to_string())
}

/// The formality in words.
pub fn formality_text(pack: &Pack, m: &Messages, lang: Lang, d: &FormalityDecision) -> String {
    let country = country_name(pack, &d.country, lang);
    let c = country.as_str();
    match (d.kind, d.reason) {
        (FormalityKind::Domestic, _) => m.get(lang, "checklist-formality-domestic"),
        (FormalityKind::None, FormalityReason::TreatyExempt { convention }) => {
            let treaty = m.get(lang, &format!("treaty-{}", convention.as_str()));
            m.fmt(
                lang,
                "checklist-formality-none",
                &[("country", c), ("treaty", &treaty)],
            )
        }
        (FormalityKind::None, _) => m.get(lang, "checklist-formality-none-needed"),
        (FormalityKind::Apostille, FormalityReason::ApostilleInForce { since }) => m.fmt(
            lang,
            "checklist-formality-apostille",
            &[("country", c), ("since", &format::date(lang, since))],
        ),
        (FormalityKind::Apostille, _) => m.fmt(
            lang,
            "checklist-formality-apostille",
            &[("country", c), ("since", "—")],
        ),
        (FormalityKind::Legalisation, FormalityReason::ApostilleNotYetInForce { from }) => m.fmt(
            lang,
            "checklist-formality-legalisation-until",
            &[("country", c), ("from", &format::date(lang, from))],
        ),
        (FormalityKind::Legalisation, _) => {
            m.fmt(lang, "checklist-formality-legalisation", &[("country", c)])
        }
        (FormalityKind::NeedsInformation, r) => {
            let reason = m.get(lang, &format!("formality-reason-{}", r.code()));
            m.fmt(
                lang,
                "checklist-formality-needs-information",
                &[("country", c), ("reason", &reason)],
            )
        }
    }
}

/// Builds the report of a checklist.
pub fn checklist_report(pack: &Pack, c: &Checklist, m: &Messages, lang: Lang) -> ChecklistReport {
    let route = &pack.routes[c.route];
    let mut items = Vec::new();
    let mut required = 0i64;
    let mut maybe = 0i64;
    for it in &c.items {
        let req = it.requirement(pack);
        let kind = it.kind(pack);
        let (need, need_text, deciding_facts) = match &it.need {
            Need::Required => {
                required += 1;
                ("required", m.get(lang, "checklist-required"), Vec::new())
            }
            Need::MayBeNeeded(fx) => {
                maybe += 1;
                let labels: Vec<String> = fx
                    .iter()
                    .filter_map(|f| pack.facts.get(usize::from(*f)))
                    .map(|f| f.label.get(lang).to_string())
                    .collect();
                (
                    "may_be_needed",
                    m.fmt(
                        lang,
                        "checklist-may-be-needed",
                        &[("facts", &labels.join(", "))],
                    ),
                    fx.iter()
                        .filter_map(|f| pack.facts.get(usize::from(*f)))
                        .map(|f| f.id.clone())
                        .collect(),
                )
            }
        };
        let mut formalities_text = Vec::new();
        let presumed = matches!(it.issuing_country, Some((_, CountrySource::Citizenship)));
        if kind.public_document {
            match &it.formality {
                Some(d) => {
                    let mut t = formality_text(pack, m, lang, d);
                    if presumed && d.kind != FormalityKind::Domestic {
                        t.push_str(&format!(" ({})", m.get(lang, "checklist-country-presumed")));
                    }
                    formalities_text.push(t);
                }
                None => formalities_text.push(m.get(lang, "checklist-formality-unknown-country")),
            }
        }
        if kind.has_text {
            formalities_text.push(match it.translation {
                Some(true) => m.get(lang, "checklist-translation-needed"),
                Some(false) => m.get(lang, "checklist-translation-not-needed"),
                None => m.get(lang, "checklist-translation-unknown"),
            });
        }
        let mut validity_text = Vec::new();
        if let (Some(d), Some(days)) = (it.earliest_issue, req.max_age_days) {
            validity_text.push(m.fmt(
                lang,
                "checklist-earliest-issue",
                &[
                    ("date", &format::date(lang, d)),
                    ("days", &days.to_string()),
                ],
            ));
        }
        if let (Some(d), Some(days)) = (it.valid_until_at_least, req.min_validity_days) {
            validity_text.push(m.fmt(
                lang,
                "checklist-valid-until",
                &[
                    ("date", &format::date(lang, d)),
                    ("days", &days.to_string()),
                ],
            ));
        }
        let mut to_confirm = Vec::new();
        for p in [&req.provenance, &kind.provenance] {
            if let Some(t) = &p.uncertainty {
                let s = t.get(lang).to_string();
                if !to_confirm.contains(&s) {
                    to_confirm.push(s);
                }
            }
        }
        if let Some(d) = &it.formality {
            for t in &d.uncertainty {
                let s = t.get(lang).to_string();
                if !to_confirm.contains(&s) {
                    to_confirm.push(s);
                }
            }
        }
        items.push(ChecklistItemOut {
            requirement: req.id.clone(),
            document: kind.id.clone(),
            label: kind.label.get(lang).to_string(),
            description: kind.description.get(lang).to_string(),
            need: need.to_string(),
            need_text,
            deciding_facts,
            provided_by: provided_by_id(kind.provided_by).to_string(),
            provided_by_text: m.get(
                lang,
                &format!("checklist-by-{}", provided_by_id(kind.provided_by)),
            ),
            why: req.text.get(lang).to_string(),
            formality: it.formality.as_ref().map(|d| FormalityOut {
                kind: d.kind.as_str().to_string(),
                reason: d.reason.code().to_string(),
                country: d.country.clone(),
                presumed,
                uncertain: d.uncertain,
            }),
            translation: it.translation,
            formalities_text,
            earliest_issue: it.earliest_issue.map(|d| d.to_string()),
            valid_until_at_least: it.valid_until_at_least.map(|d| d.to_string()),
            validity_text,
            in_file: it.case_documents.iter().map(|i| i + 1).collect(),
            to_confirm,
            sources: citations(pack, &req.provenance, lang),
        });
    }
    let not_needed = c
        .not_needed
        .iter()
        .map(|&ri| {
            let req = &pack.documents.requirements[ri];
            let kind = &pack.documents.kinds[req.kind];
            NotNeededOut {
                requirement: req.id.clone(),
                document: kind.id.clone(),
                label: kind.label.get(lang).to_string(),
            }
        })
        .collect();
    let summary = m.get_args(
        lang,
        "checklist-summary",
        &[
            ("required", FluentValue::from(required)),
            ("maybe", FluentValue::from(maybe)),
        ],
    );
    ChecklistReport {
        lang: lang.code().to_string(),
        pack: format!("{} {}", pack.meta.id, pack.meta.version),
        route: route.id.clone(),
        route_name: route.name.get(lang).to_string(),
        filing_date: c.filing_date.to_string(),
        title: m.fmt(lang, "checklist-title", &[("route", route.name.get(lang))]),
        filing_text: m.fmt(
            lang,
            "checklist-filing",
            &[("date", &format::date(lang, c.filing_date))],
        ),
        summary,
        items,
        not_needed,
        disclaimer: pack.meta.disclaimer.get(lang).to_string(),
    }
}

/// The checklist as plain text.
pub fn render_text(r: &ChecklistReport, m: &Messages, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&format!("{}\n{}\n{}\n", r.title, r.filing_text, r.summary));
    if r.items.is_empty() {
        out.push_str(&format!("\n{}\n", m.get(lang, "checklist-no-documents")));
    }
    for (i, it) in r.items.iter().enumerate() {
        out.push_str(&format!(
            "\n[ ] {}. {} — {}\n",
            i + 1,
            capitalise(&it.label),
            it.need_text
        ));
        out.push_str(&format!(
            "    {}: {}\n",
            m.get(lang, "checklist-provided-by"),
            it.provided_by_text
        ));
        out.push_str(&format!(
            "    {}: {}\n",
            m.get(lang, "checklist-why"),
            it.why
        ));
        if !it.formalities_text.is_empty() {
            out.push_str(&format!(
                "    {}: {}\n",
                m.get(lang, "checklist-formalities"),
                it.formalities_text.join("; ")
            ));
        }
        if !it.validity_text.is_empty() {
            out.push_str(&format!(
                "    {}: {}\n",
                m.get(lang, "checklist-validity"),
                it.validity_text.join("; ")
            ));
        }
        let in_file = in_file_label(m, lang, &it.in_file);
        out.push_str(&format!(
            "    {}: {in_file}\n",
            m.get(lang, "checklist-in-file")
        ));
        for t in &it.to_confirm {
            out.push_str(&format!(
                "    {}: {t}\n",
                m.get(lang, "checklist-to-confirm")
            ));
        }
        for c in &it.sources {
            out.push_str(&format!("    • {}\n", citation_line(c)));
        }
    }
    if !r.not_needed.is_empty() {
        let labels: Vec<&str> = r.not_needed.iter().map(|n| n.label.as_str()).collect();
        out.push_str(&format!(
            "\n{}: {}\n",
            m.get(lang, "checklist-not-needed"),
            labels.join(", ")
        ));
    }
    out.push_str(&format!("\n{}\n", r.disclaimer));
    out
}

/// The text with its first letter in upper case (labels are stored for use mid-sentence).
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #1d2430; --muted: #5b6474; --line: #d9dee7; --accent: #0b6e69; --warn: #9a5b00; --paper: #ffffff; }
* { box-sizing: border-box; }
html { background: #f3f5f8; }
body { margin: 0 auto; max-width: 52rem; padding: 2.5rem 2.75rem 3rem; background: var(--paper); color: var(--ink);
  font: 15px/1.5 "Noto Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 0.9rem; margin-bottom: 1.4rem; }
h1 { font-size: 1.55rem; line-height: 1.25; margin: 0 0 0.35rem; letter-spacing: -0.01em; }
.meta { color: var(--muted); margin: 0; }
.summary { margin: 0.5rem 0 0; font-weight: 600; }
ol.docs { list-style: none; margin: 0; padding: 0; counter-reset: doc; }
li.doc { counter-increment: doc; display: grid; grid-template-columns: 2rem 1fr; gap: 0 0.6rem; padding: 0.95rem 0 1rem; border-bottom: 1px solid var(--line); break-inside: avoid; page-break-inside: avoid; }
.box { width: 1.15rem; height: 1.15rem; margin-top: 0.2rem; border: 2px solid var(--ink); border-radius: 3px; display: inline-block; }
.box input { appearance: none; -webkit-appearance: none; width: 100%; height: 100%; margin: 0; }
.box input:checked { background: var(--accent); }
h2 { font-size: 1.08rem; margin: 0; }
h2 .n { color: var(--muted); font-weight: 500; margin-right: 0.3rem; }
h2 .n::before { content: counter(doc) "."; }
.need { display: inline-block; font-size: 0.78rem; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; padding: 0.05rem 0.45rem; border-radius: 999px; margin-left: 0.4rem; vertical-align: 0.1rem; background: #e3f1f0; color: var(--accent); }
.need.maybe { background: #fdf0dc; color: var(--warn); text-transform: none; letter-spacing: 0; }
.desc { color: var(--muted); margin: 0.2rem 0 0.45rem; }
dl { display: grid; grid-template-columns: 9.5rem 1fr; gap: 0.2rem 0.9rem; margin: 0; }
dt { color: var(--muted); font-size: 0.88rem; padding-top: 0.05rem; }
dd { margin: 0; }
dd ul { margin: 0; padding-left: 1.1rem; }
.confirm dd { color: var(--warn); }
.sources { margin: 0.5rem 0 0; padding-left: 1.1rem; font-size: 0.8rem; color: var(--muted); }
.sources a { color: inherit; word-break: break-all; }
.notneeded { margin-top: 1.4rem; color: var(--muted); }
footer { margin-top: 2rem; padding-top: 0.8rem; border-top: 1px solid var(--line); font-size: 0.82rem; color: var(--muted); }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  html { background: none; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  li.doc { padding: 0.6rem 0 0.7rem; }
  .sources a { text-decoration: none; }
  .need { border: 1px solid currentColor; background: none; }
  header { border-bottom-width: 2px; }
}
"#;

/// The checklist as a standalone printable HTML page.
pub fn render_html(r: &ChecklistReport, m: &Messages, lang: Lang) -> String {
    let e = escape;
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        e(&r.lang),
        e(&r.title)
    ));
    out.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{} · {}</p>\n<p class=\"summary\">{}</p>\n</header>\n",
        e(&r.title),
        e(&r.filing_text),
        e(&r.pack),
        e(&r.summary)
    ));
    if r.items.is_empty() {
        out.push_str(&format!(
            "<p>{}</p>\n",
            e(&m.get(lang, "checklist-no-documents"))
        ));
    }
    out.push_str("<ol class=\"docs\">\n");
    for it in &r.items {
        let maybe = it.need == "may_be_needed";
        out.push_str(&format!(
            "<li class=\"doc\" id=\"{}\">\n<label class=\"box\" title=\"{}\"><input type=\"checkbox\" aria-label=\"{} — {}\"></label>\n<div>\n",
            e(&it.requirement),
            e(&m.get(lang, "checklist-checkbox")),
            e(&it.label),
            e(&m.get(lang, "checklist-checkbox"))
        ));
        out.push_str(&format!(
            "<h2><span class=\"n\"></span>{}<span class=\"need{}\">{}</span></h2>\n<p class=\"desc\">{}</p>\n<dl>\n",
            e(&capitalise(&it.label)),
            if maybe { " maybe" } else { "" },
            e(&it.need_text),
            e(&it.description)
        ));
        let row = |k: &str, v: String| format!("<dt>{}</dt><dd>{}</dd>\n", e(&m.get(lang, k)), v);
        out.push_str(&row("checklist-provided-by", e(&it.provided_by_text)));
        out.push_str(&row("checklist-why", e(&it.why)));
        let list = |items: &[String]| {
            if items.len() == 1 {
                e(&items[0])
            } else {
                format!(
                    "<ul>{}</ul>",
                    items
                        .iter()
                        .map(|x| format!("<li>{}</li>", e(x)))
                        .collect::<String>()
                )
            }
        };
        if !it.formalities_text.is_empty() {
            out.push_str(&row("checklist-formalities", list(&it.formalities_text)));
        }
        if !it.validity_text.is_empty() {
            out.push_str(&row("checklist-validity", list(&it.validity_text)));
        }
        let in_file = e(&in_file_label(m, lang, &it.in_file));
        out.push_str(&row("checklist-in-file", in_file));
        out.push_str("</dl>\n");
        if !it.to_confirm.is_empty() {
            out.push_str(&format!(
                "<dl class=\"confirm\"><dt>{}</dt><dd>{}</dd></dl>\n",
                e(&m.get(lang, "checklist-to-confirm")),
                list(&it.to_confirm)
            ));
        }
        out.push_str("<ul class=\"sources\">");
        for c in &it.sources {
            let head = citation_head(c);
            let sep = if head.is_empty() { "" } else { " — " };
            out.push_str(&format!(
                "<li>{}{sep}<a href=\"{}\">{}</a> [{}]</li>",
                e(&head),
                e(&c.url),
                e(&c.url),
                e(&c.tier)
            ));
        }
        out.push_str("</ul>\n</div>\n</li>\n");
    }
    out.push_str("</ol>\n");
    if !r.not_needed.is_empty() {
        let labels: Vec<String> = r.not_needed.iter().map(|n| e(&n.label)).collect();
        out.push_str(&format!(
            "<p class=\"notneeded\">{}: {}</p>\n",
            e(&m.get(lang, "checklist-not-needed")),
            labels.join(", ")
        ));
    }
    out.push_str(&format!(
        "<footer>{}</footer>\n</body>\n</html>\n",
        e(&r.disclaimer)
    ));
    out
}

/// Where a checklist document already stands in the case file, in words ("entry 2 of the case
/// file"), or that it is not there yet. Shared by the text and HTML checklists.
fn in_file_label(m: &Messages, lang: Lang, entries: &[usize]) -> String {
    if entries.is_empty() {
        return m.get(lang, "checklist-not-in-file");
    }
    entries
        .iter()
        .map(|n| m.fmt(lang, "checklist-in-file-entry", &[("n", &n.to_string())]))
        .collect::<Vec<_>>()
        .join(", ")
}
