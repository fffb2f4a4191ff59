-- The periodic alert checks (docs/alerts.md#deadlines-and-baselines): deadlines and learned baselines, evaluated
-- from the run history by whichever daemon is live.

-- An alert a check raised, at most once per key whichever daemon checks first: "run_late:<logical time ms>",
-- "run_start_late:<logical time ms>", "run_slow:<run id>", "task_slow:<run id>/<task>". Written in the transaction
-- that writes the event's deliveries; a key already there means the alert was raised and nothing is written.
CREATE TABLE alert_marks (
    pipeline_id VARCHAR(64)  NOT NULL,
    alert_key   VARCHAR(200) NOT NULL,
    event_id    VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (pipeline_id, alert_key)
);

-- Per pipeline with a deadline: since when it has one (scheduled times before are not judged) and the time up to
-- which its deadlines have been checked. A pipeline seen for the first time starts from now; a daemon that was down
-- catches up from checked_until on its next check.
CREATE TABLE deadline_checks (
    pipeline_id   VARCHAR(64) NOT NULL PRIMARY KEY,
    since         BIGINT      NOT NULL,
    checked_until BIGINT      NOT NULL
);
