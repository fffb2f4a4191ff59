-- History retention deletes a batch of old runs with their alert deliveries: found by run, not by a table scan.
CREATE INDEX alert_deliveries_by_run ON alert_deliveries (run_id);
