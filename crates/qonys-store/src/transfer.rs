//! Logical export and import: every table (except sessions, which are not worth keeping)
//! and every document file, as JSON lines, the same on both backends. An export from
//! SQLite loads into PostgreSQL and back.
//!
//! Format: a header line `{"format":"qonys-store-export","version":1,"backend":…}`, then
//! one `{"table":…,"row":{column: value}}` line per row in dependency order, then one
//! `{"file":stored_name,"data":base64}` line per document file, then
//! `{"end":{"rows":n,"files":m}}` so a truncated export is refused.

use std::io::{BufRead, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, Row};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::model::TransferSummary;
use crate::sql::SqlStore;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
}

use Kind::{Int, Text};

/// Tables in dependency order with their columns; the first column orders the rows.
const TABLES: &[(&str, &[(&str, Kind)])] = &[
    (
        "firms",
        &[("id", Text), ("name", Text), ("created_at", Text)],
    ),
    (
        "users",
        &[
            ("id", Text),
            ("email", Text),
            ("display_name", Text),
            ("role", Text),
            ("password_hash", Text),
            ("language", Text),
            ("firm_id", Text),
            ("created_at", Text),
            ("disabled", Int),
        ],
    ),
    (
        "cases",
        &[
            ("id", Text),
            ("title", Text),
            ("title_search", Text),
            ("status", Text),
            ("adviser_id", Text),
            ("applicant_id", Text),
            ("firm_id", Text),
            ("language", Text),
            ("facts", Text),
            ("history", Text),
            ("urgency", Int),
            ("next_deadline", Text),
            ("created_at", Text),
            ("updated_at", Text),
            ("version", Int),
        ],
    ),
    (
        "one_time_tokens",
        &[
            ("token_hash", Text),
            ("purpose", Text),
            ("user_id", Text),
            ("case_id", Text),
            ("role", Text),
            ("created_at", Text),
            ("expires_at", Text),
            ("used_at", Text),
        ],
    ),
    (
        "consultation_requests",
        &[
            ("id", Text),
            ("idempotency_key", Text),
            ("name", Text),
            ("contact", Text),
            ("language", Text),
            ("message", Text),
            ("answers", Text),
            ("case_id", Text),
            ("created_at", Text),
        ],
    ),
    (
        "case_fact_history",
        &[
            ("id", Text),
            ("case_id", Text),
            ("version", Int),
            ("facts", Text),
            ("changed_by", Text),
            ("changed_at", Text),
        ],
    ),
    (
        "assessments",
        &[
            ("id", Text),
            ("case_id", Text),
            ("pack_id", Text),
            ("pack_version", Text),
            ("as_of", Text),
            ("facts", Text),
            ("report", Text),
            ("created_by", Text),
            ("created_at", Text),
        ],
    ),
    (
        "documents",
        &[
            ("id", Text),
            ("case_id", Text),
            ("kind", Text),
            ("status", Text),
            ("reason", Text),
            ("stored_name", Text),
            ("size", Int),
            ("content_type", Text),
            ("sha256", Text),
            ("uploaded_by", Text),
            ("created_at", Text),
            ("updated_at", Text),
        ],
    ),
    (
        "notes",
        &[
            ("id", Text),
            ("case_id", Text),
            ("author_id", Text),
            ("body", Text),
            ("created_at", Text),
        ],
    ),
    (
        "reminders",
        &[
            ("id", Text),
            ("case_id", Text),
            ("kind", Text),
            ("payload", Text),
            ("due_at", Text),
            ("created_at", Text),
            ("claimed_by", Text),
            ("claimed_at", Text),
            ("done_at", Text),
        ],
    ),
    (
        "audit_log",
        &[
            ("seq", Int),
            ("at", Text),
            ("actor_id", Text),
            ("origin", Text),
            ("action", Text),
            ("case_id", Text),
            ("object_id", Text),
            ("fields", Text),
            ("prev_hash", Text),
            ("hash", Text),
        ],
    ),
];

const FORMAT: &str = "qonys-store-export";

fn write_line(out: &mut (dyn Write + Send), v: &Value) -> Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")?;
    Ok(())
}

