//! `qonys checklist` and `qonys check`: read the case file (facts and `[[document]]`
//! entries), call the core's document chain and print the report in text, JSON or (for the
//! checklist) printable HTML.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use qonys_i18n::Messages;
use qonys_law::documents::{
    check::Severity, check::check as run_check, checklist::checklist as build,
};
use qonys_law::{CaseFile, Date, Lang, Pack};

use crate::pack_files::load_pack;

/// Output formats of `qonys checklist`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChecklistFormat {
    /// Plain text.
    Text,
    /// The report as JSON.
    Json,
    /// A standalone printable HTML page.
    Html,
}

/// Flags of `qonys checklist`.
pub struct ChecklistArgs {
    pub case_file: PathBuf,
    pub route: String,
    pub filing_date: Date,
    pub lang: Option<Lang>,
    pub format: ChecklistFormat,
    pub pack: Option<PathBuf>,
}

/// Flags of `qonys check`.
pub struct CheckArgs {
    pub case_file: PathBuf,
    pub filing_date: Date,
    pub route: Option<String>,
    pub lang: Option<Lang>,
    pub json: bool,
    pub pack: Option<PathBuf>,
}

fn read_case(path: &PathBuf, pack: &Pack) -> Result<(CaseFile, qonys_law::Facts)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the case file {}", path.display()))?;
    let case = CaseFile::parse(&text).map_err(|e| anyhow::anyhow!("{}:\n{e}", path.display()))?;
    let facts = case
        .bind(pack)
        .map_err(|e| anyhow::anyhow!("{}:\n{e}", path.display()))?;
    let errors: Vec<String> = case
        .documents
        .iter()
        .enumerate()
        .flat_map(|(i, d)| d.bind(pack, i + 1))
        .map(|e| e.to_string())
        .collect();
    if !errors.is_empty() {
        bail!("{}:\n{}", path.display(), errors.join("\n"));
    }
    Ok((case, facts))
}

fn route_index(pack: &Pack, id: &str) -> Result<usize> {
    pack.route_idx(id).ok_or_else(|| {
        let ids: Vec<&str> = pack.routes.iter().map(|r| r.id.as_str()).collect();
        anyhow::anyhow!(
            "--route: no route `{id}`; the routes are: {}",
            ids.join(", ")
        )
    })
}

/// Runs `qonys checklist`.
pub fn checklist(a: ChecklistArgs) -> Result<ExitCode> {
    let pack = load_pack(a.pack.as_deref())?;
    let route = route_index(&pack, &a.route)?;
    let (case, facts) = read_case(&a.case_file, &pack)?;
    let lang = a.lang.or(case.meta.language).unwrap_or(Lang::En);
    let list = build(&pack, &facts, &case.documents, route, a.filing_date);
    let m = Messages::new();
    let report = qonys_i18n::checklist::checklist_report(&pack, &list, &m, lang);
    match a.format {
        ChecklistFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        ChecklistFormat::Text => {
            print!("{}", qonys_i18n::checklist::render_text(&report, &m, lang))
        }
        ChecklistFormat::Html => {
            print!("{}", qonys_i18n::checklist::render_html(&report, &m, lang))
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `qonys check`; exit code 1 when there is an error-level finding.
pub fn check(a: CheckArgs) -> Result<ExitCode> {
    let pack = load_pack(a.pack.as_deref())?;
    let route = a
        .route
        .as_deref()
        .map(|r| route_index(&pack, r))
        .transpose()?;
    let (case, facts) = read_case(&a.case_file, &pack)?;
    let lang = a.lang.or(case.meta.language).unwrap_or(Lang::En);
    let findings = run_check(&pack, &facts, &case.documents, a.filing_date, route);
    let m = Messages::new();
    let report =
        qonys_i18n::check::check_report(&pack, &case.documents, &findings, a.filing_date, &m, lang);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", qonys_i18n::check::render_text(&report, &m, lang));
    }
    Ok(if findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
