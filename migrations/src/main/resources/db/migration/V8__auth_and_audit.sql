-- Authentication and the audit log. Secrets (API tokens, session ids) are stored as SHA-256 hex digests only:
-- they are 32 random bytes, so a fast hash is enough; passwords are bcrypt hashes. Times are epoch milliseconds.
-- Ids are ULIDs (see RunIds), so "newest first" paging of the audit log is a primary-key range.

CREATE TABLE api_tokens (
    token_id     VARCHAR(32)  NOT NULL PRIMARY KEY,
    name         VARCHAR(128) NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,
    role         VARCHAR(16)  NOT NULL,
    -- a glob of the pipeline ids the token may see and act on; NULL for all
    pipelines    VARCHAR(128),
    created_at   BIGINT       NOT NULL,
    created_by   VARCHAR(160) NOT NULL,
    expires_at   BIGINT,
    -- updated at most once a minute per token, so authentication stays a read
    last_used_at BIGINT,
    revoked_at   BIGINT
);

CREATE TABLE users (
    user_id       VARCHAR(32)  NOT NULL PRIMARY KEY,
    username      VARCHAR(64)  NOT NULL UNIQUE,
    password_hash VARCHAR(100) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    pipelines     VARCHAR(128),
    created_at    BIGINT       NOT NULL,
    created_by    VARCHAR(160) NOT NULL
);

-- Dashboard sessions: who signed in (a token or a user, with their role and pattern at sign-in time) until
-- expires_at, which each use moves forward (idle timeout).
CREATE TABLE sessions (
    session_hash VARCHAR(64)  NOT NULL PRIMARY KEY,
    subject_kind VARCHAR(8)   NOT NULL,
    subject_id   VARCHAR(32)  NOT NULL,
    created_at   BIGINT       NOT NULL,
    expires_at   BIGINT       NOT NULL
);

CREATE TABLE audit_log (
    audit_id       VARCHAR(32)  NOT NULL PRIMARY KEY,
    at             BIGINT       NOT NULL,
    actor          VARCHAR(160) NOT NULL,
    role           VARCHAR(16),
    action         VARCHAR(32)  NOT NULL,
    target         VARCHAR(128),
    detail         TEXT,
    remote_address VARCHAR(64)
);
CREATE INDEX audit_log_by_target ON audit_log (target, audit_id);
