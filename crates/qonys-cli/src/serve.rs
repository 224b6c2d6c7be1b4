//! `qonys serve`: runs the web server (route finder and JSON API) on a local address with the
//! bundled rule pack or the one given with `--pack`. The pack is loaded and validated before
//! the server starts, so the server never runs with an invalid pack. Stops on Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use qonys_law::Date;

use crate::pack_files::load_pack;

/// The flags of `qonys serve`.
#[derive(Debug, Clone)]
pub struct Options {
    /// The address to listen on.
    pub addr: SocketAddr,
    /// A rule-pack folder instead of the bundled pack.
    pub pack: Option<PathBuf>,
    /// A fixed as-of date, as typed.
    pub as_of: Option<String>,
}

/// Loads the pack and serves until Ctrl-C.
pub fn run(o: Options) -> Result<ExitCode> {
    let pack = load_pack(o.pack.as_deref())?;
    let as_of = match o.as_of {
        Some(s) => Some(Date::parse(&s).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(qonys_web::serve(qonys_web::Config {
        addr: o.addr,
        pack,
        as_of,
    }))?;
    Ok(ExitCode::SUCCESS)
}
