//! Operations commands: `qonys audit verify`, `qonys backup` and `qonys restore`, on the
//! embedded SQLite database of a data folder or on PostgreSQL.
//!
//! # The backup folder
//!
//! `qonys backup --out DIR` writes a folder (tar or zip it to move it off the machine):
//!
//! - `MANIFEST.json` — format `qonys-backup` version 1, the backend it came from, when it
//!   was taken, the audit chain's record count and head hash at that moment, and the size
//!   and SHA-256 of every other file in the folder;
//! - SQLite: `qonys.db`, a consistent online copy (`VACUUM INTO`, taken while the server
//!   runs), and `documents/`, the document files (ciphertext, as stored) that copy refers
//!   to;
//! - PostgreSQL: `export.jsonl`, the store's logical export (every table and every
//!   document file, read in one transaction).
//!
//! The folder is written under a temporary name next to `DIR` and renamed when complete and
//! synced, so a folder named `DIR` is always a whole backup. A document deleted or replaced
//! between the database snapshot and the file copy makes the backup start again (up to
//! three times), so every document row in a backup has its file.
//!
//! # Restore
//!
//! `qonys restore DIR` first checks every file of the backup against the manifest, then:
//!
//! - into a data folder (SQLite): refuses when the folder already holds a database or
//!   document files, unless `--force`, which *moves* them aside into
//!   `DATA/replaced-<time>/` (nothing is deleted). Stop the server first.
//! - into PostgreSQL: the target schema must be empty (freshly created); `--force` is
//!   refused — restore into a new schema or database and point the servers at it.
//!
//! The document encryption key (`DATA/document.key` or `--document-key-file`) is never
//! part of a backup: keep it apart, and put it back before starting a restored server.
//!
//! A backup from either backend restores into either. The restored store is checked
//! (SQLite integrity check, audit chain) and its audit head must equal the manifest's.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use qonys_store::{Backend, CaseQuery, SqlStore, Store, StoreError, StoreOptions, TransferSummary};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Which database to work on: a data folder's SQLite database, or PostgreSQL.
#[derive(Clone, clap::Args)]
pub struct DbArgs {
    /// Folder of the embedded SQLite database (qonys.db) and document files; with
    /// `--database`, only the document files (`DATA/documents`).
    #[arg(long, default_value = "./data")]
    pub data_dir: PathBuf,
    /// A PostgreSQL URL (postgres://…) to use instead of the embedded SQLite database.
    #[arg(long, env = "QONYS_DATABASE_URL", hide_env_values = true)]
    pub database: Option<String>,
    /// The PostgreSQL schema holding qonys's tables (default: the connection's own
    /// `search_path`).
    #[arg(long, env = "QONYS_DATABASE_SCHEMA", requires = "database")]
    pub database_schema: Option<String>,
}

impl std::fmt::Debug for DbArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The database URL may hold a password: never print it.
        f.debug_struct("DbArgs")
            .field("data_dir", &self.data_dir)
            .field("database", &self.database.as_ref().map(|_| "…"))
            .field("database_schema", &self.database_schema)
            .finish()
    }
}

impl DbArgs {
    fn options(&self) -> StoreOptions {
        match &self.database {
            Some(url) => {
                let mut o = StoreOptions::postgres(url, &self.data_dir.join("documents"));
                o.pg_schema = self.database_schema.clone();
                o
            }
            None => StoreOptions::sqlite_in(&self.data_dir),
        }
    }

    fn describe(&self) -> String {
        match (&self.database, &self.database_schema) {
            (Some(_), Some(s)) => format!("PostgreSQL (schema {s})"),
            (Some(_), None) => "PostgreSQL".to_string(),
            (None, _) => format!("SQLite in {}", self.data_dir.join("qonys.db").display()),
        }
    }

    async fn open(&self) -> Result<SqlStore> {
        SqlStore::open(self.options())
            .await
            .with_context(|| format!("cannot open the database ({})", self.describe()))
    }
}

