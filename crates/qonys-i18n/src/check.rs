//! The findings of the document consistency check ([`qonys_law::documents::check`]) as
//! people read them: a [`CheckReport`] (stable JSON) and plain text, with each finding's
//! sentence built from its Fluent message (`check-<code>`) and its arguments localised —
//! dates in words, countries and routes by name, field names translated.

use fluent_bundle::FluentValue;
use qonys_law::case::CaseDocument;
use qonys_law::documents::check::{Finding, Severity};
use qonys_law::pack::Pack;
use qonys_law::{Date, Lang};
use serde::Serialize;

use crate::Messages;
use crate::checklist::country_name;
use crate::format;

/// A document named by a finding.
#[derive(Debug, Clone, Serialize)]
pub struct DocRefOut {
    /// 1-based number, as in `document[n]`.
    pub n: usize,
    /// Document kind id.
    pub kind: String,
    /// `document 2 (passport)` in words.
    pub label: String,
}

/// One finding, rendered.
#[derive(Debug, Clone, Serialize)]
pub struct FindingOut {
    /// Stable code.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// Severity in words.
    pub severity_label: String,
    /// The sentence.
    pub message: String,
    /// The documents involved.
    pub documents: Vec<DocRefOut>,
    /// The fields involved.
    pub fields: Vec<String>,
    /// The raw arguments (ISO dates, codes), for programs.
    pub args: std::collections::BTreeMap<String, String>,
}

/// The check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Language code.
    pub lang: String,
    /// Filing date (ISO).
    pub filing_date: String,
    /// Heading.
    pub title: String,
    /// Counts in words.
    pub summary: String,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of notes.
    pub infos: usize,
    /// The findings, errors first.
    pub findings: Vec<FindingOut>,
}

fn localise_arg(pack: &Pack, m: &Messages, lang: Lang, key: &str, value: &str) -> String {
    match key {
        "country" => country_name(pack, value, lang),
        "route" => pack.route_idx(value).map_or_else(
            || value.to_string(),
            |r| pack.routes[r].name.get(lang).to_string(),
        ),
        "field" => {
            let id = format!("field-{value}");
            if m.has(lang, &id) {
                m.get(lang, &id)
            } else {
                value.to_string()
            }
        }
        "reason" => m.get(lang, &format!("formality-reason-{value}")),
        _ => match Date::parse(value) {
            Ok(d) if value.len() == 10 => format::date(lang, d),
            _ => value.to_string(),
        },
    }
}

/// The sentence of one finding.
pub fn finding_message(pack: &Pack, m: &Messages, lang: Lang, f: &Finding) -> String {
    let id = format!("check-{}", f.code.replace('.', "-"));
    let args: Vec<(String, String)> = f
        .args
        .iter()
        .map(|(k, v)| (k.clone(), localise_arg(pack, m, lang, k, v)))
        .collect();
    let fa: Vec<(&str, FluentValue<'_>)> = args
        .iter()
        .map(|(k, v)| (k.as_str(), FluentValue::from(v.as_str())))
        .collect();
    // A Russian date ends with "г.": no second full stop after it.
    m.get_args(lang, &id, &fa).replace("г..", "г.")
}

/// Builds the report of a check.
pub fn check_report(
    pack: &Pack,
    docs: &[CaseDocument],
    findings: &[Finding],
    filing_date: Date,
    m: &Messages,
    lang: Lang,
) -> CheckReport {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let out = findings
        .iter()
        .map(|f| FindingOut {
            code: f.code.clone(),
            severity: f.severity.as_str().to_string(),
            severity_label: m.get(lang, &format!("check-severity-{}", f.severity.as_str())),
            message: finding_message(pack, m, lang, f),
            documents: f
                .documents
                .iter()
                .filter_map(|&i| docs.get(i).map(|d| (i, d)))
                .map(|(i, d)| {
                    let kind = pack
                        .documents
                        .kind(&d.kind)
                        .map_or_else(|| d.kind.clone(), |k| k.label.get(lang).to_string());
                    DocRefOut {
                        n: i + 1,
                        kind: d.kind.clone(),
                        label: m.fmt(
                            lang,
                            "check-document",
                            &[("n", &(i + 1).to_string()), ("kind", &kind)],
                        ),
                    }
                })
                .collect(),
            fields: f.fields.clone(),
            args: f.args.iter().cloned().collect(),
        })
        .collect();
    CheckReport {
        lang: lang.code().to_string(),
        filing_date: filing_date.to_string(),
        title: m.fmt(
            lang,
            "check-title",
            &[("date", &format::date(lang, filing_date))],
        ),
        summary: m.fmt(
            lang,
            "check-summary",
            &[
                ("errors", &errors.to_string()),
                ("warnings", &warnings.to_string()),
                ("infos", &infos.to_string()),
            ],
        ),
        errors,
        warnings,
        infos,
        findings: out,
    }
}

/// The check as plain text.
pub fn render_text(r: &CheckReport, m: &Messages, lang: Lang) -> String {
    let mut out = format!("{}\n", r.title);
    if r.findings.is_empty() {
        out.push_str(&format!("{}\n", m.get(lang, "check-none")));
        return out;
    }
    out.push_str(&format!("{}\n", r.summary));
    for f in &r.findings {
        let docs: Vec<&str> = f.documents.iter().map(|d| d.label.as_str()).collect();
        out.push_str(&format!(
            "\n{} [{}] {}\n    {}\n    {}: {}\n",
            f.severity_label.to_uppercase(),
            f.code,
            docs.join(", "),
            f.message,
            m.get(lang, "check-fields"),
            f.fields.join(", ")
        ));
    }
    out
}
