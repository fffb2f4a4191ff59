-- Scheduling state, backfills and repairs. Portable SQL, as V1.

-- Per scheduled pipeline: whether it is paused (survives restarts) and the newest logical time the scheduler
-- has dealt with, fired or passed over; catch-up starts after it.
CREATE TABLE pipeline_schedules (
    pipeline_id  VARCHAR(64) NOT NULL PRIMARY KEY,
    paused       BOOLEAN     NOT NULL,
    paused_at    BIGINT,
    cursor_time  BIGINT      NOT NULL
);

-- A backfill: the runs it made carry its id and share its own concurrency limit.
CREATE TABLE backfills (
    backfill_id     VARCHAR(32) NOT NULL PRIMARY KEY,
    pipeline_id     VARCHAR(64) NOT NULL,
    from_time       BIGINT      NOT NULL,
    to_time         BIGINT      NOT NULL,
    max_active_runs INTEGER     NOT NULL,
    created_at      BIGINT      NOT NULL
);
ALTER TABLE runs ADD COLUMN backfill_id VARCHAR(32);
CREATE INDEX runs_by_backfill ON runs (backfill_id);

-- Each repair of a run: which definition it used and which tasks it ran again.
CREATE TABLE run_repairs (
    run_id        VARCHAR(32) NOT NULL,
    repair_number INTEGER     NOT NULL,
    content_hash  VARCHAR(64) NOT NULL,
    version       VARCHAR(16) NOT NULL,
    tasks         TEXT        NOT NULL,
    requested_at  BIGINT      NOT NULL,
    PRIMARY KEY (run_id, repair_number)
);
-- Attempts made before the current repair: retries are counted from here, so a repair gets a fresh budget.
ALTER TABLE task_runs ADD COLUMN attempt_base INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_attempts ADD COLUMN repair_number INTEGER NOT NULL DEFAULT 0;
-- What the attempt ran, after templating: the SQL text, or the class or command and its arguments.
ALTER TABLE task_attempts ADD COLUMN rendered TEXT;