/// `qonys audit …`.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Walk the hash-chained audit log: prints the records checked and the head hash; exit
    /// code 1 (naming the first broken record) when a record was edited or deleted.
    Verify(DbArgs),
}

/// The flags of `qonys backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The backup folder to create (must not exist).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// The flags of `qonys restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A backup folder made by `qonys backup`.
    pub backup: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
    /// SQLite only: move an existing database and documents aside into
    /// `DATA/replaced-<time>/` instead of refusing. Stop the server first.
    #[arg(long)]
    pub force: bool,
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// `qonys audit verify`.
pub fn audit(command: AuditCommand) -> Result<ExitCode> {
    let AuditCommand::Verify(db) = command;
    runtime()?.block_on(async {
        let store = db.open().await?;
        let result = store.verify_audit().await;
        store.close().await;
        match result {
            Ok(s) => {
                println!(
                    "audit chain intact: {} records checked, head hash {}",
                    s.records, s.head_hash
                );
                if s.records == 0 {
                    eprintln!("note: the audit log of {} is empty", db.describe());
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(StoreError::Integrity(problem)) => {
                println!("audit chain BROKEN: {problem}");
                Ok(ExitCode::from(1))
            }
            Err(e) => Err(anyhow::Error::from(e).context("cannot read the audit log")),
        }
    })
}

// ------------------------------------------------------------------ files

const MANIFEST: &str = "MANIFEST.json";
const FORMAT: &str = "qonys-backup";
const DB_FILE: &str = "qonys.db";
const EXPORT_FILE: &str = "export.jsonl";
const DOCS: &str = "documents";
const ATTEMPTS: usize = 3;
/// The server's default document key file in a data folder (never backed up).
const KEY_FILE: &str = "document.key";

/// Size and SHA-256 of a file.
fn file_digest(path: &Path) -> Result<(u64, String)> {
    let mut f = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(h.finalize())))
}

fn sync_file(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))
}

fn sync_dir(path: &Path) {
    // Directory fsync is best effort (not every filesystem supports it).
    if let Ok(d) = File::open(path) {
        let _ = d.sync_all();
    }
}

/// Copies a file, syncs the copy; `Ok(None)` when the source does not exist.
fn copy_synced(from: &Path, to: &Path) -> Result<Option<(u64, String)>> {
    let mut src = match File::open(from) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", from.display())),
    };
    let mut dst = File::create(to).with_context(|| format!("cannot write {}", to.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        dst.write_all(&buf[..n])?;
        size += n as u64;
    }
    dst.sync_all()?;
    Ok(Some((size, hex::encode(h.finalize()))))
}

