//! `qonys-load`: bounded loopback load tests of `qonys serve` (issue 7, item 4).
//!
//! It starts the server itself (`qonys serve --addr 127.0.0.1:0 --data-dir <temp>`, the
//! binary given with `--qonys`, default `target/release/qonys`) or uses `--url`, then:
//! - **start-up**: spawn → first `200` on `GET /`, several runs on a fresh data folder (the
//!   database is created and migrated) and on an existing one, and the resident memory
//!   (`VmRSS` of `/proc/PID/status`) once the server is idle after start;
//! - **closed loop**: `POST /api/v1/assess` with an example case as JSON, N keep-alive
//!   connections each sending its next request as soon as the previous one is answered, for
//!   a bounded time and request count: the maximum throughput;
//! - **open loop**: the same request at a fixed rate (default 1,000 per second), each request
//!   timed from the moment it was *scheduled* to be sent (so a stalled server is not hidden
//!   by the client waiting for it): p50 / p99 / max latency;
//! - **case pages** (`--cases N`): see the `cases` module.
//!
//! Every phase stops by itself (duration and request-count bounds); the server it started
//! is killed at the end and its temporary data folder removed. Loopback only.

#[path = "../http.rs"]
mod http;

#[path = "load/cases.rs"]
mod cases;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;

use crate::http::Conn;

/// Loopback load tests of `qonys serve`.
#[derive(Debug, Parser)]
#[command(name = "qonys-load", version, about)]
struct Args {
    /// The `qonys` binary to start (a release build).
    #[arg(long, default_value = "target/release/qonys")]
    qonys: PathBuf,
    /// Use a running server at this address (`http://127.0.0.1:PORT`) instead of starting one
    /// (start-up and memory are then not measured).
    #[arg(long)]
    url: Option<String>,
    /// The case sent to the assessment API (a TOML or JSON case file).
    #[arg(long, default_value = "examples/german-engineer-job-offer.toml")]
    case: PathBuf,
    /// The `as_of` date of the assessment requests.
    #[arg(long, default_value = "2026-09-01")]
    as_of: String,
    /// Connections of the closed-loop test.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Seconds of each throughput / latency phase.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// At most this many requests in the closed-loop phase.
    #[arg(long, default_value_t = 500_000)]
    max_requests: u64,
    /// Requests per second of the open-loop phase.
    #[arg(long, default_value_t = 1000.0)]
    rate: f64,
    /// Connections of the open-loop phase (each sends its share of the schedule).
    #[arg(long, default_value_t = 8)]
    open_connections: usize,
    /// Start-up runs (each on a fresh data folder, then as many on an existing one).
    #[arg(long, default_value_t = 5)]
    startup_runs: usize,
    /// Phases to run, comma-separated: startup, closed, open, cases.
    #[arg(long, default_value = "startup,closed,open")]
    phases: String,
    /// Cases seeded for the `cases` phase (comma-separated sizes, e.g. 10000,100000).
    #[arg(long, default_value = "10000,100000")]
    cases: String,
    /// Also run the `cases` phase on PostgreSQL at this URL (a fresh schema, dropped after).
    #[arg(long)]
    postgres: Option<String>,
    /// Requests per page kind in the `cases` phase (sequential, one connection).
    #[arg(long, default_value_t = 300)]
    page_requests: usize,
}

/// A server started by this program (killed on drop, its data folder removed).
pub struct Server {
    child: Child,
    addr: String,
    data_dir: PathBuf,
    remove_dir: bool,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.remove_dir {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

impl Server {
    /// The `host:port` the server listens on.
    pub fn addr(&self) -> &str {
        &self.addr
    }
}

/// A fresh temporary folder.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let d = std::env::temp_dir().join(format!(
        "qonys-load-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Starts `qonys serve` with extra arguments; returns once it printed its address.
pub fn start(qonys: &Path, data_dir: &Path, extra: &[String], remove_dir: bool) -> Result<Server> {
    let mut child = Command::new(qonys)
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {}", qonys.display()))?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut line = String::new();
    let mut out = BufReader::new(stdout);
    out.read_line(&mut line)?;
    // The server prints more (the first-admin setup link): keep reading, or it would write
    // into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let Some(addr) = line.trim().strip_prefix("qonys listening on http://") else {
        let _ = child.kill();
        bail!("qonys serve did not start: first line {line:?}");
    };
    Ok(Server {
        addr: addr.to_string(),
        child,
        data_dir: data_dir.to_path_buf(),
        remove_dir,
    })
}

/// Sorted latencies in microseconds → (p50, p99, max) in milliseconds.
pub fn percentiles(lat: &mut [u64]) -> (f64, f64, f64) {
    if lat.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    lat.sort_unstable();
    let at = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)] as f64 / 1000.0;
    (at(0.50), at(0.99), lat[lat.len() - 1] as f64 / 1000.0)
}

