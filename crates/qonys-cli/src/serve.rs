//! `qonys serve`: runs the web server (route finder, consultation requests and JSON API) on
//! a local address with the bundled rule pack or the one given with `--pack`, and the case
//! store: an embedded SQLite database in `--data-dir` (default), or PostgreSQL with
//! `--database postgres://…`. The pack is loaded and validated and the database opened and
//! migrated before the server starts, so the server never runs with an invalid pack or an
//! unmigrated database. Stops on Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use qonys_law::Date;
use qonys_store::{SqlStore, StoreOptions};

use crate::pack_files::load_pack;

/// The flags of `qonys serve`.
#[derive(Clone, clap::Args)]
pub struct Options {
    /// The address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Use the rule pack in this folder instead of the bundled one.
    #[arg(long)]
    pub pack: Option<PathBuf>,
    /// Apply the rules in force on this date (YYYY-MM-DD); default: today in Kazakhstan.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Folder for the embedded SQLite database (qonys.db) and document files; created
    /// if missing.
    #[arg(long, default_value = "./data")]
    pub data_dir: PathBuf,
    /// A PostgreSQL URL (postgres://…) to use instead of the embedded SQLite database.
    #[arg(long, env = "QONYS_DATABASE_URL", hide_env_values = true)]
    pub database: Option<String>,
    /// A PostgreSQL schema to keep qonys's tables in (default: the connection's own
    /// `search_path`); lets several installations or test runs share one database.
    #[arg(long, env = "QONYS_DATABASE_SCHEMA", requires = "database")]
    pub database_schema: Option<String>,
    /// Mark cookies `Secure`: set this when the site is reached over HTTPS (directly or
    /// through a TLS-terminating proxy).
    #[arg(long, env = "QONYS_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The key file that encrypts uploaded documents (32 random bytes, raw or as 64 hex
    /// digits). Default: `<data-dir>/document.key`, made (mode 0600) on first start.
    #[arg(long, env = "QONYS_DOCUMENT_KEY_FILE")]
    pub document_key_file: Option<PathBuf>,
    /// An SMTP server (HOST:PORT, plain SMTP) for deadline reminders by e-mail; this
    /// process then sends due reminders (each exactly once across all serve processes).
    /// Without it no reminders are sent.
    #[arg(long, env = "QONYS_SMTP")]
    pub smtp: Option<String>,
    /// The sender address of reminder e-mails.
    #[arg(long, env = "QONYS_MAIL_FROM", default_value = "qonys@localhost")]
    pub mail_from: String,
    /// The site's public address (`https://qonys.example.kz`), used in the links qonys
    /// prints or shows for copying (the first administrator's setup link, invitations).
    /// Default: the address the browser used, or the listening address for the setup link.
    #[arg(long, env = "QONYS_PUBLIC_URL", value_parser = public_url)]
    pub public_url: Option<String>,
    /// Seconds between two rounds of sending due reminders.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub reminder_interval: u64,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The database URL may hold a password: never print it.
        f.debug_struct("Options")
            .field("addr", &self.addr)
            .field("pack", &self.pack)
            .field("as_of", &self.as_of)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database.as_ref().map(|_| "…"))
            .field("document_key_file", &self.document_key_file)
            .field("smtp", &self.smtp)
            .field("public_url", &self.public_url)
            .field("reminder_interval", &self.reminder_interval)
            .finish()
    }
}

/// A public address: `http://` or `https://`, a host, and nothing that needs escaping.
fn public_url(s: &str) -> std::result::Result<String, String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or("give the address with http:// or https://, e.g. https://qonys.example.kz")?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:/[]%".contains(&b))
    {
        return Err(format!(
            "`{s}` is not a web address such as https://qonys.example.kz"
        ));
    }
    Ok(s.trim_end_matches('/').to_string())
}

/// Loads the pack, opens and migrates the store, and serves until Ctrl-C.
pub fn run(o: Options) -> Result<ExitCode> {
    init_logging();
    let pack = load_pack(o.pack.as_deref())?;
    let reminders =
        crate::reminders::Settings::new(o.smtp.as_deref(), &o.mail_from, o.reminder_interval)?;
    let as_of = match o.as_of {
        Some(s) => Some(Date::parse(&s).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?),
        None => None,
    };
    std::fs::create_dir_all(&o.data_dir)
        .with_context(|| format!("cannot create the data folder {}", o.data_dir.display()))?;
    let (options, what) = match &o.database {
        Some(url) => {
            let mut opts = StoreOptions::postgres(url, &o.data_dir.join("documents"));
            opts.pg_schema = o.database_schema.clone();
            (opts, "PostgreSQL".to_string())
        }
        None => (
            StoreOptions::sqlite_in(&o.data_dir),
            format!("SQLite in {}", o.data_dir.join("qonys.db").display()),
        ),
    };
    let document_key = match &o.document_key_file {
        Some(path) => qonys_web::documents::vault::DocumentKey::from_file(path)?,
        None => {
            let path = o.data_dir.join("document.key");
            let (key, created) = qonys_web::documents::vault::DocumentKey::load_or_create(&path)?;
            if created {
                eprintln!(
                    "qonys: made a new document encryption key in {} (keep it safe and back it up: without it the uploaded documents cannot be read)",
                    path.display()
                );
            }
            key
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = SqlStore::open(options)
            .await
            .with_context(|| format!("cannot open the database ({what})"))?;
        eprintln!("qonys: cases stored in {what}");
        let store: Arc<dyn qonys_store::Store> = Arc::new(store);
        crate::reminders::start(reminders, store.clone(), pack.clone(), as_of);
        qonys_web::serve(qonys_web::Config {
            addr: o.addr,
            pack,
            as_of,
            store: Some(store),
            secure_cookies: o.secure_cookies,
            document_key: Some(document_key),
            public_url: o.public_url.clone(),
        })
        .await
        .map_err(anyhow::Error::from)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Logs to standard error: `QONYS_LOG` (e.g. `debug`, `qonys=debug,sqlx=warn`) or `info`.
/// Log lines carry ids, route templates and statuses, never personal data.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("QONYS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(true)
        .try_init();
}