pub(crate) async fn export(
    store: &SqlStore,
    out: &mut (dyn Write + Send),
) -> Result<TransferSummary> {
    let mut sum = TransferSummary::default();
    // One read transaction gives a consistent snapshot on both backends.
    let mut tx = store.pool().begin().await?;
    write_line(
        out,
        &json!({"format": FORMAT, "version": 1, "backend": store.backend().name()}),
    )?;
    let mut files = Vec::new();
    for (table, cols) in TABLES {
        let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
        let sql = format!(
            "SELECT {} FROM {table} ORDER BY {}",
            names.join(", "),
            names[0]
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
        for r in rows {
            let mut obj = Map::new();
            for (name, kind) in cols.iter() {
                let v = match kind {
                    Text => r
                        .try_get::<Option<String>, _>(*name)?
                        .map(Value::String)
                        .unwrap_or(Value::Null),
                    Int => r
                        .try_get::<Option<i64>, _>(*name)?
                        .map(Value::from)
                        .unwrap_or(Value::Null),
                };
                obj.insert((*name).to_string(), v);
            }
            if *table == "documents"
                && let Some(Value::String(n)) = obj.get("stored_name")
            {
                files.push(n.clone());
            }
            write_line(out, &json!({"table": table, "row": obj}))?;
            sum.rows += 1;
        }
    }
    tx.commit().await?;
    for name in files {
        let bytes = match tokio::fs::read(store.file_path(&name)?).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        write_line(out, &json!({"file": name, "data": B64.encode(bytes)}))?;
        sum.files += 1;
    }
    write_line(out, &json!({"end": {"rows": sum.rows, "files": sum.files}}))?;
    out.flush()?;
    Ok(sum)
}

fn bad(what: &str) -> StoreError {
    StoreError::Integrity(format!("import: {what}"))
}

pub(crate) async fn import(
    store: &SqlStore,
    input: &mut (dyn BufRead + Send),
) -> Result<TransferSummary> {
    let nonempty: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM audit_log)",
    )
    .fetch_one(store.pool())
    .await?;
    if nonempty != 0 {
        return Err(bad("the target store is not empty"));
    }
    let mut lines = input.lines();
    let header: Value = serde_json::from_str(&lines.next().ok_or_else(|| bad("empty input"))??)?;
    if header.get("format").and_then(Value::as_str) != Some(FORMAT)
        || header.get("version") != Some(&json!(1))
    {
        return Err(bad("not a qonys store export (version 1)"));
    }
    let mut sum = TransferSummary::default();
    let mut written_files = Vec::new();
    let mut ended = false;
    let mut tx = store.write_tx().await?;
    let result: Result<()> = async {
        for line in lines {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            if ended {
                return Err(bad("data after the end line"));
            }
            let v: Value = serde_json::from_str(&line)?;
            if let Some(table) = v.get("table").and_then(Value::as_str) {
                let (table, cols) = TABLES
                    .iter()
                    .find(|(t, _)| *t == table)
                    .ok_or_else(|| bad("unknown table"))?;
                let row = v
                    .get("row")
                    .and_then(Value::as_object)
                    .ok_or_else(|| bad("row is not an object"))?;
                let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
                let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    params.join(", ")
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (name, kind) in cols.iter() {
                    let val = row.get(*name).unwrap_or(&Value::Null);
                    q = match (kind, val) {
                        (Text, Value::String(s)) => q.bind(Some(s.clone())),
                        (Text, Value::Null) => q.bind(None::<String>),
                        (Int, Value::Number(n)) => {
                            q.bind(Some(n.as_i64().ok_or_else(|| bad("integer out of range"))?))
                        }
                        (Int, Value::Null) => q.bind(None::<i64>),
                        _ => return Err(bad("value of the wrong type")),
                    };
                }
                q.execute(&mut *tx).await?;
                sum.rows += 1;
            } else if let Some(name) = v.get("file").and_then(Value::as_str) {
                let data = v
                    .get("data")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("file without data"))?;
                let bytes = B64
                    .decode(data)
                    .map_err(|_| bad("file data is not base64"))?;
                store.write_file_durably(name, &bytes).await?;
                written_files.push(name.to_string());
                sum.files += 1;
            } else if let Some(end) = v.get("end") {
                if end.get("rows") != Some(&json!(sum.rows))
                    || end.get("files") != Some(&json!(sum.files))
                {
                    return Err(bad("counts do not match the end line"));
                }
                ended = true;
            } else {
                return Err(bad("unknown line"));
            }
        }
        if !ended {
            return Err(bad("truncated (no end line)"));
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(sum)
        }
        Err(e) => {
            drop(tx);
            for n in written_files {
                store.remove_file(&n).await;
            }
            Err(e)
        }
    }
}
