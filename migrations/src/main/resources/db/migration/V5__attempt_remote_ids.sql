-- The id a remote cluster knows an attempt by (a standalone driver id, a Spark Connect operation), written as
-- soon as the cluster accepted it, so that a restarted daemon follows that job again instead of submitting twice.
ALTER TABLE task_attempts ADD COLUMN remote_id VARCHAR(200);
