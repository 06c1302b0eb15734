-- Staff accounts, their sessions, sign-in failures, the audit log, call
-- outcomes and who changed each plan. Times are microseconds since the Unix
-- epoch (UTC) and flags are 0/1, the same on SQLite and PostgreSQL, so one
-- set of queries serves both.
CREATE TABLE staff (
    id                  TEXT PRIMARY KEY NOT NULL,
    email               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    role                TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);

-- Only a SHA-256 of each session token is kept.
CREATE TABLE staff_sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    staff_id     TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    address      TEXT NOT NULL,
    agent        TEXT NOT NULL,
    -- How this member of staff is in contact with people: `phone` or
    -- `face_to_face`; what they do is recorded on that channel.
    channel      TEXT NOT NULL DEFAULT 'phone'
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- Failed sign-ins, by the email typed (lower case), known or not, so that
-- throttling does not reveal which accounts exist.
CREATE TABLE login_failures (
    email TEXT NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);

-- Append-only: the triggers refuse changes and deletions.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    staff_id    TEXT NOT NULL,
    staff_email TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    address     TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;

-- What each call was about and how it ended.
CREATE TABLE call_outcomes (
    id         TEXT PRIMARY KEY NOT NULL,
    at         INTEGER NOT NULL,
    staff_id   TEXT NOT NULL,
    channel    TEXT NOT NULL,
    life_event TEXT,
    service    TEXT,
    action     TEXT NOT NULL,
    resolved   INTEGER NOT NULL,
    plan       TEXT
);
CREATE INDEX call_outcomes_at ON call_outcomes (at);

-- Who contributed what to a plan: the citizen, or a named member of staff.
CREATE TABLE plan_history (
    reference TEXT NOT NULL REFERENCES plans (reference) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX plan_history_reference ON plan_history (reference, at);
