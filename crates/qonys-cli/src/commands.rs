//! Command-line flags (each defined once, with its help) and what each command does.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use qonys_i18n::Messages;
use qonys_i18n::report::{AssessmentReport, assessment_report, render_text};
use qonys_law::{CaseFile, Date, Lang};

use crate::pack_files::load_pack;

/// qonys — which legal route to residence in Kazakhstan fits, and why.
#[derive(Debug, Parser)]
#[command(name = "qonys", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    Ru,
    Kk,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Ru => Lang::Ru,
            LangArg::Kk => Lang::Kk,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess every residence route for the person described in a case file.
    Assess {
        /// The case file (TOML or JSON; see docs/RULEPACK.md and examples/).
        case_file: PathBuf,
        /// Apply the rules in force on this date (YYYY-MM-DD); default: today in Kazakhstan.
        #[arg(long)]
        as_of: Option<String>,
        /// Language of the explanations (default: the case file's, else English).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Use the rule pack in this folder instead of the bundled one.
        #[arg(long)]
        pack: Option<PathBuf>,
    },
    /// A guided interview that asks only what decides the routes, then assesses them.
    Interview {
        /// Language of the questions (default: the resumed case's, else English).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Go on from this case file (and save into it unless --out is given).
        #[arg(long)]
        resume: Option<PathBuf>,
        /// Save the answers to this case file after every answer (`qonys assess` reads it).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Apply the rules in force on this date (YYYY-MM-DD); default: today in Kazakhstan.
        #[arg(long)]
        as_of: Option<String>,
        /// Use the rule pack in this folder instead of the bundled one.
        #[arg(long)]
        pack: Option<PathBuf>,
    },
    /// Run the web server: the public route finder and the JSON API.
    Serve(crate::serve::Options),
    /// The documents a route needs for the person in a case file: why, who provides them,
    /// the apostille / legalisation / translation each needs, and how fresh they must be.
    Checklist {
        /// The case file (TOML or JSON, with its `[[document]]` entries if any).
        case_file: PathBuf,
        /// The route (`permanent_residence`, `work`, …; see `qonys rules list`).
        #[arg(long)]
        route: String,
        /// The day the application will be filed (YYYY-MM-DD); default: today in Kazakhstan.
        #[arg(long)]
        filing_date: Option<String>,
        /// Language (default: the case file's, else English).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Output format (`html` is a printable page).
        #[arg(long, value_enum, default_value = "text")]
        format: crate::documents::ChecklistFormat,
        /// Use the rule pack in this folder instead of the bundled one.
        #[arg(long)]
        pack: Option<PathBuf>,
    },
    /// Check a case file's documents against each other: names across scripts, MRZ, dates,
    /// validity windows and formalities. Exit code 1 when there are errors.
    Check {
        /// The case file (TOML or JSON) with `[[document]]` entries.
        case_file: PathBuf,
        /// The day the application will be filed (YYYY-MM-DD); default: today in Kazakhstan.
        #[arg(long)]
        filing_date: Option<String>,
        /// Take validity windows from this route only (default: every route whose
        /// requirement applies; stale documents are then warnings).
        #[arg(long)]
        route: Option<String>,
        /// Language (default: the case file's, else English).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Use the rule pack in this folder instead of the bundled one.
        #[arg(long)]
        pack: Option<PathBuf>,
    },
    /// The continuity plan of a case file with history: deadlines (overdue, due soon, later)
    /// with how each was computed, warnings when a ground ended, and the path to permanent
    /// residence and citizenship.
    Plan {
        /// The case file (TOML or JSON, with its `[[status]]` and `[[event]]` history).
        case_file: PathBuf,
        /// Plan as of this date (YYYY-MM-DD); default: today in Kazakhstan.
        #[arg(long)]
        as_of: Option<String>,
        /// Language (default: the case file's, else English).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Output format (`ics` writes an iCalendar file for calendar apps).
        #[arg(long, value_enum, default_value = "text")]
        format: crate::plan::PlanFormat,
        /// Use the rule pack in this folder instead of the bundled one.
        #[arg(long)]
        pack: Option<PathBuf>,
    },
    /// What-if over many profiles (CSV or JSON Lines): how many fit each route, and with
    /// --compare-as-of / --compare-pack which profiles change verdict and which clauses flip.
    Batch(crate::batch::BatchArgs),
    /// Check the hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: crate::ops::AuditCommand,
    },
    /// Back up the database and document files into a new folder, while the server runs.
    Backup(crate::ops::BackupArgs),
    /// Restore a backup folder into an empty data folder or PostgreSQL schema.
    Restore(crate::ops::RestoreArgs),
    /// Work with rule packs.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// Validate a rule pack: syntax, names, types, citations, translations, dated values.
    Check {
        /// The pack folder (default: the bundled pack).
        #[arg(long)]
        pack: Option<PathBuf>,
    },
    /// List the routes with their clauses and citations.
    List {
        /// The pack folder (default: the bundled pack).
        #[arg(long)]
        pack: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Language.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
    },
    /// Run the pack's scenario tests.
    Test {
        /// The pack folder (default: the bundled pack).
        #[arg(long)]
        pack: Option<PathBuf>,
    },
    /// Write the JSON Schemas (rule-pack files, assessment report) into a folder.
    Schema {
        /// Target folder.
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
    },
}

