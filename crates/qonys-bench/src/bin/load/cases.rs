//! The `cases` phase of `qonys-load`: the adviser's case list and case page with many cases,
//! on SQLite and (with `--postgres URL`) on PostgreSQL.
//!
//! For each size N it seeds N cases straight through `qonys_store::SqlStore` (concurrent
//! `create_case` calls, the same code path as the site, audit chain included), creates an
//! adviser with an Argon2 password hash and a session, then:
//! - times the store queries behind the pages (`list_cases` first page, a title search, a
//!   deep page, `case(id)`), sequentially: p50 / p99 / max;
//! - starts `qonys serve` on the same database and times `GET /cases`, `GET /cases?q=…` and
//!   `GET /cases/{id}` with the session cookie over one keep-alive connection (skipped with a
//!   notice while the server has no `/cases` page).
//!
//! The SQLite database lives in a temporary folder; the PostgreSQL schema is fresh
//! (`qonys_load_<pid>_<n>`) and dropped afterwards with `psql`.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use qonys_store::{Actor, CaseQuery, NewCase, NewUser, Role, SqlStore, Store, StoreOptions};
use uuid::Uuid;

use crate::http::Conn;
use crate::{percentiles, start, temp_dir};

const TITLES: &[&str] = &[
    "Work permit, engineer in Atyrau",
    "Family reunification, spouse of a citizen",
    "Student visa, Al-Farabi University",
    "Neo Nomad, remote developer",
    "Permanent residence after 5 years",
    "Kandas status, family from Mongolia",
    "Investor visa, golden",
    "Business immigrant, café in Almaty",
];
const NAMES: &[&str] = &[
    "Anna Müller",
    "Li Wei",
    "Aigerim Bekova",
    "John Smith",
    "Olga Ivanova",
    "Batbayar Dorj",
    "Maria Garcia",
    "Timur Akhmetov",
];
const STATUSES: &[&str] = &["new", "in_progress", "waiting", "filed", "closed"];

/// Seeds `n` cases (half assigned to `adviser`, the rest unassigned) with `tasks` writers.
async fn seed(store: &Arc<SqlStore>, adviser: Uuid, from: usize, n: usize) -> Result<Vec<Uuid>> {
    let tasks = 8;
    let mut handles = Vec::new();
    for t in 0..tasks {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let actor = Actor::user(adviser, "qonys-load");
            let mut ids = Vec::new();
            let mut i = from + t;
            while i < from + n {
                let new = NewCase {
                    title: format!(
                        "{} — {} #{i}",
                        NAMES[i % NAMES.len()],
                        TITLES[(i / 7) % TITLES.len()]
                    ),
                    status: STATUSES[i % STATUSES.len()].to_string(),
                    adviser_id: i.is_multiple_of(2).then_some(adviser),
                    applicant_id: None,
                    firm_id: None,
                    language: "en".into(),
                    facts: serde_json::json!({
                        "stay_goal": "temporary",
                        "purposes": ["work"],
                        "citizenship": "DE",
                        "has_employment_offer": !i.is_multiple_of(3),
                    }),
                    history: serde_json::Value::Null,
                    urgency: (i % 97) as i64,
                    next_deadline: jiff::civil::Date::new(
                        2027,
                        1 + (i % 12) as i8,
                        1 + (i % 28) as i8,
                    )
                    .ok(),
                };
                ids.push(store.create_case(&actor, new).await?.id);
                i += tasks;
            }
            anyhow::Ok(ids)
        }));
    }
    let mut ids = Vec::new();
    for h in handles {
        ids.extend(h.await??);
    }
    Ok(ids)
}

fn line(name: &str, lat: &mut [u64]) -> String {
    let n = lat.len();
    let (p50, p99, max) = percentiles(lat);
    format!("    {name}: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms ({n} requests)")
}

async fn time<F, Fut>(reps: usize, mut f: F) -> Result<Vec<u64>>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let mut lat = Vec::with_capacity(reps);
    for i in 0..reps {
        let t = Instant::now();
        f(i).await?;
        lat.push(t.elapsed().as_micros() as u64);
    }
    Ok(lat)
}

