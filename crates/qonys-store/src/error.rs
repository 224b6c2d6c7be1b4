//! The store's error type: what went wrong, in terms the web layer can map to HTTP
//! (`NotFound` → 404, `Conflict` → 409, `Duplicate` → 409/422, the rest → 500).
//!
//! Messages carry ids and field names only, never personal data values.

/// Everything a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist (or is not bound to the given case).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `"case"` (never the value searched for).
        what: &'static str,
    },
    /// Optimistic concurrency: the caller edited a stale version.
    #[error("stale edit: the case is at version {current_version}")]
    Conflict {
        /// The version now stored; the caller should reload and retry.
        current_version: i64,
    },
    /// A unique value is already taken (e-mail address, idempotency key, …).
    #[error("duplicate {what}")]
    Duplicate {
        /// Which unique thing collided, e.g. `"email"`.
        what: &'static str,
    },
    /// A token was unknown, expired or already used.
    #[error("token invalid, expired or already used")]
    InvalidToken,
    /// Stored data failed an integrity check (audit chain, database settings, stored values).
    #[error("integrity: {0}")]
    Integrity(String),
    /// The operation is not available on this backend.
    #[error("not supported on {backend}: {what}")]
    Unsupported {
        /// The backend name.
        backend: &'static str,
        /// The operation.
        what: &'static str,
    },
    /// The database driver failed.
    #[error("database: {0}")]
    Backend(#[source] sqlx::Error),
    /// Migrations failed at start-up.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// File I/O in the data directory (document files, backups) failed.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            {
                // The constraint name identifies the column without echoing a value.
                let msg = db.message();
                let what = if msg.contains("email") {
                    "email"
                } else if msg.contains("idempotency") {
                    "idempotency key"
                } else {
                    "key"
                };
                return StoreError::Duplicate { what };
            }
        }
        StoreError::Backend(e)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Integrity(format!("stored JSON: {e}"))
    }
}

/// Result alias for store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
