//! The stored domain: users, sessions, tokens, cases and everything hung on a case.
//!
//! Cases are pack-independent: facts, history, assessment reports and reminder payloads are
//! plain JSON, so the store does not depend on the rules. Times are [`jiff::Timestamp`]
//! (stored as fixed-width RFC 3339 UTC text), calendar dates are [`jiff::civil::Date`]
//! (stored as `YYYY-MM-DD`). `Debug` output of types holding personal data is redacted.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Backend {
    /// Embedded SQLite file in the data directory.
    Sqlite,
    /// PostgreSQL server, possibly shared by several app processes.
    Postgres,
}

impl Backend {
    /// A short lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// The stored text form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parses the stored text form.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// What a user may do.
    Role {
        /// Sees only their own case.
        Applicant = "applicant",
        /// Works on assigned cases (or the firm's).
        Adviser = "adviser",
        /// Manages users and everything else.
        Admin = "admin",
    }
}

text_enum! {
    /// What a one-time token is for.
    TokenPurpose {
        /// First start: create the first admin.
        Setup = "setup",
        /// Invitation: create an account (applicant for a case, or an adviser).
        Invitation = "invitation",
        /// Set a new password.
        PasswordReset = "password_reset",
    }
}

text_enum! {
    /// Where a requested document stands.
    DocumentStatus {
        /// Asked for, not yet received.
        Requested = "requested",
        /// A file was uploaded.
        Received = "received",
        /// An adviser checked it.
        Verified = "verified",
        /// An adviser refused it (with a reason).
        Rejected = "rejected",
    }
}

/// Who made a change and from where; written into every audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user, or `None` for the public site and the system.
    pub user_id: Option<Uuid>,
    /// Where the change came from: a client address, `"cli"`, `"scheduler"`, `"public"`.
    pub origin: String,
}

impl Actor {
    /// A signed-in user acting from `origin`.
    pub fn user(user_id: Uuid, origin: impl Into<String>) -> Self {
        Actor {
            user_id: Some(user_id),
            origin: origin.into(),
        }
    }
    /// The system or an anonymous visitor acting from `origin`.
    pub fn system(origin: impl Into<String>) -> Self {
        Actor {
            user_id: None,
            origin: origin.into(),
        }
    }
}

/// A secret handed out once (session token, one-time link token). Only its SHA-256 is
/// stored. `Debug` prints nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(pub(crate) String);

impl SecretToken {
    /// The token text, to put in a cookie or link. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(..)")
    }
}

/// An advisory firm (optional grouping of advisers and cases).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firm {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Created.
    pub created_at: Timestamp,
}

/// A user account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Id (UUIDv7).
    pub id: Uuid,
    /// E-mail address, stored trimmed and lower-cased; unique.
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// PHC password hash string (Argon2id), or `None` while no password is set.
    pub password_hash: Option<String>,
    /// Preferred language (`en`, `ru`, `kk`).
    pub language: String,
    /// Firm, if any.
    pub firm_id: Option<Uuid>,
    /// Created.
    pub created_at: Timestamp,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("language", &self.language)
            .field("firm_id", &self.firm_id)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// A user to create.
#[derive(Clone)]
pub struct NewUser {
    /// E-mail address (normalised by the store).
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role. For an invitation token that names a role, the token's role wins.
    pub role: Role,
    /// PHC password hash string.
    pub password_hash: Option<String>,
    /// Preferred language.
    pub language: String,
    /// Firm.
    pub firm_id: Option<Uuid>,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A change to a user account; `None` leaves a field as it is.
#[derive(Clone, Default)]
pub struct UserChange {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// Move to (`Some(Some(id))`) or out of (`Some(None)`) a firm.
    pub firm_id: Option<Option<Uuid>>,
}

impl fmt::Debug for UserChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserChange")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A server-side session (looked up by the hash of its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The signed-in user.
    pub user_id: Uuid,
    /// Created.
    pub created_at: Timestamp,
    /// Last request seen (before this one).
    pub last_seen_at: Timestamp,
    /// Absolute expiry.
    pub expires_at: Timestamp,
}