/// Today in Kazakhstan (UTC+5, the single national time zone since 1 March 2024).
fn today_in_kazakhstan() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_day_number(((secs + 5 * 3600).div_euclid(86_400)) as i32)
}

fn parse_date(s: &str, flag: &str) -> Result<Date> {
    Date::parse(s).map_err(|e| anyhow::anyhow!("{flag}: {e}"))
}

/// Runs a command; returns the process exit code.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Assess {
            case_file,
            as_of,
            lang,
            format,
            pack,
        } => {
            let pack = load_pack(pack.as_deref())?;
            let text = std::fs::read_to_string(&case_file)
                .with_context(|| format!("cannot read the case file {}", case_file.display()))?;
            let case = CaseFile::parse(&text)
                .map_err(|e| anyhow::anyhow!("{}:\n{e}", case_file.display()))?;
            let facts = case
                .bind(&pack)
                .map_err(|e| anyhow::anyhow!("{}:\n{e}", case_file.display()))?;
            let as_of = match as_of {
                Some(s) => parse_date(&s, "--as-of")?,
                None => today_in_kazakhstan(),
            };
            let lang = lang
                .map(Lang::from)
                .or(case.meta.language)
                .unwrap_or(Lang::En);
            let a = qonys_law::assess(&pack, &facts, as_of);
            let m = Messages::new();
            let report = assessment_report(&pack, &a, &m, lang);
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
                Format::Text => print!("{}", render_text(&report, &m, lang, &pack)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Interview {
            lang,
            resume,
            out,
            as_of,
            pack,
        } => crate::interview::run(crate::interview::Options {
            lang: lang.map(Lang::from),
            resume,
            out,
            as_of,
            pack,
        }),
        Command::Serve(options) => crate::serve::run(options),
        Command::Checklist {
            case_file,
            route,
            filing_date,
            lang,
            format,
            pack,
        } => crate::documents::checklist(crate::documents::ChecklistArgs {
            case_file,
            route,
            filing_date: filing_date
                .map(|s| parse_date(&s, "--filing-date"))
                .transpose()?
                .unwrap_or_else(today_in_kazakhstan),
            lang: lang.map(Lang::from),
            format,
            pack,
        }),
        Command::Check {
            case_file,
            filing_date,
            route,
            lang,
            format,
            pack,
        } => crate::documents::check(crate::documents::CheckArgs {
            case_file,
            filing_date: filing_date
                .map(|s| parse_date(&s, "--filing-date"))
                .transpose()?
                .unwrap_or_else(today_in_kazakhstan),
            route,
            lang: lang.map(Lang::from),
            json: matches!(format, Format::Json),
            pack,
        }),
        Command::Plan {
            case_file,
            as_of,
            lang,
            format,
            pack,
        } => crate::plan::run(crate::plan::Options {
            case_file,
            as_of: match as_of {
                Some(s) => parse_date(&s, "--as-of")?,
                None => today_in_kazakhstan(),
            },
            lang: lang.map(Lang::from),
            format,
            pack,
        }),
        Command::Batch(args) => crate::batch::run(args),
        Command::Rules { command } => rules(command),
        Command::Audit { command } => crate::ops::audit(command),
        Command::Backup(args) => crate::ops::backup(args),
        Command::Restore(args) => crate::ops::restore(args),
    }
}

