-- Several daemons on one database. Portable SQL, as V1.

-- Each life of each daemon: it heartbeats here while it runs. When it stops, or its heartbeat goes stale, another
-- daemon (or its own next life) adopts its unfinished runs.
CREATE TABLE daemons (
    daemon_id    VARCHAR(64)  NOT NULL PRIMARY KEY,
    node         VARCHAR(200) NOT NULL,
    host         VARCHAR(200) NOT NULL,
    pid          BIGINT       NOT NULL,
    started_at   BIGINT       NOT NULL,
    heartbeat_at BIGINT       NOT NULL,
    stopped_at   BIGINT,
    stop_reason  TEXT
);
CREATE INDEX daemons_by_node ON daemons (node);

-- The daemon that drives the run; every write about the run checks it (fencing), so a daemon whose runs were
-- adopted cannot move them any more. NULL: nobody yet, the next daemon to look adopts it.
ALTER TABLE runs ADD COLUMN owner VARCHAR(64);
-- A cancel asked of a daemon that does not own the run; the owner carries it out.
ALTER TABLE runs ADD COLUMN cancel_requested_at BIGINT;
-- The daemon that ran the attempt.
ALTER TABLE task_attempts ADD COLUMN daemon_id VARCHAR(64);
