//! Deadline reminders in `qonys serve`: with `--smtp HOST:PORT` the server process runs the
//! reminder worker (`qonys_notify::run`) under a worker id unique to this process, and first
//! schedules, in the background, the cases that have an adviser or applicant but no pending
//! reminder. Without `--smtp` nothing is sent and serve says so once.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use qonys_law::{Date, Pack};
use qonys_notify::{Mailer, MailerConfig};
use qonys_store::{Actor, Store};

/// The reminder flags of `qonys serve`, checked before the server starts.
pub struct Settings {
    /// The mailer, when `--smtp` was given.
    pub mailer: Option<Mailer>,
    /// Seconds between the worker's rounds.
    pub interval: Duration,
}

impl Settings {
    /// Checks `--smtp`, `--mail-from` and `--reminder-interval`.
    pub fn new(smtp: Option<&str>, from: &str, interval_secs: u64) -> Result<Settings> {
        let mailer = match smtp {
            Some(s) => {
                let config = MailerConfig::parse(s, from).context("--smtp")?;
                Some(Mailer::new(&config).context("--mail-from")?)
            }
            None => None,
        };
        Ok(Settings {
            mailer,
            interval: Duration::from_secs(interval_secs.max(1)),
        })
    }
}

/// Starts the worker (and the start-up scheduling pass) on the current runtime, or says once
/// on stderr that no reminders are sent.
pub fn start(settings: Settings, store: Arc<dyn Store>, pack: Pack, as_of: Option<Date>) {
    let Some(mailer) = settings.mailer else {
        eprintln!("qonys: deadline reminders are not sent by e-mail (no --smtp HOST:PORT given)");
        return;
    };
    let worker = qonys_notify::worker_id();
    eprintln!(
        "qonys: deadline reminders by e-mail through {} (worker {worker})",
        mailer.server()
    );
    let pack = Arc::new(pack);
    {
        let (store, pack) = (store.clone(), pack.clone());
        tokio::spawn(async move {
            let as_of = as_of.unwrap_or_else(qonys_web::today_in_kazakhstan);
            let actor = Actor::system("scheduler");
            match qonys_notify::schedule_missing(store.as_ref(), &actor, &pack, as_of).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(cases = n, "scheduled deadline reminders at start"),
                Err(e) => tracing::warn!(error = %e, "scheduling reminders at start failed"),
            }
        });
    }
    tokio::spawn(qonys_notify::run(
        store,
        Arc::new(mailer),
        Arc::new(qonys_i18n::Messages::new()),
        pack,
        worker,
        settings.interval,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    ));
}