fn http_pages(addr: &str, cookie: &str, ids: &[Uuid], reps: usize) -> Result<Option<Vec<String>>> {
    let mut c = Conn::open(addr)?;
    let headers = format!("Cookie: qonys_session={cookie}\r\n");
    let first = c.request("GET", "/cases", &headers, b"")?.status;
    if first != 200 {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (name, path) in [
        ("GET /cases", "/cases".to_string()),
        ("GET /cases?q=nomad", "/cases?q=nomad".to_string()),
        (
            "GET /cases?q=li wei (rarer)",
            "/cases?q=li%20wei%20%E2%80%94%20kandas".to_string(),
        ),
    ] {
        let mut lat = Vec::new();
        let mut bad = 0;
        for _ in 0..reps {
            let t = Instant::now();
            let r = c.request("GET", &path, &headers, b"")?;
            bad += u32::from(r.status != 200);
            lat.push(t.elapsed().as_micros() as u64);
        }
        out.push(format!("{} (non-200: {bad})", line(name, &mut lat)));
    }
    let mut lat = Vec::new();
    let mut bad = 0;
    for i in 0..reps {
        let id = ids[(i * 7919) % ids.len()];
        let t = Instant::now();
        let r = c.request("GET", &format!("/cases/{id}"), &headers, b"")?;
        bad += u32::from(r.status != 200);
        lat.push(t.elapsed().as_micros() as u64);
    }
    out.push(format!(
        "{} (non-200: {bad})",
        line("GET /cases/{id}", &mut lat)
    ));
    Ok(Some(out))
}

/// One database to test: its label, how the server reaches it, and (PostgreSQL) where to run
/// `ANALYZE`.
struct Target<'a> {
    name: &'a str,
    analyze: Option<(&'a str, &'a str)>,
    serve_args: Vec<String>,
    data_dir: &'a Path,
}

