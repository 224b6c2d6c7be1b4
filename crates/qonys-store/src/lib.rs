//! Storage for qonys cases: the [`Store`] trait and its SQL implementation, [`SqlStore`],
//! which runs on an embedded SQLite file (default) or on PostgreSQL.
//!
//! # Shape
//!
//! - One trait, [`Store`], object-safe (`Arc<dyn Store>`), used by the web server and CLI.
//! - One implementation over sqlx's `Any` driver. The SQL text is shared by both backends
//!   (TEXT ids, timestamps and dates, INTEGER 0/1 flags, `$N` placeholders); the few
//!   places where the dialects differ (connection settings, the audit-chain lock, the
//!   reminder claim, online backup) branch on [`Backend`]. Migrations are embedded per
//!   backend (`migrations/{sqlite,postgres}`) and run by [`SqlStore::open`].
//! - Every change to a case writes an audit record **in the same transaction**; the audit
//!   log is append-only (database triggers) and hash-chained ([`audit`]).
//! - Optimistic concurrency: [`Store::update_case`] takes the version the caller saw and
//!   returns [`StoreError::Conflict`] when it is stale.
//! - Document bytes are stored as given (the caller encrypts) under server-generated names
//!   in a files directory; rows are bound to their case.
//!
//! Nothing here logs personal data; `Debug` of personal types is redacted.

pub mod audit;
mod error;
mod model;
mod sql;
mod time;
mod transfer;

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

pub use error::{Result, StoreError};
pub use model::*;
pub use sql::{SqlStore, SqliteSettings, StoreOptions};
pub use time::{now, parse_ts, ts_text};

/// The storage operations of qonys. Every mutating call that concerns a case writes an
/// audit record in the same transaction, naming `actor`.
#[async_trait]
pub trait Store: Send + Sync {
    /// Which database this is.
    fn backend(&self) -> Backend;

    // ---- users and firms ----

    /// Number of user accounts (0 on first start: print a setup link).
    async fn count_users(&self) -> Result<i64>;
    /// Creates a firm.
    async fn create_firm(&self, actor: &Actor, name: &str) -> Result<Firm>;
    /// Creates a user. `Duplicate { what: "email" }` when the address is taken.
    async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User>;
    /// A user by id.
    async fn user(&self, id: Uuid) -> Result<User>;
    /// A user by e-mail address (normalised before lookup).
    async fn user_by_email(&self, email: &str) -> Result<User>;
    /// Users, optionally of one role, by creation.
    async fn list_users(&self, role: Option<Role>) -> Result<Vec<User>>;
    /// Changes a user's name, role or firm (audited with field names). A role change
    /// deletes the user's sessions so the new rights apply at once.
    async fn update_user(&self, actor: &Actor, id: Uuid, change: UserChange) -> Result<User>;
    /// Replaces a password hash (also used to upgrade parameters at login).
    async fn set_password_hash(&self, actor: &Actor, id: Uuid, hash: &str) -> Result<()>;
    /// Disables or enables an account; disabling deletes its sessions.
    async fn set_user_disabled(&self, actor: &Actor, id: Uuid, disabled: bool) -> Result<()>;
    /// Sets a user's preferred language.
    async fn set_user_language(&self, id: Uuid, language: &str) -> Result<()>;

    // ---- one-time tokens ----

    /// Creates a one-time token; returns the secret (only its hash is stored).
    async fn create_one_time_token(&self, new: NewOneTimeToken) -> Result<SecretToken>;
    /// Uses a token once: `InvalidToken` if unknown, of another purpose, expired or used.
    async fn consume_one_time_token(
        &self,
        token: &str,
        purpose: TokenPurpose,
        now: Timestamp,
    ) -> Result<OneTimeToken>;
    /// Uses a setup or invitation token and creates the account in one transaction (a
    /// failure leaves the token unused). A token naming a role overrides `new.role`; an
    /// invitation bound to a case links the new account as that case's applicant.
    async fn redeem_token_for_user(
        &self,
        actor: &Actor,
        token: &str,
        purpose: TokenPurpose,
        new: NewUser,
        now: Timestamp,
    ) -> Result<(User, OneTimeToken)>;