/// A stored document file name as the store generates it (no path separators).
fn safe_name(n: &str) -> bool {
    !n.is_empty()
        && n != "."
        && n != ".."
        && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// A sibling path of `target` for work in progress (same filesystem, so rename works).
fn sibling(target: &Path, tag: &str) -> Result<PathBuf> {
    let name = target
        .file_name()
        .ok_or_else(|| anyhow!("{} names no folder", target.display()))?
        .to_string_lossy()
        .into_owned();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    Ok(target.with_file_name(format!(".{name}.{tag}-{}-{nanos}", std::process::id())))
}

fn time_tag() -> String {
    qonys_store::ts_text(qonys_store::now())
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

// ------------------------------------------------------------------ backup

/// `qonys backup`.
pub fn backup(args: BackupArgs) -> Result<ExitCode> {
    if args.out.exists() {
        bail!(
            "{} already exists: choose a new backup folder",
            args.out.display()
        );
    }
    let staging = sibling(&args.out, "partial")?;
    let result = runtime()?.block_on(async {
        let store = args.db.open().await?;
        let r = write_backup(&store, &staging).await;
        store.close().await;
        r
    });
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    std::fs::rename(&staging, &args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    if let Some(parent) = args.out.parent() {
        sync_dir(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        });
    }
    let audit = &manifest["audit"];
    println!(
        "backup of {} written to {}: {} document files, audit chain {} records, head hash {}",
        args.db.describe(),
        args.out.display(),
        manifest["documents"].as_array().map_or_else(
            || manifest["export"]["files"].as_u64().unwrap_or(0),
            |d| d.len() as u64
        ),
        audit["records"],
        audit["head_hash"].as_str().unwrap_or("-"),
    );
    eprintln!(
        "note: the document encryption key is not in the backup (by design): keep a copy of it apart from the backups"
    );
    if let Some(p) = audit["problem"].as_str() {
        eprintln!(
            "WARNING: the audit chain of the backed-up database is broken ({p}); the backup keeps it as it is"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a complete backup into `dir` (created) and returns its manifest.
async fn write_backup(store: &SqlStore, dir: &Path) -> Result<Value> {
    let mut last_missing = String::new();
    for _ in 0..ATTEMPTS {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir.join(DOCS))
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let attempt = match store.backend() {
            Backend::Sqlite => sqlite_backup(store, dir).await?,
            Backend::Postgres => postgres_backup(store, dir).await?,
        };
        match attempt {
            Ok(mut manifest) => {
                manifest["format"] = json!(FORMAT);
                manifest["version"] = json!(1);
                manifest["backend"] = json!(store.backend().name());
                manifest["created_at"] = json!(qonys_store::ts_text(qonys_store::now()));
                manifest["qonys_version"] = json!(env!("CARGO_PKG_VERSION"));
                let path = dir.join(MANIFEST);
                std::fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")?;
                sync_file(&path)?;
                sync_dir(&dir.join(DOCS));
                sync_dir(dir);
                return Ok(manifest);
            }
            Err(missing) => last_missing = missing,
        }
    }
    bail!(
        "documents kept changing while the backup ran ({last_missing} vanished {ATTEMPTS} times); try again"
    )
}

fn audit_json(result: std::result::Result<qonys_store::AuditSummary, StoreError>) -> Result<Value> {
    Ok(match result {
        Ok(s) => json!({"records": s.records, "head_hash": s.head_hash}),
        Err(StoreError::Integrity(p)) => json!({"problem": p}),
        Err(e) => return Err(e.into()),
    })
}

/// One SQLite attempt: `Ok(Err(name))` when a document file vanished after the snapshot.
async fn sqlite_backup(store: &SqlStore, dir: &Path) -> Result<std::result::Result<Value, String>> {
    let db = dir.join(DB_FILE);
    store
        .backup_to(&db)
        .await
        .context("the online copy (VACUUM INTO) failed")?;
    // Open the copy on its own to list the documents it refers to and check it.
    let snapshot = SqlStore::open(StoreOptions {
        max_connections: 1,
        ..StoreOptions::sqlite_in(dir)
    })
    .await
    .context("cannot open the copy just made")?;
    let checked: Result<(Vec<String>, Value)> = async {
        snapshot
            .check_integrity()
            .await
            .context("the copy fails SQLite's integrity check")?;
        let audit = audit_json(snapshot.verify_audit().await)?;
        Ok((stored_names(&snapshot).await?, audit))
    }
    .await;
    snapshot.close().await;
    let (names, audit) = checked?;
    for suffix in ["-wal", "-shm"] {
        let p = dir.join(format!("{DB_FILE}{suffix}"));
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    let (size, sha) = file_digest(&db)?;
    let mut docs = Vec::new();
    for name in names {
        if !safe_name(&name) {
            bail!("the database names a malformed document file");
        }
        match copy_synced(&store.files_dir().join(&name), &dir.join(DOCS).join(&name))? {
            Some((size, sha)) => docs.push(json!({"name": name, "size": size, "sha256": sha})),
            None => return Ok(Err(name)),
        }
    }
    Ok(Ok(json!({
        "audit": audit,
        "database": {"file": DB_FILE, "size": size, "sha256": sha},
        "documents": docs,
    })))
}

/// The stored file names of every document with a file, through the store's API.
async fn stored_names(store: &SqlStore) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut query = CaseQuery {
        limit: 500,
        ..CaseQuery::default()
    };
    loop {
        let page = store.list_cases(&query).await?;
        for c in &page.cases {
            for d in store.documents(c.id).await? {
                if let Some(f) = d.file {
                    names.push(f.stored_name);
                }
            }
        }
        if !page.has_more {
            break;
        }
        query.offset += page.cases.len() as i64;
    }
    Ok(names)
}

/// What a logical export holds, read back line by line.
#[derive(Default)]
struct ExportScan {
    rows: u64,
    files: BTreeSet<String>,
    referenced: BTreeSet<String>,
    audit_records: i64,
    audit_head: Option<String>,
    ended: bool,
}

fn scan_export(path: &Path) -> Result<ExportScan> {
    let mut s = ExportScan::default();
    for line in BufReader::new(File::open(path)?).lines() {
        let v: Value = serde_json::from_str(&line?).context("export line is not JSON")?;
        if let Some(table) = v["table"].as_str() {
            s.rows += 1;
            if table == "documents"
                && let Some(n) = v["row"]["stored_name"].as_str()
            {
                s.referenced.insert(n.to_string());
            }
            if table == "audit_log" {
                s.audit_records += 1;
                s.audit_head = v["row"]["hash"].as_str().map(str::to_string);
            }
        } else if let Some(n) = v["file"].as_str() {
            s.files.insert(n.to_string());
        } else if v.get("end").is_some() {
            s.ended = true;
        }
    }
    Ok(s)
}

/// One PostgreSQL attempt: the logical export, checked to hold every referenced file.
async fn postgres_backup(
    store: &SqlStore,
    dir: &Path,
) -> Result<std::result::Result<Value, String>> {
    let path = dir.join(EXPORT_FILE);
    let mut out = BufWriter::new(File::create(&path)?);
    let sum: TransferSummary = store.export(&mut out).await.context("the export failed")?;
    out.into_inner()
        .map_err(|e| anyhow!("cannot write the export: {}", e.error()))?
        .sync_all()?;
    let scan = scan_export(&path)?;
    if !scan.ended {
        bail!("the export is truncated");
    }
    if let Some(missing) = scan.referenced.difference(&scan.files).next() {
        return Ok(Err(missing.clone()));
    }
    let (size, sha) = file_digest(&path)?;
    Ok(Ok(json!({
        "audit": {"records": scan.audit_records, "head_hash": scan.audit_head.unwrap_or_else(|| qonys_store::audit::GENESIS_HASH.to_string())},
        "export": {"file": EXPORT_FILE, "size": size, "sha256": sha, "rows": sum.rows, "files": sum.files},
    })))
}

// ------------------------------------------------------------------ restore

/// A backup folder whose files match its manifest.
struct CheckedBackup {
    dir: PathBuf,
    manifest: Value,
    backend: Backend,
}

fn check_backup(dir: &Path) -> Result<CheckedBackup> {
    let text = std::fs::read_to_string(dir.join(MANIFEST))
        .with_context(|| format!("{} is not a qonys backup (no {MANIFEST})", dir.display()))?;
    let manifest: Value = serde_json::from_str(&text).context("the manifest is not JSON")?;
    if manifest["format"] != FORMAT || manifest["version"] != 1 {
        bail!(
            "{} is not a qonys backup of format version 1",
            dir.display()
        );
    }
    let backend = match manifest["backend"].as_str() {
        Some("sqlite") => Backend::Sqlite,
        Some("postgres") => Backend::Postgres,
        _ => bail!("the manifest names no known backend"),
    };
    let mut expected: BTreeMap<PathBuf, (u64, String)> = BTreeMap::new();
    let entry = |v: &Value| -> Result<(u64, String)> {
        Ok((
            v["size"]
                .as_u64()
                .ok_or_else(|| anyhow!("manifest: size"))?,
            v["sha256"]
                .as_str()
                .ok_or_else(|| anyhow!("manifest: sha256"))?
                .to_string(),
        ))
    };
    match backend {
        Backend::Sqlite => {
            expected.insert(dir.join(DB_FILE), entry(&manifest["database"])?);
            for d in manifest["documents"].as_array().into_iter().flatten() {
                let name = d["name"].as_str().unwrap_or("");
                if !safe_name(name) {
                    bail!("the manifest names a malformed document file");
                }
                expected.insert(dir.join(DOCS).join(name), entry(d)?);
            }
        }
        Backend::Postgres => {
            expected.insert(dir.join(EXPORT_FILE), entry(&manifest["export"])?);
        }
    }
    for (path, want) in &expected {
        let got = file_digest(path).with_context(|| "the backup is incomplete".to_string())?;
        if &got != want {
            bail!(
                "the backup is damaged: {} does not match its manifest",
                path.display()
            );
        }
    }
    Ok(CheckedBackup {
        dir: dir.to_path_buf(),
        manifest,
        backend,
    })
}

/// `qonys restore`.
pub fn restore(args: RestoreArgs) -> Result<ExitCode> {
    let backup = check_backup(&args.backup)?;
    if args.db.database.is_some() && args.force {
        bail!(
            "--force is refused for PostgreSQL: restore into a new, empty schema (--database-schema NEW) or database, check it, then point the servers at it"
        );
    }
    let rt = runtime()?;
    let store = if args.db.database.is_none() {
        prepare_data_dir(&args.db.data_dir, args.force)?;
        rt.block_on(restore_into_data_dir(&backup, &args.db.data_dir))?
    } else {
        rt.block_on(async {
            let store = args.db.open().await?;
            let r = import_backup(&backup, &store).await;
            if r.is_err() {
                store.close().await;
            }
            r.map(|()| store)
        })?
    };
    let outcome = rt.block_on(async {
        let r = check_restored(&store, &backup.manifest).await;
        store.close().await;
        r
    });
    let summary = outcome?;
    println!(
        "restored {} (a {} backup) into {}: audit chain intact, {} records, head hash {}",
        backup.dir.display(),
        backup.backend.name(),
        args.db.describe(),
        summary.records,
        summary.head_hash
    );
    if !args.db.data_dir.join(KEY_FILE).exists() {
        eprintln!(
            "note: document files are encrypted with the key the server used, which no backup holds: put that key at {} (or start the server with --document-key-file) before starting it, or the documents cannot be read",
            args.db.data_dir.join(KEY_FILE).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses a data folder that holds data, or (with `force`) moves that data aside.
fn prepare_data_dir(data_dir: &Path, force: bool) -> Result<()> {
    let mut present: Vec<PathBuf> = ["", "-wal", "-shm"]
        .iter()
        .map(|s| data_dir.join(format!("{DB_FILE}{s}")))
        .filter(|p| p.exists())
        .collect();
    let docs = data_dir.join(DOCS);
    if std::fs::read_dir(&docs).is_ok_and(|mut d| d.next().is_some()) {
        present.push(docs);
    }
    if present.is_empty() {
        return Ok(());
    }
    if !force {
        bail!(
            "{} already holds a database or document files: stop the server and restore with --force to move them aside (into {}/replaced-<time>/), or restore into another folder",
            data_dir.display(),
            data_dir.display()
        );
    }
    let aside = data_dir.join(format!("replaced-{}", time_tag()));
    std::fs::create_dir_all(&aside)?;
    for p in &present {
        let to = aside.join(p.file_name().unwrap_or_default());
        std::fs::rename(p, &to).with_context(|| format!("cannot move {} aside", p.display()))?;
    }
    sync_dir(&aside);
    sync_dir(data_dir);
    eprintln!(
        "qonys: the previous database and documents were moved to {}",
        aside.display()
    );
    Ok(())
}

async fn restore_into_data_dir(backup: &CheckedBackup, data_dir: &Path) -> Result<SqlStore> {
    std::fs::create_dir_all(data_dir.join(DOCS))?;
    match backup.backend {
        Backend::Sqlite => {
            let mut copied = Vec::new();
            let result: Result<SqlStore> = async {
                for d in backup.manifest["documents"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let name = d["name"].as_str().unwrap_or("");
                    let to = data_dir.join(DOCS).join(name);
                    let tmp = data_dir.join(DOCS).join(format!("{name}.tmp"));
                    copy_synced(&backup.dir.join(DOCS).join(name), &tmp)?
                        .ok_or_else(|| anyhow!("{name} vanished from the backup"))?;
                    std::fs::rename(&tmp, &to)?;
                    copied.push(to);
                }
                sync_dir(&data_dir.join(DOCS));
                SqlStore::restore_sqlite_backup(&backup.dir.join(DB_FILE), data_dir)
                    .await
                    .context("the restored database was refused")
            }
            .await;
            if result.is_err() {
                for p in copied {
                    let _ = std::fs::remove_file(p);
                }
            }
            result
        }
        Backend::Postgres => {
            let store = SqlStore::open(StoreOptions::sqlite_in(data_dir)).await?;
            if let Err(e) = import_backup(backup, &store).await {
                store.close().await;
                for s in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(data_dir.join(format!("{DB_FILE}{s}")));
                }
                return Err(e);
            }
            Ok(store)
        }
    }
}

/// Loads a backup into an empty store through the logical export format.
async fn import_backup(backup: &CheckedBackup, target: &SqlStore) -> Result<()> {
    match backup.backend {
        Backend::Postgres => {
            let mut input = BufReader::new(File::open(backup.dir.join(EXPORT_FILE))?);
            target
                .import(&mut input)
                .await
                .context("the import was refused (the target must be empty)")?;
        }
        Backend::Sqlite => {
            // Open a private copy of the database file (opening writes to it) with the
            // backup's documents, export it, and import that.
            let work = sibling(&backup.dir, "restoring")?;
            std::fs::create_dir_all(&work)?;
            let result: Result<()> = async {
                std::fs::copy(backup.dir.join(DB_FILE), work.join(DB_FILE))?;
                let source = SqlStore::open(StoreOptions {
                    files_dir: backup.dir.join(DOCS),
                    max_connections: 1,
                    ..StoreOptions::sqlite_in(&work)
                })
                .await?;
                let export = work.join(EXPORT_FILE);
                let mut out = BufWriter::new(File::create(&export)?);
                let r = source.export(&mut out).await;
                source.close().await;
                r?;
                out.flush()?;
                drop(out);
                let mut input = BufReader::new(File::open(&export)?);
                target
                    .import(&mut input)
                    .await
                    .context("the import was refused (the target must be empty)")?;
                Ok(())
            }
            .await;
            let _ = std::fs::remove_dir_all(&work);
            result?;
        }
    }
    Ok(())
}

/// The restored store passes its checks and carries the backup's audit chain.
async fn check_restored(store: &SqlStore, manifest: &Value) -> Result<qonys_store::AuditSummary> {
    store
        .check_integrity()
        .await
        .context("the restored database fails its integrity check")?;
    let audit = &manifest["audit"];
    match store.verify_audit().await {
        Ok(s) => {
            if audit["records"] != json!(s.records) || audit["head_hash"] != json!(s.head_hash) {
                bail!(
                    "the restored audit chain ({} records, head {}) differs from the backup's ({}, head {})",
                    s.records,
                    s.head_hash,
                    audit["records"],
                    audit["head_hash"]
                );
            }
            Ok(s)
        }
        Err(StoreError::Integrity(p)) if audit.get("problem").is_some() => {
            eprintln!("WARNING: the backup's audit chain was already broken ({p})");
            Ok(qonys_store::AuditSummary {
                records: 0,
                head_hash: String::new(),
            })
        }
        Err(e) => Err(anyhow::Error::from(e).context("the restored audit chain does not verify")),
    }
}
