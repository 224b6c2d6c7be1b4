//! The `qonys` command: a thin layer that reads files and flags, calls the core and prints.
//! All reasoning lives in `qonys-law`; all wording in `qonys-i18n`.

mod batch;
mod commands;
mod documents;
mod interview;
mod ops;
mod pack_files;
mod plan;
mod reminders;
mod serve;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: the server builds and frees many small strings
/// per request (a report is tens of KB of text), where glibc's allocator took about a quarter
/// of the time (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