/// A one-time token to create.
#[derive(Debug, Clone)]
pub struct NewOneTimeToken {
    /// Purpose; a token redeemed for another purpose is refused.
    pub purpose: TokenPurpose,
    /// The user it concerns (password reset).
    pub user_id: Option<Uuid>,
    /// The case it invites to (applicant invitation).
    pub case_id: Option<Uuid>,
    /// The role the new account gets (invitation, setup).
    pub role: Option<Role>,
    /// Expiry.
    pub expires_at: Timestamp,
}

/// A redeemed one-time token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    /// Purpose.
    pub purpose: TokenPurpose,
    /// The user it concerns.
    pub user_id: Option<Uuid>,
    /// The case it invites to.
    pub case_id: Option<Uuid>,
    /// The role it grants.
    pub role: Option<Role>,
    /// Created.
    pub created_at: Timestamp,
    /// Expiry.
    pub expires_at: Timestamp,
    /// When it was used.
    pub used_at: Option<Timestamp>,
}

/// A case in the workbench.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Id (UUIDv7).
    pub id: Uuid,
    /// Title shown in the list.
    pub title: String,
    /// Workflow status (free text chosen by the web layer, e.g. `new`, `open`, `closed`).
    pub status: String,
    /// Assigned adviser.
    pub adviser_id: Option<Uuid>,
    /// The applicant's account, once invited.
    pub applicant_id: Option<Uuid>,
    /// Firm.
    pub firm_id: Option<Uuid>,
    /// Case language.
    pub language: String,
    /// Facts (rule-pack fact ids → answers), as JSON.
    pub facts: Value,
    /// Residence history (the case file's history section), as JSON.
    pub history: Value,
    /// Urgency key computed by the caller; higher is more urgent.
    pub urgency: i64,
    /// The nearest deadline, if any.
    pub next_deadline: Option<Date>,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// Optimistic-concurrency version, 1 on creation, +1 on every change.
    pub version: i64,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case")
            .field("id", &self.id)
            .field("status", &self.status)
            .field("adviser_id", &self.adviser_id)
            .field("applicant_id", &self.applicant_id)
            .field("urgency", &self.urgency)
            .field("next_deadline", &self.next_deadline)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// A case to create.
#[derive(Clone, Default)]
pub struct NewCase {
    /// Title.
    pub title: String,
    /// Status.
    pub status: String,
    /// Assigned adviser.
    pub adviser_id: Option<Uuid>,
    /// Applicant account.
    pub applicant_id: Option<Uuid>,
    /// Firm.
    pub firm_id: Option<Uuid>,
    /// Language.
    pub language: String,
    /// Facts JSON (`Value::Null` is stored as `{}`).
    pub facts: Value,
    /// History JSON (`Value::Null` is stored as `[]`).
    pub history: Value,
    /// Urgency key.
    pub urgency: i64,
    /// Nearest deadline.
    pub next_deadline: Option<Date>,
}

impl fmt::Debug for NewCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewCase")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A change to a case; `None` leaves a field as it is. The changed field names (never
/// their values) go into the audit record.
#[derive(Clone, Default)]
pub struct CaseChange {
    /// New title.
    pub title: Option<String>,
    /// New status.
    pub status: Option<String>,
    /// Assign (`Some(Some(id))`) or unassign (`Some(None)`) the adviser.
    pub adviser_id: Option<Option<Uuid>>,
    /// Link or unlink the applicant account.
    pub applicant_id: Option<Option<Uuid>>,
    /// New language.
    pub language: Option<String>,
    /// New facts (kept in the fact history).
    pub facts: Option<Value>,
    /// New residence history.
    pub history: Option<Value>,
    /// New urgency key.
    pub urgency: Option<i64>,
    /// New nearest deadline.
    pub next_deadline: Option<Option<Date>>,
}

impl fmt::Debug for CaseChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseChange")
            .field("fields", &self.field_names())
            .finish()
    }
}

impl CaseChange {
    /// The names of the fields this change sets.
    pub fn field_names(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        macro_rules! f {
            ($($name:ident),*) => { $(if self.$name.is_some() { v.push(stringify!($name)); })* };
        }
        f!(
            title,
            status,
            adviser_id,
            applicant_id,
            language,
            facts,
            history,
            urgency,
            next_deadline
        );
        v
    }
}

