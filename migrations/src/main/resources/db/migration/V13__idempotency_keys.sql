-- Idempotency-Key headers, for every route that takes one (inbound events now; manual triggers and backfills
-- later): a key seen within its retention answers what its first request made instead of making it again. The
-- primary key decides between two daemons inserting the same key at once: one insert wins, in the same
-- transaction as what it made; the other finds the winner's row. Rows past expires_at are deleted periodically,
-- and one not deleted yet counts as free.
CREATE TABLE idempotency_keys (
    scope      VARCHAR(100) NOT NULL, -- the route and its object: "events:<pipeline id>"
    idem_key   VARCHAR(200) NOT NULL, -- the caller's Idempotency-Key, as sent
    result_id  VARCHAR(64)  NOT NULL, -- what the first request made: a run id for events
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

-- what fired a run, when an event did: its Idempotency-Key, or the event id the daemon gave a keyless event
ALTER TABLE runs ADD COLUMN trigger_event VARCHAR(200);
