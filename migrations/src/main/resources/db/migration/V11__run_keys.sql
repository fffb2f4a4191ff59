-- Keys that make a run at most once per event, whichever daemon sees it: an upstream pipeline's run lining up
-- with a downstream date ("date:2026-12-04"), later an inbound event's Idempotency-Key. Written in the run's
-- insert transaction; a key already there means the run exists and nothing is written.
CREATE TABLE run_keys (
    pipeline_id VARCHAR(64)  NOT NULL,
    run_key     VARCHAR(200) NOT NULL,
    run_id      VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (pipeline_id, run_key)
);
-- the upstream trigger reads an upstream pipeline's runs of one day, whatever made them, and (catching up on ends
-- no daemon looked at) the runs that ended lately
CREATE INDEX runs_by_pipeline_time ON runs (pipeline_id, logical_time);
CREATE INDEX runs_by_pipeline_end ON runs (pipeline_id, ended_at);