/// Filters and page for the workbench case list. Results are ordered most urgent first
/// (`urgency` descending), then by nearest deadline (none last), then by id.
#[derive(Debug, Clone)]
pub struct CaseQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Only cases assigned to this adviser.
    pub adviser_id: Option<Uuid>,
    /// Only this applicant's cases.
    pub applicant_id: Option<Uuid>,
    /// Only this firm's cases.
    pub firm_id: Option<Uuid>,
    /// Case-insensitive substring of the title.
    pub title_contains: Option<String>,
    /// Only cases no adviser is assigned to.
    pub unassigned_only: bool,
    /// Only cases an adviser may see: assigned to them, of their firm, or not yet taken by
    /// anyone (no adviser and no firm: the intake of new consultation requests).
    pub visible_to_adviser: Option<(Uuid, Option<Uuid>)>,
    /// Rows to skip.
    pub offset: i64,
    /// Page size (clamped to 1..=500).
    pub limit: i64,
}

impl Default for CaseQuery {
    fn default() -> Self {
        CaseQuery {
            status: None,
            adviser_id: None,
            applicant_id: None,
            firm_id: None,
            title_contains: None,
            visible_to_adviser: None,
            unassigned_only: false,
            offset: 0,
            limit: 50,
        }
    }
}

/// One row of the case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Status.
    pub status: String,
    /// Assigned adviser.
    pub adviser_id: Option<Uuid>,
    /// Applicant account.
    pub applicant_id: Option<Uuid>,
    /// Urgency key.
    pub urgency: i64,
    /// Nearest deadline.
    pub next_deadline: Option<Date>,
    /// Last changed.
    pub updated_at: Timestamp,
    /// Version.
    pub version: i64,
}

/// A page of the case list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePage {
    /// The rows.
    pub cases: Vec<CaseSummary>,
    /// Whether another page follows.
    pub has_more: bool,
}

/// One state of a case's facts, kept whenever they change.
#[derive(Debug, Clone, PartialEq)]
pub struct FactChange {
    /// The case version that introduced these facts.
    pub version: i64,
    /// The facts.
    pub facts: Value,
    /// Who changed them.
    pub changed_by: Option<Uuid>,
    /// When.
    pub changed_at: Timestamp,
}

/// An assessment to keep, so that advice can be reproduced.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    /// The case.
    pub case_id: Uuid,
    /// Rule-pack id.
    pub pack_id: String,
    /// Rule-pack version.
    pub pack_version: String,
    /// The as-of date used.
    pub as_of: Date,
    /// The facts assessed (snapshot).
    pub facts: Value,
    /// The report produced.
    pub report: Value,
}

/// A stored assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Id.
    pub id: Uuid,
    /// The case.
    pub case_id: Uuid,
    /// Rule-pack id.
    pub pack_id: String,
    /// Rule-pack version.
    pub pack_version: String,
    /// As-of date.
    pub as_of: Date,
    /// Facts snapshot.
    pub facts: Value,
    /// Report.
    pub report: Value,
    /// Who ran it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: Timestamp,
}

/// Metadata of an uploaded file, supplied by the caller (who encrypts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUpload {
    /// Content type established from the content.
    pub content_type: String,
    /// Plaintext size in bytes.
    pub size: i64,
    /// Hex SHA-256 of the plaintext.
    pub sha256: String,
}

/// The stored file of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Server-generated file name in the data directory's `documents/` folder.
    pub stored_name: String,
    /// Plaintext size.
    pub size: i64,
    /// Content type.
    pub content_type: String,
    /// Hex SHA-256 of the plaintext.
    pub sha256: String,
}

/// A document of a case (requested, then received, verified or rejected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Id.
    pub id: Uuid,
    /// The case it belongs to.
    pub case_id: Uuid,
    /// Document kind (rule-pack document id).
    pub kind: String,
    /// Status.
    pub status: DocumentStatus,
    /// Reason for a rejection.
    pub reason: Option<String>,
    /// The uploaded file, if any.
    pub file: Option<StoredFile>,
    /// Who uploaded the file.
    pub uploaded_by: Option<Uuid>,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// A note on a case.
