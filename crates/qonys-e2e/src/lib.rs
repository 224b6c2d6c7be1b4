//! Support for the browser tests in `tests/`: finding Chromium and chromedriver, starting
//! `qonys serve` on a free loopback port (the binary built by `cargo build -p qonys-cli`,
//! or — when that binary is not there — the same server function in-process), and starting
//! chromedriver on another loopback port.
//!
//! The browser tests need Debian's `chromium` and `chromium-driver`. Without them they print
//! a notice and pass, unless `QONYS_REQUIRE_BROWSER=1` is set, in which case they fail. Only
//! loopback addresses are used; Chromium runs with a fresh profile and with background
//! networking, component updates, sync and QUIC turned off.

pub mod pages;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Chromium flags every test browser gets (plus a fresh `--user-data-dir`).
pub const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The first executable of these names on `PATH`.
pub fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Chromium and chromedriver, when both are installed.
#[derive(Debug, Clone)]
pub struct Browser {
    /// The Chromium executable.
    pub chromium: PathBuf,
    /// The chromedriver executable.
    pub chromedriver: PathBuf,
}

/// Finds the browser; `None` (after printing a notice) when it is missing and not required.
///
/// # Panics
/// When it is missing and `QONYS_REQUIRE_BROWSER=1` is set: the test must fail then.
pub fn browser_or_skip(test: &str) -> Option<Browser> {
    let chromium = find_on_path(&["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_on_path(&["chromedriver"]);
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Some(Browser {
            chromium,
            chromedriver,
        }),
        _ => {
            let required = std::env::var("QONYS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "{test}: chromium and chromedriver are required (QONYS_REQUIRE_BROWSER=1) but \
                 were not found on PATH; install them with `apt-get install -y chromium chromium-driver`"
            );
            eprintln!(
                "NOTICE: {test} skipped: chromium or chromedriver not found on PATH \
                 (apt-get install -y chromium chromium-driver; set QONYS_REQUIRE_BROWSER=1 to make this a failure)"
            );
            None
        }
    }
}

/// A free loopback port (bound and released).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Waits until something accepts connections on `addr`.
pub fn wait_for_port(addr: SocketAddr, timeout: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A child process killed when dropped.
#[derive(Debug)]
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running qonys server.
#[derive(Debug)]
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The `qonys serve` process, when the binary was used.
    pub process: Option<Process>,
}

/// The `qonys` binary next to the test executable's folder (`target/debug/qonys`), if built.
pub fn qonys_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("QONYS_BIN") {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?;
    let p = dir.join(if cfg!(windows) { "qonys.exe" } else { "qonys" });
    p.is_file().then_some(p)
}

/// Starts `qonys serve --addr 127.0.0.1:0 --as-of <as_of> --data-dir <data_dir>` and reads the
/// address it prints;
/// without the binary, runs [`qonys_web::serve_listener`] on a background thread instead.
pub fn start_server(as_of: &str, data_dir: &Path) -> Result<Server, String> {
    if let Some(bin) = qonys_binary() {
        let mut child = Command::new(&bin)
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--as-of",
                as_of,
                "--data-dir",
            ])
            .arg(data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let process = Process(child);
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the server's address: {e}"))?;
        let base = line
            .trim()
            .strip_prefix("qonys listening on ")
            .ok_or_else(|| format!("unexpected first line from qonys serve: {line:?}"))?
            .to_string();
        eprintln!("using {} at {base}", bin.display());
        return Ok(Server {
            base,
            process: Some(process),
        });
    }
    eprintln!(
        "NOTICE: target/debug/qonys not built (cargo build -p qonys-cli); serving in-process with the same server function"
    );
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let pack = qonys_law::bundled::load().map_err(|e| format!("bundled pack: {e:?}"))?;
    let as_of = qonys_law::Date::parse(as_of).map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            if let Ok(l) = tokio::net::TcpListener::from_std(listener) {
                let _ =
                    qonys_web::serve_listener(l, qonys_web::AppState::new(pack, Some(as_of))).await;
            }
        });
    });
    Ok(Server {
        base: format!("http://{addr}"),
        process: None,
    })
}