async fn one_backend(
    qonys: &Path,
    target: Target<'_>,
    options: StoreOptions,
    sizes: &[usize],
    reps: usize,
) -> Result<()> {
    let Target {
        name,
        analyze,
        serve_args,
        data_dir,
    } = target;
    let store = Arc::new(SqlStore::open(options).await.context("open the store")?);
    let hash = qonys_web::auth::password::hash("load-test password")
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?;
    let adviser = store
        .create_user(
            &Actor::system("qonys-load"),
            NewUser {
                email: "adviser@load.test".into(),
                display_name: "Load Adviser".into(),
                role: Role::Adviser,
                password_hash: Some(hash),
                language: "en".into(),
                firm_id: None,
            },
        )
        .await?;
    let now = qonys_store::now();
    let token = store
        .create_session(adviser.id, now, now + jiff::SignedDuration::from_hours(8))
        .await?;
    let mut ids: Vec<Uuid> = Vec::new();
    for &n in sizes {
        if n > ids.len() {
            let t = Instant::now();
            let more = seed(&store, adviser.id, ids.len(), n - ids.len()).await?;
            println!(
                "  {name}: seeded {} cases in {:.1} s ({:.0}/s)",
                more.len(),
                t.elapsed().as_secs_f64(),
                more.len() as f64 / t.elapsed().as_secs_f64()
            );
            ids.extend(more);
        }
        for pass in 0..2 {
            if pass == 1 {
                // PostgreSQL plans from statistics that autovacuum refreshes only some time
                // after a bulk load: time the queries again once `ANALYZE` has run.
                let Some((url, schema)) = analyze else { break };
                let ok = std::process::Command::new("psql")
                    .arg(url)
                    .args(["-q", "-c", &format!("ANALYZE {schema}.cases")])
                    .status()
                    .is_ok_and(|s| s.success());
                if !ok {
                    break;
                }
                println!(
                    "  {name}, {} cases — store queries after ANALYZE:",
                    ids.len()
                );
            } else {
                println!("  {name}, {} cases — store queries:", ids.len());
            }
            let visible = Some((adviser.id, None));
            let q = |title: Option<&str>, offset: i64| CaseQuery {
                title_contains: title.map(str::to_string),
                visible_to_adviser: visible,
                offset,
                ..CaseQuery::default()
            };
            for (label, query) in [
                (
                    "list_cases first page (50, visible to the adviser)",
                    q(None, 0),
                ),
                ("list_cases title search \"nomad\"", q(Some("nomad"), 0)),
                (
                    "list_cases title search, rare",
                    q(Some("li wei — kandas"), 0),
                ),
                ("list_cases page at offset 5,000", q(None, 5000)),
            ] {
                let store = store.clone();
                let mut lat = time(reps, |_| {
                    let store = store.clone();
                    let query = query.clone();
                    async move {
                        store.list_cases(&query).await?;
                        Ok(())
                    }
                })
                .await?;
                println!("{}", line(label, &mut lat));
            }
            let mut lat = time(reps, |i| {
                let store = store.clone();
                let id = ids[(i * 7919) % ids.len()];
                async move {
                    store.case(id).await?;
                    Ok(())
                }
            })
            .await?;
            println!("{}", line("case(id)", &mut lat));
            if let Ok(plan) = store.explain_case_list(&q(None, 0)).await
                && !plan.is_empty()
            {
                println!("    query plan (first page): {}", plan.join(" | "));
            }
        }
        // The pages over HTTP, served from the same database.
        let server = start(qonys, data_dir, &serve_args, false)?;
        let addr = server.addr().to_string();
        let cookie = token.expose().to_string();
        let ids2 = ids.clone();
        let pages =
            tokio::task::spawn_blocking(move || http_pages(&addr, &cookie, &ids2, reps)).await??;
        drop(server);
        match pages {
            Some(lines) => {
                println!("  {name}, {} cases — pages over HTTP:", ids.len());
                for l in lines {
                    println!("{l}");
                }
            }
            None => println!(
                "  {name}: the server has no /cases page yet (GET /cases is not 200): pages not timed"
            ),
        }
    }
    Ok(())
}

/// Runs the case-page phase for each size, on SQLite and optionally PostgreSQL.
pub fn run(qonys: &Path, sizes: &[usize], postgres: Option<&str>, reps: usize) -> Result<()> {
    println!("== case list and case page (store queries, then pages over HTTP)");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let dir = temp_dir("cases-sqlite");
    std::fs::create_dir_all(&dir)?;
    let r = rt.block_on(one_backend(
        qonys,
        Target {
            name: "SQLite",
            analyze: None,
            serve_args: Vec::new(),
            data_dir: &dir,
        },
        StoreOptions::sqlite_in(&dir),
        sizes,
        reps,
    ));
    let _ = std::fs::remove_dir_all(&dir);
    r?;
    if let Some(url) = postgres {
        let schema = format!("qonys_load_{}", std::process::id());
        let dir = temp_dir("cases-pg");
        std::fs::create_dir_all(&dir)?;
        let mut opts = StoreOptions::postgres(url, &dir.join("documents"));
        opts.pg_schema = Some(schema.clone());
        let r = rt.block_on(one_backend(
            qonys,
            Target {
                name: "PostgreSQL",
                analyze: Some((url, &schema)),
                serve_args: vec![
                    "--database".into(),
                    url.to_string(),
                    "--database-schema".into(),
                    schema.clone(),
                ],
                data_dir: &dir,
            },
            opts,
            sizes,
            reps,
        ));
        let dropped = std::process::Command::new("psql")
            .arg(url)
            .args([
                "-q",
                "-c",
                &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
            ])
            .status();
        if !dropped.is_ok_and(|s| s.success()) {
            eprintln!("qonys-load: could not drop the schema {schema}; drop it by hand");
        }
        let _ = std::fs::remove_dir_all(&dir);
        r?;
    }
    Ok(())
}