    // ---- sessions ----

    /// Starts a session; returns its secret token (≥256 bits; stored hashed).
    async fn create_session(
        &self,
        user_id: Uuid,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<SecretToken>;
    /// Looks a session up and records activity. `None` (and the session deleted) when it
    /// is unknown, past its absolute expiry, idle longer than `idle_timeout`, or its user is
    /// disabled.
    async fn touch_session(
        &self,
        token: &str,
        now: Timestamp,
        idle_timeout: SignedDuration,
    ) -> Result<Option<(Session, User)>>;
    /// Logs out (server-side delete).
    async fn delete_session(&self, token: &str) -> Result<()>;
    /// Deletes all sessions of a user; returns how many.
    async fn delete_user_sessions(&self, user_id: Uuid) -> Result<u64>;
    /// Deletes sessions past their absolute expiry; returns how many.
    async fn purge_expired_sessions(&self, now: Timestamp) -> Result<u64>;

    // ---- cases ----

    /// Creates a case (version 1) and its first fact-history entry.
    async fn create_case(&self, actor: &Actor, new: NewCase) -> Result<Case>;
    /// A case by id.
    async fn case(&self, id: Uuid) -> Result<Case>;
    /// Changes a case if it is still at `expected_version`; otherwise `Conflict` with the
    /// current version and nothing is written. A facts change is kept in the fact history.
    async fn update_case(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: i64,
        change: CaseChange,
    ) -> Result<Case>;
    /// Deletes a case and everything hung on it, including document files.
    async fn delete_case(&self, actor: &Actor, id: Uuid) -> Result<()>;
    /// The workbench list (indexed; see [`CaseQuery`] for the order).
    async fn list_cases(&self, query: &CaseQuery) -> Result<CasePage>;
    /// Every state of a case's facts, oldest first.
    async fn fact_history(&self, case_id: Uuid) -> Result<Vec<FactChange>>;

    // ---- assessments ----

    /// Keeps an assessment with the pack version, as-of date and facts it used.
    async fn store_assessment(&self, actor: &Actor, new: NewAssessment) -> Result<Assessment>;
    /// A case's assessments, newest first.
    async fn assessments(&self, case_id: Uuid) -> Result<Vec<Assessment>>;

    // ---- documents ----

    /// Requests a document of `kind` for a case (status `requested`).
    async fn request_document(&self, actor: &Actor, case_id: Uuid, kind: &str) -> Result<Document>;
    /// Stores an uploaded file (already encrypted by the caller) for a document of that
    /// case under a new server-generated name, replacing any earlier file; status becomes
    /// `received`. The file is written and synced before the row is committed.
    async fn attach_document_file(
        &self,
        actor: &Actor,
        case_id: Uuid,
        document_id: Uuid,
        meta: FileUpload,
        ciphertext: &[u8],
    ) -> Result<Document>;
    /// The stored bytes (ciphertext) of a document of that case.
    async fn read_document_file(&self, case_id: Uuid, document_id: Uuid) -> Result<Vec<u8>>;
    /// Sets a document's status (a reason is kept for `rejected`).
    async fn set_document_status(
        &self,
        actor: &Actor,
        case_id: Uuid,
        document_id: Uuid,
        status: DocumentStatus,
        reason: Option<&str>,
    ) -> Result<Document>;
    /// Deletes a document and its file.
    async fn delete_document(&self, actor: &Actor, case_id: Uuid, document_id: Uuid) -> Result<()>;
    /// A document of that case.
    async fn document(&self, case_id: Uuid, document_id: Uuid) -> Result<Document>;
    /// A case's documents, by creation.
    async fn documents(&self, case_id: Uuid) -> Result<Vec<Document>>;

    // ---- notes ----

    /// Adds a note to a case.
    async fn add_note(&self, actor: &Actor, case_id: Uuid, body: &str) -> Result<Note>;
    /// A case's notes, oldest first.
    async fn notes(&self, case_id: Uuid) -> Result<Vec<Note>>;

    // ---- consultation requests ----

    /// Stores a consultation request and creates its case, once per idempotency key: a
    /// repeated key returns the first request and case with `created == false`.
    async fn submit_consultation(
        &self,
        actor: &Actor,
        new: NewConsultation,
    ) -> Result<ConsultationOutcome>;
    /// The consultation request that created a case, if any.
    async fn consultation_for_case(&self, case_id: Uuid) -> Result<Option<ConsultationRequest>>;

    // ---- reminders ----

    /// Schedules a reminder.
    async fn schedule_reminder(&self, actor: &Actor, new: NewReminder) -> Result<Reminder>;
    /// Claims up to `limit` due, unclaimed reminders for `worker`, atomically: across any
    /// number of processes each reminder is claimed by exactly one worker.
    async fn claim_due_reminders(
        &self,
        now: Timestamp,
        worker: &str,
        limit: i64,
    ) -> Result<Vec<Reminder>>;
    /// Marks a claimed reminder as sent (only by the worker that claimed it).
    async fn complete_reminder(&self, id: Uuid, worker: &str, now: Timestamp) -> Result<()>;
    /// Gives a claimed, unsent reminder back (sending failed) so it is claimed again.
    async fn release_reminder(&self, id: Uuid, worker: &str) -> Result<()>;
    /// Gives back claims older than `claimed_before` that were never completed (a worker
    /// died between claiming and sending); returns how many. Calling this trades
    /// exactly-once for at-least-once on a crash: choose the cut-off accordingly.
    async fn release_stale_claims(&self, claimed_before: Timestamp) -> Result<u64>;
    /// A case's reminders, by due time.
    async fn reminders(&self, case_id: Uuid) -> Result<Vec<Reminder>>;

    // ---- audit ----

    /// A case's audit records, oldest first.
    async fn audit_for_case(&self, case_id: Uuid) -> Result<Vec<AuditRecord>>;
    /// Walks the whole audit chain; `Integrity` names the first broken record.
    async fn verify_audit(&self) -> Result<AuditSummary>;

    // ---- backup ----

    /// Online backup to a file (SQLite `VACUUM INTO`; the file is a complete database).
    /// PostgreSQL: `Unsupported` (use [`Store::export`] or `pg_dump`).
    async fn backup_to(&self, path: &std::path::Path) -> Result<()>;
    /// Logical export of every table and document file as JSON lines.
    async fn export(&self, out: &mut (dyn std::io::Write + Send)) -> Result<TransferSummary>;
    /// Loads an export into this store, which must be empty (freshly migrated).
    async fn import(&self, input: &mut (dyn std::io::BufRead + Send)) -> Result<TransferSummary>;
    /// Database self-check (SQLite `PRAGMA integrity_check`); `Integrity` if it fails.
    async fn check_integrity(&self) -> Result<()>;

    // ---- reminders (continued) ----

    /// Replaces a case's pending reminders of `kind` (neither claimed nor sent) by `new`, in
    /// one transaction that first locks the case, so concurrent replacements for one case
    /// never leave both sets behind. A new reminder whose payload equals that of a reminder
    /// of the case and kind already claimed or sent is skipped: what was sent is not sent
    /// again. Every `new` reminder must name `case_id` and `kind`, else `Unsupported`.
    /// Returns the reminders created; `NotFound` when the case does not exist.
    async fn replace_pending_reminders(
        &self,
        actor: &Actor,
        case_id: Uuid,
        kind: &str,
        new: Vec<NewReminder>,
    ) -> Result<Vec<Reminder>>;
    /// Deletes a case's pending reminders of `kind` (neither claimed nor sent); returns how
    /// many. Claimed and sent reminders are kept.
    async fn cancel_pending_reminders(
        &self,
        actor: &Actor,
        case_id: Uuid,
        kind: &str,
    ) -> Result<u64>;
}