fn rules(command: RulesCommand) -> Result<ExitCode> {
    match command {
        RulesCommand::Check { pack } => {
            let p = load_pack(pack.as_deref())?;
            let clauses: usize = p.routes.iter().map(|r| r.clauses.len()).sum();
            let exceptions: usize = p
                .routes
                .iter()
                .flat_map(|r| &r.clauses)
                .map(|c| c.exceptions.len())
                .sum();
            let uncertain = p
                .routes
                .iter()
                .flat_map(|r| &r.clauses)
                .filter(|c| c.provenance.is_uncertain())
                .count();
            let values: usize = p.params.iter().map(|x| x.rows.len()).sum();
            println!(
                "rule pack {} {} is valid: {} facts, {} derived, {} parameters ({} dated values), {} routes, {} clauses ({} uncertain), {} exceptions, {} case warnings, {} countries, {} scenarios",
                p.meta.id,
                p.meta.version,
                p.facts.len(),
                p.derived.len(),
                p.params.len(),
                values,
                p.routes.len(),
                clauses,
                uncertain,
                exceptions,
                p.warnings.len(),
                p.countries.len(),
                p.scenarios.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::List { pack, format, lang } => {
            let p = load_pack(pack.as_deref())?;
            let lang = Lang::from(lang);
            let list = rule_list(&p, lang);
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&list)?),
                Format::Text => {
                    for r in &list {
                        println!(
                            "{} — {} [{}]",
                            r["id"].as_str().unwrap_or(""),
                            r["name"].as_str().unwrap_or(""),
                            r["kind"].as_str().unwrap_or("")
                        );
                        for c in r["clauses"].as_array().into_iter().flatten() {
                            let cites: Vec<String> = c["citations"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|x| {
                                    format!(
                                        "{} ({})",
                                        x["label"].as_str().unwrap_or(""),
                                        x["tier"].as_str().unwrap_or("")
                                    )
                                })
                                .collect();
                            let flag = if c["confidence"] == "uncertain" {
                                " [to confirm]"
                            } else {
                                ""
                            };
                            println!(
                                "  {} ({}){flag}: {}",
                                c["id"].as_str().unwrap_or(""),
                                c["kind"].as_str().unwrap_or(""),
                                c["text"].as_str().unwrap_or("")
                            );
                            println!("      {}", cites.join("; "));
                        }
                        println!();
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Test { pack } => {
            let p = load_pack(pack.as_deref())?;
            let results = qonys_law::scenario::run_all(&p);
            let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
            for r in &failed {
                println!("FAIL {} ({})", r.id, r.loc);
                for f in &r.failures {
                    println!("     {f}");
                }
            }
            println!(
                "{} passed, {} failed",
                results.len() - failed.len(),
                failed.len()
            );
            Ok(if failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        RulesCommand::Schema { out } => {
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            for (name, schema) in schemas() {
                let path = out.join(name);
                std::fs::write(&path, schema)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The JSON Schemas qonys publishes, as `(file name, text)`.
pub fn schemas() -> Vec<(&'static str, String)> {
    use qonys_law::pack::source::*;
    // Keys are sorted recursively so that the files are byte-identical whichever features
    // the build unified (`serde_json/preserve_order` changes map order in workspace builds).
    fn sorted(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(
                    entries.into_iter().map(|(k, v)| (k, sorted(v))).collect(),
                )
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(sorted).collect())
            }
            other => other,
        }
    }
    let s = |v: schemars::Schema| {
        serde_json::to_string_pretty(&sorted(v.to_value())).unwrap_or_default() + "\n"
    };
    vec![
        (
            "rulepack-pack.schema.json",
            s(schemars::schema_for!(PackFile)),
        ),
        (
            "rulepack-facts.schema.json",
            s(schemars::schema_for!(FactsFile)),
        ),
        (
            "rulepack-parameters.schema.json",
            s(schemars::schema_for!(ParametersFile)),
        ),
        (
            "rulepack-derived.schema.json",
            s(schemars::schema_for!(DerivedFile)),
        ),
        (
            "rulepack-route.schema.json",
            s(schemars::schema_for!(RouteFile)),
        ),
        (
            "rulepack-warnings.schema.json",
            s(schemars::schema_for!(WarningsFile)),
        ),
        (
            "rulepack-countries.schema.json",
            s(schemars::schema_for!(CountriesFile)),
        ),
        (
            "rulepack-scenarios.schema.json",
            s(schemars::schema_for!(ScenarioFile)),
        ),
        (
            "rulepack-documents.schema.json",
            s(schemars::schema_for!(DocumentsFile)),
        ),
        (
            "rulepack-apostille.schema.json",
            s(schemars::schema_for!(ApostilleFile)),
        ),
        (
            "rulepack-legal-assistance.schema.json",
            s(schemars::schema_for!(LegalAssistanceFile)),
        ),
        (
            "rulepack-calendar.schema.json",
            s(schemars::schema_for!(CalendarFile)),
        ),
        (
            "rulepack-deadlines.schema.json",
            s(schemars::schema_for!(DeadlinesFile)),
        ),
        (
            "assessment.schema.json",
            s(schemars::schema_for!(AssessmentReport)),
        ),
    ]
}

fn rule_list(p: &qonys_law::Pack, lang: Lang) -> Vec<serde_json::Value> {
    use serde_json::json;
    let cites = |pv: &qonys_law::pack::Provenance| -> Vec<serde_json::Value> {
        pv.cites
            .iter()
            .map(|c| {
                let act = c.act.and_then(|a| p.act(a));
                let label = match (act, &c.article) {
                    (Some(a), Some(ar)) => format!("{} {}, {ar}", a.title.get(lang), a.reference),
                    (Some(a), None) => format!("{} {}", a.title.get(lang), a.reference),
                    (None, _) => c.url.clone(),
                };
                json!({"label": label, "article": c.article, "url": c.url, "tier": format!("{:?}", c.tier)})
            })
            .collect()
    };
    let conf = |pv: &qonys_law::pack::Provenance| {
        if pv.is_uncertain() {
            "uncertain"
        } else {
            "confirmed"
        }
    };
    p.routes
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name.get(lang),
                "kind": r.kind,
                "effective": {"from": r.effective.from.map(|d| d.to_string()), "until": r.effective.until.map(|d| d.to_string())},
                "confidence": conf(&r.provenance),
                "citations": cites(&r.provenance),
                "clauses": r.clauses.iter().map(|c| json!({
                    "id": c.id,
                    "kind": c.kind,
                    "text": c.text.get(lang),
                    "confidence": conf(&c.provenance),
                    "reviewed": c.provenance.reviewed.to_string(),
                    "effective": {"from": c.effective.from.map(|d| d.to_string()), "until": c.effective.until.map(|d| d.to_string())},
                    "citations": cites(&c.provenance),
                    "exceptions": c.exceptions.iter().map(|e| json!({
                        "id": e.id, "text": e.text.get(lang), "confidence": conf(&e.provenance), "citations": cites(&e.provenance)
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}
