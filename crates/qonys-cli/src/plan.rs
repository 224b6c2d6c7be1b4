//! `qonys plan CASE_FILE`: the continuity plan of a case — deadlines (overdue, due soon,
//! later) with how each was computed, urgent warnings when the ground of the status ended,
//! and the paths to permanent residence and citizenship — as text, JSON or an iCalendar file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::ValueEnum;
use qonys_i18n::Messages;
use qonys_i18n::plan::{plan_calendar, plan_report, render_plan_text};
use qonys_law::{CaseFile, Date, Lang};
use qonys_time::{UtcTimestamp, write_calendar};

use crate::pack_files::load_pack;

/// Output format of `qonys plan`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PlanFormat {
    /// A readable timeline.
    Text,
    /// The plan report as JSON.
    Json,
    /// An iCalendar (RFC 5545) file for calendar apps.
    Ics,
}

/// The command's inputs.
pub struct Options {
    /// The case file.
    pub case_file: PathBuf,
    /// The as-of date.
    pub as_of: Date,
    /// Language (else the case file's, else English).
    pub lang: Option<Lang>,
    /// Output format.
    pub format: PlanFormat,
    /// Another rule pack.
    pub pack: Option<PathBuf>,
}

/// Runs `qonys plan`.
pub fn run(o: Options) -> Result<ExitCode> {
    let pack = load_pack(o.pack.as_deref())?;
    let text = std::fs::read_to_string(&o.case_file)
        .with_context(|| format!("cannot read the case file {}", o.case_file.display()))?;
    let case =
        CaseFile::parse(&text).map_err(|e| anyhow::anyhow!("{}:\n{e}", o.case_file.display()))?;
    let facts = case
        .bind(&pack)
        .map_err(|e| anyhow::anyhow!("{}:\n{e}", o.case_file.display()))?;
    let lang = o.lang.or(case.meta.language).unwrap_or(Lang::En);
    let plan = qonys_law::continuity::plan(&pack, &facts, &case.history, o.as_of);
    let m = Messages::new();
    let report = plan_report(&pack, &case.history, &plan, &m, lang);
    match o.format {
        PlanFormat::Text => print!("{}", render_plan_text(&report, &m, lang)),
        PlanFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        PlanFormat::Ics => {
            // DTSTAMP is the as-of date at midnight UTC, so the file is a pure function of
            // the case and the date.
            let ics = write_calendar(
                &plan_calendar(&report, &m, lang),
                UtcTimestamp::midnight(o.as_of),
            )?;
            print!("{ics}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
