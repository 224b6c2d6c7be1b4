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
#[derive(Clone)]
pub struct Options {
    /// The address to listen on.
    pub addr: SocketAddr,
    /// A rule-pack folder instead of the bundled pack.
    pub pack: Option<PathBuf>,
    /// A fixed as-of date, as typed.
    pub as_of: Option<String>,
    /// The data folder (SQLite database and document files).
    pub data_dir: PathBuf,
    /// A PostgreSQL URL instead of the embedded database.
    pub database: Option<String>,
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
            .finish()
    }
}

/// Loads the pack, opens and migrates the store, and serves until Ctrl-C.
pub fn run(o: Options) -> Result<ExitCode> {
    let pack = load_pack(o.pack.as_deref())?;
    let as_of = match o.as_of {
        Some(s) => Some(Date::parse(&s).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?),
        None => None,
    };
    std::fs::create_dir_all(&o.data_dir)
        .with_context(|| format!("cannot create the data folder {}", o.data_dir.display()))?;
    let (options, what) = match &o.database {
        Some(url) => (
            StoreOptions::postgres(url, &o.data_dir.join("documents")),
            "PostgreSQL".to_string(),
        ),
        None => (
            StoreOptions::sqlite_in(&o.data_dir),
            format!("SQLite in {}", o.data_dir.join("qonys.db").display()),
        ),
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
        qonys_web::serve(qonys_web::Config {
            addr: o.addr,
            pack,
            as_of,
            store: Some(Arc::new(store)),
        })
        .await
        .map_err(anyhow::Error::from)
    })?;
    Ok(ExitCode::SUCCESS)
}
