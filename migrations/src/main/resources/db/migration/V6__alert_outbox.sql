-- Alert outbox: one row per (event, webhook), written in the same transaction as the run or task state change
-- that caused the event, so a crash right after the change cannot lose the alert. The delivery worker sends due
-- rows and records every attempt; delivery is at least once, and event_id lets receivers de-duplicate.
CREATE TABLE alert_deliveries (
    delivery_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    event_id        VARCHAR(64)  NOT NULL,
    webhook         VARCHAR(64)  NOT NULL,
    event_type      VARCHAR(32)  NOT NULL,
    pipeline_id     VARCHAR(64)  NOT NULL,
    run_id          VARCHAR(32)  NOT NULL,
    task_id         VARCHAR(64),
    payload         TEXT         NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    attempts        INTEGER      NOT NULL,
    created_at      BIGINT       NOT NULL,
    -- retries go on until retry_from + retryFor; a retry through the API starts the period afresh
    retry_from      BIGINT       NOT NULL,
    -- when the worker may (next) send it; a worker that takes a row moves this past its timeout (a lease)
    next_attempt_at BIGINT       NOT NULL,
    delivered_at    BIGINT,
    last_status     INTEGER,
    last_error      TEXT
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (state, next_attempt_at);
CREATE INDEX alert_deliveries_by_state ON alert_deliveries (state, delivery_id);

CREATE TABLE alert_delivery_attempts (
    delivery_id    VARCHAR(64)  NOT NULL,
    attempt_number INTEGER      NOT NULL,
    attempted_at   BIGINT       NOT NULL,
    status_code    INTEGER,
    error          TEXT,
    duration_ms    BIGINT       NOT NULL,
    PRIMARY KEY (delivery_id, attempt_number)
);