/// Starts chromedriver on a free loopback port; returns the process and its URL.
pub fn start_chromedriver(chromedriver: &Path) -> Result<(Process, String), String> {
    let port = free_port().map_err(|e| e.to_string())?;
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start chromedriver: {e}"))?;
    let process = Process(child);
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    if !wait_for_port(addr, Duration::from_secs(20)) {
        return Err("chromedriver did not start listening".into());
    }
    Ok((process, format!("http://127.0.0.1:{port}")))
}

/// A `qonys serve` process started with [`start_serve`], with the first-admin setup link it
/// printed.
#[derive(Debug)]
pub struct Serve {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The one-time link for the first administrator (`http://…/setup/TOKEN`), when printed.
    pub setup_link: Option<String>,
    /// The process (killed when dropped).
    pub process: Process,
}

/// Starts `qonys serve --addr 127.0.0.1:0 --as-of <as_of> --data-dir <data_dir> <extra…>`
/// with the built binary and reads its address and the first-administrator setup link from
/// its standard output (which is drained afterwards, so later output never blocks it).
/// Waits at most 60 s for those lines.
pub fn start_serve(
    bin: &Path,
    as_of: &str,
    data_dir: &Path,
    extra: &[String],
) -> Result<Serve, String> {
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--as-of",
            as_of,
            "--data-dir",
        ])
        .arg(data_dir)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut process = Process(child);
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // After the test stops listening, keep reading so the server never blocks.
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut base = None;
    let mut setup_link = None;
    let mut after_notice = false;
    while setup_link.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = match rx.recv_timeout(left) {
            Ok(l) => l,
            Err(_) => {
                if let Ok(Some(status)) = process.0.try_wait() {
                    return Err(format!("qonys serve exited: {status}"));
                }
                if base.is_some() {
                    // Listening, but no setup link (accounts exist already).
                    break;
                }
                return Err("qonys serve printed no address within 60 s".into());
            }
        };
        if let Some(b) = line.trim().strip_prefix("qonys listening on ") {
            base = Some(b.to_string());
        } else if line.starts_with("qonys: no accounts yet") {
            after_notice = true;
        } else if after_notice && line.contains("/setup/") {
            setup_link = Some(line.trim().to_string());
        }
    }
    let base = base.ok_or("qonys serve printed no address")?;
    eprintln!("using {} at {base}", bin.display());
    Ok(Serve {
        base,
        setup_link,
        process,
    })
}

/// The PostgreSQL URL for tests (`QONYS_TEST_POSTGRES_URL`, default
/// `postgres://postgres@127.0.0.1:5432/test`) when its host accepts connections; `None`
/// (after a notice) when it does not and `QONYS_REQUIRE_POSTGRES=1` is not set.
///
/// # Panics
/// When it is unreachable and `QONYS_REQUIRE_POSTGRES=1` is set.
pub fn postgres_or_skip(test: &str) -> Option<String> {
    let url = std::env::var("QONYS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let host_port = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    let reachable = std::net::ToSocketAddrs::to_socket_addrs(&host_port)
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|a| TcpStream::connect_timeout(&a, Duration::from_secs(3)).is_ok());
    if reachable {
        return Some(url);
    }
    let required = std::env::var("QONYS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: PostgreSQL is required (QONYS_REQUIRE_POSTGRES=1) but {host_port} is unreachable"
    );
    eprintln!(
        "NOTICE: {test} skipped: PostgreSQL at {host_port} unreachable (set QONYS_TEST_POSTGRES_URL; \
         QONYS_REQUIRE_POSTGRES=1 makes this a failure)"
    );
    None
}

/// Drops the PostgreSQL schema `schema` (with everything in it) with `psql`; a notice when
/// that fails.
pub fn drop_pg_schema(url: &str, schema: &str) {
    assert!(
        schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "unexpected schema name {schema}"
    );
    let out = Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    match out {
        Ok(o) if o.status.success() => eprintln!("dropped PostgreSQL schema {schema}"),
        Ok(o) => eprintln!(
            "NOTICE: could not drop PostgreSQL schema {schema}: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => eprintln!("NOTICE: could not drop PostgreSQL schema {schema} (psql: {e})"),
    }
}