fn rss_kib(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn startup(args: &Args) -> Result<()> {
    println!("== start-up to first served request (spawn → first 200 on GET /)");
    let mut fresh = Vec::new();
    let mut again = Vec::new();
    let mut rss = Vec::new();
    let reuse = temp_dir("startup");
    for run in 0..args.startup_runs {
        for (existing, out) in [(false, &mut fresh), (true, &mut again)] {
            let dir = if existing {
                reuse.clone()
            } else {
                temp_dir("fresh")
            };
            let t = Instant::now();
            let server = start(&args.qonys, &dir, &[], !existing)?;
            let mut c = Conn::open(server.addr())?;
            let r = c.request("GET", "/", "", b"")?;
            if r.status != 200 {
                bail!("GET / answered {}", r.status);
            }
            out.push(t.elapsed().as_secs_f64() * 1000.0);
            if existing && run == 0 {
                // Idle memory: after one page, with nothing else happening.
                drop(c);
                std::thread::sleep(Duration::from_millis(1500));
                let pid = server.child.id();
                rss.push((rss_kib(pid, "VmRSS:"), rss_kib(pid, "VmHWM:")));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&reuse);
    let show = |name: &str, v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        println!(
            "  {name}: median {:.1} ms, min {:.1}, max {:.1} over {} runs",
            v[v.len() / 2],
            v[0],
            v[v.len() - 1],
            v.len()
        );
    };
    show("fresh data folder (database created)", &mut fresh);
    show("existing data folder", &mut again);
    for (r, h) in rss {
        println!(
            "  idle resident memory after start: VmRSS {:.1} MB (peak VmHWM {:.1} MB)",
            r.unwrap_or(0) as f64 / 1024.0,
            h.unwrap_or(0) as f64 / 1024.0
        );
    }
    Ok(())
}

fn assess_body(args: &Args) -> Result<Vec<u8>> {
    let text = std::fs::read_to_string(&args.case)
        .with_context(|| format!("cannot read {}", args.case.display()))?;
    let case = if args.case.extension().is_some_and(|e| e == "json") {
        qonys_law::CaseFile::parse_json(&text)
    } else {
        qonys_law::CaseFile::parse_toml(&text)
    }
    .map_err(|e| anyhow::anyhow!("{}: {e}", args.case.display()))?;
    let facts: serde_json::Map<String, serde_json::Value> = case
        .facts
        .iter()
        .map(|(k, v)| (k.clone(), v.to_json()))
        .collect();
    Ok(serde_json::json!({ "facts": facts })
        .to_string()
        .into_bytes())
}

const JSON: &str = "Content-Type: application/json\r\n";

fn closed_loop(addr: &str, path: &str, body: &[u8], args: &Args) -> Result<()> {
    println!(
        "== closed loop: POST {path}, {} connections, ≤ {:.0} s, ≤ {} requests",
        args.connections, args.duration, args.max_requests
    );
    let sent = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(args.duration);
    let started = Instant::now();
    let handles: Vec<_> = (0..args.connections)
        .map(|_| {
            let (addr, path, body, sent) = (
                addr.to_string(),
                path.to_string(),
                body.to_vec(),
                sent.clone(),
            );
            let max = args.max_requests;
            std::thread::spawn(move || -> Result<(Vec<u64>, u64)> {
                let mut c = Conn::open(&addr)?;
                let mut lat = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline && sent.fetch_add(1, Ordering::Relaxed) < max {
                    let t = Instant::now();
                    let r = c.request("POST", &path, JSON, &body)?;
                    if r.status != 200 {
                        errors += 1;
                    }
                    lat.push(t.elapsed().as_micros() as u64);
                }
                Ok((lat, errors))
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h
            .join()
            .map_err(|_| anyhow::anyhow!("a worker panicked"))??;
        all.extend(l);
        errors += e;
    }
    let secs = started.elapsed().as_secs_f64();
    let n = all.len();
    let (p50, p99, max) = percentiles(&mut all);
    println!(
        "  {n} requests in {secs:.2} s: {:.0} requests/s; latency p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms; non-200: {errors}",
        n as f64 / secs
    );
    Ok(())
}

fn open_loop(addr: &str, path: &str, body: &[u8], args: &Args) -> Result<()> {
    let total = (args.rate * args.duration).round() as u64;
    let k = args.open_connections.max(1) as u64;
    println!(
        "== open loop: POST {path} at {:.0} requests/s for {:.0} s ({total} requests, {k} connections; latency from the scheduled send time)",
        args.rate, args.duration
    );
    let t0 = Instant::now() + Duration::from_millis(100);
    let interval = 1.0 / args.rate;
    let handles: Vec<_> = (0..k)
        .map(|w| {
            let (addr, path, body) = (addr.to_string(), path.to_string(), body.to_vec());
            std::thread::spawn(move || -> Result<(Vec<u64>, u64, u64)> {
                let mut c = Conn::open(&addr)?;
                let mut lat = Vec::new();
                let (mut errors, mut late) = (0, 0);
                let mut i = w;
                while i < total {
                    let due = t0 + Duration::from_secs_f64(i as f64 * interval);
                    let now = Instant::now();
                    if due > now {
                        std::thread::sleep(due - now);
                    } else if now - due > Duration::from_millis(1) {
                        late += 1;
                    }
                    let r = c.request("POST", &path, JSON, &body)?;
                    if r.status != 200 {
                        errors += 1;
                    }
                    lat.push(due.elapsed().as_micros() as u64);
                    i += k;
                }
                Ok((lat, errors, late))
            })
        })
        .collect();
    let mut all = Vec::new();
    let (mut errors, mut late) = (0, 0);
    for h in handles {
        let (l, e, lt) = h
            .join()
            .map_err(|_| anyhow::anyhow!("a worker panicked"))??;
        all.extend(l);
        errors += e;
        late += lt;
    }
    let secs = t0.elapsed().as_secs_f64();
    let n = all.len();
    let (p50, p99, max) = percentiles(&mut all);
    println!(
        "  {n} requests in {secs:.2} s ({:.0}/s achieved): latency p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms; sent > 1 ms late: {late}; non-200: {errors}",
        n as f64 / secs
    );
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    let phases: Vec<&str> = args.phases.split(',').map(str::trim).collect();
    println!(
        "qonys-load: {} cores; load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    if args.url.is_none() && phases.contains(&"startup") {
        startup(&args)?;
    }
    if phases.contains(&"closed") || phases.contains(&"open") {
        let body = assess_body(&args)?;
        let path = format!("/api/v1/assess?lang=en&as_of={}", args.as_of);
        let server;
        let addr = match &args.url {
            Some(u) => u
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string(),
            None => {
                server = start(&args.qonys, &temp_dir("api"), &[], true)?;
                server.addr().to_string()
            }
        };
        // Warm-up, and a check that the request is answered.
        let mut c = Conn::open(&addr)?;
        for _ in 0..200 {
            let r = c.request("POST", &path, JSON, &body)?;
            if r.status != 200 {
                bail!(
                    "POST {path} answered {}: {}",
                    r.status,
                    String::from_utf8_lossy(r.body)
                );
            }
        }
        drop(c);
        if phases.contains(&"closed") {
            closed_loop(&addr, &path, &body, &args)?;
        }
        if phases.contains(&"open") {
            open_loop(&addr, &path, &body, &args)?;
        }
    }
    if phases.contains(&"cases") {
        let sizes: Vec<usize> = args
            .cases
            .split(',')
            .map(|s| s.trim().parse())
            .collect::<Result<_, _>>()
            .context("--cases: comma-separated numbers")?;
        cases::run(
            &args.qonys,
            &sizes,
            args.postgres.as_deref(),
            args.page_requests,
        )?;
    }
    Ok(())
}
