-- qonys store schema v1 (PostgreSQL). Keep in step with ../sqlite/0001_init.sql:
-- same tables, same columns, same names. TEXT UUIDv7 ids, TEXT timestamps
-- (RFC 3339 UTC, fixed width), TEXT dates (YYYY-MM-DD), INTEGER 0/1 flags,
-- JSON as TEXT.

CREATE TABLE firms (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('applicant', 'adviser', 'admin')),
    password_hash  TEXT,
    language       TEXT NOT NULL,
    firm_id        TEXT REFERENCES firms (id),
    created_at     TEXT NOT NULL,
    disabled       BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    title_search   TEXT NOT NULL,
    status         TEXT NOT NULL,
    adviser_id     TEXT REFERENCES users (id),
    applicant_id   TEXT REFERENCES users (id),
    firm_id        TEXT REFERENCES firms (id),
    language       TEXT NOT NULL,
    facts          TEXT NOT NULL,
    history        TEXT NOT NULL,
    urgency        BIGINT NOT NULL DEFAULT 0,
    next_deadline  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL CHECK (version >= 1)
);
-- The workbench list: most urgent first, then the nearest deadline.
CREATE INDEX cases_by_urgency ON cases (urgency DESC, next_deadline, id);
CREATE INDEX cases_by_status_urgency ON cases (status, urgency DESC, next_deadline, id);
CREATE INDEX cases_by_adviser_urgency ON cases (adviser_id, urgency DESC, next_deadline, id);
CREATE INDEX cases_by_applicant ON cases (applicant_id);

CREATE TABLE one_time_tokens (
    token_hash  TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('setup', 'invitation', 'password_reset')),
    user_id     TEXT REFERENCES users (id) ON DELETE CASCADE,
    case_id     TEXT REFERENCES cases (id) ON DELETE CASCADE,
    role        TEXT CHECK (role IN ('applicant', 'adviser', 'admin')),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE TABLE consultation_requests (
    id               TEXT PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    contact          TEXT NOT NULL,
    language         TEXT NOT NULL,
    message          TEXT NOT NULL,
    answers          TEXT NOT NULL,
    case_id          TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    created_at       TEXT NOT NULL
);

CREATE TABLE case_fact_history (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    facts       TEXT NOT NULL,
    changed_by  TEXT REFERENCES users (id),
    changed_at  TEXT NOT NULL
);
CREATE INDEX case_fact_history_by_case ON case_fact_history (case_id, version);

CREATE TABLE assessments (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    pack_id       TEXT NOT NULL,
    pack_version  TEXT NOT NULL,
    as_of         TEXT NOT NULL,
    facts         TEXT NOT NULL,
    report        TEXT NOT NULL,
    created_by    TEXT REFERENCES users (id),
    created_at    TEXT NOT NULL
);
CREATE INDEX assessments_by_case ON assessments (case_id, created_at);

CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('requested', 'received', 'verified', 'rejected')),
    reason        TEXT,
    stored_name   TEXT UNIQUE,
    size          BIGINT,
    content_type  TEXT,
    sha256        TEXT,
    uploaded_by   TEXT REFERENCES users (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX documents_by_case ON documents (case_id);

CREATE TABLE notes (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id   TEXT REFERENCES users (id),
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX notes_by_case ON notes (case_id, created_at);

CREATE TABLE reminders (
    id          TEXT PRIMARY KEY,
    case_id     TEXT REFERENCES cases (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    claimed_by  TEXT,
    claimed_at  TEXT,
    done_at     TEXT
);
CREATE INDEX reminders_due ON reminders (claimed_by, due_at);

-- Append-only, hash-chained. No foreign keys: the chain outlives what it describes.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   TEXT,
    origin     TEXT NOT NULL,
    action     TEXT NOT NULL,
    case_id    TEXT,
    object_id  TEXT,
    fields     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_by_case ON audit_log (case_id, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