#[derive(Clone, PartialEq, Eq)]
pub struct Note {
    /// Id.
    pub id: Uuid,
    /// Case.
    pub case_id: Uuid,
    /// Author.
    pub author_id: Option<Uuid>,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: Timestamp,
}

impl fmt::Debug for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Note")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .finish_non_exhaustive()
    }
}

/// A consultation request from the public finder. The idempotency key (from the form)
/// makes a repeated submission take effect once.
#[derive(Clone)]
pub struct NewConsultation {
    /// Idempotency key chosen by the form (e.g. a random id in a hidden field).
    pub idempotency_key: String,
    /// Visitor's name.
    pub name: String,
    /// Contact (e-mail or phone).
    pub contact: String,
    /// Preferred language.
    pub language: String,
    /// Message.
    pub message: String,
    /// The finder's answers; they become the new case's facts.
    pub answers: Value,
    /// Title of the case to create.
    pub case_title: String,
    /// Status of the case to create.
    pub case_status: String,
    /// Urgency key of the case to create.
    pub urgency: i64,
}

impl fmt::Debug for NewConsultation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewConsultation").finish_non_exhaustive()
    }
}

/// A stored consultation request.
#[derive(Clone, PartialEq)]
pub struct ConsultationRequest {
    /// Id.
    pub id: Uuid,
    /// Idempotency key.
    pub idempotency_key: String,
    /// Name.
    pub name: String,
    /// Contact.
    pub contact: String,
    /// Language.
    pub language: String,
    /// Message.
    pub message: String,
    /// Answers.
    pub answers: Value,
    /// The case created from it.
    pub case_id: Uuid,
    /// When.
    pub created_at: Timestamp,
}

impl fmt::Debug for ConsultationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsultationRequest")
            .field("id", &self.id)
            .field("case_id", &self.case_id)
            .finish_non_exhaustive()
    }
}

/// What a consultation submission did.
#[derive(Debug, Clone)]
pub struct ConsultationOutcome {
    /// The request (the earlier one for a repeated key).
    pub request: ConsultationRequest,
    /// The case created from it.
    pub case: Case,
    /// `false` when the key had been seen before and nothing new was stored.
    pub created: bool,
}

/// A reminder to schedule.
#[derive(Debug, Clone)]
pub struct NewReminder {
    /// The case it concerns.
    pub case_id: Option<Uuid>,
    /// Kind (e.g. `deadline`, `document_missing`).
    pub kind: String,
    /// Payload for the sender (ids, not personal data).
    pub payload: Value,
    /// When it becomes due.
    pub due_at: Timestamp,
}

/// A scheduled reminder.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    /// Id.
    pub id: Uuid,
    /// Case.
    pub case_id: Option<Uuid>,
    /// Kind.
    pub kind: String,
    /// Payload.
    pub payload: Value,
    /// Due.
    pub due_at: Timestamp,
    /// Created.
    pub created_at: Timestamp,
    /// The worker that claimed it.
    pub claimed_by: Option<String>,
    /// When it was claimed.
    pub claimed_at: Option<Timestamp>,
    /// When sending was confirmed.
    pub done_at: Option<Timestamp>,
}

/// One audit record. It names ids and field names only, never values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor_id: Option<Uuid>,
    /// From where.
    pub origin: String,
    /// What, e.g. `case.update`, `document.status`.
    pub action: String,
    /// The case concerned.
    pub case_id: Option<Uuid>,
    /// The object concerned (document, note, assessment, user…).
    pub object_id: Option<Uuid>,
    /// Names of the fields changed.
    pub fields: Vec<String>,
    /// Hash of the previous record (64 zeros for the first).
    pub prev_hash: String,
    /// `sha256(prev_hash ‖ canonical record)`, hex.
    pub hash: String,
}

/// Result of a successful audit-chain check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSummary {
    /// Number of records.
    pub records: i64,
    /// Hash of the last record (keep it elsewhere to detect truncation of the tail).
    pub head_hash: String,
}

/// Counts from an export or import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferSummary {
    /// Table rows written or read.
    pub rows: u64,
    /// Document files written or read.
    pub files: u64,
}
