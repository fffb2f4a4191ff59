-- Alert mutes: while now < muted_until, a pipeline's alerts are not written to the outbox (runs go on as usual).
-- One row per pipeline; muting again replaces it, unmuting deletes it. Who and why are also in the audit log.
CREATE TABLE pipeline_mutes (
    pipeline_id VARCHAR(64)  NOT NULL PRIMARY KEY,
    muted_until BIGINT       NOT NULL,
    muted_by    VARCHAR(128) NOT NULL,
    reason      VARCHAR(500),
    created_at  BIGINT       NOT NULL
);

-- A pipeline's deliveries newest first (GET /api/v1/webhooks/deliveries?pipeline=, the dashboard's alerts of a
-- pipeline): keyset paging on delivery_id within one pipeline.
CREATE INDEX alert_deliveries_by_pipeline ON alert_deliveries (pipeline_id, delivery_id);
